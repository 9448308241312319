"""What apps built on `leases` add to the lease page, so that `leases` imports none of them.

`register_lease_panel(template, context_fn)`: `context_fn(lease, user)` returns the panel's context, or None to
hide it (e.g. `ledger` shows the lease's account and balance). Each template reads `panel.context`.

`register_revision_follow_up(follow_up)`: `follow_up(revision, actor)` is called inside `rent_revisions_apply`'s
transaction once a revision is saved and the lease's rent changed (e.g. `ledger` records the rappel de révision of
the months already called at the old rent).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LeasePanel:
    template: str
    context: dict


_lease_panels: dict[str, Callable[..., dict | None]] = {}


def register_lease_panel(template: str, context_fn: Callable[..., dict | None]) -> None:
    _lease_panels[template] = context_fn


def lease_panels(lease, user) -> list[LeasePanel]:
    shown = []
    for template, context_fn in _lease_panels.items():
        context = context_fn(lease, user)
        if context is not None:
            shown.append(LeasePanel(template, context))
    return shown


_revision_follow_ups: list[Callable] = []


def register_revision_follow_up(follow_up: Callable) -> None:
    if follow_up not in _revision_follow_ups:
        _revision_follow_ups.append(follow_up)


def revision_applied(revision, actor) -> None:
    """Tell the apps built on `leases` that `revision` was applied (inside the applying transaction)."""
    for follow_up in _revision_follow_ups:
        follow_up(revision, actor)
