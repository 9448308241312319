from datetime import date

import pytest
from django.urls import reverse

from habiter.core.tests.factories import UserFactory
from habiter.residences.models import HouseRules, Place, Residence

from .factories import make_place, make_residence

pytestmark = pytest.mark.django_db

INVALID = "INVALID_TEMPLATE_VARIABLE"


def page_of(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert INVALID not in html, f"{url}: unknown template variable"
    return html


@pytest.fixture
def houses(world):
    director = world.users["director"]
    host = world.users["host"]
    pleiades = make_residence(director, "Les Pléiades", hosts=[host], opened_on=date(2014, 12, 1))
    soleil = make_residence(director, "Soleil", kind="residence_accueil")
    make_place(director, pleiades, "1")
    make_place(director, pleiades, "2", kind="room", typology="T1 bis", furnished=True, accessible=True)
    return {"pleiades": pleiades, "soleil": soleil}


def test_the_director_sees_every_residence_and_its_places(client, world, houses):
    client.force_login(world.users["director"])
    html = page_of(client, reverse("residences:residence_list"))
    assert "Les Pléiades" in html and "Soleil" in html
    html = page_of(client, reverse("residences:residence_detail", args=[houses["pleiades"].pk]))
    assert "2 places" in html
    assert "1er décembre 2014" in html
    assert "T1 bis" in html and "accessible PMR" in html
    assert "Ajouter une place" in html


def test_a_host_sees_only_the_residences_they_host_and_changes_nothing(client, world, houses):
    client.force_login(world.users["host"])
    html = page_of(client, reverse("residences:residence_list"))
    assert "Les Pléiades" in html and "Soleil" not in html
    html = page_of(client, reverse("residences:residence_detail", args=[houses["pleiades"].pk]))
    assert "Ajouter une place" not in html and "Modifier" not in html
    page_of(client, reverse("residences:residence_detail", args=[houses["soleil"].pk]), status=404)
    page_of(client, reverse("residences:residence_edit", args=[houses["pleiades"].pk]), status=404)
    page_of(client, reverse("residences:place_create", args=[houses["pleiades"].pk]), status=404)


@pytest.mark.parametrize("role", ["volunteer", "receptionist", "accountant", "technician", "lawyer"])
def test_roles_outside_the_residences_get_404(client, world, houses, role):
    client.force_login(world.users[role])
    page_of(client, reverse("residences:residence_list"), status=404)
    page_of(client, reverse("residences:residence_detail", args=[houses["pleiades"].pk]), status=404)


def test_another_organisation_and_forged_ids_get_404(client, world, houses):
    client.force_login(UserFactory(organisation=world.other_organisation, role="director"))
    assert "Les Pléiades" not in page_of(client, reverse("residences:residence_list"))
    page_of(client, reverse("residences:residence_detail", args=[houses["pleiades"].pk]), status=404)
    place = Place.objects.filter(residence=houses["pleiades"]).first()
    page_of(client, reverse("residences:place_edit", args=[place.pk]), status=404)
    client.force_login(world.users["director"])
    forged = "00000000-0000-4000-8000-000000000000"
    page_of(client, reverse("residences:residence_detail", args=[forged]), status=404)
    page_of(client, reverse("residences:place_edit", args=[forged]), status=404)


def test_a_director_creates_a_residence_then_a_place_then_house_rules(client, world):
    host = world.users["host"]
    client.force_login(world.users["director"])
    response = client.post(
        reverse("residences:residence_create"),
        {
            "name": "Les Oliviers",
            "kind": "pension_de_famille",
            "address": "3 chemin des Oliviers",
            "postal_code": "13013",
            "city": "Marseille",
            "opened_on": "01/12/2014",
            "hosts": [host.pk],
        },
    )
    residence = Residence.objects.get(name="Les Oliviers")
    assert response.status_code == 302
    assert list(residence.hosts.all()) == [host]
    response = client.post(
        reverse("residences:place_create", args=[residence.pk]),
        {"label": "A1", "kind": "studio", "typology": "T1'", "surface": "18,5", "furnished": "on"},
    )
    assert response.status_code == 302
    place = Place.objects.get(residence=residence)
    assert str(place.surface) == "18.50" and place.furnished
    response = client.post(
        reverse("residences:place_edit", args=[place.pk]),
        {"label": "A1", "kind": "studio", "typology": "T2", "surface": "30"},
    )
    assert Place.objects.get(pk=place.pk).typology == "T2"
    response = client.post(
        reverse("residences:house_rules_add", args=[residence.pk]),
        {"valid_from": "2026-01-05", "text": "Article 1 — <script>alert(1)</script>"},
    )
    assert response.status_code == 302
    assert HouseRules.objects.filter(residence=residence).count() == 1
    html = page_of(client, reverse("residences:residence_detail", args=[residence.pk]))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "5 janvier 2026" in html


def test_form_errors_are_in_french(client, world, houses):
    client.force_login(world.users["director"])
    html = client.post(
        reverse("residences:place_create", args=[houses["pleiades"].pk]),
        {"label": "1", "kind": "studio", "typology": "T1", "surface": "vingt"},
    ).content.decode()
    assert "Surface invalide" in html
    html = client.post(
        reverse("residences:place_create", args=[houses["pleiades"].pk]),
        {"label": "1", "kind": "studio", "typology": "T1", "surface": "20"},
    ).content.decode()
    assert "Une place de cette résidence porte déjà ce nom." in html
    html = client.post(
        reverse("residences:residence_create"),
        {"name": "Soleil", "kind": "pension_de_famille", "address": "x", "postal_code": "13001", "city": "M"},
    ).content.decode()
    assert "Une résidence porte déjà ce nom." in html
    essms = {"name": "Les Platanes", "kind": "residence_accueil", "address": "x", "postal_code": "13001", "city": "M"}
    html = client.post(reverse("residences:residence_create"), essms | {"is_essms": "on"}).content.decode()
    assert "Dans un ESSMS, le séjour relève du contrat de séjour (CASF)" in html
    html = client.post(
        reverse("residences:residence_create"), essms | {"essms_resident_notice_days": "15"}
    ).content.decode()
    assert "Seul un ESSMS fixe le préavis du résident" in html
    assert not Residence.objects.filter(name="Les Platanes").exists()
    response = client.post(
        reverse("residences:residence_create"), essms | {"is_essms": "on", "essms_resident_notice_days": "15"}
    )
    residence = Residence.objects.get(name="Les Platanes")
    assert response.status_code == 302 and residence.essms_resident_notice_days == 15
    html = page_of(client, reverse("residences:residence_edit", args=[residence.pk]))
    assert 'name="essms_resident_notice_days" value="15"' in html
    assert "préavis du résident : 15 jours (contrat de séjour)" in page_of(
        client, reverse("residences:residence_detail", args=[residence.pk])
    )


def test_the_26th_place_shows_a_soft_warning(client, world, houses):
    director = world.users["director"]
    for number in range(3, 26):
        make_place(director, houses["pleiades"], str(number))
    client.force_login(director)
    html = page_of(client, reverse("residences:residence_detail", args=[houses["pleiades"].pk]))
    assert "plus de 25 places" not in html
    response = client.post(
        reverse("residences:place_create", args=[houses["pleiades"].pk]),
        {"label": "26", "kind": "studio", "typology": "T1", "surface": "20"},
        follow=True,
    )
    html = response.content.decode()
    assert "La résidence dépasse 25 places" in html
    assert "plus de 25 places" in html
    assert Place.objects.filter(residence=houses["pleiades"]).count() == 26


def test_the_residence_list_costs_a_constant_number_of_queries(client, world, houses, django_assert_max_num_queries):
    director = world.users["director"]
    for number in range(5):
        make_residence(director, f"Maison {number}")
    client.force_login(director)
    with django_assert_max_num_queries(12):
        page_of(client, reverse("residences:residence_list"))


def test_an_entry_then_an_exit_from_the_residence_page(client, world, houses):
    from django.utils import timezone

    from habiter.core.models import AuditEvent
    from habiter.residences.models import ResidenceStay

    director = world.users["director"]
    place = Place.objects.get(residence=houses["pleiades"], label="1")
    resident = world.own_household.members.first()
    client.force_login(director)
    html = page_of(client, reverse("residences:place_entry", args=[place.pk]))
    assert "Lefèvre" in html
    today = timezone.localdate()
    response = client.post(
        reverse("residences:place_entry", args=[place.pk]),
        {"resident": resident.pk, "entered_on": today.isoformat()},
    )
    assert response.status_code == 302
    stay = ResidenceStay.objects.get(place=place)
    detail = reverse("residences:residence_detail", args=[houses["pleiades"].pk])
    client.force_login(world.users["host"])  # the host sees who lives there
    before = AuditEvent.objects.filter(action="household.list").count()
    html = page_of(client, detail)
    assert "Occupée" in html and str(resident) in html and "Sortie" not in html
    assert AuditEvent.objects.filter(action="household.list").count() == before + 1
    page_of(client, reverse("residences:stay_exit", args=[stay.pk]), status=404)
    client.force_login(director)
    html = page_of(client, reverse("residences:stay_exit", args=[stay.pk]))
    response = client.post(
        reverse("residences:stay_exit", args=[stay.pk]), {"left_on": today.isoformat(), "exit_destination": ""}
    )
    assert "Ce champ est obligatoire" in response.content.decode()
    response = client.post(
        reverse("residences:stay_exit", args=[stay.pk]),
        {"left_on": today.isoformat(), "exit_destination": "ordinary_housing"},
    )
    assert response.status_code == 302
    assert ResidenceStay.objects.get(pk=stay.pk).exit_destination == "ordinary_housing"


def test_the_household_page_shows_the_stay_to_those_who_follow_the_household(client, world, houses):
    from .factories import make_stay

    place = Place.objects.get(residence=houses["pleiades"], label="1")
    make_stay(world.users["director"], place, world.own_household, date(2026, 1, 5))
    url = reverse("people:household_detail", args=[world.own_household.pk])
    client.force_login(world.users["social_worker"])  # the household's referent: no access to the residences
    html = page_of(client, url)
    assert "Pension de famille" in html and "Les Pléiades" in html and "5 janvier 2026" in html
    assert reverse("residences:residence_detail", args=[houses["pleiades"].pk]) not in html
    client.force_login(world.users["director"])
    assert reverse("residences:residence_detail", args=[houses["pleiades"].pk]) in page_of(client, url)
    client.force_login(world.users["social_worker"])
    other = page_of(client, reverse("people:household_detail", args=[world.other_team_household.pk]), status=404)
    assert "Les Pléiades" not in other
