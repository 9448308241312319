"""Volunteers, their missions, hours and charter (docs/adr/0029), and the volunteering valuation rate and the
compte d'engagement citoyen's numbers (W27, W28) added to habiter/core/legal_parameters.csv; rows already there
are left as they are."""

import importlib
import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0008_surveys"),
        ("core", "0016_legal_parameter_territory_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CharterVersion",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("number", models.PositiveSmallIntegerField(editable=False, verbose_name="version")),
                ("published_on", models.DateField(verbose_name="en vigueur le")),
                ("text", models.TextField(max_length=30000, verbose_name="texte de la charte")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="core.organisation", verbose_name="association"
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "version de la charte du bénévole",
                "ordering": ["-published_on", "-number", "id"],
            },
        ),
        migrations.CreateModel(
            name="CharterSignature",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("signed_at", models.DateTimeField(verbose_name="signée le")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="core.organisation", verbose_name="association"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="charter_signatures",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to="community.charterversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "signature de la charte",
                "ordering": ["-signed_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Volunteer",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("skills", models.TextField(blank=True, max_length=2000, verbose_name="compétences")),
                ("availability", models.TextField(blank=True, max_length=1000, verbose_name="disponibilités")),
                ("started_on", models.DateField(verbose_name="bénévole depuis le")),
                (
                    "record_checked_on",
                    models.DateField(
                        blank=True,
                        help_text="Date de la vérification (CASF L133-6) : jamais le contenu du bulletin.",
                        null=True,
                        verbose_name="honorabilité vérifiée le",
                    ),
                ),
                (
                    "insurance_policy",
                    models.CharField(blank=True, max_length=200, verbose_name="contrat d'assurance de l'association"),
                ),
                (
                    "insured_from",
                    models.DateField(blank=True, null=True, verbose_name="couvert par l'assurance depuis le"),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="core.organisation", verbose_name="association"
                    ),
                ),
                (
                    "referent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="référent salarié",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="volunteer_profile",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="compte",
                    ),
                ),
            ],
            options={
                "verbose_name": "bénévole",
                "ordering": ["user__last_name", "user__first_name", "id"],
            },
        ),
        migrations.CreateModel(
            name="VolunteerMission",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("reception_desk", "Accueil (Point Info Logement)"),
                            ("workshops", "Ateliers"),
                            ("residence_activities", "Activités en pension de famille"),
                            ("newspaper", "Journal des résidents"),
                            ("governance", "Gouvernance (conseil d'administration, bureau, encadrement de bénévoles)"),
                        ],
                        max_length=30,
                        verbose_name="type de mission",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="intitulé")),
                ("starts_on", models.DateField(verbose_name="début")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="fin")),
                (
                    "requires_record_check",
                    models.BooleanField(
                        default=False,
                        help_text="Mission exercée dans un établissement ou service relevant du CASF (L133-6).",
                        verbose_name="vérification d'honorabilité requise",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="core.organisation", verbose_name="association"
                    ),
                ),
                (
                    "volunteer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="missions", to="community.volunteer"
                    ),
                ),
            ],
            options={
                "verbose_name": "mission bénévole",
                "ordering": ["starts_on", "title", "id"],
            },
        ),
        migrations.CreateModel(
            name="VolunteerHours",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="créé le"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("worked_on", models.DateField(verbose_name="date")),
                ("hours", models.DecimalField(decimal_places=2, max_digits=4, verbose_name="heures")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="précision")),
                (
                    "entered_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="core.organisation", verbose_name="association"
                    ),
                ),
                (
                    "mission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="hours",
                        to="community.volunteermission",
                    ),
                ),
            ],
            options={
                "verbose_name": "heures de bénévolat",
                "ordering": ["-worked_on", "-created_at", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="charterversion",
            constraint=models.UniqueConstraint(
                fields=("organisation", "number"),
                name="charter_unique_number",
                violation_error_message="Cette version de la charte existe déjà.",
            ),
        ),
        migrations.AddConstraint(
            model_name="charterversion",
            constraint=models.UniqueConstraint(
                fields=("organisation", "published_on"),
                name="charter_unique_day",
                violation_error_message="Une version de la charte entre déjà en vigueur ce jour-là.",
            ),
        ),
        migrations.AddConstraint(
            model_name="chartersignature",
            constraint=models.UniqueConstraint(
                fields=("version", "user"),
                name="charter_signed_once",
                violation_error_message="Cette version de la charte est déjà signée.",
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteermission",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__isnull", True), ("ends_on__gte", models.F("starts_on")), _connector="OR"),
                name="mission_ends_after_start",
                violation_error_message="La mission ne peut pas finir avant de commencer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="volunteerhours",
            constraint=models.CheckConstraint(
                condition=models.Q(("hours__gt", 0), ("hours__lte", 24)),
                name="volunteer_hours_in_a_day",
                violation_error_message="Les heures d'une journée sont comprises entre 0 et 24.",
            ),
        ),
        migrations.RunPython(seeding.seed, migrations.RunPython.noop),
    ]
