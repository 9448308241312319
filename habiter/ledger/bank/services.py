"""Bank statements: the saved CSV mappings, the import of a file (whole or not at all), and each operation matched to
a lease (a payment recorded through `rent.services.payment_record`), to payments recorded by hand, to the entries
that waited for it on 511200 or 580000 (`bank_line_clear`), or set aside.
"""

import hashlib
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.ledger import rules
from habiter.ledger.entries.queries import bank_balance_on
from habiter.ledger.entries.services import check_open, organisation_account, post_entry, reverse_entry
from habiter.ledger.models import (
    AccountKind,
    BankClearing,
    BankCsvMapping,
    BankFileFormat,
    BankLine,
    BankLineState,
    BankStatement,
    Line,
    Payment,
    PaymentSource,
    Transaction,
)
from habiter.ledger.rent.services import SOURCE_ACCOUNTS, payment_record

from . import bankfiles, queries


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


MAX_BANK_REFERENCE = 80
BANK_LINE = queries.BANK_LINE  # source type of the entry that brings a matched line's money into the bank account


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


def _bring_to_bank(actor, line, source: str) -> None:
    """Post, once, the entry that brings the line's money into the bank account: debit 512, credit the account the
    money waited on (hand-entered payments', or the paying third party's clearing account). A line matched again
    after its payment was reversed keeps its entry and its provenance."""
    if line.transaction_id is not None:
        if line.source and line.source != source:
            raise ValidationError(
                {
                    "source": _("Cette opération a déjà été rapprochée comme versement « %(source)s ».")
                    % {"source": PaymentSource(line.source).label}
                }
            )
        return
    check_open(line.organisation_id, line.booked_on, "booked_on")
    line.transaction = post_entry(
        actor=actor,
        organisation_id=line.organisation_id,
        booked_on=line.booked_on,
        label=(_("Relevé bancaire — %(label)s") % {"label": line.label or line.counterparty})[:200],
        lines=[
            (organisation_account(line.organisation_id, AccountKind.BANK), line.amount),
            (organisation_account(line.organisation_id, SOURCE_ACCOUNTS[source]), -line.amount),
        ],
        source_type=BANK_LINE,
        source_id=line.bank_reference,
    )
    line.source = source


def bank_entry_refusal(entry) -> str | None:
    """Refuse the generic reversal of a matched line's bank entry (registered with
    `registry.register_reversal_guard`): the money did reach the bank; a wrong match is corrected by reversing the
    payment it recorded, and the line goes back to the queue."""
    if entry.source_type == BANK_LINE:
        return _(
            "Cette écriture constate une opération du relevé bancaire : contre-passez l'encaissement rapproché, "
            "pas l'opération de la banque."
        )
    return None


def _close_line(actor, line, payment=None) -> None:
    line.state = BankLineState.MATCHED
    line.payment = payment
    line.handled_by = actor
    line.handled_at = timezone.now()
    line.full_clean()
    line.save(update_fields=["state", "payment", "transaction", "source", "handled_by", "handled_at", "updated_at"])


def _matchable(actor, line_id) -> BankLine:
    line = _queued_line(actor, line_id)
    error = rules.bank_line_move_error(line.state, BankLineState.MATCHED, amount=line.amount)
    if error:
        raise ValidationError(error)
    return line


def _line_to_split(actor, line_id, parts) -> BankLine:
    """The locked line that `parts` ((lease or contract id, amount) pairs) are to split, refused unless they add up to
    its amount."""
    line = _matchable(actor, line_id)
    total = sum((amount for _target, amount in parts), Decimal("0.00"))
    if total != line.amount:
        raise ValidationError(
            _("La répartition fait %(total)s € : elle doit égaler les %(amount)s € de l'opération.")
            % {"total": euros(total), "amount": euros(line.amount)}
        )
    return line


def _refuse_hand_payment_twice(actor, line, parts) -> None:
    """A payment recorded by hand for the same lease, of the same amount, within `LINK_DAYS` days of the line and
    not yet matched is most likely the very money the line shows: recording another payment would count it twice.
    The match is refused and the accountant links the line to it (`bank_line_link`), or says the line is a second
    payment (`second_payment`)."""
    for lease_id, amount in parts:
        payment = queries.hand_payment_twin(actor.organisation_id, lease_id, amount, line.booked_on)
        if payment is not None:
            raise ValidationError(
                _(
                    "Un encaissement de %(amount)s € du %(day)s est déjà saisi pour %(tenant)s et attend son "
                    "opération bancaire : rapprochez l'opération de cet encaissement (« C'est cet encaissement ») "
                    "plutôt que d'en enregistrer un second. S'il s'agit bien d'un autre versement, cochez « Autre "
                    "versement que celui déjà saisi »."
                )
                % {
                    "amount": euros(payment.amount),
                    "day": f"{payment.received_on:%d/%m/%Y}",
                    "tenant": payment.lease.household.name,
                }
            )


def bank_line_split(*, actor, line_id, source: str, parts, second_payment: bool = False) -> list[Payment]:
    """Match one bank line to one or several leases in one step — a CAF, FSL or VISALE transfer pays for several
    tenants: `parts` are (lease id, amount) pairs whose sum must be the line's amount. The line's money enters the
    bank account, through the source's clearing account, and each lease gets its payment (dated on the line's day,
    the bank id as its reference), or nothing is saved. A part that a payment recorded by hand already counts (same
    lease and amount, within 5 days, not yet matched) is refused unless `second_payment` says it is another one."""
    _require(actor, "ledger.post")
    if source not in SOURCE_ACCOUNTS:
        raise ValidationError({"source": _("Provenance inconnue.")})
    parts = [(lease_id, amount) for lease_id, amount in parts if lease_id or amount]
    if not parts:
        raise ValidationError(_("Indiquez au moins un bail et son montant."))
    if any(not lease_id for lease_id, _amount in parts):
        raise ValidationError(_("Chaque montant se rapporte à un bail."))
    if len({str(lease_id) for lease_id, _amount in parts}) != len(parts):
        raise ValidationError(_("Un bail figure deux fois : additionnez ses montants sur une seule ligne."))
    with transaction.atomic():
        line = _line_to_split(actor, line_id, parts)
        if not second_payment:
            _refuse_hand_payment_twice(actor, line, parts)
        _bring_to_bank(actor, line, source)
        payments = [
            payment_record(
                actor=actor,
                lease_id=lease_id,
                amount=amount,
                received_on=line.booked_on,
                source=source,
                reference=line.bank_reference,
                confirmed=True,  # the bank says it was paid
                bank_line=line,
            )
            for lease_id, amount in parts
        ]
        _close_line(actor, line, payments[0] if len(payments) == 1 else None)
        audit_record(
            actor=actor,
            action="ledger.bank_line_match",
            obj=line,
            household_id=payments[0].lease.household_id if len(payments) == 1 else None,
            detail={
                "payments": [str(p.pk) for p in payments],
                "amount": str(line.amount),
                "source": source,
                **({"second_payment": True} if second_payment else {}),
            },
        )
    return payments


def bank_line_match(
    *, actor, line_id, lease_id, source: str = PaymentSource.TENANT, second_payment: bool = False
) -> Payment:
    """Match a bank line to a lease: the payment is recorded (dated on the line's day, the bank id as its
    reference) and the line leaves the queue. A line is matched once; another organisation's lease is unknown.
    Refused when a payment recorded by hand for the lease, of the line's amount within 5 days, waits for its line
    (link them with `bank_line_link`), unless `second_payment` says the line is another payment."""
    line = BankLine.objects.filter(organisation_id=actor.organisation_id, pk=line_id).first()
    if line is None:
        raise BankLine.DoesNotExist
    [payment] = bank_line_split(
        actor=actor,
        line_id=line_id,
        source=source,
        parts=[(lease_id, line.amount)],
        second_payment=second_payment,
    )
    return payment


def bank_line_link(*, actor, line_id, payment_ids) -> list[Payment]:
    """Match a bank line to payments already recorded by hand (a cheque, a transfer seen before the statement), so
    the same money is not counted twice: the payments keep their allocation, the line's money enters the bank
    account from the account they waited on. They must be of one provenance, not yet matched nor reversed, and add
    up to the line's amount."""
    _require(actor, "ledger.post")
    wanted = {str(pk) for pk in payment_ids}
    if not wanted:
        raise ValidationError(_("Cochez au moins un encaissement."))
    with transaction.atomic():
        line = _matchable(actor, line_id)
        payments = list(
            Payment.objects.select_for_update(of=("self",))
            .filter(
                organisation_id=actor.organisation_id,
                pk__in=wanted,
                bank_line__isnull=True,
                matched_line__isnull=True,
                reversed_on__isnull=True,
            )
            .select_related("lease__household")
        )
        if len(payments) != len(wanted):
            raise ValidationError(_("Un de ces encaissements est déjà rapproché, contre-passé ou inconnu."))
        sources = {payment.source for payment in payments}
        if len(sources) != 1 or not sources <= set(SOURCE_ACCOUNTS):
            raise ValidationError(_("Rapprochez en une fois des encaissements d'une seule provenance."))
        total = sum((payment.amount for payment in payments), Decimal("0.00"))
        if total != line.amount:
            raise ValidationError(
                _("Ces encaissements font %(total)s € : ils doivent égaler les %(amount)s € de l'opération.")
                % {"total": euros(total), "amount": euros(line.amount)}
            )
        _bring_to_bank(actor, line, sources.pop())
        for payment in payments:
            payment.bank_line = line
            payment.save(update_fields=["bank_line", "updated_at"])
        _close_line(actor, line, payments[0] if len(payments) == 1 else None)
        audit_record(
            actor=actor,
            action="ledger.bank_line_link",
            obj=line,
            household_id=payments[0].lease.household_id if len(payments) == 1 else None,
            detail={"payments": [str(p.pk) for p in payments], "amount": str(line.amount)},
        )
    return payments


def bank_line_clear(*, actor, line_id, entry_ids) -> list[BankClearing]:
    """Clear entries that waited for the bank (a deposit received or refunded, an owner's payout, works paid, an FSL
    advance repaid) with the bank line that shows their money: one entry dated on the line's day moves the line's
    amount between the bank (512) and the accounts they waited on (511200 for money received, 580000 for money
    paid out), and each entry is recorded as cleared by the line (`BankClearing`), once. The entries must be of the
    line's sign and add up to its amount; the line's month must be open. Another organisation's line is unknown."""
    _require(actor, "ledger.post")
    wanted = {str(pk) for pk in entry_ids}
    if not wanted:
        raise ValidationError(_("Cochez au moins une écriture en attente du relevé."))
    with transaction.atomic():
        line = _queued_line(actor, line_id)
        if line.state != BankLineState.UNMATCHED or line.transaction_id is not None:
            raise ValidationError(_("Cette opération n'est plus à rapprocher (déjà rapprochée ou mise de côté)."))
        # locked so that two lines cannot clear the same entry at once; checked again once the locks are held
        locked = Transaction.objects.select_for_update().filter(organisation_id=actor.organisation_id, pk__in=wanted)
        if len(list(locked)) != len(wanted):
            raise ValidationError(_("Une de ces écritures est inconnue."))
        if BankClearing.objects.filter(entry_id__in=wanted).exists():
            raise ValidationError(_("Une de ces écritures est déjà rapprochée d'une opération bancaire."))
        entries = list(queries.pending_clearings(actor.organisation_id).filter(pk__in=wanted))
        for entry in entries:
            entry.waiting = rules.cents(entry.waiting)
        if len(entries) != len(wanted):
            raise ValidationError(_("Une de ces écritures n'attend pas d'opération bancaire."))
        if any((entry.waiting > 0) != (line.amount > 0) for entry in entries):
            raise ValidationError(
                _("Une entrée d'argent se rapproche d'encaissements, une sortie de décaissements : pas des deux.")
            )
        total = sum((entry.waiting for entry in entries), Decimal("0.00"))
        if total != line.amount:
            raise ValidationError(
                _("Ces écritures font %(total)s € : elles doivent égaler les %(amount)s € de l'opération.")
                % {"total": euros(total), "amount": euros(line.amount)}
            )
        check_open(line.organisation_id, line.booked_on, "booked_on")
        waiting: dict = defaultdict(Decimal)
        for waiting_line in Line.objects.filter(
            transaction_id__in=wanted, account__kind__in=queries.WAITING_KINDS
        ).select_related("account"):
            waiting[waiting_line.account] -= waiting_line.amount
        line.transaction = post_entry(
            actor=actor,
            organisation_id=line.organisation_id,
            booked_on=line.booked_on,
            label=(_("Relevé bancaire — %(label)s") % {"label": line.label or line.counterparty})[:200],
            lines=[
                (organisation_account(line.organisation_id, AccountKind.BANK), line.amount),
                *((account, amount) for account, amount in waiting.items() if amount),
            ],
            source_type=BANK_LINE,
            source_id=line.bank_reference,
        )
        _close_line(actor, line)
        clearings = []
        for entry in entries:
            clearing = BankClearing(
                organisation_id=line.organisation_id,
                bank_line=line,
                entry=entry,
                amount=entry.waiting,
                cleared_by=actor,
            )
            clearing.full_clean()
            clearings.append(clearing)
        BankClearing.objects.bulk_create(clearings)
        audit_record(
            actor=actor,
            action="ledger.bank_line_clear",
            obj=line,
            detail={"entries": sorted(wanted), "amount": str(line.amount)},
        )
    return clearings


def bank_line_unclear(*, actor, line_id) -> BankLine:
    """Undo a clearing (`bank_line_clear`) made with the wrong line or entries: the line's bank entry is reversed on
    the line's day (the bank account and the waiting accounts are back as before), the links between the line and
    the entries it cleared are removed, so the entries wait again, and the line goes back to the queue. The ledger
    keeps both entries; the journal keeps which entries were cleared. Refused when the line's month is closed."""
    _require(actor, "ledger.post")
    with transaction.atomic():
        line = _queued_line(actor, line_id)
        clearings = list(line.clearings.order_by("created_at"))
        if line.state != BankLineState.MATCHED or not clearings or line.transaction_id is None:
            raise ValidationError(_("Cette opération n'est pas rapprochée d'écritures en attente du relevé."))
        check_open(line.organisation_id, line.booked_on, "booked_on")
        original = Transaction.objects.select_for_update().get(pk=line.transaction_id)
        if Transaction.objects.filter(reversal_of=original).exists():
            raise ValidationError(_("Cette écriture est déjà contre-passée."))
        reversal = reverse_entry(
            actor=actor,
            original=original,
            on=line.booked_on,
            label=(_("Rapprochement défait — %(label)s") % {"label": line.label or line.counterparty})[:200],
        )
        # the links only: the entries they named stay in the ledger and wait again for their bank line (on
        # PostgreSQL the trigger of migration 0027 lets a clearing go only once its line's entry is reversed)
        BankClearing.objects.filter(pk__in=[clearing.pk for clearing in clearings]).delete()
        line.state = BankLineState.UNMATCHED
        line.transaction = None
        line.source = ""
        line.payment = None
        line.handled_by = actor
        line.handled_at = timezone.now()
        line.full_clean()
        line.save(update_fields=["state", "payment", "transaction", "source", "handled_by", "handled_at", "updated_at"])
        audit_record(
            actor=actor,
            action="ledger.bank_line_unclear",
            obj=line,
            detail={
                "entries": sorted(str(clearing.entry_id) for clearing in clearings),
                "amount": str(line.amount),
                "entry": str(original.pk),
                "reversal": str(reversal.pk),
            },
        )
    return line


def bank_line_ignore(*, actor, line_id, ignore: bool = True, reason: str = "") -> BankLine:
    """Set a line aside with a reason (bank fees, an operation that is not rent…), or put it back in the queue
    (also a matched line whose payment was reversed, or, matched to several payments — split across leases or
    residence contracts, linked to payments recorded by hand —, once every payment it recorded is reversed)."""
    _require(actor, "ledger.post")
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        line = _queued_line(actor, line_id)
        target = BankLineState.IGNORED if ignore else BankLineState.UNMATCHED
        reversed_payment = Payment.objects.filter(pk=line.payment_id, reversed_on__isnull=False).exists()
        if not ignore and line.state == BankLineState.MATCHED and line.payment_id is None:
            standing = queries.payments_standing(line)
            if standing:
                # matched again whole, the payments still standing would be counted twice
                raise ValidationError(
                    _(
                        "Cette opération a enregistré plusieurs encaissements : contre-passez d'abord chacun d'eux, "
                        "elle se rapproche ensuite de nouveau en entier."
                    )
                )
            reversed_payment = standing is False
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
