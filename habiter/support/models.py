"""Programmes (dispositifs), support measures and their status history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Partner
from habiter.core.versioning import Versioned
from habiter.people.models import Household

from . import rules as support_rules


class Scheme(models.TextChoices):
    """The national scheme a programme belongs to (DOMAIN R80–R83): what a funder's report selects."""

    AVDL = "avdl", _("AVDL — accompagnement vers et dans le logement")
    ASLL = "asll", _("ASLL — accompagnement social lié au logement (FSL)")
    IML = "iml", _("IML — intermédiation locative")
    PENSION_FAMILLE = "pension_famille", _("Pension de famille, résidence accueil")
    AGLS = "agls", _("AGLS — aide à la gestion locative sociale")
    LOGEMENT_DABORD = "logement_dabord", _("Logement d'abord")
    OTHER = "other", _("Autre dispositif")


class Programme(OrganisationScoped):
    """A funded scheme under which support is given (AVDL, ASLL, IML…); a catalogue per organisation. Its
    `scheme` says which national scheme it is, whatever the organisation calls it: funder reports count by it."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("nom"), max_length=200)
    scheme = models.CharField(_("type de dispositif"), max_length=20, choices=Scheme.choices, default=Scheme.OTHER)
    funder = models.CharField(_("financeur"), max_length=200, blank=True)
    active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("dispositif")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="programme_unique_code",
                violation_error_message=_("Un dispositif porte déjà ce code."),
            )
        ]

    def __str__(self):
        return self.name


class OutcomeCategory(models.TextChoices):
    """The outcome at the end of a measure as funders count it (DOMAIN R84); an outcome without one is unknown."""

    HOUSED_SOCIAL = "housed_social", _("Accès à un logement social")
    HOUSED_PRIVATE = "housed_private", _("Accès à un logement privé")
    HOUSED_SUPPORTED = "housed_supported", _("Accès à une résidence sociale ou une pension de famille")
    HOUSED = "housed", _("Accès au logement, type non précisé")
    MAINTAINED = "maintained", _("Maintien dans le logement")
    LEASE_SLID = "lease_slid", _("Glissement du bail")
    ORIENTED = "oriented", _("Orientation vers un autre dispositif")
    EVICTED = "evicted", _("Expulsion")
    STREET_OR_HOSTED = "street_or_hosted", _("Retour à la rue ou en hébergement")
    LOST_CONTACT = "lost_contact", _("Perte de contact")
    REFUSED = "refused", _("Refus de la personne")
    AFTER_DIAGNOSIS = "after_diagnosis", _("Fin après le diagnostic")


class MeasureOutcome(OrganisationScoped):
    """How a measure ended (accessed housing, kept housing…); a configurable list per organisation. Its
    `category` is how funders count it (empty: unknown, counted as such, never dropped)."""

    label = models.CharField(_("libellé"), max_length=200)
    category = models.CharField(
        _("catégorie pour les financeurs"), max_length=20, choices=OutcomeCategory.choices, blank=True
    )
    active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("issue de mesure")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "label"],
                name="measure_outcome_unique_label",
                violation_error_message=_("Cette issue existe déjà."),
            )
        ]

    def __str__(self):
        return self.label


class MeasureStatus(models.TextChoices):
    REQUESTED = support_rules.REQUESTED, _("Demandée")
    ACTIVE = support_rules.ACTIVE, _("En cours")
    SUSPENDED = support_rules.SUSPENDED, _("Suspendue")
    CLOSED = support_rules.CLOSED, _("Clôturée")


class Intensity(models.TextChoices):
    LIGHT = "light", _("Légère")
    MEDIUM = "medium", _("Moyenne")
    STRONG = "strong", _("Renforcée")


class EntrySituation(models.TextChoices):
    """Where the household lived when its measure began, in the values of the demand for social housing (SNE) that
    the Logement d'abord indicators use (DOMAIN-2 W37; the mapping to the SNE's codes is PARTIAL there)."""

    STREET = "street", _("Sans abri (à la rue)")
    MAKESHIFT = "makeshift", _("Habitat de fortune, squat, campement")
    HOTEL = "hotel", _("À l'hôtel")
    SHELTER = "shelter", _("Hébergé en structure (CHRS, centre d'hébergement, hébergement d'urgence)")
    THIRD_PARTY = "third_party", _("Hébergé chez un tiers (famille, amis)")
    FOYER = "foyer", _("En logement-foyer, résidence sociale ou pension de famille")
    INSTITUTION = "institution", _("Sortant d'institution (hôpital, prison, aide sociale à l'enfance)")
    SOCIAL_TENANT = "social_tenant", _("Locataire du parc social")
    PRIVATE_TENANT = "private_tenant", _("Locataire du parc privé")
    OWNER = "owner", _("Propriétaire occupant")
    OTHER = "other", _("Autre situation")


# « Sans domicile » as the Logement d'abord indicators count it (W37): without a home of one's own, in the street,
# in a makeshift shelter, at the hotel, in a shelter or hosted by a third party.
HOMELESS_AT_ENTRY = (
    EntrySituation.STREET,
    EntrySituation.MAKESHIFT,
    EntrySituation.HOTEL,
    EntrySituation.SHELTER,
    EntrySituation.THIRD_PARTY,
)


class SupportMeasure(Versioned, OrganisationScoped):
    """One household followed under one programme, from its start to its end."""

    version_audit_actions = ("measure.open", "measure.transition")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="measures")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, verbose_name=_("dispositif"))
    prescriber = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("prescripteur")
    )
    situation_at_entry = models.CharField(
        _("situation de logement à l'entrée"), max_length=16, choices=EntrySituation.choices, blank=True
    )
    start_date = models.DateField(_("début"))
    planned_end_date = models.DateField(_("fin prévue"), null=True, blank=True)
    intensity = models.CharField(_("intensité"), max_length=16, choices=Intensity.choices, default=Intensity.MEDIUM)
    status = models.CharField(_("statut"), max_length=16, choices=MeasureStatus.choices)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    end_reason = models.TextField(_("motif de fin"), blank=True)
    outcome = models.ForeignKey(
        MeasureOutcome, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("issue")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("mesure d'accompagnement")
        indexes = [models.Index(fields=["planned_end_date"], name="measure_planned_end")]  # measures ending soon
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end_date__isnull=True)
                | models.Q(planned_end_date__gte=models.F("start_date")),
                name="measure_planned_end_after_start",
                violation_error_message=_("La fin prévue ne peut pas précéder le début."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="closed", end_date__isnull=False)
                | (~models.Q(status="closed") & models.Q(end_date__isnull=True)),
                name="measure_end_date_iff_closed",
                violation_error_message=_("Une mesure clôturée a une date de fin, et seulement elle."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.household}"


class MeasureStatusChange(OrganisationScoped):
    """The log of a measure's transitions, one row per change (opening included)."""

    measure = models.ForeignKey(SupportMeasure, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=MeasureStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=MeasureStatus.choices)
    on_date = models.DateField(_("date"))
    comment = models.TextField(_("commentaire"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on_date", "created_at"]
        verbose_name = _("changement de statut")

    def __str__(self):
        return f"{self.measure} : {self.from_status or '∅'} → {self.to_status}"


class FollowUpSituation(models.TextChoices):
    """Where the household lives a year after the end of its support (DOMAIN-2 W35)."""

    SAME_HOUSING = "same_housing", _("Dans le même logement")
    OTHER_HOUSING = "other_housing", _("Relogé dans un autre logement")
    NO_HOUSING = "no_housing", _("Sans logement ou hébergé")
    UNKNOWN = "unknown", _("Situation inconnue (contact perdu)")


class MeasureFollowUp(OrganisationScoped):
    """The household's situation a year after the end of a measure (optional, W35): one per measure, recorded again
    if it is corrected."""

    measure = models.OneToOneField(SupportMeasure, on_delete=models.PROTECT, related_name="follow_up")
    observed_on = models.DateField(_("date du constat"))
    situation = models.CharField(_("situation"), max_length=16, choices=FollowUpSituation.choices)
    arrears_over_three_months = models.BooleanField(
        _("impayé de loyer de plus de trois mois"), null=True, blank=True
    )  # None: not known
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("situation à un an")

    def __str__(self):
        return f"{self.measure} : {self.get_situation_display()} ({self.observed_on})"


class InterventionKind(models.TextChoices):
    OFFICE_INTERVIEW = "office_interview", _("Entretien au bureau")
    HOME_VISIT = "home_visit", _("Visite à domicile")
    PHONE = "phone", _("Entretien téléphonique")
    ACCOMPANIMENT = "accompaniment", _("Accompagnement physique")
    ADMINISTRATIVE = "administrative", _("Démarche administrative")
    SYNTHESIS = "synthesis", _("Réunion de synthèse avec les partenaires")


class Intervention(OrganisationScoped):
    """One act of support for a household (entretien, VAD, démarche…), with its duration."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="interventions")
    measure = models.ForeignKey(
        SupportMeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("mesure"),
    )
    goal = models.ForeignKey(
        "PlanGoal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("objectif du projet"),
    )
    kind = models.CharField(_("type"), max_length=32, choices=InterventionKind.choices)
    occurred_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    back_office = models.BooleanField(
        _("hors présence de la personne"),
        default=False,
        help_text=_("Temps de travail sans la personne (back-office)."),
    )
    note = models.TextField(_("note"), blank=True)
    restricted = models.BooleanField(
        _("note confidentielle"),
        default=False,
        help_text=_("Visible seulement du référent, du chef de service et de la direction."),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("intervention")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    duration_minutes__gte=1, duration_minutes__lte=support_rules.MAX_INTERVENTION_MINUTES
                ),
                name="intervention_duration_range",
                violation_error_message=_("La durée doit être comprise entre 1 minute et 12 heures."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.occurred_on:%d/%m/%Y}"


class LifeArea(models.TextChoices):
    HOUSING = "housing", _("Logement")
    BUDGET = "budget", _("Budget et dettes")
    RIGHTS = "rights", _("Accès aux droits")
    HEALTH = "health", _("Santé")
    EMPLOYMENT = "employment", _("Emploi et formation")
    FAMILY = "family", _("Famille")
    DAILY_LIFE = "daily_life", _("Vie quotidienne")


class SupportPlan(OrganisationScoped):
    """The personalised plan co-written with the household (projet personnalisé), one per household."""

    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="support_plan")
    started_on = models.DateField(_("début du projet"))
    review_rhythm_months = models.PositiveSmallIntegerField(
        _("rythme des bilans (mois)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    next_review_on = models.DateField(_("prochain bilan"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("projet personnalisé")
        indexes = [models.Index(fields=["next_review_on"], name="plan_next_review")]  # reviews due soon

    def __str__(self):
        return f"Projet personnalisé — {self.household}"


class GoalStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    ACHIEVED = "achieved", _("Atteint")
    DROPPED = "dropped", _("Abandonné")


class PlanGoal(OrganisationScoped):
    """A goal of the plan in one life area; the person's own words stay as they said them."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="goals")
    life_area = models.CharField(_("domaine de vie"), max_length=16, choices=LifeArea.choices)
    title = models.TextField(_("objectif"))
    person_words = models.TextField(
        _("les mots de la personne"),
        blank=True,
        help_text=_("Ce que la personne dit de cet objectif, avec ses mots. Jamais réécrit ensuite."),
    )
    status = models.CharField(_("état"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("objectif du projet")

    def __str__(self):
        return self.title


class StepOwner(models.TextChoices):
    PERSON = "person", _("La personne")
    WORKER = "worker", _("Le travailleur social")
    PARTNER = "partner", _("Un partenaire")


class StepStatus(models.TextChoices):
    PENDING = "todo", _("À faire")
    DONE = "done", _("Fait")
    DROPPED = "dropped", _("Abandonné")


class PlanStep(OrganisationScoped):
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="steps")
    description = models.TextField(_("étape"))
    owner = models.CharField(_("qui le fait"), max_length=16, choices=StepOwner.choices)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partenaire")
    )
    due_on = models.DateField(_("pour le"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("étape")

    def __str__(self):
        return self.description


class PlanReview(OrganisationScoped):
    """A review (bilan) with the person: what moved, what next; it sets the next review date."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("date du bilan"))
    what_moved = models.TextField(_("ce qui a bougé"))
    what_next = models.TextField(_("la suite"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("bilan")

    def __str__(self):
        return f"Bilan du {self.held_on:%d/%m/%Y}"


class SignatureMethod(models.TextChoices):
    PAPER = "paper", _("Sur papier, en rendez-vous")
    HOME = "home", _("Sur papier, à domicile")
    ORAL = "oral", _("Accord oral, noté en présence de la personne")


class PlanSignature(OrganisationScoped):
    """When and how the printed plan was signed, and by whom."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="signatures")
    signed_on = models.DateField(_("signé le"))
    method = models.CharField(_("comment"), max_length=16, choices=SignatureMethod.choices)
    signatories = models.TextField(_("signataires"), help_text=_("Les noms des personnes qui ont signé."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        verbose_name = _("signature du projet")

    def __str__(self):
        return f"Signé le {self.signed_on:%d/%m/%Y}"


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Pièce d'identité")
    RESIDENCE_PERMIT = "residence_permit", _("Titre de séjour")
    TAX_NOTICE = "tax_notice", _("Avis d'imposition")
    LEASE = "lease", _("Bail")
    CAF_CERTIFICATE = "caf_certificate", _("Attestation CAF")
    PAYSLIP = "payslip", _("Justificatif de ressources")
    OTHER = "other", _("Autre")


def document_path(instance, filename):
    """A random name under the organisation: never the uploaded name, never a guessable path."""
    return f"documents/{instance.organisation_id}/{instance.pk}.{instance.extension}"


class Document(OrganisationScoped):
    """A file of a household's record, stored outside the static files, read only through a checked view."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("type de document"), max_length=32, choices=DocumentKind.choices)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    file = models.FileField(upload_to=document_path, max_length=255)
    content_type = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # An archived document leaves the household's list but is kept, readable from the archived documents page.
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.original_name}"


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("prévu")
    CANCELLED = "cancelled", _("annulé")
    ATTENDED = "attended", _("venu")
    MISSED = "missed", _("pas venu")


class Appointment(Versioned, OrganisationScoped):
    """A meeting of a worker, with a household or not; a worker's appointments never overlap (a cancelled one
    frees its slot and stays visible, struck through)."""

    version_audit_actions = ("appointment.update", "appointment.cancel", "appointment.attendance")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("avec")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("ménage"),
    )
    title = models.CharField(_("objet"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The household's reminder of the day before (e-mail and/or SMS), sent once.
    household_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED
    )
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("rendez-vous")
        indexes = [models.Index(fields=["worker", "starts_at"], name="appointment_worker_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
                violation_error_message=_("La fin du rendez-vous doit suivre son début."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED


class CalendarFeed(models.Model):
    """A user's private calendar address (ICS); only its hash is kept, and a new one revokes the old."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Agenda de {self.user}"


class SupportAgreement(Versioned, OrganisationScoped):
    """The support agreement of a measure (contrat d'accompagnement, DIPC): both sides' commitments.
    Once signed, it is not changed any more: a new measure brings a new agreement."""

    version_audit_actions = ("agreement.write", "agreement.sign")

    measure = models.OneToOneField(SupportMeasure, on_delete=models.PROTECT, related_name="agreement")
    household_commitments = models.TextField(_("ce que le ménage s'engage à faire"))
    association_commitments = models.TextField(_("ce que l'association s'engage à faire"))
    signed_on = models.DateField(_("signé le"), null=True, blank=True)
    signature_method = models.CharField(_("comment"), max_length=16, choices=SignatureMethod.choices, blank=True)
    signatories = models.TextField(_("signataires"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contrat d'accompagnement")

    def __str__(self):
        return f"Contrat — {self.measure}"
