"""The legal frame of a residence decides which statutory bodies exist there (W1, W15): the L633 conseil de
concertation and comité de résidents outside an ESSMS, the CASF's CVS in one; an elected comité de résidents has from
3 to 6 members (W13, décret 2016-300)."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habiter.community import queries, rules, services
from habiter.community.models import Council, Election
from habiter.people.tests.factories import make_household
from habiter.residences import services as residence_services
from habiter.residences.models import HouseRules
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .factories import make_council, make_election, make_meeting
from .test_views import page_of

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 6, 15, 10, tzinfo=timezone.get_default_timezone())


# --- the rules, with the table's numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "expected"),
    [(2, rules.COMITE_TOO_FEW), (3, None), (6, None), (7, rules.COMITE_TOO_MANY)],
)
def test_an_elected_comite_has_from_three_to_six_members(members, expected):
    assert rules.comite_size_bounds(date(2026, 6, 15)) == (3, 6)
    assert rules.comite_size_error(members, date(2026, 6, 15)) == expected


@pytest.mark.parametrize(
    ("basis", "essms", "expected"),
    [
        ("cch_conseil_concertation", True, rules.L633_IN_ESSMS),
        ("cch_comite_residents", True, rules.L633_IN_ESSMS),
        ("casf_cvs", True, None),
        ("casf_cvs", False, rules.CVS_OUTSIDE_ESSMS),
        ("cch_conseil_concertation", False, None),
        ("voluntary", True, None),
        ("voluntary", False, None),
    ],
)
def test_the_residences_legal_frame_decides_its_statutory_bodies(basis, essms, expected):
    assert rules.residence_basis_error(basis, essms) == expected


# --- councils of a residence ------------------------------------------------------------------------------


def test_no_l633_body_in_an_essms_and_no_statutory_cvs_outside_one(world):
    director = world.users["director"]
    essms = make_residence(
        director, name="Résidence accueil Les Platanes", is_essms=True, essms_resident_notice_days=30
    )
    house = make_residence(director, name="Les Pléiades")
    with pytest.raises(ValidationError) as refused:
        make_council(
            director, "Conseil de concertation", residence=essms, kind="conseil_concertation",
            legal_basis="cch_conseil_concertation",
        )  # fmt: skip
    assert refused.value.message_dict["legal_basis"] == [
        "« Résidence accueil Les Platanes » est un établissement social ou médico-social : le conseil de "
        "concertation et le comité de résidents ne s'y appliquent pas (CCH L633-5), son instance légale est le "
        "conseil de la vie sociale."
    ]
    with pytest.raises(ValidationError) as refused:
        make_council(director, "CVS", residence=house, kind="cvs", legal_basis="casf_cvs")
    assert "n'est pas un établissement social ou médico-social : un CVS n'y est pas obligatoire" in str(refused.value)
    assert not Council.objects.exists()  # nothing half-saved

    cvs = make_council(director, "CVS des Platanes", residence=essms, kind="cvs", legal_basis="casf_cvs")
    maison = make_council(director, "Conseil de Maison", residence=house, kind="conseil_de_maison")
    assert {c.pk for c in Council.objects.all()} == {cvs.pk, maison.pk}


@time_machine.travel(TODAY, tick=False)
def test_a_residence_that_becomes_an_essms_switches_the_l633_checks_off(client, world):
    director = world.users["director"]
    residence = make_residence(director, name="Les Platanes")
    council = make_council(
        director, "Conseil de concertation", residence=residence, kind="conseil_concertation",
        legal_basis="cch_conseil_concertation",
    )  # fmt: skip
    services.member_add(
        actor=director, council_id=council.pk, role="manager_rep", name="M. Martin", term_start=date(2026, 1, 5)
    )  # no resident's representative: badly composed
    url = reverse("community:council_detail", args=[council.pk])
    client.force_login(director)
    assert "Obligations du conseil de concertation" in page_of(client, url)
    assert [c.pk for c, _check in queries.concertation_alerts(director, TODAY.date())] == [council.pk]

    residence_services.residence_update(
        actor=director,
        residence_id=residence.pk,
        data={"is_essms": True, "essms_resident_notice_days": 30},
        host_ids=[],
    )
    html = page_of(client, url)
    assert "Obligations du conseil de concertation" not in html
    assert "ne s'y appliquent pas (CCH L633-5)" in html
    assert queries.concertation_alerts(director, TODAY.date()) == []


@time_machine.travel(TODAY, tick=False)
def test_in_an_essms_the_house_rules_are_revised_without_the_conseil_de_concertation(world):
    """W12 asks for a consultation of the conseil de concertation from 30 residents under contract; an ESSMS has
    none (W1): its new version of the règlement intérieur is not held back."""
    director = world.users["director"]
    residence = make_residence(director, name="Les Platanes", is_essms=True, essms_resident_notice_days=30)
    make_house_rules(director, residence)
    for number in range(30):
        household = make_household(director, name=f"Résident {number}")
        make_active_contract(director, make_place(director, residence, label=str(number)), household.members.first())
    version = residence_services.house_rules_add(
        actor=director, residence_id=residence.pk, valid_from=date(2026, 9, 1), text="Article 1 révisé"
    )
    assert version.consultation_label == ""
    assert HouseRules.objects.filter(residence=residence).count() == 2


# --- the comité de résidents ------------------------------------------------------------------------------


def _comite(director):
    residence = make_residence(director, name="Résidence sociale Les Tilleuls", kind="residence_sociale")
    return make_council(
        director, "Comité de résidents", residence=residence, kind="comite_residents",
        legal_basis="cch_comite_residents",
    )  # fmt: skip


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("seats", [2, 7])
def test_an_election_of_the_comite_fills_three_to_six_seats(world, seats):
    director = world.users["director"]
    council = _comite(director)
    day = TODAY.date()
    with pytest.raises(ValidationError) as refused:
        make_election(director, council, roll_date=day, candidacy_deadline=day, vote_on=day, seats=seats)
    assert refused.value.message_dict["seats"] == [
        "Un comité de résidents élu compte de 3 à 6 membres (décret 2016-300) : prévoyez entre 3 et 6 sièges, "
        "le nombre fixé par le règlement intérieur."
    ]
    assert not Election.objects.exists()
    election = make_election(director, council, roll_date=day, candidacy_deadline=day, vote_on=day, seats=4)
    assert election.seats == 4


@time_machine.travel(TODAY, tick=False)
def test_the_comites_page_counts_its_elected_residents(client, world):
    director = world.users["director"]
    council = _comite(director)
    url = reverse("community:council_detail", args=[council.pk])
    for name in ("Mme Diallo", "M. Benali"):
        services.member_add(
            actor=director, council_id=council.pk, role="resident_rep", name=name, term_start=date(2026, 1, 5)
        )
    for role, name, start in (
        ("substitute", "Mme Roux", date(2026, 1, 5)),  # a substitute is not a member
        ("manager_rep", "M. Martin", date(2026, 1, 5)),  # staff
        ("resident_rep", "M. Petit", date(2026, 7, 1)),  # term not begun
    ):
        services.member_add(actor=director, council_id=council.pk, role=role, name=name, term_start=start)
    client.force_login(director)
    html = page_of(client, url)
    assert "Obligations du comité de résidents" in html
    assert '<span class="alert alert--coming">2 résidents élus : un comité élu en compte de 3 à 6.</span>' in html

    services.member_add(
        actor=director, council_id=council.pk, role="member", name="Mme Nguyen", term_start=date(2026, 2, 1)
    )
    html = page_of(client, url)
    assert "3 résidents élus : un comité élu en compte de 3 à 6." in html
    assert "alert--coming" not in html.split("Obligations du comité de résidents")[1].split("</section>")[0]


@time_machine.travel(TODAY, tick=False)
def test_other_councils_show_no_comite_check(client, world):
    director = world.users["director"]
    council = make_council(director, "Conseil de Maison")
    make_meeting(director, council)
    client.force_login(director)
    assert "Obligations du comité de résidents" not in page_of(
        client, reverse("community:council_detail", args=[council.pk])
    )
