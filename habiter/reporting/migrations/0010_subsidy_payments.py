"""A subsidy's single receipt (`received_on`, `amount_received`) becomes its first payment, with no value lost: the
day and the amount are kept; who typed it and when are read from the audit log (the earliest `subsidy.decide` that
carried this receipt; else the subsidy's last decision, else its last audited write, else the organisation's first
director or user). A receipt of 0,00 €, which the old form let through, is no payment: it counted for nothing and
is left out. The two fields are removed by the next migration (0011), apart from this one so that PostgreSQL does
not alter a table with rows of this transaction pending. Back: a subsidy's receipt is its latest payment's day and
the sum of its payments not cancelled."""

import uuid
from decimal import Decimal

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _typed_by(apps, subsidy):
    """Who typed the subsidy's receipt and when, as the audit log remembers it."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    events = AuditEvent.objects.filter(object_type="subsidy", object_id=str(subsidy.pk), actor__isnull=False)
    day = subsidy.received_on.isoformat()
    for event in events.filter(action="subsidy.decide").order_by("created_at", "id"):
        detail = event.detail or {}
        amount = detail.get("amount_received")
        if detail.get("received_on") == day and amount is not None and Decimal(amount) == subsidy.amount_received:
            return event.actor_id, event.created_at
    last = (
        events.filter(action="subsidy.decide").order_by("-created_at", "-id").first()
        or events.order_by("-created_at", "-id").first()
    )
    if last is not None:
        return last.actor_id, subsidy.updated_at
    users = User.objects.filter(organisation_id=subsidy.organisation_id).order_by("date_joined", "pk")
    user = users.filter(role="director").first() or users.first()
    if user is None:
        raise RuntimeError(f"Subsidy {subsidy.pk}: no user of its organisation to name as the payment's author.")
    return user.pk, subsidy.updated_at


def payments_from_receipts(apps, schema_editor):
    Subsidy = apps.get_model("reporting", "Subsidy")
    SubsidyPayment = apps.get_model("reporting", "SubsidyPayment")
    rows = []
    received = Subsidy.objects.filter(received_on__isnull=False, amount_received__gt=0).order_by("pk")
    for subsidy in received:
        created_by_id, created_at = _typed_by(apps, subsidy)
        rows.append(
            SubsidyPayment(
                organisation_id=subsidy.organisation_id,
                subsidy_id=subsidy.pk,
                received_on=subsidy.received_on,
                amount=subsidy.amount_received,
                created_by_id=created_by_id,
                created_at=created_at,
            )
        )
    SubsidyPayment.objects.bulk_create(rows)


def receipts_from_payments(apps, schema_editor):
    Subsidy = apps.get_model("reporting", "Subsidy")
    SubsidyPayment = apps.get_model("reporting", "SubsidyPayment")
    receipts = {}
    kept = SubsidyPayment.objects.filter(cancelled_at__isnull=True, subsidy__status="granted")
    for payment in kept.order_by("received_on", "created_at", "id"):
        _day, total = receipts.get(payment.subsidy_id, (None, Decimal("0.00")))
        receipts[payment.subsidy_id] = (payment.received_on, total + payment.amount)
    for subsidy_id, (day, total) in receipts.items():
        Subsidy.objects.filter(pk=subsidy_id).update(received_on=day, amount_received=total)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0020_seed_comite_members"),
        ("reporting", "0009_subsidy_receipt"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SubsidyPayment",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("received_on", models.DateField(verbose_name="reçu le")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="montant")),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "Par exemple : avance de 80 %, solde après le compte rendu financier, référence du "
                            "virement."
                        ),
                        max_length=200,
                        verbose_name="note ou référence",
                    ),
                ),
                ("cancelled_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="annulé le")),
                (
                    "cancel_reason",
                    models.CharField(
                        blank=True, editable=False, max_length=300, verbose_name="motif de l'annulation"
                    ),
                ),
                (
                    "cancelled_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="annulé par",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="saisi par",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="core.organisation", verbose_name="association"
                    ),
                ),
                (
                    "subsidy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="reporting.subsidy",
                        verbose_name="subvention",
                    ),
                ),
            ],
            options={
                "verbose_name": "versement d'une subvention",
                "ordering": ["received_on", "created_at", "id"],
                "indexes": [models.Index(fields=["organisation", "received_on"], name="subsidy_payment_org_day")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)),
                        name="subsidy_payment_positive",
                        violation_error_message="Le montant d'un versement est positif.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("cancel_reason", ""), ("cancelled_at__isnull", True), ("cancelled_by__isnull", True)),
                            models.Q(
                                ("cancelled_at__isnull", False),
                                ("cancelled_by__isnull", False),
                                models.Q(("cancel_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="subsidy_payment_cancelled_with_reason",
                        violation_error_message="Un versement annulé l'est à une date, par quelqu'un, avec un motif.",
                    ),
                ],
            },
        ),
        migrations.RunPython(payments_from_receipts, receipts_from_payments),
    ]
