from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import AmountField, PartnerNameInput, offer_partner_names
from habiter.core.versioning import VersionedForm

from .models import AdvanceSettlement, AidForm, CaseOutcome, Diagnosis, FslDecision, FslPurpose, LandlordKind, Step

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class CaseOpenForm(forms.Form):
    dwelling_address = forms.CharField(label=_("Logement (adresse)"), max_length=300)
    landlord_name = forms.CharField(label=_("Bailleur"), max_length=200)
    landlord_kind = forms.ChoiceField(label=_("Type de bailleur"), choices=LandlordKind.choices)
    lease_signed_on = forms.DateField(label=_("Bail signé le"), widget=DATE)
    contractual_months = forms.IntegerField(
        label=_("Délai du commandement prévu au bail, en mois (baux signés avant le 29/07/2023)"),
        min_value=1,
        max_value=6,
        initial=2,
    )
    debt = AmountField(label=_("Dette (€)"), **MONEY)
    monthly_amount = AmountField(
        label=_("Loyer et charges mensuels (€), net de l'aide au logement versée au bailleur"), **MONEY
    )
    first_unpaid_on = forms.DateField(label=_("Premier impayé le"), widget=DATE)


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Étape"), choices=Step.choices)
    on_date = forms.DateField(label=_("Date"), widget=DATE)
    hearing_on = forms.DateField(label=_("Date d'audience (pour une assignation)"), widget=DATE, required=False)
    detail = forms.CharField(
        label=_("Précisions (qui, quoi, recommandation, décision)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    # no outcome preselected: the one who closes chooses it
    outcome = forms.ChoiceField(label=_("Issue"), choices=[("", _("— choisir l'issue —")), *CaseOutcome.choices])
    closed_on = forms.DateField(label=_("Clos le"), widget=DATE)
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=500,
        help_text=_("Obligatoire pour « Dette réglée » quand la comptabilité montre encore une dette."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class FslFundForm(forms.Form):
    department = forms.CharField(label=_("Département (numéro)"), max_length=3)
    name = forms.CharField(label=_("Nom du fonds"), max_length=200)
    address = forms.CharField(
        label=_("Adresse (portée sur les commandements de payer)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    manager_name = forms.CharField(
        label=_("Gestionnaire du fonds"),
        required=False,
        max_length=200,
        widget=PartnerNameInput,
        help_text=_(
            "Le Département, ou l'organisme à qui il a délégué le fonds ; un nom nouveau crée sa fiche partenaire."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_partner_names(self, "manager_name", user)


class FslApplicationForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fonds"), queryset=None)
    purpose = forms.ChoiceField(label=_("Objet"), choices=FslPurpose.choices)
    aid_form = forms.ChoiceField(label=_("Forme de l'aide"), choices=AidForm.choices)
    amount_asked = AmountField(
        label=_("Montant demandé (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    submitted_on = forms.DateField(label=_("Déposée le"), widget=DATE)
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds


class FslDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"), choices=[(FslDecision.GRANTED, _("Accordée")), (FslDecision.REFUSED, _("Refusée"))]
    )
    decided_on = forms.DateField(label=_("Décidée le"), widget=DATE)
    amount_granted = AmountField(
        label=_("Montant accordé (€)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )


class FslPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Versée le"), widget=DATE)


class DiagnosisForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Diagnosis
        fields = ("referred_on", "interview_on", *Diagnosis.RUBRICS)
        widgets = {
            "referred_on": DATE,
            "interview_on": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in Diagnosis.RUBRICS
                if name not in ("writer", "tenant_presence", "transmission_told")
            },
        }


class LegalSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Lieu"), max_length=200)
    social_worker = forms.ModelChoiceField(label=_("Travailleur·se social·e"), queryset=None)
    lawyer = forms.ModelChoiceField(label=_("Avocat·e"), queryset=None)
    bar_name = forms.CharField(
        label=_("Barreau"),
        required=False,
        max_length=200,
        widget=PartnerNameInput,
        help_text=_("L'ordre des avocats partenaire de la permanence (par exemple « Barreau d'Aix-en-Provence »)."),
    )

    def __init__(self, *args, staff, lawyers, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = staff
        self.fields["lawyer"].queryset = lawyers
        offer_partner_names(self, "bar_name", user)


class LegalVisitForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Ménage reçu"), queryset=None)
    subject = forms.CharField(label=_("Objet de la venue"), max_length=200)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households


class LegalAdviceForm(forms.Form):
    advice = forms.CharField(label=_("Conseil donné"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label=_("Suites à donner"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_done = forms.BooleanField(
        label=_("Suites données"),
        required=False,
        help_text=_("Cochez quand les suites sont faites : elles quittent alors la page d'accueil de l'avocat·e."),
    )


class AdvanceForm(forms.Form):
    amount = AmountField(
        label=_("Montant avancé (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    advanced_on = forms.DateField(label=_("Avancé le"), widget=DATE)
    fsl_application = forms.ModelChoiceField(
        label=_("Demande au FSL attendue"), queryset=None, required=False, empty_label=_("— aucune —")
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fsl_application"].queryset = applications


class AdvanceSettleForm(forms.Form):
    settled_by = forms.ChoiceField(label=_("Remboursée par"), choices=AdvanceSettlement.choices)
    settled_on = forms.DateField(label=_("Le"), widget=DATE)
    amount = AmountField(
        label=_("Montant reçu (€)"),
        help_text=_("Laissez vide pour le reste dû (ou, du FSL, le reste de ce qu'il a accordé s'il est moindre)."),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
    )
    fsl_application = forms.ModelChoiceField(
        label=_("Demande au FSL accordée (si le FSL rembourse)"),
        queryset=None,
        required=False,
        empty_label=_("— celle de l'avance —"),
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fsl_application"].queryset = applications


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DATE)
    end = forms.DateField(label=_("Au"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin de la période suit son début."))
        return data
