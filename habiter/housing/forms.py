from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import DATE_ERRORS, DATE_WIDGET, AmountField, PlainFormSet
from habiter.core.forms import DATE_INPUT_FORMATS as DATE_FORMATS
from habiter.core.versioning import VersionField
from habiter.people.models import Household

from . import queries
from . import rules as housing_rules
from .models import (
    Condition,
    ContactChannel,
    DropReason,
    EnergyClass,
    GuaranteeOffer,
    InspectionKind,
    OwnerKind,
    ProspectStage,
    RentCapScheme,
    Reporter,
    Territory,
    TicketStatus,
    Urgency,
)

AMOUNT_ERRORS = {
    "invalid": _("Montant invalide : un nombre en euros, par exemple 612,40."),
    "max_digits": _("Montant trop grand."),
    "max_decimal_places": _("Deux chiffres après la virgule au plus."),
    "min_value": _("Le montant ne peut pas être négatif."),
}
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
CHOOSE = ("", _("— Choisir —"))


def _date_field(label, *, required=True, **kwargs):
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages=DATE_ERRORS,
        **kwargs,
    )


def _amount_field(label, *, required=False, **kwargs):
    return AmountField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages=AMOUNT_ERRORS,
        **kwargs,
    )


def _photo_field(label=None, required=False):
    return forms.FileField(
        label=label or _("Photo"),
        required=required,
        help_text=_("JPEG, PNG ou WebP, 10 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )


class HousingForm(forms.Form):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# --- owners ------------------------------------------------------------------------------------------------


class OwnerForm(HousingForm):
    version = VersionField()
    kind = forms.ChoiceField(label=_("Type de propriétaire"), choices=OwnerKind.choices)
    name = forms.CharField(label=_("Nom ou raison sociale"), max_length=200)
    email = forms.EmailField(
        label=_("Courriel"), required=False, error_messages={"invalid": _("Adresse de courriel invalide.")}
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    address = forms.CharField(label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=50,
        required=False,
        help_text=_("Pour les versements au propriétaire ; vérifié par sa clé de contrôle."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    notes = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_iban(self):
        iban = housing_rules.normalise_iban(self.cleaned_data["iban"])
        if error := housing_rules.iban_error(iban):
            raise forms.ValidationError(error)
        return iban


class OwnerContactForm(HousingForm):
    occurred_on = _date_field(_("Date"))
    channel = forms.ChoiceField(label=_("Moyen"), choices=[CHOOSE, *ContactChannel.choices])
    summary = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("occurred_on", timezone.localdate())


class OwnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous")), *OwnerKind.choices])


# --- buildings and dwellings -------------------------------------------------------------------------------


class BuildingForm(HousingForm):
    version = VersionField()
    name = forms.CharField(label=_("Nom"), max_length=200)
    address = forms.CharField(label=_("Adresse"), max_length=300)
    postal_code = forms.CharField(label=_("Code postal"), max_length=10)
    city = forms.CharField(label=_("Commune"), max_length=100)
    owner = forms.ModelChoiceField(label=_("Propriétaire"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.owner_choices(user)
        self.fields["owner"].empty_label = _("(aucun : l'association)")


class DwellingFieldsMixin(forms.Form):
    """The dwelling's own fields, shared by the dwelling form and the new dwelling of a prospect."""

    reference = forms.CharField(label=_("Référence"), max_length=60)
    address = forms.CharField(label=_("Adresse"), max_length=300)
    postal_code = forms.CharField(label=_("Code postal"), max_length=10)
    city = forms.CharField(label=_("Commune"), max_length=100)
    territory = forms.ChoiceField(label=_("Territoire"), choices=Territory.choices, initial=Territory.METROPOLE)
    surface = AmountField(
        label=_("Surface (m²)"),
        max_digits=7,
        decimal_places=2,
        min_value=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("Surface invalide : un nombre de m², par exemple 42,5."),
            "min_value": _("La surface est d'au moins 1 m²."),
        },
    )
    rooms = forms.IntegerField(
        label=_("Pièces"),
        min_value=1,
        max_value=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Nombre de pièces invalide : un nombre entier.")},
    )
    floor = forms.IntegerField(
        label=_("Étage"),
        required=False,
        min_value=-5,
        max_value=100,
        help_text=_("0 pour le rez-de-chaussée."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Étage invalide : un nombre entier.")},
    )
    furnished = forms.BooleanField(label=_("Meublé"), required=False)
    energy_class = forms.ChoiceField(
        label=_("Classe énergie (DPE)"),
        required=False,
        choices=[("", _("Non renseignée")), *EnergyClass.choices],
        help_text=_("Sans DPE, le logement ne peut pas être loué."),
    )
    energy_kwh = forms.IntegerField(
        label=_("Consommation (kWh/m²/an)"),
        required=False,
        min_value=0,
        max_value=5000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Consommation invalide : un nombre entier de kWh/m²/an.")},
    )
    rent_cap_scheme = forms.ChoiceField(
        label=_("Conventionnement (Anah, Loc'Avantages)"), required=False, choices=RentCapScheme.choices
    )
    rent_cap_ceiling = _amount_field(_("Plafond de loyer (€/mois)"))
    decency_checked_on = _date_field(_("Décence vérifiée le"), required=False)


class DwellingForm(DwellingFieldsMixin, HousingForm):
    version = VersionField()
    owner = forms.ModelChoiceField(label=_("Propriétaire"), queryset=None)
    building = forms.ModelChoiceField(label=_("Immeuble"), queryset=None, required=False)

    field_order = ["reference", "owner", "building"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.owner_choices(user)
        self.fields["owner"].empty_label = _("— Choisir —")
        self.fields["building"].queryset = queries.building_choices(user)
        self.fields["building"].empty_label = _("(aucun)")


class DwellingFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    city = forms.ChoiceField(label=_("Commune"), required=False)
    energy_class = forms.ChoiceField(
        label=_("Classe énergie"),
        required=False,
        choices=[("", _("Toutes")), *EnergyClass.choices, ("none", _("DPE à renseigner"))],
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("Toutes")), *((c, c) for c in cities)]


# --- captation -------------------------------------------------------------------------------------------


class ProspectForm(HousingForm):
    """A new prospect: an existing owner and dwelling, or new ones typed here."""

    owner = forms.ModelChoiceField(label=_("Propriétaire existant"), queryset=None, required=False)
    new_owner_kind = forms.ChoiceField(label=_("Type"), choices=OwnerKind.choices, required=False)
    new_owner_name = forms.CharField(label=_("Nom du nouveau propriétaire"), max_length=200, required=False)
    new_owner_phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    new_owner_email = forms.EmailField(
        label=_("Courriel"), required=False, error_messages={"invalid": _("Adresse de courriel invalide.")}
    )
    dwelling = forms.ModelChoiceField(label=_("Logement existant"), queryset=None, required=False)
    worker = forms.ModelChoiceField(label=_("Chargé·e de captation"), queryset=None)
    on_date = _date_field(_("Repéré le"))
    market_rent = _amount_field(_("Loyer de marché (€/mois)"))
    notes = forms.CharField(label=_("Remarques"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = queries.owner_choices(user)
        self.fields["owner"].empty_label = _("(nouveau propriétaire, ci-dessous)")
        self.fields["dwelling"].queryset = queries.dwelling_choices(user)
        self.fields["dwelling"].empty_label = _("(nouveau logement, ci-dessous)")
        self.fields["worker"].queryset = queries.captation_workers(user)
        self.fields["worker"].empty_label = _("— Choisir —")
        self.initial.setdefault("worker", user.pk)
        self.initial.setdefault("on_date", timezone.localdate())
        self.dwelling_form = NewDwellingForm(*args, prefix="new_dwelling", **kwargs)

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("new_owner_name") or "").strip():
            self.add_error("owner", _("Choisissez un propriétaire ou indiquez le nom du nouveau propriétaire."))
        if not data.get("dwelling") and not self.dwelling_form.is_valid():
            self.add_error("dwelling", _("Choisissez un logement ou décrivez le nouveau logement ci-dessous."))
        return data

    def new_owner(self) -> dict | None:
        data = self.cleaned_data
        if data.get("owner"):
            return None
        return {
            "kind": data.get("new_owner_kind") or OwnerKind.PRIVATE,
            "name": data.get("new_owner_name", ""),
            "phone": data.get("new_owner_phone", ""),
            "email": data.get("new_owner_email", ""),
        }

    def new_dwelling(self) -> dict | None:
        if self.cleaned_data.get("dwelling"):
            return None
        return dict(self.dwelling_form.cleaned_data)


class NewDwellingForm(DwellingFieldsMixin, HousingForm):
    """The dwelling typed on the prospect form: only used when no existing dwelling is chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rent_cap_scheme", "rent_cap_ceiling", "decency_checked_on", "energy_kwh", "floor"):
            del self.fields[name]


class ProspectMoveForm(HousingForm):
    to_stage = forms.ChoiceField(label=_("Nouvelle étape"), choices=[CHOOSE, *ProspectStage.choices])
    on_date = _date_field(_("Date"))
    offered_rent = _amount_field(_("Loyer proposé (€/mois)"), help_text=_("Pour une offre : sous le loyer de marché."))
    guarantee = forms.ChoiceField(label=_("Garantie offerte"), required=False, choices=GuaranteeOffer.choices)
    works_estimate = _amount_field(_("Travaux estimés (€)"))
    drop_reason = forms.ChoiceField(label=_("Motif d'abandon"), required=False, choices=DropReason.choices)
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, prospect=None, **kwargs):
        kwargs.setdefault("auto_id", "move_%s")
        super().__init__(*args, **kwargs)
        if prospect is not None:
            allowed = housing_rules.STAGE_TRANSITIONS.get(prospect.stage, frozenset())
            self.fields["to_stage"].choices = [CHOOSE, *((v, lab) for v, lab in ProspectStage.choices if v in allowed)]
        self.initial.setdefault("on_date", timezone.localdate())


class BoardFilterForm(forms.Form):
    city = forms.ChoiceField(label=_("Commune"), required=False)
    worker = forms.ModelChoiceField(label=_("Chargé·e de captation"), queryset=None, required=False)

    def __init__(self, *args, user, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("Toutes")), *((c, c) for c in cities)]
        self.fields["worker"].queryset = queries.captation_workers(user)
        self.fields["worker"].empty_label = _("Tous")


# --- maintenance -------------------------------------------------------------------------------------------


class TicketForm(HousingForm):
    dwelling = forms.ModelChoiceField(label=_("Logement"), queryset=None)
    title = forms.CharField(label=_("Objet"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reported_by = forms.ChoiceField(label=_("Signalé par"), choices=[CHOOSE, *Reporter.choices])
    reported_on = _date_field(_("Signalé le"))
    urgency = forms.ChoiceField(label=_("Urgence"), choices=Urgency.choices, initial=Urgency.NORMAL)
    photo = _photo_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dwelling"].queryset = queries.dwelling_choices(user)
        self.fields["dwelling"].empty_label = _("— Choisir —")
        self.initial.setdefault("reported_on", timezone.localdate())


class TicketUpdateForm(HousingForm):
    version = VersionField()
    status = forms.ChoiceField(label=_("Statut"), choices=TicketStatus.choices)
    technician = forms.ModelChoiceField(label=_("Agent technique"), queryset=None, required=False)
    contractor = forms.CharField(label=_("Entreprise"), max_length=200, required=False)
    cost = _amount_field(_("Coût (€)"))

    def __init__(self, *args, user, ticket, **kwargs):
        kwargs.setdefault("auto_id", "ticket_%s")
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = queries.technician_choices(user)
        self.fields["technician"].empty_label = _("(personne)")
        allowed = housing_rules.TICKET_TRANSITIONS.get(ticket.status, frozenset()) | {ticket.status}
        self.fields["status"].choices = [(v, lab) for v, lab in TicketStatus.choices if v in allowed]


class PhotoForm(HousingForm):
    photo = _photo_field(required=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "photo_%s")
        super().__init__(*args, **kwargs)


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("open", _("À traiter")), ("all", _("Toutes")), *TicketStatus.choices],
    )
    mine = forms.BooleanField(label=_("Seulement les miennes"), required=False)


# --- inspections -------------------------------------------------------------------------------------------


class InspectionForm(HousingForm):
    dwelling = forms.ModelChoiceField(label=_("Logement"), queryset=None)
    kind = forms.ChoiceField(label=_("Type"), choices=[CHOOSE, *InspectionKind.choices])
    done_on = _date_field(_("Date"))
    household = forms.ModelChoiceField(label=_("Ménage"), queryset=None, required=False)
    keys_returned_on = _date_field(
        _("Clés rendues le"), required=False, help_text=_("Pour une sortie : le délai de restitution du dépôt en part.")
    )
    comment = forms.CharField(label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, dwelling=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dwelling"].queryset = queries.dwelling_choices(user)
        self.fields["dwelling"].empty_label = _("— Choisir —")
        self.fields["household"].queryset = (
            queries.inspection_households(dwelling, user) if dwelling is not None else Household.objects.none()
        )
        self.fields["household"].empty_label = _("(aucun)")
        self.initial.setdefault("done_on", timezone.localdate())


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Pièce"), max_length=100)
    condition = forms.ChoiceField(label=_("État"), choices=[CHOOSE, *Condition.choices])
    comment = forms.CharField(label=_("Observations"), required=False, max_length=2000)
    photo = _photo_field()


class BaseRoomFormSet(PlainFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.rooms():
            raise forms.ValidationError(_("Décrivez au moins une pièce."))

    def rooms(self) -> list[dict]:
        """The rooms described: neither left blank nor ticked for removal."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
        ]


RoomFormSet = forms.formset_factory(
    RoomForm, formset=BaseRoomFormSet, extra=0, min_num=1, max_num=30, validate_max=True, can_delete=True
)
DEFAULT_ROOMS = [_("Entrée"), _("Séjour"), _("Cuisine"), _("Chambre"), _("Salle d'eau"), _("WC")]


class KeysReturnedForm(HousingForm):
    keys_returned_on = _date_field(_("Clés rendues le"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "keys_%s")
        super().__init__(*args, **kwargs)
