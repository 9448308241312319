"""Reads of the housing stock shared by pages and API, scoped to the acting user's organisation.

A user without the right to read a kind of row gets an empty queryset, so a page or the API answers 404.
"""

from django.db.models import Count, Prefetch, Q

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role, User
from habiter.people.models import Household

from . import registry
from . import rules as housing_rules
from .models import (
    Building,
    Dwelling,
    Inspection,
    InspectionKind,
    InspectionRoom,
    MaintenanceTicket,
    Owner,
    OwnerContact,
    Photo,
    Prospect,
    ProspectStageChange,
    TicketStatus,
)

OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS)


def legal_params():
    """The legal parameters in force (decency calendar, rent freeze, deposit return), from the database."""
    return legal_parameters()


def _organisation_rows(model, user, perm):
    if not user.has_perm(perm):
        return model.objects.none()
    return model.objects.filter(organisation_id=user.organisation_id)


# --- owners, buildings, dwellings ------------------------------------------------------------------------


def owners_for(user):
    return _organisation_rows(Owner, user, "housing.view_stock")


def owner_list(user, *, text: str = "", kind: str = ""):
    owners = owners_for(user).annotate(dwelling_count=Count("dwellings", distinct=True))
    if text:
        owners = owners.filter(Q(name__icontains=text) | Q(email__icontains=text) | Q(phone__icontains=text))
    if kind:
        owners = owners.filter(kind=kind)
    return owners.order_by("name", "id")


def owner_for_page(user, owner_id) -> Owner:
    """An owner with its contacts, buildings and dwellings; raises DoesNotExist out of scope."""
    return (
        owners_for(user)
        .prefetch_related(
            Prefetch("contacts", queryset=OwnerContact.objects.select_related("author")),
            Prefetch("dwellings", queryset=Dwelling.objects.order_by("city", "reference")),
            Prefetch("buildings", queryset=Building.objects.order_by("name")),
        )
        .get(pk=owner_id)
    )


def buildings_for(user):
    return _organisation_rows(Building, user, "housing.view_stock")


def building_list(user, *, text: str = "", city: str = ""):
    buildings = buildings_for(user).select_related("owner").annotate(dwelling_count=Count("dwellings"))
    if text:
        buildings = buildings.filter(Q(name__icontains=text) | Q(address__icontains=text))
    if city:
        buildings = buildings.filter(city__iexact=city)
    return buildings.order_by("name", "id")


def building_for_page(user, building_id) -> Building:
    return (
        buildings_for(user)
        .select_related("owner")
        .prefetch_related(Prefetch("dwellings", queryset=Dwelling.objects.order_by("reference")))
        .get(pk=building_id)
    )


def dwellings_for(user):
    return _organisation_rows(Dwelling, user, "housing.view_stock")


def dwelling_list(user, *, text: str = "", city: str = "", energy_class: str = ""):
    """The dwelling list page and API list: one query for the rows with their owner and building."""
    dwellings = dwellings_for(user).select_related("owner", "building")
    if text:
        dwellings = dwellings.filter(
            Q(reference__icontains=text) | Q(address__icontains=text) | Q(owner__name__icontains=text)
        )
    if city:
        dwellings = dwellings.filter(city__iexact=city)
    if energy_class == "none":
        dwellings = dwellings.filter(energy_class="")
    elif energy_class:
        dwellings = dwellings.filter(energy_class=energy_class)
    return dwellings.order_by("city", "reference", "id")


def dwelling_for_page(user, dwelling_id) -> Dwelling:
    return dwellings_for(user).select_related("owner", "building").get(pk=dwelling_id)


def stock_cities(user) -> list[str]:
    """The towns of the organisation's dwellings, for the filters."""
    return list(dwellings_for(user).order_by("city").values_list("city", flat=True).distinct())


def owner_choices(user):
    return Owner.objects.filter(organisation_id=user.organisation_id).order_by("name", "id")


def building_choices(user):
    return Building.objects.filter(organisation_id=user.organisation_id).order_by("name", "id")


def dwelling_choices(user):
    """Every dwelling of the organisation, for the forms that pick one (tickets, inspections, captation)."""
    return Dwelling.objects.filter(organisation_id=user.organisation_id).order_by("city", "reference", "id")


def letting_status(dwelling, on, params) -> dict:
    """Whether the dwelling may be let on `on` and until when, and whether its rent may be revised (R61, R62)."""
    if not dwelling.energy_class:
        return {"known": False, "decent": False, "until": None, "rent_increase": False}
    decent = housing_rules.decent_for_letting(dwelling.energy_class, on, territory=dwelling.territory, params=params)
    until = (
        housing_rules.letting_allowed_until(dwelling.energy_class, on, territory=dwelling.territory, params=params)
        if decent
        else None
    )
    increase = housing_rules.rent_increase_allowed(
        dwelling.energy_class, on, territory=dwelling.territory, params=params
    )
    return {"known": True, "decent": decent, "until": until, "rent_increase": increase}


# --- captation ---------------------------------------------------------------------------------------------


def prospects_for(user):
    return _organisation_rows(Prospect, user, "housing.view_stock")


def prospect_board(user, *, city: str = "", worker_id=None):
    prospects = prospects_for(user).select_related("owner", "dwelling", "worker")
    if city:
        prospects = prospects.filter(dwelling__city__iexact=city)
    if worker_id:
        prospects = prospects.filter(worker_id=worker_id)
    return prospects.order_by("stage_since", "created_at")


def stage_moves(prospect_ids) -> dict:
    """Each prospect's dated moves `(to_stage, on_date)`, in order, in one query."""
    moves: dict = {}
    rows = (
        ProspectStageChange.objects.filter(prospect_id__in=prospect_ids)
        .order_by("on_date", "created_at")
        .values_list("prospect_id", "to_stage", "on_date")
    )
    for prospect_id, stage, on_date in rows:
        moves.setdefault(prospect_id, []).append((stage, on_date))
    return moves


def prospect_for_page(user, prospect_id) -> Prospect:
    return (
        prospects_for(user)
        .select_related("owner", "dwelling", "worker")
        .prefetch_related(
            Prefetch("stage_changes", queryset=ProspectStageChange.objects.select_related("actor").order_by("on_date"))
        )
        .get(pk=prospect_id)
    )


def captation_workers(user):
    """Who may carry a prospect: the staff who manage the stock."""
    return User.objects.filter(
        organisation_id=user.organisation_id, is_active=True, role__in=(Role.RENTAL_MANAGER, Role.DIRECTOR)
    )


# --- maintenance -------------------------------------------------------------------------------------------


def tickets_for(user):
    return _organisation_rows(MaintenanceTicket, user, "housing.view_maintenance")


def ticket_list(user, *, status: str = "", mine: bool = False, city: str = ""):
    tickets = tickets_for(user).select_related("dwelling", "technician")
    if status == "open":
        tickets = tickets.filter(status__in=OPEN_TICKET_STATUSES)
    elif status and status != "all":
        tickets = tickets.filter(status=status)
    if mine:
        tickets = tickets.filter(technician_id=user.pk)
    if city:
        tickets = tickets.filter(dwelling__city__iexact=city)
    return tickets.order_by("-reported_on", "-created_at")


def ticket_for_page(user, ticket_id) -> MaintenanceTicket:
    return (
        tickets_for(user)
        .select_related("dwelling", "technician", "created_by")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("created_at")))
        .get(pk=ticket_id)
    )


def open_tickets_assigned_to(user):
    return (
        tickets_for(user)
        .filter(technician_id=user.pk, status__in=OPEN_TICKET_STATUSES)
        .select_related("dwelling")
        .order_by("-urgency", "reported_on")
    )


def technician_choices(user):
    return User.objects.filter(
        organisation_id=user.organisation_id, is_active=True, role__in=(Role.TECHNICIAN, Role.RENTAL_MANAGER)
    )


def photo_for(user, photo_id) -> Photo:
    """A photo the user may see: of a ticket they may read, or of a room of an inspection they may read."""
    scope = Q(pk__in=[])
    if user.has_perm("housing.view_maintenance"):
        scope |= Q(ticket__isnull=False)
    if user.has_perm("housing.view_inspections"):
        scope |= Q(room__isnull=False)
    return Photo.objects.filter(scope, organisation_id=user.organisation_id).get(pk=photo_id)


# --- inspections -------------------------------------------------------------------------------------------


def inspections_for(user):
    return _organisation_rows(Inspection, user, "housing.view_inspections")


def inspection_list(user, *, kind: str = ""):
    inspections = inspections_for(user).select_related("dwelling", "household", "inspector")
    if kind:
        inspections = inspections.filter(kind=kind)
    return inspections.order_by("-done_on", "-created_at")


def _rooms_with_photos():
    return Prefetch("rooms", queryset=InspectionRoom.objects.prefetch_related("photos").order_by("position", "name"))


def inspection_for_page(user, inspection_id) -> Inspection:
    return (
        inspections_for(user)
        .select_related("dwelling", "household", "inspector", "check_in")
        .prefetch_related(_rooms_with_photos())
        .get(pk=inspection_id)
    )


def latest_check_in(dwelling, *, before=None) -> Inspection | None:
    """The latest check-in of the dwelling (on or before `before`), with its rooms."""
    check_ins = Inspection.objects.filter(dwelling=dwelling, kind=InspectionKind.CHECK_IN)
    if before is not None:
        check_ins = check_ins.filter(done_on__lte=before)
    return check_ins.prefetch_related(_rooms_with_photos()).order_by("-done_on", "-created_at").first()


def inspection_households(dwelling, user):
    """The households an inspection of the dwelling may be linked to: those of its earlier inspections and
    those other apps register (e.g. the tenants of its leases)."""
    ids = {h.pk for h in registry.dwelling_households(dwelling, user)}
    ids |= set(
        Inspection.objects.filter(dwelling=dwelling, household__isnull=False).values_list("household_id", flat=True)
    )
    return Household.objects.filter(pk__in=ids, organisation_id=dwelling.organisation_id).order_by("name")
