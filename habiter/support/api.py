"""API v1: a household's support measures and interventions (list, create), as on the pages."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from habiter.core.api_inputs import LIMIT_MAX, OFFSET_MAX, ApiDate, ApiDateTime
from habiter.core.reads import journaled_read
from habiter.people.queries import households_visible_to

from . import appointments as appointment_services
from . import queries, services
from .models import Intervention, InterventionKind, SupportMeasure

router = Router(tags=["accompagnement"])


class MeasureOut(Schema):
    id: UUID
    programme: str
    programme_code: str
    status: str
    start_date: date
    planned_end_date: date | None
    end_date: date | None
    intensity: str
    prescriber: str
    outcome: str | None = None

    @staticmethod
    def resolve_programme(obj):
        return obj.programme.name

    @staticmethod
    def resolve_programme_code(obj):
        return obj.programme.code

    @staticmethod
    def resolve_outcome(obj):
        return obj.outcome.label if obj.outcome_id else None

    @staticmethod
    def resolve_prescriber(obj):
        return obj.prescriber.name if obj.prescriber_id else ""


class MeasureIn(Schema):
    model_config = ConfigDict(extra="forbid")
    programme_code: str
    start_date: ApiDate
    planned_end_date: ApiDate | None = None
    intensity: Literal["light", "medium", "strong"] = "medium"
    prescriber: str = ""
    requested: bool = False


class InterventionOut(Schema):
    id: UUID
    kind: str
    occurred_on: date
    duration_minutes: int
    back_office: bool
    note: str
    restricted: bool
    measure_id: UUID | None
    goal_id: UUID | None
    created_at: datetime


class InterventionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: Literal[tuple(InterventionKind.values)]  # type: ignore[valid-type]
    occurred_on: ApiDate
    duration_minutes: int = Field(ge=1, le=720)
    note: str = ""
    back_office: bool = False
    measure_id: UUID | None = None
    goal_id: UUID | None = None
    restricted: bool = False


class Listing(Schema):
    count: int


class MeasureList(Listing):
    items: list[MeasureOut]


class InterventionList(Listing):
    items: list[InterventionOut]


def _household(user, household_id):
    household = households_visible_to(user).filter(pk=household_id).first()
    if household is None or not user.has_perm("support.manage_measure", household):
        raise Http404
    return household


@router.get("/{household_id}/measures", response=MeasureList, summary="Mesures d'un ménage")
@journaled_read("api.measures", household="household_id")
def measure_list(request, household_id: UUID):
    household = _household(request.user, household_id)
    measures = list(queries.measures_of(household))
    return {"count": len(measures), "items": measures}


@router.post("/{household_id}/measures", response={201: MeasureOut}, summary="Ouvrir une mesure")
def measure_create(request, household_id: UUID, payload: MeasureIn):
    household = _household(request.user, household_id)
    programme = queries.programmes_for(request.user).filter(code=payload.programme_code).first()
    if programme is None:
        raise ValidationError({"programme_code": "Dispositif inconnu."})
    try:
        measure = services.measure_open(
            actor=request.user,
            household_id=household.pk,
            programme_id=programme.pk,
            **payload.dict(exclude={"programme_code"}),
        )
    except SupportMeasure.DoesNotExist:
        raise Http404 from None
    return Status(201, measure)


@router.get("/{household_id}/interventions", response=InterventionList, summary="Interventions d'un ménage")
@journaled_read("api.interventions", household="household_id")
def intervention_list(
    request,
    household_id: UUID,
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
):
    household = _household(request.user, household_id)
    interventions = queries.interventions_visible_to(request.user, household)
    return {"count": interventions.count(), "items": list(interventions[offset : offset + limit])}


@router.post("/{household_id}/interventions", response={201: InterventionOut}, summary="Noter une intervention")
def intervention_create(request, household_id: UUID, payload: InterventionIn):
    household = _household(request.user, household_id)
    try:
        intervention = services.intervention_log(actor=request.user, household_id=household.pk, **payload.dict())
    except (SupportMeasure.DoesNotExist, Intervention.DoesNotExist):
        raise Http404 from None
    return Status(201, intervention)


class AppointmentOut(Schema):
    id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    worker_id: UUID


class AppointmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: str
    starts_at: ApiDateTime
    ends_at: ApiDateTime
    place: str = ""
    worker_id: UUID | None = None


class AppointmentList(Listing):
    items: list[AppointmentOut]


@router.get("/{household_id}/appointments", response=AppointmentList, summary="Rendez-vous d'un ménage")
@journaled_read("api.appointments", household="household_id")
def appointment_list(request, household_id: UUID):
    household = _household(request.user, household_id)
    appointments = list(queries.household_appointments(household))
    return {"count": len(appointments), "items": appointments}


@router.post("/{household_id}/appointments", response={201: AppointmentOut}, summary="Prendre rendez-vous")
def appointment_create(request, household_id: UUID, payload: AppointmentIn):
    household = _household(request.user, household_id)
    appointment = appointment_services.appointment_book(
        actor=request.user,
        worker_id=payload.worker_id or request.user.pk,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        household_id=household.pk,
        place=payload.place,
    )
    return Status(201, appointment)
