"""Reception desk visits (Point Info Logement, accueil inconditionnel) and collective workshops."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Partner
from habiter.people.models import Household, validate_phone

from . import rules as reception_rules

validate_postcode = RegexValidator(
    r"^\d{5}$", _("Le code postal doit comporter 5 chiffres (ex. 13001)."), code="invalid_postcode"
)


class AgeBracket(models.TextChoices):
    UNDER_25 = "under_25", _("Moins de 25 ans")
    FROM_25_TO_39 = "25_39", _("25 à 39 ans")
    FROM_40_TO_59 = "40_59", _("40 à 59 ans")
    FROM_60 = "60_plus", _("60 ans et plus")
    UNKNOWN = "unknown", _("Non connu")


class Sex(models.TextChoices):
    FEMALE = "female", _("Femme")
    MALE = "male", _("Homme")
    UNSPECIFIED = "unspecified", _("Non précisé")


class Topic(models.TextChoices):
    HOUSING_SEARCH = reception_rules.HOUSING_SEARCH, _("Recherche de logement")
    RENT_ARREARS = reception_rules.RENT_ARREARS, _("Impayés de loyer")
    EVICTION_THREAT = reception_rules.EVICTION_THREAT, _("Menace d'expulsion")
    RIGHTS_BENEFITS = reception_rules.RIGHTS_BENEFITS, _("Droits et aides (CAF, APL, FSL…)")
    LANDLORD_QUESTION = reception_rules.LANDLORD_QUESTION, _("Question sur le propriétaire ou le bail")
    ENERGY = reception_rules.ENERGY, _("Énergie, factures")
    OTHER = reception_rules.OTHER, _("Autre")


class DeskVisit(OrganisationScoped):
    """One walk-in visit at the reception desk, possibly anonymous, possibly linked to a known household."""

    visited_at = models.DateTimeField(_("date et heure du passage"), default=timezone.now)
    age_bracket = models.CharField(
        _("tranche d'âge"), max_length=16, choices=AgeBracket.choices, default=AgeBracket.UNKNOWN
    )
    sex = models.CharField(_("sexe"), max_length=16, choices=Sex.choices, default=Sex.UNSPECIFIED)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True, validators=[validate_postcode])
    topics = models.JSONField(_("motifs de venue"), default=list)
    information_given = models.TextField(_("information donnée"), blank=True)
    referral_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("orientation vers un partenaire"),
    )
    referral_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("orientation vers un·e salarié·e"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desk_visits",
        verbose_name=_("ménage"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # W24 (the volunteer's charter): a volunteer holds the desk only with a professional of the association present.
    present_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("professionnel·le présent·e"),
        help_text=_("Obligatoire quand un·e bénévole tient l'accueil (charte du bénévole)."),
    )

    class Meta:
        ordering = ["-visited_at"]
        verbose_name = _("passage à l'accueil")
        indexes = [models.Index(fields=["organisation", "-visited_at"], name="desk_visit_org_time")]

    def __str__(self):
        return f"{timezone.localtime(self.visited_at):%d/%m/%Y %H:%M}"

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(topic, topic)) for topic in self.topics]

    @property
    def anonymous(self) -> bool:
        return self.household_id is None


class WorkshopTheme(models.TextChoices):
    HOUSING_SEARCH = "housing_search", _("Recherche de logement")
    BUDGET_ENERGY = "budget_energy", _("Budget et énergie")
    RIGHTS = "rights", _("Droits et démarches")
    TENANCY = "tenancy", _("Vie de locataire")
    OTHER = "other", _("Autre")


class Workshop(OrganisationScoped):
    """A collective workshop (atelier collectif de recherche de logement, budget…), held in sessions."""

    title = models.CharField(_("titre"), max_length=200)
    theme = models.CharField(_("thème"), max_length=32, choices=WorkshopTheme.choices)
    active = models.BooleanField(_("proposé"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title"]
        verbose_name = _("atelier")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"],
                name="workshop_unique_title",
                violation_error_message=_("Un atelier porte déjà ce titre."),
            )
        ]

    def __str__(self):
        return self.title


class WorkshopSession(OrganisationScoped):
    """One dated session of a workshop, with its place, facilitator and number of places. A volunteer facilitates only
    with a professional present (the volunteer's charter, W24)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("atelier"))
    starts_at = models.DateTimeField(_("début"))
    place = models.CharField(_("lieu"), max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("animateur·rice")
    )
    present_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("professionnel·le présent·e"),
        help_text=_("Obligatoire quand un·e bénévole anime : la charte du bénévole ne le laisse pas agir seul."),
    )
    capacity = models.PositiveSmallIntegerField(_("nombre de places"))
    attendance_taken_at = models.DateTimeField(_("présences relevées le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("séance d'atelier")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="workshop_session_capacity_positive",
                violation_error_message=_("Une séance accueille au moins une personne."),
            )
        ]

    def __str__(self):
        return f"{self.workshop} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"


class Enrolment(OrganisationScoped):
    """A household enrolled in a workshop session; `attended` is recorded when attendance is taken
    (None until then)."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.PROTECT, related_name="enrolments")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="workshop_enrolments", verbose_name=_("ménage")
    )
    attended = models.BooleanField(_("présent·e"), null=True, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["household__name", "created_at"]
        verbose_name = _("inscription à un atelier")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "household"],
                name="enrolment_unique_household",
                violation_error_message=_("Ce ménage est déjà inscrit à cette séance."),
            )
        ]

    def __str__(self):
        return f"{self.household} — {self.session}"


class ReferralStatus(models.TextChoices):
    OPEN = reception_rules.REFERRAL_OPEN, _("À prendre en charge")
    TAKEN_UP = reception_rules.REFERRAL_TAKEN_UP, _("Prise en charge")
    REDIRECTED = reception_rules.REFERRAL_REDIRECTED, _("Réorientée")


class Referral(OrganisationScoped):
    """An orientation: the reception desk or a colleague sends a person to a colleague who follows households. It is
    a to-do on the recipient's home page until taken up. The person is a known household or a visitor not yet known,
    reached through the contact noted here. Its status moves along `rules.REFERRAL_TRANSITIONS`."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("orienté·e par")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("orienté·e vers"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("ménage"),
    )
    desk_visit = models.ForeignKey(
        DeskVisit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("passage à l'accueil"),
    )
    visitor_name = models.CharField(_("nom de la personne"), max_length=150, blank=True)
    visitor_phone = models.CharField(_("téléphone"), max_length=32, blank=True, validators=[validate_phone])
    visitor_email = models.EmailField(_("courriel"), blank=True)
    reason = models.TextField(_("motif de l'orientation"))
    status = models.CharField(_("état"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.OPEN)
    taken_up_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prise en charge par"),
    )
    note = models.TextField(_("note"), blank=True)
    redirected_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("réorientée vers"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("orientation")
        indexes = [models.Index(fields=["to_user", "status", "-created_at"], name="referral_to_user_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=False) | ~models.Q(visitor_name=""),
                name="referral_household_or_visitor_name",
                violation_error_message=_("Indiquez le ménage ou le nom de la personne orientée."),
            ),
            models.CheckConstraint(
                condition=models.Q(household__isnull=False) | ~models.Q(visitor_phone="") | ~models.Q(visitor_email=""),
                name="referral_household_or_contact",
                violation_error_message=_("Indiquez un téléphone ou un courriel pour joindre la personne orientée."),
            ),
        ]

    def __str__(self):
        return str(self.household or self.visitor_name)

    @property
    def person_name(self) -> str:
        return self.household.name if self.household_id else self.visitor_name

    @property
    def contact_phone(self) -> str:
        return self.household.phone if self.household_id else self.visitor_phone

    @property
    def contact_email(self) -> str:
        return self.household.email if self.household_id else self.visitor_email

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN
