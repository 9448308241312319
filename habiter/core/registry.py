"""What each domain app contributes to the household page: timeline sources and page panels.

`core` imports no domain app; each app registers here in its `AppConfig.ready()`, and the household
page asks the registry. A new app adds its panel and its timeline events without `people` importing it.
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .audit_actions import AuditAction, ReadKind


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    kind: str
    title: str
    body: str = ""
    actor: str = ""
    restricted: bool = False
    url: str = ""
    struck: bool = False  # shown struck through (a cancelled appointment)


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    label: str
    events: Callable[..., Iterable[TimelineEvent]]  # (household, user) -> events the user may see


@dataclass(frozen=True)
class HouseholdPanel:
    key: str
    title: str
    template: str
    order: int
    context: Callable[..., dict | None]  # (household, user) -> context, or None to hide the panel
    extra: dict = field(default_factory=dict)
    section: str = (
        "accompagnement"  # a key of HOUSEHOLD_SECTIONS (its anchor too): the tab of the household page it shows in
    )
    alerts: Callable[[dict], Iterable[str]] | None = None  # (its context) -> alerts for the page's header, no query


# The household page's tabs after the timeline, in order: what a social worker looks for, one click away.
HOUSEHOLD_SECTIONS = (
    ("accompagnement", gettext_lazy("Accompagnement")),
    ("logement", gettext_lazy("Logement & bail")),
    ("argent", gettext_lazy("Argent")),
    ("prevention", gettext_lazy("Prévention")),
    ("documents", gettext_lazy("Documents")),
)


_timeline_sources: dict[str, TimelineSource] = {}
_household_panels: dict[str, HouseholdPanel] = {}


def register_timeline_source(source: TimelineSource) -> None:
    _timeline_sources[source.kind] = source


def register_household_panel(panel: HouseholdPanel) -> None:
    _household_panels[panel.key] = panel


_household_rows: dict[str, Callable] = {}


def register_household_rows(key: str, rows: Callable) -> None:
    """`rows(household_id)` -> the queryset an app's panel or timeline reads about a household: the household page's
    own query says by an `EXISTS` whether it is empty (`presence_annotations`), and `household_has` then tells the
    app to skip its query."""
    _household_rows[key] = rows


def _presence_name(key: str) -> str:
    return "has_" + key.replace(".", "_")


def presence_annotations() -> dict:
    """`Exists(…)` of every app's rows, to annotate the household query of a page with: most households have nothing
    in most apps, and the answers come with the household itself, without a query of their own."""
    return {_presence_name(key): Exists(rows(OuterRef("pk"))) for key, rows in _household_rows.items()}


def presence_names() -> tuple[str, ...]:
    """The names of `presence_annotations()`, without building the expressions (building twenty `Exists` costs about
    2 ms): what the household page's presence statement is compiled for (`people.queries.household_presence`)."""
    return tuple(_presence_name(key) for key in _household_rows)


def household_has(household, key: str) -> bool:
    """False when the household, read with `presence_annotations()`, certainly has no row of `key`. True for a key no
    app registered or a household read without the annotations: the answer only ever saves a query."""
    return household.__dict__.get(_presence_name(key)) is not False


def household_rows(household, key: str, load, empty=()):
    """What an app reads about the household once per page: `load()` the first time it is asked, and only when the
    household has rows of `key`, `empty` otherwise; later calls (the panel, then the timeline) get the same."""
    read = household.__dict__.setdefault("_page_rows", {})
    if key not in read:
        read[key] = load() if household_has(household, key) else empty
    return read[key]


def timeline_kinds() -> list[tuple[str, str]]:
    return [(s.kind, s.label) for s in _timeline_sources.values()]


def household_timeline(household, user, kinds: Iterable[str] | None = None) -> list[TimelineEvent]:
    """Every registered source's events for this household, newest first."""
    wanted = set(kinds) if kinds else None
    events: list[TimelineEvent] = []
    for source in _timeline_sources.values():
        if wanted is None or source.kind in wanted:
            events.extend(source.events(household, user))
    return sorted(events, key=lambda e: e.when, reverse=True)


def household_panel_alerts(panels: list[tuple[HouseholdPanel, dict]]) -> list[str]:
    """What the shown panels flag for the page's header (a debt, an expiring document…), from their context."""
    return [str(alert) for panel, context in panels if panel.alerts for alert in panel.alerts(context)]


def household_panels(household, user) -> list[tuple[HouseholdPanel, dict]]:
    shown = []
    for panel in sorted(_household_panels.values(), key=lambda p: p.order):
        context = panel.context(household, user)
        if context is not None:
            shown.append((panel, context))
    return shown


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    order: int
    context: Callable[..., dict | None]  # (user) -> context, or None when the panel is not for this user


_home_panels: dict[str, HomePanel] = {}
_organisation_setups: list[Callable] = []
_household_labellers: list[Callable] = []
_household_finders: list[Callable] = []


def register_home_panel(panel: HomePanel) -> None:
    _home_panels[panel.key] = panel


def home_panels(user) -> list[tuple[HomePanel, dict]]:
    shown = []
    token = _page_reads.set({})
    try:
        for panel in sorted(_home_panels.values(), key=lambda p: p.order):
            context = panel.context(user)
            if context is not None:
                shown.append((panel, context))
    finally:
        _page_reads.reset(token)
    return shown


# What the panels of one home page read in common (the open prevention cases: the deadlines and the early warnings),
# while `home_panels` runs; outside it, every call reads afresh.
_page_reads: ContextVar[dict | None] = ContextVar("page_reads", default=None)


def page_read(key, load: Callable):
    """`load()` once per home page for `key`, shared by the panels that ask for it; a plain `load()` elsewhere."""
    reads = _page_reads.get()
    if reads is None:
        return load()
    if key not in reads:
        reads[key] = load()
    return reads[key]


def register_organisation_setup(setup: Callable) -> None:
    """`setup(organisation)` installs an app's defaults (taxonomies, catalogues) for a new organisation."""
    if setup not in _organisation_setups:
        _organisation_setups.append(setup)


def organisation_setups() -> list[Callable]:
    return list(_organisation_setups)


def audit_action_label(action: str, detail=None) -> str:
    """The French label of an action; the raw code only for a row written by code that no longer exists. A journaled
    read (`core.reads`) says what was read: « Consultation du dossier : le projet personnalisé (PDF) », and a list
    how many households it showed."""
    try:
        label = str(AuditAction(action).label)
    except ValueError:
        return action
    kind = detail.get("read") if isinstance(detail, dict) else None
    if kind is None:
        return label
    try:
        what = str(ReadKind(kind).label)
    except ValueError:
        what = str(kind)
    households = detail.get("households")
    if isinstance(households, list):
        return ngettext(
            "%(action)s : %(what)s, %(count)d ménage",
            "%(action)s : %(what)s, %(count)d ménages",
            len(households),
        ) % {"action": label, "what": what, "count": len(households)}
    return _("%(action)s : %(what)s") % {"action": label, "what": what}


def register_household_labeller(labeller: Callable) -> None:
    """`labeller(organisation_id, ids) -> {id: (label, url)}` names households in the audit log."""
    if labeller not in _household_labellers:
        _household_labellers.append(labeller)


def household_labels(organisation_id, ids) -> dict:
    labels: dict = {}
    for labeller in _household_labellers:
        labels.update(labeller(organisation_id, ids))
    return labels


def register_household_finder(finder: Callable) -> None:
    """`finder(organisation_id, text) -> queryset of household ids` whose household or member names match `text`
    (the journal page filters by a person's name without `core` knowing households)."""
    if finder not in _household_finders:
        _household_finders.append(finder)


def household_finders() -> list[Callable]:
    return list(_household_finders)


_demo_seeders: list[tuple[int, Callable]] = []


def register_demo_seeder(order: int, seeder: Callable) -> None:
    """`seeder(organisation, users, count, rng)` adds an app's demo rows; `count` sizes the households."""
    if all(s is not seeder for _o, s in _demo_seeders):
        _demo_seeders.append((order, seeder))


def demo_seeders() -> list[Callable]:
    return [s for _o, s in sorted(_demo_seeders, key=lambda pair: pair[0])]


@dataclass(frozen=True)
class NavItem:
    order: int
    label: str
    url_name: str
    shown_to: Callable[..., bool]  # (user) -> bool
    group: str = ""  # the activity it belongs to (`core.navigation.GROUPS`); "" for the dashboard itself
    also_in: tuple = ()  # other activities, for a role that does not have `group` (`navigation.group_of`)


_nav_items: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    """An entry of the main navigation, shown to the users `shown_to` accepts."""
    _nav_items[item.url_name] = item


def nav_items(user) -> list[NavItem]:
    return [item for item in sorted(_nav_items.values(), key=lambda i: i.order) if item.shown_to(user)]


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    starts_at: datetime
    title: str
    ends_at: datetime | None = None
    place: str = ""
    url: str = ""
    link_label: str = ""
    cancelled: bool = False  # shown struck through; a calendar app marks it cancelled
    status_label: str = ""  # e.g. « venu », « pas venu »
    manage_url: str = ""  # the page to edit, move, cancel it or say whether the household came


_calendar_sources: dict[str, Callable] = {}


def register_calendar_source(key: str, entries: Callable) -> None:
    """`entries(user, start, end)` -> the user's CalendarEntry items starting in [start, end): each app adds its
    own (appointments, workshop sessions…) to the user's week view and calendar feed."""
    _calendar_sources[key] = entries


def calendar_entries(user, start, end) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    for source in _calendar_sources.values():
        entries.extend(source(user, start, end))
    return sorted(entries, key=lambda e: e.starts_at)


@dataclass(frozen=True)
class AccountGate:
    """A step a logged-in user must take before anything else (a charter to sign…): while `holds(user)`, every page
    but `page`, the login, second-factor and logout pages redirects to `page`, and the API answers 403 with
    `api_message`."""

    page: str  # the URL name of the page that lets the user through
    holds: Callable  # (user) -> bool
    api_message: str


_account_gates: list[AccountGate] = []


def register_account_gate(gate: AccountGate) -> None:
    if gate not in _account_gates:
        _account_gates.append(gate)


def holding_gate(user) -> AccountGate | None:
    """The first gate that holds the user, if any."""
    for gate in _account_gates:
        if gate.holds(user):
            return gate
    return None
