"""Rent documents by e-mail: only to a tenant who gave their express agreement, stored with its date (R5); and the
avis d'échéance de redevance of a boarding house's resident, under the same rule (their agreement is keyed on the
residence contract instead of a lease).

The consent is a row per agreement or withdrawal (`EmailConsent`, the latest is in force). A quittance, a reçu or
an avis d'échéance is sent one at a time from the tenant's account, or the month's notices all at once after the
month-end rent calls — the rent calls' and the redevance calls' of the month, in one mailing —, as a background task
whose progress the page follows; the notices of the tenants and residents who did not agree are printed
(`notices_pdf`, `redevance_notices_pdf`). Each sending is recorded (`DocumentEmail`) and audited; a sending that the
mail server refuses records nothing.
"""

import smtplib
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core import background
from habiter.core.audit import audit_record
from habiter.core.pdf import pdf_render, pdf_render_many
from habiter.leases.models import Lease
from habiter.ledger.charges.queries import instalments_for_calls, notice_charge_lines
from habiter.ledger.entries.queries import ledger_leases
from habiter.ledger.models import (
    DocumentEmail,
    EmailConsent,
    MailedDocumentKind,
    NoticeMailing,
    ReceiptKind,
    RedevanceCall,
    RentCall,
    RentCallRun,
    RentReceipt,
    RunStatus,
)
from habiter.ledger.redevance import queries as redevance_queries
from habiter.ledger.rent.queries import (
    balance_before_call,
    lease_billed_in_month,
    month_is_prorated,
    runs_of,
    tiers_payant_aid,
)
from habiter.ledger.rent.services import OWNER_LEASE_MESSAGE, receipt_pdf, tenant_names
from habiter.ledger.rules import ZERO
from habiter.residences.models import ResidenceContract

from .queries import consent_in_force, notices_to_mail, redevance_notices_to_mail

NO_CONSENT = gettext_lazy(
    "Le locataire n'a pas donné son accord exprès pour recevoir ses documents par courriel : imprimez le document."
)
NO_RESIDENT_CONSENT = gettext_lazy(
    "Le résident n'a pas donné son accord exprès pour recevoir ses documents par courriel : imprimez le document."
)


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


def email_consent_record(
    *, actor, lease_id=None, contract_id=None, given: bool, on: date, email: str = ""
) -> EmailConsent:
    """Record the tenant's agreement (with the address it is for) or its withdrawal, dated; audited. With
    `contract_id` instead of `lease_id`, the same for a resident's residence contract."""
    _require(actor, "ledger.post")
    if (lease_id is None) == (contract_id is None):
        raise TypeError("email_consent_record takes a lease_id or a contract_id")
    if on > timezone.localdate():
        raise ValidationError({"on": _("Un accord se note une fois donné.")})
    email = (email or "").strip()
    if given:
        if not email:
            raise ValidationError(
                {"email": _("Indiquez l'adresse à laquelle le locataire accepte de recevoir ses documents.")}
            )
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Cette adresse de courriel n'est pas valide.")}) from None
    with transaction.atomic():
        if contract_id is not None:
            holder = redevance_queries.ledger_contracts(actor).select_for_update().filter(pk=contract_id).first()
            if holder is None:
                raise ResidenceContract.DoesNotExist
        else:
            holder = ledger_leases(actor).select_for_update().filter(pk=lease_id).first()
            if holder is None:
                raise Lease.DoesNotExist
        consent = EmailConsent(
            organisation_id=holder.organisation_id,
            lease=holder if contract_id is None else None,
            contract=holder if contract_id is not None else None,
            given=given,
            on=on,
            email=email if given else "",
            recorded_by=actor,
        )
        consent.full_clean()
        consent.save()
        audit_record(
            actor=actor,
            action="ledger.email_consent",
            obj=consent,
            household_id=holder.household_id,
            detail={"given": given},
        )
    return consent


def notice_context(call, instalments=None) -> dict:
    """What a notice prints; `instalments`: the call's charge regularisation instalments, when already fetched."""
    lease = call.lease
    charge_lines = notice_charge_lines(call, instalments)
    previous = balance_before_call(call)
    aid = tiers_payant_aid({lease.pk}, call.transaction.booked_on).get(lease.pk, ZERO)
    return {
        "call": call,
        "lease": lease,
        "organisation": call.organisation,
        "landlord": lease.landlord.name if lease.landlord else call.organisation.name,
        "tenants": tenant_names(lease.household),
        "today": timezone.localdate(),
        **charge_lines,
        # The balance is shown, not added to the total: the part a repayment plan or a spread regularisation
        # repays is already asked by its instalments on this notice.
        "previous_balance": previous,
        "previous_credit": -previous if previous < 0 else ZERO,
        "month_total": charge_lines["to_pay"],
        "housing_aid": aid,
        "to_pay": charge_lines["to_pay"] - aid,
        "prorated": month_is_prorated(lease, call.period),
    }


def notice_pdf(call) -> bytes:
    return pdf_render("ledger/notice_pdf.html", notice_context(call))


def _send(*, actor, lease, consent, kind, call, receipt, subject, body_template, context, attachment):
    """Record the sending, then send; a refusal of the mail server undoes the record. `lease` is a residence
    contract and `call` a redevance call for a resident's avis d'échéance de redevance."""
    resident = isinstance(call, RedevanceCall)
    with transaction.atomic():
        sent = DocumentEmail.objects.create(
            organisation_id=lease.organisation_id,
            kind=kind,
            receipt=receipt,
            to=consent.email,
            sent_by=actor,
            **({"contract": lease, "redevance_call": call} if resident else {"lease": lease, "rent_call": call}),
        )
        audit_record(
            actor=actor,
            action="ledger.document_email",
            obj=sent,
            household_id=lease.household_id,
            detail={"kind": kind, "period": f"{call.period:%Y-%m}", **({"redevance": True} if resident else {})},
        )
        message = EmailMessage(
            subject=subject,
            body=render_to_string(body_template, context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[consent.email],
        )
        message.attach(*attachment)
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise ValidationError(_("Le serveur de courriel a refusé l'envoi : %(error)s") % {"error": error}) from None
    return sent


def receipt_send(*, actor, receipt_id) -> DocumentEmail:
    """E-mail a quittance or a reçu, with its PDF, to a tenant who agreed (R5)."""
    _require(actor, "ledger.post")
    receipt = (
        RentReceipt.objects.filter(lease__in=ledger_leases(actor))
        .select_related("lease", "lease__household", "rent_call", "organisation")
        .defer("pdf")
        .filter(pk=receipt_id)
        .first()
    )
    if receipt is None:
        raise RentReceipt.DoesNotExist
    consent = consent_in_force(receipt.lease)
    if consent is None:
        raise ValidationError(NO_CONSENT)
    quittance = receipt.kind == ReceiptKind.QUITTANCE
    subject = (_("Quittance de loyer — %(period)s") if quittance else _("Reçu de paiement partiel — %(period)s")) % {
        "period": f"{receipt.period_start:%m/%Y}"
    }
    return _send(
        actor=actor,
        lease=receipt.lease,
        consent=consent,
        kind=MailedDocumentKind.QUITTANCE if quittance else MailedDocumentKind.RECU,
        call=receipt.rent_call,
        receipt=receipt,
        subject=subject,
        body_template="ledger/email_receipt.txt",
        context={"receipt": receipt, "organisation": receipt.organisation},
        attachment=(f"{receipt.kind}-{receipt.number}.pdf", receipt_pdf(receipt.pk), "application/pdf"),
    )


def notice_send(*, actor, rent_call_id, call=None) -> DocumentEmail:
    """E-mail a call's avis d'échéance, with its PDF, to a tenant who agreed (R5)."""
    _require(actor, "ledger.post")
    if call is None:
        call = (
            RentCall.objects.filter(lease__in=ledger_leases(actor), cancelled_on__isnull=True)
            .select_related("lease", "lease__household", "lease__dwelling", "lease__landlord", "organisation")
            .filter(pk=rent_call_id)
            .first()
        )
        if call is None:
            raise RentCall.DoesNotExist
    if not lease_billed_in_month(call.lease, call.period):
        raise ValidationError(OWNER_LEASE_MESSAGE)
    consent = consent_in_force(call.lease)
    if consent is None:
        raise ValidationError(NO_CONSENT)
    return _send(
        actor=actor,
        lease=call.lease,
        consent=consent,
        kind=MailedDocumentKind.NOTICE,
        call=call,
        receipt=None,
        subject=_("Avis d'échéance — loyer de %(period)s") % {"period": f"{call.period:%m/%Y}"},
        body_template="ledger/email_notice.txt",
        context={"call": call, "organisation": call.organisation, **notice_charge_lines(call)},
        attachment=(f"avis-echeance-{call.period:%Y-%m}.pdf", notice_pdf(call), "application/pdf"),
    )


def redevance_notice_pdf(call) -> bytes:
    """The avis d'échéance de redevance, as the resident's account prints it."""
    return pdf_render(
        "ledger/redevance_notice_pdf.html", {**redevance_queries.notice_context(call), "today": timezone.localdate()}
    )


def redevance_notice_send(*, actor, redevance_call_id, call=None) -> DocumentEmail:
    """E-mail a redevance call's avis d'échéance, with its PDF, to a resident who agreed (R5, as for a tenant)."""
    _require(actor, "ledger.post")
    if call is None:
        call = redevance_queries.redevance_call_for(actor, redevance_call_id)
    if call.cancelled_on is not None:
        raise ValidationError(_("Cet appel de redevance est annulé : il n'a pas d'avis d'échéance."))
    consent = consent_in_force(call.contract)
    if consent is None:
        raise ValidationError(NO_RESIDENT_CONSENT)
    return _send(
        actor=actor,
        lease=call.contract,
        consent=consent,
        kind=MailedDocumentKind.NOTICE,
        call=call,
        receipt=None,
        subject=_("Avis d'échéance — redevance de %(period)s") % {"period": f"{call.period:%m/%Y}"},
        body_template="ledger/email_redevance_notice.txt",
        context={"call": call, "organisation": call.organisation},
        attachment=(f"avis-echeance-redevance-{call.period:%Y-%m}.pdf", redevance_notice_pdf(call), "application/pdf"),
    )


def redevance_notices_pdf(calls) -> bytes:
    """Several avis d'échéance de redevance in one PDF, each starting on a new page, to print and post."""
    today = timezone.localdate()
    return pdf_render_many(
        "ledger/redevance_notice_pdf.html",
        [{**redevance_queries.notice_context(call), "today": today} for call in calls],
    )


def notices_pdf(calls) -> bytes:
    """Several notices in one PDF, each starting on a new page, to print and post."""
    calls = list(calls)
    instalments = instalments_for_calls(calls)
    return pdf_render_many("ledger/notice_pdf.html", [notice_context(call, instalments[call.pk]) for call in calls])


def notice_mailing_start(*, actor, run_id) -> NoticeMailing:
    """Start e-mailing the run's month notices to the consenting tenants and residents (rent and redevance calls of
    the month), as a background task."""
    _require(actor, "ledger.post")
    with transaction.atomic():
        run = runs_of(actor).select_for_update().filter(pk=run_id).first()
        if run is None:
            raise RentCallRun.DoesNotExist
        if run.status != RunStatus.DONE:
            raise ValidationError(_("Les avis s'envoient une fois les appels du mois émis."))
        if run.mailings.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
            raise ValidationError(_("Les avis de ce mois sont déjà en cours d'envoi."))
        total = (
            notices_to_mail(run.organisation_id, run.month).count()
            + redevance_notices_to_mail(run.organisation_id, run.month).count()
        )
        if not total:
            raise ValidationError(
                _("Aucun avis à envoyer : tous sont partis, ou aucun locataire n'a donné son accord.")
            )
        mailing = NoticeMailing.objects.create(
            organisation_id=run.organisation_id, run=run, total=total, started_by=actor
        )
        audit_record(actor=actor, action="ledger.notice_mailing", obj=mailing, detail={"month": f"{run.month:%Y-%m}"})
        transaction.on_commit(lambda: send_notices.enqueue(str(mailing.pk)))
    return mailing


def notice_mailing_execute(mailing_id) -> NoticeMailing:
    """The body of the background task: each notice is sent on its own, a refusal is noted and the rest go on.

    Each sending is recorded (`DocumentEmail`) in the transaction that sends it, and only the notices not recorded
    are sent: a mailing started again after its worker died (it holds a lease, `habiter.core.background`) sends
    what is left. A worker killed between the mail server's acceptance and the commit leaves that one notice
    unrecorded: it is sent a second time on resumption (docs/adr/0017)."""
    mailing = NoticeMailing.objects.select_related("run", "started_by").get(pk=mailing_id)
    key = f"ledger.notice_mailing:{mailing.pk}"
    if mailing.status in (RunStatus.DONE, RunStatus.FAILED):
        background.lease_release(key)
        return mailing
    if not background.lease_acquire(key, send_notices, [str(mailing.pk)]):
        return mailing
    NoticeMailing.objects.filter(pk=mailing.pk).update(status=RunStatus.RUNNING)
    month = mailing.run.month
    calls = list(
        notices_to_mail(mailing.organisation_id, month).select_related(
            "lease", "lease__household", "lease__dwelling", "lease__landlord", "organisation"
        )
    ) + list(
        redevance_notices_to_mail(mailing.organisation_id, month).select_related(
            "contract__household", "contract__resident", "contract__place__residence", "organisation", "transaction"
        )
    )
    # a resumed mailing counts what its first attempts did
    sent = (
        DocumentEmail.objects.filter(kind=MailedDocumentKind.NOTICE, created_at__gte=mailing.created_at)
        .filter(
            Q(rent_call__run=mailing.run)
            | Q(redevance_call__organisation_id=mailing.organisation_id, redevance_call__period=month)
        )
        .count()
    )
    done = max(mailing.total - len(calls), 0)
    errors = [line for line in mailing.error.split("\n") if line]
    for call in calls:
        resident = isinstance(call, RedevanceCall)
        try:
            if resident:
                redevance_notice_send(actor=mailing.started_by, redevance_call_id=call.pk, call=call)
            else:
                notice_send(actor=mailing.started_by, rent_call_id=call.pk, call=call)
        except (ValidationError, PermissionDenied) as error:
            household = call.contract.household if resident else call.lease.household
            errors.append(f"{household.name} : {' '.join(getattr(error, 'messages', []))}")
        else:
            sent += 1
        done += 1
        NoticeMailing.objects.filter(pk=mailing.pk).update(done=done, sent=sent, error="\n".join(errors))
        background.lease_renew(key)
    with transaction.atomic():
        NoticeMailing.objects.filter(pk=mailing.pk).update(
            status=RunStatus.FAILED if errors and not sent else RunStatus.DONE,
            error="\n".join(errors),
            finished_at=timezone.now(),
        )
        background.lease_release(key)
    mailing.refresh_from_db()
    return mailing


@task
def send_notices(mailing_id: str) -> int:
    """The background task of a `NoticeMailing` (defined here, beside the service that enqueues it, so that neither
    module imports the other; `habiter.ledger.tasks` names it too); returns the number sent."""
    return notice_mailing_execute(mailing_id).sent
