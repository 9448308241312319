# A desk visit's referral to a partner becomes a link to a partner record (decision record 0036), in three
# migrations: the link (this one), the data, then the text's removal. PostgreSQL refuses to alter a table whose rows
# were just written in the same transaction, so the data moves in a migration of its own.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0018_partner"),
        ("reception", "0002_referrals"),
    ]

    operations = [
        migrations.AddField(
            model_name="deskvisit",
            name="referral_partner_record",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.partner",
                verbose_name="orientation vers un partenaire",
            ),
        ),
    ]
