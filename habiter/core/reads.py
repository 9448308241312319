"""Journaled reads: every successful read of a household's file writes one row to the audit log (DESIGN.md,
DOMAIN-2 W41, ADR 0015).

A page or an API operation declares what it reads, once, above its definition:

    @require_GET
    @journaled_read("support.plan", household="household_id")   # the URL names the household
    def plan_detail(request, household_id): ...

    @journaled_read("evictions.case")                            # the view names it once the row is loaded
    def case_detail(request, case_id):
        case = _case(request.user, case_id)
        read_of(request, household_id=case.household_id, obj=case)

    @journaled_list("people.search")                             # a list steered by a typed name
    def household_list(request):
        ...
        listed(request, [h.pk for h in page.object_list])

After the view, on a 2xx answer only, one INSERT and no SELECT: the household's id is the URL's or a column of the
row the view loaded anyway. A refusal (403, 404) writes no read: the middleware journals it as `access.refused`.
A redirect (a form saved) writes none either: the write is journaled by its service. A view that declares a read
and answers 2xx without naming its household is a programming error (ImproperlyConfigured), so a forgotten
`read_of` fails the view's own tests.

The same decorators work on django-ninja operations (put them under `@router.get(...)`): an operation that returns
without raising answered its success status.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseBase

from .audit_actions import ReadKind

READ_ATTRIBUTE = "journaled_read"  # set on the decorated view: ("read" | "list", kind); the URLconf test reads it


@dataclass
class _Read:
    kind: str
    many: bool
    noted: bool = False
    household_id: object = None
    obj: object = None
    household_ids: list = field(default_factory=list)


def _kind(kind: str) -> str:
    try:
        return ReadKind(kind).value
    except ValueError:
        raise ImproperlyConfigured(
            f"Unknown read kind {kind!r}: add it, with its French label, to ReadKind (habiter/core/audit_actions.py)."
        ) from None


def _status(result) -> int:
    """The status a view's result answers: a response's, a django-ninja `Status`'s, else the operation's 200."""
    if isinstance(result, HttpResponseBase):
        return result.status_code
    code = getattr(result, "status_code", None)
    if isinstance(code, int):
        return code
    if isinstance(result, tuple) and result and isinstance(result[0], int):
        return result[0]
    return 200


def _journaled(kind: str, *, many: bool, household: str | None):
    kind = _kind(kind)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            read = _Read(kind=kind, many=many)
            if household is not None:
                read.household_id, read.noted = kwargs[household], True
            outer = getattr(request, "_journaled_read", None)
            request._journaled_read = read
            try:
                result = view(request, *args, **kwargs)
            finally:
                request._journaled_read = outer
            if 200 <= _status(result) < 300:
                _record(request, read)
            return result

        setattr(wrapper, READ_ATTRIBUTE, ("list" if many else "read", kind))
        return wrapper

    return decorate


def journaled_read(kind: str, *, household: str | None = None):
    """Journal a successful answer as a read of one household's file. `household` names the URL keyword argument
    that holds the household's id; without it the view calls `read_of` once it has loaded what it shows."""
    return _journaled(kind, many=False, household=household)


def journaled_list(kind: str):
    """Journal a successful answer as a list of households found by a typed name; the view calls `listed`."""
    return _journaled(kind, many=True, household=None)


def _current(request) -> _Read:
    read = getattr(request, "_journaled_read", None)
    if read is None:
        raise ImproperlyConfigured("read_of/listed called from a view without @journaled_read/@journaled_list.")
    return read


def read_of(request, *, household_id, obj=None) -> None:
    """Name the household whose file the view is showing (`None`: the element shown belongs to no household, e.g.
    an anonymous visit), and the element read, if it is not the household itself."""
    read = _current(request)
    read.household_id, read.obj, read.noted = household_id, obj, True


def listed(request, household_ids) -> None:
    """Name the households a list shows (none: nothing is journaled)."""
    read = _current(request)
    read.household_ids, read.noted = list(dict.fromkeys(str(pk) for pk in household_ids)), True


def _record(request, read: _Read) -> None:
    from . import services  # services imports the models; this module is imported by every app's views

    if not read.noted:
        raise ImproperlyConfigured(
            f"A view journaled as {read.kind!r} answered without naming its household: call read_of() or listed()."
        )
    actor = getattr(request, "user", None)
    if read.many:
        if read.household_ids:
            services.household_list_record(actor=actor, kind=read.kind, household_ids=read.household_ids)
    elif read.household_id is not None:
        services.household_read_record(actor=actor, kind=read.kind, household_id=read.household_id, obj=read.obj)
