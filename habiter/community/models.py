"""Councils (instances de participation), their members, meetings with an agenda built together, and elections
of representatives (DOMAIN-2 W12–W21). See docs/adr/0024-community-councils.md."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Partner, PartnerKind  # noqa: F401 — the partners live in core (ADR 0036)

# The other sub-domains' models live in their own modules; imported here for Django and `from .models import …`.
from .objective_models import AnswerValue as AnswerValue
from .objective_models import GradingCampaign as GradingCampaign
from .objective_models import ObjectiveAnswer as ObjectiveAnswer
from .objective_models import ParticipantCategory as ParticipantCategory
from .objective_models import ProjectAxis as ProjectAxis
from .objective_models import StrategicObjective as StrategicObjective
from .objective_models import StrategicProject as StrategicProject
from .partner_models import Agreement as Agreement
from .partner_models import PartnerContact as PartnerContact
from .partner_models import PartnerSeat as PartnerSeat
from .partner_models import SeatRole as SeatRole
from .partner_models import agreement_path as agreement_path  # named by migration 0006
from .survey_models import QuestionKind as QuestionKind
from .survey_models import ResponseChannel as ResponseChannel
from .survey_models import Survey as Survey
from .survey_models import SurveyAnswer as SurveyAnswer
from .survey_models import SurveyAudience as SurveyAudience
from .survey_models import SurveyQuestion as SurveyQuestion
from .survey_models import SurveyResponse as SurveyResponse
from .volunteer_models import CharterSignature as CharterSignature
from .volunteer_models import CharterVersion as CharterVersion
from .volunteer_models import Engagement as Engagement
from .volunteer_models import MissionKind as MissionKind
from .volunteer_models import Volunteer as Volunteer
from .volunteer_models import VolunteerHours as VolunteerHours
from .volunteer_models import VolunteerMission as VolunteerMission


class CouncilKind(models.TextChoices):
    CVS = "cvs", _("Conseil de la vie sociale (CVS) d'un ESSMS")
    CONSEIL_CONCERTATION = "conseil_concertation", _("Conseil de concertation")
    COMITE_RESIDENTS = "comite_residents", _("Comité de résidents")
    CONSEIL_DE_MAISON = "conseil_de_maison", _("Conseil de Maison")
    VOLUNTARY = "voluntary", _("Instance volontaire (CVS ouvert à tous, groupe d'expression…)")
    BOARD = "board", _("Conseil d'administration")
    BUREAU = "bureau", _("Bureau")
    STEERING = "steering", _("Comité de pilotage")


class LegalBasis(models.TextChoices):
    # W15: each council declares its legal basis; only the checks of that basis run.
    CASF_CVS = "casf_cvs", _("CVS obligatoire (CASF L311-6, D311-3)")
    CASF_OTHER_FORM = "casf_autre_forme", _("Autre forme de participation (CASF D311-21)")
    CCH_CONSEIL_CONCERTATION = "cch_conseil_concertation", _("Conseil de concertation (CCH L633-4, R633-5)")
    CCH_COMITE_RESIDENTS = "cch_comite_residents", _("Comité de résidents (loi ALUR art. 49, décret 2016-300)")
    VOLUNTARY = "voluntary", _("Volontaire, sans règle légale (règlement intérieur de l'instance)")
    STATUTES = "statutes", _("Statuts de l'association")


class Council(OrganisationScoped):
    """A participatory or governing body of the organisation, with its legal basis (W15). A council of a boarding
    house (Conseil de Maison, comité de résidents, conseil de concertation) names its residence: its host manages it
    and its electoral roll is made of the residents."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type d'instance"), max_length=30, choices=CouncilKind.choices)
    legal_basis = models.CharField(_("base légale"), max_length=30, choices=LegalBasis.choices)
    residence = models.ForeignKey(
        "residences.Residence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name=_("résidence"),
    )
    purpose = models.TextField(_("rôle de l'instance"), max_length=2000, blank=True)
    # The rhythm its own règlement intérieur sets (Alpa's monthly CVS: 12), for a council whose legal basis sets no
    # minimum (W15: a statutory basis keeps its legal one, `rules.MIN_MEETINGS_KEYS`); empty: no rhythm followed.
    meetings_per_year = models.PositiveSmallIntegerField(_("réunions prévues par an"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("instance")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="council_unique_name",
                violation_error_message=_("Une instance porte déjà ce nom."),
            ),
            models.CheckConstraint(
                condition=models.Q(meetings_per_year__isnull=True)
                | models.Q(meetings_per_year__gte=1, meetings_per_year__lte=52),
                name="council_meetings_per_year_range",
                violation_error_message=_("Une instance prévoit de 1 à 52 réunions par an (une par semaine au plus)."),
            ),
        ]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    PRESIDENT = "president", _("Président·e")
    RESIDENT_REP = "resident_rep", _("Représentant·e des personnes accompagnées ou des résidents")
    # W16 (D311-5): a CVS may also seat the families or proches aidants, and the legal representatives, of the persons
    # accompanied; with the persons' representatives they are more than half of its members.
    FAMILY_REP = "family_rep", _("Représentant·e des familles ou des proches aidants")
    LEGAL_REP = "legal_rep", _("Représentant·e des représentants légaux")
    SUBSTITUTE = "substitute", _("Suppléant·e")
    STAFF_REP = "staff_rep", _("Représentant·e des salariés")
    MANAGER_REP = "manager_rep", _("Représentant·e de l'association gestionnaire")
    OWNER_REP = "owner_rep", _("Représentant·e du propriétaire")  # W12: the owner, if distinct from the manager
    HOST = "host", _("Hôte")
    MEMBER = "member", _("Membre")


class CouncilMember(OrganisationScoped):
    """A seat in a council for a term: a staff user, a person of a household, or a name typed (a partner, a resident
    without a file). An empty end is an open term."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("rôle"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("nom"), max_length=200, blank=True)
    term_start = models.DateField(_("début du mandat"))
    term_end = models.DateField(_("fin du mandat"), null=True, blank=True)
    election = models.ForeignKey(
        "Election", on_delete=models.PROTECT, null=True, blank=True, related_name="elected", editable=False
    )

    class Meta:
        ordering = ["role", "term_start", "id"]
        verbose_name = _("membre d'une instance")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, person__isnull=True, name="")
                    | models.Q(user__isnull=True, person__isnull=False, name="")
                    | (models.Q(user__isnull=True, person__isnull=True) & ~models.Q(name=""))
                ),
                name="member_is_one_who",
                violation_error_message=_("Un membre est un salarié, une personne accompagnée ou un nom saisi."),
            ),
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="member_term_end_after_start",
                violation_error_message=_("La fin du mandat ne peut pas précéder son début."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.username
        if self.person_id:
            return f"{self.person.first_name} {self.person.last_name}"
        return self.name


class Meeting(OrganisationScoped):
    """One meeting of a council: the agenda is proposed until `proposals_until`, then attendance, decisions, actions
    and minutes; once the minutes are closed nothing of the meeting changes but the follow-up of its actions."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=200)
    proposals_until = models.DateField(_("propositions de sujets jusqu'au"))
    minutes = models.TextField(_("compte rendu"), max_length=50_000, blank=True)
    minutes_closed_at = models.DateTimeField(_("compte rendu clos le"), null=True, blank=True, editable=False)
    # The last sending of the invitations by e-mail (`invitations.meeting_invitations_send`) and how many went out.
    invitations_sent_at = models.DateTimeField(_("invitations envoyées le"), null=True, blank=True, editable=False)
    invitations_sent_count = models.PositiveIntegerField(
        _("invitations envoyées"), null=True, blank=True, editable=False
    )
    # The key of the link through which anyone holding it proposes a subject without an account, until the proposals
    # deadline (`agenda_links`, docs/adr/0044); none while its managers have not opened it, or once they turned it
    # off (a link opened again has a new key).
    proposal_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("réunion")

    def __str__(self):
        return f"{self.council} — {timezone.localtime(self.starts_at):%d/%m/%Y}"


class AgendaItem(OrganisationScoped):
    """A subject proposed for a meeting: by a member, by a staff user, or by an accompanied person (entered by staff
    on their behalf, with their name or their file); or through the meeting's proposal link, without an account
    (`by_link`: no author, at most a first name the proposer chose to give, `proposer_name`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    title = models.CharField(_("sujet"), max_length=200)
    detail = models.TextField(_("précisions"), max_length=5000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    proposer_name = models.CharField(_("proposé par (nom)"), max_length=200, blank=True)
    by_link = models.BooleanField(_("proposé par le lien"), default=False, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("point de l'ordre du jour")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(by_link=False, entered_by__isnull=False)
                | models.Q(by_link=True, entered_by__isnull=True, member__isnull=True, person__isnull=True),
                name="agenda_item_entered_by_staff_or_link",
                violation_error_message=_(
                    "Un sujet est saisi par un salarié, ou proposé par le lien sans auteur ni dossier."
                ),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def proposer(self) -> str:
        if self.by_link:
            if self.proposer_name:
                return gettext("le lien (prénom indiqué : %(name)s)") % {"name": self.proposer_name}
            return gettext("le lien")
        if self.member_id:
            return self.member.display_name
        if self.person_id:
            return f"{self.person.first_name} {self.person.last_name}"
        if self.proposer_name:
            return self.proposer_name
        return self.entered_by.get_full_name() or self.entered_by.username


class Presence(models.TextChoices):
    PRESENT = "present", _("Présent·e")
    EXCUSED = "excused", _("Excusé·e")
    ABSENT = "absent", _("Absent·e")


class Attendance(OrganisationScoped):
    """Who was at a meeting: a member of the council (present, excused or absent), or, for a council of a residence
    open to all its residents such as a Conseil de Maison, a resident who is not a member and came or sent their
    apologies (present or excused: the others are not noted)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    presence = models.CharField(_("présence"), max_length=10, choices=Presence.choices)

    class Meta:
        ordering = [
            models.F("member__role").asc(nulls_last=True),
            "person__last_name",
            "person__first_name",
            "id",
        ]
        verbose_name = _("présence à une réunion")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_member",
                violation_error_message=_("La présence de ce membre est déjà notée."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_once_per_person",
                violation_error_message=_("La présence de ce résident est déjà notée."),
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, person__isnull=True)
                | models.Q(member__isnull=True, person__isnull=False),
                name="attendance_member_or_person",
                violation_error_message=_("Une présence est celle d'un membre ou d'un résident."),
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | models.Q(presence__in=["present", "excused"]),
                name="attendance_resident_present_or_excused",
                violation_error_message=_("Un résident qui n'est pas membre n'est noté que présent ou excusé."),
            ),
        ]

    @property
    def display_name(self) -> str:
        if self.member_id:
            return self.member.display_name
        return f"{self.person.first_name} {self.person.last_name}"


class MeetingDecision(OrganisationScoped):
    """A decision of a meeting (its relevé de conclusions, W18). `adopts_rules` marks the one adopting the council's
    règlement intérieur, which a CVS adopts at its first meeting (D311-19)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("décision"), max_length=5000)
    adopts_rules = models.BooleanField(_("adopte le règlement intérieur de l'instance"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("décision")

    def __str__(self):
        return self.text[:60]


class MeetingAction(OrganisationScoped):
    """Something to do after a meeting, by someone, by a date; followed on the council's page until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner_name = models.CharField(_("qui s'en charge"), max_length=200)
    due_on = models.DateField(_("pour le"))
    done_on = models.DateField(_("faite le"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action à suivre")

    def __str__(self):
        return self.title


class TieRule(models.TextChoices):
    # W21 step 5 and W17: drawing lots for the persons' representatives of a CVS (D311-10), the oldest for its
    # president (D311-9, PARTIAL); otherwise the council's règlement intérieur says which. The professionals'
    # representative: the greatest seniority in the establishment (D311-13), the only rule of that college.
    LOTS = "lots", _("Tirage au sort entre les candidats à égalité (CASF D311-10)")
    OLDEST = "oldest", _("Le candidat le plus âgé (CASF D311-9)")
    SENIORITY = "seniority", _("Le candidat le plus ancien dans l'établissement (CASF D311-13)")


class ElectionCollege(models.TextChoices):
    # Who elects whom (W16, W17). The persons' representatives (or the residents', in a boarding house's council) are
    # elected by the persons on the roll; the professionals' representative to a statutory CVS by the employees.
    PERSONS = "persons", _("Représentants des personnes accompagnées ou des résidents")
    PROFESSIONALS = "professionals", _("Représentants des professionnels, élus par les salariés (CASF D311-13)")


class ElectionStatus(models.TextChoices):
    OPEN = "open", _("En préparation")
    COUNTED = "counted", _("Résultats proclamés")
    CARENCE = "carence", _("Carence (aucun candidat)")


class Election(OrganisationScoped):
    """An election of representatives to a council (W21): roll frozen at `roll_date`, candidacies until a deadline,
    a secret ballot of which only the counts are kept (votes per candidate, blank, null — never who voted for whom),
    seats to the most votes, ties settled by `tie_rule`, elected members given a term. Its `college` says who is
    elected: the persons' representatives (the default), or, in a statutory CVS only, the professionals' (W17: the
    staff on the roll, candidates with the table's seniority on the day of the vote, ties to the greatest
    seniority)."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="elections")
    title = models.CharField(_("intitulé"), max_length=200)
    college = models.CharField(
        _("collège"), max_length=20, choices=ElectionCollege.choices, default=ElectionCollege.PERSONS
    )
    seats = models.PositiveSmallIntegerField(_("sièges de titulaires"))
    substitute_seats = models.PositiveSmallIntegerField(_("sièges de suppléants"), default=0)
    term_months = models.PositiveSmallIntegerField(_("durée du mandat (mois)"))
    roll_date = models.DateField(_("liste électorale arrêtée au"))
    candidacy_deadline = models.DateField(_("candidatures jusqu'au"))
    vote_on = models.DateField(_("date du vote"))
    place = models.CharField(_("lieu du vote"), max_length=200)
    tie_rule = models.CharField(_("en cas d'égalité"), max_length=10, choices=TieRule.choices, default=TieRule.LOTS)
    status = models.CharField(
        _("état"), max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.OPEN, editable=False
    )
    roll_frozen_at = models.DateTimeField(_("liste figée le"), null=True, blank=True, editable=False)
    voters = models.PositiveIntegerField(_("votants"), null=True, blank=True, editable=False)
    blank_ballots = models.PositiveIntegerField(_("bulletins blancs"), null=True, blank=True, editable=False)
    null_ballots = models.PositiveIntegerField(_("bulletins nuls"), null=True, blank=True, editable=False)
    tie_note = models.CharField(_("départage"), max_length=300, blank=True, editable=False)
    new_election_due = models.DateField(_("nouvelle élection avant le"), null=True, blank=True, editable=False)
    counted_at = models.DateTimeField(_("résultats enregistrés le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-vote_on", "id"]
        verbose_name = _("élection")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats__gte=1),
                name="election_at_least_one_seat",
                violation_error_message=_("Une élection pourvoit au moins un siège."),
            ),
            models.CheckConstraint(
                condition=models.Q(candidacy_deadline__lte=models.F("vote_on"))
                & models.Q(roll_date__lte=models.F("vote_on")),
                name="election_dates_before_vote",
                violation_error_message=_(
                    "La liste électorale et la fin des candidatures précèdent le vote (ou sont le même jour)."
                ),
            ),
            models.CheckConstraint(
                condition=(models.Q(college="professionals") & models.Q(tie_rule="seniority"))
                | (models.Q(college="persons") & ~models.Q(tie_rule="seniority")),
                name="election_tie_rule_of_its_college",
                violation_error_message=_(
                    "L'égalité se départage par l'ancienneté dans l'élection des professionnels, et seulement dans "
                    "celle-ci."
                ),
            ),
        ]

    def __str__(self):
        return self.title


class Elector(OrganisationScoped):
    """A line of the frozen electoral roll: a person of a household, or a name entered for a council without one;
    in the professionals' college, a staff account (`user`), with the day they took up their post in the
    establishment (`in_post_since`, « en poste depuis »), typed by the director before candidacies since an account
    carries no hiring date: a candidate's seniority is counted from it (W17)."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="electors")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    name = models.CharField(_("nom"), max_length=200)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    in_post_since = models.DateField(_("en poste depuis"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("électeur")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) | models.Q(person__isnull=True),
                name="elector_person_or_user",
                violation_error_message=_("Un électeur est une personne accompagnée ou un salarié, pas les deux."),
            ),
            models.CheckConstraint(
                condition=models.Q(in_post_since__isnull=True) | models.Q(user__isnull=False),
                name="elector_in_post_since_of_staff",
                violation_error_message=_("Seul un salarié inscrit a une date d'entrée en poste."),
            ),
        ]

    def __str__(self):
        return self.name


class Candidacy(OrganisationScoped):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidacies")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="candidacies")
    votes = models.PositiveIntegerField(_("voix"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("résultat"), max_length=12, blank=True, editable=False)  # rules.ELECTED…

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("candidature")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "elector"],
                name="candidacy_once",
                violation_error_message=_("Cette personne est déjà candidate."),
            )
        ]

    def __str__(self):
        return self.elector.name
