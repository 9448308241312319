# A desk visit's referral to a partner becomes a link to a partner record (decision record 0036);
# every text becomes a partner of its organisation, so no value is lost.
import django.db.models.deletion
from django.db import migrations, models

from habiter.core.partner_texts import partners_to_texts, texts_to_partners


def forward(apps, schema_editor):
    texts_to_partners(apps, "reception", "DeskVisit", "referral_partner", "referral_partner_record")


def backward(apps, schema_editor):
    partners_to_texts(apps, "reception", "DeskVisit", "referral_partner", "referral_partner_record")


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
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="deskvisit", name="referral_partner"),
        migrations.RenameField(
            model_name="deskvisit", old_name="referral_partner_record", new_name="referral_partner"
        ),
    ]
