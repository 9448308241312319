"""API v1 for households: same search, same scope and same services as the pages."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from habiter.core.api_inputs import LIMIT_MAX, OFFSET_MAX, ApiDate
from habiter.core.reads import journaled_list, journaled_read, listed
from habiter.core.versioning import StaleVersion

from . import queries, services
from .models import Household

router = Router(tags=["ménages"])

RelationCode = Literal["head", "spouse", "child", "relative", "other"]
# « f » femme, « m » homme, "" non renseigné: optional, for the statistics only (Person's docstring, W33, W34)
SexCode = Literal["", "f", "m"]


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")
    first_name: str
    last_name: str
    birth_date: ApiDate | None = None
    sex: SexCode = ""
    relation: RelationCode = "head"
    phone: str = ""
    email: str = ""


class MemberOut(Schema):
    id: UUID
    first_name: str
    last_name: str
    birth_date: date | None
    sex: str | None  # None where the reader sees names and contact only
    relation: str
    phone: str
    email: str
    version: int


class HouseholdOut(Schema):
    id: UUID
    name: str
    address: str
    postal_code: str
    city: str
    phone: str
    email: str
    version: int
    referent: str | None = None
    team: str | None = None
    members: list[MemberOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_referent(obj):
        if getattr(obj, "contact_only", False) or not obj.referent_id:
            return None
        return str(obj.referent)

    @staticmethod
    def resolve_team(obj):
        if getattr(obj, "contact_only", False) or not obj.team_id:
            return None
        return str(obj.team)

    @staticmethod
    def resolve_members(obj):
        members = list(obj.members.all())
        if getattr(obj, "contact_only", False):
            # reception and volunteers: names and contact, as the search page shows them; never a member's birth
            # date or sex (minimisation)
            return [
                {field: getattr(member, field) for field in MemberOut.model_fields} | {"birth_date": None, "sex": None}
                for member in members
            ]
        return members


class HouseholdList(Schema):
    count: int
    items: list[HouseholdOut]


class HouseholdIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    members: list[MemberIn] = Field(default_factory=list)
    confirm_duplicate: bool = False


class HouseholdPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int
    name: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None


class Detail(Schema):
    detail: str


@router.get("", response=HouseholdList, summary="Rechercher des ménages")
@journaled_list("api.households")
def household_list(
    request, q: str = "", limit: int = Query(50, ge=1, le=LIMIT_MAX), offset: int = Query(0, ge=0, le=OFFSET_MAX)
):
    if not request.user.has_perm("people.search_household"):
        raise PermissionDenied
    households = queries.household_list(request.user, q)
    items = list(households[offset : offset + limit])
    if request.user.has_perm("people.search_household") and not request.user.has_perm("people.add_household"):
        for household in items:  # reception and volunteers: names and contact, as on the list page
            household.contact_only = True
    listed(request, [household.pk for household in items])
    return {"count": households.count(), "items": items}


def _for_api(user, household_id) -> Household:
    try:
        return queries.household_for_page(user, household_id)
    except Household.DoesNotExist:
        raise Http404 from None


@router.post("", response={201: HouseholdOut, 409: Detail}, summary="Créer un ménage et ses membres")
def household_create(request, payload: HouseholdIn):
    if not request.user.has_perm("people.add_household"):
        raise PermissionDenied
    data = payload.dict(exclude={"members", "confirm_duplicate"})
    try:
        household = services.household_create(
            actor=request.user,
            data=data,
            members=[m.dict() for m in payload.members],
            confirm_duplicate=payload.confirm_duplicate,
        )
    except services.DuplicatePerson as duplicate:
        return Status(409, {"detail": duplicate.message})
    return Status(201, _for_api(request.user, household.pk))


@router.get("/{household_id}", response=HouseholdOut, summary="Lire un ménage")
@journaled_read("api.household", household="household_id")
def household_detail(request, household_id: UUID):
    return _for_api(request.user, household_id)


@router.patch("/{household_id}", response={200: HouseholdOut, 409: Detail}, summary="Modifier un ménage")
def household_patch(request, household_id: UUID, payload: HouseholdPatch):
    get_object_or_404(queries.households_visible_to(request.user), pk=household_id)
    data = payload.dict(exclude={"version"}, exclude_unset=True)
    try:
        services.household_update(
            actor=request.user, household_id=household_id, expected_version=payload.version, data=data
        )
    except StaleVersion as stale:
        return Status(409, {"detail": stale.detail})
    except Household.DoesNotExist:
        raise Http404 from None
    return _for_api(request.user, household_id)
