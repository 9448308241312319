"""Rent documents by e-mail (R5: only with the tenant's express agreement, stored with its date)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped
from habiter.leases.models import Lease

from .rent import RentCall, RentCallRun, RentReceipt, RunStatus


class EmailConsent(OrganisationScoped):
    """The tenant's express agreement to receive the lease's rent documents by e-mail (R5), or its withdrawal,
    dated. Rows are only added: the latest of a lease is in force, the earlier ones are its history."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="email_consents", verbose_name=_("bail"))
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
            )
        ]

    def __str__(self):
        return f"{self.lease_id} {'accord' if self.given else 'retrait'} {self.on}"


class MailedDocumentKind(models.TextChoices):
    NOTICE = "notice", _("Avis d'échéance")
    QUITTANCE = "quittance", _("Quittance de loyer")
    RECU = "recu", _("Reçu de paiement partiel")


class DocumentEmail(OrganisationScoped):
    """A rent document sent by e-mail: to whom, by whom, when (`created_at`)."""

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="document_emails")
    kind = models.CharField(_("document"), max_length=10, choices=MailedDocumentKind.choices)
    rent_call = models.ForeignKey(RentCall, on_delete=models.PROTECT, related_name="document_emails")
    receipt = models.ForeignKey(
        RentReceipt, on_delete=models.PROTECT, related_name="document_emails", null=True, blank=True
    )
    to = models.EmailField(_("envoyé à"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document envoyé par courriel")
        indexes = [models.Index(fields=["rent_call", "kind"], name="ledger_docmail_call_kind")]

    def __str__(self):
        return f"{self.kind} → {self.to}"


class NoticeMailing(OrganisationScoped):
    """Sending a month's avis d'échéance to the tenants who agreed to e-mail, as a background task whose progress
    the month-end page follows; the others' notices are printed."""

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
