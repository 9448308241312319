"""Reads of the ledger's accounts and entries, always scoped to the acting user, and which leases' accounts the user
may open or see the balance of. Balances are sums of lines computed by the database in one aggregate query.
"""

from datetime import date
from decimal import Decimal

from django.db.models import F, Q

from habiter.leases.models import Lease
from habiter.leases.queries import leases_visible_to
from habiter.ledger import rules
from habiter.ledger.models import Account, AccountKind, LedgerSettings, Line, PeriodClose, Transaction, money_sum


def ledger_leases(user):
    """The leases whose account the user may open: every lease of the organisation for ledger users."""
    if not user.has_perm("ledger.view_ledger"):
        return Lease.objects.none()
    return leases_visible_to(user)


def balance_leases(user):
    """The leases whose balance the user may see: ledger users all, team roles their households'."""
    if not user.has_perm("ledger.view_balance"):
        return Lease.objects.none()
    return leases_visible_to(user)


def lease_for_ledger(user, lease_id) -> Lease:
    return ledger_leases(user).select_related("household", "dwelling", "landlord", "organisation").get(pk=lease_id)


def lease_for_balance(user, lease_id) -> Lease:
    return balance_leases(user).select_related("household", "dwelling").get(pk=lease_id)


def accounts_with_balance(user):
    if not user.has_perm("ledger.view_ledger"):
        return Account.objects.none()
    return Account.objects.filter(organisation_id=user.organisation_id).with_balance().order_by("code")


def account_for_page(user, account_id) -> Account:
    return accounts_with_balance(user).select_related("lease").get(pk=account_id)


def account_lines(account):
    return (
        Line.objects.filter(account=account)
        .annotate(credit=-F("amount"))
        .select_related("transaction")
        .order_by("-transaction__booked_on", "-transaction__created_at", "-id")
    )


def ledger_sum(organisation_id) -> Decimal:
    """The sum of every line of the organisation: zero when every transaction balances."""
    total = Line.objects.filter(transaction__organisation_id=organisation_id).aggregate(total=money_sum("amount"))
    return rules.cents(total["total"])


def transaction_for(user, transaction_id) -> Transaction:
    if not user.has_perm("ledger.view_ledger"):
        raise Transaction.DoesNotExist
    return Transaction.objects.get(organisation_id=user.organisation_id, pk=transaction_id)


def closed_months(user):
    return PeriodClose.objects.filter(organisation_id=user.organisation_id).select_related("closed_by")


def bank_balance_on(organisation_id, on: date) -> Decimal:
    """The ledger's bank account (512) balance at the end of `on`."""
    account = Account.objects.filter(organisation_id=organisation_id, kind=AccountKind.BANK).with_balance(on).first()
    return rules.cents(account.balance) if account else rules.ZERO


def trial_balance(user, on: date) -> list[dict]:
    """The balance of every account of the organisation on `on` (balance générale): per account its code, label,
    total debits, total credits and balance (debits − credits), for the accounts with a line booked on or before
    `on`, in one aggregate query; empty for a user who may not export the books."""
    if not user.has_perm("ledger.export"):
        return []
    rows = (
        Line.objects.filter(transaction__organisation_id=user.organisation_id, transaction__booked_on__lte=on)
        .values("account__code", "account__name")
        .annotate(debit=money_sum("amount", filter=Q(amount__gt=0)), credit=money_sum("amount", filter=Q(amount__lt=0)))
        .order_by("account__code")
    )
    return [
        {
            "account": row["account__code"],
            "label": row["account__name"],
            "debit": rules.cents(row["debit"]),
            "credit": rules.cents(-row["credit"]),
            "balance": rules.cents(row["debit"] + row["credit"]),
        }
        for row in rows
    ]


def opening_date(organisation_id) -> date | None:
    """The organisation's ledger opening date (date d'ouverture de la comptabilité), None when not set."""
    return LedgerSettings.objects.filter(organisation_id=organisation_id).values_list("opened_on", flat=True).first()
