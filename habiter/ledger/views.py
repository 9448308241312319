"""Pages of `ledger`: thin views over queries.py and services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.forms import apply_validation_error
from habiter.core.pdf import pdf_response
from habiter.leases.models import Lease

from . import queries, rules, services
from .forms import ArrearsForm, CloseForm, ExportForm, MonthForm, PaymentForm, ReverseForm
from .models import Account, RentCall, RentCallRun, RentReceipt, Transaction

PAGE_SIZE = 50


def _require(user, perm):
    """A page the user's role may not use is answered like a missing one."""
    if not user.has_perm(perm):
        raise Http404


def _today():
    return timezone.localdate()


def _lease(user, lease_id) -> Lease:
    try:
        return queries.lease_for_ledger(user, lease_id)
    except Lease.DoesNotExist:
        raise Http404 from None


@require_GET
def account_list(request):
    user = request.user
    _require(user, "ledger.view_ledger")
    page = Paginator(queries.accounts_with_balance(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/account_list.html",
        {"page": page, "ledger_sum": queries.ledger_sum(user.organisation_id)},
    )


@require_GET
def account_detail(request, account_id):
    user = request.user
    _require(user, "ledger.view_ledger")
    try:
        account = queries.account_for_page(user, account_id)
    except Account.DoesNotExist:
        raise Http404 from None
    page = Paginator(queries.account_lines(account), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/account_detail.html", {"account": account, "page": page})


@require_GET
def lease_account(request, lease_id):
    """The lease's account: calls, payments and their allocation, balance and documents."""
    user = request.user
    lease = _lease(user, lease_id)
    today = _today()
    calls = list(queries.rent_calls_of(lease))
    for call in calls:
        call.paid = rules.cents(call.paid)
        call.status = rules.period_status(call.total, call.paid)
        call.quittance = next((r for r in call.receipts.all() if r.kind == "quittance"), None)
    return render(
        request,
        "ledger/lease_account.html",
        {
            "lease": lease,
            "balance": queries.lease_balance(lease, today),
            "calls": calls,
            "payments": list(queries.payments_of(lease)),
            "receipts": list(queries.receipts_of(lease)),
            "can_post": user.has_perm("ledger.post"),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def payment_create(request, lease_id):
    user = request.user
    _require(user, "ledger.post")
    lease = _lease(user, lease_id)
    form = PaymentForm(request.POST or None, initial={"received_on": _today(), "source": "tenant"})
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(actor=user, lease_id=lease.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Encaissement enregistré et imputé sur les loyers les plus anciens."))
            return redirect("ledger:lease_account", lease.pk)
    return render(request, "ledger/payment_form.html", {"form": form, "lease": lease})


def _rent_call(user, rent_call_id) -> RentCall:
    try:
        return queries.rent_call_for(user, rent_call_id)
    except RentCall.DoesNotExist:
        raise Http404 from None


@require_GET
def rent_call_notice(request, rent_call_id):
    """The avis d'échéance of a call: a notice of what is due, never a receipt (R7)."""
    user = request.user
    call = _rent_call(user, rent_call_id)
    lease = call.lease
    return pdf_response(
        "ledger/notice_pdf.html",
        {
            "call": call,
            "lease": lease,
            "organisation": call.organisation,
            "landlord": lease.landlord.name if lease.landlord else call.organisation.name,
            "tenants": services.tenant_names(lease.household),
            "today": _today(),
        },
        filename=f"avis-echeance-{call.period:%Y-%m}.pdf",
    )


@require_POST
def receipt_issue(request, rent_call_id):
    user = request.user
    _require(user, "ledger.post")
    call = _rent_call(user, rent_call_id)
    try:
        receipt = services.receipt_issue(actor=user, rent_call_id=call.pk, on=_today())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Document émis : %(document)s n° %(number)s.")
            % {"document": receipt.get_kind_display(), "number": receipt.number},
        )
    return redirect("ledger:lease_account", call.lease_id)


@require_GET
def receipt_pdf(request, receipt_id):
    user = request.user
    try:
        receipt = queries.receipt_for(user, receipt_id)
    except RentReceipt.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(services.receipt_pdf(receipt.pk), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.kind}-{receipt.number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def transaction_reverse(request, transaction_id):
    user = request.user
    _require(user, "ledger.post")
    try:
        entry = queries.transaction_for(user, transaction_id)
    except Transaction.DoesNotExist:
        raise Http404 from None
    form = ReverseForm(request.POST or None, initial={"on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.transaction_reverse(actor=user, transaction_id=entry.pk, on=form.cleaned_data["on"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Écriture contre-passée."))
            lease_id = queries.lease_of_transaction(entry)
            return redirect("ledger:lease_account", lease_id) if lease_id else redirect("ledger:account_list")
    return render(
        request,
        "ledger/reverse_form.html",
        {"form": form, "entry": entry, "lines": entry.lines.select_related("account")},
    )


@require_http_methods(["GET", "POST"])
def month_end(request):
    """Start the month's rent calls; the runs of the organisation and the closed months."""
    user = request.user
    _require(user, "ledger.view_ledger")
    form = MonthForm(request.POST or None, initial={"month": _today().replace(day=1)})
    if request.method == "POST":
        _require(user, "ledger.post")
        if form.is_valid():
            try:
                run = services.rent_call_run_start(actor=user, month=form.cleaned_data["month"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("ledger:run_detail", run.pk)
    return render(
        request,
        "ledger/month_end.html",
        {
            "form": form,
            "close_form": CloseForm(prefix="close"),
            "runs": queries.runs_of(user)[:12],
            "closed": queries.closed_months(user)[:12],
            "can_post": user.has_perm("ledger.post"),
            "can_close": user.has_perm("ledger.close_period"),
        },
    )


@require_GET
def run_detail(request, run_id):
    """A run's progress; while it runs, htmx asks for the progress fragment again every second."""
    user = request.user
    try:
        run = queries.runs_of(user).get(pk=run_id)
    except RentCallRun.DoesNotExist:
        raise Http404 from None
    template = "ledger/run_progress.html" if request.htmx else "ledger/run_detail.html"
    return render(request, template, {"run": run})


@require_POST
def period_close(request):
    user = request.user
    _require(user, "ledger.close_period")
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.period_close(actor=user, month=form.cleaned_data["month"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Mois clôturé : plus aucune écriture ne peut y être datée."))
    else:
        messages.error(request, _("Indiquez le mois à clôturer (AAAA-MM)."))
    return redirect("ledger:month_end")


@require_GET
def arrears(request):
    """Unpaid rent of every lease in the user's scope, aged, with the CAF threshold (R40–R42)."""
    user = request.user
    _require(user, "ledger.view_balance")
    form = ArrearsForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or _today()
    rows = queries.arrears(user, on)
    return render(
        request,
        "ledger/arrears.html",
        {"form": form, "rows": rows, "on": on, "can_open": user.has_perm("ledger.view_ledger")},
    )


@require_GET
def export(request):
    """The books of a period as a FEC file or an XLSX workbook: the form, then the download (same URL, GET)."""
    user = request.user
    _require(user, "ledger.export")
    today = _today()
    form = ExportForm(
        request.GET or None, initial={"start": today.replace(month=1, day=1), "end": today.replace(month=12, day=31)}
    )
    if form.is_bound and form.is_valid():
        try:
            name, content_type, content = services.ledger_export(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "ledger/export.html", {"form": form})
