from django import forms
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import AmountField
from habiter.housing.models import Building

from . import queries
from .models import Guarantee, HeadLeaseKind, IrlZone, LeaseKind, LeaseStatus, Opinion, ReviewDecision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


def _money(label, required=True, **kwargs):
    return AmountField(label=label, required=required, **MONEY, **kwargs)


class LeaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Ménage, logement ou commune"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous"))] + list(LeaseStatus.choices))
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous"))] + list(LeaseKind.choices))


class LeaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de bail"), choices=LeaseKind.choices)
    dwelling = forms.ModelChoiceField(label=_("Logement"), queryset=None)
    household = forms.ModelChoiceField(label=_("Ménage"), queryset=None)
    head_lease = forms.ModelChoiceField(label=_("Bail principal (sous-location)"), queryset=None, required=False)
    mandate = forms.ModelChoiceField(label=_("Mandat de gestion (bail sous mandat)"), queryset=None, required=False)
    sliding = forms.BooleanField(label=_("Bail glissant (sous-location avec glissement prévu)"), required=False)
    review_every_months = forms.IntegerField(
        label=_("Rythme des bilans du bail glissant (mois)"), required=False, min_value=1, max_value=36
    )
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(label=_("Fin (facultatif)"), widget=DATE, required=False)
    rent = _money(_("Loyer hors charges (€/mois)"))
    charges = _money(_("Provision pour charges (€/mois)"), initial=0)
    payment_day = forms.IntegerField(label=_("Jour de paiement"), min_value=1, max_value=28, initial=5)
    deposit = _money(_("Dépôt de garantie (€)"), initial=0)
    irl_quarter = forms.TypedChoiceField(
        label=_("Trimestre de référence IRL"),
        choices=[(q, _("T%(q)s") % {"q": q}) for q in range(1, 5)],
        coerce=int,
    )
    irl_base_year = forms.IntegerField(
        label=_("Année de l'indice de base (facultatif : le dernier publié à la signature)"),
        required=False,
        min_value=1998,
        max_value=2200,
    )
    revision_anchor = forms.DateField(
        label=_("Date de révision prévue au bail (facultatif)"),
        widget=DATE,
        required=False,
        help_text=_(
            "Le loyer se révise chaque année à cette date (par exemple le 1er janvier) ; à défaut, à la date "
            "anniversaire du bail."
        ),
    )
    guarantee = forms.ChoiceField(label=_("Garantie"), choices=Guarantee.choices, required=False)
    visale_number = forms.CharField(label=_("Numéro de visa VISALE"), max_length=40, required=False)
    fsl_guarantee_reference = forms.CharField(label=_("Référence de la garantie FSL"), max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dwelling"].queryset = queries.dwellings_for_leasing(user)
        self.fields["household"].queryset = queries.households_for_leasing(user)
        self.fields["head_lease"].queryset = queries.head_leases_of(user).filter(
            kind=HeadLeaseKind.ORDINARY, ended_on__isnull=True
        )
        self.fields["mandate"].queryset = queries.mandates_of(user)

    def clean(self):
        data = super().clean()
        if data.get("guarantee") == Guarantee.VISALE and not data.get("visale_number"):
            self.add_error("visale_number", _("Indiquez le numéro de visa VISALE."))
        return data


class HeadLeaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=HeadLeaseKind.choices)
    owner = forms.ModelChoiceField(label=_("Bailleur (propriétaire)"), queryset=None)
    dwelling = forms.ModelChoiceField(label=_("Logement"), queryset=None, required=False)
    building = forms.ModelChoiceField(label=_("Immeuble (bail emphytéotique)"), queryset=None, required=False)
    surface = AmountField(label=_("Surface louée (m²)"), max_digits=8, decimal_places=2, min_value=1)
    rent = _money(_("Loyer hors charges (€/mois)"))
    charges = _money(_("Provision pour charges (€/mois)"), initial=0)
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(label=_("Fin"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.owners_of(user)
        self.fields["dwelling"].queryset = queries.dwellings_for_leasing(user)
        self.fields["building"].queryset = Building.objects.filter(organisation_id=user.organisation_id)


class MandateForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Mandant (propriétaire)"), queryset=None)
    dwelling = forms.ModelChoiceField(label=_("Logement"), queryset=None)
    fee_rate = AmountField(
        label=_("Honoraires (% des loyers encaissés)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(label=_("Fin (facultatif)"), widget=DATE, required=False)
    payout_iban = forms.CharField(label=_("IBAN de reversement au propriétaire"), max_length=42)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.owners_of(user)
        self.fields["dwelling"].queryset = queries.dwellings_for_leasing(user)


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signé le"), widget=DATE)
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EndForm(forms.Form):
    notice_given_on = forms.DateField(
        label=_("Congé du locataire reçu le"),
        widget=DATE,
        required=False,
        help_text=_("Le préavis court à partir de ce jour ; le loyer est dû jusqu'à son terme."),
    )
    notice_reduced = forms.BooleanField(
        label=_("Préavis réduit à un mois"),
        required=False,
        help_text=_(
            "Zone tendue, premier emploi, perte ou nouvel emploi, mutation, état de santé, RSA ou AAH, "
            "logement social attribué (loi du 6 juillet 1989, art. 15)."
        ),
    )
    end_date = forms.DateField(
        label=_("Dernier jour du bail"),
        widget=DATE,
        required=False,
        help_text=_("Laissé vide après un congé : la fin du préavis."),
    )
    moved_out_on = forms.DateField(label=_("Départ (remise des clés) le"), widget=DATE, required=False)
    relet_on = forms.DateField(
        label=_("Nouveau locataire entré le"),
        widget=DATE,
        required=False,
        help_text=_("Si le logement est reloué avant la fin du préavis, le loyer cesse la veille."),
    )
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(forms.Form):
    on_date = forms.DateField(label=_("Date"), widget=DATE)
    comment = forms.CharField(label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("Date du bilan"), widget=DATE)
    worker_opinion = forms.ChoiceField(label=_("Avis du travailleur social"), choices=Opinion.choices)
    worker_comment = forms.CharField(
        label=_("Commentaire du travailleur social"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    landlord_opinion = forms.ChoiceField(label=_("Avis du bailleur"), choices=Opinion.choices)
    landlord_comment = forms.CharField(
        label=_("Commentaire du bailleur"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(label=_("Décision"), choices=ReviewDecision.choices)


class SlideForm(forms.Form):
    on_date = forms.DateField(label=_("Date du glissement (début du bail direct)"), widget=DATE)


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Mois des révisions"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class IrlForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"),
        min_value=1998,
        max_value=2200,
        error_messages={
            "invalid": _("Année invalide : quatre chiffres, par exemple 2026."),
            "min_value": _("L'IRL existe depuis 1998."),
            "max_value": _("Année invalide : quatre chiffres, par exemple 2026."),
        },
    )
    quarter = forms.TypedChoiceField(
        label=_("Trimestre"),
        choices=[(q, _("T%(q)s") % {"q": q}) for q in range(1, 5)],
        coerce=int,
        error_messages={"invalid_choice": _("Choisissez un trimestre de 1 à 4.")},
    )
    zone = forms.ChoiceField(
        label=_("Zone"), choices=IrlZone.choices, error_messages={"invalid_choice": _("Choisissez une zone.")}
    )
    value = AmountField(
        label=_("Valeur"),
        max_digits=7,
        decimal_places=2,
        min_value=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Valeur invalide : l'indice publié, avec deux décimales, par exemple 145,78."),
            "max_decimal_places": _("L'INSEE publie l'indice avec deux décimales au plus."),
            "max_digits": _("Valeur invalide : l'indice publié, avec deux décimales, par exemple 145,78."),
            "min_value": _("Valeur invalide : l'indice publié, avec deux décimales, par exemple 145,78."),
        },
    )
    published_on = forms.DateField(
        label=_("Publié le"),
        widget=DATE,
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Date invalide : jj/mm/aaaa attendu.")},
    )
    source_url = forms.URLField(
        label=_("Source (adresse de la publication INSEE)"),
        required=False,
        max_length=500,
        error_messages={"invalid": _("Adresse invalide : collez l'adresse complète de la publication (https://…).")},
    )


def irl_form_initial(query) -> dict:
    """The quarter and zone a link of the to-do asks for (`?year=2026&quarter=3&zone=corse`), when they are
    valid; nothing otherwise."""
    initial = {"zone": IrlZone.METROPOLE}
    year, quarter, zone = query.get("year", ""), query.get("quarter", ""), query.get("zone", "")
    if year.isdigit() and 1998 <= int(year) <= 2200:
        initial["year"] = int(year)
    if quarter in ("1", "2", "3", "4"):
        initial["quarter"] = int(quarter)
    if zone in IrlZone.values:
        initial["zone"] = zone
    return initial
