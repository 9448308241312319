"""The world most tests need: two organisations, two teams, a user of every role, three households."""

import sys
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from habiter.community.tests.factories import charter_signed
from habiter.core import services as core_services
from habiter.core.models import Role
from habiter.core.tests import reference_tables as reference_tables_module
from habiter.core.tests.factories import UserFactory
from habiter.people.tests.factories import make_household


@dataclass
class World:
    organisation: object
    other_organisation: object
    team: object
    other_team: object
    users: dict = field(default_factory=dict)  # role -> user of `organisation`, in `team` for casework roles
    own_household: object = None  # in `team`
    other_team_household: object = None  # in `other_team`
    other_org_household: object = None  # in `other_organisation`
    outsider: object = None  # a social worker of `other_organisation`


def _module_shares_world(request) -> bool:
    """Whether the module's tests may share one world: not when one of them commits (a transactional test, a live
    server), since it would run inside the module's open transaction, nor when one travels in time, since its world
    must be made at the date it travels to."""
    module = request.module
    travels = any(
        value is sys.modules.get("time_machine") or getattr(value, "__module__", None) == "time_machine"
        for value in vars(module).values()
    )
    if travels:
        return False
    for item in request.session.items:
        if getattr(item, "module", None) is not module:
            continue
        names = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        committing = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
        if committing or names & {"transactional_db", "live_server", "django_db_reset_sequences", "time_machine"}:
            return False
    return True


@dataclass(frozen=True)
class _WorldRows:
    """The primary keys of a world made once for a module: each test reads its rows afresh, so that what a test
    changed on its objects, rolled back in the database, does not reach the next."""

    organisations: tuple
    teams: tuple
    users: dict
    households: tuple
    outsider: object

    @classmethod
    def of(cls, world: World) -> "_WorldRows":
        return cls(
            organisations=(world.organisation.pk, world.other_organisation.pk),
            teams=(world.team.pk, world.other_team.pk),
            users={role: user.pk for role, user in world.users.items()},
            households=(world.own_household.pk, world.other_team_household.pk, world.other_org_household.pk),
            outsider=world.outsider.pk,
        )

    def read(self) -> World:
        from habiter.core.models import Organisation, Team, User
        from habiter.people.models import Household

        # with what the objects of a world just made hold already, so that a test counts the same queries
        organisations = Organisation.objects.in_bulk(self.organisations)
        teams = Team.objects.select_related("organisation").in_bulk(self.teams)
        users = User.objects.select_related("organisation", "team").in_bulk([*self.users.values(), self.outsider])
        households = Household.objects.select_related("organisation", "team", "referent").in_bulk(self.households)
        return World(
            organisation=organisations[self.organisations[0]],
            other_organisation=organisations[self.organisations[1]],
            team=teams[self.teams[0]],
            other_team=teams[self.teams[1]],
            users={role: users[pk] for role, pk in self.users.items()},
            own_household=households[self.households[0]],
            other_team_household=households[self.households[1]],
            other_org_household=households[self.households[2]],
            outsider=users[self.outsider],
        )


@pytest.fixture(scope="module")
def _module_world(request, django_db_setup, django_db_blocker):
    """One world per test module and process, made in a transaction rolled back at the end of the module; each
    test runs in a savepoint of it (pytest-django's `db`). About 40 ms a world, for a thousand tests a run."""
    if not _module_shares_world(request):
        yield None
        return
    with django_db_blocker.unblock(), transaction.atomic():
        yield _WorldRows.of(build_world())
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db):
    if _module_world is None:
        return build_world()
    return _module_world.read()


def build_world() -> World:
    organisation = core_services.organisation_create(name="Association A", team_names=["Nord", "Sud"])
    other = core_services.organisation_create(name="Association B", team_names=["Unique"])
    team, other_team = organisation.team_set.order_by("name")
    users = {}
    for role in Role:
        users[role.value] = UserFactory(
            username=f"a.{role.value}",
            organisation=organisation,
            role=role,
            team=team if role in (Role.TEAM_LEAD, Role.SOCIAL_WORKER) else None,
        )
    charter_signed(users["volunteer"])  # W23: a volunteer uses Habiter once they signed the charter in force
    colleague = UserFactory(username="a.colleague", organisation=organisation, role=Role.SOCIAL_WORKER, team=other_team)
    outsider = UserFactory(
        username="b.social_worker", organisation=other, role=Role.SOCIAL_WORKER, team=other.team_set.get()
    )
    return World(
        organisation=organisation,
        other_organisation=other,
        team=team,
        other_team=other_team,
        users=users,
        own_household=make_household(users["social_worker"], name="Lefèvre"),
        other_team_household=make_household(colleague, name="Dupont"),
        other_org_household=make_household(outsider, name="Martin"),
        outsider=outsider,
    )


@pytest.fixture(autouse=True)
def reference_tables(request):
    """Before a transactional test, the reference tables a flush may have emptied (`_reference_tables_after_each_flush`
    in the root conftest seeds them again after it)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])
    )
    if not transactional and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    reference_tables_module.seed_if_empty()
