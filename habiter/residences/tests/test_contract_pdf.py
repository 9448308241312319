"""The residence contract printed with its frozen règlement intérieur annexed, on the association's letterhead."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from habiter.core.models import AuditEvent
from habiter.residences import services

from .factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def contract(world):
    director, host = world.users["director"], world.users["host"]
    residence = make_residence(director, "Les Pléiades", hosts=[host], deposit_amount="150.00")
    make_house_rules(director, residence, valid_from=date(2025, 1, 6), guest_nights_per_month=14)
    place = make_place(director, residence, "7", furnished=True)
    person = world.own_household.members.first()
    contract = make_active_contract(director, place, person)
    # a later version of the RI does not change the one annexed to this contract
    services.house_rules_add(
        actor=director, residence_id=residence.pk, valid_from=date(2027, 1, 4), text="Article 1 — Nouvelle version."
    )
    return contract


def test_the_contract_prints_with_the_frozen_house_rules_annexed(client, world, contract):
    client.force_login(world.users["host"])
    response = client.get(reverse("residences:contract_pdf", args=[contract.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2  # the annex starts on its own page
    assert "Contrat de résidence" in text and "Association A" in text
    assert "02/02/2026" in text  # its first day
    assert "150,00 €" in text
    assert "Aucune redevance impayée n'est retenue sur le dépôt." in " ".join(text.split())  # the policy (W6)
    assert "8 jours" in text  # the resident's notice (W5)
    assert "Annexe : règlement intérieur" in text
    assert "version en vigueur depuis le 06/01/2025" in text
    assert "Chacun respecte le calme des autres" in text
    assert "Nouvelle version" not in text
    assert "14 nuits par mois" in text
    assert AuditEvent.objects.filter(action="household.read", household_id=contract.household_id).exists()


def test_the_printed_contract_is_out_of_reach_outside_its_scope(client, world, contract):
    url = reverse("residences:contract_pdf", args=[contract.pk])
    client.force_login(world.users["accountant"])
    assert client.get(url).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
