"""A report as it was run: the frozen figures, so a year's report reads the same years later (ADR 0022)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Team


class ReportRun(OrganisationScoped):
    """One run of a report or indicator over a period, with its result and the version of the code that
    counted it. Never updated: a re-run compares itself with it and, if kept, is a new row."""

    code = models.SlugField(_("rapport"), max_length=60)
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    # Null for the whole organisation (a director's run); a team lead's run counts their team only.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("équipe"))
    generated_at = models.DateTimeField(_("produit le"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("produit par")
    )
    code_version = models.CharField(_("version des définitions"), max_length=64)
    result = models.JSONField(_("résultat"))

    class Meta:
        ordering = ["-generated_at"]
        verbose_name = _("rapport produit")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="report_run_end_after_start",
                violation_error_message=_("La fin de la période ne peut pas précéder son début."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


class FunderKind(models.TextChoices):
    """Who grants the subsidy. The first four are public funders: their cash grants count towards the accounts
    threshold (DOMAIN-2 W32); a foundation's or another private funder's do not."""

    STATE = "state", _("État (DDETS, DREETS, préfecture)")
    DEPARTEMENT = "departement", _("Département")
    COMMUNE = "commune", _("Commune ou intercommunalité")
    CAF = "caf", _("CAF")
    FOUNDATION = "foundation", _("Fondation")
    OTHER = "other", _("Autre financeur")


PUBLIC_FUNDER_KINDS = frozenset({FunderKind.STATE, FunderKind.DEPARTEMENT, FunderKind.COMMUNE, FunderKind.CAF})


class Funder(OrganisationScoped):
    """A funder the association asks for subsidies. `support.Programme.funder` stays a free text (the name shown on
    a scheme); a subsidy links the funder and, optionally, the programme it finances."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type de financeur"), max_length=20, choices=FunderKind.choices)
    public = models.BooleanField(
        _("financeur public"),
        default=True,
        help_text=_("Ses subventions en numéraire comptent pour le seuil de publication des comptes."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("financeur")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="funder_unique_name",
                violation_error_message=_("Un financeur porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name


class SubsidyStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandée")
    GRANTED = "granted", _("Accordée")
    REFUSED = "refused", _("Refusée")


class Subsidy(OrganisationScoped):
    """A subsidy asked of a funder for a financial year: the request, the decision and, once granted, the compte
    rendu financier due within the delay after the end of that year (DOMAIN-2 W31, `rules.crf_due_on`). The cash
    comes in one or more instalments (`SubsidyPayment`), which the accounts threshold counts each in the calendar
    year it was received (W32)."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="subsidies", verbose_name=_("financeur"))
    programme = models.ForeignKey(
        "support.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispositif financé"),
    )
    purpose = models.CharField(_("objet"), max_length=200)
    year_end = models.DateField(_("fin de l'exercice"), help_text=_("Dernier jour de l'exercice subventionné."))
    requested_on = models.DateField(_("demandée le"))
    amount_requested = models.DecimalField(_("montant demandé"), max_digits=12, decimal_places=2)
    status = models.CharField(_("état"), max_length=20, choices=SubsidyStatus.choices, default=SubsidyStatus.REQUESTED)
    amount_granted = models.DecimalField(_("montant accordé"), max_digits=12, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("décision du"), null=True, blank=True)
    convention_reference = models.CharField(_("référence de la convention"), max_length=100, blank=True)
    crf_due_on = models.DateField(_("compte rendu financier dû le"), null=True, blank=True)
    crf_sent_on = models.DateField(_("compte rendu financier envoyé le"), null=True, blank=True)
    # Set when the request was recorded while a compte rendu financier of the same funder was overdue (W31: it is
    # due before any new request); the request is kept, with this warning.
    request_warning = models.TextField(_("avertissement à la demande"), blank=True)

    class Meta:
        ordering = ["-year_end", "funder__name", "purpose"]
        verbose_name = _("subvention")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_requested__gte=0)
                & (models.Q(amount_granted__isnull=True) | models.Q(amount_granted__gte=0)),
                name="subsidy_amounts_not_negative",
                violation_error_message=_("Un montant ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="granted")
                | models.Q(amount_granted__isnull=False, decided_on__isnull=False, crf_due_on__isnull=False),
                name="subsidy_granted_has_amount",
                violation_error_message=_("Une subvention accordée a un montant et une date de décision."),
            ),
        ]

    def __str__(self):
        return f"{self.funder} — {self.purpose} ({self.year_end.year})"


class SubsidyPayment(OrganisationScoped):
    """One instalment of a granted subsidy, as the funder paid it: an advance at the convention, the balance after
    the compte rendu financier, or the whole grant at once. What a subsidy received is the sum of its payments not
    cancelled, never above the amount granted, none before the decision (`rules.subsidy_payment_problem`); the
    accounts threshold counts each payment in the calendar year of its `received_on` (W32), so a grant paid half in
    one year and half in the next counts each half in its year.

    A payment is never edited in place. One typed by mistake is cancelled (`services.subsidy_payment_cancel`): the
    row stays, with when, by whom and why (`cancelled_at`, `cancelled_by`, `cancel_reason`), is listed struck
    through and counts nowhere; the right one is recorded anew. A cancellation rather than a negative correcting
    payment: these rows are not the books (the ledger keeps its reversing entries), and a negative payment dated on
    the day of the correction would move the mistaken amount out of another calendar year's total than the one it
    was counted in."""

    subsidy = models.ForeignKey(
        Subsidy, on_delete=models.PROTECT, related_name="payments", verbose_name=_("subvention")
    )
    received_on = models.DateField(_("reçu le"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    note = models.CharField(
        _("note ou référence"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : avance de 80 %, solde après le compte rendu financier, référence du virement."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("annulé par"),
    )
    cancel_reason = models.CharField(_("motif de l'annulation"), max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["received_on", "created_at", "id"]
        verbose_name = _("versement d'une subvention")
        indexes = [models.Index(fields=["organisation", "received_on"], name="subsidy_payment_org_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="subsidy_payment_positive",
                violation_error_message=_("Le montant d'un versement est positif."),
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True, cancelled_by__isnull=True, cancel_reason="")
                | (models.Q(cancelled_at__isnull=False, cancelled_by__isnull=False) & ~models.Q(cancel_reason="")),
                name="subsidy_payment_cancelled_with_reason",
                violation_error_message=_("Un versement annulé l'est à une date, par quelqu'un, avec un motif."),
            ),
        ]

    def __str__(self):
        return f"{self.subsidy} — {self.received_on:%d/%m/%Y}, {self.amount} €"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class AccountsObligations(OrganisationScoped):
    """What the association did, for a year, of the obligations of an association above the public subsidies
    threshold (DOMAIN-2 W32): accounts drawn up, auditor appointed, accounts approved and published."""

    year = models.PositiveSmallIntegerField(_("année"))
    accounts_drawn_up_on = models.DateField(_("comptes annuels établis le"), null=True, blank=True)
    auditor_appointed_on = models.DateField(_("commissaire aux comptes nommé le"), null=True, blank=True)
    auditor_name = models.CharField(_("commissaire aux comptes"), max_length=200, blank=True)
    accounts_approved_on = models.DateField(_("comptes approuvés le"), null=True, blank=True)
    published_on = models.DateField(_("comptes publiés le"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("obligations comptables de l'année")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="accounts_obligations_unique_year",
                violation_error_message=_("Les obligations de cette année sont déjà saisies."),
            )
        ]

    def __str__(self):
        return str(self.year)


class ImlActivity(models.TextChoices):
    """The three activities the State funds in intermédiation locative (DOMAIN-2 W36)."""

    CAPTATION = "captation", _("Captation de logements")
    MANAGEMENT = "management", _("Gestion locative adaptée")
    SUPPORT = "support", _("Accompagnement social")


class ImlModality(models.TextChoices):
    """The two modalities of intermédiation locative (W36), as the IML report counts dwellings."""

    SUBLEASE = "sublease", _("Location / sous-location (bail principal de l'association)")
    MANDATE = "mandate", _("Mandat de gestion")


def iml_cost_field(modality: str, activity: str) -> str:
    return f"{modality}_{activity}"


IML_COST_FIELDS = tuple(
    iml_cost_field(modality, activity) for modality in ImlModality.values for activity in ImlActivity.values
)


class ImlActivityCosts(OrganisationScoped):
    """What each of the three activities of intermédiation locative cost the association in a calendar year, for
    each modality (W36: the State asks for them separately), as the association's analytical accounts give them:
    the director or the accountant types them in; a cost not typed is unknown, not zero."""

    year = models.PositiveSmallIntegerField(_("année"))
    sublease_captation = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    sublease_management = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    sublease_support = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    mandate_captation = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    mandate_management = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    mandate_support = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    method = models.CharField(
        _("origine des montants"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : comptabilité analytique, charges réparties au temps passé."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("coûts des activités d'intermédiation locative")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="iml_activity_costs_unique_year",
                violation_error_message=_("Les coûts de cette année sont déjà saisis."),
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__gte": 0}) | models.Q(**{f"{field}__isnull": True}),
                    name=f"iml_costs_{field}_not_negative",
                )
                for field in IML_COST_FIELDS
            ),
        ]

    def __str__(self):
        return str(self.year)

    def cost(self, modality: str, activity: str):
        return getattr(self, iml_cost_field(modality, activity))
