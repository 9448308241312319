"""Volunteers, their missions, hours and the charter they sign (DOMAIN-2 W22–W30, docs/adr/0029)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped


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
