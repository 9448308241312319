"""The housing stock: owners, buildings, dwellings, the captation pipeline, maintenance and inspections."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Territory
from habiter.core.versioning import Versioned
from habiter.people.models import Household

from . import rules as housing_rules


class OwnerKind(models.TextChoices):
    PRIVATE = "private", _("Particulier")
    COMPANY = "company", _("Société")
    SOCIAL_LANDLORD = "social_landlord", _("Bailleur social")
    TOWN = "town", _("Commune")
    ASSOCIATION = "association", _("L'association elle-même")


class Owner(Versioned, OrganisationScoped):
    """Who owns a dwelling: a private person, a company, a social landlord, a town — or the association."""

    version_audit_actions = ("owner.update",)

    kind = models.CharField(_("type"), max_length=20, choices=OwnerKind.choices, default=OwnerKind.PRIVATE)
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, help_text=_("Vérifié par sa clé de contrôle."))
    notes = models.TextField(_("remarques"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("propriétaire")

    def __str__(self):
        return self.name

    @property
    def iban_display(self) -> str:
        return housing_rules.format_iban(self.iban)


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("Courriel")
    MEETING = "meeting", _("Rencontre")
    LETTER = "letter", _("Courrier")


class OwnerContact(OrganisationScoped):
    """One exchange with an owner: the contact history of the rental manager."""

    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="contacts")
    occurred_on = models.DateField(_("date"))
    channel = models.CharField(_("moyen"), max_length=20, choices=ContactChannel.choices)
    summary = models.TextField(_("compte rendu"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("contact avec un propriétaire")

    def __str__(self):
        return f"{self.owner} — {self.occurred_on}"


class Building(Versioned, OrganisationScoped):
    """A building holding several dwellings (a town-owned building on a long lease, a boarding house…)."""

    version_audit_actions = ("building.update",)

    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("commune"), max_length=100)
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="buildings", null=True, blank=True, verbose_name=_("propriétaire")
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("immeuble")

    def __str__(self):
        return self.name


class EnergyClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"
    G = "G", "G"


class RentCapScheme(models.TextChoices):
    NONE = "", _("Aucun")
    LOC1 = "loc1", _("Loc'Avantages Loc1")
    LOC2 = "loc2", _("Loc'Avantages Loc2")
    LOC3 = "loc3", _("Loc'Avantages Loc3")
    ANAH_OTHER = "anah", _("Autre convention Anah")


class Dwelling(Versioned, OrganisationScoped):
    """A dwelling of the stock, with its energy class: the decency calendar and the rent freeze follow it."""

    version_audit_actions = ("dwelling.update",)

    reference = models.CharField(_("référence"), max_length=60)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="dwellings", verbose_name=_("propriétaire"))
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="dwellings", null=True, blank=True, verbose_name=_("immeuble")
    )
    address = models.CharField(_("adresse"), max_length=300)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("commune"), max_length=100)
    territory = models.CharField(_("territoire"), max_length=20, choices=Territory.choices, default=Territory.METROPOLE)
    surface = models.DecimalField(
        _("surface (m²)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    rooms = models.PositiveSmallIntegerField(_("pièces"), validators=[MinValueValidator(1), MaxValueValidator(50)])
    floor = models.SmallIntegerField(
        _("étage"), null=True, blank=True, validators=[MinValueValidator(-5), MaxValueValidator(100)]
    )
    furnished = models.BooleanField(_("meublé"), default=False)
    energy_class = models.CharField(_("classe énergie (DPE)"), max_length=1, choices=EnergyClass.choices, blank=True)
    energy_kwh = models.PositiveIntegerField(
        _("consommation (kWh/m²/an)"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    rent_cap_scheme = models.CharField(
        _("conventionnement"), max_length=10, choices=RentCapScheme.choices, blank=True, default=RentCapScheme.NONE
    )
    rent_cap_ceiling = models.DecimalField(
        _("plafond de loyer (€/mois)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    decency_checked_on = models.DateField(_("décence vérifiée le"), null=True, blank=True)

    class Meta:
        ordering = ["city", "reference", "id"]
        verbose_name = _("logement")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="dwelling_unique_reference",
                violation_error_message=_("Un logement porte déjà cette référence."),
            )
        ]

    def __str__(self):
        return f"{self.reference} — {self.address}, {self.city}"


class ProspectStage(models.TextChoices):
    IDENTIFIED = "identified", _("Repéré")
    CONTACTED = "contacted", _("Contacté")
    VISITED = "visited", _("Visité")
    WORKS_ASSESSED = "works_assessed", _("Travaux évalués")
    OFFER_MADE = "offer_made", _("Offre faite")
    SIGNED = "signed", _("Signé")
    DROPPED = "dropped", _("Abandonné")


class GuaranteeOffer(models.TextChoices):
    NONE = "", _("—")
    ASSOCIATION_LEASE = "association_lease", _("Bail à l'association")
    VISALE = "visale", _("VISALE")
    MANDATE = "mandate", _("Mandat de gestion")


class DropReason(models.TextChoices):
    NONE = "", _("—")
    OWNER_REFUSED = "owner_refused", _("Refus du propriétaire")
    WORKS_TOO_COSTLY = "works_too_costly", _("Travaux trop coûteux")
    INDECENT = "indecent", _("Logement indécent")
    SOLD = "sold", _("Logement vendu")
    RENT_TOO_HIGH = "rent_too_high", _("Loyer trop élevé")
    OTHER = "other", _("Autre")


class Prospect(OrganisationScoped):
    """A dwelling the association tries to win from its owner (captation), moved along the pipeline."""

    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="prospects", verbose_name=_("propriétaire"))
    dwelling = models.ForeignKey(
        Dwelling, on_delete=models.PROTECT, related_name="prospects", verbose_name=_("logement")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chargé·e de captation")
    )
    stage = models.CharField(_("étape"), max_length=20, choices=ProspectStage.choices, default=ProspectStage.IDENTIFIED)
    stage_since = models.DateField(_("à cette étape depuis"))
    market_rent = models.DecimalField(
        _("loyer de marché (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    offered_rent = models.DecimalField(
        _("loyer proposé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    guarantee = models.CharField(_("garantie proposée"), max_length=20, choices=GuaranteeOffer.choices, blank=True)
    works_estimate = models.DecimalField(
        _("travaux estimés (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    drop_reason = models.CharField(_("motif d'abandon"), max_length=20, choices=DropReason.choices, blank=True)
    notes = models.TextField(_("remarques"), blank=True)

    class Meta:
        ordering = ["-stage_since", "-created_at"]
        verbose_name = _("prospect")

    def __str__(self):
        return f"{self.dwelling.reference} ({self.get_stage_display()})"


class ProspectStageChange(OrganisationScoped):
    """Each move of a prospect, dated: time in stage and conversion are computed from these."""

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=ProspectStage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=ProspectStage.choices)
    on_date = models.DateField(_("date"))
    comment = models.TextField(_("commentaire"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on_date", "created_at"]
        verbose_name = _("étape de captation")

    def __str__(self):
        return f"{self.from_stage} → {self.to_stage}"


class TicketStatus(models.TextChoices):
    OPEN = housing_rules.TICKET_OPEN, _("Signalée")
    ASSIGNED = housing_rules.TICKET_ASSIGNED, _("Attribuée")
    IN_PROGRESS = housing_rules.TICKET_IN_PROGRESS, _("En cours")
    DONE = housing_rules.TICKET_DONE, _("Terminée")
    CANCELLED = housing_rules.TICKET_CANCELLED, _("Annulée")


class Urgency(models.TextChoices):
    LOW = "low", _("Peut attendre")
    NORMAL = "normal", _("Normale")
    URGENT = "urgent", _("Urgente")


class Reporter(models.TextChoices):
    TENANT = "tenant", _("Locataire")
    WORKER = "worker", _("Travailleur social")
    TECHNICIAN = "technician", _("Agent technique")
    MANAGER = "manager", _("Gestion locative")


class MaintenanceTicket(Versioned, OrganisationScoped):
    """A repair to be made in a dwelling, from the report to its closing, with its cost."""

    version_audit_actions = ("ticket.update",)

    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("logement"))
    title = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    reported_by = models.CharField(_("signalé par"), max_length=20, choices=Reporter.choices)
    reported_on = models.DateField(_("signalé le"))
    urgency = models.CharField(_("urgence"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("statut"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("agent technique"),
    )
    contractor = models.CharField(_("entreprise"), max_length=200, blank=True)
    cost = models.DecimalField(
        _("coût (€)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    closed_on = models.DateField(_("terminée le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reported_on", "-created_at"]
        verbose_name = _("demande d'intervention technique")

    def __str__(self):
        return self.title


def photo_path(instance, filename):
    """A random name under the organisation: never the uploaded name."""
    return f"photos/{instance.organisation_id}/{instance.pk}.{instance.extension}"


class Photo(OrganisationScoped):
    """A photo of a ticket or of a room at an inspection, checked to be an image, read through a checked view."""

    ticket = models.ForeignKey(MaintenanceTicket, on_delete=models.PROTECT, related_name="photos", null=True)
    room = models.ForeignKey("InspectionRoom", on_delete=models.PROTECT, related_name="photos", null=True)
    file = models.FileField(upload_to=photo_path, max_length=255)
    content_type = models.CharField(max_length=32)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("photo")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False, room__isnull=True)
                | models.Q(ticket__isnull=True, room__isnull=False),
                name="photo_of_a_ticket_or_a_room",
                violation_error_message=_("Une photo illustre une demande ou une pièce."),
            )
        ]

    def __str__(self):
        return str(self.pk)


class InspectionKind(models.TextChoices):
    CHECK_IN = "check_in", _("État des lieux d'entrée")
    CHECK_OUT = "check_out", _("État des lieux de sortie")


class Inspection(OrganisationScoped):
    """A check-in or check-out inventory of a dwelling (état des lieux), room by room."""

    dwelling = models.ForeignKey(
        Dwelling, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("logement")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("ménage")
    )
    kind = models.CharField(_("type"), max_length=20, choices=InspectionKind.choices)
    done_on = models.DateField(_("date"))
    keys_returned_on = models.DateField(_("clés rendues le"), null=True, blank=True)
    check_in = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("entrée comparée")
    )
    comment = models.TextField(_("observations"), blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-done_on", "-created_at"]
        verbose_name = _("état des lieux")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.done_on}"


class Condition(models.TextChoices):
    NEW = "new", _("Neuf")
    GOOD = "good", _("Bon état")
    FAIR = "fair", _("État d'usage")
    POOR = "poor", _("Mauvais état")
    UNUSABLE = "unusable", _("Hors d'usage")


class InspectionRoom(OrganisationScoped):
    """One room of an inspection and its condition."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="rooms")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("pièce"), max_length=100)
    condition = models.CharField(_("état"), max_length=20, choices=Condition.choices)
    comment = models.TextField(_("observations"), blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("pièce")

    def __str__(self):
        return self.name
