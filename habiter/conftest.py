"""The world most tests need: two organisations, two teams, a user of every role, three households."""

import importlib
from dataclasses import dataclass, field

import pytest

from habiter.core import services as core_services
from habiter.core.models import Role
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


@pytest.fixture
def world(db):
    return build_world()


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


SEED_MIGRATIONS = ("habiter.core.migrations.0004_seed_legal_parameters", "habiter.leases.migrations.0003_seed_irl")


@pytest.fixture(autouse=True)
def reference_tables(request):
    """The legal parameters and the IRL table are seeded by data migrations, which the flush after each
    transactional test empties: a transactional test seeds them again, with the same functions."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])
    )
    if not transactional and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from habiter.core.models import LegalParameter

    if not LegalParameter.objects.exists():
        for module in SEED_MIGRATIONS:
            importlib.import_module(module).seed(apps, None)
