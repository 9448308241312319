from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000


class YearForm(forms.Form):
    """The year of an annual report: last year by default, never a year to come."""

    annee = forms.IntegerField(label=_("Année"), min_value=FIRST_YEAR)

    def clean_annee(self):
        year = self.cleaned_data["annee"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("L'année ne peut pas être à venir."))
        return year
