"""Pages of the redevance of residence contracts in the ledger: the resident's account (calls with their lines,
payments from the resident and the CAF, balance, receipts, the deposit held), a month's call and its avis
d'échéance, a payment, a receipt and its PDF (thin views over `redevance.queries` and `redevance.services`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.formats import euros
from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404
from habiter.core.pdf import pdf_response
from habiter.core.reads import journaled_read, read_of
from habiter.ledger import pages, rules
from habiter.ledger.deposits import queries as deposit_queries
from habiter.ledger.forms import MonthForm, RedevancePaymentForm

from . import queries, services


@require_GET
@journaled_read("ledger.redevance_account")
def redevance_account(request, contract_id):
    """The resident's account of a residence contract: calls and their lines, payments, balance and receipts."""
    user = request.user
    contract = get_or_404(queries.contract_for_ledger, user, contract_id)
    read_of(request, household_id=contract.household_id, obj=contract)
    today = pages.today()
    calls = list(queries.calls_of(contract))
    for call in calls:
        call.paid = rules.cents(call.paid)
        call.status = rules.period_status(call.total, call.paid)
        call.quittance = next((r for r in call.receipts.all() if r.kind == "quittance"), None)
    return render(
        request,
        "ledger/redevance_account.html",
        {
            "contract": contract,
            "figures": queries.contract_balance(contract, today),
            "calls": calls,
            "payments": list(queries.payments_of(contract)),
            "deposit": deposit_queries.contract_deposit(contract),
            "can_post": user.has_perm("ledger.post"),
            "month_form": MonthForm(initial={"month": today.replace(day=1)}),
            "today": today,
        },
    )


@require_POST
def redevance_call_issue(request, contract_id):
    """Issue one month's redevance call for the contract (the month-end run issues them all)."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    contract = get_or_404(queries.contract_for_ledger, user, contract_id)
    form = MonthForm(request.POST)
    if form.is_valid():
        try:
            call, created = services.redevance_call_issue(
                actor=user, contract_id=contract.pk, period=form.cleaned_data["month"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if created:
                messages.success(
                    request,
                    _("Redevance de %(period)s appelée : %(amount)s €.")
                    % {"period": f"{call.period:%m/%Y}", "amount": euros(call.total)},
                )
            else:
                messages.info(request, _("La redevance de ce mois était déjà appelée."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("ledger:redevance_account", contract.pk)


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.payment_form")
def redevance_payment_create(request, contract_id):
    """Record money received for the contract: the resident's, or the APL-foyer the CAF pays to the manager."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    contract = get_or_404(queries.contract_for_ledger, user, contract_id)
    read_of(request, household_id=contract.household_id, obj=contract)
    form = RedevancePaymentForm(request.POST or None, initial={"received_on": pages.today(), "source": "resident"})
    if request.method == "POST" and form.is_valid():
        try:
            services.redevance_payment_record(actor=user, contract_id=contract.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Encaissement enregistré et imputé."))
            return redirect("ledger:redevance_account", contract.pk)
    return render(request, "ledger/redevance_payment_form.html", {"form": form, "contract": contract})


@require_POST
def redevance_receipt_issue(request, redevance_call_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    call = get_or_404(queries.redevance_call_for, user, redevance_call_id)
    try:
        receipt = services.redevance_receipt_issue(actor=user, call_id=call.pk, on=pages.today())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Document émis : %(document)s n° %(number)s.")
            % {"document": receipt.get_kind_display(), "number": receipt.number},
        )
    return redirect("ledger:redevance_account", call.contract_id)


@require_GET
@journaled_read("ledger.redevance_notice")
def redevance_call_notice(request, redevance_call_id):
    """The avis d'échéance of a month of redevance: what is due and by when, never a receipt."""
    user = request.user
    call = get_or_404(queries.redevance_call_for, user, redevance_call_id)
    read_of(request, household_id=call.contract.household_id, obj=call)
    if call.cancelled_on is not None:
        messages.error(request, _("Cet appel de redevance est annulé : il n'a pas d'avis d'échéance."))
        return redirect("ledger:redevance_account", call.contract_id)
    return pdf_response(
        "ledger/redevance_notice_pdf.html",
        {**queries.notice_context(call), "today": pages.today()},
        filename=f"avis-echeance-redevance-{call.period:%Y-%m}.pdf",
    )


@require_GET
@journaled_read("ledger.redevance_receipt")
def redevance_receipt_pdf(request, redevance_receipt_id):
    """The quittance or reçu of a month of redevance, from the fields copied at issue."""
    user = request.user
    receipt = get_or_404(queries.redevance_receipt_for, user, redevance_receipt_id)
    read_of(request, household_id=receipt.contract.household_id, obj=receipt)
    return pdf_response(
        "ledger/redevance_receipt_pdf.html",
        {"receipt": receipt, "left": receipt.total_due - receipt.paid},
        filename=f"{receipt.kind}-redevance-{receipt.number}.pdf",
    )
