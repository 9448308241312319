"""Every write on programmes and support measures: permission, one transaction, validation, audit."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.people.queries import households_visible_to

from . import rules as support_rules
from .models import (
    Intervention,
    LifeArea,
    MeasureOutcome,
    MeasureStatus,
    MeasureStatusChange,
    PlanGoal,
    PlanReview,
    PlanSignature,
    PlanStep,
    Programme,
    StepOwner,
    SupportMeasure,
    SupportPlan,
)

DEFAULT_PROGRAMMES = [
    ("avdl", "AVDL — Accompagnement vers et dans le logement", "État (DDETS)"),
    ("asll", "ASLL — Accompagnement social lié au logement", "Département (FSL)"),
    ("agls", "AGLS — Aide à la gestion locative sociale", "État (DDETS)"),
    ("iml", "IML — Intermédiation locative", "État (DDETS)"),
    ("sliding_lease", "Sous-location et bail glissant", "État (DDETS)"),
    ("boarding_house", "Pension de famille", "État (DDETS)"),
    ("pil", "Point Info Logement", "Commune"),
    ("ais", "Agence immobilière sociale", "Association"),
]
DEFAULT_OUTCOMES = [
    "Accès au logement",
    "Maintien dans le logement",
    "Orientation vers un autre dispositif",
    "Perte de contact",
    "Fin de prise en charge par le financeur",
    "Autre",
]


def catalogue_install(organisation) -> None:
    """The default programmes and outcomes of a new organisation (idempotent)."""
    with transaction.atomic():
        for position, (code, name, funder) in enumerate(DEFAULT_PROGRAMMES):
            Programme.objects.get_or_create(
                organisation=organisation, code=code, defaults={"name": name, "funder": funder, "position": position}
            )
        for position, label in enumerate(DEFAULT_OUTCOMES):
            MeasureOutcome.objects.get_or_create(
                organisation=organisation, label=label, defaults={"position": position}
            )


def _visible_household(actor, household_id):
    household = households_visible_to(actor).select_for_update().filter(pk=household_id).first()
    if household is None or not actor.has_perm("support.manage_measure", household):
        raise SupportMeasure.DoesNotExist
    return household


def measure_open(
    *,
    actor,
    household_id,
    programme_id,
    start_date: date,
    planned_end_date: date | None = None,
    intensity: str = "medium",
    prescriber: str = "",
    requested: bool = False,
) -> SupportMeasure:
    """Open a measure for a household: active from `start_date`, or only requested."""
    with transaction.atomic():
        household = _visible_household(actor, household_id)
        programme = Programme.objects.filter(
            pk=programme_id, organisation_id=actor.organisation_id, active=True
        ).first()
        if programme is None:
            raise ValidationError({"programme": _("Dispositif inconnu.")})
        error = support_rules.dates_error(start_date, planned_end_date)
        if error:
            raise ValidationError({"planned_end_date": error})
        status = MeasureStatus.REQUESTED if requested else MeasureStatus.ACTIVE
        measure = SupportMeasure(
            organisation_id=actor.organisation_id,
            household=household,
            programme=programme,
            prescriber=prescriber or "",
            start_date=start_date,
            planned_end_date=planned_end_date,
            intensity=intensity,
            status=status,
            created_by=actor,
        )
        measure.full_clean()
        measure.save()
        MeasureStatusChange.objects.create(
            organisation_id=actor.organisation_id, measure=measure, to_status=status, on_date=start_date, actor=actor
        )
        audit_record(
            actor=actor, action="measure.open", obj=measure, household_id=household.pk, detail={"status": status}
        )
    return measure


def measure_transition(
    *,
    actor,
    measure_id,
    to_status: str,
    on_date: date,
    comment: str = "",
    end_reason: str = "",
    outcome_id=None,
) -> SupportMeasure:
    """Move a measure along the table of allowed transitions; closing needs an outcome."""
    with transaction.atomic():
        measure = (
            SupportMeasure.objects.select_for_update()
            .filter(pk=measure_id, household__in=households_visible_to(actor))
            .first()
        )
        if measure is None or not actor.has_perm("support.manage_measure", measure.household):
            raise SupportMeasure.DoesNotExist
        error = support_rules.transition_error(measure.status, to_status)
        if error:
            raise ValidationError(error)
        last = measure.status_changes.order_by("-on_date").values_list("on_date", flat=True).first()
        error = support_rules.transition_date_error(measure.start_date, on_date, last, timezone.localdate())
        if error:
            raise ValidationError({"on_date": error})
        if to_status == MeasureStatus.CLOSED:
            outcome = MeasureOutcome.objects.filter(pk=outcome_id, organisation_id=actor.organisation_id).first()
            if outcome is None:
                raise ValidationError({"outcome": _("Indiquez l'issue de la mesure.")})
            measure.outcome = outcome
            measure.end_date = on_date
            measure.end_reason = end_reason or ""
        from_status = measure.status
        measure.status = to_status
        measure.full_clean()
        measure.save()
        MeasureStatusChange.objects.create(
            organisation_id=actor.organisation_id,
            measure=measure,
            from_status=from_status,
            to_status=to_status,
            on_date=on_date,
            comment=comment or "",
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="measure.transition",
            obj=measure,
            household_id=measure.household_id,
            detail={"from": from_status, "to": to_status},
        )
    return measure


def programme_add(*, actor, name: str, code: str, funder: str = "") -> Programme:
    """Add a programme to the organisation's catalogue (directors)."""
    if not actor.has_perm("support.configure_catalogue"):
        raise PermissionDenied
    with transaction.atomic():
        programme = Programme(
            organisation_id=actor.organisation_id,
            name=(name or "").strip(),
            code=(code or "").strip(),
            funder=(funder or "").strip(),
            position=Programme.objects.filter(organisation_id=actor.organisation_id).count(),
        )
        programme.full_clean()
        programme.save()
        audit_record(actor=actor, action="programme.create", obj=programme)
    return programme


def programme_set_active(*, actor, programme_id, active: bool) -> Programme:
    """Stop offering a programme for new measures, or offer it again; existing measures keep it."""
    if not actor.has_perm("support.configure_catalogue"):
        raise PermissionDenied
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_id, organisation_id=actor.organisation_id)
        if programme.active != active:
            programme.active = active
            programme.save(update_fields=["active", "updated_at"])
            audit_record(actor=actor, action="programme.activate" if active else "programme.deactivate", obj=programme)
    return programme


def outcome_add(*, actor, label: str) -> MeasureOutcome:
    """Add an outcome to the organisation's list (directors)."""
    if not actor.has_perm("support.configure_catalogue"):
        raise PermissionDenied
    with transaction.atomic():
        outcome = MeasureOutcome(
            organisation_id=actor.organisation_id,
            label=(label or "").strip(),
            position=MeasureOutcome.objects.filter(organisation_id=actor.organisation_id).count(),
        )
        outcome.full_clean()
        outcome.save()
        audit_record(actor=actor, action="outcome.create", obj=outcome)
    return outcome


def intervention_log(
    *,
    actor,
    household_id,
    kind: str,
    occurred_on: date,
    duration_minutes: int,
    note: str = "",
    back_office: bool = False,
    measure_id=None,
    restricted: bool = False,
) -> Intervention:
    """Log an act of support on a household; a restricted note needs the right to read restricted notes."""
    with transaction.atomic():
        household = _visible_household(actor, household_id)
        errors = support_rules.intervention_error(occurred_on, duration_minutes, timezone.localdate())
        if errors:
            raise ValidationError(errors)
        if restricted and not actor.has_perm("people.view_restricted", household):
            raise ValidationError(
                {
                    "restricted": _(
                        "Seuls le référent, le chef de service et la direction écrivent une note confidentielle."
                    )
                }
            )
        measure = None
        if measure_id:
            measure = SupportMeasure.objects.filter(pk=measure_id, household=household).first()
            if measure is None:
                raise ValidationError({"measure": _("Cette mesure n'est pas celle de ce ménage.")})
        intervention = Intervention(
            organisation_id=actor.organisation_id,
            household=household,
            measure=measure,
            kind=kind,
            occurred_on=occurred_on,
            duration_minutes=duration_minutes,
            back_office=back_office,
            note=note or "",
            restricted=restricted,
            author=actor,
        )
        intervention.full_clean()
        intervention.save()
        audit_record(actor=actor, action="intervention.create", obj=intervention, household_id=household.pk)
    return intervention


# --- the personalised plan ---------------------------------------------------------------------------


def _plan_for(actor, plan_id, *, lock=False):
    plans = SupportPlan.objects.select_related("household").filter(household__in=households_visible_to(actor))
    plan = (plans.select_for_update() if lock else plans).filter(pk=plan_id).first()
    if plan is None or not actor.has_perm("support.manage_measure", plan.household):
        raise SupportPlan.DoesNotExist
    return plan


def _check_area(actor, household, life_area):
    if life_area == LifeArea.HEALTH and not actor.has_perm("people.view_restricted", household):
        raise ValidationError(
            {"life_area": _("Seuls le référent, le chef de service et la direction écrivent un objectif de santé.")}
        )


def plan_start(*, actor, household_id, started_on: date, review_rhythm_months: int = 3) -> SupportPlan:
    """Start the household's personalised plan; its first review is due one rhythm later."""
    with transaction.atomic():
        household = _visible_household(actor, household_id)
        if SupportPlan.objects.filter(household=household).exists():
            raise ValidationError(_("Ce ménage a déjà un projet personnalisé."))
        if started_on > timezone.localdate():
            raise ValidationError({"started_on": _("La date ne peut pas être dans le futur.")})
        if not 1 <= review_rhythm_months <= 24:
            raise ValidationError({"review_rhythm_months": _("Le rythme des bilans va de 1 à 24 mois.")})
        plan = SupportPlan(
            organisation_id=actor.organisation_id,
            household=household,
            started_on=started_on,
            review_rhythm_months=review_rhythm_months,
            next_review_on=support_rules.next_review(started_on, review_rhythm_months),
            created_by=actor,
        )
        plan.full_clean()
        plan.save()
        audit_record(actor=actor, action="plan.start", obj=plan, household_id=household.pk)
    return plan


def goal_add(*, actor, plan_id, life_area: str, title: str, person_words: str = "") -> PlanGoal:
    """Add a goal; the person's words are recorded as they said them, once."""
    with transaction.atomic():
        plan = _plan_for(actor, plan_id, lock=True)
        _check_area(actor, plan.household, life_area)
        goal = PlanGoal(
            organisation_id=actor.organisation_id,
            plan=plan,
            life_area=life_area,
            title=(title or "").strip(),
            person_words=person_words or "",
        )
        goal.full_clean()
        goal.save()
        audit_record(actor=actor, action="plan.goal_add", obj=goal, household_id=plan.household_id)
    return goal


def _goal_for(actor, goal_id) -> PlanGoal:
    goal = PlanGoal.objects.select_related("plan").filter(pk=goal_id).first()
    if goal is None:
        raise PlanGoal.DoesNotExist
    plan = _plan_for(actor, goal.plan_id, lock=True)
    if goal.life_area == LifeArea.HEALTH and not actor.has_perm("people.view_restricted", plan.household):
        raise PlanGoal.DoesNotExist
    return goal


def goal_set_status(*, actor, goal_id, status: str) -> PlanGoal:
    with transaction.atomic():
        goal = _goal_for(actor, goal_id)
        goal.status = status
        goal.full_clean()
        goal.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="plan.goal_status",
            obj=goal,
            household_id=goal.plan.household_id,
            detail={"status": status},
        )
    return goal


def step_add(*, actor, goal_id, description: str, owner: str, partner_name: str = "", due_on=None) -> PlanStep:
    with transaction.atomic():
        goal = _goal_for(actor, goal_id)
        if owner == StepOwner.PARTNER and not (partner_name or "").strip():
            raise ValidationError({"partner_name": _("Indiquez quel partenaire fait cette étape.")})
        step = PlanStep(
            organisation_id=actor.organisation_id,
            goal=goal,
            description=(description or "").strip(),
            owner=owner,
            partner_name=(partner_name or "").strip() if owner == StepOwner.PARTNER else "",
            due_on=due_on,
        )
        step.full_clean()
        step.save()
        audit_record(actor=actor, action="plan.step_add", obj=step, household_id=goal.plan.household_id)
    return step


def step_set_status(*, actor, step_id, status: str) -> PlanStep:
    with transaction.atomic():
        step = PlanStep.objects.select_related("goal").filter(pk=step_id).first()
        if step is None:
            raise PlanStep.DoesNotExist
        goal = _goal_for(actor, step.goal_id)
        step.status = status
        step.full_clean()
        step.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="plan.step_status",
            obj=step,
            household_id=goal.plan.household_id,
            detail={"status": status},
        )
    return step


def review_record(*, actor, plan_id, held_on: date, what_moved: str, what_next: str) -> PlanReview:
    """Record a review (bilan) with the person; the next one is due one rhythm later."""
    with transaction.atomic():
        plan = _plan_for(actor, plan_id, lock=True)
        if held_on > timezone.localdate():
            raise ValidationError({"held_on": _("Un bilan ne peut pas être daté dans le futur.")})
        if held_on < plan.started_on:
            raise ValidationError({"held_on": _("Un bilan ne peut pas précéder le début du projet.")})
        review = PlanReview(
            organisation_id=actor.organisation_id,
            plan=plan,
            held_on=held_on,
            what_moved=(what_moved or "").strip(),
            what_next=(what_next or "").strip(),
            recorded_by=actor,
        )
        review.full_clean()
        review.save()
        latest = plan.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
        plan.next_review_on = support_rules.next_review(latest, plan.review_rhythm_months)
        plan.save(update_fields=["next_review_on", "updated_at"])
        audit_record(actor=actor, action="plan.review", obj=review, household_id=plan.household_id)
    return review


def signature_record(*, actor, plan_id, signed_on: date, method: str, signatories: str) -> PlanSignature:
    """Record when and how the printed plan was signed."""
    with transaction.atomic():
        plan = _plan_for(actor, plan_id, lock=True)
        if signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("La date ne peut pas être dans le futur.")})
        signature = PlanSignature(
            organisation_id=actor.organisation_id,
            plan=plan,
            signed_on=signed_on,
            method=method,
            signatories=(signatories or "").strip(),
            recorded_by=actor,
        )
        signature.full_clean()
        signature.save()
        audit_record(actor=actor, action="plan.signature", obj=signature, household_id=plan.household_id)
    return signature


def plan_print_record(*, actor, plan) -> None:
    """Printing the plan reads the whole file: it is written to the audit log."""
    audit_record(actor=actor, action="plan.print", obj=plan, household_id=plan.household_id)
