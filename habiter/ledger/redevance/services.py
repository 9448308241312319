"""Every write of the redevance of residence contracts through the ledger (docs/adr/0030): the month's calls (one
contract's, or in the month-end run), the money received from the resident or the CAF (APL-foyer in tiers payant)
and its allocation to the oldest unpaid calls, quittances and reçus. Entries go through
`habiter.ledger.entries.services`; the lock order is its own (the resident account, then a receipt counter).

The redevance is the association's own income — it manages the logement-foyer, it is never a mandatary —: a call
debits the resident's account (411…) and credits the redevance's income accounts (équivalence de loyer 706300,
flat charges 708400, services 706400). Its charges are never regularised (W8): they are income at once, and a
residence contract, not being a lease, never enters `habiter.ledger.charges`.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record, audit_record_many
from habiter.core.legal_queries import legal_parameters
from habiter.ledger import registry, rules
from habiter.ledger.entries.services import (
    NewEntry,
    check_open,
    organisation_account,
    post_entries,
    resident_account,
    resident_accounts,
)
from habiter.ledger.models import (
    AccountKind,
    RedevanceAllocation,
    RedevanceCall,
    RedevanceCallLine,
    RedevancePayment,
    RedevancePaymentSource,
    RedevanceReceipt,
    RedevanceReceiptKind,
    money_sum,
)
from habiter.ledger.rent.receipts import next_receipt_number
from habiter.residences.models import ResidenceContract

from . import queries

CALL = "redevance_call"  # source type of a call's entry
PAYMENT = "redevance_payment"  # source type of a payment's entry
SOURCE_ACCOUNTS = {
    # money received by hand waits for its bank line, like a rent payment
    RedevancePaymentSource.RESIDENT: AccountKind.TO_BANK,
    # the APL-foyer: the CAF's transfer clears this account when its bank line is matched
    RedevancePaymentSource.CAF: AccountKind.CAF,
}
INCOME_ACCOUNTS = {
    rules.REDEVANCE_RENT_KIND: AccountKind.REDEVANCE_RENT_INCOME,
    rules.REDEVANCE_CHARGES_KIND: AccountKind.REDEVANCE_CHARGES_INCOME,
}


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


def _contract(actor, contract_id) -> ResidenceContract:
    contract = (
        ResidenceContract.objects.filter(organisation_id=actor.organisation_id, pk=contract_id)
        .select_related("household", "resident", "place__residence", "organisation")
        .first()
    )
    if contract is None:
        raise ResidenceContract.DoesNotExist
    return contract


# --- allocation ----------------------------------------------------------------------------------------------


def allocate_redevance_payments(contract) -> None:
    """Allocate what is left of the contract's payments, oldest first, to its unpaid calls, oldest due first."""
    allocate_redevance_payments_of([contract.pk])


def allocate_redevance_payments_of(contract_ids) -> None:
    """`allocate_redevance_payments` for many contracts in a few queries whatever their number (a CAF transfer for
    a whole residence, the month-end run): the open payments and calls of all read at once, allocated contract by
    contract, the allocations and flags written in bulk."""
    payments: dict = {}
    for p in (
        RedevancePayment.objects.filter(contract_id__in=contract_ids, reversed_on__isnull=True, fully_allocated=False)
        .annotate(allocated=money_sum("allocations__amount"))
        .filter(allocated__lt=F("amount"))
        .order_by("received_on", "created_at")
    ):
        payments.setdefault(p.contract_id, []).append(rules.OpenItem(p.pk, rules.cents(p.amount - p.allocated)))
    if not payments:
        return
    calls: dict = {}
    for c in (
        RedevanceCall.objects.filter(contract_id__in=list(payments), cancelled_on__isnull=True, settled=False)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("total"))
        .order_by("due_date", "period", "created_at")
    ):
        calls.setdefault(c.contract_id, []).append(rules.OpenItem(c.pk, rules.cents(c.total - c.paid)))
    rows, settled, spent = [], [], []
    for contract_id, open_payments in payments.items():
        open_calls = calls.get(contract_id, [])
        allocations = rules.allocate(open_payments, open_calls)
        rows += [RedevanceAllocation(payment_id=p, call_id=c, amount=amount) for p, c, amount in allocations]
        used: dict = {}
        for payment_id, call_id, amount in allocations:
            used[("p", payment_id)] = used.get(("p", payment_id), rules.ZERO) + amount
            used[("c", call_id)] = used.get(("c", call_id), rules.ZERO) + amount
        settled += [c.key for c in open_calls if used.get(("c", c.key), rules.ZERO) >= c.left]
        spent += [p.key for p in open_payments if used.get(("p", p.key), rules.ZERO) >= p.left]
    RedevanceAllocation.objects.bulk_create(rows)
    if settled:
        RedevanceCall.objects.filter(pk__in=settled).update(settled=True)
    if spent:
        RedevancePayment.objects.filter(pk__in=spent).update(fully_allocated=True)


def _reallocate_all(contract) -> None:
    RedevanceAllocation.objects.filter(payment__contract=contract).delete()
    RedevanceCall.objects.filter(contract=contract, settled=True).update(settled=False)
    RedevancePayment.objects.filter(contract=contract, fully_allocated=True).update(fully_allocated=False)
    allocate_redevance_payments(contract)


def redevance_document_reversal(entry) -> registry.ReversalFollowUp | None:
    """When `entry` records a redevance call or payment, what its reversal means (registered with
    `registry.register_reversal_follow_up`): the resident account is locked now; once the reversal is posted the
    call is cancelled or the payment set aside, and the contract's payments are allocated again."""
    call = RedevanceCall.objects.filter(transaction=entry).select_related("contract").first()
    payment = RedevancePayment.objects.filter(transaction=entry).select_related("contract").first()
    document = call or payment
    if document is None:
        return None
    contract = document.contract
    resident_account(contract, lock=True)

    def apply(on: date) -> None:
        if call is not None:
            RedevanceCall.objects.filter(pk=call.pk).update(cancelled_on=on)
        if payment is not None:
            RedevancePayment.objects.filter(pk=payment.pk).update(reversed_on=on)
        _reallocate_all(contract)

    return registry.ReversalFollowUp(apply=apply, household_id=contract.household_id)


# --- calls ---------------------------------------------------------------------------------------------------


def _issue_batch(actor, contracts, period: date, params, run=None) -> list[RedevanceCall]:
    """Issue the redevance calls of `period` for `contracts` inside the caller's transaction, in a few queries
    whatever their number; contracts already called, not running then or without lines in force are skipped."""
    if not contracts:
        return []
    organisation_id = contracts[0].organisation_id
    check_open(organisation_id, period, "period")
    accounts = resident_accounts(contracts)
    called = set(
        RedevanceCall.objects.filter(contract__in=contracts, period=period, cancelled_on__isnull=True).values_list(
            "contract_id", flat=True
        )
    )
    sets = queries.redevance_sets_of(contracts, rules.month_end(period))
    income = {
        kind: organisation_account(organisation_id, kind)
        for kind in (
            AccountKind.REDEVANCE_RENT_INCOME,
            AccountKind.REDEVANCE_CHARGES_INCOME,
            AccountKind.REDEVANCE_SERVICES_INCOME,
        )
    }
    issuing, entries = [], []
    for contract in contracts:
        if contract.pk in called:
            continue
        amounts = rules.redevance_call_amounts(
            sets.get(contract.pk, ()), period, contract.starts_on, queries.contract_end(contract), params=params
        )
        if amounts is None or amounts.total <= 0:
            continue
        credits: dict = {}
        for line in amounts.lines:
            account = income[INCOME_ACCOUNTS.get(line.kind, AccountKind.REDEVANCE_SERVICES_INCOME)]
            credits[account] = credits.get(account, rules.ZERO) - line.amount
        issuing.append((contract, amounts))
        entries.append(
            NewEntry(
                booked_on=period,
                label=_("Appel de redevance %(period)s — %(resident)s")
                % {"period": f"{period:%m/%Y}", "resident": contract.household.name},
                lines=[(accounts[contract.pk], amounts.total)]
                + [(account, amount) for account, amount in credits.items() if amount],
                source_type=CALL,
            )
        )
    if not issuing:
        return []
    posted = post_entries(actor=actor, organisation_id=organisation_id, entries=entries)
    calls = [
        RedevanceCall(
            organisation_id=organisation_id,
            contract=contract,
            period=period,
            rent_equivalent=amounts.rent_equivalent,
            charges=amounts.charges,
            services=amounts.services,
            total=amounts.total,
            due_date=amounts.due_date,
            transaction=entry,
            run=run,
        )
        for (contract, amounts), entry in zip(issuing, posted, strict=True)
    ]
    RedevanceCall.objects.bulk_create(calls)
    RedevanceCallLine.objects.bulk_create(
        [
            RedevanceCallLine(call=call, kind=line.kind, label=line.label, monthly=line.monthly, amount=line.amount)
            for call, (_contract, amounts) in zip(calls, issuing, strict=True)
            for line in amounts.lines
        ]
    )
    # money already received and not yet allocated (an advance, the CAF's APL-foyer) settles the new calls
    allocate_redevance_payments_of([call.contract_id for call in calls])
    audit_record_many(
        actor=actor,
        action="ledger.redevance_call_issue",
        items=[
            (call, call.contract.household_id, {"period": f"{period:%Y-%m}", "total": str(call.total)})
            for call in calls
        ],
    )
    return calls


def redevance_call_issue(*, actor, contract_id, period: date) -> tuple[RedevanceCall, bool]:
    """Issue one month's redevance call for a contract; an already issued month returns the existing call."""
    _require(actor, "ledger.post")
    period = rules.month_start(period)
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        if contract.status not in queries.CALLED_STATUSES:
            raise ValidationError(_("Seul un contrat de résidence signé donne lieu à un appel de redevance."))
        issued = _issue_batch(actor, [contract], period, legal_parameters())
        if issued:
            return issued[0], True
        call = RedevanceCall.objects.filter(contract=contract, period=period, cancelled_on__isnull=True).first()
        if call is None:
            raise ValidationError(
                {"period": _("Le contrat ne court pas pendant ce mois, ou aucune redevance n'y est en vigueur.")}
            )
    return call, False


def redevance_calls_issue(*, actor, month: date, run=None, batch_size: int = 200, on_batch=None) -> tuple[int, int]:
    """Issue the redevance calls of `month` for every signed contract running then, by batches, each in its own
    database transaction (the month-end run: `rent.services.rent_calls_issue`). Returns (contracts processed,
    calls issued)."""
    _require(actor, "ledger.post")
    month = rules.month_start(month)
    params = legal_parameters()
    contracts = queries.contracts_to_call(actor.organisation_id, month)
    issued = 0
    for first in range(0, len(contracts), batch_size):
        with transaction.atomic():
            issued += len(_issue_batch(actor, contracts[first : first + batch_size], month, params, run=run))
        if on_batch is not None:
            on_batch(min(first + batch_size, len(contracts)), issued)
    return len(contracts), issued


# --- payments ------------------------------------------------------------------------------------------------


def _check_payment(amount, received_on: date, source: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être positif.")})
    if amount > rules.MAX_AMOUNT:
        raise ValidationError({"amount": _("Montant trop grand : 9 999 999 999,99 € au plus.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Le montant s'exprime au centime près.")})
    if source not in SOURCE_ACCOUNTS:
        raise ValidationError({"source": _("Provenance inconnue.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Un encaissement ne peut pas être daté dans le futur.")})


def redevance_payment_record(
    *, actor, contract_id, amount: Decimal, received_on: date, source: str, reference: str = ""
) -> RedevancePayment:
    """Record money received for a residence contract — from the resident, or the APL-foyer the CAF pays to the
    manager (tiers payant) —: posted to the ledger (debit the account it waits on, credit the resident's) and
    allocated to the oldest unpaid calls. Back-dated payments are allowed in open months only."""
    return redevance_payments_record(
        actor=actor, received_on=received_on, source=source, amounts=[(contract_id, amount)], reference=reference
    )[0]


def redevance_payments_record(
    *, actor, received_on: date, source: str, amounts, reference: str = "", bank_line=None
) -> list[RedevancePayment]:
    """Record one transfer that pays for several residence contracts — the CAF's monthly APL-foyer for the residents
    of a residence —, `amounts` being (contract id, amount) pairs: one entry and one payment per contract, posted in
    bulk, each allocated to its contract's oldest unpaid calls, in one database transaction. `bank_line`: the
    matched line the transfer comes from (`bank.redevances`)."""
    _require(actor, "ledger.post")
    for _contract_id, amount in amounts:
        _check_payment(amount, received_on, source)
    if not amounts:
        _check_payment(None, received_on, source)
    reference = (reference or "").strip()
    with transaction.atomic():
        ids = {contract_id for contract_id, _amount in amounts}
        contracts = {
            contract.pk: contract
            for contract in ResidenceContract.objects.filter(organisation_id=actor.organisation_id, pk__in=ids)
            .select_related("household", "place__residence")
            .order_by("pk")
        }
        if len(contracts) != len(ids):
            raise ResidenceContract.DoesNotExist
        if any(contract.status not in queries.CALLED_STATUSES for contract in contracts.values()):
            raise ValidationError(_("Seul un contrat de résidence signé reçoit des encaissements."))
        accounts = resident_accounts(list(contracts.values()))
        check_open(actor.organisation_id, received_on, "received_on")
        source_account = organisation_account(actor.organisation_id, SOURCE_ACCOUNTS[source])
        label = RedevancePaymentSource(source).label
        posted = post_entries(
            actor=actor,
            organisation_id=actor.organisation_id,
            entries=[
                NewEntry(
                    booked_on=received_on,
                    label=_("Encaissement de redevance %(source)s — %(resident)s")
                    % {"source": label, "resident": contracts[contract_id].household.name},
                    lines=[(source_account, amount), (accounts[contract_id], -amount)],
                    source_type=PAYMENT,
                    source_id=reference,
                )
                for contract_id, amount in amounts
            ],
        )
        payments = [
            RedevancePayment(
                organisation_id=actor.organisation_id,
                contract=contracts[contract_id],
                amount=amount,
                received_on=received_on,
                source=source,
                reference=reference,
                transaction=entry,
                bank_line=bank_line,
                recorded_by=actor,
            )
            for (contract_id, amount), entry in zip(amounts, posted, strict=True)
        ]
        for payment in payments:
            payment.full_clean(
                validate_constraints=False,
                validate_unique=False,
                exclude=["transaction", "contract", "recorded_by", "bank_line"],
            )
        RedevancePayment.objects.bulk_create(payments)
        allocate_redevance_payments_of(list(contracts))
        audit_record_many(
            actor=actor,
            action="ledger.redevance_payment_record",
            items=[
                (payment, payment.contract.household_id, {"amount": str(payment.amount), "source": source})
                for payment in payments
            ],
        )
    return payments


# --- receipts ------------------------------------------------------------------------------------------------


def redevance_receipt_issue(*, actor, call_id, on: date | None = None) -> RedevanceReceipt:
    """Issue the document of a paid month of redevance: a quittance when the month is fully paid, else a reçu that
    says it is not a quittance, numbered in the rent receipts' series. The APL-foyer the CAF paid is shown apart.
    A month's quittance is issued once; asking again returns it."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    with transaction.atomic():
        call = (
            RedevanceCall.objects.filter(organisation_id=actor.organisation_id, pk=call_id)
            .select_related("contract__household", "contract__resident", "contract__place__residence", "organisation")
            .first()
        )
        if call is None:
            raise RedevanceCall.DoesNotExist
        contract = call.contract
        resident_account(contract, lock=True)
        check_open(call.organisation_id, on, "on")
        if call.cancelled_on:
            raise ValidationError(_("Cet appel de redevance est annulé."))
        existing = RedevanceReceipt.objects.filter(call=call, kind=RedevanceReceiptKind.QUITTANCE).first()
        if existing is not None:
            return existing
        allocations = list(queries.allocations_of_call(call))
        paid = sum((a.amount for a in allocations), rules.ZERO)
        try:
            kind = rules.receipt_kind(call.total, paid)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        residence = contract.place.residence
        end = queries.contract_end(contract)
        receipt = RedevanceReceipt(
            organisation_id=call.organisation_id,
            contract=contract,
            call=call,
            kind=kind,
            number=next_receipt_number(call.organisation_id, kind),
            issued_on=on,
            resident_name=str(contract.resident),
            manager_name=call.organisation.name,
            place_address=f"{residence.name}, {contract.place.label}\n{residence.address}\n"
            f"{residence.postal_code} {residence.city}",
            period_start=max(call.period, contract.starts_on),
            period_end=min([rules.month_end(call.period)] + [d for d in (end,) if d]),
            rent_equivalent=call.rent_equivalent,
            charges=call.charges,
            services=call.services,
            total_due=call.total,
            paid=paid,
            paid_by_caf=sum(
                (a.amount for a in allocations if a.payment.source == RedevancePaymentSource.CAF), rules.ZERO
            ),
            paid_on=max(a.payment.received_on for a in allocations),
            issued_by=actor,
        )
        receipt.full_clean()
        receipt.save()
        audit_record(
            actor=actor,
            action=f"ledger.redevance_{kind}_issue",
            obj=receipt,
            household_id=contract.household_id,
            detail={"number": receipt.number, "period": f"{call.period:%Y-%m}"},
        )
    return receipt
