"""Pages of the ledger: the lease's account, the payment form, month-end with its progress, closing, arrears,
the household panel; constant query counts on lists."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from habiter.ledger.models import Payment, PeriodClose, RentCall, RentCallRun, RunStatus
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def lease(manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    for month in (1, 2, 3):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, month, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("700.00"), received_on=date(2025, 2, 6), source="tenant"
    )
    return lease


def _client(client, user):
    client.force_login(user)
    return client


def test_the_lease_account_shows_calls_payments_and_balance(client, manager, lease):
    response = _client(client, manager).get(reverse("ledger:lease_account", args=[lease.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Reste dû" in content and "950,00 €" in content
    assert "Émettre la quittance" in content and "Émettre un reçu" in content
    assert "janvier 2025 (550,00 €), février 2025 (150,00 €)" in " ".join(content.split())


def test_a_payment_through_the_form_is_recorded_and_allocated(client, manager, lease):
    url = reverse("ledger:payment_create", args=[lease.pk])
    response = _client(client, manager).post(
        url, {"amount": "400,00", "received_on": "2025-03-06", "source": "caf", "reference": "CAF-03"}
    )
    assert response.status_code == 302
    payment = Payment.objects.get(reference="CAF-03")
    assert payment.amount == D("400.00") and payment.allocations.count() == 1
    again = client.post(url, {"amount": "1", "received_on": "2025-03-06", "source": "caf", "reference": "CAF-03"})
    assert again.status_code == 200 and "porte déjà la référence" in again.content.decode()


def test_a_large_payment_asks_to_tick_je_confirme_ce_montant_then_is_recorded(client, manager, lease):
    url = reverse("ledger:payment_create", args=[lease.pk])
    data = {"amount": "9000,00", "received_on": "2025-03-06", "source": "tenant", "reference": "GROS"}
    asked = _client(client, manager).post(url, data)
    content = asked.content.decode()
    assert asked.status_code == 200 and "plus de douze mois de loyer" in content
    assert 'type="checkbox" name="confirmed"' in content and "Je confirme ce montant" in content
    assert not Payment.objects.filter(reference="GROS").exists()
    unticked = client.post(url, data | {"confirmed": "False"})
    assert unticked.status_code == 200 and not Payment.objects.filter(reference="GROS").exists()
    confirmed = client.post(url, data | {"confirmed": "on"})
    assert confirmed.status_code == 302
    assert Payment.objects.get(reference="GROS").amount == D("9000.00")


def test_issuing_the_quittance_from_the_page(client, manager, lease, django_capture_on_commit_callbacks):
    january = RentCall.objects.get(lease=lease, period=date(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(client, manager).post(reverse("ledger:receipt_issue", args=[january.pk]))
    assert response.status_code == 302
    receipt = january.receipts.get()
    pdf = client.get(reverse("ledger:receipt_pdf", args=[receipt.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_month_end_runs_the_task_and_shows_the_progress(client, manager, lease, django_capture_on_commit_callbacks):
    client = _client(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:month_end"), {"month": "2025-04"})
    run = RentCallRun.objects.get()
    assert response["Location"] == reverse("ledger:run_detail", args=[run.pk])
    assert (run.status, run.issued) == (RunStatus.DONE, 1)
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="run-bar" max="1" value="1">' in page and "1 appel émis." in page
    assert "hx-get" not in page  # finished: no more polling


def test_a_running_run_polls_with_htmx_and_the_fragment_comes_alone(client, manager):
    run = RentCallRun.objects.create(
        organisation=manager.organisation,
        month=date(2025, 4, 1),
        status=RunStatus.RUNNING,
        total=40,
        done=10,
        started_by=manager,
    )
    client = _client(client, manager)
    page = client.get(reverse("ledger:run_detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="10"' in page
    fragment = client.get(reverse("ledger:run_detail", args=[run.pk]), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment


def test_closing_a_month(client, world):
    client = _client(client, world.users["accountant"])
    asked = client.post(reverse("ledger:period_close"), {"close-month": "2025-01"})
    assert asked.status_code == 200 and not PeriodClose.objects.exists()
    response = client.post(reverse("ledger:period_close"), {"close-month": "2025-01", "confirmed": "1"})
    assert response.status_code == 302 and PeriodClose.objects.filter(month=date(2025, 1, 1)).exists()
    page = client.get(reverse("ledger:month_end")).content.decode()
    assert "janvier 2025" in page


def test_reversing_a_payment_from_its_page(client, manager, lease):
    payment = Payment.objects.get(lease=lease)
    client = _client(client, manager)
    url = reverse("ledger:transaction_reverse", args=[payment.transaction_id])
    response = client.post(url, {"on": "2025-03-01", "confirmed": "1"})
    assert response["Location"] == reverse("ledger:lease_account", args=[lease.pk])
    payment.refresh_from_db()
    assert payment.reversed_on == date(2025, 3, 1)


def test_the_arrears_list_ages_and_flags_the_caf_threshold(client, manager, lease, world):
    response = _client(client, world.users["social_worker"]).get(reverse("ledger:arrears"), {"on": "2025-04-30"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "seuil atteint" not in content and "950,00 €" in content
    assert reverse("ledger:lease_account", args=[lease.pk]) not in content  # the worker sees amounts, not accounts
    assert "prévenir la CAF dans un délai de 2 mois" in content  # the delay from the legal parameters (R41)


def test_the_arrears_page_costs_the_same_whatever_the_number_of_leases(
    client, manager, world, django_assert_max_num_queries
):
    client = _client(client, world.users["accountant"])
    url = reverse("ledger:arrears")

    def add(count):
        for _n in range(count):
            lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
            rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
            rent_services.payment_record(
                actor=manager, lease_id=lease.pk, amount=D("100.00"), received_on=date(2025, 1, 9), source="caf"
            )

    add(1)
    # 13: one of them for the residence contracts' redevances in arrears (none here)
    with django_assert_max_num_queries(13) as few:
        client.get(url, {"on": "2025-04-30"})
    add(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"on": "2025-04-30"})
    assert response.content.decode().count("<tr>") == 7


def test_the_account_list_costs_the_same_whatever_the_number_of_accounts(
    client, manager, world, django_assert_max_num_queries
):
    client = _client(client, world.users["accountant"])
    make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("ledger:account_list"))
    for _n in range(4):
        other = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
        rent_services.rent_call_issue(actor=manager, lease_id=other.pk, period=date(2025, 1, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("ledger:account_list"))


def test_the_household_page_shows_the_balance_to_the_worker_without_the_account(client, lease, world):
    page = _client(client, world.users["social_worker"]).get(
        reverse("people:household_detail", args=[world.own_household.pk])
    )
    content = page.content.decode()
    assert "Loyers et impayés" in content and "reste dû 950,00 €" in content
    assert reverse("ledger:lease_account", args=[lease.pk]) not in content
    accountant_page = _client(client, world.users["accountant"]).get(
        reverse("people:household_detail", args=[world.own_household.pk])
    )
    assert accountant_page.status_code in (200, 404)


def test_the_dwelling_page_links_to_the_tenant_account(client, lease, world):
    page = _client(client, world.users["rental_manager"]).get(
        reverse("housing:dwelling_detail", args=[lease.dwelling_id])
    )
    assert reverse("ledger:lease_account", args=[lease.pk]) in page.content.decode()


def test_the_lease_page_shows_its_balance_and_links_to_the_account_for_ledger_users(client, manager, lease, world):
    page = _client(client, manager).get(reverse("leases:lease_detail", args=[lease.pk])).content.decode()
    assert "Reste dû : 950,00 €" in page and reverse("ledger:lease_account", args=[lease.pk]) in page
    worker_page = _client(client, world.users["social_worker"]).get(reverse("leases:lease_detail", args=[lease.pk]))
    content = worker_page.content.decode()
    assert "Reste dû : 950,00 €" in content and reverse("ledger:lease_account", args=[lease.pk]) not in content


def test_the_same_payment_form_posted_twice_records_one_payment(client, manager, lease):
    from habiter.core.tests.form_values import form_values
    from habiter.ledger.models import Transaction

    url = reverse("ledger:payment_create", args=[lease.pk])
    shown = form_values(_client(client, manager).get(url).content.decode())
    assert shown["submission_key"]
    data = shown | {"amount": "120,00", "received_on": "2025-03-06", "source": "tenant", "reference": ""}
    payments, entries = Payment.objects.count(), Transaction.objects.count()
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data)  # the double click
    assert second.status_code == 302 and second.url == reverse("ledger:lease_account", args=[lease.pk])
    assert Payment.objects.count() == payments + 1 and Transaction.objects.count() == entries + 1
    page = client.get(second.url).content.decode()
    assert "Cet encaissement est déjà enregistré." in page and "120,00" in page
    # A new form is a new payment.
    other = form_values(client.get(url).content.decode())
    assert other["submission_key"] != shown["submission_key"]
    assert client.post(url, other | {k: data[k] for k in ("amount", "received_on", "source")}).status_code == 302
    assert Payment.objects.count() == payments + 2
