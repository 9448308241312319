"""Pages of `residences`: thin views over queries.py and services.py."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404, require_perm
from habiter.core.reads import journaled_list, journaled_read, listed, read_of

from . import concertation, queries, services
from . import registry as contract_registry  # the contract panels and the RI consultation (W12)
from . import rules as residence_rules
from .forms import (
    ActivityForm,
    AttachHouseholdForm,
    DecisionForm,
    EntryForm,
    EntrySituationForm,
    ExitForm,
    HouseRulesForm,
    InterviewForm,
    InterviewOutcomeForm,
    NotifyForm,
    OccupancyDayForm,
    OrientationEntryForm,
    OrientationForm,
    PlaceForm,
    ResidenceForm,
    SupportForm,
    SupportKindForm,
    VacancyForm,
)
from .models import HOSTING_STAFF_KINDS, ExitDestination
from .young_workers_views import pse_form

PAGE_SIZE = 25


@require_GET
def residence_list(request):
    user = request.user
    require_perm(user, "residences.view_residence")
    text = request.GET.get("q", "").strip()[:200]
    page = Paginator(queries.residence_list(user, text=text), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "residences/residence_list.html",
        {"page": page, "text": text, "can_manage": user.has_perm("residences.manage_residence")},
    )


@require_GET
@journaled_list("residences.occupancy")
def residence_detail(request, residence_id):
    user = request.user
    residence = get_or_404(queries.residence_for_page, user, residence_id)
    places = list(residence.places.all())
    today = timezone.localdate()
    # the places' status on the day asked for (`?le=`), else today; a bad date is said and today shown
    day_form = OccupancyDayForm(request.GET if request.GET.get("le") else None, initial={"le": today})
    on = day_form.cleaned_data["le"] if day_form.is_bound and day_form.is_valid() else today
    statuses = queries.occupancy(residence, on=on)
    contracts = list(queries.residence_contracts(residence))
    guest_alerts = queries.guest_alerts(residence, today)
    can_manage = user.has_perm("residences.manage_residence")
    listed(
        request,
        [s.stay.household_id for s in statuses if s.stay is not None] + [c.household_id for c in contracts],
    )
    return render(
        request,
        "residences/residence_detail.html",
        {
            "residence": residence,
            "places": places,
            "statuses": statuses,
            "today": today,
            "on": on,
            "on_today": on == today,  # another day's statuses are read only: no entry, exit nor contract to make
            "day_form": day_form,
            "vacancies": _vacancy_rows(residence),
            "contracts": contracts,
            "guest_alerts": guest_alerts,
            "can_contract": user.has_perm("residences.run_contracts"),
            "can_admit": user.has_perm("residences.run_admissions"),
            "hosts": list(residence.hosts.all()),
            "house_rules": list(residence.house_rules.all()),
            "soft_max": residence_rules.places_above_soft_max(len(places), today, queries.legal_params()),
            # W12: from 30 residents under contract, a conseil de concertation (none recorded: warned)
            "concertation_missing": concertation.residence_concertation_missing(residence, today),
            "can_manage": can_manage,
            "can_keep_maxima": user.has_perm("residences.keep_apl_maxima"),
            # W38: a foyer de jeunes travailleurs' CAF PSE, recorded by the director
            "young_workers_pse": list(queries.young_workers_pse(residence)) if residence.young_workers else [],
            "pse_form": pse_form(today=today) if can_manage and residence.young_workers else None,
            # W34: the hosts' time of a boarding house, typed by the director on its own page
            "has_hosts": residence.kind in HOSTING_STAFF_KINDS,
            "hosting_staff": list(queries.hosting_staff(residence)) if residence.kind in HOSTING_STAFF_KINDS else [],
        },
    )


def _residence_form_page(request, residence=None):
    user = request.user
    require_perm(user, "residences.manage_residence")
    initial = {}
    if residence is not None:
        initial = {f: getattr(residence, f) for f in services.RESIDENCE_FIELDS} | {
            "hosts": [h.pk for h in residence.hosts.all()]
        }
    form = ResidenceForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        host_ids = [h.pk for h in data.pop("hosts")]
        try:
            if residence is None:
                residence = services.residence_create(actor=user, data=data, host_ids=host_ids)
            else:
                residence = services.residence_update(
                    actor=user, residence_id=residence.pk, data=data, host_ids=host_ids
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Résidence « %(name)s » enregistrée.") % {"name": residence.name})
            return redirect("residences:residence_detail", residence_id=residence.pk)
    return render(request, "residences/residence_form.html", {"form": form, "residence": residence})


@require_http_methods(["GET", "POST"])
def residence_create(request):
    return _residence_form_page(request)


@require_http_methods(["GET", "POST"])
def residence_edit(request, residence_id):
    residence = get_or_404(queries.residence_for_page, request.user, residence_id)
    return _residence_form_page(request, residence)


def _place_form_page(request, residence, place=None):
    user = request.user
    require_perm(user, "residences.manage_residence")
    initial = {f: getattr(place, f) for f in services.PLACE_FIELDS} if place is not None else {}
    form = PlaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if place is None:
                place, soft_max = services.place_create(actor=user, residence_id=residence.pk, data=form.cleaned_data)
            else:
                place, soft_max = services.place_update(actor=user, place_id=place.pk, data=form.cleaned_data), None
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Place « %(label)s » enregistrée.") % {"label": place.label})
            if soft_max is not None:
                messages.warning(
                    request,
                    ngettext(
                        "La résidence dépasse %(max)d place : une pension de famille en compte au plus une "
                        "vingtaine (repère, pas une interdiction).",
                        "La résidence dépasse %(max)d places : une pension de famille en compte au plus une "
                        "vingtaine (repère, pas une interdiction).",
                        soft_max,
                    )
                    % {"max": soft_max},
                )
            return redirect("residences:residence_detail", residence_id=residence.pk)
    return render(request, "residences/place_form.html", {"form": form, "residence": residence, "place": place})


@require_http_methods(["GET", "POST"])
def place_create(request, residence_id):
    residence = get_or_404(queries.residence_for_page, request.user, residence_id)
    return _place_form_page(request, residence)


@require_http_methods(["GET", "POST"])
def place_edit(request, place_id):
    place = get_or_404(queries.place_for_page, request.user, place_id)
    return _place_form_page(request, place.residence, place)


@require_http_methods(["GET", "POST"])
def house_rules_add(request, residence_id):
    user = request.user
    residence = get_or_404(queries.residence_for_page, user, residence_id)
    require_perm(user, "residences.manage_residence")
    consultation = contract_registry.rules_consultation(residence, timezone.localdate())
    form = HouseRulesForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.house_rules_add(actor=user, residence_id=residence.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Nouvelle version du règlement intérieur enregistrée."))
            return redirect("residences:residence_detail", residence_id=residence.pk)
    return render(request, "residences/house_rules_form.html", {"form": form, "residence": residence})


@require_http_methods(["GET", "POST"])
def place_entry(request, place_id):
    """A resident enters a free place. The form offers the members of the households the user may open."""
    user = request.user
    place = get_or_404(queries.place_for_page, user, place_id)
    require_perm(user, "residences.manage_residence")
    form = EntryForm(request.POST or None, user=user, initial={"entered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            stay = services.stay_enter(
                actor=user,
                place_id=place.pk,
                resident_id=form.cleaned_data["resident"].pk,
                entered_on=form.cleaned_data["entered_on"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Entrée de %(name)s enregistrée à la place %(label)s.")
                % {"name": stay.resident, "label": place.label},
            )
            return redirect("residences:residence_detail", residence_id=place.residence_id)
    return render(request, "residences/entry_form.html", {"form": form, "place": place})


@require_http_methods(["GET", "POST"])
@journaled_read("residences.stay")
def stay_exit(request, stay_id):
    user = request.user
    stay = get_or_404(queries.stay_for_page, user, stay_id)
    require_perm(user, "residences.manage_residence")
    form = ExitForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_exit(actor=user, stay_id=stay.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Sortie de %(name)s enregistrée.") % {"name": stay.resident})
            return redirect("residences:residence_detail", residence_id=stay.place.residence_id)
    read_of(request, household_id=stay.household_id, obj=stay)
    return render(request, "residences/exit_form.html", {"form": form, "stay": stay})


@require_http_methods(["GET", "POST"])
@journaled_read("residences.stay")
def stay_entry_situation(request, stay_id):
    """Where the resident lived before entering, and their main resource then (W33, W34), said or corrected by a
    host or the director."""
    user = request.user
    stay = get_or_404(queries.stay_for_page, user, stay_id)
    require_perm(user, "residences.run_admissions")
    initial = {"situation_before_entry": stay.situation_before_entry, "main_resource": stay.main_resource}
    form = EntrySituationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_entry_situation(actor=user, stay_id=stay.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Situation à l'entrée de %(name)s enregistrée.") % {"name": stay.resident})
            return redirect("residences:residence_detail", residence_id=stay.place.residence_id)
    read_of(request, household_id=stay.household_id, obj=stay)
    return render(request, "residences/entry_situation_form.html", {"form": form, "stay": stay})


# --- admissions through the SIAO ---------------------------------------------------------------------------


def _vacancy_rows(residence) -> list[dict]:
    rows = []
    for vacancy in queries.vacancies_of(residence):
        orientations = list(vacancy.orientations.all())
        delay = None
        if vacancy.filled_by is not None:
            delay = residence_rules.days_from_vacancy_to_entry(vacancy.declared_on, vacancy.filled_by.entered_on)
        rows.append({"vacancy": vacancy, "orientations": len(orientations), "delay": delay})
    return rows


@require_http_methods(["GET", "POST"])
def vacancy_declare(request, place_id):
    user = request.user
    place = get_or_404(queries.place_for_page, user, place_id)
    require_perm(user, "residences.run_admissions")
    form = VacancyForm(request.POST or None, initial={"declared_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_declare(actor=user, place_id=place.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Vacance de la place %(label)s déclarée au SIAO.") % {"label": place.label})
            return redirect("residences:vacancy_detail", vacancy_id=vacancy.pk)
    return render(request, "residences/vacancy_form.html", {"form": form, "place": place})


@require_GET
@journaled_list("residences.orientation")
def vacancy_detail(request, vacancy_id):
    user = request.user
    vacancy = get_or_404(queries.vacancy_for_page, user, vacancy_id)
    require_perm(user, "residences.run_admissions")
    orientations = list(vacancy.orientations.all())
    listed(request, [o.household_id for o in orientations if o.household_id])
    delay = None
    if vacancy.filled_by is not None:
        delay = residence_rules.days_from_vacancy_to_entry(vacancy.declared_on, vacancy.filled_by.entered_on)
    return render(
        request,
        "residences/vacancy_detail.html",
        {"vacancy": vacancy, "orientations": orientations, "delay": delay},
    )


@require_http_methods(["GET", "POST"])
def orientation_add(request, vacancy_id):
    user = request.user
    vacancy = get_or_404(queries.vacancy_for_page, user, vacancy_id)
    require_perm(user, "residences.run_admissions")
    form = OrientationForm(request.POST or None, user=user, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        household = data.pop("household", None)
        try:
            orientation = services.orientation_receive(
                actor=user, vacancy_id=vacancy.pk, household_id=household and household.pk, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Orientation de %(name)s enregistrée.") % {"name": orientation.candidate_name})
            return redirect("residences:orientation_detail", orientation_id=orientation.pk)
    return render(request, "residences/orientation_form.html", {"form": form, "vacancy": vacancy})


ATTACH = "household"  # the step that names the household of a candidate oriented without a file
INTERVIEW_STEPS = (residence_rules.INTERVIEW, residence_rules.INTERVIEW_OUTCOME)  # in the interviews' card

STEP_FORMS = {
    residence_rules.DECISION: DecisionForm,
    residence_rules.NOTIFICATION: NotifyForm,
}


def _step_form(step, orientation, user, data=None):
    today = timezone.localdate()
    if step == residence_rules.INTERVIEW:
        return InterviewForm(data, user=user, initial={"held_on": today, "led_by": user.pk}, prefix=step)
    if step == residence_rules.INTERVIEW_OUTCOME:
        return InterviewOutcomeForm(data, orientation=orientation, prefix=step)
    if step == residence_rules.ENTRY:
        if orientation.household_id is None:
            return None
        return OrientationEntryForm(data, household=orientation.household, initial={"entered_on": today}, prefix=step)
    initial = {
        residence_rules.DECISION: {"decided_on": today},
        residence_rules.NOTIFICATION: {"notified_on": today},
    }[step]
    return STEP_FORMS[step](data, initial=initial, prefix=step)


def _save_step(user, step, orientation, data):
    if step == residence_rules.INTERVIEW:
        led_by = data.pop("led_by")
        services.orientation_interview_add(actor=user, orientation_id=orientation.pk, led_by_id=led_by.pk, **data)
    elif step == residence_rules.INTERVIEW_OUTCOME:
        interview = data.pop("interview")
        services.orientation_interview_outcome(
            actor=user, orientation_id=orientation.pk, interview_id=interview.pk, **data
        )
    elif step == residence_rules.DECISION:
        services.orientation_decide(actor=user, orientation_id=orientation.pk, **data)
    elif step == residence_rules.NOTIFICATION:
        services.orientation_notify(actor=user, orientation_id=orientation.pk, **data)
    else:
        services.orientation_enter(
            actor=user, orientation_id=orientation.pk, resident_id=data["resident"].pk, entered_on=data["entered_on"]
        )


@require_http_methods(["GET", "POST"])
@journaled_read("residences.orientation")
def orientation_detail(request, orientation_id):
    """An orientation and the form of each step it may take now; a POST names its step (`step`)."""
    user = request.user
    orientation = get_or_404(queries.orientation_for_page, user, orientation_id)
    require_perm(user, "residences.run_admissions")
    interviews = list(orientation.interviews.all())
    steps = residence_rules.orientation_next_steps(
        attendances=[i.attendance for i in interviews],
        decision=orientation.decision,
        notified_on=orientation.notified_on,
        entered=orientation.stay_id is not None,
    )
    posted = request.POST.get("step") if request.method == "POST" else None
    # A candidate oriented without a file: whoever opens households (a director, not a host) names it here.
    attach = None
    if (
        orientation.household_id is None
        and orientation.stay_id is None
        and user.has_perm("residences.attach_household")
    ):
        attach = AttachHouseholdForm(request.POST if posted == ATTACH else None, user=user, prefix=ATTACH)
    if posted == ATTACH and attach is not None:
        if attach.is_valid():
            try:
                services.orientation_attach_household(
                    actor=user, orientation_id=orientation.pk, household_id=attach.cleaned_data["household"].pk
                )
            except ValidationError as error:
                apply_validation_error(attach, error)
            else:
                messages.success(request, _("Dossier du ménage rattaché."))
                return redirect("residences:orientation_detail", orientation_id=orientation.pk)
    elif posted is not None and posted not in steps:
        messages.error(request, services.STEP_REFUSALS.get(posted, _("Cette étape n'existe pas.")))
        return redirect("residences:orientation_detail", orientation_id=orientation.pk)
    forms = {step: _step_form(step, orientation, user, request.POST if step == posted else None) for step in steps}
    if posted in forms and forms[posted] is not None and forms[posted].is_valid():
        try:
            _save_step(user, posted, orientation, forms[posted].cleaned_data)
        except ValidationError as error:
            apply_validation_error(forms[posted], error)
        else:
            messages.success(request, _("Étape enregistrée."))
            return redirect("residences:orientation_detail", orientation_id=orientation.pk)
    read_of(request, household_id=orientation.household_id, obj=orientation)
    return render(
        request,
        "residences/orientation_detail.html",
        {
            "orientation": orientation,
            "vacancy": orientation.vacancy,
            "forms": {step: form for step, form in forms.items() if step not in INTERVIEW_STEPS},
            "interviews": interviews,
            "interview_form": forms.get(residence_rules.INTERVIEW),
            "outcome_form": forms.get(residence_rules.INTERVIEW_OUTCOME),
            "today": timezone.localdate(),
            "attach": attach,
            "contract": queries.contract_of_orientation(orientation),
            "can_contract": user.has_perm("residences.run_contracts"),
        },
    )


# --- occupancy and funding figures -------------------------------------------------------------------------


def _year(request, today) -> int:
    """The year asked for (`annee`), between 2000 and next year; else this year."""
    try:
        year = int(request.GET.get("annee", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _exit_rows(figures) -> list[tuple[str, int]]:
    labels = dict(ExitDestination.choices)
    return [(labels.get(key, key), count) for key, count in sorted(figures.exits.items(), key=lambda kv: -kv[1])]


@require_GET
def occupancy_summary(request):
    """The occupancy and funding figures of a year for every residence the user may open, and for all of them."""
    user = request.user
    require_perm(user, "residences.view_residence")
    year = _year(request, timezone.localdate())
    rows, everything, rates = queries.occupancy_figures(queries.residences_for(user).order_by("name", "id"), year=year)
    return render(
        request,
        "residences/occupancy_summary.html",
        {
            "year": year,
            "rows": rows,
            "everything": everything,
            "rates": rates,
            "exits": _exit_rows(everything),
            # W3: the vacancies filled in the year and their days from vacancy to entry, per residence and together
            "vacancy_rows": [(row.residence.name, row.year) for row in rows] + [(_("Ensemble"), everything)],
        },
    )


@require_GET
def occupancy_figures(request, residence_id):
    """A residence's occupancy and funding figures, month by month over a year."""
    user = request.user
    try:
        residence = queries.residences_for(user).get(pk=residence_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    year = _year(request, timezone.localdate())
    rows, _everything, rates = queries.occupancy_figures([residence], year=year)
    return render(
        request,
        "residences/occupancy_figures.html",
        {
            "residence": residence,
            "year": year,
            "figures": rows[0],
            "rates": rates,
            "exits": _exit_rows(rows[0].year),
            "vacancy_rows": [(residence.name, rows[0].year)],  # W3, the year's vacancies filled
        },
    )


# --- the house journal -------------------------------------------------------------------------------------


@require_GET
@journaled_list("residences.journal")
def journal(request, residence_id):
    """The residence's house journal of a year: the monthly participation table, the activities, the supports."""
    user = request.user
    residence = get_or_404(queries.residence_for_page, user, residence_id)
    year = _year(request, timezone.localdate())
    activities, supports = queries.journal_of(residence, year=year)
    table = queries.participation_table(residence, year=year)
    listed(request, [r["person"].household_id for r in table["rows"]] + [s.resident.household_id for s in supports])
    return render(
        request,
        "residences/journal.html",
        {
            "residence": residence,
            "year": year,
            "activities": activities,
            "supports": supports,
            "untyped_supports": sum(1 for support in supports if not support.kind),
            "table": table,
            "months": range(1, 13),
            "can_keep": user.has_perm("residences.keep_journal"),
        },
    )


@require_http_methods(["GET", "POST"])
def activity_add(request, residence_id):
    user = request.user
    residence = get_or_404(queries.residence_for_page, user, residence_id)
    require_perm(user, "residences.keep_journal")
    today = timezone.localdate()
    form = ActivityForm(
        request.POST or None,
        residents=queries.journal_resident_choices(residence, today),
        volunteers=queries.volunteer_choices(user),
        initial={"held_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants, helpers = data.pop("participants"), data.pop("helpers")
        try:
            services.house_activity_record(
                actor=user,
                residence_id=residence.pk,
                participant_ids=[p.pk for p in participants],
                helper_ids=[h.pk for h in helpers],
                **data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Activité « %(title)s » ajoutée au journal.") % {"title": data["title"]})
            return redirect("residences:journal", residence_id=residence.pk)
    return render(request, "residences/activity_form.html", {"form": form, "residence": residence})


@require_http_methods(["GET", "POST"])
def support_add(request, residence_id):
    user = request.user
    residence = get_or_404(queries.residence_for_page, user, residence_id)
    require_perm(user, "residences.keep_journal")
    today = timezone.localdate()
    form = SupportForm(
        request.POST or None, residents=queries.journal_resident_choices(residence, today), initial={"given_on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.individual_support_record(
                actor=user,
                residence_id=residence.pk,
                resident_id=form.cleaned_data["resident"].pk,
                given_on=form.cleaned_data["given_on"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Soutien ajouté au journal."))
            return redirect("residences:journal", residence_id=residence.pk)
    return render(request, "residences/support_form.html", {"form": form, "residence": residence})


def _support_back(request, support) -> str:
    """Where the kind's page goes back to: the page that linked to it (the resident's practical file), else the
    journal of the support's year."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"{reverse('residences:journal', args=[support.residence_id])}?annee={support.given_on.year}"


@require_http_methods(["GET", "POST"])
@journaled_read("residences.support")
def support_kind(request, support_id):
    """Give its kind to a support noted before kinds were asked, or correct it (W10): the AGLS then counts it in
    its category (R82)."""
    user = request.user
    support = get_or_404(queries.support_for_page, user, support_id)
    back = _support_back(request, support)
    form = SupportKindForm(request.POST or None, initial={"kind": support.kind or None})
    if request.method == "POST" and form.is_valid():
        try:
            support = services.individual_support_set_kind(
                actor=user, support_id=support.pk, kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Soutien à %(name)s : %(kind)s.")
                % {
                    "name": f"{support.resident.first_name} {support.resident.last_name}",
                    "kind": support.get_kind_display().lower(),
                },
            )
            return redirect(back)
    read_of(request, household_id=support.resident.household_id, obj=support)
    return render(request, "residences/support_kind.html", {"support": support, "form": form, "back": back})
