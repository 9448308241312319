"""What apps built on `leases` add to the lease page, so that `leases` imports none of them.

`register_lease_panel(template, context_fn)`: `context_fn(lease, user)` returns the panel's context, or None to
hide it (e.g. `ledger` shows the lease's account and balance). Each template reads `panel.context`.
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
