from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.forms import apply_validation_error
from habiter.core.reads import journaled_list, journaled_read, listed, read_of

from . import queries, services
from .forms import (
    DayForm,
    DeskVisitForm,
    EnrolmentForm,
    ReferralForm,
    ReferralRedirectForm,
    ReferralReopenForm,
    ReferralTakeUpForm,
    WorkshopForm,
    WorkshopSessionForm,
)
from .models import DeskVisit, Referral, Workshop, WorkshopSession
from .permissions import REFERRAL_RECIPIENT_ROLES

SESSIONS_SHOWN_SINCE_DAYS = 60


# --- the reception desk -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@journaled_list("reception.household_search")
def desk_visit_create(request):
    """Note a visit, then a blank form again for the next visitor. The household search (optional) answers
    an htmx request with the list of choices only."""
    user = request.user
    if not user.has_perm("reception.log_visit"):
        raise Http404
    text = request.GET.get("household_q", "").strip()[:200]
    candidates = queries.household_candidates(user, text)
    listed(request, [household.pk for household in candidates])
    if request.htmx and request.method == "GET":
        return render(
            request, "reception/_household_choices.html", {"candidates": candidates, "searched": text, "selected": None}
        )
    initial = {"household_q": text, "present_professional": queries.present_professional_today(user)}
    form = DeskVisitForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.desk_visit_record(
                actor=user,
                visited_at=data["visited_at"],
                topics=data["topics"],
                age_bracket=data["age_bracket"],
                sex=data["sex"],
                postcode=data["postcode"],
                information_given=data["information_given"],
                referral_partner=data["referral_partner"],
                referral_worker_id=data["referral_worker"].pk if data["referral_worker"] else None,
                household_id=data["household"],
                present_professional_id=data["present_professional"].pk if data.get("present_professional") else None,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            count = queries.desk_visits_today_count(user)
            messages.success(
                request,
                _("Passage enregistré (%(count)s aujourd'hui). Le formulaire est prêt pour la personne suivante.")
                % {"count": count},
            )
            return redirect("reception:desk_visit_create")
    selected = queries.searchable_household(user, request.POST.get("household")) if request.method == "POST" else None
    listed(request, [household.pk for household in candidates] + ([selected.pk] if selected else []))
    return render(
        request,
        "reception/desk_visit_form.html",
        {"form": form, "candidates": candidates, "searched": text, "selected": selected},
    )


@require_GET
def desk_visit_list(request):
    user = request.user
    if not user.has_perm("reception.log_visit"):
        raise Http404
    today = timezone.localdate()
    form = DayForm(request.GET or None, initial={"date": today})
    day = (form.cleaned_data["date"] if form.is_valid() else None) or today
    visits = list(queries.desk_visits_on(user, day))
    rows = [
        {
            "visit": visit,
            "can_open": visit.household_id is not None and user.has_perm("people.view_household", visit.household),
        }
        for visit in visits
    ]
    return render(
        request,
        "reception/desk_visit_list.html",
        {
            "form": form,
            "day": day,
            "today": today,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < today else None,
            "rows": rows,
            "anonymous_count": sum(1 for v in visits if v.anonymous),
        },
    )


# --- workshops ----------------------------------------------------------------------------------------


@require_GET
def workshop_list(request):
    user = request.user
    if not user.has_perm("reception.view_workshops"):
        raise Http404
    since = timezone.localdate() - timedelta(days=SESSIONS_SHOWN_SINCE_DAYS)
    return render(
        request,
        "reception/workshop_list.html",
        {
            "workshops": queries.workshops_for(user, since=since),
            "since": since,
            "now": timezone.now(),
            "can_manage": user.has_perm("reception.manage_workshops"),
        },
    )


@require_http_methods(["GET", "POST"])
def workshop_create(request):
    user = request.user
    if not user.has_perm("reception.manage_workshops"):
        raise Http404
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Atelier « %(title)s » créé : ajoutez sa première séance.") % {"title": workshop.title}
            )
            return redirect("reception:session_create", workshop_id=workshop.pk)
    return render(request, "reception/workshop_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def session_create(request, workshop_id):
    user = request.user
    if not user.has_perm("reception.manage_workshops"):
        raise Http404
    try:
        workshop = queries.workshop_for(user, workshop_id)
    except Workshop.DoesNotExist:
        raise Http404 from None
    form = WorkshopSessionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.workshop_session_create(
                actor=user,
                workshop_id=workshop.pk,
                starts_at=data["starts_at"],
                place=data["place"],
                facilitator_id=data["facilitator"].pk,
                capacity=data["capacity"],
                present_professional_id=data["present_professional"].pk if data["present_professional"] else None,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Séance enregistrée."))
            return redirect("reception:session_detail", session_id=session.pk)
    return render(request, "reception/session_form.html", {"form": form, "workshop": workshop})


def _session_or_404(user, session_id) -> WorkshopSession:
    if not user.has_perm("reception.view_workshops"):
        raise Http404
    try:
        return queries.session_for(user, session_id)
    except WorkshopSession.DoesNotExist:
        raise Http404 from None


def _session_page(request, session, *, enrolment_form=None, attendance_errors=(), status=200):
    """The session page: its enrolled households, the attendance form and the household search."""
    user = request.user
    enrolments = list(session.enrolments.all())
    can_enrol = user.has_perm("reception.manage_workshops")
    text = request.GET.get("q", "").strip()[:200] if can_enrol else ""
    enrolled = {e.household_id for e in enrolments}
    candidates = [h for h in queries.household_candidates(user, text) if h.pk not in enrolled] if text else []
    listed(request, [household.pk for household in candidates])  # the enrolled: the session's list, not a search
    return render(
        request,
        "reception/session_detail.html",
        {
            "session": session,
            "rows": [
                {"enrolment": e, "can_open": user.has_perm("people.view_household", e.household)} for e in enrolments
            ],
            "enrolled_count": len(enrolments),
            "places_left": max(session.capacity - len(enrolments), 0),
            "can_enrol": can_enrol,
            "can_take_attendance": user.has_perm("reception.take_attendance"),
            "started": timezone.localdate(session.starts_at) <= timezone.localdate(),
            "searched": text,
            "candidates": candidates,
            "enrolment_form": enrolment_form,
            "attendance_errors": attendance_errors,
        },
        status=status,
    )


@require_GET
@journaled_list("reception.session_search")
def session_detail(request, session_id):
    return _session_page(request, _session_or_404(request.user, session_id))


@require_POST
@journaled_list("reception.session_search")
def enrolment_add(request, session_id):
    user = request.user
    session = _session_or_404(user, session_id)
    if not user.has_perm("reception.manage_workshops"):
        raise Http404
    form = EnrolmentForm(request.POST)
    if form.is_valid():
        try:
            enrolment = services.enrolment_add(
                actor=user, session_id=session.pk, household_id=form.cleaned_data["household"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Ménage %(name)s inscrit.") % {"name": enrolment.household.name})
            return redirect("reception:session_detail", session_id=session.pk)
    return _session_page(request, session, enrolment_form=form)


@require_POST
@journaled_list("reception.session_search")
def attendance_take(request, session_id):
    user = request.user
    session = _session_or_404(user, session_id)
    if not user.has_perm("reception.take_attendance"):
        raise Http404
    try:
        services.attendance_take(actor=user, session_id=session.pk, present_ids=request.POST.getlist("present"))
    except ValidationError as error:
        return _session_page(request, session, attendance_errors=error.messages)
    messages.success(request, _("Présences enregistrées."))
    return redirect("reception:session_detail", session_id=session.pk)


# --- referrals (orientations) -------------------------------------------------------------------------------------


def _back(request, default="reception:referral_list"):
    """Where a referral's button sends back: the page it was on (the home page, the list), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _referral_or_404(user, referral_id) -> Referral:
    try:
        return queries.referral_for(user, referral_id)
    except Referral.DoesNotExist:
        raise Http404 from None


@require_GET
def referral_list(request):
    """My referrals to take up, those I sent, and for a team lead or a director the open ones they oversee."""
    user = request.user
    if not user.has_perm("reception.refer"):
        raise Http404
    page = queries.referrals_page(user)
    return render(
        request,
        "reception/referral_list.html",
        {
            **page,
            **{
                f"rows_{key}": [_referral_row(user, referral) for referral in page[key]]
                for key in ("to_take_up", "taken_up_recently", "sent", "overseen")
            },
            # the desk (reception, volunteers) sends referrals and receives none: no empty « to take up » section
            "receives": user.role in REFERRAL_RECIPIENT_ROLES,
        },
    )


def _can_open(user, referral) -> bool:
    return referral.household_id is not None and user.has_perm("people.view_household", referral.household)


def _referral_row(user, referral) -> dict:
    """A referral and what the user may do with it (no query: its people and household are loaded)."""
    return {
        "referral": referral,
        "can_open": _can_open(user, referral),
        "can_take_up": referral.is_open and user.has_perm("reception.take_up_referral", referral),
        "can_manage": user.has_perm("reception.manage_referral", referral),
    }


@require_http_methods(["GET", "POST"])
@journaled_list("reception.household_search")
def referral_create(request):
    """Refer a person to a colleague. From a desk visit (`?visite=<id>`) the visit and its household are filled in.
    The household search answers an htmx request with the list of choices only, as on the desk visit form."""
    user = request.user
    if not user.has_perm("reception.refer"):
        raise Http404
    visit = None
    visit_id = request.POST.get("desk_visit") if request.method == "POST" else request.GET.get("visite")
    if visit_id:
        try:
            visit = queries.desk_visit_for(user, visit_id)
        except DeskVisit.DoesNotExist:
            raise Http404 from None
    text = request.GET.get("household_q", "").strip()[:200]
    candidates = queries.household_candidates(user, text)
    if request.htmx and request.method == "GET":
        listed(request, [household.pk for household in candidates])
        return render(
            request, "reception/_household_choices.html", {"candidates": candidates, "searched": text, "selected": None}
        )
    initial = {"household_q": text}
    if visit is not None:
        initial["desk_visit"] = visit.pk
    form = ReferralForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=user,
                to_user_id=data["to_user"].pk,
                reason=data["reason"],
                household_id=data["household"],
                desk_visit_id=visit.pk if visit else None,
                visitor_name=data["visitor_name"],
                visitor_phone=data["visitor_phone"],
                visitor_email=data["visitor_email"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(person)s est orienté·e vers %(to)s : l'orientation est sur sa page d'accueil.")
                % {"person": referral.person_name, "to": referral.to_user},
            )
            return redirect("reception:referral_list")
    selected = None
    if request.method == "POST":
        selected = queries.searchable_household(user, request.POST.get("household"))
    elif visit is not None and visit.household_id:
        selected = queries.searchable_household(user, visit.household_id)
    listed(request, [household.pk for household in candidates] + ([selected.pk] if selected else []))
    return render(
        request,
        "reception/referral_form.html",
        {"form": form, "candidates": candidates, "searched": text, "selected": selected, "visit": visit},
    )


@require_POST
def referral_take_up(request, referral_id):
    user = request.user
    referral = _referral_or_404(user, referral_id)
    if not user.has_perm("reception.take_up_referral", referral):
        raise Http404
    form = ReferralTakeUpForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.referral_take_up(actor=user, referral_id=referral.pk, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Orientation de %(person)s prise en charge.") % {"person": referral.person_name})
    return _back(request)


@require_POST
def referral_reopen(request, referral_id):
    user = request.user
    referral = _referral_or_404(user, referral_id)
    if not user.has_perm("reception.manage_referral", referral):
        raise Http404
    form = ReferralReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(request)
    try:
        services.referral_reopen(actor=user, referral_id=referral.pk, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("L'orientation de %(person)s est de nouveau à prendre en charge.") % {"person": referral.person_name},
        )
    return _back(request)


@require_http_methods(["GET", "POST"])
@journaled_read("reception.referral")
def referral_redirect(request, referral_id):
    """Send an open referral on to another colleague, with the reason."""
    user = request.user
    referral = _referral_or_404(user, referral_id)
    if not user.has_perm("reception.manage_referral", referral):
        raise Http404
    form = ReferralRedirectForm(request.POST or None, user=user, exclude_id=referral.to_user_id)
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.referral_redirect(
                actor=user,
                referral_id=referral.pk,
                to_user_id=form.cleaned_data["to_user"].pk,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(person)s est réorienté·e vers %(to)s.")
                % {"person": referral.person_name, "to": successor.to_user},
            )
            return redirect("reception:referral_list")
    read_of(request, household_id=referral.household_id, obj=referral)
    return render(
        request,
        "reception/referral_redirect.html",
        {"form": form, "referral": referral, "can_open": _can_open(user, referral)},
    )
