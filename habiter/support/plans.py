"""Every write on the personalised plan: goals, steps, reviews and signatures with the person."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.partners import partner_named
from habiter.people.queries import households_visible_to

from . import rules as support_rules
from .models import (
    LifeArea,
    PlanGoal,
    PlanReview,
    PlanSignature,
    PlanStep,
    StepOwner,
    SupportPlan,
)
from .queries import household_for_support


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
        household = household_for_support(actor, household_id)
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
            partner=partner_named(actor=actor, name=partner_name, field="partner_name", origin="plan_step.partner")
            if owner == StepOwner.PARTNER
            else None,
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
