"""Reads of the charge regularisations: lists, one regularisation with its lines, a tenant's statement, what the
household page shows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import zip_longest

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery

from habiter.leases.models import LeaseKind, LeaseStatus, ManagementMandate
from habiter.leases.queries import managing_mandate, rent_owner_id
from habiter.ledger import rules
from habiter.ledger.models import (
    ORGANISATION_ACCOUNTS,
    AccountKind,
    ChargeExpense,
    ChargeInstalment,
    ChargeRegularisation,
    ChargeRegularisationLine,
    RegularisationStatus,
    RentCall,
    money_sum,
)
from habiter.ledger.models.entries import MONEY

RUNNING = (LeaseStatus.SIGNED, LeaseStatus.SLID)


def regularisations(user):
    """The organisation's regularisations, for ledger users only."""
    if not user.has_perm("ledger.view_ledger"):
        return ChargeRegularisation.objects.none()
    return ChargeRegularisation.objects.filter(organisation_id=user.organisation_id)


def regularisation_rows(user):
    """The list page's rows: each regularisation with its actual charges (`expense_total`) and its number of leases
    (`lease_count`), computed by the database in the same query whatever the number of rows."""
    totals = (
        ChargeExpense.objects.filter(regularisation=OuterRef("pk"))
        .values("regularisation")
        .annotate(total=money_sum("amount"))
        .values("total")
    )
    counts = (
        ChargeRegularisationLine.objects.filter(regularisation=OuterRef("pk"))
        .values("regularisation")
        .annotate(count=Count("id"))
        .values("count")
    )
    return (
        regularisations(user)
        .annotate(
            expense_total=Subquery(totals, output_field=MONEY),
            lease_count=Subquery(counts, output_field=IntegerField()),
        )
        .order_by("-period_end", "label", "id")
    )


def regularisation_for(user, regularisation_id) -> ChargeRegularisation:
    """One regularisation with its expenses and its lines (their lease, mandate owner and instalments): the detail
    and confirmation pages read it without a query per line."""
    return (
        regularisations(user)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("expenses", queryset=ChargeExpense.objects.order_by("id")),
            Prefetch(
                "lines",
                queryset=ChargeRegularisationLine.objects.select_related(
                    "lease", "lease__mandate__owner", "transaction"
                ).prefetch_related("instalments"),
            ),
        )
        .get(pk=regularisation_id)
    )


@dataclass
class LineTotals:
    provisions: Decimal
    shares: Decimal
    landlord: Decimal  # the part of vacant dwellings or days, which stays with the landlord


def line_totals(regularisation, lines) -> LineTotals:
    shares = sum((line.share for line in lines), rules.ZERO)
    return LineTotals(
        provisions=sum((line.provisions for line in lines), rules.ZERO),
        shares=shares,
        landlord=expense_total(regularisation) - shares,
    )


@dataclass
class PostingRow:
    """One line of a regularisation as the posting confirmation shows it: the entry that will be posted (account
    label, debit, credit) and which choices the line allows."""

    line: ChargeRegularisationLine
    entry: list
    may_spread: bool
    may_adjust: bool


def owner_mandates_of(leases) -> list:
    """The management mandates of the owners whose direct leases (after a slide) are among `leases`, in one query."""
    owners = {lease.landlord_id for lease in leases if lease.kind == LeaseKind.DIRECT and lease.landlord_id}
    return list(ManagementMandate.objects.filter(owner_id__in=owners).select_related("owner")) if owners else []


def charges_mandate(lease, on, owner_mandates):
    """The mandate under which `lease`'s charges are the owner's (`leases.queries.owners_money`), or None when
    they are the association's: the balance of a regularisation then moves between the tenant and that owner."""
    if rent_owner_id(lease) is None:
        return None
    return managing_mandate(lease, on, owner_mandates)


def posting_rows(regularisation) -> list[PostingRow]:
    """What posting the regularisation will write, line by line (`rules.regularisation_entry`): a balance due may be
    spread over twelve months (R17), the provision of a lease still running may be adjusted."""
    provisions = ORGANISATION_ACCOUNTS[AccountKind.CHARGE_PROVISIONS]
    income = ORGANISATION_ACCOUNTS[AccountKind.CHARGES_INCOME]
    rows = []
    lines = list(regularisation.lines.select_related("lease", "lease__mandate__owner"))
    owner_mandates = owner_mandates_of([line.lease for line in lines])
    for line in lines:
        lease = line.lease
        mandate = charges_mandate(lease, regularisation.period_end, owner_mandates)
        labels = {
            "provisions": f"{provisions[0]} — {provisions[1]}",
            "income": f"{income[0]} — {income[1]}",
            "tenant": str(AccountKind.TENANT.label) + f" — {line.tenant_names}",
            "owner": str(AccountKind.OWNER.label) + (f" — {mandate.owner.name}" if mandate else ""),
        }
        entry = [
            (labels[role], amount if amount > 0 else None, -amount if amount < 0 else None)
            for role, amount in rules.regularisation_entry(line.provisions, line.share, under_mandate=bool(mandate))
        ]
        rows.append(PostingRow(line, entry, may_spread=line.balance > 0, may_adjust=lease.status in RUNNING))
    return rows


def lease_regularisation_lines(lease):
    """The lease's part of each regularisation, newest first, with the instalments of a spread balance."""
    return (
        ChargeRegularisationLine.objects.filter(lease=lease)
        .select_related("regularisation")
        .prefetch_related("instalments")
        .order_by("-regularisation__period_end", "-regularisation__created_at")
    )


def instalments_for_calls(calls) -> dict:
    """The instalments of spread regularisation balances due in the month of each rent call (asked on its notice),
    by call id, each with `count`, the number of instalments of its line: one query for all the calls."""
    calls = list(calls)
    if not calls:
        return {}
    months = {call.period for call in calls}
    of_line = (
        ChargeInstalment.objects.filter(line=OuterRef("line"))
        .values("line")
        .annotate(count=Count("id"))
        .values("count")
    )
    instalments = (
        ChargeInstalment.objects.filter(
            line__lease_id__in={call.lease_id for call in calls},
            due_date__gte=min(months),
            due_date__lte=rules.month_end(max(months)),
        )
        .select_related("line__regularisation")
        .annotate(count=Subquery(of_line, output_field=IntegerField()))
        .order_by("due_date", "number")
    )
    by_call = {call.pk: [] for call in calls}
    keys = {(call.lease_id, call.period): call.pk for call in calls}
    for instalment in instalments:
        call_id = keys.get((instalment.line.lease_id, rules.month_start(instalment.due_date)))
        if call_id is not None:
            by_call[call_id].append(instalment)
    return by_call


def notice_charge_lines(call, instalments=None) -> dict:
    """What a call's notice adds for the charge regularisation: the instalments of the month (`instalments`, when
    the caller fetched them for several calls) and the total to pay with them. The instalments are asked, never
    posted again: the balance they repay was posted once, on the regularisation."""
    if instalments is None:
        instalments = instalments_for_calls([call])[call.pk]
    return {
        "charge_instalments": instalments,
        "to_pay": call.total + sum((instalment.amount for instalment in instalments), rules.ZERO),
    }


def remaining_instalments(line, on: date) -> list:
    """The instalments of a spread balance not yet due on `on` (the schedule the lease account shows)."""
    return [instalment for instalment in line.instalments.all() if instalment.due_date >= on]


def line_for(user, line_id) -> ChargeRegularisationLine:
    if not user.has_perm("ledger.view_ledger"):
        raise ChargeRegularisationLine.DoesNotExist
    return (
        ChargeRegularisationLine.objects.filter(regularisation__organisation_id=user.organisation_id)
        .select_related("regularisation", "regularisation__organisation", "lease", "lease__mandate__owner")
        .prefetch_related("instalments", "regularisation__expenses")
        .get(pk=line_id)
    )


def provisions_called(leases, period_start, period_end) -> dict:
    """The provisions for charges called on each lease for the days of the period (calls not cancelled; a month
    only partly in the period counts for its days in it, `rules.provision_in_period`), by lease id, in one query."""
    leases = {lease.pk: lease for lease in leases}
    calls = RentCall.objects.filter(
        lease_id__in=leases,
        cancelled_on__isnull=True,
        period__gte=rules.month_start(period_start),
        period__lte=period_end,
    ).values_list("lease_id", "period", "service_charges")
    totals: dict = {}
    for lease_id, period, amount in calls:
        lease = leases[lease_id]
        part = rules.provision_in_period(
            rules.cents(amount), period, period_start, period_end, lease.start_date, lease.end_date
        )
        totals[lease_id] = totals.get(lease_id, rules.ZERO) + part
    return totals


def already_regularised(lease_ids, period_start, period_end, *, exclude=None):
    """The lines of regularisations sent or posted (their figures given to the tenants) whose period overlaps
    [period_start, period_end] on one of the leases: a lease's charges are regularised once for each day."""
    lines = ChargeRegularisationLine.objects.filter(
        lease_id__in=lease_ids,
        regularisation__status__in=(RegularisationStatus.SENT, RegularisationStatus.POSTED),
        regularisation__period_start__lte=period_end,
        regularisation__period_end__gte=period_start,
    ).select_related("regularisation")
    if exclude is not None:
        lines = lines.exclude(regularisation=exclude)
    return lines.order_by("regularisation__period_start", "id")


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
    instalments = list(line.instalments.all())
    rows = -(-len(instalments) // 3) or 1  # in three columns
    return {
        "line": line,
        "regularisation": regularisation,
        "organisation": regularisation.organisation,
        "natures": natures,
        "total": total,
        "period_days": (regularisation.period_end - regularisation.period_start).days + 1,
        "instalments": instalments,
        # printed in three columns, to keep the twelve instalments on the first page
        "instalment_rows": list(zip_longest(*(instalments[i : i + rows] for i in range(0, len(instalments), rows)))),
        "mandate": mandate,
        "landlord": mandate.owner.name if mandate else "",
        "today": regularisation.updated_at,
    }
