"""An orientation's single interview date becomes its first interview (W3: « interviews »), with no value lost:
the day is kept; who led it was not recorded (left empty); whether the candidate came is said only where the
decision says it — an admitted candidate came, a candidate refused for not coming did not — and left to note
otherwise. Back: an orientation's date is its latest interview's."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


def interviews_from_dates(apps, schema_editor):
    Orientation = apps.get_model("residences", "Orientation")
    OrientationInterview = apps.get_model("residences", "OrientationInterview")
    rows = []
    for orientation in Orientation.objects.filter(interview_on__isnull=False).order_by("pk"):
        attendance = ""
        if orientation.decision == "admitted":
            attendance = "came"
        elif orientation.decision == "refused" and orientation.refusal_reason == "no_show":
            attendance = "no_show"
        rows.append(
            OrientationInterview(
                organisation_id=orientation.organisation_id,
                orientation_id=orientation.pk,
                held_on=orientation.interview_on,
                attendance=attendance,
            )
        )
    OrientationInterview.objects.bulk_create(rows)


def dates_from_interviews(apps, schema_editor):
    Orientation = apps.get_model("residences", "Orientation")
    OrientationInterview = apps.get_model("residences", "OrientationInterview")
    latest = {}
    for interview in OrientationInterview.objects.order_by("held_on", "created_at", "id"):
        latest[interview.orientation_id] = interview.held_on
    for orientation_id, held_on in latest.items():
        Orientation.objects.filter(pk=orientation_id).update(interview_on=held_on)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0020_seed_comite_members"),
        ("residences", "0019_residence_essms_resident_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OrientationInterview",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("held_on", models.DateField(verbose_name="entretien le")),
                (
                    "attendance",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "À venir"),
                            ("came", "Venu·e"),
                            ("no_show", "Pas venu·e"),
                            ("postponed", "Reporté"),
                        ],
                        max_length=10,
                        verbose_name="le candidat est-il venu ?",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                (
                    "led_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="mené par",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="core.organisation", verbose_name="association"
                    ),
                ),
                (
                    "orientation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="interviews",
                        to="residences.orientation",
                    ),
                ),
            ],
            options={
                "verbose_name": "entretien d'un candidat orienté",
                "ordering": ["held_on", "created_at", "id"],
            },
        ),
        migrations.RunPython(interviews_from_dates, dates_from_interviews),
    ]
