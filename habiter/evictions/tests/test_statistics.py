"""The director's statistics: cases opened and closed by outcome, evictions avoided, average days per step."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from habiter.people.tests.factories import make_household

from .. import queries, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 6, 30), tick=False):
        yield


def _case(world, name, first_unpaid_on=date(2026, 1, 5)):
    worker = world.users["social_worker"]
    household = make_household(worker, name=name)
    return services.case_open(
        actor=worker,
        household_id=household.pk,
        dwelling_address="1 rue Haute",
        landlord_name="M. Martin",
        landlord_kind="natural_person",
        lease_signed_on=date(2024, 1, 10),
        debt=Decimal("900.00"),
        monthly_amount=Decimal("450.00"),
        first_unpaid_on=first_unpaid_on,
    )


def _walk(world, case, caf_on, outcome=None, closed_on=None):
    worker = world.users["social_worker"]
    services.case_step_add(actor=worker, case_id=case.pk, step="caf_told", on_date=caf_on)
    if outcome:
        services.case_close(actor=worker, case_id=case.pk, outcome=outcome, closed_on=closed_on)


def test_the_figures_of_a_period(world):
    _walk(world, _case(world, "Un"), date(2026, 2, 4), "plan_respected", date(2026, 6, 10))  # 30 days to CAF
    _walk(world, _case(world, "Deux"), date(2026, 1, 25), "evicted", date(2026, 6, 20))  # 20 days
    _walk(world, _case(world, "Trois"), date(2026, 2, 14))  # 40 days, still open
    stats = queries.case_statistics(world.users["director"], date(2026, 1, 1), date(2026, 12, 31))
    assert stats.opened == 3 and stats.closed == 2 and stats.avoided == 1
    assert dict(stats.by_outcome)["Plan d'apurement respecté"] == 1 and dict(stats.by_outcome)["Expulsion"] == 1
    assert stats.step_delays == [("Signalement à la CAF", Decimal("30.0"), 3)]
    assert stats.average_case_days == Decimal("161.0")  # (156 + 166) / 2 days from the first unpaid rent
    earlier = queries.case_statistics(world.users["director"], date(2025, 1, 1), date(2025, 12, 31))
    assert earlier.opened == 0 and earlier.closed == 0 and earlier.step_delays == []
    assert queries.case_statistics(world.users["team_lead"], date(2026, 1, 1), date(2026, 12, 31)) is None


def test_the_page_is_the_directors_and_costs_the_same(client, world, django_assert_max_num_queries):
    url = reverse("evictions:statistics")
    client.force_login(world.users["team_lead"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["director"])
    _walk(world, _case(world, "Un"), date(2026, 2, 4), "debt_settled", date(2026, 6, 10))
    with django_assert_max_num_queries(40) as few:
        page = client.get(url, {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    assert "Expulsions évitées" in page and "Signalement à la CAF" in page
    for n in range(4):
        _walk(world, _case(world, f"Cas {n}"), date(2026, 3, 1), "rehoused", date(2026, 6, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    assert "Expulsions évitées : <strong>5</strong>" in page
    bad = client.get(url, {"start": "2026-12-31", "end": "2026-01-01"}).content.decode()
    assert "La fin de la période suit son début." in bad
