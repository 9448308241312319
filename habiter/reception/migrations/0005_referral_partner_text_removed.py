# The text of a desk visit's referral gives way to the link to a partner record (decision record 0036).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reception", "0004_referral_partner_texts")]

    operations = [
        migrations.RemoveField(model_name="deskvisit", name="referral_partner"),
        migrations.RenameField(
            model_name="deskvisit", old_name="referral_partner_record", new_name="referral_partner"
        ),
    ]
