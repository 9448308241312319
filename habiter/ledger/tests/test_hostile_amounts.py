"""Amounts and dates the ledger cannot hold are refused in French by the services and the bank-file reader, never
left for the database to refuse (a 500 on PostgreSQL, a silently rounded or overflowing value on SQLite), and a
refused bank file saves nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from habiter.ledger import rules
from habiter.ledger.bank import services as bank_services
from habiter.ledger.bank.bankfiles import BankFileError, parse_amount, parse_date
from habiter.ledger.models import BankLine, BankStatement, Payment
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease
from .test_bank import CAMT, HEADER, accountant, mapping  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

TOO_LARGE = ["10000000000", "10000000000.00", "1E+10", "99999999999999999999999999999999"]
TOO_PRECISE = ["1.23456", "0.001", "12.345"]
NOT_FINITE = ["NaN", "sNaN", "Infinity", "-Infinity"]


@pytest.mark.parametrize("text", TOO_LARGE + TOO_PRECISE + NOT_FINITE)
def test_the_ledger_rules_refuse_an_amount_it_cannot_store(text):
    assert rules.amount_error(Decimal(text))
    assert rules.lines_error([Decimal(text), -Decimal(text)]) if Decimal(text).is_finite() else True


def test_the_largest_amount_is_stored():
    assert rules.amount_error(rules.MAX_AMOUNT) is None
    assert rules.amount_error(-rules.MAX_AMOUNT) is None


@pytest.mark.parametrize("text", TOO_LARGE + TOO_PRECISE + NOT_FINITE)
def test_a_payment_of_an_amount_the_ledger_cannot_hold_is_refused(world, text):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    for confirmed in (False, True):
        with pytest.raises(ValidationError) as refusal:
            rent_services.payment_record(
                actor=manager,
                lease_id=lease.pk,
                amount=Decimal(text),
                received_on=date(2025, 3, 5),
                source="tenant",
                confirmed=confirmed,
            )
        assert "amount" in refusal.value.message_dict
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "text", ["10000000000", "10 000 000 000,00", "1.000.000.000.000,00", "1,23456", "1.23456", "12,345"]
)
def test_the_csv_reader_refuses_an_amount_the_ledger_cannot_hold(text):
    with pytest.raises(ValueError, match="montant"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["00/01/0000", "31/12/9999", "01/01/0001", "99/99/9999", "01/01/1899"])
def test_the_csv_reader_refuses_a_date_out_of_range(text):
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


GOOD_LINE = "05/01/2026;VIR LOYER;565,50;BQ-1;M. DURAND"


@pytest.mark.parametrize(
    "bad_line",
    [
        "06/01/2026;VIR ENORME;10000000000;BQ-2;",
        "06/01/2026;VIR ENORME;10 000 000 000,00;BQ-2;",
        "06/01/2026;VIR PRECIS;1.23456;BQ-2;",
        "31/12/9999;VIR FUTUR;10,00;BQ-2;",
        "01/01/0001;VIR ANTIQUE;10,00;BQ-2;",
    ],
)
def test_a_csv_import_with_such_a_line_is_refused_whole(accountant, mapping, bad_line):  # noqa: F811
    with pytest.raises(BankFileError) as refusal:
        bank_services.bank_statement_import(
            actor=accountant,
            file_name="releve.csv",
            content=_csv(GOOD_LINE, bad_line),
            file_format="csv",
            mapping_id=mapping.pk,
        )
    assert "Ligne 3" in str(refusal.value)
    assert not BankStatement.objects.exists() and not BankLine.objects.exists()


def test_a_csv_import_with_nul_characters_is_refused(accountant, mapping):  # noqa: F811
    for content in (_csv(GOOD_LINE, "06/01/2026;VIR\x00NUL;10,00;BQ-2;"), _csv(GOOD_LINE).decode().encode("utf-16")):
        with pytest.raises(BankFileError):
            bank_services.bank_statement_import(
                actor=accountant, file_name="releve.csv", content=content, file_format="csv", mapping_id=mapping.pk
            )
    assert not BankStatement.objects.exists() and not BankLine.objects.exists()


CAMT_TEXT = CAMT.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('<Amt Ccy="EUR">565.50</Amt>', '<Amt Ccy="EUR">10000000000</Amt>'),
        ('<Amt Ccy="EUR">565.50</Amt>', '<Amt Ccy="EUR">1E+10</Amt>'),
        ('<Amt Ccy="EUR">565.50</Amt>', '<Amt Ccy="EUR">565.50001</Amt>'),
        ('<Amt Ccy="EUR">565.50</Amt>', '<Amt Ccy="EUR">NaN</Amt>'),
        ('<Amt Ccy="EUR">565.50</Amt>', '<Amt Ccy="EUR">sNaN</Amt>'),
        ('<Amt Ccy="EUR">553.20</Amt>', '<Amt Ccy="EUR">sNaN</Amt>'),
        ('<Amt Ccy="EUR">0.00</Amt>', '<Amt Ccy="EUR">100000000000000</Amt>'),
        ("<BookgDt><Dt>2026-01-05</Dt>", "<BookgDt><Dt>9999-12-31</Dt>"),
        ("<BookgDt><Dt>2026-01-05</Dt>", "<BookgDt><Dt>0001-01-01</Dt>"),
    ],
)
def test_a_camt_import_with_such_an_entry_is_refused_whole(accountant, old, new):  # noqa: F811
    assert old in CAMT_TEXT
    with pytest.raises((BankFileError, ValidationError)):
        bank_services.bank_statement_import(
            actor=accountant,
            file_name="releve.xml",
            content=CAMT_TEXT.replace(old, new).encode(),
            file_format="camt053",
        )
    assert not BankStatement.objects.exists() and not BankLine.objects.exists()


def test_the_import_page_answers_a_french_400_and_saves_nothing(client, accountant, mapping):  # noqa: F811
    client.force_login(accountant)
    content = _csv(GOOD_LINE, "06/01/2026;VIR ENORME;10000000000;BQ-2;")
    response = client.post(
        reverse("ledger:bank_import"),
        {"file": SimpleUploadedFile("releve.csv", content), "file_format": "csv", "mapping": mapping.pk},
    )
    assert response.status_code == 400
    assert "Ligne 3 : montant refusé" in response.content.decode().replace("&#x27;", "'")
    assert not BankStatement.objects.exists() and not BankLine.objects.exists()
