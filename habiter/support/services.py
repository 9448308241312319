"""Every write on programmes and support measures: permission, one transaction, validation, audit."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.versioning import stale_version, version_check, version_claim
from habiter.people.queries import households_visible_to

from . import rules as support_rules
from .models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    Document,
    Intervention,
    LifeArea,
    MeasureOutcome,
    MeasureStatus,
    MeasureStatusChange,
    OutcomeCategory,
    PlanGoal,
    PlanReview,
    PlanSignature,
    PlanStep,
    Programme,
    Scheme,
    StepOwner,
    SupportAgreement,
    SupportMeasure,
    SupportPlan,
    document_path,
)

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
    """The default programmes and outcomes of a new organisation (idempotent)."""
    with transaction.atomic():
        for position, (code, name, funder, scheme) in enumerate(DEFAULT_PROGRAMMES):
            Programme.objects.get_or_create(
                organisation=organisation,
                code=code,
                defaults={"name": name, "funder": funder, "scheme": scheme, "position": position},
            )
        for position, (label, category) in enumerate(DEFAULT_OUTCOMES):
            MeasureOutcome.objects.get_or_create(
                organisation=organisation, label=label, defaults={"category": category, "position": position}
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


# --- documents ------------------------------------------------------------------------------------


def _document_check(uploaded) -> tuple[str, str, bytes]:
    """Refuse what is not a readable PDF, JPEG or PNG of at most 10 MB, judged from the content."""
    import hashlib
    import io

    error = support_rules.document_size_error(uploaded.size or 0)
    if error:
        raise ValidationError({"file": error})
    content = uploaded.read()
    uploaded.seek(0)
    sniffed = support_rules.sniff_document_type(content[:16])
    if sniffed is None:
        raise ValidationError(
            {"file": _("Seuls les fichiers PDF, JPEG et PNG sont acceptés (le contenu a été vérifié).")}
        )
    content_type, extension = sniffed
    if content_type == "application/pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(content), strict=True)
            if reader.is_encrypted:
                raise ValidationError(
                    {"file": _("Ce PDF est protégé par un mot de passe : enregistrez-le sans protection.")}
                )
            if len(reader.pages) == 0:
                raise PdfReadError("no page")
        except ValidationError:
            raise
        except Exception as broken:  # noqa: BLE001 - pypdf raises many kinds of errors on a broken file
            raise ValidationError({"file": _("Ce PDF est abîmé ou incomplet : il ne peut pas être lu.")}) from broken
    else:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except Exception as broken:  # noqa: BLE001 - Pillow raises many kinds of errors on a broken image
            raise ValidationError(
                {"file": _("Cette image est abîmée ou incomplète : elle ne peut pas être lue.")}
            ) from broken
    return content_type, extension, hashlib.sha256(content).hexdigest()


def document_may_remove(user, document) -> bool:
    """Who may archive or delete a document: the person who added it, or the household's referent."""
    return bool(
        user.is_active
        and user.organisation_id == document.organisation_id
        and (document.uploaded_by_id == user.pk or document.household.referent_id == user.pk)
    )


def _removable_document(actor, document_id) -> Document:
    """The document, locked, if the actor sees its household and may remove it; PermissionDenied if they see it
    but did not add it and are not the referent; DoesNotExist if they do not see it."""
    document = (
        Document.objects.select_for_update()
        .select_related("household")
        .filter(pk=document_id, household__in=households_visible_to(actor))
        .first()
    )
    if document is None:
        raise Document.DoesNotExist
    if not document_may_remove(actor, document):
        raise PermissionDenied
    return document


def document_archive(*, actor, document_id) -> Document:
    """Archive a document: gone from the household's list, kept and readable from the archived documents."""
    with transaction.atomic():
        document = _removable_document(actor, document_id)
        if document.archived_at is None:
            document.archived_at = timezone.now()
            document.archived_by = actor
            document.save(update_fields=["archived_at", "archived_by", "updated_at"])
            audit_record(
                actor=actor,
                action="document.archive",
                obj=document,
                household_id=document.household_id,
                detail={"kind": document.kind},
            )
    return document


def document_delete(*, actor, document_id) -> None:
    """Delete a document and its file from storage (once the deletion is committed); the journal keeps the row."""
    with transaction.atomic():
        document = _removable_document(actor, document_id)
        audit_record(
            actor=actor,
            action="document.delete",
            obj=document,
            household_id=document.household_id,
            detail={"kind": document.kind, "size": document.size},
        )
        storage, name = document.file.storage, document.file.name
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


def document_upload(*, actor, household_id, uploaded, kind: str, expires_on=None) -> Document:
    """Store a document of a household; nothing is stored when it is refused."""
    content_type, extension, digest = _document_check(uploaded)
    with transaction.atomic():
        household = _visible_household(actor, household_id)
        document = Document(
            organisation_id=actor.organisation_id,
            household=household,
            kind=kind,
            original_name=(uploaded.name or "document")[-255:],
            content_type=content_type,
            extension=extension,
            size=uploaded.size,
            sha256=digest,
            expires_on=expires_on,
            uploaded_by=actor,
        )
        document.full_clean(exclude=["file"])
        document.file.save(document_path(document, uploaded.name), uploaded, save=False)
        try:
            document.save()
            audit_record(actor=actor, action="document.upload", obj=document, household_id=household.pk)
        except Exception:
            document.file.storage.delete(document.file.name)
            raise
    return document


# --- appointments ------------------------------------------------------------------------------------


def _locked_worker(actor, worker_id):
    """The worker of an appointment, locked so that two bookings of the same worker are checked one after the
    other; an unknown worker is a form error."""
    from habiter.core.models import Role, User

    worker = (
        User.objects.select_for_update()
        .filter(
            pk=worker_id,
            organisation_id=actor.organisation_id,
            is_active=True,
            role__in=(Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR, Role.RECEPTIONIST),
        )
        .first()
    )
    if worker is None:
        raise ValidationError({"worker": _("Intervenant inconnu.")})
    return worker


def _refuse_clash(worker, starts_at, ends_at, *, exclude_pk=None) -> None:
    """Refuse, naming the other one, an appointment that overlaps another (not cancelled) of the worker."""
    clash = (
        Appointment.objects.filter(worker=worker, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exclude(pk=exclude_pk)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        start, end = timezone.localtime(clash.starts_at), timezone.localtime(clash.ends_at)
        raise ValidationError(
            {
                "starts_at": _("%(worker)s a déjà « %(title)s » le %(day)s de %(start)s à %(end)s.")
                % {
                    "worker": worker,
                    "title": clash.title,
                    "day": start.strftime("%d/%m/%Y"),
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                }
            }
        )


def appointment_may_change(user, appointment) -> bool:
    """Who may edit, move, cancel an appointment or say whether the household came: its worker, whoever booked
    it, the household's referent, the director, and the team lead of the worker's or the household's team."""
    from habiter.core.models import Role

    if not getattr(user, "is_authenticated", False) or appointment.organisation_id != user.organisation_id:
        return False
    if user.pk in (appointment.worker_id, appointment.created_by_id):
        return True
    household = appointment.household
    if household is not None and household.referent_id == user.pk:
        return True
    if user.role == Role.DIRECTOR:
        return True
    if user.role == Role.TEAM_LEAD and user.team_id is not None:
        return user.team_id in (appointment.worker.team_id, household.team_id if household else None)
    return False


def _appointment_for(actor, appointment_id, *, lock: bool = True) -> Appointment:
    """The appointment the actor may change, locked; else Appointment.DoesNotExist (a 404 on the pages)."""
    rows = Appointment.objects.select_related("worker", "household", "created_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    appointment = rows.filter(pk=appointment_id, organisation_id=actor.organisation_id).first()
    if appointment is None or not appointment_may_change(actor, appointment):
        raise Appointment.DoesNotExist
    return appointment


def appointment_for(actor, appointment_id) -> Appointment:
    """The appointment the actor may change (for the pages), without a lock."""
    return _appointment_for(actor, appointment_id, lock=False)


def appointment_update(
    *, actor, appointment_id, worker_id, title: str, starts_at, ends_at, place: str = "", expected_version=None
) -> Appointment:
    """Edit or move a planned appointment (its worker's other appointments still may not overlap it);
    `expected_version` is the version the form showed: an appointment changed since is refused."""
    errors = support_rules.appointment_error(starts_at, ends_at)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        appointment = _appointment_for(actor, appointment_id)
        version_check(appointment, expected_version=expected_version)
        if appointment.status != AppointmentStatus.PLANNED:
            raise ValidationError(
                _("Ce rendez-vous est %(status)s : il ne peut plus être modifié.")
                % {"status": appointment.get_status_display()}
            )
        worker = _locked_worker(actor, worker_id)
        _refuse_clash(worker, starts_at, ends_at, exclude_pk=appointment.pk)
        before = {"worker": str(appointment.worker_id), "starts_at": appointment.starts_at.isoformat()}
        moved = appointment.starts_at != starts_at or appointment.worker_id != worker.pk
        appointment.worker = worker
        appointment.title = (title or "").strip()
        appointment.starts_at = starts_at
        appointment.ends_at = ends_at
        appointment.place = (place or "").strip()
        if moved:  # the reminders are for the new date
            appointment.reminder_sent_at = None
            appointment.household_reminder_sent_at = None
        appointment.full_clean()
        version_claim(appointment, expected_version=expected_version)
        appointment.save()
        audit_record(
            actor=actor,
            action="appointment.update",
            obj=appointment,
            household_id=appointment.household_id,
            detail={"before": before, "starts_at": starts_at.isoformat(), "worker": str(worker.pk)},
        )
    return appointment


def _when(appointment) -> str:
    start = timezone.localtime(appointment.starts_at)
    return _("le %(day)s à %(time)s") % {"day": start.strftime("%d/%m/%Y"), "time": start.strftime("%H:%M")}


def appointment_cancel(*, actor, appointment_id, reason: str, expected_version=None) -> Appointment:
    """Cancel a planned appointment with its reason: it frees the worker's slot and stays visible. The other
    participants are told by e-mail: the worker when someone else cancels, the household when it has an address."""
    from django.core.mail import send_mail

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    with transaction.atomic():
        appointment = _appointment_for(actor, appointment_id)
        version_check(appointment, expected_version=expected_version)
        if appointment.status != AppointmentStatus.PLANNED:
            raise ValidationError(
                _("Ce rendez-vous est %(status)s : il ne peut plus être annulé.")
                % {"status": appointment.get_status_display()}
            )
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancel_reason = reason
        appointment.cancelled_at = timezone.now()
        appointment.cancelled_by = actor
        version_claim(appointment, expected_version=expected_version)
        appointment.save()
        audit_record(
            actor=actor,
            action="appointment.cancel",
            obj=appointment,
            household_id=appointment.household_id,
            detail={"reason": reason},
        )
        subject = _("Rendez-vous annulé : %(title)s") % {"title": appointment.title}
        when = _when(appointment)
        worker = appointment.worker
        if worker.pk != actor.pk and worker.email:
            send_mail(
                subject=subject,
                message=_(
                    "Bonjour,\n\nLe rendez-vous « %(title)s » du %(when)s a été annulé par %(who)s.\n"
                    "Motif : %(reason)s\n\nHabiter"
                )
                % {"title": appointment.title, "when": when, "who": actor, "reason": reason},
                from_email=None,
                recipient_list=[worker.email],
            )
        household = appointment.household
        if household is not None and household.email:
            send_mail(
                subject=_("Votre rendez-vous est annulé"),
                message=_(
                    "Bonjour,\n\nVotre rendez-vous avec %(worker)s %(when)s est annulé.\n"
                    "Motif : %(reason)s\n\nPour convenir d'un autre rendez-vous, contactez l'association.\n"
                )
                % {"worker": worker, "when": when, "reason": reason},
                from_email=None,
                recipient_list=[household.email],
            )
    return appointment


def appointment_mark(*, actor, appointment_id, attended: bool, expected_version=None) -> Appointment:
    """Say whether the household came (« venu » / « pas venu »), once the appointment has started; a cancelled
    appointment has no attendance. Marking again corrects the previous answer."""
    with transaction.atomic():
        appointment = _appointment_for(actor, appointment_id)
        version_check(appointment, expected_version=expected_version)
        if appointment.status == AppointmentStatus.CANCELLED:
            raise ValidationError(_("Ce rendez-vous est annulé : il n'y a pas de présence à indiquer."))
        if timezone.now() < appointment.starts_at:
            raise ValidationError(
                _("Ce rendez-vous n'a pas encore commencé : indiquez la présence à partir de son heure de début.")
            )
        status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.MISSED
        previous = appointment.status
        appointment.status = status
        version_claim(appointment, expected_version=expected_version)
        appointment.save()
        audit_record(
            actor=actor,
            action="appointment.attendance",
            obj=appointment,
            household_id=appointment.household_id,
            detail={"from": previous, "to": status},
        )
    return appointment


def appointment_book(
    *, actor, worker_id, title: str, starts_at, ends_at, household_id=None, place: str = ""
) -> Appointment:
    """Book an appointment for a worker; refused, naming the other one, if it overlaps another of theirs."""
    from habiter.people.queries import households_searchable_by

    if not actor.has_perm("support.book_appointment"):
        raise PermissionDenied
    errors = support_rules.appointment_error(starts_at, ends_at)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        worker = _locked_worker(actor, worker_id)
        household = None
        if household_id:
            household = households_searchable_by(actor).filter(pk=household_id).first()
            if household is None:
                raise ValidationError({"household": _("Ménage inconnu.")})
        _refuse_clash(worker, starts_at, ends_at)
        appointment = Appointment(
            organisation_id=actor.organisation_id,
            worker=worker,
            household=household,
            title=(title or "").strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            place=(place or "").strip(),
            created_by=actor,
        )
        appointment.full_clean()
        appointment.save()
        audit_record(
            actor=actor, action="appointment.book", obj=appointment, household_id=household.pk if household else None
        )
    return appointment


def calendar_feed_renew(*, actor) -> str:
    """A new private calendar address for the actor; the previous one stops working. Returns the raw key."""
    import hashlib
    import secrets

    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=actor, defaults={"key_hash": hashlib.sha256(raw.encode()).hexdigest()}
        )
        audit_record(actor=actor, action="calendar_feed.renew")
    return raw


def calendar_feed_revoke(*, actor) -> None:
    with transaction.atomic():
        CalendarFeed.objects.filter(user=actor).delete()
        audit_record(actor=actor, action="calendar_feed.revoke")


def appointment_reminders_send(*, day: date) -> int:
    """E-mail each worker the list of their appointments of `day` (once); returns the number of e-mails."""
    from datetime import datetime, time, timedelta

    from django.core.mail import send_mail

    start = timezone.make_aware(datetime.combine(day, time.min))
    end = start + timedelta(days=1)
    pending = (
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end, reminder_sent_at__isnull=True)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("worker", "household")
        .order_by("worker_id", "starts_at")
    )
    by_worker: dict = {}
    for appointment in pending:
        by_worker.setdefault(appointment.worker, []).append(appointment)
    sent = 0
    for worker, appointments in by_worker.items():
        if not worker.email:
            continue
        lines = [
            f"- {timezone.localtime(a.starts_at):%H:%M}–{timezone.localtime(a.ends_at):%H:%M} : {a.title}"
            + (f" ({a.place})" if a.place else "")
            for a in appointments
        ]
        with transaction.atomic():
            send_mail(
                subject=_("Vos rendez-vous du %(day)s") % {"day": day.strftime("%d/%m/%Y")},
                message=_("Bonjour,\n\nVos rendez-vous aujourd'hui :\n%(lines)s\n\nHabiter")
                % {"lines": "\n".join(lines)},
                from_email=None,
                recipient_list=[worker.email],
            )
            Appointment.objects.filter(pk__in=[a.pk for a in appointments]).update(reminder_sent_at=timezone.now())
        sent += 1
    return sent


def household_reminders_send(*, day: date) -> int:
    """Remind each household of its planned appointments of the day after `day` (once each): by e-mail when it has
    an address, by SMS (habiter.core.sms) when it has a phone number and agreed to SMS. The sending is recorded on
    the appointment in the transaction that sends it. Returns the number of appointments reminded."""
    from datetime import datetime, time, timedelta

    from django.core.mail import send_mail

    from habiter.core.sms import send_sms

    start = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    pending = (
        Appointment.objects.filter(
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
            status=AppointmentStatus.PLANNED,
            household__isnull=False,
            household_reminder_sent_at__isnull=True,
        )
        .select_related("worker", "household")
        .order_by("starts_at")
    )
    sent = 0
    for appointment in pending:
        household = appointment.household
        by_sms = bool(household.phone and household.sms_consent)
        if not household.email and not by_sms:
            continue
        local = timezone.localtime(appointment.starts_at)
        values = {
            "time": local.strftime("%H:%M"),
            "day": local.strftime("%d/%m/%Y"),
            "worker": appointment.worker,
            "place": appointment.place or _("à l'association"),
        }
        with transaction.atomic():
            claimed = Appointment.objects.filter(pk=appointment.pk, household_reminder_sent_at__isnull=True).update(
                household_reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            if household.email:
                send_mail(
                    subject=_("Rappel : votre rendez-vous de demain"),
                    message=_(
                        "Bonjour,\n\nNous vous rappelons votre rendez-vous de demain, %(day)s à %(time)s, avec "
                        "%(worker)s (%(place)s).\nSi vous ne pouvez pas venir, merci de prévenir l'association.\n"
                    )
                    % values,
                    from_email=None,
                    recipient_list=[household.email],
                )
            if by_sms:
                send_sms(
                    household.phone,
                    _("Rappel : rendez-vous demain %(day)s à %(time)s avec %(worker)s (%(place)s).") % values,
                )
        sent += 1
    return sent


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
