"""Pages of repayment plans and arrears letters: the form and its French refusals, the follow-up page, the
letters and their PDF, who may write, hostile text shown as text, constant query counts."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from habiter.core.tests.factories import UserFactory
from habiter.ledger.models import ArrearsLetter, RepaymentPlan
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _months_ago(months):
    day = timezone.localdate().replace(day=1)
    for _ in range(months):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def _next_month():
    return (timezone.localdate().replace(day=28) + timedelta(days=4)).replace(day=1)


def _lease_in_arrears(manager, household, months=3):
    """A lease whose last `months` calls, up to last month, are unpaid (550 € each)."""
    start = _months_ago(months)
    lease = make_signed_lease(manager, household, start=start, rent="500.00", charges="50.00")
    for back in range(months, 0, -1):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=_months_ago(back))
    return lease


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def lease(manager, world):
    return _lease_in_arrears(manager, world.own_household)


def _client(client, user):
    client.force_login(user)
    return client


def _plan_data(**kw):
    return {"debt": "1650,00", "start_month": f"{_next_month():%Y-%m}", "count": "3", "note": ""} | kw


def test_the_form_is_prefilled_with_the_arrears_and_creates_the_plan(client, manager, lease):
    url = reverse("ledger:repayment_plan_create", args=[lease.pk])
    page = _client(client, manager).get(url).content.decode()
    assert 'value="1650,00"' in page and "650,00 €. Chaque échéance" in page
    response = client.post(url, _plan_data(note=HOSTILE))
    plan = RepaymentPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ledger:repayment_plan_detail", args=[plan.pk]
    )
    assert [i.amount for i in plan.instalments.all()] == [D("550.00")] * 3
    detail = client.get(response["Location"]).content.decode()
    assert HOSTILE not in detail and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in detail
    assert "à venir" in detail and "En cours" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"debt": "1650,01"}, "ne peut couvrir plus que l&#x27;impayé du bail"),
        ({"debt": "0"}, "montant positif"),
        ({"count": "", "monthly": ""}, "soit le nombre d&#x27;échéances, soit le montant mensuel"),
        ({"count": "40"}, "au plus 36 mois"),
    ],
)
def test_the_form_says_why_in_french(client, manager, lease, data, message):
    url = reverse("ledger:repayment_plan_create", args=[lease.pk])
    response = _client(client, manager).post(url, _plan_data(**data))
    assert response.status_code == 200 and message in response.content.decode()
    assert not RepaymentPlan.objects.exists()


@pytest.mark.parametrize("role", ["social_worker", "team_lead", "volunteer", "receptionist"])
def test_only_ledger_writers_make_plans_and_letters(client, world, lease, role):
    c = _client(client, world.users[role])
    assert c.post(reverse("ledger:repayment_plan_create", args=[lease.pk]), _plan_data()).status_code == 404
    assert c.post(reverse("ledger:arrears_letter_create", args=[lease.pk]), {"kind": "reminder"}).status_code == 404
    assert not RepaymentPlan.objects.exists() and not ArrearsLetter.objects.exists()


def test_another_organisation_gets_404(client, world, manager, lease):
    plan = rent_services.repayment_plan_create(actor=manager, lease_id=lease.pk, start_month=_next_month(), count=2)
    letter = rent_services.arrears_letter_send(actor=manager, lease_id=lease.pk, kind="reminder")
    foreign = UserFactory(organisation=world.other_organisation, role="accountant")
    c = _client(client, foreign)
    for url in (
        reverse("ledger:repayment_plan_detail", args=[plan.pk]),
        reverse("ledger:arrears_letter_pdf", args=[letter.pk]),
        reverse("ledger:repayment_plan_create", args=[lease.pk]),
    ):
        assert c.get(url).status_code == 404
    response = c.post(reverse("ledger:repayment_plan_move", args=[plan.pk]), {"status": "cancelled", "reason": "x"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == "active"


def test_moving_a_plan_with_a_hostile_reason(client, manager, lease):
    plan = rent_services.repayment_plan_create(actor=manager, lease_id=lease.pk, start_month=_next_month(), count=2)
    url = reverse("ledger:repayment_plan_move", args=[plan.pk])
    c = _client(client, manager)
    response = c.post(url, {"status": "completed", "reason": ""}, follow=True)
    assert "restent à rembourser" in response.content.decode()
    response = c.post(url, {"status": "broken", "reason": HOSTILE}, follow=True)
    page = response.content.decode()
    assert "Rompu" in page and HOSTILE not in page and "&lt;img src=x" in page
    assert "Changer l&#x27;état du plan" not in page  # a broken plan does not move any more


def test_letters_from_the_lease_account_and_their_pdf(client, manager, lease, world):
    c = _client(client, manager)
    url = reverse("ledger:arrears_letter_create", args=[lease.pk])
    response = c.post(url, {"kind": "formal_notice"}, follow=True)
    assert "Envoyez d&#x27;abord une lettre de relance" in response.content.decode()
    c.post(url, {"kind": "reminder"})
    response = c.post(url, {"kind": "formal_notice"}, follow=True)
    page = response.content.decode()
    assert "Mise en demeure (PDF)" in page and "Lettre de relance (PDF)" in page
    for letter in ArrearsLetter.objects.all():
        pdf = c.get(reverse("ledger:arrears_letter_pdf", args=[letter.pk]))
        assert pdf["Content-Type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Association A" in text and "650,00 €" in text and "550,00 €" in text
        assert "Madame, Monsieur" in text and lease.dwelling.reference in text
        if letter.kind == "formal_notice":
            assert "mettons en demeure" in text and "15 jours" in text
        else:
            assert "Lettre de relance" in text
    # a social worker sees the arrears, not the letters
    assert (
        _client(client, world.users["social_worker"])
        .get(reverse("ledger:arrears_letter_pdf", args=[letter.pk]))
        .status_code
        == 404
    )


def test_the_notice_of_a_month_shows_the_instalment(client, manager, lease):
    plan = rent_services.repayment_plan_create(actor=manager, lease_id=lease.pk, start_month=_next_month(), count=3)
    call, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=_next_month())
    assert call.instalment == D("550.00") and call.total == D("1100.00")
    c = _client(client, manager)
    pdf = c.get(reverse("ledger:rent_call_notice", args=[call.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "plan d'apurement" in text and "100,00 €" in text and "550,00 €" in text
    page = c.get(reverse("ledger:lease_account", args=[lease.pk])).content.decode()
    assert "dont échéance du plan d'apurement" in page
    assert plan.instalments.first().rent_calls.get() == call


def test_the_arrears_page_flags_a_plan_not_respected(client, manager, world):
    lease = make_signed_lease(manager, world.own_household, start=_months_ago(4), rent="500.00", charges="50.00")
    for back in (4, 3):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=_months_ago(back))
    # a plan agreed three months ago whose instalments, asked with the next calls, were never paid
    plan = rent_services.repayment_plan_create(
        actor=manager,
        lease_id=lease.pk,
        start_month=_months_ago(2),
        count=2,
        debt=D("550.00"),
        on=_months_ago(3) + timedelta(days=10),
    )
    for back in (2, 1):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=_months_ago(back))
    page = _client(client, manager).get(reverse("ledger:arrears")).content.decode()
    assert "non respecté" in page and reverse("ledger:repayment_plan_detail", args=[plan.pk]) in page
    detail = client.get(reverse("ledger:repayment_plan_detail", args=[plan.pk])).content.decode()
    assert "non respecté" in detail and "en retard" in detail
    social = _client(client, world.users["social_worker"]).get(reverse("ledger:arrears")).content.decode()
    assert "non respecté" in social and "Lettre de relance" not in social


def _queries(django_assert_max_num_queries, client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_plan_and_arrears_pages_cost_the_same_whatever_the_rows(client, manager, world, django_assert_max_num_queries):
    c = _client(client, manager)
    lease = _lease_in_arrears(manager, world.own_household)
    plan = rent_services.repayment_plan_create(actor=manager, lease_id=lease.pk, start_month=_next_month(), count=2)
    rent_services.arrears_letter_send(actor=manager, lease_id=lease.pk, kind="reminder")
    plan_url = reverse("ledger:repayment_plan_detail", args=[plan.pk])
    few = (_queries(None, c, plan_url), _queries(None, c, reverse("ledger:arrears")))
    for _ in range(3):
        other = _lease_in_arrears(manager, world.other_team_household)
        rent_services.repayment_plan_create(actor=manager, lease_id=other.pk, start_month=_next_month(), count=2)
        rent_services.arrears_letter_send(actor=manager, lease_id=other.pk, kind="reminder")
    rent_services.repayment_plan_move(actor=manager, plan_id=plan.pk, status="cancelled", reason="a")
    plan = rent_services.repayment_plan_create(actor=manager, lease_id=lease.pk, start_month=_next_month(), count=30)
    many = (
        _queries(None, c, reverse("ledger:repayment_plan_detail", args=[plan.pk])),
        _queries(None, c, reverse("ledger:arrears")),
    )
    assert few[1] == many[1]
    assert (
        many[0] <= few[0] + 1
    )  # the page of a plan with a change in its history: one more query for the changes' authors at most


# --- the household's timeline and the demo -------------------------------------------------------------------


def test_the_households_worker_sees_plans_and_letters_on_its_timeline(manager, world, lease):
    from habiter.core import registry

    plan = rent_services.repayment_plan_create(actor=manager, lease_id=lease.pk, start_month=_next_month(), count=3)
    rent_services.arrears_letter_send(actor=manager, lease_id=lease.pk, kind="reminder")
    rent_services.repayment_plan_move(actor=manager, plan_id=plan.pk, status="broken", reason="Aucun versement")
    titles = [e.title for e in registry.household_timeline(world.own_household, world.users["social_worker"])]
    assert any(t.startswith("Plan d'apurement établi : ") and t.endswith("650,00 € en 3 échéances") for t in titles)
    assert "Plan d'apurement : rompu" in titles
    assert any(t.startswith("Lettre de relance envoyée") for t in titles)
    for role in ("volunteer", "receptionist", "technician"):
        assert registry.household_timeline(world.own_household, world.users[role], kinds=["arrears"]) == []
    # a worker of another organisation sees nothing of it
    assert registry.household_timeline(world.own_household, world.outsider, kinds=["arrears"]) == []


def test_the_household_page_shows_the_arrears_events_to_its_worker(client, manager, world, lease):
    rent_services.arrears_letter_send(actor=manager, lease_id=lease.pk, kind="reminder")
    page = _client(client, world.users["social_worker"]).get(
        reverse("people:household_detail", args=[world.own_household.pk])
    )
    assert page.status_code == 200 and "Lettre de relance envoyée" in page.content.decode()


def test_the_demo_plan_and_letter_are_made_once(manager, lease):
    from habiter.ledger.demo import seed_arrears_follow_up

    today = timezone.localdate()
    seed_arrears_follow_up(manager, lease, today)
    seed_arrears_follow_up(manager, lease, today)
    assert RepaymentPlan.objects.filter(lease=lease).count() == 1
    assert ArrearsLetter.objects.filter(lease=lease).count() == 1
    plan = RepaymentPlan.objects.get()
    assert plan.debt == D("1650.00") and sum(i.amount for i in plan.instalments.all()) == plan.debt
