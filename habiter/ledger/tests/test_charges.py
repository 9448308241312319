"""The annual regularisation of recoverable charges (R16–R18): the pure rules with hand-computed tables, then a
worked year on a building with a lease of the association and a lease under mandate."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from habiter.core import registry
from habiter.core.models import AuditEvent
from habiter.housing.models import Building, Dwelling
from habiter.leases import services as lease_services
from habiter.leases.models import ReviewDecision
from habiter.leases.tests.factories import make_dwelling, make_owner, make_sliding_sublease
from habiter.ledger import rules
from habiter.ledger.charges import queries as charges_queries
from habiter.ledger.charges import services as charges_services
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import AccountKind, ChargeRegularisation, RegularisationStatus
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services
from habiter.people.models import Household

from .factories import make_mandate_lease, make_signed_lease

D = Decimal


# --- pure rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lease_start", "lease_end", "days"),
    [
        (date(2024, 5, 1), None, 365),  # the whole of 2025
        (date(2025, 7, 1), None, 184),  # July to December: 31 + 31 + 30 + 31 + 30 + 31
        (date(2024, 1, 1), date(2025, 1, 31), 31),
        (date(2026, 1, 1), None, 0),  # after the period
    ],
)
def test_the_days_a_lease_ran_in_the_period(lease_start, lease_end, days):
    assert rules.occupancy_days(date(2025, 1, 1), date(2025, 12, 31), lease_start, lease_end) == days


def test_the_charges_are_shared_by_surface_and_days_and_vacancy_stays_with_the_landlord():
    # 2 100.00 over 100 m² × 365 days: 60 m² all year bears 60 %; 40 m² from July (184 days) bears
    # 2 100 × 40 × 184 / 36 500 = 423.452… → 423.45; the 181 vacant days of the 40 m² (416.55) are nobody's
    shares = rules.charge_shares(D("2100.00"), [("a", D("60"), 365), ("b", D("40"), 184)], D("100"), 365)
    assert shares == {"a": D("1260.00"), "b": D("423.45")}
    with pytest.raises(ValueError, match="positives"):
        rules.charge_shares(D("10.00"), [], D("0"), 365)


@pytest.mark.parametrize(
    ("provisions", "share", "balance"),
    [("960.00", "1260.00", "300.00"), ("540.00", "423.45", "-116.55"), ("100.00", "100.00", "0.00")],
)
def test_the_balance_is_the_share_less_the_provisions(provisions, share, balance):
    assert rules.regularisation_balance(D(provisions), D(share)) == D(balance)


def test_the_balance_waits_a_month_after_the_statement_and_is_time_barred_after_three_years():
    assert "à partir du 20/02/2026" in rules.regularisation_post_error(date(2026, 1, 20), date(2026, 2, 19))
    assert rules.regularisation_post_error(date(2026, 1, 20), date(2026, 2, 20)) is None
    assert rules.regularisation_post_error(date(2026, 1, 31), date(2026, 2, 28)) is None  # month end clamped
    assert not rules.regularisation_time_barred(date(2025, 12, 31), date(2028, 12, 31))
    assert rules.regularisation_time_barred(date(2025, 12, 31), date(2029, 1, 1))


@pytest.mark.parametrize(
    ("share", "days", "period_days", "monthly"),
    [("1260.00", 365, 365, "105.00"), ("423.45", 184, 365, "70.00"), ("100.00", 0, 365, "0.00")],
)
def test_the_new_provision_is_a_twelfth_of_the_share_over_a_whole_period(share, days, period_days, monthly):
    # 423.45 × 365 / 184 = 839.996… a year, / 12 = 69.9997 → 70.00
    assert rules.adjusted_provision(D(share), days, period_days) == D(monthly)


def test_a_regularisation_moves_prepared_then_sent_then_posted():
    assert rules.regularisation_move_error("draft", "sent") is None
    assert rules.regularisation_move_error("sent", "posted") is None
    assert "Envoyez d'abord" in rules.regularisation_move_error("draft", "posted")
    assert "déjà passés" in rules.regularisation_move_error("posted", "posted")


# --- a worked year ---------------------------------------------------------------------------------------------


@pytest.fixture
def year(world):
    """A building of 100 m²: dwelling A (60 m²) let by the association all 2025 with 80.00 of provisions a month,
    dwelling B (40 m²) under a mandate of Odile Vidal from 1 July 2025 with 90.00 a month; every month called."""
    manager = world.users["rental_manager"]
    building = Building.objects.create(
        organisation=world.organisation,
        name="Les Tilleuls",
        address="3 rue Paradis",
        postal_code="13001",
        city="Marseille",
    )
    a = make_signed_lease(
        manager,
        world.own_household,
        dwelling=make_dwelling(world.organisation, surface="60.00", building=building),
        start=date(2024, 5, 1),
        rent="500.00",
        charges="80.00",
    )
    owner = make_owner(world.organisation, name="Odile Vidal")
    b = make_mandate_lease(
        manager, world.other_team_household, owner=owner, start=date(2025, 7, 1), rent="450.00", charges="90.00"
    )
    Dwelling.objects.filter(pk=b.dwelling_id).update(building=building, surface=D("40.00"))
    with time_machine.travel(date(2026, 1, 5), tick=False):
        for month in range(1, 13):
            rent_services.rent_calls_issue(actor=world.users["accountant"], month=date(2025, month, 1))
    return building, a, b, owner


def _expenses():
    return {"water": D("1200.00"), "elevator": D("600.00"), "waste_tax": D("300.00")}


def _balance(account):
    return sum(account.lines.values_list("amount", flat=True), D("0.00"))


def test_a_building_year_is_regularised_and_posted_a_month_after_the_statements(world, year):
    building, a, b, owner = year
    manager, organisation_id = world.users["rental_manager"], world.organisation.pk
    provisions = entries_services.organisation_account(organisation_id, AccountKind.CHARGE_PROVISIONS)
    income = entries_services.organisation_account(organisation_id, AccountKind.CHARGES_INCOME)
    assert _balance(provisions) == D("-960.00")  # 12 × 80.00 called on A, none of it income
    assert _balance(income) == 0

    with time_machine.travel(date(2026, 1, 15), tick=False):
        regularisation = charges_services.charge_regularisation_create(
            actor=manager,
            building_id=building.pk,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            expenses=_expenses(),
        )
    lines = {line.lease_id: line for line in regularisation.lines.all()}
    assert regularisation.total == D("2100.00") and regularisation.surface == D("100.00")
    assert (lines[a.pk].days, lines[a.pk].provisions, lines[a.pk].share, lines[a.pk].balance) == (
        365,
        D("960.00"),
        D("1260.00"),
        D("300.00"),
    )
    assert (lines[b.pk].days, lines[b.pk].provisions, lines[b.pk].share, lines[b.pk].balance) == (
        184,
        D("540.00"),  # 6 × 90.00, credited to the owner with the rent
        D("423.45"),
        D("-116.55"),
    )

    with time_machine.travel(date(2026, 1, 20), tick=False):
        with pytest.raises(ValidationError, match="Envoyez d'abord"):
            charges_services.charge_regularisation_post(actor=manager, regularisation_id=regularisation.pk)
        charges_services.charge_regularisation_send(actor=manager, regularisation_id=regularisation.pk)
    with time_machine.travel(date(2026, 2, 19), tick=False), pytest.raises(ValidationError, match="20/02/2026"):
        charges_services.charge_regularisation_post(actor=manager, regularisation_id=regularisation.pk)

    a_before = rent_queries.lease_balance(a, date(2026, 2, 20)).balance
    b_before = rent_queries.lease_balance(b, date(2026, 2, 20)).balance
    owner_before = _balance(entries_services.owner_account(owner))
    with time_machine.travel(date(2026, 2, 20), tick=False):
        charges_services.charge_regularisation_post(
            actor=manager,
            regularisation_id=regularisation.pk,
            spread_line_ids=[lines[a.pk].pk],
            adjust_line_ids=[lines[a.pk].pk, lines[b.pk].pk],
        )
    regularisation.refresh_from_db()
    assert (regularisation.status, regularisation.posted_on) == (RegularisationStatus.POSTED, date(2026, 2, 20))
    # A: D 419100 960.00, C 708300 1 260.00, D tenant 300.00
    entry = lines[a.pk].__class__.objects.get(pk=lines[a.pk].pk).transaction
    assert sorted((line.account.code, line.amount) for line in entry.lines.all()) == sorted(
        [("419100", D("960.00")), ("708300", D("-1260.00")), (entries_services.tenant_account(a).code, D("300.00"))]
    )
    assert _balance(provisions) == 0 and _balance(income) == D("-1260.00")
    assert rent_queries.lease_balance(a, date(2026, 2, 20)).balance == a_before + D("300.00")
    # B, under mandate: the owner refunds the tenant 116.55, nothing touches the association's accounts
    assert rent_queries.lease_balance(b, date(2026, 2, 20)).balance == b_before - D("116.55")
    assert _balance(entries_services.owner_account(owner)) == owner_before + D("116.55")
    # A's 300.00 in twelve instalments of 25.00 from March 2026, on the lease's payment day
    line_a = regularisation.lines.get(lease=a)
    assert line_a.spread and [i.amount for i in line_a.instalments.all()] == [D("25.00")] * 12
    assert line_a.instalments.first().due_date == date(2026, 3, a.payment_day)
    # the provisions adjusted: A to 1 260.00 / 12 = 105.00, B to 70.00
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.charges, b.charges) == (D("105.00"), D("70.00"))
    assert AuditEvent.objects.filter(action="lease.charges_adjust").count() == 2
    assert sorted(e.action for e in AuditEvent.objects.filter(action__startswith="ledger.charge_regularisation")) == [
        "ledger.charge_regularisation_create",
        "ledger.charge_regularisation_post",
        "ledger.charge_regularisation_send",
    ]
    assert entries_queries.ledger_sum(organisation_id) == 0

    with time_machine.travel(date(2026, 2, 21), tick=False):
        with pytest.raises(ValidationError, match="déjà passés"):
            charges_services.charge_regularisation_post(actor=manager, regularisation_id=regularisation.pk)
        with pytest.raises(ValidationError, match="ne se contre-passe pas"):
            entries_services.transaction_reverse(actor=manager, transaction_id=entry.pk, on=date(2026, 2, 21))


def test_a_regularisation_is_refused_in_french_and_kept_to_its_organisation(world, year):
    building, a, _b, _owner = year
    accountant = world.users["accountant"]
    with time_machine.travel(date(2026, 1, 15), tick=False):
        values = {"period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}
        with pytest.raises(ValidationError, match="au moins une nature"):
            charges_services.charge_regularisation_create(
                actor=accountant, building_id=building.pk, expenses={}, **values
            )
        with pytest.raises(ValidationError, match="période terminée"):
            charges_services.charge_regularisation_create(
                actor=accountant,
                dwelling_id=a.dwelling_id,
                expenses=_expenses(),
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
            )
        with pytest.raises(ValidationError, match="Aucun bail"):
            charges_services.charge_regularisation_create(
                actor=accountant,
                dwelling_id=make_dwelling(world.organisation).pk,
                expenses=_expenses(),
                **values,
            )
        with pytest.raises(PermissionDenied):
            charges_services.charge_regularisation_create(
                actor=world.users["social_worker"], building_id=building.pk, expenses=_expenses(), **values
            )
        foreign = Building.objects.create(
            organisation=world.other_organisation, name="X", address="1 rue", postal_code="13001", city="Marseille"
        )
        with pytest.raises(Building.DoesNotExist):
            charges_services.charge_regularisation_create(
                actor=accountant, building_id=foreign.pk, expenses=_expenses(), **values
            )
        # one dwelling alone: its lease bears all the charges of its days
        regularisation = charges_services.charge_regularisation_create(
            actor=accountant, dwelling_id=a.dwelling_id, expenses={"water": D("730.00")}, **values
        )
        assert [(line.share, line.balance) for line in regularisation.lines.all()] == [(D("730.00"), D("-230.00"))]
        charges_services.charge_regularisation_send(actor=accountant, regularisation_id=regularisation.pk)
    with time_machine.travel(date(2026, 3, 1), tick=False):
        # an accountant posts, but adjusting a lease's provision is the lease managers'
        line = regularisation.lines.get()
        with pytest.raises(ValidationError, match="gestionnaires locatifs"):
            charges_services.charge_regularisation_post(
                actor=accountant, regularisation_id=regularisation.pk, adjust_line_ids=[line.pk]
            )
        charges_services.charge_regularisation_post(actor=accountant, regularisation_id=regularisation.pk)
    assert ChargeRegularisation.objects.get(pk=regularisation.pk).status == RegularisationStatus.POSTED


def test_the_tenants_statement_prints_the_charges_by_nature_the_method_and_the_balance(world, year, settings):
    building, a, b, _owner = year
    manager = world.users["rental_manager"]
    with time_machine.travel(date(2026, 1, 15), tick=False):
        regularisation = charges_services.charge_regularisation_create(
            actor=manager,
            building_id=building.pk,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            expenses=_expenses(),
        )
        charges_services.charge_regularisation_send(actor=manager, regularisation_id=regularisation.pk)
    line = charges_queries.line_for(manager, regularisation.lines.get(lease=b).pk)
    # B's 423.45 over the natures: 1 200 / 2 100 → 241.97, 600 / 2 100 → 120.99, the last 60.49
    assert [part for _nature, _amount, part in charges_queries.statement_context(line)["natures"]] == [
        D("241.97"),
        D("120.99"),
        D("60.49"),
    ]
    content = charges_services.statement_pdf(line)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    for expected in (
        "Décompte de régularisation des charges",
        "Ascenseur",
        "423,45 €",
        "540,00 €",
        "Trop-perçu qui vous sera remboursé 116,55 €",
        "184 jours sur 365",
        "six mois",
        "mandataire de Odile Vidal",
    ):
        assert expected in text
    (settings.BASE_DIR / "test-results").mkdir(exist_ok=True)
    (settings.BASE_DIR / "test-results" / "charge-statement.pdf").write_bytes(content)


def test_a_sent_statement_is_on_the_households_timeline(world, year):
    building, _a, b, _owner = year
    manager = world.users["rental_manager"]
    with time_machine.travel(date(2026, 1, 15), tick=False):
        regularisation = charges_services.charge_regularisation_create(
            actor=manager,
            building_id=building.pk,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            expenses=_expenses(),
        )
        household = Household.objects.get(pk=b.household_id)
        assert registry.household_timeline(household, manager, kinds=["charges"]) == []  # not sent yet
        charges_services.charge_regularisation_send(actor=manager, regularisation_id=regularisation.pk)
    household = Household.objects.get(pk=b.household_id)
    events = registry.household_timeline(household, world.users["director"], kinds=["charges"])
    assert [e.body for e in events] == [f"{b.dwelling.reference}. À rembourser au locataire : 116,55 €."]


# --- a period that does not follow the months, a second regularisation, an owner's lease after a slide ------------


@pytest.mark.parametrize(
    ("amount", "month", "lease_start", "expected"),
    [
        ("50.00", date(2025, 1, 1), date(2024, 1, 1), "27.42"),  # 15–31 January: 50.00 × 17 / 31 = 27.419…
        ("50.00", date(2026, 1, 1), date(2024, 1, 1), "22.58"),  # 1–14 January: 50.00 × 14 / 31 = 22.580…
        ("50.00", date(2025, 6, 1), date(2024, 1, 1), "50.00"),  # a month inside the period
        ("19.35", date(2025, 1, 1), date(2025, 1, 20), "19.35"),  # called for 12 days, all inside the period
        ("50.00", date(2024, 12, 1), date(2024, 1, 1), "0.00"),  # before the period
    ],
)
def test_a_month_partly_in_the_period_counts_its_provision_for_its_days_in_it(amount, month, lease_start, expected):
    assert rules.provision_in_period(D(amount), month, date(2025, 1, 15), date(2026, 1, 14), lease_start, None) == D(
        expected
    )


def test_a_period_from_mid_january_counts_twelve_months_of_provisions_not_thirteen(world):
    """50.00 of provisions a month, every month from January 2025 to January 2026 called (13 calls, 650.00); the
    period 15/01/2025–14/01/2026 counts 27.42 + 11 × 50.00 + 22.58 = 600.00."""
    lease = make_signed_lease(
        world.users["rental_manager"], world.own_household, start=date(2024, 1, 1), rent="400.00", charges="50.00"
    )
    with time_machine.travel(date(2026, 1, 20), tick=False):
        for period in [date(2025, m, 1) for m in range(1, 13)] + [date(2026, 1, 1)]:
            rent_services.rent_call_issue(actor=world.users["accountant"], lease_id=lease.pk, period=period)
        regularisation = charges_services.charge_regularisation_create(
            actor=world.users["rental_manager"],
            dwelling_id=lease.dwelling_id,
            period_start=date(2025, 1, 15),
            period_end=date(2026, 1, 14),
            expenses={"water": D("365.00")},
        )
    line = regularisation.lines.get()
    assert (line.days, line.provisions) == (365, D("600.00"))


def test_a_lease_is_regularised_once_for_a_period(world, year):
    """The building's 2025, sent to the tenants, then the same year for dwelling A alone: refused, at preparation
    and again when a draft prepared before would be sent."""
    building, a, _b, _owner = year
    manager = world.users["rental_manager"]
    with time_machine.travel(date(2026, 1, 15), tick=False):
        by_dwelling = charges_services.charge_regularisation_create(
            actor=manager,
            dwelling_id=a.dwelling_id,
            period_start=date(2025, 7, 1),
            period_end=date(2025, 12, 31),
            expenses={"water": D("600.00")},
        )
        by_building = charges_services.charge_regularisation_create(
            actor=manager,
            building_id=building.pk,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            expenses=_expenses(),
        )
        charges_services.charge_regularisation_send(actor=manager, regularisation_id=by_building.pk)
        with pytest.raises(ValidationError, match="déjà régularisées du 01/01/2025 au 31/12/2025"):
            charges_services.charge_regularisation_send(actor=manager, regularisation_id=by_dwelling.pk)
        with pytest.raises(ValidationError, match="qu'une fois"):
            charges_services.charge_regularisation_create(
                actor=manager,
                dwelling_id=a.dwelling_id,
                period_start=date(2025, 12, 1),
                period_end=date(2025, 12, 31),
                expenses={"water": D("50.00")},
            )
    by_dwelling.refresh_from_db()
    assert by_dwelling.status == RegularisationStatus.DRAFT
    assert ChargeRegularisation.objects.filter(status=RegularisationStatus.SENT).get() == by_building


def test_an_owners_direct_lease_is_regularised_only_under_the_owners_mandate_and_its_balance_is_the_owners(world):
    """A sublease with 60.00 of provisions slides on 1 July 2025. Without a mandate, the owner's direct lease is
    not the association's to regularise: a period after the slide finds no lease. Once the owner signs a mandate
    from 1 July, the second half of 2025 is (184 days of the 184), its 6 × 60.00 = 360.00 of provisions went to
    the owner with the rent, and the 300.00 of actual charges leave the tenant 60.00 to get back from the owner."""
    manager = world.users["rental_manager"]
    sublease = make_sliding_sublease(manager, world.own_household, start=date(2024, 7, 1), rent="500.00")
    lease_services.lease_charges_adjust(actor=manager, lease_id=sublease.pk, charges=D("60.00"), reason="Provision")
    lease_services.sliding_review_record(
        actor=manager,
        lease_id=sublease.pk,
        held_on=date(2025, 6, 1),
        worker_opinion="favourable",
        landlord_opinion="favourable",
        decision=ReviewDecision.SLIDE,
    )
    direct = lease_services.lease_slide(actor=manager, lease_id=sublease.pk, on_date=date(2025, 7, 1))
    with time_machine.travel(date(2026, 1, 15), tick=False), pytest.raises(ValidationError, match="Aucun bail"):
        charges_services.charge_regularisation_create(
            actor=manager,
            dwelling_id=direct.dwelling_id,
            period_start=date(2025, 7, 1),
            period_end=date(2025, 12, 31),
            expenses={"water": D("300.00")},
        )
    lease_services.mandate_create(
        actor=manager,
        owner_id=direct.landlord_id,
        dwelling_id=direct.dwelling_id,
        fee_rate=D("7.00"),
        start_date=date(2025, 7, 1),
        payout_iban="FR7630006000011234567890189",
    )
    with time_machine.travel(date(2026, 1, 15), tick=False):
        for month in range(7, 13):
            rent_services.rent_call_issue(
                actor=world.users["accountant"], lease_id=direct.pk, period=date(2025, month, 1)
            )
        regularisation = charges_services.charge_regularisation_create(
            actor=manager,
            dwelling_id=direct.dwelling_id,
            period_start=date(2025, 7, 1),
            period_end=date(2025, 12, 31),
            expenses={"water": D("300.00")},
        )
        line = regularisation.lines.get()
        assert (line.lease_id, line.days, line.provisions, line.share, line.balance) == (
            direct.pk,
            184,
            D("360.00"),
            D("300.00"),
            D("-60.00"),
        )
        charges_services.charge_regularisation_send(actor=manager, regularisation_id=regularisation.pk)
    owner_account = entries_services.owner_account(direct.landlord)
    owner_before = _balance(owner_account)
    with time_machine.travel(date(2026, 2, 16), tick=False):
        charges_services.charge_regularisation_post(actor=manager, regularisation_id=regularisation.pk)
    line.refresh_from_db()
    assert sorted(
        (entry_line.account.code, entry_line.amount) for entry_line in line.transaction.lines.all()
    ) == sorted([(owner_account.code, D("60.00")), (entries_services.tenant_account(direct).code, D("-60.00"))])
    assert _balance(owner_account) == owner_before + D("60.00")
