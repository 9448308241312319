"""Reads of the residences shared by pages and API, scoped to the acting user's organisation and rights.

A host reads only the residences they are host of; a user without the right reads nothing, so a page or the
API answers 404, exactly like a missing row."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role, User
from habiter.people.models import Person
from habiter.people.queries import households_visible_to

from . import rules as residence_rules
from .models import (
    OPEN_CONTRACT_STATUSES,
    AplMaximum,
    ContractStatus,
    Decision,
    GuestStay,
    HostingStaff,
    HouseActivity,
    HouseRules,
    IndividualSupport,
    Orientation,
    OrientationInterview,
    Place,
    RedevanceKind,
    RedevanceLine,
    Residence,
    ResidenceContract,
    ResidenceStay,
    TerminationGround,
    Typology,
    Vacancy,
    YoungWorkersPse,
)
from .permissions import INTERVIEWERS


def residences_for(user):
    if not user.has_perm("residences.view_residence"):
        return Residence.objects.none()
    residences = Residence.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.HOST:
        residences = residences.filter(hosts=user)
    return residences


def residence_list(user, *, text: str = ""):
    """The list page and API: one query, with the number of places."""
    residences = residences_for(user).annotate(place_count=Count("places", distinct=True))
    if text:
        residences = residences.filter(Q(name__icontains=text) | Q(city__icontains=text))
    return residences.order_by("name", "id")


def residence_for_page(user, residence_id) -> Residence:
    return (
        residences_for(user)
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.order_by("label", "id")),
            Prefetch("house_rules", queryset=HouseRules.objects.order_by("-valid_from")),
            Prefetch("hosts", queryset=User.objects.order_by("last_name", "first_name")),
        )
        .get(pk=residence_id)
    )


def place_for_page(user, place_id) -> Place:
    return Place.objects.select_related("residence").get(pk=place_id, residence__in=residences_for(user).values("pk"))


def host_choices(user):
    """The hosts of the user's organisation, for the residence form."""
    return User.objects.filter(organisation_id=user.organisation_id, role=Role.HOST, is_active=True).order_by(
        "last_name", "first_name"
    )


def interviewer_choices(user):
    """The staff of the user's organisation who may lead a candidate's interview."""
    return User.objects.filter(organisation_id=user.organisation_id, role__in=INTERVIEWERS, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def legal_params():
    return legal_parameters()


@dataclass(frozen=True)
class PlaceStatus:
    place: Place
    status: str  # rules.FREE, RESERVED or OCCUPIED
    stay: ResidenceStay | None = None
    reserved_household_id: object = None  # the admitted candidate's household, when known
    contract: ResidenceContract | None = None  # the contract in force on the day, or the one to sign


def occupancy(residence, *, on: date) -> list[PlaceStatus]:
    """Each place of `residence` with its status on `on`: occupied by a contract in force on the day (from its
    first day to the exit) or, for a resident without a contract yet, by a stay covering the day; else reserved for
    a contract to sign prepared or beginning by that day, or a candidate the commission admitted by that day who has
    not entered; else free. Four queries whatever the number of places. `residence` must have been read through
    `residences_for`: this function does not scope."""
    places = list(Place.objects.filter(residence=residence).order_by("label", "id"))
    stays = (
        ResidenceStay.objects.filter(place__residence=residence, entered_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .select_related("household", "resident")
    )
    by_place = {stay.place_id: stay for stay in stays}
    contracts = {}
    for contract in (
        ResidenceContract.objects.filter(place__residence=residence)
        .filter(
            # a contract to sign reserves its place from the day it was prepared or its first day, whichever is first
            # (on an earlier day the place was not promised yet)
            Q(status=ContractStatus.TO_SIGN) & (Q(created_at__date__lte=on) | Q(starts_on__lte=on))
            | Q(status__in=[ContractStatus.ACTIVE, ContractStatus.NOTICE], starts_on__lte=on)
            | Q(status=ContractStatus.ENDED, starts_on__lte=on, left_on__gte=on)
        )
        .select_related("household", "resident")
        .order_by("created_at")
    ):
        contracts[contract.place_id] = contract
    reserved = dict(
        Orientation.objects.filter(
            vacancy__place__residence=residence, decision=Decision.ADMITTED, stay__isnull=True, decided_on__lte=on
        ).values_list("vacancy__place_id", "household_id")
    )
    rows = []
    for place in places:
        contract = contracts.get(place.pk)
        if contract is not None and contract.status != ContractStatus.TO_SIGN:
            rows.append(PlaceStatus(place, residence_rules.OCCUPIED, by_place.get(place.pk), contract=contract))
        elif place.pk in by_place:
            rows.append(PlaceStatus(place, residence_rules.OCCUPIED, by_place[place.pk], contract=contract))
        elif contract is not None:
            rows.append(
                PlaceStatus(
                    place, residence_rules.RESERVED, reserved_household_id=contract.household_id, contract=contract
                )
            )
        elif place.pk in reserved:
            rows.append(PlaceStatus(place, residence_rules.RESERVED, reserved_household_id=reserved[place.pk]))
        else:
            rows.append(PlaceStatus(place, residence_rules.FREE))
    return rows


def stay_for_page(user, stay_id) -> ResidenceStay:
    return ResidenceStay.objects.select_related("place__residence", "household", "resident").get(
        pk=stay_id, place__residence__in=residences_for(user).values("pk")
    )


def resident_choices(user):
    """The members of the households the user may open, for the entry form (a director: the organisation's)."""
    return (
        Person.objects.filter(household__in=households_visible_to(user).values("pk"))
        .select_related("household")
        .order_by("last_name", "first_name")
    )


def vacancies_of(residence):
    """The residence's vacancies, newest first, with their orientations and, once filled, the entry: three queries."""
    return (
        Vacancy.objects.filter(place__residence=residence)
        .select_related("place", "filled_by")
        .prefetch_related(
            Prefetch("orientations", queryset=with_interviews(Orientation.objects).order_by("received_on", "id"))
        )
        .order_by("-declared_on", "id")
    )


def vacancy_for_page(user, vacancy_id) -> Vacancy:
    return (
        Vacancy.objects.select_related("place__residence", "filled_by")
        .prefetch_related(
            Prefetch(
                "orientations",
                queryset=with_interviews(Orientation.objects)
                .select_related("household", "stay")
                .order_by("received_on", "id"),
            )
        )
        .get(pk=vacancy_id, place__residence__in=residences_for(user).values("pk"))
    )


def orientation_for_page(user, orientation_id) -> Orientation:
    return (
        with_interviews(Orientation.objects)
        .select_related("vacancy__place__residence", "household", "stay", "siao")
        .prefetch_related(Prefetch("interviews", queryset=OrientationInterview.objects.select_related("led_by")))
        .get(pk=orientation_id, vacancy__place__residence__in=residences_for(user).values("pk"))
    )


def with_interviews(orientations):
    """Each orientation with the day of its next interview to come or to note (`next_interview_on`) and whether
    one was held (`interviewed`: the candidate came, or did not come), for the lists of candidates."""
    planned = Q(interviews__attendance=residence_rules.PLANNED)
    return orientations.annotate(
        next_interview_on=Min("interviews__held_on", filter=planned),
        interviewed=Exists(
            OrientationInterview.objects.filter(orientation=OuterRef("pk"), attendance__in=residence_rules.HELD)
        ),
    )


def orientation_household_choices(user):
    """Households the user may open, to say the candidate is already known (a director; a host sees none)."""
    return households_visible_to(user).order_by("name")


def admissions_todo(user, today: date) -> dict:
    """The admission work of the residences the user may run admissions in, for the host's home page: open
    vacancies awaiting a candidate, interviews to fix or to come, decisions to take, decisions to notify to the
    SIAO, entries to come. One query per list, whatever the number of residences."""
    residences = residences_for(user).values("pk")
    orientations = with_interviews(
        Orientation.objects.filter(vacancy__place__residence__in=residences, vacancy__filled_by__isnull=True)
    ).select_related("vacancy__place__residence")
    waiting = Q(orientations__decision="") | Q(orientations__decision=Decision.ADMITTED)
    return {
        "vacancies": list(
            Vacancy.objects.filter(place__residence__in=residences, filled_by__isnull=True)
            .exclude(waiting)
            .select_related("place__residence")
            .order_by("declared_on", "id")
        ),
        # no interview held yet: one to fix, to come, or whose attendance is to note
        "interviews": list(
            orientations.filter(decision="", interviewed=False).order_by(
                F("next_interview_on").asc(nulls_first=True), "received_on", "id"
            )
        ),
        "decisions": list(orientations.filter(decision="", interviewed=True).order_by("received_on", "id")),
        "notifications": list(
            Orientation.objects.filter(vacancy__place__residence__in=residences, notified_on__isnull=True)
            .exclude(decision="")
            .select_related("vacancy__place__residence")
            .order_by("decided_on", "id")
        ),
        "entries": list(
            # an admission whose contract is made is in the contracts to sign, not here again
            orientations.filter(
                decision=Decision.ADMITTED, notified_on__isnull=False, stay__isnull=True, contract__isnull=True
            ).order_by("decided_on", "id")
        ),
    }


# --- contracts (W4–W6) -------------------------------------------------------------------------------------


def contracts_for(user):
    """The contracts the user may read: those of the residences they may open (a host: the residences they host),
    and for a social worker those of the households they follow. Anyone else: none."""
    if not user.has_perm("residences.view_contract"):
        return ResidenceContract.objects.none()
    scope = Q(place__residence__in=residences_for(user).values("pk"))
    if user.role == Role.SOCIAL_WORKER:
        scope = Q(household__in=households_visible_to(user).values("pk"))
    return ResidenceContract.objects.filter(scope, organisation_id=user.organisation_id)


def contract_for_page(user, contract_id) -> ResidenceContract:
    return (
        contracts_for(user)
        .select_related("place__residence", "household", "resident", "house_rules")
        .get(pk=contract_id)
    )


def contract_print_context(contract) -> dict:
    """What the printed contract states besides its own fields (R74, W4–W5): the resident's notice, the length of
    the contract renewed tacitly, the manager's termination grounds with their notice, from the dated table on the
    contract's first day."""
    params = legal_params()
    day = contract.starts_on
    residence = contract.place.residence  # W1: an ESSMS's resident notice is its contrat de séjour's
    return {
        "contract": contract,
        "redevance": printed_redevance(contract, timezone.localdate()),
        "house_rules": contract.house_rules,
        "contract_months": params.integer("foyer_contract_months", day),
        "resident_notice_days": residence.essms_resident_notice_days
        if residence.is_essms and residence.essms_resident_notice_days is not None
        else params.integer(residence_rules.RESIDENT_NOTICE_DAYS_KEY, day),
        "grounds": [
            (label, params.integer(residence_rules.TERMINATION_NOTICE_KEYS[value], day))
            for value, label in TerminationGround.choices
        ],
    }


def printed_redevance(contract, today: date):
    """The redevance the printed contract states: the lines in force today, else (a contract not begun yet) the
    first lines to come; None when none is set."""
    sets = redevance_sets(contract)
    in_force = next((each for each in sets if each.valid_from <= today), None)
    return in_force or (sets[-1] if sets else None)


def may_open_household(user, household_id) -> bool:
    """Whether the user may open the household's file (its referent, its team, the director): a host may not, and
    so does not read the social worker's notes (W10)."""
    return households_visible_to(user).filter(pk=household_id).exists()


def contract_practical_file(contract) -> dict:
    """What the host needs of a resident, besides the contract: their guests, the activities they attended and
    the individual supports given (three queries). The social worker's notes are not here: they stay in the
    household's file, which only those who follow the household open."""
    return {
        "guest_stays": list(contract.guest_stays.order_by("-arrived_on", "id")),
        "activities": list(
            HouseActivity.objects.filter(
                residence_id=contract.place.residence_id, participants=contract.resident_id
            ).order_by("-held_on", "id")[:50]
        ),
        "supports": list(
            IndividualSupport.objects.filter(
                residence_id=contract.place.residence_id, resident_id=contract.resident_id
            ).order_by("-given_on", "id")[:50]
        ),
    }


def residence_contracts(residence):
    """The residence's contracts, open ones first, then ended, newest first: one query."""
    return (
        ResidenceContract.objects.filter(place__residence=residence)
        .select_related("place", "resident")
        .order_by("status", "-starts_on", "id")
    )


def house_rules_in_force(residence_id, on: date) -> HouseRules | None:
    return HouseRules.objects.filter(residence_id=residence_id, valid_from__lte=on).order_by("-valid_from").first()


def guest_alerts(residence, on: date) -> list[dict]:
    """The guests whose nights in the month of `on` reach the limit of the RI frozen on the resident's contract
    (W14): two queries whatever the number of contracts."""
    return _guest_alerts(Q(place__residence=residence), on)


def _guest_alerts(scope: Q, on: date) -> list[dict]:
    start, end = residence_rules.month_bounds(on)
    contracts = {
        c.pk: c
        for c in ResidenceContract.objects.filter(
            scope,
            status__in=OPEN_CONTRACT_STATUSES,
            house_rules__guest_nights_per_month__isnull=False,
        ).select_related("resident", "place__residence", "house_rules")
    }
    by_contract: dict = {}
    for stay in GuestStay.objects.filter(
        contract_id__in=list(contracts), arrived_on__lte=end, left_on__gt=start
    ).order_by("arrived_on", "id"):
        by_contract.setdefault(stay.contract_id, []).append((stay.guest_name, stay.arrived_on, stay.left_on))
    alerts = []
    for contract_id, stays in by_contract.items():
        contract = contracts[contract_id]
        limit = contract.house_rules.guest_nights_per_month
        for guest, nights in residence_rules.guests_at_limit(stays, start, end, limit).items():
            alerts.append({"contract": contract, "guest": guest, "nights": nights, "limit": limit})
    return sorted(alerts, key=lambda a: (a["contract"].place.residence.name, a["contract"].place.label, a["guest"]))


# How far ahead the host's home page shows the residents whose notice ends: a working habit, not a legal number.
NOTICE_ENDING_WITHIN_DAYS = 15


def house_todo(user, today: date) -> dict:
    """The contracts' work of the day in the residences the user may run contracts in, for the host's home page:
    contracts to sign (the RI to initial, or the contract to activate), guests at the RI's limit this month, residents
    whose notice ends within 15 days. Four queries whatever the number of residences."""
    if not user.has_perm("residences.run_contracts"):
        return {"to_sign": [], "guest_alerts": [], "notices_ending": []}
    residences = residences_for(user).values("pk")
    contracts = ResidenceContract.objects.filter(place__residence__in=residences).select_related(
        "place__residence", "resident"
    )
    return {
        "to_sign": list(contracts.filter(status=ContractStatus.TO_SIGN).order_by("starts_on", "id")),
        "guest_alerts": _guest_alerts(Q(place__residence__in=residences), today),
        "notices_ending": list(
            contracts.filter(
                status=ContractStatus.NOTICE,
                ends_on__gte=today,
                ends_on__lte=today + timedelta(days=NOTICE_ENDING_WITHIN_DAYS),
            ).order_by("ends_on", "id")
        ),
    }


def contract_guest_alerts(contract, on: date) -> dict[str, int]:
    start, end = residence_rules.month_bounds(on)
    stays = [(s.guest_name, s.arrived_on, s.left_on) for s in contract.guest_stays.order_by("arrived_on", "id")]
    return residence_rules.guests_at_limit(stays, start, end, contract.house_rules.guest_nights_per_month)


def contract_guest_legal_alerts(contract) -> dict[str, int]:
    """The resident's guests hosted three months in all (R76), with their nights."""
    stays = [(s.guest_name, s.arrived_on, s.left_on) for s in contract.guest_stays.order_by("arrived_on", "id")]
    return residence_rules.guests_at_legal_cap(stays, legal_params())


def admitted_orientation_for_contract(user, orientation_id) -> Orientation:
    """An admitted candidate, notified to the SIAO, whose household is known and who has no contract yet."""
    return Orientation.objects.select_related("vacancy__place__residence", "household").get(
        pk=orientation_id,
        vacancy__place__residence__in=residences_for(user).values("pk"),
        decision=Decision.ADMITTED,
        household__isnull=False,
        contract__isnull=True,
        stay__isnull=True,
    )


def contract_of_orientation(orientation) -> ResidenceContract | None:
    return ResidenceContract.objects.filter(orientation=orientation).first()


def contract_resident_choices(user, place):
    """Whom a contract may be made for from a place: a director, any member of a household they may open; a host
    (who opens no household's file), the residents already living in the place without a contract."""
    stays = place.stays.filter(left_on__isnull=True, contract__isnull=True).values("resident_id")
    if user.role == Role.HOST:
        persons = Person.objects.filter(pk__in=stays)
    else:
        persons = Person.objects.filter(household__in=households_visible_to(user).values("pk"))
    return persons.select_related("household").order_by("last_name", "first_name")


# --- the house journal (W10) -------------------------------------------------------------------------------


def journal_of(residence, *, year: int):
    """The residence's activities and individual supports of the year, newest first: four queries."""
    activities = (
        HouseActivity.objects.filter(residence=residence, held_on__year=year)
        .prefetch_related(
            Prefetch("participants", queryset=Person.objects.order_by("last_name", "first_name")),
            Prefetch("helpers", queryset=User.objects.order_by("last_name", "first_name")),
        )
        .order_by("-held_on", "id")
    )
    supports = (
        IndividualSupport.objects.filter(residence=residence, given_on__year=year)
        .select_related("resident", "created_by")
        .order_by("-given_on", "id")
    )
    return list(activities), list(supports)


def support_for_page(user, support_id) -> IndividualSupport:
    """An individual support of a residence whose journal the user keeps (the director, the host of the
    residence), with its resident and residence: the page that gives or corrects its kind. Anyone else:
    DoesNotExist."""
    if not user.has_perm("residences.keep_journal"):
        raise IndividualSupport.DoesNotExist
    return IndividualSupport.objects.select_related("residence", "resident").get(
        pk=support_id, residence__in=residences_for(user).values("pk")
    )


def participation_table(residence, *, year: int) -> dict:
    """Residents' participation in the collective activities of the residence, per month of `year`: the number of
    activities each resident took part in, each month, and the number of activities per month. Three queries,
    whatever the number of residents and activities."""
    activities = HouseActivity.objects.filter(residence=residence, held_on__year=year)
    per_month = dict(
        activities.annotate(month=ExtractMonth("held_on"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    through = HouseActivity.participants.through
    counts = (
        through.objects.filter(houseactivity__in=activities)
        .annotate(month=ExtractMonth("houseactivity__held_on"))
        .values("person_id", "month")
        .annotate(n=Count("id"))
    )
    cells: dict = {}
    for row in counts:
        cells.setdefault(row["person_id"], {})[row["month"]] = row["n"]
    persons = Person.objects.filter(pk__in=list(cells)).order_by("last_name", "first_name")
    rows = [
        {
            "person": person,
            "months": [cells[person.pk].get(m, 0) for m in range(1, 13)],
            "total": sum(cells[person.pk].values()),
        }
        for person in persons
    ]
    return {"rows": rows, "activities": [per_month.get(m, 0) for m in range(1, 13)], "total": sum(per_month.values())}


def journal_resident_choices(residence, on: date):
    """The residents of the residence on `on` (a contract in force or a stay covering the day): whom an activity or
    a support is about."""
    with_contract = ResidenceContract.objects.filter(
        place__residence=residence, status__in=[ContractStatus.ACTIVE, ContractStatus.NOTICE]
    ).values("resident_id")
    staying = (
        ResidenceStay.objects.filter(place__residence=residence, entered_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .values("resident_id")
    )
    return Person.objects.filter(Q(pk__in=with_contract) | Q(pk__in=staying)).order_by("last_name", "first_name")


def volunteer_choices(user):
    """The volunteers of the user's organisation, who may help at an activity."""
    return User.objects.filter(organisation_id=user.organisation_id, role=Role.VOLUNTEER, is_active=True).order_by(
        "last_name", "first_name"
    )


# --- occupancy and funding figures (W3, W9) ----------------------------------------------------------------


def _openings_and_stays(residences: list, start: date, end: date) -> tuple[dict, dict]:
    """{residence id: [PlaceOpening]} and {residence id: [StaySpan that touches start–end]}: two queries."""
    ids = [r.pk for r in residences]
    opened = {r.pk: r.opened_on for r in residences}
    openings: dict = {pk: [] for pk in ids}
    for place_id, residence_id, opened_on in Place.objects.filter(residence_id__in=ids).values_list(
        "pk", "residence_id", "opened_on"
    ):
        openings[residence_id].append(residence_rules.PlaceOpening(place_id, opened_on or opened[residence_id]))
    stays: dict = {pk: [] for pk in ids}
    # the vacancy an entry filled comes in the same query (a one-to-one: at most one row per stay)
    for place_id, residence_id, entered_on, left_on, destination, declared_on in (
        ResidenceStay.objects.filter(place__residence_id__in=ids, entered_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .values_list(
            "place_id", "place__residence_id", "entered_on", "left_on", "exit_destination", "vacancy__declared_on"
        )
    ):
        stays[residence_id].append(
            residence_rules.StaySpan(place_id, entered_on, left_on, destination, vacancy_declared_on=declared_on)
        )
    return openings, stays


def period_occupancy(residences, *, start: date, end: date) -> tuple[list[tuple], object]:
    """The occupancy figures (`rules.period_figures`: places, place-days available and occupied, entries, exits,
    average stay, vacancies filled and their days from vacancy to entry) of each residence of `residences` (already
    scoped by the caller) from `start` to `end`, and of all of them together: the same counting as the residences'
    yearly figures, over any period (the funders' reports). Four queries whatever the number of residences, places
    and stays. The days after today are not counted."""
    residences = list(residences)
    openings, stays = _openings_and_stays(residences, start, end)
    rates = residence_rules.rate_periods(legal_params())
    today = timezone.localdate()
    rows = [
        (
            residence,
            residence_rules.period_figures(openings[residence.pk], stays[residence.pk], start, end, rates, today),
        )
        for residence in residences
    ]
    everything = residence_rules.period_figures(
        [o for pk in openings for o in openings[pk]], [s for pk in stays for s in stays[pk]], start, end, rates, today
    )
    return rows, everything


@dataclass(frozen=True)
class ResidenceFigures:
    residence: Residence
    months: list  # twelve rules.OccupancyFigures
    year: object  # rules.OccupancyFigures of the whole year


def occupancy_figures(residences, *, year: int) -> tuple[list[ResidenceFigures], object, list]:
    """The occupancy and funding figures of each residence of `residences` (already scoped: read through
    `residences_for`) for each month of `year` and the whole year; the year of all of them together; the State's
    daily rates in force during the year (rows of the legal-parameter table, with their status). Four queries
    whatever the number of residences, places and years of stays: the residences, their places, the stays that
    touch the year, the legal parameters."""
    residences = list(residences)
    ids = [r.pk for r in residences]
    start, end = date(year, 1, 1), date(year, 12, 31)
    openings, stays = _openings_and_stays(residences, start, end)
    params = legal_params()
    rates = residence_rules.rate_periods(params)
    today = timezone.localdate()  # a year still running is counted up to today
    rows = []
    for residence in residences:
        months, whole = residence_rules.year_figures(openings[residence.pk], stays[residence.pk], year, rates, today)
        rows.append(ResidenceFigures(residence, months, whole))
    everything = residence_rules.period_figures(
        [o for pk in ids for o in openings[pk]], [s for pk in ids for s in stays[pk]], start, end, rates, today
    )
    in_force = [
        {
            "start": row.valid_from,
            "end": row.valid_to,
            "rate": Decimal(row.value),
            "confirmed": row.status == "CONFIRMED",
            "source_url": row.source_url,
        }
        for row in params.rows(key=residence_rules.STATE_DAILY_RATE_KEY)
        if (row.valid_from is None or row.valid_from <= end) and (row.valid_to is None or row.valid_to >= start)
    ]
    return rows, everything, in_force


# --- the redevance and the APL-foyer maxima (W7–W8, docs/adr/0027) ------------------------------------------


@dataclass(frozen=True)
class RedevanceSet:
    """The lines of a contract's redevance from one day on, with their monthly total and APL-foyer base."""

    valid_from: date
    lines: list
    total: Decimal
    apl_base: Decimal
    valid_to: date | None = None


def _kind_order(line) -> tuple:
    return (list(RedevanceKind.values).index(line.kind), line.pk or 0)


def redevance_sets(contract) -> list[RedevanceSet]:
    """Every set of lines of the contract, newest first, each with the day before the next one as its end (one
    query)."""
    by_start: dict[date, list] = {}
    for line in RedevanceLine.objects.filter(contract=contract).order_by("-valid_from", "id"):
        by_start.setdefault(line.valid_from, []).append(line)
    sets, next_start = [], None
    for start, lines in by_start.items():
        lines.sort(key=_kind_order)
        pairs = [(line.kind, line.amount) for line in lines]
        sets.append(
            RedevanceSet(
                valid_from=start,
                lines=lines,
                total=residence_rules.redevance_total(pairs),
                apl_base=residence_rules.apl_base(pairs),
                valid_to=next_start - timedelta(days=1) if next_start else None,
            )
        )
        next_start = start
    return sets


def redevance_in_force(contract, on: date) -> RedevanceSet | None:
    """The lines of the contract in force on `on` (the set starting last on or before it), or None."""
    return next((each for each in redevance_sets(contract) if each.valid_from <= on), None)


def redevance_monthly_total(contract, on: date) -> Decimal | None:
    """The monthly redevance the resident owes on `on`, services included; None when no line is in force."""
    in_force = redevance_in_force(contract, on)
    return in_force.total if in_force else None


def deposit_above_cap(contract, sets=None, params=None) -> Decimal | None:
    """The cap of W6 (`rules.deposit_cap`) that the contract's deposit exceeds, from the redevance of its first
    month (or of its first set of lines, when they start later); None when within it or with no redevance yet.
    `sets`: the contract's `redevance_sets`, when the caller has them."""
    sets = redevance_sets(contract) if sets is None else sets
    if not sets or not contract.deposit_amount:
        return None
    first = next((each for each in sets if each.valid_from <= contract.starts_on), sets[-1])
    params = params or legal_parameters()
    months = params.integer("foyer_deposit_max_months", contract.starts_on)
    cap = residence_rules.deposit_cap(first.total, months)
    return cap if cap is not None and contract.deposit_amount > cap else None


def latest_redevance_start(contract_id) -> date | None:
    return (
        RedevanceLine.objects.filter(contract_id=contract_id)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )


@dataclass(frozen=True)
class AplMaximumFigure:
    """The convention's maximum of a typology for a year, with the year and status of the value it comes from."""

    typology: str
    year: int
    amount: Decimal | None
    base_year: int | None
    status: str = ""
    quarter: int | None = None
    base_amount: Decimal | None = None  # the convention's value of `base_year`, revised up to `year`

    @property
    def recorded(self) -> bool:
        """The value of the year itself, read on the convention (not revised from an earlier year)."""
        return self.base_year == self.year


def _irl_by_year(quarter: int, zone: str = "metropole") -> dict[int, Decimal]:
    from habiter.leases.models import RentIndex

    return dict(RentIndex.objects.filter(quarter=quarter, zone=zone).values_list("year", "value"))


def apl_maximum(residence_id, typology: str, year: int) -> AplMaximumFigure:
    """The maximum of the APL-foyer base for a place typology of the residence in `year` (W7): its convention's
    latest value on or before that year, revised each 1 January with the IRL of the quarter of the dated table."""
    rows = {
        row.year: row for row in AplMaximum.objects.filter(residence_id=residence_id, typology=typology, year__lte=year)
    }
    if not rows:
        return AplMaximumFigure(typology=typology, year=year, amount=None, base_year=None)
    quarter = legal_params().integer(residence_rules.APL_MAX_IRL_QUARTER_KEY, date(year, 1, 1))
    amount, base_year = residence_rules.apl_maximum_for_year(
        {row_year: row.amount for row_year, row in rows.items()}, year, _irl_by_year(quarter)
    )
    return AplMaximumFigure(
        typology=typology,
        year=year,
        amount=amount,
        base_year=base_year,
        status=rows[base_year].status,
        quarter=quarter,
        base_amount=rows[base_year].amount,
    )


# --- the maxima page (W7): the director and the hosts of the residence ------------------------------------------


def residence_for_apl_maxima(user, residence_id) -> Residence:
    """The residence whose convention maxima the user may read and record: the director, a host of that residence;
    anyone else, or a residence out of scope, DoesNotExist."""
    if not user.has_perm("residences.keep_apl_maxima"):
        raise Residence.DoesNotExist
    return residences_for(user).get(pk=residence_id)


def apl_maximum_for_page(user, maximum_id) -> AplMaximum:
    """A recorded convention value of a residence whose maxima the user keeps; else DoesNotExist."""
    if not user.has_perm("residences.keep_apl_maxima"):
        raise AplMaximum.DoesNotExist
    return AplMaximum.objects.select_related("residence").get(
        pk=maximum_id, residence__in=residences_for(user).values("pk")
    )


def residence_typologies(residence) -> list[str]:
    """The typologies of the residence's places, in the order of `Typology`."""
    present = set(Place.objects.filter(residence=residence).values_list("typology", flat=True))
    return [value for value in Typology.values if value in present]


def apl_maxima_recorded(residence):
    """The convention values recorded for the residence, by typology then latest year first."""
    return AplMaximum.objects.filter(residence=residence).select_related("changed_by").order_by("typology", "-year")


@dataclass(frozen=True)
class AplMaximaTypology:
    typology: str
    has_places: bool
    figures: list[AplMaximumFigure]


def apl_maxima_table(residence, today: date, recorded) -> list[AplMaximaTypology]:
    """For each typology of the residence's places and each typology with a recorded value: the maximum of the
    current year, of the next one and of each year recorded, as `apl_maximum` states it (recorded, revised with the
    IRL from an earlier value, or not statable for want of an IRL). `recorded`: `apl_maxima_recorded(residence)`."""
    places = residence_typologies(residence)
    years_of = {}
    for row in recorded:
        years_of.setdefault(row.typology, set()).add(row.year)
    typologies = [value for value in Typology.values if value in places or value in years_of]
    table = []
    for typology in typologies:
        years = sorted({today.year, today.year + 1} | years_of.get(typology, set()))
        figures = [apl_maximum(residence.pk, typology, year) for year in years]
        table.append(AplMaximaTypology(typology=typology, has_places=typology in places, figures=figures))
    return table


# --- the PSE of a foyer de jeunes travailleurs (W38): the director ----------------------------------------------


def residence_for_young_workers_pse(user, residence_id) -> Residence:
    """The residence whose CAF PSE the user may record: the director, for a residence of the organisation; anyone
    else, or a residence out of scope, DoesNotExist."""
    if not user.has_perm("residences.manage_residence"):
        raise Residence.DoesNotExist
    return residences_for(user).get(pk=residence_id)


def young_workers_pse(residence):
    """The PSE recorded for the residence, latest year first."""
    return YoungWorkersPse.objects.filter(residence=residence).select_related("changed_by").order_by("-year")


# --- the hosts' time of a boarding house (W34): typed by the director, read with the residence --------------------


def residence_for_hosting_staff(user, residence_id) -> Residence:
    """The residence whose hosts' time the user may record: the director, for a residence of the organisation; anyone
    else, or a residence out of scope, DoesNotExist."""
    if not user.has_perm("residences.manage_residence"):
        raise Residence.DoesNotExist
    return residences_for(user).get(pk=residence_id)


def hosting_staff(residence):
    """The hosts' time recorded for the residence, latest year first."""
    return HostingStaff.objects.filter(residence=residence).select_related("changed_by").order_by("-year")
