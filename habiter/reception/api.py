"""API v1: reception desk visits (create, list), with the same permissions as the pages."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from habiter.core.api_inputs import ApiDate, ApiDateTime
from habiter.core.reads import journaled_list, listed

from . import queries, services
from .models import AgeBracket, Sex, Topic

router = Router(tags=["accueil"])


class DeskVisitIn(Schema):
    model_config = ConfigDict(extra="forbid")
    topics: list[Literal[tuple(Topic.values)]]  # type: ignore[valid-type]
    visited_at: ApiDateTime | None = None
    age_bracket: Literal[tuple(AgeBracket.values)] = AgeBracket.UNKNOWN  # type: ignore[valid-type]
    sex: Literal[tuple(Sex.values)] = Sex.UNSPECIFIED  # type: ignore[valid-type]
    postcode: str = ""
    information_given: str = ""
    referral_partner: str = ""
    referral_worker_id: UUID | None = None
    household_id: UUID | None = None
    present_professional_id: UUID | None = None  # required of a volunteer (W24)


class DeskVisitOut(Schema):
    id: UUID
    visited_at: datetime
    age_bracket: str
    sex: str
    postcode: str
    topics: list[str]
    information_given: str
    referral_partner: str
    referral_worker_id: UUID | None
    household_id: UUID | None
    present_professional_id: UUID | None

    @staticmethod
    def resolve_referral_partner(obj):
        return obj.referral_partner.name if obj.referral_partner_id else ""


class DeskVisitList(Schema):
    count: int
    items: list[DeskVisitOut]


@router.get("/visits", response=DeskVisitList, summary="Passages d'un jour à l'accueil")
@journaled_list("api.desk_visits")
def desk_visit_list(request, day: ApiDate | None = None):
    if not request.user.has_perm("reception.log_visit"):
        raise PermissionDenied
    visits = list(queries.desk_visits_on(request.user, day or timezone.localdate()))
    listed(request, [visit.household_id for visit in visits if visit.household_id])
    return {"count": len(visits), "items": visits}


@router.post("/visits", response={201: DeskVisitOut}, summary="Noter un passage à l'accueil")
def desk_visit_create(request, payload: DeskVisitIn):
    visit = services.desk_visit_record(actor=request.user, **payload.dict())
    return Status(201, visit)
