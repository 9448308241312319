# The partners move to core (docs/adr/0036): the foreign keys keep pointing to the same table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0009_volunteers_charter"),
        ("core", "0018_partner"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="partner",
                    name="partner_unique_name",
                ),
                migrations.AlterField(
                    model_name="partnercontact",
                    name="partner",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="contacts", to="core.partner"
                    ),
                ),
                migrations.AlterField(
                    model_name="agreement",
                    name="partner",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="agreements", to="core.partner"
                    ),
                ),
                migrations.AlterField(
                    model_name="partnerseat",
                    name="partner",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="seats", to="core.partner"
                    ),
                ),
                migrations.DeleteModel(
                    name="Partner",
                ),
            ],
            database_operations=[],
        ),
    ]
