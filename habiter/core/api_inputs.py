"""What the API accepts, shared by every app's `api.py`: the body and query parser, bounded dates, list bounds.

The parser refuses, before any schema sees them, the characters no column may hold: NUL (PostgreSQL refuses it in
text, SQLite stores it and cuts the value short in some readers) and lone UTF-16 surrogates (which no UTF-8
database can encode). Dates are bounded to years a housing file can mean (1900–2200): beyond, date arithmetic
overflows (a due date a month after 9999-12-31) and such a date is always a typing mistake.
"""

import json
import re
from datetime import date, datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja.parser import Parser
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from .dates import FIRST_YEAR, LAST_YEAR, year_in_range

LIMIT_MAX = 200  # items per page of a list
OFFSET_MAX = 1_000_000  # beyond, the database's integer types and the user's patience both give out
__all__ = ["FIRST_YEAR", "LAST_YEAR", "LIMIT_MAX", "OFFSET_MAX", "ApiDate", "ApiDateTime", "HabiterParser"]
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class RefusedText(ValueError):
    """A string of the request holds a character no column may store."""

    def __init__(self):
        super().__init__(_("Requête invalide : caractère nul ou non encodable dans un texte."))


def _check(value: Any) -> None:
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise RefusedText
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)
    elif isinstance(value, list):
        for item in value:
            _check(item)


class HabiterParser(Parser):
    """JSON bodies and query strings without NUL nor lone surrogates (keys and values, at any depth)."""

    def parse_body(self, request):
        data = json.loads(request.body)
        _check(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            _check(key)
            for value in values:
                _check(value)
        return super().parse_querydict(data, list_fields, request)


def _in_range(value):
    if not year_in_range(value):
        raise PydanticCustomError("date_out_of_range", "date out of range")
    return value


# A date or a datetime between 1900 and 2200 (a French error otherwise, see habiter/api.py).
ApiDate = Annotated[date, AfterValidator(_in_range)]
ApiDateTime = Annotated[datetime, AfterValidator(_in_range)]
