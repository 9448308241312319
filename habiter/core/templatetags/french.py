"""Amounts and dates written the French way in every template (a builtin library: no `{% load %}` needed).

- `{{ amount|euros }}`: a Decimal to the cent, with the thousands separator (1 234,56).
- `{{ cell|figure }}`: a report's figure: one with decimals (an amount, a rate: stored as a float in a run) as
  `euros` writes it, a count or a text as it is.
- `{{ day|long_date }}`: « 1er septembre 2026 », « 2 septembre 2026 »; `long_date:"l"` adds the weekday
  (« mardi 1er septembre 2026 »), `long_date:"l H:i"` the weekday and the time (« mardi 1er septembre 2026, 14:00 »),
  `long_date:"-"` leaves the year out (« 1er septembre »).
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from habiter.core.formats import euros

register = template.Library()
register.filter("euros", euros)


@register.filter
def figure(value):
    return euros(value) if isinstance(value, float) else value


@register.filter
def long_date(value, options: str = "") -> str:
    if not isinstance(value, date):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {date_format(value, 'F')}" if "-" in options else f"{day} {date_format(value, 'F Y')}"
    if "l" in options:
        text = f"{date_format(value, 'l')} {text}"
    if "H:i" in options and isinstance(value, datetime):
        text = f"{text}, {date_format(value, 'H:i')}"
    return text
