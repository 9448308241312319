from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.support import services
from habiter.support.models import Intervention, Programme

pytestmark = pytest.mark.django_db


def test_quick_add_from_the_household_page_in_three_interactions(client, world):
    """Choose the type, write the note, save: date (today) and duration (30 min) are prefilled."""
    client.force_login(world.users["social_worker"])
    url = reverse("people:household_detail", args=[world.own_household.pk])
    page = client.get(url).content.decode()
    assert "Noter une intervention" in page and 'name="duration_minutes" value="30"' in page
    response = client.post(
        reverse("support:intervention_create", args=[world.own_household.pk]),
        {
            "kind": "home_visit",
            "note": "Logement humide, courrier au bailleur à préparer.",
            "occurred_on": timezone.localdate().isoformat(),
            "duration_minutes": "30",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.kind == "home_visit" and intervention.duration_minutes == 30
    page = client.get(url).content.decode()
    assert "Visite à domicile (30 min)" in page and "Logement humide" in page
    assert AuditEvent.objects.filter(action="intervention.create", household_id=world.own_household.pk).count() == 1


def test_bad_interventions_are_refused_in_french_and_nothing_is_saved(client, world):
    client.force_login(world.users["social_worker"])
    url = reverse("support:intervention_create", args=[world.own_household.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"kind": "phone", "occurred_on": tomorrow, "duration_minutes": "800", "note": "gardé"})
    body = response.content.decode()
    assert "ne peut pas être datée dans le futur" in body
    assert "plus de 12 heures" in body
    assert "gardé" in body
    zero = client.post(url, {"kind": "phone", "occurred_on": timezone.localdate().isoformat(), "duration_minutes": "0"})
    assert "La fin ne peut pas précéder le début" in zero.content.decode()
    missing = client.post(url, {"occurred_on": timezone.localdate().isoformat(), "duration_minutes": "10"})
    assert "Ce champ est obligatoire." in missing.content.decode()
    assert not Intervention.objects.exists()


def test_restricted_interventions_are_hidden_from_other_workers(world):
    from habiter.support.queries import interventions_visible_to

    referent = world.users["social_worker"]
    household = world.own_household
    services.intervention_log(
        actor=referent,
        household_id=household.pk,
        kind="office_interview",
        occurred_on=timezone.localdate(),
        duration_minutes=45,
        note="Suivi addictologie.",
        restricted=True,
    )
    colleague = UserFactory(organisation=world.organisation, team=world.team, role="social_worker")
    assert list(interventions_visible_to(colleague, household)) == []
    assert len(interventions_visible_to(world.users["team_lead"], household)) == 1
    with pytest.raises(ValidationError, match="confidentielle"):
        services.intervention_log(
            actor=colleague,
            household_id=household.pk,
            kind="phone",
            occurred_on=timezone.localdate(),
            duration_minutes=5,
            restricted=True,
        )


def test_an_intervention_links_only_a_measure_of_the_same_household(world):
    director = world.users["director"]
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    other_measure = services.measure_open(
        actor=director,
        household_id=world.other_team_household.pk,
        programme_id=avdl.pk,
        start_date=timezone.localdate(),
    )
    with pytest.raises(ValidationError, match="pas celle de ce ménage"):
        services.intervention_log(
            actor=director,
            household_id=world.own_household.pk,
            kind="phone",
            occurred_on=timezone.localdate(),
            duration_minutes=5,
            measure_id=other_measure.pk,
        )


def test_timeline_queries_do_not_grow_with_interventions(client, world):
    director = world.users["director"]
    client.force_login(director)
    url = reverse("people:household_detail", args=[world.own_household.pk])

    def log():
        services.intervention_log(
            actor=director,
            household_id=world.own_household.pk,
            kind="phone",
            occurred_on=timezone.localdate(),
            duration_minutes=10,
        )

    log()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _index in range(6):
        log()
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)
