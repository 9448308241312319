"""W12 (CCH L633-4, R633-5): from 30 residents holding a contract in force, a logement-foyer that is not an ESSMS must
have a conseil de concertation; while it has none, the residence page and the host's home panel say so."""

from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from habiter.community.tests.factories import make_council
from habiter.people.tests.factories import make_household
from habiter.residences import concertation, rules, services
from habiter.residences.models import Residence

from .factories import make_active_contract, make_house_rules, make_place, make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db

WEDNESDAY_11_MARCH_2026 = datetime(2026, 3, 11, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
WARNING = "un conseil de concertation doit être mis en place"


@pytest.fixture(autouse=True)
def _march_2026():
    with time_machine.travel(WEDNESDAY_11_MARCH_2026, tick=False):
        yield


@pytest.mark.parametrize(
    ("residents", "is_essms", "has_council", "missing"),
    [
        (29, False, False, False),  # below the threshold
        (30, False, False, True),  # the threshold reached, no council
        (45, False, False, True),
        (30, False, True, False),  # a conseil de concertation set up
        (30, True, False, False),  # an ESSMS: the L633 regime does not apply (L633-5), its body is the CVS
    ],
)
def test_a_conseil_de_concertation_is_missing_from_30_residents_outside_an_essms(
    residents, is_essms, has_council, missing
):
    assert rules.concertation_council_missing(residents, 30, is_essms=is_essms, has_council=has_council) is missing


@pytest.fixture
def big_house(world):
    """« Les Cèdres », 30 places: 29 residents under a contract in force since 2 February 2026, a 30th whose contract
    is prepared, to sign."""
    director = world.users["director"]
    residence = make_residence(director, "Les Cèdres", kind="residence_sociale", hosts=[world.users["host"]])
    make_house_rules(director, residence)
    places = [make_place(director, residence, f"{n}") for n in range(1, 31)]
    for n, place in enumerate(places[:29], start=1):
        make_active_contract(director, place, make_household(director, name=f"Résident{n}").members.first())
    last = services.contract_create(
        actor=director,
        place_id=places[29].pk,
        resident_id=make_household(director, name="Résident30").members.first().pk,
        starts_on=date(2026, 3, 2),
    )
    return residence, last


def _activate(director, contract):
    services.contract_initial(actor=director, contract_id=contract.pk, ri_initialled_on=date(2026, 3, 2))
    services.contract_activate(actor=director, contract_id=contract.pk)


def _pages(client, world, residence):
    """The residence page (as the director) and the host's home page."""
    client.force_login(world.users["director"])
    detail = unescape(page_of(client, reverse("residences:residence_detail", args=[residence.pk])))
    client.force_login(world.users["host"])
    home = unescape(page_of(client, reverse("core:home")))
    return detail, home


def test_29_residents_under_contract_no_warning_30_the_warning(client, world, big_house):
    residence, last = big_house
    detail, home = _pages(client, world, residence)
    assert WARNING not in detail and WARNING not in home

    _activate(world.users["director"], last)
    detail, home = _pages(client, world, residence)
    assert (
        "30 résidents sont titulaires d'un contrat en cours : un conseil de concertation doit être mis en place "
        "(CCH L633-4 et R633-5, à partir de 30 résidents sous contrat)"
    ) in detail
    assert "30 résidents sous contrat, un conseil de concertation doit être mis en place" in home
    assert "Les Cèdres" in home.split(WARNING)[0].rsplit("<p", 1)[1]  # the panel names the residence
    (missing,) = concertation.concertation_missing(world.users["host"].hosted_residences.all(), date(2026, 3, 11))
    assert (missing.residence, missing.residents, missing.threshold) == (residence, 30, 30)


def test_a_resident_in_notice_still_counts_and_one_who_left_does_not(client, world, big_house):
    residence, last = big_house
    director = world.users["director"]
    _activate(director, last)
    services.contract_notice(actor=director, contract_id=last.pk, notice_on=date(2026, 3, 10))
    assert WARNING in _pages(client, world, residence)[0]
    services.contract_exit(actor=director, contract_id=last.pk, left_on=date(2026, 3, 11), exit_destination="unknown")
    detail, home = _pages(client, world, residence)
    assert WARNING not in detail and WARNING not in home


def test_a_conseil_de_concertation_ends_the_warning_a_conseil_de_maison_does_not(client, world, big_house):
    residence, last = big_house
    director = world.users["director"]
    _activate(director, last)
    make_council(director, "Conseil de Maison", residence=residence, kind="conseil_de_maison")
    assert WARNING in _pages(client, world, residence)[0]
    make_council(
        director,
        "Conseil de concertation des Cèdres",
        residence=residence,
        kind="conseil_concertation",
        legal_basis="cch_conseil_concertation",
    )
    detail, home = _pages(client, world, residence)
    assert WARNING not in detail and WARNING not in home


def test_an_essms_with_30_residents_is_not_warned(client, world, big_house):
    residence, last = big_house
    _activate(world.users["director"], last)
    # written directly: what is checked is the reading, not the residence form's ESSMS questions
    Residence.objects.filter(pk=residence.pk).update(is_essms=True, essms_resident_notice_days=15)
    detail, home = _pages(client, world, residence)
    assert WARNING not in detail and WARNING not in home
