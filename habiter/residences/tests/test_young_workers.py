"""Foyers de jeunes travailleurs (W38): a résidence sociale is marked FJT on its form, and its director records the
prestation de service socio-éducative (PSE) the CAF paid it each year, on the residence page or the page « PSE de la
CAF »; a year already recorded is corrected, confirmed first, audited with the value before. The AGLS report counts
the bonus on it (`reporting/tests/test_agls_report.py`)."""

from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory, api_token_for
from habiter.residences import services
from habiter.residences.models import Residence, YoungWorkersPse

from .factories import make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = "2026-03-10 09:00 +0100"
FJT_MESSAGE = "Seule une résidence sociale peut être un foyer de jeunes travailleurs (FJT)."
NOT_FJT_MESSAGE = "La PSE de la CAF ne se saisit que pour un foyer de jeunes travailleurs (FJT)"
RESIDENCE = {"address": "3 rue des Jeunes Pousses", "postal_code": "93000", "city": "Bobigny"}


@pytest.fixture
def house(world):
    """« Les Jeunes Pousses », a résidence sociale marked FJT hosted by the world's host, its PSE of 2024 recorded
    (52 000.00 €); « Bellevue », a résidence sociale that is not an FJT."""
    director = world.users["director"]
    fjt = make_residence(
        director,
        "Les Jeunes Pousses",
        kind="residence_sociale",
        young_workers=True,
        hosts=[world.users["host"]],
        **RESIDENCE,
    )
    pse, _before = services.young_workers_pse_record(
        actor=director, residence_id=fjt.pk, year=2024, amount=D("52000.00")
    )
    bellevue = make_residence(director, "Bellevue", kind="residence_sociale", **RESIDENCE)
    return {"fjt": fjt, "pse": pse, "bellevue": bellevue}


def _outsiders(world):
    """Who may not record the PSE: every role but the director (the host of the FJT included), and the director of
    another organisation."""
    users = {role: world.users[role] for role in ("host", "team_lead", "social_worker", "volunteer", "accountant")}
    users["director of another organisation"] = UserFactory(
        username="b.director", organisation=world.other_organisation, role=Role.DIRECTOR
    )
    return users


def _amounts():
    return list(YoungWorkersPse.objects.order_by("year").values_list("year", "amount"))


# --- the FJT mark --------------------------------------------------------------------------------------------------


def test_only_a_residence_sociale_may_be_an_fjt(world):
    director = world.users["director"]
    with pytest.raises(ValidationError) as refused:
        make_residence(director, "Les Pléiades", young_workers=True)  # a pension de famille
    assert refused.value.message_dict == {"young_workers": [FJT_MESSAGE]}
    assert not Residence.objects.exists()
    fjt = make_residence(director, "Les Jeunes Pousses", kind="residence_sociale", young_workers=True, **RESIDENCE)
    with pytest.raises(ValidationError) as refused:
        services.residence_update(actor=director, residence_id=fjt.pk, data={"kind": "residence_accueil"})
    assert refused.value.message_dict == {"young_workers": [FJT_MESSAGE]}
    assert Residence.objects.get(pk=fjt.pk).kind == "residence_sociale"
    # the database holds it too, whatever writes
    with pytest.raises(IntegrityError), transaction.atomic():
        Residence.objects.filter(pk=fjt.pk).update(kind="pension_de_famille")


def test_the_director_marks_a_residence_sociale_fjt_on_its_form(client, world, house):
    client.force_login(world.users["director"])
    bellevue = house["bellevue"]
    url = reverse("residences:residence_edit", args=[bellevue.pk])
    assert 'name="young_workers"' in page_of(client, url)
    data = {"name": "Bellevue", "kind": "residence_sociale", "young_workers": "on"} | RESIDENCE
    response = client.post(url, data)
    assert response.status_code == 302
    assert Residence.objects.get(pk=bellevue.pk).young_workers is True
    detail = page_of(client, reverse("residences:residence_detail", args=[bellevue.pk]))
    assert "Foyer de jeunes travailleurs (FJT)" in detail and "PSE de la CAF (foyer de jeunes travailleurs)" in detail

    refused = client.post(url, data | {"kind": "pension_de_famille"})
    assert refused.status_code == 200 and FJT_MESSAGE in unescape(refused.content.decode())
    assert Residence.objects.get(pk=bellevue.pk).kind == "residence_sociale"


def test_the_api_says_whether_a_residence_is_an_fjt(world, house):
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_for(world.users['director'], name='Script')[1]}"
    items = client.get("/api/v1/residences").json()["items"]
    assert {item["name"]: item["young_workers"] for item in items} == {"Bellevue": False, "Les Jeunes Pousses": True}


# --- the service ---------------------------------------------------------------------------------------------------


def test_the_director_records_the_pse_of_a_year(world, house):
    director = world.users["director"]
    pse, before = services.young_workers_pse_record(
        actor=director, residence_id=house["fjt"].pk, year=2025, amount=D("60000")
    )
    assert before is None and (pse.organisation_id, pse.changed_by) == (world.organisation.pk, director)
    assert _amounts() == [(2024, D("52000.00")), (2025, D("60000.00"))]
    event = AuditEvent.objects.get(action="young_workers_pse.record", object_id=str(pse.pk))
    assert event.actor == director and event.detail == {"year": 2025, "amount": "60000.00"}


def test_recording_a_year_again_corrects_it_and_the_audit_keeps_the_value_before(world, house):
    pse, before = services.young_workers_pse_record(
        actor=world.users["director"], residence_id=house["fjt"].pk, year=2024, amount=D("52500.00")
    )
    assert pse.pk == house["pse"].pk and before == D("52000.00")
    assert _amounts() == [(2024, D("52500.00"))]
    event = AuditEvent.objects.get(action="young_workers_pse.correct")
    assert event.detail == {"year": 2024, "amount": "52500.00", "before": {"amount": "52000.00"}}


def test_the_same_amount_is_not_corrected(world, house):
    with pytest.raises(ValidationError) as refused:
        services.young_workers_pse_record(
            actor=world.users["director"], residence_id=house["fjt"].pk, year=2024, amount=D("52000")
        )
    assert refused.value.message_dict == {"amount": ["La PSE de 2024 vaut déjà 52\xa0000,00 € : rien à corriger."]}
    assert not AuditEvent.objects.filter(action="young_workers_pse.correct").exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (D("-0.01"), "La PSE reçue ne peut pas être négative."),
        (D("1000.005"), "Indiquez le montant au centime près : deux chiffres après la virgule au plus."),
        (D("10000000.00"), "Montant invraisemblable pour la PSE d'une année : au plus 9 999 999,99 €."),
    ],
)
def test_a_bad_amount_is_refused_in_french_and_nothing_is_saved(world, house, amount, message):
    for year in (2023, 2024):  # a first record and a correction
        with pytest.raises(ValidationError) as refused:
            services.young_workers_pse_record(
                actor=world.users["director"], residence_id=house["fjt"].pk, year=year, amount=amount
            )
        assert refused.value.message_dict == {"amount": [message]}
    assert _amounts() == [(2024, D("52000.00"))]
    assert AuditEvent.objects.filter(action__startswith="young_workers_pse.").count() == 1  # the fixture's


@time_machine.travel(TODAY, tick=False)
def test_a_year_to_come_or_before_2000_is_refused(world, house):
    with pytest.raises(ValidationError) as refused:
        services.young_workers_pse_record(
            actor=world.users["director"], residence_id=house["fjt"].pk, year=2027, amount=D("1.00")
        )
    assert refused.value.message_dict == {
        "year": ["La PSE se saisit pour une année passée ou l'année en cours, une fois versée par la CAF."]
    }
    with pytest.raises(ValidationError) as refused:
        services.young_workers_pse_record(
            actor=world.users["director"], residence_id=house["fjt"].pk, year=1999, amount=D("1.00")
        )
    assert refused.value.message_dict == {"year": ["Indiquez une année à partir de 2000."]}
    assert _amounts() == [(2024, D("52000.00"))]


def test_a_residence_that_is_no_fjt_takes_no_pse(world, house):
    with pytest.raises(ValidationError) as refused:
        services.young_workers_pse_record(
            actor=world.users["director"], residence_id=house["bellevue"].pk, year=2024, amount=D("1.00")
        )
    assert NOT_FJT_MESSAGE in refused.value.messages[0]
    assert not YoungWorkersPse.objects.filter(residence=house["bellevue"]).exists()


def test_no_one_but_the_director_of_the_organisation_records_the_pse(world, house):
    for who, user in _outsiders(world).items():
        expected = Residence.DoesNotExist if who == "director of another organisation" else PermissionDenied
        with pytest.raises(expected):
            services.young_workers_pse_record(actor=user, residence_id=house["fjt"].pk, year=2024, amount=D("1.00"))
    director = world.users["director"]
    director.is_active = False
    with pytest.raises(PermissionDenied):
        services.young_workers_pse_record(actor=director, residence_id=house["fjt"].pk, year=2024, amount=D("1.00"))
    assert _amounts() == [(2024, D("52000.00"))]
    assert AuditEvent.objects.filter(action__startswith="young_workers_pse.").count() == 1


# --- the pages -----------------------------------------------------------------------------------------------------


def _url(house, name="fjt"):
    return reverse("residences:young_workers_pse", args=[house[name].pk])


@time_machine.travel(TODAY, tick=False)
def test_the_residence_page_shows_the_pse_and_the_directors_form(client, world, house):
    detail_url = reverse("residences:residence_detail", args=[house["fjt"].pk])
    client.force_login(world.users["director"])
    detail = page_of(client, detail_url)
    assert "Foyer de jeunes travailleurs (FJT)" in detail and "52\xa0000,00 €" in detail
    assert f'action="{_url(house)}"' in detail and 'name="year" value="2025"' in detail  # last year's, for this AGLS
    for role in ("team_lead", "host"):  # they read the residence and its PSE, without the form
        client.force_login(world.users[role])
        detail = page_of(client, detail_url)
        assert "52\xa0000,00 €" in detail and f'action="{_url(house)}"' not in detail
    client.force_login(world.users["director"])
    assert "PSE de la CAF (foyer" not in page_of(
        client, reverse("residences:residence_detail", args=[house["bellevue"].pk])
    )


@time_machine.travel(TODAY, tick=False)
def test_the_director_records_a_pse_from_the_form(client, world, house):
    client.force_login(world.users["director"])
    response = client.post(_url(house), {"year": "2025", "amount": "60000,00"})
    assert response.status_code == 302
    assert response.url == reverse("residences:residence_detail", args=[house["fjt"].pk])
    assert _amounts() == [(2024, D("52000.00")), (2025, D("60000.00"))]
    assert "PSE de la CAF de 2025 enregistrée : 60\xa0000,00 €." in page_of(client, response.url)


@time_machine.travel(TODAY, tick=False)
def test_a_correction_is_confirmed_before_it_replaces_the_value(client, world, house):
    client.force_login(world.users["director"])
    asked = client.post(_url(house), {"year": "2024", "amount": "52500,00"})
    content = asked.content.decode()
    assert asked.status_code == 200 and "Confirmer la correction" in content
    assert "52\xa0000,00 €" in content and "52\xa0500,00 €" in content and "AGLS de 2025" in content
    assert _amounts() == [(2024, D("52000.00"))]

    done = client.post(_url(house), {"year": "2024", "amount": "52500,00", "confirmed": "1"})
    assert done.status_code == 302 and _amounts() == [(2024, D("52500.00"))]
    html = page_of(client, done.url)
    assert "PSE de la CAF de 2024 corrigée : 52\xa0500,00 € (au lieu de 52\xa0000,00 €)." in html

    same = client.post(_url(house), {"year": "2024", "amount": "52500"})  # nothing to correct: no confirmation
    assert same.status_code == 200
    assert "La PSE de 2024 vaut déjà 52\xa0500,00 € : rien à corriger." in unescape(same.content.decode())
    assert AuditEvent.objects.filter(action="young_workers_pse.correct").count() == 1


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "-5"}, "La PSE reçue ne peut pas être négative."),
        ({"amount": "1000,005"}, "Indiquez le montant au centime près : deux chiffres après la virgule au plus."),
        ({"amount": "10000000"}, "Montant invraisemblable pour la PSE d'une année : au plus 9 999 999,99 €."),
        ({"amount": "99999999999999"}, "Montant invraisemblable pour la PSE d'une année : au plus 9 999 999,99 €."),
        ({"amount": "cinquante mille"}, "Montant invalide : par exemple 52000 ou 52000,00."),
        ({"amount": ""}, "Indiquez le montant de la PSE reçue."),
        ({"year": "2027"}, "Indiquez une année passée ou l'année en cours (2026 au plus tard)."),
        ({"year": "1999"}, "Indiquez une année à partir de 2000."),
        ({"year": "deux mille"}, "Indiquez une année, par exemple 2024."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(client, world, house, data, message):
    client.force_login(world.users["director"])
    response = client.post(_url(house), {"year": "2025", "amount": "60000"} | data)
    html = unescape(response.content.decode())
    assert response.status_code == 200 and message in html
    assert html.count(message) == 1
    assert _amounts() == [(2024, D("52000.00"))]


@time_machine.travel(TODAY, tick=False)
def test_a_residence_that_is_no_fjt_says_so_and_refuses_a_pse(client, world, house):
    client.force_login(world.users["director"])
    html = page_of(client, _url(house, "bellevue"))
    assert "Cette résidence n'est pas un foyer de jeunes travailleurs (FJT)" in unescape(html)
    assert 'name="amount"' not in html
    response = client.post(_url(house, "bellevue"), {"year": "2025", "amount": "60000"})
    assert response.status_code == 200 and NOT_FJT_MESSAGE in unescape(response.content.decode())
    assert not YoungWorkersPse.objects.filter(residence=house["bellevue"]).exists()


def test_only_the_director_of_the_organisation_opens_the_page(client, world, house):
    url = _url(house)
    for who, user in _outsiders(world).items():
        client.force_login(user)
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"year": "2024", "amount": "1", "confirmed": "1"}).status_code == 404, who
    client.force_login(world.users["director"])
    page_of(client, reverse("residences:young_workers_pse", args=["00000000-0000-4000-8000-000000000000"]), 404)
    page_of(client, url)
    assert _amounts() == [(2024, D("52000.00"))]


def test_a_post_without_its_csrf_token_is_refused(world, house):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["director"])
    assert client.post(_url(house), {"year": "2023", "amount": "50000"}).status_code == 403
    assert _amounts() == [(2024, D("52000.00"))]
