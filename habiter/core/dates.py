"""Pure date arithmetic shared by the rules of every app (no Django here)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative to go back); a day missing in the target month becomes
    its last day (31 January + 1 month → 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
