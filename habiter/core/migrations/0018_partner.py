# The partners move from community to core (docs/adr/0036): only Django's state changes, the table stays.

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0017_organisation_cer_signed_on"),
        # the table was created by community's migration 0006: core takes the model over, the table stays
        ("community", "0009_volunteers_charter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Partner",
                    fields=[
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="créé le"
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("name", models.CharField(max_length=200, verbose_name="nom")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("social_landlord", "Bailleur social"),
                                    ("private_landlord", "Bailleur privé"),
                                    ("ccas", "CCAS"),
                                    ("municipality", "Commune ou intercommunalité"),
                                    ("departement", "Département"),
                                    ("state", "Services de l'État"),
                                    ("siao", "SIAO"),
                                    ("health", "Santé"),
                                    ("legal", "Accès au droit"),
                                    ("employment", "Emploi et insertion"),
                                    ("culture", "Culture et loisirs"),
                                    ("association", "Association"),
                                    ("other", "Autre"),
                                ],
                                max_length=30,
                                verbose_name="type de partenaire",
                            ),
                        ),
                        ("address", models.TextField(blank=True, max_length=500, verbose_name="adresse")),
                        ("phone", models.CharField(blank=True, max_length=30, verbose_name="téléphone")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="courriel")),
                        ("notes", models.TextField(blank=True, max_length=2000, verbose_name="notes")),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="core.organisation",
                                verbose_name="association",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "partenaire",
                        "db_table": "community_partner",
                        "ordering": ["name", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organisation", "name"),
                                name="partner_unique_name",
                                violation_error_message="Un partenaire porte déjà ce nom.",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
