"""The stored tables of a report as an XLSX workbook: one sheet per table, values only (no formula)."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

SHEET_NAME_MAX = 31  # Excel's limit
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, taken: set) -> str:
    base = FORBIDDEN.sub(" ", title)[:SHEET_NAME_MAX].strip()
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: SHEET_NAME_MAX - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: list[dict], *, heading: str) -> bytes:
    """One sheet per table: its title, its definition (id, unit, counting rule: W39, every exported figure carries
    its definition), the heading (period, production), then the table from the fourth line."""
    from .indicators import definition_line

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table["title"], taken))
        sheet.append([table["title"]])
        sheet.append([definition_line(table)])
        sheet.append([heading])
        sheet.append(table["columns"])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            # A text starting with "=" would be a formula: the workbook holds values only.
            sheet.append([f"'{value}" if isinstance(value, str) and value.startswith("=") else value for value in row])
        sheet.column_dimensions["A"].width = 45
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
