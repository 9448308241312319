"""The orientation's single interview date, now its first interview (0020), goes; in a migration of its own, so that
no table is altered after the rows copied in the same transaction (PostgreSQL)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("residences", "0020_orientation_interviews"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="orientation",
            name="interview_on",
        ),
    ]
