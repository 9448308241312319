"""Reads of the rent documents by e-mail: the consent in force, what was sent, the month's notices to mail or print."""

from django.db.models import Exists, OuterRef, Subquery

from habiter.leases.models import Lease
from habiter.ledger.models import DocumentEmail, EmailConsent, MailedDocumentKind, RentCall


def consent_in_force(lease) -> EmailConsent | None:
    """The lease's latest consent row if it is an agreement, else None."""
    latest = EmailConsent.objects.filter(lease=lease).order_by("-on", "-created_at").first()
    return latest if latest is not None and latest.given else None


def consenting_leases(organisation_id):
    """The organisation's leases whose latest consent row is an agreement, annotated with `consent_email`."""
    latest = EmailConsent.objects.filter(lease=OuterRef("pk")).order_by("-on", "-created_at")
    return (
        Lease.objects.filter(organisation_id=organisation_id)
        .annotate(
            consent_given=Subquery(latest.values("given")[:1]), consent_email=Subquery(latest.values("email")[:1])
        )
        .filter(consent_given=True)
    )


def consent_history(lease) -> list[EmailConsent]:
    return list(EmailConsent.objects.filter(lease=lease).select_related("recorded_by"))


def calls_to_send(lease, last: int = 12) -> list[RentCall]:
    """The lease's latest calls not cancelled, whose notices may be sent."""
    return list(RentCall.objects.filter(lease=lease, cancelled_on__isnull=True).order_by("-period")[:last])


def sent_documents(lease, last: int = 50) -> list[DocumentEmail]:
    return list(DocumentEmail.objects.filter(lease=lease).select_related("rent_call", "receipt", "sent_by")[:last])


# --- the month's notices ------------------------------------------------------------------------------------------


def _month_calls(organisation_id, month):
    return RentCall.objects.filter(organisation_id=organisation_id, period=month, cancelled_on__isnull=True)


def notices_to_mail(organisation_id, month):
    """The month's calls of consenting tenants whose notice has not been e-mailed yet."""
    already = DocumentEmail.objects.filter(rent_call=OuterRef("pk"), kind=MailedDocumentKind.NOTICE)
    return (
        _month_calls(organisation_id, month)
        .filter(lease__in=consenting_leases(organisation_id).values("pk"))
        .exclude(Exists(already))
    )


def notices_to_print(organisation_id, month):
    """The month's calls of tenants who did not agree to e-mail: their notices are printed, in lease order."""
    return (
        _month_calls(organisation_id, month)
        .exclude(lease__in=consenting_leases(organisation_id).values("pk"))
        .select_related("lease", "lease__household", "lease__dwelling", "lease__landlord", "organisation")
        .prefetch_related("lease__household__members")
        .order_by("lease__dwelling__reference", "lease_id")
    )


# Notices printed in one PDF: a chunk stays quick to render and to print.
NOTICES_PER_PDF = 100


def run_documents_context(run) -> dict:
    """What the run page shows of the month's notices: how many to print (in chunks), to e-mail, and the latest
    mailing."""
    if run.status != "done":
        return {}
    to_print = notices_to_print(run.organisation_id, run.month).count()
    return {
        "print_parts": range(1, (to_print + NOTICES_PER_PDF - 1) // NOTICES_PER_PDF + 1),
        "to_print": to_print,
        "to_mail": notices_to_mail(run.organisation_id, run.month).count(),
        "mailing": run.mailings.order_by("-created_at").first(),
        "per_pdf": NOTICES_PER_PDF,
    }
