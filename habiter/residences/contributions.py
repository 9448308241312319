"""What `residences` adds to the navigation."""

from django.utils.translation import gettext_lazy

from habiter.core import registry


def register():
    registry.register_nav_item(
        registry.NavItem(
            45,
            gettext_lazy("Résidences"),
            "residences:residence_list",
            lambda u: u.has_perm("residences.view_residence"),
            "housing",
        )
    )
