from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.support.models import MeasureOutcome, Programme, SupportMeasure

pytestmark = pytest.mark.django_db


def test_worker_opens_a_measure_then_closes_it_from_the_household_page(client, world):
    client.force_login(world.users["social_worker"])
    household = world.own_household
    page = client.get(reverse("people:household_detail", args=[household.pk]))
    assert "Aucune mesure pour ce ménage." in page.content.decode()
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    start = timezone.localdate() - timedelta(days=10)
    response = client.post(
        reverse("support:measure_create", args=[household.pk]),
        {
            "programme": avdl.pk,
            "start_date": start.isoformat(),
            "intensity": "strong",
            "prescriber": "CCAS de Marseille",
            "situation_at_entry": "third_party",
        },
    )
    assert response.status_code == 302
    measure = SupportMeasure.objects.get(household=household)
    assert measure.situation_at_entry == "third_party"
    page = client.get(reverse("people:household_detail", args=[household.pk])).content.decode()
    assert "AVDL" in page and "En cours" in page and "CCAS de Marseille" in page
    assert "Hébergé chez un tiers (famille, amis)" in page
    assert "Mesure en cours : AVDL" in page  # on the timeline

    form = client.get(reverse("support:measure_status", args=[measure.pk])).content.decode()
    assert 'value="suspended"' in form and 'value="requested"' not in form
    missing_outcome = client.post(
        reverse("support:measure_status", args=[measure.pk]),
        {"to_status": "closed", "on_date": timezone.localdate().isoformat(), "version": 1},
    )
    assert "Indiquez l&#x27;issue de la mesure." in missing_outcome.content.decode()
    outcome = MeasureOutcome.objects.get(organisation=world.organisation, label="Accès au logement")
    closed = client.post(
        reverse("support:measure_status", args=[measure.pk]),
        {"to_status": "closed", "on_date": timezone.localdate().isoformat(), "outcome": outcome.pk, "version": 1},
    )
    assert closed.status_code == 302
    page = client.get(reverse("people:household_detail", args=[household.pk])).content.decode()
    assert "Clôturée" in page and "Issue : Accès au logement" in page


def test_bad_dates_are_refused_in_french_and_kept(client, world):
    client.force_login(world.users["social_worker"])
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    response = client.post(
        reverse("support:measure_create", args=[world.own_household.pk]),
        {"programme": avdl.pk, "start_date": "2026-05-01", "planned_end_date": "2026-04-01", "intensity": "medium"},
    )
    unknown_situation = client.post(
        reverse("support:measure_create", args=[world.own_household.pk]),
        {"programme": avdl.pk, "start_date": "2026-05-01", "intensity": "medium", "situation_at_entry": "chateau"},
    )
    assert unknown_situation.status_code == 200 and "Sélectionnez un choix valide" in unknown_situation.content.decode()
    body = response.content.decode()
    assert "La fin prévue ne peut pas précéder le début." in body
    assert 'value="2026-04-01"' in body
    assert not SupportMeasure.objects.exists()


def test_household_page_queries_do_not_grow_with_measures(client, world):
    from habiter.support import services

    director = world.users["director"]
    client.force_login(director)
    url = reverse("people:household_detail", args=[world.own_household.pk])
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")

    def open_one():
        services.measure_open(
            actor=director,
            household_id=world.own_household.pk,
            programme_id=avdl.pk,
            start_date=timezone.localdate() - timedelta(days=5),
        )

    open_one()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _index in range(5):
        open_one()
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_director_edits_the_catalogue(client, world):
    client.force_login(world.users["director"])
    url = reverse("support:catalogue")
    assert (
        client.post(url, {"add_programme": "1", "name": "Résidence accueil", "code": "residence-accueil"}).status_code
        == 302
    )
    bad = client.post(url, {"add_programme": "1", "name": "X", "code": "é x"})
    assert "Code invalide" in bad.content.decode()
    assert client.post(url, {"add_outcome": "1", "label": "Décès"}).status_code == 302
    added = Programme.objects.get(organisation=world.organisation, code="residence-accueil")
    assert client.post(reverse("support:programme_toggle", args=[added.pk]), {"active": "0"}).status_code == 302
    added.refresh_from_db()
    assert not added.active
    foreign = Programme.objects.filter(organisation=world.other_organisation).first()
    assert client.post(reverse("support:programme_toggle", args=[foreign.pk]), {"active": "0"}).status_code == 404


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "\"'><img src=x onerror=alert(1)>",
        "'; DROP TABLE support_supportmeasure; --",
        "🏠 مرحبا",
    ],
)
def test_hostile_text_in_measure_fields_is_stored_and_shown_escaped(client, world, hostile):
    from django.utils.html import escape

    client.force_login(world.users["social_worker"])
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    start = timezone.localdate() - timedelta(days=3)
    client.post(
        reverse("support:measure_create", args=[world.own_household.pk]),
        {"programme": avdl.pk, "start_date": start.isoformat(), "intensity": "medium", "prescriber": hostile},
    )
    measure = SupportMeasure.objects.get(household=world.own_household)
    assert measure.prescriber.name == hostile
    client.post(
        reverse("support:measure_status", args=[measure.pk]),
        {"to_status": "suspended", "on_date": timezone.localdate().isoformat(), "comment": hostile * 3, "version": 1},
    )
    assert measure.status_changes.last().comment == hostile * 3
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    if hostile.startswith(("<", '"')):
        assert hostile not in page
    assert escape(hostile) in page


def test_home_todo_lists_measures_ending_soon(client, world):
    from habiter.support import services

    worker = world.users["social_worker"]
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    services.measure_open(
        actor=worker,
        household_id=world.own_household.pk,
        programme_id=avdl.pk,
        start_date=timezone.localdate() - timedelta(days=300),
        planned_end_date=timezone.localdate() + timedelta(days=10),
    )
    client.force_login(worker)
    home = client.get(reverse("core:home")).content.decode()
    assert "Mesures qui arrivent à échéance" in home and "AVDL" in home
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    services.measure_open(
        actor=worker,
        household_id=world.own_household.pk,
        programme_id=avdl.pk,
        start_date=timezone.localdate() - timedelta(days=300),
        planned_end_date=timezone.localdate() + timedelta(days=12),
    )
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("core:home"))
    assert len(more) == len(few)


def test_a_measure_moved_since_the_page_was_shown_is_refused(client, world):
    """Two workers open the status page of an active measure: the first suspends it, the second's closing is
    refused with who moved it, and the page then offers the moves allowed from « Suspendue »."""
    from habiter.support import services

    start = timezone.localdate() - timedelta(days=10)
    measure = services.measure_open(
        actor=world.users["social_worker"],
        household_id=world.own_household.pk,
        programme_id=Programme.objects.get(organisation=world.organisation, code="avdl").pk,
        start_date=start,
    )
    url = reverse("support:measure_status", args=[measure.pk])
    client.force_login(world.users["team_lead"])
    assert f'name="version" value="{measure.version}"' in client.get(url).content.decode()
    services.measure_transition(
        actor=world.users["social_worker"],
        measure_id=measure.pk,
        to_status="suspended",
        on_date=timezone.localdate(),
        expected_version=measure.version,
    )
    outcome = MeasureOutcome.objects.get(organisation=world.organisation, label="Accès au logement")
    page = client.post(
        url,
        {
            "to_status": "closed",
            "on_date": timezone.localdate().isoformat(),
            "outcome": outcome.pk,
            "version": measure.version,
        },
    ).content.decode()
    measure.refresh_from_db()
    assert measure.status == "suspended" and measure.version == 2
    assert "a été modifié par" in page and 'name="version" value="2"' in page


def test_the_catalogue_and_the_legal_parameters_say_words_not_codes(client, world):
    """« No raw codes in pages »: a programme is shown by its name, a territory by its French label."""
    client.force_login(world.users["director"])
    catalogue = client.get(reverse("support:catalogue")).content.decode()
    assert "Sous-location et bail glissant" in catalogue
    assert "sliding_lease" not in catalogue and "boarding_house" not in catalogue
    parameters = client.get(reverse("core:legal_parameters")).content.decode()
    assert "France métropolitaine (hors Corse)" in parameters
    assert ">metropole<" not in parameters and "deposit_max_months" not in parameters
