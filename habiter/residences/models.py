"""Boarding houses (pensions de famille, résidences accueil, résidences sociales), their places and their
house rules (règlement intérieur) as dated versions. See docs/adr/0021-residences.md."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import LegalStatus, OrganisationScoped
from habiter.support.models import EntrySituation


class ResidenceKind(models.TextChoices):
    # R70: a pension de famille is a résidence sociale; a résidence accueil is a pension de famille for persons
    # with a psychic disability (R77).
    PENSION_DE_FAMILLE = "pension_de_famille", _("Pension de famille (maison relais)")
    RESIDENCE_ACCUEIL = "residence_accueil", _("Résidence accueil")
    RESIDENCE_SOCIALE = "residence_sociale", _("Résidence sociale")


ESSMS_NOTICE_MISSING = _(
    "Dans un ESSMS, le séjour relève du contrat de séjour (CASF) : indiquez le préavis du résident, en jours, "
    "qu'il prévoit."
)
YOUNG_WORKERS_KIND_MESSAGE = _("Seule une résidence sociale peut être un foyer de jeunes travailleurs (FJT).")


class Residence(OrganisationScoped):
    """A boarding house run by the organisation: a logement-foyer (CCH L633-1) with its legal frame (W1–W2).

    `is_essms` is false by default (R78): a pension de famille is not an ESSMS unless the organisation's
    authorisation says so; the L633 checks are then switched off and the CASF ones on (W1): the resident's notice,
    for one, is the one its contrat de séjour states (`essms_resident_notice_days`)."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=30, choices=ResidenceKind.choices, default=ResidenceKind.PENSION_DE_FAMILLE
    )
    address = models.CharField(_("adresse"), max_length=300)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("commune"), max_length=100)
    apl_convention_reference = models.CharField(_("référence de la convention APL"), max_length=100, blank=True)
    agrement_reference = models.CharField(_("référence de l'agrément du gestionnaire"), max_length=100, blank=True)
    is_essms = models.BooleanField(_("établissement social ou médico-social (ESSMS)"), default=False)
    # W1, W5: in an ESSMS the stay is governed by the contrat de séjour (CASF), not by CCH R633-3: the resident's
    # notice is the one the residence's contrat de séjour states, instead of the `foyer_resident_notice_days` one.
    essms_resident_notice_days = models.PositiveSmallIntegerField(
        _("préavis du résident prévu au contrat de séjour (jours)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
    )
    opened_on = models.DateField(_("ouverte le"), null=True, blank=True)
    # W6: the deposit of a logement-foyer is not loi 89's (a foyer contract is not a lease, CE 28 Nov 2014
    # n° 365285): each residence states its own, from its APL convention; it is copied onto each contract.
    deposit_amount = models.DecimalField(
        _("dépôt de garantie demandé (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    # The rest of the residence's deposit policy (W6), copied onto each contract with the amount: whether the contract
    # or the house rules let the manager keep unpaid redevance from the deposit, and the days it has to return it
    # after the exit (the 15 days of a 2021 text are UNCONFIRMED for these residences: a setting, not a legal rule).
    deposit_keeps_unpaid = models.BooleanField(
        _("les redevances impayées peuvent être retenues sur le dépôt"),
        default=False,
        help_text=_("Seulement si le contrat de résidence ou le règlement intérieur le prévoit."),
    )
    deposit_return_days = models.PositiveSmallIntegerField(
        _("délai de restitution du dépôt (jours après la sortie)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
    )
    # W38: a foyer de jeunes travailleurs is a résidence sociale for young workers; its AGLS adds a bonus on the
    # CAF's prestation de service socio-éducative of the year before (`YoungWorkersPse`).
    young_workers = models.BooleanField(
        _("foyer de jeunes travailleurs (FJT)"),
        default=False,
        help_text=_("Seulement pour une résidence sociale."),
    )
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="hosted_residences", blank=True, verbose_name=_("hôtes")
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("résidence")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="residence_unique_name",
                violation_error_message=_("Une résidence porte déjà ce nom."),
            ),
            models.CheckConstraint(
                condition=models.Q(young_workers=False) | models.Q(kind="residence_sociale"),
                name="residence_young_workers_is_residence_sociale",
                violation_error_message=YOUNG_WORKERS_KIND_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Said on the field; the constraint, whose field then has an error, is not checked twice (`full_clean`).
        if self.young_workers and self.kind != ResidenceKind.RESIDENCE_SOCIALE:
            raise ValidationError({"young_workers": YOUNG_WORKERS_KIND_MESSAGE})
        # W2 (CCH L365-4): an APL convention is signed only by a manager holding the agrément « intermédiation
        # locative et gestion locative sociale », annexed to the convention.
        if self.apl_convention_reference.strip() and not self.agrement_reference.strip():
            raise ValidationError(
                {
                    "agrement_reference": _(
                        "Une convention APL n'est signée que par un gestionnaire agréé (CCH L365-4) : indiquez la "
                        "référence de l'agrément « intermédiation locative et gestion locative sociale »."
                    )
                }
            )
        # W1, W5: the resident's notice of an ESSMS is its contrat de séjour's; a logement-foyer's is CCH R633-3's.
        if self.is_essms and self.essms_resident_notice_days is None:
            raise ValidationError({"essms_resident_notice_days": ESSMS_NOTICE_MISSING})
        if not self.is_essms and self.essms_resident_notice_days is not None:
            raise ValidationError(
                {
                    "essms_resident_notice_days": _(
                        "Seul un ESSMS fixe le préavis du résident dans son contrat de séjour : dans un logement-foyer,"
                        " c'est celui du CCH (R633-3). Laissez ce champ vide ou cochez ESSMS."
                    )
                }
            )


class HouseRules(OrganisationScoped):
    """One dated version of a residence's règlement intérieur (R74: annexed to every occupancy contract).

    A version in force since a past day may have been signed by a resident: it is frozen, and a change is a new
    version (services.house_rules_update refuses it)."""

    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="house_rules")
    valid_from = models.DateField(_("en vigueur à partir du"))
    text = models.TextField(_("texte du règlement intérieur"), max_length=100_000)
    # W14 / R76: the RI may limit the hosting of third parties; empty = no limit of its own (the 3-month legal
    # maximum per hosted person still holds).
    guest_nights_per_month = models.PositiveSmallIntegerField(
        _("nuitées d'hébergement d'un tiers autorisées par mois et par personne hébergée"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    # W12: the meeting of the conseil de concertation that was consulted on this version (a `community` meeting,
    # named by its id and a frozen label so that `residences` depends on no app above it).
    consultation_meeting_id = models.UUIDField(null=True, blank=True, editable=False)
    consultation_label = models.CharField(_("consultation du conseil de concertation"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("version du règlement intérieur")
        constraints = [
            models.UniqueConstraint(
                fields=["residence", "valid_from"],
                name="house_rules_unique_start",
                violation_error_message=_("Une version du règlement intérieur commence déjà ce jour-là."),
            )
        ]

    def __str__(self):
        return f"{self.residence} — {self.valid_from}"


class PlaceKind(models.TextChoices):
    ROOM = "room", _("Chambre")
    STUDIO = "studio", _("Studio")


class Typology(models.TextChoices):
    T1 = "T1", "T1"
    T1_PRIME = "T1'", "T1'"
    T1_BIS = "T1 bis", "T1 bis"
    T2 = "T2", "T2"
    T3 = "T3", "T3"


class Place(OrganisationScoped):
    """A private unit of a residence (R71: self-contained units around collective spaces)."""

    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="places")
    label = models.CharField(_("nom ou numéro"), max_length=60)
    kind = models.CharField(_("type"), max_length=10, choices=PlaceKind.choices, default=PlaceKind.STUDIO)
    typology = models.CharField(_("typologie"), max_length=10, choices=Typology.choices, default=Typology.T1)
    surface = models.DecimalField(
        _("surface (m²)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    furnished = models.BooleanField(_("meublé"), default=False)
    accessible = models.BooleanField(_("accessible (personne à mobilité réduite)"), default=False)
    # W9: the State funds a place from the day it is open; empty = since the residence opened (or always, when its
    # opening date is not known either). The occupancy figures and the expected grant are prorated on it.
    opened_on = models.DateField(_("en service depuis le"), null=True, blank=True)

    class Meta:
        ordering = ["label", "id"]
        verbose_name = _("place")
        constraints = [
            models.UniqueConstraint(
                fields=["residence", "label"],
                name="place_unique_label",
                violation_error_message=_("Une place de cette résidence porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return f"{self.residence} — {self.label}"


class ExitDestination(models.TextChoices):
    ORDINARY_HOUSING = "ordinary_housing", _("Logement ordinaire")
    SOCIAL_HOUSING = "social_housing", _("Logement social")
    OTHER_STRUCTURE = "other_structure", _("Autre structure d'hébergement ou de logement")
    MEDICAL_STRUCTURE = "medical_structure", _("Structure médico-sociale (EHPAD, foyer…)")
    HOSPITAL = "hospital", _("Hôpital")
    FAMILY = "family", _("Famille ou proches")
    STREET = "street", _("Rue, sans solution")
    DEATH = "death", _("Décès")
    UNKNOWN = "unknown", _("Inconnue")


class MainResource(models.TextChoices):
    """The resident's main resource at entry, as the boarding houses' annual report (DOMAIN-2 W34) and the DREES's
    ES-DS survey (W33) count it."""

    EARNINGS = "earnings", _("Salaire ou revenu d'activité")
    UNEMPLOYMENT = "unemployment", _("Allocation chômage")
    RSA = "rsa", _("RSA")
    AAH = "aah", _("AAH (allocation aux adultes handicapés)")
    PENSION = "pension", _("Retraite ou pension d'invalidité")
    OTHER_BENEFIT = "other_benefit", _("Autre minimum social (ASS, ASPA…)")
    OTHER = "other", _("Autre ressource")
    NONE = "none", _("Aucune ressource")


class ResidenceStay(OrganisationScoped):
    """A resident's stay in a place, from entry to exit (empty while they live there): what makes a place occupied.

    Minimal in this slice: the occupancy contract with the RI annexed, redevances and APL-foyer come later (ADR
    0021). One household member is the resident; a place has at most one stay open (constraint) and stays of one
    place never overlap (checked under a row lock in `services.stay_enter`)."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="stays", verbose_name=_("place"))
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="residence_stays", verbose_name=_("ménage")
    )
    resident = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="residence_stays", verbose_name=_("résident")
    )
    entered_on = models.DateField(_("entrée le"))
    left_on = models.DateField(_("sortie le"), null=True, blank=True)
    exit_destination = models.CharField(
        _("destination à la sortie"), max_length=30, choices=ExitDestination.choices, blank=True
    )
    # The situation at entry the annual report and the ES-DS survey count (W33, W34); empty: not said yet.
    situation_before_entry = models.CharField(
        _("situation de logement avant l'entrée"), max_length=16, choices=EntrySituation.choices, blank=True
    )
    main_resource = models.CharField(
        _("ressource principale à l'entrée"), max_length=16, choices=MainResource.choices, blank=True
    )

    class Meta:
        ordering = ["-entered_on", "id"]
        verbose_name = _("séjour en résidence")
        constraints = [
            models.UniqueConstraint(
                fields=["place"],
                condition=models.Q(left_on__isnull=True),
                name="stay_one_open_per_place",
                violation_error_message=_("Cette place est déjà occupée."),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("entered_on")),
                name="stay_exit_after_entry",
                violation_error_message=_("La sortie ne peut pas précéder l'entrée."),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True, exit_destination="")
                | (models.Q(left_on__isnull=False) & ~models.Q(exit_destination="")),
                name="stay_exit_has_destination",
                violation_error_message=_("Une sortie dit la destination du résident (« Inconnue » au besoin)."),
            ),
        ]

    def __str__(self):
        return f"{self.place} — {self.entered_on}"


class Vacancy(OrganisationScoped):
    """A free place declared to the SIAO (W3): the SIAO then sends candidates (orientations). Closed by an entry."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("place"))
    declared_on = models.DateField(_("déclarée au SIAO le"))
    filled_by = models.OneToOneField(
        ResidenceStay, on_delete=models.PROTECT, null=True, blank=True, related_name="vacancy", editable=False
    )

    class Meta:
        ordering = ["-declared_on", "id"]
        verbose_name = _("vacance déclarée au SIAO")
        constraints = [
            models.UniqueConstraint(
                fields=["place"],
                condition=models.Q(filled_by__isnull=True),
                name="vacancy_one_open_per_place",
                violation_error_message=_("Une vacance de cette place est déjà déclarée au SIAO."),
            )
        ]

    def __str__(self):
        return f"{self.place} — {self.declared_on}"


class RefusalReason(models.TextChoices):
    NEEDS_MORE_SUPPORT = "needs_more_support", _("Besoin d'un accompagnement plus soutenu que la pension de famille")
    AUTONOMOUS = "autonomous", _("Autonomie suffisante pour un logement ordinaire")
    HEALTH = "health", _("Santé incompatible avec la vie en collectivité, sans soins en place")
    GROUP_BALANCE = "group_balance", _("Équilibre du groupe de résidents")
    CANDIDATE_WITHDREW = "candidate_withdrew", _("Le candidat a renoncé")
    NO_SHOW = "no_show", _("Le candidat n'est pas venu à l'entretien")
    RESOURCES = "resources", _("Ressources ne permettant pas la redevance, même avec l'APL")
    OTHER = "other", _("Autre motif (dit au compte rendu)")


class Decision(models.TextChoices):
    PENDING = "", _("En attente de la commission")
    ADMITTED = "admitted", _("Admis")
    REFUSED = "refused", _("Refusé")


class Orientation(OrganisationScoped):
    """A candidate the SIAO orients to a vacancy, through the interviews and the commission's decision to the entry
    (W3–W4). Its steps: received → interviews (`OrientationInterview`) → decision (admitted, or refused with a
    reason; after an interview the candidate came to) → decision notified to the SIAO → entry (admitted only), each
    a service that checks the previous one (`rules.orientation_next_steps`)."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="orientations")
    siao_reference = models.CharField(_("référence SIAO"), max_length=60)
    siao = models.ForeignKey(
        "core.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("SIAO")
    )
    candidate_name = models.CharField(_("nom du candidat"), max_length=200)
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residence_orientations",
        verbose_name=_("ménage déjà connu"),
    )
    received_on = models.DateField(_("reçue le"))
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=30, choices=RefusalReason.choices, blank=True)
    minutes = models.TextField(_("compte rendu de la commission"), max_length=20_000, blank=True)
    notified_on = models.DateField(_("notifiée au SIAO le"), null=True, blank=True)
    stay = models.OneToOneField(
        ResidenceStay, on_delete=models.PROTECT, null=True, blank=True, related_name="orientation", editable=False
    )

    class Meta:
        ordering = ["-received_on", "id"]
        verbose_name = _("orientation SIAO")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="refused") | ~models.Q(refusal_reason=""),
                name="orientation_refusal_has_reason",
                violation_error_message=_("Un refus dit son motif."),
            ),
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=models.Q(decision="admitted"),
                name="orientation_one_admitted_per_vacancy",
                violation_error_message=_("Un candidat est déjà admis sur cette vacance."),
            ),
        ]

    def __str__(self):
        return f"{self.candidate_name} ({self.siao_reference})"


class InterviewAttendance(models.TextChoices):
    PLANNED = "", _("À venir")
    CAME = "came", _("Venu·e")
    NO_SHOW = "no_show", _("Pas venu·e")
    POSTPONED = "postponed", _("Reporté")


class OrientationInterview(OrganisationScoped):
    """One interview of an oriented candidate (W3: « interviews »): its day, who of the staff led it, whether the
    candidate came (empty while it is to come), a short note. The commission decides after one the candidate came
    to. `led_by` is empty only for the interviews recorded before it was asked (residences 0020)."""

    orientation = models.ForeignKey(Orientation, on_delete=models.PROTECT, related_name="interviews")
    held_on = models.DateField(_("entretien le"))
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mené par"),
    )
    attendance = models.CharField(
        _("le candidat est-il venu ?"), max_length=10, choices=InterviewAttendance.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["held_on", "created_at", "id"]
        verbose_name = _("entretien d'un candidat orienté")

    def __str__(self):
        return f"{self.orientation} — {self.held_on}"


class ContractStatus(models.TextChoices):
    TO_SIGN = "to_sign", _("À signer")
    ACTIVE = "active", _("En cours")
    NOTICE = "notice", _("En préavis")
    ENDED = "ended", _("Terminé")


OPEN_CONTRACT_STATUSES = (ContractStatus.TO_SIGN, ContractStatus.ACTIVE, ContractStatus.NOTICE)


class NoticeBy(models.TextChoices):
    RESIDENT = "resident", _("Congé donné par le résident")
    MANAGER = "manager", _("Résiliation par le gestionnaire")


class TerminationGround(models.TextChoices):
    # R74 / R75 (CCH L633-2, R633-3): the only grounds on which the manager may terminate.
    BREACH = "breach", _("Manquement grave ou répété au règlement intérieur, ou inexécution d'une obligation")
    UNPAID = "unpaid", _("Impayés (trois mensualités consécutives, ou dette d'au moins deux mois)")
    ADMISSION_CONDITIONS = "admission_conditions", _("Le résident ne remplit plus les conditions d'admission")
    CLOSURE = "closure", _("Fermeture totale de l'établissement")


class TerminationNotice(models.TextChoices):
    # R75 (CCH R633-3): the three ways a manager's termination may be notified.
    BAILIFF = "bailiff", _("Acte de commissaire de justice")
    HANDED = "handed", _("Lettre remise en main propre contre décharge")
    REGISTERED = "registered", _("Lettre recommandée avec avis de réception")


# R75, W14 (Cass. 3e civ. 1er déc. 2016, n° 15-27.795): a termination for a breach of the resident's obligations,
# unpaid redevances included, operates only after a mise en demeure actually delivered to the resident.
GROUNDS_AFTER_FORMAL_NOTICE = (TerminationGround.BREACH, TerminationGround.UNPAID)
FORMAL_NOTICE_MISSING = _(
    "Pour ce motif, la résiliation n'opère qu'après une mise en demeure effectivement remise au résident "
    "(Cass. 3e civ., 1er déc. 2016) : indiquez le jour où elle lui a été remise."
)


class ResidenceContract(OrganisationScoped):
    """The titre d'occupation of a resident (R74, W4–W6): monthly, tacitly renewed at the resident's sole will.

    The RI version in force on its first day is frozen on it and must be annexed and initialled before it becomes
    active; until then it is « à signer ». Its activation makes the stay (the place is occupied from its first day),
    its exit ends it (the place is free again). Status changes follow `rules.CONTRACT_TRANSITIONS`."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("place"))
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, related_name="residence_contracts", verbose_name=_("ménage")
    )
    resident = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="residence_contracts", verbose_name=_("résident")
    )
    orientation = models.OneToOneField(
        Orientation, on_delete=models.PROTECT, null=True, blank=True, related_name="contract", editable=False
    )
    stay = models.OneToOneField(
        ResidenceStay, on_delete=models.PROTECT, null=True, blank=True, related_name="contract", editable=False
    )
    house_rules = models.ForeignKey(
        HouseRules, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("règlement intérieur annexé")
    )
    starts_on = models.DateField(_("prend effet le"))
    deposit_amount = models.DecimalField(
        _("dépôt de garantie (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    # The residence's deposit policy when the contract was made (W6), as the contract states it.
    deposit_keeps_unpaid = models.BooleanField(_("redevances impayées retenues sur le dépôt"), default=False)
    deposit_return_days = models.PositiveSmallIntegerField(
        _("délai de restitution du dépôt (jours)"), null=True, blank=True
    )
    ri_initialled_on = models.DateField(_("règlement intérieur annexé et paraphé le"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.TO_SIGN, editable=False
    )
    notice_by = models.CharField(_("fin à l'initiative"), max_length=10, choices=NoticeBy.choices, blank=True)
    notice_on = models.DateField(_("congé ou résiliation notifié le"), null=True, blank=True)
    termination_ground = models.CharField(
        _("motif de la résiliation"), max_length=30, choices=TerminationGround.choices, blank=True
    )
    termination_notified_by = models.CharField(
        _("résiliation notifiée par"), max_length=12, choices=TerminationNotice.choices, blank=True
    )
    formal_notice_delivered_on = models.DateField(_("mise en demeure remise le"), null=True, blank=True)
    ends_on = models.DateField(_("fin du préavis le"), null=True, blank=True)
    left_on = models.DateField(_("sortie le"), null=True, blank=True)
    exit_destination = models.CharField(
        _("destination à la sortie"), max_length=30, choices=ExitDestination.choices, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("contrat de résidence")
        constraints = [
            models.UniqueConstraint(
                fields=["place"],
                condition=models.Q(status__in=["to_sign", "active", "notice"]),
                name="contract_one_open_per_place",
                violation_error_message=_("Un contrat en cours ou à signer existe déjà pour cette place."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="to_sign") | models.Q(ri_initialled_on__isnull=False),
                name="contract_active_has_initialled_rules",
                violation_error_message=_("Le règlement intérieur doit être annexé et paraphé avant l'entrée."),
            ),
            models.CheckConstraint(
                condition=~models.Q(notice_by="manager") | ~models.Q(termination_ground=""),
                name="contract_termination_has_ground",
                violation_error_message=_("Une résiliation par le gestionnaire dit son motif."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended")
                | (models.Q(left_on__isnull=False) & ~models.Q(exit_destination="")),
                name="contract_end_has_exit",
                violation_error_message=_("Un contrat terminé dit la date de sortie et la destination."),
            ),
        ]

    def __str__(self):
        return f"{self.resident} — {self.place}"

    @property
    def deposit_return_by(self):
        """The last day to return the deposit, once the resident left, when the contract states a delay (W6)."""
        if self.left_on is None or self.deposit_return_days is None:
            return None
        return self.left_on + timedelta(days=self.deposit_return_days)


class GuestStay(OrganisationScoped):
    """A third party a resident hosts (W14, R76), from arrival to departure: one night per day from the arrival,
    the departure day excluded."""

    contract = models.ForeignKey(ResidenceContract, on_delete=models.PROTECT, related_name="guest_stays")
    guest_name = models.CharField(_("personne hébergée"), max_length=200)
    arrived_on = models.DateField(_("arrivée le"))
    left_on = models.DateField(_("départ le"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-arrived_on", "id"]
        verbose_name = _("hébergement d'un tiers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__gt=models.F("arrived_on")),
                name="guest_stay_at_least_one_night",
                violation_error_message=_("Le départ suit l'arrivée d'au moins une nuit."),
            )
        ]

    def __str__(self):
        return f"{self.guest_name} — {self.arrived_on}"


class ActivityKind(models.TextChoices):
    MEAL = "meal", _("Repas partagé")
    OUTING = "outing", _("Sortie")
    GARDEN = "garden", _("Jardin")
    NEWSPAPER = "newspaper", _("Journal des résidents")
    WORKSHOP = "workshop", _("Atelier")
    HOUSE_MEETING = "house_meeting", _("Conseil de Maison")
    CELEBRATION = "celebration", _("Fête")
    OTHER = "other", _("Autre")


class HouseActivity(OrganisationScoped):
    """A collective activity of the house journal (W10): what the hosts organised, who took part."""

    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="activities")
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("type d'activité"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    note = models.TextField(_("remarques"), max_length=5_000, blank=True)
    participants = models.ManyToManyField(
        "people.Person", related_name="house_activities", blank=True, verbose_name=_("résidents présents")
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="house_activities_helped", blank=True, verbose_name=_("bénévoles")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("activité collective")

    def __str__(self):
        return f"{self.title} — {self.held_on}"


class SupportKind(models.TextChoices):
    """What an individual support was, by the categories of the gestion locative sociale (R82) it may belong to."""

    ISOLATION = "isolation", _("Lutte contre l'isolement")
    MEDIATION = "mediation", _("Médiation vers les services extérieurs")
    OTHER = "other", _("Autre aide pratique")


class IndividualSupport(OrganisationScoped):
    """A host's short practical note about one resident (W10): a step taken together, a help given, and what kind of
    support it was (`kind`; empty on a note written before the kinds existed). Not the social worker's notes, which
    stay in the household's file."""

    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="individual_supports")
    resident = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="house_supports", verbose_name=_("résident")
    )
    given_on = models.DateField(_("date"))
    kind = models.CharField(_("nature du soutien"), max_length=20, choices=SupportKind.choices, blank=True)
    note = models.CharField(_("soutien apporté"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-given_on", "id"]
        verbose_name = _("soutien individuel")

    def __str__(self):
        return f"{self.resident} — {self.given_on}"


class RedevanceKind(models.TextChoices):
    """The four typed parts of the monthly redevance (W7): only the first two enter the APL-foyer base."""

    RENT_EQUIVALENT = "equivalence_loyer", _("Équivalence de loyer")
    CHARGES = "charges", _("Charges")
    COMPULSORY_SERVICE = "prestation_obligatoire", _("Prestation obligatoire")
    OPTIONAL_SERVICE = "prestation_facultative", _("Prestation facultative")


class RedevanceLine(OrganisationScoped):
    """One line of a contract's monthly redevance (R73, W7), in force from `valid_from` until the next set of lines
    of the same contract. A change is a new set from a later day (`services.redevance_set`): lines are never
    changed nor deleted, so what a resident owed any month stays readable. Charges are a flat amount, never
    regularised (W8, docs/adr/0027-redevance-lines-and-apl-maxima.md)."""

    contract = models.ForeignKey(
        ResidenceContract, on_delete=models.PROTECT, related_name="redevance_lines", verbose_name=_("contrat")
    )
    valid_from = models.DateField(_("en vigueur à partir du"))
    kind = models.CharField(_("nature"), max_length=30, choices=RedevanceKind.choices)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("montant mensuel (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract", "-valid_from", "kind", "id"]
        verbose_name = _("ligne de redevance")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="redevance_line_amount_not_negative",
                violation_error_message=_("Un montant de redevance ne peut pas être négatif."),
            ),
            models.UniqueConstraint(
                fields=["contract", "valid_from", "kind"],
                condition=models.Q(kind__in=["equivalence_loyer", "charges"]),
                name="redevance_line_one_rent_and_charges_per_set",
                violation_error_message=_(
                    "Une redevance a une seule équivalence de loyer et une seule ligne de charges."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.contract} — {self.valid_from} — {self.get_kind_display()}"


class AplMaximum(OrganisationScoped):
    """The maximum of the APL-foyer base (équivalence de loyer + charges) that a residence's APL convention sets for
    a place typology, as it stood for one year (W7). Later years are revised each 1 January with the IRL
    (`rules.revised_apl_maximum`); a new row for a later year (a new convention, an « amélioration notable du service
    rendu ») replaces the revision from that year. The values come from each convention: until someone has read
    them on it they are « à confirmer » (status); operators change them in the administration, the director and the
    hosts of the residence on its page « Maxima APL-foyer » (`maxima.py`)."""

    residence = models.ForeignKey(
        Residence, on_delete=models.PROTECT, related_name="apl_maxima", verbose_name=_("résidence")
    )
    typology = models.CharField(_("typologie"), max_length=10, choices=Typology.choices)
    year = models.PositiveSmallIntegerField(
        _("année de la valeur"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    amount = models.DecimalField(
        _("maximum mensuel (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    status = models.CharField(_("statut"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.UNCONFIRMED)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["residence", "typology", "-year"]
        verbose_name = _("maximum APL-foyer de la convention")
        verbose_name_plural = _("maxima APL-foyer des conventions")
        constraints = [
            models.UniqueConstraint(
                fields=["residence", "typology", "year"],
                name="apl_maximum_unique_year",
                violation_error_message=_("Cette typologie a déjà un maximum pour cette année."),
            )
        ]

    def __str__(self):
        return f"{self.residence} — {self.typology} — {self.year}"


# A sanity bound against a typing slip (a few extra zeros), not a legal figure: the yearly PSE of one FJT is counted
# in tens or hundreds of thousands of euros.
YOUNG_WORKERS_PSE_MAX = Decimal("9999999.99")
YOUNG_WORKERS_PSE_ERRORS = {
    "min_value": _("La PSE reçue ne peut pas être négative."),
    "max_value": _("Montant invraisemblable pour la PSE d'une année : au plus 9 999 999,99 €."),
    "max_digits": _("Montant invraisemblable pour la PSE d'une année : au plus 9 999 999,99 €."),
    "max_whole_digits": _("Montant invraisemblable pour la PSE d'une année : au plus 9 999 999,99 €."),
    "max_decimal_places": _("Indiquez le montant au centime près : deux chiffres après la virgule au plus."),
}


class YoungWorkersPse(OrganisationScoped):
    """The CAF's prestation de service « socio-éducative » (PSE) a foyer de jeunes travailleurs received for a year
    (W38): since the 2025 reform the AGLS of year N adds a bonus on the PSE of N-1 (`reporting.indicators.agls`).
    One row per residence and year, recorded and corrected by the director (`young_workers.py`); a correction updates
    the row, the audit keeps the value before."""

    residence = models.ForeignKey(
        Residence, on_delete=models.PROTECT, related_name="young_workers_pse", verbose_name=_("résidence")
    )
    year = models.PositiveSmallIntegerField(
        _("année de la PSE"),
        validators=[MinValueValidator(2000), MaxValueValidator(2200)],
        error_messages={
            "min_value": _("Indiquez une année à partir de 2000."),
            "max_value": _("Indiquez une année passée ou l'année en cours."),
        },
    )
    amount = models.DecimalField(
        _("PSE reçue de la CAF (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(YOUNG_WORKERS_PSE_MAX)],
        error_messages=YOUNG_WORKERS_PSE_ERRORS,
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["residence", "-year"]
        verbose_name = _("PSE de la CAF d'un foyer de jeunes travailleurs")
        verbose_name_plural = _("PSE de la CAF des foyers de jeunes travailleurs")
        constraints = [
            models.UniqueConstraint(
                fields=["residence", "year"],
                name="young_workers_pse_unique_year",
                violation_error_message=_("La PSE de cette année est déjà enregistrée pour cette résidence."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="young_workers_pse_amount_not_negative",
                violation_error_message=_("La PSE reçue ne peut pas être négative."),
            ),
        ]

    def __str__(self):
        return f"{self.residence} — PSE {self.year}"

    def clean(self):
        if self.residence_id is not None and not self.residence.young_workers:
            raise ValidationError(
                _(
                    "La PSE de la CAF ne se saisit que pour un foyer de jeunes travailleurs (FJT) : cochez d'abord la "
                    "case « Foyer de jeunes travailleurs (FJT) » sur la fiche de la résidence sociale."
                )
            )


# A sanity bound against a typing slip, not a legal figure: a pension de famille has at most about twenty-five places
# (W11) and one or two hosts (W10); ten full-time equivalents, or hours per week typed as ETP, are a slip.
HOSTING_STAFF_FTE_MAX = Decimal("10.00")
_FTE_TOO_MANY = _(
    "Nombre invraisemblable d'équivalents temps plein pour une résidence : au plus 10 (un ETP est un temps plein "
    "sur l'année, pas un nombre d'heures)."
)
HOSTING_STAFF_FTE_ERRORS = {
    "min_value": _("Le temps des hôtes ne peut pas être négatif."),
    "max_value": _FTE_TOO_MANY,
    "max_digits": _FTE_TOO_MANY,
    "max_whole_digits": _FTE_TOO_MANY,
    "max_decimal_places": _("Indiquez le temps au centième d'ETP : deux chiffres après la virgule au plus."),
}
HOSTING_STAFF_KINDS = (ResidenceKind.PENSION_DE_FAMILLE, ResidenceKind.RESIDENCE_ACCUEIL)


class HostingStaff(OrganisationScoped):
    """The hosts' time of a pension de famille or résidence accueil over a year, in full-time equivalents (ETP):
    the boarding houses' annual report gives it with the staffing rate, ETP per ten places (W34; the hosts, W10). One
    row per residence and year, typed and corrected by the director (`hosting_staff.py`); a correction updates the
    row, the audit keeps the value before."""

    residence = models.ForeignKey(
        Residence, on_delete=models.PROTECT, related_name="hosting_staff", verbose_name=_("résidence")
    )
    year = models.PositiveSmallIntegerField(
        _("année"),
        validators=[MinValueValidator(2000), MaxValueValidator(2200)],
        error_messages={
            "min_value": _("Indiquez une année à partir de 2000."),
            "max_value": _("Indiquez une année passée ou l'année en cours."),
        },
    )
    fte = models.DecimalField(
        _("temps des hôtes (ETP)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(HOSTING_STAFF_FTE_MAX)],
        error_messages=HOSTING_STAFF_FTE_ERRORS,
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["residence", "-year"]
        verbose_name = _("temps des hôtes d'une résidence")
        verbose_name_plural = _("temps des hôtes des résidences")
        constraints = [
            models.UniqueConstraint(
                fields=["residence", "year"],
                name="hosting_staff_unique_year",
                violation_error_message=_("Le temps des hôtes de cette année est déjà saisi pour cette résidence."),
            ),
            models.CheckConstraint(
                condition=models.Q(fte__gte=0) & models.Q(fte__lte=HOSTING_STAFF_FTE_MAX),
                name="hosting_staff_fte_plausible",
                violation_error_message=_("Le temps des hôtes va de 0 à 10 équivalents temps plein."),
            ),
        ]

    def __str__(self):
        return f"{self.residence} — {self.year}"

    def clean(self):
        if self.residence_id is not None and self.residence.kind not in HOSTING_STAFF_KINDS:
            raise ValidationError(
                _(
                    "Le temps des hôtes se saisit pour une pension de famille ou une résidence accueil, les "
                    "résidences qui ont des hôtes."
                )
            )
