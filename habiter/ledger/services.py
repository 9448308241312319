"""Every write of the ledger: permission, one database transaction, the balance and closed-month checks, audit.

Lock order, so that concurrent writers never deadlock: a bank line first, then a lease's tenant account, then a
receipt counter.
Organisation accounts (bank, CAF…) carry no stored balance and are never locked.
"""

import hashlib
import re
import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren

from habiter.core.audit import audit_record, audit_record_many
from habiter.core.dates import add_months
from habiter.core.legal_queries import legal_parameters
from habiter.housing import rules as housing_rules
from habiter.housing.models import Owner
from habiter.leases.models import Lease, LeaseKind, LeaseStatus, ManagementMandate
from habiter.people.models import Relation

from . import bankfiles, fec, queries, registry, rules, sepa
from .models import (
    ORGANISATION_ACCOUNTS,
    Account,
    AccountKind,
    ArrearsLetter,
    ArrearsLetterKind,
    BankCsvMapping,
    BankDetails,
    BankFileFormat,
    BankLine,
    BankLineState,
    BankStatement,
    Instalment,
    Line,
    OwnerStatement,
    OwnerStatementLine,
    OwnerWork,
    Payment,
    PaymentAllocation,
    PaymentSource,
    PayoutBatch,
    PeriodClose,
    ReceiptCounter,
    ReceiptKind,
    RentCall,
    RentCallRun,
    RentReceipt,
    RepaymentPlan,
    RepaymentPlanChange,
    RepaymentPlanStatus,
    RunStatus,
    StatementLineKind,
    Transaction,
    money_sum,
)
from .queries import bank_balance_on

CALLABLE_STATUSES = (LeaseStatus.SIGNED, LeaseStatus.SLID, LeaseStatus.ENDED)
SOURCE_ACCOUNTS = {
    PaymentSource.TENANT: AccountKind.BANK,
    PaymentSource.CAF: AccountKind.CAF,
    PaymentSource.FSL: AccountKind.FSL,
    PaymentSource.VISALE: AccountKind.VISALE,
    PaymentSource.ASSOCIATION: AccountKind.ASSOCIATION_ADVANCE,
}
BATCH_SIZE = 100  # leases per database transaction of the month-end run (and per step of its progress bar)


OWNER_WORKS = "owner_works"
OWNER_STATEMENT = "owner_statement"
OWNER_PAYOUT = "owner_payout"
# Entries of an issued statement or payout stay as issued: their figures are frozen on the statement and in the
# bank file, so reversing them would make the ledger and the documents disagree.
FROZEN_SOURCES = (OWNER_STATEMENT, OWNER_PAYOUT)
# Written by habiter/ledger/deposits.py (which imports this module, hence the names repeated here).
DEPOSIT_SOURCES = ("deposit_receipt", "deposit_return")


class DuplicatePaymentReference(ValidationError):
    """The lease already has a payment with this reference (the API answers 409)."""


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


# --- accounts ------------------------------------------------------------------------------------------------


def organisation_account(organisation_id, kind: str) -> Account:
    """The organisation's account of `kind` (bank, CAF, rent income…), created on first use."""
    code, name = ORGANISATION_ACCOUNTS[kind]
    account, _created = Account.objects.get_or_create(
        organisation_id=organisation_id, code=code, defaults={"name": str(name), "kind": kind}
    )
    return account


def tenant_account(lease, *, lock: bool = False) -> Account:
    """The tenant's account of `lease` (411…), created on first use; locked FOR UPDATE when `lock`."""
    account = Account.objects.filter(lease=lease).first()
    if account is None:
        try:
            with transaction.atomic():
                account = Account.objects.create(
                    organisation_id=lease.organisation_id,
                    code=f"411{lease.pk.hex[:10].upper()}",
                    name=f"{lease.household.name} — {lease.dwelling.reference}",
                    kind=AccountKind.TENANT,
                    lease=lease,
                )
        except IntegrityError:
            account = Account.objects.get(lease=lease)
    if lock:
        account = Account.objects.select_for_update().get(pk=account.pk)
    return account


# --- transactions --------------------------------------------------------------------------------------------


def month_closed(organisation_id, day: date) -> bool:
    return PeriodClose.objects.filter(organisation_id=organisation_id, month=rules.month_start(day)).exists()


def _check_open(organisation_id, day: date, field: str = "booked_on") -> None:
    if month_closed(organisation_id, day):
        raise ValidationError(
            {
                field: _("Le mois de %(month)s est clôturé : aucune écriture ne peut y être datée.")
                % {"month": f"{day:%m/%Y}"}
            }
        )


def _post(
    *, actor, organisation_id, booked_on: date, label: str, lines, source_type="", source_id="", reversal_of=None
):
    """Write one balanced transaction (no permission check: the calling service made it)."""
    amounts = [amount for _account, amount in lines]
    error = rules.lines_error(amounts)
    if error:
        raise ValidationError(error)
    _check_open(organisation_id, booked_on)
    entry = Transaction(
        organisation_id=organisation_id,
        booked_on=booked_on,
        label=label[:200],
        source_type=source_type,
        source_id=str(source_id or ""),
        reversal_of=reversal_of,
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    Line.objects.bulk_create([Line(transaction=entry, account=account, amount=amount) for account, amount in lines])
    return entry


def transaction_post(*, actor, booked_on: date, label: str, lines, source: tuple[str, str] = ("", "")) -> Transaction:
    """Post a manual entry: `lines` are (account id, signed amount) pairs, debit positive, summing to zero."""
    _require(actor, "ledger.post")
    with transaction.atomic():
        ids = [account_id for account_id, _amount in lines]
        accounts = Account.objects.filter(organisation_id=actor.organisation_id).in_bulk(ids)
        if len(accounts) != len(set(ids)):
            raise ValidationError(_("Compte inconnu."))
        resolved = [(accounts[account_id], Decimal(amount)) for account_id, amount in lines]
        entry = _post(
            actor=actor,
            organisation_id=actor.organisation_id,
            booked_on=booked_on,
            label=label,
            lines=resolved,
            source_type=source[0],
            source_id=source[1],
        )
        audit_record(actor=actor, action="ledger.transaction_post", obj=entry, detail={"label": label})
    return entry


def transaction_reverse(*, actor, transaction_id, on: date) -> Transaction:
    """Reverse an entry: a new transaction with the lines negated, linked to the original. A reversed rent call is
    cancelled and a reversed payment set aside; the lease's payments are then allocated again."""
    _require(actor, "ledger.post")
    with transaction.atomic():
        original = Transaction.objects.filter(organisation_id=actor.organisation_id, pk=transaction_id).first()
        if original is None:
            raise Transaction.DoesNotExist
        call = RentCall.objects.filter(transaction=original).select_related("lease").first()
        payment = Payment.objects.filter(transaction=original).select_related("lease").first()
        lease = (call or payment).lease if (call or payment) else None
        if lease is not None:
            tenant_account(lease, lock=True)
        if original.reversal_of_id:
            raise ValidationError(_("Une contre-passation ne se contre-passe pas : passez une nouvelle écriture."))
        if original.source_type in FROZEN_SOURCES:
            raise ValidationError(
                _(
                    "Cette écriture fait partie d'un compte rendu de gestion ou d'un reversement émis : "
                    "elle ne se contre-passe pas."
                )
            )
        if original.source_type in DEPOSIT_SOURCES:
            # a deposit's movements and what they settled stay as recorded: held amounts are their sum
            raise ValidationError(_("Un mouvement de dépôt de garantie ne se contre-passe pas."))
        refusal = registry.reversal_refusal(original)
        if refusal:
            raise ValidationError(refusal)
        if Transaction.objects.filter(reversal_of=original).exists():
            raise ValidationError(_("Cette écriture est déjà contre-passée."))
        if on < original.booked_on:
            raise ValidationError({"on": _("La contre-passation ne peut pas précéder l'écriture d'origine.")})
        lines = [(line.account, -line.amount) for line in original.lines.select_related("account")]
        reversal = _post(
            actor=actor,
            organisation_id=original.organisation_id,
            booked_on=on,
            label=_("Contre-passation : %(label)s") % {"label": original.label},
            lines=lines,
            source_type=original.source_type,
            source_id=original.source_id,
            reversal_of=original,
        )
        if call is not None:
            RentCall.objects.filter(pk=call.pk).update(cancelled_on=on)
        if payment is not None:
            Payment.objects.filter(pk=payment.pk).update(reversed_on=on)
        if lease is not None:
            _reallocate_all(lease)
        audit_record(
            actor=actor,
            action="ledger.transaction_reverse",
            obj=reversal,
            household_id=lease.household_id if lease else None,
            detail={"original": str(original.pk)},
        )
    return reversal


def period_close(*, actor, month: date) -> PeriodClose:
    """Close a month: from now on no entry may be dated in it."""
    _require(actor, "ledger.close_period")
    month = rules.month_start(month)
    if month >= rules.month_start(timezone.localdate()):
        raise ValidationError({"month": _("Seul un mois terminé peut être clôturé.")})
    with transaction.atomic():
        if month_closed(actor.organisation_id, month):
            raise ValidationError({"month": _("Ce mois est déjà clôturé.")})
        closing = PeriodClose(organisation_id=actor.organisation_id, month=month, closed_by=actor)
        closing.full_clean()
        closing.save()
        audit_record(actor=actor, action="ledger.period_close", obj=closing, detail={"month": f"{month:%Y-%m}"})
    return closing


# --- export ----------------------------------------------------------------------------------------------------

EXPORT_FORMATS = ("fec", "xlsx")


def ledger_export(*, actor, start: date, end: date, fmt: str, siren: str = "") -> tuple[str, str, bytes]:
    """The entries booked from `start` to `end` as a file: (file name, content type, content).

    FEC: the 18 columns of art. A47 A-1 LPF, tab-separated, in ISO 8859-15, named `<SIREN>FEC<closing date>.txt`
    (`end` is taken as the closing date of the fiscal year). XLSX: the same columns in a workbook. Audited."""
    _require(actor, "ledger.export")
    if fmt not in EXPORT_FORMATS:
        raise ValidationError({"fmt": _("Choisissez le format FEC ou XLSX.")})
    if start > end:
        raise ValidationError({"end": _("La fin de la période précède son début.")})
    if fmt == "fec":
        try:
            siren = stdnum_siren.validate(siren)
        except StdnumError:
            raise ValidationError({"siren": _("Le SIREN compte 9 chiffres et sa clé doit être juste.")}) from None
    if not Line.objects.filter(
        transaction__organisation_id=actor.organisation_id,
        transaction__booked_on__gte=start,
        transaction__booked_on__lte=end,
    ).exists():
        raise ValidationError({"start": _("Aucune écriture n'est datée dans cette période.")})
    lines = queries.export_lines(actor, start, end)
    if fmt == "fec":
        name = fec.fec_filename(siren, end)
        content = fec.fec_text(lines).encode("iso-8859-15", errors="replace")
        content_type = "text/plain; charset=iso-8859-15"
    else:
        name = f"grand-livre-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        content = fec.xlsx_bytes(lines)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="ledger.export",
            detail={"format": fmt, "from": start.isoformat(), "to": end.isoformat()},
        )
    return name, content_type, content


# --- allocation ----------------------------------------------------------------------------------------------


def _open_calls(lease):
    return (
        RentCall.objects.filter(lease=lease, cancelled_on__isnull=True, settled=False)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))
        .order_by("period", "created_at")
    )


def _open_payments(lease):
    return (
        Payment.objects.filter(lease=lease, reversed_on__isnull=True, fully_allocated=False)
        .annotate(allocated=money_sum("allocations__amount"))
        .filter(allocated__lt=F("amount"))
        .order_by("received_on", "created_at")
    )


def _allocate(lease) -> None:
    """Allocate what is left of the lease's payments to its unpaid calls, oldest period first."""
    payments = [rules.OpenItem(p.pk, rules.cents(p.amount - p.allocated)) for p in _open_payments(lease)]
    if not payments:
        return
    calls = [rules.OpenItem(c.pk, rules.cents(c.due - c.paid)) for c in _open_calls(lease)]
    allocations = rules.allocate(payments, calls)
    PaymentAllocation.objects.bulk_create(
        [
            PaymentAllocation(payment_id=payment_id, rent_call_id=call_id, amount=amount)
            for payment_id, call_id, amount in allocations
        ]
    )
    # the open-item flags: what this allocation used up entirely
    used: dict = {}
    for payment_id, call_id, amount in allocations:
        used[payment_id] = used.get(payment_id, rules.ZERO) + amount
        used[call_id] = used.get(call_id, rules.ZERO) + amount
    settled = [item.key for item in calls if used.get(item.key, rules.ZERO) >= item.left]
    spent = [item.key for item in payments if used.get(item.key, rules.ZERO) >= item.left]
    if settled:
        RentCall.objects.filter(pk__in=settled).update(settled=True)
    if spent:
        Payment.objects.filter(pk__in=spent).update(fully_allocated=True)


def _reallocate_all(lease) -> None:
    PaymentAllocation.objects.filter(payment__lease=lease).delete()
    RentCall.objects.filter(lease=lease, settled=True).update(settled=False)
    Payment.objects.filter(lease=lease, fully_allocated=True).update(fully_allocated=False)
    _allocate(lease)


# --- rent calls ----------------------------------------------------------------------------------------------


def leases_to_call(organisation_id, month: date):
    """The leases of the organisation that run during `month` and whose rent the association calls."""
    first, last = rules.month_start(month), rules.month_end(month)
    return (
        Lease.objects.filter(organisation_id=organisation_id, status__in=CALLABLE_STATUSES, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=first))
        .select_related("household", "dwelling")
        .order_by("start_date", "id")
    )


def _tenant_accounts(leases) -> dict:
    """The tenant accounts of `leases` (created when missing), locked FOR UPDATE in one query, by lease id."""
    ids = [lease.pk for lease in leases]
    existing = set(Account.objects.filter(lease_id__in=ids).values_list("lease_id", flat=True))
    missing = [lease for lease in leases if lease.pk not in existing]
    if missing:
        Account.objects.bulk_create(
            [
                Account(
                    organisation_id=lease.organisation_id,
                    code=f"411{lease.pk.hex[:10].upper()}",
                    name=f"{lease.household.name} — {lease.dwelling.reference}",
                    kind=AccountKind.TENANT,
                    lease=lease,
                )
                for lease in missing
            ],
            ignore_conflicts=True,
        )
    locked = Account.objects.select_for_update().filter(lease_id__in=ids).order_by("pk")
    return {account.lease_id: account for account in locked}


def _issue_batch(actor, leases, period: date, params, run=None) -> list[RentCall]:
    """Issue the calls of `period` for `leases` inside the caller's transaction, in a few queries whatever their
    number: the tenants' accounts locked in one query, the transactions, lines, calls and audit events inserted in
    bulk. Leases already called, or not running during `period`, are skipped. Returns the calls issued."""
    if not leases:
        return []
    organisation_id = leases[0].organisation_id
    _check_open(organisation_id, period)
    accounts = _tenant_accounts(leases)
    called = set(
        RentCall.objects.filter(lease__in=leases, period=period, cancelled_on__isnull=True).values_list(
            "lease_id", flat=True
        )
    )
    rent_income = organisation_account(organisation_id, AccountKind.RENT_INCOME)
    charges_income = organisation_account(organisation_id, AccountKind.CHARGES_INCOME)
    # the month's instalment of each lease's plan in progress, asked with the rent (one query for the batch)
    instalments = {
        lease_id: (pk, amount)
        for lease_id, pk, amount in Instalment.objects.filter(
            plan__lease__in=leases, plan__status=RepaymentPlanStatus.ACTIVE, period=period
        ).values_list("plan__lease_id", "pk", "amount")
    }
    entries, lines, calls = [], [], []
    for lease in leases:
        if lease.pk in called:
            continue
        amounts = rules.rent_call_amounts(
            lease.rent,
            lease.charges,
            lease.payment_day,
            period,
            lease.start_date,
            rules.lease_occupancy_end(lease.end_date, lease.moved_out_on),
            params=params,
        )
        if amounts is None or amounts.total <= 0:
            continue
        entry = Transaction(
            id=uuid.uuid4(),
            organisation_id=organisation_id,
            booked_on=period,
            label=(
                _("Appel de loyer %(period)s — %(tenant)s")
                % {"period": f"{period:%m/%Y}", "tenant": lease.household.name}
            )[:200],
            source_type="rent_call",
            created_by=actor,
        )
        call_lines = [(accounts[lease.pk], amounts.total)]
        if amounts.rent:
            call_lines.append((rent_income, -amounts.rent))
        if amounts.service_charges:
            call_lines.append((charges_income, -amounts.service_charges))
        error = rules.lines_error([amount for _account, amount in call_lines])
        if error:
            raise ValidationError(error)
        entries.append(entry)
        lines.extend(Line(transaction=entry, account=account, amount=amount) for account, amount in call_lines)
        # the instalment is asked, not posted: the old debt it repays is already on the tenant's account
        instalment_id, instalment = instalments.get(lease.pk, (None, rules.ZERO))
        calls.append(
            RentCall(
                organisation_id=organisation_id,
                lease=lease,
                period=period,
                rent=amounts.rent,
                service_charges=amounts.service_charges,
                instalment=instalment,
                plan_instalment_id=instalment_id,
                total=amounts.total + instalment,
                due_date=amounts.due_date,
                transaction=entry,
                run=run,
            )
        )
    if not calls:
        return []
    Transaction.objects.bulk_create(entries)
    Line.objects.bulk_create(lines)
    RentCall.objects.bulk_create(calls)
    # money already received and not yet allocated (an advance payment) settles the new calls, oldest first
    waiting = set(
        Payment.objects.filter(
            lease__in=[call.lease_id for call in calls], reversed_on__isnull=True, fully_allocated=False
        ).values_list("lease_id", flat=True)
    )
    for call in calls:
        if call.lease_id in waiting:
            _allocate(call.lease)
    audit_record_many(
        actor=actor,
        action="ledger.rent_call_issue",
        items=[
            (call, call.lease.household_id, {"period": f"{period:%Y-%m}", "total": str(call.total)}) for call in calls
        ],
    )
    return calls


def _issue(actor, lease, period: date, params, run=None) -> tuple[RentCall | None, bool]:
    """Issue the call of `period` for `lease` inside the caller's transaction; (call, created)."""
    issued = _issue_batch(actor, [lease], period, params, run=run)
    if issued:
        return issued[0], True
    return RentCall.objects.filter(lease=lease, period=period, cancelled_on__isnull=True).first(), False


def rent_call_issue(*, actor, lease_id, period: date) -> tuple[RentCall, bool]:
    """Issue one month's rent call for a lease; an already issued month returns the existing call."""
    _require(actor, "ledger.post")
    period = rules.month_start(period)
    with transaction.atomic():
        lease = (
            Lease.objects.filter(organisation_id=actor.organisation_id, pk=lease_id)
            .select_related("household", "dwelling")
            .first()
        )
        if lease is None:
            raise Lease.DoesNotExist
        if lease.status not in CALLABLE_STATUSES:
            raise ValidationError(_("Seul un bail signé donne lieu à un appel de loyer."))
        call, created = _issue(actor, lease, period, legal_parameters())
        if call is None:
            raise ValidationError({"period": _("Le bail ne court pas pendant ce mois : rien à appeler.")})
    return call, created


def rent_calls_issue(*, actor, month: date, run: RentCallRun | None = None) -> int:
    """Issue the calls of `month` for every lease running then, by batches of `BATCH_SIZE` leases, each batch in
    its own database transaction so that the run's progress is visible; leases already called are skipped.
    Returns the number issued."""
    _require(actor, "ledger.post")
    month = rules.month_start(month)
    params = legal_parameters()
    leases = list(leases_to_call(actor.organisation_id, month))
    issued = done = 0
    if run is not None:
        RentCallRun.objects.filter(pk=run.pk).update(total=len(leases), status=RunStatus.RUNNING)
    for first in range(0, len(leases), BATCH_SIZE):
        batch = leases[first : first + BATCH_SIZE]
        with transaction.atomic():
            issued += len(_issue_batch(actor, batch, month, params, run=run))
        done += len(batch)
        if run is not None:
            RentCallRun.objects.filter(pk=run.pk).update(done=done, issued=issued)
    return issued


def rent_call_run_start(*, actor, month: date) -> RentCallRun:
    """Start the month-end rent calls as a background task; the page follows its progress."""
    _require(actor, "ledger.post")
    month = rules.month_start(month)
    with transaction.atomic():
        _check_open(actor.organisation_id, month, "month")
        if RentCallRun.objects.filter(
            organisation_id=actor.organisation_id, month=month, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
        ).exists():
            raise ValidationError({"month": _("Les appels de ce mois sont déjà en cours d'émission.")})
        run = RentCallRun.objects.create(
            organisation_id=actor.organisation_id,
            month=month,
            total=leases_to_call(actor.organisation_id, month).count(),
            started_by=actor,
        )
        audit_record(actor=actor, action="ledger.rent_call_run", obj=run, detail={"month": f"{month:%Y-%m}"})

        def enqueue():
            from .tasks import issue_rent_calls

            issue_rent_calls.enqueue(str(run.pk))

        transaction.on_commit(enqueue)
    return run


def rent_call_run_execute(run_id) -> RentCallRun:
    """The body of the background task: issue the calls and record how the run ended."""
    run = RentCallRun.objects.select_related("started_by").get(pk=run_id)
    try:
        rent_calls_issue(actor=run.started_by, month=run.month, run=run)
    except (ValidationError, PermissionDenied) as error:
        message = " ".join(getattr(error, "messages", [])) or _("Action non autorisée.")
        RentCallRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=message, finished_at=timezone.now())
    else:
        RentCallRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


# --- payments ------------------------------------------------------------------------------------------------


def payment_record(*, actor, lease_id, amount: Decimal, received_on: date, source: str, reference: str = "") -> Payment:
    """Record money received for a lease: posted to the ledger (debit bank or the paying body, credit the tenant)
    and allocated to the oldest unpaid calls. Back-dated payments are allowed in open months only."""
    _require(actor, "ledger.post")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être positif.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Le montant s'exprime au centime près.")})
    if source not in SOURCE_ACCOUNTS:
        raise ValidationError({"source": _("Provenance inconnue.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Un encaissement ne peut pas être daté dans le futur.")})
    reference = (reference or "").strip()
    duplicate = DuplicatePaymentReference(
        {"reference": _("Un encaissement de ce bail porte déjà la référence « %(ref)s ».") % {"ref": reference}}
    )
    try:
        with transaction.atomic():
            lease = (
                Lease.objects.filter(organisation_id=actor.organisation_id, pk=lease_id)
                .select_related("household", "dwelling")
                .first()
            )
            if lease is None:
                raise Lease.DoesNotExist
            if lease.status not in CALLABLE_STATUSES:
                raise ValidationError(_("Seul un bail signé reçoit des encaissements."))
            account = tenant_account(lease, lock=True)
            if (
                reference
                and Payment.objects.filter(lease=lease, reference=reference, reversed_on__isnull=True).exists()
            ):
                raise duplicate
            _check_open(lease.organisation_id, received_on, "received_on")
            entry = _post(
                actor=actor,
                organisation_id=lease.organisation_id,
                booked_on=received_on,
                label=_("Encaissement %(source)s — %(tenant)s")
                % {"source": PaymentSource(source).label, "tenant": lease.household.name},
                lines=[
                    (organisation_account(lease.organisation_id, SOURCE_ACCOUNTS[source]), amount),
                    (account, -amount),
                ],
                source_type="payment",
                source_id=reference,
            )
            payment = Payment(
                organisation_id=lease.organisation_id,
                lease=lease,
                amount=amount,
                received_on=received_on,
                source=source,
                reference=reference,
                transaction=entry,
                recorded_by=actor,
            )
            payment.full_clean(validate_constraints=False)
            payment.save()
            _allocate(lease)
            audit_record(
                actor=actor,
                action="ledger.payment_record",
                obj=payment,
                household_id=lease.household_id,
                detail={"amount": str(amount), "source": source},
            )
    except IntegrityError as error:
        if "ledger_payment_reference_once_per_lease" in str(error):
            raise duplicate from None
        raise
    return payment


# --- receipts ------------------------------------------------------------------------------------------------


def _next_number(organisation_id, kind: str) -> int:
    """The next number of `kind`, taken under a row lock on the counter: no gap, no duplicate."""
    counter, _created = ReceiptCounter.objects.get_or_create(organisation_id=organisation_id, kind=kind)
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def tenant_names(household) -> str:
    adults = [
        f"{p.first_name} {p.last_name}"
        for p in household.members.all()
        if p.relation in (Relation.HEAD, Relation.SPOUSE)
    ]
    return ", ".join(adults) or household.name


def receipt_issue(*, actor, rent_call_id, on: date | None = None) -> RentReceipt:
    """Issue the document of a paid period, free of charge (loi 89 art. 21): a quittance when the period is fully
    paid, else a reçu that says it is not a quittance. Names, address, period and amounts are copied onto it; its
    PDF is rendered after commit. A period's quittance is issued once; asking again returns it."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    with transaction.atomic():
        call = (
            RentCall.objects.filter(organisation_id=actor.organisation_id, pk=rent_call_id)
            .select_related("lease", "lease__household", "lease__dwelling", "lease__landlord", "organisation")
            .first()
        )
        if call is None:
            raise RentCall.DoesNotExist
        lease = call.lease
        tenant_account(lease, lock=True)
        if call.cancelled_on:
            raise ValidationError(_("Cet appel de loyer est annulé."))
        existing = RentReceipt.objects.filter(rent_call=call, kind=ReceiptKind.QUITTANCE).first()
        if existing is not None:
            return existing
        allocations = list(
            PaymentAllocation.objects.filter(rent_call=call, payment__reversed_on__isnull=True).select_related(
                "payment"
            )
        )
        paid = sum((a.amount for a in allocations), rules.ZERO)
        try:
            kind = rules.receipt_kind(call.due, paid)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        dwelling = lease.dwelling
        means = sorted({str(PaymentSource(a.payment.source).label) for a in allocations})
        receipt = RentReceipt(
            organisation_id=call.organisation_id,
            lease=lease,
            rent_call=call,
            kind=kind,
            number=_next_number(call.organisation_id, kind),
            issued_on=on,
            tenant_names=tenant_names(lease.household),
            landlord_name=lease.landlord.name if lease.landlord else call.organisation.name,
            agent_name=call.organisation.name if lease.landlord else "",
            dwelling_address=f"{dwelling.address}\n{dwelling.postal_code} {dwelling.city}",
            period_start=max(call.period, lease.start_date),
            period_end=min(
                [rules.month_end(call.period)]
                + [d for d in (rules.lease_occupancy_end(lease.end_date, lease.moved_out_on),) if d]
            ),
            rent=call.rent,
            service_charges=call.service_charges,
            total_due=call.due,  # rent and charges only: a plan's instalment is never receipted as rent
            paid=paid,
            paid_on=max(a.payment.received_on for a in allocations),
            payment_means=", ".join(means),
            issued_by=actor,
        )
        receipt.full_clean()
        receipt.save()
        audit_record(
            actor=actor,
            action=f"ledger.{kind}_issue",
            obj=receipt,
            household_id=lease.household_id,
            detail={"number": receipt.number, "period": f"{call.period:%Y-%m}"},
        )
        transaction.on_commit(lambda: receipt_pdf(receipt.pk))
    return receipt


def receipt_pdf(receipt_id) -> bytes:
    """The document's PDF, rendered once from the copied fields and kept."""
    from habiter.core.pdf import pdf_render

    receipt = RentReceipt.objects.get(pk=receipt_id)
    if receipt.pdf:
        return bytes(receipt.pdf)
    content = pdf_render("ledger/receipt_pdf.html", {"receipt": receipt})
    RentReceipt.objects.filter(pk=receipt.pk, pdf__isnull=True).update(pdf=content)
    return content


# --- bank statements -----------------------------------------------------------------------------------------

MAX_BANK_REFERENCE = 80


def bank_mapping_create(*, actor, **fields) -> BankCsvMapping:
    """Save a bank's CSV column mapping under a name, for the next imports."""
    _require(actor, "ledger.post")
    mapping = BankCsvMapping(organisation_id=actor.organisation_id, **fields)
    try:
        mapping.as_mapping()
    except ValueError as error:
        raise ValidationError({"amount_column": str(error)}) from None
    with transaction.atomic():
        mapping.full_clean()
        mapping.save()
        audit_record(actor=actor, action="ledger.bank_mapping_create", obj=mapping, detail={"name": mapping.name})
    return mapping


def _bank_reference(reference: str) -> str:
    reference = reference.strip()
    if len(reference) <= MAX_BANK_REFERENCE:
        return reference
    return "h:" + hashlib.sha256(reference.encode()).hexdigest()[:32]


def _unique_references(lines) -> list[str]:
    """The line's identity; a second identical line of the same file (same date, amount, label, no bank id)
    gets a rank, so that it is neither merged with the first nor imported again next time."""
    seen: dict[str, int] = {}
    references = []
    for line in lines:
        reference = _bank_reference(line.reference)
        seen[reference] = seen.get(reference, 0) + 1
        references.append(
            reference if seen[reference] == 1 else f"{reference[: MAX_BANK_REFERENCE - 4]}#{seen[reference]}"
        )
    return references


def bank_statement_import(*, actor, file_name: str, content: bytes, file_format: str, mapping_id=None) -> BankStatement:
    """Import a bank file whole or not at all: a BankFileError lists every bad line in French and nothing is
    saved. Lines already known (same bank id, or same date, amount and label) are linked to the new statement and
    not added again. A closing balance given by the file is compared with the ledger's bank account on its last
    day."""
    _require(actor, "ledger.post")
    mapping = None
    if file_format == BankFileFormat.CSV:
        mapping = BankCsvMapping.objects.filter(organisation_id=actor.organisation_id, pk=mapping_id).first()
        if mapping is None:
            raise ValidationError({"mapping": _("Choisissez le format CSV de votre banque.")})
        statement = bankfiles.parse_csv(content, mapping.as_mapping())
    elif file_format == BankFileFormat.CAMT053:
        statement = bankfiles.parse_camt053(content)
        if not statement.lines:
            raise bankfiles.BankFileError([_("Le relevé ne contient aucune opération.")])
    else:
        raise ValidationError({"file_format": _("Format de fichier inconnu.")})
    if not bankfiles.balance_matches(statement):
        raise bankfiles.BankFileError(
            [_("Le relevé est incohérent : le solde d'ouverture plus les opérations ne donne pas le solde de clôture.")]
        )
    references = _unique_references(statement.lines)
    last_day = max(line.booked_on for line in statement.lines)
    with transaction.atomic():
        known = set(
            BankLine.objects.filter(organisation_id=actor.organisation_id, bank_reference__in=references).values_list(
                "bank_reference", flat=True
            )
        )
        ledger = bank_balance_on(actor.organisation_id, last_day) if statement.closing_balance is not None else None
        record = BankStatement(
            organisation_id=actor.organisation_id,
            file_name=(file_name or "")[:200],
            file_format=file_format,
            mapping=mapping,
            statement_ref=statement.statement_id[:100],
            account_iban=statement.account_iban[:40],
            first_day=min(line.booked_on for line in statement.lines),
            last_day=last_day,
            opening_balance=statement.opening_balance,
            closing_balance=statement.closing_balance,
            ledger_balance=ledger,
            balance_agrees=None if ledger is None else ledger == statement.closing_balance,
            line_count=len(references),
            new_count=len(set(references) - known),
            imported_by=actor,
        )
        record.full_clean()
        record.save()
        BankLine.objects.bulk_create(
            [
                BankLine(
                    organisation_id=actor.organisation_id,
                    booked_on=line.booked_on,
                    amount=line.amount,
                    label=line.label[:500],
                    counterparty=line.counterparty[:200],
                    bank_reference=reference,
                )
                for line, reference in zip(statement.lines, references, strict=True)
                if reference not in known
            ]
        )
        ids = BankLine.objects.filter(organisation_id=actor.organisation_id, bank_reference__in=references).values_list(
            "pk", flat=True
        )
        BankLine.statements.through.objects.bulk_create(
            [BankLine.statements.through(bankline_id=pk, bankstatement_id=record.pk) for pk in ids]
        )
        audit_record(
            actor=actor,
            action="ledger.bank_import",
            obj=record,
            detail={"file": record.file_name, "lines": record.line_count, "new": record.new_count},
        )
    return record


def _queued_line(actor, line_id) -> BankLine:
    line = BankLine.objects.select_for_update().filter(organisation_id=actor.organisation_id, pk=line_id).first()
    if line is None:
        raise BankLine.DoesNotExist
    return line


def bank_line_match(*, actor, line_id, lease_id, source: str = PaymentSource.TENANT) -> Payment:
    """Match a bank line to a lease: the payment is recorded (dated on the line's day, the bank id as its
    reference) and the line leaves the queue. A line is matched once; another organisation's lease is unknown."""
    _require(actor, "ledger.post")
    with transaction.atomic():
        line = _queued_line(actor, line_id)
        error = rules.bank_line_move_error(line.state, BankLineState.MATCHED, amount=line.amount)
        if error:
            raise ValidationError(error)
        payment = payment_record(
            actor=actor,
            lease_id=lease_id,
            amount=line.amount,
            received_on=line.booked_on,
            source=source,
            reference=line.bank_reference,
        )
        line.state = BankLineState.MATCHED
        line.payment = payment
        line.handled_by = actor
        line.handled_at = timezone.now()
        line.full_clean()
        line.save(update_fields=["state", "payment", "handled_by", "handled_at", "updated_at"])
        audit_record(
            actor=actor,
            action="ledger.bank_line_match",
            obj=line,
            household_id=payment.lease.household_id,
            detail={"payment": str(payment.pk), "amount": str(line.amount)},
        )
    return payment


def bank_line_ignore(*, actor, line_id, ignore: bool = True, reason: str = "") -> BankLine:
    """Set a line aside with a reason (bank fees, an operation that is not rent…), or put it back in the queue
    (also a matched line whose payment was reversed)."""
    _require(actor, "ledger.post")
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        line = _queued_line(actor, line_id)
        target = BankLineState.IGNORED if ignore else BankLineState.UNMATCHED
        reversed_payment = Payment.objects.filter(pk=line.payment_id, reversed_on__isnull=False).exists()
        error = rules.bank_line_move_error(
            line.state, target, amount=line.amount, reason=reason, reversed_payment=reversed_payment
        )
        if error:
            raise ValidationError({"reason": error} if ignore and not reason else error)
        line.state, line.ignored_reason = target, reason[:200] if ignore else ""
        line.payment = None  # when matched before: its payment was reversed, the line waits to be matched again
        line.handled_by = actor
        line.handled_at = timezone.now()
        line.save(update_fields=["state", "ignored_reason", "payment", "handled_by", "handled_at", "updated_at"])
        audit_record(
            actor=actor,
            action="ledger.bank_line_ignore" if ignore else "ledger.bank_line_unignore",
            obj=line,
            detail={"reason": line.ignored_reason},
        )
    return line


# --- owners under a management mandate: works, statements, payouts ---------------------------------------------


def owner_account(owner, *, lock: bool = False) -> Account:
    """The owner's account (467…, the mandant's current account), created on first use; locked when `lock`."""
    account = Account.objects.filter(owner=owner, kind=AccountKind.OWNER).first()
    if account is None:
        try:
            with transaction.atomic():
                account = Account.objects.create(
                    organisation_id=owner.organisation_id,
                    code=f"467{owner.pk.hex[:10].upper()}",
                    name=f"Mandant — {owner.name}"[:200],
                    kind=AccountKind.OWNER,
                    owner=owner,
                )
        except IntegrityError:
            account = Account.objects.get(owner=owner, kind=AccountKind.OWNER)
    if lock:
        account = Account.objects.select_for_update().get(pk=account.pk)
    return account


def _owner(actor, owner_id) -> Owner:
    owner = Owner.objects.filter(organisation_id=actor.organisation_id, pk=owner_id).first()
    if owner is None:
        raise Owner.DoesNotExist
    return owner


def _positive_cents(amount, field="amount") -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("Le montant doit être positif.")})
    if amount != amount.quantize(rules.CENT):
        raise ValidationError({field: _("Le montant s'exprime au centime près.")})


def owner_work_record(*, actor, owner_id, invoice_date: date, supplier: str, label: str, amount: Decimal) -> OwnerWork:
    """Record works paid by the association on an owner's behalf: debit the owner's account, credit the bank.
    The next statement of the owner deducts them; a mistake is corrected by reversing the entry."""
    _require(actor, "ledger.post")
    _positive_cents(amount)
    supplier, label = (supplier or "").strip(), (label or "").strip()
    if not supplier:
        raise ValidationError({"supplier": _("Indiquez le fournisseur.")})
    if not label:
        raise ValidationError({"label": _("Indiquez l'objet des travaux.")})
    if invoice_date > timezone.localdate():
        raise ValidationError({"invoice_date": _("Une facture ne peut pas être datée dans le futur.")})
    with transaction.atomic():
        owner = _owner(actor, owner_id)
        account = owner_account(owner, lock=True)
        _check_open(owner.organisation_id, invoice_date, "invoice_date")
        entry = _post(
            actor=actor,
            organisation_id=owner.organisation_id,
            booked_on=invoice_date,
            label=_("Travaux %(supplier)s — %(label)s — pour %(owner)s")
            % {"supplier": supplier, "label": label, "owner": owner.name},
            lines=[(account, amount), (organisation_account(owner.organisation_id, AccountKind.BANK), -amount)],
            source_type=OWNER_WORKS,
        )
        work = OwnerWork(
            organisation_id=owner.organisation_id,
            owner=owner,
            invoice_date=invoice_date,
            supplier=supplier,
            label=label,
            amount=amount,
            transaction=entry,
            recorded_by=actor,
        )
        work.full_clean()
        work.save()
        audit_record(
            actor=actor,
            action="ledger.owner_work_record",
            obj=work,
            detail={"amount": str(amount), "owner": owner.name},
        )
    return work


def _unaccounted_lines(organisation_id, start: date, end: date):
    """Ledger lines booked in [start, end] that no statement accounts for yet."""
    return Line.objects.filter(
        transaction__organisation_id=organisation_id,
        transaction__booked_on__gte=start,
        transaction__booked_on__lte=end,
        transaction__owner_statement_line__isnull=True,
    ).select_related("transaction")


def statement_movements(owner, month: date, floor: date):
    """What the owner's statement of `month` accounts for: (payment lines, works lines). Payments and their
    reversals on the owner's mandate leases and works invoices and their reversals, booked from `floor` to the
    end of `month` and not yet in an earlier statement — so an entry back-dated into a month already reported
    goes into the next statement instead of being lost."""
    lines = _unaccounted_lines(owner.organisation_id, floor, rules.month_end(month))
    payments = (
        lines.filter(
            account__kind=AccountKind.TENANT,
            account__lease__kind=LeaseKind.MANDATE,
            account__lease__mandate__owner=owner,
            transaction__source_type="payment",
        )
        .select_related("account__lease__household", "account__lease__dwelling", "account__lease__mandate")
        .order_by("transaction__booked_on", "id")
    )
    works = lines.filter(
        account__kind=AccountKind.OWNER, account__owner=owner, transaction__source_type=OWNER_WORKS
    ).order_by("transaction__booked_on", "id")
    return list(payments), list(works)


def statement_carried(owner, account) -> Decimal:
    """The balance the owner's next statement brings forward (`rules.statement_carried`), read from the owner's
    account before the statement posts anything: two queries."""
    unreported = Q(transaction__source_type=OWNER_WORKS, transaction__owner_statement_line__isnull=True)
    sums = Line.objects.filter(account=account).aggregate(
        balance=money_sum("amount"), unreported=money_sum("amount", filter=unreported)
    )
    awaiting = OwnerStatement.objects.filter(owner=owner, payout__isnull=True, amount_due__gt=0).aggregate(
        total=money_sum("amount_due")
    )["total"]
    return rules.cents(rules.statement_carried(sums["balance"], sums["unreported"], awaiting))


def owner_statement_issue(*, actor, owner_id, month: date, on: date | None = None) -> tuple[OwnerStatement, bool]:
    """Issue an owner's compte rendu de gestion for an ended month: the rents collected on the owner's mandate
    leases move from rent income to the owner's account; the management fee (collected × the mandate's rate)
    and its VAT (dated legal parameter `vat_rate_standard`) are charged to the owner; the works recorded are
    deducted; the balance earlier statements left (`statement_carried`: what the owner still owed after works
    that exceeded the rents) is brought forward into the amount due; the figures are frozen. Issuing the same
    month again returns the statement already issued."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    month = rules.month_start(month)
    if month >= rules.month_start(on):
        raise ValidationError({"month": _("Le compte rendu d'un mois s'émet une fois ce mois terminé.")})
    with transaction.atomic():
        owner = _owner(actor, owner_id)
        account = owner_account(owner, lock=True)
        existing = OwnerStatement.objects.filter(owner=owner, month=month).first()
        if existing is not None:
            return existing, False
        if not ManagementMandate.objects.filter(owner=owner).exists():
            raise ValidationError(
                _("%(owner)s n'a pas confié de mandat de gestion à l'association.") % {"owner": owner.name}
            )
        later = OwnerStatement.objects.filter(owner=owner, month__gt=month).order_by("-month").first()
        if later is not None:
            raise ValidationError(
                {
                    "month": _(
                        "Le compte rendu de %(later)s est déjà émis pour %(owner)s : "
                        "un mois antérieur ne peut plus l'être."
                    )
                    % {"later": f"{later.month:%m/%Y}", "owner": owner.name}
                }
            )
        if month_closed(owner.organisation_id, month):
            raise ValidationError(
                {
                    "month": _("Le mois de %(month)s est clôturé : son compte rendu de gestion ne peut plus être émis.")
                    % {"month": f"{month:%m/%Y}"}
                }
            )
        first = OwnerStatement.objects.filter(owner=owner).order_by("month").first()
        payments, works = statement_movements(owner, month, first.month if first else month)
        per_lease: dict = {}
        for line in payments:
            lease = line.account.lease
            collected, rate = per_lease.get(lease.pk, (rules.ZERO, lease.mandate.fee_rate))
            per_lease[lease.pk] = (collected - line.amount, rate)
        vat_rate = legal_parameters().decimal("vat_rate_standard", rules.month_end(month))
        amounts = rules.statement_amounts(
            per_lease.values(),
            sum((line.amount for line in works), rules.ZERO),
            vat_rate,
            carried=statement_carried(owner, account),
        )
        booked_on = rules.month_end(month)
        period = f"{month:%m/%Y}"
        transfer = fee_entry = None
        if amounts.collected:
            transfer = _post(
                actor=actor,
                organisation_id=owner.organisation_id,
                booked_on=booked_on,
                label=_("Loyers encaissés pour %(owner)s — %(period)s") % {"owner": owner.name, "period": period},
                lines=[
                    (organisation_account(owner.organisation_id, AccountKind.RENT_INCOME), amounts.collected),
                    (account, -amounts.collected),
                ],
                source_type=OWNER_STATEMENT,
            )
        if amounts.fee:
            fee_lines = [
                (account, amounts.fee + amounts.vat),
                (organisation_account(owner.organisation_id, AccountKind.FEES), -amounts.fee),
            ]
            if amounts.vat:
                fee_lines.append((organisation_account(owner.organisation_id, AccountKind.VAT_COLLECTED), -amounts.vat))
            fee_entry = _post(
                actor=actor,
                organisation_id=owner.organisation_id,
                booked_on=booked_on,
                label=_("Honoraires de gestion %(period)s — %(owner)s") % {"owner": owner.name, "period": period},
                lines=fee_lines,
                source_type=OWNER_STATEMENT,
            )
        statement = OwnerStatement(
            organisation_id=owner.organisation_id,
            owner=owner,
            month=month,
            owner_name=owner.name,
            owner_address=owner.address,
            collected=amounts.collected,
            fee=amounts.fee,
            vat_rate=vat_rate,
            vat=amounts.vat,
            works=amounts.works,
            carried=amounts.carried,
            amount_due=amounts.amount_due,
            issued_on=on,
            issued_by=actor,
            transfer_transaction=transfer,
            fee_transaction=fee_entry,
        )
        statement.full_clean()
        statement.save()
        rows = [
            OwnerStatementLine(
                statement=statement,
                kind=StatementLineKind.COLLECTED,
                transaction=line.transaction,
                lease=line.account.lease,
                fee_rate=line.account.lease.mandate.fee_rate,
                booked_on=line.transaction.booked_on,
                label=f"{line.account.lease.dwelling.reference} — {line.account.lease.household.name}"
                + (f" ({_('contre-passation')})" if line.transaction.reversal_of_id else ""),
                amount=-line.amount,
            )
            for line in payments
        ]
        rows += [
            OwnerStatementLine(
                statement=statement,
                kind=StatementLineKind.WORKS,
                transaction=line.transaction,
                booked_on=line.transaction.booked_on,
                label=line.transaction.label,
                amount=line.amount,
            )
            for line in works
        ]
        OwnerStatementLine.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="ledger.owner_statement_issue",
            obj=statement,
            detail={"month": f"{month:%Y-%m}", "owner": owner.name, "amount_due": str(statement.amount_due)},
        )
    return statement, True


BIC_FORMAT = r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"


def bank_details_save(*, actor, holder_name: str, iban: str, bic: str) -> BankDetails:
    """Record the association's bank account, the one owners are paid from."""
    _require(actor, "ledger.manage_bank_details")
    holder_name = (holder_name or "").strip()
    iban = housing_rules.normalise_iban(iban)
    bic = "".join((bic or "").split()).upper()
    errors = {}
    if not holder_name:
        errors["holder_name"] = _("Indiquez le titulaire du compte.")
    if not iban:
        errors["iban"] = _("Indiquez l'IBAN du compte de l'association.")
    elif housing_rules.iban_error(iban):
        errors["iban"] = housing_rules.iban_error(iban)
    if not re.fullmatch(BIC_FORMAT, bic):
        errors["bic"] = _("Le BIC compte 8 ou 11 caractères (ex. : BNPAFRPPXXX).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        details = BankDetails.objects.select_for_update().filter(organisation_id=actor.organisation_id).first()
        if details is None:
            details = BankDetails(organisation_id=actor.organisation_id)
        details.holder_name, details.iban, details.bic, details.updated_by = holder_name, iban, bic, actor
        details.full_clean(validate_constraints=False)
        details.save()
        audit_record(actor=actor, action="ledger.bank_details_save", obj=details, detail={"holder": holder_name})
    return details


def payout_batch_create(*, actor, statement_ids, execution_date: date, on: date | None = None) -> PayoutBatch:
    """Pay the amounts due of issued statements: one entry (debit each owner's account, credit the bank) and one
    SEPA credit-transfer file (pain.001) from the association's account to the owners' IBANs. A statement is
    paid once; the file is kept and can be downloaded again."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    statement_ids = list(dict.fromkeys(statement_ids))
    if not statement_ids:
        raise ValidationError({"statements": _("Choisissez au moins un compte rendu à reverser.")})
    if execution_date < on:
        raise ValidationError({"execution_date": _("La date d'exécution ne peut pas être passée.")})
    with transaction.atomic():
        bank = BankDetails.objects.filter(organisation_id=actor.organisation_id).first()
        if bank is None:
            raise ValidationError(
                _(
                    "Les coordonnées bancaires de l'association manquent : renseignez le titulaire, l'IBAN et le BIC "
                    "du compte qui paie les propriétaires (Comptabilité → Coordonnées bancaires)."
                )
            )
        statements = list(
            OwnerStatement.objects.select_for_update()
            .filter(organisation_id=actor.organisation_id, pk__in=statement_ids)
            .select_related("owner")
            .order_by("owner_name", "month")
        )
        if len(statements) != len(statement_ids):
            raise OwnerStatement.DoesNotExist
        errors = []
        for statement in statements:
            what = f"{statement.owner_name} ({statement.month:%m/%Y})"
            if statement.payout_id:
                errors.append(_("Le compte rendu de %(what)s est déjà reversé.") % {"what": what})
            elif statement.amount_due <= 0:
                errors.append(_("Le compte rendu de %(what)s n'a pas de solde à reverser.") % {"what": what})
            iban = statement.owner.iban
            if not iban or housing_rules.iban_error(iban):
                errors.append(
                    _("%(owner)s n'a pas d'IBAN valide : complétez sa fiche propriétaire.")
                    % {"owner": statement.owner.name}
                )
        if errors:
            raise ValidationError(list(dict.fromkeys(errors)))
        prefix = f"REV-{on:%Y%m%d}-"
        count = PayoutBatch.objects.filter(organisation_id=actor.organisation_id, reference__startswith=prefix).count()
        reference = f"{prefix}{count + 1:03d}"
        try:
            xml = sepa.payout_file(
                debtor_name=bank.holder_name,
                debtor_iban=bank.iban,
                debtor_bic=bank.bic,
                payouts=[
                    sepa.Payout(
                        name=s.owner.name[:70],
                        iban=s.owner.iban,
                        amount=s.amount_due,
                        description=f"Compte rendu de gestion {s.month:%m/%Y}",
                    )
                    for s in statements
                ],
                execution_date=execution_date,
                batch_id=reference,
            )
        except sepa.PayoutError as error:
            raise ValidationError(str(error)) from None
        total = sum((s.amount_due for s in statements), rules.ZERO)
        lines = [(owner_account(s.owner, lock=True), s.amount_due) for s in statements]
        entry = _post(
            actor=actor,
            organisation_id=actor.organisation_id,
            booked_on=on,
            label=_("Reversement aux propriétaires %(reference)s") % {"reference": reference},
            lines=[*lines, (organisation_account(actor.organisation_id, AccountKind.BANK), -total)],
            source_type=OWNER_PAYOUT,
            source_id=reference,
        )
        batch = PayoutBatch(
            organisation_id=actor.organisation_id,
            reference=reference,
            execution_date=execution_date,
            total=total,
            transaction=entry,
            xml=xml,
            created_by=actor,
        )
        batch.full_clean(exclude=["xml"])
        batch.save()
        OwnerStatement.objects.filter(pk__in=[s.pk for s in statements]).update(payout=batch)
        audit_record(
            actor=actor,
            action="ledger.payout_batch_create",
            obj=batch,
            detail={"reference": reference, "total": str(total), "statements": len(statements)},
        )
    return batch


# --- arrears: repayment plans (plans d'apurement) and letters ------------------------------------------------

PLAN_LEASE_STATUSES = (LeaseStatus.SIGNED, LeaseStatus.SLID)
# The time a mise en demeure gives the household to pay or get in touch, before the association's next steps
# (commandement de payer): a management choice, printed on the letter.
FORMAL_NOTICE_DAYS = 15


def _lease_for_arrears(actor, lease_id) -> Lease:
    lease = (
        Lease.objects.filter(organisation_id=actor.organisation_id, pk=lease_id)
        .select_related("household", "dwelling", "organisation")
        .first()
    )
    if lease is None:
        raise Lease.DoesNotExist
    return lease


def repayment_plan_create(
    *,
    actor,
    lease_id,
    start_month: date,
    count: int | None = None,
    monthly: Decimal | None = None,
    debt: Decimal | None = None,
    note: str = "",
    on: date | None = None,
) -> RepaymentPlan:
    """Agree a plan d'apurement on a lease in arrears: `debt` (by default the whole arrears on `on`, never more,
    never zero) repaid by `count` monthly instalments or by instalments of `monthly`, the first asked with the rent
    call of `start_month` (a month not yet called). The instalments are computed to the cent and sum to the debt
    (rules.instalment_amounts); their number is at most the legal maximum length of a plan (R41)."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    start_month = rules.month_start(start_month)
    note = (note or "").strip()
    with transaction.atomic():
        lease = _lease_for_arrears(actor, lease_id)
        tenant_account(lease, lock=True)
        if lease.status not in PLAN_LEASE_STATUSES:
            raise ValidationError(_("Un plan d'apurement s'établit sur un bail en cours."))
        if RepaymentPlan.objects.filter(lease=lease, status=RepaymentPlanStatus.ACTIVE).exists():
            raise ValidationError(
                _("Ce bail a déjà un plan d'apurement en cours : soldez-le, rompez-le ou annulez-le.")
            )
        arrears = queries.lease_arrears_total(lease, on)
        if arrears <= 0:
            raise ValidationError(_("Ce bail n'a pas d'impayé : aucun plan d'apurement à établir."))
        debt = arrears if debt is None else debt
        if not isinstance(debt, Decimal) or not debt.is_finite() or debt <= 0 or debt != debt.quantize(rules.CENT):
            raise ValidationError({"debt": _("La dette couverte doit être un montant positif au centime près.")})
        if debt > arrears:
            raise ValidationError(
                {
                    "debt": _("Le plan ne peut couvrir plus que l'impayé du bail (%(arrears)s €).")
                    % {"arrears": f"{arrears:.2f}".replace(".", ",")}
                }
            )
        if start_month < rules.month_start(on):
            raise ValidationError({"start_month": _("La première échéance ne peut pas être dans un mois passé.")})
        if RentCall.objects.filter(lease=lease, period=start_month, cancelled_on__isnull=True).exists():
            raise ValidationError(
                {
                    "start_month": _(
                        "Le loyer de %(month)s est déjà appelé : faites commencer le plan au mois suivant."
                    )
                    % {"month": f"{start_month:%m/%Y}"}
                }
            )
        try:
            amounts = rules.instalment_amounts(debt, count=count, monthly=monthly)
        except ValueError as error:
            raise ValidationError({"monthly" if monthly is not None else "count": str(error)}) from None
        longest = legal_parameters().integer("caf_plan_max_months", on, "metropole")
        if len(amounts) > longest:
            raise ValidationError(
                {
                    "monthly" if monthly is not None else "count": _(
                        "Un plan d'apurement dure au plus %(months)s mois : ici %(count)s échéances."
                    )
                    % {"months": longest, "count": len(amounts)}
                }
            )
        plan = RepaymentPlan(
            organisation_id=lease.organisation_id,
            lease=lease,
            debt=debt,
            arrears_at_start=arrears,
            agreed_on=on,
            start_month=start_month,
            note=note,
            created_by=actor,
        )
        plan.full_clean()
        plan.save()
        instalments = []
        for number, amount in enumerate(amounts, start=1):
            period = add_months(start_month, number - 1)
            due_date = period.replace(day=min(lease.payment_day, rules.month_end(period).day))
            instalments.append(Instalment(plan=plan, number=number, period=period, due_date=due_date, amount=amount))
        Instalment.objects.bulk_create(instalments)
        audit_record(
            actor=actor,
            action="ledger.repayment_plan_create",
            obj=plan,
            household_id=lease.household_id,
            detail={"debt": str(debt), "instalments": len(amounts), "start": f"{start_month:%Y-%m}"},
        )
    return plan


def repayment_plan_move(*, actor, plan_id, status: str, reason: str = "", on: date | None = None) -> RepaymentPlan:
    """Move a plan along its one table of transitions (rules.PLAN_TRANSITIONS): in progress → settled, broken or
    cancelled. A plan is settled only once its debt is repaid; breaking or cancelling it needs a reason. Later
    month-end calls no longer ask its instalments. Logged and audited."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        plan = (
            RepaymentPlan.objects.select_for_update()
            .filter(organisation_id=actor.organisation_id, pk=plan_id)
            .select_related("lease")
            .first()
        )
        if plan is None:
            raise RepaymentPlan.DoesNotExist
        if status not in RepaymentPlanStatus.values:
            raise ValidationError({"status": _("État inconnu.")})
        error = rules.plan_move_error(plan.status, status)
        if error:
            raise ValidationError(error)
        if status == RepaymentPlanStatus.COMPLETED:
            repaid = rules.plan_repaid(plan.debt, plan.arrears_at_start, queries.lease_arrears_total(plan.lease, on))
            if repaid < plan.debt:
                raise ValidationError(
                    _("Le plan n'est pas soldé : %(left)s € restent à rembourser.")
                    % {"left": f"{plan.debt - repaid:.2f}".replace(".", ",")}
                )
        elif not reason:
            raise ValidationError({"reason": _("Indiquez le motif.")})
        change = RepaymentPlanChange(
            plan=plan, from_status=plan.status, to_status=status, reason=reason[:300], changed_by=actor
        )
        change.full_clean()
        plan.status = status
        plan.save(update_fields=["status", "updated_at"])
        change.save()
        audit_record(
            actor=actor,
            action="ledger.repayment_plan_move",
            obj=plan,
            household_id=plan.lease.household_id,
            detail={"from": change.from_status, "to": status, "reason": change.reason},
        )
    return plan


def arrears_letter_send(*, actor, lease_id, kind: str, on: date | None = None) -> ArrearsLetter:
    """Record a letter about the lease's arrears on `on`: a lettre de relance, or a mise en demeure — only once a
    reminder was sent. The unpaid periods, the amount, the addressees and their address are copied onto it; its
    PDF is printed from that copy."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    if kind not in ArrearsLetterKind.values:
        raise ValidationError({"kind": _("Type de courrier inconnu.")})
    with transaction.atomic():
        lease = _lease_for_arrears(actor, lease_id)
        tenant_account(lease, lock=True)
        unpaid = queries.lease_unpaid_calls(lease, on)
        amount = sum((left for _period, _due, left in unpaid), rules.ZERO)
        if amount <= 0:
            raise ValidationError(_("Ce bail n'a pas d'impayé : aucun courrier à envoyer."))
        if (
            kind == ArrearsLetterKind.FORMAL_NOTICE
            and not ArrearsLetter.objects.filter(lease=lease, kind=ArrearsLetterKind.REMINDER, sent_on__lte=on).exists()
        ):
            raise ValidationError(
                _(
                    "Envoyez d'abord une lettre de relance : la mise en demeure ne vient qu'après une relance "
                    "restée sans effet."
                )
            )
        dwelling = lease.dwelling
        letter = ArrearsLetter(
            organisation_id=lease.organisation_id,
            lease=lease,
            kind=kind,
            sent_on=on,
            amount=amount,
            tenant_names=tenant_names(lease.household),
            address=f"{dwelling.address}\n{dwelling.postal_code} {dwelling.city}",
            unpaid=[
                {"period": period.isoformat(), "due_date": due.isoformat(), "left": f"{left:.2f}"}
                for period, due, left in unpaid
            ],
            sent_by=actor,
        )
        letter.full_clean()
        letter.save()
        audit_record(
            actor=actor,
            action=f"ledger.{kind}_send",
            obj=letter,
            household_id=lease.household_id,
            detail={"amount": str(amount), "periods": len(unpaid)},
        )
    return letter
