"""Setting a contract's redevance lines from a date (W7): history kept, APL-foyer maximum, who may."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.residences import queries, services
from habiter.residences.models import AplMaximum, RedevanceLine

from .factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def house(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    make_house_rules(director, residence, date(2025, 1, 6))
    place = make_place(director, residence, "1", typology="T1")
    contract = make_active_contract(director, place, world.own_household.members.first())
    services.apl_maximum_save(
        actor=director, maximum=AplMaximum(residence=residence, typology="T1", year=2024, amount=D("430.00"))
    )
    other = make_residence(director, "Soleil")
    make_house_rules(director, other, date(2025, 1, 6))
    return {"residence": residence, "place": place, "contract": contract, "other": other}


def lines(
    rent="300.00", charges="80.00", services_=(("prestation_obligatoire", "Ménage des parties communes", "25.00"),)
):
    result = [{"kind": "equivalence_loyer", "label": "", "amount": D(rent)}]
    if charges is not None:
        result.append({"kind": "charges", "label": "", "amount": D(charges)})
    result += [{"kind": kind, "label": label, "amount": D(amount)} for kind, label, amount in services_]
    return result


def test_new_lines_from_a_later_day_keep_the_earlier_ones(world, house):
    host, contract = world.users["host"], house["contract"]
    services.redevance_set(actor=host, contract_id=contract.pk, valid_from=date(2026, 2, 2), lines=lines())
    services.redevance_set(
        actor=host,
        contract_id=contract.pk,
        valid_from=date(2026, 4, 1),
        lines=lines(rent="320.00", services_=(("prestation_facultative", "Repas du soir", "40.00"),)),
    )
    assert RedevanceLine.objects.filter(contract=contract).count() == 6
    march = queries.redevance_in_force(contract, date(2026, 3, 31))
    # 300.00 + 80.00 + 25.00
    assert (march.valid_from, march.total, march.apl_base, march.valid_to) == (
        date(2026, 2, 2),
        D("405.00"),
        D("380.00"),
        date(2026, 3, 31),
    )
    # 320.00 + 80.00 + 40.00
    assert queries.redevance_monthly_total(contract, date(2026, 4, 1)) == D("440.00")
    assert queries.redevance_in_force(contract, date(2026, 2, 1)) is None
    events = AuditEvent.objects.filter(action="redevance.set").order_by("id")
    assert [e.detail["replaces"] for e in events] == [None, "2026-02-02"]
    assert events[1].household_id == world.own_household.pk


def test_the_apl_base_up_to_the_revised_maximum_is_accepted_and_one_cent_above_refused(world, house):
    contract = house["contract"]
    # 2026 maximum of a T1: 430.00 (2024) → 444.01 (2025) → 448.63 (2026), IRL of Q2
    with pytest.raises(ValidationError) as refused:
        services.redevance_set(
            actor=world.users["host"],
            contract_id=contract.pk,
            valid_from=date(2026, 3, 1),
            lines=lines(rent="368.64", charges="80.00"),
        )
    message = str(refused.value)
    assert "448,64 €" in message and "maximum de la convention APL pour un T1 en 2026 : 448,63 €" in message
    assert not RedevanceLine.objects.exists()
    # the services are outside the base: a large compulsory service does not count
    services.redevance_set(
        actor=world.users["host"],
        contract_id=contract.pk,
        valid_from=date(2026, 3, 1),
        lines=lines(rent="368.63", charges="80.00", services_=(("prestation_obligatoire", "Mobilier", "200.00"),)),
    )
    assert queries.redevance_monthly_total(contract, date(2026, 3, 1)) == D("648.63")


def test_the_maximum_of_2025_applies_to_lines_from_2025(world, house):
    assert queries.apl_maximum(house["residence"].pk, "T1", 2025).amount == D("444.01")
    assert queries.apl_maximum(house["residence"].pk, "T1", 2023).amount is None
    assert queries.apl_maximum(house["residence"].pk, "T2", 2026).amount is None  # no maximum for a T2: no check
    figure = queries.apl_maximum(house["residence"].pk, "T1", 2027)  # IRL of Q2 2026 not known yet
    assert figure.amount is None and figure.base_year == 2024
    director = world.users["director"]
    with pytest.raises(ValidationError) as refused:
        services.redevance_set(
            actor=director, contract_id=house["contract"].pk, valid_from=date(2027, 1, 1), lines=lines()
        )
    assert "il manque un IRL du 2e trimestre" in str(refused.value)


@pytest.mark.parametrize(
    ("valid_from", "given", "message"),
    [
        (date(2026, 2, 1), lines(), "ne peut pas précéder le début du contrat"),
        (date(2026, 3, 1), lines()[1:], "une et une seule équivalence de loyer"),
        (date(2026, 3, 1), lines() + lines()[:1], "une et une seule équivalence de loyer"),
        (date(2026, 3, 1), lines() + lines()[1:2], "une seule ligne de charges"),
        (date(2026, 3, 1), lines(services_=(("prestation_facultative", " ", "10.00"),)), "Nommez chaque prestation"),
        (date(2026, 3, 1), lines(charges="-1.00"), "montant positif ou nul"),
    ],
)
def test_lines_that_do_not_hold_together_are_refused(world, house, valid_from, given, message):
    with pytest.raises(ValidationError) as refused:
        services.redevance_set(
            actor=world.users["director"], contract_id=house["contract"].pk, valid_from=valid_from, lines=given
        )
    assert message in str(refused.value)
    assert not RedevanceLine.objects.exists()


def test_a_set_never_overwrites_one_of_the_same_day_or_earlier(world, house):
    director, contract = world.users["director"], house["contract"]
    services.redevance_set(actor=director, contract_id=contract.pk, valid_from=date(2026, 3, 1), lines=lines())
    for day in (date(2026, 3, 1), date(2026, 2, 15)):
        with pytest.raises(ValidationError) as refused:
            services.redevance_set(actor=director, contract_id=contract.pk, valid_from=day, lines=lines(rent="1.00"))
        assert "déjà fixée à partir du 01/03/2026" in str(refused.value)
    assert RedevanceLine.objects.filter(amount=D("1.00")).count() == 0


def test_who_may_set_the_redevance(world, house):
    contract = house["contract"]
    for role in ("team_lead", "social_worker", "volunteer", "accountant"):
        with pytest.raises(PermissionDenied):
            services.redevance_set(
                actor=world.users[role], contract_id=contract.pk, valid_from=date(2026, 3, 1), lines=lines()
            )
    other_host = UserFactory(username="a.host2", organisation=world.organisation, role=Role.HOST)
    services.residence_update(
        actor=world.users["director"],
        residence_id=house["other"].pk,
        data={},
        host_ids=[other_host.pk],
    )
    with pytest.raises(Exception) as refused:  # the host of another residence
        services.redevance_set(actor=other_host, contract_id=contract.pk, valid_from=date(2026, 3, 1), lines=lines())
    assert refused.type.__name__ == "DoesNotExist"
    other_director = UserFactory(username="b.director", organisation=world.other_organisation, role=Role.DIRECTOR)
    with pytest.raises(Exception) as refused:  # another organisation
        services.redevance_set(
            actor=other_director, contract_id=contract.pk, valid_from=date(2026, 3, 1), lines=lines()
        )
    assert refused.type.__name__ == "DoesNotExist"
    assert not RedevanceLine.objects.exists()


def test_who_may_save_a_convention_maximum(world, house):
    """The director here; the host of the residence too, and the other roles: test_apl_maxima.py."""
    maximum = AplMaximum(residence=house["residence"], typology="T2", year=2025, amount=D("520.00"))
    for user in (
        world.users["team_lead"],
        UserFactory(username="b.director", organisation=world.other_organisation, role=Role.DIRECTOR),
    ):
        with pytest.raises(PermissionDenied):
            services.apl_maximum_save(actor=user, maximum=maximum)
    saved = services.apl_maximum_save(actor=world.users["director"], maximum=maximum)
    assert saved.status == "UNCONFIRMED" and saved.organisation_id == world.organisation.pk
    assert AuditEvent.objects.filter(action="apl_maximum.create").count() == 2
