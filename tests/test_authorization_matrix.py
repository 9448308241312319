"""The authorization matrix of every page, generated from the URLconf.

Every URL pattern (except the admin site, tested apart, and the API, see test_api_authorization.py) is
requested by an anonymous visitor and by a user of every role, on a household of the user's own team,
of another team and of another organisation; the outcome must match the EXPECTED table below. A new
URL that is not in the table makes the suite fail: its authorization has to be decided, not inherited.

Out of scope is 404, exactly like a row that does not exist.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from habiter.core.models import ApiToken, AuditEvent, Role, User
from habiter.core.tests.factories import UserFactory, api_token_for
from habiter.people.models import Concern, ConcernCategory, Household, HouseholdNote, Person
from habiter.people.tests.factories import make_household
from habiter.reception import services as reception_services
from habiter.reception.models import Enrolment, Workshop, WorkshopSession
from habiter.support import appointments as appointment_services
from habiter.support import documents as document_services
from habiter.support import plans as plan_services
from habiter.support import services as support_services
from habiter.support.models import (
    Appointment,
    AppointmentStatus,
    Document,
    Intervention,
    MeasureOutcome,
    PlanGoal,
    Programme,
    SupportAgreement,
    SupportMeasure,
)
from tests import authz_ledger, authz_referrals
from tests.authz_common import (
    ACTORS,
    ANONYMOUS,
    HOME,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROLES,
    SAVED,
    SCOPES,
    LayoutSkipped,
    extension_for,
    extensions,
)
from tests.authz_reception import RECEPTION_EXPECTED, RECEPTION_POST_EXPECTED

pytestmark = pytest.mark.django_db

SKIPPED_NAMESPACES = {"admin", "api-v1"}


# --- the URLconf -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str
    params: tuple[str, ...]

    @property
    def scoped(self) -> bool:
        return bool(self.params)


def _walk(resolver, prefix="", namespaces=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = (entry.namespace,) if entry.namespace else ()
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(entry, prefix + str(entry.pattern), namespaces + namespace)
        elif isinstance(entry, URLPattern):
            params = tuple(entry.pattern.converters) if isinstance(entry.pattern, RoutePattern) else ("<regex>",)
            yield Route(":".join([*namespaces, str(entry.name)]), prefix + str(entry.pattern), params)


ROUTES = list(_walk(get_resolver()))
ROUTES_BY_NAME = {route.name: route for route in ROUTES}


# --- what every role may do -------------------------------------------------------------------------

EVERY_ROLE_OK = dict.fromkeys(ROLES, OK)

# A household's file and its forms: the own team for team leads and social workers, the organisation
# for directors, nothing for anyone else (reception and volunteers only find households in the list).
CASE_FILE = {
    ANONYMOUS: (LOGIN, LOGIN, LOGIN),
    "director": (OK, OK, NOT_FOUND),
    "team_lead": (OK, NOT_FOUND, NOT_FOUND),
    "social_worker": (OK, NOT_FOUND, NOT_FOUND),
    "rental_manager": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "accountant": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "technician": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "receptionist": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "volunteer": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "host": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "lawyer": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
}

# Archiving or deleting a document: its uploader (the director, in this world) or the household's referent.
DOCUMENT_REMOVAL = {
    **{actor: (NOT_FOUND, NOT_FOUND, NOT_FOUND) for actor in CASE_FILE},
    ANONYMOUS: (LOGIN, LOGIN, LOGIN),
    "director": (OK, OK, NOT_FOUND),
    "social_worker": (OK, NOT_FOUND, NOT_FOUND),
}

# The agenda: the staff who book appointments (reception included), not volunteers nor the other roles.
AGENDA = {
    ANONYMOUS: LOGIN,
    "director": OK,
    "team_lead": OK,
    "social_worker": OK,
    "rental_manager": NOT_FOUND,
    "accountant": NOT_FOUND,
    "technician": NOT_FOUND,
    "receptionist": OK,
    "volunteer": NOT_FOUND,
    "host": NOT_FOUND,
    "lawyer": NOT_FOUND,
}

# An appointment of the scope's household, booked by its worker: its worker, the team lead of the worker's or the
# household's team and the director change it (and whoever booked it, or the household's referent: here the worker).
APPOINTMENT = {
    **{actor: (NOT_FOUND, NOT_FOUND, NOT_FOUND) for actor in ROLES},
    ANONYMOUS: (LOGIN, LOGIN, LOGIN),
    "director": (OK, OK, NOT_FOUND),
    "team_lead": (OK, NOT_FOUND, NOT_FOUND),
    "social_worker": (OK, NOT_FOUND, NOT_FOUND),
}

# For URLs with parameters, each actor has one outcome per scope (own team, other team, other organisation);
# for token URLs the scopes are: the user's own token, a token of another user of the organisation, a token
# of a user of another organisation; for organisation-wide rows (concerns): two rows of the user's
# organisation, one of another organisation.
EXPECTED = {
    **RECEPTION_EXPECTED,
    "core:home": {ANONYMOUS: LOGIN, **EVERY_ROLE_OK},
    "core:login": {ANONYMOUS: OK, **dict.fromkeys(ROLES, HOME)},
    "core:logout": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, NOT_ALLOWED)},  # POST only
    "core:otp_verify": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, HOME)},  # no second factor: nothing to verify
    "core:account": {ANONYMOUS: LOGIN, **EVERY_ROLE_OK},
    "core:password_change": {ANONYMOUS: LOGIN, **EVERY_ROLE_OK},
    "core:legal_parameters": {ANONYMOUS: LOGIN, **EVERY_ROLE_OK},
    "core:otp_enrol": {ANONYMOUS: LOGIN, **EVERY_ROLE_OK},
    # no token page for the roles the API does not serve (no token of theirs in this world)
    "core:api_tokens": {
        ANONYMOUS: LOGIN,
        **EVERY_ROLE_OK,
        **dict.fromkeys(("technician", "host", "lawyer"), NOT_FOUND),
    },
    "core:api_token_revoke": {ANONYMOUS: (LOGIN, LOGIN, LOGIN), **dict.fromkeys(ROLES, (OK, NOT_FOUND, NOT_FOUND))},
    "core:audit_log": {
        ANONYMOUS: LOGIN,
        "director": OK,
        "team_lead": NOT_FOUND,
        "social_worker": NOT_FOUND,
        "rental_manager": NOT_FOUND,
        "accountant": NOT_FOUND,
        "technician": NOT_FOUND,
        "receptionist": NOT_FOUND,
        "volunteer": NOT_FOUND,
        "host": NOT_FOUND,
        "lawyer": NOT_FOUND,
    },
    "core:health": {ANONYMOUS: OK, **EVERY_ROLE_OK},
    "core:organisation_settings": {ANONYMOUS: LOGIN, **dict.fromkeys(ROLES, NOT_FOUND), "director": OK},
    "core:health_session": {ANONYMOUS: LOGIN, **EVERY_ROLE_OK},
    "core:readiness": {ANONYMOUS: OK, **EVERY_ROLE_OK},
    "core:metrics": {ANONYMOUS: NOT_FOUND, **dict.fromkeys(ROLES, NOT_FOUND)},  # staff or the scraper's token only
    "people:household_list": {
        ANONYMOUS: LOGIN,
        "director": OK,
        "team_lead": OK,
        "social_worker": OK,
        "rental_manager": NOT_FOUND,
        "accountant": NOT_FOUND,
        "technician": NOT_FOUND,
        "receptionist": OK,
        "volunteer": OK,
        "host": NOT_FOUND,
        "lawyer": NOT_FOUND,
    },
    "people:household_create": {
        ANONYMOUS: LOGIN,
        "director": OK,
        "team_lead": OK,
        "social_worker": OK,
        "rental_manager": NOT_FOUND,
        "accountant": NOT_FOUND,
        "technician": NOT_FOUND,
        "receptionist": NOT_FOUND,
        "volunteer": NOT_FOUND,
        "host": NOT_FOUND,
        "lawyer": NOT_FOUND,
    },
    "people:household_detail": CASE_FILE,
    "people:household_edit": CASE_FILE,
    "people:person_create": CASE_FILE,
    "people:person_edit": CASE_FILE,
    "people:note_create": {ANONYMOUS: (LOGIN, LOGIN, LOGIN), **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)},  # POST only
    "people:concern_settings": {
        ANONYMOUS: LOGIN,
        "director": OK,
        "team_lead": NOT_FOUND,
        "social_worker": NOT_FOUND,
        "rental_manager": NOT_FOUND,
        "accountant": NOT_FOUND,
        "technician": NOT_FOUND,
        "receptionist": NOT_FOUND,
        "volunteer": NOT_FOUND,
        "host": NOT_FOUND,
        "lawyer": NOT_FOUND,
    },
    "people:concern_toggle": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3),
    },  # POST only
    "support:measure_create": CASE_FILE,
    "support:intervention_create": CASE_FILE,
    "support:plan_detail": CASE_FILE,
    "support:agreement": CASE_FILE,  # the agreement of a measure of the scope's household
    "support:agreement_pdf": CASE_FILE,  # the scenario's measures have a written agreement
    "support:calendar": AGENDA,
    "support:appointment_create": AGENDA,
    "support:calendar_feed": AGENDA,
    "support:appointment_edit": APPOINTMENT,
    "support:appointment_cancel": APPOINTMENT,
    "support:appointment_attendance": {ANONYMOUS: (LOGIN, LOGIN, LOGIN), **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)},
    # The feed needs no login: its secret key is the access; an unknown key is 404 for everyone
    # (a real key is tested in habiter/support/tests/test_appointments.py).
    "support:calendar_ics": {ANONYMOUS: (NOT_FOUND,) * 3, **dict.fromkeys(ROLES, (NOT_FOUND,) * 3)},
    "support:document_upload": CASE_FILE,
    "support:document_download": CASE_FILE,  # a document of the scope's household
    "support:documents_archived": CASE_FILE,
    # archiving or deleting: the uploader (the director, in this world) or the household's referent only
    "support:document_archive": DOCUMENT_REMOVAL,
    "support:document_delete": DOCUMENT_REMOVAL,
    "support:plan_pdf": CASE_FILE,  # each household of the scenario has a plan
    "support:measure_status": CASE_FILE,  # a measure of the scope's household
    "support:measure_follow_up": CASE_FILE,
    "support:catalogue": {
        ANONYMOUS: LOGIN,
        "director": OK,
        "team_lead": NOT_FOUND,
        "social_worker": NOT_FOUND,
        "rental_manager": NOT_FOUND,
        "accountant": NOT_FOUND,
        "technician": NOT_FOUND,
        "receptionist": NOT_FOUND,
        "volunteer": NOT_FOUND,
        "host": NOT_FOUND,
        "lawyer": NOT_FOUND,
    },
    "support:programme_toggle": {ANONYMOUS: (LOGIN, LOGIN, LOGIN), **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)},
}
for _extension in extensions().values():
    EXPECTED |= _extension.EXPECTED

# The URLs with parameters that accept POST: the same scoping as GET, and nothing written out of scope.
DOCUMENT_REMOVAL_WRITE = {
    actor: tuple(SAVED if o == OK else o for o in outcomes) for actor, outcomes in DOCUMENT_REMOVAL.items()
}
CASE_FILE_WRITE = {actor: tuple(SAVED if o == OK else o for o in outcomes) for actor, outcomes in CASE_FILE.items()}
APPOINTMENT_WRITE = {actor: tuple(SAVED if o == OK else o for o in outcomes) for actor, outcomes in APPOINTMENT.items()}
POST_EXPECTED = {
    **RECEPTION_POST_EXPECTED,
    "core:api_token_revoke": {ANONYMOUS: (LOGIN, LOGIN, LOGIN), **dict.fromkeys(ROLES, (SAVED, NOT_FOUND, NOT_FOUND))},
    "people:household_edit": CASE_FILE_WRITE,
    "people:person_create": CASE_FILE_WRITE,
    "people:person_edit": CASE_FILE_WRITE,
    "people:note_create": CASE_FILE_WRITE,
    "people:concern_toggle": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        "director": (SAVED, SAVED, NOT_FOUND),
        "team_lead": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "social_worker": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "rental_manager": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "accountant": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "technician": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "receptionist": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "volunteer": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "host": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
        "lawyer": (NOT_FOUND, NOT_FOUND, NOT_FOUND),
    },
    "support:measure_create": CASE_FILE_WRITE,
    "support:intervention_create": CASE_FILE_WRITE,
    "support:plan_detail": CASE_FILE_WRITE,
    "support:document_upload": CASE_FILE_WRITE,
    "support:document_archive": DOCUMENT_REMOVAL_WRITE,
    "support:document_delete": DOCUMENT_REMOVAL_WRITE,
    "support:agreement": CASE_FILE_WRITE,
    "support:measure_status": CASE_FILE_WRITE,
    "support:measure_follow_up": CASE_FILE_WRITE,
    "support:appointment_edit": APPOINTMENT_WRITE,
    "support:appointment_cancel": APPOINTMENT_WRITE,
    "support:appointment_attendance": APPOINTMENT_WRITE,
    "support:programme_toggle": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        "director": (SAVED, SAVED, NOT_FOUND),
        **dict.fromkeys([r for r in ROLES if r != "director"], (NOT_FOUND, NOT_FOUND, NOT_FOUND)),
    },
}
# The URLs without parameters that accept POST (their protection is tested in test_security.py).
POST_UNSCOPED = {
    "reception:desk_visit_create",
    "reception:referral_create",
    "reception:workshop_create",
    "core:login",
    "core:logout",
    "core:otp_verify",
    "core:otp_enrol",
    "core:api_tokens",
    "core:password_change",
    "core:organisation_settings",
    "people:household_create",
    "people:concern_settings",
    "support:catalogue",
    "support:appointment_create",
    "support:calendar_feed",
}
for _extension in extensions().values():
    POST_EXPECTED |= _extension.POST_EXPECTED
    POST_UNSCOPED |= _extension.POST_UNSCOPED


def _a_pdf(name="avis.pdf"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


# --- the requests -----------------------------------------------------------------------------------


# URL parameters that name a row of the actor's own (their API token, the report run a team lead made): never
# shared between actors.
PER_ACTOR_PARAMS = {"token_id", "run_id"}


class Scenario:
    """The world, with what URL parameters need: a member of each household, tokens of several users."""

    def __init__(self, world):
        self.world = world
        self.households = {
            "own_team": world.own_household,
            "other_team": world.other_team_household,
            "other_org": world.other_org_household,
        }
        self.token_owners = {
            "other_team": User.objects.get(username="a.colleague"),
            "other_org": world.outsider,
        }
        self._tokens = {}
        self._shared_rows = None

    def share_rows_between_actors(self):
        """From now on, a URL parameter is filled once per scope, for every actor (a page only read needs no fresh
        row per request), except those that name each actor's own rows."""
        self._shared_rows = {}

    def user(self, actor):
        return None if actor == ANONYMOUS else self.world.users[actor]

    def client(self, actor):
        """A client with the actor's session, opened once for the module (`prepare_world`): what a request of a
        test does to it (a logout, a password change) is rolled back with the test."""
        client = Client()
        if actor != ANONYMOUS:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.world.sessions[actor]
        return client

    def household(self, scope):
        return Household.objects.get(pk=self.households[scope].pk)

    def member(self, scope):
        return Person.objects.filter(household=self.households[scope]).order_by("created_at").first()

    def concern(self, scope):
        """Organisation-wide rows: own team and other team get two different rows of the organisation."""
        organisation = self.world.other_organisation if scope == "other_org" else self.world.organisation
        concerns = Concern.objects.filter(organisation=organisation).order_by("category__position", "position")
        return concerns[1] if scope == "other_team" else concerns[0]

    def measure(self, scope):
        """An active measure of the scope's household (opened once, by a director of its organisation)."""
        household = self.households[scope]
        measure = SupportMeasure.objects.filter(household=household).order_by("created_at").first()
        if measure is None:
            opener = (
                UserFactory(organisation=self.world.other_organisation, role=Role.DIRECTOR)
                if scope == "other_org"
                else self.world.users["director"]
            )
            measure = support_services.measure_open(
                actor=opener,
                household_id=household.pk,
                programme_id=Programme.objects.get(organisation=household.organisation, code="avdl").pk,
                start_date=date(2026, 1, 5),
            )
            support_services.agreement_write(
                actor=opener, measure_id=measure.pk, household_commitments="Venir.", association_commitments="Aider."
            )
        return measure

    def document(self, scope):
        """A document of the scope's household (uploaded once, by someone who may)."""
        household = self.households[scope]
        document = Document.objects.filter(household=household, archived_at__isnull=True).first()
        if document is None:
            uploader = self.world.outsider if scope == "other_org" else self.world.users["director"]
            document = document_services.document_upload(
                actor=uploader, household_id=household.pk, uploaded=_a_pdf(), kind="tax_notice"
            )
        return document

    def appointment(self, scope):
        """A planned appointment of the scope's household, yesterday (so that attendance may be taken), booked by
        the household's worker."""
        household = self.households[scope]
        appointment = Appointment.objects.filter(household=household).first()
        if appointment is None:
            worker = self.world.outsider if scope == "other_org" else User.objects.get(pk=household.referent_id)
            # yesterday at 10:00 (Paris): a one-hour slot within one day, whatever the hour the suite runs at
            start = (timezone.localtime() - timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
            appointment = appointment_services.appointment_book(
                actor=worker,
                worker_id=worker.pk,
                title="Entretien",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                household_id=household.pk,
            )
        return appointment

    def programme(self, scope):
        """Organisation-wide rows, like concerns: two programmes of the organisation, one of another."""
        organisation = self.world.other_organisation if scope == "other_org" else self.world.organisation
        programmes = Programme.objects.filter(organisation=organisation).order_by("position")
        return programmes[1] if scope == "other_team" else programmes[0]

    def _director_of(self, scope):
        if scope != "other_org":
            return self.world.users["director"]
        if not hasattr(self, "_foreign_director"):
            self._foreign_director = UserFactory(organisation=self.world.other_organisation, role=Role.DIRECTOR)
        return self._foreign_director

    def workshop(self, scope):
        """Organisation-wide rows: two workshops of the organisation, one of another (made once)."""
        organisation = self.world.other_organisation if scope == "other_org" else self.world.organisation
        title = "Atelier B" if scope == "other_team" else "Atelier A"
        workshop = Workshop.objects.filter(organisation=organisation, title=title).first()
        if workshop is None:
            workshop = reception_services.workshop_create(
                actor=self._director_of(scope), title=title, theme="housing_search"
            )
        return workshop

    def session(self, scope):
        """A session of the scope's workshop, begun an hour ago, with the scope's household enrolled (made once)."""
        workshop = self.workshop(scope)
        session = WorkshopSession.objects.filter(workshop=workshop).order_by("created_at").first()
        if session is None:
            director = self._director_of(scope)
            session = reception_services.workshop_session_create(
                actor=director,
                workshop_id=workshop.pk,
                starts_at=timezone.now() - timedelta(hours=1),
                place="Salle collective",
                facilitator_id=director.pk,
                capacity=30,
            )
            reception_services.enrolment_add(
                actor=director, session_id=session.pk, household_id=self.households[scope].pk
            )
        return session

    def token(self, actor, scope):
        owner = self.token_owners.get(scope) or self.user(actor) or self.world.users["director"]
        if owner.pk not in self._tokens:
            self._tokens[owner.pk] = api_token_for(owner, "Script")[0]
        return self._tokens[owner.pk]

    def kwargs(self, route, actor, scope):
        fillers = {
            "workshop_id": lambda: self.workshop(scope).pk,
            "session_id": lambda: self.session(scope).pk,
            "household_id": lambda: self.households[scope].pk,
            "person_id": lambda: self.member(scope).pk,
            "token_id": lambda: self.token(actor, scope).pk,
            "concern_id": lambda: self.concern(scope).pk,
            "measure_id": lambda: self.measure(scope).pk,
            "document_id": lambda: self.document(scope).pk,
            "key": lambda: f"cle-inconnue-{scope}",
            "programme_id": lambda: self.programme(scope).pk,
            "appointment_id": lambda: self.appointment(scope).pk,
            "referral_id": lambda: authz_referrals.referral_of(self.world, scope).pk,
        }
        if extension := extension_for(route.name):  # an app's own rows fill its URL parameters
            fillers |= extension.fillers(self, actor, scope)
            if route_fillers := getattr(extension, "route_fillers", None):  # a page whose parameter is other rows
                fillers |= route_fillers(route.name, self, actor, scope)
        unknown = set(route.params) - set(fillers)
        assert not unknown, f"{route.name}: no value for the URL parameter(s) {unknown}; add them to Scenario.kwargs"
        if self._shared_rows is None:
            return {param: fillers[param]() for param in route.params}
        values = {}
        for param in route.params:
            key = (param, scope, actor if param in PER_ACTOR_PARAMS else None)
            if key not in self._shared_rows:
                self._shared_rows[key] = fillers[param]()
            values[param] = self._shared_rows[key]
        return values

    def url(self, route, actor, scope=None):
        return reverse(route.name, kwargs=self.kwargs(route, actor, scope) if route.scoped else None)


def prepare_world(world) -> None:
    """What every scoped page needs, made once for the module: a plan for each household (the plan pages print
    it), the leases and owners most ledger pages are about, and a session of each role."""
    for household in (world.own_household, world.other_team_household, world.other_org_household):
        author = (
            world.outsider
            if household.organisation_id != world.organisation.pk
            else User.objects.get(pk=household.referent_id)
        )
        plan_services.plan_start(actor=author, household_id=household.pk, started_on=date(2026, 1, 5))
    for scope in SCOPES:
        authz_ledger.lease_of(world, scope)
        authz_ledger.owner_of(world, scope)
    world.sessions = {}
    for actor in ROLES:
        client = Client()
        client.force_login(world.users[actor])
        world.sessions[actor] = client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture
def scenario(world, monkeypatch):
    monkeypatch.setattr("habiter.core.pdf._html_class", lambda: LayoutSkipped)
    return Scenario(world)


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL) + "?next="):
            return LOGIN
        if location == resolve_url("core:home"):
            return HOME
        return SAVED
    return str(status)


def _cells(route_name):
    """(actor, scope or None, expected) for every cell of a row of EXPECTED."""
    route = ROUTES_BY_NAME[route_name]
    row = EXPECTED[route_name]
    for actor in ACTORS:
        if route.scoped:
            for scope, expected in zip(SCOPES, row[actor], strict=True):
                yield actor, scope, expected
        else:
            yield actor, None, row[actor]


# --- the table is complete ----------------------------------------------------------------------------


def test_every_url_of_the_urlconf_is_in_the_expected_table():
    names = [route.name for route in ROUTES]
    assert all(not name.endswith(":None") for name in names), "every URL pattern needs a name"
    assert len(names) == len(set(names)), "URL names must be unique"
    missing = set(names) - set(EXPECTED)
    stale = set(EXPECTED) - set(names)
    assert not missing, f"URLs without an expected authorization: {sorted(missing)}"
    assert not stale, f"entries of EXPECTED that are no longer URLs: {sorted(stale)}"


def test_every_row_of_the_table_covers_every_actor_and_scope():
    for name, row in {**EXPECTED, **POST_EXPECTED}.items():
        assert set(row) == set(ACTORS), f"{name}: actors {set(ACTORS) ^ set(row)}"
        for actor, value in row.items():
            if ROUTES_BY_NAME[name].scoped:
                assert isinstance(value, tuple) and len(value) == len(SCOPES), f"{name}/{actor}: one per scope"
            else:
                assert isinstance(value, str), f"{name}/{actor}: a URL without parameters has one outcome"


def test_the_walk_sees_every_app_but_neither_admin_nor_api():
    names = set(ROUTES_BY_NAME)
    assert {"core:home", "people:household_detail"} <= names
    assert not any(name.startswith(("admin:", "api-v1:")) for name in names)


# --- GET ------------------------------------------------------------------------------------------------


@pytest.mark.one_pass("sqlite")  # who reaches what is the same on both databases (decision record 0041)
@pytest.mark.parametrize("route_name", sorted(ROUTES_BY_NAME))
def test_get(route_name, scenario):
    assert route_name in EXPECTED, f"{route_name} is missing from EXPECTED"
    route = ROUTES_BY_NAME[route_name]
    mismatches = []
    clients = {}
    scenario.share_rows_between_actors()  # a GET writes nothing: every actor may ask for the same rows
    for actor, scope, expected in _cells(route_name):
        if actor not in clients:
            clients[actor] = scenario.client(actor)
        client = clients[actor]
        url = scenario.url(route, actor, scope)
        got = outcome(client.get(url))
        if got != expected:
            mismatches.append(f"{actor:>14} {scope or '':>10} {url}: expected {expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)


# --- POST -----------------------------------------------------------------------------------------------


def _probe_post(scenario, route):
    """Whether the view accepts POST at all (405 otherwise), asked as a director on the own team, in a session of
    its own (a POST to the logout page ends it)."""
    client = Client()
    client.force_login(scenario.user("director"))
    return client.post(scenario.url(route, "director", "own_team")).status_code != 405


@pytest.mark.one_pass("postgresql")
def test_every_url_accepting_post_has_expectations(scenario):
    accepting = {route.name for route in ROUTES if _probe_post(scenario, route)}
    assert accepting == set(POST_EXPECTED) | POST_UNSCOPED


def _post_data(route_name, scenario, actor, scope):
    """Valid form data: what the write would save if the actor were allowed."""
    if extension := extension_for(route_name):
        return extension.post_data(route_name, scenario, actor, scope)
    if route_name == "reception:session_create":
        director = scenario.world.users["director"]
        return {
            "starts_at": "2026-03-02T14:00",
            "place": f"Salle de {actor}",
            "facilitator": director.pk,
            "capacity": "8",
        }
    if route_name == "reception:enrolment_add":  # a new household of the own team, that every staff role can find
        household = make_household(scenario.world.users["social_worker"], name=f"Inscrit par {actor}")
        return {"household": household.pk}
    if route_name in authz_referrals.ACTIONS:
        return authz_referrals.prepare(route_name, scenario.world, scope)
    if route_name == "reception:attendance_take":  # each allowed write flips the presence
        return {"present": [e.pk for e in scenario.session(scope).enrolments.all() if not e.attended]}
    household = scenario.household(scope)
    if route_name == "people:household_edit":
        data = {
            "name": household.name,
            "address": f"Adresse posée par {actor}",
            "postal_code": household.postal_code,
            "city": household.city,
            "phone": household.phone,
            "email": household.email,
            "version": household.version,
            "referent": household.referent_id or "",
        }
        if actor == "director":
            data["team"] = household.team_id or ""
        return data
    if route_name == "people:person_create":
        return {"first_name": "Alix", "last_name": f"Ajouté par {actor}", "relation": "child"}
    if route_name == "people:person_edit":
        person = scenario.member(scope)
        return {
            "first_name": f"Modifié par {actor}",
            "last_name": person.last_name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else "",
            "relation": person.relation,
            "version": person.version,
        }
    if route_name == "people:note_create":
        return {"text": f"Note de {actor}"}
    if route_name == "people:concern_toggle":
        return {"active": "0"}
    if route_name == "support:measure_create":
        programme = Programme.objects.get(organisation=household.organisation, code="asll")
        return {"programme": programme.pk, "start_date": "2026-02-01", "intensity": "medium"}
    if route_name == "support:measure_status":
        outcome = MeasureOutcome.objects.filter(organisation=household.organisation).first()
        measure = scenario.measure(scope)
        target = "active" if measure.status == "suspended" else "suspended"  # each allowed write flips it
        version = SupportMeasure.objects.get(pk=measure.pk).version  # the version a fresh page would show
        return {"to_status": target, "on_date": "2026-02-01", "outcome": outcome.pk, "version": version}
    if route_name == "support:measure_follow_up":
        # a measure ended a year and a half ago, so that its situation a year after may be recorded
        SupportMeasure.objects.filter(pk=scenario.measure(scope).pk).update(
            start_date=date(2024, 1, 5), status="closed", end_date=date(2025, 6, 30)
        )
        return {"observed_on": "2026-07-01", "situation": "same_housing", "arrears": "no"}
    if route_name == "support:programme_toggle":
        return {"active": "0"}
    if route_name == "support:intervention_create":
        return {"kind": "phone", "occurred_on": "2026-02-01", "duration_minutes": "15", "note": f"Appel de {actor}"}
    if route_name == "support:agreement":
        return {
            "action": "write",
            "household_commitments": f"Engagements écrits par {actor}",
            "association_commitments": "Aider.",
            "version": SupportAgreement.objects.get(measure=scenario.measure(scope)).version,  # as a fresh page
        }
    if route_name == "support:document_upload":
        return {"kind": "lease", "file": _a_pdf(f"bail-{actor}.pdf")}
    if route_name == "support:plan_detail":
        return {"action": "goal", "life_area": "housing", "title": f"Objectif posé par {actor}"}
    if route_name.startswith("support:appointment_"):
        # each allowed write is counted in the audit log; the appointment is planned again before each request
        appointment = scenario.appointment(scope)
        Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.PLANNED)
        appointment.refresh_from_db()
        if route_name == "support:appointment_cancel":
            return {"reason": f"Annulé par {actor}", "version": appointment.version, "confirmed": "1"}
        if route_name == "support:appointment_attendance":
            return {"attended": "1", "version": appointment.version}
        start, end = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
        return {
            "worker": appointment.worker_id,
            "title": f"Modifié par {actor}",
            "day": start.date().isoformat(),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
            "version": appointment.version,
        }
    return {}


def _state(route_name, scenario, actor, scope):
    """What the POST would change, to check that nothing is written when it is refused."""
    if extension := extension_for(route_name):
        return extension.state(route_name, scenario, actor, scope)
    if route_name == "reception:session_create":
        return WorkshopSession.objects.filter(workshop=scenario.workshop(scope)).count()
    if route_name == "reception:enrolment_add":
        return Enrolment.objects.filter(session=scenario.session(scope)).count()
    if route_name in authz_referrals.ACTIONS:
        return authz_referrals.state(route_name, scenario.world, scope)
    if route_name == "reception:attendance_take":
        return tuple(Enrolment.objects.filter(session=scenario.session(scope)).order_by("pk").values_list("attended"))
    household = scenario.household(scope)
    if route_name == "core:api_token_revoke":
        return ApiToken.objects.get(pk=scenario.token(actor, scope).pk).revoked_at
    if route_name == "people:household_edit":
        return household.address, household.version
    if route_name == "people:person_create":
        return Person.objects.filter(household=household).count()
    if route_name == "people:person_edit":
        member = scenario.member(scope)
        return member.first_name, member.version
    if route_name == "people:note_create":
        return HouseholdNote.objects.filter(household=household).count()
    if route_name == "people:concern_toggle":
        return Concern.objects.get(pk=scenario.concern(scope).pk).active
    if route_name == "support:measure_create":
        return SupportMeasure.objects.filter(household=household).count()
    if route_name == "support:intervention_create":
        return Intervention.objects.filter(household=household).count()
    if route_name == "support:agreement":
        return SupportAgreement.objects.get(measure=scenario.measure(scope)).household_commitments
    if route_name == "support:document_upload":
        return Document.objects.filter(household=household).count()
    if route_name == "support:document_archive":
        return Document.objects.filter(household=household, archived_at__isnull=False).count()
    if route_name == "support:document_delete":
        return Document.objects.filter(household=household).count()
    if route_name == "support:plan_detail":
        return PlanGoal.objects.filter(plan__household=household).count()
    if route_name == "support:measure_status":
        return SupportMeasure.objects.get(pk=scenario.measure(scope).pk).status
    if route_name == "support:measure_follow_up":
        return AuditEvent.objects.filter(action="measure.follow_up", object_id=str(scenario.measure(scope).pk)).count()
    if route_name == "support:programme_toggle":
        return Programme.objects.get(pk=scenario.programme(scope).pk).active
    if route_name.startswith("support:appointment_"):
        action = {"edit": "appointment.update", "cancel": "appointment.cancel", "attendance": "appointment.attendance"}
        return AuditEvent.objects.filter(
            action=action[route_name.removeprefix("support:appointment_")],
            object_id=str(scenario.appointment(scope).pk),
        ).count()
    raise AssertionError(f"no state for {route_name}")


# On PostgreSQL, where the writes meet the append-only triggers, the row locks and the application's role that owns
# nothing (decision record 0041).
@pytest.mark.one_pass("postgresql")
@pytest.mark.parametrize("route_name", sorted(POST_EXPECTED))
def test_post_is_scoped_like_get(route_name, scenario):
    route = ROUTES_BY_NAME[route_name]
    mismatches = []
    for actor in ACTORS:
        client = scenario.client(actor)
        for scope, expected in zip(SCOPES, POST_EXPECTED[route_name][actor], strict=True):
            url = scenario.url(route, actor, scope)
            before = _state(route_name, scenario, actor, scope)
            got = outcome(client.post(url, _post_data(route_name, scenario, actor, scope)))
            changed = _state(route_name, scenario, actor, scope) != before
            if got != expected:
                mismatches.append(f"{actor:>14} {scope:>10} POST {url}: expected {expected}, got {got}")
            elif changed != (expected == SAVED):
                mismatches.append(f"{actor:>14} {scope:>10} POST {url}: {'written' if changed else 'not written'}")
    assert not mismatches, "\n".join(mismatches)


# --- details of the scope ------------------------------------------------------------------------------


def _without_csrf_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_out_of_scope_is_exactly_like_a_missing_household(client, world):
    client.force_login(world.users["social_worker"])
    missing = client.get(reverse("people:household_detail", args=[uuid.uuid4()]))
    for household in (world.other_team_household, world.other_org_household):
        hidden = client.get(reverse("people:household_detail", args=[household.pk]))
        assert hidden.status_code == missing.status_code == 404
        assert _without_csrf_token(hidden) == _without_csrf_token(missing)


def test_a_member_of_another_household_is_not_found_through_an_open_household(client, world):
    client.force_login(world.users["director"])
    stranger = world.other_team_household.members.get()
    url = reverse("people:person_edit", args=[world.own_household.pk, stranger.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"first_name": "Piraté", "last_name": "X", "relation": "head", "version": 1})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.first_name != "Piraté"


def test_a_social_worker_opens_the_households_they_are_referent_of_in_another_team(client, world):
    director = world.users["director"]
    worker = world.users["social_worker"]
    followed = make_household(
        director,
        name="Garnier",
        members=[{"first_name": "Inès", "last_name": "Garnier", "birth_date": date(1991, 1, 1), "relation": "head"}],
    )
    Household.objects.filter(pk=followed.pk).update(team=world.other_team, referent=worker)
    client.force_login(worker)
    assert client.get(reverse("people:household_detail", args=[followed.pk])).status_code == 200
    client.force_login(world.users["team_lead"])
    assert client.get(reverse("people:household_detail", args=[followed.pk])).status_code == 404


# --- the admin site ---------------------------------------------------------------------------------------


def test_admin_requires_a_staff_user(world):
    admin_login = reverse("admin:login")
    assert Client().get("/admin/")["Location"].startswith(admin_login)
    for role in ROLES:
        client = Client()
        client.force_login(world.users[role])
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith(admin_login), role
    staff = UserFactory(organisation=world.organisation, role=Role.DIRECTOR, is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


# --- references to rows of another organisation, in forms without a scoped URL --------------------------


def test_forms_refuse_references_to_another_organisation(client, world):
    director = world.users["director"]
    foreign_team = world.other_organisation.team_set.get()
    foreign_category = ConcernCategory.objects.filter(organisation=world.other_organisation).first()
    foreign_concern = Concern.objects.filter(organisation=world.other_organisation).first()
    client.force_login(director)
    create = {
        "name": "Intrus",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "12",
        "members-0-first_name": "Zoé",
        "members-0-last_name": "Intrus",
        "members-0-relation": "head",
    }
    for foreign in ({"team": foreign_team.pk}, {"referent": world.outsider.pk}, {"concerns": [foreign_concern.pk]}):
        response = client.post(reverse("people:household_create"), create | foreign)
        assert response.status_code == 200, foreign  # the form again, with an error
        assert not Household.objects.filter(name="Intrus").exists(), foreign

    household = world.own_household
    edit = {"name": household.name, "version": household.version, "team": household.team_id}
    for foreign in ({"team": foreign_team.pk}, {"referent": world.outsider.pk}, {"concerns": [foreign_concern.pk]}):
        response = client.post(reverse("people:household_edit", args=[household.pk]), edit | foreign)
        assert response.status_code == 200, foreign
        household.refresh_from_db()
        assert household.team == world.team and household.referent == world.users["social_worker"], foreign
        assert not household.concerns.exists(), foreign

    response = client.post(reverse("people:concern_settings"), {"category": foreign_category.pk, "label": "Intrusion"})
    assert response.status_code == 200
    assert not Concern.objects.filter(label="Intrusion").exists()


def test_reception_finds_households_but_gets_no_link_to_their_file(client, world):
    for role in ("receptionist", "volunteer"):
        client.force_login(world.users[role])
        page = client.get(reverse("people:household_list")).content.decode()
        assert world.own_household.name in page and world.other_team_household.name in page, role
        assert world.other_org_household.name not in page, role
        for household in (world.own_household, world.other_team_household):
            assert reverse("people:household_detail", args=[household.pk]) not in page, role
