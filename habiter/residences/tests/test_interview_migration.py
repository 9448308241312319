"""The migration that turns an orientation's single interview date into its first interview loses no value: each
date becomes an interview of that day, with no one named as its leader; whether the candidate came is said only where
the decision says it (admitted: came; refused for not coming: did not come); and back, the date is the latest
interview's."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from habiter.core import dbroles
from habiter.residences import services
from habiter.residences.models import OrientationInterview

from .factories import make_place, make_residence

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("residences", "0019_residence_essms_resident_notice")]


def _migrate(targets=None):
    with dbroles.as_owner():
        executor = MigrationExecutor(connection)
        state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
        dbroles.grant_app_privileges()
        return state.apps


@pytest.mark.one_pass("postgresql")
def test_the_interview_dates_become_interviews_without_losing_a_value_and_come_back(world):
    host = world.users["host"]
    residence = make_residence(world.users["director"], hosts=[host])
    vacancy = services.vacancy_declare(
        actor=host, place_id=make_place(world.users["director"], residence, "1").pk, declared_on=date(2026, 1, 5)
    )
    orientations = [
        services.orientation_receive(
            actor=host,
            vacancy_id=vacancy.pk,
            siao_reference=f"SIAO-{n}",
            candidate_name=name,
            received_on=date(2026, 1, 12),
        )
        for n, name in enumerate(("Admis", "Absent", "Refusé", "En attente", "Sans entretien"))
    ]
    admitted, absent, refused, waiting, none = orientations
    services.orientation_interview_add(
        actor=host, orientation_id=waiting.pk, held_on=date(2026, 1, 14), led_by_id=host.pk, attendance="postponed"
    )
    services.orientation_interview_add(
        actor=host, orientation_id=waiting.pk, held_on=date(2026, 1, 19), led_by_id=host.pk, attendance="came"
    )
    try:
        old = _migrate(BEFORE)
        old_orientations = old.get_model("residences", "Orientation").objects
        assert old_orientations.get(pk=waiting.pk).interview_on == date(2026, 1, 19)  # back: the latest interview
        old_orientations.filter(pk=admitted.pk).update(
            interview_on=date(2026, 1, 20), decision="admitted", decided_on=date(2026, 1, 22)
        )
        old_orientations.filter(pk=absent.pk).update(
            interview_on=date(2026, 1, 21), decision="refused", decided_on=date(2026, 1, 22), refusal_reason="no_show"
        )
        old_orientations.filter(pk=refused.pk).update(
            interview_on=date(2026, 1, 16),
            decision="refused",
            decided_on=date(2026, 1, 22),
            refusal_reason="autonomous",
        )
    finally:
        _migrate()

    rows = OrientationInterview.objects.order_by("orientation__candidate_name", "held_on")
    assert [(i.orientation_id, i.held_on, i.led_by_id, i.attendance, i.note) for i in rows] == [
        (absent.pk, date(2026, 1, 21), None, "no_show", ""),
        (admitted.pk, date(2026, 1, 20), None, "came", ""),
        (waiting.pk, date(2026, 1, 19), None, "", ""),  # undecided: whether he came is to note
        (refused.pk, date(2026, 1, 16), None, "", ""),
    ]
    assert all(i.organisation_id == world.organisation.pk for i in rows)
    assert not none.interviews.exists()
