"""The scheme of the default programmes (by their code) and the funder category of the default outcomes (by their
label); anything the organisation added stays « other » or unknown until a director says what it is."""

from django.db import migrations

SCHEMES = {
    "avdl": "avdl",
    "asll": "asll",
    "agls": "agls",
    "iml": "iml",
    # A sublease that may slide is an IML modality (instruction of 4 June 2018: location/sous-location).
    "sliding_lease": "iml",
    "boarding_house": "pension_famille",
}
CATEGORIES = {
    "Accès au logement": "housed",
    "Maintien dans le logement": "maintained",
    "Orientation vers un autre dispositif": "oriented",
    "Perte de contact": "lost_contact",
}


def forwards(apps, schema_editor):
    Programme = apps.get_model("support", "Programme")
    MeasureOutcome = apps.get_model("support", "MeasureOutcome")
    for code, scheme in SCHEMES.items():
        Programme.objects.filter(code=code, scheme="other").update(scheme=scheme)
    for label, category in CATEGORIES.items():
        MeasureOutcome.objects.filter(label=label, category="").update(category=category)


def backwards(apps, schema_editor):
    apps.get_model("support", "Programme").objects.update(scheme="other")
    apps.get_model("support", "MeasureOutcome").objects.update(category="")


class Migration(migrations.Migration):
    dependencies = [("support", "0012_programme_scheme_outcome_category")]

    operations = [migrations.RunPython(forwards, backwards)]
