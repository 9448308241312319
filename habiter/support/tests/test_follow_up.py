"""The situation a year after the end of a measure (DOMAIN-2 W35): recorded once the measure is closed, a year
after its end at the earliest, corrected by recording it again; only by those who manage the household's measures."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.support import rules, services
from habiter.support.models import MeasureFollowUp, Programme, SupportMeasure

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("end_date", "observed_on", "expected"),
    [
        (None, date(2026, 12, 1), rules.FOLLOW_UP_NOT_CLOSED),
        (date(2025, 12, 6), date(2026, 12, 5), rules.FOLLOW_UP_TOO_EARLY),  # one day short of a year
        (date(2025, 12, 6), date(2026, 12, 6), None),  # a year to the day
        (date(2025, 1, 31), date(2026, 1, 31), None),
        (date(2024, 2, 29), date(2025, 2, 28), None),  # a year after 29 February is the last day of February
        (date(2025, 6, 30), date(2026, 12, 7), rules.FOLLOW_UP_IN_FUTURE),
    ],
)
def test_when_the_situation_may_be_recorded(end_date, observed_on, expected):
    assert rules.follow_up_error(end_date, observed_on, TODAY) == expected


def test_the_follow_up_is_due_a_year_after_the_end():
    assert rules.follow_up_due_on(date(2025, 6, 30)) == date(2026, 6, 30)


def _closed_measure(world, end_date=date(2025, 6, 30)):
    measure = services.measure_open(
        actor=world.users["director"],
        household_id=world.own_household.pk,
        programme_id=Programme.objects.get(organisation=world.organisation, code="avdl").pk,
        start_date=date(2024, 9, 2),
    )
    SupportMeasure.objects.filter(pk=measure.pk).update(status="closed", end_date=end_date)
    return measure


@time_machine.travel("2026-12-06 10:00 +0100", tick=False)
def test_the_referent_records_then_corrects_the_situation(world):
    worker = world.users["social_worker"]
    measure = _closed_measure(world)
    services.follow_up_record(
        actor=worker,
        measure_id=measure.pk,
        observed_on=date(2026, 7, 2),
        situation="same_housing",
        arrears_over_three_months=True,
    )
    services.follow_up_record(
        actor=worker, measure_id=measure.pk, observed_on=date(2026, 7, 3), situation="other_housing", comment="Muté."
    )
    follow_up = MeasureFollowUp.objects.get(measure=measure)  # still one row
    assert (follow_up.observed_on, follow_up.situation, follow_up.arrears_over_three_months) == (
        date(2026, 7, 3),
        "other_housing",
        None,
    )
    assert AuditEvent.objects.filter(action="measure.follow_up", object_id=str(measure.pk)).count() == 2


@time_machine.travel("2026-12-06 10:00 +0100", tick=False)
def test_an_open_measure_or_an_early_date_is_refused_in_french(world):
    worker = world.users["social_worker"]
    measure = _closed_measure(world, end_date=date(2026, 3, 31))
    with pytest.raises(ValidationError, match="au plus tôt un an après la fin"):
        services.follow_up_record(
            actor=worker, measure_id=measure.pk, observed_on=date(2026, 12, 1), situation="same_housing"
        )
    SupportMeasure.objects.filter(pk=measure.pk).update(status="active", end_date=None)
    with pytest.raises(ValidationError, match="une fois la mesure clôturée"):
        services.follow_up_record(
            actor=worker, measure_id=measure.pk, observed_on=date(2026, 12, 1), situation="same_housing"
        )
    assert not MeasureFollowUp.objects.exists()


@time_machine.travel("2026-12-06 10:00 +0100", tick=False)
def test_only_those_who_manage_the_households_measures_record_it(world):
    measure = _closed_measure(world)
    for user in (world.outsider, world.users["volunteer"], world.users["receptionist"], world.users["accountant"]):
        with pytest.raises(SupportMeasure.DoesNotExist):
            services.follow_up_record(
                actor=user, measure_id=measure.pk, observed_on=date(2026, 7, 1), situation="unknown"
            )
    assert not MeasureFollowUp.objects.exists()


@time_machine.travel("2026-12-06 10:00 +0100", tick=False)
def test_the_page_records_it_and_the_household_shows_it(client, world):
    measure = _closed_measure(world)
    client.force_login(world.users["social_worker"])
    url = reverse("support:measure_follow_up", args=[measure.pk])
    page = client.get(url).content.decode()
    assert "la situation se relève à partir du 30/06/2026" in page
    response = client.post(url, {"observed_on": "02/07/2026", "situation": "no_housing", "arrears": "yes"})
    assert response.status_code == 302
    household = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "À un an : Sans logement ou hébergé" in household
    follow_up = MeasureFollowUp.objects.get(measure=measure)
    assert follow_up.arrears_over_three_months is True
    early = client.post(url, {"observed_on": "01/06/2026", "situation": "no_housing", "arrears": ""})
    assert early.status_code == 200
    assert "au plus tôt un an après la fin" in early.content.decode()
