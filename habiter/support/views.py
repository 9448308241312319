from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from habiter.people.queries import households_visible_to

from . import queries, services
from .forms import InterventionForm, MeasureOpenForm, MeasureStatusForm, OutcomeForm, ProgrammeForm
from .models import Programme, SupportMeasure


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
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
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Mesure « %(name)s » ouverte.") % {"name": measure.programme.name})
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "support/measure_form.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
def measure_status(request, measure_id):
    user = request.user
    try:
        measure = queries.measure_for(user, measure_id)
    except SupportMeasure.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("support.manage_measure", measure.household):
        raise Http404
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
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Statut de la mesure enregistré."))
            return redirect("people:household_detail", household_id=measure.household_id)
    return render(request, "support/measure_status.html", {"form": form, "measure": measure})


@require_http_methods(["GET", "POST"])
def catalogue(request):
    """The organisation's programmes and measure outcomes (directors)."""
    user = request.user
    if not user.has_perm("support.configure_catalogue"):
        raise Http404
    programme_form = ProgrammeForm(request.POST if "add_programme" in request.POST else None)
    outcome_form = OutcomeForm(request.POST if "add_outcome" in request.POST else None)
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
                _apply_errors(form, error)
            else:
                messages.success(request, _("Ajout enregistré."))
                return redirect("support:catalogue")
    return render(
        request,
        "support/catalogue.html",
        {
            "programme_form": programme_form,
            "outcome_form": outcome_form,
            "programmes": queries.programmes_for(user, active_only=False),
            "outcomes": queries.outcomes_for(user, active_only=False),
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
                restricted=data.get("restricted", False),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Intervention enregistrée."))
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "support/intervention_form.html", {"form": form, "household": household})
