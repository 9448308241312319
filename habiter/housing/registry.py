"""What apps built on `housing` add to its pages, so that `housing` imports none of them.

- A dwelling panel: `register_dwelling_panel(template, context_fn)`, where `context_fn(dwelling, user)` returns
  the panel's context, or None to hide it (e.g. `leases` shows the dwelling's leases).
- A household source: `register_dwelling_households(households_fn)`, where `households_fn(dwelling, user)`
  returns the households living in or leaving the dwelling, offered when an inspection is recorded.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DwellingPanel:
    template: str
    context: dict


_dwelling_panels: dict[str, Callable[..., dict | None]] = {}
_household_sources: list[Callable[..., Iterable]] = []


def register_dwelling_panel(template: str, context_fn: Callable[..., dict | None]) -> None:
    _dwelling_panels[template] = context_fn


def dwelling_panels(dwelling, user) -> list[DwellingPanel]:
    """The panels shown on a dwelling's page, in the order they were registered; each template reads
    `panel.context`."""
    shown = []
    for template, context_fn in _dwelling_panels.items():
        context = context_fn(dwelling, user)
        if context is not None:
            shown.append(DwellingPanel(template, context))
    return shown


def register_dwelling_households(households_fn: Callable[..., Iterable]) -> None:
    if households_fn not in _household_sources:
        _household_sources.append(households_fn)


def dwelling_households(dwelling, user) -> list:
    households = []
    for source in _household_sources:
        households.extend(source(dwelling, user))
    return households
