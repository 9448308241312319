"""API v1 of `leases`: list, create and read leases, with the pages' scope, rules and services."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from habiter.core.api_inputs import LIMIT_MAX, OFFSET_MAX, ApiDate
from habiter.core.reads import journaled_list, journaled_read, listed, read_of

from . import queries, services
from .models import Lease

router = Router(tags=["baux"])

KindCode = Literal["direct", "sublease", "mandate"]
StatusCode = Literal["draft", "signed", "slid", "ended", "cancelled"]
GuaranteeCode = Literal["", "visale", "fsl", "association", "other"]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class LeaseOut(Schema):
    id: UUID
    kind: str
    status: str
    dwelling_id: UUID
    dwelling_reference: str
    household_id: UUID
    household_name: str
    landlord_id: UUID | None
    head_lease_id: UUID | None
    mandate_id: UUID | None
    slid_from_id: UUID | None
    sliding: bool
    review_period_end: date | None
    rent: str
    charges: str
    deposit: str
    payment_day: int
    irl_quarter: int
    irl_base_year: int
    revision_anchor: date
    guarantee: str
    visale_number: str
    fsl_guarantee_reference: str
    start_date: date
    end_date: date | None
    signed_on: date | None
    notice_given_on: date | None
    moved_out_on: date | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_dwelling_reference(obj):
        return obj.dwelling.reference

    @staticmethod
    def resolve_household_name(obj):
        return obj.household.name

    @staticmethod
    def resolve_rent(obj):
        return _amount(obj.rent)

    @staticmethod
    def resolve_charges(obj):
        return _amount(obj.charges)

    @staticmethod
    def resolve_deposit(obj):
        return _amount(obj.deposit)


class LeaseList(Schema):
    count: int
    items: list[LeaseOut]


class LeaseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: KindCode
    dwelling_id: UUID
    household_id: UUID
    rent: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    charges: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    deposit: Decimal = Field(default=Decimal("0"), ge=0, max_digits=12, decimal_places=2)
    payment_day: int = Field(default=5, ge=1, le=28)
    start_date: ApiDate
    end_date: ApiDate | None = None
    irl_quarter: int = Field(ge=1, le=4)
    irl_base_year: int | None = Field(default=None, ge=1998, le=2200)
    head_lease_id: UUID | None = None
    mandate_id: UUID | None = None
    sliding: bool = False
    review_every_months: int | None = Field(default=None, ge=1, le=36)
    guarantee: GuaranteeCode = ""
    visale_number: str = Field(default="", max_length=40)
    fsl_guarantee_reference: str = Field(default="", max_length=60)


def _for_api(user, lease_id) -> Lease:
    try:
        return queries.lease_for_page(user, lease_id)
    except Lease.DoesNotExist:
        raise Http404 from None


@router.get("leases", response=LeaseList, summary="Lister les baux")
@journaled_list("api.leases")
def lease_list(
    request,
    status: StatusCode | None = None,
    kind: KindCode | None = None,
    limit: int = Query(50, ge=1, le=LIMIT_MAX),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
):
    if not request.user.has_perm("leases.view_lease"):
        raise PermissionDenied
    leases = queries.lease_list(request.user, status=status or "", kind=kind or "")
    items = list(leases[offset : offset + limit])
    listed(request, [lease.household_id for lease in items])
    return {"count": leases.count(), "items": items}


@router.post("leases", response={201: LeaseOut}, summary="Préparer un bail (statut « en préparation »)")
def lease_create(request, payload: LeaseIn):
    if not request.user.has_perm("leases.manage_lease"):
        raise PermissionDenied
    lease = services.lease_create(actor=request.user, **payload.dict())
    return Status(201, _for_api(request.user, lease.pk))


@router.get("leases/{lease_id}", response=LeaseOut, summary="Lire un bail")
@journaled_read("api.lease")
def lease_read(request, lease_id: UUID):
    if not request.user.has_perm("leases.view_lease"):
        raise PermissionDenied
    lease = _for_api(request.user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    return lease
