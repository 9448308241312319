"""The main menu, grouped by activity: each app registers its entries with their group
(`registry.register_nav_item`), and the small table below says which activities each role sees and in which
order — a role's own work first. At most seven entries on the menu bar: the dashboard, then one per activity;
the entries of the activity of the page shown are listed under it."""

from dataclasses import dataclass
from functools import cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import Role

MAX_ENTRIES = 7

HOUSEHOLDS = "households"
RECEPTION = "reception"
HOUSING = "housing"
LEDGER = "ledger"
PREVENTION = "prevention"
STEERING = "steering"

GROUPS = {
    HOUSEHOLDS: _("Ménages"),
    RECEPTION: _("Accueil"),
    HOUSING: _("Logement"),
    LEDGER: _("Comptabilité"),
    PREVENTION: _("Prévention"),
    STEERING: _("Pilotage"),
}

# The activities each role sees, its own first; an activity without any entry the user may open is left out.
ROLE_GROUPS = {
    Role.DIRECTOR: (STEERING, HOUSEHOLDS, PREVENTION, HOUSING, LEDGER, RECEPTION),
    Role.TEAM_LEAD: (HOUSEHOLDS, PREVENTION, RECEPTION, HOUSING, STEERING),
    Role.SOCIAL_WORKER: (HOUSEHOLDS, PREVENTION, RECEPTION, HOUSING),
    Role.RENTAL_MANAGER: (HOUSING, LEDGER, PREVENTION),
    Role.ACCOUNTANT: (LEDGER, PREVENTION, HOUSING, STEERING),  # steering: the subsidies and their comptes rendus
    Role.TECHNICIAN: (HOUSING,),
    Role.RECEPTIONIST: (RECEPTION, HOUSEHOLDS),
    Role.VOLUNTEER: (RECEPTION, HOUSEHOLDS),
    Role.HOST: (HOUSING, RECEPTION, HOUSEHOLDS),
    Role.LAWYER: (PREVENTION,),
}

# The activity of a page that is not itself a menu entry (a detail page), by URL namespace.
NAMESPACE_GROUPS = {
    "people": HOUSEHOLDS,
    "support": HOUSEHOLDS,
    "reception": RECEPTION,
    "housing": HOUSING,
    "leases": HOUSING,
    "ledger": LEDGER,
    "evictions": PREVENTION,
    "residences": HOUSING,
    "community": HOUSEHOLDS,
    "reporting": STEERING,
}


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Menu:
    entries: list  # MenuLink, the menu bar
    section: str = ""  # the label of the current activity
    section_links: tuple = ()  # MenuLink, the pages of the current activity


def group_of(item, user) -> str:
    """The activity an entry shows under for this user: its own, or the first of its other activities (`also_in`)
    the user's role has (the surveys: under « Ménages », and under « Logement » for a rental manager)."""
    return _group_among(item, ROLE_GROUPS.get(user.role, ()))


def _group_among(item, groups) -> str:
    """`group_of` for a user whose role has the activities `groups`."""
    if not item.group or item.group in groups:
        return item.group
    return next((group for group in item.also_in if group in groups), item.group)


def _group_of_page(resolver_match, item_groups: dict) -> str:
    if resolver_match is None:
        return ""
    if resolver_match.view_name in item_groups:
        return item_groups[resolver_match.view_name]
    return NAMESPACE_GROUPS.get(resolver_match.namespace, "")


@cache
def _url(url_name: str, _prefix: str) -> str:
    """The address of a menu entry (a route without parameters): the same for every request of a process under one
    script prefix, so reversed once. Every page draws the menu; reversing its thirty-odd entries twice each cost a
    director's page about 2 ms (docs/adr/0032-presence-statement-compiled-once.md)."""
    return reverse(url_name)


def menu_for(user, path: str = "", resolver_match=None) -> Menu:
    items = registry.nav_items(user)
    # The role's activities, and each entry's among them, once per menu (not once per entry and activity).
    role_groups = ROLE_GROUPS.get(user.role, ())
    item_groups = {item.url_name: _group_among(item, role_groups) for item in items}
    current_group = _group_of_page(resolver_match, item_groups)
    prefix = get_script_prefix()
    urls = {item.url_name: _url(item.url_name, prefix) for item in items}
    entries = [
        MenuLink(str(item.label), urls[item.url_name], urls[item.url_name] == path) for item in items if not item.group
    ]
    section, section_links = "", ()
    for group in role_groups:
        links = [
            MenuLink(str(item.label), urls[item.url_name], urls[item.url_name] == path)
            for item in items
            if item.group and item_groups[item.url_name] == group
        ]
        if not links:
            continue
        entries.append(MenuLink(str(GROUPS[group]), links[0].url, group == current_group))
        if group == current_group:
            section, section_links = str(GROUPS[group]), tuple(links)
    return Menu(entries=entries, section=section, section_links=section_links)


def unreachable_entries(user) -> list[str]:
    """The menu entries the user may open that no activity of their role shows (a test keeps it empty)."""
    groups = set(ROLE_GROUPS.get(user.role, ()))
    return [item.url_name for item in registry.nav_items(user) if item.group and group_of(item, user) not in groups]
