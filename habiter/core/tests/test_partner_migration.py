"""The migration that turns the partners typed as text (a measure's prescriber, a plan step's partner, a desk visit's
referral) into links to partner records loses no value: each distinct name of an organisation becomes one partner,
an existing partner of the same name (whatever its case) is reused, another organisation's never is."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from habiter.core import dbroles
from habiter.core.models import Partner
from habiter.reception import services as reception_services
from habiter.reception.models import DeskVisit, WorkshopSession
from habiter.reception.tests.factories import make_session
from habiter.support import plans as plan_services
from habiter.support import services as support_services
from habiter.support.models import PlanStep, Programme, SupportMeasure

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("support", "0015_measure_situation_at_entry"), ("reception", "0002_referrals")]


def _migrate(targets=None):
    """Move the schema to `targets`, or back to the latest migrations for the tests that follow (as the schema's
    owner when there are two roles); the historical apps."""
    with dbroles.as_owner():
        executor = MigrationExecutor(connection)
        state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
        dbroles.grant_app_privileges()
        return state.apps


def _rows(world):
    """A measure, a plan step and a desk visit with no partner yet, written by the services of today."""
    worker = world.users["social_worker"]
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    measure = support_services.measure_open(
        actor=worker, household_id=world.own_household.pk, programme_id=avdl.pk, start_date=date(2026, 3, 2)
    )
    other = support_services.measure_open(
        actor=world.outsider,
        household_id=world.other_org_household.pk,
        programme_id=Programme.objects.get(organisation=world.other_organisation, code="avdl").pk,
        start_date=date(2026, 3, 2),
    )
    plan = plan_services.plan_start(actor=worker, household_id=world.own_household.pk, started_on=date(2026, 3, 2))
    goal = plan_services.goal_add(
        actor=worker, plan_id=plan.pk, life_area="housing", title="Trouver un logement", person_words="Un T2"
    )
    step = plan_services.step_add(actor=worker, goal_id=goal.pk, description="Rendez-vous CAF", owner="person")
    visit = reception_services.desk_visit_record(actor=world.users["receptionist"], topics=["other"])
    return measure, other, step, visit


@pytest.mark.one_pass("postgresql")
def test_the_texts_become_partners_without_losing_a_value_and_come_back(world):
    """One test for both ways: moving the schema back and forth is slow."""
    measure, other, step, visit = _rows(world)
    make_session(world.users["director"])  # a table a later migration changed: it must be whole again after the test
    known = Partner.objects.create(organisation=world.organisation, name="CAF des Bouches-du-Rhône", kind="state")
    adil = Partner.objects.create(organisation=world.organisation, name="ADIL 13", kind="legal")
    SupportMeasure.objects.filter(pk=measure.pk).update(prescriber=adil)
    try:
        old = _migrate(BEFORE)
        old_measures = old.get_model("support", "SupportMeasure").objects
        assert old_measures.get(pk=measure.pk).prescriber == "ADIL 13"  # the way back gives the text again
        assert old.get_model("reception", "DeskVisit").objects.get(pk=visit.pk).referral_partner == ""
        old_measures.filter(pk=measure.pk).update(prescriber="  CCAS de Marseille ")
        old_measures.filter(pk=other.pk).update(prescriber="CCAS de Marseille")
        old.get_model("support", "PlanStep").objects.filter(pk=step.pk).update(
            owner="partner", partner_name="caf des bouches-du-rhône"
        )
        old.get_model("reception", "DeskVisit").objects.filter(pk=visit.pk).update(referral_partner="ccas de marseille")
    finally:
        _migrate()

    own = SupportMeasure.objects.get(pk=measure.pk).prescriber
    assert (own.organisation, own.name.casefold(), own.kind) == (world.organisation, "ccas de marseille", "other")
    assert DeskVisit.objects.get(pk=visit.pk).referral_partner == own  # one partner whatever the case
    assert PlanStep.objects.get(pk=step.pk).partner == known  # the partner that existed is reused
    theirs = SupportMeasure.objects.get(pk=other.pk).prescriber
    assert theirs.organisation == world.other_organisation and theirs.name == "CCAS de Marseille"
    assert Partner.objects.filter(organisation=world.organisation).count() == 3  # ADIL 13, CAF, CCAS
    assert Partner.objects.filter(organisation=world.other_organisation).count() == 1
    assert WorkshopSession.objects.filter(present_professional=None).count() == 1  # every migration is back
