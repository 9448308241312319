"""Worked examples of the impayé au sens de la CAF (DOMAIN.md R40–R42), recorded when it happens: figures computed
by hand, time frozen on each event's day."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from habiter.core.models import AuditEvent
from habiter.ledger import rules
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import CafUnpaidEpisode
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _call(manager, lease, year, month):
    with time_machine.travel(date(year, month, 1), tick=False):
        return rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(year, month, 1))[0]


def _pay(manager, lease, day, amount):
    with time_machine.travel(day, tick=False):
        return rent_services.payment_record(
            actor=manager, lease_id=lease.pk, amount=D(amount), received_on=day, source="tenant"
        )


def _episodes(lease):
    return list(CafUnpaidEpisode.objects.filter(lease=lease).order_by("reached_on"))


def test_before_2027_the_date_is_the_due_date_of_the_second_unpaid_month_and_stays(manager, world):
    # rent 500 + charges 50, no benefit paid to the landlord: threshold 2 × 550 = 1 100.00 (R40)
    with time_machine.travel(date(2025, 12, 15), tick=False):
        lease = make_signed_lease(manager, world.own_household, start=date(2026, 1, 1), rent="500.00", charges="50.00")
    _call(manager, lease, 2026, 1)  # due 05/01: 550.00 owed, under 1 100.00
    assert _episodes(lease) == []
    february = _call(manager, lease, 2026, 2)  # due 05/02: 1 100.00 owed, the threshold is reached that day
    (episode,) = _episodes(lease)
    assert february.due_date == date(2026, 2, 5)
    assert (episode.reached_on, episode.threshold, episode.report_by) == (
        date(2026, 2, 5),
        D("1100.00"),
        date(2026, 4, 5),
    )
    assert AuditEvent.objects.filter(action="ledger.caf_unpaid_reached", object_id=str(episode.pk)).count() == 1

    # March called (1 650.00 owed), then 300.00 paid on 10/03: 1 350.00, still over 1 100.00. Rebuilt from the calls
    # still unpaid (January 250.00 left, February 550.00, March 550.00) the date would jump to 05/03; recorded, it
    # stays 05/02 and the CAF must still be told by 05/04.
    _call(manager, lease, 2026, 3)
    _pay(manager, lease, date(2026, 3, 10), "300.00")
    (episode,) = _episodes(lease)
    assert episode.reached_on == date(2026, 2, 5) and episode.cleared_on is None
    balance = rent_queries.lease_balance(lease, date(2026, 3, 10))
    assert balance.balance == D("1350.00")
    assert (balance.caf.reached, balance.caf.constituted_on, balance.caf.report_by) == (
        True,
        date(2026, 2, 5),
        date(2026, 4, 5),
    )

    # 300.00 more on 15/03: 1 050.00 < 1 100.00, the impayé is cleared that day
    _pay(manager, lease, date(2026, 3, 15), "300.00")
    (episode,) = _episodes(lease)
    assert episode.cleared_on == date(2026, 3, 15)
    assert AuditEvent.objects.filter(action="ledger.caf_unpaid_cleared").count() == 1
    after = rent_queries.lease_balance(lease, date(2026, 3, 16))
    assert not after.caf.reached and after.caf.threshold == D("1100.00")
    # the pages read what was recorded: on 10/03 the impayé was still open
    assert rent_queries.lease_balance(lease, date(2026, 3, 10)).caf.reached

    # April called: 1 600.00 owed on 05/04, a new episode opens on that due date
    _call(manager, lease, 2026, 4)
    assert [(e.reached_on, e.cleared_on) for e in _episodes(lease)] == [
        (date(2026, 2, 5), date(2026, 3, 15)),
        (date(2026, 4, 5), None),
    ]


def test_a_reversed_payment_reaches_the_threshold_on_the_reversal_date(manager, world):
    accountant = world.users["accountant"]
    with time_machine.travel(date(2025, 12, 15), tick=False):
        lease = make_signed_lease(manager, world.own_household, start=date(2026, 1, 1), rent="500.00", charges="50.00")
    _call(manager, lease, 2026, 1)
    payment = _pay(manager, lease, date(2026, 1, 6), "550.00")
    _call(manager, lease, 2026, 2)  # 550.00 owed on 05/02: under 1 100.00
    assert _episodes(lease) == []
    with time_machine.travel(date(2026, 2, 12), tick=False):  # the cheque bounced: 1 100.00 owed again
        entries_services.transaction_reverse(
            actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 2, 12)
        )
    (episode,) = _episodes(lease)
    assert (episode.reached_on, episode.report_by) == (date(2026, 2, 12), date(2026, 4, 12))


def test_from_2027_a_debt_over_450_euros_on_the_day_of_the_call_that_crosses_it(manager, world):
    # rent 300 + charges 50: January 350.00 ≤ 450.00; with February 700.00 > 450.00 on its due date (R42)
    with time_machine.travel(date(2026, 12, 15), tick=False):
        lease = make_signed_lease(manager, world.own_household, start=date(2027, 1, 1), rent="300.00", charges="50.00")
    _call(manager, lease, 2027, 1)
    assert _episodes(lease) == []
    _call(manager, lease, 2027, 2)
    (episode,) = _episodes(lease)
    assert (episode.reached_on, episode.threshold, episode.report_by) == (
        date(2027, 2, 5),
        D("450.00"),
        date(2027, 4, 5),
    )


def test_from_2027_a_default_still_unpaid_three_months_later_is_caught_by_the_check(manager, world):
    with time_machine.travel(date(2026, 12, 15), tick=False):
        lease = make_signed_lease(manager, world.own_household, start=date(2027, 1, 1), rent="300.00", charges="50.00")
    _call(manager, lease, 2027, 1)
    _pay(manager, lease, date(2027, 1, 5), "330.00")  # 20.00 left of January's 350.00, due 05/01
    assert _episodes(lease) == []
    with time_machine.travel(date(2027, 4, 4), tick=False):
        call_command("caf_unpaid_check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _episodes(lease) == []  # 3 months after 05/01 is 05/04
    with time_machine.travel(date(2027, 4, 5), tick=False):
        call_command("caf_unpaid_check", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("caf_unpaid_check", stdout=open("/dev/null", "w"))  # noqa: SIM115  (twice: recorded once)
    (episode,) = _episodes(lease)
    assert (episode.reached_on, episode.threshold, episode.report_by) == (
        date(2027, 4, 5),
        D("450.00"),
        date(2027, 6, 5),
    )
    event = AuditEvent.objects.get(action="ledger.caf_unpaid_reached")
    assert event.actor is None and event.organisation_id == lease.organisation_id


def test_from_2027_the_month_end_run_records_a_default_three_months_old(manager, world):
    with time_machine.travel(date(2026, 12, 15), tick=False):
        lease = make_signed_lease(manager, world.own_household, start=date(2027, 1, 1), rent="300.00", charges="50.00")
    _call(manager, lease, 2027, 1)
    _pay(manager, lease, date(2027, 1, 5), "330.00")  # 20.00 left of January, due 05/01, nothing called since
    with time_machine.travel(date(2027, 4, 28), tick=False):
        rent_services.rent_calls_issue(actor=manager, month=date(2027, 2, 1))  # February 350.00: 370.00 ≤ 450.00
    (episode,) = _episodes(lease)
    # the run's day (28/04) is past 05/04, three months after January's default: recorded on 05/04
    assert (episode.reached_on, episode.report_by) == (date(2027, 4, 5), date(2027, 6, 5))


@pytest.mark.parametrize(
    ("items", "on", "call_due", "episode_open", "expected"),
    [
        # until 2026, threshold 2 × 550 = 1 100.00
        ([(date(2026, 1, 5), D("550.00"))], date(2026, 1, 1), date(2026, 1, 5), False, (None, False)),
        (
            [(date(2026, 1, 5), D("550.00")), (date(2026, 2, 5), D("550.00"))],
            date(2026, 1, 28),
            date(2026, 2, 5),
            False,
            (date(2026, 2, 5), False),
        ),
        (
            [(date(2026, 2, 5), D("550.00")), (date(2026, 3, 5), D("550.00"))],
            date(2026, 3, 1),
            None,
            True,
            (None, False),
        ),
        (
            [(date(2026, 2, 5), D("549.99")), (date(2026, 3, 5), D("550.00"))],
            date(2026, 3, 1),
            None,
            True,
            (None, True),
        ),
        # from 2027, more than 450.00, or a default 3 months old
        ([(date(2027, 1, 5), D("450.00"))], date(2027, 1, 10), None, False, (None, False)),
        ([(date(2027, 1, 5), D("450.01"))], date(2027, 1, 10), None, False, (date(2027, 1, 10), False)),
        ([(date(2027, 1, 5), D("20.00"))], date(2027, 4, 4), None, False, (None, False)),
        ([(date(2027, 1, 5), D("20.00"))], date(2027, 4, 30), None, False, (date(2027, 4, 5), False)),
        ([(date(2027, 1, 5), D("20.00"))], date(2027, 4, 30), None, True, (None, False)),
        ([], date(2027, 4, 30), None, True, (None, True)),
    ],
)
def test_caf_unpaid_crossing(items, on, call_due, episode_open, expected):
    crossing = rules.caf_unpaid_crossing(items, D("550.00"), on, episode_open=episode_open, call_due=call_due)
    assert (crossing.reached_on, crossing.cleared) == expected
