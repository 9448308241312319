"""The migration that turns a subsidy's single receipt (received_on, amount_received) into its first payment loses no
value: the day and the amount are kept, and who typed it and when are read from the audit log; a receipt of 0,00 € is
no payment. Back, a subsidy's receipt is its latest payment's day and the sum of its payments not cancelled."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from habiter.core import dbroles
from habiter.core.models import Organisation
from habiter.reporting import services
from habiter.reporting.models import SubsidyPayment

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reporting", "0009_subsidy_receipt")]
PARIS = ZoneInfo("Europe/Paris")


def _migrate(targets=None):
    with dbroles.as_owner():
        executor = MigrationExecutor(connection)
        state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
        dbroles.grant_app_privileges()
        return state.apps


def _granted(director, purpose, amount):
    subsidy = services.subsidy_request(
        actor=director,
        data={
            "funder_name": "DDETS du Rhône",
            "funder_kind": "state",
            "purpose": purpose,
            "year_end": date(2025, 12, 31),
            "requested_on": date(2025, 1, 15),
            "amount_requested": amount,
        },
    )
    return services.subsidy_decide(
        actor=director, subsidy_id=subsidy.pk, status="granted", decided_on=date(2025, 3, 1), amount_granted=amount
    )


@pytest.mark.one_pass("postgresql")
def test_the_receipts_become_payments_without_losing_a_value_and_come_back(world):
    """One test for both ways: moving the schema back and forth is slow."""
    director, accountant = world.users["director"], world.users["accountant"]
    Organisation.objects.filter(pk=world.organisation.pk).update(cer_signed_on=date(2022, 1, 2))
    in_two = _granted(director, "AVDL 2025", "90000")
    mistaken = services.subsidy_payment_record(
        actor=director, subsidy_id=in_two.pk, received_on=date(2025, 5, 2), amount="4500"
    )
    services.subsidy_payment_cancel(actor=director, payment_id=mistaken.pk, reason="Saisi par erreur")
    for day, amount in ((date(2025, 4, 10), "45000"), (date(2026, 3, 16), "45000")):
        services.subsidy_payment_record(actor=director, subsidy_id=in_two.pk, received_on=day, amount=amount)
    typed_before = _granted(director, "FSL — ASLL 2025", "108000.01")
    zero = _granted(director, "Accueil 2025", "500")
    never = _granted(director, "Ateliers 2025", "800")
    typed_at = datetime(2025, 6, 3, 9, 30, tzinfo=PARIS)
    try:
        old = _migrate(BEFORE)
        subsidies = old.get_model("reporting", "Subsidy").objects
        # back: the latest day, the sum of the payments not cancelled (45 000 + 45 000, not the 4 500 cancelled)
        assert (subsidies.get(pk=in_two.pk).received_on, subsidies.get(pk=in_two.pk).amount_received) == (
            date(2026, 3, 16),
            Decimal("90000.00"),
        )
        assert subsidies.get(pk=never.pk).received_on is None
        # receipts typed before the payments existed, as the decision typed them, audited
        subsidies.filter(pk=typed_before.pk).update(received_on=date(2025, 6, 2), amount_received=Decimal("108000.01"))
        old.get_model("core", "AuditEvent").objects.create(
            organisation_id=world.organisation.pk,
            actor_id=accountant.pk,
            action="subsidy.decide",
            object_type="subsidy",
            object_id=str(typed_before.pk),
            created_at=typed_at,
            detail={"status": "granted", "received_on": "2025-06-02", "amount_received": "108000.01"},
        )
        subsidies.filter(pk=zero.pk).update(received_on=date(2025, 7, 1), amount_received=Decimal("0.00"))
    finally:
        _migrate()

    rows = SubsidyPayment.objects.order_by("subsidy__purpose", "received_on")
    assert [(p.subsidy_id, p.received_on, p.amount, p.created_by_id, p.note, p.cancelled_at) for p in rows] == [
        # the 90 000 came back as one receipt of the latest day, by its last decision's author
        (in_two.pk, date(2026, 3, 16), Decimal("90000.00"), director.pk, "", None),
        # who typed it and when, from the audit log
        (typed_before.pk, date(2025, 6, 2), Decimal("108000.01"), accountant.pk, "", None),
    ]
    assert SubsidyPayment.objects.get(subsidy_id=typed_before.pk).created_at == typed_at
    assert all(p.organisation_id == world.organisation.pk for p in rows)
    assert not SubsidyPayment.objects.filter(subsidy_id__in=[zero.pk, never.pk]).exists()  # 0,00 € is no payment
