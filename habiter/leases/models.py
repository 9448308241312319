"""Leases: the IRL table, head leases, management mandates, leases with households, sliding-lease reviews
and rent revisions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, TimeStamped
from habiter.core.versioning import Versioned
from habiter.housing.models import Building, Dwelling, Owner
from habiter.people.models import Household


class IrlZone(models.TextChoices):
    METROPOLE = "metropole", _("Métropole")
    DOM = "dom", _("Outre-mer (DOM)")
    CORSE = "corse", _("Corse")


class RentIndex(TimeStamped):
    """One quarterly value of the rent reference index published by INSEE (indice de référence des loyers)."""

    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(1998), MaxValueValidator(2200)])
    quarter = models.PositiveSmallIntegerField(_("trimestre"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    zone = models.CharField(_("zone"), max_length=10, choices=IrlZone.choices, default=IrlZone.METROPOLE)
    value = models.DecimalField(
        _("valeur"), max_digits=7, decimal_places=2, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    published_on = models.DateField(_("publié le"), null=True, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["-year", "-quarter", "zone"]
        verbose_name = _("indice de référence des loyers")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "zone"],
                name="irl_unique_quarter",
                violation_error_message=_("Cet indice est déjà saisi pour ce trimestre et cette zone."),
            )
        ]

    def __str__(self):
        return f"IRL T{self.quarter} {self.year} ({self.zone}) : {self.value}"


class HeadLeaseKind(models.TextChoices):
    LONG_LEASE = "long_lease", _("Bail emphytéotique")
    ORDINARY = "ordinary", _("Bail pour sous-louer")


class HeadLease(OrganisationScoped):
    """A lease the association holds as tenant: a long lease on a (town-owned) building, or an ordinary
    lease taken from an owner to sublet a dwelling."""

    kind = models.CharField(_("type"), max_length=20, choices=HeadLeaseKind.choices)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="head_leases", verbose_name=_("bailleur"))
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        related_name="head_leases",
        null=True,
        blank=True,
        verbose_name=_("immeuble"),
    )
    dwelling = models.ForeignKey(
        Dwelling,
        on_delete=models.PROTECT,
        related_name="head_leases",
        null=True,
        blank=True,
        verbose_name=_("logement"),
    )
    surface = models.DecimalField(
        _("surface louée (m²)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(1)]
    )
    rent = models.DecimalField(
        _("loyer hors charges (€/mois)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    charges = models.DecimalField(
        _("provision pour charges (€/mois)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    ended_on = models.DateField(_("résilié le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("bail principal")
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=False, dwelling__isnull=True)
                | Q(building__isnull=True, dwelling__isnull=False),
                name="head_lease_on_a_building_or_a_dwelling",
                violation_error_message=_("Un bail principal porte sur un immeuble ou sur un logement."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="head_lease_end_after_start",
                violation_error_message=_("La fin du bail ne peut pas précéder son début."),
            ),
        ]

    def __str__(self):
        target = self.dwelling or self.building
        return f"{self.get_kind_display()} — {target}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class ManagementMandate(OrganisationScoped):
    """A management mandate (mandat de gestion): the owner stays the landlord, the association manages."""

    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("mandant"))
    dwelling = models.ForeignKey(
        Dwelling, on_delete=models.PROTECT, related_name="mandates", verbose_name=_("logement")
    )
    fee_rate = models.DecimalField(
        _("honoraires (% des loyers encaissés)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    payout_iban = models.CharField(_("IBAN de reversement"), max_length=34)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("mandat de gestion")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mandate_end_after_start",
                violation_error_message=_("La fin du mandat ne peut pas précéder son début."),
            ),
        ]

    def __str__(self):
        return f"Mandat {self.owner} — {self.dwelling.reference}"


class LeaseKind(models.TextChoices):
    DIRECT = "direct", _("Bail direct")
    SUBLEASE = "sublease", _("Sous-location")
    MANDATE = "mandate", _("Bail sous mandat de gestion")


class LeaseStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    SIGNED = "signed", _("Signé")
    SLID = "slid", _("Glissé")
    ENDED = "ended", _("Terminé")
    CANCELLED = "cancelled", _("Abandonné")


class Guarantee(models.TextChoices):
    NONE = "", _("Aucune")
    VISALE = "visale", _("VISALE")
    FSL = "fsl", _("Garantie FSL")
    ASSOCIATION = "association", _("Garantie de l'association")
    OTHER = "other", _("Autre")


class Lease(Versioned, OrganisationScoped):
    """A household's lease of a dwelling: direct (the association or, after a slide, the owner is the landlord),
    a sublease of a head lease, or a lease under a management mandate."""

    version_audit_actions = (
        "lease.signed",
        "lease.ended",
        "lease.cancelled",
        "lease.slid",
        "sliding_review.record",
        "lease.charges_adjust",
    )

    kind = models.CharField(_("type de bail"), max_length=20, choices=LeaseKind.choices)
    status = models.CharField(_("statut"), max_length=20, choices=LeaseStatus.choices, default=LeaseStatus.DRAFT)
    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="leases", verbose_name=_("logement"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="leases", verbose_name=_("ménage"))
    landlord = models.ForeignKey(
        Owner,
        on_delete=models.PROTECT,
        related_name="leases_as_landlord",
        null=True,
        blank=True,
        verbose_name=_("bailleur"),
        help_text=_("Vide : l'association est le bailleur."),
    )
    head_lease = models.ForeignKey(
        HeadLease,
        on_delete=models.PROTECT,
        related_name="subleases",
        null=True,
        blank=True,
        verbose_name=_("bail principal"),
    )
    mandate = models.ForeignKey(
        ManagementMandate,
        on_delete=models.PROTECT,
        related_name="leases",
        null=True,
        blank=True,
        verbose_name=_("mandat"),
    )
    slid_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, related_name="slid_to", null=True, blank=True, verbose_name=_("glissé de")
    )
    sliding = models.BooleanField(_("bail glissant"), default=False)
    review_every_months = models.PositiveSmallIntegerField(
        _("rythme des bilans (mois)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    review_period_end = models.DateField(_("fin de la période d'examen"), null=True, blank=True)
    rent = models.DecimalField(
        _("loyer hors charges (€/mois)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    charges = models.DecimalField(
        _("provision pour charges (€/mois)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    payment_day = models.PositiveSmallIntegerField(
        _("jour de paiement"), default=5, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    deposit = models.DecimalField(
        _("dépôt de garantie (€)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    irl_quarter = models.PositiveSmallIntegerField(
        _("trimestre de référence IRL"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    irl_base_year = models.PositiveSmallIntegerField(
        _("année de l'indice de base"),
        help_text=_("L'indice du trimestre de référence de cette année sert de base à la prochaine révision."),
    )
    revision_anchor = models.DateField(
        _("date anniversaire de révision"),
        help_text=_("La révision a lieu chaque année à cette date anniversaire."),
    )
    guarantee = models.CharField(_("garantie"), max_length=20, choices=Guarantee.choices, blank=True)
    visale_number = models.CharField(_("numéro de visa VISALE"), max_length=40, blank=True)
    fsl_guarantee_reference = models.CharField(_("référence de la garantie FSL"), max_length=60, blank=True)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    signed_on = models.DateField(_("signé le"), null=True, blank=True)
    notice_given_on = models.DateField(_("congé donné le"), null=True, blank=True)
    # loi 89 art. 15 I: the tenant who gave notice owes the rent to its end (1 month instead of 3 when reduced),
    # unless a new tenant takes the dwelling earlier (`relet_on`)
    notice_reduced = models.BooleanField(_("préavis réduit à un mois"), default=False)
    relet_on = models.DateField(_("reloué à partir du"), null=True, blank=True)
    moved_out_on = models.DateField(_("départ le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("bail")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="lease_end_after_start",
                violation_error_message=_("La fin du bail ne peut pas précéder son début."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="sublease") | Q(head_lease__isnull=False),
                name="lease_sublease_has_head_lease",
                violation_error_message=_("Une sous-location s'appuie sur un bail principal."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="mandate") | Q(mandate__isnull=False),
                name="lease_mandate_has_mandate",
                violation_error_message=_("Un bail sous mandat s'appuie sur un mandat de gestion."),
            ),
        ]
        # On PostgreSQL an exclusion constraint (migration 0002) also forbids two leases of one dwelling
        # over the same days; the service checks it first, on every database, with a French message.

    def __str__(self):
        return f"{self.get_kind_display()} — {self.dwelling.reference} — {self.household}"

    @property
    def total_due(self):
        return self.rent + self.charges


class LeaseStatusChange(OrganisationScoped):
    """Each move of a lease along the transition table (signed, slid, ended…), dated and signed by its author."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=LeaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=LeaseStatus.choices)
    on_date = models.DateField(_("date"))
    comment = models.TextField(_("commentaire"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("changement de statut de bail")

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ReviewDecision(models.TextChoices):
    SLIDE = "slide", _("Glissement du bail")
    EXTEND = "extend", _("Prolongation de la période")
    END = "end", _("Fin de la sous-location")


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVED = "reserved", _("Réservé")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


class SlidingReview(OrganisationScoped):
    """A periodic adversarial review of a sliding lease (examen périodique, CCH L442-8-3): is the household
    ready to hold the lease in its own name?"""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("date du bilan"))
    worker_opinion = models.CharField(_("avis du travailleur social"), max_length=20, choices=Opinion.choices)
    worker_comment = models.TextField(_("commentaire du travailleur social"), blank=True)
    landlord_opinion = models.CharField(_("avis du bailleur"), max_length=20, choices=Opinion.choices)
    landlord_comment = models.TextField(_("commentaire du bailleur"), blank=True)
    decision = models.CharField(_("décision"), max_length=20, choices=ReviewDecision.choices)
    next_period_end = models.DateField(_("fin de la nouvelle période"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("bilan de bail glissant")

    def __str__(self):
        return f"{self.held_on} — {self.get_decision_display()}"


class RentRevision(OrganisationScoped):
    """An applied yearly rent revision (loi 89 art. 17-1): the indices used, the old and new rent."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="revisions")
    revision_date = models.DateField(_("date de révision"))
    effective_date = models.DateField(_("prend effet le"))
    base_index = models.ForeignKey(RentIndex, on_delete=models.PROTECT, related_name="+")
    new_index = models.ForeignKey(RentIndex, on_delete=models.PROTECT, related_name="+")
    old_rent = models.DecimalField(_("ancien loyer"), max_digits=12, decimal_places=2)
    new_rent = models.DecimalField(_("nouveau loyer"), max_digits=12, decimal_places=2)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-revision_date", "-created_at"]
        verbose_name = _("révision de loyer")
        constraints = [
            models.UniqueConstraint(
                fields=["lease", "revision_date"],
                name="rent_revision_once_a_year",
                violation_error_message=_("Ce bail est déjà révisé à cette date."),
            )
        ]

    def __str__(self):
        return f"{self.lease} : {self.old_rent} → {self.new_rent}"
