"""Pages of rent: the lease's account, payments, notices and receipts, the month-end run, arrears, repayment plans
and letters (thin views over `rent.queries` and `rent.services`)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.forms import apply_validation_error
from habiter.core.legal_queries import legal_parameters
from habiter.core.pdf import pdf_response
from habiter.core.reads import journaled_read, read_of
from habiter.ledger import pages, rules
from habiter.ledger.charges import queries as charges_queries
from habiter.ledger.deposits.queries import lease_deposit_summary
from habiter.ledger.entries.queries import closed_months, opening_date
from habiter.ledger.forms import (
    ArrearsForm,
    CloseForm,
    LetterForm,
    MonthForm,
    OpeningForm,
    PaymentForm,
    PlanMoveForm,
    RepaymentPlanForm,
)
from habiter.ledger.mailing.queries import run_documents_context
from habiter.ledger.mailing.services import notice_context
from habiter.ledger.models import ArrearsLetter, RentCall, RentCallRun, RentReceipt, RepaymentPlan
from habiter.ledger.redevance.queries import redevance_arrears

from . import queries, services
from .arrears import FORMAL_NOTICE_DAYS


@require_GET
@journaled_read("ledger.lease_account")
def lease_account(request, lease_id):
    """The lease's account: calls, payments and their allocation, balance and documents."""
    user = request.user
    lease = pages.lease_or_404(user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    today = pages.today()
    calls = list(queries.rent_calls_of(lease))
    for call in calls:
        call.paid = rules.cents(call.paid)
        call.status = rules.period_status(call.due, call.paid)
        call.quittance = next((r for r in call.receipts.all() if r.kind == "quittance"), None)
    charge_lines = list(charges_queries.lease_regularisation_lines(lease))
    for line in charge_lines:
        line.remaining = charges_queries.remaining_instalments(line, today)
    return render(
        request,
        "ledger/lease_account.html",
        {
            "lease": lease,
            "balance": queries.lease_balance(lease, today),
            "calls": calls,
            "payments": list(queries.payments_of(lease)),
            "receipts": list(queries.receipts_of(lease)),
            "plans": list(queries.plans_of(lease)),
            "letters": list(queries.letters_of(lease)),
            "charge_lines": charge_lines,
            "can_post": user.has_perm("ledger.post"),
            "today": today,
            **lease_deposit_summary(lease, today),
        },
    )


# --- arrears: repayment plans and letters ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.repayment_plan_form")
def repayment_plan_create(request, lease_id):
    """Agree a plan d'apurement on the lease: the debt covered (its arrears by default), the first month and the
    number or amount of the instalments."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    lease = pages.lease_or_404(user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    today = pages.today()
    arrears = queries.lease_arrears_total(lease, today)
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    form = RepaymentPlanForm(request.POST or None, initial={"debt": arrears, "start_month": next_month})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.repayment_plan_create(actor=user, lease_id=lease.pk, on=today, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Plan d'apurement établi : %(count)s échéances à partir de %(month)s.")
                % {"count": plan.instalments.count(), "month": f"{plan.start_month:%m/%Y}"},
            )
            return redirect("ledger:repayment_plan_detail", plan.pk)
    return render(request, "ledger/plan_form.html", {"form": form, "lease": lease, "arrears": arrears})


def _plan(user, plan_id) -> RepaymentPlan:
    pages.require_perm(user, "ledger.view_ledger")
    try:
        return queries.plan_for(user, plan_id)
    except RepaymentPlan.DoesNotExist:
        raise Http404 from None


@require_GET
@journaled_read("ledger.repayment_plan")
def repayment_plan_detail(request, plan_id):
    """A plan and each of its instalments paid, partly paid, unpaid or upcoming; flagged when not respected."""
    user = request.user
    plan = _plan(user, plan_id)
    read_of(request, household_id=plan.lease.household_id, obj=plan)
    today = pages.today()
    follow = queries.plan_follow_up(plan, queries.lease_arrears_total(plan.lease, today), today)
    return render(
        request,
        "ledger/plan_detail.html",
        {
            "plan": plan,
            "follow": follow,
            "today": today,
            "move_form": PlanMoveForm(),
            "can_post": user.has_perm("ledger.post") and plan.status == "active",
        },
    )


@require_POST
def repayment_plan_move(request, plan_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    plan = _plan(user, plan_id)
    form = PlanMoveForm(request.POST)
    if form.is_valid():
        try:
            services.repayment_plan_move(actor=user, plan_id=plan.pk, on=pages.today(), **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("État du plan d'apurement enregistré."))
    else:
        messages.error(request, _("Choisissez le nouvel état du plan."))
    return redirect("ledger:repayment_plan_detail", plan.pk)


@require_POST
def arrears_letter_create(request, lease_id):
    """Record a lettre de relance or a mise en demeure for the lease's arrears; its PDF is then on the account."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    lease = pages.lease_or_404(user, lease_id)
    form = LetterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type de courrier inconnu."))
        return redirect("ledger:lease_account", lease.pk)
    try:
        letter = services.arrears_letter_send(
            actor=user, lease_id=lease.pk, kind=form.cleaned_data["kind"], on=pages.today()
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(letter)s enregistrée : téléchargez-la ci-dessous pour l'envoyer.")
            % {"letter": letter.get_kind_display()},
        )
    return redirect("ledger:lease_account", lease.pk)


@require_GET
@journaled_read("ledger.arrears_letter")
def arrears_letter_pdf(request, letter_id):
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    try:
        letter = queries.letter_for(user, letter_id)
    except ArrearsLetter.DoesNotExist:
        raise Http404 from None
    lease = letter.lease
    read_of(request, household_id=lease.household_id, obj=letter)
    return pdf_response(
        "ledger/letter_pdf.html",
        {
            "letter": letter,
            "lease": lease,
            "organisation": letter.organisation,
            "landlord": lease.landlord.name if lease.landlord else "",
            "rows": queries.letter_unpaid_rows(letter),
            "answer_days": FORMAL_NOTICE_DAYS,
        },
        filename=f"{'mise-en-demeure' if letter.kind == 'formal_notice' else 'relance'}-{letter.sent_on:%Y-%m-%d}.pdf",
    )


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.payment_form")
def payment_create(request, lease_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    lease = pages.lease_or_404(user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    form = PaymentForm(
        request.POST or None,
        initial={"received_on": pages.today(), "source": "tenant"},
        open_calls=queries.open_calls_of(lease),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("submission_key")
        try:
            services.payment_record(actor=user, lease_id=lease.pk, idempotency_key=str(key or ""), **data)
        except services.PaymentAlreadyRecorded as already:
            messages.info(request, already.message)
            return redirect("ledger:lease_account", already.payment.lease_id)
        except ValidationError as error:
            apply_validation_error(form, error)
            if isinstance(error, services.LargePaymentNeedsConfirmation):
                form.ask_confirmation()
        else:
            messages.success(request, _("Encaissement enregistré et imputé."))
            return redirect("ledger:lease_account", lease.pk)
    return render(request, "ledger/payment_form.html", {"form": form, "lease": lease})


def _rent_call(user, rent_call_id) -> RentCall:
    try:
        return queries.rent_call_for(user, rent_call_id)
    except RentCall.DoesNotExist:
        raise Http404 from None


@require_GET
@journaled_read("ledger.rent_notice")
def rent_call_notice(request, rent_call_id):
    """The avis d'échéance of a call: a notice of what is due, never a receipt (R7)."""
    user = request.user
    call = _rent_call(user, rent_call_id)
    lease = call.lease
    if not queries.lease_billed_in_month(lease, call.period):
        messages.error(request, queries.OWNER_LEASE_MESSAGE)
        return redirect("ledger:lease_account", lease.pk)
    read_of(request, household_id=lease.household_id, obj=call)
    return pdf_response(
        "ledger/notice_pdf.html",
        {**notice_context(call), "today": pages.today()},
        filename=f"avis-echeance-{call.period:%Y-%m}.pdf",
    )


@require_POST
def receipt_issue(request, rent_call_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    call = _rent_call(user, rent_call_id)
    try:
        receipt = services.receipt_issue(actor=user, rent_call_id=call.pk, on=pages.today())
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
@journaled_read("ledger.receipt")
def receipt_pdf(request, receipt_id):
    user = request.user
    try:
        receipt = queries.receipt_for(user, receipt_id)
    except RentReceipt.DoesNotExist:
        raise Http404 from None
    read_of(request, household_id=receipt.lease.household_id, obj=receipt)
    response = HttpResponse(services.receipt_pdf(receipt.pk), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.kind}-{receipt.number}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def month_end(request):
    """Start the month's rent calls; the runs of the organisation and the closed months."""
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    form = MonthForm(request.POST or None, initial={"month": pages.today().replace(day=1)})
    if request.method == "POST":
        pages.require_perm(user, "ledger.post")
        if form.is_valid():
            try:
                run = services.rent_call_run_start(actor=user, month=form.cleaned_data["month"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("ledger:run_detail", run.pk)
    opened_on = opening_date(user.organisation_id)
    return render(
        request,
        "ledger/month_end.html",
        {
            "form": form,
            "close_form": CloseForm(prefix="close"),
            "opened_on": opened_on,
            "opening_form": OpeningForm(prefix="opening", initial={"opened_on": opened_on}),
            "runs": queries.runs_of(user)[:12],
            "closed": closed_months(user)[:12],
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
    if request.htmx:
        return render(request, "ledger/run_progress.html", {"run": run})
    return render(
        request,
        "ledger/run_detail.html",
        {"run": run, "can_post": user.has_perm("ledger.post"), **run_documents_context(run)},
    )


@require_GET
def arrears(request):
    """Unpaid rent of every lease in the user's scope, aged, with the CAF threshold (R40–R42)."""
    user = request.user
    pages.require_perm(user, "ledger.view_balance")
    form = ArrearsForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or pages.today()
    params = legal_parameters()
    rows = queries.arrears(user, on, params)
    return render(
        request,
        "ledger/arrears.html",
        {
            "form": form,
            "rows": rows,
            "redevance_rows": redevance_arrears(user, on),
            "on": on,
            "caf_report_months": params.decimal("caf_report_deadline_months", on),
            "can_open": user.has_perm("ledger.view_ledger"),
            "can_post": user.has_perm("ledger.post"),
        },
    )
