"""Bank statements read whole or refused whole, and the SEPA payout file checked against its schema."""

from datetime import date
from decimal import Decimal

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st

from habiter.ledger.bank import bankfiles
from habiter.ledger.bank.bankfiles import BankFileError, CsvMapping
from habiter.ledger.owners import sepa

MAPPING = CsvMapping(date="Date", label="Libellé", amount="Montant", reference="Référence")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("-12,30", "-12.30"),
        ("1.234,56", "1234.56"),
        ("612,4", "612.4"),
        ("1234.56", "1234.56"),
        ("+45", "45"),
    ],
)
def test_french_amounts(text, amount):
    assert bankfiles.parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["12.3.4", "1,2,3", "abc", "", "12,345", "1 234.567"])
def test_unreadable_amounts(text):
    with pytest.raises(ValueError, match="montant illisible"):
        bankfiles.parse_amount(text)


def test_a_good_csv_is_read_with_its_references():
    content = (
        "Date;Libellé;Montant;Référence\n31/01/2025;VIR CAF LOGEMENT;1 234,56;TX-1\n01/02/2025;PRLV EDF;-45,10;\n\n"
    ).encode()
    statement = bankfiles.parse_csv(content, MAPPING)
    first, second = statement.lines
    assert (first.booked_on, first.amount, first.reference) == (date(2025, 1, 31), Decimal("1234.56"), "TX-1")
    assert second.amount == Decimal("-45.10") and second.reference.startswith("h:")
    assert second.reference == bankfiles.line_reference(date(2025, 2, 1), Decimal("-45.10"), "prlv  edf")


def test_credit_and_debit_columns_and_windows_encoding():
    mapping = CsvMapping(
        date="Date opération", label="Libellé", credit="Crédit", debit="Débit", encoding="cp1252", delimiter=","
    )
    content = 'Date opération,Libellé,Débit,Crédit\n05/03/2025,"Loyer Mme Noël, mars",,"612,40"\n'.encode("cp1252")
    [line] = bankfiles.parse_csv(content, mapping).lines
    assert line.amount == Decimal("612.40") and line.label == "Loyer Mme Noël, mars"


def test_a_bad_csv_is_refused_whole_with_every_line_named():
    content = (
        "Date;Libellé;Montant;Référence\n"
        "31/01/2025;OK;10,00;A\n"
        "31/02/2025;date impossible;10,00;B\n"
        "01/03/2025;montant;12.3.4;C\n"
    ).encode()
    with pytest.raises(BankFileError) as excinfo:
        bankfiles.parse_csv(content, MAPPING)
    assert excinfo.value.errors == [
        "Ligne 3 : date invalide « 31/02/2025 » (attendu : JJ/MM/AAAA).",
        "Ligne 4 : montant illisible « 12.3.4 ».",
    ]


def test_missing_columns_and_wrong_encoding_are_refused():
    with pytest.raises(BankFileError, match="Colonnes absentes du fichier : Montant"):
        bankfiles.parse_csv(b"Date;Libell\xc3\xa9;Somme\n", MAPPING)
    with pytest.raises(BankFileError, match="pas encodé en utf-8"):
        bankfiles.parse_csv("Date;Libellé;Montant\n01/01/2025;é;1,00\n".encode("cp1252"), MAPPING)


CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-02-01T08:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>REL-2025-01</Id>
      <Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-01-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1567.30</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-01-31</Dt></Dt></Bal>
      <Ntry><Amt Ccy="EUR">612.40</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-01-06</Dt></BookgDt>
        <AcctSvcrRef>BANK-REF-1</AcctSvcrRef>
        <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>NOEL ZOE</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>LOYER JANVIER</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
      <Ntry><Amt Ccy="EUR">45.10</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2025-01-10</Dt></BookgDt>
        <AddtlNtryInf>PRLV EDF</AddtlNtryInf></Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>"""


def test_a_camt053_statement_is_read_and_its_balance_checked():
    statement = bankfiles.parse_camt053(CAMT.encode())
    credit, debit = statement.lines
    assert (credit.amount, credit.reference, credit.counterparty, credit.label) == (
        Decimal("612.40"),
        "BANK-REF-1",
        "NOEL ZOE",
        "LOYER JANVIER",
    )
    assert debit.amount == Decimal("-45.10") and debit.reference.startswith("h:")
    assert statement.account_iban == "FR7630006000011234567890189" and statement.statement_id == "REL-2025-01"
    assert bankfiles.balance_matches(statement)
    wrong = CAMT.replace("1567.30", "1567.31")
    assert not bankfiles.balance_matches(bankfiles.parse_camt053(wrong.encode()))


def test_hostile_or_foreign_xml_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'
    with pytest.raises(BankFileError, match="pas un relevé CAMT.053 lisible"):
        bankfiles.parse_camt053(bomb)
    with pytest.raises(BankFileError, match="élément Stmt absent"):
        bankfiles.parse_camt053(b"<Document><Autre/></Document>")


@settings(deadline=None, database=None)
@given(st.decimals(min_value=Decimal("-999999.99"), max_value=Decimal("999999.99"), places=2))
def test_an_amount_written_the_french_way_reads_back(amount):
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(units):,}".replace(",", " ")
    assert bankfiles.parse_amount(f"{sign}{grouped},{cents}") == amount


def test_the_payout_file_is_a_valid_pain_001():
    content = sepa.payout_file(
        debtor_name="Association démonstration",
        debtor_iban="FR76 3000 6000 0112 3456 7890 189",
        debtor_bic="AGRIFRPP",
        payouts=[
            sepa.Payout("Odile et Pierre Vidal", "FR1420041010050500013M02606", Decimal("512.34"), "CRG 2026-10"),
            sepa.Payout("Jean Lambert", "FR7630006000011234567890189", Decimal("88.00"), "CRG 2026-10"),
        ],
        execution_date=date(2026, 11, 5),
        batch_id="CRG-2026-10",
    )
    root = ElementTree.fromstring(content)
    assert root.tag.endswith("Document")
    text = content.decode()
    assert "<CtrlSum>600.34</CtrlSum>" in text and "<NbOfTxs>2</NbOfTxs>" in text


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "10.005"])
def test_a_payout_with_a_bad_amount_is_refused(amount):
    with pytest.raises(sepa.PayoutError, match="montant invalide"):
        sepa.payout_file(
            debtor_name="Association",
            debtor_iban="FR7630006000011234567890189",
            debtor_bic="AGRIFRPP",
            payouts=[sepa.Payout("X", "FR7630006000011234567890189", Decimal(amount), "CRG")],
            execution_date=date(2026, 11, 5),
            batch_id="B",
        )
