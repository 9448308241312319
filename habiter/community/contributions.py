"""What `community` adds to the navigation, the home page of directors and hosts, and the demo."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.models import Role
from habiter.residences import registry as residences_registry

from . import council_followup, queries, volunteers


def home_panel(user):
    """The next meetings of the councils a director or a host manages, the terms ending soon, the conseils de
    concertation overdue or badly composed (W12), the councils short of their own rhythm of meetings (W15) and the
    new elections due after a carence (W13)."""
    if user.role not in (Role.DIRECTOR, Role.HOST) or not user.has_perm("community.manage_council"):
        return None
    today = timezone.localdate()
    panel = queries.home_panel(user, today) | {
        "rhythm": council_followup.rhythm_alerts(user, today),
        "carence": council_followup.carence_alerts(user, today),
    }
    return panel if any(panel.values()) else None


def agreements_panel(user):
    """For a director: the partners' agreements whose renewal is to decide soon or is overdue."""
    if user.role != Role.DIRECTOR or not user.has_perm("community.manage_partners"):
        return None
    panel = queries.agreements_to_renew(user, timezone.localdate())
    return panel if panel["agreements"] else None


def register():
    from .demo import seed_community, seed_partners
    from .volunteer_demo import seed_volunteers

    registry.register_nav_item(
        registry.NavItem(
            48,
            gettext_lazy("Instances"),
            "community:council_list",
            lambda u: u.has_perm("community.view_council"),
            "households",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            49,
            gettext_lazy("Projet associatif"),
            "community:project_list",
            lambda u: u.has_perm("community.view_objectives"),
            "households",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            50,
            gettext_lazy("Partenaires"),
            "community:partner_list",
            lambda u: u.has_perm("community.view_partners"),
            "households",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            51,
            gettext_lazy("Enquêtes"),
            "community:survey_list",
            lambda u: u.has_perm("community.view_surveys"),
            "households",
            also_in=("housing",),  # the rental managers' owners' survey
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            52,
            gettext_lazy("Bénévoles"),
            "community:volunteer_list",
            lambda u: u.has_perm("community.view_volunteers"),
            "households",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            23,
            gettext_lazy("Mon bénévolat"),
            "community:my_volunteering",
            # the role first: a refused permission asks Django's model backend too (two queries on every page)
            lambda u: u.role == Role.VOLUNTEER and u.has_perm("community.own_volunteering"),
            "reception",
        )
    )
    registry.register_account_gate(
        registry.AccountGate(
            "community:charter_sign",
            volunteers.charter_holds,
            gettext_lazy(
                "Signez d'abord la charte du bénévole dans Habiter (si votre association ne l'a pas encore publiée, "
                "demandez-la à votre référent)."
            ),
        )
    )
    registry.register_home_panel(registry.HomePanel("community.councils", "community/panel_home.html", 3, home_panel))
    registry.register_home_panel(
        registry.HomePanel("community.agreements", "community/panel_agreements.html", 4, agreements_panel)
    )
    residences_registry.register_rules_consultation(queries.rules_consultation)
    registry.register_demo_seeder(5, seed_partners)  # before the measures, visits and plans that name partners
    registry.register_demo_seeder(60, seed_community)
    registry.register_demo_seeder(61, seed_volunteers)
