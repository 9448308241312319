"""Pages of the owners under mandate: statements of a month, a statement and its PDF, works, payouts and the
SEPA file, bank details; constant query counts on the lists."""

import io
import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from habiter.housing.models import Owner
from habiter.leases import services as lease_services
from habiter.leases.models import Lease
from habiter.leases.tests.factories import make_owner
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import BankDetails, DeductionReason, OwnerStatement, OwnerWork, PayoutBatch
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import services as rent_services

from .factories import make_mandate_lease

D = Decimal
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def owner(world):
    return make_owner(world.organisation, name="Odile Vidal")


@pytest.fixture
def lease(manager, world, owner):
    lease = make_mandate_lease(manager, world.own_household, owner=owner, fee_rate="7.50", start=date(2025, 12, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("550.00"), received_on=date(2026, 1, 6), source="tenant"
    )
    return lease


def _client(client, user):
    client.force_login(user)
    return client


def _issue(client, owner, month="2026-01"):
    return client.post(reverse("ledger:owner_statement_issue", args=[owner.pk]), {"month": month})


def test_a_statement_is_issued_from_the_month_list_and_shown_with_its_pdf(client, manager, owner, lease):
    client = _client(client, manager)
    listing = client.get(reverse("ledger:owner_statements"), {"month": "2026-01"})
    assert "Émettre le compte rendu de Odile Vidal" in listing.content.decode()
    response = _issue(client, owner)
    statement = OwnerStatement.objects.get(owner=owner)
    assert response.url == reverse("ledger:owner_statement_detail", args=[statement.pk])
    detail = " ".join(client.get(response.url).content.decode().split())
    assert "550,00 €" in detail and "41,25 €" in detail and "8,25 €" in detail and "500,50 €" in detail
    assert "550,00 € × 7,50 % = 41,25 € HT" in detail
    again = _issue(client, owner)
    assert again.url == response.url and OwnerStatement.objects.count() == 1

    pdf = client.get(reverse("ledger:owner_statement_pdf", args=[statement.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    for expected in ("Compte rendu de gestion", "Association A", "Odile Vidal", "1er janvier 2026 au 31 janvier 2026"):
        assert expected in text
    assert "500,50 €" in text and "Solde en votre faveur" in text


def test_the_balance_brought_forward_shows_on_the_page_and_the_pdf(client, manager, owner, lease):
    owners_services.owner_work_record(
        actor=manager, owner_id=owner.pk, invoice_date=date(2026, 1, 15), supplier="X", label="Toiture", amount=D("800")
    )
    client = _client(client, manager)
    _issue(client, owner)  # January: 550 − 41,25 − 8,25 − 800 = −299,50, owed by the owner
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("550.00"), received_on=date(2026, 2, 8), source="tenant"
    )
    response = _issue(client, owner, month="2026-02")
    detail = " ".join(client.get(response.url).content.decode().split())
    assert "Solde reporté des comptes rendus précédents" in detail and "-299,50 €" in detail
    assert "201,00 €" in detail  # −299,50 + 550 − 41,25 − 8,25
    statement = OwnerStatement.objects.get(owner=owner, month=date(2026, 2, 1))
    pdf = client.get(reverse("ledger:owner_statement_pdf", args=[statement.pk]))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Solde reporté en notre faveur (comptes rendus précédents) − 299,50 €" in text
    assert "201,00 €" in text and "Solde en votre faveur" in text


def test_a_closed_month_is_refused_with_a_french_message(client, world, manager, owner, lease):
    entries_services.period_close(actor=world.users["accountant"], month=date(2026, 1, 1))
    response = _issue(_client(client, manager), owner)
    page = client.get(response.url).content.decode()
    assert "Le mois de 01/2026 est clôturé" in page
    assert not OwnerStatement.objects.exists()


def test_works_through_the_form_and_their_errors(client, manager, owner):
    client = _client(client, manager)
    url = reverse("ledger:owner_work_create", args=[owner.pk])
    bad = client.post(url, {"invoice_date": "2099-01-01", "supplier": "Plomberie", "label": "Fuite", "amount": "80"})
    assert "ne peut pas être datée dans le futur" in bad.content.decode() and not OwnerWork.objects.exists()
    good = client.post(
        url, {"invoice_date": "2026-01-15", "supplier": "Plomberie", "label": "Fuite", "amount": "80,50"}
    )
    assert good.url == reverse("ledger:owner_ledger", args=[owner.pk])
    page = client.get(good.url).content.decode()
    assert "Plomberie" in page and "80,50 €" in page and "doit 80,50 € à l'association" in page


def test_a_payout_through_the_form_gives_the_file_again_and_again(client, world, manager, owner, lease):
    client = _client(client, world.users["accountant"])
    _issue(client, owner)
    statement = OwnerStatement.objects.get(owner=owner)
    data = {"statements": [str(statement.pk)], "execution_date": timezone.localdate().isoformat()}
    refused = client.post(reverse("ledger:payouts"), data)
    assert "coordonnées bancaires de l&#x27;association manquent" in refused.content.decode()
    saved = client.post(
        reverse("ledger:bank_details"),
        {"holder_name": "Association A", "iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "psstfrppmar"},
    )
    assert saved.url == reverse("ledger:payouts")
    assert BankDetails.objects.get().bic == "PSSTFRPPMAR"
    asked = client.post(reverse("ledger:payouts"), data)
    assert "Confirmer les reversements" in asked.content.decode() and not PayoutBatch.objects.exists()
    response = client.post(reverse("ledger:payouts"), data | {"confirmed": "1"})
    batch = PayoutBatch.objects.get()
    assert response.url == reverse("ledger:payout_detail", args=[batch.pk])
    assert "Télécharger le fichier SEPA" in client.get(response.url).content.decode()
    first = client.get(reverse("ledger:payout_file", args=[batch.pk]))
    second = client.get(reverse("ledger:payout_file", args=[batch.pk]))
    assert first.content == second.content and first["Content-Disposition"].startswith("attachment")
    document = ElementTree.fromstring(first.content)  # noqa: S314 (our own file)
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "500.50"
    assert "Aucun compte rendu émis n'a de solde à reverser" in client.get(reverse("ledger:payouts")).content.decode()


def test_the_statements_list_costs_the_same_whatever_the_number_of_owners(
    client, manager, world, django_assert_max_num_queries
):
    client = _client(client, world.users["accountant"])
    url = reverse("ledger:owner_statements")

    def add(count):
        for _n in range(count):
            owner = make_owner(world.organisation)
            make_mandate_lease(manager, world.own_household, owner=owner, start=date(2025, 12, 1))
            owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2026, 1, 1))

    add(1)
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"month": "2026-01"})
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"month": "2026-01"})
    assert response.content.decode().count(".pdf") == 5


def test_the_payouts_page_costs_the_same_whatever_the_number_of_statements(
    client, manager, world, django_assert_max_num_queries
):
    client = _client(client, world.users["accountant"])
    url = reverse("ledger:payouts")

    def add(count):
        for _n in range(count):
            owner = make_owner(world.organisation)
            lease = make_mandate_lease(manager, world.own_household, owner=owner, start=date(2025, 12, 1))
            rent_services.payment_record(
                actor=manager, lease_id=lease.pk, amount=D("100.00"), received_on=date(2026, 1, 6), source="caf"
            )
            owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2026, 1, 1))

    add(1)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('type="checkbox"') == 5


ASSOCIATION_IBAN = "FR1420041010050500013M02606"


@pytest.mark.parametrize(("iban", "why"), [("", "IBAN manquant"), (ASSOCIATION_IBAN, "IBAN identique")])
def test_an_owner_without_a_payable_iban_is_to_fix_and_kept_out_of_the_batch(client, world, manager, iban, why):
    BankDetails.objects.create(
        organisation=world.organisation,
        holder_name="Association A",
        iban=ASSOCIATION_IBAN,
        bic="PSSTFRPPMAR",
        updated_by=world.users["director"],
    )
    good, bad = make_owner(world.organisation, name="Odile Vidal"), make_owner(world.organisation, name="Paul Roux")
    Owner.objects.filter(pk=bad.pk).update(iban=iban)
    for owner in (good, bad):
        lease = make_mandate_lease(manager, world.own_household, owner=owner, start=date(2025, 12, 1))
        rent_services.payment_record(
            actor=manager, lease_id=lease.pk, amount=D("550.00"), received_on=date(2026, 1, 6), source="tenant"
        )
        owners_services.owner_statement_issue(actor=manager, owner_id=owner.pk, month=date(2026, 1, 1))
    good_statement, bad_statement = (OwnerStatement.objects.get(owner=o) for o in (good, bad))
    client = _client(client, world.users["accountant"])
    page = client.get(reverse("ledger:payouts")).content.decode()
    to_fix = page.split('id="h-to-fix"')[1].split("</section>")[0]
    assert "À corriger" in page and "exclus du lot" in page
    assert reverse("housing:owner_detail", args=[bad.pk]) in to_fix and why in to_fix and "Odile Vidal" not in to_fix
    assert f'value="{bad_statement.pk}"' not in page and f'value="{good_statement.pk}"' in page
    execution = timezone.localdate().isoformat()
    refused = client.post(
        reverse("ledger:payouts"),
        {"statements": [str(bad_statement.pk)], "execution_date": execution, "confirmed": "1"},
    )
    assert refused.status_code == 200 and not PayoutBatch.objects.exists()
    with pytest.raises(ValidationError) as excinfo:  # the service refuses it too
        owners_services.payout_batch_create(
            actor=world.users["accountant"], statement_ids=[bad_statement.pk], execution_date=timezone.localdate()
        )
    assert "Paul Roux ne peut pas être payé" in " ".join(excinfo.value.messages)
    done = client.post(
        reverse("ledger:payouts"),
        {"statements": [str(good_statement.pk)], "execution_date": execution, "confirmed": "1"},
    )
    assert done.status_code == 302
    assert OwnerStatement.objects.get(pk=good_statement.pk).payout_id is not None
    assert OwnerStatement.objects.get(pk=bad_statement.pk).payout_id is None


def test_a_deposits_retention_under_the_mandate_shows_on_the_page_and_the_pdf(client, manager, owner, lease):
    """Deposit 500.00 received on 2 December, the tenant leaves on 31 January, 120.00 kept for a broken door on
    10 February: February's statement credits the owner with it, no fee (it is not rent): 120,00 € due."""
    Lease.objects.filter(pk=lease.pk).update(deposit=D("500.00"))
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 12, 2))
    lease_services.lease_end(
        actor=manager, lease_id=lease.pk, end_date=date(2026, 1, 31), moved_out_on=date(2026, 1, 31)
    )
    deposits_services.deposit_return(
        actor=manager, deposit_id=Lease.objects.get(pk=lease.pk).security_deposit.pk, returned_on=date(2026, 2, 10),
        keys_returned_on=date(2026, 1, 31), inventory_matches=False,
        deductions=[(DeductionReason.REPAIRS, "Porte d'entrée cassée", D("120.00"))],
    )  # fmt: skip
    client = _client(client, manager)
    _issue(client, owner)
    response = _issue(client, owner, month="2026-02")
    statement = OwnerStatement.objects.get(owner=owner, month=date(2026, 2, 1))
    assert (statement.collected, statement.fee, statement.deposits, statement.amount_due) == (
        D("0.00"),
        D("0.00"),
        D("120.00"),
        D("120.00"),
    )
    detail = " ".join(client.get(response.url).content.decode().split())
    assert "Dépôts de garantie : retenues moins majorations de restitution tardive" in detail
    assert "Restitution du dépôt de garantie — Lefèvre · <strong>120,00 €</strong>" in detail
    pdf = client.get(reverse("ledger:owner_statement_pdf", args=[statement.pk]))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Dépôt de garantie, retenues moins majoration de restitution tardive" in text
    assert "120,00 €" in text and "Solde en votre faveur" in text
