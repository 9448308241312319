"""Pure date arithmetic shared by the rules of every app (no Django here)."""

import calendar
from datetime import date

# The years a date typed or imported into Habiter may have: beyond, it is a typing mistake, and date arithmetic
# (a due date a month later, a local time converted to UTC) overflows near the ends of Python's calendar.
FIRST_YEAR = 1900
LAST_YEAR = 2200


def year_in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative to go back); a day missing in the target month becomes
    its last day (31 January + 1 month → 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
