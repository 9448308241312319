"""The social and financial diagnosis: its fifteen rubrics written by who may, the interview-offer deadline in
working days, the PDF; restricted like the case."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from habiter.core.models import AuditEvent, User

from .. import services
from ..models import Diagnosis, PreventionCase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 5, 4), tick=False):
        yield


@pytest.fixture
def case(world):
    return services.case_open(
        actor=world.users["social_worker"],
        household_id=world.own_household.pk,
        dwelling_address="3 rue des Lilas, Marseille",
        landlord_name="Société HLM Sud",
        landlord_kind="legal_person",
        lease_signed_on=date(2024, 1, 10),
        debt=Decimal("2400.00"),
        monthly_amount=Decimal("600.00"),
        first_unpaid_on=date(2026, 1, 5),
    )


RUBRICS = {
    "referred_on": "2026-04-23",
    "interview_on": "2026-04-30",
    "writer": "Awa Diallo, travailleuse sociale — Association A",
    "tenant_presence": "present",
    "transmission_told": "on",
    "tenant_identity": "Mme Lefèvre, née en 1980",
    "family_situation": "Mère seule, deux enfants",
    "support": "Accompagnement social depuis 2025",
    "rental_situation": "T3, bail de 2024",
    "arrears": "2 400 € depuis janvier, perte d'emploi",
    "debt_schemes": "Demande FSL maintien déposée",
    "rent_resumed": "Loyer courant repris en avril",
    "repayment_capacity": "100 € par mois",
    "recommendations": "Délais de paiement sur 24 mois",
    "observations": "Le bailleur accepte un plan",
    "rehousing": "Pas de besoin",
    "ccapex": "Saisie le 10/03/2026",
}


def test_the_referent_writes_the_diagnosis_and_sees_the_interview_deadline(client, world, case):
    client.force_login(world.users["social_worker"])
    url = reverse("evictions:diagnosis_edit", args=[case.pk])
    page = client.get(url).content.decode()
    assert "15. Saisine de la CCAPEX" in page and "Association A" in page  # the writer is prefilled
    response = client.post(url, RUBRICS)
    assert response.status_code == 302
    diagnosis = Diagnosis.objects.get(case=case)
    assert diagnosis.transmission_told and diagnosis.repayment_capacity == "100 € par mois"
    page = client.get(url).content.decode()
    assert "Proposer l&#x27;entretien au locataire au plus tard : 19/05/2026" in page  # 1 May, 8 May, Ascension
    assert AuditEvent.objects.filter(action="prevention_case.diagnosis", object_id=str(case.pk)).exists()
    client.post(url, RUBRICS | {"recommendations": "Plan sur 36 mois", "version": diagnosis.version})
    assert Diagnosis.objects.get(case=case).recommendations == "Plan sur 36 mois"
    assert Diagnosis.objects.count() == 1


def test_bad_dates_are_refused_and_nothing_is_saved(client, world, case):
    client.force_login(world.users["social_worker"])
    url = reverse("evictions:diagnosis_edit", args=[case.pk])
    response = client.post(url, RUBRICS | {"interview_on": "2026-04-01"})
    assert response.status_code == 200 and "ne peut pas précéder la saisine" in response.content.decode()
    response = client.post(url, RUBRICS | {"referred_on": "2026-06-01", "interview_on": ""})
    assert "une fois reçue" in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_the_pdf_carries_the_fifteen_rubrics(client, world, case):
    client.force_login(world.users["team_lead"])
    assert client.get(reverse("evictions:diagnosis_pdf", args=[case.pk])).status_code == 404  # not written yet
    client.post(reverse("evictions:diagnosis_edit", args=[case.pk]), RUBRICS)
    response = client.get(reverse("evictions:diagnosis_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for number in range(1, 16):
        assert f"{number}. " in text
    assert "Délais de paiement sur 24 mois" in text and "19/05/2026" in text


def test_the_diagnosis_is_restricted_like_the_case(client, world, case):
    services.diagnosis_save(
        actor=world.users["social_worker"], case_id=case.pk, referred_on=date(2026, 4, 23), writer="A. Diallo"
    )
    for user in (User.objects.get(username="a.colleague"), world.users["rental_manager"], world.outsider):
        client.force_login(user)
        assert client.get(reverse("evictions:diagnosis_edit", args=[case.pk])).status_code == 404
        assert client.get(reverse("evictions:diagnosis_pdf", args=[case.pk])).status_code == 404
        with pytest.raises(PreventionCase.DoesNotExist):
            services.diagnosis_save(actor=user, case_id=case.pk, writer="Intrus")


def test_a_closed_case_keeps_its_diagnosis(world, case):
    services.case_close(
        actor=world.users["social_worker"], case_id=case.pk, outcome="debt_settled", closed_on=date(2026, 5, 1)
    )
    with pytest.raises(ValidationError):
        services.diagnosis_save(actor=world.users["social_worker"], case_id=case.pk, writer="A. Diallo")


def test_a_diagnosis_form_opened_before_a_colleague_saved_is_refused(client, world, case):
    from django.test import Client

    from habiter.core.tests.form_values import form_values

    worker, lead = world.users["social_worker"], world.users["team_lead"]
    services.diagnosis_save(actor=worker, case_id=case.pk, referred_on=date(2026, 3, 2), writer="A. Diallo")
    url = reverse("evictions:diagnosis_edit", args=[case.pk])
    client.force_login(worker)
    shown = form_values(client.get(url).content.decode())
    assert shown["version"] == "1"
    colleague = Client()
    colleague.force_login(lead)
    saved = colleague.post(url, form_values(colleague.get(url).content.decode(), observations="Vu par la cheffe"))
    assert saved.status_code == 302
    refused = client.post(url, shown | {"observations": "Vu par le référent"})
    body = refused.content.decode()
    assert refused.status_code == 200 and f"modifié par {lead}" in body
    assert "Valeur actuelle : Vu par la cheffe" in body and "Vu par le référent</textarea>" in body
    diagnosis = Diagnosis.objects.get(case=case)
    assert diagnosis.observations == "Vu par la cheffe" and diagnosis.version == 2


def test_two_first_diagnoses_written_at_once_keep_the_first(world, case):
    from habiter.core.versioning import StaleVersion

    services.diagnosis_save(
        actor=world.users["social_worker"],
        case_id=case.pk,
        expected_version=0,
        referred_on=date(2026, 3, 2),
        writer="A",
    )
    with pytest.raises(StaleVersion):
        services.diagnosis_save(
            actor=world.users["team_lead"],
            case_id=case.pk,
            expected_version=0,
            referred_on=date(2026, 3, 1),
            writer="B",
        )
    assert Diagnosis.objects.get(case=case).referred_on == date(2026, 3, 2)
