"""Reads of the residences shared by pages and API, scoped to the acting user's organisation and rights.

A host reads only the residences they are host of; a user without the right reads nothing, so a page or the
API answers 404, exactly like a missing row."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role, User
from habiter.people.models import Person
from habiter.people.queries import households_visible_to

from . import rules as residence_rules
from .models import Decision, HouseRules, Orientation, Place, Residence, ResidenceStay, Vacancy


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


def legal_params():
    return legal_parameters()


@dataclass(frozen=True)
class PlaceStatus:
    place: Place
    status: str  # rules.FREE, RESERVED or OCCUPIED
    stay: ResidenceStay | None = None
    reserved_household_id: object = None  # the admitted candidate's household, when known


def occupancy(residence, *, on: date) -> list[PlaceStatus]:
    """Each place of `residence` with its status on `on`: occupied by a stay covering the day, else reserved for a
    candidate the commission admitted by that day who has not entered, else free. Three queries whatever the number
    of places. `residence` must have been read through `residences_for`: this function does not scope."""
    places = list(Place.objects.filter(residence=residence).order_by("label", "id"))
    stays = (
        ResidenceStay.objects.filter(place__residence=residence, entered_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .select_related("household", "resident")
    )
    by_place = {stay.place_id: stay for stay in stays}
    reserved = dict(
        Orientation.objects.filter(
            vacancy__place__residence=residence, decision=Decision.ADMITTED, stay__isnull=True, decided_on__lte=on
        ).values_list("vacancy__place_id", "household_id")
    )
    rows = []
    for place in places:
        if place.pk in by_place:
            rows.append(PlaceStatus(place, residence_rules.OCCUPIED, by_place[place.pk]))
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
        .prefetch_related(Prefetch("orientations", queryset=Orientation.objects.order_by("received_on", "id")))
        .order_by("-declared_on", "id")
    )


def vacancy_for_page(user, vacancy_id) -> Vacancy:
    return (
        Vacancy.objects.select_related("place__residence", "filled_by")
        .prefetch_related(
            Prefetch(
                "orientations",
                queryset=Orientation.objects.select_related("household", "stay").order_by("received_on", "id"),
            )
        )
        .get(pk=vacancy_id, place__residence__in=residences_for(user).values("pk"))
    )


def orientation_for_page(user, orientation_id) -> Orientation:
    return Orientation.objects.select_related("vacancy__place__residence", "household", "stay").get(
        pk=orientation_id, vacancy__place__residence__in=residences_for(user).values("pk")
    )


def orientation_household_choices(user):
    """Households the user may open, to say the candidate is already known (a director; a host sees none)."""
    return households_visible_to(user).order_by("name")


def admissions_todo(user, today: date) -> dict:
    """The admission work of the residences the user may run admissions in, for the host's home page: open
    vacancies awaiting a candidate, interviews to fix or to come, decisions to take, decisions to notify to the
    SIAO, entries to come. One query per list, whatever the number of residences."""
    residences = residences_for(user).values("pk")
    orientations = Orientation.objects.filter(
        vacancy__place__residence__in=residences, vacancy__filled_by__isnull=True
    ).select_related("vacancy__place__residence")
    waiting = Q(orientations__decision="") | Q(orientations__decision=Decision.ADMITTED)
    return {
        "vacancies": list(
            Vacancy.objects.filter(place__residence__in=residences, filled_by__isnull=True)
            .exclude(waiting)
            .select_related("place__residence")
            .order_by("declared_on", "id")
        ),
        "interviews": list(
            orientations.filter(decision="")
            .filter(Q(interview_on__isnull=True) | Q(interview_on__gte=today))
            .order_by("interview_on", "received_on", "id")
        ),
        "decisions": list(orientations.filter(decision="", interview_on__lt=today).order_by("interview_on", "id")),
        "notifications": list(
            Orientation.objects.filter(vacancy__place__residence__in=residences, notified_on__isnull=True)
            .exclude(decision="")
            .select_related("vacancy__place__residence")
            .order_by("decided_on", "id")
        ),
        "entries": list(
            orientations.filter(decision=Decision.ADMITTED, notified_on__isnull=False, stay__isnull=True).order_by(
                "decided_on", "id"
            )
        ),
    }
