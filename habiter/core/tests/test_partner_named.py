"""A partner typed in a form (prescriber, referral, plan step) is the organisation's partner record of that name."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent, Partner
from habiter.core.partners import partner_named
from habiter.support import plans
from habiter.support import services as support_services
from habiter.support.models import Programme

pytestmark = pytest.mark.django_db


def test_a_blank_name_is_no_partner(world):
    assert (
        partner_named(actor=world.users["social_worker"], name="   ", field="prescriber", origin="measure.prescriber")
        is None
    )
    assert not Partner.objects.exists()


def test_a_known_name_whatever_its_case_is_the_same_partner(world):
    ccas = Partner.objects.create(organisation=world.organisation, name="CCAS d'Aix-en-Provence", kind="ccas")
    found = partner_named(actor=world.users["receptionist"], name=" ccas d'aix-en-provence ", field="x", origin="x")
    assert found == ccas and Partner.objects.count() == 1
    assert not AuditEvent.objects.filter(action="partner.create").exists()


def test_a_new_name_creates_a_partner_of_the_organisation_and_says_where_it_came_from(world):
    Partner.objects.create(organisation=world.other_organisation, name="ADIL 13", kind="legal")
    partner = partner_named(
        actor=world.users["receptionist"],
        name="ADIL 13",
        field="referral_partner",
        origin="desk_visit.referral_partner",
    )
    assert (partner.organisation, partner.name, partner.kind) == (world.organisation, "ADIL 13", "other")
    event = AuditEvent.objects.get(action="partner.create")
    assert event.actor == world.users["receptionist"] and event.object_id == str(partner.pk)
    assert event.detail == {"kind": "other", "origin": "desk_visit.referral_partner"}


def test_a_refused_write_creates_no_partner(world):
    worker = world.users["social_worker"]
    plan = plans.plan_start(actor=worker, household_id=world.own_household.pk, started_on=date(2026, 3, 2))
    goal = plans.goal_add(actor=worker, plan_id=plan.pk, life_area="housing", title="Trouver un logement")
    with pytest.raises(ValidationError) as error:  # the step has no description: refused after the partner's name
        plans.step_add(actor=worker, goal_id=goal.pk, description=" ", owner="partner", partner_name="Mission locale")
    assert "description" in error.value.message_dict
    assert not Partner.objects.exists()


def test_two_measures_prescribed_by_one_ccas_point_to_one_partner(world):
    worker = world.users["social_worker"]
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    first = support_services.measure_open(
        actor=worker,
        household_id=world.own_household.pk,
        programme_id=avdl.pk,
        start_date=date(2026, 3, 2),
        prescriber="CCAS de Marseille",
    )
    second = support_services.measure_open(
        actor=world.users["director"],
        household_id=world.other_team_household.pk,
        programme_id=avdl.pk,
        start_date=date(2026, 3, 2),
        prescriber="ccas de marseille",
    )
    assert first.prescriber == second.prescriber and Partner.objects.count() == 1


def test_the_measure_form_suggests_the_organisations_partners_only(client, world):
    Partner.objects.create(organisation=world.organisation, name="SIAO 13", kind="siao")
    Partner.objects.create(organisation=world.other_organisation, name="SIAO 84", kind="siao")
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("support:measure_create", args=[world.own_household.pk])).content.decode()
    assert 'list="id_prescriber-partners"' in page and '<option value="SIAO 13"></option>' in page
    assert "SIAO 84" not in page


def test_a_name_too_long_is_refused_on_the_field_that_holds_it(world):
    with pytest.raises(ValidationError) as refused:
        partner_named(actor=world.users["receptionist"], name="A" * 201, field="referral_partner", origin="x")
    assert refused.value.message_dict == {"referral_partner": ["Le nom du partenaire tient en 200 caractères."]}
    assert not Partner.objects.exists()
