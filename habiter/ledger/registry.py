"""What the sub-domains of `ledger` and the apps built on it tell `ledger.entries`, so that entries imports none
of them. Registered in `AppConfig.ready()` (`contributions.register()` for the sub-domains).

`register_reversal_guard(guard)`: `guard(transaction)` returns a French message when the entry belongs to a record
that a plain reversal would leave wrong (an owner statement or payout, a deposit's movement; in `evictions`, an FSL
advance and its repayments, corrected from the advance's page), or None. `transaction_reverse` refuses the reversal
with the first message.

`register_reversal_follow_up(prepare)`: `prepare(transaction)` is called first when an entry is to be reversed,
inside the reversal's database transaction. When the entry records a document of that sub-domain (a rent call, a
payment), it takes the locks the sub-domain needs and returns a `ReversalFollowUp`, whose `apply(on)` brings the
document in line once the reversal is posted; otherwise None.
"""

from collections.abc import Callable
from dataclasses import dataclass

_reversal_guards: list[Callable] = []
_reversal_follow_ups: list[Callable] = []


@dataclass
class ReversalFollowUp:
    """What follows the reversal of an entry for the document it records; `household_id` goes to the audit."""

    apply: Callable
    household_id: object = None


def register_reversal_guard(guard: Callable) -> None:
    if guard not in _reversal_guards:
        _reversal_guards.append(guard)


def reversal_refusal(entry) -> str | None:
    """The first guard's message refusing to reverse `entry`, or None when every app lets it be reversed."""
    for guard in _reversal_guards:
        message = guard(entry)
        if message:
            return str(message)
    return None


def register_reversal_follow_up(prepare: Callable) -> None:
    if prepare not in _reversal_follow_ups:
        _reversal_follow_ups.append(prepare)


def reversal_follow_ups(entry) -> list[ReversalFollowUp]:
    """What each sub-domain will do once `entry` is reversed (its locks are taken now)."""
    return [follow_up for prepare in _reversal_follow_ups if (follow_up := prepare(entry)) is not None]
