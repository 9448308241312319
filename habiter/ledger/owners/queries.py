"""Reads of the owners under a management mandate: statements, works, payouts, balances."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from habiter.housing import rules as housing_rules
from habiter.housing.models import Owner
from habiter.leases.queries import owners_money
from habiter.ledger import rules
from habiter.ledger.models import (
    AccountKind,
    BankDetails,
    Line,
    OwnerStatement,
    OwnerWork,
    PayoutBatch,
    Transaction,
    money_sum,
)


def mandate_owners(user):
    """The owners who gave the organisation a management mandate, for ledger users."""
    if not user.has_perm("ledger.view_ledger"):
        return Owner.objects.none()
    return Owner.objects.filter(organisation_id=user.organisation_id, mandates__isnull=False).distinct()


def owner_for_ledger(user, owner_id) -> Owner:
    """An owner of the organisation (with or without a mandate: works may come first), for ledger users."""
    if not user.has_perm("ledger.view_ledger"):
        raise Owner.DoesNotExist
    return Owner.objects.get(organisation_id=user.organisation_id, pk=owner_id)


def statements_of_month(user, month: date):
    """Each mandate owner with `statement`: the month's statement when issued, else None; two queries."""
    owners = list(mandate_owners(user).order_by("name", "id"))
    issued = {
        s.owner_id: s
        for s in OwnerStatement.objects.filter(
            organisation_id=user.organisation_id, month=month, owner__in=owners
        ).select_related("payout")
    }
    for owner in owners:
        owner.statement = issued.get(owner.pk)
    return owners


def statements(user):
    if not user.has_perm("ledger.view_ledger"):
        return OwnerStatement.objects.none()
    return OwnerStatement.objects.filter(organisation_id=user.organisation_id).select_related("owner", "payout")


def statement_for(user, statement_id) -> OwnerStatement:
    return statements(user).select_related("organisation", "issued_by").get(pk=statement_id)


def statement_lines(statement):
    return statement.lines.select_related("lease__dwelling", "lease__household").order_by("kind", "booked_on", "id")


def fee_by_lease(lines):
    """The collected lines of a statement grouped by lease: (lease, collected, rate, fee), as the fee was
    computed at issue."""
    groups: dict = {}
    for line in lines:
        if line.lease_id is None:
            continue
        lease, collected, rate = groups.get(line.lease_id, (line.lease, rules.ZERO, line.fee_rate))
        groups[line.lease_id] = (lease, collected + line.amount, rate)
    return [(lease, collected, rate, rules.mandate_fee(collected, rate)) for lease, collected, rate in groups.values()]


def payout_iban_problem(owner_iban: str, association_iban: str | None) -> str | None:
    """Why an owner cannot be paid by transfer to `owner_iban`, in French (missing, invalid, or the association's
    own account — a transfer to oneself); None when it can."""
    owner = housing_rules.normalise_iban(owner_iban or "")
    if not owner:
        return _("IBAN manquant")
    if housing_rules.iban_error(owner):
        return _("IBAN invalide")
    if association_iban and owner == housing_rules.normalise_iban(association_iban):
        return _("IBAN identique à celui de l'association")
    return None


def payout_split(user, payable) -> tuple[list, list]:
    """The payable statements split in two: those that can go in a batch, and those whose owner's IBAN is to fix
    first, as (statement, why) pairs."""
    bank = bank_details(user)
    ready, to_fix = [], []
    for statement in payable:
        problem = payout_iban_problem(statement.owner.iban, bank.iban if bank else None)
        if problem:
            to_fix.append((statement, problem))
        else:
            ready.append(statement)
    return ready, to_fix


def payable_statements(user):
    """Issued statements with an amount due that no payout has paid yet."""
    return statements(user).filter(payout__isnull=True, amount_due__gt=0).order_by("owner_name", "month")


def payout_batches(user):
    if not user.has_perm("ledger.view_ledger"):
        return PayoutBatch.objects.none()
    return (
        PayoutBatch.objects.filter(organisation_id=user.organisation_id)
        .select_related("created_by")
        .defer("xml")
        .order_by("-created_at")
    )


def payout_batch_for(user, batch_id) -> PayoutBatch:
    if not user.has_perm("ledger.view_ledger"):
        raise PayoutBatch.DoesNotExist
    return PayoutBatch.objects.filter(organisation_id=user.organisation_id).get(pk=batch_id)


def works_of(owner):
    return (
        OwnerWork.objects.filter(owner=owner)
        .select_related("transaction")
        .annotate(reversed=Exists(Transaction.objects.filter(reversal_of=OuterRef("transaction_id"))))
        .order_by("-invoice_date", "-created_at")
    )


def owner_balance(owner) -> Decimal:
    """The owner's account balance: negative when the association holds money due to the owner."""
    total = Line.objects.filter(account__owner=owner, account__kind=AccountKind.OWNER).aggregate(
        total=money_sum("amount")
    )
    return rules.cents(total["total"])


@dataclass(frozen=True)
class OwnerPosition:
    """Where an owner stands: the owner's account (debit positive; its credit counts every rent called on the
    owner's mandate leases), what their tenants still owe, the statements awaiting payout, and what is due to the
    owner beyond them (`rules.owner_due`)."""

    balance: Decimal
    tenants_owe: Decimal
    awaiting: Decimal

    @property
    def due(self) -> Decimal:
        return rules.owner_due(self.balance, self.tenants_owe, self.awaiting)


def owner_position(owner) -> OwnerPosition:
    """The owner's position in three aggregate queries."""
    owe = (
        Line.objects.filter(owners_money(owner, "account__lease__"))
        .filter(account__kind=AccountKind.TENANT)
        .aggregate(total=money_sum("amount"))["total"]
    )
    awaiting = OwnerStatement.objects.filter(owner=owner, payout__isnull=True, amount_due__gt=0).aggregate(
        total=money_sum("amount_due")
    )["total"]
    return OwnerPosition(owner_balance(owner), rules.cents(owe), rules.cents(awaiting))


def bank_details(user) -> BankDetails | None:
    return BankDetails.objects.filter(organisation_id=user.organisation_id).first()


def owner_of_work_transaction(entry):
    """The owner whose works invoice `entry` records, if it records one."""
    return OwnerWork.objects.filter(transaction=entry).values_list("owner_id", flat=True).first()
