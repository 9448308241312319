"""The rent notice (avis d'échéance) and the arrears letters carry the organisation's letterhead and signatory;
the notice shows the previous balance and the housing aid the CAF pays to the association."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from habiter.core import services as core_services
from habiter.ledger.models import ArrearsLetter
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db

D = Decimal


def _text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def letterhead(world):
    return core_services.organisation_settings_update(
        actor=world.users["director"],
        values={
            "legal_name": "Habitat Solidaire Association A",
            "address": "12 rue des Lilas\n75011 Paris",
            "phone": "01 23 45 67 89",
            "email": "contact@asso-a.fr",
            "siret": "73282932000074",
            "rent_signatory_name": "Paul Durand",
            "rent_signatory_title": "Comptable",
            "arrears_signatory_name": "Claire Martin",
            "arrears_signatory_title": "Responsable de la gestion locative",
        },
    )


def _notice(client, manager, call):
    client.force_login(manager)
    response = client.get(reverse("ledger:rent_call_notice", args=[call.pk]))
    assert response.status_code == 200
    return _text(response.content)


def test_the_notice_shows_the_previous_balance_and_deducts_the_caf_aid(client, manager, world, letterhead):
    # rent 500.00 + charges 50.00 = 550.00 a month, from 1 January 2025
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    january, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("300.00"), received_on=date(2025, 1, 10), source="tenant"
    )
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("200.00"), received_on=date(2025, 1, 15), source="caf"
    )
    february, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 2, 1))

    text = _notice(client, manager, february)
    # before February: 550.00 called − 300.00 − 200.00 paid = 50.00 still owed
    assert "avant cet avis : 50,00 € restant dus" in text
    # the month's 550.00 less the 200.00 of aid the CAF pays to the association = 350.00
    assert "Montant du mois 550,00 €" in text
    assert "Aide au logement versée directement par la CAF (tiers payant), déduite -200,00 €" in text
    assert "Total à payer 350,00 €" in text
    # a full month: no prorata sentence
    assert "prorata" not in text
    # the letterhead and the accountant's signature
    assert "Habitat Solidaire Association A" in text and "12 rue des Lilas" in text and "75011 Paris" in text
    assert "Tél. 01 23 45 67 89" in text and "contact@asso-a.fr" in text and "SIRET 73282932000074" in text
    assert "Paul Durand" in text and "Comptable" in text

    # March: nothing more paid, so 550.00 + 550.00 − 500.00 = 600.00 owed before it; the aid is still deducted
    march, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 3, 1))
    text = _notice(client, manager, march)
    assert "avant cet avis : 600,00 € restant dus" in text and "Total à payer 350,00 €" in text
    assert january.due == D("550.00")


def test_a_tenant_up_to_date_without_aid_gets_the_month_only(client, manager, world, letterhead):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("600.00"), received_on=date(2025, 1, 5), source="tenant"
    )
    february, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 2, 1))
    text = _notice(client, manager, february)
    # 550.00 called − 600.00 paid: 50.00 in the tenant's favour, printed as such
    assert "avant cet avis : 50,00 € en votre faveur" in text
    assert "Total à payer 550,00 €" in text and "Aide au logement" not in text and "Montant du mois" not in text


def test_the_prorata_sentence_only_on_a_prorated_month(client, manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 16))
    january, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    february, _ = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 2, 1))
    assert "au prorata des jours d'occupation" in _notice(client, manager, january)
    text = _notice(client, manager, february)
    assert "prorata" not in text
    # without a letterhead filled in, the organisation's name heads the notice
    assert "Association A" in text and "INVALID_TEMPLATE_VARIABLE" not in text


def test_reminder_letters_carry_the_letterhead_the_number_to_call_and_the_signatory(client, manager, world, letterhead):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    for month in (1, 2):
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, month, 1))
    client.force_login(manager)
    client.post(reverse("ledger:arrears_letter_create", args=[lease.pk]), {"kind": "reminder"})
    letter = ArrearsLetter.objects.get()
    text = _text(client.get(reverse("ledger:arrears_letter_pdf", args=[letter.pk])).content)
    assert "Habitat Solidaire Association A" in text and "SIRET 73282932000074" in text
    assert "appelez le 01 23 45 67 89" in text
    assert "Claire Martin" in text and "Responsable de la gestion locative" in text
