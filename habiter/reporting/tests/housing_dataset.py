"""Hand-built scenarios added to `dataset.build()` for the indicators of the FSL, the rent arrears, the captation
of dwellings and the residences' places, with their figures worked out by hand in the tests that use them
(`test_fsl_indicators.py`, `test_arrears_indicator.py`, `test_captation_indicators.py`, `test_dashboard.py`).

The FSL applications, the prospects with their dated moves and the residences are rows created directly, with the
dates the scenario needs. The ledger's entries (rent calls, payments, advances and their repayments) are written by
the ledger's own services on the day they happen (time frozen then), so that the tenants' accounts and the
impayés au sens de la CAF are exactly what the ledger records.
"""

from datetime import date
from decimal import Decimal

import time_machine

from habiter.core.models import Role
from habiter.evictions import services as eviction_services
from habiter.evictions.models import FslApplication, FslFund
from habiter.housing.models import Prospect, ProspectStage, ProspectStageChange
from habiter.leases.models import HeadLease, HeadLeaseKind
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_mandate_lease, make_signed_lease
from habiter.people.models import Household, Person
from habiter.residences.models import Place, Residence, ResidenceKind, ResidenceStay

from . import dataset

D = Decimal
S = ProspectStage


def _on(day, action, *args, **kwargs):
    """`action` run with today frozen on `day`: the services refuse a date to come."""
    with time_machine.travel(day, tick=False):
        return action(*args, **kwargs)


# --- FSL applications and the association's advances ------------------------------------------------------------


def add_fsl(data) -> dict:
    """The applications to the FSL of the Bouches-du-Rhône, and the advances of rent on three leases under a
    management mandate (500.00 + 50.00 a month), each advance and repayment through the ledger's services.

    Applications (submitted → decision):
    - Martin, access deposit, grant of 800.00: submitted 10/02/2025, granted 800.00 on 01/03/2025;
    - Martin, rent debt, loan of 1 200.00: submitted 05/11/2025, granted 1 000.00 on 01/12/2025;
    - Bernard, rent debt, grant of 600.00: submitted 01/10/2025, refused on 10/11/2025;
    - Petit, energy, grant of 300.00: submitted 15/12/2025, granted 300.00 on 10/01/2026 (after 2025);
    - Petit, first rent, grant of 500.00: submitted 20/11/2024 (before 2025), granted 500.00 on 05/01/2025;
    - the other organisation's household: never counted.
    Advances:
    - Petit, 300.00 on 01/10/2024; the household repays 100.00 on 01/03/2025;
    - Martin, 600.00 on 10/11/2025 awaiting his rent-debt application; the FSL pays it back on 15/12/2025;
    - Bernard, 400.00 on 05/12/2025; the household repays 150.00 on 20/12/2025 and 250.00 on 10/01/2026.
    """
    organisation, director = data.organisation, data.director
    fund = FslFund.objects.create(organisation=organisation, department="13", name="FSL des Bouches-du-Rhône")

    def application(
        household, purpose, aid_form, asked, submitted_on, decision="pending", decided_on=None, granted=None
    ):
        return FslApplication.objects.create(
            organisation=household.organisation,
            household=household,
            fund=fund,
            purpose=purpose,
            aid_form=aid_form,
            amount_asked=D(asked),
            submitted_on=submitted_on,
            decision=decision,
            decided_on=decided_on,
            amount_granted=D(granted) if granted else None,
            created_by=director,
        )

    deposit = application(
        data.martin, "access_deposit", "grant", "800.00", date(2025, 2, 10), "granted", date(2025, 3, 1), "800.00"
    )
    debt = application(
        data.martin,
        "maintenance_arrears",
        "loan",
        "1200.00",
        date(2025, 11, 5),
        "granted",
        date(2025, 12, 1),
        "1000.00",
    )
    application(
        data.bernard, "maintenance_arrears", "grant", "600.00", date(2025, 10, 1), "refused", date(2025, 11, 10)
    )
    application(data.petit, "energy", "grant", "300.00", date(2025, 12, 15), "granted", date(2026, 1, 10), "300.00")
    application(
        data.petit, "access_first_rent", "grant", "500.00", date(2024, 11, 20), "granted", date(2025, 1, 5), "500.00"
    )
    other_fund = FslFund.objects.create(organisation=data.other_director.organisation, department="13", name="FSL 13")
    stranger = Household.objects.get(organisation=data.other_director.organisation)
    FslApplication.objects.create(
        organisation=stranger.organisation,
        household=stranger,
        fund=other_fund,
        purpose="energy",
        aid_form="grant",
        amount_asked=D("200.00"),
        submitted_on=date(2025, 6, 1),
        created_by=data.other_director,
    )

    leases = {
        household.pk: _on(start, make_mandate_lease, director, household, start=start)
        for household, start in (
            (data.petit, date(2024, 9, 1)),
            (data.martin, date(2025, 1, 1)),
            (data.bernard, date(2025, 1, 1)),
        )
    }

    def advance(household, amount, on, application=None):
        return _on(
            on,
            eviction_services.advance_record,
            actor=director,
            lease_id=leases[household.pk].pk,
            amount=D(amount),
            advanced_on=on,
            fsl_application_id=application.pk if application else None,
        )

    def repay(advance, source, amount, on, application=None):
        return _on(
            on,
            eviction_services.advance_repay,
            actor=director,
            advance_id=advance.pk,
            source=source,
            received_on=on,
            amount=D(amount),
            fsl_application_id=application.pk if application else None,
        )

    petit = advance(data.petit, "300.00", date(2024, 10, 1))
    repay(petit, "household", "100.00", date(2025, 3, 1))
    martin = advance(data.martin, "600.00", date(2025, 11, 10), debt)
    bernard = advance(data.bernard, "400.00", date(2025, 12, 5))
    repay(martin, "fsl", "600.00", date(2025, 12, 15), debt)
    repay(bernard, "household", "150.00", date(2025, 12, 20))
    repay(bernard, "household", "250.00", date(2026, 1, 10))
    return {"deposit": deposit, "debt": debt}


# --- rent arrears ---------------------------------------------------------------------------------------------


def add_arrears(data) -> dict:
    """A lease of the association for each household, 450.00 + 50.00 = 500.00 a month due on the 5th (the CAF's
    threshold: two months, 1 000.00), its calls and payments through the ledger's services:
    - Martin, from 01/10/2025: October to January 2026 called; 500.00 paid on 20/10/2025, 1 500.00 on 12/01/2026.
      Owes 1 000.00 on 31/12/2025, past the CAF's threshold since 05/12/2025 (cleared on 12/01/2026);
    - Bernard, from 01/12/2025: December and January called; 300.00 paid on 10/12/2025. Owes 200.00 on 31/12/2025;
    - Petit, from 01/11/2025: November to January called; 600.00 paid on 20/12/2025. Reached the CAF's threshold on
      05/12/2025 (1 000.00 owed) and cleared it on 20/12/2025; owes 400.00 on 31/12/2025.
    """
    director = data.director
    leases = {}
    for household, start in (
        (data.martin, date(2025, 10, 1)),
        (data.bernard, date(2025, 12, 1)),
        (data.petit, date(2025, 11, 1)),
    ):
        leases[household.name] = _on(
            start, make_signed_lease, director, household, start=start, rent="450.00", charges="50.00"
        )

    events = [
        *(
            (month, "call", name, None)
            for name, months in (
                ("Martin", ((2025, 10), (2025, 11), (2025, 12), (2026, 1))),
                ("Bernard", ((2025, 12), (2026, 1))),
                ("Petit", ((2025, 11), (2025, 12), (2026, 1))),
            )
            for month in (date(year, number, 1) for year, number in months)
        ),
        (date(2025, 10, 20), "pay", "Martin", "500.00"),
        (date(2025, 12, 10), "pay", "Bernard", "300.00"),
        (date(2025, 12, 20), "pay", "Petit", "600.00"),
        (date(2026, 1, 12), "pay", "Martin", "1500.00"),
    ]
    for day, what, name, amount in sorted(events, key=lambda event: (event[0], event[2])):
        if what == "call":
            _on(day, rent_services.rent_call_issue, actor=director, lease_id=leases[name].pk, period=day)
        else:
            _on(
                day,
                rent_services.payment_record,
                actor=director,
                lease_id=leases[name].pk,
                amount=D(amount),
                received_on=day,
                source="tenant",
            )
    return leases


# --- captation ------------------------------------------------------------------------------------------------

# (reference, worker, moves as (stage, date), drop reason)
PROSPECTS = (
    # signed in 2025; its dwelling then taken on a head lease from 01/05/2025, never sublet (vacant)
    (
        "P1",
        "manager",
        (
            (S.IDENTIFIED, date(2025, 1, 10)),
            (S.CONTACTED, date(2025, 1, 20)),
            (S.VISITED, date(2025, 2, 5)),
            (S.OFFER_MADE, date(2025, 3, 1)),
            (S.SIGNED, date(2025, 4, 1)),
        ),
        "",
    ),
    (
        "P2",
        "manager",
        ((S.IDENTIFIED, date(2025, 3, 1)), (S.CONTACTED, date(2025, 3, 10)), (S.DROPPED, date(2025, 4, 15))),
        "owner_refused",
    ),
    # the contacted stage skipped
    (
        "P3",
        "manager",
        (
            (S.IDENTIFIED, date(2025, 6, 1)),
            (S.VISITED, date(2025, 6, 20)),
            (S.WORKS_ASSESSED, date(2025, 7, 1)),
            (S.DROPPED, date(2025, 8, 1)),
        ),
        "works_too_costly",
    ),
    # visited only in 2026: contacted at the end of 2025, whatever its stage today
    (
        "P4",
        "team_manager",
        ((S.IDENTIFIED, date(2025, 11, 1)), (S.CONTACTED, date(2025, 11, 15)), (S.VISITED, date(2026, 1, 5))),
        "",
    ),
    # opened in 2024, signed in 2026: an offer made at the end of 2025
    (
        "P5",
        "team_manager",
        (
            (S.IDENTIFIED, date(2024, 10, 1)),
            (S.CONTACTED, date(2024, 11, 1)),
            (S.VISITED, date(2025, 1, 15)),
            (S.OFFER_MADE, date(2025, 12, 20)),
            (S.SIGNED, date(2026, 1, 10)),
        ),
        "",
    ),
    # dropped in 2024: not prospected in 2025
    ("P6", "manager", ((S.IDENTIFIED, date(2024, 3, 1)), (S.DROPPED, date(2024, 6, 1))), "rent_too_high"),
    ("P7", "manager", ((S.IDENTIFIED, date(2025, 12, 1)), (S.DROPPED, date(2025, 12, 10))), "sold"),
    # opened in 2026
    ("P8", "manager", ((S.IDENTIFIED, date(2026, 1, 5)),), ""),
)


def add_captation(data) -> dict:
    """Two captation workers: a rental manager of no team and one of team A (Martin's and Bernard's, the team
    lead's), who carries P4 and P5; the prospects of `PROSPECTS`, each with its dated moves and its current stage
    (the last move); P1's dwelling on a head lease from 01/05/2025; and a prospect of the other organisation."""
    organisation = data.organisation
    workers = {
        "manager": dataset._user(organisation, "gestionnaire", Role.RENTAL_MANAGER),
        "team_manager": dataset._user(organisation, "gestionnaire-a", Role.RENTAL_MANAGER, data.martin.team),
    }
    prospects = {}
    for reference, worker, moves, reason in PROSPECTS:
        prospects[reference] = _prospect(organisation, workers[worker], reference, moves, reason)
    dwelling = prospects["P1"].dwelling
    HeadLease.objects.create(
        organisation=organisation,
        kind=HeadLeaseKind.ORDINARY,
        owner=dwelling.owner,
        dwelling=dwelling,
        surface=Decimal("40.00"),
        rent=Decimal("520.00"),
        start_date=date(2025, 5, 1),
        created_by=data.director,
    )
    other = data.other_director.organisation
    _prospect(other, data.other_director, "X1", ((S.IDENTIFIED, date(2025, 5, 1)),), "")
    return prospects


def _prospect(organisation, worker, reference, moves, reason):
    dwelling = make_dwelling(organisation, reference=f"{organisation.pk}-{reference}")
    last_stage, last_day = moves[-1]
    prospect = Prospect.objects.create(
        organisation=organisation,
        owner=dwelling.owner,
        dwelling=dwelling,
        worker=worker,
        stage=last_stage,
        stage_since=last_day,
        drop_reason=reason,
    )
    previous = ""
    for stage, on_date in moves:
        ProspectStageChange.objects.create(
            organisation=organisation,
            prospect=prospect,
            from_stage=previous,
            to_stage=stage,
            on_date=on_date,
            actor=worker,
        )
        previous = stage
    return prospect


# --- residences -----------------------------------------------------------------------------------------------


def add_residences(data):
    """« Bellevue », a résidence sociale with one place, Bernard's resident (team A) there since 01/09/2025; « Les
    Tilleuls », a pension de famille with three places: Martin's resident from 01/03/2024 to 30/06/2025, Petit's
    (team B) since 01/02/2025. Both open since 01/01/2024."""
    bellevue = _places(data.organisation, "Bellevue", ResidenceKind.RESIDENCE_SOCIALE, 1)
    tilleuls = _places(data.organisation, "Les Tilleuls", ResidenceKind.PENSION_DE_FAMILLE, 3)
    _stay(bellevue[0], data.bernard, date(2025, 9, 1))
    _stay(tilleuls[0], data.martin, date(2024, 3, 1), date(2025, 6, 30))
    _stay(tilleuls[1], data.petit, date(2025, 2, 1))


def _places(organisation, name, kind, count):
    residence = Residence.objects.create(
        organisation=organisation,
        name=name,
        kind=kind,
        address="1 place du Marché",
        postal_code="13001",
        city="Marseille",
        opened_on=date(2024, 1, 1),
    )
    return [
        Place.objects.create(organisation=organisation, residence=residence, label=str(n), surface=Decimal("20"))
        for n in range(1, count + 1)
    ]


def _stay(place, household, entered_on, left_on=None):
    """A stay of the household's first member (no new person: the households keep their composition)."""
    return ResidenceStay.objects.create(
        organisation=household.organisation,
        place=place,
        household=household,
        resident=Person.objects.filter(household=household).order_by("first_name", "pk").first(),
        entered_on=entered_on,
        left_on=left_on,
        exit_destination="social_housing" if left_on else "",
    )
