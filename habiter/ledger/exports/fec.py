"""The ledger as a French FEC file (fichier des écritures comptables, art. A47 A-1 du livre des procédures
fiscales): 18 columns in a fixed order, one line per posted line, separated by tabs, dates as AAAAMMJJ, amounts
with a decimal comma, debit and credit in two columns. Pure Python: the service feeds it the posted lines."""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)


@dataclass(frozen=True)
class FecLine:
    journal_code: str
    journal_label: str
    entry_number: str
    entry_date: date
    account_number: str
    account_label: str
    piece_ref: str
    piece_date: date
    label: str
    amount: Decimal  # positive: debit; negative: credit
    validated_on: date
    auxiliary_number: str = ""
    auxiliary_label: str = ""


def _date(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _clean(text: str) -> str:
    """No tab or line break may break a field."""
    return " ".join((text or "").split())


def fec_text(lines: Iterable[FecLine]) -> str:
    """The FEC file's content: a header line and one line per posted line, each entry balanced."""
    rows = ["\t".join(COLUMNS)]
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.entry_number] = totals.get(line.entry_number, Decimal(0)) + line.amount
        debit = line.amount if line.amount > 0 else Decimal(0)
        credit = -line.amount if line.amount < 0 else Decimal(0)
        fields = (
            line.journal_code,
            line.journal_label,
            line.entry_number,
            _date(line.entry_date),
            line.account_number,
            line.account_label,
            line.auxiliary_number,
            line.auxiliary_label,
            line.piece_ref,
            _date(line.piece_date),
            line.label,
            _amount(debit),
            _amount(credit),
            "",
            "",
            _date(line.validated_on),
            "",
            "",
        )
        rows.append("\t".join(_clean(str(field)) for field in fields))
    unbalanced = sorted(number for number, total in totals.items() if total != 0)
    if unbalanced:
        label = "Écriture déséquilibrée" if len(unbalanced) == 1 else "Écritures déséquilibrées"
        raise ValueError(f"{label} : {', '.join(unbalanced)}.")
    return "\r\n".join(rows) + "\r\n"


# ISO 8859-15 (the norm's character set) has the French letters, « », œ and €, but not the typographic dashes,
# quotes and spaces that labels copied from letters carry: these become their plain equivalents, never "?".
PLAIN_EQUIVALENTS = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u2022": "-",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200b": "",
    }
)
ENCODING = "iso-8859-15"


def _fits(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _latin9(char: str) -> str:
    """One character the charset lacks: its decomposition without the accents it cannot carry (ō → o), else "?"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    try:
        plain.encode(ENCODING)
    except UnicodeEncodeError:
        return "?"
    return plain or "?"


def fec_encode(text: str) -> bytes:
    """The FEC's text in ISO 8859-15, every character kept or written with its plain equivalent."""
    text = text.translate(PLAIN_EQUIVALENTS)
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError:
        return "".join(char if _fits(char) else _latin9(char) for char in text).encode(ENCODING)


# The opening entry ("à nouveaux") of an export that starts after the first entry: the balance of every balance
# sheet account (classes 1 to 5) on the eve of the period, and the net of the income and expense accounts
# (classes 6 and 7) on the result account, profit (120) or loss (129), as the accounts stand before the general
# meeting allocates the result.
OPENING_JOURNAL = ("AN", "A nouveaux")
RESULT_PROFIT = ("120000", "Résultat de l'exercice (excédent)")
RESULT_LOSS = ("129000", "Résultat de l'exercice (déficit)")


def opening_balances(balances: Iterable[tuple[str, str, Decimal]]) -> list[tuple[str, str, Decimal]]:
    """(code, label, balance) of the accounts to carry forward, from every account's (code, label, balance) on the
    eve of the period: balance sheet accounts as they are, income and expense accounts netted on the result."""
    carried, result = [], Decimal(0)
    for code, label, balance in balances:
        if not balance:
            continue
        if code[:1] in ("6", "7"):
            result += balance
        else:
            carried.append((code, label, balance))
    if result:
        code, label = RESULT_LOSS if result > 0 else RESULT_PROFIT
        carried.append((code, label, result))
    return sorted(carried)


def fec_filename(siren: str, closing_on: date) -> str:
    """`<SIREN>FEC<AAAAMMJJ>.txt`, the closing date of the fiscal year."""
    digits = "".join(ch for ch in siren if ch.isdigit())
    if len(digits) != 9:
        raise ValueError("Le SIREN compte 9 chiffres.")
    return f"{digits}FEC{_date(closing_on)}.txt"


# Journals by the kind of document an entry records; a reversal keeps its original's journal.
JOURNALS = {
    "rent_call": ("LOY", "Appels de loyers"),
    "payment": ("BQ", "Banque"),
    "deposit_receipt": ("BQ", "Banque"),
    "deposit_return": ("BQ", "Banque"),
    "redevance_call": ("RED", "Appels de redevances"),
    "redevance_payment": ("BQ", "Banque"),
}
OTHER_JOURNAL = ("OD", "Opérations diverses")
# Accounts followed per third party (tenants 411…, owners 467…): the FEC names the collective account and puts the
# individual account in CompAuxNum.
AUXILIARY_PREFIXES = ("411", "467", "401")


def journal_of(source_type: str) -> tuple[str, str]:
    return JOURNALS.get(source_type, OTHER_JOURNAL)


def split_account(code: str, label: str) -> tuple[str, str, str, str]:
    """(CompteNum, CompteLib, CompAuxNum, CompAuxLib) for an account of the ledger."""
    prefix = code[:3]
    if prefix in AUXILIARY_PREFIXES and len(code) > 6:
        collective = {"411": "Locataires", "467": "Propriétaires mandants", "401": "Fournisseurs"}[prefix]
        return f"{prefix}000", collective, code, label
    return code, label, "", ""


def xlsx_bytes(lines: Iterable[FecLine]) -> bytes:
    """The same lines as a workbook (one sheet, the FEC's columns, amounts as numbers, dates as dates)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Écritures")
    sheet.append(COLUMNS)
    for line in lines:
        debit = line.amount if line.amount > 0 else Decimal(0)
        credit = -line.amount if line.amount < 0 else Decimal(0)
        sheet.append(
            [
                line.journal_code,
                line.journal_label,
                line.entry_number,
                line.entry_date,
                line.account_number,
                line.account_label,
                line.auxiliary_number,
                line.auxiliary_label,
                line.piece_ref,
                line.piece_date,
                _clean(line.label),
                debit,
                credit,
                "",
                None,
                line.validated_on,
                None,
                "",
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
