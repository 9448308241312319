"""Every write of ledger lines: accounts, posting, reversal, month closing. The only code that creates `Transaction`s
and `Line`s; the other sub-domains post through the public functions below, and never write lines themselves.

- accounts, created on first use: `organisation_account`, `tenant_account`, `tenant_accounts`, `resident_account`,
  `resident_accounts`, `owner_account`;
- dates: `month_closed`, `check_open` (the one check of every day an entry or a ledger document is dated on: not
  absurd, not before the ledger's opening date, not in a closed month);
- posting, without a permission check (the calling service made it): `post_entry`, `post_entries` (in bulk),
  `reverse_entry`;
- services: `transaction_post` (a manual entry), `transaction_reverse` (the generic reversal, which asks the
  sub-domains through `habiter.ledger.registry` whether they refuse it and what follows from it), `period_close`,
  `ledger_opening_set` (the date d'ouverture de la comptabilité).

Lock order, so that concurrent writers never deadlock: a bank line first, then a lease's tenant account (or a
residence contract's resident account), then a receipt counter. Organisation accounts (bank, CAF…) carry no stored
balance and are never locked.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.dates import add_months
from habiter.core.models import Organisation
from habiter.ledger import registry, rules
from habiter.ledger.models import (
    ORGANISATION_ACCOUNTS,
    Account,
    AccountKind,
    LedgerSettings,
    Line,
    PeriodClose,
    Transaction,
)

# Bounds of a plausible ledger date: before 2000 (francs) or more than two years ahead is a typing slip.
FIRST_YEAR = 2000
MONTHS_AHEAD = 24


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


def tenant_accounts(leases) -> dict:
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


def _resident_account_row(contract) -> Account:
    return Account(
        organisation_id=contract.organisation_id,
        code=f"411{contract.pk.hex[:10].upper()}",
        name=f"{contract.household.name} — {contract.place.residence.name}, {contract.place.label}"[:200],
        kind=AccountKind.RESIDENT,
        residence_contract=contract,
    )


def resident_account(contract, *, lock: bool = False) -> Account:
    """The resident's account (411…) of a residence contract, created on first use; locked FOR UPDATE when `lock`.
    A residence contract is not a lease: its account is its own (docs/adr/0030)."""
    account = Account.objects.filter(residence_contract=contract).first()
    if account is None:
        try:
            with transaction.atomic():
                account = _resident_account_row(contract)
                account.save()
        except IntegrityError:
            account = Account.objects.get(residence_contract=contract)
    if lock:
        account = Account.objects.select_for_update().get(pk=account.pk)
    return account


def resident_accounts(contracts) -> dict:
    """The resident accounts of `contracts` (created when missing), locked FOR UPDATE in one query, by contract id.
    The contracts come with their household, place and residence."""
    ids = [contract.pk for contract in contracts]
    existing = set(
        Account.objects.filter(residence_contract_id__in=ids).values_list("residence_contract_id", flat=True)
    )
    missing = [contract for contract in contracts if contract.pk not in existing]
    if missing:
        Account.objects.bulk_create([_resident_account_row(contract) for contract in missing], ignore_conflicts=True)
    locked = Account.objects.select_for_update().filter(residence_contract_id__in=ids).order_by("pk")
    return {account.residence_contract_id: account for account in locked}


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


# --- transactions --------------------------------------------------------------------------------------------


def month_closed(organisation_id, day: date) -> bool:
    return PeriodClose.objects.filter(organisation_id=organisation_id, month=rules.month_start(day)).exists()


def date_error(day: date, today: date) -> str | None:
    """Why `day` cannot date an entry whatever the organisation (a year before 2000, or more than two years after
    `today`), in French; None when it is plausible."""
    if day.year < FIRST_YEAR:
        return _("Le %(day)s n'est pas une date plausible : la comptabilité ne remonte pas avant l'an 2000.") % {
            "day": f"{day:%d/%m/%Y}"
        }
    latest = add_months(today, MONTHS_AHEAD)
    if day > latest:
        return _("Le %(day)s est trop loin : une écriture se date au plus tard le %(latest)s (deux ans).") % {
            "day": f"{day:%d/%m/%Y}",
            "latest": f"{latest:%d/%m/%Y}",
        }
    return None


def check_open(organisation_id, day: date, field: str = "booked_on") -> None:
    """The one check of a day an entry or a ledger document is dated on (every service that posts, dates or
    reverses calls it, or `post_entry` for it): a ValidationError on `field`, in French, when `day` is before 2000
    or more than two years ahead, before the organisation's ledger opening date, or in a closed month. One query."""
    error = date_error(day, timezone.localdate())
    if error:
        raise ValidationError({field: error})
    closed, opened_on = (
        Organisation.objects.filter(pk=organisation_id)
        .annotate(
            closed=Exists(PeriodClose.objects.filter(organisation_id=OuterRef("pk"), month=rules.month_start(day))),
            opened_on=Subquery(LedgerSettings.objects.filter(organisation_id=OuterRef("pk")).values("opened_on")[:1]),
        )
        .values_list("closed", "opened_on")
        .get()
    )
    if opened_on and day < opened_on:
        raise ValidationError(
            {
                field: _(
                    "La comptabilité de l'association est ouverte depuis le %(opened)s : aucune écriture ne peut "
                    "être datée avant."
                )
                % {"opened": f"{opened_on:%d/%m/%Y}"}
            }
        )
    if closed:
        raise ValidationError(
            {
                field: _("Le mois de %(month)s est clôturé : aucune écriture ne peut y être datée.")
                % {"month": f"{day:%m/%Y}"}
            }
        )


def post_entry(
    *, actor, organisation_id, booked_on: date, label: str, lines, source_type="", source_id="", reversal_of=None
):
    """Write one balanced transaction (no permission check: the calling service made it)."""
    amounts = [amount for _account, amount in lines]
    error = rules.lines_error(amounts)
    if error:
        raise ValidationError(error)
    check_open(organisation_id, booked_on)
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


@dataclass
class NewEntry:
    """A transaction to post with `post_entries`: `lines` are (account, signed amount) pairs summing to zero."""

    booked_on: date
    label: str
    lines: list
    source_type: str = ""
    source_id: str = ""


def post_entries(*, actor, organisation_id, entries: list[NewEntry]) -> list[Transaction]:
    """Write many balanced transactions in two queries whatever their number (the month-end run), in the order
    given. No permission check, and the caller has checked once with `check_open` that their month is open."""
    transactions, lines = [], []
    for new in entries:
        error = rules.lines_error([amount for _account, amount in new.lines])
        if error:
            raise ValidationError(error)
        entry = Transaction(
            id=uuid.uuid4(),
            organisation_id=organisation_id,
            booked_on=new.booked_on,
            label=new.label[:200],
            source_type=new.source_type,
            source_id=str(new.source_id or ""),
            created_by=actor,
        )
        transactions.append(entry)
        lines.extend(Line(transaction=entry, account=account, amount=amount) for account, amount in new.lines)
    Transaction.objects.bulk_create(transactions)
    Line.objects.bulk_create(lines)
    return transactions


def transaction_post(*, actor, booked_on: date, label: str, lines, source: tuple[str, str] = ("", "")) -> Transaction:
    """Post a manual entry: `lines` are (account id, signed amount) pairs, debit positive, summing to zero."""
    _require(actor, "ledger.post")
    with transaction.atomic():
        ids = [account_id for account_id, _amount in lines]
        accounts = Account.objects.filter(organisation_id=actor.organisation_id).in_bulk(ids)
        if len(accounts) != len(set(ids)):
            raise ValidationError(_("Compte inconnu."))
        resolved = [(accounts[account_id], Decimal(amount)) for account_id, amount in lines]
        entry = post_entry(
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


def reverse_entry(*, actor, original: Transaction, on: date, label: str = "") -> Transaction:
    """Post the reversal of `original`: its lines negated, dated `on`, with its source, linked to it by
    `reversal_of` (no permission check and no refusal: the calling service made them)."""
    return post_entry(
        actor=actor,
        organisation_id=original.organisation_id,
        booked_on=on,
        label=label or _("Contre-passation : %(label)s") % {"label": original.label},
        lines=[(line.account, -line.amount) for line in original.lines.select_related("account")],
        source_type=original.source_type,
        source_id=original.source_id,
        reversal_of=original,
    )


def transaction_reverse(*, actor, transaction_id, on: date) -> Transaction:
    """Reverse an entry: a new transaction with the lines negated, linked to the original. The sub-domains say,
    through `habiter.ledger.registry`, what follows for the document the entry records (a reversed rent call is
    cancelled and a reversed payment set aside, the lease's payments then allocated again) and which entries they
    refuse to see reversed here."""
    _require(actor, "ledger.post")
    with transaction.atomic():
        original = Transaction.objects.filter(organisation_id=actor.organisation_id, pk=transaction_id).first()
        if original is None:
            raise Transaction.DoesNotExist
        # the sub-domain of the entry's document takes its locks before anything is checked
        follow_ups = registry.reversal_follow_ups(original)
        if original.reversal_of_id:
            raise ValidationError(_("Une contre-passation ne se contre-passe pas : passez une nouvelle écriture."))
        refusal = registry.reversal_refusal(original)
        if refusal:
            raise ValidationError(refusal)
        if Transaction.objects.filter(reversal_of=original).exists():
            raise ValidationError(_("Cette écriture est déjà contre-passée."))
        if on < original.booked_on:
            raise ValidationError({"on": _("La contre-passation ne peut pas précéder l'écriture d'origine.")})
        # the reversal's own day must be open; the original's month may be closed: that is how it is corrected
        check_open(original.organisation_id, on, "on")
        reversal = reverse_entry(actor=actor, original=original, on=on)
        for follow_up in follow_ups:
            follow_up.apply(on)
        household_id = next((f.household_id for f in follow_ups if f.household_id), None)
        audit_record(
            actor=actor,
            action="ledger.transaction_reverse",
            obj=reversal,
            household_id=household_id,
            detail={"original": str(original.pk)},
        )
    return reversal


def earliest_open_month_before(organisation_id, month: date) -> date | None:
    """The earliest month before `month` that holds entries and is not closed yet (None when there is none)."""
    closed = set(PeriodClose.objects.filter(organisation_id=organisation_id).values_list("month", flat=True))
    months = (
        Transaction.objects.filter(organisation_id=organisation_id, booked_on__lt=rules.month_start(month))
        .annotate(booked_month=TruncMonth("booked_on"))
        .values_list("booked_month", flat=True)
        .distinct()
    )
    starts = {rules.month_start(m.date() if isinstance(m, datetime) else m) for m in months}
    return min(starts - closed, default=None)


def period_close(*, actor, month: date) -> PeriodClose:
    """Close a month: from now on no entry may be dated in it. Months close in order: refused while an earlier
    month holding entries is still open."""
    _require(actor, "ledger.close_period")
    month = rules.month_start(month)
    if month >= rules.month_start(timezone.localdate()):
        raise ValidationError({"month": _("Seul un mois terminé peut être clôturé.")})
    with transaction.atomic():
        if month_closed(actor.organisation_id, month):
            raise ValidationError({"month": _("Ce mois est déjà clôturé.")})
        earlier = earliest_open_month_before(actor.organisation_id, month)
        if earlier is not None:
            raise ValidationError(
                {
                    "month": _("Le mois %(earlier)s n'est pas clôturé : les mois se clôturent dans l'ordre.")
                    % {"earlier": f"{earlier:%m/%Y}"}
                }
            )
        closing = PeriodClose(organisation_id=actor.organisation_id, month=month, closed_by=actor)
        closing.full_clean()
        closing.save()
        audit_record(actor=actor, action="ledger.period_close", obj=closing, detail={"month": f"{month:%Y-%m}"})
    return closing


def ledger_opening_set(*, actor, opened_on: date | None) -> LedgerSettings:
    """Set, move or remove the organisation's ledger opening date (date d'ouverture de la comptabilité): from then
    on no entry may be dated before it. Refused when entries are already dated before the new date — they would
    lie outside the ledger — and for an implausible date. Directors and accountants (`ledger.close_period`)."""
    _require(actor, "ledger.close_period")
    if opened_on is not None:
        error = date_error(opened_on, timezone.localdate())
        if error:
            raise ValidationError({"opened_on": error})
    with transaction.atomic():
        ledger_settings = (
            LedgerSettings.objects.select_for_update().filter(organisation_id=actor.organisation_id).first()
        )
        if ledger_settings is None:
            ledger_settings = LedgerSettings(organisation_id=actor.organisation_id)
        previous = ledger_settings.opened_on
        if opened_on is not None:
            earliest = (
                Transaction.objects.filter(organisation_id=actor.organisation_id, booked_on__lt=opened_on)
                .order_by("booked_on")
                .values_list("booked_on", flat=True)
                .first()
            )
            if earliest is not None:
                raise ValidationError(
                    {
                        "opened_on": _(
                            "Des écritures sont déjà datées avant le %(day)s (la première le %(earliest)s) : la "
                            "comptabilité ne peut pas s'ouvrir après elles."
                        )
                        % {"day": f"{opened_on:%d/%m/%Y}", "earliest": f"{earliest:%d/%m/%Y}"}
                    }
                )
        ledger_settings.opened_on, ledger_settings.updated_by = opened_on, actor
        ledger_settings.full_clean(validate_constraints=False)
        ledger_settings.save()
        audit_record(
            actor=actor,
            action="ledger.opening_set",
            obj=ledger_settings,
            detail={
                "from": previous.isoformat() if previous else "",
                "to": opened_on.isoformat() if opened_on else "",
            },
        )
    return ledger_settings
