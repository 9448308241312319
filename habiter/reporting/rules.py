"""Pure rules of reporting: what changed between a stored run and a fresh one. No database, no Django."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Difference:
    table: str  # the indicator's title
    row: str  # the row's label (its first cell)
    column: str
    before: object  # None when the row did not exist
    after: object  # None when the row no longer exists


def _cells(table: dict) -> dict:
    """{(row label, column): value} for every figure of a table (the first column labels the rows)."""
    columns = table["columns"]
    cells = {}
    for row in table["rows"]:
        label = " — ".join(str(cell) for cell in row if isinstance(cell, str)) or str(row[0])
        for column, value in zip(columns[1:], row[1:], strict=False):
            if not isinstance(value, str):
                cells[(label, column)] = value
    return cells


def differences(stored: list[dict], fresh: list[dict]) -> list[Difference]:
    """Every figure that differs between two results of the same report, in the fresh result's order (then the
    rows that disappeared). Tables are matched by indicator code."""
    stored_by_code = {table["code"]: table for table in stored}
    changes = []
    for table in fresh:
        before = _cells(stored_by_code.get(table["code"], {"columns": table["columns"], "rows": []}))
        after = _cells(table)
        for key, value in after.items():
            if before.get(key) != value:
                changes.append(Difference(table["title"], key[0], key[1], before.get(key), value))
        for key, value in before.items():
            if key not in after:
                changes.append(Difference(table["title"], key[0], key[1], value, None))
    return changes
