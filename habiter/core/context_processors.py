from . import navigation


def navigation_menu(request):
    """The main menu, by role and activity (`core.navigation`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": None}
    return {"menu": navigation.menu_for(user, request.path, getattr(request, "resolver_match", None))}
