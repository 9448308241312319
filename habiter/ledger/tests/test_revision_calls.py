"""A rent call uses the rent in force on each day of its month: a revision effective on the 15th is prorated inside
the month, and a revision applied after the month was called is asked as a rappel de révision on the next call
(loi 89 art. 17-1). Expected figures are computed by hand in the comments."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habiter.core.models import AuditEvent
from habiter.leases import services as lease_services
from habiter.leases.models import RentIndex, RentRevision
from habiter.ledger.mailing.services import notice_context
from habiter.ledger.models import RentCall, RevisionCatchUp
from habiter.ledger.rent import services as rent_services

from .factories import make_signed_lease

D = Decimal


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _lease(manager, world):
    # signed 15/03/2026, Q4 reference: the base index is Q4 2025 (145.78), revised each 15 March
    return make_signed_lease(manager, world.own_household, start=date(2026, 3, 15), rent="600.00", charges="0.00")


@time_machine.travel(date(2027, 4, 20), tick=False)
def test_a_revision_on_the_15th_is_prorated_in_the_march_call(manager, world):
    lease = _lease(manager, world)
    index = RentIndex.objects.first()
    RentRevision.objects.create(
        organisation=lease.organisation,
        lease=lease,
        revision_date=date(2027, 3, 15),
        effective_date=date(2027, 3, 15),
        base_index=index,
        new_index=index,
        old_rent=D("600.00"),
        new_rent=D("612.00"),
        applied_by=manager,
    )
    lease.rent = D("612.00")
    lease.save(update_fields=["rent"])
    assert rent_services.rent_calls_issue(actor=manager, month=date(2027, 2, 1)) == 1
    assert rent_services.rent_calls_issue(actor=manager, month=date(2027, 3, 1)) == 1
    assert rent_services.rent_calls_issue(actor=manager, month=date(2027, 4, 1)) == 1
    calls = {c.period.month: c.rent for c in RentCall.objects.filter(lease=lease)}
    # February at the old rent; March 600 × 14/31 + 612 × 17/31 = (8 400 + 10 404) / 31 = 606.5806… → 606.58;
    # April at the new rent
    assert calls == {2: D("600.00"), 3: D("606.58"), 4: D("612.00")}


@time_machine.travel(date(2027, 3, 10), tick=False)
def test_a_revision_applied_after_the_month_was_called_is_asked_on_the_next_call(manager, world):
    lease = _lease(manager, world)
    # March is called at 600.00 on the 1st, before the revision of 15/03/2027 is applied on the 10th
    march, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2027, 3, 1))
    assert march.rent == D("600.00")
    lease_services.irl_add(actor=manager, year=2026, quarter=4, zone="metropole", value=D("148.70"))
    [revision] = lease_services.rent_revisions_apply(
        actor=manager, month=date(2027, 3, 1), lease_ids=[lease.pk], today=date(2027, 3, 10)
    )
    # 600 × 148.70 / 145.78 = 612.0181… → 612.02, effective on the revision date (asked before it)
    assert (revision.new_rent, revision.effective_date) == (D("612.02"), date(2027, 3, 15))
    # March should have been 600 × 14/31 + 612.02 × 17/31 = (8 400 + 10 404.34) / 31 = 606.5916… → 606.59:
    # 6.59 were not called
    [catch_up] = RevisionCatchUp.objects.filter(lease=lease)
    assert (catch_up.period, catch_up.amount, catch_up.rent_call) == (date(2027, 3, 1), D("6.59"), None)
    assert AuditEvent.objects.filter(action="ledger.revision_catch_up_record").count() == 1
    april, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2027, 4, 1))
    # April: 612.02 of the month + 6.59 of rappel = 618.61, the rappel printed on its own line
    assert (april.rent, april.rent_catch_up, april.rent_of_month, april.total) == (
        D("618.61"),
        D("6.59"),
        D("612.02"),
        D("618.61"),
    )
    catch_up.refresh_from_db()
    assert catch_up.rent_call == april
    assert notice_context(april)["call"].rent_catch_up == D("6.59")
    # asked once: May is the rent alone
    may, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2027, 5, 1))
    assert (may.rent, may.rent_catch_up) == (D("612.02"), D("0.00"))


def test_the_month_end_run_reads_the_revisions_in_one_query_per_batch(manager, world):
    def run(count, month):
        for _ in range(count):
            lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
            RentRevision.objects.create(
                organisation=lease.organisation,
                lease=lease,
                revision_date=date(2025, month.month, 10),
                effective_date=date(2025, month.month, 10),
                base_index=RentIndex.objects.first(),
                new_index=RentIndex.objects.first(),
                old_rent=D("490.00"),
                new_rent=D("500.00"),
                applied_by=manager,
            )
        with CaptureQueriesContext(connection) as queries_run:
            rent_services.rent_calls_issue(actor=manager, month=month)
        return len(queries_run)

    with time_machine.travel(date(2025, 6, 1), tick=False):
        run(1, date(2025, 1, 1))  # the organisation's accounts are made on the first run
        run(1, date(2025, 2, 1))
        # from March on, each run's new calls make some debts cross the CAF threshold: the episodes and their audit
        # events are inserted in bulk, two queries whatever their number
        assert run(1, date(2025, 3, 1)) == run(3, date(2025, 4, 1))
