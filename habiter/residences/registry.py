"""What apps built on `residences` add to the residence contract page, so that `residences` imports none of them.

`register_rules_consultation(provider)`: `provider(residence, today)` says whether a new version of the residence's
règlement intérieur must be linked to a consultation of its conseil de concertation (W12) and which meetings may be
linked (`community` registers it; without it, none is required).

`register_contract_panel(template, context_fn)`: `context_fn(contract, user)` returns the panel's context, or None to
hide it (e.g. `ledger` shows the resident's redevance balance in the practical file). The contract was already read
through `queries.contracts_for`: the panel shows only what the contract's reader may see. Each template reads
`panel.context`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContractPanel:
    template: str
    context: dict


_contract_panels: dict[str, Callable[..., dict | None]] = {}


def register_contract_panel(template: str, context_fn: Callable[..., dict | None]) -> None:
    _contract_panels[template] = context_fn


def contract_panels(contract, user) -> list[ContractPanel]:
    shown = []
    for template, context_fn in _contract_panels.items():
        context = context_fn(contract, user)
        if context is not None:
            shown.append(ContractPanel(template, context))
    return shown


@dataclass(frozen=True)
class RulesConsultation:
    required: bool = False  # a new version of the RI needs a consultation (W12: ≥ 30 residents under contract)
    reason: str = ""  # why, in French, when required
    choices: tuple = ()  # (meeting id as text, label) of the consultations that may be linked, newest first


_consultation_providers: list[Callable] = []


def register_rules_consultation(provider: Callable) -> None:
    if provider not in _consultation_providers:
        _consultation_providers.append(provider)


def rules_consultation(residence, today) -> RulesConsultation:
    for provider in _consultation_providers:
        return provider(residence, today)
    return RulesConsultation()
