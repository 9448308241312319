"""A small hand-built data set whose figures for 2025 are worked out by hand in `test_indicators.py`.

Three households of one organisation: Martin (team A, 2 persons), Bernard (team A, 1 person), Petit (team B,
3 persons); and one household of another organisation that must never be counted. Rows are created directly,
with the dates the scenario needs (the services refuse future or back-dated writes; their own tests cover them).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from habiter.community.tests.factories import charter_signed
from habiter.core.models import Organisation, Role, Team, User
from habiter.evictions.models import CaseOutcome, LandlordKind, PreventionCase
from habiter.leases.models import HeadLease, HeadLeaseKind, Lease, LeaseKind, LeaseStatus
from habiter.leases.tests.factories import make_dwelling
from habiter.people.models import Concern, ConcernCategory, Household, Person
from habiter.reception.models import DeskVisit, Enrolment, Topic, Workshop, WorkshopSession, WorkshopTheme
from habiter.support.models import (
    Intervention,
    InterventionKind,
    MeasureOutcome,
    MeasureStatus,
    Programme,
    SupportMeasure,
)

PARIS = ZoneInfo("Europe/Paris")
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


@dataclass
class Dataset:
    organisation: Organisation
    director: User
    team_lead: User
    social_worker: User
    volunteer: User
    other_director: User
    martin: Household
    bernard: Household
    petit: Household


def _user(organisation, username, role, team=None):
    return User.objects.create_user(
        username=username, password="un-mot-de-passe-bien-long", organisation=organisation, role=role, team=team
    )


def _household(organisation, team, name, persons, creator):
    household = Household.objects.create(organisation=organisation, team=team, name=name, created_by=creator)
    for number in range(persons):
        Person.objects.create(
            organisation=organisation,
            household=household,
            first_name=f"Prénom{number}",
            last_name=name,
            relation="head" if number == 0 else "child",
        )
    return household


def _measure(household, programme, start, *, end=None, outcome=None, status=None, by):
    return SupportMeasure.objects.create(
        organisation=household.organisation,
        household=household,
        programme=programme,
        start_date=start,
        end_date=end,
        outcome=outcome,
        status=status or (MeasureStatus.CLOSED if end else MeasureStatus.ACTIVE),
        created_by=by,
    )


def _at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def build() -> Dataset:
    organisation = Organisation.objects.create(name="Habitat Solidaire")
    team_a = Team.objects.create(organisation=organisation, name="Équipe A")
    team_b = Team.objects.create(organisation=organisation, name="Équipe B")
    director = _user(organisation, "directrice", Role.DIRECTOR)
    team_lead = _user(organisation, "cheffe-a", Role.TEAM_LEAD, team_a)
    social_worker = _user(organisation, "travailleuse-a", Role.SOCIAL_WORKER, team_a)
    volunteer = _user(organisation, "benevole", Role.VOLUNTEER)
    charter_signed(volunteer)  # W23: a volunteer uses Habiter once they signed the charter in force
    martin = _household(organisation, team_a, "Martin", 2, director)
    bernard = _household(organisation, team_a, "Bernard", 1, director)
    petit = _household(organisation, team_b, "Petit", 3, director)

    # Measures: AVDL is listed before ASLL.
    avdl = Programme.objects.create(organisation=organisation, code="avdl", name="AVDL", scheme="avdl", position=1)
    asll = Programme.objects.create(organisation=organisation, code="asll", name="ASLL", scheme="asll", position=2)
    housed = MeasureOutcome.objects.create(
        organisation=organisation, label="Accès au logement", category="housed_social", position=1
    )
    _measure(martin, avdl, date(2024, 6, 1), end=date(2025, 3, 31), outcome=housed, by=director)
    _measure(martin, asll, date(2025, 4, 1), by=director)
    _measure(bernard, avdl, date(2025, 9, 1), by=director)
    _measure(bernard, asll, date(2025, 5, 1), status=MeasureStatus.REQUESTED, by=director)  # never began
    _measure(petit, asll, date(2023, 1, 1), end=date(2024, 12, 31), by=director)  # over before 2025
    _measure(petit, avdl, date(2025, 2, 1), end=date(2025, 11, 30), by=director)  # closed without an outcome

    # Interventions: minutes with the person (front) and without (back office).
    for household, kind, on, minutes, back in (
        (martin, InterventionKind.OFFICE_INTERVIEW, date(2025, 2, 10), 60, False),
        (martin, InterventionKind.ADMINISTRATIVE, date(2025, 2, 11), 30, True),
        (petit, InterventionKind.HOME_VISIT, date(2025, 6, 1), 90, False),
        (bernard, InterventionKind.OFFICE_INTERVIEW, date(2024, 12, 31), 45, False),  # 2024
    ):
        Intervention.objects.create(
            organisation=organisation,
            household=household,
            kind=kind,
            occurred_on=on,
            duration_minutes=minutes,
            back_office=back,
            author=director,
        )

    # Desk visits, dated in Paris time: the last one of 2025 is on 31 December at 23:30.
    for visited_at, topics, household in (
        (_at(2025, 3, 3), [Topic.HOUSING_SEARCH, Topic.RENT_ARREARS], None),
        (_at(2025, 3, 4), [Topic.HOUSING_SEARCH], martin),
        (_at(2025, 12, 31, 23, 30), [Topic.ENERGY], petit),
        (_at(2024, 12, 31, 23, 30), [Topic.HOUSING_SEARCH], None),  # 2024
        (_at(2026, 1, 1, 0, 30), [Topic.HOUSING_SEARCH], None),  # 2026
    ):
        DeskVisit.objects.create(
            organisation=organisation, visited_at=visited_at, topics=topics, household=household, recorded_by=director
        )

    # Workshops: two sessions in 2025, one in 2024.
    workshop = Workshop.objects.create(
        organisation=organisation, title="Chercher un logement", theme=WorkshopTheme.HOUSING_SEARCH, created_by=director
    )
    for starts_at, enrolments in (
        (_at(2025, 5, 10), ((martin, True), (bernard, False))),
        (_at(2025, 6, 10), ((martin, True), (petit, True))),
        (_at(2024, 11, 1), ((bernard, True),)),
    ):
        session = WorkshopSession.objects.create(
            organisation=organisation,
            workshop=workshop,
            starts_at=starts_at,
            place="Salle collective",
            facilitator=director,
            capacity=8,
            created_by=director,
        )
        for household, attended in enrolments:
            Enrolment.objects.create(
                organisation=organisation, session=session, household=household, attended=attended, enrolled_by=director
            )

    # Eviction prevention cases.
    for household, opened, closed, outcome in (
        (martin, date(2025, 1, 15), date(2025, 10, 1), CaseOutcome.DEBT_SETTLED),
        (petit, date(2024, 5, 1), date(2025, 2, 1), CaseOutcome.EVICTED),
        (bernard, date(2025, 7, 1), None, ""),
        (petit, date(2025, 3, 1), date(2025, 12, 1), CaseOutcome.REHOUSED),
    ):
        PreventionCase.objects.create(
            organisation=organisation,
            household=household,
            dwelling_address="3 rue du Port",
            landlord_name="SCI du Port",
            landlord_kind=LandlordKind.FAMILY_COMPANY,
            lease_signed_on=date(2020, 1, 1),
            debt=Decimal("1200.00"),
            monthly_amount=Decimal("600.00"),
            first_unpaid_on=opened,
            opened_on=opened,
            closed_on=closed,
            outcome=outcome,
            created_by=director,
        )

    # Leases: a direct lease started in 2025, a sliding sublease that slid on 1 September 2025 (the direct lease
    # born of it is no new start), a lease ended in 2025, and a draft that does not count.
    def lease(household, kind, status, start, end=None, **fields):
        dwelling = fields.pop("dwelling", None) or make_dwelling(organisation)
        return Lease.objects.create(
            organisation=organisation,
            household=household,
            dwelling=dwelling,
            landlord=dwelling.owner,
            kind=kind,
            status=status,
            start_date=start,
            end_date=end,
            rent=Decimal("500.00"),
            irl_quarter=4,
            irl_base_year=start.year - 1,
            revision_anchor=start,
            created_by=director,
            **fields,
        )

    lease(martin, LeaseKind.DIRECT, LeaseStatus.SIGNED, date(2025, 3, 1))
    shared = make_dwelling(organisation)
    head = HeadLease.objects.create(
        organisation=organisation,
        kind=HeadLeaseKind.ORDINARY,
        owner=shared.owner,
        dwelling=shared,
        surface=Decimal("50.00"),
        rent=Decimal("550.00"),
        start_date=date(2024, 1, 1),
        end_date=date(2025, 8, 31),
        created_by=director,
    )
    sublease = lease(
        bernard,
        LeaseKind.SUBLEASE,
        LeaseStatus.SLID,
        date(2024, 1, 1),
        date(2025, 8, 31),
        dwelling=shared,
        head_lease=head,
        sliding=True,
    )
    lease(bernard, LeaseKind.DIRECT, LeaseStatus.SIGNED, date(2025, 9, 1), dwelling=shared, slid_from=sublease)
    lease(petit, LeaseKind.DIRECT, LeaseStatus.ENDED, date(2022, 1, 1), date(2025, 6, 30))
    lease(petit, LeaseKind.DIRECT, LeaseStatus.DRAFT, date(2025, 10, 1))

    # The panorama of concerns.
    housing = ConcernCategory.objects.create(organisation=organisation, code="logement", name="Logement", position=1)
    budget = ConcernCategory.objects.create(organisation=organisation, code="budget", name="Budget", position=2)
    unfit = Concern.objects.create(organisation=organisation, category=housing, label="Insalubrité")
    crowded = Concern.objects.create(organisation=organisation, category=housing, label="Surpeuplement")
    debts = Concern.objects.create(organisation=organisation, category=budget, label="Dettes")
    martin.concerns.set([debts, unfit])
    bernard.concerns.set([debts])
    petit.concerns.set([debts, crowded])

    # Another organisation, with the same programme name: never counted in Habitat Solidaire's figures.
    other = Organisation.objects.create(name="Autre association")
    other_director = _user(other, "autre-directeur", Role.DIRECTOR)
    stranger = _household(other, None, "Durand", 4, other_director)
    other_avdl = Programme.objects.create(organisation=other, code="avdl", name="AVDL", scheme="avdl", position=1)
    _measure(stranger, other_avdl, date(2025, 1, 1), by=other_director)
    DeskVisit.objects.create(
        organisation=other, visited_at=_at(2025, 3, 3), topics=[Topic.HOUSING_SEARCH], recorded_by=other_director
    )

    return Dataset(organisation, director, team_lead, social_worker, volunteer, other_director, martin, bernard, petit)
