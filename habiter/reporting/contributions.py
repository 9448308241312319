"""What reporting registers with `core`: its navigation entries under « Pilotage »."""

from django.utils.translation import gettext_lazy

from habiter.core import registry


def register():
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
