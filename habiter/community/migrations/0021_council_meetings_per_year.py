# A voluntary council's own rhythm of meetings, from its règlement intérieur (W15: no legal minimum of its basis).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0020_agenda_proposals_by_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="council",
            name="meetings_per_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="réunions prévues par an"),
        ),
        migrations.AddConstraint(
            model_name="council",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("meetings_per_year__isnull", True),
                    models.Q(("meetings_per_year__gte", 1), ("meetings_per_year__lte", 52)),
                    _connector="OR",
                ),
                name="council_meetings_per_year_range",
                violation_error_message="Une instance prévoit de 1 à 52 réunions par an (une par semaine au plus).",
            ),
        ),
    ]
