from django.urls import reverse

from . import registry


def navigation(request):
    """The main navigation, by role: each app registers its entries (core.registry.register_nav_item)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(str(item.label), reverse(item.url_name)) for item in registry.nav_items(user)]
    return {"nav_items": items, "nav_current": request.path}
