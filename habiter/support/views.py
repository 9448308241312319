from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core import registry
from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.forms import apply_validation_error
from habiter.core.partners import partner_names
from habiter.core.pdf import pdf_response
from habiter.core.reads import journaled_read, read_of
from habiter.core.versioning import StaleVersion, posted_version, show_stale
from habiter.people.queries import households_visible_to

from . import appointments as appointment_services
from . import documents as document_services
from . import plans as plan_services
from . import queries, services
from . import rules as support_rules
from .forms import (
    AgreementForm,
    AgreementSignatureForm,
    AppointmentAttendanceForm,
    AppointmentCancelForm,
    AppointmentForm,
    DocumentForm,
    FollowUpForm,
    GoalForm,
    InterventionForm,
    MeasureOpenForm,
    MeasureStatusForm,
    OutcomeCategoryForm,
    OutcomeForm,
    PlanStartForm,
    ProgrammeForm,
    ProgrammeSchemeForm,
    ReviewForm,
    SignatureForm,
    StepForm,
)
from .ics import ics_render
from .models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    Document,
    GoalStatus,
    MeasureOutcome,
    PlanGoal,
    PlanStep,
    Programme,
    SignatureMethod,
    StepStatus,
    SupportAgreement,
    SupportMeasure,
)


@require_http_methods(["GET", "POST"])
@journaled_read("support.measure_form", household="household_id")
def measure_create(request, household_id):
    user = request.user
    household = households_visible_to(user).filter(pk=household_id).first()
    if household is None or not user.has_perm("support.manage_measure", household):
        raise Http404
    form = MeasureOpenForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measure = services.measure_open(
                actor=user,
                household_id=household.pk,
                programme_id=data["programme"].pk,
                start_date=data["start_date"],
                planned_end_date=data["planned_end_date"],
                intensity=data["intensity"],
                prescriber=data["prescriber"],
                requested=data["requested"],
                situation_at_entry=data["situation_at_entry"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Mesure « %(name)s » ouverte.") % {"name": measure.programme.name})
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "support/measure_form.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
@journaled_read("support.measure")
def measure_status(request, measure_id):
    user = request.user
    try:
        measure = queries.measure_for(user, measure_id)
    except SupportMeasure.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("support.manage_measure", measure.household):
        raise Http404
    read_of(request, household_id=measure.household_id, obj=measure)
    form = MeasureStatusForm(request.POST or None, user=user, measure=measure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_transition(
                actor=user,
                measure_id=measure.pk,
                to_status=data["to_status"],
                on_date=data["on_date"],
                comment=data["comment"],
                end_reason=data["end_reason"],
                outcome_id=data["outcome"].pk if data["outcome"] else None,
                expected_version=posted_version(form),
            )
        except StaleVersion as stale:
            # the measure moved since the page was shown: show its current status and its allowed moves
            measure = queries.measure_for(user, measure_id)
            form = MeasureStatusForm(request.POST, user=user, measure=measure)
            form.is_valid()
            form.add_error(None, stale.detail)
            form.data = form.data.copy() | {"version": str(stale.current_version)}
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Statut de la mesure enregistré."))
            return redirect("people:household_detail", household_id=measure.household_id)
    return render(request, "support/measure_status.html", {"form": form, "measure": measure})


@require_http_methods(["GET", "POST"])
@journaled_read("support.measure")
def measure_follow_up(request, measure_id):
    """The household's situation a year after the end of a closed measure (DOMAIN-2 W35), recorded or corrected."""
    user = request.user
    try:
        measure = queries.measure_for(user, measure_id)
    except SupportMeasure.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("support.manage_measure", measure.household):
        raise Http404
    read_of(request, household_id=measure.household_id, obj=measure)
    follow_up = queries.follow_up_of(measure)
    form = FollowUpForm(request.POST or None, follow_up=follow_up)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_record(
                actor=user,
                measure_id=measure.pk,
                observed_on=data["observed_on"],
                situation=data["situation"],
                arrears_over_three_months=data["arrears"],
                comment=data["comment"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Situation à un an enregistrée."))
            return redirect("people:household_detail", household_id=measure.household_id)
    context = {
        "form": form,
        "measure": measure,
        "follow_up": follow_up,
        "due_on": support_rules.follow_up_due_on(measure.end_date) if measure.end_date else None,
    }
    return render(request, "support/measure_follow_up.html", context)


@require_http_methods(["GET", "POST"])
def catalogue(request):
    """The organisation's programmes and measure outcomes, with the scheme and the funder category each counts
    as (directors)."""
    user = request.user
    if not user.has_perm("support.configure_catalogue"):
        raise Http404
    programme_form = ProgrammeForm(request.POST if "add_programme" in request.POST else None)
    outcome_form = OutcomeForm(request.POST if "add_outcome" in request.POST else None)
    if request.method == "POST" and "set_scheme" in request.POST:
        scheme_form = ProgrammeSchemeForm(request.POST)
        if not scheme_form.is_valid():
            raise Http404
        try:
            programme = services.programme_set_scheme(
                actor=user,
                programme_id=scheme_form.cleaned_data["programme"],
                scheme=scheme_form.cleaned_data["scheme"],
            )
        except Programme.DoesNotExist:
            raise Http404 from None
        messages.success(
            request,
            _("Type de « %(name)s » : %(scheme)s.")
            % {"name": programme.name, "scheme": programme.get_scheme_display()},
        )
        return redirect("support:catalogue")
    if request.method == "POST" and "set_category" in request.POST:
        category_form = OutcomeCategoryForm(request.POST)
        if not category_form.is_valid():
            raise Http404
        try:
            outcome = services.outcome_set_category(
                actor=user,
                outcome_id=category_form.cleaned_data["outcome"],
                category=category_form.cleaned_data["category"],
            )
        except MeasureOutcome.DoesNotExist:
            raise Http404 from None
        messages.success(
            request,
            _("Catégorie de « %(label)s » : %(category)s.")
            % {"label": outcome.label, "category": outcome.get_category_display() or _("non renseignée")},
        )
        return redirect("support:catalogue")
    if request.method == "POST":
        form, add = (
            (programme_form, lambda d: services.programme_add(actor=user, **d))
            if "add_programme" in request.POST
            else (outcome_form, lambda d: services.outcome_add(actor=user, **d))
        )
        if form.is_valid():
            try:
                add(form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Ajout enregistré."))
                return redirect("support:catalogue")
    outcomes = queries.outcomes_for(user, active_only=False)
    return render(
        request,
        "support/catalogue.html",
        {
            "programme_form": programme_form,
            "outcome_form": outcome_form,
            "programmes": queries.programmes_for(user, active_only=False),
            "schemes": ProgrammeSchemeForm.base_fields["scheme"].choices,
            "outcomes": [
                (
                    outcome,
                    OutcomeCategoryForm(
                        initial={"outcome": outcome.pk, "category": outcome.category}, prefix=None, auto_id=False
                    ),
                )
                for outcome in outcomes
            ],
        },
    )


@require_POST
def programme_toggle(request, programme_id):
    user = request.user
    if not user.has_perm("support.configure_catalogue"):
        raise Http404
    try:
        programme = services.programme_set_active(
            actor=user, programme_id=programme_id, active=request.POST.get("active") == "1"
        )
    except Programme.DoesNotExist:
        raise Http404 from None
    if programme.active:
        messages.success(request, _("« %(name)s » est de nouveau proposé.") % {"name": programme.name})
    else:
        messages.success(
            request, _("« %(name)s » n'est plus proposé pour de nouvelles mesures.") % {"name": programme.name}
        )
    return redirect("support:catalogue")


@require_http_methods(["GET", "POST"])
@journaled_read("support.intervention_form", household="household_id")
def intervention_create(request, household_id):
    user = request.user
    household = households_visible_to(user).filter(pk=household_id).first()
    if household is None or not user.has_perm("support.manage_measure", household):
        raise Http404
    form = InterventionForm(
        request.POST or None, household=household, may_restrict=user.has_perm("people.view_restricted", household)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.intervention_log(
                actor=user,
                household_id=household.pk,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                duration_minutes=data["duration_minutes"],
                note=data["note"],
                back_office=data["back_office"],
                measure_id=data["measure"].pk if data["measure"] else None,
                goal_id=data["goal"].pk if data["goal"] else None,
                restricted=data.get("restricted", False),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Intervention enregistrée."))
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "support/intervention_form.html", {"form": form, "household": household})


# --- the personalised plan: one page, its forms post back to it with an `action` ----------------------

PLAN_ACTIONS = ("start", "goal", "goal_status", "step", "step_status", "review", "signature")


def _plan_page_household(user, household_id):
    household = households_visible_to(user).filter(pk=household_id).first()
    if household is None or not user.has_perm("support.manage_measure", household):
        raise Http404
    return household


def _plan_forms(request, household, action):
    data = request.POST if request.method == "POST" else None
    may_health = request.user.has_perm("people.view_restricted", household)

    def bound(name):
        return data if action == name else None

    return {
        "start": PlanStartForm(bound("start")),
        "goal": GoalForm(bound("goal"), may_health=may_health),
        "step": StepForm(bound("step")),
        "review": ReviewForm(bound("review")),
        "signature": SignatureForm(bound("signature")),
    }


def _plan_write(user, plan, household, action, forms, post):
    """Run the write an action asks for; returns the form to show errors on, or None when saved."""
    if action == "start":
        form = forms["start"]
        if form.is_valid():
            plan_services.plan_start(actor=user, household_id=household.pk, **form.cleaned_data)
            return None
        return form
    if plan is None:
        raise Http404
    if action in ("goal_status", "step_status"):
        target = post.get("id")
        status = post.get("status", "")
        try:
            if action == "goal_status":
                plan_services.goal_set_status(actor=user, goal_id=target, status=status)
            else:
                plan_services.step_set_status(actor=user, step_id=target, status=status)
        except (PlanGoal.DoesNotExist, PlanStep.DoesNotExist, ValidationError) as error:
            raise Http404 from error
        return None
    form = forms[action]
    if not form.is_valid():
        return form
    data = form.cleaned_data
    if action == "goal":
        plan_services.goal_add(actor=user, plan_id=plan.pk, **data)
    elif action == "step":
        try:
            plan_services.step_add(actor=user, goal_id=data.pop("goal"), **data)
        except PlanGoal.DoesNotExist:
            raise Http404 from None
    elif action == "review":
        plan_services.review_record(actor=user, plan_id=plan.pk, **data)
    elif action == "signature":
        plan_services.signature_record(actor=user, plan_id=plan.pk, **data)
    return None


def _signature_confirmation(household, data, *, plan: bool, measure=None) -> Confirmation:
    """The confirmation before signing the personalised plan (`plan`) or the measure's support agreement."""
    facts = [
        (_("Ménage"), household.name),
        (_("Signé le"), f"{data['signed_on']:%d/%m/%Y}"),
        (_("Comment"), SignatureMethod(data["method"]).label),
        (_("Signataires"), data["signatories"]),
    ]
    if plan:
        return Confirmation(
            title=_("Signer le projet personnalisé"),
            facts=facts,
            consequences=[
                _("La signature est inscrite au projet et au journal : elle engage le ménage et l'association."),
                _(
                    "Une signature enregistrée ne se retire pas ; "
                    "une modification du projet appelle une nouvelle signature."
                ),
            ],
            action=_("Confirmer la signature"),
            cancel_url=reverse("support:plan_detail", kwargs={"household_id": household.pk}),
            danger=False,
        )
    return Confirmation(
        title=_("Signer le contrat d'accompagnement"),
        facts=facts,
        consequences=[
            _("La signature porte sur le texte du contrat tel qu'il est affiché : elle en nomme la version."),
            _("Une signature enregistrée ne se retire pas ; un texte réécrit appelle une nouvelle signature."),
        ],
        action=_("Confirmer la signature"),
        cancel_url=reverse("support:agreement", kwargs={"measure_id": measure.pk}),
        danger=False,
    )


@require_http_methods(["GET", "POST"])
@journaled_read("support.plan", household="household_id")
def plan_detail(request, household_id):
    user = request.user
    household = _plan_page_household(user, household_id)
    plan = queries.plan_of(user, household)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in PLAN_ACTIONS:
        raise Http404
    forms = _plan_forms(request, household, action)
    if action == "signature" and plan is not None and forms["signature"].is_valid() and not is_confirmed(request):
        return confirmation_page(
            request, _signature_confirmation(household, forms["signature"].cleaned_data, plan=True)
        )
    if action is not None:
        form = None
        try:
            form = _plan_write(user, plan, household, action, forms, request.POST)
        except ValidationError as error:
            form = forms.get(action)
            if form is None:
                raise Http404 from error
            apply_validation_error(form, error)
        if form is None:
            messages.success(request, _("Projet personnalisé enregistré."))
            return redirect("support:plan_detail", household_id=household.pk)
    context = {
        "household": household,
        "plan": plan,
        "forms": forms,
        "goal_statuses": GoalStatus.choices,
        "step_statuses": StepStatus.choices,
        "partner_names": partner_names(user) if plan is not None else [],
    }
    return render(request, "support/plan_detail.html", context)


@require_http_methods(["GET"])
@journaled_read("support.plan_pdf", household="household_id")
def plan_pdf(request, household_id):
    """The plan as a PDF, in plain French, with places for the signatures."""
    user = request.user
    household = _plan_page_household(user, household_id)
    plan = queries.plan_of(user, household)
    if plan is None:
        raise Http404
    read_of(request, household_id=household.pk, obj=plan)
    return pdf_response(
        "support/plan_pdf.html",
        {"plan": plan, "household": household, "members": household.members.all(), "organisation": user.organisation},
        filename=f"projet-personnalise-{household.pk}.pdf",
    )


@require_http_methods(["GET", "POST"])
@journaled_read("support.document_form", household="household_id")
def document_upload(request, household_id):
    user = request.user
    household = _plan_page_household(user, household_id)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document_services.document_upload(
                actor=user,
                household_id=household.pk,
                uploaded=data["file"],
                kind=data["kind"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Document ajouté."))
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "support/document_form.html", {"form": form, "household": household})


@require_http_methods(["GET"])
@journaled_read("support.document")
def document_download(request, document_id):
    user = request.user
    try:
        document = queries.document_for(user, document_id)
    except Document.DoesNotExist:
        raise Http404 from None
    read_of(request, household_id=document.household_id, obj=document)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


def _document_to_remove(request, document_id):
    """The document the user may archive or delete: not found when they neither added it nor are the household's
    referent (like any page out of the user's reach)."""
    try:
        document = queries.document_for(request.user, document_id)
    except Document.DoesNotExist:
        raise Http404 from None
    if not document_services.document_may_remove(request.user, document):
        raise Http404
    return document


@require_http_methods(["GET", "POST"])
@journaled_read("support.document_confirm")
def document_archive(request, document_id):
    document = _document_to_remove(request, document_id)
    read_of(request, household_id=document.household_id, obj=document)
    if request.method == "POST":
        document_services.document_archive(actor=request.user, document_id=document.pk)
        messages.success(request, _("Document archivé : il reste consultable parmi les documents archivés."))
        return redirect("people:household_detail", household_id=document.household_id)
    return render(request, "support/document_confirm.html", {"document": document, "action": "archive"})


@require_http_methods(["GET", "POST"])
@journaled_read("support.document_confirm")
def document_delete(request, document_id):
    document = _document_to_remove(request, document_id)
    read_of(request, household_id=document.household_id, obj=document)
    if request.method == "POST":
        document_services.document_delete(actor=request.user, document_id=document.pk)
        messages.success(request, _("Document supprimé."))
        return redirect("people:household_detail", household_id=document.household_id)
    return render(request, "support/document_confirm.html", {"document": document, "action": "delete"})


@require_GET
@journaled_read("support.documents", household="household_id")
def documents_archived(request, household_id):
    household = _plan_page_household(request.user, household_id)
    documents = list(queries.archived_documents_of(household).select_related("archived_by"))
    return render(request, "support/documents_archived.html", {"household": household, "documents": documents})


# --- appointments ------------------------------------------------------------------------------------


def _monday(request):
    from datetime import date, timedelta

    from django.utils import timezone

    try:
        day = date.fromisoformat(request.GET.get("semaine", ""))
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@require_http_methods(["GET"])
def calendar(request):
    """The user's week, day by day (a column a day on a wide screen, a list on a phone)."""
    if not request.user.has_perm("support.book_appointment"):
        raise Http404
    monday = _monday(request)
    start = timezone.make_aware(datetime.combine(monday, time.min))
    entries = registry.calendar_entries(request.user, start, start + timedelta(days=7))
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        days.append((day, [e for e in entries if timezone.localdate(e.starts_at) == day]))
    return render(
        request,
        "support/calendar.html",
        {
            "days": days,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@journaled_read("support.appointment_form")
def appointment_create(request):
    from habiter.people.queries import households_searchable_by

    user = request.user
    if not user.has_perm("support.book_appointment"):
        raise Http404
    household = None
    household_id = request.POST.get("household") or request.GET.get("menage")
    if household_id:
        try:
            household = households_searchable_by(user).filter(pk=household_id).first()
        except ValidationError:
            household = None
        if household is None:
            raise Http404
    read_of(request, household_id=household.pk if household else None)
    form = AppointmentForm(request.POST or None, user=user, initial={"household": household.pk if household else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = appointment_services.appointment_book(
                actor=user,
                worker_id=data["worker"].pk,
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                household_id=household.pk if household else None,
                place=data["place"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Rendez-vous enregistré."))
            target = reverse("support:calendar") + f"?semaine={timezone.localdate(appointment.starts_at).isoformat()}"
            return redirect(target)
    return render(request, "support/appointment_form.html", {"form": form, "household": household})


def _appointment_page(request, appointment_id):
    """The appointment the user may change, with its household's read journaled; else 404."""
    try:
        appointment = appointment_services.appointment_for(request.user, appointment_id)
    except Appointment.DoesNotExist:
        raise Http404 from None
    read_of(request, household_id=appointment.household_id, obj=appointment)
    return appointment


def _week_of(appointment) -> str:
    return reverse("support:calendar") + f"?semaine={timezone.localdate(appointment.starts_at).isoformat()}"


@require_http_methods(["GET", "POST"])
@journaled_read("support.appointment_form")
def appointment_edit(request, appointment_id):
    """Edit or move an appointment; the page also cancels it and says whether the household came."""
    user = request.user
    appointment = _appointment_page(request, appointment_id)
    planned = appointment.status == AppointmentStatus.PLANNED
    form = AppointmentForm(request.POST if request.method == "POST" else None, user=user, appointment=appointment)
    if request.method == "POST" and planned and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = appointment_services.appointment_update(
                actor=user,
                appointment_id=appointment.pk,
                worker_id=data["worker"].pk,
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                expected_version=posted_version(form),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Rendez-vous modifié."))
            return redirect(_week_of(appointment))
    attendance = AppointmentAttendanceForm(initial={"version": appointment.version})
    return render(
        request,
        "support/appointment_edit.html",
        {
            "appointment": appointment,
            "form": form,
            "planned": planned,
            "attendance": attendance,
            "started": timezone.now() >= appointment.starts_at,
        },
    )


@require_http_methods(["GET", "POST"])
@journaled_read("support.appointment_cancel")
def appointment_cancel(request, appointment_id):
    """Cancel an appointment with its reason, after a confirmation page."""
    appointment = _appointment_page(request, appointment_id)
    form = AppointmentCancelForm(request.POST or None, initial={"version": appointment.version})
    if request.method == "POST" and form.is_valid():
        if not is_confirmed(request):
            facts = [(_("Rendez-vous"), appointment.title), (_("Motif"), form.cleaned_data["reason"])]
            if appointment.household:
                facts.insert(1, (_("Ménage"), appointment.household.name))
            consequences = [_("Le créneau est libéré ; le rendez-vous reste visible, barré, dans l'agenda.")]
            if appointment.worker_id != request.user.pk:
                consequences.append(_("%(worker)s est prévenu·e par courriel.") % {"worker": appointment.worker})
            if appointment.household and appointment.household.email:
                consequences.append(_("Le ménage est prévenu par courriel."))
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Annuler le rendez-vous « %(title)s » ?") % {"title": appointment.title},
                    consequences=consequences,
                    action=_("Annuler le rendez-vous"),
                    cancel_url=reverse("support:appointment_edit", args=[appointment.pk]),
                    facts=facts,
                ),
            )
        try:
            appointment_services.appointment_cancel(
                actor=request.user,
                appointment_id=appointment.pk,
                reason=form.cleaned_data["reason"],
                expected_version=posted_version(form),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Rendez-vous annulé."))
            return redirect(_week_of(appointment))
    return render(request, "support/appointment_cancel.html", {"appointment": appointment, "form": form})


@require_POST
def appointment_attendance(request, appointment_id):
    """« Venu » / « pas venu », once the appointment has started."""
    try:
        appointment = appointment_services.appointment_for(request.user, appointment_id)
    except Appointment.DoesNotExist:
        raise Http404 from None
    form = AppointmentAttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez si le ménage est venu."))
        return redirect("support:appointment_edit", appointment_id=appointment.pk)
    try:
        appointment = appointment_services.appointment_mark(
            actor=request.user,
            appointment_id=appointment.pk,
            attended=form.cleaned_data["attended"],
            expected_version=posted_version(form),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("support:appointment_edit", appointment_id=appointment.pk)
    messages.success(request, _("Présence enregistrée : %(status)s.") % {"status": appointment.get_status_display()})
    return redirect(_week_of(appointment))


@require_http_methods(["GET", "POST"])
def calendar_feed(request):
    """The private address of the user's calendar: create it, renew it (the old one stops), or delete it."""
    user = request.user
    if not user.has_perm("support.book_appointment"):
        raise Http404
    address = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            appointment_services.calendar_feed_revoke(actor=user)
            messages.success(request, _("L'adresse de votre agenda est supprimée."))
            return redirect("support:calendar_feed")
        raw = appointment_services.calendar_feed_renew(actor=user)
        address = request.build_absolute_uri(reverse("support:calendar_ics", args=[raw]))
    has_feed = CalendarFeed.objects.filter(user=user).exists()
    return render(request, "support/calendar_feed.html", {"address": address, "has_feed": has_feed})


@login_not_required
@require_http_methods(["GET"])
def calendar_ics(request, key):
    """The calendar feed itself: no login, the secret address is the key (revocable)."""
    user = queries.feed_owner(key)
    if user is None:
        raise Http404
    now = timezone.now()
    entries = registry.calendar_entries(user, now - timedelta(days=30), now + timedelta(days=366))
    body = ics_render(entries, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- the support agreement -----------------------------------------------------------------------------


def _agreement_measure(request, measure_id):
    user = request.user
    try:
        measure = queries.measure_for(user, measure_id)
    except SupportMeasure.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("support.manage_measure", measure.household):
        raise Http404
    read_of(request, household_id=measure.household_id, obj=measure)
    return measure


@require_http_methods(["GET", "POST"])
@journaled_read("support.agreement")
def agreement(request, measure_id):
    user = request.user
    measure = _agreement_measure(request, measure_id)
    current = SupportAgreement.objects.filter(measure=measure).first()
    action = request.POST.get("action") if request.method == "POST" else None
    form = AgreementForm(request.POST if action == "write" else None, initial=_agreement_initial(current))
    sign_form = AgreementSignatureForm(
        request.POST if action == "sign" else None, initial={"version": current.version if current else 0}
    )
    bound = {"write": form, "sign": sign_form}.get(action)
    if action == "sign" and current is not None and sign_form.is_valid() and not is_confirmed(request):
        return confirmation_page(
            request, _signature_confirmation(measure.household, sign_form.cleaned_data, plan=False, measure=measure)
        )
    if bound is not None and bound.is_valid():
        try:
            if action == "write":
                services.agreement_write(
                    actor=user,
                    measure_id=measure.pk,
                    household_commitments=form.cleaned_data["household_commitments"],
                    association_commitments=form.cleaned_data["association_commitments"],
                    expected_version=posted_version(form),
                )
            else:
                data = sign_form.cleaned_data
                services.agreement_sign(
                    actor=user,
                    measure_id=measure.pk,
                    signed_on=data["signed_on"],
                    method=data["method"],
                    signatories=data["signatories"],
                    expected_version=posted_version(sign_form),
                )
        except StaleVersion as stale:
            current = SupportAgreement.objects.filter(measure=measure).first()
            if action == "write":
                show_stale(form, stale, AgreementForm(initial=_agreement_initial(current)))
            else:
                sign_form.add_error(None, stale.detail)
                sign_form.data = sign_form.data.copy() | {"version": str(stale.current_version)}
        except ValidationError as error:
            apply_validation_error(bound, error)
        else:
            messages.success(request, _("Contrat d'accompagnement enregistré."))
            return redirect("support:agreement", measure_id=measure.pk)
    return render(
        request,
        "support/agreement.html",
        {"measure": measure, "agreement": current, "form": form, "sign_form": sign_form},
    )


def _agreement_initial(current) -> dict:
    if current is None:
        return {"version": 0}
    return {
        "household_commitments": current.household_commitments,
        "association_commitments": current.association_commitments,
        "version": current.version,
    }


@require_http_methods(["GET"])
@journaled_read("support.agreement_pdf")
def agreement_pdf(request, measure_id):
    user = request.user
    measure = _agreement_measure(request, measure_id)
    current = SupportAgreement.objects.filter(measure=measure).first()
    if current is None:
        raise Http404
    read_of(request, household_id=measure.household_id, obj=current)
    return pdf_response(
        "support/agreement_pdf.html",
        {
            "agreement": current,
            "measure": measure,
            "household": measure.household,
            "members": measure.household.members.all(),
            "organisation": user.organisation,
        },
        filename=f"contrat-accompagnement-{measure.pk}.pdf",
    )
