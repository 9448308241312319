"""Bank statements imported whole or not at all, once per line; lines matched to leases through a payment, or
set aside; the queue's suggestions at a constant number of queries; the pages."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.models import Lease
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.bank import queries as bank_queries
from habiter.ledger.bank import services as bank_services
from habiter.ledger.bank.bankfiles import BankFileError
from habiter.ledger.entries import queries as entries_queries
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import BankLine, BankLineState, BankStatement, Payment, PeriodClose
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal
DATA = Path(__file__).parent / "data"
CSV = (DATA / "releve.csv").read_bytes()
CAMT = (DATA / "releve.camt053.xml").read_bytes()
HEADER = "Date;Libellé;Montant;Référence;Émetteur\n"


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


@pytest.fixture
def mapping(accountant):
    return bank_services.bank_mapping_create(
        actor=accountant,
        name="Banque Postale",
        date_column="Date",
        label_column="Libellé",
        amount_column="Montant",
        reference_column="Référence",
        counterparty_column="Émetteur",
    )


@pytest.fixture
def lease(world):
    manager = world.users["rental_manager"]
    dwelling = make_dwelling(world.organisation, reference="MRS-B-07")
    lease = make_signed_lease(manager, world.own_household, dwelling=dwelling, start=date(2025, 12, 1), rent="520.00")
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))
    return lease


def _foreign_accountant(world, role=Role.ACCOUNTANT):
    return UserFactory(organisation=world.other_organisation, role=role)


def _import(actor, content, mapping=None, name="releve.csv"):
    return bank_services.bank_statement_import(
        actor=actor,
        file_name=name,
        content=content,
        file_format="csv" if mapping else "camt053",
        mapping_id=mapping.pk if mapping else None,
    )


# --- import --------------------------------------------------------------------------------------------------


def test_a_csv_is_imported_with_french_numbers_and_dates(accountant, mapping):
    statement = _import(accountant, CSV, mapping)
    lines = list(BankLine.objects.order_by("booked_on"))
    assert [(line.booked_on, line.amount, line.bank_reference) for line in lines] == [
        (date(2026, 1, 5), D("565.50"), "BQ-2026-0001"),
        (date(2026, 1, 6), D("1234.56"), "BQ-2026-0002"),
        (date(2026, 1, 7), D("-12.30"), "BQ-2026-0003"),
    ]
    assert lines[0].counterparty == "M. PAUL DURAND" and lines[0].state == BankLineState.UNMATCHED
    assert (statement.line_count, statement.new_count, statement.known_count) == (3, 3, 0)
    assert statement.balance_agrees is None  # a CSV gives no balance
    assert set(statement.lines.all()) == set(lines)
    assert AuditEvent.objects.filter(action="ledger.bank_import", object_id=str(statement.pk)).exists()


def test_the_same_file_twice_adds_nothing(accountant, mapping):
    _import(accountant, CSV, mapping)
    again = _import(accountant, CSV, mapping)
    assert BankLine.objects.count() == 3
    assert (again.new_count, again.known_count) == (0, 3)
    assert again.lines.count() == 3  # the second statement still lists its lines


def test_overlapping_statements_add_only_the_new_lines(accountant, mapping):
    first = HEADER + "02/01/2026;PRLV ASSURANCE;-40,00;;\n03/01/2026;VIR CAF;312,00;;\n"
    second = HEADER + "03/01/2026;VIR  caf;312,00;;\n04/01/2026;VIR DUPONT;450,00;;\n"
    _import(accountant, first.encode(), mapping)
    statement = _import(accountant, second.encode(), mapping)
    assert (statement.new_count, statement.known_count) == (1, 1)  # the label's spaces and case do not matter
    assert BankLine.objects.count() == 3
    assert all(line.bank_reference.startswith("h:") for line in BankLine.objects.all())


def test_two_identical_lines_of_one_file_are_both_kept_and_not_imported_again(accountant, mapping):
    content = (HEADER + "02/01/2026;VIR LOYER;300,00;;\n02/01/2026;VIR LOYER;300,00;;\n").encode()
    _import(accountant, content, mapping)
    assert BankLine.objects.count() == 2
    assert _import(accountant, content, mapping).new_count == 0


GOOD = "01/01/2026;BON;1,00;R0;\n"
BAD_LINES = (HEADER + GOOD + "05/01/2026;A;12.3.4;R1;\n31/02/2025;B;10,00;R2;\n").encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BAD_LINES, "Ligne 3 : montant illisible « 12.3.4 »"),
        (BAD_LINES, "Ligne 4 : date invalide « 31/02/2025 »"),
        ("Date;Libellé\n05/01/2026;A\n".encode(), "Colonnes absentes du fichier : Montant"),
        ((HEADER + GOOD + "05/01/2026;Loyer réglé;10,00;R1;\n").encode("cp1252"), "n'est pas encodé en utf-8"),
    ],
)
def test_a_bad_csv_is_refused_whole_with_french_errors(accountant, mapping, content, message):
    with pytest.raises(BankFileError) as refused:
        _import(accountant, content, mapping)
    assert any(message in error for error in refused.value.errors), refused.value.errors
    assert not BankLine.objects.exists() and not BankStatement.objects.exists()


def test_a_camt053_is_imported_and_its_closing_balance_checked(accountant, lease):
    statement = _import(accountant, CAMT, name="releve.xml")
    assert (statement.opening_balance, statement.closing_balance) == (D("0.00"), D("553.20"))
    assert statement.account_iban == "FR7630006000011234567890189"
    assert (statement.ledger_balance, statement.balance_agrees) == (D("0.00"), False)
    line = BankLine.objects.get(bank_reference="CAMT-0001")
    assert (line.counterparty, line.label) == ("PAUL DURAND", "LOYER JANVIER MRS-B-07")
    bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
    assert entries_queries.bank_balance_on(accountant.organisation_id, date(2026, 1, 31)) == D("565.50")


def test_an_inconsistent_camt053_is_refused(accountant):
    with pytest.raises(BankFileError, match="incohérent"):
        _import(accountant, CAMT.replace(b"553.20", b"553.21"))
    assert not BankLine.objects.exists()


def test_a_csv_needs_a_mapping_of_the_organisation(accountant, mapping, world):
    other = bank_services.bank_mapping_create(
        actor=world.users["director"], name="Autre", date_column="D", label_column="L", amount_column="M"
    )
    with pytest.raises(ValidationError):
        bank_services.bank_statement_import(actor=accountant, file_name="x.csv", content=CSV, file_format="csv")
    assert other.organisation_id == accountant.organisation_id


def test_a_mapping_needs_an_amount_and_a_unique_name(accountant, mapping):
    with pytest.raises(ValidationError, match="colonne du montant"):
        bank_services.bank_mapping_create(actor=accountant, name="Sans montant", date_column="D", label_column="L")
    with pytest.raises(ValidationError, match="porte déjà ce nom"):
        bank_services.bank_mapping_create(
            actor=accountant, name="Banque Postale", date_column="D", label_column="L", amount_column="M"
        )


def test_roles_outside_the_ledger_cannot_import(world, mapping):
    with pytest.raises(PermissionDenied):
        _import(world.users["social_worker"], CSV, mapping)


# --- matching ------------------------------------------------------------------------------------------------


def test_matching_records_exactly_one_payment_and_cannot_be_done_twice(accountant, mapping, lease):
    _import(accountant, CSV, mapping)
    line = BankLine.objects.get(bank_reference="BQ-2026-0001")
    payment = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk, source="tenant")
    line.refresh_from_db()
    assert (line.state, line.payment, line.handled_by) == (BankLineState.MATCHED, payment, accountant)
    assert (payment.amount, payment.received_on, payment.reference) == (D("565.50"), date(2026, 1, 5), "BQ-2026-0001")
    assert payment.allocations.get().amount == D("565.50")
    with pytest.raises(ValidationError, match="déjà rapprochée"):
        bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.filter(action="ledger.bank_line_match", object_id=str(line.pk)).exists()


def test_another_organisations_lease_is_refused_and_nothing_is_saved(accountant, mapping, world):
    outsider_lease = make_signed_lease(_foreign_accountant(world, Role.RENTAL_MANAGER), world.other_org_household)
    _import(accountant, CSV, mapping)
    line = BankLine.objects.get(bank_reference="BQ-2026-0001")
    with pytest.raises(Lease.DoesNotExist):
        bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=outsider_lease.pk)
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED and not Payment.objects.exists()


def test_another_organisations_line_is_unknown(accountant, mapping, lease, world):
    _import(accountant, CSV, mapping)
    line = BankLine.objects.get(bank_reference="BQ-2026-0001")
    with pytest.raises(BankLine.DoesNotExist):
        bank_services.bank_line_ignore(actor=_foreign_accountant(world), line_id=line.pk, reason="x")


def test_money_going_out_and_closed_months_are_not_matched(accountant, mapping, lease):
    _import(accountant, CSV, mapping)
    fees = BankLine.objects.get(bank_reference="BQ-2026-0003")
    with pytest.raises(ValidationError, match="sortie d'argent"):
        bank_services.bank_line_match(actor=accountant, line_id=fees.pk, lease_id=lease.pk)
    PeriodClose.objects.create(organisation=accountant.organisation, month=date(2026, 1, 1), closed_by=accountant)
    line = BankLine.objects.get(bank_reference="BQ-2026-0001")
    with pytest.raises(ValidationError, match="clôturé"):
        bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED and not Payment.objects.exists()


def test_a_line_set_aside_with_a_reason_and_put_back(accountant, mapping, lease):
    _import(accountant, CSV, mapping)
    fees = BankLine.objects.get(bank_reference="BQ-2026-0003")
    with pytest.raises(ValidationError, match="Indiquez pourquoi"):
        bank_services.bank_line_ignore(actor=accountant, line_id=fees.pk, reason="  ")
    bank_services.bank_line_ignore(actor=accountant, line_id=fees.pk, reason="Frais bancaires")
    fees.refresh_from_db()
    assert (fees.state, fees.ignored_reason) == (BankLineState.IGNORED, "Frais bancaires")
    with pytest.raises(ValidationError):
        bank_services.bank_line_match(actor=accountant, line_id=fees.pk, lease_id=lease.pk)
    bank_services.bank_line_ignore(actor=accountant, line_id=fees.pk, ignore=False)
    fees.refresh_from_db()
    assert (fees.state, fees.ignored_reason) == (BankLineState.UNMATCHED, "")
    line = BankLine.objects.get(bank_reference="BQ-2026-0001")
    bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
    with pytest.raises(ValidationError, match="contre-passez"):
        bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, reason="erreur")


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_import_page_imports_and_reports_new_and_known_lines(client, accountant, mapping):
    client.force_login(accountant)
    url = reverse("ledger:bank_import")
    form_page = client.get(url).content.decode()
    # every column a CSV needs is listed, and the saved format says which column is which
    for column in ("Date", "Libellé", "Montant", "Référence", "Contrepartie"):
        assert f"<strong>{column}</strong>" in form_page
    assert "montant « Montant »" in form_page and "contrepartie « Émetteur »" in form_page
    response = client.post(
        url, {"file": SimpleUploadedFile("releve.csv", CSV), "file_format": "csv", "mapping": mapping.pk}
    )
    statement = BankStatement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:bank_statement", args=[statement.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3 nouvelles, 0 déjà connue" in page, page[page.find("Opérations") :][:400]
    assert "1\xa0234,56 €" in page


def test_the_import_page_lists_every_error_and_saves_nothing(client, accountant, mapping):
    client.force_login(accountant)
    response = client.post(
        reverse("ledger:bank_import"),
        {"file": SimpleUploadedFile("releve.csv", BAD_LINES), "file_format": "csv", "mapping": mapping.pk},
    )
    content = response.content.decode()
    assert response.status_code == 400 and "rien n'a été importé" in content.replace("&#x27;", "'"), content[
        content.find("<main") :
    ][:1500]
    assert "Ligne 3 : montant illisible « 12.3.4 »" in content.replace("&#x27;", "'")
    assert "Ligne 4 : date invalide « 31/02/2025 »" in content
    assert not BankStatement.objects.exists()


def test_a_csv_without_a_mapping_is_refused_on_the_form(client, accountant, mapping):
    client.force_login(accountant)
    response = client.post(
        reverse("ledger:bank_import"), {"file": SimpleUploadedFile("releve.csv", CSV), "file_format": "csv"}
    )
    assert response.status_code == 400 and "Choisissez le format CSV" in response.content.decode()


def test_a_mapping_is_created_from_its_page(client, accountant):
    client.force_login(accountant)
    url = reverse("ledger:bank_mapping_create")
    data = {"name": "Crédit Mutuel", "date_column": "Date", "label_column": "Libellé", "delimiter": ";"}
    data |= {"date_format": "%d/%m/%Y", "encoding": "cp1252"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "colonne du montant" in refused.content.decode()
    assert client.post(url, data | {"credit_column": "Crédit", "debit_column": "Débit"}).status_code == 302
    again = client.post(url, data | {"amount_column": "Montant"})
    assert again.status_code == 200 and "porte déjà ce nom" in again.content.decode()


def test_the_queue_suggests_the_lease_and_one_click_matches(client, accountant, mapping, lease):
    _import(accountant, CSV, mapping)
    client.force_login(accountant)
    page = client.get(reverse("ledger:bank_queue")).content.decode()
    assert "3 opérations en attente" in page
    assert "MRS-B-07 — Lefèvre" in page and "référence du logement dans le libellé" in page
    line = BankLine.objects.get(bank_reference="BQ-2026-0001")
    response = client.post(reverse("ledger:bank_line_match", args=[line.pk]), {"lease": lease.pk, "source": "tenant"})
    assert response.status_code == 302 and response["Location"] == reverse("ledger:bank_queue")
    assert Payment.objects.get().reference == "BQ-2026-0001"
    again = client.post(reverse("ledger:bank_line_match", args=[line.pk]), {"lease": lease.pk, "source": "tenant"})
    assert again["Location"] == reverse("ledger:bank_line", args=[line.pk]) and Payment.objects.count() == 1
    assert "2 opérations en attente" in client.get(reverse("ledger:bank_queue")).content.decode()


def test_the_line_page_matches_by_hand_and_sets_aside(client, accountant, mapping, lease):
    _import(accountant, CSV, mapping)
    client.force_login(accountant)
    line = BankLine.objects.get(bank_reference="BQ-2026-0002")
    page = client.get(reverse("ledger:bank_line", args=[line.pk])).content.decode()
    assert "Choisir le bail" in page and f'value="{lease.pk}"' in page
    missing = client.post(reverse("ledger:bank_line_match", args=[line.pk]), {"source": "caf"})
    assert missing.status_code == 302 and not Payment.objects.exists()
    client.post(reverse("ledger:bank_line_match", args=[line.pk]), {"lease": lease.pk, "source": "caf"})
    assert Payment.objects.get().source == "caf"
    fees = BankLine.objects.get(bank_reference="BQ-2026-0003")
    client.post(reverse("ledger:bank_line_ignore", args=[fees.pk]), {"ignore": "1", "reason": "Frais"})
    fees.refresh_from_db()
    assert fees.state == BankLineState.IGNORED
    client.post(reverse("ledger:bank_line_ignore", args=[fees.pk]), {"ignore": "0"})
    fees.refresh_from_db()
    assert fees.state == BankLineState.UNMATCHED


def test_the_statement_page_shows_the_balance_gap(client, accountant, lease):
    statement = _import(accountant, CAMT, name="releve.xml")
    client.force_login(accountant)
    page = client.get(reverse("ledger:bank_statement", args=[statement.pk])).content.decode()
    assert "écart de 553,20 €" in page
    line = BankLine.objects.get(bank_reference="CAMT-0001")
    bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
    page = client.get(reverse("ledger:bank_statement", args=[statement.pk])).content.decode()
    assert "écart de -12,30 €" in page


def test_the_queue_costs_the_same_whatever_the_number_of_lines_and_leases(
    client, accountant, mapping, world, django_assert_max_num_queries
):
    manager = world.users["rental_manager"]

    def add(count, start):
        rows = []
        for n in range(count):
            lease = make_signed_lease(manager, world.own_household, start=date(2025, 12, 1))
            rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))
            rows.append(f"0{n + 1}/01/2026;VIR {lease.dwelling.reference};{550 + start + n},00;;")
        _import(accountant, (HEADER + "\n".join(rows) + "\n").encode(), mapping)

    client.force_login(accountant)
    add(1, 0)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("ledger:bank_queue"))
    add(5, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("ledger:bank_queue"))
    assert response.content.decode().count("<small>référence du logement dans le libellé") == 6


def test_the_demo_leaves_a_statement_in_the_queue(accountant, lease):
    from habiter.ledger.demo import seed_bank_statement

    seed_bank_statement(accountant, [lease], date(2026, 1, 20))
    lines = list(queries_queue(accountant))
    assert len(lines) == 3 and lines[0].suggestions[0].lease_id == lease.pk


def queries_queue(user):
    return bank_queries.queue_with_suggestions(list(bank_queries.bank_queue(user)), bank_queries.match_candidates(user))


def test_a_line_whose_payment_is_reversed_can_be_matched_again(accountant, mapping, lease):
    _import(accountant, CSV, mapping)
    line = BankLine.objects.get(bank_reference="BQ-2026-0001")
    payment = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
    entries_services.transaction_reverse(actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 1, 6))
    bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    line.refresh_from_db()
    assert (line.state, line.payment) == (BankLineState.UNMATCHED, None)
    again = bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
    assert again.reference == "BQ-2026-0001" and Payment.objects.filter(reversed_on__isnull=True).get() == again


def test_the_statement_page_costs_the_same_whatever_the_number_of_lines(
    client, accountant, mapping, lease, django_assert_max_num_queries
):
    def statement_of(count):
        rows = [f"0{n + 1}/01/2026;VIR {count}-{n};{10 + n},00;;" for n in range(count)]
        statement = _import(accountant, (HEADER + "\n".join(rows) + "\n").encode(), mapping)
        line = statement.lines.order_by("booked_on").first()
        bank_services.bank_line_match(actor=accountant, line_id=line.pk, lease_id=lease.pk)
        bank_services.bank_line_ignore(
            actor=accountant, line_id=statement.lines.order_by("booked_on")[1].pk, reason="x"
        )
        return reverse("ledger:bank_statement", args=[statement.pk])

    client.force_login(accountant)
    small = statement_of(2)
    with django_assert_max_num_queries(12) as few:
        client.get(small)
    large = statement_of(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(large)
    assert response.content.decode().count("<tr>") == 7
