"""Users who already have a confirmed second factor get `mfa_confirmed_at` from their device's creation (the
enrolment), so that tokens issued before they enrolled are refused like those of users who enrol from now on. A
device without a creation date (made before django-otp kept one) counts from now: its user re-issues their tokens."""

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    User = apps.get_model("core", "User")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    now = timezone.now()
    for device in TOTPDevice.objects.filter(confirmed=True).order_by("created_at"):
        User.objects.filter(pk=device.user_id).update(mfa_confirmed_at=device.created_at or now)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_user_mfa_confirmed_at"), ("otp_totp", "0003_add_timestamps")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
