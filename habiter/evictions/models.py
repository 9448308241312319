"""Eviction-prevention cases: a household's unpaid rent followed step by step through the procedure."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.core.versioning import Versioned
from habiter.people.models import Household

from . import rules as eviction_rules


class LandlordKind(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("Personne physique")
    FAMILY_COMPANY = "family_company", _("SCI familiale")
    LEGAL_PERSON = "legal_person", _("Personne morale (bailleur social, société…)")
    ASSOCIATION = "association", _("L'association elle-même")


class CaseOutcome(models.TextChoices):
    DEBT_SETTLED = "debt_settled", _("Dette réglée")
    PLAN_RESPECTED = "plan_respected", _("Plan d'apurement respecté")
    REHOUSED = "rehoused", _("Relogement")
    LEFT = "left", _("Départ du logement")
    EVICTED = "evicted", _("Expulsion")


class PreventionCase(OrganisationScoped):
    """One household's unpaid rent on one dwelling, from the first unpaid month to the case's end."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="prevention_cases")
    dwelling_address = models.CharField(_("logement (adresse)"), max_length=300)
    landlord_name = models.CharField(_("bailleur"), max_length=200)
    landlord_kind = models.CharField(_("type de bailleur"), max_length=20, choices=LandlordKind.choices)
    lease_signed_on = models.DateField(_("bail signé le"))
    contractual_months = models.PositiveSmallIntegerField(
        _("délai du commandement prévu au bail (mois)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("Pour un bail signé avant le 29/07/2023 ; depuis, le délai est de six semaines."),
    )
    debt = models.DecimalField(_("dette (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    monthly_amount = models.DecimalField(
        _("loyer et charges mensuels (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Net de l'aide au logement quand elle est versée au bailleur."),
    )
    first_unpaid_on = models.DateField(_("premier impayé le"))
    opened_on = models.DateField(_("ouvert le"))
    closed_on = models.DateField(_("clos le"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=20, choices=CaseOutcome.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        verbose_name = _("dossier de prévention des expulsions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True, outcome="")
                | models.Q(closed_on__isnull=False) & ~models.Q(outcome=""),
                name="prevention_case_closed_with_outcome",
                violation_error_message=_("Un dossier clos a une issue, et seulement lui."),
            )
        ]

    def __str__(self):
        return f"{self.household} — {self.dwelling_address}"

    @property
    def landlord_is_legal_person(self) -> bool:
        return self.landlord_kind in (LandlordKind.LEGAL_PERSON, LandlordKind.ASSOCIATION)


class Step(models.TextChoices):
    UNPAID = eviction_rules.UNPAID, _("Impayé constaté")
    CAF_TOLD = eviction_rules.CAF_TOLD, _("Signalement à la CAF")
    PAYMENT_ORDER = eviction_rules.PAYMENT_ORDER, _("Commandement de payer")
    CCAPEX = eviction_rules.CCAPEX, _("Saisine de la CCAPEX")
    SUMMONS = eviction_rules.SUMMONS, _("Assignation")
    DIAGNOSIS = eviction_rules.DIAGNOSIS, _("Diagnostic social et financier")
    HEARING = eviction_rules.HEARING, _("Audience")
    JUDGMENT = eviction_rules.JUDGMENT, _("Jugement")
    ORDER_TO_LEAVE = eviction_rules.ORDER_TO_LEAVE, _("Commandement de quitter les lieux")
    POLICE_REQUEST = eviction_rules.POLICE_REQUEST, _("Demande de concours de la force publique")
    PREFECT_ANSWER = eviction_rules.PREFECT_ANSWER, _("Réponse du préfet")
    EVICTION = eviction_rules.EVICTION, _("Expulsion")


class CaseStep(OrganisationScoped):
    """A step of the procedure as it happened, with what it says (hearing date, judgment, recommendation)."""

    case = models.ForeignKey(PreventionCase, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("étape"), max_length=20, choices=Step.choices)
    on_date = models.DateField(_("date"))
    hearing_on = models.DateField(_("date d'audience"), null=True, blank=True)
    detail = models.TextField(_("précisions (qui, quoi, recommandation, décision)"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on_date", "created_at"]
        verbose_name = _("étape de la procédure")

    def __str__(self):
        return f"{self.get_step_display()} — {self.on_date}"


class FslFund(OrganisationScoped):
    """A département's housing solidarity fund (FSL), with its own rules: configurable data per organisation."""

    department = models.CharField(_("département (numéro)"), max_length=3)
    name = models.CharField(_("nom"), max_length=200)
    address = models.TextField(_("adresse"), blank=True)
    manager = models.ForeignKey(
        "core.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gestionnaire du fonds"),
        help_text=_("Le partenaire qui gère le fonds : le Département, ou l'organisme à qui il l'a délégué."),
    )
    active = models.BooleanField(_("proposé"), default=True)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("fonds de solidarité pour le logement")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "department"],
                name="fsl_fund_one_per_department",
                violation_error_message=_("Ce département a déjà son fonds."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.department})"


class FslPurpose(models.TextChoices):
    ACCESS_DEPOSIT = "access_deposit", _("Accès : dépôt de garantie")
    ACCESS_FIRST_RENT = "access_first_rent", _("Accès : premier loyer")
    ACCESS_MOVING = "access_moving", _("Accès : déménagement, mobilier")
    ACCESS_INSURANCE = "access_insurance", _("Accès : assurance habitation")
    MAINTENANCE_ARREARS = "maintenance_arrears", _("Maintien : dette de loyer")
    ENERGY = "energy", _("Énergie, eau")


class AidForm(models.TextChoices):
    GRANT = "grant", _("Subvention")
    LOAN = "loan", _("Prêt")


class FslDecision(models.TextChoices):
    PENDING = "pending", _("En attente")
    GRANTED = "granted", _("Accordée")
    REFUSED = "refused", _("Refusée")


class FslApplication(OrganisationScoped):
    """An application to a département's FSL for a household: what is asked, what the fund decided and paid."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="fsl_applications")
    fund = models.ForeignKey(FslFund, on_delete=models.PROTECT, related_name="applications", verbose_name=_("fonds"))
    purpose = models.CharField(_("objet"), max_length=30, choices=FslPurpose.choices)
    aid_form = models.CharField(_("forme de l'aide"), max_length=10, choices=AidForm.choices)
    amount_asked = models.DecimalField(
        _("montant demandé (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    submitted_on = models.DateField(_("déposée le"))
    decision = models.CharField(_("décision"), max_length=10, choices=FslDecision.choices, default=FslDecision.PENDING)
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    amount_granted = models.DecimalField(
        _("montant accordé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    paid_on = models.DateField(_("versée le"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-submitted_on", "-created_at"]
        verbose_name = _("demande au FSL")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_granted__isnull=True)
                | models.Q(amount_granted__lte=models.F("amount_asked")),
                name="fsl_granted_within_asked",
                violation_error_message=_("Le montant accordé ne peut pas dépasser le montant demandé."),
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.household}"

    @property
    def kind_label(self) -> str:
        return _("maintien") if self.purpose == FslPurpose.MAINTENANCE_ARREARS else _("accès")


class TenantPresence(models.TextChoices):
    PRESENT = "present", _("Présent·e à l'entretien")
    ABSENT = "absent", _("Absent·e, entretien proposé")
    NO_REPLY = "no_reply", _("Sans réponse à la proposition d'entretien")


class Diagnosis(Versioned, OrganisationScoped):
    """The social and financial diagnosis of a case (diagnostic social et financier, R28): the fifteen rubrics of
    décret n° 2021-8 art. 2, sent to the judge and the CCAPEX before the hearing."""

    version_audit_actions = ("prevention_case.diagnosis",)  # audited on its case

    case = models.OneToOneField(PreventionCase, on_delete=models.PROTECT, related_name="diagnosis")
    referred_on = models.DateField(_("saisine par le préfet le"))
    interview_on = models.DateField(_("entretien le"), null=True, blank=True)
    # The fifteen rubrics, in the decree's order.
    writer = models.CharField(_("1. Identité du rédacteur et de son organisme"), max_length=300)
    tenant_presence = models.CharField(
        _("2. Présence du locataire"), max_length=10, choices=TenantPresence.choices, default=TenantPresence.PRESENT
    )
    transmission_told = models.BooleanField(
        _("3. Le locataire est informé de la transmission obligatoire au juge et à la CCAPEX"), default=False
    )
    tenant_identity = models.TextField(_("4. Identité du locataire"), blank=True)
    family_situation = models.TextField(_("5. Situation familiale"), blank=True)
    support = models.TextField(_("6. Accompagnement social ou juridique"), blank=True)
    rental_situation = models.TextField(_("7. Situation locative (logement, bail, bailleur)"), blank=True)
    arrears = models.TextField(_("8. Dette locative (montant, origine)"), blank=True)
    debt_schemes = models.TextField(_("9. Dispositifs de traitement de la dette (FSL, surendettement…)"), blank=True)
    rent_resumed = models.TextField(_("10. Reprise du paiement du loyer courant"), blank=True)
    repayment_capacity = models.TextField(_("11. Capacité de remboursement"), blank=True)
    recommendations = models.TextField(_("12. Préconisations"), blank=True)
    observations = models.TextField(_("13. Observations écrites du locataire et du bailleur"), blank=True)
    rehousing = models.TextField(_("14. Besoin de relogement et démarches engagées"), blank=True)
    ccapex = models.TextField(_("15. Saisine de la CCAPEX et ses préconisations"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    RUBRICS = (
        "writer",
        "tenant_presence",
        "transmission_told",
        "tenant_identity",
        "family_situation",
        "support",
        "rental_situation",
        "arrears",
        "debt_schemes",
        "rent_resumed",
        "repayment_capacity",
        "recommendations",
        "observations",
        "rehousing",
        "ccapex",
    )

    class Meta:
        verbose_name = _("diagnostic social et financier")

    def __str__(self):
        return f"{self._meta.verbose_name} — {self.case}"


class LegalDeskSession(OrganisationScoped):
    """A session of the legal desk (permanence juridique), co-run by a social worker and a lawyer."""

    held_on = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("travailleur·se social·e")
    )
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("avocat·e")
    )
    # The bar (ordre des avocats) the lawyer comes from, with which the association runs the desk: a partner record
    # (issue 17: every partner the software names is one), typed by name like the other partners.
    bar = models.ForeignKey(
        "core.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("barreau")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("séance de permanence juridique")

    def __str__(self):
        return f"{self._meta.verbose_name} — {self.held_on:%d/%m/%Y}, {self.place}"


class LegalDeskVisit(OrganisationScoped):
    """A household seen at a legal-desk session: the advice given and the follow-up actions."""

    session = models.ForeignKey(LegalDeskSession, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("ménage"))
    subject = models.CharField(_("objet de la venue"), max_length=200)
    advice = models.TextField(_("conseil donné"), blank=True)
    follow_up = models.TextField(_("suites à donner"), blank=True)
    follow_up_done_on = models.DateField(_("suites données le"), null=True, blank=True)
    follow_up_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("ménage reçu à la permanence juridique")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "household"],
                name="legal_desk_household_once_per_session",
                violation_error_message=_("Ce ménage est déjà noté pour cette séance."),
            )
        ]

    def __str__(self):
        return f"{self.household} — {self.session}"


class AdvanceSettlement(models.TextChoices):
    FSL = "fsl", _("Versement du FSL")
    HOUSEHOLD = "household", _("Remboursement par le ménage")


class Advance(OrganisationScoped):
    """Rent the association advances to a tenant's account while the FSL decides: posted to the ledger (debit the
    advances receivable, credit the tenant), then cleared when the FSL pays or the household repays (debit the
    bank, credit the advances receivable)."""

    lease = models.ForeignKey(
        "leases.Lease", on_delete=models.PROTECT, related_name="fsl_advances", verbose_name=_("bail")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="fsl_advances")
    fsl_application = models.ForeignKey(
        FslApplication,
        on_delete=models.PROTECT,
        related_name="advances",
        null=True,
        blank=True,
        verbose_name=_("demande au FSL attendue"),
    )
    amount = models.DecimalField(
        _("montant (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    advanced_on = models.DateField(_("avancé le"))
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="fsl_advance", verbose_name=_("écriture")
    )
    settled_on = models.DateField(_("soldée le"), null=True, blank=True)
    settled_by = models.CharField(_("soldée par"), max_length=10, choices=AdvanceSettlement.choices, blank=True)
    settlement_transaction = models.OneToOneField(
        "ledger.Transaction",
        on_delete=models.PROTECT,
        related_name="fsl_advance_settlement",
        null=True,
        blank=True,
        verbose_name=_("écriture de solde"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["advanced_on", "created_at"]
        verbose_name = _("avance de l'association")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(settled_on__isnull=True, settled_by="")
                | models.Q(settled_on__isnull=False) & ~models.Q(settled_by=""),
                name="advance_settled_with_how",
                violation_error_message=_("Une avance soldée dit comment, et seulement elle."),
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} — {self.household}, {self.amount} €"


class AdvanceRepayment(OrganisationScoped):
    """Money received against an advance — the FSL's payment or the household's — posted to the ledger (debit
    511200 until the bank line that shows it clears it, credit the advances receivable). An advance is cleared when
    its repayments reach its amount: an FSL grant below the advance leaves the rest for the household, who may repay
    it in several times."""

    advance = models.ForeignKey(Advance, on_delete=models.PROTECT, related_name="repayments")
    source = models.CharField(_("remboursé par"), max_length=10, choices=AdvanceSettlement.choices)
    amount = models.DecimalField(
        _("montant (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    received_on = models.DateField(_("reçu le"))
    fsl_application = models.ForeignKey(
        FslApplication, on_delete=models.PROTECT, related_name="advance_repayments", null=True, blank=True
    )
    transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="fsl_advance_repayment"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["received_on", "created_at"]
        verbose_name = _("remboursement d'une avance")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="advance_repayment_positive"),
            models.CheckConstraint(
                condition=models.Q(source="fsl", fsl_application__isnull=False)
                | models.Q(source="household", fsl_application__isnull=True),
                name="advance_repayment_fsl_names_its_application",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} — {self.amount} €"
