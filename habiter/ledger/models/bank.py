"""Bank statements imported into the ledger: the saved CSV mappings, the files and their operations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.ledger.bank.bankfiles import CsvMapping

from .entries import Transaction
from .rent import Payment, PaymentSource


class CsvDelimiter(models.TextChoices):
    SEMICOLON = ";", _("point-virgule ( ; )")
    COMMA = ",", _("virgule ( , )")
    TAB = "\t", _("tabulation")


class CsvDateFormat(models.TextChoices):
    FRENCH = "%d/%m/%Y", _("JJ/MM/AAAA")
    FRENCH_SHORT = "%d/%m/%y", _("JJ/MM/AA")
    DOTS = "%d.%m.%Y", _("JJ.MM.AAAA")
    ISO = "%Y-%m-%d", _("AAAA-MM-JJ")


class CsvEncoding(models.TextChoices):
    UTF8 = "utf-8", _("UTF-8")
    WINDOWS = "cp1252", _("Windows-1252 (Excel)")
    LATIN9 = "iso-8859-15", _("ISO-8859-15")


class BankCsvMapping(OrganisationScoped):
    """Which column of a bank's CSV export holds what, saved under a name (one per bank or account)."""

    name = models.CharField(_("nom"), max_length=100, help_text=_("Par exemple le nom de la banque."))
    date_column = models.CharField(_("colonne de la date"), max_length=60)
    label_column = models.CharField(_("colonne du libellé"), max_length=60)
    amount_column = models.CharField(
        _("colonne du montant"), max_length=60, blank=True, help_text=_("Un seul montant signé (+ entrée, − sortie).")
    )
    credit_column = models.CharField(
        _("colonne du crédit"), max_length=60, blank=True, help_text=_("Sinon : une colonne crédit et une débit.")
    )
    debit_column = models.CharField(_("colonne du débit"), max_length=60, blank=True)
    reference_column = models.CharField(
        _("colonne de la référence de l'opération"), max_length=60, blank=True, help_text=_("Facultative.")
    )
    counterparty_column = models.CharField(
        _("colonne du tiers (émetteur)"), max_length=60, blank=True, help_text=_("Facultative.")
    )
    delimiter = models.CharField(
        _("séparateur"), max_length=2, choices=CsvDelimiter.choices, default=CsvDelimiter.SEMICOLON
    )
    date_format = models.CharField(
        _("format des dates"), max_length=10, choices=CsvDateFormat.choices, default=CsvDateFormat.FRENCH
    )
    encoding = models.CharField(_("encodage"), max_length=20, choices=CsvEncoding.choices, default=CsvEncoding.UTF8)

    class Meta:
        ordering = ["name"]
        verbose_name = _("format de relevé CSV")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="ledger_bank_mapping_unique_name",
                violation_error_message=_("Un format de relevé porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name

    def as_mapping(self):
        """The column mapping the CSV reader takes (ValueError when neither amount nor credit and debit)."""
        return CsvMapping(
            date=self.date_column,
            label=self.label_column,
            amount=self.amount_column,
            credit=self.credit_column,
            debit=self.debit_column,
            reference=self.reference_column,
            counterparty=self.counterparty_column,
            delimiter=self.delimiter,
            date_format=self.date_format,
            encoding=self.encoding,
        )


class BankFileFormat(models.TextChoices):
    CSV = "csv", _("CSV (export de la banque)")
    CAMT053 = "camt053", _("CAMT.053 (relevé XML ISO 20022)")


class BankStatement(OrganisationScoped):
    """One imported bank file: what it held, who imported it, and whether its closing balance agreed with the
    ledger's bank account on its last day when imported."""

    file_name = models.CharField(_("fichier"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10, choices=BankFileFormat.choices)
    mapping = models.ForeignKey(
        BankCsvMapping, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("format CSV")
    )
    statement_ref = models.CharField(_("référence du relevé"), max_length=100, blank=True)
    account_iban = models.CharField(_("IBAN du compte"), max_length=40, blank=True)
    first_day = models.DateField(_("du"))
    last_day = models.DateField(_("au"))
    opening_balance = models.DecimalField(
        _("solde d'ouverture"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    closing_balance = models.DecimalField(_("solde de clôture"), max_digits=12, decimal_places=2, null=True, blank=True)
    ledger_balance = models.DecimalField(
        _("solde du compte banque à l'import"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    balance_agrees = models.BooleanField(_("solde concordant"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("opérations du fichier"))
    new_count = models.PositiveIntegerField(_("opérations nouvelles"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("relevé bancaire importé")

    def __str__(self):
        return self.file_name

    @property
    def known_count(self) -> int:
        return self.line_count - self.new_count


class BankLineState(models.TextChoices):
    UNMATCHED = "unmatched", _("À rapprocher")
    MATCHED = "matched", _("Rapprochée")
    IGNORED = "ignored", _("Mise de côté")


class BankLine(OrganisationScoped):
    """One operation of the bank account, kept once per organisation whatever the number of statements that list
    it: the bank's transaction id, or a hash of its date, amount and label, is unique."""

    booked_on = models.DateField(_("date d'opération"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    label = models.CharField(_("libellé"), max_length=500)
    counterparty = models.CharField(_("tiers"), max_length=200, blank=True)
    bank_reference = models.CharField(_("identifiant bancaire"), max_length=80)
    statements = models.ManyToManyField(BankStatement, related_name="lines", verbose_name=_("relevés"))
    state = models.CharField(_("état"), max_length=10, choices=BankLineState.choices, default=BankLineState.UNMATCHED)
    payment = models.OneToOneField(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matched_line",
        verbose_name=_("encaissement"),
    )
    # the entry that brought the line's money into the bank account (debit 512, credit the account that waited
    # for it: hand-entered payments or a third party's), posted once at the first match
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    source = models.CharField(_("provenance"), max_length=20, choices=PaymentSource.choices, blank=True)
    ignored_reason = models.CharField(_("motif"), max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("traitée le"), null=True, blank=True)

    class Meta:
        ordering = ["booked_on", "created_at"]
        verbose_name = _("opération bancaire")
        indexes = [models.Index(fields=["organisation", "state", "booked_on"], name="ledger_bankline_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "bank_reference"],
                name="ledger_bank_line_once",
                violation_error_message=_("Cette opération bancaire est déjà importée."),
            ),
            models.CheckConstraint(
                condition=~Q(state="matched") | Q(payment__isnull=False) | Q(transaction__isnull=False),
                name="ledger_bank_line_matched_has_payment",
                violation_error_message=_("Une opération rapprochée mène à un encaissement."),
            ),
        ]

    def __str__(self):
        return f"{self.booked_on:%d/%m/%Y} {self.amount} {self.label[:40]}"


class BankClearing(OrganisationScoped):
    """One entry that waited for the bank on 511200 or 580000 (a deposit received or refunded, an owner's payout,
    works paid, an FSL advance repaid), cleared by the bank line that shows its money: the line's own entry (debit or
    credit 512, the other side on the waiting account) is `bank_line.transaction`. An entry is cleared once
    (`entry` is unique); the rows are never changed (trigger on PostgreSQL, migration 0025), and deleted only to undo
    the clearing, once the line's bank entry is reversed (`bank_line_unclear`, trigger of migration 0027)."""

    bank_line = models.ForeignKey(
        BankLine, on_delete=models.PROTECT, related_name="clearings", verbose_name=_("opération bancaire")
    )
    entry = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="bank_clearing", verbose_name=_("écriture rapprochée")
    )
    # the entry's amount on the waiting account: positive for money received, negative for money paid out
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("écriture rapprochée du relevé")
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="ledger_bank_clearing_not_zero",
                violation_error_message=_("Une écriture rapprochée n'est jamais nulle."),
            )
        ]

    def __str__(self):
        return f"{self.bank_line_id} {self.amount}"
