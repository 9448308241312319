# The texts of a measure's prescriber and of a plan step's partner give way to the links to partner records
# (decision record 0036).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("support", "0017_partners_as_records_data")]

    operations = [
        migrations.RemoveField(model_name="supportmeasure", name="prescriber"),
        migrations.RenameField(model_name="supportmeasure", old_name="prescriber_record", new_name="prescriber"),
        migrations.RemoveField(model_name="planstep", name="partner_name"),
    ]
