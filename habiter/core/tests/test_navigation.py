"""The main menu grouped by activity, and the API tokens offered only to the roles the API serves."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from habiter.core import navigation, registry, services
from habiter.core.models import ApiToken, Role

pytestmark = pytest.mark.django_db

# What an API endpoint checks before answering: a role without any of these has nothing to call.
API_PERMS = (
    "people.search_household",
    "reception.log_visit",
    "housing.view_stock",
    "leases.view_lease",
    "ledger.view_balance",
    "ledger.post",
)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_at_most_seven_menu_entries_and_reaches_every_page_it_may_open(world, role):
    user = world.users[role.value]
    menu = navigation.menu_for(user)
    assert 1 <= len(menu.entries) <= navigation.MAX_ENTRIES
    assert menu.entries[0].label == "Tableau de bord"
    assert navigation.unreachable_entries(user) == []
    labels = [link.label for link in menu.entries]
    assert len(labels) == len(set(labels))
    assert set(labels[1:]) <= {str(label) for label in navigation.GROUPS.values()}


def test_the_menu_lists_the_pages_of_the_activity_shown(world, client):
    client.force_login(world.users["director"])
    page = client.get(reverse("housing:dwelling_list")).content.decode()
    assert 'aria-label="Rubrique Logement"' in page
    for label in ("Logements", "Captation", "Baux", "Interventions techniques", "États des lieux"):
        assert f">{label}</a>" in page
    assert ">Comptes</a>" not in page  # another activity's pages wait for it to be chosen
    home = client.get(reverse("core:home")).content.decode()
    assert "Rubrique" not in home and ">Tableau de bord</a>" in home and ">Mon compte</a>" in home


def test_the_desk_and_the_dashboard_are_named_apart(world, client):
    client.force_login(world.users["receptionist"])
    page = client.get(reverse("reception:desk_visit_list")).content.decode()
    menu = navigation.menu_for(world.users["receptionist"])
    assert [link.label for link in menu.entries] == ["Tableau de bord", "Accueil", "Ménages"]
    assert ">Accueil du public</a>" in page and 'aria-current="page">Accueil du public' in page


def test_a_detail_page_marks_its_activity_in_the_menu(world, client):
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert 'aria-current="true">Ménages</a>' in page


@pytest.mark.parametrize("role", list(Role))
def test_api_tokens_are_offered_to_the_roles_the_api_serves_only(world, client, role):
    user = world.users[role.value]
    serves = any(user.has_perm(perm) for perm in API_PERMS)
    assert user.has_perm("core.use_api") == serves
    client.force_login(user)
    account = client.get(reverse("core:account")).content.decode()
    assert ("Gérer mes jetons" in account) == serves
    assert client.get(reverse("core:api_tokens")).status_code == (200 if serves else 404)
    if not serves:
        with pytest.raises(PermissionDenied):
            services.api_token_create(actor=user, name="script")
        assert not ApiToken.objects.filter(user=user).exists()


def test_a_token_held_before_a_change_of_role_can_still_be_revoked(world, client):
    user = world.users["accountant"]
    token, _raw = services.api_token_create(actor=user, name="script")
    user.role = Role.HOST
    user.save()
    client.force_login(user)
    assert "Gérer mes jetons" in client.get(reverse("core:account")).content.decode()
    page = client.get(reverse("core:api_tokens")).content.decode()
    assert "Créer le jeton" not in page and "Révoquer" in page
    assert client.post(reverse("core:api_tokens"), {"name": "autre"}).status_code == 404
    client.post(reverse("core:api_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_every_registered_entry_belongs_to_a_known_activity():
    assert all(item.group in ("", *navigation.GROUPS) for item in registry._nav_items.values())


def test_detail_pages_say_where_they_sit(world, client):
    from habiter.leases.tests.factories import make_dwelling

    dwelling = make_dwelling(world.organisation, reference="MRS-42")
    client.force_login(world.users["director"])
    pages = {
        reverse("people:household_detail", args=[world.own_household.pk]): (
            reverse("people:household_list"),
            "Lefèvre",
        ),
        reverse("housing:dwelling_detail", args=[dwelling.pk]): (reverse("housing:dwelling_list"), "MRS-42"),
        reverse("housing:owner_detail", args=[dwelling.owner_id]): (reverse("housing:owner_list"), dwelling.owner.name),
    }
    for url, (parent_url, current) in pages.items():
        page = client.get(url).content.decode()
        crumbs = page[page.index('class="breadcrumbs"') : page.index("</nav>", page.index('class="breadcrumbs"'))]
        assert f'href="{reverse("core:home")}"' in crumbs and f'href="{parent_url}"' in crumbs
        assert f'<li aria-current="page">{current}</li>' in crumbs
