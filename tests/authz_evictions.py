"""Authorization rows of the `evictions` pages (see tests/authz_common.py). A prevention case is restricted
data: the household's referent, the team lead and the director; out of scope is 404."""

import uuid
from datetime import date
from decimal import Decimal

from django.urls import reverse

from habiter.core.models import AuditEvent, Role, User
from habiter.core.tests.factories import UserFactory
from habiter.evictions import services
from habiter.evictions.models import (
    Advance,
    CaseStep,
    Diagnosis,
    FslApplication,
    FslFund,
    LegalDeskSession,
    LegalDeskVisit,
    PreventionCase,
)
from tests.authz_common import (
    ANONYMOUS,
    CONFIRMED,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROLES,
    SAVED,
    CsrfCase,
    logged_in,
)
from tests.authz_ledger import lease_of, mandate_lease_of


def _restricted_row(ok=OK):
    return {
        ANONYMOUS: (LOGIN,) * 3,
        **{role: (NOT_FOUND,) * 3 for role in ROLES},
        "director": (ok, ok, NOT_FOUND),
        "team_lead": (ok, NOT_FOUND, NOT_FOUND),
        "social_worker": (ok, NOT_FOUND, NOT_FOUND),  # referent of the own team's household
    }


LEGAL_DESK = ("director", "team_lead", "social_worker", "lawyer")


def _legal_desk_row(ok=OK):
    """A legal-desk session or visit: the director sees the organisation's; the team lead, the social worker and
    the lawyer those of the own team's session (the world's social worker and lawyer run it)."""
    return {
        ANONYMOUS: (LOGIN,) * 3,
        **{role: (NOT_FOUND,) * 3 for role in ROLES},
        "director": (ok, ok, NOT_FOUND),
        **{role: (ok, NOT_FOUND, NOT_FOUND) for role in ("team_lead", "social_worker", "lawyer")},
    }


LEDGER = ("director", "rental_manager", "accountant")  # who posts to the ledger records and clears advances


def _ledger_row(ok=OK):
    return {
        ANONYMOUS: (LOGIN,) * 3,
        **{role: (ok, ok, NOT_FOUND) if role in LEDGER else (NOT_FOUND,) * 3 for role in ROLES},
    }


EXPECTED = {
    "evictions:case_open": _restricted_row(),
    "evictions:case_detail": _restricted_row(),
    "evictions:case_close": {ANONYMOUS: (LOGIN,) * 3, **{role: (NOT_ALLOWED,) * 3 for role in ROLES}},  # POST only
    "evictions:case_reopen": {ANONYMOUS: (LOGIN,) * 3, **{role: (NOT_ALLOWED,) * 3 for role in ROLES}},  # POST only
    "evictions:case_open_from_lease": {ANONYMOUS: (LOGIN,) * 3, **{role: (NOT_ALLOWED,) * 3 for role in ROLES}},
    "evictions:diagnosis_edit": _restricted_row(),
    "evictions:diagnosis_pdf": _restricted_row(),
    "evictions:legal_desk": {ANONYMOUS: LOGIN, **{role: OK if role in LEGAL_DESK else NOT_FOUND for role in ROLES}},
    "evictions:legal_session": _legal_desk_row(),
    "evictions:legal_visit": _legal_desk_row(),
    "evictions:statistics": {ANONYMOUS: LOGIN, **{role: OK if role == "director" else NOT_FOUND for role in ROLES}},
    "evictions:advances": {ANONYMOUS: LOGIN, **{role: OK if role in LEDGER else NOT_FOUND for role in ROLES}},
    "evictions:advance_create": _ledger_row(),
    "evictions:advance_detail": _ledger_row(),
    "evictions:fsl_funds": {ANONYMOUS: LOGIN, **{role: OK if role == "director" else NOT_FOUND for role in ROLES}},
    "evictions:fsl_create": _restricted_row(),
    "evictions:fsl_detail": _restricted_row(),
}
POST_EXPECTED = {
    "evictions:case_open": _restricted_row(SAVED),
    "evictions:case_detail": _restricted_row(SAVED),
    "evictions:case_close": _restricted_row(SAVED),
    "evictions:case_reopen": _restricted_row(SAVED),
    "evictions:case_open_from_lease": _restricted_row(SAVED),
    "evictions:diagnosis_edit": _restricted_row(SAVED),
    "evictions:legal_session": {**_legal_desk_row(SAVED), "lawyer": (NOT_FOUND,) * 3},  # the staff note households
    "evictions:legal_visit": _legal_desk_row(SAVED),
    "evictions:advance_create": _ledger_row(SAVED),
    "evictions:advance_detail": _ledger_row(SAVED),
    "evictions:fsl_create": _restricted_row(SAVED),
    "evictions:fsl_detail": _restricted_row(SAVED),
}
POST_UNSCOPED = {"evictions:fsl_funds", "evictions:legal_desk"}
CSRF_CASES = {
    "evictions:case_open",
    "evictions:case_detail",
    "evictions:case_close",
    "evictions:case_reopen",
    "evictions:case_open_from_lease",
    "evictions:diagnosis_edit",
    "evictions:legal_desk",
    "evictions:legal_session",
    "evictions:legal_visit",
    "evictions:advance_create",
    "evictions:advance_detail",
    "evictions:fsl_funds",
    "evictions:fsl_create",
    "evictions:fsl_detail",
}

OPEN_DATA = {
    "dwelling_address": "3 rue des Lilas, Marseille",
    "landlord_name": "M. Bailleur",
    "landlord_kind": "natural_person",
    "lease_signed_on": "2024-01-10",
    "contractual_months": "2",
    "debt": "900.00",
    "monthly_amount": "450.00",
    "first_unpaid_on": "2026-01-05",
}


def _households(world):
    return {
        "own_team": world.own_household,
        "other_team": world.other_team_household,
        "other_org": world.other_org_household,
    }


def _opener(world, scope):
    if scope == "other_org":
        return world.outsider
    if scope == "other_team":
        return User.objects.get(username="a.colleague")
    return world.users["social_worker"]


def case_of(world, scope) -> PreventionCase:
    cases = world.__dict__.setdefault("_prevention_cases", {})
    if scope not in cases:
        household = _households(world)[scope]
        opener = _opener(world, scope)
        if household.referent_id != opener.pk:
            opener = UserFactory(organisation_id=household.organisation_id, role=Role.DIRECTOR)
        cases[scope] = services.case_open(
            actor=opener,
            household_id=household.pk,
            dwelling_address="3 rue des Lilas, Marseille",
            landlord_name="M. Bailleur",
            landlord_kind="natural_person",
            lease_signed_on=date(2024, 1, 10),
            debt=Decimal("900.00"),
            monthly_amount=Decimal("450.00"),
            first_unpaid_on=date(2026, 1, 5),
        )
        services.diagnosis_save(actor=opener, case_id=cases[scope].pk, referred_on=date(2026, 3, 2), writer="A. Diallo")
    return cases[scope]


def fund_of(organisation) -> FslFund:
    return FslFund.objects.get_or_create(organisation=organisation, department="13", defaults={"name": "FSL 13"})[0]


def application_of(world, scope) -> FslApplication:
    applications = world.__dict__.setdefault("_fsl_applications", {})
    if scope not in applications:
        case = case_of(world, scope)
        applications[scope] = FslApplication.objects.create(
            organisation_id=case.organisation_id,
            household=case.household,
            fund=fund_of(case.organisation),
            purpose="maintenance_arrears",
            aid_form="grant",
            amount_asked=Decimal("900.00"),
            submitted_on=date(2026, 1, 20),
            created_by=case.created_by,
        )
    return applications[scope]


def session_of(world, scope) -> LegalDeskSession:
    """A legal-desk session run by the scope's social worker with a lawyer: the world's lawyer for the own team."""
    sessions = world.__dict__.setdefault("_legal_sessions", {})
    if scope not in sessions:
        social_worker = _opener(world, scope)
        lawyer = (
            world.users["lawyer"]
            if scope == "own_team"
            else UserFactory(organisation_id=social_worker.organisation_id, role=Role.LAWYER)
        )
        sessions[scope] = LegalDeskSession.objects.create(
            organisation_id=social_worker.organisation_id,
            held_on=date(2026, 2, 3),
            place="Maison de la justice et du droit",
            social_worker=social_worker,
            lawyer=lawyer,
            created_by=social_worker,
        )
    return sessions[scope]


def visit_of(world, scope) -> LegalDeskVisit:
    visits = world.__dict__.setdefault("_legal_visits", {})
    if scope not in visits:
        session = session_of(world, scope)
        visits[scope] = LegalDeskVisit.objects.create(
            organisation_id=session.organisation_id,
            session=session,
            household=_households(world)[scope],
            subject="Assignation reçue",
            created_by=session.social_worker,
        )
    return visits[scope]


def advance_of(world, scope) -> Advance:
    advances = world.__dict__.setdefault("_advances", {})
    if scope not in advances:
        lease = mandate_lease_of(world, scope)
        director = UserFactory(organisation_id=lease.organisation_id, role=Role.DIRECTOR)
        advances[scope] = services.advance_record(
            actor=director, lease_id=lease.pk, amount=Decimal("200.00"), advanced_on=date(2026, 1, 10)
        )
    return advances[scope]


def fillers(scenario, actor, scope):
    return {
        "case_id": lambda: case_of(scenario.world, scope).pk,
        "application_id": lambda: application_of(scenario.world, scope).pk,
        "lease_id": lambda: mandate_lease_of(scenario.world, scope).pk,
        "session_id": lambda: session_of(scenario.world, scope).pk,
        "visit_id": lambda: visit_of(scenario.world, scope).pk,
        "advance_id": lambda: advance_of(scenario.world, scope).pk,
    }


def _no_open_case(household):
    PreventionCase.objects.filter(household=household, closed_on__isnull=True).update(
        closed_on=date(2026, 3, 1), outcome="debt_settled"
    )


def post_data(route_name, scenario, actor, scope):
    if route_name == "evictions:case_open_from_lease":
        _no_open_case(_households(scenario.world)[scope])
        return {}
    if route_name == "evictions:legal_session":  # a new household of the scope's team, seen at the session
        from habiter.people.tests.factories import make_household

        return {
            "household": make_household(_opener(scenario.world, scope), name=f"Reçu par {actor}").pk,
            "subject": "Commandement de payer",
        }
    if route_name == "evictions:advance_create":
        return {"amount": "10,00", "advanced_on": "2026-01-12"}
    if route_name == "evictions:advance_detail":  # each allowed write repays one euro of the 200 advanced
        return {"settled_by": "household", "settled_on": "2026-01-20", "amount": "1,00"}
    if route_name == "evictions:legal_visit":
        return {"advice": f"Conseil de {actor}", "follow_up": "Demande de délais au juge"}
    if route_name == "evictions:legal_desk":
        world = scenario.world
        return {
            "held_on": "2026-03-03",
            "place": f"Séance de {actor}",
            "social_worker": actor.pk,
            "lawyer": world.users["lawyer"].pk,
        }
    if route_name == "evictions:diagnosis_edit":
        case = case_of(scenario.world, scope)
        PreventionCase.objects.filter(pk=case.pk).update(closed_on=None, outcome="")
        version = Diagnosis.objects.filter(case=case).values_list("version", flat=True).first() or 0
        return {
            "referred_on": "2026-03-02",
            "writer": f"Rédigé par {actor}",
            "tenant_presence": "present",
            "version": version,
        }
    if route_name == "evictions:case_open":
        return OPEN_DATA
    if route_name == "evictions:case_detail":
        return {"step": "caf_told", "on_date": "2026-02-01", "detail": f"Signalé par {actor}"}
    if route_name == "evictions:fsl_create":
        fund = fund_of(scenario.world.organisation)
        return {
            "fund": fund.pk,
            "purpose": "access_deposit",
            "aid_form": "loan",
            "amount_asked": "600.00",
            "submitted_on": "2026-02-01",
        }
    if route_name == "evictions:fsl_detail":
        FslApplication.objects.filter(pk=application_of(scenario.world, scope).pk).update(
            decision="pending", decided_on=None, amount_granted=None
        )
        return {"decision": "granted", "decided_on": "2026-02-15", "amount_granted": "800.00"}
    if route_name == "evictions:case_close":
        PreventionCase.objects.filter(pk=case_of(scenario.world, scope).pk).update(closed_on=None, outcome="")
        return {"outcome": "debt_settled", "closed_on": "2026-03-01", "reason": "Réglée hors comptabilité"} | CONFIRMED
    if route_name == "evictions:case_reopen":
        PreventionCase.objects.filter(pk=case_of(scenario.world, scope).pk).update(
            closed_on=date(2026, 3, 1), outcome="left"
        )
        return {"reason": f"Rouvert par {actor}"} | CONFIRMED
    raise AssertionError(f"no POST data for {route_name}")


def state(route_name, scenario, actor, scope):
    if route_name == "evictions:fsl_create":
        return FslApplication.objects.filter(household=_households(scenario.world)[scope]).count()
    if route_name == "evictions:fsl_detail":
        application = application_of(scenario.world, scope)
        return AuditEvent.objects.filter(action="fsl_application.decide", object_id=str(application.pk)).count()
    if route_name in ("evictions:case_open", "evictions:case_open_from_lease"):
        return PreventionCase.objects.filter(household=_households(scenario.world)[scope]).count()
    if route_name == "evictions:advance_create":
        return Advance.objects.filter(lease=mandate_lease_of(scenario.world, scope)).count()
    if route_name == "evictions:advance_detail":
        advance = advance_of(scenario.world, scope)
        return AuditEvent.objects.filter(action="fsl_advance.repay", object_id=str(advance.pk)).count()
    if route_name == "evictions:legal_session":
        return LegalDeskVisit.objects.filter(session=session_of(scenario.world, scope)).count()
    if route_name == "evictions:legal_visit":
        return AuditEvent.objects.filter(
            action="legal_desk.advice", object_id=str(visit_of(scenario.world, scope).pk)
        ).count()
    case = case_of(scenario.world, scope)
    if route_name == "evictions:diagnosis_edit":
        return AuditEvent.objects.filter(action="prevention_case.diagnosis", object_id=str(case.pk)).count()
    if route_name == "evictions:case_detail":
        return CaseStep.objects.filter(case=case).count()
    if route_name == "evictions:case_reopen":
        return AuditEvent.objects.filter(action="prevention_case.reopen", object_id=str(case.pk)).count()
    return AuditEvent.objects.filter(action="prevention_case.close", object_id=str(case.pk)).count()


def csrf_case(name, world) -> CsrfCase:
    worker = world.users["social_worker"]
    client = logged_in(worker)
    household = world.own_household
    if name == "evictions:case_open":
        url = reverse(name, args=[household.pk])
        return CsrfCase(
            client, url, url, OPEN_DATA, lambda: PreventionCase.objects.filter(household=household).exists()
        )
    if name == "evictions:case_open_from_lease":
        _no_open_case(household)
        url = reverse(name, args=[lease_of(world, "own_team").pk])
        opened = PreventionCase.objects.filter(household=household, closed_on__isnull=True)
        return CsrfCase(client, reverse("core:home"), url, {}, opened.exists)
    if name == "evictions:advance_create":
        lease = mandate_lease_of(world, "own_team")
        url = reverse(name, args=[lease.pk])
        data = {"amount": "12,34", "advanced_on": "2026-01-12"}
        return CsrfCase(
            logged_in(world.users["director"]), url, url, data, Advance.objects.filter(amount=Decimal("12.34")).exists
        )
    if name == "evictions:advance_detail":
        advance = advance_of(world, "own_team")
        url = reverse(name, args=[advance.pk])
        data = {"settled_by": "household", "settled_on": "2026-01-20"}
        return CsrfCase(
            logged_in(world.users["accountant"]),
            url,
            url,
            data,
            lambda: Advance.objects.get(pk=advance.pk).settled_on is not None,
        )
    if name == "evictions:legal_desk":
        url = reverse(name)
        data = {
            "held_on": "2026-03-03",
            "place": "Sous CSRF",
            "social_worker": worker.pk,
            "lawyer": world.users["lawyer"].pk,
        }
        return CsrfCase(client, url, url, data, LegalDeskSession.objects.filter(place="Sous CSRF").exists)
    if name == "evictions:legal_session":
        session = session_of(world, "own_team")
        url = reverse(name, args=[session.pk])
        from habiter.people.tests.factories import make_household

        data = {"household": make_household(worker, name="Reçu sous CSRF").pk, "subject": "Assignation"}
        return CsrfCase(client, url, url, data, LegalDeskVisit.objects.filter(household__name="Reçu sous CSRF").exists)
    if name == "evictions:legal_visit":
        visit = visit_of(world, "own_team")
        url = reverse(name, args=[visit.pk])
        data = {"advice": "Conseil sous CSRF", "follow_up": ""}
        return CsrfCase(
            logged_in(world.users["lawyer"]),
            url,
            url,
            data,
            LegalDeskVisit.objects.filter(advice="Conseil sous CSRF").exists,
        )
    if name == "evictions:fsl_funds":
        director_client = logged_in(world.users["director"])
        url = reverse(name)
        data = {"department": "84", "name": "FSL de Vaucluse"}
        return CsrfCase(director_client, url, url, data, lambda: FslFund.objects.filter(department="84").exists())
    if name == "evictions:fsl_create":
        fund = fund_of(world.organisation)
        url = reverse(name, args=[household.pk])
        data = {
            "fund": fund.pk,
            "purpose": "energy",
            "aid_form": "grant",
            "amount_asked": "150",
            "submitted_on": "2026-02-01",
        }
        return CsrfCase(client, url, url, data, lambda: FslApplication.objects.filter(purpose="energy").exists())
    if name == "evictions:fsl_detail":
        application = application_of(world, "own_team")
        url = reverse(name, args=[application.pk])
        data = {"decision": "refused", "decided_on": "2026-02-15"}
        return CsrfCase(
            client, url, url, data, lambda: FslApplication.objects.get(pk=application.pk).decision == "refused"
        )
    case = case_of(world, "own_team")
    page = reverse("evictions:case_detail", args=[case.pk])
    if name == "evictions:diagnosis_edit":
        url = reverse(name, args=[case.pk])
        version = Diagnosis.objects.filter(case=case).values_list("version", flat=True).first() or 0
        data = {
            "referred_on": "2026-03-02",
            "writer": "Écrit sous CSRF",
            "tenant_presence": "absent",
            "version": version,
        }
        return CsrfCase(
            client, url, url, data, lambda: Diagnosis.objects.filter(case=case, writer="Écrit sous CSRF").exists()
        )
    if name == "evictions:case_detail":
        data = {"step": "payment_order", "on_date": "2026-02-10"}
        return CsrfCase(client, page, page, data, lambda: case.steps.filter(step="payment_order").exists())
    url = reverse(name, args=[case.pk])
    if name == "evictions:case_reopen":
        PreventionCase.objects.filter(pk=case.pk).update(closed_on=date(2026, 3, 1), outcome="left")
        data = {"reason": "Rouvert sous CSRF"} | CONFIRMED
        return CsrfCase(client, page, url, data, lambda: PreventionCase.objects.get(pk=case.pk).closed_on is None)
    data = {"outcome": "plan_respected", "closed_on": "2026-03-01"} | CONFIRMED
    return CsrfCase(client, page, url, data, lambda: PreventionCase.objects.get(pk=case.pk).closed_on is not None)


def post_probe_values(world):
    return {
        "case_id": uuid.uuid4(),
        "application_id": uuid.uuid4(),
        "lease_id": uuid.uuid4(),
        "session_id": uuid.uuid4(),
        "visit_id": uuid.uuid4(),
        "advance_id": uuid.uuid4(),
    }
