"""The partners' contacts, the agreements signed with them and the association's seats in partner bodies
(DOMAIN-2 §C, issue 17); the partners themselves live in core (ADR 0036)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Partner


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


# The renewal notice of an agreement, in days: three months by habit; from one day to two years.
AGREEMENT_NOTICE_DEFAULT_DAYS = 90
AGREEMENT_NOTICE_MAX_DAYS = 730


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
    # How many days before the renewal date (or, without one, the end) the renewal alert rises: each partner sets its
    # own préavis in the agreement (three months by habit, no legal text). `rules.agreement_status` takes it.
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("préavis de renouvellement (jours)"), default=AGREEMENT_NOTICE_DEFAULT_DAYS
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
            models.CheckConstraint(
                condition=models.Q(renewal_notice_days__gte=1, renewal_notice_days__lte=AGREEMENT_NOTICE_MAX_DAYS),
                name="agreement_renewal_notice_range",
                violation_error_message=_("Le préavis de renouvellement va de 1 à 730 jours."),
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
