"""Arrears follow-up: repayment plans and their instalments, reminder letters and formal notices."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.dates import add_months
from habiter.core.legal_queries import legal_parameters
from habiter.leases.models import Lease, LeaseStatus
from habiter.ledger import rules
from habiter.ledger.entries.services import (
    tenant_account,
)
from habiter.ledger.models import (
    ArrearsLetter,
    ArrearsLetterKind,
    Instalment,
    RentCall,
    RepaymentPlan,
    RepaymentPlanChange,
    RepaymentPlanStatus,
)

from . import queries
from .receipts import tenant_names


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


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
