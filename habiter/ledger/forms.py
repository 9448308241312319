from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaymentSource
from .templatetags.ledger_money import euros


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


class StatementMonthForm(forms.Form):
    month = MonthField(label=_("Mois du compte rendu"))


class OwnerWorkForm(forms.Form):
    invoice_date = forms.DateField(
        label=_("Date de la facture"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    supplier = forms.CharField(label=_("Fournisseur"), max_length=200)
    label = forms.CharField(label=_("Objet des travaux"), max_length=200)
    amount = forms.DecimalField(
        label=_("Montant TTC (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )


class PayoutForm(forms.Form):
    statements = forms.MultipleChoiceField(
        label=_("Comptes rendus à reverser"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un compte rendu à reverser.")},
    )
    execution_date = forms.DateField(
        label=_("Date d'exécution des virements"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, payable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statements"].choices = [
            (str(s.pk), f"{s.owner_name} — {s.month:%m/%Y} — {euros(s.amount_due)} €") for s in payable
        ]


class BankDetailsForm(forms.Form):
    holder_name = forms.CharField(label=_("Titulaire du compte"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC"), max_length=15)
