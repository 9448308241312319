"""Reads of the rent and redevance documents by e-mail: the consent in force (a tenant's, keyed on the lease; a
resident's, keyed on the residence contract), what was sent, the month's notices to mail or print."""

from django.db.models import Exists, OuterRef, Subquery

from habiter.leases.models import Lease
from habiter.ledger.models import DocumentEmail, EmailConsent, MailedDocumentKind, RedevanceCall, RentCall
from habiter.residences.models import ResidenceContract


def _holder(holder) -> dict:
    """The consent rows' filter of a lease or of a residence contract."""
    return {"contract": holder} if isinstance(holder, ResidenceContract) else {"lease": holder}


def consent_in_force(holder) -> EmailConsent | None:
    """The latest consent row of the lease (or of the residence contract) if it is an agreement, else None."""
    latest = EmailConsent.objects.filter(**_holder(holder)).order_by("-on", "-created_at").first()
    return latest if latest is not None and latest.given else None


def _consenting(model, field, organisation_id):
    latest = EmailConsent.objects.filter(**{field: OuterRef("pk")}).order_by("-on", "-created_at")
    return (
        model.objects.filter(organisation_id=organisation_id)
        .annotate(
            consent_given=Subquery(latest.values("given")[:1]), consent_email=Subquery(latest.values("email")[:1])
        )
        .filter(consent_given=True)
    )


def consenting_leases(organisation_id):
    """The organisation's leases whose latest consent row is an agreement, annotated with `consent_email`."""
    return _consenting(Lease, "lease", organisation_id)


def consenting_contracts(organisation_id):
    """The organisation's residence contracts whose latest consent row is an agreement (the same rule as a
    lease's), annotated with `consent_email`."""
    return _consenting(ResidenceContract, "contract", organisation_id)


def consent_history(holder) -> list[EmailConsent]:
    return list(EmailConsent.objects.filter(**_holder(holder)).select_related("recorded_by"))


def calls_to_send(lease, last: int = 12) -> list[RentCall]:
    """The lease's latest calls not cancelled, whose notices may be sent."""
    return list(RentCall.objects.filter(lease=lease, cancelled_on__isnull=True).order_by("-period")[:last])


def redevance_calls_to_send(contract, last: int = 12) -> list[RedevanceCall]:
    """The residence contract's latest redevance calls not cancelled, whose avis d'échéance may be sent."""
    return list(RedevanceCall.objects.filter(contract=contract, cancelled_on__isnull=True).order_by("-period")[:last])


def sent_documents(lease, last: int = 50) -> list[DocumentEmail]:
    return list(DocumentEmail.objects.filter(lease=lease).select_related("rent_call", "receipt", "sent_by")[:last])


# --- the month's notices ------------------------------------------------------------------------------------------


def _month_calls(organisation_id, month, model=RentCall):
    return model.objects.filter(organisation_id=organisation_id, period=month, cancelled_on__isnull=True)


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


def redevance_sent_documents(contract, last: int = 50) -> list[DocumentEmail]:
    return list(DocumentEmail.objects.filter(contract=contract).select_related("redevance_call", "sent_by")[:last])


def redevance_notices_to_mail(organisation_id, month):
    """The month's redevance calls of consenting residents whose avis d'échéance has not been e-mailed yet."""
    already = DocumentEmail.objects.filter(redevance_call=OuterRef("pk"), kind=MailedDocumentKind.NOTICE)
    return (
        _month_calls(organisation_id, month, RedevanceCall)
        .filter(contract__in=consenting_contracts(organisation_id).values("pk"))
        .exclude(Exists(already))
    )


def redevance_notices_to_print(organisation_id, month):
    """The month's redevance calls of residents who did not agree to e-mail: printed, by residence and place."""
    return (
        _month_calls(organisation_id, month, RedevanceCall)
        .exclude(contract__in=consenting_contracts(organisation_id).values("pk"))
        .select_related("contract__resident", "contract__place__residence", "organisation", "transaction")
        .order_by("contract__place__residence__name", "contract__place__label", "contract_id")
    )


def print_chunk(organisation_id, month, part: int):
    """Part `part` (from 1) of the month's notices to print, and whether it holds redevance calls: the rent
    notices' chunks first, then the redevance notices' (each chunk prints with one template); empty past the
    last."""
    rent = notices_to_print(organisation_id, month)
    rent_parts = _parts(rent.count())
    if part <= rent_parts:
        return list(rent[(part - 1) * NOTICES_PER_PDF : part * NOTICES_PER_PDF]), False
    part -= rent_parts
    calls = redevance_notices_to_print(organisation_id, month)
    return list(calls[(part - 1) * NOTICES_PER_PDF : part * NOTICES_PER_PDF]), True


def _parts(count: int) -> int:
    return (count + NOTICES_PER_PDF - 1) // NOTICES_PER_PDF


# Notices printed in one PDF: a chunk stays quick to render and to print.
NOTICES_PER_PDF = 100


def run_documents_context(run) -> dict:
    """What the run page shows of the month's notices (of rent and of redevance): how many to print (in chunks, the
    rent notices' then the redevance notices'), to e-mail, and the latest mailing."""
    if run.status != "done":
        return {}
    to_print = notices_to_print(run.organisation_id, run.month).count()
    redevances_to_print = redevance_notices_to_print(run.organisation_id, run.month).count()
    return {
        "print_parts": range(1, _parts(to_print) + _parts(redevances_to_print) + 1),
        "to_print": to_print,
        "redevances_to_print": redevances_to_print,
        "to_mail": notices_to_mail(run.organisation_id, run.month).count()
        + redevance_notices_to_mail(run.organisation_id, run.month).count(),
        "mailing": run.mailings.order_by("-created_at").first(),
        "per_pdf": NOTICES_PER_PDF,
    }
