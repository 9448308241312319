"""The scheme of each programme and the funder category of each outcome: set by default, by migration for the
catalogues made before, and by a director on the catalogue page."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.support import services
from habiter.support.models import MeasureOutcome, Programme

pytestmark = pytest.mark.django_db

migration = import_module("habiter.support.migrations.0013_default_schemes_and_categories")


def test_the_default_catalogue_says_schemes_and_categories(world):
    schemes = dict(Programme.objects.filter(organisation=world.organisation).values_list("code", "scheme"))
    assert schemes == {
        "avdl": "avdl",
        "asll": "asll",
        "agls": "agls",
        "iml": "iml",
        "sliding_lease": "iml",
        "boarding_house": "pension_famille",
        "pil": "other",
        "ais": "other",
    }
    categories = dict(MeasureOutcome.objects.filter(organisation=world.organisation).values_list("label", "category"))
    assert categories == {
        "Accès au logement": "housed",
        "Maintien dans le logement": "maintained",
        "Orientation vers un autre dispositif": "oriented",
        "Perte de contact": "lost_contact",
        "Fin de prise en charge par le financeur": "",
        "Autre": "",
    }


def test_the_migration_maps_the_default_codes_and_labels_and_leaves_the_rest(world):
    Programme.objects.update(scheme="other")
    MeasureOutcome.objects.update(category="")
    Programme.objects.create(organisation=world.organisation, code="asll-renforce", name="ASLL renforcé")
    migration.forwards(apps, None)
    programmes = Programme.objects.filter(organisation=world.organisation)
    assert programmes.get(code="avdl").scheme == "avdl"
    assert programmes.get(code="boarding_house").scheme == "pension_famille"
    assert programmes.get(code="asll-renforce").scheme == "other"  # a director says what it is
    outcomes = MeasureOutcome.objects.filter(organisation=world.organisation)
    assert outcomes.get(label="Maintien dans le logement").category == "maintained"
    assert outcomes.get(label="Autre").category == ""
    migration.backwards(apps, None)
    assert not programmes.exclude(scheme="other").exists()


def test_a_director_sets_an_outcome_category_audited(world):
    director = world.users["director"]
    outcome = MeasureOutcome.objects.get(organisation=world.organisation, label="Autre")
    services.outcome_set_category(actor=director, outcome_id=outcome.pk, category="refused")
    outcome.refresh_from_db()
    assert outcome.category == "refused"
    event = AuditEvent.objects.get(action="outcome.categorise")
    assert event.detail == {"from": "", "to": "refused"} and event.actor == director
    with pytest.raises(PermissionDenied):
        services.outcome_set_category(actor=world.users["team_lead"], outcome_id=outcome.pk, category="")
    foreign = MeasureOutcome.objects.filter(organisation=world.other_organisation).first()
    with pytest.raises(MeasureOutcome.DoesNotExist):
        services.outcome_set_category(actor=director, outcome_id=foreign.pk, category="refused")


def test_the_catalogue_page_sets_schemes_and_categories(client, world):
    client.force_login(world.users["director"])
    url = reverse("support:catalogue")
    page = client.get(url).content.decode()
    assert "Pension de famille, résidence accueil" in page and "Glissement du bail" in page
    added = client.post(
        url, {"add_programme": "1", "name": "AVDL DALO", "code": "avdl-dalo", "funder": "FNAVDL", "scheme": "avdl"}
    )
    assert added.status_code == 302
    assert Programme.objects.get(organisation=world.organisation, code="avdl-dalo").scheme == "avdl"
    outcome = MeasureOutcome.objects.get(organisation=world.organisation, label="Accès au logement")
    saved = client.post(url, {"set_category": "1", "outcome": str(outcome.pk), "category": "housed_social"})
    assert saved.status_code == 302
    outcome.refresh_from_db()
    assert outcome.category == "housed_social"
    assert "Accès à un logement social" in client.get(url).content.decode()
    foreign = MeasureOutcome.objects.filter(organisation=world.other_organisation).first()
    refused = client.post(url, {"set_category": "1", "outcome": str(foreign.pk), "category": "refused"})
    assert refused.status_code == 404
    foreign.refresh_from_db()
    assert foreign.category != "refused"


def test_a_director_changes_a_programmes_scheme_from_the_catalogue_audited(client, world):
    director = world.users["director"]
    client.force_login(director)
    url = reverse("support:catalogue")
    added = services.programme_add(actor=director, name="AVDL hors DALO", code="avdl-hors-dalo")
    assert added.scheme == "other"
    assert client.post(url, {"set_scheme": "1", "programme": str(added.pk), "scheme": "avdl"}).status_code == 302
    added.refresh_from_db()
    assert added.scheme == "avdl"
    event = AuditEvent.objects.get(action="programme.scheme")
    assert (event.detail, event.actor) == ({"from": "other", "to": "avdl"}, director)
    with pytest.raises(PermissionDenied):
        services.programme_set_scheme(actor=world.users["team_lead"], programme_id=added.pk, scheme="asll")
    foreign = Programme.objects.filter(organisation=world.other_organisation).first()
    before = foreign.scheme
    assert client.post(url, {"set_scheme": "1", "programme": str(foreign.pk), "scheme": "agls"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.scheme == before
