from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.people.tests.factories import make_household
from habiter.residences import queries, services
from habiter.residences.models import HouseActivity, IndividualSupport

from .factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db


@pytest.fixture
def house(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    make_house_rules(director, residence)
    resident = world.own_household.members.first()
    make_active_contract(director, make_place(director, residence, "1"), resident, starts_on=date(2026, 1, 5))
    return residence, resident


def _activity(actor, residence, held_on, participants, **extra):
    return services.house_activity_record(
        actor=actor,
        residence_id=residence.pk,
        held_on=held_on,
        kind=extra.pop("kind", "meal"),
        title=extra.pop("title", "Repas partagé"),
        participant_ids=[p.pk for p in participants],
        **extra,
    )


def test_the_host_logs_an_activity_with_residents_and_volunteers(world, house):
    residence, resident = house
    volunteer = world.users["volunteer"]
    activity = _activity(world.users["host"], residence, date(2026, 2, 12), [resident], helper_ids=[volunteer.pk])
    assert list(activity.participants.all()) == [resident] and list(activity.helpers.all()) == [volunteer]
    assert AuditEvent.objects.get(action="house_activity.record").detail == {"participants": 1}


def test_only_residents_of_the_house_and_volunteers_of_the_organisation(world, house):
    residence, resident = house
    host = world.users["host"]
    stranger = world.other_team_household.members.first()
    with pytest.raises(ValidationError) as refused:
        _activity(host, residence, date(2026, 2, 12), [resident, stranger])
    assert "Choisissez des résidents de la maison." in str(refused.value)
    for helper in (world.users["social_worker"], UserFactory(organisation=world.other_organisation, role="volunteer")):
        with pytest.raises(ValidationError):
            _activity(host, residence, date(2026, 2, 12), [resident], helper_ids=[helper.pk])
    assert not HouseActivity.objects.exists()
    for role in ("team_lead", "social_worker", "volunteer"):
        with pytest.raises(PermissionDenied):
            _activity(world.users[role], residence, date(2026, 2, 12), [resident])


def test_an_individual_support_is_about_one_resident_and_says_its_kind(world, house):
    residence, resident = house
    record = dict(
        actor=world.users["host"],
        residence_id=residence.pk,
        resident_id=resident.pk,
        given_on=date(2026, 2, 13),
        note="Accompagné à la CAF pour le dossier d'APL.",
    )
    for kind in ("", "conseil"):  # the kind is asked: it sorts the support into the categories of R82
        with pytest.raises(ValidationError) as refused:
            services.individual_support_record(**record, kind=kind)
        assert refused.value.message_dict == {"kind": ["Dites de quelle nature est ce soutien."]}
    assert not IndividualSupport.objects.exists()
    support = services.individual_support_record(**record, kind="mediation")
    assert support.resident == resident and support.get_kind_display().startswith("Médiation vers les services")
    assert AuditEvent.objects.get(action="individual_support.record").household_id == world.own_household.pk


def test_the_participation_table_counts_per_month_in_a_constant_number_of_queries(
    world, house, django_assert_num_queries
):
    residence, resident = house
    director, host = world.users["director"], world.users["host"]
    others = []
    for number in range(2, 8):
        household = make_household(director, name=f"Résident {number}")
        person = household.members.first()
        make_active_contract(director, make_place(director, residence, str(number)), person, starts_on=date(2026, 1, 5))
        others.append(person)
    _activity(host, residence, date(2026, 1, 15), [resident, *others[:3]])
    _activity(host, residence, date(2026, 2, 12), [resident])
    _activity(host, residence, date(2026, 2, 26), [resident, *others])
    _activity(host, residence, date(2025, 12, 18), [resident])  # another year
    with django_assert_num_queries(3):
        table = queries.participation_table(residence, year=2026)
    assert table["activities"][:3] == [1, 2, 0] and table["total"] == 3
    row = next(r for r in table["rows"] if r["person"] == resident)
    assert row["months"][:3] == [1, 2, 0] and row["total"] == 3
    assert len(table["rows"]) == 7
