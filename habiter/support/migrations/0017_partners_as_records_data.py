# Every text of a measure's prescriber and of a plan step's partner becomes a partner of its organisation, so no
# value is lost (decision record 0036); the way back copies the partner's name.
from django.db import migrations

from habiter.core.partner_texts import partners_to_texts, texts_to_partners


def forward(apps, schema_editor):
    texts_to_partners(apps, "support", "SupportMeasure", "prescriber", "prescriber_record")
    texts_to_partners(apps, "support", "PlanStep", "partner_name", "partner")


def backward(apps, schema_editor):
    partners_to_texts(apps, "support", "SupportMeasure", "prescriber", "prescriber_record")
    partners_to_texts(apps, "support", "PlanStep", "partner_name", "partner")


class Migration(migrations.Migration):
    dependencies = [("support", "0016_partners_as_records")]

    operations = [migrations.RunPython(forward, backward)]
