from django import forms
from django.utils.translation import gettext_lazy as _

from habiter.core.models import Role

from . import queries
from .models import Decision, ExitDestination, PlaceKind, RefusalReason, ResidenceKind, Typology

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_ERRORS = {"invalid": _("Date invalide : jj/mm/aaaa attendu.")}


class ResidenceBaseForm(forms.Form):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ResidenceForm(ResidenceBaseForm):
    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ResidenceKind.choices)
    address = forms.CharField(label=_("Adresse"), max_length=300)
    postal_code = forms.CharField(label=_("Code postal"), max_length=10)
    city = forms.CharField(label=_("Commune"), max_length=100)
    opened_on = forms.DateField(
        label=_("Ouverte le"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages=DATE_ERRORS,
    )
    apl_convention_reference = forms.CharField(
        label=_("Référence de la convention APL"), max_length=100, required=False
    )
    agrement_reference = forms.CharField(
        label=_("Référence de l'agrément du gestionnaire"), max_length=100, required=False
    )
    is_essms = forms.BooleanField(
        label=_("Établissement social ou médico-social (ESSMS)"),
        required=False,
        help_text=_("Une pension de famille n'en est pas un, sauf autorisation au titre du CASF."),
    )
    hosts = forms.ModelMultipleChoiceField(
        label=_("Hôtes"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = queries.host_choices(user)


class PlaceForm(ResidenceBaseForm):
    label = forms.CharField(label=_("Nom ou numéro"), max_length=60)
    kind = forms.ChoiceField(label=_("Type"), choices=PlaceKind.choices)
    typology = forms.ChoiceField(label=_("Typologie"), choices=Typology.choices)
    surface = forms.DecimalField(
        label=_("Surface (m²)"),
        max_digits=6,
        decimal_places=2,
        min_value=1,
        max_value=500,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": _("Surface invalide : un nombre de m², par exemple 18,5.")},
    )
    furnished = forms.BooleanField(label=_("Meublé"), required=False)
    accessible = forms.BooleanField(label=_("Accessible (personne à mobilité réduite)"), required=False)


class HouseRulesForm(ResidenceBaseForm):
    valid_from = forms.DateField(
        label=_("En vigueur à partir du"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    text = forms.CharField(label=_("Texte du règlement intérieur"), max_length=100_000, widget=forms.Textarea)


class EntryForm(ResidenceBaseForm):
    resident = forms.ModelChoiceField(label=_("Résident"), queryset=None)
    entered_on = forms.DateField(
        label=_("Entrée le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = queries.resident_choices(user)
        self.fields["resident"].label_from_instance = lambda p: f"{p.last_name} {p.first_name} ({p.household})"


class ExitForm(ResidenceBaseForm):
    left_on = forms.DateField(
        label=_("Sortie le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    exit_destination = forms.ChoiceField(label=_("Destination"), choices=ExitDestination.choices)


class VacancyForm(ResidenceBaseForm):
    declared_on = forms.DateField(
        label=_("Déclarée au SIAO le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )


class OrientationForm(ResidenceBaseForm):
    siao_reference = forms.CharField(label=_("Référence SIAO"), max_length=60)
    candidate_name = forms.CharField(label=_("Nom du candidat"), max_length=200)
    received_on = forms.DateField(
        label=_("Orientation reçue le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    household = forms.ModelChoiceField(label=_("Ménage déjà connu de l'association"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = queries.orientation_household_choices(user)
        self.fields["household"].queryset = choices
        self.fields["household"].empty_label = _("(pas encore de dossier)")
        if user.role == Role.HOST:  # a host opens no household's file: the director attaches it
            del self.fields["household"]


class InterviewForm(ResidenceBaseForm):
    interview_on = forms.DateField(
        label=_("Entretien le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )


class DecisionForm(ResidenceBaseForm):
    decision = forms.ChoiceField(
        label=_("Décision de la commission"),
        choices=[(Decision.ADMITTED, _("Admis")), (Decision.REFUSED, _("Refusé"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label=_("Décidée le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    refusal_reason = forms.ChoiceField(
        label=_("Motif du refus"), choices=[("", "—"), *RefusalReason.choices], required=False
    )
    minutes = forms.CharField(label=_("Compte rendu"), max_length=20_000, required=False, widget=forms.Textarea)


class NotifyForm(ResidenceBaseForm):
    notified_on = forms.DateField(
        label=_("Notifiée au SIAO le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )


class OrientationEntryForm(ResidenceBaseForm):
    resident = forms.ModelChoiceField(label=_("Résident"), queryset=None)
    entered_on = forms.DateField(
        label=_("Entrée le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = household.members.order_by("last_name", "first_name")
