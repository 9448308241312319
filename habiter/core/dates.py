"""Pure date arithmetic shared by the rules of every app (no Django here)."""

import calendar
from datetime import date, timedelta

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


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


# The public holidays of the Code du travail (art. L3133-1), mainland France outside Alsace-Moselle: fixed days as
# (month, day), and the movable ones as days after Easter Sunday (Easter Monday, Ascension, Whit Monday).
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
EASTER_HOLIDAYS = (1, 39, 50)


def is_public_holiday(day: date) -> bool:
    if (day.month, day.day) in FIXED_HOLIDAYS:
        return True
    return (day - easter_sunday(day.year)).days in EASTER_HOLIDAYS


def is_open_day(day: date) -> bool:
    """Monday to Friday and not a public holiday: a day the association's offices are open."""
    return day.weekday() < 5 and not is_public_holiday(day)


def nearest_open_day(day: date, step: int = 1) -> date:
    """`day` when it is an open day, else the nearest one after it (`step` 1) or before it (`step` -1)."""
    while not is_open_day(day):
        day += timedelta(days=step)
    return day
