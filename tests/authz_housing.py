"""Authorization rows of the `housing` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Who (habiter/housing/permissions.py):
- the stock (owners, buildings, dwellings, captation) is read by directors, team leads, social workers,
  rental managers and accountants, and changed by directors and rental managers;
- maintenance tickets are read and reported by directors, team leads, social workers, rental managers and
  technicians, and handled (assigned, costed, closed) by directors, rental managers and technicians;
- inspections are read and recorded by directors, rental managers and technicians.
Scopes: the stock is organisation-wide, so own team and other team are two rows of the user's organisation,
other organisation a row of another one.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from habiter.housing import rules as housing_rules
from habiter.housing import services
from habiter.housing.models import (
    Building,
    Inspection,
    MaintenanceTicket,
    Owner,
    OwnerContact,
    Photo,
    Prospect,
)
from habiter.housing.tests.factories import image_bytes
from tests.authz_common import (
    ACTORS,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROLES,
    SAVED,
    CsrfCase,
    logged_in,
    row,
    scoped_row,
)

STOCK_READERS = ("director", "team_lead", "social_worker", "rental_manager", "accountant")
STOCK_MANAGERS = ("director", "rental_manager")
MAINTENANCE_READERS = ("director", "team_lead", "social_worker", "rental_manager", "technician")
MAINTENANCE_HANDLERS = ("director", "rental_manager", "technician")
INSPECTORS = ("director", "rental_manager", "technician")

POST_ONLY = {"anonymous": (LOGIN,) * 3, **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)}
WRITE = (SAVED, SAVED, NOT_FOUND)

EXPECTED = {
    "housing:owner_list": row(STOCK_READERS, OK, NOT_FOUND),
    "housing:owner_create": row(STOCK_MANAGERS, OK, NOT_FOUND),
    "housing:owner_detail": scoped_row(STOCK_READERS),
    "housing:owner_edit": scoped_row(STOCK_MANAGERS),
    "housing:owner_contact_add": POST_ONLY,
    "housing:building_list": row(STOCK_READERS, OK, NOT_FOUND),
    "housing:building_create": row(STOCK_MANAGERS, OK, NOT_FOUND),
    "housing:building_detail": scoped_row(STOCK_READERS),
    "housing:building_edit": scoped_row(STOCK_MANAGERS),
    "housing:dwelling_list": row(STOCK_READERS, OK, NOT_FOUND),
    "housing:dwelling_create": row(STOCK_MANAGERS, OK, NOT_FOUND),
    "housing:dwelling_detail": scoped_row(STOCK_READERS),
    "housing:dwelling_edit": scoped_row(STOCK_MANAGERS),
    "housing:prospect_board": row(STOCK_READERS, OK, NOT_FOUND),
    "housing:prospect_create": row(STOCK_MANAGERS, OK, NOT_FOUND),
    "housing:prospect_detail": scoped_row(STOCK_READERS),
    "housing:prospect_move": POST_ONLY,
    "housing:ticket_list": row(MAINTENANCE_READERS, OK, NOT_FOUND),
    "housing:ticket_create": row(MAINTENANCE_READERS, OK, NOT_FOUND),
    "housing:ticket_detail": scoped_row(MAINTENANCE_READERS),
    "housing:ticket_update": POST_ONLY,
    "housing:ticket_photo_add": POST_ONLY,
    "housing:photo_view": scoped_row(MAINTENANCE_READERS),  # a photo of a ticket
    "housing:inspection_list": row(INSPECTORS, OK, NOT_FOUND),
    "housing:inspection_create": row(INSPECTORS, OK, NOT_FOUND),
    "housing:inspection_detail": scoped_row(INSPECTORS),
    "housing:inspection_keys": POST_ONLY,
}

POST_EXPECTED = {
    "housing:owner_edit": scoped_row(STOCK_MANAGERS, yes=WRITE),
    "housing:owner_contact_add": scoped_row(STOCK_MANAGERS, yes=WRITE),
    "housing:building_edit": scoped_row(STOCK_MANAGERS, yes=WRITE),
    "housing:dwelling_edit": scoped_row(STOCK_MANAGERS, yes=WRITE),
    "housing:prospect_move": scoped_row(STOCK_MANAGERS, yes=WRITE),
    "housing:ticket_update": scoped_row(MAINTENANCE_HANDLERS, yes=WRITE),
    "housing:ticket_photo_add": scoped_row(MAINTENANCE_READERS, yes=WRITE),
    "housing:inspection_keys": scoped_row(INSPECTORS, yes=WRITE),
}
POST_UNSCOPED = {
    "housing:owner_create",
    "housing:building_create",
    "housing:dwelling_create",
    "housing:prospect_create",
    "housing:ticket_create",
    "housing:inspection_create",
}
CSRF_CASES = POST_UNSCOPED | set(POST_EXPECTED)


# --- the rows the URLs point to ------------------------------------------------------------------------


class Stock:
    """Two of each row in the organisation (own team, other team) and one in another organisation, made by a
    director of their organisation, once per test."""

    def __init__(self, director_of):
        self.director_of = director_of
        self.rows = {}

    def _once(self, kind, scope, make):
        key = (kind, scope)
        if key not in self.rows:
            self.rows[key] = make(self.director_of(scope))
        return self.rows[key]

    def owner(self, scope):
        return self._once("owner", scope, lambda d: services.owner_create(actor=d, data={"name": f"Owner {scope}"}))

    def building(self, scope):
        data = {
            "name": f"Immeuble {scope}",
            "address": "8 rue des Muettes",
            "postal_code": "13002",
            "city": "Marseille",
        }
        return self._once(
            "building", scope, lambda d: services.building_create(actor=d, data=data, owner_id=self.owner(scope).pk)
        )

    def dwelling(self, scope):
        data = {
            "reference": f"REF-{scope}",
            "address": "14 rue d'Italie",
            "postal_code": "13006",
            "city": "Marseille",
            "surface": "38.50",
            "rooms": 2,
            "energy_class": "D",
        }
        return self._once(
            "dwelling", scope, lambda d: services.dwelling_create(actor=d, data=data, owner_id=self.owner(scope).pk)
        )

    def prospect(self, scope):
        dwelling = self.dwelling(scope)
        return self._once(
            "prospect",
            scope,
            lambda d: services.prospect_create(
                actor=d,
                worker_id=d.pk,
                on_date=date(2026, 1, 5),
                owner_id=dwelling.owner_id,
                dwelling_id=dwelling.pk,
            ),
        )

    def ticket(self, scope):
        dwelling = self.dwelling(scope)
        return self._once(
            "ticket",
            scope,
            lambda d: services.ticket_create(
                actor=d,
                dwelling_id=dwelling.pk,
                title=f"Fuite {scope}",
                reported_by="tenant",
                reported_on=date(2026, 1, 5),
                urgency="normal",
                photos=[SimpleUploadedFile("fuite.png", image_bytes())],
            ),
        )

    def photo(self, scope):
        return Photo.objects.filter(ticket=self.ticket(scope)).order_by("created_at").first()

    def inspection(self, scope):
        """A check-out (its keys may be noted), after a check-in."""
        dwelling = self.dwelling(scope)

        def make(director):
            rooms = [{"name": "Séjour", "condition": "good"}]
            for kind, day in (("check_in", date(2025, 6, 2)), ("check_out", date(2026, 1, 5))):
                inspection = services.inspection_record(
                    actor=director, dwelling_id=dwelling.pk, kind=kind, done_on=day, rooms=rooms
                )
            return inspection

        return self._once("inspection", scope, make)


def _stock(scenario) -> Stock:
    if not hasattr(scenario, "_housing_stock"):
        scenario._housing_stock = Stock(scenario._director_of)
    return scenario._housing_stock


def fillers(scenario, actor, scope):
    stock = _stock(scenario)
    return {
        "owner_id": lambda: stock.owner(scope).pk,
        "building_id": lambda: stock.building(scope).pk,
        "dwelling_id": lambda: stock.dwelling(scope).pk,
        "prospect_id": lambda: stock.prospect(scope).pk,
        "ticket_id": lambda: stock.ticket(scope).pk,
        "photo_id": lambda: stock.photo(scope).pk,
        "inspection_id": lambda: stock.inspection(scope).pk,
    }


def _next_stage(stage):
    allowed = housing_rules.STAGE_TRANSITIONS[stage]
    return next(s for s in housing_rules.PIPELINE if s in allowed)


def post_data(route_name, scenario, actor, scope):
    """Valid form data: each allowed write changes the row again (a new name, the next stage, another cost)."""
    stock = _stock(scenario)
    if route_name == "housing:owner_edit":
        owner = Owner.objects.get(pk=stock.owner(scope).pk)
        return {"kind": "private", "name": f"Modifié par {actor}", "version": owner.version}
    if route_name == "housing:owner_contact_add":
        return {"occurred_on": "2026-01-05", "channel": "phone", "summary": f"Appel de {actor}"}
    if route_name == "housing:building_edit":
        building = Building.objects.get(pk=stock.building(scope).pk)
        return {
            "name": f"Immeuble de {actor}",
            "address": "8 rue",
            "postal_code": "13002",
            "city": "Marseille",
            "version": building.version,
        }
    if route_name == "housing:dwelling_edit":
        dwelling = type(stock.dwelling(scope)).objects.get(pk=stock.dwelling(scope).pk)
        return {
            "version": dwelling.version,
            "reference": dwelling.reference,
            "owner": dwelling.owner_id,
            "address": f"Adresse posée par {actor}",
            "postal_code": "13006",
            "city": "Marseille",
            "territory": "metropole",
            "surface": "38,5",
            "rooms": "2",
            "energy_class": "D",
        }
    if route_name == "housing:prospect_move":
        prospect = Prospect.objects.get(pk=stock.prospect(scope).pk)
        return {"to_stage": _next_stage(prospect.stage), "on_date": timezone.localdate().isoformat()}
    if route_name == "housing:ticket_update":
        ticket = MaintenanceTicket.objects.get(pk=stock.ticket(scope).pk)
        return {"status": ticket.status, "cost": f"{ACTORS.index(actor) + 10},00", "version": ticket.version}
    if route_name == "housing:ticket_photo_add":
        return {"photo": SimpleUploadedFile(f"{actor}.png", image_bytes())}
    if route_name == "housing:inspection_keys":
        day = timezone.localdate() - timedelta(days=ACTORS.index(actor))
        return {"keys_returned_on": day.isoformat()}
    raise AssertionError(f"no POST data for {route_name}")


def state(route_name, scenario, actor, scope):
    """What the POST would change, to check that nothing is written when it is refused."""
    stock = _stock(scenario)
    if route_name == "housing:owner_edit":
        return Owner.objects.get(pk=stock.owner(scope).pk).name
    if route_name == "housing:owner_contact_add":
        return OwnerContact.objects.filter(owner=stock.owner(scope)).count()
    if route_name == "housing:building_edit":
        return Building.objects.get(pk=stock.building(scope).pk).name
    if route_name == "housing:dwelling_edit":
        return type(stock.dwelling(scope)).objects.get(pk=stock.dwelling(scope).pk).address
    if route_name == "housing:prospect_move":
        return Prospect.objects.get(pk=stock.prospect(scope).pk).stage
    if route_name == "housing:ticket_update":
        return MaintenanceTicket.objects.get(pk=stock.ticket(scope).pk).cost
    if route_name == "housing:ticket_photo_add":
        return Photo.objects.filter(ticket=stock.ticket(scope)).count()
    if route_name == "housing:inspection_keys":
        return Inspection.objects.get(pk=stock.inspection(scope).pk).keys_returned_on
    raise AssertionError(f"no state for {route_name}")


# --- CSRF --------------------------------------------------------------------------------------------------


class RewoundImage(SimpleUploadedFile):
    """The same file is posted three times (refused, forged, accepted): each read starts over."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _world_stock(world) -> Stock:
    if not hasattr(world, "_housing_stock"):
        world._housing_stock = Stock(lambda scope: world.users["director"])
    return world._housing_stock


def csrf_case(name, world):
    manager = world.users["rental_manager"]
    technician = world.users["technician"]
    stock = _world_stock(world)
    today = timezone.localdate().isoformat()
    if name == "housing:owner_create":
        url = reverse(name)
        return CsrfCase(
            logged_in(manager),
            url,
            url,
            {"kind": "private", "name": "Nouveau bailleur"},
            lambda: Owner.objects.filter(name="Nouveau bailleur").exists(),
        )
    if name == "housing:building_create":
        url = reverse(name)
        data = {"name": "Les Oliviers", "address": "Chemin", "postal_code": "13013", "city": "Marseille"}
        return CsrfCase(
            logged_in(manager), url, url, data, lambda: Building.objects.filter(name="Les Oliviers").exists()
        )
    if name == "housing:dwelling_create":
        url = reverse(name)
        data = {
            "reference": "CSRF-1",
            "owner": stock.owner("own_team").pk,
            "address": "3 rue Sainte",
            "postal_code": "13001",
            "city": "Marseille",
            "territory": "metropole",
            "surface": "22",
            "rooms": "1",
        }
        return CsrfCase(
            logged_in(manager),
            url,
            url,
            data,
            lambda: type(stock.dwelling("own_team")).objects.filter(reference="CSRF-1").exists(),
        )
    if name == "housing:prospect_create":
        url = reverse(name)
        dwelling = stock.dwelling("own_team")
        data = {"owner": dwelling.owner_id, "dwelling": dwelling.pk, "worker": manager.pk, "on_date": today}
        return CsrfCase(logged_in(manager), url, url, data, lambda: Prospect.objects.filter(worker=manager).exists())
    if name == "housing:ticket_create":
        url = reverse(name)
        data = {
            "dwelling": stock.dwelling("own_team").pk,
            "title": "Volet bloqué",
            "reported_by": "technician",
            "reported_on": today,
            "urgency": "normal",
        }
        return CsrfCase(
            logged_in(technician),
            url,
            url,
            data,
            lambda: MaintenanceTicket.objects.filter(title="Volet bloqué").exists(),
        )
    if name == "housing:inspection_create":
        url = reverse(name)
        dwelling = stock.dwelling("other_team")
        data = {
            "dwelling": dwelling.pk,
            "kind": "check_in",
            "done_on": today,
            "rooms-TOTAL_FORMS": "1",
            "rooms-INITIAL_FORMS": "0",
            "rooms-MIN_NUM_FORMS": "1",
            "rooms-MAX_NUM_FORMS": "30",
            "rooms-0-name": "Séjour",
            "rooms-0-condition": "good",
        }
        return CsrfCase(
            logged_in(technician), url, url, data, lambda: Inspection.objects.filter(dwelling=dwelling).exists()
        )
    owner = stock.owner("own_team")
    if name == "housing:owner_edit":
        url = reverse(name, args=[owner.pk])
        return CsrfCase(
            logged_in(manager),
            url,
            url,
            {"kind": "company", "name": "SCI Renommée", "version": owner.version},
            lambda: Owner.objects.get(pk=owner.pk).name == "SCI Renommée",
        )
    if name == "housing:owner_contact_add":
        page = reverse("housing:owner_detail", args=[owner.pk])
        data = {"occurred_on": today, "channel": "email", "summary": "Courriel envoyé."}
        return CsrfCase(
            logged_in(manager),
            page,
            reverse(name, args=[owner.pk]),
            data,
            lambda: OwnerContact.objects.filter(owner=owner).exists(),
        )
    if name == "housing:building_edit":
        building = stock.building("own_team")
        url = reverse(name, args=[building.pk])
        data = {
            "name": "Renommé",
            "address": "8 rue",
            "postal_code": "13002",
            "city": "Marseille",
            "version": building.version,
        }
        return CsrfCase(
            logged_in(manager), url, url, data, lambda: Building.objects.get(pk=building.pk).name == "Renommé"
        )
    if name == "housing:dwelling_edit":
        dwelling = stock.dwelling("own_team")
        url = reverse(name, args=[dwelling.pk])
        data = {
            "version": dwelling.version,
            "reference": dwelling.reference,
            "owner": dwelling.owner_id,
            "address": "Nouvelle adresse",
            "postal_code": "13006",
            "city": "Marseille",
            "territory": "metropole",
            "surface": "38,5",
            "rooms": "2",
        }
        return CsrfCase(
            logged_in(manager),
            url,
            url,
            data,
            lambda: type(dwelling).objects.get(pk=dwelling.pk).address == "Nouvelle adresse",
        )
    if name == "housing:prospect_move":
        prospect = stock.prospect("own_team")
        return CsrfCase(
            logged_in(manager),
            reverse("housing:prospect_detail", args=[prospect.pk]),
            reverse(name, args=[prospect.pk]),
            {"to_stage": "contacted", "on_date": today},
            lambda: Prospect.objects.get(pk=prospect.pk).stage == "contacted",
        )
    ticket = stock.ticket("own_team")
    if name == "housing:ticket_update":
        return CsrfCase(
            logged_in(technician),
            reverse("housing:ticket_detail", args=[ticket.pk]),
            reverse(name, args=[ticket.pk]),
            {"status": "done", "technician": technician.pk, "cost": "80", "version": ticket.version},
            lambda: MaintenanceTicket.objects.get(pk=ticket.pk).status == "done",
        )
    if name == "housing:ticket_photo_add":
        return CsrfCase(
            logged_in(technician),
            reverse("housing:ticket_detail", args=[ticket.pk]),
            reverse(name, args=[ticket.pk]),
            {"photo": RewoundImage("mur.png", image_bytes())},
            lambda: Photo.objects.filter(ticket=ticket).count() == 2,
        )
    if name == "housing:inspection_keys":
        inspection = stock.inspection("own_team")
        return CsrfCase(
            logged_in(technician),
            reverse("housing:inspection_detail", args=[inspection.pk]),
            reverse(name, args=[inspection.pk]),
            {"keys_returned_on": today},
            lambda: Inspection.objects.get(pk=inspection.pk).keys_returned_on is not None,
        )
    raise AssertionError(f"no CSRF case for {name}")


def post_probe_values(world):
    stock = _world_stock(world)
    return {
        "owner_id": stock.owner("own_team").pk,
        "building_id": stock.building("own_team").pk,
        "dwelling_id": stock.dwelling("own_team").pk,
        "prospect_id": stock.prospect("own_team").pk,
        "ticket_id": stock.ticket("own_team").pk,
        "photo_id": stock.photo("own_team").pk,
        "inspection_id": stock.inspection("own_team").pk,
    }
