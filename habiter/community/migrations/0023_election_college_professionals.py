# The professionals' election to a statutory CVS (W17, CASF D311-13): an election's college (the persons'
# representatives, the meaning of every election recorded before, or the professionals'), the tie rule of the greatest
# seniority, and, on the roll, the staff account of an elector and the day they took up their post (« en poste
# depuis »).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("community", "0022_agreement_renewal_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="election",
            name="college",
            field=models.CharField(
                choices=[
                    ("persons", "Représentants des personnes accompagnées ou des résidents"),
                    ("professionals", "Représentants des professionnels, élus par les salariés (CASF D311-13)"),
                ],
                default="persons",
                max_length=20,
                verbose_name="collège",
            ),
        ),
        migrations.AlterField(
            model_name="election",
            name="tie_rule",
            field=models.CharField(
                choices=[
                    ("lots", "Tirage au sort entre les candidats à égalité (CASF D311-10)"),
                    ("oldest", "Le candidat le plus âgé (CASF D311-9)"),
                    ("seniority", "Le candidat le plus ancien dans l'établissement (CASF D311-13)"),
                ],
                default="lots",
                max_length=10,
                verbose_name="en cas d'égalité",
            ),
        ),
        migrations.AddField(
            model_name="elector",
            name="user",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="elector",
            name="in_post_since",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="en poste depuis"),
        ),
        migrations.AddConstraint(
            model_name="election",
            constraint=models.CheckConstraint(
                condition=models.Q(("college", "professionals"), ("tie_rule", "seniority"))
                | models.Q(("college", "persons"), models.Q(("tie_rule", "seniority"), _negated=True)),
                name="election_tie_rule_of_its_college",
                violation_error_message=(
                    "L'égalité se départage par l'ancienneté dans l'élection des professionnels, et seulement dans "
                    "celle-ci."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="elector",
            constraint=models.CheckConstraint(
                condition=models.Q(("user__isnull", True), ("person__isnull", True), _connector="OR"),
                name="elector_person_or_user",
                violation_error_message="Un électeur est une personne accompagnée ou un salarié, pas les deux.",
            ),
        ),
        migrations.AddConstraint(
            model_name="elector",
            constraint=models.CheckConstraint(
                condition=models.Q(("in_post_since__isnull", True), ("user__isnull", False), _connector="OR"),
                name="elector_in_post_since_of_staff",
                violation_error_message="Seul un salarié inscrit a une date d'entrée en poste.",
            ),
        ),
    ]
