"""The authentication backend: Django's model backend, whose per-request read of the logged-in user also says
whether the user has a confirmed second-factor device (one query instead of two on every page) and reads the
user's organisation and team with it (two queries fewer on the pages that read them), and whose model
permissions are only the admin site's, for staff accounts."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

HAS_DEVICE_ATTRIBUTE = "has_confirmed_otp_device"


@cache
def _device_models() -> tuple:
    """The installed django-otp device models; the set of installed models never changes in a process."""
    from django_otp import device_classes

    return tuple(device_classes())


@cache
def _has_device_expression():
    """Built once per process, like the models it reads: a query copies an expression when it uses it."""
    expression = None
    for model in _device_models():
        exists = Exists(model.objects.filter(user_id=OuterRef("pk"), confirmed=True))
        expression = exists if expression is None else expression | exists
    return expression


class UserBackend(ModelBackend):
    """Reads the session's user together with `has_confirmed_otp_device` (same answer as
    `django_otp.user_has_device(user)`, read in the same query, so never stale within a request)."""

    def get_user(self, user_id):
        # with the organisation and the team most pages read (the letterhead, the home page's panels, the scopes)
        users = get_user_model()._default_manager.select_related("organisation", "team")
        expression = _has_device_expression()
        if expression is not None:
            users = users.annotate(**{HAS_DEVICE_ATTRIBUTE: expression})
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        if expression is None:
            setattr(user, HAS_DEVICE_ATTRIBUTE, False)
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        """Django's model permissions serve the admin site only, which only staff accounts reach; the application's
        permissions are rules (`rules`, each app's permissions.py). For any other account there are none, without
        the two queries (its own and its groups' permissions) that every page refusing one permission used to make."""
        if not (user_obj.is_staff or user_obj.is_superuser):
            return set()
        return super()._get_permissions(user_obj, obj, from_name)


def user_has_confirmed_device(user) -> bool:
    """`django_otp.user_has_device(user)`, answered from the user's read when the backend above made it."""
    known = getattr(user, HAS_DEVICE_ATTRIBUTE, None)
    if known is not None:
        return bool(known)
    from django_otp import user_has_device

    return user_has_device(user)
