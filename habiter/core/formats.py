"""Amounts written the French way in text built in Python (messages, timeline titles); templates use the
`euros` filter (builtin library `core.templatetags.french`), which calls this."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def euros(value) -> str:
    """A Decimal amount to the cent as French pages and documents show it (1 234,56); "" for no amount."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return number_format(amount, 2, force_grouping=True)
