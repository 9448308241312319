# A meeting's proposal link (a random key, docs/adr/0044) and the subjects proposed through it: no author.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0019_seed_cvs_composition_parameters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="proposal_key",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="by_link",
            field=models.BooleanField(default=False, editable=False, verbose_name="proposé par le lien"),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="agendaitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("by_link", False), ("entered_by__isnull", False)),
                    models.Q(
                        ("by_link", True),
                        ("entered_by__isnull", True),
                        ("member__isnull", True),
                        ("person__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="agenda_item_entered_by_staff_or_link",
                violation_error_message="Un sujet est saisi par un salarié, ou proposé par le lien sans auteur ni dossier.",
            ),
        ),
    ]
