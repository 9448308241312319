"""Pages of the rent and redevance documents by e-mail (R5): the tenant's or the resident's consent, sending a
document, the month's notices."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404
from habiter.core.reads import journaled_list, journaled_read, listed, read_of
from habiter.ledger import pages
from habiter.ledger.forms import EmailConsentForm
from habiter.ledger.models import NoticeMailing, RedevanceCall, RentCall, RentCallRun, RentReceipt
from habiter.ledger.redevance import queries as redevance_queries
from habiter.ledger.rent import queries as rent_queries

from . import queries, services


def _run(user, run_id) -> RentCallRun:
    try:
        return rent_queries.runs_of(user).get(pk=run_id)
    except RentCallRun.DoesNotExist:
        raise Http404 from None


def _consent_form(request, consent, default_email, record, back):
    """The agreement form of a lease's or a residence contract's page, with the agreement in force as its start; on
    a valid POST by someone who may post, `record(**data)` then the redirect to `back`. (form, redirect or None)"""
    form = EmailConsentForm(
        request.POST or None,
        initial={
            "given": "0" if consent else "1",
            "on": timezone.localdate(),
            "email": consent.email if consent else default_email,
        },
    )
    if request.method == "POST":
        pages.require_perm(request.user, "ledger.post")
        if form.is_valid():
            try:
                record(**form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("Accord enregistré.") if form.cleaned_data["given"] else _("Retrait enregistré.")
                )
                return form, redirect(back)
    return form, None


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.email_consent")
def lease_mail(request, lease_id):
    """The tenant's agreement to e-mail, its history, and the lease's documents to send."""
    user = request.user
    lease = pages.lease_or_404(user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    consent = queries.consent_in_force(lease)
    form, done = _consent_form(
        request,
        consent,
        lease.household.email,
        lambda **data: services.email_consent_record(actor=user, lease_id=lease.pk, **data),
        reverse("ledger:lease_mail", args=[lease.pk]),
    )
    if done:
        return done
    return render(
        request,
        "ledger/lease_mail.html",
        {
            "lease": lease,
            "consent": consent,
            "form": form,
            "history": queries.consent_history(lease),
            "calls": queries.calls_to_send(lease),
            "receipts": list(rent_queries.receipts_of(lease)[:12]),
            "sent": queries.sent_documents(lease),
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.email_consent")
def contract_mail(request, contract_id):
    """The resident's agreement to e-mail (the same rule as a tenant's, on the residence contract), its history, and
    the redevance documents sent; the month's avis d'échéance leave with the month-end mailing."""
    user = request.user
    contract = get_or_404(redevance_queries.contract_for_ledger, user, contract_id)
    read_of(request, household_id=contract.household_id, obj=contract)
    consent = queries.consent_in_force(contract)
    form, done = _consent_form(
        request,
        consent,
        contract.resident.email or contract.household.email,
        lambda **data: services.email_consent_record(actor=user, contract_id=contract.pk, **data),
        reverse("ledger:contract_mail", args=[contract.pk]),
    )
    if done:
        return done
    form.fields["given"].label = _("Le résident")
    return render(
        request,
        "ledger/contract_mail.html",
        {
            "contract": contract,
            "consent": consent,
            "form": form,
            "history": queries.consent_history(contract),
            "calls": queries.redevance_calls_to_send(contract),
            "sent": queries.redevance_sent_documents(contract),
            "can_post": user.has_perm("ledger.post"),
        },
    )


def _sent_or_error(request, send, back):
    try:
        sent = send()
    except (RentCall.DoesNotExist, RentReceipt.DoesNotExist, RedevanceCall.DoesNotExist, PermissionDenied):
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Document envoyé à %(to)s.") % {"to": sent.to})
    return redirect(back)


@require_POST
def notice_send(request, rent_call_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    try:
        call = rent_queries.rent_call_for(user, rent_call_id)
    except RentCall.DoesNotExist:
        raise Http404 from None
    return _sent_or_error(
        request,
        lambda: services.notice_send(actor=user, rent_call_id=call.pk),
        reverse("ledger:lease_mail", args=[call.lease_id]),
    )


@require_POST
def receipt_send(request, receipt_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    try:
        receipt = rent_queries.receipt_for(user, receipt_id)
    except RentReceipt.DoesNotExist:
        raise Http404 from None
    return _sent_or_error(
        request,
        lambda: services.receipt_send(actor=user, receipt_id=receipt.pk),
        reverse("ledger:lease_mail", args=[receipt.lease_id]),
    )


@require_POST
def contract_notice_send(request, redevance_call_id):
    """E-mail one avis d'échéance de redevance to the resident who agreed, outside the month's mailing (a notice
    issued late, or asked again)."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    call = get_or_404(redevance_queries.redevance_call_for, user, redevance_call_id)
    return _sent_or_error(
        request,
        lambda: services.redevance_notice_send(actor=user, redevance_call_id=call.pk, call=call),
        reverse("ledger:contract_mail", args=[call.contract_id]),
    )


@require_GET
@journaled_list("ledger.run_notices")
def run_notices_pdf(request, run_id):
    """The month's notices of the tenants who did not agree to e-mail, to print: part `partie` of the chunks."""
    user = request.user
    run = _run(user, run_id)
    try:
        part = max(1, int(request.GET.get("partie", "1")))
    except ValueError:
        raise Http404 from None
    chunk, redevances = queries.print_chunk(run.organisation_id, run.month, part)
    if not chunk:
        raise Http404
    if redevances:
        listed(request, [call.contract.household_id for call in chunk])
        pdf = services.redevance_notices_pdf(chunk)
    else:
        listed(request, [call.lease.household_id for call in chunk])
        pdf = services.notices_pdf(chunk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="avis-echeance-{run.month:%Y-%m}-{part}.pdf"'
    return response


@require_POST
def run_notices_mail(request, run_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    run = _run(user, run_id)
    try:
        services.notice_mailing_start(actor=user, run_id=run.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("ledger:run_detail", run.pk)


@require_GET
def mailing_detail(request, mailing_id):
    """A mailing's progress fragment; htmx asks for it again every second while it runs."""
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    try:
        sending = NoticeMailing.objects.get(organisation_id=user.organisation_id, pk=mailing_id)
    except NoticeMailing.DoesNotExist:
        raise Http404 from None
    return render(request, "ledger/mailing_progress.html", {"mailing": sending})
