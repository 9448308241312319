"""Every read of a household's file is journaled, structurally (DESIGN.md; DOMAIN-2 W41; ADR 0015).

Every URL pattern and every API operation is either marked by `habiter.core.reads` (`@journaled_read`,
`@journaled_list`) or listed in EXEMPT below with the reason it reads no household's file. A new page or operation
that is neither fails here: whether it reads a file has to be decided, not forgotten.

Then the behaviour, driven by the same enumeration and by the authorization matrix's scenario: every marked page,
asked by a user allowed to see it, writes exactly one `household.read` row naming a household of the user's
organisation (the URL's household when the URL names one); out of scope (404) it writes none.
"""

import uuid

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from habiter.api import api
from habiter.core import services as core_services
from habiter.core.audit_actions import ReadKind
from habiter.core.models import AuditEvent
from habiter.core.reads import READ_ATTRIBUTE
from habiter.people.models import Household
from tests.authz_common import OK, SCOPES
from tests.test_authorization_matrix import EXPECTED, ROUTES, ROUTES_BY_NAME, Scenario, prepare_world  # noqa: F401 - the module's world is the matrix's

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """One world for the module (tests/conftest.py): every test here only reads it or writes in its savepoint."""
    return shared_world


# --- what reads no household's file, and why -------------------------------------------------------------------

ACCOUNT = "login, logout, the user's own account and second factor"
SETTINGS = "the organisation's settings or catalogues: no household"
NO_HOUSEHOLD = "owners, buildings, dwellings, tickets, workshops, residences or places: no household data"
WRITE = "a write (POST answered by a redirect): the service journals it"
WORK_LIST = (
    "a work list of the user's job (a day, a week, a month, the arrears): one index line per household, "
    "not steered by a typed name; opening a line is journaled (ADR 0015)"
)
FIGURES = "figures only, no household named"
OWNER = "about an owner (statement, ledger, transfers): tenants appear as the owner's copy shows them"
LEDGER = "the organisation's books (accounts, bank lines, entries): amounts, and payers as the bank names them"

REPORT = "aggregated figures of the organisation or a team (a report, its stored run, its export): no household named"

SUBSIDIES = "the association's subsidies, funders, accounts obligations and activity costs: no household"

EXEMPT = {
    # reporting
    "reporting:subsidy_list": SUBSIDIES,
    "reporting:subsidy_create": SUBSIDIES,
    "reporting:subsidy_detail": SUBSIDIES,
    "reporting:subsidy_payment_cancel": SUBSIDIES,
    "reporting:crf_list": SUBSIDIES,
    "reporting:accounts_threshold": SUBSIDIES,
    "reporting:iml_costs": SUBSIDIES,
    "reporting:subsidy_xlsx": SUBSIDIES,
    "reporting:dashboard": REPORT,
    "reporting:report_list": REPORT,
    "reporting:report": REPORT,
    "reporting:run_detail": REPORT,
    "reporting:run_xlsx": REPORT,
    "reporting:run_pdf": REPORT,
    "reporting:esds_rows": (
        "anonymous individual rows (W33, W43): no name, NIR, address, birth date or identifier of a household, "
        "person or stay, so no file is read; the export is audited as report.anonymous_rows"
    ),
    "ledger:charge_regularisation_list": FIGURES,
    "ledger:charge_regularisation_create": FIGURES,
    # core
    "core:home": WORK_LIST,
    "core:login": ACCOUNT,
    "core:logout": ACCOUNT,
    "core:otp_verify": ACCOUNT,
    "core:account": ACCOUNT,
    "core:password_change": ACCOUNT,
    "core:otp_enrol": ACCOUNT,
    "core:api_tokens": ACCOUNT,
    "core:api_token_revoke": ACCOUNT,
    "core:audit_log": "the journal itself (directors): reading it is not reading a file",
    "core:legal_parameters": SETTINGS,
    "core:health": "a health check",
    "core:health_session": "a health check behind the login",
    "core:readiness": "a readiness check: ok or an error code per part, nobody's data",
    "core:organisation_settings": "the association's own letterhead and signatories, no household's data",
    "core:metrics": "request and database counters for the operators, nobody's data",
    # people
    "people:household_create": "an empty creation form; a possible duplicate is named to avoid a second file",
    "people:concern_settings": SETTINGS,
    "people:concern_toggle": SETTINGS,
    # support
    "support:calendar": WORK_LIST,
    "support:calendar_feed": ACCOUNT,
    "support:calendar_ics": "the user's own agenda for a calendar app (a work list, by its secret address)",
    "support:catalogue": SETTINGS,
    "support:programme_toggle": SETTINGS,
    "support:appointment_attendance": WRITE,
    # reception
    "reception:desk_visit_list": WORK_LIST,
    "reception:workshop_list": NO_HOUSEHOLD,
    "reception:workshop_create": NO_HOUSEHOLD,
    "reception:session_create": NO_HOUSEHOLD,
    "reception:referral_list": WORK_LIST,
    "reception:referral_take_up": WRITE,
    "reception:referral_reopen": WRITE,
    # housing: no page shows an occupant but the inspection (journaled)
    "housing:owner_list": NO_HOUSEHOLD,
    "housing:owner_create": NO_HOUSEHOLD,
    "housing:owner_detail": NO_HOUSEHOLD,
    "housing:owner_edit": NO_HOUSEHOLD,
    "housing:owner_contact_add": NO_HOUSEHOLD,
    "housing:building_list": NO_HOUSEHOLD,
    "housing:building_create": NO_HOUSEHOLD,
    "housing:building_detail": NO_HOUSEHOLD,
    "housing:building_edit": NO_HOUSEHOLD,
    "housing:dwelling_list": NO_HOUSEHOLD,
    "housing:dwelling_create": NO_HOUSEHOLD,
    "housing:dwelling_detail": NO_HOUSEHOLD,
    "housing:dwelling_edit": NO_HOUSEHOLD,
    "housing:prospect_board": NO_HOUSEHOLD,
    "housing:prospect_create": NO_HOUSEHOLD,
    "housing:prospect_detail": NO_HOUSEHOLD,
    "housing:prospect_move": NO_HOUSEHOLD,
    "housing:ticket_list": NO_HOUSEHOLD,
    "housing:ticket_create": NO_HOUSEHOLD,
    "housing:ticket_detail": NO_HOUSEHOLD,
    "housing:ticket_update": NO_HOUSEHOLD,
    "housing:ticket_photo_add": NO_HOUSEHOLD,
    "housing:photo_view": NO_HOUSEHOLD,
    "housing:inspection_list": WORK_LIST,
    "housing:inspection_create": "a creation form: households offered by name to choose from",
    # residences: the residence page lists its residents (journaled), the exit form reads a stay (journaled)
    "residences:residence_list": NO_HOUSEHOLD,
    "residences:residence_create": NO_HOUSEHOLD,
    "residences:occupancy_summary": FIGURES,
    "residences:occupancy_figures": FIGURES,
    "residences:place_entry": "a creation form: residents offered by name to choose from",
    "residences:vacancy_declare": NO_HOUSEHOLD,
    "residences:orientation_add": "a creation form: households offered by name to choose from",
    "residences:residence_edit": NO_HOUSEHOLD,
    "residences:place_create": NO_HOUSEHOLD,
    "residences:place_edit": NO_HOUSEHOLD,
    "residences:house_rules_add": NO_HOUSEHOLD,
    "residences:apl_maxima": "the APL maxima of a residence's convention, per typology and year: no household",
    "residences:apl_maximum_correct": NO_HOUSEHOLD,
    "residences:young_workers_pse": "the CAF PSE of a foyer de jeunes travailleurs, per year: no household",
    "residences:hosting_staff": "the hosts' time of a boarding house, per year: no household",
    "residences:contract_create": "a creation form: residents offered by name to choose from",
    "residences:contract_from_orientation": "a creation form: the admitted household's members to choose from",
    "residences:activity_add": "a creation form: residents offered by name to choose from",
    "residences:support_add": "a creation form: residents offered by name to choose from",
    # community: the pages naming persons (members, proposers, electors, candidates) are journaled as lists
    "community:council_list": "the councils of the organisation: names of bodies, no household",
    "community:council_create": NO_HOUSEHOLD,
    "community:member_add": "a creation form: persons offered by name to choose from",
    "community:meeting_create": NO_HOUSEHOLD,
    "community:election_create": NO_HOUSEHOLD,
    "community:meeting_minutes": "the minutes' form of a council's meeting: collective life, no household's file",
    "community:meeting_poster_pdf": "the invitation poster: the council, the day, the place and the subjects",
    "community:meeting_invitations": "e-mails a meeting's invitations (POST); its confirmation names the meeting only",
    "community:council_rhythm": "a council's number of meetings a year: no household",
    "community:meeting_proposal_link": "a meeting's proposal link and how many subjects came by it: no household",
    "community:agenda_propose": "a subject proposed by link, without an account; the agenda's titles: no household",
    "community:agenda_propose_thanks": NO_HOUSEHOLD,
    "community:election_results": "a count form: the candidates' names to enter their votes",
    "community:project_list": "the association's projects: titles, no household",
    "community:project_create": NO_HOUSEHOLD,
    "community:project_detail": "the project's objectives and their grades: counts, no household",
    "community:axis_add": NO_HOUSEHOLD,
    "community:objective_add": NO_HOUSEHOLD,
    "community:campaign_create": NO_HOUSEHOLD,
    "community:campaign_detail": "a campaign's grades: counts of anonymous answers, no household",
    "community:answer_record": "an answer form: objectives and a view each, no household",
    "community:campaign_close": NO_HOUSEHOLD,
    "community:campaign_link": "a campaign's answering link and how many answered by it: no household",
    "community:campaign_answer": "the grading sheet answered by link, without an account: no household",
    "community:campaign_thanks": NO_HOUSEHOLD,
    "community:partner_list": "the organisation's partners: landlords, CCAS, services, no household",
    "community:partner_create": NO_HOUSEHOLD,
    "community:partner_detail": "a partner, its contacts and agreements: no household",
    "community:partner_edit": NO_HOUSEHOLD,
    "community:partner_merge": "two partners and what moves from one to the other: no household",
    "community:contact_add": NO_HOUSEHOLD,
    "community:agreement_create": NO_HOUSEHOLD,
    "community:agreement_edit": NO_HOUSEHOLD,
    "community:agreement_pdf": "an agreement signed with a partner: no household",
    "community:representation_list": "who sits for the association in partners' bodies: staff, no household",
    "community:partner_seat_add": NO_HOUSEHOLD,
    "community:partner_seat_end": NO_HOUSEHOLD,
    "community:survey_list": "the organisation's surveys: titles and counts, no household",
    "community:survey_create": NO_HOUSEHOLD,
    "community:survey_detail": "a survey's questions and results, anonymous unless it says otherwise: no household",
    "community:survey_question_add": NO_HOUSEHOLD,
    "community:survey_response_add": NO_HOUSEHOLD,
    "community:survey_xlsx": "a survey's results, anonymous unless it says otherwise: no household",
    "community:survey_answer": "the questionnaire answered by link, without an account: no household",
    "community:survey_thanks": NO_HOUSEHOLD,
    "community:volunteer_list": "the organisation's volunteers and their hours: no household",
    "community:volunteer_create": NO_HOUSEHOLD,
    "community:volunteer_detail": "a volunteer's profile, missions and hours: no household",
    "community:volunteer_edit": NO_HOUSEHOLD,
    "community:mission_add": NO_HOUSEHOLD,
    "community:charter_list": "the versions of the volunteer's charter: no household",
    "community:charter_create": NO_HOUSEHOLD,
    "community:valuation_export": "hours of volunteering and their valuation: no household",
    "community:cec_export": "volunteers' governance and supervision hours: no household",
    "community:my_volunteering": "a volunteer's own missions, hours and invitations: no household",
    "community:charter_sign": "the charter's text: no household",
    # leases
    "leases:lease_list": WORK_LIST,
    "leases:lease_create": "a creation form: households offered by name to choose from",
    "leases:head_lease_list": OWNER,
    "leases:head_lease_create": OWNER,
    "leases:mandate_create": OWNER,
    "leases:revision_batch": WORK_LIST,
    "leases:irl": SETTINGS,
    # ledger
    "ledger:account_list": LEDGER,
    "ledger:arrears_letter_create": WRITE,
    "ledger:repayment_plan_move": WRITE,
    "ledger:receipt_issue": WRITE,
    "ledger:redevance_call_issue": WRITE,
    "ledger:redevance_receipt_issue": WRITE,
    "ledger:transaction_reverse": LEDGER,
    "ledger:month_end": WORK_LIST,
    "ledger:run_detail": WORK_LIST,
    "ledger:period_close": WRITE,
    "ledger:ledger_opening": WRITE,
    "ledger:arrears": WORK_LIST,
    "ledger:export": "the accounting export, journaled by its own service (ledger.export)",
    "ledger:bank_queue": LEDGER,
    "ledger:bank_import": LEDGER,
    "ledger:bank_mapping_create": SETTINGS,
    "ledger:bank_statement": LEDGER,
    "ledger:bank_line": LEDGER,
    "ledger:bank_line_match": WRITE,
    "ledger:bank_line_clear": WRITE,
    "ledger:bank_line_unclear": WRITE,
    "ledger:bank_line_split": WRITE,
    "ledger:bank_line_split_redevances": WRITE,
    "ledger:bank_line_link": WRITE,
    "ledger:bank_line_link_redevances": WRITE,
    "ledger:bank_line_ignore": WRITE,
    "ledger:owner_statements": OWNER,
    "ledger:owner_statement_detail": OWNER,
    "ledger:owner_statement_pdf": OWNER,
    "ledger:owner_ledger": OWNER,
    "ledger:owner_statement_issue": WRITE,
    "ledger:owner_work_create": OWNER,
    "ledger:payouts": OWNER,
    "ledger:payout_detail": OWNER,
    "ledger:payout_file": OWNER,
    "ledger:bank_details": SETTINGS,
    "ledger:notice_send": WRITE,
    "ledger:contract_notice_send": WRITE,
    "ledger:receipt_send": WRITE,
    "ledger:run_notices_mail": WRITE,
    "ledger:mailing_detail": FIGURES,
    "ledger:deposit_list": WORK_LIST,
    # evictions
    "evictions:case_open_from_lease": WRITE,
    "evictions:case_close": WRITE,
    "evictions:case_reopen": WRITE,
    "evictions:legal_desk": WORK_LIST,
    "evictions:statistics": FIGURES,
    "evictions:advances": WORK_LIST,
    "evictions:fsl_funds": SETTINGS,
    # API
    "POST /auth/token": ACCOUNT,
    "POST /households": WRITE,
    "PATCH /households/{household_id}": WRITE,
    "POST /households/{household_id}/measures": WRITE,
    "POST /households/{household_id}/interventions": WRITE,
    "POST /households/{household_id}/appointments": WRITE,
    "POST /reception/visits": WRITE,
    "GET /owners": NO_HOUSEHOLD,
    "POST /owners": WRITE,
    "GET /owners/{owner_id}": NO_HOUSEHOLD,
    "GET /dwellings": NO_HOUSEHOLD,
    "GET /residences": NO_HOUSEHOLD,
    "GET /residences/{residence_id}/occupancy-figures": FIGURES,
    "POST /dwellings": WRITE,
    "GET /dwellings/{dwelling_id}": NO_HOUSEHOLD,
    "POST /leases": WRITE,
    "POST /leases/{lease_id}/rent-calls": WRITE,
    "POST /payments": WRITE,
    "GET /ledger/trial-balance": FIGURES,
    "GET /reports": "the definitions of the reports and indicators: no figure, no household",
    "GET /reports/{code}": REPORT,
}


# --- the enumeration --------------------------------------------------------------------------------------------


def _callbacks(resolver=None, namespaces=()):
    """(name, view) of every URL pattern but the admin site's and the API's (its operations are listed apart)."""
    from django.urls import URLResolver

    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api-v1"):
                continue
            yield from _callbacks(entry, namespaces + ((entry.namespace,) if entry.namespace else ()))
        else:
            yield ":".join([*namespaces, str(entry.name)]), entry.callback


def _api_path(prefix: str, path: str) -> str:
    return "/" + "/".join(part for part in f"{prefix}/{path}".split("/") if part)


def _operations():
    """("METHOD /path", view function) of every API operation, as the routers hold them."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield f"{method} {_api_path(prefix, path)}", operation.view_func


PAGES = dict(_callbacks())
OPERATIONS = dict(_operations())
MARKS = {name: getattr(view, READ_ATTRIBUTE, None) for name, view in {**PAGES, **OPERATIONS}.items()}


def test_every_page_and_api_operation_is_journaled_or_exempt_with_a_reason():
    assert len(PAGES) == len(ROUTES) and len(OPERATIONS) > 20  # the walks see every page and operation
    undecided = sorted(name for name, mark in MARKS.items() if mark is None and name not in EXEMPT)
    assert not undecided, (
        "Pages or API operations neither journaled (@journaled_read / @journaled_list of habiter.core.reads) nor "
        "exempt with a reason in tests/test_read_journal.py EXEMPT:\n" + "\n".join(undecided)
    )
    both = sorted(name for name, mark in MARKS.items() if mark is not None and name in EXEMPT)
    assert not both, f"journaled and exempt at once: {both}"
    stale = sorted(set(EXEMPT) - set(MARKS))
    assert not stale, f"EXEMPT entries that are no longer pages or operations: {stale}"
    assert all(reason.strip() for reason in EXEMPT.values())


def test_every_mark_names_a_labelled_kind():
    for name, mark in MARKS.items():
        if mark is not None:
            how, kind = mark
            assert how in ("read", "list") and kind in ReadKind.values, name
    labels = [str(label) for label in ReadKind.labels]
    assert len(set(labels)) == len(labels), "two kinds of read with the same words"


def test_the_files_named_by_the_issue_are_journaled():
    for name in (
        "people:household_detail",
        "people:household_edit",
        "people:household_list",
        "support:intervention_create",
        "support:plan_detail",
        "support:plan_pdf",
        "support:document_download",
        "support:agreement_pdf",
        "support:measure_status",
        "evictions:case_detail",
        "evictions:diagnosis_edit",
        "evictions:diagnosis_pdf",
        "evictions:legal_visit",
        "ledger:lease_account",
        "ledger:receipt_pdf",
        "ledger:rent_call_notice",
        "ledger:arrears_letter_pdf",
        "ledger:redevance_account",
        "ledger:redevance_receipt_pdf",
        "ledger:redevance_call_notice",
        "ledger:contract_mail",
        "GET /households",
        "GET /households/{household_id}",
        "GET /households/{household_id}/interventions",
        "GET /households/{household_id}/measures",
        "GET /households/{household_id}/appointments",
    ):
        assert MARKS[name] is not None, name


# --- the behaviour, page by page ---------------------------------------------------------------------------------


def _reads():
    return AuditEvent.objects.filter(action="household.read")


def _allowed_actor(route_name):
    """A role that gets the page in its own scope (a director if possible), and whether another scope is a 404."""
    row = EXPECTED[route_name]
    actors = sorted(row, key=lambda actor: actor != "director")
    for actor in actors:
        outcome = row[actor]
        if isinstance(outcome, tuple) and outcome[0] == OK:
            refused = [scope for scope, value in zip(SCOPES, outcome, strict=True) if value == "404"]
            return actor, refused
    return None, []


# Pages answered by POST only (a form shown again after a mistake) are covered by the note test below.
SINGLE_READS = sorted(
    name
    for name, mark in MARKS.items()
    if name in PAGES and mark and mark[0] == "read" and ROUTES_BY_NAME[name].scoped and _allowed_actor(name)[0]
)
# What may belong to no household: the scenario's inspection is of an empty dwelling (`read_of(household_id=None)`).
NO_HOUSEHOLD_IN_SCENARIO = {"housing:inspection_detail"}


# Which page journals what is decided by the views, the same on both databases; the journal's row is one INSERT,
# written on the PostgreSQL pass by the tests below (API reads, search, saved form). SQLite pass only (decision
# record 0041).
@pytest.mark.one_pass("sqlite")
@pytest.mark.parametrize("route_name", SINGLE_READS)
def test_a_page_read_writes_one_row_naming_its_household_and_a_refusal_none(route_name, world):
    scenario = Scenario(world)
    route = ROUTES_BY_NAME[route_name]
    actor, refused = _allowed_actor(route_name)
    assert actor is not None, f"{route_name}: no role gets this page in the authorization matrix"
    user = scenario.user(actor)
    client = scenario.client(actor)
    url = scenario.url(route, actor, "own_team")
    before = set(_reads().values_list("pk", flat=True))
    response = client.get(url)
    assert response.status_code == 200, url
    rows = [event for event in _reads().order_by("pk") if event.pk not in before]
    expected = (0, 1) if route_name in NO_HOUSEHOLD_IN_SCENARIO else (1,)
    assert len(rows) in expected, f"{url}: {len(rows)} household.read rows"
    for row in rows:
        assert row.actor_id == user.pk and row.detail["read"] == MARKS[route_name][1]
        assert Household.objects.filter(pk=row.household_id, organisation_id=user.organisation_id).exists()
        if "household_id" in route.params:
            assert str(row.household_id) == str(scenario.households["own_team"].pk)
    for scope in refused:
        url = scenario.url(route, actor, scope)
        count = _reads().count()
        assert client.get(url).status_code == 404, url
        assert _reads().count() == count, f"{url}: a refusal journaled as a read"


def test_a_saved_form_is_journaled_as_a_write_and_its_redirect_not_as_a_read(client, world):
    household = world.own_household
    client.force_login(world.users["social_worker"])
    count = _reads().count()
    response = client.post(reverse("people:note_create", args=[household.pk]), {"text": "Appel de la CAF."})
    assert response.status_code == 302
    assert _reads().count() == count
    assert AuditEvent.objects.filter(action="note.create", household_id=household.pk).count() == 1
    assert client.post(reverse("people:note_create", args=[household.pk]), {"text": ""}).status_code == 200
    assert _reads().count() == count + 1  # the form shown again, with the household's name: a read


# --- lists --------------------------------------------------------------------------------------------------------


def test_the_household_search_journals_the_households_it_shows_in_one_row(client, world):
    director = world.users["director"]
    client.force_login(director)
    response = client.get(reverse("people:household_list"), {"q": "Lefèvre"})
    assert response.status_code == 200
    shown = [str(household.pk) for household in response.context["page"].object_list]
    event = AuditEvent.objects.filter(action="household.list").get()
    assert shown and event.detail == {"read": "people.search", "households": shown}
    assert event.actor_id == director.pk and event.household_id is None
    client.get(reverse("people:household_list"), {"q": "personne-de-ce-nom"})
    assert AuditEvent.objects.filter(action="household.list").count() == 1  # nothing shown, nothing journaled


# --- the API ------------------------------------------------------------------------------------------------------


def _api(user):
    raw = core_services.api_token_create(actor=user, name="Script")[1]
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("what", ["interventions", "measures", "appointments", ""])
def test_an_api_read_of_a_household_writes_one_row_and_a_404_none(world, what):
    worker = world.users["social_worker"]
    api_client = _api(worker)
    household = world.own_household
    path = f"/api/v1/households/{household.pk}" + (f"/{what}" if what else "")
    count = _reads().count()
    response = api_client.get(path)
    assert response.status_code == 200, response.content
    event = _reads().order_by("-pk").first()
    assert _reads().count() == count + 1
    assert event.household_id == household.pk and event.actor_id == worker.pk
    assert event.detail == {"read": f"api.{what}" if what else "api.household"}
    for out_of_scope in (world.other_team_household.pk, world.other_org_household.pk, uuid.uuid4()):
        path = f"/api/v1/households/{out_of_scope}" + (f"/{what}" if what else "")
        assert api_client.get(path).status_code == 404
    assert _reads().count() == count + 1


def test_the_api_list_of_households_journals_the_ids_it_returns(world):
    api_client = _api(world.users["director"])
    response = api_client.get("/api/v1/households", {"limit": 2})
    assert response.status_code == 200
    returned = [item["id"] for item in response.json()["items"]]
    event = AuditEvent.objects.filter(action="household.list").get()
    assert returned and event.detail == {"read": "api.households", "households": returned}


# --- the journal page -----------------------------------------------------------------------------------------


def test_the_journal_says_in_words_what_was_read(client, world):
    household = world.own_household
    client.force_login(world.users["social_worker"])
    assert client.get(reverse("support:plan_detail", args=[household.pk])).status_code == 200
    client.get(reverse("people:household_list"), {"q": "Lefèvre"})
    client.force_login(world.users["director"])
    page = client.get(reverse("core:audit_log"), {"household": household.pk})
    assert page.status_code == 200
    labels = [row["action"] for row in page.context["rows"]]
    assert "Consultation du dossier : le projet personnalisé" in labels
    assert all(row["event"].household_id == household.pk for row in page.context["rows"])
    everything = client.get(reverse("core:audit_log")).content.decode()
    assert "Consultation d&#x27;une liste de ménages : la recherche de ménages, 1 ménage" in everything
