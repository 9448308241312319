from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.residences import queries, services
from habiter.residences.models import Orientation, ResidenceStay, Vacancy

from .factories import make_place, make_residence, make_stay

pytestmark = pytest.mark.django_db


@pytest.fixture
def house(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    other = make_residence(director, "Soleil")
    return residence, make_place(director, residence, "1"), make_place(director, other, "S1")


def _orientation(actor, vacancy, household=None, reference="SIAO-13-0042"):
    return services.orientation_receive(
        actor=actor,
        vacancy_id=vacancy.pk,
        siao_reference=reference,
        candidate_name="M. Karim Saïdi",
        received_on=date(2026, 1, 12),
        household_id=household and household.pk,
    )


def test_from_vacancy_to_entry_the_place_is_free_then_reserved_then_occupied(world, house):
    director, host = world.users["director"], world.users["host"]
    residence, place, _soleil = house
    vacancy = services.vacancy_declare(actor=host, place_id=place.pk, declared_on=date(2026, 1, 5))
    orientation = _orientation(director, vacancy, household=world.own_household)
    services.orientation_interview_add(
        actor=host, orientation_id=orientation.pk, held_on=date(2026, 1, 20), led_by_id=host.pk, attendance="came"
    )
    services.orientation_decide(
        actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 22), minutes="Oui."
    )
    assert queries.occupancy(residence, on=date(2026, 1, 21))[0].status == "free"
    reserved = queries.occupancy(residence, on=date(2026, 1, 22))[0]
    assert reserved.status == "reserved" and reserved.reserved_household_id == world.own_household.pk
    with pytest.raises(ValidationError) as refused:  # not yet notified to the SIAO
        services.orientation_enter(
            actor=host,
            orientation_id=orientation.pk,
            resident_id=world.own_household.members.first().pk,
            entered_on=date(2026, 2, 2),
        )
    assert "notifiée au SIAO" in str(refused.value)
    services.orientation_notify(actor=host, orientation_id=orientation.pk, notified_on=date(2026, 1, 23))
    stay = services.orientation_enter(
        actor=host,
        orientation_id=orientation.pk,
        resident_id=world.own_household.members.first().pk,
        entered_on=date(2026, 2, 2),
    )
    assert queries.occupancy(residence, on=date(2026, 2, 2))[0].stay == stay
    assert Vacancy.objects.get(pk=vacancy.pk).filled_by == stay
    event = AuditEvent.objects.get(action="orientation.enter")
    assert event.detail["days_from_vacancy"] == 28 and event.household_id == world.own_household.pk


def test_a_refusal_without_a_reason_is_refused_in_french(world, house):
    host = world.users["host"]
    _residence, place, _soleil = house
    vacancy = services.vacancy_declare(actor=host, place_id=place.pk, declared_on=date(2026, 1, 5))
    orientation = _orientation(host, vacancy)
    with pytest.raises(ValidationError) as refused:  # no interview yet
        services.orientation_decide(
            actor=host,
            orientation_id=orientation.pk,
            decision="refused",
            decided_on=date(2026, 1, 22),
            refusal_reason="autonomous",
        )
    assert "La commission décide après un entretien auquel le candidat est venu" in str(refused.value)
    services.orientation_interview_add(
        actor=host, orientation_id=orientation.pk, held_on=date(2026, 1, 20), led_by_id=host.pk, attendance="came"
    )
    with pytest.raises(ValidationError) as refused:
        services.orientation_decide(
            actor=host, orientation_id=orientation.pk, decision="refused", decided_on=date(2026, 1, 22)
        )
    assert "Un refus dit son motif" in str(refused.value)
    assert Orientation.objects.get(pk=orientation.pk).decision == ""
    services.orientation_decide(
        actor=host,
        orientation_id=orientation.pk,
        decision="refused",
        decided_on=date(2026, 1, 22),
        refusal_reason="needs_more_support",
        minutes="Un CHRS conviendrait mieux.",
    )
    with pytest.raises(ValidationError):  # a decision is not taken twice
        services.orientation_decide(
            actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 23)
        )
    services.orientation_notify(actor=host, orientation_id=orientation.pk, notified_on=date(2026, 1, 23))
    with pytest.raises(ValidationError):  # a refused candidate never enters
        services.orientation_enter(
            actor=host,
            orientation_id=orientation.pk,
            resident_id=world.own_household.members.first().pk,
            entered_on=date(2026, 2, 2),
        )
    assert not ResidenceStay.objects.exists()


def test_a_host_runs_admissions_of_their_residences_only(world, house):
    host = world.users["host"]
    _residence, place, soleil_place = house
    with pytest.raises(Exception) as refused:
        services.vacancy_declare(actor=host, place_id=soleil_place.pk, declared_on=date(2026, 1, 5))
    assert refused.type.__name__ == "DoesNotExist"
    for role in ("team_lead", "social_worker", "volunteer"):
        with pytest.raises(PermissionDenied):
            services.vacancy_declare(actor=world.users[role], place_id=place.pk, declared_on=date(2026, 1, 5))
    vacancy = services.vacancy_declare(actor=host, place_id=place.pk, declared_on=date(2026, 1, 5))
    with pytest.raises(ValidationError) as refused:  # the host opens no household's file
        _orientation(host, vacancy, household=world.own_household)
    assert "Choisissez un ménage que vous suivez." in str(refused.value)


def test_an_occupied_place_is_not_declared_vacant_twice_or_while_occupied(world, house):
    director = world.users["director"]
    _residence, place, _soleil = house
    stay = make_stay(director, place, world.own_household, date(2025, 6, 2))
    with pytest.raises(ValidationError) as refused:
        services.vacancy_declare(actor=director, place_id=place.pk, declared_on=date(2026, 1, 5))
    assert "Un résident occupe cette place" in str(refused.value)
    services.stay_exit(actor=director, stay_id=stay.pk, left_on=date(2026, 1, 4), exit_destination="death")
    services.vacancy_declare(actor=director, place_id=place.pk, declared_on=date(2026, 1, 5))
    with pytest.raises(ValidationError) as refused:
        services.vacancy_declare(actor=director, place_id=place.pk, declared_on=date(2026, 1, 6))
    assert "Une vacance de cette place est déjà déclarée au SIAO." in str(refused.value)


def test_the_host_takes_a_candidate_through_the_pages(client, world, house):
    director, host = world.users["director"], world.users["host"]
    residence, place, _soleil = house
    vacancy = services.vacancy_declare(actor=director, place_id=place.pk, declared_on=date(2026, 1, 5))
    orientation = _orientation(director, vacancy, household=world.own_household)
    client.force_login(host)
    url = reverse("residences:orientation_detail", args=[orientation.pk])
    html = client.get(url).content.decode()
    assert "Entretien à fixer" in html and "Lefèvre" in html
    client.post(
        url,
        {
            "step": "interview",
            "interview-held_on": "2026-01-20",
            "interview-led_by": host.pk,
            "interview-attendance": "came",
        },
    )
    html = client.post(
        url, {"step": "decision", "decision-decision": "refused", "decision-decided_on": "2026-01-22"}
    ).content.decode()
    assert "Un refus dit son motif : choisissez-le dans la liste." in html
    client.post(url, {"step": "decision", "decision-decision": "admitted", "decision-decided_on": "2026-01-22"})
    client.post(url, {"step": "notification", "notification-notified_on": "2026-01-23"})
    response = client.post(
        url,
        {"step": "entry", "entry-resident": world.own_household.members.first().pk, "entry-entered_on": "2026-02-02"},
    )
    assert response.status_code == 302
    assert Orientation.objects.get(pk=orientation.pk).stay is not None
    html = client.get(reverse("residences:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert "28 jours après la déclaration" in html
    html = client.get(reverse("residences:residence_detail", args=[residence.pk])).content.decode()
    assert "pourvue en 28 jours" in html
    # a step already taken is refused in French, nothing changes
    response = client.post(
        url, {"step": "interview", "interview-held_on": "2026-03-01", "interview-led_by": host.pk}, follow=True
    )
    assert "La commission a déjà décidé : plus d&#x27;entretien à noter." in response.content.decode()
    assert Orientation.objects.get(pk=orientation.pk).interviews.count() == 1
    client.force_login(world.users["team_lead"])
    assert client.get(url).status_code == 404


def test_the_orientation_names_its_siao_a_partner_of_kind_siao(client, world, house):
    """Issue 17: the SIAO is a partner record, typed by name; a new name becomes a partner of kind SIAO."""
    director, host = world.users["director"], world.users["host"]
    _residence, place, _soleil = house
    vacancy = services.vacancy_declare(actor=director, place_id=place.pk, declared_on=date(2026, 1, 5))
    client.force_login(host)
    response = client.post(
        reverse("residences:orientation_add", args=[vacancy.pk]),
        {
            "siao_reference": "SIAO13-2026-0451",
            "siao_name": " SIAO 13 ",
            "candidate_name": "M. Olivier Marchetti",
            "received_on": "2026-01-12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    orientation = Orientation.objects.get()
    assert (orientation.siao.name, orientation.siao.kind, orientation.siao.organisation) == (
        "SIAO 13",
        "siao",
        world.organisation,
    )
    second = _orientation(director, vacancy, reference="SIAO13-2026-0452")
    assert second.siao is None  # the SIAO is optional: a reference alone, as before
    again = services.orientation_receive(
        actor=director,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO13-2026-0460",
        siao_name="siao 13",
        candidate_name="Mme Yasmina Haddou",
        received_on=date(2026, 1, 14),
    )
    assert again.siao == orientation.siao
    page = client.get(reverse("residences:orientation_detail", args=[orientation.pk])).content.decode()
    assert "SIAO13-2026-0451" in page and "(SIAO 13)" in page


def test_a_director_attaches_the_household_of_a_candidate_oriented_without_a_file(client, world, house):
    """The SIAO orients someone the association does not know yet: the host runs the interview and the decision,
    the director opens the file and attaches it to the orientation, then the entry and the contract are possible."""
    director, host = world.users["director"], world.users["host"]
    _residence, place, _soleil = house
    vacancy = services.vacancy_declare(actor=host, place_id=place.pk, declared_on=date(2026, 1, 5))
    orientation = _orientation(host, vacancy)
    url = reverse("residences:orientation_detail", args=[orientation.pk])
    client.force_login(host)
    html = client.get(url).content.decode()
    assert 'id="h-step-household"' not in html  # a host opens no household's file
    client.post(url, {"step": "household", "household-household": world.own_household.pk})
    assert Orientation.objects.get(pk=orientation.pk).household_id is None
    with pytest.raises(PermissionDenied):
        services.orientation_attach_household(
            actor=host, orientation_id=orientation.pk, household_id=world.own_household.pk
        )

    client.force_login(director)
    html = client.get(url).content.decode()
    assert "Le candidat n&#x27;a pas encore de dossier" in html or "Le candidat n'a pas encore de dossier" in html
    forged = client.post(url, {"step": "household", "household-household": world.other_org_household.pk})
    assert "Sélectionnez un choix valide" in forged.content.decode()  # another organisation's household
    assert Orientation.objects.get(pk=orientation.pk).household_id is None
    response = client.post(url, {"step": "household", "household-household": world.own_household.pk})
    assert response.status_code == 302
    orientation = Orientation.objects.get(pk=orientation.pk)
    assert orientation.household_id == world.own_household.pk
    event = AuditEvent.objects.get(action="orientation.attach_household")
    assert event.household_id == world.own_household.pk and event.actor_id == director.pk
    html = client.get(url).content.decode()
    assert 'id="h-step-household"' not in html and world.own_household.name in html
    with pytest.raises(ValidationError) as refused:  # only once
        services.orientation_attach_household(
            actor=director, orientation_id=orientation.pk, household_id=world.own_household.pk
        )
    assert "déjà rattaché" in str(refused.value)
