"""Which apps have rows for a household: one query for the whole household page.

The page asks every app for its panel and its timeline events, and most households have nothing in most apps
(no eviction case, no workshop, no document yet). Each app registers the rows its panel and timeline read, as a
queryset of the household id (`registry.register_household_rows`); the first time a page asks
`household_has(household, key)`, one query answers for every key at once (`SELECT EXISTS(…), EXISTS(…)…`), and
the apps skip their own queries where the answer is no. `page_rows(household, key, load)` does both for an app:
it reads its rows once per page, and not at all when there are none.

The answer only ever saves work: a key no app registered is always present, and a source reads its own rows
with its own rights when the answer is yes. The SQL of the combined query is built by the ORM once per process
and database (its compilation costs more than its execution), with the household id as its only parameter.
"""

import uuid
from collections.abc import Callable

from django.db import connections, router

_rows: dict[str, Callable] = {}
_statements: dict[str, tuple[str, list]] = {}

# Two household ids no row has: compiling each queryset for both shows which parameters are the household id.
_PROBES = (uuid.UUID(int=1), uuid.UUID(int=2))


class _HouseholdId:
    """A parameter slot of the combined query that takes the household id, in the form its column expects."""

    def __init__(self, probe_value):
        if isinstance(probe_value, uuid.UUID):
            self.convert = lambda pk: pk
        elif probe_value == _PROBES[0].hex:
            self.convert = lambda pk: pk.hex
        elif probe_value == str(_PROBES[0]):
            self.convert = str
        else:
            raise ValueError(f"paramètre inattendu pour l'identifiant du ménage : {probe_value!r}")


def register(key: str, rows: Callable) -> None:
    """`rows(household_id)` -> a queryset of the rows that an app's panel or timeline source reads about the
    household; `household_has(household, key)` is False when it is empty."""
    _rows[key] = rows
    _statements.clear()


def _statement(alias: str) -> tuple[str, list]:
    statement = _statements.get(alias)
    if statement is None:
        connection = connections[alias]
        parts, slots = [], []
        for key, rows in _rows.items():
            compiled = []
            for probe in _PROBES:
                query = rows(probe).order_by().values("pk").query
                compiled.append(query.get_compiler(connection=connection).as_sql())
            (sql, params), (other_sql, other_params) = compiled
            if sql != other_sql or len(params) != len(other_params):
                raise ValueError(f"requête de présence « {key} » : le SQL dépend de l'identifiant du ménage")
            parts.append(f"EXISTS({sql})")
            slots.extend(_HouseholdId(a) if a != b else a for a, b in zip(params, other_params, strict=True))
        statement = _statements[alias] = ("SELECT " + ", ".join(parts), slots)
    return statement


def household_has(household, key: str) -> bool:
    """Whether the household has rows of `key` (True for a key no app registered), from one query per page: the
    answers are kept on the household object, which a page reads once."""
    found = household.__dict__.get("_presence")
    if found is None:
        found = household.__dict__["_presence"] = _read(household)
    return found.get(key, True)


def page_rows(household, key: str, load, empty=()):
    """What an app reads about the household once per page: `load()` the first time it is asked, and only when
    the household has rows of `key`, `empty` otherwise; later calls (the panel, then the timeline) get the same."""
    read = household.__dict__.setdefault("_page_rows", {})
    if key not in read:
        read[key] = load() if household_has(household, key) else empty
    return read[key]


def _read(household) -> dict[str, bool]:
    if not _rows:
        return {}
    alias = router.db_for_read(type(household))
    sql, slots = _statement(alias)
    params = [slot.convert(household.pk) if isinstance(slot, _HouseholdId) else slot for slot in slots]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {key: bool(value) for key, value in zip(_rows, row, strict=True)}
