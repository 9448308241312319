"""W12: in a residence where at least 30 residents hold a contract, a new version of the règlement intérieur is
linked to the meeting of the conseil de concertation that was consulted on it; below, the link is offered, not
required. `residences` asks through its registry, `community` answers."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habiter.people.tests.factories import make_household
from habiter.residences import services as residence_services
from habiter.residences.models import HouseRules
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .factories import make_council, make_meeting

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 6, 15, 10, tzinfo=timezone.get_default_timezone())


def _residence_with(director, contracts: int):
    residence = make_residence(director, name=f"Résidence de {contracts}")
    make_house_rules(director, residence)
    for number in range(contracts):
        household = make_household(director, name=f"Résident {number}")
        make_active_contract(director, make_place(director, residence, label=str(number)), household.members.first())
    return residence


def _concertation(director, residence):
    return make_council(
        director,
        f"Conseil de concertation {residence.name}",
        residence=residence,
        kind="conseil_concertation",
        legal_basis="cch_conseil_concertation",
    )


def _add(director, residence, **extra):
    return residence_services.house_rules_add(
        actor=director, residence_id=residence.pk, valid_from=date(2026, 9, 1), text="Article 1 révisé", **extra
    )


@time_machine.travel(TODAY, tick=False)
def test_thirty_residents_under_contract_need_the_consultation(world):
    director = world.users["director"]
    residence = _residence_with(director, 30)
    council = _concertation(director, residence)
    held = make_meeting(director, council, days=-20)
    coming = make_meeting(director, council, days=10)
    other = make_meeting(director, _concertation(director, _residence_with(director, 0)), days=-5)

    with pytest.raises(ValidationError) as refused:
        _add(director, residence)
    assert refused.value.message_dict["consultation"] == [
        "30 résidents sont titulaires d'un contrat : le conseil de concertation est consulté sur toute révision du "
        "règlement intérieur (CCH L633-4). Choisissez la réunion où il l'a été."
    ]
    for meeting in (coming, other):  # not held yet; another residence's council
        with pytest.raises(ValidationError):
            _add(director, residence, consultation=str(meeting.pk))
    assert not HouseRules.objects.filter(valid_from=date(2026, 9, 1)).exists()

    version = _add(director, residence, consultation=str(held.pk))
    assert version.consultation_meeting_id == held.pk
    assert version.consultation_label == f"Conseil de concertation {residence.name} — 26/05/2026"


@time_machine.travel(TODAY, tick=False)
def test_below_thirty_the_consultation_is_offered_not_required(client, world):
    director = world.users["director"]
    residence = _residence_with(director, 29)
    assert _add(director, residence).consultation_label == ""
    client.force_login(director)
    url = reverse("residences:house_rules_add", args=[residence.pk])
    assert "Réunion du conseil de concertation" not in client.get(url).content.decode()  # no council: no field

    held = make_meeting(director, _concertation(director, residence), days=-3)
    page = client.get(url).content.decode()
    assert "Réunion du conseil de concertation consultée sur cette version" in page
    response = client.post(
        url, {"valid_from": "01/10/2026", "text": "Article 1 révisé encore", "consultation": str(held.pk)}
    )
    assert response.status_code == 302
    version = HouseRules.objects.get(valid_from=date(2026, 10, 1))
    assert version.consultation_meeting_id == held.pk
    detail = client.get(reverse("residences:residence_detail", args=[residence.pk])).content.decode()
    assert "Consultation : " + version.consultation_label in detail
