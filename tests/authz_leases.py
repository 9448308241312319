"""Authorization rows of the `leases` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Scopes of a lease URL: the lease of the own team's household, of the other team's household, and a lease of
another organisation. Rental managers, accountants and directors see every lease of their organisation; team
leads and social workers only those of the households whose file they may open. Only directors and rental
managers prepare, sign, end, cancel, slide and revise leases; team leads and social workers also record the
reviews of a sliding lease.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.urls import reverse

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases import services
from habiter.leases.models import (
    HeadLease,
    Lease,
    LeaseStatus,
    LeaseStatusChange,
    Opinion,
    RentIndex,
    RentRevision,
    ReviewDecision,
    SlidingReview,
)
from habiter.leases.tests.factories import make_dwelling, make_owner, make_sliding_sublease
from tests.authz_common import (
    ANONYMOUS,
    CONFIRMED,
    LOGIN,
    NOT_FOUND,
    OK,
    ROLES,
    SAVED,
    CsrfCase,
    logged_in,
    row,
)

READERS = ("director", "team_lead", "social_worker", "rental_manager", "accountant")
MANAGERS = ("director", "rental_manager")
REVIEWERS = ("director", "team_lead", "social_worker", "rental_manager")
TEAM_ROLES = ("team_lead", "social_worker")


def _lease_row(allowed, ok=OK):
    """Organisation-wide roles see both leases of their organisation; team roles only their team's."""
    cells = {ANONYMOUS: (LOGIN,) * 3}
    for role in ROLES:
        if role not in allowed:
            cells[role] = (NOT_FOUND,) * 3
        elif role in TEAM_ROLES:
            cells[role] = (ok, NOT_FOUND, NOT_FOUND)
        else:
            cells[role] = (ok, ok, NOT_FOUND)
    return cells


EXPECTED = {
    "leases:lease_list": row(READERS, OK, NOT_FOUND),
    "leases:lease_create": row(MANAGERS, OK, NOT_FOUND),
    "leases:lease_detail": _lease_row(READERS),
    "leases:lease_sign": _lease_row(MANAGERS),
    "leases:lease_end": _lease_row(MANAGERS),
    "leases:lease_cancel": _lease_row(MANAGERS),
    "leases:lease_slide": _lease_row(MANAGERS),
    "leases:review_create": _lease_row(REVIEWERS),
    "leases:head_lease_list": row(READERS, OK, NOT_FOUND),
    "leases:head_lease_create": row(MANAGERS, OK, NOT_FOUND),
    "leases:mandate_create": row(MANAGERS, OK, NOT_FOUND),
    "leases:revision_batch": row(MANAGERS, OK, NOT_FOUND),
    "leases:revision_letter": _lease_row(READERS),
    "leases:irl": row(READERS, OK, NOT_FOUND),
}
POST_EXPECTED = {
    "leases:lease_sign": _lease_row(MANAGERS, SAVED),
    "leases:lease_end": _lease_row(MANAGERS, SAVED),
    "leases:lease_cancel": _lease_row(MANAGERS, SAVED),
    "leases:lease_slide": _lease_row(MANAGERS, SAVED),
    "leases:review_create": _lease_row(REVIEWERS, SAVED),
}
POST_UNSCOPED = {
    "leases:lease_create",
    "leases:head_lease_create",
    "leases:mandate_create",
    "leases:revision_batch",
    "leases:irl",
}
CSRF_CASES = {
    "leases:lease_create",
    "leases:lease_sign",
    "leases:lease_end",
    "leases:lease_cancel",
    "leases:lease_slide",
    "leases:review_create",
    "leases:head_lease_create",
    "leases:mandate_create",
    "leases:revision_batch",
    "leases:irl",
}


# --- the rows behind the URLs --------------------------------------------------------------------------------


def _manager_of(world, scope):
    if scope != "other_org":
        return world.users["rental_manager"]
    manager = world.__dict__.get("_foreign_manager")
    if manager is None:
        manager = world.__dict__["_foreign_manager"] = UserFactory(
            organisation=world.other_organisation, role=Role.RENTAL_MANAGER
        )
    return manager


def _households(world):
    return {
        "own_team": world.own_household,
        "other_team": world.other_team_household,
        "other_org": world.other_org_household,
    }


def lease_of(world, scope) -> Lease:
    """A signed sliding sublease of the scope's household, with a review concluding to slide (made once)."""
    leases = world.__dict__.setdefault("_leases", {})
    if scope not in leases:
        manager = _manager_of(world, scope)
        lease = make_sliding_sublease(manager, _households(world)[scope], start=date(2025, 3, 1))
        services.sliding_review_record(
            actor=manager,
            lease_id=lease.pk,
            held_on=date(2025, 8, 20),
            worker_opinion=Opinion.FAVOURABLE,
            landlord_opinion=Opinion.FAVOURABLE,
            decision=ReviewDecision.SLIDE,
        )
        leases[scope] = lease
    return leases[scope]


def revision_of(world, scope) -> RentRevision:
    revisions = world.__dict__.setdefault("_revisions", {})
    if scope not in revisions:
        lease = lease_of(world, scope)
        revisions[scope] = RentRevision.objects.create(
            organisation_id=lease.organisation_id,
            lease=lease,
            revision_date=date(2026, 3, 1),
            effective_date=date(2026, 3, 1),
            base_index=RentIndex.objects.get(year=2024, quarter=4, zone="metropole"),
            new_index=RentIndex.objects.get(year=2025, quarter=4, zone="metropole"),
            old_rent=Decimal("550.00"),
            new_rent=Decimal("554.33"),
            applied_by=_manager_of(world, scope),
        )
    return revisions[scope]


def fillers(scenario, actor, scope):
    world = scenario.world
    return {
        "lease_id": lambda: lease_of(world, scope).pk,
        "revision_id": lambda: revision_of(world, scope).pk,
    }


def _reset(lease, status):
    """Put the lease back where the write starts from, without writing a status change (what `state` counts)."""
    Lease.objects.filter(slid_from=lease).delete()
    Lease.objects.filter(pk=lease.pk).update(status=status, end_date=None, notice_given_on=None, moved_out_on=None)
    HeadLease.objects.filter(pk=lease.head_lease_id).update(ended_on=None, end_date=None)


def _version(lease) -> dict:
    """The version the form shows (core.versioning), as the browser posts it back."""
    return {"version": Lease.objects.get(pk=lease.pk).version}


def post_data(route_name, scenario, actor, scope):
    return _post_data(route_name, scenario, actor, scope) | _version(lease_of(scenario.world, scope))


def _post_data(route_name, scenario, actor, scope):
    lease = lease_of(scenario.world, scope)
    if route_name == "leases:lease_sign":
        _reset(lease, LeaseStatus.DRAFT)
        return {"signed_on": "2025-03-01"}
    if route_name == "leases:lease_end":
        _reset(lease, LeaseStatus.SIGNED)
        return {"end_date": "2026-02-28", "notice_given_on": "2025-11-30", "moved_out_on": "2026-02-28"} | CONFIRMED
    if route_name == "leases:lease_cancel":
        _reset(lease, LeaseStatus.DRAFT)
        return {"on_date": "2025-03-02", "comment": f"Abandon par {actor}"}
    if route_name == "leases:lease_slide":
        _reset(lease, LeaseStatus.SIGNED)
        return {"on_date": "2026-03-01"} | CONFIRMED
    if route_name == "leases:review_create":
        return {
            "held_on": "2026-02-01",
            "worker_opinion": "favourable",
            "landlord_opinion": "reserved",
            "decision": "extend",
            "worker_comment": f"Bilan de {actor}",
        }
    raise AssertionError(f"no POST data for {route_name}")


def state(route_name, scenario, actor, scope):
    lease = lease_of(scenario.world, scope)
    if route_name == "leases:review_create":
        return SlidingReview.objects.filter(lease=lease).count()
    return LeaseStatusChange.objects.filter(lease=lease).count()


# --- CSRF -------------------------------------------------------------------------------------------------------


def csrf_case(name, world) -> CsrfCase:
    manager = world.users["rental_manager"]
    client = logged_in(manager)
    if name == "leases:lease_create":
        dwelling = make_dwelling(world.organisation, reference="CSRF-1")
        url = reverse(name)
        data = {
            "kind": "direct",
            "dwelling": dwelling.pk,
            "household": world.own_household.pk,
            "start_date": "2026-01-01",
            "rent": "500",
            "charges": "40",
            "payment_day": "5",
            "deposit": "500",
            "irl_quarter": "4",
        }
        return CsrfCase(client, url, url, data, lambda: Lease.objects.filter(dwelling=dwelling).exists())
    if name == "leases:head_lease_create":
        dwelling = make_dwelling(world.organisation, reference="CSRF-2")
        url = reverse(name)
        data = {
            "kind": "ordinary",
            "owner": dwelling.owner_id,
            "dwelling": dwelling.pk,
            "surface": "50",
            "rent": "600",
            "charges": "0",
            "start_date": "2026-01-01",
        }
        return CsrfCase(client, url, url, data, lambda: HeadLease.objects.filter(dwelling=dwelling).exists())
    if name == "leases:mandate_create":
        owner = make_owner(world.organisation)
        dwelling = make_dwelling(world.organisation, owner, reference="CSRF-3")
        url = reverse(name)
        data = {
            "owner": owner.pk,
            "dwelling": dwelling.pk,
            "fee_rate": "7",
            "start_date": "2026-01-01",
            "payout_iban": "FR7630006000011234567890189",
        }
        return CsrfCase(client, url, url, data, lambda: dwelling.mandates.exists())
    if name == "leases:irl":
        url = reverse(name)
        data = {"year": "2026", "quarter": "1", "zone": "metropole", "value": "146.10"}
        return CsrfCase(client, url, url, data, lambda: RentIndex.objects.filter(year=2026, quarter=1).exists())
    if name == "leases:revision_batch":
        dwelling = make_dwelling(world.organisation, reference="CSRF-4")
        lease = services.lease_create(
            actor=manager,
            kind="direct",
            dwelling_id=dwelling.pk,
            household_id=world.own_household.pk,
            rent=Decimal("1000.00"),
            start_date=date(2025, 2, 1),
            irl_quarter=4,
        )
        services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
        url = reverse(name) + "?month=2026-02"
        return CsrfCase(client, url, url, {"lease": [lease.pk]} | CONFIRMED, lambda: lease.revisions.exists())
    lease = lease_of(world, "own_team")
    url = reverse(name, args=[lease.pk])
    if name == "leases:review_create":
        data = {"held_on": "2026-02-01", "worker_opinion": "favourable", "landlord_opinion": "favourable"}
        data["decision"] = "extend"
        return CsrfCase(client, url, url, data | _version(lease), lambda: lease.reviews.count() > 1)
    changes = LeaseStatusChange.objects.filter(lease=lease).count()
    saved = lambda: LeaseStatusChange.objects.filter(lease=lease).count() > changes  # noqa: E731
    if name == "leases:lease_sign":
        _reset(lease, LeaseStatus.DRAFT)
        return CsrfCase(client, url, url, {"signed_on": "2025-03-01"} | _version(lease), saved)
    if name == "leases:lease_end":
        return CsrfCase(client, url, url, {"end_date": "2026-02-28"} | _version(lease) | CONFIRMED, saved)
    if name == "leases:lease_cancel":
        _reset(lease, LeaseStatus.DRAFT)
        return CsrfCase(client, url, url, {"on_date": "2025-03-02"} | _version(lease), saved)
    if name == "leases:lease_slide":
        return CsrfCase(client, url, url, {"on_date": "2026-03-01"} | _version(lease) | CONFIRMED, saved)
    raise AssertionError(f"no CSRF case for {name}")


def post_probe_values(world):
    return {"lease_id": uuid.uuid4(), "revision_id": uuid.uuid4()}
