from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.form_rendering import RenderedOnce
from habiter.core.forms import DATE_ERRORS, DATE_WIDGET, PartnerNameInput, offer_partner_names
from habiter.core.forms import DATE_INPUT_FORMATS as DATE_FORMATS
from habiter.core.versioning import VersionField

from . import queries
from . import rules as support_rules
from .models import (
    DocumentKind,
    EntrySituation,
    FollowUpSituation,
    Intensity,
    InterventionKind,
    LifeArea,
    MeasureStatus,
    OutcomeCategory,
    PlanGoal,
    Scheme,
    SignatureMethod,
    StepOwner,
)


class MeasureOpenForm(forms.Form):
    required_css_class = "required"
    programme = forms.ModelChoiceField(label=_("Dispositif"), queryset=None)
    start_date = forms.DateField(
        label=_("Début"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    planned_end_date = forms.DateField(
        label=_("Fin prévue"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages=DATE_ERRORS,
    )
    intensity = forms.ChoiceField(label=_("Intensité"), choices=Intensity.choices, initial=Intensity.MEDIUM)
    prescriber = forms.CharField(
        label=_("Prescripteur"),
        required=False,
        max_length=200,
        widget=PartnerNameInput,
        help_text=_("Le partenaire qui oriente le ménage ; un nom nouveau crée sa fiche partenaire."),
    )
    situation_at_entry = forms.ChoiceField(
        label=_("Situation de logement à l'entrée"),
        choices=[("", _("Non connue"))] + EntrySituation.choices,
        required=False,
        help_text=_("Où vivait le ménage au début de la mesure : compté par les indicateurs du Logement d'abord."),
    )
    requested = forms.BooleanField(label=_("Seulement demandée (pas encore commencée)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = queries.programmes_for(user)
        self.fields["programme"].empty_label = _("— Choisir —")
        offer_partner_names(self, "prescriber", user)
        self.initial.setdefault("start_date", timezone.localdate())


class FollowUpForm(forms.Form):
    """The situation a year after the end of a measure (DOMAIN-2 W35)."""

    ARREARS_CHOICES = [("", _("Non connu")), ("no", _("Non")), ("yes", _("Oui"))]

    required_css_class = "required"
    observed_on = forms.DateField(
        label=_("Date du constat"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    situation = forms.ChoiceField(label=_("Où vit le ménage ?"), choices=FollowUpSituation.choices)
    arrears = forms.ChoiceField(
        label=_("Impayé de loyer de plus de trois mois ?"), choices=ARREARS_CHOICES, required=False
    )
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, follow_up=None, **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up is not None:
            self.initial.setdefault("observed_on", follow_up.observed_on)
            self.initial.setdefault("situation", follow_up.situation)
            arrears = follow_up.arrears_over_three_months
            self.initial.setdefault("arrears", "" if arrears is None else ("yes" if arrears else "no"))
            self.initial.setdefault("comment", follow_up.comment)
        self.initial.setdefault("observed_on", timezone.localdate())

    def clean_arrears(self):
        return {"": None, "no": False, "yes": True}[self.cleaned_data.get("arrears") or ""]


class MeasureStatusForm(forms.Form):
    required_css_class = "required"
    to_status = forms.ChoiceField(label=_("Nouveau statut"))
    on_date = forms.DateField(
        label=_("À la date du"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ModelChoiceField(label=_("Issue (pour une clôture)"), queryset=None, required=False)
    end_reason = forms.CharField(
        label=_("Motif de fin (pour une clôture)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()

    def __init__(self, *args, user, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", measure.version)
        labels = dict(MeasureStatus.choices)
        allowed = sorted(support_rules.TRANSITIONS[measure.status])
        self.fields["to_status"].choices = [(s, labels[s]) for s in allowed]
        self.fields["outcome"].queryset = queries.outcomes_for(user)
        self.fields["outcome"].empty_label = _("— Choisir —")
        self.initial.setdefault("on_date", timezone.localdate())


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Nom du dispositif"), max_length=200)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Lettres, chiffres, tirets : sert aux exports (ex. avdl)."),
        error_messages={"invalid": _("Code invalide : lettres sans accent, chiffres, - ou _.")},
    )
    funder = forms.CharField(label=_("Financeur"), max_length=200, required=False)
    scheme = forms.ChoiceField(
        label=_("Type de dispositif"),
        choices=Scheme.choices,
        initial=Scheme.OTHER,
        required=False,
        help_text=_("Les rapports des financeurs comptent les mesures par type de dispositif."),
    )


OUTCOME_CATEGORY_CHOICES = [("", _("Non renseignée")), *OutcomeCategory.choices]


class OutcomeForm(forms.Form):
    label = forms.CharField(label=_("Nouvelle issue"), max_length=200)
    category = forms.ChoiceField(
        label=_("Catégorie pour les financeurs"), choices=OUTCOME_CATEGORY_CHOICES, required=False
    )


class ProgrammeSchemeForm(forms.Form):
    """The scheme of one programme of the catalogue, set from its row."""

    programme = forms.UUIDField(widget=forms.HiddenInput)
    scheme = forms.ChoiceField(label=_("Type de dispositif"), choices=Scheme.choices)


class OutcomeCategoryForm(forms.Form):
    """The funder category of one outcome of the catalogue, set from its row."""

    outcome = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Catégorie"), choices=OUTCOME_CATEGORY_CHOICES, required=False)


class InterventionForm(RenderedOnce, forms.Form):
    """The quick-add form of the household page: type, note, save — date and duration are prefilled."""

    required_css_class = "required"
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("— Choisir —")), *InterventionKind.choices])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(
        label=_("Date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"),
        initial=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        error_messages={"invalid": _("Durée invalide : un nombre de minutes.")},
    )
    measure = forms.ModelChoiceField(label=_("Mesure"), queryset=None, required=False)
    goal = forms.ModelChoiceField(label=_("Objectif du projet"), queryset=None, required=False)
    back_office = forms.BooleanField(label=_("Hors présence de la personne (back-office)"), required=False)
    restricted = forms.BooleanField(label=_("Note confidentielle"), required=False)

    def __init__(self, *args, household, may_restrict, measure_choices=None, goal_choices=None, **kwargs):
        """`measure_choices` and `goal_choices`: the rows the querysets below would list, when the caller has
        them already (the household page); the querysets still validate what is posted."""
        kwargs.setdefault("auto_id", "intervention_%s")  # unique ids beside the note form on the household page
        super().__init__(*args, **kwargs)
        self.initial.setdefault("occurred_on", timezone.localdate())
        self.fields["measure"].queryset = household.measures.exclude(status="closed").select_related("programme")
        self.fields["measure"].empty_label = _("(aucune)")
        goals = PlanGoal.objects.filter(plan__household=household, status="open")
        if not may_restrict:
            goals = goals.exclude(life_area=LifeArea.HEALTH)
        self.fields["goal"].queryset = goals
        self.fields["goal"].empty_label = _("(aucun)")
        for name, rows in (("measure", measure_choices), ("goal", goal_choices)):
            if rows is not None:
                field = self.fields[name]
                field.choices = [("", field.empty_label)] + [
                    (field.prepare_value(row), field.label_from_instance(row)) for row in rows
                ]
        if not may_restrict:
            del self.fields["restricted"]


class PlanStartForm(forms.Form):
    required_css_class = "required"
    started_on = forms.DateField(
        label=_("Début du projet"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    review_rhythm_months = forms.IntegerField(label=_("Un bilan tous les … mois"), initial=3, min_value=1, max_value=24)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "start_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("started_on", timezone.localdate())


class GoalForm(forms.Form):
    required_css_class = "required"
    life_area = forms.ChoiceField(label=_("Domaine de vie"), choices=[("", _("— Choisir —")), *LifeArea.choices])
    title = forms.CharField(label=_("Objectif"), widget=forms.TextInput)
    person_words = forms.CharField(
        label=_("Les mots de la personne"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tels qu'elle les dit. Ils ne seront plus modifiés ensuite."),
    )

    def __init__(self, *args, may_health, **kwargs):
        kwargs.setdefault("auto_id", "goal_%s")
        super().__init__(*args, **kwargs)
        if not may_health:
            self.fields["life_area"].choices = [c for c in self.fields["life_area"].choices if c[0] != LifeArea.HEALTH]


class StepForm(forms.Form):
    required_css_class = "required"
    goal = forms.UUIDField(widget=forms.HiddenInput)
    description = forms.CharField(label=_("Étape"), widget=forms.TextInput)
    owner = forms.ChoiceField(label=_("Qui le fait"), choices=StepOwner.choices)
    partner_name = forms.CharField(label=_("Partenaire"), required=False, max_length=200)
    due_on = forms.DateField(
        label=_("Pour le"), required=False, widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )


class ReviewForm(forms.Form):
    required_css_class = "required"
    held_on = forms.DateField(
        label=_("Date du bilan"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    what_moved = forms.CharField(label=_("Ce qui a bougé"), widget=forms.Textarea(attrs={"rows": 3}))
    what_next = forms.CharField(label=_("La suite"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "review_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_on", timezone.localdate())


class SignatureForm(forms.Form):
    required_css_class = "required"
    signed_on = forms.DateField(
        label=_("Signé le"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS
    )
    method = forms.ChoiceField(label=_("Comment"), choices=SignatureMethod.choices)
    signatories = forms.CharField(label=_("Signataires"), widget=forms.TextInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "signature_%s")
        super().__init__(*args, **kwargs)
        self.initial.setdefault("signed_on", timezone.localdate())


class AgreementSignatureForm(SignatureForm):
    """The signature of an agreement: it carries the version of the text the page showed."""

    version = VersionField()


class DocumentForm(RenderedOnce, forms.Form):
    required_css_class = "required"
    kind = forms.ChoiceField(label=_("Type de document"), choices=[("", _("— Choisir —")), *DocumentKind.choices])
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    expires_on = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages=DATE_ERRORS,
        help_text=_("Pour un titre de séjour, une attestation… : rappel 30 jours avant."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)


class AppointmentForm(forms.Form):
    required_css_class = "required"
    worker = forms.ModelChoiceField(label=_("Avec"), queryset=None)
    title = forms.CharField(label=_("Objet"), max_length=200)
    day = forms.DateField(label=_("Jour"), widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS)
    start = forms.TimeField(
        label=_("De"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Heure invalide : hh:mm attendu.")},
    )
    end = forms.TimeField(
        label=_("À"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Heure invalide : hh:mm attendu.")},
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    household = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, appointment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = queries.appointment_workers(user)
        if appointment is not None:  # editing: prefilled, and the version the page showed
            start, end = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
            self.initial.update(
                worker=appointment.worker_id,
                title=appointment.title,
                day=start.date(),
                start=start.time().replace(second=0, microsecond=0),
                end=end.time().replace(second=0, microsecond=0),
                place=appointment.place,
                version=appointment.version,
            )
            self.fields["version"] = VersionField()
            del self.fields["household"]
        self.initial.setdefault("worker", user.pk)
        self.initial.setdefault("day", timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            from datetime import datetime

            data["starts_at"] = timezone.make_aware(datetime.combine(data["day"], data["start"]))
            data["ends_at"] = timezone.make_aware(datetime.combine(data["day"], data["end"]))
        return data


class AppointmentCancelForm(forms.Form):
    required_css_class = "required"
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )
    version = VersionField()


class AppointmentAttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Présence"),
        choices=[("1", _("venu")), ("0", _("pas venu"))],
        coerce=lambda value: value == "1",
    )
    version = VersionField()


class AgreementForm(forms.Form):
    required_css_class = "required"
    household_commitments = forms.CharField(
        label=_("Ce que le ménage s'engage à faire"), widget=forms.Textarea(attrs={"rows": 5})
    )
    association_commitments = forms.CharField(
        label=_("Ce que l'association s'engage à faire"), widget=forms.Textarea(attrs={"rows": 5})
    )
    version = VersionField()
