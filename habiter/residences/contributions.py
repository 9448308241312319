"""What `residences` adds to the navigation and the host's home page."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.models import Role

from . import queries
from .models import ResidenceStay


def host_home_panel(user):
    """The host's admission work of the day, in the residences they host."""
    if user.role != Role.HOST or not user.has_perm("residences.run_admissions"):
        return None
    todo = queries.admissions_todo(user, timezone.localdate())
    return todo | {"total": sum(len(rows) for rows in todo.values())}


def stays_panel(household, user):
    """The household's stays in a residence, on its page: whoever may open the household's file (its referent, its
    team, the director) sees where they live or lived; the link to the residence only for those who may open it."""
    stays = registry.household_rows(
        household,
        "residences.stays",
        lambda: list(
            ResidenceStay.objects.filter(household_id=household.pk)
            .select_related("place__residence", "resident")
            .order_by("-entered_on")
        ),
    )
    if not stays:
        return None
    return {"stays": stays, "can_open": user.has_perm("residences.view_residence")}


def register():
    from .demo import seed_residences

    registry.register_nav_item(
        registry.NavItem(
            45,
            gettext_lazy("Résidences"),
            "residences:residence_list",
            lambda u: u.has_perm("residences.view_residence"),
            "housing",
        )
    )
    registry.register_home_panel(
        registry.HomePanel("residences.admissions", "residences/panel_home.html", 2, host_home_panel)
    )
    registry.register_demo_seeder(50, seed_residences)
    registry.register_household_panel(
        registry.HouseholdPanel(
            "residences.stays",
            gettext_lazy("Pension de famille"),
            "residences/panel_household.html",
            17,
            stays_panel,
            section="logement",
        )
    )
    registry.register_household_rows("residences.stays", lambda pk: ResidenceStay.objects.filter(household_id=pk))
