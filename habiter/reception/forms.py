from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import DATE_INPUT_FORMATS as DATE_FORMATS
from habiter.core.forms import PartnerNameInput, offer_partner_names
from habiter.core.models import Role

from . import queries
from . import rules as reception_rules
from .models import AgeBracket, Sex, Topic, WorkshopTheme

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
DATETIME_ERRORS = {"invalid": _("Date et heure invalides : jj/mm/aaaa hh:mm attendu.")}


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DeskVisitForm(forms.Form):
    """The quick form of the reception desk: tick the topics, save; everything else is optional."""

    topics = forms.MultipleChoiceField(
        label=_("Motif de la venue"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un motif de venue.")},
    )
    age_bracket = forms.ChoiceField(
        label=_("Tranche d'âge"),
        choices=AgeBracket.choices,
        initial=AgeBracket.UNKNOWN,
        required=False,
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(
        label=_("Sexe"), choices=Sex.choices, initial=Sex.UNSPECIFIED, required=False, widget=forms.RadioSelect
    )
    postcode = forms.CharField(
        label=_("Code postal"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
    )
    information_given = forms.CharField(
        label=_("Information donnée"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referral_partner = forms.CharField(
        label=_("Orientation vers un partenaire"),
        required=False,
        max_length=200,
        help_text=_("Nom du partenaire (CCAS, ADIL, CAF…) ; un nom nouveau crée sa fiche partenaire."),
        widget=PartnerNameInput,
    )
    referral_worker = forms.ModelChoiceField(
        label=_("Orientation vers un·e salarié·e de l'association"), queryset=None, required=False
    )
    household_q = forms.CharField(
        label=_("Rechercher un ménage déjà connu"),
        required=False,
        max_length=200,
        help_text=_("Nom, téléphone ou date de naissance (jj/mm/aaaa)."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    household = forms.UUIDField(
        required=False, error_messages={"invalid": _("Ce ménage est introuvable : choisissez-le dans la liste.")}
    )
    visited_at = forms.DateTimeField(
        label=_("Date et heure du passage"),
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
        error_messages=DATETIME_ERRORS,
    )
    # Only for a volunteer, who holds the desk with a professional of the association present (W24).
    present_professional = forms.ModelChoiceField(
        label=_("Professionnel·le présent·e"),
        queryset=None,
        help_text=_("La charte du bénévole : un·e bénévole ne tient pas l'accueil seul·e."),
        error_messages={
            "required": _("Indiquez le ou la professionnel·le présent·e à l'accueil (charte du bénévole)."),
            "invalid_choice": _("Choisissez un·e salarié·e de l'association."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["referral_worker"].queryset = queries.referral_worker_choices(user)
        self.fields["referral_worker"].empty_label = _("(personne)")
        if user.role == Role.VOLUNTEER:
            self.fields["present_professional"].queryset = queries.professional_choices(user)
            self.fields["present_professional"].empty_label = _("— Choisir —")
        else:
            del self.fields["present_professional"]
        offer_partner_names(self, "referral_partner", user)
        self.initial.setdefault("visited_at", _now_minute())

    def clean_postcode(self):
        postcode = reception_rules.normalise_postcode(self.cleaned_data["postcode"])
        if error := reception_rules.postcode_error(postcode):
            raise forms.ValidationError(error)
        return postcode


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    theme = forms.ChoiceField(label=_("Thème"), choices=[("", _("— Choisir —")), *WorkshopTheme.choices])


class WorkshopSessionForm(forms.Form):
    required_css_class = "required"
    starts_at = forms.DateTimeField(
        label=_("Date et heure"),
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
        error_messages=DATETIME_ERRORS,
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    facilitator = forms.ModelChoiceField(label=_("Animateur·rice"), queryset=None)
    present_professional = forms.ModelChoiceField(
        label=_("Professionnel·le présent·e"),
        queryset=None,
        required=False,
        help_text=_("Obligatoire quand un·e bénévole anime : la charte du bénévole ne le laisse pas agir seul."),
    )
    capacity = forms.IntegerField(
        label=_("Nombre de places"),
        initial=8,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Nombre de places invalide : un nombre entier.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = queries.facilitator_choices(user)
        self.fields["facilitator"].empty_label = _("— Choisir —")
        self.initial.setdefault("facilitator", user.pk)
        self.fields["present_professional"].queryset = queries.professional_choices(user)
        self.fields["present_professional"].empty_label = _("(personne)")

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if error := reception_rules.capacity_value_error(capacity):
            raise forms.ValidationError(error)
        return capacity


class EnrolmentForm(forms.Form):
    household = forms.UUIDField(
        error_messages={
            "required": _("Choisissez un ménage."),
            "invalid": _("Ce ménage est introuvable : choisissez-le parmi les résultats de la recherche."),
        }
    )


class DayForm(forms.Form):
    date = forms.DateField(
        label=_("Jour"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Date invalide : jj/mm/aaaa attendu.")},
    )


class ReferralForm(forms.Form):
    """Refer a person to a colleague: whom, why, and who — a household already known or a visitor's contact."""

    to_user = forms.ModelChoiceField(
        label=_("Orienter vers"),
        queryset=None,
        error_messages={
            "required": _("Choisissez la personne vers qui orienter."),
            "invalid_choice": _("Cette personne ne fait pas partie des salariés de l'association."),
        },
    )
    reason = forms.CharField(
        label=_("Motif de l'orientation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Ce que la personne demande, ce qui a déjà été dit ou remis."),
        error_messages={"required": _("Dites en quelques mots pourquoi la personne est orientée.")},
    )
    household_q = forms.CharField(
        label=_("Rechercher un ménage déjà connu"),
        required=False,
        max_length=200,
        help_text=_("Nom, téléphone ou date de naissance (jj/mm/aaaa)."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    household = forms.UUIDField(
        required=False, error_messages={"invalid": _("Ce ménage est introuvable : choisissez-le dans la liste.")}
    )
    visitor_name = forms.CharField(
        label=_("Nom de la personne"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    visitor_phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    visitor_email = forms.EmailField(
        label=_("Courriel"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Adresse de courriel invalide.")},
    )
    desk_visit = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = queries.referral_worker_choices(user).exclude(pk=user.pk)
        self.fields["to_user"].empty_label = _("— Choisir —")


class ReferralTakeUpForm(forms.Form):
    note = forms.CharField(label=_("Note (facultatif)"), required=False, max_length=2000)


class ReferralReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi la rouvrir ?"),
        max_length=2000,
        error_messages={"required": _("Dites pourquoi l'orientation est rouverte.")},
    )


class ReferralRedirectForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Réorienter vers"),
        queryset=None,
        error_messages={
            "required": _("Choisissez la personne vers qui réorienter."),
            "invalid_choice": _("Cette personne ne fait pas partie des salariés de l'association."),
        },
    )
    reason = forms.CharField(
        label=_("Pourquoi la réorienter ?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Dites pourquoi la personne est réorientée.")},
    )

    def __init__(self, *args, user, exclude_id=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices = queries.referral_worker_choices(user)
        if exclude_id:
            choices = choices.exclude(pk=exclude_id)
        self.fields["to_user"].queryset = choices
        self.fields["to_user"].empty_label = _("— Choisir —")
