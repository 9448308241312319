"""Owners under a management mandate: works paid on their behalf, their monthly statements (comptes rendus de
gestion), the association's bank details and the payouts (SEPA credit transfers) of what is due to them.
"""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.legal_queries import legal_parameters
from habiter.housing import rules as housing_rules
from habiter.housing.models import Owner
from habiter.leases.models import ManagementMandate
from habiter.leases.queries import managing_mandate, owners_money
from habiter.ledger import rules
from habiter.ledger.deposits.services import DEPOSIT_RETURN
from habiter.ledger.entries.services import check_open, month_closed, organisation_account, owner_account, post_entry
from habiter.ledger.models import (
    AccountKind,
    BankDetails,
    Line,
    OwnerStatement,
    OwnerStatementLine,
    OwnerWork,
    PayoutBatch,
    StatementLineKind,
    money_sum,
)

from . import queries, sepa

OWNER_WORKS = "owner_works"
OWNER_WORKS_PAYMENT = "owner_works_payment"
OWNER_STATEMENT = "owner_statement"
OWNER_PAYOUT = "owner_payout"
# Entries of an issued statement or payout stay as issued: their figures are frozen on the statement and in the
# bank file, so reversing them would make the ledger and the documents disagree.
FROZEN_SOURCES = (OWNER_STATEMENT, OWNER_PAYOUT)


def frozen_entry_refusal(entry) -> str | None:
    """Refuse the generic reversal of a statement's or payout's entry (registered with
    `registry.register_reversal_guard`)."""
    if entry.source_type in FROZEN_SOURCES:
        return _(
            "Cette écriture fait partie d'un compte rendu de gestion ou d'un reversement émis : "
            "elle ne se contre-passe pas."
        )
    return None


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


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
    """Record works paid by the association on an owner's behalf: the invoice debits the owner's account and credits
    the supplier (401), the payment the same day debits the supplier and credits 580000, where it waits for its bank
    line. The next statement of the
    owner deducts them; a wrong invoice is corrected by reversing its entry (the supplier then owes it back)."""
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
        check_open(owner.organisation_id, invoice_date, "invoice_date")
        entry = post_entry(
            actor=actor,
            organisation_id=owner.organisation_id,
            booked_on=invoice_date,
            label=_("Travaux %(supplier)s — %(label)s — pour %(owner)s")
            % {"supplier": supplier, "label": label, "owner": owner.name},
            lines=[(account, amount), (organisation_account(owner.organisation_id, AccountKind.SUPPLIERS), -amount)],
            source_type=OWNER_WORKS,
        )
        # the association pays the firm the same day: the supplier's account (401) is settled, the money waits on
        # 580000 until the bank line of the transfer clears it (bank.services.bank_line_clear)
        post_entry(
            actor=actor,
            organisation_id=owner.organisation_id,
            booked_on=invoice_date,
            label=_("Règlement %(supplier)s — %(label)s") % {"supplier": supplier, "label": label},
            lines=[
                (organisation_account(owner.organisation_id, AccountKind.SUPPLIERS), amount),
                (organisation_account(owner.organisation_id, AccountKind.FROM_BANK), -amount),
            ],
            source_type=OWNER_WORKS_PAYMENT,
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


# the entries whose tenant lines are rent collected for the owner: payments, and unpaid rent kept from a deposit
COLLECTED_SOURCES = ("payment", DEPOSIT_RETURN)


def statement_movements(owner, month: date, floor: date):
    """What the owner's statement of `month` accounts for: (payment lines, works lines, deposit lines). Payments
    and their reversals on the owner's mandate leases (unpaid rent kept from a deposit included), works invoices
    and their reversals, and the deposits' retentions and late penalties on the owner's account, booked from
    `floor` to the end of `month` and not yet in an earlier statement — so an entry back-dated into a month
    already reported goes into the next statement instead of being lost."""
    lines = _unaccounted_lines(owner.organisation_id, floor, rules.month_end(month))
    payments = (
        lines.filter(owners_money(owner, "account__lease__"))
        .filter(account__kind=AccountKind.TENANT, transaction__source_type__in=COLLECTED_SOURCES)
        .select_related("account__lease__household", "account__lease__dwelling", "account__lease__mandate")
        .order_by("transaction__booked_on", "id")
    )
    works = lines.filter(
        account__kind=AccountKind.OWNER, account__owner=owner, transaction__source_type=OWNER_WORKS
    ).order_by("transaction__booked_on", "id")
    deposits = lines.filter(
        account__kind=AccountKind.OWNER, account__owner=owner, transaction__source_type=DEPOSIT_RETURN
    ).order_by("transaction__booked_on", "id")
    return list(payments), list(works), list(deposits)


def statement_carried(owner, account) -> Decimal:
    """The balance the owner's next statement brings forward, read before the statement posts anything: what is
    due to the owner (`queries.owner_position`: the owner's account, whose credit counts every rent called on the
    owner's mandate leases, less what their tenants still owe and the statements awaiting payout), without the
    payments, works invoices and deposits' retentions and penalties no statement has reported yet
    (`rules.statement_carried`). Five queries."""
    unreported = Q(transaction__owner_statement_line__isnull=True)
    own = Line.objects.filter(account=account).aggregate(
        works=money_sum("amount", filter=unreported & Q(transaction__source_type=OWNER_WORKS)),
        deposits=money_sum("amount", filter=unreported & Q(transaction__source_type=DEPOSIT_RETURN)),
    )
    paid = (
        Line.objects.filter(owners_money(owner, "account__lease__")).filter(
            account__kind=AccountKind.TENANT, transaction__source_type__in=COLLECTED_SOURCES
        )
    ).aggregate(total=money_sum("amount", filter=unreported))["total"]
    # a payment credits the tenant's account: what was collected is the opposite of its lines; so is a retention
    # credited to the owner's account
    return rules.statement_carried(
        queries.owner_position(owner).due,
        -rules.cents(paid),
        rules.cents(own["works"]),
        -rules.cents(own["deposits"]),
    )


def owner_statement_issue(*, actor, owner_id, month: date, on: date | None = None) -> tuple[OwnerStatement, bool]:
    """Issue an owner's compte rendu de gestion for an ended month: it reports the rents collected on the owner's
    mandate leases (payments net of reversals, and unpaid rent kept from a deposit; the calls already credited the
    owner's account, so nothing moves for them); the deposits' retentions credited to the owner and the late
    penalties charged to them (decision record 0013; no fee on them); the management fee (collected × the
    mandate's rate) and its VAT (dated legal parameter `vat_rate_standard`) are charged to the owner — the one
    entry of the statement, the association's income —, or given back when reversals exceed what was collected;
    the works recorded are deducted; the balance earlier
    statements left (`statement_carried`: what the owner still owed after works that exceeded the rents) is
    brought forward into the amount due; the figures are frozen. Issuing the same month again returns the
    statement already issued."""
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
        # posted on the month's last day (even when nothing is posted) and issued on `on`
        check_open(owner.organisation_id, rules.month_end(month), "month")
        check_open(owner.organisation_id, on, "on")
        first = OwnerStatement.objects.filter(owner=owner).order_by("month").first()
        payments, works, deposit_lines = statement_movements(owner, month, first.month if first else month)
        mandates = list(ManagementMandate.objects.filter(owner=owner))
        fee_rate = {}
        for line in payments:
            mandate = managing_mandate(line.account.lease, line.transaction.booked_on, mandates)
            fee_rate[line.pk] = mandate.fee_rate if mandate is not None else rules.ZERO
        per_lease: dict = {}
        for line in payments:
            lease = line.account.lease
            collected, rate = per_lease.get(lease.pk, (rules.ZERO, fee_rate[line.pk]))
            per_lease[lease.pk] = (collected - line.amount, rate)
        vat_rate = legal_parameters().decimal("vat_rate_standard", rules.month_end(month))
        # one statement line per deposit entry: its retentions (credit) less its penalty (debit) on the account
        per_deposit: dict = {}
        for line in deposit_lines:
            per_deposit.setdefault(line.transaction_id, [line.transaction, rules.ZERO])[1] -= line.amount
        amounts = rules.statement_amounts(
            per_lease.values(),
            sum((line.amount for line in works), rules.ZERO),
            vat_rate,
            carried=statement_carried(owner, account),
            deposits=sum((amount for _entry, amount in per_deposit.values()), rules.ZERO),
        )
        booked_on = rules.month_end(month)
        period = f"{month:%m/%Y}"
        fee_entry = None
        if amounts.fee:
            fee_lines = [
                (account, amounts.fee + amounts.vat),
                (organisation_account(owner.organisation_id, AccountKind.FEES), -amounts.fee),
            ]
            if amounts.vat:
                fee_lines.append((organisation_account(owner.organisation_id, AccountKind.VAT_COLLECTED), -amounts.vat))
            fee_entry = post_entry(
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
            deposits=amounts.deposits,
            carried=amounts.carried,
            amount_due=amounts.amount_due,
            issued_on=on,
            issued_by=actor,
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
                fee_rate=fee_rate[line.pk],
                booked_on=line.transaction.booked_on,
                label=f"{line.account.lease.dwelling.reference} — {line.account.lease.household.name}"
                + (f" ({_('contre-passation')})" if line.transaction.reversal_of_id else "")
                + (
                    f" ({_('loyers impayés retenus sur le dépôt de garantie')})"
                    if line.transaction.source_type == DEPOSIT_RETURN
                    else ""
                ),
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
        rows += [
            OwnerStatementLine(
                statement=statement,
                kind=StatementLineKind.DEPOSIT,
                transaction=entry,
                booked_on=entry.booked_on,
                label=entry.label,
                amount=amount,
            )
            for entry, amount in per_deposit.values()
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
    """Pay the amounts due of issued statements: one entry (debit each owner's account, credit 580000 until the
    bank line of the batch clears it) and one SEPA credit-transfer file (pain.001) from the association's account to
    the owners' IBANs. A statement is paid once; the file is kept and can be downloaded again."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    statement_ids = list(dict.fromkeys(statement_ids))
    if not statement_ids:
        raise ValidationError({"statements": _("Choisissez au moins un compte rendu à reverser.")})
    if execution_date < on:
        raise ValidationError({"execution_date": _("La date d'exécution ne peut pas être passée.")})
    with transaction.atomic():
        # the payout is posted on `on`; its execution date must be plausible too
        check_open(actor.organisation_id, on, "on")
        check_open(actor.organisation_id, execution_date, "execution_date")
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
            problem = queries.payout_iban_problem(statement.owner.iban, bank.iban)
            if problem:
                errors.append(
                    _("%(owner)s ne peut pas être payé (%(problem)s) : corrigez sa fiche propriétaire.")
                    % {"owner": statement.owner.name, "problem": problem}
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
        entry = post_entry(
            actor=actor,
            organisation_id=actor.organisation_id,
            booked_on=on,
            label=_("Reversement aux propriétaires %(reference)s") % {"reference": reference},
            # the SEPA file's total waits on 580000 for the bank line of the batch
            lines=[*lines, (organisation_account(actor.organisation_id, AccountKind.FROM_BANK), -total)],
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
