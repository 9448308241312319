from datetime import date

import pytest
import time_machine
from django.urls import reverse

from habiter.core.tests.factories import UserFactory
from habiter.residences import services
from habiter.residences.models import HouseActivity, IndividualSupport, ResidenceContract

from .factories import make_active_contract, make_house_rules, make_place, make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def house(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    make_house_rules(director, residence, guest_nights_per_month=3)
    return residence, make_place(director, residence, "1"), make_place(director, residence, "2")


def _resident(world):
    return world.own_household.members.first()


def test_the_director_prepares_activates_and_ends_a_contract_through_the_pages(client, world, house):
    residence, place, _second = house
    client.force_login(world.users["director"])
    url = reverse("residences:contract_create", args=[place.pk])
    assert "Lefèvre" in page_of(client, url)
    response = client.post(url, {"resident": _resident(world).pk, "starts_on": "2026-02-02"})
    contract = ResidenceContract.objects.get(place=place)
    assert response.status_code == 302 and contract.status == "to_sign"
    detail = reverse("residences:contract_detail", args=[contract.pk])
    html = page_of(client, detail)
    assert "À signer" in html and "pas encore paraphé" in html and 'value="activate"' not in html
    # activating before the RI is initialled is no step of the page
    assert client.post(detail, {"step": "activate"}).status_code == 404
    client.post(detail, {"step": "initial", "initial-ri_initialled_on": "2026-02-02"})
    asked = client.post(detail, {"step": "activate"})
    assert asked.status_code == 200 and "À confirmer" in asked.content.decode()
    assert ResidenceContract.objects.get(pk=contract.pk).status == "to_sign"
    client.post(detail, {"step": "activate", "confirmed": "1"})
    assert ResidenceContract.objects.get(pk=contract.pk).status == "active"
    html = page_of(client, reverse("residences:residence_detail", args=[residence.pk]))
    assert "sous contrat depuis le 2 février 2026" in html
    response = client.post(detail, {"step": "notice", "notice-notice_on": "2026-03-02"}, follow=True)
    assert "Fin du préavis le 10/03/2026." in response.content.decode()
    client.post(
        detail,
        {"step": "exit", "exit-left_on": "2026-03-10", "exit-exit_destination": "hospital", "confirmed": "1"},
    )
    contract = ResidenceContract.objects.get(pk=contract.pk)
    assert contract.status == "ended" and contract.exit_destination == "hospital"


def test_a_termination_asks_to_confirm_and_says_the_ground(client, world, house):
    _residence, place, _second = house
    contract = make_active_contract(world.users["director"], place, _resident(world))
    client.force_login(world.users["host"])
    detail = reverse("residences:contract_detail", args=[contract.pk])
    data = {
        "step": "terminate",
        "terminate-termination_ground": "breach",
        "terminate-notice_on": "2026-03-02",
        "terminate-termination_notified_by": "registered",
    }
    html = client.post(detail, data).content.decode()  # no mise en demeure: the form says so, no confirmation
    assert "n&#x27;opère qu&#x27;après une mise en demeure effectivement remise" in html
    assert "Confirmer la résiliation" not in html
    data["terminate-formal_notice_delivered_on"] = "2026-02-16"
    html = client.post(detail, data).content.decode()
    assert "Manquement grave ou répété" in html and "Lettre recommandée avec avis de réception" in html
    assert "16/02/2026" in html and "Confirmer la résiliation" in html
    assert ResidenceContract.objects.get(pk=contract.pk).status == "active"
    html = client.post(detail, data | {"confirmed": "1"}, follow=True).content.decode()
    contract = ResidenceContract.objects.get(pk=contract.pk)
    assert contract.status == "notice" and contract.ends_on == date(2026, 4, 2)
    assert "par lettre recommandée avec avis de réception" in html
    assert "après une mise en demeure remise le 16 février 2026" in html


def test_guest_stays_on_the_page_alert_at_the_limit_and_escape_hostile_text(client, world, house):
    residence, place, _second = house
    contract = make_active_contract(world.users["director"], place, _resident(world))
    client.force_login(world.users["host"])
    detail = reverse("residences:contract_detail", args=[contract.pk])
    response = client.post(
        detail,
        {"step": "guest", "guest-guest_name": HOSTILE, "guest-arrived_on": "2026-03-02", "guest-left_on": "2026-03-05"},
        follow=True,
    )
    html = response.content.decode()
    assert "la limite du règlement intérieur est atteinte" in html and HOSTILE not in html
    assert "&lt;script&gt;" in html
    services.guest_stay_record(
        actor=world.users["host"],
        contract_id=contract.pk,
        guest_name="Léa Roux",
        arrived_on=date(2026, 3, 10),
        left_on=date(2026, 6, 10),
    )
    html = page_of(client, detail)
    assert "Léa Roux a été hébergé·e 92 nuits en tout : la loi limite" in html
    with time_machine.travel(date(2026, 3, 20)):
        html = page_of(client, reverse("residences:residence_detail", args=[residence.pk]))
    assert "Léa Roux, hébergé·e par" in html and "a passé 22 nuits ce mois-ci" in html


def test_the_host_creates_the_contract_from_the_admission(client, world, house):
    director, host = world.users["director"], world.users["host"]
    _residence, place, _second = house
    vacancy = services.vacancy_declare(actor=host, place_id=place.pk, declared_on=date(2026, 1, 5))
    orientation = services.orientation_receive(
        actor=director,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO-1",
        candidate_name="M. Lefèvre",
        received_on=date(2026, 1, 12),
        household_id=world.own_household.pk,
    )
    services.orientation_interview_add(
        actor=host, orientation_id=orientation.pk, held_on=date(2026, 1, 20), led_by_id=host.pk, attendance="came"
    )
    services.orientation_decide(
        actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 22)
    )
    services.orientation_notify(actor=host, orientation_id=orientation.pk, notified_on=date(2026, 1, 23))
    client.force_login(host)
    create = reverse("residences:contract_from_orientation", args=[orientation.pk])
    assert create in page_of(client, reverse("residences:orientation_detail", args=[orientation.pk]))
    client.post(create, {"resident": _resident(world).pk, "starts_on": "2026-02-02"})
    contract = ResidenceContract.objects.get(orientation=orientation)
    assert "Voir le contrat à signer" in page_of(
        client, reverse("residences:orientation_detail", args=[orientation.pk])
    )
    page_of(client, create, status=404)  # one contract per admission
    assert contract.place == place


def test_who_reads_a_contract(client, world, house):
    _residence, place, second = house
    director = world.users["director"]
    contract = make_active_contract(director, place, _resident(world))
    other = make_active_contract(director, second, world.other_team_household.members.first())
    detail = reverse("residences:contract_detail", args=[contract.pk])
    household_url = reverse("people:household_detail", args=[world.own_household.pk])
    client.force_login(world.users["social_worker"])  # follows the household: reads, changes nothing
    html = page_of(client, detail)
    assert household_url in html and 'name="step"' not in html
    assert client.post(detail, {"step": "notice", "notice-notice_on": "2026-03-02"}).status_code == 404
    page_of(client, reverse("residences:contract_detail", args=[other.pk]), status=404)
    client.force_login(world.users["host"])  # the practical file, not the household's file
    html = page_of(client, detail)
    assert household_url not in html and 'name="step"' in html
    for user in (
        world.users["volunteer"],
        world.users["accountant"],
        UserFactory(organisation=world.other_organisation, role="director"),
    ):
        client.force_login(user)
        page_of(client, detail, status=404)
        page_of(client, reverse("residences:contract_create", args=[place.pk]), status=404)
    client.force_login(director)
    forged = "00000000-0000-4000-8000-000000000000"
    page_of(client, reverse("residences:contract_detail", args=[forged]), status=404)
    page_of(client, reverse("residences:contract_from_orientation", args=[forged]), status=404)
    assert client.post(detail, {"step": "nonsense"}).status_code == 404


def test_the_house_journal_pages(client, world, house):
    residence, place, _second = house
    make_active_contract(world.users["director"], place, _resident(world), starts_on=date(2026, 1, 5))
    host, volunteer = world.users["host"], world.users["volunteer"]
    client.force_login(host)
    url = reverse("residences:activity_add", args=[residence.pk])
    html = page_of(client, url)
    assert "Noël Lefèvre" in html
    response = client.post(
        url,
        {
            "held_on": "2026-02-12",
            "kind": "garden",
            "title": HOSTILE,
            "participants": [_resident(world).pk],
            "helpers": [volunteer.pk],
        },
    )
    assert response.status_code == 302
    # a forged participant (a person of another household) is refused in French
    html = client.post(
        url,
        {
            "held_on": "2026-02-12",
            "kind": "meal",
            "title": "Repas",
            "participants": [world.other_org_household.members.first().pk],
        },
    ).content.decode()
    assert "Sélectionnez un choix valide" in html and HouseActivity.objects.count() == 1
    client.post(
        reverse("residences:support_add", args=[residence.pk]),
        {
            "resident": _resident(world).pk,
            "given_on": "2026-02-13",
            "kind": "mediation",
            "note": "Rendez-vous à la CAF.",
        },
    )
    html = page_of(client, reverse("residences:journal", args=[residence.pk]) + "?annee=2026")
    assert HOSTILE not in html and "&lt;script&gt;" in html and "Rendez-vous à la CAF." in html
    assert "1 activité collective" in html
    client.force_login(volunteer)
    page_of(client, reverse("residences:journal", args=[residence.pk]), status=404)
    page_of(client, url, status=404)
    client.force_login(world.users["team_lead"])  # reads the journal, keeps none
    page_of(client, reverse("residences:journal", args=[residence.pk]) + "?annee=abc")
    page_of(client, url, status=404)


def test_the_household_page_shows_the_contract_and_the_activities(client, world, house):
    residence, place, _second = house
    director = world.users["director"]
    contract = make_active_contract(director, place, _resident(world), starts_on=date(2026, 1, 5))
    services.house_activity_record(
        actor=world.users["host"],
        residence_id=residence.pk,
        held_on=date(2026, 2, 12),
        kind="outing",
        title="Sortie aux calanques",
        participant_ids=[_resident(world).pk],
    )
    services.contract_notice(actor=director, contract_id=contract.pk, notice_on=date(2026, 3, 2))
    client.force_login(world.users["social_worker"])
    html = page_of(client, reverse("people:household_detail", args=[world.own_household.pk]))
    assert "contrat à partir du 5 janvier 2026" in html and "fin du préavis le 10 mars 2026" in html
    assert "Contrat de résidence de" in html and "Sortie aux calanques" in html
    assert reverse("residences:contract_detail", args=[contract.pk]) in html
    client.force_login(world.users["social_worker"])
    other = page_of(client, reverse("people:household_detail", args=[world.other_team_household.pk]), status=404)
    assert "Sortie aux calanques" not in other


def test_the_practical_file_lists_the_supports_with_their_kind(client, world, house):
    residence, place, _second = house
    host = world.users["host"]
    contract = make_active_contract(world.users["director"], place, _resident(world), starts_on=date(2026, 1, 5))
    services.individual_support_record(
        actor=host,
        residence_id=residence.pk,
        resident_id=_resident(world).pk,
        given_on=date(2026, 2, 13),
        kind="isolation",
        note="Visite un soir de pluie.",
    )
    # a note written before hosts were asked its kind: shown without one, never given a guessed kind
    IndividualSupport.objects.create(
        organisation=residence.organisation,
        residence=residence,
        resident=_resident(world),
        given_on=date(2026, 1, 20),
        note="Aidé à remplir un formulaire.",
        created_by=host,
    )
    client.force_login(host)
    html = page_of(client, reverse("residences:contract_detail", args=[contract.pk]))
    assert "(lutte contre l&#x27;isolement)" in html and "Visite un soir de pluie." in html
    assert "Aidé à remplir un formulaire." in html
    assert html.count("(lutte contre l&#x27;isolement)") == 1 and "(autre aide pratique)" not in html


def test_the_director_sets_the_deposit_and_the_guest_limit_that_new_contracts_take(client, world, house):
    residence, place, _second = house
    client.force_login(world.users["director"])
    response = client.post(
        reverse("residences:residence_edit", args=[residence.pk]),
        {
            "name": residence.name,
            "kind": "pension_de_famille",
            "address": "12 rue des Pléiades",
            "postal_code": "13003",
            "city": "Marseille",
            "deposit_amount": "350,00",
            "deposit_keeps_unpaid": "on",
            "deposit_return_days": "15",
            "hosts": [world.users["host"].pk],
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("residences:house_rules_add", args=[residence.pk]),
        {"valid_from": "2026-02-01", "text": "Article 1", "guest_nights_per_month": "10"},
    )
    html = page_of(client, reverse("residences:residence_detail", args=[residence.pk]))
    assert "350,00 €" in html and "hébergement d'un tiers : 10 nuits par mois" in html
    client.post(
        reverse("residences:contract_create", args=[place.pk]),
        {"resident": _resident(world).pk, "starts_on": "2026-02-02"},
    )
    contract = ResidenceContract.objects.get(place=place)
    assert str(contract.deposit_amount) == "350.00" and contract.house_rules.guest_nights_per_month == 10
    # the deposit policy (W6) is copied too, and a later change of the residence's leaves the contract's as signed
    assert contract.deposit_keeps_unpaid is True and contract.deposit_return_days == 15
    assert "Les redevances impayées à la sortie peuvent être retenues sur le dépôt." in " ".join(html.split())
    services.residence_update(
        actor=world.users["director"],
        residence_id=residence.pk,
        data={"deposit_keeps_unpaid": False, "deposit_return_days": None},
    )
    contract.refresh_from_db()
    assert contract.deposit_keeps_unpaid is True and contract.deposit_return_days == 15


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("-1", "Le délai ne peut pas être négatif."),
        ("400", "Le délai ne dépasse pas 365 jours."),
        ("quinze", "Nombre de jours invalide : un nombre entier."),
    ],
)
def test_a_wrong_deposit_return_delay_is_refused_in_french(client, world, house, days, message):
    residence, _place, _second = house
    client.force_login(world.users["director"])
    response = client.post(
        reverse("residences:residence_edit", args=[residence.pk]),
        {
            "name": residence.name,
            "kind": "pension_de_famille",
            "address": "12 rue des Pléiades",
            "postal_code": "13003",
            "city": "Marseille",
            "deposit_return_days": days,
        },
    )
    assert response.status_code == 200 and message in response.content.decode()
    residence.refresh_from_db()
    assert residence.deposit_return_days is None
