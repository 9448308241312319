"""`{{ amount|euros }}`: a Decimal amount as French pages and documents show it (1 234,56), exactly to the cent."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return number_format(amount, 2, force_grouping=True)
