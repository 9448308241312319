from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import date_field

FIRST_YEAR = 2000
LONGEST_PERIOD_DAYS = 5 * 366  # a report covers at most five years: longer is a history, not a report


class PeriodForm(forms.Form):
    """The period of a report: a calendar year (last year by default), or any period from one date to another,
    such as a funder's financial year from 1 July to 30 June; never a period to come."""

    annee = forms.IntegerField(label=_("Année"), min_value=FIRST_YEAR, required=False)
    debut = date_field(_("ou du"), required=False)
    fin = date_field(_("au"), required=False)

    def clean_annee(self):
        year = self.cleaned_data["annee"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("L'année ne peut pas être à venir."))
        return year

    def clean(self):
        data = super().clean()
        start, end, year = data.get("debut"), data.get("fin"), data.get("annee")
        if self.errors:
            return data
        if start is None and end is None:
            if year is None:
                raise forms.ValidationError(_("Choisissez une année, ou une date de début et une date de fin."))
            data["period"] = (date(year, 1, 1), date(year, 12, 31))
            return data
        if start is None or end is None:
            raise forms.ValidationError(_("Une période a une date de début et une date de fin."))
        if end < start:
            raise forms.ValidationError(_("La fin de la période ne peut pas précéder son début."))
        if end > timezone.localdate():
            raise forms.ValidationError(_("La période ne peut pas finir dans le futur."))
        if (end - start).days >= LONGEST_PERIOD_DAYS:
            raise forms.ValidationError(_("Une période compte au plus cinq ans."))
        if start.year < FIRST_YEAR:
            raise forms.ValidationError(_("La période commence au plus tôt en %(year)s.") % {"year": FIRST_YEAR})
        data["period"] = (start, end)
        return data

    def is_calendar_year(self) -> bool:
        start, end = self.cleaned_data["period"]
        return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year
