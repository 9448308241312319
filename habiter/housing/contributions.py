"""What `housing` adds to the navigation, the home page, the demo data and the audit log."""

from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.models import Role

from . import queries


def my_tickets_panel(user):
    """The technician's open tickets, on their home page."""
    if user.role != Role.TECHNICIAN or not user.has_perm("housing.handle_ticket"):
        return None
    return {"tickets": list(queries.open_tickets_assigned_to(user)[:20])}


def register():
    from .demo import seed_housing

    registry.register_nav_item(
        registry.NavItem(
            40,
            gettext_lazy("Logements"),
            "housing:dwelling_list",
            lambda u: u.has_perm("housing.view_stock"),
            "housing",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            41,
            gettext_lazy("Captation"),
            "housing:prospect_board",
            lambda u: u.has_perm("housing.view_stock"),
            "housing",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            42,
            gettext_lazy("Interventions techniques"),
            "housing:ticket_list",
            lambda u: u.has_perm("housing.view_maintenance"),
            "housing",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            43,
            gettext_lazy("États des lieux"),
            "housing:inspection_list",
            lambda u: u.has_perm("housing.view_inspections"),
            "housing",
        )
    )
    registry.register_home_panel(
        registry.HomePanel("housing.my_tickets", "housing/panel_my_tickets.html", 3, my_tickets_panel)
    )
    registry.register_demo_seeder(40, seed_housing)
