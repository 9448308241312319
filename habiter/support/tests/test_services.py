from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from habiter.core.models import AuditEvent
from habiter.support import services
from habiter.support.models import MeasureOutcome, MeasureStatusChange, Programme, SupportMeasure

pytestmark = pytest.mark.django_db


def programme(world, code="avdl", organisation=None):
    return Programme.objects.get(organisation=organisation or world.organisation, code=code)


def open_measure(world, actor=None, household=None, **kwargs):
    return services.measure_open(
        actor=actor or world.users["social_worker"],
        household_id=(household or world.own_household).pk,
        programme_id=programme(world).pk,
        start_date=kwargs.pop("start_date", timezone.localdate() - timedelta(days=30)),
        **kwargs,
    )


def test_new_organisations_get_the_default_catalogue(world):
    codes = set(Programme.objects.filter(organisation=world.organisation).values_list("code", flat=True))
    assert {"avdl", "asll", "agls", "iml", "sliding_lease", "boarding_house", "pil", "ais"} <= codes
    assert MeasureOutcome.objects.filter(organisation=world.organisation, label="Accès au logement").exists()


def test_open_then_suspend_resume_close_is_logged_and_audited(world):
    worker = world.users["social_worker"]
    measure = open_measure(world)
    assert measure.status == "active"
    today = timezone.localdate()
    services.measure_transition(
        actor=worker, measure_id=measure.pk, to_status="suspended", on_date=today - timedelta(days=20)
    )
    services.measure_transition(
        actor=worker, measure_id=measure.pk, to_status="active", on_date=today - timedelta(days=10)
    )
    outcome = MeasureOutcome.objects.get(organisation=world.organisation, label="Accès au logement")
    closed = services.measure_transition(
        actor=worker,
        measure_id=measure.pk,
        to_status="closed",
        on_date=today,
        end_reason="Bail signé avec un bailleur social.",
        outcome_id=outcome.pk,
    )
    assert closed.status == "closed" and closed.end_date == today and closed.outcome == outcome
    path = list(MeasureStatusChange.objects.filter(measure=measure).values_list("from_status", "to_status"))
    assert path == [("", "active"), ("active", "suspended"), ("suspended", "active"), ("active", "closed")]
    actions = AuditEvent.objects.filter(object_id=str(measure.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["measure.open"] + ["measure.transition"] * 3


def test_refused_transitions_save_nothing(world):
    worker = world.users["social_worker"]
    measure = open_measure(world, requested=True)
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.measure_transition(
            actor=worker, measure_id=measure.pk, to_status="suspended", on_date=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="issue"):
        services.measure_transition(
            actor=worker, measure_id=measure.pk, to_status="closed", on_date=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="futur"):
        services.measure_transition(
            actor=worker, measure_id=measure.pk, to_status="active", on_date=timezone.localdate() + timedelta(days=1)
        )
    measure.refresh_from_db()
    assert measure.status == "requested"
    assert MeasureStatusChange.objects.filter(measure=measure).count() == 1


def test_closed_measure_cannot_change_again(world):
    worker = world.users["social_worker"]
    measure = open_measure(world)
    outcome = MeasureOutcome.objects.filter(organisation=world.organisation).first()
    services.measure_transition(
        actor=worker, measure_id=measure.pk, to_status="closed", on_date=timezone.localdate(), outcome_id=outcome.pk
    )
    with pytest.raises(ValidationError, match="clôturée"):
        services.measure_transition(
            actor=worker, measure_id=measure.pk, to_status="active", on_date=timezone.localdate()
        )


def test_planned_end_before_start_is_refused(world):
    with pytest.raises(ValidationError, match="fin prévue"):
        open_measure(world, start_date=date(2026, 5, 1), planned_end_date=date(2026, 4, 1))
    assert not SupportMeasure.objects.exists()


def test_out_of_scope_household_or_foreign_programme(world):
    worker = world.users["social_worker"]
    with pytest.raises(SupportMeasure.DoesNotExist):
        open_measure(world, household=world.other_team_household)
    with pytest.raises(SupportMeasure.DoesNotExist):
        open_measure(world, actor=world.users["volunteer"])
    foreign = programme(world, organisation=world.other_organisation)
    with pytest.raises(ValidationError, match="Dispositif inconnu"):
        services.measure_open(
            actor=worker, household_id=world.own_household.pk, programme_id=foreign.pk, start_date=date(2026, 1, 1)
        )
    measure = open_measure(world)
    with pytest.raises(SupportMeasure.DoesNotExist):
        services.measure_transition(
            actor=world.outsider, measure_id=measure.pk, to_status="suspended", on_date=timezone.localdate()
        )


def test_catalogue_is_for_directors(world):
    director = world.users["director"]
    added = services.programme_add(actor=director, name="Accompagnement santé-logement", code="sante-logement")
    assert added.active
    with pytest.raises(ValidationError, match="Un dispositif porte déjà ce code"):
        services.programme_add(actor=director, name="Doublon", code="sante-logement")
    services.programme_set_active(actor=director, programme_id=added.pk, active=False)
    with pytest.raises(ValidationError, match="Dispositif inconnu"):
        services.measure_open(
            actor=director, household_id=world.own_household.pk, programme_id=added.pk, start_date=date(2026, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.programme_add(actor=world.users["team_lead"], name="X", code="x")
    with pytest.raises(PermissionDenied):
        services.outcome_add(actor=world.users["social_worker"], label="X")
