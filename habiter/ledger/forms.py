from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaymentSource


class MonthField(forms.DateField):
    """A month typed as AAAA-MM (an <input type="month">), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Indiquez un mois (AAAA-MM).")}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, date) else day


class MonthForm(forms.Form):
    month = MonthField(label=_("Mois à appeler"))


class CloseForm(forms.Form):
    month = MonthField(label=_("Mois à clôturer"))


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Montant (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    received_on = forms.DateField(label=_("Reçu le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.ChoiceField(label=_("Provenance"), choices=PaymentSource.choices)
    reference = forms.CharField(label=_("Référence"), max_length=80, required=False)


class ReverseForm(forms.Form):
    on = forms.DateField(
        label=_("Date de la contre-passation"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ArrearsForm(forms.Form):
    on = forms.DateField(
        label=_("Situation au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ExportForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(
        label=_("Au (date de clôture de l'exercice pour le FEC)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[("fec", _("FEC — fichier des écritures comptables")), ("xlsx", _("Classeur XLSX"))],
        widget=forms.RadioSelect,
        initial="fec",
    )
    siren = forms.CharField(label=_("SIREN de l'association (pour le FEC)"), max_length=11, required=False, strip=True)
