# Every text of a desk visit's referral becomes a partner of its organisation, so no value is lost (decision
# record 0036); the way back copies the partner's name.
from django.db import migrations

from habiter.core.partner_texts import partners_to_texts, texts_to_partners


def forward(apps, schema_editor):
    texts_to_partners(apps, "reception", "DeskVisit", "referral_partner", "referral_partner_record")


def backward(apps, schema_editor):
    partners_to_texts(apps, "reception", "DeskVisit", "referral_partner", "referral_partner_record")


class Migration(migrations.Migration):
    dependencies = [("reception", "0003_referral_partner_record")]

    operations = [migrations.RunPython(forward, backward)]
