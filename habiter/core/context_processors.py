from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Role
from .permissions import CASEWORK_ROLES, SEARCH_ONLY_ROLES


def navigation(request):
    """The main navigation, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Accueil"), reverse("core:home"))]
    if user.role in CASEWORK_ROLES | SEARCH_ONLY_ROLES:
        items.append((_("Ménages"), reverse("people:household_list")))
    if user.role == Role.DIRECTOR:
        items.append((_("Journal des accès"), reverse("core:audit_log")))
        items.append((_("Problématiques"), reverse("people:concern_settings")))
    items.append((_("Mon compte"), reverse("core:account")))
    return {"nav_items": items, "nav_current": request.path}
