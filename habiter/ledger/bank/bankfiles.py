"""Reading bank statements: CSV exports with a per-bank column mapping, and ISO 20022 CAMT.053 files.

Pure Python (no database): a file is read whole or refused whole — every bad line is listed with a French
message and nothing is returned, so an import is never half done. Each line keeps the bank's transaction id,
or, when the bank gives none, a hash of its date, amount and label, so that importing the same file twice, or
two overlapping statements, can be recognised line by line.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from defusedxml import ElementTree
from django.utils.translation import ngettext

from habiter.core.dates import FIRST_YEAR, LAST_YEAR, year_in_range
from habiter.ledger.rules import amount_error

MAX_ERRORS_SHOWN = 50
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_AMOUNT_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d{1,2}$")  # 1.234,56 or 1234,56
_AMOUNT_DOT = re.compile(r"^[+-]?\d+(\.\d{1,2})?$")  # 1234.56 or 1234


class BankFileError(ValueError):
    """The file is refused; `errors` lists what is wrong, line by line, in French."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        rest = ngettext("… et %(count)d autre erreur.", "… et %(count)d autres erreurs.", more) % {"count": more}
        super().__init__("\n".join(shown) + (f"\n{rest}" if more > 0 else ""))


@dataclass(frozen=True)
class BankLine:
    booked_on: date
    amount: Decimal  # positive: money in; negative: money out
    label: str
    reference: str  # the bank's transaction id, or a hash of date, amount and label
    counterparty: str = ""


@dataclass(frozen=True)
class Statement:
    lines: list[BankLine]
    account_iban: str = ""
    statement_id: str = ""
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None


@dataclass(frozen=True)
class CsvMapping:
    """Which column holds what in a bank's CSV export (saved per bank). Either one signed `amount` column,
    or a `credit` and a `debit` column."""

    date: str
    label: str
    amount: str = ""
    credit: str = ""
    debit: str = ""
    reference: str = ""
    counterparty: str = ""
    delimiter: str = ";"
    date_format: str = "%d/%m/%Y"
    encoding: str = "utf-8"
    columns: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self):
        if not (self.amount or (self.credit and self.debit)):
            raise ValueError("Indiquez la colonne du montant, ou celles du crédit et du débit.")
        wanted = (self.date, self.label, self.amount, self.credit, self.debit, self.reference, self.counterparty)
        object.__setattr__(self, "columns", tuple(c for c in wanted if c))


def parse_amount(text: str) -> Decimal:
    """A French amount as banks write it: `1 234,56`, `-12,30`, `1.234,56`, or `1234.56`; never `12.3.4`, nor more
    than the ledger holds."""
    compact = _SPACES.sub("", text or "")
    if _AMOUNT_COMMA.match(compact):
        return _storable(Decimal(compact.replace(".", "").replace(",", ".")), text)
    if _AMOUNT_DOT.match(compact):
        return _storable(Decimal(compact), text)
    raise ValueError(f"montant illisible « {text} »")


def _storable(amount: Decimal, text: str) -> Decimal:
    """`amount`, if the ledger can store it (finite, to the cent, not too large); a ValueError in French if not."""
    if error := amount_error(amount):
        raise ValueError(f"montant refusé « {text} » ({error[0].lower()}{error[1:].rstrip('.')})")
    return amount


def parse_date(text: str, date_format: str = "%d/%m/%Y") -> date:
    try:
        day = datetime.strptime((text or "").strip(), date_format).date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise ValueError(f"date invalide « {text} » (attendu : {_format_hint(date_format)})") from None
    return _dated(day, text)


def _dated(day: date, text: str) -> date:
    if not year_in_range(day):
        raise ValueError(f"date hors de la plage admise « {text} » ({FIRST_YEAR}–{LAST_YEAR})")
    return day


def _format_hint(date_format: str) -> str:
    return date_format.replace("%d", "JJ").replace("%m", "MM").replace("%Y", "AAAA").replace("%y", "AA")


def line_reference(booked_on: date, amount: Decimal, label: str) -> str:
    """A stable identity for a line without a bank id: the same date, amount and label give the same hash."""
    normalised = " ".join((label or "").split()).upper()
    digest = hashlib.sha256(f"{booked_on.isoformat()}|{amount:.2f}|{normalised}".encode()).hexdigest()
    return f"h:{digest[:32]}"


def _decode(content: bytes, encoding: str) -> str:
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise BankFileError(
            [f"Le fichier n'est pas encodé en {encoding} : choisissez le bon encodage (souvent UTF-8 ou Windows-1252)."]
        ) from None
    if "\x00" in text:  # no text column stores it; a UTF-16 file read as UTF-8 is full of them
        raise BankFileError(
            ["Le fichier contient des caractères nuls : enregistrez-le en UTF-8 ou en Windows-1252 (pas en UTF-16)."]
        )
    return text.removeprefix("\ufeff")


def parse_csv(content: bytes, mapping: CsvMapping) -> Statement:
    """Every line of a CSV export, or a BankFileError listing every bad line (line numbers as in a spreadsheet)."""
    reader = csv.DictReader(io.StringIO(_decode(content, mapping.encoding), newline=""), delimiter=mapping.delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in mapping.columns if column not in header]
    if missing:
        message = ngettext(
            "Colonne absente du fichier : %(columns)s.", "Colonnes absentes du fichier : %(columns)s.", len(missing)
        )
        raise BankFileError([message % {"columns": ", ".join(missing)}])
    reader.fieldnames = header
    lines, errors = [], []
    for number, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        problems = []
        try:
            booked_on = parse_date(row[mapping.date], mapping.date_format)
        except ValueError as error:
            problems.append(str(error))
        try:
            if mapping.amount:
                amount = parse_amount(row[mapping.amount])
            else:
                credit = row[mapping.credit].strip()
                debit = row[mapping.debit].strip()
                amount = (parse_amount(credit) if credit else Decimal(0)) - (
                    abs(parse_amount(debit)) if debit else Decimal(0)
                )
                amount = _storable(amount, f"{credit} − {debit}")
        except ValueError as error:
            problems.append(str(error))
        if problems:
            errors.append(f"Ligne {number} : {' ; '.join(problems)}.")
            continue
        label = " ".join((row[mapping.label] or "").split())
        reference = (row.get(mapping.reference) or "").strip() if mapping.reference else ""
        lines.append(
            BankLine(
                booked_on=booked_on,
                amount=amount,
                label=label,
                reference=reference or line_reference(booked_on, amount, label),
                counterparty=(row.get(mapping.counterparty) or "").strip() if mapping.counterparty else "",
            )
        )
    if errors:
        raise BankFileError(errors)
    if not lines:
        raise BankFileError(["Le fichier ne contient aucune opération."])
    return Statement(lines=lines)


# --- CAMT.053 -------------------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node, *names):
    for name in names:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _text(node, *names) -> str:
    found = _child(node, *names)
    return (found.text or "").strip() if found is not None and found.text else ""


def _signed(node) -> Decimal:
    text = _text(node, "Amt")
    amount = _storable(Decimal(text), text)  # Decimal() also reads "NaN", "1E+12" and "0.00001"
    return -amount if _text(node, "CdtDbtInd") == "DBIT" else amount


def parse_camt053(content: bytes) -> Statement:
    """The first statement of an ISO 20022 CAMT.053 file: its entries, account, and opening and closing booked
    balances. External entities and entity expansion are refused (defusedxml)."""
    try:
        root = ElementTree.fromstring(content)
    except Exception as error:  # defusedxml raises several kinds; all mean the same to the user
        raise BankFileError([f"Ce fichier n'est pas un relevé CAMT.053 lisible ({type(error).__name__})."]) from None
    statement = _child(root, "BkToCstmrStmt", "Stmt")
    if statement is None:
        raise BankFileError(["Ce fichier XML n'est pas un relevé CAMT.053 (élément Stmt absent)."])
    balances = {}
    for balance in (c for c in statement if _local(c.tag) == "Bal"):
        code = _text(balance, "Tp", "CdOrPrtry", "Cd")
        try:
            balances[code] = _signed(balance)
        except (ArithmeticError, ValueError):
            raise BankFileError([f"Solde {code} illisible."]) from None
    lines, errors = [], []
    for number, entry in enumerate((c for c in statement if _local(c.tag) == "Ntry"), start=1):
        try:
            amount = _signed(entry)
            text = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")[:10]
            booked_on = _dated(date.fromisoformat(text), text)
        except (ArithmeticError, ValueError):
            errors.append(f"Opération {number} : montant ou date illisible.")
            continue
        details = _child(entry, "NtryDtls", "TxDtls")
        label = " ".join(part for part in (_text(details, "RmtInf", "Ustrd"), _text(entry, "AddtlNtryInf")) if part)
        counterparty = _text(details, "RltdPties", "Dbtr", "Nm") or _text(details, "RltdPties", "Cdtr", "Nm")
        reference = (
            _text(entry, "AcctSvcrRef")
            or _text(details, "Refs", "AcctSvcrRef")
            or _text(details, "Refs", "EndToEndId").replace("NOTPROVIDED", "")
        )
        lines.append(
            BankLine(
                booked_on=booked_on,
                amount=amount,
                label=label,
                reference=reference or line_reference(booked_on, amount, label),
                counterparty=counterparty,
            )
        )
    if errors:
        raise BankFileError(errors)
    return Statement(
        lines=lines,
        account_iban=_text(statement, "Acct", "Id", "IBAN"),
        statement_id=_text(statement, "Id"),
        opening_balance=balances.get("OPBD"),
        closing_balance=balances.get("CLBD"),
    )


def balance_matches(statement: Statement) -> bool:
    """Whether a statement's lines lead from its opening to its closing balance (when it gives both)."""
    if statement.opening_balance is None or statement.closing_balance is None:
        return True
    return statement.opening_balance + sum((line.amount for line in statement.lines), Decimal(0)) == (
        statement.closing_balance
    )
