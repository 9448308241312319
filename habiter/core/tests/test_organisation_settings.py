"""The organisation's letterhead and signatories: its director edits them; every PDF prints them."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from habiter.core import services
from habiter.core.models import AuditEvent, Organisation, Role, luhn_valid
from habiter.core.templatetags.letterhead import logo_data_uri

pytestmark = pytest.mark.django_db

URL = reverse("core:organisation_settings")
VALID = {
    "legal_name": "Association A pour le logement",
    "address": "12 rue des Lilas\n75011 Paris",
    "phone": "01 23 45 67 89",
    "email": "contact@asso-a.fr",
    "siret": "732 829 320 00074",
    "arrears_signatory_name": "Claire Martin",
    "arrears_signatory_title": "Responsable de la gestion locative",
    "rent_signatory_name": "Paul Durand",
    "rent_signatory_title": "Comptable",
}


def png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_luhn_on_known_sirets():
    assert luhn_valid("73282932000074")
    assert not luhn_valid("73282932000075")


@pytest.mark.parametrize("role", [r for r in Role if r != Role.DIRECTOR])
def test_only_the_director_reaches_the_page(client, world, role):
    client.force_login(world.users[role.value])
    assert client.get(URL).status_code == 404
    assert client.post(URL, VALID).status_code == 404
    world.organisation.refresh_from_db()
    assert world.organisation.legal_name == ""


def test_the_service_refuses_anyone_but_a_director(world):
    with pytest.raises(PermissionDenied):
        services.organisation_settings_update(actor=world.users["accountant"], values={"legal_name": "X"})


def test_the_account_page_links_to_it_for_the_director_only(client, world):
    client.force_login(world.users["director"])
    assert URL in client.get(reverse("core:account")).content.decode()
    client.force_login(world.users["accountant"])
    assert URL not in client.get(reverse("core:account")).content.decode()


def test_the_director_saves_the_letterhead_with_audit(client, world):
    client.force_login(world.users["director"])
    assert client.get(URL).status_code == 200
    response = client.post(URL, {**VALID, "logo": SimpleUploadedFile("logo.png", png())})
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=world.organisation.pk)
    assert organisation.legal_name == "Association A pour le logement"
    assert organisation.siret == "73282932000074"  # spaces removed
    assert organisation.signatory("rent") == {"name": "Paul Durand", "title": "Comptable"}
    assert organisation.signatory("support") == {"name": "", "title": ""}
    assert organisation.logo and default_storage.exists(organisation.logo.name)
    assert logo_data_uri(organisation).startswith("data:image/png;base64,")
    event = AuditEvent.objects.get(action="organisation.settings")
    assert event.actor == world.users["director"] and event.object_id == str(organisation.pk)
    assert "siret" in event.detail["changed"] and "logo" in event.detail["changed"]
    # the other organisation is untouched
    assert Organisation.objects.get(pk=world.other_organisation.pk).legal_name == ""


def test_a_new_logo_replaces_the_old_file_and_removing_it_deletes_it(client, world, django_capture_on_commit_callbacks):
    director = world.users["director"]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.organisation_settings_update(
            actor=director, values={}, logo=SimpleUploadedFile("a.png", png())
        )
    old_name = first.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.organisation_settings_update(
            actor=director, values={}, logo=SimpleUploadedFile("b.png", png((30, 30)))
        )
    assert second.logo.name != old_name and not default_storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        third = services.organisation_settings_update(actor=director, values={}, remove_logo=True)
    assert not third.logo and not default_storage.exists(second.logo.name)


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "Le SIRET compte 14 chiffres, sans lettre."),
        ("7328293200007A", "Le SIRET compte 14 chiffres, sans lettre."),
        ("73282932000075", "Ce SIRET n&#x27;est pas valide (la clé de contrôle ne correspond pas)"),
    ],
)
def test_a_wrong_siret_is_refused_in_french(client, world, siret, message):
    client.force_login(world.users["director"])
    response = client.post(URL, {**VALID, "siret": siret})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organisation.objects.get(pk=world.organisation.pk).siret == ""
    assert not AuditEvent.objects.filter(action="organisation.settings").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"%PDF-1.4 not an image", "Le logo doit être une image PNG ou JPEG lisible"),
        ("logo.gif", b"GIF89a" + b"\x00" * 40, "Le logo doit être une image PNG ou JPEG"),
        ("logo.png", b"\x89PNG" + b"\x00" * (1024 * 1024 + 1), "Le logo dépasse 1 Mo"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(client, world, name, content, message):
    client.force_login(world.users["director"])
    response = client.post(URL, {**VALID, "logo": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.get(pk=world.organisation.pk).logo


def test_a_gif_logo_is_refused(world):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.organisation_settings_update(
            actor=world.users["director"], values={}, logo=SimpleUploadedFile("x.png", buffer.getvalue())
        )
    assert "PNG ou JPEG" in str(refused.value)


def test_a_wrong_email_is_refused_in_french(client, world):
    client.force_login(world.users["director"])
    response = client.post(URL, {**VALID, "email": "pas-une-adresse"})
    assert "Saisissez une adresse de courriel valide" in response.content.decode()


def test_the_director_records_the_contrat_d_engagement_republicain(client, world):
    from datetime import date

    client.force_login(world.users["director"])
    assert "Contrat d&#x27;engagement républicain souscrit le" in client.get(URL).content.decode()
    assert client.post(URL, {**VALID, "cer_signed_on": "20/01/2022"}).status_code == 302
    assert Organisation.objects.get(pk=world.organisation.pk).cer_signed_on == date(2022, 1, 20)
    assert "cer_signed_on" in AuditEvent.objects.filter(action="organisation.settings").last().detail["changed"]
    wrong = client.post(URL, {**VALID, "cer_signed_on": "32/01/2022"})
    assert wrong.status_code == 200
    assert Organisation.objects.get(pk=world.organisation.pk).cer_signed_on == date(2022, 1, 20)
