"""W8: no charge regularisation in a logement-foyer. A residence contract's charges are a flat part of the redevance,
income for good when called (708400), never provisions (419100): a regularisation of the year, prepared, sent and
posted, counts only the leases; the resident appears in none of its lines, on no statement of their household, and
their redevance's charges stay where they were."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from habiter.housing.models import Building
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.charges import queries as charges_queries
from habiter.ledger.charges import services as charges_services
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import AccountKind, ChargeRegularisationLine, RedevanceCall
from habiter.ledger.rent import services as rent_services
from habiter.residences import services as residence_services
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db
D = Decimal


def _balance(account):
    return sum(account.lines.values_list("amount", flat=True), D("0.00"))


@pytest.fixture
def year(world):
    """2025: a dwelling of 60 m² let by the association all year with 80.00 of provisions a month, and a resident of
    « Les Pléiades » under contract all year with 50.00 of flat charges in a redevance of 380.00; every month of the
    year called by the month-end run, which calls both."""
    manager, director = world.users["rental_manager"], world.users["director"]
    building = Building.objects.create(
        organisation=world.organisation,
        name="Les Tilleuls",
        address="3 rue Paradis",
        postal_code="13001",
        city="Marseille",
    )
    lease = make_signed_lease(
        manager,
        world.own_household,
        dwelling=make_dwelling(world.organisation, surface="60.00", building=building),
        start=date(2024, 5, 1),
        rent="500.00",
        charges="80.00",
    )
    with time_machine.travel(date(2025, 1, 2), tick=False):
        residence = make_residence(director, hosts=[world.users["host"]])
        make_house_rules(director, residence, date(2025, 1, 1))
        place = make_place(director, residence, "3")
        resident = world.other_team_household.members.first()
        contract = make_active_contract(director, place, resident, date(2025, 1, 1), date(2025, 1, 1))
        residence_services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=date(2025, 1, 1),
            lines=[
                {"kind": "equivalence_loyer", "label": "", "amount": D("300.00")},
                {"kind": "charges", "label": "", "amount": D("50.00")},
                {"kind": "prestation_obligatoire", "label": "Ménage des parties communes", "amount": D("30.00")},
            ],
        )
    with time_machine.travel(date(2026, 1, 5), tick=False):
        for month in range(1, 13):
            rent_services.rent_calls_issue(actor=world.users["accountant"], month=date(2025, month, 1))
    return building, lease, contract


def test_a_residence_contract_never_enters_a_charge_regularisation(world, year):
    building, lease, contract = year
    manager, organisation_id = world.users["rental_manager"], world.organisation.pk
    provisions = entries_services.organisation_account(organisation_id, AccountKind.CHARGE_PROVISIONS)
    flat_charges = entries_services.organisation_account(organisation_id, AccountKind.REDEVANCE_CHARGES_INCOME)
    assert RedevanceCall.objects.filter(contract=contract).count() == 12
    # 12 × 80.00 of the lease's provisions; the resident's 12 × 50.00 are income, not provisions
    assert _balance(provisions) == D("-960.00")
    assert _balance(flat_charges) == D("-600.00")

    with time_machine.travel(date(2026, 1, 15), tick=False):
        regularisation = charges_services.charge_regularisation_create(
            actor=manager,
            building_id=building.pk,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            expenses={"water": D("1200.00")},
        )
    (line,) = regularisation.lines.all()
    # the lease alone bears the building's 60 m²: 1 200.00 of charges against 960.00 of provisions
    assert (line.lease_id, line.provisions, line.share, line.balance) == (
        lease.pk,
        D("960.00"),
        D("1200.00"),
        D("240.00"),
    )
    with time_machine.travel(date(2026, 1, 20), tick=False):
        charges_services.charge_regularisation_send(actor=manager, regularisation_id=regularisation.pk)
    with time_machine.travel(date(2026, 2, 20), tick=False):
        charges_services.charge_regularisation_post(actor=manager, regularisation_id=regularisation.pk)

    assert not ChargeRegularisationLine.objects.filter(lease__household=contract.household).exists()
    assert not charges_queries.household_regularisations(contract.household).exists()
    assert charges_queries.household_regularisations(lease.household).count() == 1
    # the resident's flat charges are untouched by the posting; the lease's provisions are cleared
    assert _balance(flat_charges) == D("-600.00")
    assert _balance(provisions) == D("0.00")
