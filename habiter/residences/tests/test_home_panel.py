from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from habiter.residences import services

from .factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db


def test_the_host_home_lists_the_admission_work_of_their_residences_only(client, world, django_assert_max_num_queries):
    director, host = world.users["director"], world.users["host"]
    today = timezone.localdate()
    mine = make_residence(director, "Les Pléiades", hosts=[host])
    other = make_residence(director, "Soleil")
    waiting = services.vacancy_declare(
        actor=director, place_id=make_place(director, mine, "1").pk, declared_on=today - timedelta(days=9)
    )
    oriented = services.vacancy_declare(
        actor=director, place_id=make_place(director, mine, "2").pk, declared_on=today - timedelta(days=20)
    )
    services.vacancy_declare(
        actor=director, place_id=make_place(director, other, "S1").pk, declared_on=today - timedelta(days=3)
    )

    def orient(name):
        return services.orientation_receive(
            actor=director,
            vacancy_id=oriented.pk,
            siao_reference=f"SIAO-{name}",
            candidate_name=name,
            received_on=today - timedelta(days=15),
            household_id=world.own_household.pk,
        )

    to_fix, coming, refused, admitted = orient("Aline"), orient("Bruno"), orient("Chloé"), orient("Driss")
    services.orientation_interview_add(
        actor=host, orientation_id=coming.pk, held_on=today + timedelta(days=2), led_by_id=host.pk
    )
    for orientation in (refused, admitted):
        services.orientation_interview_add(
            actor=host,
            orientation_id=orientation.pk,
            held_on=today - timedelta(days=10),
            led_by_id=host.pk,
            attendance="came",
        )
    services.orientation_decide(
        actor=host,
        orientation_id=refused.pk,
        decision="refused",
        decided_on=today - timedelta(days=8),
        refusal_reason="autonomous",
    )
    services.orientation_decide(
        actor=host, orientation_id=admitted.pk, decision="admitted", decided_on=today - timedelta(days=8)
    )
    services.orientation_notify(actor=host, orientation_id=admitted.pk, notified_on=today - timedelta(days=7))

    client.force_login(host)
    with django_assert_max_num_queries(40):
        html = client.get(reverse("core:home")).content.decode()
    assert "Mes résidences aujourd'hui" in html
    # the host's own panel points to the residences, no longer to « outside Habiter » for everything
    assert "Vos résidences, leurs places et les admissions orientées par le SIAO" in html
    assert "1 vacance en attente d'une orientation du SIAO" in html
    assert reverse("residences:vacancy_detail", args=[waiting.pk]) in html
    assert "Soleil" not in html  # not their residence
    assert "2 entretiens à fixer ou à venir" in html
    assert reverse("residences:orientation_detail", args=[to_fix.pk]) in html
    assert reverse("residences:orientation_detail", args=[coming.pk]) in html
    assert "1 décision à notifier au SIAO" in html
    assert reverse("residences:orientation_detail", args=[refused.pk]) in html
    assert "1 entrée à venir" in html
    assert reverse("residences:orientation_detail", args=[admitted.pk]) in html
    # every link opens for the host: no dead end
    for url in (
        reverse("residences:vacancy_detail", args=[waiting.pk]),
        reverse("residences:orientation_detail", args=[to_fix.pk]),
        reverse("residences:residence_list"),
    ):
        assert client.get(url).status_code == 200

    # the admitted candidate's contract is made: it is to sign, and the entry is no longer listed a second time
    make_house_rules(director, mine)
    services.contract_create(
        actor=host,
        place_id=oriented.place_id,
        resident_id=world.own_household.members.first().pk,
        starts_on=today + timedelta(days=3),
        orientation_id=admitted.pk,
    )
    html = client.get(reverse("core:home")).content.decode()
    assert "1 contrat à signer" in html
    assert "entrée à venir" not in html


def test_the_panel_is_the_host_s_only(client, world):
    client.force_login(world.users["social_worker"])
    assert "Mes résidences aujourd'hui" not in client.get(reverse("core:home")).content.decode()
    client.force_login(world.users["host"])
    html = client.get(reverse("core:home")).content.decode()
    assert "Rien à faire aujourd'hui dans mes résidences." in html


def test_the_host_home_lists_contracts_to_sign_guests_at_the_limit_and_notices_ending(
    client, world, django_assert_max_num_queries
):
    director, host = world.users["director"], world.users["host"]
    person = world.own_household.members.first()
    today = timezone.localdate()
    mine = make_residence(director, "Les Pléiades", hosts=[host])
    other = make_residence(director, "Soleil")
    for residence in (mine, other):
        make_house_rules(director, residence, valid_from=today - timedelta(days=400), guest_nights_per_month=3)
    start = today - timedelta(days=200)
    hosting = make_active_contract(director, make_place(director, mine, "1"), person, start, start)
    leaving = make_active_contract(director, make_place(director, mine, "2"), person, start, start)
    later = make_active_contract(director, make_place(director, mine, "3"), person, start, start)
    services.contract_notice(actor=host, contract_id=leaving.pk, notice_on=today - timedelta(days=1))  # ends in 7 days
    services.contract_terminate(  # ends in three months: not yet
        actor=host,
        contract_id=later.pk,
        termination_ground="admission_conditions",
        notice_on=today,
        termination_notified_by="registered",
    )
    to_sign = services.contract_create(
        actor=director, place_id=make_place(director, mine, "4").pk, resident_id=person.pk, starts_on=today
    )
    make_active_contract(director, make_place(director, other, "S1"), person, start, start)  # not their residence
    services.contract_create(
        actor=director, place_id=make_place(director, other, "S2").pk, resident_id=person.pk, starts_on=today
    )
    month_start = today.replace(day=1)
    services.guest_stay_record(
        actor=host,
        contract_id=hosting.pk,
        guest_name="Sylvie",
        arrived_on=month_start,
        left_on=month_start + timedelta(days=3),
    )
    client.force_login(host)
    with django_assert_max_num_queries(45):
        html = client.get(reverse("core:home")).content.decode()
    assert "1 contrat à signer" in html and "règlement intérieur à faire parapher" in html
    assert reverse("residences:contract_detail", args=[to_sign.pk]) in html
    assert "1 hébergement à la limite du règlement intérieur" in html and "3 nuits ce mois-ci" in html
    assert reverse("residences:contract_detail", args=[hosting.pk]) in html
    assert "1 préavis qui finit dans les 15 jours" in html
    assert reverse("residences:contract_detail", args=[leaving.pk]) in html
    assert reverse("residences:contract_detail", args=[later.pk]) not in html
    assert "Soleil" not in html
    for contract in (to_sign, hosting, leaving):
        assert client.get(reverse("residences:contract_detail", args=[contract.pk])).status_code == 200
