"""One step before a write that cannot be undone: the confirmation page (docs/DESIGN.md, « Confirmations »).

A view whose action is irreversible validates its form as usual, then — while the POST does not carry
`confirmed=1` — renders `core/confirm.html` instead of calling its service: the page says in French what will
happen and what follows from it, and re-posts the very same form data with `confirmed=1`. The first POST writes
nothing. The service functions are unchanged (they check permissions, run atomically and audit); the confirmation
is a step of the page, not of the service, so the API and the tests call the services directly.
"""

from dataclasses import dataclass, field

from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
_NOT_REPOSTED = frozenset({"csrfmiddlewaretoken", CONFIRM_FIELD})


def is_confirmed(request) -> bool:
    """Whether the POST comes from the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


@dataclass
class Confirmation:
    """What the confirmation page shows: its title, what will happen (facts: label and value pairs), the
    consequences (sentences), the label of the confirming button and where « Annuler » leads."""

    title: str
    consequences: list[str]
    action: str
    cancel_url: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    danger: bool = True


def confirmation_page(request, confirmation: Confirmation):
    """The confirmation page, re-posting the request's form data (every value of every field) with `confirmed=1`
    to the same address. Writes nothing."""
    reposted = [
        (name, value) for name in request.POST if name not in _NOT_REPOSTED for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "core/confirm.html",
        {"confirmation": confirmation, "reposted": reposted, "confirm_field": CONFIRM_FIELD},
    )
