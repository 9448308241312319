# A measure's prescriber and a plan step's partner become links to partner records (decision record 0036);
# every text becomes a partner of its organisation, so no value is lost.
import django.db.models.deletion
from django.db import migrations, models

from habiter.core.partner_texts import partners_to_texts, texts_to_partners


def forward(apps, schema_editor):
    texts_to_partners(apps, "support", "SupportMeasure", "prescriber", "prescriber_record")
    texts_to_partners(apps, "support", "PlanStep", "partner_name", "partner")


def backward(apps, schema_editor):
    partners_to_texts(apps, "support", "SupportMeasure", "prescriber", "prescriber_record")
    partners_to_texts(apps, "support", "PlanStep", "partner_name", "partner")


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
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="supportmeasure", name="prescriber"),
        migrations.RenameField(model_name="supportmeasure", old_name="prescriber_record", new_name="prescriber"),
        migrations.RemoveField(model_name="planstep", name="partner_name"),
    ]
