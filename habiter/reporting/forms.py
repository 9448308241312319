from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import AmountField, date_field

from .models import FunderKind, ImlActivity, ImlModality, SubsidyStatus, iml_cost_field

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


def _money(label, required=True):
    return AmountField(
        label=label, max_digits=12, decimal_places=2, min_value=Decimal("0"), localize=True, required=required
    )


class SubsidyRequestForm(forms.Form):
    """A request to a funder: an existing funder, or a new one named here (DOMAIN-2 W31)."""

    funder_id = forms.ChoiceField(label=_("Financeur"), required=False)
    funder_name = forms.CharField(
        label=_("Ou nouveau financeur"),
        max_length=200,
        required=False,
        help_text=_("Son nom, s'il n'est pas dans la liste."),
    )
    funder_kind = forms.ChoiceField(
        label=_("Type du nouveau financeur"), choices=[("", "—"), *FunderKind.choices], required=False
    )
    programme_id = forms.ChoiceField(label=_("Dispositif financé"), required=False)
    purpose = forms.CharField(label=_("Objet"), max_length=200)
    year_end = date_field(
        _("Fin de l'exercice subventionné"),
        help_text=_("Le compte rendu financier est dû dans le délai légal qui suit la fin de cet exercice."),
    )
    requested_on = date_field(_("Demandée le"))
    amount_requested = _money(_("Montant demandé (€)"))

    def __init__(self, *args, funders=(), programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder_id"].choices = [("", "—"), *((str(f.pk), f.name) for f in funders)]
        self.fields["programme_id"].choices = [("", "—"), *((str(p.pk), p.name) for p in programmes)]


class SubsidyDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Décision"), choices=[(SubsidyStatus.GRANTED, _("Accordée")), (SubsidyStatus.REFUSED, _("Refusée"))]
    )
    decided_on = date_field(_("Décision du"))
    amount_granted = _money(_("Montant accordé (€)"), required=False)
    convention_reference = forms.CharField(label=_("Référence de la convention"), max_length=100, required=False)


class SubsidyPaymentForm(forms.Form):
    """A payment received of a granted subsidy: an advance, the balance, or the whole grant (W32 counts it in the
    year of its day)."""

    received_on = date_field(
        _("Versement reçu le"),
        help_text=_(
            "Le jour où le versement est arrivé : le seuil de publication des comptes le compte cette année-là."
        ),
    )
    amount = AmountField(
        label=_("Montant du versement (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    note = forms.CharField(
        label=_("Note ou référence"),
        max_length=200,
        required=False,
        help_text=_("Par exemple : avance de 80 %, solde après le compte rendu financier, référence du virement."),
    )


class SubsidyPaymentCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=300,
        help_text=_("Par exemple : montant mal saisi, versement d'une autre subvention."),
    )


class CrfSentForm(forms.Form):
    sent_on = date_field(_("Compte rendu financier envoyé le"))


class AccountsObligationsForm(forms.Form):
    accounts_drawn_up_on = date_field(_("Comptes annuels établis le"), required=False)
    auditor_appointed_on = date_field(_("Commissaire aux comptes nommé le"), required=False)
    auditor_name = forms.CharField(label=_("Commissaire aux comptes"), max_length=200, required=False)
    accounts_approved_on = date_field(_("Comptes approuvés le"), required=False)
    published_on = date_field(_("Comptes publiés sur le site de la DILA le"), required=False)


class SubsidyYearForm(forms.Form):
    """The financial year of the subsidies pages (any year: a year to come has its requests)."""

    annee = forms.IntegerField(label=_("Année"), min_value=FIRST_YEAR, max_value=2100)


class ImlCostsForm(forms.Form):
    """The year's costs of the three activities of intermédiation locative, per modality (W36); each optional."""

    method = forms.CharField(
        label=_("Origine des montants"),
        max_length=300,
        required=False,
        help_text=_("Par exemple : comptabilité analytique, charges réparties au temps passé."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for modality, _modality_label in ImlModality.choices:
            for activity, activity_label in ImlActivity.choices:
                self.fields[iml_cost_field(modality, activity)] = _money(activity_label, required=False)
        self.order_fields([*(iml_cost_field(m, a) for m in ImlModality.values for a in ImlActivity.values), "method"])

    def modalities(self):
        """Per modality, its label and the bound fields of its three activities (the page's fieldsets)."""
        return [
            (label, [self[iml_cost_field(modality, activity)] for activity in ImlActivity.values])
            for modality, label in ImlModality.choices
        ]
