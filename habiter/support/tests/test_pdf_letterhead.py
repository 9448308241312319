"""The support PDFs (plan, agreement) carry the organisation's letterhead and the support documents' signatory."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from habiter.core import services as core_services
from habiter.support import plans as plan_services

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def test_the_plan_pdf_carries_the_letterhead_and_the_support_signatory(client, world):
    core_services.organisation_settings_update(
        actor=world.users["director"],
        values={
            "legal_name": "Habitat Solidaire Association A",
            "address": "12 rue des Lilas\n75011 Paris",
            "phone": "01 23 45 67 89",
            "email": "contact@asso-a.fr",
            "siret": "73282932000074",
            "support_signatory_name": "Sophie Bernard",
            "support_signatory_title": "Cheffe de service",
            "rent_signatory_name": "Paul Durand",
        },
    )
    worker = world.users["social_worker"]
    plan_services.plan_start(actor=worker, household_id=world.own_household.pk, started_on=date(2025, 1, 5))
    client.force_login(worker)
    text = _text(client.get(reverse("support:plan_pdf", args=[world.own_household.pk])).content)
    assert "Habitat Solidaire Association A" in text and "12 rue des Lilas 75011 Paris" in text
    assert "Tél. 01 23 45 67 89 — contact@asso-a.fr" in text and "SIRET 73282932000074" in text
    assert "Sophie Bernard, Cheffe de service" in text
    assert "Paul Durand" not in text  # the rent documents' signatory signs no support document


def test_without_a_signatory_the_referent_signs_the_plan(client, world):
    worker = world.users["social_worker"]
    plan_services.plan_start(actor=worker, household_id=world.own_household.pk, started_on=date(2025, 1, 5))
    client.force_login(worker)
    text = _text(client.get(reverse("support:plan_pdf", args=[world.own_household.pk])).content)
    assert "Le référent, pour Association A" in text and "SIRET" not in text
