"""Households, their members, the concerns panorama and case notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Team
from habiter.core.versioning import Versioned

from . import rules as people_rules


def validate_phone(value):
    if value and not people_rules.is_valid_french_phone(value):
        raise ValidationError(
            _("Numéro de téléphone invalide : 10 chiffres commençant par 0 (ex. 06 12 34 56 78) ou +33…"),
            code="invalid_phone",
        )


def validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("La date ne peut pas être dans le futur."), code="future_date")


validate_postal_code = RegexValidator(
    r"^\d{5}$", _("Le code postal doit comporter 5 chiffres (ex. 13001)."), code="invalid_postal_code"
)


class ConcernCategory(OrganisationScoped):
    """A family of social concerns (the seed's "panorama des problématiques sociales"); configurable."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("nom"), max_length=200)
    restricted = models.BooleanField(
        _("confidentiel"),
        default=False,
        help_text=_("Visible seulement du référent, du chef de service et de la direction (santé)."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("catégorie de problématiques")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="concern_category_unique_code",
                violation_error_message=_("Une catégorie porte déjà ce code."),
            )
        ]

    def __str__(self):
        return self.name


class Concern(OrganisationScoped):
    category = models.ForeignKey(
        ConcernCategory, on_delete=models.PROTECT, related_name="concerns", verbose_name=_("catégorie")
    )
    label = models.CharField(_("libellé"), max_length=200)
    active = models.BooleanField(_("en usage"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["category__position", "position", "label"]
        verbose_name = _("problématique")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "label"],
                name="concern_unique_label",
                violation_error_message=_("Cette problématique existe déjà dans la catégorie."),
            )
        ]

    def __str__(self):
        return f"{self.category.name} — {self.label}"

    @property
    def restricted(self) -> bool:
        return self.category.restricted


class Household(Versioned, OrganisationScoped):
    """The unit that is accompanied and housed (ménage)."""

    version_audit_actions = ("household.update",)

    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("équipe"))
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referent_households",
        verbose_name=_("référent"),
    )
    name = models.TextField(_("nom du ménage"))
    address = models.TextField(_("adresse"), blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True, validators=[validate_postal_code])
    city = models.TextField(_("commune"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("courriel"), blank=True)
    sms_consent = models.BooleanField(
        _("accepte les rappels par SMS"),
        default=False,
        help_text=_("Le ménage a donné son accord pour recevoir les rappels de rendez-vous par SMS."),
    )
    concerns = models.ManyToManyField(Concern, blank=True, related_name="households", verbose_name=_("problématiques"))
    # Derived, for accent- and case-insensitive search on every database; kept by the services.
    search_text = models.TextField(default="", editable=False)
    search_phones = models.TextField(default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("ménage")
        indexes = [
            models.Index(fields=["organisation", "team", "name"], name="household_scope_name"),
            # A worker's households, latest first (home page).
            models.Index(fields=["referent", "-updated_at"], name="household_referent_recent"),
        ]

    def __str__(self):
        return self.name


class Relation(models.TextChoices):
    HEAD = "head", _("Personne de référence")
    SPOUSE = "spouse", _("Conjoint·e")
    CHILD = "child", _("Enfant")
    RELATIVE = "relative", _("Autre parent")
    OTHER = "other", _("Autre")


class Sex(models.TextChoices):
    """A person's sex as the public statistics ask it: « Femme » or « Homme »; blank is « non renseigné »."""

    FEMALE = "f", _("Femme")
    MALE = "m", _("Homme")


class Person(Versioned, OrganisationScoped):
    """A member of a household (personne accompagnée).

    `sex` is collected for the statistics the association owes, and only for them: the DREES ES-DS survey, a legal
    duty whose anonymous rows give each resident's sex (DOMAIN-2 W33), and the boarding houses' annual report, which
    counts the residents by sex and age (W34). Minimisation (GDPR art. 5.1.c): it is optional everywhere, never
    required, and blank stays « non renseigné » (counted as such, never guessed); no other value is offered than
    the two the statistics count."""

    version_audit_actions = ("person.update",)

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    first_name = models.TextField(_("prénom"))
    last_name = models.TextField(_("nom"))
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True, validators=[validate_not_future])
    sex = models.CharField(
        _("sexe"),
        max_length=1,
        choices=Sex.choices,
        blank=True,
        default="",
        help_text=_(
            "Facultatif. Sert seulement aux statistiques dues : l'enquête ES-DS de la DREES et le rapport annuel des "
            "pensions de famille."
        ),
    )
    relation = models.CharField(_("lien avec la personne de référence"), max_length=16, choices=Relation.choices)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("courriel"), blank=True)
    nationality = models.TextField(_("nationalité"), blank=True)
    residence_permit_expiry = models.DateField(_("fin du titre de séjour"), null=True, blank=True)
    identity_key = models.TextField(default="", editable=False)

    class Meta:
        ordering = ["birth_date", "last_name", "first_name"]
        verbose_name = _("personne")
        indexes = [models.Index(fields=["organisation", "identity_key", "birth_date"], name="person_identity")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def summary(self) -> str:
        """Name and birth date, as the search results show them."""
        return person_summary(self.first_name, self.last_name, self.birth_date)


def person_summary(first_name: str, last_name: str, birth_date) -> str:
    """ "Anna Mercier (12/03/1985)", or the name alone without a birth date."""
    if birth_date:
        return f"{first_name} {last_name} ({birth_date:%d/%m/%Y})"
    return f"{first_name} {last_name}"


class HouseholdNote(OrganisationScoped):
    """A dated case note. Restricted notes (health…) are for the referent, team lead and director only."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    restricted = models.BooleanField(
        _("note confidentielle"),
        default=False,
        help_text=_("Visible seulement du référent, du chef de service et de la direction."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")

    def __str__(self):
        return f"{self.household} — {self.created_at:%d/%m/%Y}"
