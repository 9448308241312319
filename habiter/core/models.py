"""Organisations, teams, users and their roles, the audit log and API tokens."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Direction")
    TEAM_LEAD = "team_lead", _("Chef·fe de service")
    SOCIAL_WORKER = "social_worker", _("Travailleur·se social·e")
    RENTAL_MANAGER = "rental_manager", _("Gestion locative")
    ACCOUNTANT = "accountant", _("Comptabilité")
    TECHNICIAN = "technician", _("Agent technique")
    RECEPTIONIST = "receptionist", _("Accueil")
    VOLUNTEER = "volunteer", _("Bénévole")
    HOST = "host", _("Hôte de pension de famille")
    LAWYER = "lawyer", _("Avocat·e (permanence juridique)")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits whose Luhn checksum holds (INSEE); spaces are removed before (the form does it)."""
    from django.core.exceptions import ValidationError

    if not (len(value) == 14 and value.isdigit()):
        raise ValidationError(_("Le SIRET compte 14 chiffres, sans lettre."), code="siret_format")
    if not luhn_valid(value):
        raise ValidationError(
            _("Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas) : vérifiez chaque chiffre."),
            code="siret_checksum",
        )


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum: from the right, every second digit doubled (minus 9 above 9); the sum ends in 0."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def organisation_logo_path(instance, filename):
    """A fixed name under the organisation: never the uploaded name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"logos/{instance.pk}/logo-{uuid.uuid4().hex[:8]}.{extension}"


class Organisation(TimeStamped):
    """A housing-insertion non-profit; every domain row belongs to one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("nom"), max_length=200, unique=True)
    # The letterhead of every PDF and letter (core/pdf_letterhead.html); the director fills it in (settings page).
    legal_name = models.CharField(_("raison sociale"), max_length=200, blank=True)
    address = models.TextField(_("adresse"), max_length=500, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    logo = models.FileField(_("logo"), upload_to=organisation_logo_path, max_length=255, blank=True)
    # The signatory of each kind of letter (LetterKind): a name and a title.
    arrears_signatory_name = models.CharField(_("signataire des relances d'impayés"), max_length=150, blank=True)
    arrears_signatory_title = models.CharField(_("fonction"), max_length=150, blank=True)
    rent_signatory_name = models.CharField(
        _("signataire des avis d'échéance et quittances"), max_length=150, blank=True
    )
    rent_signatory_title = models.CharField(_("fonction"), max_length=150, blank=True)
    support_signatory_name = models.CharField(
        _("signataire des documents d'accompagnement"), max_length=150, blank=True
    )
    support_signatory_title = models.CharField(_("fonction"), max_length=150, blank=True)
    owner_signatory_name = models.CharField(_("signataire des relevés aux propriétaires"), max_length=150, blank=True)
    owner_signatory_title = models.CharField(_("fonction"), max_length=150, blank=True)
    # The contrat d'engagement républicain, subscribed before any request of a public subsidy (DOMAIN-2 W31).
    cer_signed_on = models.DateField(_("contrat d'engagement républicain souscrit le"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("association")

    def __str__(self):
        return self.name

    def signatory(self, kind: str) -> dict:
        """The name and title that sign the letters of `kind` (a LetterKind value); empty strings when unset."""
        return {
            "name": getattr(self, f"{kind}_signatory_name", ""),
            "title": getattr(self, f"{kind}_signatory_title", ""),
        }


class LetterKind(models.TextChoices):
    """The kinds of letters and PDFs, each signed by the signatory the director names for it."""

    ARREARS = "arrears", _("Relances d'impayés et mises en demeure")
    RENT = "rent", _("Avis d'échéance, quittances, décomptes de charges, lettres de révision")
    SUPPORT = "support", _("Documents d'accompagnement (projet, contrat, diagnostic)")
    OWNER = "owner", _("Relevés aux propriétaires")


class OrganisationScoped(TimeStamped):
    """Base of every domain row: a UUID and the organisation it belongs to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, verbose_name=_("association"))

    class Meta:
        abstract = True


class Team(OrganisationScoped):
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("équipe")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="team_unique_name",
                violation_error_message=_("Une équipe porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name


class PartnerKind(models.TextChoices):
    SOCIAL_LANDLORD = "social_landlord", _("Bailleur social")
    PRIVATE_LANDLORD = "private_landlord", _("Bailleur privé")
    CCAS = "ccas", _("CCAS")
    MUNICIPALITY = "municipality", _("Commune ou intercommunalité")
    DEPARTEMENT = "departement", _("Département")
    STATE = "state", _("Services de l'État")
    SIAO = "siao", _("SIAO")
    HEALTH = "health", _("Santé")
    LEGAL = "legal", _("Accès au droit")
    EMPLOYMENT = "employment", _("Emploi et insertion")
    CULTURE = "culture", _("Culture et loisirs")
    ASSOCIATION = "association", _("Association")
    COMPANY = "company", _("Entreprise")
    OTHER = "other", _("Autre")


class Partner(OrganisationScoped):
    """An organisation the association works with (landlord, CCAS, Département, SIAO, health, legal, culture…).

    In `core` so that every app may point to it (a measure's prescriber, a desk visit's referral, a plan step's
    partner) while dependencies point down; `community` manages the partners, their contacts, agreements and seats
    (docs/adr/0036). The table keeps the name it had in `community`."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type de partenaire"), max_length=30, choices=PartnerKind.choices)
    address = models.TextField(_("adresse"), max_length=500, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    class Meta:
        db_table = "community_partner"
        ordering = ["name", "id"]
        verbose_name = _("partenaire")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="partner_unique_name",
                violation_error_message=_("Un partenaire porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A staff member or volunteer of one organisation, with exactly one role."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("association")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("équipe"))
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices, default=Role.SOCIAL_WORKER)
    # When the user's current second factor was confirmed; API tokens issued before it are refused until
    # re-issued (`services.api_token_authenticate`). Empty when the user has no second factor.
    mfa_confirmed_at = models.DateTimeField(_("double authentification activée le"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("utilisateur")

    def __str__(self):
        return self.get_full_name() or self.username


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who read or changed what, and when. Append-only: never updated or deleted by the application, except the
    rows past their retention, deleted by `services.audit_purge`; on PostgreSQL a trigger refuses UPDATE and any
    other DELETE (migrations 0002, 0009)."""

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    household_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="audit_org_time"),
            models.Index(fields=["household_id", "-created_at"], name="audit_household_time"),
            # who changed a row last, for the message of a refused stale save (core.versioning)
            models.Index(fields=["object_id", "-created_at"], name="audit_object_time"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 hash is stored; the owner lists and revokes them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    key_prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class LegalStatus(models.TextChoices):
    CONFIRMED = "CONFIRMED", _("Confirmé")
    PARTIAL = "PARTIAL", _("Partiel")
    UNCONFIRMED = "UNCONFIRMED", _("À confirmer")


class Territory(models.TextChoices):
    """Where the dwelling is, as the law distinguishes it: Corsica follows the mainland's rules but has its own
    IRL series; the overseas departments (art. 73 of the Constitution) have their own series and calendars."""

    METROPOLE = "metropole", _("France métropolitaine (hors Corse)")
    CORSE = "corse", _("Corse")
    DOM = "dom", _("Outre-mer (départements)")


class LegalParameter(TimeStamped):
    """A number or date the law sets, valid over a period, with its source (DOMAIN.md §10).

    The rules read these instead of constants: when the law changes, a new row with a new `valid_from` is
    added and the old one is closed, so past computations stay explainable. Seeded from
    `habiter/core/legal_parameters.csv`; directors change them on the legal parameters page.
    """

    key = models.CharField(_("clé"), max_length=80)
    territory = models.CharField(_("territoire"), max_length=20, choices=Territory.choices, default=Territory.METROPOLE)
    value = models.CharField(_("valeur"), max_length=200)
    valid_from = models.DateField(_("valable à partir du"), null=True, blank=True)
    valid_to = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=LegalStatus.choices)
    rule = models.CharField(_("règle"), max_length=40, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    label = models.CharField(_("libellé"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["key", "territory", "valid_from"]
        verbose_name = _("paramètre légal")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "territory", "valid_from"],
                condition=models.Q(valid_from__isnull=False),
                name="legal_parameter_unique_start",
                violation_error_message=_("Ce paramètre a déjà une valeur à partir de cette date."),
            ),
            models.UniqueConstraint(
                fields=["key", "territory"],
                condition=models.Q(valid_from__isnull=True),
                name="legal_parameter_unique_open_start",
                violation_error_message=_("Ce paramètre a déjà une valeur sans date de début."),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="legal_parameter_period",
                violation_error_message=_("La fin de validité ne peut pas précéder son début."),
            ),
        ]

    def __str__(self):
        return f"{self.key} ({self.territory}) = {self.value}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of a background worker process (`manage.py worker`), written every few seconds by
    the worker itself; the readiness check and the resumption of abandoned runs read it. A technical row, like a
    session: neither a user's action nor journaled."""

    worker_id = models.CharField(_("travailleur"), max_length=64, primary_key=True)
    hostname = models.CharField(_("machine"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("processus"), default=0)
    started_at = models.DateTimeField(_("démarré le"), default=timezone.now)
    seen_at = models.DateTimeField(_("vu le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("signe de vie d'un travailleur de fond")

    def __str__(self):
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class TaskLease(models.Model):
    """A background run held by the process doing it (`habiter.core.background`): the task to enqueue again and
    its arguments, which worker holds it and when it last showed progress. A run whose lease is not renewed for
    `HABITER_TASK_STALE_SECONDS` (its worker died) is enqueued again by a living worker; a finished run deletes
    its lease."""

    key = models.CharField(_("clé"), max_length=120, primary_key=True)
    task_path = models.CharField(_("tâche"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    worker_id = models.CharField(_("travailleur"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)

    class Meta:
        verbose_name = _("exécution de fond en cours")

    def __str__(self):
        return f"{self.key} ({self.worker_id or '-'}, {self.attempts})"
