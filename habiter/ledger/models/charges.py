"""The annual regularisation of recoverable charges (régularisation des charges, R16–R18): for a building or a
dwelling and a period, the actual recoverable charges by nature against the provisions called on the leases that
ran then; each tenant's statement (décompte), then the balances posted."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.housing.models import Building, Dwelling
from habiter.leases.models import Lease

from .entries import Transaction


class ChargeNature(models.TextChoices):
    """The recoverable charges of the décret n° 87-713 du 26 août 1987 (R16), by the headings of its annex."""

    WATER = "water", _("Eau froide et eau chaude")
    HEATING = "heating", _("Chauffage collectif et production d'eau chaude")
    ELEVATOR = "elevator", _("Ascenseur")
    COMMON_ELECTRICITY = "common_electricity", _("Électricité des parties communes")
    CLEANING = "cleaning", _("Entretien et nettoyage des parties communes")
    GREEN_SPACES = "green_spaces", _("Espaces verts")
    CARETAKER = "caretaker", _("Gardiennage (part récupérable)")
    WASTE_TAX = "waste_tax", _("Taxe d'enlèvement des ordures ménagères (TEOM)")
    OTHER = "other", _("Autres charges récupérables (décret n° 87-713)")


class RegularisationStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    SENT = "sent", _("Décomptes envoyés")
    POSTED = "posted", _("Soldes passés")


class ChargeRegularisation(OrganisationScoped):
    """One regularisation of a building's or a dwelling's recoverable charges over a period (usually a calendar
    year). Its lines are computed when it is prepared; its status moves along `rules.REGULARISATION_TRANSITIONS`."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("immeuble")
    )
    dwelling = models.ForeignKey(
        Dwelling, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("logement")
    )
    label = models.CharField(_("immeuble ou logement"), max_length=300)
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    surface = models.DecimalField(_("surface répartie (m²)"), max_digits=9, decimal_places=2)
    status = models.CharField(
        _("état"), max_length=10, choices=RegularisationStatus.choices, default=RegularisationStatus.DRAFT
    )
    statements_sent_on = models.DateField(_("décomptes envoyés le"), null=True, blank=True)
    posted_on = models.DateField(_("soldes passés le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period_end", "label"]
        verbose_name = _("régularisation des charges")
        constraints = [
            models.CheckConstraint(
                condition=Q(building__isnull=True, dwelling__isnull=False)
                | Q(building__isnull=False, dwelling__isnull=True),
                name="ledger_regularisation_building_or_dwelling",
                violation_error_message=_("Une régularisation porte sur un immeuble ou sur un logement."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="ledger_regularisation_period",
                violation_error_message=_("La fin de la période suit son début."),
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"

    @property
    def total(self):
        return sum((expense.amount for expense in self.expenses.all()), Decimal("0.00"))


class ChargeExpense(models.Model):
    """The actual recoverable charges of one nature over the regularisation's period."""

    id = models.BigAutoField(primary_key=True)
    regularisation = models.ForeignKey(ChargeRegularisation, on_delete=models.CASCADE, related_name="expenses")
    nature = models.CharField(_("nature"), max_length=20, choices=ChargeNature.choices)
    amount = models.DecimalField(_("montant réel"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("charge réelle")
        constraints = [
            models.UniqueConstraint(fields=["regularisation", "nature"], name="ledger_expense_nature_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_expense_positive"),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} {self.amount}"


class ChargeRegularisationLine(models.Model):
    """One lease's part of a regularisation, its names and address copied for the statement: the days it ran in
    the period, the provisions called on it then (read from its rent calls), its share of the actual charges and,
    once posted, the entry and, on the tenant's request, the twelve monthly instalments of a balance due."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    regularisation = models.ForeignKey(ChargeRegularisation, on_delete=models.CASCADE, related_name="lines")
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="charge_regularisations")
    tenant_names = models.CharField(_("locataires"), max_length=300)
    dwelling_reference = models.CharField(_("logement"), max_length=60)
    dwelling_address = models.TextField(_("adresse du logement"))
    surface = models.DecimalField(_("surface (m²)"), max_digits=7, decimal_places=2)
    days = models.PositiveIntegerField(_("jours d'occupation"))
    provisions = models.DecimalField(_("provisions appelées"), max_digits=12, decimal_places=2)
    share = models.DecimalField(_("charges réelles (quote-part)"), max_digits=12, decimal_places=2)
    spread = models.BooleanField(_("solde payé en douze mensualités"), default=False)
    new_provision = models.DecimalField(
        _("nouvelle provision mensuelle"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="charge_regularisation_line"
    )

    class Meta:
        ordering = ["dwelling_reference", "id"]
        verbose_name = _("décompte de régularisation des charges")
        constraints = [
            models.UniqueConstraint(fields=["regularisation", "lease"], name="ledger_regularisation_lease_once")
        ]

    def __str__(self):
        return f"{self.dwelling_reference} {self.tenant_names}"

    @property
    def balance(self):
        return self.share - self.provisions


class ChargeInstalment(models.Model):
    """What a tenant is asked to pay of a balance due: the whole balance with the next rent (one instalment), or
    one of twelve monthly instalments when the tenant asked to pay it par douzième (R17). Payments settle them
    with the rent calls, by due date (`rent.services.allocate_payments`)."""

    id = models.BigAutoField(primary_key=True)
    line = models.ForeignKey(ChargeRegularisationLine, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("numéro"))
    due_date = models.DateField(_("échéance"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["number"]
        verbose_name = _("mensualité de régularisation")
        constraints = [models.UniqueConstraint(fields=["line", "number"], name="ledger_charge_instalment_once")]

    def __str__(self):
        return f"{self.number} {self.due_date:%d/%m/%Y} {self.amount}"
