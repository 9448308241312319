import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habiter.core.models import AuditEvent
from habiter.support import services
from habiter.support.models import Programme, SupportAgreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(world):
    return services.measure_open(
        actor=world.users["social_worker"],
        household_id=world.own_household.pk,
        programme_id=Programme.objects.get(organisation=world.organisation, code="asll").pk,
        start_date=timezone.localdate() - timedelta(days=5),
    )


def test_write_sign_then_fixed(world, measure):
    worker = world.users["social_worker"]
    with pytest.raises(ValidationError, match="Écrivez d'abord"):
        services.agreement_sign(
            actor=worker, measure_id=measure.pk, signed_on=timezone.localdate(), method="paper", signatories="x"
        )
    services.agreement_write(
        actor=worker,
        measure_id=measure.pk,
        household_commitments="Venir aux rendez-vous.",
        association_commitments="Un rendez-vous par mois.",
    )
    services.agreement_write(
        actor=worker,
        measure_id=measure.pk,
        household_commitments="Venir aux rendez-vous ou prévenir.",
        association_commitments="Un rendez-vous par mois.",
    )
    signed = services.agreement_sign(
        actor=worker,
        measure_id=measure.pk,
        signed_on=timezone.localdate(),
        method="paper",
        signatories="Mme Lefèvre, S. Martin",
    )
    assert signed.household_commitments == "Venir aux rendez-vous ou prévenir."
    with pytest.raises(ValidationError, match="signé : il ne se modifie plus"):
        services.agreement_write(
            actor=worker, measure_id=measure.pk, household_commitments="x", association_commitments="y"
        )
    with pytest.raises(ValidationError, match="déjà signé"):
        services.agreement_sign(
            actor=worker, measure_id=measure.pk, signed_on=timezone.localdate(), method="paper", signatories="x"
        )
    assert SupportAgreement.objects.count() == 1
    actions = AuditEvent.objects.filter(action__startswith="agreement.").values_list("action", flat=True)
    assert sorted(actions) == ["agreement.sign", "agreement.write", "agreement.write"]


def test_agreement_page_and_pdf(client, world, measure, tmp_path):
    client.force_login(world.users["social_worker"])
    url = reverse("support:agreement", args=[measure.pk])
    assert client.get(reverse("support:agreement_pdf", args=[measure.pk])).status_code == 404  # nothing written yet
    missing = client.post(url, {"action": "write", "household_commitments": "", "association_commitments": "x"})
    assert "Ce champ est obligatoire." in missing.content.decode()
    saved = client.post(
        url,
        {
            "action": "write",
            "household_commitments": "Venir aux rendez-vous.",
            "association_commitments": "Aider pour le FSL.",
        },
    )
    assert saved.status_code == 302
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(
        url,
        {
            "action": "sign",
            "signed_on": future,
            "method": "paper",
            "signatories": "Mme L.",
            "version": "1",
            "confirmed": "1",
        },
    )
    assert "futur" in refused.content.decode()
    client.post(
        url,
        {
            "action": "sign",
            "signed_on": timezone.localdate().isoformat(),
            "method": "home",
            "signatories": "Mme L.",
            "version": "1",
            "confirmed": "1",
        },
    )
    page = client.get(url).content.decode()
    assert "Signé le" in page and 'name="household_commitments"' not in page
    pdf = client.get(reverse("support:agreement_pdf", args=[measure.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "contrat.pdf"
        path.write_bytes(pdf.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "Contrat d'accompagnement" in text and "Aider pour le FSL." in text


def test_other_scopes_are_not_found(client, world, measure):
    for user in (world.outsider, world.users["volunteer"]):
        client.force_login(user)
        assert client.get(reverse("support:agreement", args=[measure.pk])).status_code == 404


def test_two_writers_of_one_agreement_lose_nothing(client, world, measure):
    """Two social workers open the blank agreement; the first saves; the second is told, her text kept."""
    url = reverse("support:agreement", args=[measure.pk])
    first, second = world.users["social_worker"], world.users["team_lead"]
    client.force_login(first)
    assert 'name="version" value="0"' in client.get(url).content.decode()
    client.post(
        url,
        {"action": "write", "household_commitments": "A1", "association_commitments": "A2", "version": "0"},
    )
    client.force_login(second)
    page = client.post(
        url,
        {"action": "write", "household_commitments": "B1", "association_commitments": "B2", "version": "0"},
    ).content.decode()
    agreement = SupportAgreement.objects.get(measure=measure)
    assert (agreement.household_commitments, agreement.version) == ("A1", 1)
    assert "a été modifié par" in page and "B1" in page  # what she typed stays in the form
    assert "Valeur actuelle : A1" in page
    assert 'name="version" value="1"' in page  # saving again is a deliberate choice
    client.post(
        url,
        {"action": "write", "household_commitments": "B1", "association_commitments": "B2", "version": "1"},
    )
    agreement.refresh_from_db()
    assert (agreement.household_commitments, agreement.version) == ("B1", 2)


def test_a_text_rewritten_since_the_page_was_shown_is_not_signed(client, world, measure):
    worker = world.users["social_worker"]
    services.agreement_write(
        actor=worker, measure_id=measure.pk, household_commitments="v1", association_commitments="v1"
    )
    shown = SupportAgreement.objects.get(measure=measure).version
    services.agreement_write(
        actor=world.users["team_lead"], measure_id=measure.pk, household_commitments="v2", association_commitments="v2"
    )
    client.force_login(worker)
    url = reverse("support:agreement", args=[measure.pk])
    today = timezone.localdate().isoformat()
    page = client.post(
        url,
        {"action": "sign", "signed_on": today, "method": "paper", "signatories": "Mme L.", "version": str(shown)}
        | {"confirmed": "1"},
    ).content.decode()
    assert "a été modifié par" in page
    assert SupportAgreement.objects.get(measure=measure).signed_on is None
