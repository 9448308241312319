"""The double-entry ledger itself: accounts, transactions and their lines, closed months.

An `Account` belongs to the organisation (bank, CAF, rent income…), to one lease (the tenant's account) or to an
owner under a management mandate. A `Transaction` is a dated entry made of `Line`s whose amounts sum to zero (debit
positive, credit negative). Transactions and lines are append-only: a mistake is corrected by a reversing
transaction linked to the original (`reversal_of`). On PostgreSQL, triggers refuse UPDATE and DELETE and check at
commit that every transaction balances (migration 0002). Only `habiter.ledger.entries` writes them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.housing.models import Owner
from habiter.leases.models import Lease
from habiter.residences.models import ResidenceContract

MONEY = models.DecimalField(max_digits=12, decimal_places=2)
ZERO = models.Value(0, output_field=MONEY)


def money_sum(expression, **extra):
    """A sum of amounts rounded to the cent by the database: exact on PostgreSQL; on SQLite, which keeps decimals
    as approximate binary numbers, the rounding removes their error before the sum is compared or returned."""
    return Round(Coalesce(Sum(expression, **extra), ZERO), 2, output_field=MONEY)


class AppendOnly(PermissionError):
    """A ledger row was about to be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Les écritures comptables ne se modifient pas : passez une contre-passation.")

    def delete(self):
        raise AppendOnly("Les écritures comptables ne se suppriment pas : passez une contre-passation.")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Les écritures comptables ne se modifient pas : passez une contre-passation.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Les écritures comptables ne se suppriment pas : passez une contre-passation.")


class AccountKind(models.TextChoices):
    TENANT = "tenant", _("Locataire")
    RESIDENT = "resident", _("Résident (contrat de résidence)")
    OWNER = "owner", _("Propriétaire (mandant)")
    BANK = "bank", _("Banque")
    TO_BANK = "to_bank", _("Encaissements à rapprocher du relevé")
    FROM_BANK = "from_bank", _("Décaissements à rapprocher du relevé")
    CAF = "caf", _("CAF (tiers payant)")
    FSL = "fsl", _("FSL")
    VISALE = "visale", _("VISALE")
    ASSOCIATION_ADVANCE = "association_advance", _("Avances de l'association")
    RENT_INCOME = "rent_income", _("Loyers")
    CHARGES_INCOME = "charges_income", _("Charges récupérées")
    CHARGE_PROVISIONS = "charge_provisions", _("Provisions pour charges appelées")
    FEES = "fees", _("Honoraires de gestion")
    DEPOSITS_HELD = "deposits_held", _("Dépôts de garantie reçus")
    MANDATE_DEPOSITS_HELD = "mandate_deposits_held", _("Dépôts de garantie détenus pour les mandants")
    VAT_COLLECTED = "vat_collected", _("TVA collectée")
    DEPOSIT_RETENTIONS = "deposit_retentions", _("Retenues sur dépôts de garantie")
    DEPOSIT_PENALTIES = "deposit_penalties", _("Majorations de retard de restitution")
    SUPPLIERS = "suppliers", _("Fournisseurs")
    REDEVANCE_RENT_INCOME = "redevance_rent_income", _("Redevances — équivalence de loyer")
    REDEVANCE_CHARGES_INCOME = "redevance_charges_income", _("Redevances — charges forfaitaires")
    REDEVANCE_SERVICES_INCOME = "redevance_services_income", _("Redevances — prestations")


# Accounts every organisation has once, created on first use, with their code in the French chart of accounts
# (plan comptable général as amended by règlement ANC 2022-06, in force from 2025). docs/GLOSSARY.md lists each
# account with its use.
ORGANISATION_ACCOUNTS = {
    # moves only with the bank's own lines (a bank line matched or cleared): its balance is the bank's
    AccountKind.BANK: ("512000", _("Banque")),
    # money recorded by hand (a cheque, a transfer seen before the statement) waits here for its bank line
    AccountKind.TO_BANK: ("511200", _("Encaissements à rapprocher du relevé bancaire")),
    # money the association pays out (a deposit refunded, an owner's payout, a supplier paid, a late penalty) waits
    # here for its bank line, the mirror of 511 for receipts: 58 "virements internes" is the class-5 transit account
    # of the chart, nil once each operation is through; not a third party's account (401, 467, 165 are settled the
    # day the association orders the payment), and kept with the cash accounts in the balance sheet
    AccountKind.FROM_BANK: ("580000", _("Virements internes — décaissements à rapprocher du relevé bancaire")),
    # third parties that pay rent for tenants: 467 (other debtors and creditors), never 441 (State subsidies):
    # each is a clearing account between the bank line of its transfer and the tenants it pays for
    AccountKind.CAF: ("467200", _("CAF — aides au logement en tiers payant")),
    AccountKind.FSL: ("467300", _("FSL — aides à recevoir")),
    AccountKind.VISALE: ("467400", _("VISALE (Action Logement) — garanties à recevoir")),
    # rent the association advances (while the FSL decides): a receivable, cleared by the FSL or the household
    AccountKind.ASSOCIATION_ADVANCE: ("467100", _("Avances de loyer de l'association à recouvrer")),
    AccountKind.RENT_INCOME: ("706100", _("Loyers appelés")),
    # the recoverable charges the tenants bear, as regularised once a year against the actual expenses (R16)
    AccountKind.CHARGES_INCOME: ("708300", _("Charges locatives récupérées")),
    # the monthly provisions for charges called: class 4 (419, advances received from customers), not income,
    # because until the annual regularisation they are an advance on charges not yet known, part of which may be
    # owed back to the tenant
    AccountKind.CHARGE_PROVISIONS: ("419100", _("Provisions pour charges appelées")),
    AccountKind.FEES: ("706200", _("Honoraires de gestion")),
    AccountKind.DEPOSITS_HELD: ("165000", _("Dépôts de garantie reçus")),
    # the deposits of the leases whose rent is an owner's money (`leases.queries.rent_owner_id`): the owner's debt
    # to the tenant, held by the association as mandatary (loi Hoguet: funds of third parties, kept apart from the
    # association's own 165000), class 4 like the owners' accounts; never part of what is paid out to the owner
    AccountKind.MANDATE_DEPOSITS_HELD: (
        "467500",
        _("Dépôts de garantie des locataires détenus pour le compte des mandants"),
    ),
    AccountKind.VAT_COLLECTED: ("445710", _("TVA collectée")),
    # what is kept from a deposit for repairs or other justified costs (not rent: that goes to the tenant's account)
    AccountKind.DEPOSIT_RETENTIONS: ("758800", _("Retenues sur dépôts de garantie")),
    # the 10 % per started month owed to the tenant for a late return (loi 89 art. 22): a penalty of ordinary
    # operations, 658 since the 2025 chart (671 before)
    AccountKind.DEPOSIT_PENALTIES: (
        "658100",
        _("Pénalités sur contrats : majorations pour restitution tardive des dépôts de garantie"),
    ),
    # the firms whose works the association pays for an owner: the invoice credits them, the payment debits them
    AccountKind.SUPPLIERS: ("401000", _("Fournisseurs — travaux pour le compte des propriétaires")),
    # the redevance of the residents of the association's boarding houses (docs/adr/0030): always the association's
    # own income (it is the manager of the logement-foyer, never a mandatary), kept apart from the rents of loi 89
    # leases. Its charges are a flat amount never regularised (W8): income at once, not a 419 provision.
    AccountKind.REDEVANCE_RENT_INCOME: ("706300", _("Redevances des résidences — équivalence de loyer")),
    AccountKind.REDEVANCE_CHARGES_INCOME: ("708400", _("Redevances des résidences — charges forfaitaires")),
    AccountKind.REDEVANCE_SERVICES_INCOME: ("706400", _("Redevances des résidences — prestations aux résidents")),
}


class AccountQuerySet(models.QuerySet):
    def with_balance(self, on=None):
        """Each account with `balance`: the sum of its lines (booked on or before `on`), in one query."""
        condition = Q(lines__transaction__booked_on__lte=on) if on else Q()
        return self.annotate(balance=money_sum("lines__amount", filter=condition))


class Account(OrganisationScoped):
    """An account of the ledger: the organisation's own (bank, CAF…), a tenant's (one per lease) or a resident's
    (one per residence contract)."""

    code = models.CharField(_("numéro de compte"), max_length=20)
    name = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("nature"), max_length=32, choices=AccountKind.choices)
    lease = models.OneToOneField(
        Lease, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_account", verbose_name=_("bail")
    )
    # the resident's account (411…) of a residence contract, which is not a lease (docs/adr/0030)
    residence_contract = models.OneToOneField(
        ResidenceContract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_account",
        verbose_name=_("contrat de résidence"),
    )
    owner = models.ForeignKey(
        Owner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        verbose_name=_("propriétaire"),
    )

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["code", "name"]
        verbose_name = _("compte")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="ledger_account_unique_code",
                violation_error_message=_("Ce numéro de compte existe déjà."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="tenant") | Q(lease__isnull=False),
                name="ledger_tenant_account_has_lease",
                violation_error_message=_("Un compte locataire se rattache à un bail."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="resident") | Q(residence_contract__isnull=False),
                name="ledger_resident_account_has_contract",
                violation_error_message=_("Un compte résident se rattache à un contrat de résidence."),
            ),
            models.CheckConstraint(
                condition=Q(lease__isnull=True) | Q(residence_contract__isnull=True),
                name="ledger_account_lease_or_contract",
                violation_error_message=_(
                    "Un compte se rattache à un bail ou à un contrat de résidence, pas aux deux."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Transaction(AppendOnlyModel):
    """One dated entry of the ledger with its source document; its lines sum to zero."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, verbose_name=_("association"))
    booked_on = models.DateField(_("date d'écriture"))
    label = models.CharField(_("libellé"), max_length=200)
    source_type = models.CharField(_("pièce"), max_length=32, blank=True)
    source_id = models.CharField(_("numéro de pièce"), max_length=64, blank=True)
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("contre-passation de"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("saisie le"), default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["booked_on", "created_at"]
        verbose_name = _("écriture")
        indexes = [models.Index(fields=["organisation", "booked_on"], name="ledger_tx_org_day")]

    def __str__(self):
        return f"{self.booked_on:%d/%m/%Y} {self.label}"


class Line(AppendOnlyModel):
    """One side of a transaction on one account: positive is a debit, negative a credit."""

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("ligne d'écriture")
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="ledger_line_not_zero",
                violation_error_message=_("Une ligne d'écriture n'est jamais nulle."),
            )
        ]

    def __str__(self):
        return f"{self.account.code} {self.amount}"


class PeriodClose(OrganisationScoped):
    """A closed month: no entry may be booked in it any more."""

    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois clôturé."))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-month"]
        verbose_name = _("clôture mensuelle")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"],
                name="ledger_period_closed_once",
                violation_error_message=_("Ce mois est déjà clôturé."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="ledger_period_first_day",
                violation_error_message=_("Un mois commence le 1er."),
            ),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y}"


class LedgerSettings(OrganisationScoped):
    """The organisation's ledger settings: `opened_on`, the day its accounts start in Habiter (date d'ouverture de
    la comptabilité). No entry may be dated before it; without it, only the year 2000 bounds the past."""

    opened_on = models.DateField(_("date d'ouverture de la comptabilité"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organisation"]
        verbose_name = _("paramètres de la comptabilité")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                name="ledger_settings_once",
                violation_error_message=_("L'association a déjà ses paramètres de comptabilité."),
            )
        ]

    def __str__(self):
        return f"{self.opened_on:%d/%m/%Y}" if self.opened_on else "—"
