import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core import registry
from habiter.core.forms import apply_validation_error
from habiter.core.reads import journaled_list, journaled_read, listed
from habiter.core.versioning import StaleVersion, posted_version, show_stale

from . import queries, services
from .forms import ConcernForm, HouseholdForm, MemberForm, MemberFormSet, NoteForm, SearchForm
from .models import Concern, Household

PAGE_SIZE = 25


def _visible_household_or_404(user, household_id) -> Household:
    try:
        return queries.household_for_page(user, household_id)
    except Household.DoesNotExist:
        raise Http404 from None


_SAMPLE_ID = uuid.UUID(int=0)


def _household_url_maker():
    """`reverse("people:household_detail", args=[pk])` for many rows: one reverse, then the id put in its
    place (the path converter writes a UUID as `str(uuid)`)."""
    sample = reverse("people:household_detail", args=[_SAMPLE_ID])
    head, tail = sample.split(str(_SAMPLE_ID))
    return lambda pk: f"{head}{pk}{tail}"


@require_GET
@journaled_list("people.search")
def household_list(request):
    if not request.user.has_perm("people.search_household"):
        raise Http404
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(queries.household_results(request.user, text), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.with_member_summaries(
        page.object_list, birth_dates=request.user.has_perm("people.view_private_details")
    )
    detail_url = _household_url_maker()
    for household in page.object_list:
        household.url = detail_url(household.pk)
    listed(request, [household.pk for household in page.object_list])
    context = {
        "form": form,
        "page": page,
        "text": text,
        "query": urlencode({"q": text}) if text else "",
        "can_open": request.user.has_perm("people.add_household"),
    }
    template = "people/_household_results.html" if request.htmx else "people/household_list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def household_create(request):
    if not request.user.has_perm("people.add_household"):
        raise Http404
    form = HouseholdForm(request.POST or None, user=request.user, creating=True)
    members = MemberFormSet(request.POST or None, prefix="members")
    duplicates = None
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            household = services.household_create(
                actor=request.user,
                data={f: form.cleaned_data.get(f) for f in (*services.HOUSEHOLD_FIELDS, *services.HOUSEHOLD_FLAGS)},
                members=[m.member_data() for m in members.forms if m.has_changed()],
                concern_ids=[c.pk for c in form.cleaned_data.get("concerns", [])],
                team=form.cleaned_data.get("team"),
                referent=form.cleaned_data.get("referent"),
                confirm_duplicate=request.POST.get("confirm_duplicate") == "on",
            )
        except services.DuplicatePerson as duplicate:
            duplicates = duplicate
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Le ménage « %(name)s » est créé.") % {"name": household.name})
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "members": members, "duplicates": duplicates, "creating": True},
    )


def _household_sections(panels):
    """The household page's tabs after the timeline: (key, label, its panels), the empty ones left out."""
    known = {key for key, _label in registry.HOUSEHOLD_SECTIONS}
    sections = []
    for key, label in registry.HOUSEHOLD_SECTIONS:
        shown = [
            (panel, ctx)
            for panel, ctx in panels
            if (panel.section if panel.section in known else "accompagnement") == key
        ]
        if shown:
            sections.append((key, label, shown))
    return sections


@require_GET
@journaled_read("people.household", household="household_id")
def household_detail(request, household_id):
    user = request.user
    household = _visible_household_or_404(user, household_id)
    if not user.has_perm("people.view_household", household):
        raise Http404
    kinds = [k for k in request.GET.getlist("type") if k in dict(registry.timeline_kinds())]
    panels = registry.household_panels(household, user)
    # The whole timeline, whatever the filter: the header's coming events do not depend on it, nor the queries.
    timeline = registry.household_timeline(household, user)
    now = timezone.now()
    coming = sorted((event for event in timeline if event.when >= now), key=lambda event: event.when)
    context = {
        "household": household,
        "members": household.members.all(),
        "concerns": queries.visible_concerns(user, household),
        "timeline": [event for event in timeline if event.kind in kinds] if kinds else timeline,
        "timeline_kinds": registry.timeline_kinds(),
        "selected_kinds": kinds,
        "sections": _household_sections(panels),
        "alerts": registry.household_panel_alerts(panels),
        "coming": coming[:3],
        "note_form": NoteForm(may_restrict=user.has_perm("people.view_restricted", household)),
        "can_edit": user.has_perm("people.change_household", household),
        "can_audit": user.has_perm("core.view_audit"),
    }
    return render(request, "people/household_detail.html", context)


@require_http_methods(["GET", "POST"])
@journaled_read("people.household_edit", household="household_id")
def household_edit(request, household_id):
    user = request.user
    household = _visible_household_or_404(user, household_id)
    if not user.has_perm("people.change_household", household):
        raise Http404
    form = HouseholdForm(request.POST or None, instance=household, user=user)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data.get(f) for f in (*services.HOUSEHOLD_FIELDS, *services.HOUSEHOLD_FLAGS)}
        try:
            services.household_update(
                actor=user,
                household_id=household.pk,
                expected_version=posted_version(form),
                data=data,
                concern_ids=[c.pk for c in form.cleaned_data.get("concerns", [])],
                **{k: form.cleaned_data.get(k) for k in ("team", "referent") if k in form.fields},
            )
        except StaleVersion as stale:
            current = _visible_household_or_404(user, household_id)
            show_stale(form, stale, HouseholdForm(instance=current, user=user))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "people/household_form.html", {"form": form, "household": household, "creating": False})


@require_http_methods(["GET", "POST"])
@journaled_read("people.person_form", household="household_id")
def person_create(request, household_id):
    user = request.user
    household = _visible_household_or_404(user, household_id)
    if not user.has_perm("people.change_household", household):
        raise Http404
    form = MemberForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_add(
                actor=user,
                household_id=household.pk,
                data=form.member_data(),
                confirm_duplicate=request.POST.get("confirm_duplicate") == "on",
            )
        except services.DuplicatePerson as duplicate:
            duplicates = duplicate
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Membre ajouté."))
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "people/person_form.html", {"form": form, "household": household, "duplicates": duplicates})


@require_http_methods(["GET", "POST"])
@journaled_read("people.person_form", household="household_id")
def person_edit(request, household_id, person_id):
    user = request.user
    household = _visible_household_or_404(user, household_id)
    if not user.has_perm("people.change_household", household):
        raise Http404
    person = next((m for m in household.members.all() if m.pk == person_id), None)
    if person is None:
        raise Http404
    form = MemberForm(request.POST or None, instance=person)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=user,
                person_id=person.pk,
                expected_version=posted_version(form),
                data=form.member_data(),
                confirm_duplicate=request.POST.get("confirm_duplicate") == "on",
            )
        except StaleVersion as stale:
            show_stale(form, stale, MemberForm(instance=type(person).objects.get(pk=person.pk)))
        except services.DuplicatePerson as duplicate:
            duplicates = duplicate
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("people:household_detail", household_id=household.pk)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "household": household, "person": person, "duplicates": duplicates},
    )


@require_POST
@journaled_read("people.note_form", household="household_id")
def note_create(request, household_id):
    user = request.user
    household = _visible_household_or_404(user, household_id)
    may_restrict = user.has_perm("people.view_restricted", household)
    form = NoteForm(request.POST, may_restrict=may_restrict)
    if form.is_valid():
        try:
            services.note_add(
                actor=user,
                household_id=household.pk,
                text=form.cleaned_data["text"],
                restricted=form.cleaned_data.get("restricted", False),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Note ajoutée."))
            return redirect("people:household_detail", household_id=household.pk)
    return render(request, "people/note_form.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
def concern_settings(request):
    """The organisation's panorama of concerns: add one, retire one, bring one back (directors)."""
    user = request.user
    if not user.has_perm("people.configure_concerns"):
        raise Http404
    form = ConcernForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_add(
                actor=user, category_id=form.cleaned_data["category"].pk, label=form.cleaned_data["label"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Problématique ajoutée."))
            return redirect("people:concern_settings")
    return render(request, "people/concern_settings.html", {"form": form, "categories": queries.concern_taxonomy(user)})


@require_POST
def concern_toggle(request, concern_id):
    user = request.user
    if not user.has_perm("people.configure_concerns"):
        raise Http404
    try:
        concern = services.concern_set_active(
            actor=user, concern_id=concern_id, active=request.POST.get("active") == "1"
        )
    except Concern.DoesNotExist:
        raise Http404 from None
    if concern.active:
        messages.success(request, _("« %(label)s » est de nouveau proposée.") % {"label": concern.label})
    else:
        messages.success(request, _("« %(label)s » n'est plus proposée.") % {"label": concern.label})
    return redirect("people:concern_settings")
