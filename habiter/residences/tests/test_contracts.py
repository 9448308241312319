from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent
from habiter.residences import queries, services
from habiter.residences.models import GuestStay, Orientation, Residence, ResidenceContract, ResidenceStay, Vacancy

from .factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db


@pytest.fixture
def house(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]], deposit_amount=Decimal("350.00"))
    rules_2025 = make_house_rules(director, residence, date(2025, 1, 6), guest_nights_per_month=5)
    make_house_rules(director, residence, date(2026, 6, 1), guest_nights_per_month=10)
    other = make_residence(director, "Soleil")
    return {
        "residence": residence,
        "rules": rules_2025,
        "place": make_place(director, residence, "1"),
        "other_place": make_place(director, other, "S1"),
    }


def _resident(world):
    return world.own_household.members.first()


def test_a_contract_stays_to_sign_until_the_rules_are_initialled_then_occupies_the_place(world, house):
    director = world.users["director"]
    contract = services.contract_create(
        actor=director, place_id=house["place"].pk, resident_id=_resident(world).pk, starts_on=date(2026, 2, 2)
    )
    # the RI in force on the first day is frozen on the contract; the residence's deposit is copied
    assert contract.status == "to_sign" and contract.house_rules == house["rules"]
    assert contract.deposit_amount == Decimal("350.00")
    assert queries.occupancy(house["residence"], on=date(2026, 2, 2))[0].status == "reserved"
    with pytest.raises(ValidationError) as refused:
        services.contract_activate(actor=director, contract_id=contract.pk)
    assert "reste « à signer »" in str(refused.value)
    assert ResidenceContract.objects.get(pk=contract.pk).status == "to_sign"
    services.contract_initial(actor=director, contract_id=contract.pk, ri_initialled_on=date(2026, 1, 30))
    contract = services.contract_activate(actor=director, contract_id=contract.pk)
    assert contract.status == "active" and contract.stay.entered_on == date(2026, 2, 2)
    assert queries.occupancy(house["residence"], on=date(2026, 2, 1))[0].status == "free"
    occupied = queries.occupancy(house["residence"], on=date(2026, 2, 2))[0]
    assert occupied.status == "occupied" and occupied.contract == contract
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="contract.").order_by("id")] == [
        "contract.create",
        "contract.initial",
        "contract.activate",
    ]
    assert AuditEvent.objects.get(action="contract.activate").household_id == world.own_household.pk


def test_the_resident_notice_ends_8_days_later_then_the_exit_frees_the_place(world, house):
    director = world.users["director"]
    contract = make_active_contract(director, house["place"], _resident(world))
    contract = services.contract_notice(actor=director, contract_id=contract.pk, notice_on=date(2026, 3, 2))
    assert (contract.status, contract.notice_by, contract.ends_on) == ("notice", "resident", date(2026, 3, 10))
    with pytest.raises(ValidationError):  # a second notice is refused
        services.contract_notice(actor=director, contract_id=contract.pk, notice_on=date(2026, 3, 3))
    contract = services.contract_exit(
        actor=director, contract_id=contract.pk, left_on=date(2026, 3, 10), exit_destination="ordinary_housing"
    )
    stay = ResidenceStay.objects.get(pk=contract.stay_id)
    assert contract.status == "ended" and stay.left_on == date(2026, 3, 10)
    assert stay.exit_destination == "ordinary_housing"
    assert queries.occupancy(house["residence"], on=date(2026, 3, 10))[0].status == "occupied"
    assert queries.occupancy(house["residence"], on=date(2026, 3, 11))[0].status == "free"


def test_in_an_essms_the_resident_notice_is_the_one_of_its_contrat_de_sejour(world):
    """W1, W5: the stay in an ESSMS is governed by its contrat de séjour (CASF), not by CCH R633-3: a notice of 15
    days given on 2 March ends on 17 March, not 8 days later; the printed contract says so."""
    director = world.users["director"]
    residence = make_residence(director, "Les Platanes", is_essms=True, essms_resident_notice_days=15)
    make_house_rules(director, residence)
    contract = make_active_contract(director, make_place(director, residence), _resident(world))
    assert queries.contract_print_context(contract)["resident_notice_days"] == 15
    contract = services.contract_notice(actor=director, contract_id=contract.pk, notice_on=date(2026, 3, 2))
    assert (contract.status, contract.ends_on) == ("notice", date(2026, 3, 17))


def test_an_essms_states_its_notice_and_a_logement_foyer_does_not(world, house):
    director = world.users["director"]
    with pytest.raises(ValidationError) as refused:
        make_residence(director, "Les Platanes", is_essms=True)
    assert refused.value.message_dict["essms_resident_notice_days"] == [
        "Dans un ESSMS, le séjour relève du contrat de séjour (CASF) : indiquez le préavis du résident, en jours, "
        "qu'il prévoit."
    ]
    with pytest.raises(ValidationError) as refused:
        services.residence_update(
            actor=director, residence_id=house["residence"].pk, data={"essms_resident_notice_days": 15}
        )
    assert "Seul un ESSMS fixe le préavis du résident" in refused.value.message_dict["essms_resident_notice_days"][0]
    assert Residence.objects.get(pk=house["residence"].pk).essms_resident_notice_days is None
    # an ESSMS recorded before the field existed: its resident's notice waits for the days of its contrat de séjour
    contract = make_active_contract(director, house["place"], _resident(world))
    Residence.objects.filter(pk=house["residence"].pk).update(is_essms=True)
    with pytest.raises(ValidationError) as refused:
        services.contract_notice(actor=director, contract_id=contract.pk, notice_on=date(2026, 3, 2))
    assert "indiquez le préavis du résident" in refused.value.messages[0]
    assert ResidenceContract.objects.get(pk=contract.pk).status == "active"


def test_the_manager_terminates_on_a_ground_of_the_law_only(world, house):
    director = world.users["director"]
    contract = make_active_contract(director, house["place"], _resident(world))
    with pytest.raises(ValidationError) as refused:
        services.contract_terminate(
            actor=director,
            contract_id=contract.pk,
            termination_ground="dislike",
            notice_on=date(2026, 3, 2),
            termination_notified_by="registered",
        )
    assert "motif" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.contract_terminate(
            actor=director,
            contract_id=contract.pk,
            termination_ground="admission_conditions",
            notice_on=date(2026, 3, 2),
            termination_notified_by="email",  # not one of R75's three ways
        )
    assert refused.value.message_dict["termination_notified_by"] == [
        "Dites comment la résiliation a été notifiée au résident."
    ]
    contract = services.contract_terminate(
        actor=director,
        contract_id=contract.pk,
        termination_ground="admission_conditions",
        notice_on=date(2026, 3, 2),
        termination_notified_by="handed",
    )
    assert (contract.notice_by, contract.ends_on) == ("manager", date(2026, 6, 2))
    assert contract.termination_notified_by == "handed" and contract.formal_notice_delivered_on is None
    assert AuditEvent.objects.get(action="contract.terminate").detail == {
        "ground": "admission_conditions",
        "notified_by": "handed",
        "ends_on": "2026-06-02",
    }


@pytest.mark.parametrize("ground", ["breach", "unpaid"])
def test_a_termination_for_a_breach_or_unpaid_follows_a_delivered_formal_notice(world, house, ground):
    """R75 (Cass. 3e civ. 1er déc. 2016): the mise en demeure actually delivered, during the contract and before the
    termination is notified; the notice then runs one month (breach) from the notification."""
    director = world.users["director"]
    contract = make_active_contract(director, house["place"], _resident(world))
    terminate = partial(
        services.contract_terminate,
        actor=director,
        contract_id=contract.pk,
        termination_ground=ground,
        notice_on=date(2026, 3, 2),
        termination_notified_by="bailiff",
    )
    with pytest.raises(ValidationError) as refused:
        terminate()
    assert refused.value.message_dict["formal_notice_delivered_on"] == [
        "Pour ce motif, la résiliation n'opère qu'après une mise en demeure effectivement remise au résident "
        "(Cass. 3e civ., 1er déc. 2016) : indiquez le jour où elle lui a été remise."
    ]
    for late_or_early in (date(2026, 3, 3), contract.starts_on - timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            terminate(formal_notice_delivered_on=late_or_early)
        assert "avant la notification de la résiliation" in str(refused.value)
    assert ResidenceContract.objects.get(pk=contract.pk).status == "active"
    assert not AuditEvent.objects.filter(action="contract.terminate").exists()

    contract = terminate(formal_notice_delivered_on=date(2026, 2, 16))
    assert contract.status == "notice" and contract.formal_notice_delivered_on == date(2026, 2, 16)
    assert contract.termination_notified_by == "bailiff"


def test_an_exit_without_a_destination_writes_nothing(world, house):
    director = world.users["director"]
    contract = make_active_contract(director, house["place"], _resident(world))
    with pytest.raises(ValidationError):
        services.contract_exit(actor=director, contract_id=contract.pk, left_on=date(2026, 3, 2), exit_destination="")
    assert ResidenceContract.objects.get(pk=contract.pk).status == "active"
    assert ResidenceStay.objects.get(pk=contract.stay_id).left_on is None
    assert not AuditEvent.objects.filter(action="contract.exit").exists()


def test_one_open_contract_per_place_and_no_contract_without_rules_in_force(world, house):
    director = world.users["director"]
    services.contract_create(
        actor=director, place_id=house["place"].pk, resident_id=_resident(world).pk, starts_on=date(2026, 2, 2)
    )
    with pytest.raises(ValidationError) as refused:
        services.contract_create(
            actor=director, place_id=house["place"].pk, resident_id=_resident(world).pk, starts_on=date(2026, 3, 2)
        )
    assert "existe déjà pour cette place" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.contract_create(
            actor=director,
            place_id=house["other_place"].pk,
            resident_id=_resident(world).pk,
            starts_on=date(2026, 2, 2),
        )
    assert "pas de règlement intérieur en vigueur" in str(refused.value)
    assert ResidenceContract.objects.count() == 1


def test_who_may_prepare_a_contract(world, house):
    host = world.users["host"]
    for role in ("team_lead", "social_worker", "volunteer", "accountant"):
        with pytest.raises(PermissionDenied):
            services.contract_create(
                actor=world.users[role],
                place_id=house["place"].pk,
                resident_id=_resident(world).pk,
                starts_on=date(2026, 2, 2),
            )
    with pytest.raises(ValidationError) as refused:  # a host opens no household's file: only residents in place
        services.contract_create(
            actor=host, place_id=house["place"].pk, resident_id=_resident(world).pk, starts_on=date(2026, 2, 2)
        )
    assert "Choisissez un résident de la liste." in str(refused.value)
    with pytest.raises(Exception) as refused:  # a residence the host does not host
        services.contract_create(
            actor=host, place_id=house["other_place"].pk, resident_id=_resident(world).pk, starts_on=date(2026, 2, 2)
        )
    assert refused.type.__name__ == "DoesNotExist"


def test_a_host_makes_the_contract_of_a_resident_already_in_place(world, house):
    director, host = world.users["director"], world.users["host"]
    stay = services.stay_enter(
        actor=director, place_id=house["place"].pk, resident_id=_resident(world).pk, entered_on=date(2025, 3, 3)
    )
    contract = services.contract_create(
        actor=host, place_id=house["place"].pk, resident_id=_resident(world).pk, starts_on=date(2025, 3, 3)
    )
    assert contract.stay == stay
    services.contract_initial(actor=host, contract_id=contract.pk, ri_initialled_on=date(2025, 3, 3))
    contract = services.contract_activate(actor=host, contract_id=contract.pk)
    assert ResidenceStay.objects.count() == 1 and contract.stay == stay


def test_the_admitted_candidate_gets_a_contract_that_fills_the_vacancy(world, house):
    director, host = world.users["director"], world.users["host"]
    vacancy = services.vacancy_declare(actor=host, place_id=house["place"].pk, declared_on=date(2026, 1, 5))
    orientation = services.orientation_receive(
        actor=director,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO-13-0042",
        candidate_name="M. Karim Saïdi",
        received_on=date(2026, 1, 12),
        household_id=world.own_household.pk,
    )
    services.orientation_interview_add(
        actor=host, orientation_id=orientation.pk, held_on=date(2026, 1, 20), led_by_id=host.pk, attendance="came"
    )
    services.orientation_decide(
        actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 22)
    )
    with pytest.raises(ValidationError) as refused:
        services.contract_create(
            actor=host,
            place_id=house["place"].pk,
            resident_id=_resident(world).pk,
            starts_on=date(2026, 2, 2),
            orientation_id=orientation.pk,
        )
    assert "Notifiez d'abord" in str(refused.value)
    services.orientation_notify(actor=host, orientation_id=orientation.pk, notified_on=date(2026, 1, 23))
    contract = services.contract_create(
        actor=host,
        place_id=house["place"].pk,
        resident_id=_resident(world).pk,
        starts_on=date(2026, 2, 2),
        orientation_id=orientation.pk,
    )
    services.contract_initial(actor=host, contract_id=contract.pk, ri_initialled_on=date(2026, 2, 2))
    contract = services.contract_activate(actor=host, contract_id=contract.pk)
    assert Orientation.objects.get(pk=orientation.pk).stay == contract.stay
    assert Vacancy.objects.get(pk=vacancy.pk).filled_by == contract.stay


def test_guest_nights_alert_at_the_limit_of_the_frozen_rules(world, house):
    host = world.users["host"]
    contract = make_active_contract(world.users["director"], house["place"], _resident(world))
    _stay, alerts = services.guest_stay_record(
        actor=host,
        contract_id=contract.pk,
        guest_name="Paul Martin",
        arrived_on=date(2026, 2, 27),
        left_on=date(2026, 3, 3),
    )
    assert alerts == {}  # 2 nights in March
    _stay, alerts = services.guest_stay_record(
        actor=host,
        contract_id=contract.pk,
        guest_name="paul martin",
        arrived_on=date(2026, 3, 20),
        left_on=date(2026, 3, 23),
    )
    assert alerts == {"Paul Martin": 5}  # 2 + 3 nights in March: the RI of 2025 allows 5
    assert [a["guest"] for a in queries.guest_alerts(house["residence"], date(2026, 3, 15))] == ["Paul Martin"]
    assert queries.guest_alerts(house["residence"], date(2026, 2, 15)) == []
    with pytest.raises(ValidationError):
        services.guest_stay_record(
            actor=host, contract_id=contract.pk, guest_name="Léa", arrived_on=date(2026, 3, 5), left_on=date(2026, 3, 5)
        )
    assert GuestStay.objects.count() == 2 and AuditEvent.objects.filter(action="guest_stay.record").count() == 2


def test_a_resident_under_contract_leaves_through_the_contract_and_the_place_is_not_declared_vacant(world, house):
    director = world.users["director"]
    contract = services.contract_create(
        actor=director, place_id=house["place"].pk, resident_id=_resident(world).pk, starts_on=date(2026, 2, 2)
    )
    with pytest.raises(ValidationError) as refused:  # a contract to sign holds the place
        services.vacancy_declare(actor=director, place_id=house["place"].pk, declared_on=date(2026, 2, 3))
    assert "Un contrat est en cours ou à signer" in str(refused.value)
    services.contract_initial(actor=director, contract_id=contract.pk, ri_initialled_on=date(2026, 2, 2))
    contract = services.contract_activate(actor=director, contract_id=contract.pk)
    with pytest.raises(ValidationError) as refused:
        services.stay_exit(
            actor=director, stay_id=contract.stay_id, left_on=date(2026, 3, 2), exit_destination="unknown"
        )
    assert "sa sortie s'enregistre sur le contrat" in str(refused.value)
    assert ResidenceStay.objects.get(pk=contract.stay_id).left_on is None
