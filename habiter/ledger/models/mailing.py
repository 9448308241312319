"""Rent and redevance documents by e-mail (R5: only with the tenant's or the resident's express agreement, stored
with its date). A row is keyed on a lease or, for a resident of a boarding house, on the residence contract (which
is not a lease, CE 28 Nov 2014 n° 365285): exactly one of the two."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.leases.models import Lease
from habiter.residences.models import ResidenceContract

from .redevance import RedevanceCall
from .rent import RentCall, RentCallRun, RentReceipt, RunStatus

# exactly one of the lease (a tenant) and the residence contract (a resident)
_LEASE_OR_CONTRACT = Q(lease__isnull=False, contract__isnull=True) | Q(lease__isnull=True, contract__isnull=False)


class EmailConsent(OrganisationScoped):
    """The tenant's express agreement to receive the lease's rent documents by e-mail (R5), or the resident's for
    their residence contract's redevance documents, or its withdrawal, dated. Rows are only added: the latest of a
    lease (of a contract) is in force, the earlier ones are its history."""

    lease = models.ForeignKey(
        Lease, on_delete=models.PROTECT, related_name="email_consents", verbose_name=_("bail"), null=True, blank=True
    )
    contract = models.ForeignKey(
        ResidenceContract,
        on_delete=models.PROTECT,
        related_name="email_consents",
        verbose_name=_("contrat de résidence"),
        null=True,
        blank=True,
    )
    given = models.BooleanField(_("accord donné"))
    on = models.DateField(_("le"))
    email = models.EmailField(_("courriel"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-created_at"]
        verbose_name = _("accord pour les documents par courriel")
        constraints = [
            models.CheckConstraint(
                condition=Q(given=False) | ~Q(email=""),
                name="ledger_email_consent_has_an_address",
                violation_error_message=_("Un accord pour les courriels porte l'adresse du locataire."),
            ),
            models.CheckConstraint(
                condition=_LEASE_OR_CONTRACT,
                name="ledger_email_consent_lease_or_contract",
                violation_error_message=_("Un accord porte sur un bail ou sur un contrat de résidence."),
            ),
        ]

    def __str__(self):
        return f"{self.lease_id or self.contract_id} {'accord' if self.given else 'retrait'} {self.on}"


class MailedDocumentKind(models.TextChoices):
    NOTICE = "notice", _("Avis d'échéance")
    QUITTANCE = "quittance", _("Quittance de loyer")
    RECU = "recu", _("Reçu de paiement partiel")


class DocumentEmail(OrganisationScoped):
    """A rent document sent by e-mail: to whom, by whom, when (`created_at`); or a redevance's avis d'échéance, keyed
    on the residence contract and its redevance call instead of the lease and its rent call."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="document_emails", null=True, blank=True)
    kind = models.CharField(_("document"), max_length=10, choices=MailedDocumentKind.choices)
    rent_call = models.ForeignKey(
        RentCall, on_delete=models.PROTECT, related_name="document_emails", null=True, blank=True
    )
    contract = models.ForeignKey(
        ResidenceContract, on_delete=models.PROTECT, related_name="document_emails", null=True, blank=True
    )
    redevance_call = models.ForeignKey(
        RedevanceCall, on_delete=models.PROTECT, related_name="document_emails", null=True, blank=True
    )
    receipt = models.ForeignKey(
        RentReceipt, on_delete=models.PROTECT, related_name="document_emails", null=True, blank=True
    )
    to = models.EmailField(_("envoyé à"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document envoyé par courriel")
        indexes = [
            models.Index(fields=["rent_call", "kind"], name="ledger_docmail_call_kind"),
            models.Index(fields=["redevance_call", "kind"], name="ledger_docmail_redevance_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    lease__isnull=False, rent_call__isnull=False, contract__isnull=True, redevance_call__isnull=True
                )
                | Q(lease__isnull=True, rent_call__isnull=True, contract__isnull=False, redevance_call__isnull=False),
                name="ledger_docmail_lease_or_contract",
                violation_error_message=_("Un document envoyé porte sur un bail ou sur un contrat de résidence."),
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.to}"


class NoticeMailing(OrganisationScoped):
    """Sending a month's avis d'échéance (the rent calls' and the redevance calls') to the tenants and residents who
    agreed to e-mail, as a background task whose progress the month-end page follows; the others' notices are
    printed."""

    run = models.ForeignKey(RentCallRun, on_delete=models.PROTECT, related_name="mailings")
    status = models.CharField(_("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(_("avis à envoyer"), default=0)
    done = models.PositiveIntegerField(_("avis traités"), default=0)
    sent = models.PositiveIntegerField(_("avis envoyés"), default=0)
    error = models.TextField(_("erreurs"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("envoi des avis d'échéance par courriel")

    def __str__(self):
        return f"{self.run_id} {self.status} {self.done}/{self.total}"

    @property
    def running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
