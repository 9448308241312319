"""API v1 of `housing`: owners and dwellings (list, create, read), with the same permissions as the pages.

A role that may not read the stock gets 403 on a collection and 404 on a row, like a row out of scope.
Owners' IBANs are given only to the roles that may see them on the pages (null otherwise).
"""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from habiter.core.api_inputs import LIMIT_MAX, OFFSET_MAX, ApiDate

from . import queries, services
from .models import Dwelling, EnergyClass, Owner, OwnerKind, RentCapScheme, Territory

router = Router(tags=["parc de logements"])


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class Detail(Schema):
    detail: str


class OwnerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str
    kind: Literal[tuple(OwnerKind.values)] = OwnerKind.PRIVATE  # type: ignore[valid-type]
    email: str = ""
    phone: str = ""
    address: str = ""
    iban: str = ""
    notes: str = ""


class OwnerOut(Schema):
    id: UUID
    kind: str
    name: str
    email: str
    phone: str
    address: str
    iban: str | None

    @staticmethod
    def resolve_iban(obj, context):
        user = context["request"].user
        return obj.iban if user.has_perm("housing.view_owner_bank") else None


class OwnerList(Schema):
    count: int
    items: list[OwnerOut]


class DwellingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reference: str
    owner_id: UUID
    building_id: UUID | None = None
    address: str
    postal_code: str
    city: str
    territory: Literal[tuple(Territory.values)] = Territory.METROPOLE  # type: ignore[valid-type]
    surface: Decimal = Field(gt=0, max_digits=7, decimal_places=2)
    rooms: int = Field(ge=1, le=50)
    floor: int | None = Field(default=None, ge=-5, le=100)
    furnished: bool = False
    energy_class: Literal[("", *EnergyClass.values)] = ""  # type: ignore[valid-type]
    energy_kwh: int | None = Field(default=None, ge=0, le=5000)
    rent_cap_scheme: Literal[tuple(RentCapScheme.values)] = RentCapScheme.NONE  # type: ignore[valid-type]
    rent_cap_ceiling: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    decency_checked_on: ApiDate | None = None


class DwellingOut(Schema):
    id: UUID
    reference: str
    owner_id: UUID
    building_id: UUID | None
    address: str
    postal_code: str
    city: str
    territory: str
    surface: str
    rooms: int
    floor: int | None
    furnished: bool
    energy_class: str | None
    energy_kwh: int | None
    rent_cap_scheme: str
    rent_cap_ceiling: str | None
    decency_checked_on: date | None

    @staticmethod
    def resolve_surface(obj):
        return _amount(obj.surface)

    @staticmethod
    def resolve_rent_cap_ceiling(obj):
        return _amount(obj.rent_cap_ceiling)

    @staticmethod
    def resolve_energy_class(obj):
        return obj.energy_class or None


class DwellingList(Schema):
    count: int
    items: list[DwellingOut]


def _require_list(user):
    if not user.has_perm("housing.view_stock"):
        raise PermissionDenied


def _one(load, user, pk):
    try:
        return load(user, pk)
    except (Owner.DoesNotExist, Dwelling.DoesNotExist):
        raise Http404 from None


@router.get("/owners", response=OwnerList, summary="Propriétaires")
def owner_list(
    request,
    q: str = "",
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
):
    _require_list(request.user)
    owners = queries.owner_list(request.user, text=q.strip()[:200])
    return {"count": owners.count(), "items": list(owners[offset : offset + limit])}


@router.post("/owners", response={201: OwnerOut}, summary="Créer un propriétaire")
def owner_create(request, payload: OwnerIn):
    if not request.user.has_perm("housing.manage_stock"):
        raise PermissionDenied
    owner = services.owner_create(actor=request.user, data=payload.dict())
    return Status(201, owner)


@router.get("/owners/{owner_id}", response=OwnerOut, summary="Lire un propriétaire")
def owner_detail(request, owner_id: UUID):
    return _one(lambda user, pk: queries.owners_for(user).get(pk=pk), request.user, owner_id)


@router.get("/dwellings", response=DwellingList, summary="Logements")
def dwelling_list(
    request,
    q: str = "",
    city: str = "",
    energy_class: str = "",
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
):
    _require_list(request.user)
    dwellings = queries.dwelling_list(request.user, text=q.strip()[:200], city=city.strip(), energy_class=energy_class)
    return {"count": dwellings.count(), "items": list(dwellings[offset : offset + limit])}


@router.post("/dwellings", response={201: DwellingOut, 409: Detail}, summary="Créer un logement")
def dwelling_create(request, payload: DwellingIn):
    user = request.user
    if not user.has_perm("housing.manage_stock"):
        raise PermissionDenied
    data = payload.dict(exclude={"owner_id", "building_id"})
    if queries.dwellings_for(user).filter(reference=payload.reference.strip()).exists():
        return Status(409, {"detail": "Un logement porte déjà cette référence."})
    dwelling = services.dwelling_create(
        actor=user, data=data, owner_id=payload.owner_id, building_id=payload.building_id
    )
    return Status(201, dwelling)


@router.get("/dwellings/{dwelling_id}", response=DwellingOut, summary="Lire un logement")
def dwelling_detail(request, dwelling_id: UUID):
    return _one(queries.dwelling_for_page, request.user, dwelling_id)
