"""Pages of `housing`: thin views over queries.py and services.py."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404, require_perm
from habiter.core.reads import journaled_read, read_of
from habiter.core.versioning import StaleVersion, show_stale

from . import queries, registry, services
from . import rules as housing_rules
from .forms import (
    DEFAULT_ROOMS,
    BoardFilterForm,
    BuildingForm,
    DwellingFilterForm,
    DwellingForm,
    InspectionForm,
    KeysReturnedForm,
    OwnerContactForm,
    OwnerFilterForm,
    OwnerForm,
    PhotoForm,
    ProspectForm,
    ProspectMoveForm,
    RoomFormSet,
    TicketFilterForm,
    TicketForm,
    TicketUpdateForm,
)
from .models import Condition, InspectionKind, ProspectStage, TicketStatus

PAGE_SIZE = 25
MAX_ROOMS = 30


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v})


# --- owners ------------------------------------------------------------------------------------------------


@require_GET
def owner_list(request):
    user = request.user
    require_perm(user, "housing.view_stock")
    form = OwnerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    text, kind = (data.get("q") or "").strip(), data.get("kind") or ""
    page = Paginator(queries.owner_list(user, text=text, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/owner_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(q=text, kind=kind),
            "can_manage": user.has_perm("housing.manage_stock"),
        },
    )


@require_http_methods(["GET", "POST"])
def owner_create(request):
    user = request.user
    require_perm(user, "housing.manage_stock")
    form = OwnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            owner = services.owner_create(actor=user, data=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Propriétaire « %(name)s » enregistré.") % {"name": owner.name})
            return redirect("housing:owner_detail", owner_id=owner.pk)
    return render(request, "housing/owner_form.html", {"form": form, "owner": None})


def _owner_page(request, owner, *, contact_form=None, status=200):
    user = request.user
    can_manage = user.has_perm("housing.manage_stock")
    return render(
        request,
        "housing/owner_detail.html",
        {
            "owner": owner,
            "contacts": owner.contacts.all(),
            "dwellings": owner.dwellings.all(),
            "buildings": owner.buildings.all(),
            "can_manage": can_manage,
            "can_see_iban": user.has_perm("housing.view_owner_bank"),
            "contact_form": (contact_form or OwnerContactForm()) if can_manage else None,
        },
        status=status,
    )


@require_GET
def owner_detail(request, owner_id):
    return _owner_page(request, get_or_404(queries.owner_for_page, request.user, owner_id))


@require_http_methods(["GET", "POST"])
def owner_edit(request, owner_id):
    user = request.user
    owner = get_or_404(queries.owner_for_page, user, owner_id)
    require_perm(user, "housing.manage_stock")
    form = OwnerForm(request.POST or None, initial=_owner_initial(owner))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.owner_update(actor=user, owner_id=owner.pk, data=data, expected_version=version)
        except StaleVersion as stale:
            current = get_or_404(queries.owner_for_page, user, owner_id)
            show_stale(form, stale, OwnerForm(initial=_owner_initial(current)))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("housing:owner_detail", owner_id=owner.pk)
    return render(request, "housing/owner_form.html", {"form": form, "owner": owner})


def _owner_initial(owner) -> dict:
    initial = {f: getattr(owner, f) for f in services.OWNER_FIELDS}
    return initial | {"iban": owner.iban_display, "version": owner.version}


@require_POST
def owner_contact_add(request, owner_id):
    user = request.user
    owner = get_or_404(queries.owner_for_page, user, owner_id)
    require_perm(user, "housing.manage_stock")
    form = OwnerContactForm(request.POST)
    if form.is_valid():
        try:
            services.owner_contact_add(actor=user, owner_id=owner.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Contact ajouté à l'historique."))
            return redirect("housing:owner_detail", owner_id=owner.pk)
    return _owner_page(request, owner, contact_form=form)


# --- buildings ---------------------------------------------------------------------------------------------


@require_GET
def building_list(request):
    user = request.user
    require_perm(user, "housing.view_stock")
    text = request.GET.get("q", "").strip()[:200]
    page = Paginator(queries.building_list(user, text=text), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/building_list.html",
        {"page": page, "text": text, "query": _query(q=text), "can_manage": user.has_perm("housing.manage_stock")},
    )


def _building_form_page(request, building=None):
    user = request.user
    require_perm(user, "housing.manage_stock")
    initial = _building_initial(building) if building is not None else {}
    form = BuildingForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner, version = data.pop("owner"), data.pop("version") or 0
        try:
            if building is None:
                building = services.building_create(actor=user, data=data, owner_id=owner.pk if owner else None)
            else:
                services.building_update(
                    actor=user,
                    building_id=building.pk,
                    data=data,
                    owner_id=owner.pk if owner else None,
                    expected_version=version,
                )
        except StaleVersion as stale:
            current = get_or_404(queries.building_for_page, user, building.pk)
            show_stale(form, stale, BuildingForm(user=user, initial=_building_initial(current)))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Immeuble « %(name)s » enregistré.") % {"name": building.name})
            return redirect("housing:building_detail", building_id=building.pk)
    return render(request, "housing/building_form.html", {"form": form, "building": building})


def _building_initial(building) -> dict:
    initial = {f: getattr(building, f) for f in services.BUILDING_FIELDS}
    return initial | {"owner": building.owner_id, "version": building.version}


@require_http_methods(["GET", "POST"])
def building_create(request):
    return _building_form_page(request)


@require_GET
def building_detail(request, building_id):
    user = request.user
    building = get_or_404(queries.building_for_page, user, building_id)
    return render(
        request,
        "housing/building_detail.html",
        {
            "building": building,
            "dwellings": building.dwellings.all(),
            "can_manage": user.has_perm("housing.manage_stock"),
        },
    )


@require_http_methods(["GET", "POST"])
def building_edit(request, building_id):
    building = get_or_404(queries.building_for_page, request.user, building_id)
    return _building_form_page(request, building)


# --- dwellings ---------------------------------------------------------------------------------------------


@require_GET
def dwelling_list(request):
    user = request.user
    require_perm(user, "housing.view_stock")
    form = DwellingFilterForm(request.GET or None, cities=queries.stock_cities(user))
    data = form.cleaned_data if form.is_valid() else {}
    text, city, energy_class = (data.get("q") or "").strip(), data.get("city") or "", data.get("energy_class") or ""
    dwellings = queries.dwelling_list(user, text=text, city=city, energy_class=energy_class)
    page = Paginator(dwellings, PAGE_SIZE).get_page(request.GET.get("page"))
    today, params = timezone.localdate(), queries.legal_params()
    rows = [{"dwelling": d, "status": queries.letting_status(d, today, params)} for d in page]
    return render(
        request,
        "housing/dwelling_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": _query(q=text, city=city, energy_class=energy_class),
            "can_manage": user.has_perm("housing.manage_stock"),
        },
    )


def _dwelling_form_page(request, dwelling=None):
    user = request.user
    require_perm(user, "housing.manage_stock")
    initial = {}
    if dwelling is not None:
        initial = _dwelling_initial(dwelling)
    elif owner_id := request.GET.get("proprietaire"):
        initial["owner"] = owner_id
    form = DwellingForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner, building, version = data.pop("owner"), data.pop("building"), data.pop("version") or 0
        try:
            if dwelling is None:
                dwelling = services.dwelling_create(
                    actor=user, data=data, owner_id=owner.pk, building_id=building.pk if building else None
                )
            else:
                services.dwelling_update(
                    actor=user,
                    dwelling_id=dwelling.pk,
                    data=data,
                    owner_id=owner.pk,
                    building_id=building.pk if building else None,
                    expected_version=version,
                )
        except StaleVersion as stale:
            current = get_or_404(queries.dwelling_for_page, user, dwelling.pk)
            show_stale(form, stale, DwellingForm(user=user, initial=_dwelling_initial(current)))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Logement « %(ref)s » enregistré.") % {"ref": dwelling.reference})
            return redirect("housing:dwelling_detail", dwelling_id=dwelling.pk)
    return render(request, "housing/dwelling_form.html", {"form": form, "dwelling": dwelling})


def _dwelling_initial(dwelling) -> dict:
    initial = {f: getattr(dwelling, f) for f in services.DWELLING_FIELDS}
    return initial | {"owner": dwelling.owner_id, "building": dwelling.building_id, "version": dwelling.version}


@require_http_methods(["GET", "POST"])
def dwelling_create(request):
    return _dwelling_form_page(request)


@require_GET
def dwelling_detail(request, dwelling_id):
    user = request.user
    dwelling = get_or_404(queries.dwelling_for_page, user, dwelling_id)
    today = timezone.localdate()
    can_see_tickets = user.has_perm("housing.view_maintenance")
    can_see_inspections = user.has_perm("housing.view_inspections")
    return render(
        request,
        "housing/dwelling_detail.html",
        {
            "dwelling": dwelling,
            "today": today,
            "status": queries.letting_status(dwelling, today, queries.legal_params()),
            "tickets": list(queries.ticket_list(user).filter(dwelling=dwelling)[:20]) if can_see_tickets else [],
            "inspections": list(queries.inspection_list(user).filter(dwelling=dwelling)[:20])
            if can_see_inspections
            else [],
            "prospects": list(queries.prospects_for(user).filter(dwelling=dwelling).select_related("worker")),
            "can_manage": user.has_perm("housing.manage_stock"),
            "can_see_tickets": can_see_tickets,
            "can_report": user.has_perm("housing.report_ticket"),
            "can_see_inspections": can_see_inspections,
            "can_inspect": user.has_perm("housing.record_inspection"),
            "dwelling_panels": registry.dwelling_panels(dwelling, user),
        },
    )


@require_http_methods(["GET", "POST"])
def dwelling_edit(request, dwelling_id):
    dwelling = get_or_404(queries.dwelling_for_page, request.user, dwelling_id)
    return _dwelling_form_page(request, dwelling)


# --- captation ---------------------------------------------------------------------------------------------


@require_GET
def prospect_board(request):
    user = request.user
    require_perm(user, "housing.view_stock")
    form = BoardFilterForm(request.GET or None, user=user, cities=queries.stock_cities(user))
    data = form.cleaned_data if form.is_valid() else {}
    city, worker = data.get("city") or "", data.get("worker")
    prospects = list(queries.prospect_board(user, city=city, worker_id=worker.pk if worker else None))
    today = timezone.localdate()
    moves = queries.stage_moves([p.pk for p in prospects])
    per_stage: dict[str, list[int]] = {}
    for prospect in prospects:
        prospect.days_in_stage = housing_rules.days_between(prospect.stage_since, today)
        for stage, days in housing_rules.stage_durations(moves.get(prospect.pk, []), today).items():
            per_stage.setdefault(stage, []).extend(days)
    columns = []
    for stage, label in ProspectStage.choices:
        columns.append(
            {
                "stage": stage,
                "label": label,
                "prospects": [p for p in prospects if p.stage == stage],
                "average_days": housing_rules.average_days(per_stage.get(stage, [])),
            }
        )
    signed = sum(1 for p in prospects if p.stage == ProspectStage.SIGNED)
    dropped = sum(1 for p in prospects if p.stage == ProspectStage.DROPPED)
    return render(
        request,
        "housing/prospect_board.html",
        {
            "form": form,
            "columns": columns,
            "total": len(prospects),
            "signed": signed,
            "dropped": dropped,
            "conversion": housing_rules.conversion_rate(signed, signed + dropped),
            "can_manage": user.has_perm("housing.manage_stock"),
        },
    )


@require_http_methods(["GET", "POST"])
def prospect_create(request):
    user = request.user
    require_perm(user, "housing.manage_stock")
    form = ProspectForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            prospect = services.prospect_create(
                actor=user,
                worker_id=data["worker"].pk,
                on_date=data["on_date"],
                owner_id=data["owner"].pk if data["owner"] else None,
                new_owner=form.new_owner(),
                dwelling_id=data["dwelling"].pk if data["dwelling"] else None,
                new_dwelling=form.new_dwelling(),
                market_rent=data["market_rent"],
                notes=data["notes"],
            )
        except ValidationError as error:
            _apply_prospect_error(form, error)
        else:
            messages.success(request, _("Prospect enregistré à l'étape « repéré »."))
            return redirect("housing:prospect_detail", prospect_id=prospect.pk)
    return render(request, "housing/prospect_form.html", {"form": form, "dwelling_form": form.dwelling_form})


def _apply_prospect_error(form, error):
    """Errors about the new owner or dwelling go to the fields they name, on the right part of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            elif field in form.dwelling_form.fields:
                form.dwelling_form.add_error(field, errors)
            elif field in ("name", "kind", "email", "phone", "iban"):
                form.add_error(f"new_owner_{field}" if f"new_owner_{field}" in form.fields else None, errors)
            else:
                form.add_error(None, errors)
    else:
        form.add_error(None, error)


def _prospect_page(request, prospect, *, move_form=None, status=200):
    user = request.user
    can_manage = user.has_perm("housing.manage_stock")
    open_stage = bool(housing_rules.STAGE_TRANSITIONS.get(prospect.stage))
    return render(
        request,
        "housing/prospect_detail.html",
        {
            "prospect": prospect,
            "changes": prospect.stage_changes.all(),
            "days_in_stage": housing_rules.days_between(prospect.stage_since, timezone.localdate()),
            "can_move": can_manage and open_stage,
            "move_form": (move_form or ProspectMoveForm(prospect=prospect)) if can_manage and open_stage else None,
        },
        status=status,
    )


@require_GET
def prospect_detail(request, prospect_id):
    return _prospect_page(request, get_or_404(queries.prospect_for_page, request.user, prospect_id))


@require_POST
def prospect_move(request, prospect_id):
    user = request.user
    prospect = get_or_404(queries.prospect_for_page, user, prospect_id)
    require_perm(user, "housing.manage_stock")
    form = ProspectMoveForm(request.POST, prospect=prospect)
    if form.is_valid():
        try:
            moved = services.prospect_move(actor=user, prospect_id=prospect.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Prospect passé à l'étape « %(stage)s ».") % {"stage": moved.get_stage_display()}
            )
            return redirect("housing:prospect_detail", prospect_id=prospect.pk)
    return _prospect_page(request, prospect, move_form=form)


# --- maintenance -------------------------------------------------------------------------------------------


@require_GET
def ticket_list(request):
    user = request.user
    require_perm(user, "housing.view_maintenance")
    form = TicketFilterForm(request.GET or None, initial={"status": "open"})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status, mine = data.get("status") or "open", bool(data.get("mine"))
    tickets = queries.ticket_list(user, status=status, mine=mine)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/ticket_list.html",
        {
            "form": form,
            "page": page,
            "query": _query(status=status, mine="on" if mine else ""),
            "can_report": user.has_perm("housing.report_ticket"),
            "can_see_inspections": user.has_perm("housing.view_inspections"),
        },
    )


@require_http_methods(["GET", "POST"])
def ticket_create(request):
    user = request.user
    require_perm(user, "housing.report_ticket")
    initial = {"dwelling": request.GET.get("logement")} if request.GET.get("logement") else {}
    form = TicketForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo")
        try:
            ticket = services.ticket_create(
                actor=user, dwelling_id=data.pop("dwelling").pk, photos=[photo] if photo else [], **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Demande d'intervention enregistrée."))
            return redirect("housing:ticket_detail", ticket_id=ticket.pk)
    return render(request, "housing/ticket_form.html", {"form": form})


def _ticket_initial(ticket) -> dict:
    return {
        "status": ticket.status,
        "technician": ticket.technician_id,
        "contractor": ticket.contractor,
        "cost": ticket.cost,
        "version": ticket.version,
    }


def _ticket_page(request, ticket, *, update_form=None, photo_form=None, status=200):
    user = request.user
    can_handle = user.has_perm("housing.handle_ticket")
    can_add_photo = user.has_perm("housing.report_ticket") and ticket.status not in (
        TicketStatus.DONE,
        TicketStatus.CANCELLED,
    )
    if can_handle and update_form is None:
        update_form = TicketUpdateForm(user=user, ticket=ticket, initial=_ticket_initial(ticket))
    return render(
        request,
        "housing/ticket_detail.html",
        {
            "ticket": ticket,
            "photos": ticket.photos.all(),
            "update_form": update_form if can_handle else None,
            "photo_form": (photo_form or PhotoForm()) if can_add_photo else None,
            "can_open_dwelling": user.has_perm("housing.view_stock"),
        },
        status=status,
    )


@require_GET
def ticket_detail(request, ticket_id):
    return _ticket_page(request, get_or_404(queries.ticket_for_page, request.user, ticket_id))


@require_POST
def ticket_update(request, ticket_id):
    user = request.user
    ticket = get_or_404(queries.ticket_for_page, user, ticket_id)
    require_perm(user, "housing.handle_ticket")
    form = TicketUpdateForm(request.POST, user=user, ticket=ticket)
    if form.is_valid():
        data = dict(form.cleaned_data)
        technician, version = data.pop("technician"), data.pop("version") or 0
        try:
            services.ticket_update(
                actor=user,
                ticket_id=ticket.pk,
                technician_id=technician.pk if technician else None,
                expected_version=version,
                **data,
            )
        except StaleVersion as stale:
            ticket = get_or_404(queries.ticket_for_page, user, ticket_id)
            show_stale(form, stale, TicketUpdateForm(user=user, ticket=ticket, initial=_ticket_initial(ticket)))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Demande mise à jour."))
            return redirect("housing:ticket_detail", ticket_id=ticket.pk)
    return _ticket_page(request, ticket, update_form=form)


@require_POST
def ticket_photo_add(request, ticket_id):
    user = request.user
    ticket = get_or_404(queries.ticket_for_page, user, ticket_id)
    require_perm(user, "housing.report_ticket")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(actor=user, ticket_id=ticket.pk, uploaded=form.cleaned_data["photo"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Photo ajoutée."))
            return redirect("housing:ticket_detail", ticket_id=ticket.pk)
    return _ticket_page(request, ticket, photo_form=form)


@require_GET
def photo_view(request, photo_id):
    """A photo, only for a user who may see its ticket or its inspection; never cached by a shared cache."""
    photo = get_or_404(queries.photo_for, request.user, photo_id)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- inspections -------------------------------------------------------------------------------------------


@require_GET
def inspection_list(request):
    user = request.user
    require_perm(user, "housing.view_inspections")
    kind = request.GET.get("type", "")
    kind = kind if kind in InspectionKind.values else ""
    page = Paginator(queries.inspection_list(user, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "housing/inspection_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": InspectionKind.choices,
            "query": _query(type=kind),
            "can_record": user.has_perm("housing.record_inspection"),
        },
    )


def _room_count(request) -> int:
    try:
        return max(1, min(int(request.GET.get("pieces", "")), MAX_ROOMS))
    except ValueError:
        return len(DEFAULT_ROOMS)


@require_http_methods(["GET", "POST"])
def inspection_create(request):
    user = request.user
    require_perm(user, "housing.record_inspection")
    dwelling_id = request.POST.get("dwelling") or request.GET.get("logement")
    dwelling = queries.dwelling_choices(user).filter(pk=dwelling_id).first() if _is_uuid(dwelling_id) else None
    initial = {"dwelling": dwelling.pk} if dwelling else {}
    if kind := request.GET.get("type"):
        initial["kind"] = kind
    form = InspectionForm(request.POST or None, user=user, dwelling=dwelling, initial=initial)
    count = _room_count(request)
    room_initial = [{"name": str(name)} for name in DEFAULT_ROOMS][:count]
    room_initial += [{} for _i in range(count - len(room_initial))]
    if request.method == "POST":
        rooms = RoomFormSet(request.POST, request.FILES, prefix="rooms")
    else:
        rooms = RoomFormSet(prefix="rooms", initial=room_initial)
    if request.method == "POST" and form.is_valid() and rooms.is_valid():
        data = dict(form.cleaned_data)
        household = data.pop("household")
        try:
            inspection = services.inspection_record(
                actor=user,
                dwelling_id=data.pop("dwelling").pk,
                household_id=household.pk if household else None,
                rooms=rooms.rooms(),
                **data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("État des lieux enregistré."))
            return redirect("housing:inspection_detail", inspection_id=inspection.pk)
    return render(
        request,
        "housing/inspection_form.html",
        {"form": form, "rooms": rooms, "dwelling": dwelling, "more_rooms": min(count + 2, MAX_ROOMS)},
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _inspection_page(request, inspection, *, keys_form=None, status=200):
    user = request.user
    read_of(request, household_id=inspection.household_id, obj=inspection)  # none for an empty dwelling
    labels = dict(Condition.choices)
    comparison, matches, deadline, months = None, None, None, None
    check_in = None
    if inspection.kind == InspectionKind.CHECK_OUT:
        check_in = inspection.check_in or queries.latest_check_in(inspection.dwelling, before=inspection.done_on)
        if check_in is not None:
            before = {room.name: room.condition for room in check_in.rooms.all()}
            after = {room.name: room.condition for room in inspection.rooms.all()}
            comparison = [
                {"name": name, "before": labels.get(b, ""), "after": labels.get(a, ""), "worse": worse}
                for name, b, a, worse in housing_rules.compare_rooms(before, after)
            ]
            matches = housing_rules.inventory_matches(before, after)
        if inspection.keys_returned_on:
            deadline, months = housing_rules.deposit_return_period(
                inspection.keys_returned_on,
                bool(matches),
                territory=inspection.dwelling.territory,
                params=queries.legal_params(),
            )
    can_record = user.has_perm("housing.record_inspection") and inspection.kind == InspectionKind.CHECK_OUT
    return render(
        request,
        "housing/inspection_detail.html",
        {
            "inspection": inspection,
            "rooms": inspection.rooms.all(),
            "check_in": check_in,
            "comparison": comparison,
            "matches": matches,
            "deadline": deadline,
            "months": months,
            "keys_form": (keys_form or KeysReturnedForm(initial={"keys_returned_on": inspection.keys_returned_on}))
            if can_record
            else None,
            "can_open_dwelling": user.has_perm("housing.view_stock"),
            "can_open_household": bool(inspection.household_id)
            and user.has_perm("people.view_household", inspection.household),
        },
        status=status,
    )


@require_GET
@journaled_read("housing.inspection")
def inspection_detail(request, inspection_id):
    return _inspection_page(request, get_or_404(queries.inspection_for_page, request.user, inspection_id))


@require_POST
@journaled_read("housing.inspection")
def inspection_keys(request, inspection_id):
    user = request.user
    inspection = get_or_404(queries.inspection_for_page, user, inspection_id)
    require_perm(user, "housing.record_inspection")
    form = KeysReturnedForm(request.POST)
    if form.is_valid():
        try:
            services.inspection_keys_returned(
                actor=user, inspection_id=inspection.pk, keys_returned_on=form.cleaned_data["keys_returned_on"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Remise des clés enregistrée."))
            return redirect("housing:inspection_detail", inspection_id=inspection.pk)
    return _inspection_page(request, inspection, keys_form=form)
