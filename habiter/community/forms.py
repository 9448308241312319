from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from habiter.core.forms import DATE_ERRORS, DATE_WIDGET, AmountField, PartnerNameInput
from habiter.core.forms import DATE_INPUT_FORMATS as DATE_FORMATS
from habiter.core.models import User

from . import queries
from .models import (
    AnswerValue,
    CouncilKind,
    ElectionCollege,
    Engagement,
    LegalBasis,
    MemberRole,
    MissionKind,
    ParticipantCategory,
    PartnerKind,
    Presence,
    QuestionKind,
    SeatRole,
    SurveyAudience,
    TieRule,
)
from .partner_models import AGREEMENT_NOTICE_DEFAULT_DAYS, AGREEMENT_NOTICE_MAX_DAYS


def date_field(label, **kwargs):
    return forms.DateField(
        label=label, widget=DATE_WIDGET, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS, **kwargs
    )


class CommunityForm(forms.Form):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CouncilForm(CommunityForm):
    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Type d'instance"), choices=CouncilKind.choices)
    legal_basis = forms.ChoiceField(
        label=_("Base légale"),
        choices=LegalBasis.choices,
        help_text=_("Seules les règles de cette base s'appliquent (par exemple 3 réunions par an pour un CVS)."),
    )
    residence = forms.ModelChoiceField(label=_("Résidence"), queryset=None, required=False)
    purpose = forms.CharField(label=_("Rôle de l'instance"), max_length=2000, required=False, widget=forms.Textarea)
    meetings_per_year = forms.IntegerField(
        label=_("Réunions prévues par an"),
        min_value=1,
        max_value=52,
        required=False,
        help_text=_(
            "Le rythme que fixe son règlement intérieur (12 pour une instance mensuelle), pour une instance sans "
            "minimum légal : la page de l'instance avertit quand moins de réunions se sont tenues."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from habiter.residences.queries import residences_for

        self.fields["residence"].queryset = residences_for(user).order_by("name")
        self.fields["residence"].empty_label = _("(aucune : instance de l'association)")


class RhythmForm(CommunityForm):
    meetings_per_year = forms.IntegerField(
        label=_("Réunions prévues par an"),
        min_value=1,
        max_value=52,
        required=False,
        help_text=_("Le rythme que fixe son règlement intérieur. Laissez vide pour ne suivre aucun rythme."),
    )


class MemberForm(CommunityForm):
    role = forms.ChoiceField(label=_("Rôle"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    user = forms.ModelChoiceField(label=_("Un salarié"), queryset=None, required=False)
    person = forms.ModelChoiceField(label=_("Ou une personne accompagnée"), queryset=None, required=False)
    name = forms.CharField(
        label=_("Ou un nom"),
        max_length=200,
        required=False,
        help_text=_("Un partenaire, un bénévole, une personne sans dossier."),
    )
    term_start = date_field(_("Début du mandat"))
    term_end = date_field(_("Fin du mandat"), required=False)

    def __init__(self, *args, user, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            organisation_id=user.organisation_id, is_active=True
        ).order_by("last_name", "first_name")
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["person"].queryset = queries.person_choices(user, council)
        self.fields["person"].label_from_instance = lambda p: f"{p.last_name} {p.first_name}"


class MeetingForm(CommunityForm):
    starts_at = forms.DateTimeField(
        label=_("Date et heure"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": _("Date et heure invalides : jj/mm/aaaa hh:mm attendu.")},
    )
    place = forms.CharField(label=_("Lieu"), max_length=200)
    proposals_until = date_field(_("Propositions de sujets jusqu'au"))


class ProposalForm(CommunityForm):
    title = forms.CharField(label=_("Sujet proposé"), max_length=200)
    detail = forms.CharField(
        label=_("Précisions"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    member = forms.ModelChoiceField(label=_("Proposé par un membre"), queryset=None, required=False)
    person = forms.ModelChoiceField(label=_("Ou par une personne accompagnée"), queryset=None, required=False)
    proposer_name = forms.CharField(
        label=_("Ou par (nom)"),
        max_length=200,
        required=False,
        help_text=_("Laissez vide si c'est votre proposition."),
    )

    def __init__(self, *args, user, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = meeting.council.members.select_related("user", "person")
        self.fields["member"].label_from_instance = lambda m: m.display_name
        self.fields["person"].queryset = queries.person_choices(user, meeting.council)
        self.fields["person"].label_from_instance = lambda p: f"{p.last_name} {p.first_name}"
        if meeting.council.residence_id is not None:
            self.fields["person"].label = _("Ou par un résident ou une personne accompagnée")


class LinkProposalForm(CommunityForm):
    """A subject proposed through the meeting's link, without an account (agenda_links.py)."""

    title = forms.CharField(label=_("Votre sujet"), max_length=200, help_text=_("En quelques mots."))
    detail = forms.CharField(
        label=_("Quelques lignes pour l'expliquer"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    first_name = forms.CharField(
        label=_("Votre prénom"),
        max_length=60,
        required=False,
        help_text=_("Si vous voulez : ce n'est pas obligatoire."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )


class AttendanceForm(CommunityForm):
    """One choice per member of the council, named by the member's id; for a council of a residence, open to all its
    residents, two boxes per resident under contract on the meeting day who is not a member: they came, or they
    sent their apologies (neither: not noted)."""

    def __init__(
        self, *args, members, initial_presences, residents=(), initial_residents=(), initial_excused=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        for member in members:
            self.fields[f"m_{member.pk}"] = forms.ChoiceField(
                label=member.display_name,
                choices=Presence.choices,
                initial=initial_presences.get(member.pk, Presence.PRESENT),
                widget=forms.RadioSelect,
            )
        if residents:
            self.fields["residents"] = forms.MultipleChoiceField(
                label=_("Autres résidents présents"),
                choices=[(str(p.pk), f"{p.first_name} {p.last_name}") for p in residents],
                initial=[str(pk) for pk in initial_residents],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "Le Conseil est ouvert à tous les résidents : cochez ceux qui sont venus sans être membres "
                    "(les résidents sous contrat le jour de la réunion)."
                ),
            )
            self.fields["excused"] = forms.MultipleChoiceField(
                label=_("Autres résidents excusés"),
                choices=[(str(p.pk), f"{p.first_name} {p.last_name}") for p in residents],
                initial=[str(pk) for pk in initial_excused],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Ceux qui ont prévenu qu'ils ne pourraient pas venir."),
            )

    def presences(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("m_")}

    def clean(self):
        data = super().clean()
        both = set(data.get("residents") or ()) & set(data.get("excused") or ())
        if both:
            names = dict(self.fields["excused"].choices)
            self.add_error(
                "excused",
                _("%(name)s est coché·e à la fois présent·e et excusé·e : choisissez l'un des deux.")
                % {"name": names[sorted(both)[0]]},
            )
        return data

    def residents(self) -> list | None:
        """The residents ticked present, or None when the council has none to offer."""
        return self.cleaned_data["residents"] if "residents" in self.fields else None

    def excused(self) -> list | None:
        """The residents ticked excused, or None when the council has none to offer."""
        return self.cleaned_data["excused"] if "excused" in self.fields else None


class DecisionForm(CommunityForm):
    text = forms.CharField(label=_("Décision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    adopts_rules = forms.BooleanField(
        label=_("Cette décision adopte le règlement intérieur de l'instance"),
        required=False,
        help_text=_("Un conseil de la vie sociale adopte son règlement intérieur à sa première réunion."),
    )


class ActionForm(CommunityForm):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner_name = forms.CharField(label=_("Qui s'en charge"), max_length=200)
    due_on = date_field(_("Pour le"))


class MinutesForm(CommunityForm):
    minutes = forms.CharField(
        label=_("Compte rendu"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Des phrases courtes, des mots simples : le compte rendu est affiché pour tous."),
    )


class ElectionForm(CommunityForm):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    college = forms.ChoiceField(
        label=_("Collège"),
        choices=ElectionCollege.choices,
        initial=ElectionCollege.PERSONS,
        help_text=_(
            "Qui est élu. Les professionnels élisent leur représentant parmi les salariés ayant l'ancienneté requise "
            "le jour du vote ; l'égalité de voix va au plus ancien dans l'établissement (CASF D311-13)."
        ),
    )
    seats = forms.IntegerField(label=_("Sièges de titulaires"), min_value=1, max_value=50, initial=2)
    substitute_seats = forms.IntegerField(label=_("Sièges de suppléants"), min_value=0, max_value=50, initial=0)
    term_months = forms.IntegerField(label=_("Durée du mandat (mois)"), min_value=1, max_value=72, initial=12)
    roll_date = date_field(_("Liste électorale arrêtée au"))
    candidacy_deadline = date_field(_("Candidatures jusqu'au"))
    vote_on = date_field(_("Date du vote"))
    place = forms.CharField(label=_("Lieu du vote"), max_length=200)
    tie_rule = forms.ChoiceField(
        label=_("En cas d'égalité de voix"),
        choices=[(value, label) for value, label in TieRule.choices if value != TieRule.SENIORITY],
        help_text=_("Sauf texte applicable, le règlement intérieur de l'instance décide."),
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        if council.legal_basis == LegalBasis.CASF_CVS:
            self.fields["tie_rule"].help_text = _(
                "Pour les représentants des personnes ; dans l'élection des professionnels, la loi départage par "
                "l'ancienneté."
            )
        else:  # W17: only a statutory CVS seats an elected representative of the professionals
            del self.fields["college"]


class InPostSinceForm(CommunityForm):
    """The day an elector of the professionals' college took up their post (W17), typed on the election's page."""

    elector = forms.ModelChoiceField(label=_("Électeur"), queryset=None)
    in_post_since = date_field(_("En poste depuis"))

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elector"].queryset = election.electors.all()


class CandidacyForm(CommunityForm):
    elector = forms.ModelChoiceField(label=_("Électeur candidat"), queryset=None)

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elector"].queryset = election.electors.exclude(candidacies__election=election).order_by("name")


class ResultsForm(CommunityForm):
    voters = forms.IntegerField(label=_("Votants"), min_value=0)
    blank = forms.IntegerField(label=_("Bulletins blancs"), min_value=0, initial=0)
    null = forms.IntegerField(label=_("Bulletins nuls"), min_value=0, initial=0)

    def __init__(self, *args, candidacies, **kwargs):
        super().__init__(*args, **kwargs)
        for candidacy in candidacies:
            self.fields[f"c_{candidacy.pk}"] = forms.IntegerField(
                label=_("Voix de %(name)s") % {"name": candidacy.elector.name}, min_value=0
            )
        self.fields["drawn"] = forms.ChoiceField(
            label=_("Désigné par le tirage au sort (en cas d'égalité seulement)"),
            choices=[("", "—")] + [(str(c.pk), c.elector.name) for c in candidacies],
            required=False,
        )

    def votes(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("c_")}


# --- the association's project and the grading of its objectives -------------------------------------------------


class ProjectForm(CommunityForm):
    title = forms.CharField(label=_("Intitulé"), max_length=200, initial=_("Projet associatif"))
    start_year = forms.IntegerField(label=_("Première année"), min_value=1900, max_value=2200)
    end_year = forms.IntegerField(label=_("Dernière année"), min_value=1900, max_value=2200)


class AxisForm(CommunityForm):
    title = forms.CharField(label=_("Intitulé de l'axe"), max_length=300)


class ObjectiveForm(CommunityForm):
    title = forms.CharField(label=_("Intitulé de l'objectif"), max_length=300)
    axis = forms.ModelChoiceField(label=_("Axe"), queryset=None, required=False)
    description = forms.CharField(label=_("Précisions"), max_length=5000, required=False, widget=forms.Textarea)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = project.axes.all()
        self.fields["axis"].empty_label = _("(aucun)")


class CampaignForm(CommunityForm):
    title = forms.CharField(label=_("Intitulé"), max_length=200, initial=_("Séminaire d'évaluation"))
    held_on = date_field(_("Date"))
    anonymous = forms.BooleanField(
        label=_("Réponses anonymes"),
        required=False,
        initial=True,
        help_text=_("Décochez seulement si les participants acceptent que leur nom figure avec leurs réponses."),
    )


class AnswerSheetForm(CommunityForm):
    """One participant's answers: who they are (a category, a name only if the campaign is not anonymous) and one
    view per objective of the project (fields `o_<objective id>`)."""

    category = forms.ChoiceField(label=_("Qui répond ?"), choices=ParticipantCategory.choices, widget=forms.RadioSelect)

    def __init__(self, *args, campaign, objectives, **kwargs):
        super().__init__(*args, **kwargs)
        if not campaign.anonymous:
            self.fields["participant_name"] = forms.CharField(
                label=_("Nom du participant"), max_length=200, required=False
            )
        for objective in objectives:
            self.fields[f"o_{objective.pk}"] = forms.ChoiceField(
                label=f"{objective.position}. {objective.title}", choices=AnswerValue.choices, widget=forms.RadioSelect
            )

    def clean(self):
        cleaned = super().clean()
        # A view on an objective the form does not ask about (another project's, a forged id) refuses the sheet.
        if any(key.startswith("o_") and key not in self.fields for key in self.data):
            raise forms.ValidationError(_("Un avis porte sur un objectif qui n'est pas celui de ce projet."))
        return cleaned

    def values(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("o_")}


class ParticipantSheetForm(AnswerSheetForm):
    """The same sheet, filled in by the participant through the campaign's link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label = _("Vous êtes")
        if "participant_name" in self.fields:
            self.fields["participant_name"].label = _("Votre nom (facultatif)")


class PartnerForm(CommunityForm):
    name = forms.CharField(label=_("Nom"), max_length=200)
    kind = forms.ChoiceField(label=_("Type de partenaire"), choices=PartnerKind.choices)
    address = forms.CharField(
        label=_("Adresse"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PartnerContactForm(CommunityForm):
    name = forms.CharField(label=_("Nom"), max_length=200)
    role = forms.CharField(label=_("Fonction"), max_length=200, required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)


class AgreementForm(CommunityForm):
    title = forms.CharField(label=_("Objet de la convention"), max_length=300)
    signed_on = date_field(_("Signée le"), required=False)
    starts_on = date_field(_("Début"))
    ends_on = date_field(_("Fin"), required=False)
    amount = AmountField(label=_("Montant (€)"), max_digits=12, decimal_places=2, required=False, localize=True)
    renewal_on = date_field(
        _("Décider du renouvellement avant le"),
        required=False,
        help_text=_(
            "L'alerte paraît sur la page d'accueil de la direction dès que cette date (ou, sans elle, la fin) est "
            "à moins du préavis de renouvellement."
        ),
    )
    renewal_notice_days = forms.IntegerField(
        label=_("Préavis de renouvellement (jours)"),
        min_value=1,
        max_value=AGREEMENT_NOTICE_MAX_DAYS,
        initial=AGREEMENT_NOTICE_DEFAULT_DAYS,
        help_text=_(
            "Combien de jours avant cette date l'alerte paraît, selon la convention : de 1 à 730 (90 pour trois mois)."
        ),
    )
    signed_pdf = forms.FileField(label=_("Convention signée (PDF)"), required=False, help_text=_("PDF, 10 Mo au plus."))


class PartnerSeatForm(CommunityForm):
    member = forms.ModelChoiceField(label=_("Qui représente l'association"), queryset=None)
    body = forms.CharField(
        label=_("Instance"),
        max_length=200,
        help_text=_("Par exemple : CCAPEX, CRHH, commission de médiation, réseau inter-associatif."),
    )
    role = forms.ChoiceField(label=_("Qualité"), choices=SeatRole.choices, initial=SeatRole.TITULAR)
    started_on = date_field(_("Depuis le"))
    ended_on = date_field(_("Jusqu'au"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = queries.seat_member_choices(user)


class PartnerMergeForm(CommunityForm):
    """Which other partner of the organisation is a duplicate of this one (merged into it)."""

    duplicate = forms.ModelChoiceField(
        label=_("Le doublon"),
        queryset=None,
        empty_label=_("Choisissez le partenaire en double…"),
        help_text=_("Ses fiches passeront au partenaire de cette page, puis il sera supprimé."),
        error_messages={
            "required": _("Choisissez le partenaire en double."),
            "invalid_choice": _("Choisissez un autre partenaire de votre association dans la liste."),
        },
    )

    def __init__(self, *args, user, kept, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["duplicate"]
        field.queryset = queries.partners_for(user).exclude(pk=kept.pk)
        field.label_from_instance = lambda partner: f"{partner.name} ({partner.get_kind_display()})"


class SeatEndForm(CommunityForm):
    ended_on = date_field(_("Dernier jour de la représentation"))


class SurveyForm(CommunityForm):
    title = forms.CharField(label=_("Titre"), max_length=200)
    audience = forms.ChoiceField(label=_("Public"), choices=SurveyAudience.choices)
    introduction = forms.CharField(
        label=_("Présentation (lue avant les questions)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(
        label=_("Réponses anonymes"),
        required=False,
        initial=True,
        help_text=_("Décochez seulement si l'enquête doit savoir qui a répondu : un nom pourra alors être noté."),
    )
    opens_on = date_field(_("Ouverte du"))
    closes_on = date_field(_("Au (laisser vide : sans fin)"), required=False)


class QuestionForm(CommunityForm):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Type de réponse"), choices=QuestionKind.choices)
    options = forms.CharField(
        label=_("Choix proposés, un par ligne (pour un choix dans une liste)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)


SCALE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyAnswerForm(CommunityForm):
    """One field per question (`q_<id>`), and the respondent's name when the survey is not anonymous."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        for question in survey.questions.all():
            name = f"q_{question.pk}"
            if question.kind == QuestionKind.TEXT:
                field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
            else:
                choices = (
                    SCALE_CHOICES if question.kind == QuestionKind.SCALE else [(o, o) for o in question.option_list]
                )
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
                if question.kind == QuestionKind.SCALE:
                    field.help_text = _("1 : pas du tout satisfait·e — 5 : tout à fait satisfait·e")
            field.label = question.text
            field.required = question.required
            self.fields[name] = field
        if not survey.anonymous:
            self.fields["respondent"] = forms.CharField(
                label=_("Nom de la personne (facultatif)"), max_length=200, required=False
            )

    def answers(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_")}


class VolunteerForm(CommunityForm):
    """A volunteer's profile; a new one names the volunteer account it belongs to."""

    user = forms.ModelChoiceField(label=_("Compte du bénévole"), queryset=User.objects.none())
    referent = forms.ModelChoiceField(label=_("Référent salarié"), queryset=User.objects.none(), required=False)
    started_on = date_field(_("Bénévole depuis le"))
    skills = forms.CharField(
        label=_("Compétences"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    availability = forms.CharField(
        label=_("Disponibilités"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : le mardi matin, deux samedis par mois."),
    )
    record_checked_on = date_field(
        _("Honorabilité vérifiée le"),
        required=False,
        help_text=_(
            "Pour les missions dans un établissement ou service relevant du CASF (L133-6) : la date seulement, "
            "jamais le contenu du bulletin."
        ),
    )
    insurance_policy = forms.CharField(label=_("Contrat d'assurance de l'association"), max_length=200, required=False)
    insured_from = date_field(_("Couvert par l'assurance depuis le"), required=False)
    engagement = forms.ChoiceField(
        label=_("Engagement"), choices=Engagement.choices, initial=Engagement.VOLUNTEERING, required=False
    )
    employer_name = forms.CharField(
        label=_("Employeur (mécénat de compétences)"),
        required=False,
        max_length=200,
        widget=PartnerNameInput,
        help_text=_("L'entreprise qui met la personne à disposition sur son temps de travail."),
    )
    convention_from = date_field(_("Convention de mécénat du"), required=False)
    convention_to = date_field(_("Convention de mécénat au"), required=False)
    employer_hourly_cost = AmountField(
        label=_("Coût horaire pour l'employeur (€)"),
        required=False,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
        help_text=_(
            "Mécénat de compétences : salaire et charges d'une heure, communiqués par l'employeur ; ils valorisent "
            "les heures mises à disposition."
        ),
    )
    insured_until = date_field(
        _("Couvert par l'assurance jusqu'au"),
        required=False,
        help_text=_(
            "Fin du contrat ou de la période payée : aucune mission ne commence et aucune heure ne se saisit après."
        ),
    )

    SPONSORSHIP_FIELDS = ("employer_name", "convention_from", "convention_to", "employer_hourly_cost")

    def __init__(self, *args, accounts=None, referents, **kwargs):
        super().__init__(*args, **kwargs)
        if accounts is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = accounts.order_by("last_name", "first_name")
        self.fields["referent"].queryset = referents.order_by("last_name", "first_name")

    def profile_fields(self):
        """Every field but those of a mécénat de compétences, shown apart (`sponsorship_fields`) right after the
        engagement, which comes last."""
        fields = [field for field in self if field.name not in (*self.SPONSORSHIP_FIELDS, "engagement")]
        return [*fields, self["engagement"]]

    def sponsorship_fields(self):
        return [self[name] for name in self.SPONSORSHIP_FIELDS]


class MissionForm(CommunityForm):
    kind = forms.ChoiceField(label=_("Type de mission"), choices=MissionKind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    starts_on = date_field(_("Début"))
    ends_on = date_field(_("Fin"), required=False)
    requires_record_check = forms.BooleanField(
        label=_("Vérification d'honorabilité requise (CASF L133-6)"), required=False
    )


class HoursForm(CommunityForm):
    mission = forms.ModelChoiceField(label=_("Mission"), queryset=None, empty_label=None)
    worked_on = date_field(_("Date"))
    hours = AmountField(
        label=_("Heures"),
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=24,
        localize=True,
        help_text=_("Par exemple 2,5 pour deux heures et demie."),
    )
    note = forms.CharField(label=_("Précision"), max_length=300, required=False)

    def __init__(self, *args, missions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = missions


class CharterForm(CommunityForm):
    published_on = date_field(_("En vigueur le"))
    text = forms.CharField(label=_("Texte de la charte"), max_length=30_000, widget=forms.Textarea(attrs={"rows": 16}))
