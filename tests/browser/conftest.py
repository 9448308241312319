"""Fixtures of the browser tests: one organisation, its users, and a page that fails on script errors."""

import os
from datetime import date
from pathlib import Path

import pytest

from habiter.community.tests.factories import charter_signed
from habiter.core import services as core_services
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.people.tests.factories import make_household

from .support import DESKTOP, PASSWORD


def pytest_collection_modifyitems(config, items):
    """The pages are the same on both databases: the browser tests run on the SQLite pass of `make test` only, to
    keep the two passes of the CI within their time (HABITER_BROWSER_ON_POSTGRES=1 runs them on PostgreSQL too)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or os.environ.get("HABITER_BROWSER_ON_POSTGRES"):
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason="browser tests run on the SQLite pass")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are opened by path on the live server. Defining this fixture here also replaces
    pytest-playwright's fallback one, which pytest 9 deprecates (and warnings are errors)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture(autouse=True)
def _no_browser_errors(page):
    """A JavaScript error, a Content Security Policy violation or a failed sub-request (style sheet,
    script, htmx request) fails the test. Pages themselves may answer 404: the tests check those."""
    errors = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("response", on_response)
    yield
    assert not errors, "\n".join(errors)


@pytest.fixture
def organisation(transactional_db):
    return core_services.organisation_create(name="Association Horizon", team_names=["Nord", "Sud"])


@pytest.fixture
def team(organisation):
    return organisation.team_set.get(name="Nord")


@pytest.fixture
def social_worker(organisation, team):
    return UserFactory(
        username="c.martin",
        first_name="Camille",
        last_name="Martin",
        organisation=organisation,
        team=team,
        role=Role.SOCIAL_WORKER,
        password=PASSWORD,
    )


@pytest.fixture
def director(organisation):
    """Claire Fabre, the association's director."""
    return UserFactory(
        username="c.fabre",
        first_name="Claire",
        last_name="Fabre",
        organisation=organisation,
        role=Role.DIRECTOR,
        password=PASSWORD,
    )


@pytest.fixture
def host(organisation):
    """Thomas Garcia, the host of « Les Pléiades » in the residences' tests."""
    return UserFactory(
        username="t.garcia",
        first_name="Thomas",
        last_name="Garcia",
        organisation=organisation,
        role=Role.HOST,
        password=PASSWORD,
    )


@pytest.fixture
def volunteer(organisation):
    """Jeanne Bénard, who signed her association's charter (W23: no account before it is signed)."""
    user = UserFactory(
        username="j.benard",
        first_name="Jeanne",
        last_name="Bénard",
        organisation=organisation,
        role=Role.VOLUNTEER,
        password=PASSWORD,
    )
    charter_signed(user)
    return user


@pytest.fixture
def durand_household(social_worker):
    """Another household of the same team, that a search for "noel" must leave out."""
    return make_household(
        social_worker,
        name="Durand",
        members=[{"first_name": "Paul", "last_name": "Durand", "birth_date": date(1979, 1, 8), "relation": "head"}],
    )


@pytest.fixture
def noel_household(social_worker):
    return make_household(
        social_worker,
        name="Noël",
        phone="06 12 34 56 78",
        postal_code="13001",
        city="Marseille",
        members=[
            {"first_name": "Zoé", "last_name": "Noël", "birth_date": date(1986, 3, 14), "relation": "head"},
            {"first_name": "Lucas", "last_name": "Noël", "birth_date": date(2015, 9, 2), "relation": "child"},
        ],
    )
