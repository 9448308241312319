"""API v1 of `residences`: the residences, each place's status on a date, the admissions through the SIAO, the
contracts, the occupancy and funding figures of a year — with the same permissions and scopes as the pages (a host
reads only the residences they host; admissions are read by the roles that run them). A role that may not read
residences gets 403 on the collection and 404 on a row."""

from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema

from habiter.core.api_inputs import LIMIT_MAX, OFFSET_MAX, ApiDate
from habiter.core.reads import journaled_list, listed

from . import queries
from . import rules as residence_rules
from .models import InterviewAttendance, Orientation, OrientationInterview, Residence

router = Router(tags=["résidences"])


class ResidenceOut(Schema):
    id: UUID
    name: str
    kind: str
    address: str
    postal_code: str
    city: str
    opened_on: date | None
    is_essms: bool
    young_workers: bool  # a foyer de jeunes travailleurs (résidences sociales only, W38)
    apl_convention_reference: str
    agrement_reference: str
    place_count: int


class ResidenceList(Schema):
    count: int
    items: list[ResidenceOut]


class PlaceStatusOut(Schema):
    place_id: UUID
    label: str
    kind: str
    typology: str
    surface: str
    status: str  # free, reserved or occupied
    household_id: UUID | None


class Occupancy(Schema):
    on: date
    count: int
    items: list[PlaceStatusOut]


class AdmissionOut(Schema):
    id: UUID
    vacancy_id: UUID
    place_id: UUID
    vacancy_declared_on: date
    siao_reference: str
    siao: str  # the SIAO's partner name, "" when not recorded
    candidate_name: str
    household_id: UUID | None
    received_on: date
    interview_on: date | None  # the day of its latest interview (there may be several)
    came_to_interview: bool  # whether the candidate came to one of its interviews
    decision: str | None  # admitted, refused, or null while the commission has not decided
    refusal_reason: str | None
    decided_on: date | None
    notified_on: date | None
    entered_on: date | None
    days_from_vacancy_to_entry: int | None  # W3: calendar days from the vacancy declared to the entry; null before


class AdmissionList(Schema):
    count: int
    items: list[AdmissionOut]


class ContractOut(Schema):
    id: UUID
    place_id: UUID
    place_label: str
    household_id: UUID
    resident_id: UUID
    status: str  # to_sign, active, notice or ended
    starts_on: date
    house_rules_valid_from: date  # the version of the RI annexed to the contract, frozen
    ri_initialled_on: date | None
    deposit_amount: str
    notice_by: str | None  # resident or manager
    notice_on: date | None
    termination_ground: str | None
    ends_on: date | None
    left_on: date | None
    exit_destination: str | None


class ContractList(Schema):
    count: int
    items: list[ContractOut]


class FiguresOut(Schema):
    start: date
    end: date
    places: int
    available_days: int
    occupied_days: int
    vacancy_days: int
    occupancy_rate: str | None  # a percentage with one decimal ("95.0"); null when no place was open
    entries: int
    exits: dict[str, int]  # exit destination → number of exits
    exit_count: int
    average_stay_days: int | None
    grant: str | None  # the State's expected grant (W9); null when no daily rate is known for a day
    vacancies_filled: int  # W3: the SIAO vacancies filled by an entry of the period
    average_days_from_vacancy_to_entry: int | None  # rounded half up; null when no vacancy was filled
    longest_days_from_vacancy_to_entry: int | None


class RateOut(Schema):
    valid_from: date | None
    valid_to: date | None
    rate: str
    confirmed: bool
    source_url: str


class OccupancyFigures(Schema):
    residence_id: UUID
    year: int
    total: FiguresOut
    months: list[FiguresOut]
    daily_rates: list[RateOut]


def _figures(f) -> dict:
    return {
        "start": f.start,
        "end": f.end,
        "places": f.places,
        "available_days": f.available_days,
        "occupied_days": f.occupied_days,
        "vacancy_days": f.vacancy_days,
        "occupancy_rate": None if f.occupancy_rate is None else str(f.occupancy_rate),
        "entries": f.entries,
        "exits": f.exits,
        "exit_count": f.exit_count,
        "average_stay_days": f.average_stay_days,
        "grant": None if f.grant is None else f"{f.grant:.2f}",
        "vacancies_filled": f.vacancies_filled,
        "average_days_from_vacancy_to_entry": f.average_days_to_entry,
        "longest_days_from_vacancy_to_entry": f.longest_days_to_entry,
    }


def _residence(user, residence_id) -> Residence:
    try:
        return queries.residences_for(user).get(pk=residence_id)
    except Residence.DoesNotExist:
        raise Http404 from None


@router.get("/residences", response=ResidenceList, summary="Résidences")
def residence_list(
    request,
    q: str = "",
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
):
    if not request.user.has_perm("residences.view_residence"):
        raise PermissionDenied
    residences = queries.residence_list(request.user, text=q.strip()[:200])
    return {"count": residences.count(), "items": list(residences[offset : offset + limit])}


@router.get("/residences/{residence_id}/occupancy", response=Occupancy, summary="Occupation des places à une date")
@journaled_list("residences.occupancy")
def residence_occupancy(request, residence_id: UUID, on: ApiDate | None = None):
    residence = _residence(request.user, residence_id)
    day = on or timezone.localdate()
    rows = queries.occupancy(residence, on=day)
    items = []
    for row in rows:
        household_id = row.stay.household_id if row.stay is not None else row.reserved_household_id
        items.append(
            {
                "place_id": row.place.pk,
                "label": row.place.label,
                "kind": row.place.kind,
                "typology": row.place.typology,
                "surface": f"{row.place.surface:.2f}",
                "status": row.status,
                "household_id": household_id,
            }
        )
    listed(request, [item["household_id"] for item in items if item["household_id"]])
    return {"on": day, "count": len(items), "items": items}


@router.get("/residences/{residence_id}/admissions", response=AdmissionList, summary="Admissions par le SIAO")
@journaled_list("residences.orientation")
def residence_admissions(
    request,
    residence_id: UUID,
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
):
    residence = _residence(request.user, residence_id)
    if not request.user.has_perm("residences.run_admissions"):
        raise Http404
    orientations = (
        Orientation.objects.filter(vacancy__place__residence=residence)
        .annotate(
            last_interview_on=Max("interviews__held_on"),
            came_to_interview=Exists(
                OrientationInterview.objects.filter(orientation=OuterRef("pk"), attendance=InterviewAttendance.CAME)
            ),
        )
        .select_related("vacancy", "stay", "siao")
        .order_by("-received_on", "id")
    )
    page = list(orientations[offset : offset + limit])
    listed(request, [o.household_id for o in page if o.household_id])
    items = [
        {
            "id": o.pk,
            "vacancy_id": o.vacancy_id,
            "place_id": o.vacancy.place_id,
            "vacancy_declared_on": o.vacancy.declared_on,
            "siao_reference": o.siao_reference,
            "siao": o.siao.name if o.siao_id else "",
            "candidate_name": o.candidate_name,
            "household_id": o.household_id,
            "received_on": o.received_on,
            "interview_on": o.last_interview_on,
            "came_to_interview": o.came_to_interview,
            "decision": o.decision or None,
            "refusal_reason": o.refusal_reason or None,
            "decided_on": o.decided_on,
            "notified_on": o.notified_on,
            "entered_on": o.stay.entered_on if o.stay is not None else None,
            "days_from_vacancy_to_entry": (
                None
                if o.stay is None
                else residence_rules.days_from_vacancy_to_entry(o.vacancy.declared_on, o.stay.entered_on)
            ),
        }
        for o in page
    ]
    return {"count": orientations.count(), "items": items}


@router.get("/residences/{residence_id}/contracts", response=ContractList, summary="Contrats de résidence")
@journaled_list("residences.contract")
def residence_contracts(
    request,
    residence_id: UUID,
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
):
    residence = _residence(request.user, residence_id)
    contracts = (
        queries.contracts_for(request.user)
        .filter(place__residence=residence)
        .select_related("place", "house_rules")
        .order_by("-starts_on", "id")
    )
    page = list(contracts[offset : offset + limit])
    listed(request, [c.household_id for c in page])
    items = [
        {
            "id": c.pk,
            "place_id": c.place_id,
            "place_label": c.place.label,
            "household_id": c.household_id,
            "resident_id": c.resident_id,
            "status": c.status,
            "starts_on": c.starts_on,
            "house_rules_valid_from": c.house_rules.valid_from,
            "ri_initialled_on": c.ri_initialled_on,
            "deposit_amount": f"{c.deposit_amount:.2f}",
            "notice_by": c.notice_by or None,
            "notice_on": c.notice_on,
            "termination_ground": c.termination_ground or None,
            "ends_on": c.ends_on,
            "left_on": c.left_on,
            "exit_destination": c.exit_destination or None,
        }
        for c in page
    ]
    return {"count": contracts.count(), "items": items}


@router.get(
    "/residences/{residence_id}/occupancy-figures",
    response=OccupancyFigures,
    summary="Occupation et financement d'une résidence sur une année",
)
def residence_occupancy_figures(request, residence_id: UUID, year: int | None = Query(None, ge=2000, le=2100)):
    residence = _residence(request.user, residence_id)
    year = year or timezone.localdate().year
    rows, _everything, rates = queries.occupancy_figures([residence], year=year)
    return {
        "residence_id": residence.pk,
        "year": year,
        "total": _figures(rows[0].year),
        "months": [_figures(month) for month in rows[0].months],
        "daily_rates": [
            {
                "valid_from": rate["start"],
                "valid_to": rate["end"],
                "rate": f"{rate['rate']:.2f}",
                "confirmed": rate["confirmed"],
                "source_url": rate["source_url"],
            }
            for rate in rates
        ],
    }
