"""API v1 of `ledger`: rent calls, payments, balances and periods of a lease. Amounts are strings with two
decimals; a lease out of the user's scope is a 404, like a missing one."""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from habiter.core.api_inputs import ApiDate
from habiter.core.reads import journaled_read, read_of
from habiter.leases.models import Lease
from habiter.ledger import rules
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries.queries import lease_for_balance, lease_for_ledger
from habiter.ledger.rent import queries, services

router = Router(tags=["comptabilité"])

SourceCode = Literal["tenant", "caf", "fsl", "visale", "association"]


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


class RentCallIn(Schema):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="AAAA-MM")


class RentCallOut(Schema):
    id: UUID
    period: str
    rent: str
    service_charges: str
    instalment: str = Field(description="échéance d'un plan d'apurement demandée avec le loyer, comprise dans total")
    total: str
    due_date: date


def _call_out(call) -> dict:
    return {
        "id": call.pk,
        "period": f"{call.period:%Y-%m}",
        "rent": _amount(call.rent),
        "service_charges": _amount(call.service_charges),
        "instalment": _amount(call.instalment),
        "total": _amount(call.total),
        "due_date": call.due_date,
    }


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lease_id: UUID
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    received_on: ApiDate
    source: SourceCode
    reference: str = Field(default="", max_length=80)
    rent_call_id: UUID | None = Field(
        default=None,
        description="Le mois que le payeur choisit de régler (Code civil, art. 1342-10) ; sinon le plus ancien.",
    )
    confirm: bool = Field(
        default=False,
        description="Confirme un montant de plus de douze mois de loyer et de charges du bail (sinon : 400).",
    )


class AllocationOut(Schema):
    kind: str  # "rent_call", or "charge_instalment": an instalment of a charge regularisation balance
    rent_call_id: UUID | None
    charge_instalment_id: int | None
    period: str  # the called month, or the month the instalment is due
    amount: str


class PaymentOut(Schema):
    id: UUID
    lease_id: UUID
    amount: str
    received_on: date
    source: str
    reference: str
    allocations: list[AllocationOut]


class BalanceOut(Schema):
    due: str
    paid: str
    balance: str
    oldest_unpaid_period: str | None
    caf_threshold_reached: bool


class PeriodOut(Schema):
    period: str
    due: str
    paid: str
    status: Literal["paid", "partial", "unpaid"]
    document: Literal["quittance", "recu"] | None
    document_url: str | None


class PeriodList(Schema):
    count: int
    items: list[PeriodOut]


def _lease(user, lease_id, *, balance_only=False) -> Lease:
    try:
        if balance_only:
            return lease_for_balance(user, lease_id)
        return lease_for_ledger(user, lease_id)
    except Lease.DoesNotExist:
        raise Http404 from None


@router.post(
    "leases/{lease_id}/rent-calls",
    response={200: RentCallOut, 201: RentCallOut},
    summary="Appeler le loyer d'un mois (un mois déjà appelé renvoie l'appel existant)",
)
def rent_call_create(request, lease_id: UUID, payload: RentCallIn):
    if not request.user.has_perm("ledger.post"):
        raise PermissionDenied
    lease = _lease(request.user, lease_id)
    try:
        period = rules.parse_period(payload.period)
    except ValueError as error:
        raise HttpError(400, str(error)) from None
    call, created = services.rent_call_issue(actor=request.user, lease_id=lease.pk, period=period)
    return Status(201 if created else 200, _call_out(call))


@router.post(
    "payments",
    response={200: PaymentOut, 201: PaymentOut},
    summary="Enregistrer un encaissement",
    description=(
        "Un en-tête `Idempotency-Key` (une valeur unique par encaissement, un UUID par exemple) rend la requête "
        "rejouable sans risque : la même clé une seconde fois n'enregistre rien et renvoie (200) l'encaissement déjà "
        "enregistré."
    ),
)
def payment_create(request, payload: PaymentIn):
    if not request.user.has_perm("ledger.post"):
        raise PermissionDenied
    lease = _lease(request.user, payload.lease_id)
    try:
        payment = services.payment_record(
            actor=request.user,
            lease_id=lease.pk,
            amount=payload.amount,
            received_on=payload.received_on,
            source=payload.source,
            reference=payload.reference,
            chosen_call_id=payload.rent_call_id,
            confirmed=payload.confirm,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
    except services.PaymentAlreadyRecorded as already:
        return Status(200, _payment_out(already.payment))
    except services.DuplicatePaymentReference as error:
        raise HttpError(409, " ".join(error.messages)) from None
    return Status(201, _payment_out(payment))


def _payment_out(payment) -> dict:
    allocations = sorted(
        payment.allocations.select_related("rent_call", "charge_instalment"),
        key=lambda a: a.rent_call.period if a.rent_call_id else a.charge_instalment.due_date,
    )
    return {
        "id": payment.pk,
        "lease_id": payment.lease_id,
        "amount": _amount(payment.amount),
        "received_on": payment.received_on,
        "source": payment.source,
        "reference": payment.reference,
        "allocations": [
            {
                "kind": "rent_call" if a.rent_call_id else "charge_instalment",
                "rent_call_id": a.rent_call_id,
                "charge_instalment_id": a.charge_instalment_id,
                "period": f"{a.rent_call.period if a.rent_call_id else a.charge_instalment.due_date:%Y-%m}",
                "amount": _amount(a.amount),
            }
            for a in allocations
        ],
    }


@router.get("leases/{lease_id}/balance", response=BalanceOut, summary="Solde d'un bail à une date")
@journaled_read("api.lease_balance")
def lease_balance(request, lease_id: UUID, on: ApiDate | None = None):
    if not request.user.has_perm("ledger.view_balance"):
        raise PermissionDenied
    lease = _lease(request.user, lease_id, balance_only=True)
    read_of(request, household_id=lease.household_id, obj=lease)
    balance = queries.lease_balance(lease, on or timezone.localdate())
    return {
        "due": _amount(balance.due),
        "paid": _amount(balance.paid),
        "balance": _amount(balance.balance),
        "oldest_unpaid_period": f"{balance.oldest_unpaid_period:%Y-%m}" if balance.oldest_unpaid_period else None,
        "caf_threshold_reached": balance.caf.reached,
    }


@router.get("leases/{lease_id}/periods", response=PeriodList, summary="Périodes d'une année : dû, payé, document")
@journaled_read("api.lease_periods")
def lease_periods(request, lease_id: UUID, year: int = Query(..., ge=1990, le=2200)):
    if not request.user.has_perm("ledger.view_balance"):
        raise PermissionDenied
    lease = _lease(request.user, lease_id, balance_only=True)
    read_of(request, household_id=lease.household_id, obj=lease)
    can_download = request.user.has_perm("ledger.view_ledger")
    items = []
    for row in queries.period_rows(lease, year):
        document = row["document"]
        items.append(
            {
                "period": f"{row['period']:%Y-%m}",
                "due": _amount(row["due"]),
                "paid": _amount(row["paid"]),
                "status": row["status"],
                "document": document.kind if document else None,
                "document_url": request.build_absolute_uri(reverse("ledger:receipt_pdf", args=[document.pk]))
                if document and can_download
                else None,
            }
        )
    return {"count": len(items), "items": items}


class TrialBalanceItem(Schema):
    account: str = Field(description="numéro de compte du plan comptable (propriétaires : 467…, produits : 70…)")
    label: str
    debit: str
    credit: str
    balance: str = Field(description="débit − crédit")


class TrialBalance(Schema):
    count: int
    items: list[TrialBalanceItem]


@router.get(
    "ledger/trial-balance",
    response=TrialBalance,
    summary="Balance générale à une date : débit, crédit et solde de chaque compte",
)
def trial_balance(request, on: ApiDate):
    if not request.user.has_perm("ledger.export"):
        raise PermissionDenied
    items = [
        {
            "account": row["account"],
            "label": row["label"],
            "debit": _amount(row["debit"]),
            "credit": _amount(row["credit"]),
            "balance": _amount(row["balance"]),
        }
        for row in entries_queries.trial_balance(request.user, on)
    ]
    return {"count": len(items), "items": items}
