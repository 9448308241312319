# Each agreement's own renewal notice (préavis), in days: the alert rises that many days before its renewal date (or
# end); the agreements already recorded keep the three months that held for all of them.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0021_council_meetings_per_year"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="renewal_notice_days",
            field=models.PositiveSmallIntegerField(default=90, verbose_name="préavis de renouvellement (jours)"),
        ),
        migrations.AddConstraint(
            model_name="agreement",
            constraint=models.CheckConstraint(
                condition=models.Q(("renewal_notice_days__gte", 1), ("renewal_notice_days__lte", 730)),
                name="agreement_renewal_notice_range",
                violation_error_message="Le préavis de renouvellement va de 1 à 730 jours.",
            ),
        ),
    ]
