"""Authorization rows of the `residences` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Who (habiter/residences/permissions.py): directors and team leads read every residence of the organisation; a
host reads only the residences they are host of; only a director creates or changes a residence, its places
and its house rules. Scopes: own team is a residence the host of the organisation hosts, other team a residence
of the organisation with no host, other organisation a residence of another one.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from habiter.residences import services
from habiter.residences.models import HouseRules, Place, Residence
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
}
POST_EXPECTED = {
    "residences:residence_edit": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_create": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_edit": scoped_row(MANAGERS, yes=WRITE),
    "residences:house_rules_add": scoped_row(MANAGERS, yes=WRITE),
}
POST_UNSCOPED = {"residences:residence_create"}
CSRF_CASES = POST_UNSCOPED | set(POST_EXPECTED)


class Houses:
    """One residence per scope, with one place, made by a director of its organisation, once per test."""

    def __init__(self, director_of, host):
        self.director_of = director_of
        self.host = host
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


def _houses(scenario) -> Houses:
    if not hasattr(scenario, "_residences"):
        scenario._residences = Houses(scenario._director_of, scenario.world.users["host"])
    return scenario._residences


def fillers(scenario, actor, scope):
    houses = _houses(scenario)
    return {"residence_id": lambda: houses.residence(scope).pk, "place_id": lambda: houses.place(scope).pk}


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
    raise AssertionError(f"no state for {route_name}")


# --- CSRF --------------------------------------------------------------------------------------------------


def _world_houses(world) -> Houses:
    if not hasattr(world, "_residences"):
        world._residences = Houses(lambda scope: world.users["director"], world.users["host"])
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
    raise AssertionError(f"no CSRF case for {name}")


def post_probe_values(world):
    houses = _world_houses(world)
    return {"residence_id": houses.residence("own_team").pk, "place_id": houses.place("own_team").pk}
