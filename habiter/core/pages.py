"""What every app's pages share: a refusal answered exactly like a missing row (out of scope = 404)."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404


def require_perm(user, perm) -> None:
    """A page the user's role may not use is answered like a missing one."""
    if not user.has_perm(perm):
        raise Http404


def get_or_404(load, *args):
    """`load(*args)`, a scoped read that raises DoesNotExist out of scope, with its refusal answered as a 404."""
    try:
        return load(*args)
    except ObjectDoesNotExist:
        raise Http404 from None
