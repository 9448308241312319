"""The statutory CVS on its council's page (DOMAIN-2 W15, W16, W18): its composition and the adoption of its
règlement intérieur at its first meeting are checked only for a council whose legal basis is `casf_cvs`."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from habiter.community import services

from .factories import make_council, make_meeting
from .test_views import page_of

pytestmark = pytest.mark.django_db


# --- the council's page ---------------------------------------------------------------------------------------


def _statutory(director, name="CVS du CHRS"):
    return make_council(director, name, kind="cvs", legal_basis="casf_cvs")


def _seat(director, council, role, name, **term):
    term.setdefault("term_start", timezone.localdate() - timedelta(days=60))
    return services.member_add(actor=director, council_id=council.pk, role=role, name=name, **term)


def test_the_page_of_a_statutory_cvs_says_what_its_composition_lacks(client, world):
    director = world.users["director"]
    council = _statutory(director)
    _seat(director, council, "resident_rep", "Mme Diallo")
    _seat(director, council, "resident_rep", "M. Benali")
    _seat(director, council, "staff_rep", "Mme Roux")
    _seat(director, council, "resident_rep", "M. Petit", term_end=timezone.localdate() - timedelta(days=1))
    client.force_login(director)
    html = page_of(client, reverse("community:council_detail", args=[council.pk]))
    assert "Obligations du conseil de la vie sociale" in html
    assert "Aucun représentant de l&#x27;organisme gestionnaire en mandat : il en faut au moins 1." in html
    assert "Représentants des personnes accompagnées, des familles et des représentants légaux" not in html
    assert "Représentants des personnes accompagnées : 2</li>" in html  # M. Petit's term has ended: 2 of 3

    _seat(director, council, "manager_rep", "M. Martin")
    html = page_of(client, reverse("community:council_detail", args=[council.pk]))
    assert (
        "Représentants des personnes accompagnées, des familles et des représentants légaux : 2 sur 4 membres en "
        "mandat ; ils doivent être plus de la moitié." in html
    )  # exactly half
    _seat(director, council, "family_rep", "Mme Diallo mère")
    html = page_of(client, reverse("community:council_detail", args=[council.pk]))
    assert "Composition conforme." in html and "en mandat : il en faut" not in html


def test_a_council_of_another_basis_shows_no_cvs_check(client, world):
    director = world.users["director"]
    council = make_council(director, "CVS ouvert à tous")  # Alpa's monthly voluntary CVS: no statutory rule (W15)
    _seat(director, council, "resident_rep", "Mme Diallo")
    make_meeting(director, council, days=-20, proposals_days=-21)
    client.force_login(director)
    html = page_of(client, reverse("community:council_detail", args=[council.pk]))
    assert "Obligations du conseil de la vie sociale" not in html and "D311-19" not in html


def test_the_first_meeting_held_adopts_the_rules(client, world):
    director = world.users["director"]
    council = _statutory(director)
    client.force_login(director)
    url = reverse("community:council_detail", args=[council.pk])
    assert "À adopter à la première réunion du conseil (CASF D311-19)." in page_of(client, url)

    first = make_meeting(director, council, days=-20, proposals_days=-21)
    make_meeting(director, council, days=30)  # one to come does not count
    day = timezone.localtime(first.starts_at).strftime("%d/%m/%Y")
    html = page_of(client, url)
    assert f"La première réunion, le {day}, n&#x27;a pas adopté le règlement intérieur" in html
    assert 'class="alert alert--coming">La première réunion' in html

    response = client.post(
        reverse("community:meeting_detail", args=[first.pk]),
        {"step": "decision", "decision-text": "Le CVS adopte son règlement intérieur.", "decision-adopts_rules": "on"},
        follow=True,
    )
    assert "Décision notée : le règlement intérieur est adopté." in response.content.decode()
    assert "adoption du règlement intérieur" in response.content.decode()
    html = page_of(client, url)
    assert f"Adopté à la première réunion, le {day}." in html and "n&#x27;a pas adopté" not in html


def test_rules_adopted_at_a_later_meeting_are_noted_late(client, world):
    director = world.users["director"]
    council = _statutory(director)
    first = make_meeting(director, council, days=-40, proposals_days=-41)
    second = make_meeting(director, council, days=-10, proposals_days=-11)
    services.decision_record(actor=director, meeting_id=first.pk, text="Calendrier de l'année.")
    services.decision_record(actor=director, meeting_id=second.pk, text="RI adopté.", adopts_rules=True)
    client.force_login(director)
    html = page_of(client, reverse("community:council_detail", args=[council.pk]))
    first_day = timezone.localtime(first.starts_at).strftime("%d/%m/%Y")
    second_day = timezone.localtime(second.starts_at).strftime("%d/%m/%Y")
    assert f"Adopté à la réunion du {second_day}, pas à la première ({first_day})" in html
