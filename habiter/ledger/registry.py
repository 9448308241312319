"""What apps built on `ledger` tell it, so that `ledger` imports none of them.

`register_reversal_guard(guard)`: `guard(transaction)` returns a French message when the entry belongs to a record
of that app that a plain reversal would leave wrong (e.g. `evictions`: an FSL advance and its repayments are
corrected from the advance's page), or None. `transaction_reverse` refuses the reversal with the first message.
"""

from collections.abc import Callable

_reversal_guards: list[Callable] = []


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
