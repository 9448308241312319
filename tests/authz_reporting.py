"""Authorization rows of the `reporting` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Who (habiter/reporting/permissions.py): directors and team leads read the indicators and the activity report and
store runs; nobody else opens these pages (404, like a missing row). Scopes of a stored run: a director reads every
run of the organisation (own team: a director's run, other team: a team lead's run), a team lead their own team's
runs only; other organisation: a run of another organisation, out of reach of all.
"""

import uuid
from datetime import date

from django.urls import reverse

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.reporting import services
from habiter.reporting.models import ReportRun
from tests.authz_common import ACTORS, LOGIN, NOT_FOUND, OK, ROLES, CsrfCase, logged_in, row

READERS = ("director", "team_lead")


def _run_row():
    rows = {actor: (NOT_FOUND,) * 3 for actor in ROLES}
    rows["director"] = (OK, OK, NOT_FOUND)
    rows["team_lead"] = (OK, NOT_FOUND, NOT_FOUND)
    return {"anonymous": (LOGIN,) * 3, **rows}


EXPECTED = {
    "reporting:dashboard": row(READERS, OK, NOT_FOUND),
    "reporting:report_list": row(READERS, OK, NOT_FOUND),
    # A report is a code, not a row: own team and other team open a funder report, an unknown code is 404.
    "reporting:report": {
        "anonymous": (LOGIN,) * 3,
        **{actor: (OK, OK, NOT_FOUND) if actor in READERS else (NOT_FOUND,) * 3 for actor in ROLES},
    },
    "reporting:run_detail": _run_row(),
    "reporting:run_xlsx": _run_row(),
    "reporting:run_pdf": _run_row(),
}
assert set(EXPECTED["reporting:run_detail"]) == set(ACTORS)
POST_EXPECTED = {}
POST_UNSCOPED = {"reporting:report_list"}
CSRF_CASES = {"reporting:report_list"}

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def _run(world, key) -> ReportRun:
    """One stored run per author (made once): the director's, the team lead's, another team's lead's, and a
    director's of the other organisation."""
    runs = world.__dict__.setdefault("_report_runs", {})
    if key not in runs:
        if key == "director":
            author = world.users["director"]
        elif key == "team_lead":
            author = world.users["team_lead"]
        elif key == "other_team_lead":
            author = UserFactory(organisation=world.organisation, role=Role.TEAM_LEAD, team=world.other_team)
        else:
            author = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
        runs[key] = services.report_run(actor=author, code="desk_visits", start=YEAR[0], end=YEAR[1])
    return runs[key]


def run_of(world, actor, scope) -> ReportRun:
    if scope == "other_org":
        return _run(world, "other_org")
    if actor == "team_lead":
        return _run(world, "team_lead" if scope == "own_team" else "other_team_lead")
    return _run(world, "director" if scope == "own_team" else "team_lead")


REPORT_CODES = {"own_team": "avdl", "other_team": "asll", "other_org": "inconnu"}


def fillers(scenario, actor, scope):
    return {"run_id": lambda: run_of(scenario.world, actor, scope).pk, "code": lambda: REPORT_CODES[scope]}


def post_data(route_name, scenario, actor, scope):
    raise AssertionError(f"no scoped POST in reporting: {route_name}")


def state(route_name, scenario, actor, scope):
    raise AssertionError(f"no scoped POST in reporting: {route_name}")


def csrf_case(name, world) -> CsrfCase:
    if name == "reporting:report_list":
        return CsrfCase(
            logged_in(world.users["director"]),
            reverse("reporting:report", args=["activity"]),
            reverse(name),
            {"code": "activity", "annee": "2025"},
            lambda: ReportRun.objects.filter(organisation=world.organisation, code="activity").exists(),
        )
    raise AssertionError(f"no CSRF case for {name}")


def post_probe_values(world):
    return {"run_id": uuid.uuid4(), "code": "activity"}
