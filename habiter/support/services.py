"""Every write on programmes and support measures: permission, one transaction, validation, audit."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from habiter.core.audit import audit_record
from habiter.core.partners import partner_named
from habiter.core.versioning import stale_version, version_check, version_claim
from habiter.people.queries import households_visible_to

from . import rules as support_rules
from .models import (
    Intervention,
    LifeArea,
    MeasureFollowUp,
    MeasureOutcome,
    MeasureStatus,
    MeasureStatusChange,
    OutcomeCategory,
    PlanGoal,
    Programme,
    Scheme,
    SupportAgreement,
    SupportMeasure,
)
from .queries import household_for_support

DEFAULT_PROGRAMMES = [
    ("avdl", "AVDL — Accompagnement vers et dans le logement", "État (DDETS)", Scheme.AVDL),
    ("asll", "ASLL — Accompagnement social lié au logement", "Département (FSL)", Scheme.ASLL),
    ("agls", "AGLS — Aide à la gestion locative sociale", "État (DDETS)", Scheme.AGLS),
    ("iml", "IML — Intermédiation locative", "État (DDETS)", Scheme.IML),
    # A sublease that may slide is an IML modality (instruction of 4 June 2018: location/sous-location).
    ("sliding_lease", "Sous-location et bail glissant", "État (DDETS)", Scheme.IML),
    ("boarding_house", "Pension de famille", "État (DDETS)", Scheme.PENSION_FAMILLE),
    ("pil", "Point Info Logement", "Commune", Scheme.OTHER),
    ("ais", "Agence immobilière sociale", "Association", Scheme.OTHER),
]
DEFAULT_OUTCOMES = [
    ("Accès au logement", OutcomeCategory.HOUSED),
    ("Maintien dans le logement", OutcomeCategory.MAINTAINED),
    ("Orientation vers un autre dispositif", OutcomeCategory.ORIENTED),
    ("Perte de contact", OutcomeCategory.LOST_CONTACT),
    ("Fin de prise en charge par le financeur", ""),
    ("Autre", ""),
]


def catalogue_install(organisation) -> None:
    """The default programmes and outcomes of a new organisation (idempotent: what exists is kept), in four
    queries."""
    with transaction.atomic():
        codes = set(Programme.objects.filter(organisation=organisation).values_list("code", flat=True))
        Programme.objects.bulk_create(
            Programme(organisation=organisation, code=code, name=name, funder=funder, scheme=scheme, position=position)
            for position, (code, name, funder, scheme) in enumerate(DEFAULT_PROGRAMMES)
            if code not in codes
        )
        labels = set(MeasureOutcome.objects.filter(organisation=organisation).values_list("label", flat=True))
        MeasureOutcome.objects.bulk_create(
            MeasureOutcome(organisation=organisation, label=label, category=category, position=position)
            for position, (label, category) in enumerate(DEFAULT_OUTCOMES)
            if label not in labels
        )


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
    situation_at_entry: str = "",
) -> SupportMeasure:
    """Open a measure for a household: active from `start_date`, or only requested; `situation_at_entry`, where the
    household lived then (`EntrySituation`; empty: not known)."""
    with transaction.atomic():
        household = household_for_support(actor, household_id)
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
            prescriber=partner_named(actor=actor, name=prescriber, field="prescriber", origin="measure.prescriber"),
            situation_at_entry=situation_at_entry or "",
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
            actor=actor,
            action="measure.open",
            obj=measure,
            household_id=household.pk,
            detail={"status": status, "situation_at_entry": measure.situation_at_entry},
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
    expected_version: int | None = None,
) -> SupportMeasure:
    """Move a measure along the table of allowed transitions; closing needs an outcome.

    `expected_version` is the version the form showed: a measure moved by someone else since is refused."""
    with transaction.atomic():
        measure = (
            SupportMeasure.objects.select_for_update()
            .filter(pk=measure_id, household__in=households_visible_to(actor))
            .first()
        )
        if measure is None or not actor.has_perm("support.manage_measure", measure.household):
            raise SupportMeasure.DoesNotExist
        version_check(measure, expected_version=expected_version)
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
        version_claim(measure, expected_version=expected_version)
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


FOLLOW_UP_ERRORS = {
    support_rules.FOLLOW_UP_NOT_CLOSED: _lazy("La situation à un an se relève une fois la mesure clôturée."),
    support_rules.FOLLOW_UP_TOO_EARLY: _lazy(
        "La situation à un an se relève au plus tôt un an après la fin de la mesure."
    ),
    support_rules.FOLLOW_UP_IN_FUTURE: _lazy("La date du constat ne peut pas être dans le futur."),
}


def follow_up_record(
    *,
    actor,
    measure_id,
    observed_on: date,
    situation: str,
    arrears_over_three_months: bool | None = None,
    comment: str = "",
) -> MeasureFollowUp:
    """Record (or correct) the household's situation a year after the end of a closed measure (DOMAIN-2 W35)."""
    with transaction.atomic():
        measure = (
            SupportMeasure.objects.select_for_update()
            .select_related("household")
            .filter(pk=measure_id, household__in=households_visible_to(actor))
            .first()
        )
        if measure is None or not actor.has_perm("support.manage_measure", measure.household):
            raise SupportMeasure.DoesNotExist
        error = support_rules.follow_up_error(measure.end_date, observed_on, timezone.localdate())
        if error:
            raise ValidationError({"observed_on": str(FOLLOW_UP_ERRORS[error])})
        follow_up = MeasureFollowUp.objects.filter(measure=measure).first() or MeasureFollowUp(
            organisation_id=measure.organisation_id, measure=measure
        )
        follow_up.observed_on = observed_on
        follow_up.situation = situation
        follow_up.arrears_over_three_months = arrears_over_three_months
        follow_up.comment = comment or ""
        follow_up.recorded_by = actor
        follow_up.full_clean()
        follow_up.save()
        audit_record(
            actor=actor,
            action="measure.follow_up",
            obj=measure,
            household_id=measure.household_id,
            detail={"situation": situation},
        )
    return follow_up


def programme_add(*, actor, name: str, code: str, funder: str = "", scheme: str = Scheme.OTHER) -> Programme:
    """Add a programme to the organisation's catalogue (directors); `scheme` says which national scheme it is."""
    if not actor.has_perm("support.configure_catalogue"):
        raise PermissionDenied
    with transaction.atomic():
        programme = Programme(
            organisation_id=actor.organisation_id,
            name=(name or "").strip(),
            code=(code or "").strip(),
            funder=(funder or "").strip(),
            scheme=scheme or Scheme.OTHER,
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


def programme_set_scheme(*, actor, programme_id, scheme: str) -> Programme:
    """Say which national scheme a programme is (directors): funder reports count its measures by it. Reports
    stored before keep the figures they had; a re-run shows the difference (ADR 0022)."""
    if not actor.has_perm("support.configure_catalogue"):
        raise PermissionDenied
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme_id, organisation_id=actor.organisation_id)
        if programme.scheme != scheme:
            before = programme.scheme
            programme.scheme = scheme
            programme.full_clean()
            programme.save(update_fields=["scheme", "updated_at"])
            audit_record(actor=actor, action="programme.scheme", obj=programme, detail={"from": before, "to": scheme})
    return programme


def outcome_add(*, actor, label: str, category: str = "") -> MeasureOutcome:
    """Add an outcome to the organisation's list (directors), with the funder category it counts as."""
    if not actor.has_perm("support.configure_catalogue"):
        raise PermissionDenied
    with transaction.atomic():
        outcome = MeasureOutcome(
            organisation_id=actor.organisation_id,
            label=(label or "").strip(),
            category=category or "",
            position=MeasureOutcome.objects.filter(organisation_id=actor.organisation_id).count(),
        )
        outcome.full_clean()
        outcome.save()
        audit_record(actor=actor, action="outcome.create", obj=outcome)
    return outcome


def outcome_set_category(*, actor, outcome_id, category: str) -> MeasureOutcome:
    """Say how funders count an outcome (DOMAIN R84), or "" for unknown (directors). Reports stored before keep
    the figures they had; a re-run shows the difference (ADR 0022)."""
    if not actor.has_perm("support.configure_catalogue"):
        raise PermissionDenied
    with transaction.atomic():
        outcome = MeasureOutcome.objects.select_for_update().get(pk=outcome_id, organisation_id=actor.organisation_id)
        if outcome.category != category:
            before = outcome.category
            outcome.category = category
            outcome.full_clean()
            outcome.save(update_fields=["category", "updated_at"])
            audit_record(actor=actor, action="outcome.categorise", obj=outcome, detail={"from": before, "to": category})
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
    goal_id=None,
    restricted: bool = False,
) -> Intervention:
    """Log an act of support on a household; a restricted note needs the right to read restricted notes."""
    with transaction.atomic():
        household = household_for_support(actor, household_id)
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
        goal = None
        if goal_id:
            goal = PlanGoal.objects.filter(pk=goal_id, plan__household=household).first()
            if goal is None or (
                goal.life_area == LifeArea.HEALTH and not actor.has_perm("people.view_restricted", household)
            ):
                raise ValidationError({"goal": _("Cet objectif n'est pas celui de ce ménage.")})
        intervention = Intervention(
            organisation_id=actor.organisation_id,
            household=household,
            measure=measure,
            goal=goal,
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


# --- the support agreement -----------------------------------------------------------------------------


def _measure_for(actor, measure_id) -> SupportMeasure:
    measure = (
        SupportMeasure.objects.select_for_update()
        .select_related("household")
        .filter(pk=measure_id, household__in=households_visible_to(actor))
        .first()
    )
    if measure is None or not actor.has_perm("support.manage_measure", measure.household):
        raise SupportMeasure.DoesNotExist
    return measure


def agreement_write(
    *,
    actor,
    measure_id,
    household_commitments: str,
    association_commitments: str,
    expected_version: int | None = None,
) -> SupportAgreement:
    """Write or rewrite the agreement of a measure, as long as it is not signed.

    `expected_version` is the version of the agreement the form showed (0: the form showed none): an agreement
    written or rewritten by someone else since is refused, nothing is saved."""
    with transaction.atomic():
        measure = _measure_for(actor, measure_id)
        agreement = SupportAgreement.objects.filter(measure=measure).first()
        if agreement is not None and agreement.signed_on:
            raise ValidationError(_("Ce contrat est signé : il ne se modifie plus."))
        if agreement is None:
            if expected_version:  # the form showed an agreement that no longer exists: cannot happen, refuse
                raise SupportAgreement.DoesNotExist
            agreement = SupportAgreement(organisation_id=actor.organisation_id, measure=measure, written_by=actor)
        elif expected_version == 0:  # the form showed no agreement: someone wrote one in between
            raise stale_version(agreement)
        agreement.household_commitments = (household_commitments or "").strip()
        agreement.association_commitments = (association_commitments or "").strip()
        agreement.full_clean()
        if not agreement._state.adding:
            version_claim(agreement, expected_version=expected_version)
        agreement.save()
        audit_record(actor=actor, action="agreement.write", obj=agreement, household_id=measure.household_id)
    return agreement


def agreement_sign(
    *, actor, measure_id, signed_on: date, method: str, signatories: str, expected_version: int | None = None
) -> SupportAgreement:
    """Record when and how the printed agreement was signed; it is then fixed.

    `expected_version` is the version of the text the page showed: a text rewritten since is not the one signed."""
    with transaction.atomic():
        measure = _measure_for(actor, measure_id)
        agreement = SupportAgreement.objects.select_for_update().filter(measure=measure).first()
        if agreement is None:
            raise ValidationError(_("Écrivez d'abord le contrat."))
        if agreement.signed_on:
            raise ValidationError(_("Ce contrat est déjà signé."))
        version_check(agreement, expected_version=expected_version)
        if signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("La date ne peut pas être dans le futur.")})
        if not (signatories or "").strip():
            raise ValidationError({"signatories": _("Indiquez qui a signé.")})
        agreement.signed_on = signed_on
        agreement.signature_method = method
        agreement.signatories = signatories.strip()
        agreement.full_clean()
        version_claim(agreement, expected_version=expected_version)
        agreement.save()
        audit_record(actor=actor, action="agreement.sign", obj=agreement, household_id=measure.household_id)
    return agreement
