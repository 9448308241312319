"""The impayé au sens de la CAF (R40–R42), recorded when an event makes a lease's debt cross the threshold or a
check finds a default left unpaid too long: `caf_unpaid_follow` runs inside the rent services' transactions."""

from datetime import date

from django.db import transaction
from django.db.models import F

from habiter.core.audit import audit_record, audit_record_many
from habiter.core.legal_queries import legal_parameters
from habiter.leases.models import Lease
from habiter.ledger import rules
from habiter.ledger.entries.services import (
    tenant_account,
)
from habiter.ledger.models import (
    CafUnpaidEpisode,
    RentCall,
    money_sum,
)

from . import queries

# --- impayé au sens de la CAF (R40–R42) ------------------------------------------------------------------------

BATCH_SIZE = 100  # leases per database transaction of the month-end run (and per step of its progress bar)


def caf_unpaid_follow(*, actor, leases, on: date, call_due: dict | None = None, params=None) -> None:
    """Record, inside the caller's transaction, what an event of `on` did to each lease's impayé au sens de la CAF
    (`rules.caf_unpaid_crossing`): an episode opened on the day the debt crossed the threshold (for a call issued, the
    call's due date, `call_due` by lease), or the open one cleared once the debt is back under it. Called by the
    services that move a debt — calls issued, a payment recorded or reversed, a call cancelled — and by the month-end
    run and `caf_unpaid_check` for the time criterion from 2027. Never on a page read. A constant number of queries
    whatever the number of leases: the open calls, the open episodes and the benefit paid to the landlord read in
    one query each, the episodes and their audit events written in bulk. `actor` None (a scheduled command): the
    audit events carry the lease's organisation."""
    leases = list(leases)
    if not leases:
        return
    call_due = call_due or {}
    params = legal_parameters() if params is None else params
    ids = [lease.pk for lease in leases]
    items: dict = {}
    for lease_id, due_date, due, paid in (
        RentCall.objects.filter(lease_id__in=ids, cancelled_on__isnull=True, settled=False)
        .annotate(paid=money_sum("allocations__amount"))
        .filter(paid__lt=F("due"))
        .values_list("lease_id", "due_date", "due", "paid")
    ):
        items.setdefault(lease_id, []).append((due_date, rules.cents(due - paid)))
    episodes = {e.lease_id: e for e in CafUnpaidEpisode.objects.filter(lease_id__in=ids, cleared_on__isnull=True)}
    # the benefit paid to the landlord in the weeks before the event (for calls, before their due dates)
    aid = queries.tiers_payant_aid(set(ids), max(call_due.values(), default=on))
    reached, cleared = [], []
    for lease in leases:
        episode = episodes.get(lease.pk)
        effective = call_due.get(lease.pk)
        crossing = rules.caf_unpaid_crossing(
            items.get(lease.pk, ()),
            lease.rent + lease.charges,
            on,
            episode_open=episode is not None,
            call_due=effective,
            aid=aid.get(lease.pk, rules.ZERO),
            territory=queries.territory_of(lease.dwelling),
            params=params,
        )
        if effective is not None and effective < on and episode is None and crossing.reached_on is None:
            # a call issued after its due date: the run's day may also find a default left unpaid too long (R42)
            crossing = rules.caf_unpaid_crossing(
                items.get(lease.pk, ()),
                lease.rent + lease.charges,
                on,
                episode_open=False,
                aid=aid.get(lease.pk, rules.ZERO),
                territory=queries.territory_of(lease.dwelling),
                params=params,
            )
        if crossing.cleared:
            episode.cleared_on = max(effective or on, episode.reached_on)
            cleared.append((lease, episode))
        elif crossing.reached_on is not None:
            episode = CafUnpaidEpisode(
                organisation_id=lease.organisation_id,
                lease=lease,
                reached_on=crossing.reached_on,
                threshold=crossing.threshold,
                report_by=crossing.report_by,
            )
            episode.clean_fields(exclude=["lease", "organisation"])  # both known: no query per lease
            reached.append((lease, episode))
    if reached:
        CafUnpaidEpisode.objects.bulk_create([episode for _lease, episode in reached])
    if cleared:
        CafUnpaidEpisode.objects.bulk_update([episode for _lease, episode in cleared], ["cleared_on", "updated_at"])
    for action, rows in (("ledger.caf_unpaid_reached", reached), ("ledger.caf_unpaid_cleared", cleared)):
        events = [
            (
                episode,
                lease.household_id,
                {"reached_on": episode.reached_on.isoformat(), "threshold": str(episode.threshold)}
                | ({"report_by": episode.report_by.isoformat()} if episode.cleared_on is None else {})
                | ({"cleared_on": episode.cleared_on.isoformat()} if episode.cleared_on else {}),
            )
            for lease, episode in rows
        ]
        if events and actor is not None:
            audit_record_many(actor=actor, action=action, items=events)
        elif events:
            for (lease, _episode), (obj, household_id, detail) in zip(rows, events, strict=True):
                audit_record(
                    actor=None,
                    action=action,
                    obj=obj,
                    household_id=household_id,
                    detail=detail,
                    organisation=lease.organisation,
                )


def caf_unpaid_check(*, on: date, organisation_id=None) -> int:
    """The time criterion of the impayé from 1/1/2027 (R42: a default still unpaid
    `caf_impaye_months_after_default` months later), which no payment or call marks: record, for every lease with
    calls still owed (of `organisation_id`, or of every organisation), what is due on `on`. Run by the month-end
    calls for their batch and by the daily `caf_unpaid_check` command. Returns the number of leases looked at."""
    leases = Lease.objects.filter(
        pk__in=RentCall.objects.filter(cancelled_on__isnull=True, settled=False).values("lease_id")
    ).select_related("dwelling", "organisation")
    if organisation_id is not None:
        leases = leases.filter(organisation_id=organisation_id)
    leases = list(leases.order_by("organisation_id", "start_date", "id"))
    params = legal_parameters()
    for first in range(0, len(leases), BATCH_SIZE):
        with transaction.atomic():
            batch = leases[first : first + BATCH_SIZE]
            for lease in batch:
                tenant_account(lease, lock=True)
            caf_unpaid_follow(actor=None, leases=batch, on=on, params=params)
    return len(leases)
