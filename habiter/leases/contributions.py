"""What `leases` adds to the household page and timeline, the dwelling page, the home page, the navigation
and the audit log."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.formats import euros
from habiter.core.models import Role

from . import queries

STATUS_TITLES = {
    "draft": gettext_lazy("Bail préparé : %(dwelling)s"),
    "signed": gettext_lazy("Bail signé : %(dwelling)s"),
    "slid": gettext_lazy("Bail glissé au nom du ménage : %(dwelling)s"),
    "ended": gettext_lazy("Fin du bail : %(dwelling)s"),
    "cancelled": gettext_lazy("Bail abandonné : %(dwelling)s"),
}


def _leases(household, user):
    """The household's leases with their history, read once per page for the panel and the timeline; their sliding
    reviews and rent revisions only when the household page's EXISTS annotations found some (`_history`)."""
    return registry.household_rows(household, "leases.leases", lambda: _read_leases(household, user))


def _read_leases(household, user):
    from django.db.models import Prefetch

    from .models import LeaseStatusChange, RentRevision, SlidingReview

    history = [Prefetch("status_changes", queryset=LeaseStatusChange.objects.select_related("actor"))]
    if registry.household_has(household, "leases.reviews"):
        history.append(Prefetch("reviews", queryset=SlidingReview.objects.select_related("author")))
    if registry.household_has(household, "leases.revisions"):
        history.append(Prefetch("revisions", queryset=RentRevision.objects.all()))
    return list(
        queries.leases_visible_to(user)
        .filter(household=household)
        .select_related("dwelling", "landlord")
        .prefetch_related(*history)
        .order_by("-start_date")
    )


def _history(household, lease, key, related):
    """A lease's prefetched reviews or revisions; none (and no query) when the household has none."""
    return getattr(lease, related).all() if registry.household_has(household, key) else ()


def _dated(day, created_at):
    """A dated event placed at the day's time of writing, so that same-day events keep their order."""
    local = timezone.localtime(created_at)
    return local.replace(year=day.year, month=day.month, day=day.day)


def leases_panel(household, user):
    if not user.has_perm("leases.view_lease"):
        return None
    leases = _leases(household, user)
    if not leases and not user.has_perm("leases.manage_lease"):
        return None
    return {"leases": leases, "household": household, "can_manage": user.has_perm("leases.manage_lease")}


def lease_events(household, user):
    if not user.has_perm("leases.view_lease"):
        return
    for lease in _leases(household, user):
        label = {"dwelling": f"{lease.dwelling.reference}, {lease.dwelling.city}"}
        for change in lease.status_changes.all():
            yield registry.TimelineEvent(
                when=_dated(change.on_date, change.created_at),
                kind="lease",
                title=str(STATUS_TITLES[change.to_status]) % label,
                body=change.comment,
                actor=str(change.actor),
            )
        for review in _history(household, lease, "leases.reviews", "reviews"):
            yield registry.TimelineEvent(
                when=_dated(review.held_on, review.created_at),
                kind="lease",
                title=_("Bilan du bail glissant : %(decision)s") % {"decision": review.get_decision_display()},
                body=_("Avis du travailleur social : %(worker)s ; avis du bailleur : %(landlord)s")
                % {"worker": review.get_worker_opinion_display(), "landlord": review.get_landlord_opinion_display()},
                actor=str(review.author),
            )
        for revision in _history(household, lease, "leases.revisions", "revisions"):
            yield registry.TimelineEvent(
                when=_dated(revision.effective_date, revision.created_at),
                kind="lease",
                title=_("Loyer révisé : %(old)s € → %(new)s €")
                % {"old": euros(revision.old_rent), "new": euros(revision.new_rent)},
            )


def dwelling_leases_panel(dwelling, user):
    if not user.has_perm("leases.view_lease"):
        return None
    return {
        "dwelling": dwelling,
        "leases": queries.leases_of_dwelling(user, dwelling),
        "head_leases": list(queries.head_leases_of(user).filter(dwelling=dwelling)),
        "mandates": list(queries.mandates_of(user).filter(dwelling=dwelling)),
        "can_manage": user.has_perm("leases.manage_lease"),
    }


def dwelling_households(dwelling, user):
    """The households with a lease of the dwelling, offered when an inspection is recorded."""
    from habiter.people.models import Household

    return list(
        Household.objects.filter(
            organisation_id=dwelling.organisation_id,
            leases__dwelling=dwelling,
            leases__status__in=("signed", "ended", "slid"),
        )
        .distinct()
        .order_by("name")
    )


LEASES_ENDING_SHOWN = 8


def leases_home_panel(user):
    if user.role not in (Role.DIRECTOR, Role.RENTAL_MANAGER, Role.TEAM_LEAD, Role.SOCIAL_WORKER):
        return None
    today = timezone.localdate()
    sliding = queries.sliding_reminders(user, today)
    context = {"sliding": sliding, "today": today, "emphyteutic": [], "revisions_due": None, "index_missing": None}
    if user.has_perm("leases.revise_rent"):
        lines = queries.revisions_open_to_claim(user, today)
        this_month = (today.year, today.month)
        context["revisions_due"] = sum(
            1 for line in lines if line.applicable and (line.revision_date.year, line.revision_date.month) == this_month
        )
        # A revision that waits for an IRL value is a to-do of its own, until the claim window closes (R12).
        context["index_missing"] = len(queries.revisions_waiting_for_index(user, today, lines))
        context["emphyteutic"] = queries.emphyteutic_ending(user, today)
    context["ending"] = []
    if user.has_perm("leases.manage_lease"):
        context["ending"] = list(queries.leases_ending(user, today)[:LEASES_ENDING_SHOWN])
    if not (
        sliding or context["emphyteutic"] or context["revisions_due"] or context["index_missing"] or context["ending"]
    ):
        return None
    return context


PROSPECT_STEP_DAYS = 30  # a captation step left longer is shown to the rental manager as overdue


def stock_home_panel(user):
    """The rental manager's stock: the dwellings without a tenant (since the last lease ended, or never let), the
    captation steps left too long, the open technical tickets. Three queries."""
    from django.db.models import Max, Q

    from habiter.housing import queries as housing_queries
    from habiter.housing.models import ProspectStage

    from .models import LeaseStatus

    if user.role != Role.RENTAL_MANAGER or not user.has_perm("housing.view_stock"):
        return None
    today = timezone.localdate()
    vacant = list(
        housing_queries.dwellings_for(user)
        .exclude(leases__status__in=(LeaseStatus.SIGNED, LeaseStatus.DRAFT, LeaseStatus.SLID))
        .annotate(
            vacant_since=Max(
                "leases__status_changes__on_date", filter=Q(leases__status_changes__to_status=LeaseStatus.ENDED)
            )
        )
        .order_by("vacant_since", "reference")
    )
    stale = housing_queries.prospects_for(user).exclude(stage__in=(ProspectStage.SIGNED, ProspectStage.DROPPED))
    return {
        "vacant": vacant[:5],
        "vacant_count": len(vacant),
        "prospects_overdue": stale.filter(stage_since__lt=today - timedelta(days=PROSPECT_STEP_DAYS)).count(),
        "prospect_step_days": PROSPECT_STEP_DAYS,
        "tickets_open": housing_queries.tickets_for(user)
        .filter(status__in=housing_queries.OPEN_TICKET_STATUSES)
        .count(),
    }


def register():
    from habiter.housing import registry as housing_registry

    from .demo import seed_leases
    from .models import Lease, RentRevision, SlidingReview

    registry.register_nav_item(
        registry.NavItem(
            40, gettext_lazy("Baux"), "leases:lease_list", lambda u: u.has_perm("leases.view_lease"), "housing"
        )
    )
    registry.register_household_panel(
        registry.HouseholdPanel(
            "leases.leases", gettext_lazy("Baux"), "leases/panel_household.html", 16, leases_panel, section="logement"
        )
    )
    registry.register_timeline_source(registry.TimelineSource("lease", gettext_lazy("Bail"), lease_events))
    registry.register_household_rows("leases.leases", lambda pk: Lease.objects.filter(household_id=pk))
    registry.register_household_rows("leases.reviews", lambda pk: SlidingReview.objects.filter(lease__household_id=pk))
    registry.register_household_rows("leases.revisions", lambda pk: RentRevision.objects.filter(lease__household_id=pk))
    registry.register_home_panel(registry.HomePanel("leases.todo", "leases/panel_home.html", 16, leases_home_panel))
    registry.register_home_panel(registry.HomePanel("leases.stock", "leases/panel_stock.html", 2, stock_home_panel))
    housing_registry.register_dwelling_panel("leases/panel_dwelling.html", dwelling_leases_panel)
    housing_registry.register_dwelling_households(dwelling_households)
    registry.register_demo_seeder(41, seed_leases)
