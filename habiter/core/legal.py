"""Dated legal parameters: every number the law sets lives in a table with its validity period and source.

Pure Python, no Django: the rules of each app read their numbers from a `LegalParameters` built either from
the CSV next to this module (`default_parameters()`) or, on the Django side, from the database table seeded
from that CSV. A rule that changes over time is several rows of one key with successive validity periods;
both bounds are inclusive and an empty bound is open.
"""

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

TERRITORIES = ("metropole", "dom", "corse")
# Corsica is metropolitan France: every rule of the mainland applies there (decency, deposit, rent freeze…) except
# where the law sets its own number (the IRL's 2022–2024 cap at 2 %). A territory listed here reads the rows of
# the other one for any key it has no row of its own.
FALLBACK_TERRITORY = {"corse": "metropole"}
STATUSES = ("CONFIRMED", "PARTIAL", "UNCONFIRMED")
CSV_COLUMNS = ("key", "territory", "value", "valid_from", "valid_to", "status", "rule", "source_url", "label")
CSV_PATH = Path(__file__).with_name("legal_parameters.csv")


class MissingLegalParameter(LookupError):
    """No row of the key is in force on the date asked for."""


class RowLike(Protocol):
    """What the constructor needs from a row: a `LegalParameterRow` or a database record."""

    key: str
    territory: str
    value: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class LegalParameterRow:
    key: str
    territory: str
    value: str
    valid_from: date | None = None
    valid_to: date | None = None
    status: str = "UNCONFIRMED"
    rule: str = ""
    source_url: str = ""
    label: str = ""

    def covers(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


def _french_date(on: date) -> str:
    return on.strftime("%d/%m/%Y")


def _describe(row: LegalParameterRow) -> str:
    start = _french_date(row.valid_from) if row.valid_from else "…"
    end = _french_date(row.valid_to) if row.valid_to else "…"
    return f"{start} → {end}"


class LegalParameters:
    """The rows of the legal-parameter table, looked up by key, date and territory."""

    def __init__(self, rows: Iterable[RowLike]):
        by_key: dict[tuple[str, str], list[LegalParameterRow]] = {}
        for source in rows:
            row = _as_row(source)
            by_key.setdefault((row.key, row.territory), []).append(row)
        for (key, territory), group in by_key.items():
            group.sort(key=lambda r: r.valid_from or date.min)
            for previous, current in zip(group, group[1:], strict=False):
                if previous.valid_to is None or (current.valid_from or date.min) <= previous.valid_to:
                    raise ValueError(
                        f"Paramètre légal « {key} » ({territory}) : les périodes {_describe(previous)} "
                        f"et {_describe(current)} se chevauchent."
                    )
        self._rows = by_key

    def __len__(self) -> int:
        return sum(len(group) for group in self._rows.values())

    def _group(self, key: str, territory: str) -> list[LegalParameterRow]:
        group = self._rows.get((key, territory))
        if group is None and territory in FALLBACK_TERRITORY:
            group = self._rows.get((key, FALLBACK_TERRITORY[territory]))
        return group or []

    def rows(self, *, key: str, territory: str = "metropole") -> list[LegalParameterRow]:
        """Every row of `key` in `territory` (or in the territory it falls back on), oldest first: the calendar
        of a rule."""
        return list(self._group(key, territory))

    def keys(self) -> set[str]:
        return {key for key, _territory in self._rows}

    def row(self, key: str, on: date | None = None, territory: str = "metropole") -> LegalParameterRow:
        """The row of `key` in force on `on`; `on=None` means the latest row (the one starting last)."""
        if territory not in TERRITORIES:
            raise ValueError(f"Territoire inconnu : « {territory} » (attendu : {', '.join(TERRITORIES)}).")
        group = self._group(key, territory)
        if on is None:
            if group:
                return group[-1]
            raise MissingLegalParameter(f"Aucun paramètre légal « {key} » pour le territoire {territory}.")
        for row in group:
            if row.covers(on):
                return row
        raise MissingLegalParameter(
            f"Aucun paramètre légal « {key} » en vigueur le {_french_date(on)} pour le territoire {territory}."
        )

    def value(self, key: str, on: date | None = None, territory: str = "metropole") -> str:
        return self.row(key, on, territory).value

    def decimal(self, key: str, on: date | None = None, territory: str = "metropole") -> Decimal:
        raw = self.value(key, on, territory)
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(f"Le paramètre légal « {key} » n'est pas un nombre : « {raw} ».")
        return number

    def integer(self, key: str, on: date | None = None, territory: str = "metropole") -> int:
        raw = self.value(key, on, territory)
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"Le paramètre légal « {key} » n'est pas un nombre entier : « {raw} ».") from None


def _as_row(source: RowLike) -> LegalParameterRow:
    if isinstance(source, LegalParameterRow):
        row = source
    else:
        row = LegalParameterRow(
            key=source.key,
            territory=source.territory,
            value=source.value,
            valid_from=source.valid_from,
            valid_to=source.valid_to,
            status=getattr(source, "status", "UNCONFIRMED"),
            rule=getattr(source, "rule", ""),
            source_url=getattr(source, "source_url", ""),
            label=getattr(source, "label", ""),
        )
    if not row.key:
        raise ValueError("Paramètre légal sans clé.")
    if not row.value:
        raise ValueError(f"Paramètre légal « {row.key} » sans valeur (« - » quand il n'y a rien).")
    if row.territory not in TERRITORIES:
        raise ValueError(f"Paramètre légal « {row.key} » : territoire inconnu « {row.territory} ».")
    if row.status not in STATUSES:
        raise ValueError(f"Paramètre légal « {row.key} » : statut inconnu « {row.status} ».")
    if row.valid_from and row.valid_to and row.valid_to < row.valid_from:
        raise ValueError(f"Paramètre légal « {row.key} » : la période {_describe(row)} finit avant de commencer.")
    return row


def _parse_date(raw: str, key: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"Paramètre légal « {key} » : date invalide « {raw} » (attendu AAAA-MM-JJ).") from None


def read_rows(path: Path = CSV_PATH) -> list[LegalParameterRow]:
    """The rows of a legal-parameter CSV (UTF-8, header `CSV_COLUMNS`); also used to seed the database."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
            raise ValueError(f"Colonnes inattendues dans {path.name} : {reader.fieldnames}.")
        return [
            LegalParameterRow(
                key=record["key"],
                territory=record["territory"],
                value=record["value"],
                valid_from=_parse_date(record["valid_from"], record["key"]),
                valid_to=_parse_date(record["valid_to"], record["key"]),
                status=record["status"],
                rule=record["rule"],
                source_url=record["source_url"],
                label=record["label"],
            )
            for record in reader
        ]


@functools.cache
def default_parameters() -> LegalParameters:
    """The parameters of the CSV shipped with the code (read once per process)."""
    return LegalParameters(read_rows())
