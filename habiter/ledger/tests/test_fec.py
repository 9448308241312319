"""The FEC export: 18 columns, French formats, balanced entries."""

from datetime import date
from decimal import Decimal

import pytest

from habiter.ledger.exports import fec


def _line(number, account, amount, label="Loyer janvier — Noël\tZoé"):
    return fec.FecLine(
        journal_code="LOY",
        journal_label="Loyers",
        entry_number=number,
        entry_date=date(2026, 1, 5),
        account_number=account,
        account_label="Locataires" if account.startswith("411") else "Loyers",
        piece_ref="AE-2026-01-0001",
        piece_date=date(2026, 1, 1),
        label=label,
        amount=Decimal(amount),
        validated_on=date(2026, 1, 31),
        auxiliary_number="NOEL" if account.startswith("411") else "",
    )


def test_a_balanced_entry_is_written_in_the_fec_format():
    text = fec.fec_text([_line("1", "411000", "1234.50"), _line("1", "706000", "-1234.50")])
    header, first, second, end = text.split("\r\n")
    assert header.split("\t") == list(fec.COLUMNS) and len(fec.COLUMNS) == 18
    fields = first.split("\t")
    assert len(fields) == 18
    assert fields[3] == "20260105" and fields[6] == "NOEL" and fields[9] == "20260101" and fields[15] == "20260131"
    assert (fields[11], fields[12]) == ("1234,50", "0,00")
    assert second.split("\t")[11:13] == ["0,00", "1234,50"]
    assert fields[10] == "Loyer janvier — Noël Zoé"  # a tab in a label never breaks a column
    assert end == ""


def test_an_unbalanced_entry_is_refused():
    with pytest.raises(ValueError, match="déséquilibrée"):
        fec.fec_text([_line("7", "411000", "10.00"), _line("7", "706000", "-9.99")])


def test_the_file_name():
    assert fec.fec_filename("123 456 789", date(2026, 12, 31)) == "123456789FEC20261231.txt"
    with pytest.raises(ValueError, match="9 chiffres"):
        fec.fec_filename("12345", date(2026, 12, 31))


def test_labels_keep_their_characters_in_iso_8859_15():
    label = "Loyer 01/2026 — M. N’Diaye « Œuvre » 12,5 € … Ștefănescu"
    assert fec.fec_encode(label).decode("iso-8859-15") == "Loyer 01/2026 - M. N'Diaye « Œuvre » 12,5 € ... Stefanescu"


def test_the_opening_entry_carries_the_balance_sheet_and_nets_the_result():
    # On the eve of the period: bank 3 150.00 debit, a tenant owes 150.00, the owner is owed 900.00, the deposits
    # held 450.00; rents 2 000.00 credited and penalties 50.00 debited make an excess of 1 950.00.
    balances = [
        ("512000", "Banque", Decimal("3150.00")),
        ("411ABC", "Locataire", Decimal("150.00")),
        ("467DEF", "Mandant", Decimal("-900.00")),
        ("165000", "Dépôts", Decimal("-450.00")),
        ("706100", "Loyers", Decimal("-2000.00")),
        ("671200", "Majorations", Decimal("50.00")),
        ("708300", "Charges", Decimal("0.00")),
    ]
    assert fec.opening_balances(balances) == [
        ("120000", "Résultat de l'exercice (excédent)", Decimal("-1950.00")),
        ("165000", "Dépôts", Decimal("-450.00")),
        ("411ABC", "Locataire", Decimal("150.00")),
        ("467DEF", "Mandant", Decimal("-900.00")),
        ("512000", "Banque", Decimal("3150.00")),
    ]
    assert sum(balance for _code, _label, balance in fec.opening_balances(balances)) == 0
    loss = fec.opening_balances([("512000", "Banque", Decimal("-30.00")), ("671200", "Majorations", Decimal("30.00"))])
    assert loss[0] == ("129000", "Résultat de l'exercice (déficit)", Decimal("30.00"))
