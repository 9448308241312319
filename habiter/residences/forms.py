from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import DATE_ERRORS, DATE_WIDGET, AmountField, PartnerNameInput, offer_partner_names
from habiter.core.forms import DATE_INPUT_FORMATS as DATE_FORMATS
from habiter.core.models import Role
from habiter.core.templatetags.french import long_date

from . import queries
from .models import (
    FORMAL_NOTICE_MISSING,
    GROUNDS_AFTER_FORMAL_NOTICE,
    HOSTING_STAFF_FTE_ERRORS,
    HOSTING_STAFF_FTE_MAX,
    YOUNG_WORKERS_PSE_ERRORS,
    YOUNG_WORKERS_PSE_MAX,
    ActivityKind,
    Decision,
    EntrySituation,
    ExitDestination,
    InterviewAttendance,
    MainResource,
    PlaceKind,
    RedevanceKind,
    RefusalReason,
    ResidenceKind,
    SupportKind,
    TerminationGround,
    TerminationNotice,
    Typology,
)


class ResidenceBaseForm(forms.Form):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ResidenceForm(ResidenceBaseForm):
    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=ResidenceKind.choices)
    young_workers = forms.BooleanField(
        label=_("Foyer de jeunes travailleurs (FJT)"),
        required=False,
        help_text=_(
            "Seulement pour une résidence sociale : son AGLS compte alors le bonus sur la PSE de la CAF de l'année "
            "précédente."
        ),
    )
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
        label=_("Référence de l'agrément du gestionnaire"),
        max_length=100,
        required=False,
        help_text=_("Obligatoire avec une convention APL : l'agrément ILGLS du gestionnaire (CCH L365-4)."),
    )
    is_essms = forms.BooleanField(
        label=_("Établissement social ou médico-social (ESSMS)"),
        required=False,
        help_text=_("Une pension de famille n'en est pas un, sauf autorisation au titre du CASF."),
    )
    essms_resident_notice_days = forms.IntegerField(
        label=_("Préavis du résident prévu au contrat de séjour (jours)"),
        required=False,
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_(
            "Pour un ESSMS seulement (obligatoire alors) : le séjour y relève du contrat de séjour, pas du CCH."
        ),
        error_messages={
            "invalid": _("Nombre de jours invalide : un nombre entier."),
            "min_value": _("Le préavis ne peut pas être négatif."),
            "max_value": _("Le préavis ne dépasse pas 365 jours."),
        },
    )
    deposit_amount = AmountField(
        label=_("Dépôt de garantie demandé (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Selon la convention APL de la résidence ; copié sur chaque nouveau contrat."),
        error_messages={"invalid": _("Montant invalide : par exemple 350 ou 350,00.")},
    )
    deposit_keeps_unpaid = forms.BooleanField(
        label=_("Les redevances impayées peuvent être retenues sur le dépôt"),
        required=False,
        help_text=_(
            "Seulement si le contrat de résidence ou le règlement intérieur le prévoit ; copié sur chaque "
            "nouveau contrat."
        ),
    )
    deposit_return_days = forms.IntegerField(
        label=_("Délai de restitution du dépôt (jours après la sortie)"),
        required=False,
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Vide si le contrat n'en fixe pas ; copié sur chaque nouveau contrat."),
        error_messages={
            "invalid": _("Nombre de jours invalide : un nombre entier."),
            "min_value": _("Le délai ne peut pas être négatif."),
            "max_value": _("Le délai ne dépasse pas 365 jours."),
        },
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
    surface = AmountField(
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
    opened_on = forms.DateField(
        label=_("En service depuis le"),
        help_text=_("Vide : depuis l'ouverture de la résidence."),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages=DATE_ERRORS,
    )


class HouseRulesForm(ResidenceBaseForm):
    valid_from = forms.DateField(
        label=_("En vigueur à partir du"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    text = forms.CharField(label=_("Texte du règlement intérieur"), max_length=100_000, widget=forms.Textarea)
    guest_nights_per_month = forms.IntegerField(
        label=_("Nuitées d'hébergement d'un tiers autorisées par mois et par personne hébergée"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("Vide : pas de limite propre au règlement (la loi limite à trois mois par personne hébergée)."),
    )
    consultation = forms.ChoiceField(
        label=_("Réunion du conseil de concertation consultée sur cette version"),
        required=False,
        choices=(),
    )

    def __init__(self, *args, consultation, **kwargs):
        """`consultation`: `registry.rules_consultation` for the residence (the meetings that may be linked, and
        whether one is required)."""
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        field.choices = [("", _("— Aucune —")), *consultation.choices]
        field.required = consultation.required
        if consultation.required:
            field.help_text = consultation.reason
        elif not consultation.choices:
            del self.fields["consultation"]


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


class EntrySituationForm(ResidenceBaseForm):
    situation_before_entry = forms.ChoiceField(
        label=_("Situation de logement avant l'entrée"),
        choices=[("", _("— non renseignée —")), *EntrySituation.choices],
        required=False,
    )
    main_resource = forms.ChoiceField(
        label=_("Ressource principale à l'entrée"),
        choices=[("", _("— non renseignée —")), *MainResource.choices],
        required=False,
    )


class VacancyForm(ResidenceBaseForm):
    declared_on = forms.DateField(
        label=_("Déclarée au SIAO le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )


class OrientationForm(ResidenceBaseForm):
    siao_reference = forms.CharField(label=_("Référence SIAO"), max_length=60)
    siao_name = forms.CharField(
        label=_("SIAO"),
        required=False,
        max_length=200,
        widget=PartnerNameInput,
        help_text=_("Le SIAO qui oriente (par exemple « SIAO 13 ») ; un nom nouveau crée sa fiche partenaire."),
    )
    candidate_name = forms.CharField(label=_("Nom du candidat"), max_length=200)
    received_on = forms.DateField(
        label=_("Orientation reçue le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    household = forms.ModelChoiceField(label=_("Ménage déjà connu de l'association"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_partner_names(self, "siao_name", user)
        choices = queries.orientation_household_choices(user)
        self.fields["household"].queryset = choices
        self.fields["household"].empty_label = _("(pas encore de dossier)")
        if user.role == Role.HOST:  # a host opens no household's file: the director attaches it
            del self.fields["household"]


class AttachHouseholdForm(ResidenceBaseForm):
    household = forms.ModelChoiceField(label=_("Dossier du ménage"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = queries.orientation_household_choices(user)


class InterviewForm(ResidenceBaseForm):
    """A new interview of the candidate: fixed ahead (whether they came is noted later) or noted once held."""

    held_on = forms.DateField(
        label=_("Entretien le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    led_by = forms.ModelChoiceField(label=_("Mené par"), queryset=None)
    attendance = forms.ChoiceField(
        label=_("Le candidat est-il venu ?"),
        choices=[("", _("À venir : je le noterai après")), *InterviewAttendance.choices[1:]],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["led_by"].queryset = queries.interviewer_choices(user)
        self.fields["led_by"].label_from_instance = lambda u: u.get_full_name() or u.username


class InterviewOutcomeForm(ResidenceBaseForm):
    """Whether the candidate came to an interview fixed ahead."""

    interview = forms.ModelChoiceField(label=_("Entretien"), queryset=None)
    attendance = forms.ChoiceField(label=_("Le candidat est-il venu ?"), choices=InterviewAttendance.choices[1:])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, orientation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interview"].queryset = orientation.interviews.filter(attendance=InterviewAttendance.PLANNED)
        self.fields["interview"].label_from_instance = lambda i: long_date(i.held_on)


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


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label, widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS, **kwargs
    )


class OccupancyDayForm(forms.Form):
    """The day whose places' status the residence page shows (`?le=`): picked in the browser's calendar or typed
    jj/mm/aaaa; empty, today."""

    le = forms.DateField(
        label=_("Occupation des places le"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages={
            "invalid": _("Date invalide : choisissez un jour dans le calendrier ou tapez-le en jj/mm/aaaa.")
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ContractForm(ResidenceBaseForm):
    resident = forms.ModelChoiceField(label=_("Résident"), queryset=None)
    starts_on = _date_field(_("Prend effet le"))
    # W2: a titre d'occupation is never accessory to an employment contract; the service refuses it
    employee_housing = forms.BooleanField(
        label=_("Cette personne est salariée du gestionnaire et logée pour son emploi (logement de fonction)"),
        required=False,
        help_text=_("Cochez si c'est le cas : un tel logement ne relève pas d'un contrat de résidence."),
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
        self.fields["resident"].label_from_instance = lambda p: f"{p.last_name} {p.first_name}"


class InitialForm(ResidenceBaseForm):
    ri_initialled_on = _date_field(_("Règlement intérieur annexé et paraphé le"))


class ActivateForm(ResidenceBaseForm):
    pass


class NoticeForm(ResidenceBaseForm):
    notice_on = _date_field(_("Congé reçu le"))


class TerminateForm(ResidenceBaseForm):
    termination_ground = forms.ChoiceField(label=_("Motif de la résiliation"), choices=TerminationGround.choices)
    formal_notice_delivered_on = _date_field(
        _("Mise en demeure remise au résident le"),
        required=False,
        help_text=_("Obligatoire pour un manquement ou des impayés : la résiliation n'opère qu'après sa remise."),
    )
    termination_notified_by = forms.ChoiceField(
        label=_("Résiliation notifiée par"), choices=[("", "—"), *TerminationNotice.choices]
    )
    notice_on = _date_field(_("Notifiée au résident le"))

    def clean(self):
        data = super().clean()
        if data.get("termination_ground") in GROUNDS_AFTER_FORMAL_NOTICE and not data.get("formal_notice_delivered_on"):
            self.add_error("formal_notice_delivered_on", FORMAL_NOTICE_MISSING)
        return data


class ContractExitForm(ResidenceBaseForm):
    left_on = _date_field(_("Sortie le"))
    exit_destination = forms.ChoiceField(label=_("Destination"), choices=[("", "—"), *ExitDestination.choices])


class GuestStayForm(ResidenceBaseForm):
    guest_name = forms.CharField(label=_("Personne hébergée"), max_length=200)
    arrived_on = _date_field(_("Arrivée le"))
    left_on = _date_field(_("Départ le"))


class ActivityForm(ResidenceBaseForm):
    held_on = _date_field(_("Date"))
    kind = forms.ChoiceField(label=_("Type d'activité"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    participants = forms.ModelMultipleChoiceField(
        label=_("Résidents présents"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    helpers = forms.ModelMultipleChoiceField(
        label=_("Bénévoles venus aider"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Remarques"), max_length=5_000, required=False, widget=forms.Textarea)

    def __init__(self, *args, residents, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = residents
        self.fields["participants"].label_from_instance = lambda p: f"{p.first_name} {p.last_name}"
        self.fields["helpers"].queryset = volunteers
        self.fields["helpers"].label_from_instance = lambda u: u.get_full_name() or u.username


def _support_kind_field():
    return forms.ChoiceField(
        label=_("Nature du soutien"),
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Dites de quelle nature est ce soutien."),
            "invalid_choice": _("Choisissez une des natures proposées."),
        },
        help_text=_(
            "Lutte contre l'isolement : écoute, visite, sortie accompagnée… Médiation : une démarche vers la santé, "
            "la CAF, les droits, l'emploi…"
        ),
    )


class SupportForm(ResidenceBaseForm):
    resident = forms.ModelChoiceField(label=_("Résident"), queryset=None)
    given_on = _date_field(_("Date"))
    kind = _support_kind_field()
    note = forms.CharField(
        label=_("Soutien apporté"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une note pratique et courte ; le suivi social reste dans le dossier du ménage."),
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
        self.fields["resident"].label_from_instance = lambda p: f"{p.first_name} {p.last_name}"


class SupportKindForm(ResidenceBaseForm):
    """The kind of a support already noted: given to one noted before kinds were asked, or corrected."""

    kind = _support_kind_field()


SERVICE_ROWS = 4
SERVICE_KIND_CHOICES = [
    ("", _("— aucune —")),
    (RedevanceKind.COMPULSORY_SERVICE.value, RedevanceKind.COMPULSORY_SERVICE.label),
    (RedevanceKind.OPTIONAL_SERVICE.value, RedevanceKind.OPTIONAL_SERVICE.label),
]


def _amount_field(label, required=True):
    return AmountField(label=label, required=required, min_value=0, max_digits=12, decimal_places=2, localize=True)


class RedevanceForm(ResidenceBaseForm):
    """A new set of redevance lines from a day (W7): the équivalence de loyer, the charges (flat, never
    regularised, W8) and up to four services, each compulsory or optional, named."""

    valid_from = _date_field(_("En vigueur à partir du"))
    rent_equivalent = _amount_field(_("Équivalence de loyer (€ par mois)"))
    charges = _amount_field(_("Charges forfaitaires (€ par mois)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, SERVICE_ROWS + 1):
            self.fields[f"kind_{index}"] = forms.ChoiceField(
                label=_("Nature"), choices=SERVICE_KIND_CHOICES, required=False
            )
            self.fields[f"label_{index}"] = forms.CharField(label=_("Libellé"), max_length=200, required=False)
            self.fields[f"amount_{index}"] = _amount_field(_("Montant (€ par mois)"), required=False)

    def service_rows(self):
        """The bound fields of each service row, for the template: (number, kind, label, amount)."""
        return [
            (index, self[f"kind_{index}"], self[f"label_{index}"], self[f"amount_{index}"])
            for index in range(1, SERVICE_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        for index in range(1, SERVICE_ROWS + 1):
            kind, label, amount = (data.get(f"{name}_{index}") for name in ("kind", "label", "amount"))
            if (label or amount is not None) and not kind:
                self.add_error(f"kind_{index}", _("Choisissez la nature de cette prestation."))
            if kind and amount is None:
                self.add_error(f"amount_{index}", _("Indiquez le montant de cette prestation."))
        return data

    def lines(self) -> list[dict]:
        """The typed lines for `services.redevance_set`."""
        data = self.cleaned_data
        lines = [{"kind": RedevanceKind.RENT_EQUIVALENT.value, "label": "", "amount": data["rent_equivalent"]}]
        if data.get("charges") is not None:
            lines.append({"kind": RedevanceKind.CHARGES.value, "label": "", "amount": data["charges"]})
        for index in range(1, SERVICE_ROWS + 1):
            if data.get(f"kind_{index}"):
                lines.append(
                    {
                        "kind": data[f"kind_{index}"],
                        "label": data.get(f"label_{index}", ""),
                        "amount": data[f"amount_{index}"],
                    }
                )
        return lines


APL_MAXIMUM_ERRORS = {
    "invalid": _("Montant invalide : par exemple 430 ou 430,00."),
    "required": _("Indiquez le maximum mensuel lu sur la convention."),
    "min_value": _("Le maximum est un montant positif, d'au moins 0,01 €."),
    "max_digits": _("Montant trop grand."),
    "max_whole_digits": _("Montant trop grand."),
    "max_decimal_places": _("Indiquez le montant au centime près : deux chiffres après la virgule au plus."),
}


def _apl_maximum_amount():
    return AmountField(
        label=_("Maximum mensuel (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Équivalence de loyer + charges, tel que la convention le fixe pour cette année."),
        error_messages=APL_MAXIMUM_ERRORS,
    )


class AplMaximumForm(ResidenceBaseForm):
    """A maximum read on the residence's APL convention (W7): a typology of the residence's places, the year of the
    value, the monthly amount."""

    typology = forms.ChoiceField(
        label=_("Typologie"),
        error_messages={"invalid_choice": _("Choisissez une typologie des places de la résidence.")},
    )
    year = forms.IntegerField(
        label=_("Année de la valeur"),
        min_value=1990,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Indiquez une année, par exemple 2024."),
            "required": _("Indiquez l'année de la valeur."),
            "min_value": _("Indiquez une année à partir de 1990."),
            "max_value": _("Indiquez une année au plus tard l'an prochain (%(limit_value)s)."),
        },
    )
    amount = _apl_maximum_amount()

    def __init__(self, *args, typologies, next_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typology"].choices = [(value, value) for value in typologies]
        self.fields["year"].max_value = next_year
        self.fields["year"].validators.append(MaxValueValidator(next_year))
        self.fields["year"].widget.attrs.update({"min": 1990, "max": next_year})


class AplMaximumCorrectionForm(ResidenceBaseForm):
    amount = _apl_maximum_amount()


class YoungWorkersPseForm(ResidenceBaseForm):
    """The prestation de service socio-éducative the CAF paid a foyer de jeunes travailleurs for a year (W38): a
    year already recorded is corrected."""

    year = forms.IntegerField(
        label=_("Année de la PSE"),
        min_value=2000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Indiquez une année, par exemple 2024."),
            "required": _("Indiquez l'année de la PSE."),
            "min_value": _("Indiquez une année à partir de 2000."),
            "max_value": _("Indiquez une année passée ou l'année en cours (%(limit_value)s au plus tard)."),
        },
    )
    amount = AmountField(
        label=_("PSE reçue de la CAF (€)"),
        decimal_places=2,  # no max_digits: `max_value` says a too large amount once
        min_value=Decimal("0.00"),
        max_value=YOUNG_WORKERS_PSE_MAX,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Le montant de l'année versé par la CAF au titre de la prestation de service socio-éducative."),
        error_messages={
            "invalid": _("Montant invalide : par exemple 52000 ou 52000,00."),
            "required": _("Indiquez le montant de la PSE reçue."),
            **YOUNG_WORKERS_PSE_ERRORS,
        },
    )

    def __init__(self, *args, this_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs.update({"min": 2000, "max": this_year})


class HostingStaffForm(ResidenceBaseForm):
    """The hosts' time of a boarding house over a year, in full-time equivalents (W34): a year already recorded is
    corrected."""

    year = forms.IntegerField(
        label=_("Année"),
        min_value=2000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Indiquez une année, par exemple 2025."),
            "required": _("Indiquez l'année."),
            "min_value": _("Indiquez une année à partir de 2000."),
            "max_value": _("Indiquez une année passée ou l'année en cours (%(limit_value)s au plus tard)."),
        },
    )
    fte = AmountField(
        label=_("Temps des hôtes (ETP)"),
        decimal_places=2,  # no max_digits: `max_value` says a too large value once
        min_value=Decimal("0.00"),
        max_value=HOSTING_STAFF_FTE_MAX,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_(
            "En équivalents temps plein sur l'année, hôtes de la maison seulement : par exemple 1,5 pour un hôte à "
            "temps plein et un à mi-temps toute l'année."
        ),
        error_messages={
            "invalid": _("Nombre invalide : par exemple 1,5 ou 0,80."),
            "required": _("Indiquez le temps des hôtes en équivalents temps plein."),
            **HOSTING_STAFF_FTE_ERRORS,
        },
    )

    def __init__(self, *args, this_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs.update({"min": 2000, "max": this_year})
