"""The residence page shows its places free, reserved or occupied on any day chosen (`?le=`, the browser's calendar
or jj/mm/aaaa), today by default; a bad date is said in French and today shown; another day's statuses are read
only."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from habiter.residences import services

from .factories import make_active_contract, make_house_rules, make_place, make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db

WEDNESDAY_11_MARCH_2026 = datetime(2026, 3, 11, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def _march_2026():
    with time_machine.travel(WEDNESDAY_11_MARCH_2026, tick=False):
        yield


@pytest.fixture
def residence(world):
    """Place 1: a resident from 2 June to 15 December 2025; place 2: a contract in force from 2 February 2026;
    place 3: a contract prepared today (11 March 2026), to sign, from 1 April 2026."""
    director = world.users["director"]
    residence = make_residence(director, "Les Pléiades", hosts=[world.users["host"]], opened_on=date(2014, 12, 1))
    make_house_rules(director, residence)
    first, second, third = (make_place(director, residence, label) for label in ("1", "2", "3"))
    stay = services.stay_enter(
        actor=director,
        place_id=first.pk,
        resident_id=world.own_household.members.first().pk,
        entered_on=date(2025, 6, 2),
    )
    services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2025, 12, 15), exit_destination="social_housing")
    make_active_contract(director, second, world.other_team_household.members.first())
    services.contract_create(
        actor=director,
        place_id=third.pk,
        resident_id=world.own_household.members.first().pk,
        starts_on=date(2026, 4, 1),
    )
    return residence


def _statuses(html) -> list[str]:
    """The status of places 1, 2 and 3, in the table's order."""
    return re.findall(r'<span class="status status--(\w+)">', html)


def test_today_by_default_then_a_past_and_a_future_day(client, world, residence):
    client.force_login(world.users["director"])
    url = reverse("residences:residence_detail", args=[residence.pk])
    html = page_of(client, url)
    assert "Aujourd'hui (11 mars 2026)" in html and 'name="le" value="2026-03-11"' in html
    assert _statuses(html) == ["free", "occupied", "reserved"]
    assert "Revenir à aujourd" not in html and "Déclarer la vacance" in html  # today, place 1 is free to fill

    # 1 September 2025, picked in the calendar: the first resident lived in place 1; the others were not there yet
    html = page_of(client, url + "?le=2025-09-01")
    assert _statuses(html) == ["occupied", "free", "free"]
    assert "Le 1er septembre 2025" in html and 'name="le" value="2025-09-01"' in html
    assert "Statut des places le 1er septembre 2025" in html and "Revenir à aujourd" in html
    # another day is read only: no entry, exit, contract nor vacancy to make from it
    assert "Déclarer la vacance" not in html and "/entree/" not in html and "/sortie/" not in html

    # 15 April 2026, typed jj/mm/aaaa: place 1 free since 16 December, place 2 under contract, place 3 to sign
    html = page_of(client, url + "?le=15/04/2026")
    assert _statuses(html) == ["free", "occupied", "reserved"]
    assert "Le 15 avril 2026" in html and "contrat à signer" in html

    # 15 December 2025, the day of the exit, is still occupied (entry and exit days included); the 16th is free
    assert _statuses(page_of(client, url + "?le=15/12/2025"))[0] == "occupied"
    assert _statuses(page_of(client, url + "?le=16/12/2025"))[0] == "free"


def test_a_bad_date_is_said_in_french_and_today_is_shown(client, world, residence):
    client.force_login(world.users["host"])
    url = reverse("residences:residence_detail", args=[residence.pk])
    for bad in ("31/02/2026", "demain", "2026-13-01"):
        html = page_of(client, url + f"?le={bad}")
        assert "Date invalide : choisissez un jour dans le calendrier ou tapez-le en jj/mm/aaaa." in html, bad
        assert "Aujourd'hui (11 mars 2026)" in html
        assert _statuses(html) == ["free", "occupied", "reserved"]
    # an empty date is today
    assert "Aujourd'hui (11 mars 2026)" in page_of(client, url + "?le=")


def test_the_day_chosen_keeps_the_scopes(client, world, residence):
    client.force_login(world.users["social_worker"])
    page_of(client, reverse("residences:residence_detail", args=[residence.pk]) + "?le=2025-09-01", status=404)
    client.force_login(world.outsider)
    page_of(client, reverse("residences:residence_detail", args=[residence.pk]) + "?le=2025-09-01", status=404)
