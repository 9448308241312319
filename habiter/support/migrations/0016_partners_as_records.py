# A measure's prescriber and a plan step's partner become links to partner records (decision record 0036), in three
# migrations: the links (this one), the data, then the texts' removal. PostgreSQL refuses to alter a table whose rows
# were just written in the same transaction, so the data moves in a migration of its own.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0018_partner"),
        ("support", "0015_measure_situation_at_entry"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportmeasure",
            name="prescriber_record",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.partner",
                verbose_name="prescripteur",
            ),
        ),
        migrations.AddField(
            model_name="planstep",
            name="partner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.partner",
                verbose_name="partenaire",
            ),
        ),
    ]
