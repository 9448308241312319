"""Pages of the charge regularisation, on a worked building year computed by hand: prepared through the form (French
errors, comma decimals, nothing half-saved), the statements sent, the balances posted a month later with one spread
over twelve months; the instalments on the month's notice and on the lease's account; the list at a constant
number of queries; out of reach is a 404; what users and tenants typed is escaped."""

import io
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.housing.models import Building
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.charges import services as charges_services
from habiter.ledger.mailing.services import notice_context
from habiter.ledger.models import ChargeExpense, ChargeInstalment, ChargeRegularisation, RegularisationStatus
from habiter.ledger.rent import services as rent_services
from habiter.people.models import Person

from .factories import make_signed_lease

D = Decimal
HOSTILE = '<script>alert("x")</script>'

CREATE = {
    "period_start": "2025-01-01",
    "period_end": "2025-12-31",
    "water": "1200,00",
    "elevator": "600,00",
    "waste_tax": "300",
}


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@contextmanager
def on(day, client, user):
    """The requests of `day`, by `user` logged in that day (a session ends after 30 idle minutes)."""
    with time_machine.travel(day, tick=False):
        client.force_login(user)
        yield


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


@pytest.fixture
def building(world):
    """A building of 100 m² named with hostile text: dwelling A (60 m²) let all 2025 with 80.00 of provisions a
    month, dwelling B (40 m²) let from 1 July 2025 with 90.00 a month, every month of 2025 called."""
    manager = world.users["rental_manager"]
    building = Building.objects.create(
        organisation=world.organisation,
        name=f"Les Tilleuls {HOSTILE}",
        address="3 rue Paradis",
        postal_code="13001",
        city="Marseille",
    )
    Person.objects.filter(household=world.own_household).update(last_name=f"Martin {HOSTILE}")
    a = make_signed_lease(
        manager,
        world.own_household,
        dwelling=make_dwelling(world.organisation, reference="TIL-A", surface="60.00", building=building),
        start=date(2024, 5, 1),
        rent="500.00",
        charges="80.00",
    )
    b = make_signed_lease(
        manager,
        world.other_team_household,
        dwelling=make_dwelling(world.organisation, reference="TIL-B", surface="40.00", building=building),
        start=date(2025, 7, 1),
        rent="450.00",
        charges="90.00",
    )
    with time_machine.travel(date(2026, 1, 5), tick=False):
        for month in range(1, 13):
            rent_services.rent_calls_issue(actor=world.users["accountant"], month=date(2025, month, 1))
    return building, a, b


def _prepared(accountant, building):
    with time_machine.travel(date(2026, 1, 15), tick=False):
        return charges_services.charge_regularisation_create(
            actor=accountant,
            building_id=building.pk,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            expenses={"water": D("1200.00"), "elevator": D("600.00"), "waste_tax": D("300.00")},
        )


def test_the_form_refuses_in_french_and_saves_nothing(client, accountant, building, world):
    building, a, _b = building
    client.force_login(accountant)
    url = reverse("ledger:charge_regularisation_create")
    with time_machine.travel(date(2026, 1, 15), tick=False):
        page = _text(client.get(url))
        assert "Eau froide et eau chaude (€)" in page and 'value="2025-01-01"' in page
        assert HOSTILE not in page and "&lt;script&gt;" in page  # the building's name among the choices
        both = client.post(url, CREATE | {"building": building.pk, "dwelling": a.dwelling_id})
        assert "Choisissez un immeuble ou un logement seul, pas les deux." in _text(both)
        nothing = client.post(url, {"building": building.pk, "period_start": "2025-01-01", "period_end": "2025-12-31"})
        assert "Indiquez le montant réel d&#x27;au moins une nature de charges." in _text(nothing)
        wrong = client.post(url, CREATE | {"building": building.pk, "water": "douze", "elevator": "-5"})
        assert "Saisissez un nombre." in _text(wrong) and "supérieure ou égale à 0" in _text(wrong)
        running = client.post(url, CREATE | {"building": building.pk, "period_end": "2026-06-30"})
        assert running.status_code == 200 and "On régularise une période terminée." in _text(running)
        foreign = Building.objects.create(
            organisation=world.other_organisation,
            name="Ailleurs",
            address="1 rue",
            postal_code="13001",
            city="Marseille",
        )
        forged = client.post(url, CREATE | {"building": foreign.pk})
        assert forged.status_code == 200 and "Sélectionnez un choix valide" in _text(forged)
    assert not ChargeRegularisation.objects.exists() and not ChargeExpense.objects.exists()


def test_an_accountant_prepares_sends_and_posts_with_a_balance_spread(client, accountant, building, world):
    building, a, b = building
    with on(date(2026, 1, 15), client, accountant):
        response = client.post(reverse("ledger:charge_regularisation_create"), CREATE | {"building": building.pk})
        regularisation = ChargeRegularisation.objects.get()
        detail_url = reverse("ledger:charge_regularisation_detail", args=[regularisation.pk])
        assert response.status_code == 302 and response["Location"] == detail_url
        lines = {line.lease_id: line for line in regularisation.lines.all()}
        page = _text(client.get(detail_url))
    # 2 100.00 over 100 m² × 365 days: A 60 m² all year bears 1 260.00 against 12 × 80.00 = 960.00 called;
    # B 40 m² × 184 days bears 2 100 × 40 × 184 / 36 500 = 423.45 against 6 × 90.00 = 540.00; the landlord keeps
    # 2 100.00 − 1 260.00 − 423.45 = 416.55 (B's dwelling empty half the year)
    for expected in (
        "2 100,00 €",
        "Eau froide et eau chaude",
        "1 200,00 €",
        "365 jours",
        "184 jours",
        "960,00 €",
        "1 260,00 €",
        '<strong>300,00 €</strong> <span class="tag tag--restricted">à payer</span>',
        '<strong>116,55 €</strong> <span class="tag">à rembourser</span>',
        "Part restant au bailleur : 416,55 €.",
        "En préparation",
    ):
        assert expected in page, expected
    assert HOSTILE not in page and "Martin &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert reverse("ledger:charge_statement_pdf", args=[lines[a.pk].pk]) in page

    # the statements: the confirmation page says what happens, then the date is recorded
    send_url = reverse("ledger:charge_regularisation_send", args=[regularisation.pk])
    with on(date(2026, 1, 20), client, accountant):
        confirm = _text(client.get(send_url))
        assert "les montants sont figés" in confirm and "à partir du 20/02/2026" in confirm
        future = client.post(send_url, {"on": "2026-01-21"})
        assert "L&#x27;envoi ne peut pas être daté dans le futur." in _text(future)
        assert client.post(send_url, {"on": "2026-01-20"}).status_code == 302
    regularisation.refresh_from_db()
    assert (regularisation.status, regularisation.statements_sent_on) == (RegularisationStatus.SENT, date(2026, 1, 20))

    post_url = reverse("ledger:charge_regularisation_post", args=[regularisation.pk])
    with on(date(2026, 2, 19), client, accountant):
        page = _text(client.get(post_url))
        # A: D 419100 960.00, C 708300 1 260.00, D tenant 300.00; B: D 419100 540.00, C 708300 423.45, C tenant 116.55
        assert "419100 — Provisions pour charges appelées : débit 960,00 €" in page
        assert "708300 — Charges locatives récupérées : crédit 423,45 €" in page
        assert "Locataire — " in page and "crédit 116,55 €" in page
        # only A's balance is due: a single « étaler » box; an accountant does not adjust provisions
        assert page.count('name="spread"') == 1 and 'name="adjust"' not in page
        assert "Seuls la direction et les gestionnaires locatifs" in page
        early = _text(client.post(post_url, {"on": "2026-02-19", "spread": [str(lines[a.pk].pk)]}))
        assert "à partir du 20/02/2026" in early and "checked" in early
        refund_spread = client.post(post_url, {"on": "2026-02-19", "spread": [str(lines[b.pk].pk)]})
        assert "Seul un solde à payer s&#x27;étale sur douze mois." in _text(refund_spread)
    assert not ChargeInstalment.objects.exists()
    with on(date(2026, 2, 20), client, accountant):
        assert client.post(post_url, {"on": "2026-02-20", "spread": [str(lines[a.pk].pk)]}).status_code == 302
        page = _text(client.get(detail_url))
    regularisation.refresh_from_db()
    assert (regularisation.status, regularisation.posted_on) == (RegularisationStatus.POSTED, date(2026, 2, 20))
    assert [i.amount for i in ChargeInstalment.objects.filter(line=lines[a.pk])] == [D("25.00")] * 12  # 300.00 / 12
    assert "Soldes passés" in page and "payé en 12 mensualités" in page

    # March 2026: the first instalment is asked on A's notice, with the total to pay
    with on(date(2026, 2, 25), client, accountant):
        call, _created = rent_services.rent_call_issue(actor=accountant, lease_id=a.pk, period=date(2026, 3, 1))
        text = _pdf_text(client.get(reverse("ledger:rent_call_notice", args=[call.pk])).content)
        assert notice_context(call)["to_pay"] == D("605.00")
    assert "Régularisation des charges — échéance 1/12" in text
    assert "Total à payer 605,00 €" in text  # 500.00 rent + 80.00 provision + 25.00 instalment
    with on(date(2026, 4, 20), client, accountant):
        account = _text(client.get(reverse("ledger:lease_account", args=[a.pk])))
    # March's and April's instalments (due on the payment day) are past: 10 remain, the next in May
    assert "Restent 10 mensualités à appeler avec le loyer" in account
    assert "<td>2/12</td>" not in account and "<td>12/12</td>" in account
    assert f'<td>3/12</td> <td>{date(2026, 5, a.payment_day):%d/%m/%Y}</td> <td class="amount">25,00 €</td>' in account

    # each statement download is journaled, for the tenant's household
    downloads = AuditEvent.objects.filter(action="household.read", detail__read="ledger.charge_statement")
    before = downloads.count()
    with on(date(2026, 4, 20), client, accountant):
        pdf = client.get(reverse("ledger:charge_statement_pdf", args=[lines[a.pk].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Reste à payer 300,00 €" in _pdf_text(pdf.content)
    assert downloads.count() == before + 1
    event = downloads.latest("created_at")
    assert event.household_id == a.household_id and event.object_id == str(lines[a.pk].pk)


def test_the_list_costs_the_same_whatever_the_number_of_regularisations(client, accountant, building):
    building, a, _b = building
    client.force_login(accountant)
    url = reverse("ledger:charge_regularisation_list")
    _prepared(accountant, building)
    client.get(url)  # the session and the per-process caches are warm from here on
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _index in range(3):
        _prepared(accountant, building)
        with time_machine.travel(date(2026, 1, 15), tick=False):
            charges_services.charge_regularisation_create(
                actor=accountant,
                dwelling_id=a.dwelling_id,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 12, 31),
                expenses={"water": D("730.00")},
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(one)
    page = _text(response)
    assert page.count("2 baux") == 4 and page.count("1 bail") == 3
    assert "730,00 €" in page and "2 100,00 €" in page
    assert HOSTILE not in page and "Les Tilleuls &lt;script&gt;" in page


def test_out_of_reach_is_not_found_and_other_roles_get_404(client, accountant, building, world):
    building, a, _b = building
    regularisation = _prepared(accountant, building)
    line = regularisation.lines.first()
    urls = [
        reverse("ledger:charge_regularisation_detail", args=[regularisation.pk]),
        reverse("ledger:charge_regularisation_send", args=[regularisation.pk]),
        reverse("ledger:charge_regularisation_post", args=[regularisation.pk]),
        reverse("ledger:charge_statement_pdf", args=[line.pk]),
    ]
    foreign = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    client.force_login(foreign)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[1], {"on": "2026-01-20"}).status_code == 404
    assert regularisation.label not in _text(client.get(reverse("ledger:charge_regularisation_list")))
    for role in ("social_worker", "team_lead", "technician", "volunteer"):
        client.force_login(world.users[role])
        for url in [
            *urls,
            reverse("ledger:charge_regularisation_list"),
            reverse("ledger:charge_regularisation_create"),
        ]:
            assert client.get(url).status_code == 404, (role, url)
    assert ChargeRegularisation.objects.get(pk=regularisation.pk).status == RegularisationStatus.DRAFT


def test_a_post_without_its_csrf_token_is_refused(accountant, building):
    building, _a, _b = building
    regularisation = _prepared(accountant, building)
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    url = reverse("ledger:charge_regularisation_send", args=[regularisation.pk])
    assert client.post(url, {"on": "2026-01-20"}).status_code == 403
    response = client.post(reverse("ledger:charge_regularisation_create"), CREATE | {"building": building.pk})
    assert response.status_code == 403
    assert ChargeRegularisation.objects.get().status == RegularisationStatus.DRAFT
