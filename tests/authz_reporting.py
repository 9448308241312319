"""Authorization rows of the `reporting` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Who (habiter/reporting/permissions.py): directors and team leads read the indicators and the activity report and
store runs; nobody else opens these pages (404, like a missing row). The ES-DS survey's anonymous individual rows
(W33, W43) are the director's only. Scopes of a stored run: a director reads every
run of the organisation (own team: a director's run, other team: a team lead's run), a team lead their own team's
runs only; other organisation: a run of another organisation, out of reach of all.

Subsidies (DOMAIN-2 W31, W32): directors and accountants read and write them, for the whole organisation (own team
and other team are the same subsidy of the organisation); a subsidy of another organisation is a 404. The subsidy's
page takes the decision and the compte rendu financier (POST); the request, the year's accounts obligations and the
year's costs of intermédiation locative (W36) are unscoped POSTs. A payment of a granted subsidy is cancelled on a
page of its own (its reason, then the confirmation): scoped like the subsidy, each POST on a payment of its own.
"""

import uuid
from datetime import date

from django.urls import reverse

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.reporting import services
from habiter.reporting.models import AccountsObligations, ImlActivityCosts, ReportRun, Subsidy, SubsidyPayment
from tests.authz_common import (
    ACTORS,
    CONFIRMED,
    LOGIN,
    NOT_FOUND,
    OK,
    ROLES,
    SAVED,
    CsrfCase,
    logged_in,
    row,
    scoped_row,
)

READERS = ("director", "team_lead")
SUBSIDY_MANAGERS = ("director", "accountant")


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
    # The ES-DS anonymous individual rows (W33, W43): the director only, over the whole organisation.
    "reporting:esds_rows": row(("director",), OK, NOT_FOUND),
    "reporting:subsidy_list": row(SUBSIDY_MANAGERS, OK, NOT_FOUND),
    "reporting:subsidy_create": row(SUBSIDY_MANAGERS, OK, NOT_FOUND),
    "reporting:crf_list": row(SUBSIDY_MANAGERS, OK, NOT_FOUND),
    "reporting:accounts_threshold": row(SUBSIDY_MANAGERS, OK, NOT_FOUND),
    "reporting:iml_costs": row(SUBSIDY_MANAGERS, OK, NOT_FOUND),
    "reporting:subsidy_xlsx": row(SUBSIDY_MANAGERS, OK, NOT_FOUND),
    "reporting:subsidy_detail": scoped_row(SUBSIDY_MANAGERS),
    "reporting:subsidy_payment_cancel": scoped_row(SUBSIDY_MANAGERS),
}
assert set(EXPECTED["reporting:run_detail"]) == set(ACTORS)
POST_EXPECTED = {
    # the decision recorded again, with a reference of its own
    "reporting:subsidy_detail": scoped_row(SUBSIDY_MANAGERS, yes=(SAVED, SAVED, NOT_FOUND)),
    # a payment of its own cancelled, with its reason, confirmed
    "reporting:subsidy_payment_cancel": scoped_row(SUBSIDY_MANAGERS, yes=(SAVED, SAVED, NOT_FOUND)),
}
POST_UNSCOPED = {
    "reporting:report_list",
    "reporting:subsidy_create",
    "reporting:accounts_threshold",
    "reporting:iml_costs",
}
CSRF_CASES = POST_UNSCOPED | set(POST_EXPECTED)

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


def subsidy_of(world, scope) -> Subsidy:
    """One requested subsidy of the organisation (own team and other team: subsidies are the organisation's) and
    one of the other organisation, made once."""
    made = world.__dict__.setdefault("_subsidies", {})
    key = "other_org" if scope == "other_org" else "own"
    if key not in made:
        if key == "own":
            author = world.users["director"]
        else:
            author = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
        type(author.organisation).objects.filter(pk=author.organisation_id).update(cer_signed_on=date(2022, 1, 2))
        made[key] = services.subsidy_request(
            actor=author,
            data={
                "funder_name": "DDETS",
                "funder_kind": "state",
                "purpose": "AVDL 2025",
                "year_end": date(2025, 12, 31),
                "requested_on": date(2025, 1, 10),
                "amount_requested": "1000",
            },
        )
    return made[key]


def _granted_subsidy(world, scope) -> Subsidy:
    """A subsidy of 100 000 € granted on 1 March 2025, of the organisation or of the other one, made once."""
    made = world.__dict__.setdefault("_granted_subsidies", {})
    key = "other_org" if scope == "other_org" else "own"
    if key not in made:
        subsidy = subsidy_of(world, scope)
        director = world.users["director"] if key == "own" else _director_of_other_org(world)
        made[key] = services.subsidy_decide(
            actor=director,
            subsidy_id=services.subsidy_request(
                actor=director,
                data={
                    "funder_id": subsidy.funder_id,
                    "purpose": "AVDL 2025, versée en plusieurs fois",
                    "year_end": date(2025, 12, 31),
                    "requested_on": date(2025, 1, 10),
                    "amount_requested": "100000",
                },
            ).pk,
            status="granted",
            decided_on=date(2025, 3, 1),
            amount_granted="100000",
        )
    return made[key]


def _director_of_other_org(world):
    made = world.__dict__.setdefault("_other_org_directors", [])
    if not made:
        made.append(UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR))
    return made[0]


def fresh_payment(world, scope):
    """A new payment of 10 € of the scope's granted subsidy (each cancellation needs its own); remembered for
    `state`."""
    subsidy = _granted_subsidy(world, scope)
    director = world.users["director"] if scope != "other_org" else _director_of_other_org(world)
    payment = services.subsidy_payment_record(
        actor=director, subsidy_id=subsidy.pk, received_on=date(2025, 4, 1), amount="10"
    )
    world.__dict__.setdefault("_last_payments", {})[scope] = payment.pk
    return payment.pk


def fillers(scenario, actor, scope):
    return {
        "run_id": lambda: run_of(scenario.world, actor, scope).pk,
        "code": lambda: REPORT_CODES[scope],
        "subsidy_id": lambda: subsidy_of(scenario.world, scope).pk,
        "payment_id": lambda: fresh_payment(scenario.world, scope),
    }


def _decision(reference):
    return {
        "action": "decision",
        "decision-status": "granted",
        "decision-decided_on": "2025-03-01",
        "decision-amount_granted": "900",
        "decision-convention_reference": reference,
    }


def post_data(route_name, scenario, actor, scope):
    if route_name == "reporting:subsidy_detail":
        return _decision(f"C-{actor}-{scope}")
    if route_name == "reporting:subsidy_payment_cancel":
        return {"reason": f"Saisi par erreur ({actor}, {scope})"} | CONFIRMED
    raise AssertionError(f"no scoped POST in reporting: {route_name}")


def state(route_name, scenario, actor, scope):
    if route_name == "reporting:subsidy_detail":
        subsidy = Subsidy.objects.get(pk=subsidy_of(scenario.world, scope).pk)
        return (subsidy.status, subsidy.convention_reference)
    if route_name == "reporting:subsidy_payment_cancel":
        payment = SubsidyPayment.objects.get(pk=scenario.world.__dict__["_last_payments"][scope])
        return (payment.cancelled_at, payment.cancel_reason)
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
    if name == "reporting:subsidy_create":
        type(world.organisation).objects.filter(pk=world.organisation.pk).update(cer_signed_on=date(2022, 1, 2))
        url = reverse(name)
        data = {
            "funder_name": "Ville de Lyon",
            "funder_kind": "commune",
            "purpose": "Ateliers CSRF",
            "year_end": "2025-12-31",
            "requested_on": "2025-01-10",
            "amount_requested": "5000",
        }
        saved = lambda: Subsidy.objects.filter(purpose="Ateliers CSRF").exists()  # noqa: E731
        return CsrfCase(logged_in(world.users["director"]), url, url, data, saved)
    if name == "reporting:accounts_threshold":
        url = f"{reverse(name)}?annee=2025"
        data = {"auditor_name": "Cabinet CSRF", "auditor_appointed_on": "2025-06-01"}
        saved = lambda: AccountsObligations.objects.filter(auditor_name="Cabinet CSRF").exists()  # noqa: E731
        return CsrfCase(logged_in(world.users["director"]), url, url, data, saved)
    if name == "reporting:iml_costs":
        url = f"{reverse(name)}?annee=2025"
        data = {"sublease_captation": "1234,56", "method": "Analytique CSRF"}
        saved = lambda: ImlActivityCosts.objects.filter(method="Analytique CSRF").exists()  # noqa: E731
        return CsrfCase(logged_in(world.users["director"]), url, url, data, saved)
    if name == "reporting:subsidy_detail":
        subsidy = subsidy_of(world, "own_team")
        url = reverse(name, args=[subsidy.pk])
        saved = lambda: Subsidy.objects.filter(convention_reference="C-CSRF").exists()  # noqa: E731
        return CsrfCase(logged_in(world.users["director"]), url, url, _decision("C-CSRF"), saved)
    if name == "reporting:subsidy_payment_cancel":
        payment_id = fresh_payment(world, "own_team")
        url = reverse(name, args=[payment_id])
        saved = lambda: SubsidyPayment.objects.filter(pk=payment_id, cancelled_at__isnull=False).exists()  # noqa: E731
        return CsrfCase(logged_in(world.users["director"]), url, url, {"reason": "CSRF"} | CONFIRMED, saved)
    raise AssertionError(f"no CSRF case for {name}")


def post_probe_values(world):
    return {
        "run_id": uuid.uuid4(),
        "code": "activity",
        "subsidy_id": subsidy_of(world, "own_team").pk,
        "payment_id": uuid.uuid4(),
    }
