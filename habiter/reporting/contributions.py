"""What reporting registers with `core`: its navigation entries under « Pilotage », the home page's alert of the
comptes rendus financiers due or overdue, and the demo subsidies."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from habiter.core import registry


def subsidies_home_panel(user):
    """For a director or an accountant: the comptes rendus financiers overdue or due within the alert window."""
    from .queries import home_panel

    return home_panel(user, timezone.localdate())


def register():
    from .demo import seed_subsidies

    registry.register_nav_item(
        registry.NavItem(
            5,
            gettext_lazy("Tableau de pilotage"),
            "reporting:dashboard",
            lambda user: user.has_perm("reporting.view_reports"),
            "steering",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            10,
            gettext_lazy("Rapports"),
            "reporting:report_list",
            lambda user: user.has_perm("reporting.view_reports"),
            "steering",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            12,
            gettext_lazy("Subventions"),
            "reporting:subsidy_list",
            lambda user: user.has_perm("reporting.view_subsidies"),
            "steering",
        )
    )
    registry.register_home_panel(
        registry.HomePanel("reporting.subsidies", "reporting/panel_home.html", 2, subsidies_home_panel)
    )
    registry.register_demo_seeder(70, seed_subsidies)
