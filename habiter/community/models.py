"""Councils (instances de participation), their members, meetings with an agenda built together, and elections
of representatives (DOMAIN-2 W12–W21). See docs/adr/0024-community-councils.md."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Partner, PartnerKind  # noqa: F401 — the partners live in core (ADR 0036)


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

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("instance")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="council_unique_name",
                violation_error_message=_("Une instance porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    PRESIDENT = "president", _("Président·e")
    RESIDENT_REP = "resident_rep", _("Représentant·e des personnes accompagnées ou des résidents")
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

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("réunion")

    def __str__(self):
        return f"{self.council} — {timezone.localtime(self.starts_at):%d/%m/%Y}"


class AgendaItem(OrganisationScoped):
    """A subject proposed for a meeting: by a member, by a staff user, or by an accompanied person (entered by staff
    on their behalf, with their name or their file)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    title = models.CharField(_("sujet"), max_length=200)
    detail = models.TextField(_("précisions"), max_length=5000, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    proposer_name = models.CharField(_("proposé par (nom)"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("point de l'ordre du jour")

    def __str__(self):
        return self.title

    @property
    def proposer(self) -> str:
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
    open to all its residents such as a Conseil de Maison, a resident who is not a member and came (present only)."""

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
                condition=models.Q(person__isnull=True) | models.Q(presence="present"),
                name="attendance_resident_present",
                violation_error_message=_("Un résident qui n'est pas membre n'est noté que s'il est présent."),
            ),
        ]

    @property
    def display_name(self) -> str:
        if self.member_id:
            return self.member.display_name
        return f"{self.person.first_name} {self.person.last_name}"


class MeetingDecision(OrganisationScoped):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("décision"), max_length=5000)

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
    # president (D311-9, PARTIAL); otherwise the council's règlement intérieur says which.
    LOTS = "lots", _("Tirage au sort entre les candidats à égalité (CASF D311-10)")
    OLDEST = "oldest", _("Le candidat le plus âgé (CASF D311-9)")


class ElectionStatus(models.TextChoices):
    OPEN = "open", _("En préparation")
    COUNTED = "counted", _("Résultats proclamés")
    CARENCE = "carence", _("Carence (aucun candidat)")


class Election(OrganisationScoped):
    """An election of representatives to a council (W21): roll frozen at `roll_date`, candidacies until a deadline,
    a secret ballot of which only the counts are kept (votes per candidate, blank, null — never who voted for whom),
    seats to the most votes, ties settled by `tie_rule`, elected members given a term."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="elections")
    title = models.CharField(_("intitulé"), max_length=200)
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
        ]

    def __str__(self):
        return self.title


class Elector(OrganisationScoped):
    """A line of the frozen electoral roll: a person of a household, or a name entered for a council without one."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="electors")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("nom"), max_length=200)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("électeur")

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


# --- the association's project, its strategic objectives and their grading (docs/adr/0024) -----------------------


class StrategicProject(OrganisationScoped):
    """The association's project (projet associatif) for a period of years, e.g. 2024-2028: its axes and its
    strategic objectives, graded A to E by campaigns of participants' views."""

    title = models.CharField(_("intitulé"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("première année"))
    end_year = models.PositiveSmallIntegerField(_("dernière année"))

    class Meta:
        ordering = ["-start_year", "title", "id"]
        verbose_name = _("projet associatif")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="project_end_after_start",
                violation_error_message=_("La dernière année du projet ne peut pas précéder la première."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.start_year}-{self.end_year})"


class ProjectAxis(OrganisationScoped):
    """An axis of work of the project: it groups strategic objectives."""

    project = models.ForeignKey(StrategicProject, on_delete=models.PROTECT, related_name="axes")
    position = models.PositiveSmallIntegerField(_("numéro"), editable=False)
    title = models.CharField(_("intitulé"), max_length=300)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("axe du projet")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"],
                name="axis_unique_position",
                violation_error_message=_("Un axe porte déjà ce numéro."),
            )
        ]

    def __str__(self):
        return self.title


class StrategicObjective(OrganisationScoped):
    """A strategic objective of the project, numbered in the project's order, under an axis or not."""

    project = models.ForeignKey(StrategicProject, on_delete=models.PROTECT, related_name="objectives")
    axis = models.ForeignKey(
        ProjectAxis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("axe"),
    )
    position = models.PositiveSmallIntegerField(_("numéro"), editable=False)
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("précisions"), max_length=5000, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("objectif stratégique")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"],
                name="objective_unique_position",
                violation_error_message=_("Un objectif porte déjà ce numéro."),
            )
        ]

    def __str__(self):
        return self.title


class GradingCampaign(OrganisationScoped):
    """A grading of the project's objectives on a day: participants (staff, volunteers, persons accompanied,
    partners) say whether each objective is « globalement atteint », « non atteint » or « partagé ». Anonymous
    unless it says otherwise: then no answer names anyone. Closed, it takes no more answers."""

    project = models.ForeignKey(StrategicProject, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(_("intitulé"), max_length=200)
    held_on = models.DateField(_("date"))
    anonymous = models.BooleanField(
        _("réponses anonymes"),
        default=True,
        help_text=_("Décochez seulement si les participants acceptent que leur nom figure avec leurs réponses."),
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["held_on", "created_at", "id"]
        verbose_name = _("campagne de cotation")

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AnswerValue(models.TextChoices):
    ACHIEVED = "achieved", _("Globalement atteint")
    NOT_ACHIEVED = "not_achieved", _("Globalement non atteint")
    SHARED = "shared", _("Partagé")


class ParticipantCategory(models.TextChoices):
    STAFF = "staff", _("Salarié·e")
    VOLUNTEER = "volunteer", _("Bénévole")
    PERSON = "person", _("Personne accompagnée")
    PARTNER = "partner", _("Partenaire")


class ObjectiveAnswer(OrganisationScoped):
    """One participant's view on one objective in a campaign. A participant's answers to every objective share a
    `sheet`; a name is kept only when the campaign is not anonymous (checked by the service)."""

    campaign = models.ForeignKey(GradingCampaign, on_delete=models.PROTECT, related_name="answers")
    objective = models.ForeignKey(StrategicObjective, on_delete=models.PROTECT, related_name="answers")
    sheet = models.UUIDField(editable=False)
    value = models.CharField(_("avis"), max_length=12, choices=AnswerValue.choices)
    category = models.CharField(_("participant"), max_length=10, choices=ParticipantCategory.choices)
    participant_name = models.CharField(_("nom du participant"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("réponse de cotation")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "objective"],
                name="answer_once_per_sheet",
                violation_error_message=_("Ce participant a déjà répondu pour cet objectif."),
            )
        ]


# --- partners and their agreements (DOMAIN-2 §C, issue 17) ---------------------------------------------------------


class PartnerContact(OrganisationScoped):
    """A person to call at a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact d'un partenaire")

    def __str__(self):
        return self.name


def agreement_path(instance, filename):
    """A random name under the organisation: never the uploaded name, never a guessable path."""
    return f"agreements/{instance.organisation_id}/{instance.pk}.pdf"


class Agreement(OrganisationScoped):
    """A convention signed with a partner: its object, dates, amount and the date by which to decide its renewal.
    Its status is derived from the dates (`rules.agreement_status`), never stored."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(_("objet"), max_length=300)
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2, null=True, blank=True)
    renewal_on = models.DateField(
        _("décider du renouvellement avant le"),
        null=True,
        blank=True,
        help_text=_("La date à laquelle décider du renouvellement (souvent quelques mois avant la fin)."),
    )
    signed_pdf = models.FileField(_("convention signée (PDF)"), upload_to=agreement_path, max_length=255, blank=True)
    signed_pdf_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-starts_on", "title", "id"]
        verbose_name = _("convention")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
                violation_error_message=_("La convention ne peut pas finir avant de commencer."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="agreement_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def alert_on(self):
        """The date that raises the renewal alert: the renewal date, or the end when none is given."""
        return self.renewal_on or self.ends_on


class SeatRole(models.TextChoices):
    TITULAR = "titular", _("Titulaire")
    SUBSTITUTE = "substitute", _("Suppléant·e")
    GUEST = "guest", _("Invité·e permanent·e")


class PartnerSeat(OrganisationScoped):
    """Cross-participation: a member of the association (staff or volunteer with an account) who sits in a body of a
    partner (the CCAPEX of the préfecture, the CRHH, an inter-association network…), from a date, until a date once
    it ends."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="seats")
    body = models.CharField(
        _("instance"), max_length=200, help_text=_("Par exemple : CCAPEX, CRHH, commission de médiation, réseau.")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_seats", verbose_name=_("membre")
    )
    role = models.CharField(_("qualité"), max_length=20, choices=SeatRole.choices, default=SeatRole.TITULAR)
    started_on = models.DateField(_("depuis le"))
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)

    class Meta:
        ordering = ["body", "started_on", "id"]
        verbose_name = _("représentation auprès d'un partenaire")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="partner_seat_ends_after_start",
                violation_error_message=_("La représentation ne peut pas finir avant de commencer."),
            ),
        ]

    def __str__(self):
        return f"{self.body} — {self.member}"

    def current_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class SurveyAudience(models.TextChoices):
    OWNERS = "owners", _("Propriétaires bailleurs")
    RESIDENTS = "residents", _("Résidents et personnes accompagnées")
    WORKSHOP = "workshop", _("Participants d'un atelier")
    PARTNERS = "partners", _("Partenaires")
    OTHER = "other", _("Autre")


class Survey(OrganisationScoped):
    """A small survey (the owners' yearly survey, residents' satisfaction, workshop feedback): questions, answers
    typed in by staff during an interview or given through the survey's link without an account. Anonymous unless
    it says otherwise: then an answer may carry the respondent's name."""

    title = models.CharField(_("titre"), max_length=200)
    audience = models.CharField(_("public"), max_length=20, choices=SurveyAudience.choices)
    introduction = models.TextField(_("présentation"), max_length=2000, blank=True)
    anonymous = models.BooleanField(_("réponses anonymes"), default=True)
    opens_on = models.DateField(_("ouverte du"))
    closes_on = models.DateField(_("au"), null=True, blank=True)
    link_key = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-opens_on", "title", "id"]
        verbose_name = _("enquête")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
                violation_error_message=_("L'enquête ne peut pas se clore avant de s'ouvrir."),
            ),
        ]

    def __str__(self):
        return self.title

    def open_on(self, day) -> bool:
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Échelle de 1 à 5")
    CHOICE = "choice", _("Choix dans une liste")
    TEXT = "text", _("Réponse libre")


class SurveyQuestion(OrganisationScoped):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("rang"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    options = models.TextField(_("choix proposés (un par ligne)"), max_length=2000, blank=True)
    required = models.BooleanField(_("réponse obligatoire"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question d'enquête")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_question_unique_position"),
        ]

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class ResponseChannel(models.TextChoices):
    LINK = "link", _("Par le lien")
    INTERVIEW = "interview", _("Saisie lors d'un entretien")


class SurveyResponse(OrganisationScoped):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(_("canal"), max_length=10, choices=ResponseChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent = models.CharField(_("nom de la personne"), max_length=200, blank=True)
    submitted_on = models.DateField(_("répondu le"))

    class Meta:
        ordering = ["submitted_on", "id"]
        verbose_name = _("réponse à une enquête")


class SurveyAnswer(OrganisationScoped):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("réponse"), max_length=2000)

    class Meta:
        ordering = ["question__position", "id"]
        verbose_name = _("réponse à une question")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_one_per_question"),
        ]


# --- volunteers, their missions, hours and charter (DOMAIN-2 W22–W30, docs/adr/0029) ---------------------------------


class MissionKind(models.TextChoices):
    RECEPTION_DESK = "reception_desk", _("Accueil (Point Info Logement)")
    WORKSHOPS = "workshops", _("Ateliers")
    RESIDENCE_ACTIVITIES = "residence_activities", _("Activités en pension de famille")
    NEWSPAPER = "newspaper", _("Journal des résidents")
    GOVERNANCE = "governance", _("Gouvernance (conseil d'administration, bureau)")
    SUPERVISION = "supervision", _("Encadrement de bénévoles")


class Engagement(models.TextChoices):
    VOLUNTEERING = "volunteering", _("Bénévolat")
    SKILLS_SPONSORSHIP = "skills_sponsorship", _("Mécénat de compétences (mis à disposition par son employeur)")


class Volunteer(OrganisationScoped):
    """The volunteer profile of a user of the organisation with the volunteer role (W22): a person distinct from the
    staff and from the persons accompanied. The criminal-record check (CASF L133-6, W25) is a date only, never the
    content of the record; the insurance is the association's policy that covers the volunteer (W26)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_profile", verbose_name=_("compte")
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("référent salarié"),
    )
    skills = models.TextField(_("compétences"), max_length=2000, blank=True)
    availability = models.TextField(_("disponibilités"), max_length=1000, blank=True)
    started_on = models.DateField(_("bénévole depuis le"))
    record_checked_on = models.DateField(
        _("honorabilité vérifiée le"),
        null=True,
        blank=True,
        help_text=_("Date de la vérification (CASF L133-6) : jamais le contenu du bulletin."),
    )
    insurance_policy = models.CharField(_("contrat d'assurance de l'association"), max_length=200, blank=True)
    insured_from = models.DateField(_("couvert par l'assurance depuis le"), null=True, blank=True)
    engagement = models.CharField(
        _("engagement"), max_length=20, choices=Engagement.choices, default=Engagement.VOLUNTEERING
    )
    employer = models.ForeignKey(
        "core.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employeur (mécénat de compétences)"),
    )
    convention_from = models.DateField(_("convention de mécénat du"), null=True, blank=True)
    convention_to = models.DateField(_("convention de mécénat au"), null=True, blank=True)
    employer_hourly_cost = models.DecimalField(
        _("coût horaire pour l'employeur (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Mécénat de compétences : salaire et charges d'une heure, tels que l'employeur les communique ; ils "
            "valorisent les heures mises à disposition (W29)."
        ),
    )
    insured_until = models.DateField(
        _("couvert par l'assurance jusqu'au"),
        null=True,
        blank=True,
        help_text=_(
            "Fin du contrat ou de la période payée : aucune mission ne commence et aucune heure ne se saisit après."
        ),
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]
        verbose_name = _("bénévole")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(insured_until__isnull=True)
                | models.Q(insured_from__isnull=True)
                | models.Q(insured_until__gte=models.F("insured_from")),
                name="volunteer_insurance_ends_after_start",
                violation_error_message=_("L'assurance ne peut pas finir avant de commencer."),
            ),
            models.CheckConstraint(
                condition=models.Q(employer_hourly_cost__isnull=True) | models.Q(employer_hourly_cost__gt=0),
                name="volunteer_employer_hourly_cost_positive",
                violation_error_message=_("Le coût horaire pour l'employeur doit être positif."),
            ),
            models.CheckConstraint(
                condition=models.Q(convention_to__isnull=True)
                | models.Q(convention_from__isnull=True)
                | models.Q(convention_to__gte=models.F("convention_from")),
                name="volunteer_convention_ends_after_start",
                violation_error_message=_("La convention de mécénat ne peut pas finir avant de commencer."),
            ),
        ]

    def __str__(self):
        return str(self.user)


class VolunteerMission(OrganisationScoped):
    """A mission a volunteer takes on, of one kind, for a period; some require the criminal-record check (W25)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="missions")
    kind = models.CharField(_("type de mission"), max_length=30, choices=MissionKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    requires_record_check = models.BooleanField(
        _("vérification d'honorabilité requise"),
        default=False,
        help_text=_("Mission exercée dans un établissement ou service relevant du CASF (L133-6)."),
    )

    class Meta:
        ordering = ["starts_on", "title", "id"]
        verbose_name = _("mission bénévole")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="mission_ends_after_start",
                violation_error_message=_("La mission ne peut pas finir avant de commencer."),
            )
        ]

    def __str__(self):
        return self.title

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class VolunteerHours(OrganisationScoped):
    """Hours given on a mission on a day, entered by the volunteer or by staff (their referent, a director)."""

    mission = models.ForeignKey(VolunteerMission, on_delete=models.PROTECT, related_name="hours")
    worked_on = models.DateField(_("date"))
    hours = models.DecimalField(_("heures"), max_digits=4, decimal_places=2)
    note = models.CharField(_("précision"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-worked_on", "-created_at", "id"]
        verbose_name = _("heures de bénévolat")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="volunteer_hours_in_a_day",
                violation_error_message=_("Les heures d'une journée sont comprises entre 0 et 24."),
            )
        ]


class CharterVersion(OrganisationScoped):
    """A dated version of the volunteer's commitment charter (W23, W24, W30). The version in force is the last one
    published on or before the day; each new version asks every volunteer to sign again."""

    number = models.PositiveSmallIntegerField(_("version"), editable=False)
    published_on = models.DateField(_("en vigueur le"))
    text = models.TextField(_("texte de la charte"), max_length=30_000)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_on", "-number", "id"]
        verbose_name = _("version de la charte du bénévole")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="charter_unique_number",
                violation_error_message=_("Cette version de la charte existe déjà."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "published_on"],
                name="charter_unique_day",
                violation_error_message=_("Une version de la charte entre déjà en vigueur ce jour-là."),
            ),
        ]

    def __str__(self):
        return f"v{self.number} ({self.published_on:%d/%m/%Y})"


class CharterSignature(OrganisationScoped):
    """A volunteer user's signature of one version of the charter."""

    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charter_signatures")
    signed_at = models.DateTimeField(_("signée le"))

    class Meta:
        ordering = ["-signed_at", "id"]
        verbose_name = _("signature de la charte")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"],
                name="charter_signed_once",
                violation_error_message=_("Cette version de la charte est déjà signée."),
            )
        ]
