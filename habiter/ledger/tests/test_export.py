"""The books as a FEC file and an XLSX workbook: the 18 columns, balanced entries numbered in order, the SIREN
checked, only the organisation's own entries, only for accountants and directors."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.ledger.exports import services as exports_services
from habiter.ledger.exports.fec import COLUMNS, split_account
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db
SIREN = "732829320"


@pytest.fixture
def books(world):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1), rent="480.00", charges="35.50")
    for month in (1, 2):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, month, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=Decimal("515.50"), received_on=date(2025, 1, 7), source="caf"
    )
    stranger = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
    foreign = make_signed_lease(stranger, world.other_org_household, start=date(2025, 1, 1), rent="999.00")
    rent_services.rent_call_issue(actor=stranger, lease_id=foreign.pk, period=date(2025, 1, 1))
    return lease


def _rows(content: bytes):
    text = content.decode("iso-8859-15")
    assert text.endswith("\r\n")
    return [line.split("\t") for line in text.rstrip("\r\n").split("\r\n")]


def test_the_fec_has_the_18_columns_and_balanced_entries_numbered_in_order(world, books):
    accountant = world.users["accountant"]
    name, content_type, content = exports_services.ledger_export(
        actor=accountant, start=date(2025, 1, 1), end=date(2025, 12, 31), fmt="fec", siren="732 829 320"
    )
    assert name == "732829320FEC20251231.txt" and "iso-8859-15" in content_type
    header, *rows = _rows(content)
    assert tuple(header) == COLUMNS and all(len(row) == 18 for row in rows)
    # two calls (3 lines each: tenant, rent, charges) and one payment (2 lines); never the other organisation's
    assert len(rows) == 8 and not any("999,00" in row for row in rows)
    numbers = [row[2] for row in rows]
    assert numbers == sorted(numbers) and sorted(set(numbers)) == ["000001", "000002", "000003"]
    for number in set(numbers):
        entry = [row for row in rows if row[2] == number]
        debit = sum(Decimal(row[11].replace(",", ".")) for row in entry)
        credit = sum(Decimal(row[12].replace(",", ".")) for row in entry)
        assert debit == credit > 0
    dates = [row[3] for row in rows]
    assert dates == sorted(dates) and dates[0] == "20250101"
    tenant = next(row for row in rows if row[4] == "411000")
    assert tenant[5] == "Locataires" and tenant[6].startswith("411") and tenant[7]
    assert {row[0] for row in rows} == {"LOY", "BQ"}
    assert AuditEvent.objects.filter(action="ledger.export", actor=accountant).count() == 1


def test_the_xlsx_holds_the_same_lines_as_numbers_and_dates(world, books):
    name, _type, content = exports_services.ledger_export(
        actor=world.users["director"], start=date(2025, 1, 1), end=date(2025, 1, 31), fmt="xlsx"
    )
    assert name == "grand-livre-20250101-20250131.xlsx"
    sheet = load_workbook(BytesIO(content), read_only=True).active
    rows = list(sheet.values)
    assert rows[0] == COLUMNS
    # January only: one call and the payment
    assert len(rows) == 1 + 5
    assert sum(Decimal(str(row[11])) for row in rows[1:]) == sum(Decimal(str(row[12])) for row in rows[1:])
    assert rows[1][3].date() == date(2025, 1, 1)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"fmt": "fec", "siren": "732829321"}, "siren"),
        ({"fmt": "fec", "siren": "12345"}, "siren"),
        ({"fmt": "csv"}, "fmt"),
        ({"fmt": "xlsx", "start": date(2025, 2, 1), "end": date(2025, 1, 1)}, "end"),
        ({"fmt": "xlsx", "start": date(2024, 1, 1), "end": date(2024, 12, 31)}, "start"),
    ],
)
def test_bad_requests_are_refused_in_french(world, books, data, field):
    data = {"start": date(2025, 1, 1), "end": date(2025, 12, 31), **data}
    with pytest.raises(ValidationError) as error:
        exports_services.ledger_export(actor=world.users["accountant"], **data)
    assert field in error.value.message_dict
    assert not AuditEvent.objects.filter(action="ledger.export").exists()


@pytest.mark.parametrize("role", ["rental_manager", "social_worker", "volunteer"])
def test_only_accountants_and_directors_export(world, books, role):
    with pytest.raises(PermissionDenied):
        exports_services.ledger_export(
            actor=world.users[role], start=date(2025, 1, 1), end=date(2025, 12, 31), fmt="xlsx"
        )


def test_the_page_downloads_the_file_or_shows_the_error(client, world, books):
    client.force_login(world.users["accountant"])
    url = reverse("ledger:export")
    page = client.get(url)
    assert page.status_code == 200 and "FEC" in page.content.decode()
    wrong = client.get(url, {"start": "2025-01-01", "end": "2025-12-31", "fmt": "fec", "siren": "1"})
    assert wrong.status_code == 200 and "SIREN" in wrong.content.decode()
    good = client.get(url, {"start": "2025-01-01", "end": "2025-12-31", "fmt": "fec", "siren": SIREN})
    assert good.status_code == 200
    assert good["Content-Disposition"] == 'attachment; filename="732829320FEC20251231.txt"'
    assert good.content.startswith(b"JournalCode\tJournalLib")


def test_accounts_followed_per_third_party_go_to_the_auxiliary_columns():
    assert split_account("411ABCDEF1234", "Dupont — LOG-1") == (
        "411000",
        "Locataires",
        "411ABCDEF1234",
        "Dupont — LOG-1",
    )
    assert split_account("512000", "Banque") == ("512000", "Banque", "", "")


def test_a_period_after_the_first_entry_opens_with_the_balances_brought_forward(world, books):
    # On 31/01/2025: January's call (480.00 + 35.50 of charges, a provision on 419100 until regularised) paid by the
    # CAF's 515.50 recorded by hand, which waits on the CAF's account; the rent makes an excess of 480.00.
    _name, _type, content = exports_services.ledger_export(
        actor=world.users["accountant"], start=date(2025, 2, 1), end=date(2025, 2, 28), fmt="fec", siren=SIREN
    )
    _header, *rows = _rows(content)
    opening = [row for row in rows if row[0] == "AN"]
    assert [(row[2], row[3], row[4], row[11], row[12]) for row in opening] == [
        ("000001", "20250201", "120000", "0,00", "480,00"),
        ("000001", "20250201", "419100", "0,00", "35,50"),
        ("000001", "20250201", "467200", "515,50", "0,00"),
    ]
    assert opening[0][10] == "A nouveaux au 01/02/2025"
    assert {row[2] for row in rows if row[0] != "AN"} == {"000002"}  # February's call follows
