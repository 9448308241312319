"""Authorization rows of the `residences` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Who (habiter/residences/permissions.py): directors and team leads read every residence of the organisation; a
host reads only the residences they are host of; only a director creates or changes a residence, its places
and its house rules. Scopes: own team is a residence the host of the organisation hosts, other team a residence
of the organisation with no host, other organisation a residence of another one. Stays: only a director records
an entry or an exit in this slice (the host will, from an admitted candidate, with the admissions).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from habiter.residences import services
from habiter.residences.models import HouseRules, Place, Residence, ResidenceStay
from tests.authz_common import ACTORS, NOT_FOUND, OK, SAVED, CsrfCase, logged_in, row, scoped_row

READERS = ("director", "team_lead", "host")
MANAGERS = ("director",)
WRITE = (SAVED, SAVED, NOT_FOUND)
READ_ROW = scoped_row(READERS) | {"host": (OK, NOT_FOUND, NOT_FOUND)}

EXPECTED = {
    "residences:residence_list": row(READERS, OK, NOT_FOUND),
    "residences:residence_create": row(MANAGERS, OK, NOT_FOUND),
    "residences:residence_detail": READ_ROW,
    "residences:residence_edit": scoped_row(MANAGERS),
    "residences:place_create": scoped_row(MANAGERS),
    "residences:place_edit": scoped_row(MANAGERS),
    "residences:house_rules_add": scoped_row(MANAGERS),
    "residences:place_entry": scoped_row(MANAGERS),
    "residences:stay_exit": scoped_row(MANAGERS),
}
POST_EXPECTED = {
    "residences:residence_edit": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_create": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_edit": scoped_row(MANAGERS, yes=WRITE),
    "residences:house_rules_add": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_entry": scoped_row(MANAGERS, yes=WRITE),
    "residences:stay_exit": scoped_row(MANAGERS, yes=WRITE),
}
POST_UNSCOPED = {"residences:residence_create"}
CSRF_CASES = POST_UNSCOPED | set(POST_EXPECTED)


class Houses:
    """One residence per scope, with one place, made by a director of its organisation, once per test."""

    def __init__(self, director_of, host, member):
        self.director_of = director_of
        self.host = host
        self.member = member
        self.rows = {}

    def residence(self, scope):
        if ("residence", scope) not in self.rows:
            hosts = [self.host.pk] if scope == "own_team" else []
            self.rows[("residence", scope)] = services.residence_create(
                actor=self.director_of(scope),
                data={
                    "name": f"Pension {scope}",
                    "kind": "pension_de_famille",
                    "address": "12 rue des Pléiades",
                    "postal_code": "13003",
                    "city": "Marseille",
                },
                host_ids=hosts,
            )
        return self.rows[("residence", scope)]

    def place(self, scope):
        if ("place", scope) not in self.rows:
            self.rows[("place", scope)], _warning = services.place_create(
                actor=self.director_of(scope),
                residence_id=self.residence(scope).pk,
                data={"label": "1", "kind": "studio", "typology": "T1", "surface": Decimal("20")},
            )
        return self.rows[("place", scope)]

    def stay(self, scope):
        """A resident of the scope's household in a second place of the scope's residence."""
        if ("stay", scope) not in self.rows:
            director = self.director_of(scope)
            place, _warning = services.place_create(
                actor=director,
                residence_id=self.residence(scope).pk,
                data={"label": "2", "kind": "room", "typology": "T1", "surface": Decimal("16")},
            )
            self.rows[("stay", scope)] = services.stay_enter(
                actor=director, place_id=place.pk, resident_id=self.member(scope).pk, entered_on=date(2026, 1, 5)
            )
        return self.rows[("stay", scope)]


def _houses(scenario) -> Houses:
    if not hasattr(scenario, "_residences"):
        scenario._residences = Houses(scenario._director_of, scenario.world.users["host"], scenario.member)
    return scenario._residences


def fillers(scenario, actor, scope):
    houses = _houses(scenario)
    return {
        "residence_id": lambda: houses.residence(scope).pk,
        "place_id": lambda: houses.place(scope).pk,
        "stay_id": lambda: houses.stay(scope).pk,
    }


def post_data(route_name, scenario, actor, scope):
    index = ACTORS.index(actor)
    if route_name == "residences:residence_edit":
        return {
            "name": f"Pension {scope} par {actor}",
            "kind": "pension_de_famille",
            "address": "12 rue",
            "postal_code": "13003",
            "city": "Marseille",
        }
    if route_name == "residences:place_create":
        return {"label": f"{actor}", "kind": "room", "typology": "T1", "surface": "15"}
    if route_name == "residences:place_edit":
        return {"label": "1", "kind": "studio", "typology": "T1", "surface": f"{20 + index}"}
    if route_name == "residences:house_rules_add":
        day = date(2026, 1, 5) + timedelta(days=index)
        return {"valid_from": day.isoformat(), "text": f"Règlement posé par {actor}"}
    if route_name == "residences:place_entry":
        return {"resident": scenario.member("own_team").pk, "entered_on": "2026-02-02"}
    if route_name == "residences:stay_exit":
        return {"left_on": "2026-03-02", "exit_destination": "unknown"}
    raise AssertionError(f"no POST data for {route_name}")


def state(route_name, scenario, actor, scope):
    houses = _houses(scenario)
    if route_name == "residences:residence_edit":
        return Residence.objects.get(pk=houses.residence(scope).pk).name
    if route_name == "residences:place_create":
        return Place.objects.filter(residence=houses.residence(scope)).count()
    if route_name == "residences:place_edit":
        return Place.objects.get(pk=houses.place(scope).pk).surface
    if route_name == "residences:house_rules_add":
        return HouseRules.objects.filter(residence=houses.residence(scope)).count()
    if route_name == "residences:place_entry":
        return ResidenceStay.objects.filter(place=houses.place(scope)).count()
    if route_name == "residences:stay_exit":
        return ResidenceStay.objects.get(pk=houses.stay(scope).pk).left_on
    raise AssertionError(f"no state for {route_name}")


# --- CSRF --------------------------------------------------------------------------------------------------


def _world_houses(world) -> Houses:
    if not hasattr(world, "_residences"):
        world._residences = Houses(
            lambda scope: world.users["director"],
            world.users["host"],
            lambda scope: world.own_household.members.first(),
        )
    return world._residences


def csrf_case(name, world):
    director = world.users["director"]
    houses = _world_houses(world)
    if name == "residences:residence_create":
        url = reverse(name)
        data = {"name": "Soleil", "kind": "residence_accueil", "address": "1 rue", "postal_code": "13001", "city": "M"}
        return CsrfCase(logged_in(director), url, url, data, lambda: Residence.objects.filter(name="Soleil").exists())
    residence = houses.residence("own_team")
    if name == "residences:residence_edit":
        url = reverse(name, args=[residence.pk])
        data = {
            "name": "Renommée",
            "kind": "pension_de_famille",
            "address": "1 rue",
            "postal_code": "13001",
            "city": "M",
        }
        return CsrfCase(
            logged_in(director), url, url, data, lambda: Residence.objects.get(pk=residence.pk).name == "Renommée"
        )
    if name == "residences:place_create":
        url = reverse(name, args=[residence.pk])
        data = {"label": "CSRF", "kind": "room", "typology": "T1", "surface": "15"}
        return CsrfCase(logged_in(director), url, url, data, lambda: Place.objects.filter(label="CSRF").exists())
    if name == "residences:place_edit":
        place = houses.place("own_team")
        url = reverse(name, args=[place.pk])
        data = {"label": "1", "kind": "studio", "typology": "T2", "surface": "20"}
        return CsrfCase(logged_in(director), url, url, data, lambda: Place.objects.get(pk=place.pk).typology == "T2")
    if name == "residences:house_rules_add":
        url = reverse(name, args=[residence.pk])
        data = {"valid_from": "2026-01-05", "text": "Article 1"}
        return CsrfCase(
            logged_in(director), url, url, data, lambda: HouseRules.objects.filter(residence=residence).exists()
        )
    if name == "residences:place_entry":
        place = houses.place("own_team")
        url = reverse(name, args=[place.pk])
        data = {"resident": world.own_household.members.first().pk, "entered_on": "2026-02-02"}
        return CsrfCase(logged_in(director), url, url, data, lambda: ResidenceStay.objects.filter(place=place).exists())
    if name == "residences:stay_exit":
        stay = houses.stay("own_team")
        url = reverse(name, args=[stay.pk])
        data = {"left_on": "2026-03-02", "exit_destination": "unknown"}
        return CsrfCase(
            logged_in(director), url, url, data, lambda: ResidenceStay.objects.get(pk=stay.pk).left_on is not None
        )
    raise AssertionError(f"no CSRF case for {name}")


def post_probe_values(world):
    houses = _world_houses(world)
    return {
        "residence_id": houses.residence("own_team").pk,
        "place_id": houses.place("own_team").pk,
        "stay_id": houses.stay("own_team").pk,
    }
