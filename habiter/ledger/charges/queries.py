"""Reads of the charge regularisations: lists, one regularisation with its lines, a tenant's statement, what the
household page shows."""

from decimal import Decimal

from django.db.models import Prefetch

from habiter.ledger import rules
from habiter.ledger.models import (
    ChargeExpense,
    ChargeRegularisation,
    ChargeRegularisationLine,
    RegularisationStatus,
    RentCall,
    money_sum,
)


def regularisations(user):
    """The organisation's regularisations, for ledger users only."""
    if not user.has_perm("ledger.view_ledger"):
        return ChargeRegularisation.objects.none()
    return ChargeRegularisation.objects.filter(organisation_id=user.organisation_id)


def regularisation_for(user, regularisation_id) -> ChargeRegularisation:
    return (
        regularisations(user)
        .prefetch_related(
            Prefetch("expenses", queryset=ChargeExpense.objects.order_by("id")),
            Prefetch("lines", queryset=ChargeRegularisationLine.objects.prefetch_related("instalments")),
        )
        .get(pk=regularisation_id)
    )


def line_for(user, line_id) -> ChargeRegularisationLine:
    if not user.has_perm("ledger.view_ledger"):
        raise ChargeRegularisationLine.DoesNotExist
    return (
        ChargeRegularisationLine.objects.filter(regularisation__organisation_id=user.organisation_id)
        .select_related("regularisation", "regularisation__organisation", "lease", "lease__mandate__owner")
        .prefetch_related("instalments", "regularisation__expenses")
        .get(pk=line_id)
    )


def provisions_called(lease_ids, period_start, period_end) -> dict:
    """The provisions for charges called on each lease for the months of the period (calls not cancelled), by
    lease id, in one query."""
    rows = (
        RentCall.objects.filter(
            lease_id__in=lease_ids,
            cancelled_on__isnull=True,
            period__gte=rules.month_start(period_start),
            period__lte=period_end,
        )
        .values("lease_id")
        .annotate(total=money_sum("service_charges"))
    )
    return {row["lease_id"]: rules.cents(row["total"]) for row in rows}


def household_regularisations(household):
    """The household's regularisation statements sent, newest first (for its timeline)."""
    return (
        ChargeRegularisationLine.objects.filter(lease__household=household)
        .exclude(regularisation__status=RegularisationStatus.DRAFT)
        .select_related("regularisation")
        .order_by("-regularisation__statements_sent_on")
    )


def expense_total(regularisation) -> Decimal:
    return sum((expense.amount for expense in regularisation.expenses.all()), rules.ZERO)


def statement_context(line) -> dict:
    """What a tenant's statement (décompte) prints: the actual charges by nature with the tenant's part of each
    (the line's share spread over the natures in proportion, the last taking the rounding), the allocation method,
    the provisions, the balance and, once posted, its instalments and the new provision."""
    regularisation = line.regularisation
    expenses = list(regularisation.expenses.all())
    total = expense_total(regularisation)
    natures, given = [], rules.ZERO
    for number, expense in enumerate(expenses, start=1):
        part = line.share - given if number == len(expenses) else rules.half_up(line.share * expense.amount / total)
        given += part
        natures.append((expense.get_nature_display(), expense.amount, part))
    lease = line.lease
    mandate = lease.mandate if lease.mandate_id else None
    return {
        "line": line,
        "regularisation": regularisation,
        "organisation": regularisation.organisation,
        "natures": natures,
        "total": total,
        "period_days": (regularisation.period_end - regularisation.period_start).days + 1,
        "instalments": list(line.instalments.all()),
        "mandate": mandate,
        "landlord": mandate.owner.name if mandate else "",
        "today": regularisation.updated_at,
    }
