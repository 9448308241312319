"""The annual regularisation of recoverable charges (régularisation des charges, loi 89 art. 23, R16–R18): prepared
for a building or a dwelling and a period, with the actual charges by nature (décret n° 87-713); each lease that ran
then gets its share (`rules.charge_shares`: by surface and days of occupancy) against the provisions called on it;
the statements (décomptes) are sent; a month later at the earliest the balances are posted.

Posting, for a lease where the association is the landlord: debit the provisions account (419100) by the provisions
called, credit charges recovered (708300) by the actual share, the difference to the tenant's account (debit: to
pay; credit: refunded — a credit is also a payment of source « regularisation » on that entry, allocated to the
open calls like money received). For a lease under a management mandate the provisions were credited to the owner
with the rent (the charges are the owner's, as are the expenses): only the balance moves, between the tenant and the
owner.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.dates import add_months
from habiter.core.pdf import pdf_render
from habiter.housing.models import Building, Dwelling
from habiter.leases import services as lease_services
from habiter.leases.models import Lease, LeaseStatus
from habiter.leases.queries import leases_billed_by_association
from habiter.ledger import rules
from habiter.ledger.entries.services import check_open, organisation_account, owner_account, post_entry, tenant_account
from habiter.ledger.models import (
    AccountKind,
    ChargeExpense,
    ChargeInstalment,
    ChargeNature,
    ChargeRegularisation,
    ChargeRegularisationLine,
    Payment,
    PaymentSource,
    RegularisationStatus,
)
from habiter.ledger.rent.services import CALLABLE_STATUSES, allocate_payments, tenant_names

from . import queries

CHARGE_REGULARISATION = "charge_regularisation"
RUNNING = (LeaseStatus.SIGNED, LeaseStatus.SLID)


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


def _cents(amount, field) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0 or amount != amount.quantize(rules.CENT):
        raise ValidationError({field: _("Le montant doit être positif, au centime près.")})
    return amount


def charge_regularisation_create(
    *,
    actor,
    period_start: date,
    period_end: date,
    expenses: dict,
    building_id=None,
    dwelling_id=None,
) -> ChargeRegularisation:
    """Prepare the regularisation of a building's or a dwelling's charges over a period: the actual recoverable
    charges by nature (`expenses`: {nature: amount}), and for each lease that ran in the period (on the building's
    dwellings, or the dwelling) the days it ran, the provisions called on it then (read from its rent calls) and its
    share of the charges. Names and addresses are copied for the statements."""
    _require(actor, "ledger.post")
    if (building_id is None) == (dwelling_id is None):
        raise ValidationError(_("Choisissez un immeuble ou un logement."))
    if period_end < period_start:
        raise ValidationError({"period_end": _("La fin de la période suit son début.")})
    if period_end >= timezone.localdate():
        raise ValidationError({"period_end": _("On régularise une période terminée.")})
    amounts = {}
    for nature, amount in expenses.items():
        if nature not in ChargeNature.values:
            raise ValidationError({"expenses": _("Nature de charge inconnue.")})
        if amount:
            amounts[nature] = _cents(amount, nature)
    if not amounts:
        raise ValidationError({"expenses": _("Indiquez le montant réel d'au moins une nature de charges.")})
    with transaction.atomic():
        if building_id is not None:
            building = Building.objects.filter(organisation_id=actor.organisation_id, pk=building_id).first()
            if building is None:
                raise Building.DoesNotExist
            dwellings = list(Dwelling.objects.filter(building=building))
            label = f"{building.name} — {building.address}, {building.postal_code} {building.city}"
        else:
            dwelling = Dwelling.objects.filter(organisation_id=actor.organisation_id, pk=dwelling_id).first()
            if dwelling is None:
                raise Dwelling.DoesNotExist
            building, dwellings = None, [dwelling]
            label = f"{dwelling.reference} — {dwelling.address}, {dwelling.postal_code} {dwelling.city}"
        surface = sum((d.surface for d in dwellings), rules.ZERO)
        leases = list(
            leases_billed_by_association(
                Lease.objects.filter(dwelling__in=dwellings, start_date__lte=period_end),
                on=period_start,
                until=period_end,
                statuses=CALLABLE_STATUSES,
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=period_start))
            .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=period_start))
            .select_related("dwelling", "household")
            .prefetch_related("household__members")
            .order_by("dwelling__reference", "start_date")
        )
        days = {
            lease.pk: rules.occupancy_days(
                period_start,
                period_end,
                lease.start_date,
                lease.end_date,  # the charges run with the rent, to the lease's end (the end of notice, loi 89 art. 15)
            )
            for lease in leases
        }
        leases = [lease for lease in leases if days[lease.pk] > 0]
        if not leases:
            raise ValidationError(_("Aucun bail n'a couru pendant cette période : rien à régulariser."))
        total = sum(amounts.values(), rules.ZERO)
        period_days = (period_end - period_start).days + 1
        shares = rules.charge_shares(
            total, [(lease.pk, lease.dwelling.surface, days[lease.pk]) for lease in leases], surface, period_days
        )
        _refuse_twice(leases, period_start, period_end)
        provisions = queries.provisions_called(leases, period_start, period_end)
        regularisation = ChargeRegularisation(
            organisation_id=actor.organisation_id,
            building=building,
            dwelling=None if building else dwellings[0],
            label=label[:300],
            period_start=period_start,
            period_end=period_end,
            surface=surface,
            created_by=actor,
        )
        regularisation.full_clean()
        regularisation.save()
        ChargeExpense.objects.bulk_create(
            [ChargeExpense(regularisation=regularisation, nature=n, amount=a) for n, a in amounts.items()]
        )
        ChargeRegularisationLine.objects.bulk_create(
            [
                ChargeRegularisationLine(
                    regularisation=regularisation,
                    lease=lease,
                    tenant_names=tenant_names(lease.household)[:300],
                    dwelling_reference=lease.dwelling.reference,
                    dwelling_address=f"{lease.dwelling.address}\n{lease.dwelling.postal_code} {lease.dwelling.city}",
                    surface=lease.dwelling.surface,
                    days=days[lease.pk],
                    provisions=provisions.get(lease.pk, rules.ZERO),
                    share=shares[lease.pk],
                )
                for lease in leases
            ]
        )
        audit_record(
            actor=actor,
            action="ledger.charge_regularisation_create",
            obj=regularisation,
            detail={"label": regularisation.label, "total": str(total), "leases": len(leases)},
        )
    return regularisation


def _locked(actor, regularisation_id) -> ChargeRegularisation:
    regularisation = (
        ChargeRegularisation.objects.select_for_update()
        .filter(organisation_id=actor.organisation_id, pk=regularisation_id)
        .first()
    )
    if regularisation is None:
        raise ChargeRegularisation.DoesNotExist
    return regularisation


def _move(regularisation, target) -> None:
    error = rules.regularisation_move_error(regularisation.status, target)
    if error:
        raise ValidationError(error)
    regularisation.status = target


def _refuse_twice(leases, period_start, period_end, *, exclude=None) -> None:
    """Refuse to regularise a lease's charges a second time for days an earlier regularisation, sent or posted,
    already covered (say once by building, then by dwelling): its provisions would leave 419100 twice."""
    done = queries.already_regularised([lease.pk for lease in leases], period_start, period_end, exclude=exclude)
    first = done.first()
    if first is not None:
        raise ValidationError(
            _(
                "Les charges de %(tenant)s sont déjà régularisées du %(start)s au %(end)s (« %(label)s ») : "
                "une même période ne se régularise qu'une fois."
            )
            % {
                "tenant": first.tenant_names,
                "start": f"{first.regularisation.period_start:%d/%m/%Y}",
                "end": f"{first.regularisation.period_end:%d/%m/%Y}",
                "label": first.regularisation.label,
            }
        )


def charge_regularisation_send(*, actor, regularisation_id, on: date | None = None) -> ChargeRegularisation:
    """Record that the statements (décomptes par nature de charges, with the allocation method) were sent to the
    tenants on `on`: from then the figures are frozen, and the balances can be posted one month later (R16)."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("L'envoi ne peut pas être daté dans le futur.")})
    with transaction.atomic():
        regularisation = _locked(actor, regularisation_id)
        _move(regularisation, RegularisationStatus.SENT)
        _refuse_twice(
            [line.lease for line in regularisation.lines.select_related("lease", "lease__household")],
            regularisation.period_start,
            regularisation.period_end,
            exclude=regularisation,
        )
        if on <= regularisation.period_end:
            raise ValidationError({"on": _("Les décomptes s'envoient une fois la période terminée.")})
        regularisation.statements_sent_on = on
        regularisation.save(update_fields=["status", "statements_sent_on", "updated_at"])
        audit_record(
            actor=actor,
            action="ledger.charge_regularisation_send",
            obj=regularisation,
            detail={"on": on.isoformat(), "label": regularisation.label},
        )
    return regularisation


def charge_regularisation_post(
    *, actor, regularisation_id, on: date | None = None, spread_line_ids=(), adjust_line_ids=()
) -> ChargeRegularisation:
    """Post the balances, at least one month after the statements were sent (R16): one entry per lease (see the
    module's docstring). A balance due is spread over twelve monthly instalments for the leases in
    `spread_line_ids` (the tenant asked, R17); the monthly provision of the running leases in `adjust_line_ids` is
    set to a twelfth of their actual share brought to a whole period (`rules.adjusted_provision`), through the
    leases' service. A balance due for charges time-barred (R18) is refused."""
    _require(actor, "ledger.post")
    on = on or timezone.localdate()
    spread, adjust = {str(pk) for pk in spread_line_ids}, {str(pk) for pk in adjust_line_ids}
    if adjust and not actor.has_perm("leases.manage_lease"):
        raise ValidationError(
            {"adjust": _("Seuls la direction et les gestionnaires locatifs ajustent la provision d'un bail.")}
        )
    with transaction.atomic():
        regularisation = _locked(actor, regularisation_id)
        _move(regularisation, RegularisationStatus.POSTED)
        error = rules.regularisation_post_error(regularisation.statements_sent_on, on)
        if error:
            raise ValidationError({"on": error})
        check_open(regularisation.organisation_id, on, "on")
        lines = list(
            regularisation.lines.select_related(
                "lease", "lease__household", "lease__dwelling", "lease__mandate__owner"
            ).order_by("id")
        )
        if rules.regularisation_time_barred(regularisation.period_end, on) and any(item.balance > 0 for item in lines):
            raise ValidationError(
                _(
                    "Les charges de %(year)s sont prescrites (trois ans, loi du 6 juillet 1989 art. 7-1) : "
                    "leur solde ne peut plus être réclamé aux locataires."
                )
                % {"year": regularisation.period_end.year}
            )
        organisation_id = regularisation.organisation_id
        provisions_account = organisation_account(organisation_id, AccountKind.CHARGE_PROVISIONS)
        income = organisation_account(organisation_id, AccountKind.CHARGES_INCOME)
        owner_mandates = queries.owner_mandates_of([item.lease for item in lines])
        period = f"{regularisation.period_start:%d/%m/%Y}–{regularisation.period_end:%d/%m/%Y}"
        for line in lines:
            lease = line.lease
            tenant = tenant_account(lease, lock=True)
            balance = line.balance
            mandate = queries.charges_mandate(lease, regularisation.period_end, owner_mandates)
            parts = rules.regularisation_entry(line.provisions, line.share, under_mandate=mandate is not None)
            accounts = {"provisions": provisions_account, "income": income, "tenant": tenant}
            if mandate is not None and parts:
                accounts["owner"] = owner_account(mandate.owner, lock=True)
            entry_lines = [(accounts[role], amount) for role, amount in parts]
            if entry_lines:
                line.transaction = post_entry(
                    actor=actor,
                    organisation_id=organisation_id,
                    booked_on=on,
                    label=_("Régularisation des charges %(period)s — %(tenant)s")
                    % {"period": period, "tenant": lease.household.name},
                    lines=entry_lines,
                    source_type=CHARGE_REGULARISATION,
                    source_id=str(regularisation.pk),
                )
            if balance > 0:
                # asked with the next rents: in twelve instalments when the tenant asked for it, else at once
                line.spread = str(line.pk) in spread
                first = rules.month_start(add_months(on, 1))
                ChargeInstalment.objects.bulk_create(
                    [
                        ChargeInstalment(
                            line=line,
                            number=number,
                            due_date=(month := add_months(first, number - 1)).replace(
                                day=min(lease.payment_day, rules.month_end(month).day)
                            ),
                            amount=amount,
                        )
                        for number, amount in enumerate(
                            rules.instalment_amounts(balance, count=rules.SPREAD_MONTHS) if line.spread else [balance],
                            start=1,
                        )
                    ]
                )
                allocate_payments(lease)  # money received and not yet allocated settles what is already due
            elif balance < 0 and line.transaction_id:
                # the provisions paid beyond the charges: a credit of the tenant, settling the open calls like
                # money received (an advance on the next calls when none is open)
                Payment.objects.create(
                    organisation_id=organisation_id,
                    lease=lease,
                    amount=-balance,
                    received_on=on,
                    source=PaymentSource.REGULARISATION,
                    transaction=line.transaction,
                    recorded_by=actor,
                )
                allocate_payments(lease)
            if str(line.pk) in adjust and lease.status in RUNNING:
                line.new_provision = rules.adjusted_provision(
                    line.share, line.days, (regularisation.period_end - regularisation.period_start).days + 1
                )
                lease_services.lease_charges_adjust(
                    actor=actor,
                    lease_id=lease.pk,
                    charges=line.new_provision,
                    reason=_("Régularisation des charges %(period)s") % {"period": period},
                )
            line.save(update_fields=["transaction", "spread", "new_provision"])
        regularisation.posted_on = on
        regularisation.save(update_fields=["status", "posted_on", "updated_at"])
        audit_record(
            actor=actor,
            action="ledger.charge_regularisation_post",
            obj=regularisation,
            detail={
                "on": on.isoformat(),
                "balance": str(sum((line.balance for line in lines), rules.ZERO)),
                "spread": len([line for line in lines if line.spread]),
                "adjusted": len([line for line in lines if line.new_provision is not None]),
            },
        )
    return regularisation


def statement_pdf(line) -> bytes:
    """A tenant's statement (décompte de régularisation des charges) as PDF, printed from the line's copied names,
    address and figures."""
    return pdf_render("ledger/charge_statement_pdf.html", queries.statement_context(line))


def charge_regularisation_refusal(entry) -> str | None:
    """Refuse the generic reversal of a regularisation's entry (registered with `registry.register_reversal_guard`):
    its figures are on the statements sent to the tenants."""
    if entry.source_type == CHARGE_REGULARISATION:
        return _(
            "Cette écriture solde une régularisation des charges dont les décomptes sont envoyés : "
            "elle ne se contre-passe pas ; passez une écriture de correction."
        )
    return None
