"""The demo's boarding houses have a whole year of redevances whatever the day it is loaded: seeded on a Wednesday
of March (not in December, when 1 January is twelve months back anyway), each contract older than the year has its
twelve monthly calls in the ledger and the CAF's APL-foyer paid for each of them, but where the demo tells otherwise
(one resident pays nothing for three months, this month's APL-foyer of three residents waits in the bank queue)."""

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

pytestmark = pytest.mark.django_db

WEDNESDAY_IN_MARCH = datetime(2026, 3, 11, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
# the ledger's demo calls the last twelve months, this one included: April 2025 to March 2026
YEAR_OF_CALLS = [date(2025, month, 1) for month in range(4, 13)] + [date(2026, month, 1) for month in range(1, 4)]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    # loaded once for the module inside a transaction rolled back at its end: the other tests never see it
    with django_db_blocker.unblock(), override_settings(HABITER_DEMO=True, MEDIA_ROOT=media), transaction.atomic():
        with time_machine.travel(WEDNESDAY_IN_MARCH, tick=False):
            call_command("seed_demo", scale=120, quiet_logins=True)
        yield
        transaction.set_rollback(True)


def test_a_demo_loaded_in_march_has_a_year_of_redevance_calls_and_caf_payments(demo):
    from habiter.ledger.models import RedevanceCall, RedevancePayment
    from habiter.residences.models import ResidenceContract

    older = list(
        ResidenceContract.objects.filter(
            place__residence__name__in=("Les Pléiades", "Soleil"),
            status__in=("active", "notice"),
            starts_on__lt=date(2025, 4, 1),
        )
    )
    assert len(older) >= 10
    caf_payments = Counter()
    for contract in older:
        periods = list(
            RedevanceCall.objects.filter(contract=contract, cancelled_on__isnull=True)
            .order_by("period")
            .values_list("period", flat=True)
        )
        assert periods == YEAR_OF_CALLS, contract
        caf_payments[contract.pk] = RedevancePayment.objects.filter(
            contract=contract, source="caf", received_on__gte=date(2025, 4, 1)
        ).count()
    # the CAF paid the APL-foyer of every month, but three months of the resident who pays nothing (12 - 3 = 9) and
    # this month's of the three residents whose APL-foyer is the CAF's transfer waiting in the bank queue (11)
    assert Counter(caf_payments.values()) == {12: len(older) - 4, 11: 3, 9: 1}
