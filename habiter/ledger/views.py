"""Pages of `ledger`: thin views over queries.py and services.py."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.forms import apply_validation_error
from habiter.core.legal_queries import legal_parameters
from habiter.core.pdf import pdf_response
from habiter.housing.models import Owner
from habiter.housing.rules import format_iban
from habiter.leases.models import Lease

from . import queries, rules, services
from .bankfiles import BankFileError
from .forms import (
    ArrearsForm,
    BankDetailsForm,
    BankIgnoreForm,
    BankImportForm,
    BankManualMatchForm,
    BankMappingForm,
    BankMatchForm,
    CloseForm,
    ExportForm,
    LetterForm,
    MonthForm,
    OwnerWorkForm,
    PaymentForm,
    PayoutForm,
    PlanMoveForm,
    RepaymentPlanForm,
    ReverseForm,
    StatementMonthForm,
)
from .models import (
    Account,
    ArrearsLetter,
    BankLine,
    BankLineState,
    BankStatement,
    OwnerStatement,
    PayoutBatch,
    RentCall,
    RentCallRun,
    RentReceipt,
    RepaymentPlan,
    Transaction,
)
from .templatetags.ledger_money import euros

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
        call.status = rules.period_status(call.due, call.paid)
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
            "plans": list(queries.plans_of(lease)),
            "letters": list(queries.letters_of(lease)),
            "can_post": user.has_perm("ledger.post"),
            "today": today,
            **_deposit_context(lease, today),
        },
    )


# --- arrears: repayment plans and letters ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def repayment_plan_create(request, lease_id):
    """Agree a plan d'apurement on the lease: the debt covered (its arrears by default), the first month and the
    number or amount of the instalments."""
    user = request.user
    _require(user, "ledger.post")
    lease = _lease(user, lease_id)
    today = _today()
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
    _require(user, "ledger.view_ledger")
    try:
        return queries.plan_for(user, plan_id)
    except RepaymentPlan.DoesNotExist:
        raise Http404 from None


@require_GET
def repayment_plan_detail(request, plan_id):
    """A plan and each of its instalments paid, partly paid, unpaid or upcoming; flagged when not respected."""
    user = request.user
    plan = _plan(user, plan_id)
    today = _today()
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
    _require(user, "ledger.post")
    plan = _plan(user, plan_id)
    form = PlanMoveForm(request.POST)
    if form.is_valid():
        try:
            services.repayment_plan_move(actor=user, plan_id=plan.pk, on=_today(), **form.cleaned_data)
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
    _require(user, "ledger.post")
    lease = _lease(user, lease_id)
    form = LetterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type de courrier inconnu."))
        return redirect("ledger:lease_account", lease.pk)
    try:
        letter = services.arrears_letter_send(
            actor=user, lease_id=lease.pk, kind=form.cleaned_data["kind"], on=_today()
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
def arrears_letter_pdf(request, letter_id):
    user = request.user
    _require(user, "ledger.view_ledger")
    try:
        letter = queries.letter_for(user, letter_id)
    except ArrearsLetter.DoesNotExist:
        raise Http404 from None
    lease = letter.lease
    return pdf_response(
        "ledger/letter_pdf.html",
        {
            "letter": letter,
            "lease": lease,
            "organisation": letter.organisation,
            "landlord": lease.landlord.name if lease.landlord else "",
            "rows": queries.letter_unpaid_rows(letter),
            "answer_days": services.FORMAL_NOTICE_DAYS,
        },
        filename=f"{'mise-en-demeure' if letter.kind == 'formal_notice' else 'relance'}-{letter.sent_on:%Y-%m-%d}.pdf",
    )


def _deposit_context(lease, today) -> dict:
    """The lease's deposit for its account page: held, movements, and after the move-out the return deadline."""
    deposit = queries.deposits_of_lease(lease).first()
    if deposit is None:
        return {"deposit_row": None, "deposit_held": rules.ZERO, "deposit_returned": False, "deposit_movements": []}
    row = queries.deposit_rows([deposit], today)[0]
    return {
        "deposit_row": row,
        "deposit_held": row.held,
        "deposit_returned": deposit.returned_on is not None,
        "deposit_movements": list(queries.deposit_movements(deposit)),
    }


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
            if lease_id:
                return redirect("ledger:lease_account", lease_id)
            owner_id = queries.owner_of_work_transaction(entry)
            return redirect("ledger:owner_ledger", owner_id) if owner_id else redirect("ledger:account_list")
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
    if request.htmx:
        return render(request, "ledger/run_progress.html", {"run": run})
    from .views_mail import run_documents_context

    return render(
        request,
        "ledger/run_detail.html",
        {"run": run, "can_post": user.has_perm("ledger.post"), **run_documents_context(run)},
    )


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
    params = legal_parameters()
    rows = queries.arrears(user, on, params)
    return render(
        request,
        "ledger/arrears.html",
        {
            "form": form,
            "rows": rows,
            "on": on,
            "caf_report_months": params.decimal("caf_report_deadline_months", on),
            "can_open": user.has_perm("ledger.view_ledger"),
            "can_post": user.has_perm("ledger.post"),
        },
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


# --- bank statements -----------------------------------------------------------------------------------------


@require_GET
def bank_queue(request):
    """The bank lines waiting to be matched, each with the leases it most likely pays."""
    user = request.user
    _require(user, "ledger.view_ledger")
    page = Paginator(queries.bank_queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    lines = queries.queue_with_suggestions(list(page), queries.match_candidates(user))
    return render(
        request,
        "ledger/bank_queue.html",
        {
            "page": page,
            "lines": lines,
            "statements": queries.bank_statements(user)[:5],
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_http_methods(["GET", "POST"])
def bank_import(request):
    user = request.user
    _require(user, "ledger.view_ledger")
    mappings = queries.bank_mappings(user)
    form = BankImportForm(request.POST or None, request.FILES or None, mappings=mappings)
    file_errors = []
    if request.method == "POST":
        _require(user, "ledger.post")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                statement = services.bank_statement_import(
                    actor=user,
                    file_name=upload.name,
                    content=upload.read(),
                    file_format=form.cleaned_data["file_format"],
                    mapping_id=form.cleaned_data["mapping"].pk if form.cleaned_data["mapping"] else None,
                )
            except BankFileError as error:
                file_errors = error.errors
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Relevé importé : %(new)s opération(s) nouvelle(s), %(known)s déjà connue(s).")
                    % {"new": statement.new_count, "known": statement.known_count},
                )
                return redirect("ledger:bank_statement", statement.pk)
    return render(
        request,
        "ledger/bank_import.html",
        {
            "form": form,
            "file_errors": file_errors[:50],
            "more_errors": max(len(file_errors) - 50, 0),
            "mappings": mappings,
            "mapping_form": BankMappingForm(),
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_http_methods(["GET", "POST"])
def bank_mapping_create(request):
    user = request.user
    _require(user, "ledger.post")
    form = BankMappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.bank_mapping_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Format « %(name)s » enregistré.") % {"name": mapping.name})
            return redirect("ledger:bank_import")
    return render(request, "ledger/bank_mapping_form.html", {"form": form})


@require_GET
def bank_statement(request, bank_statement_id):
    """An imported statement: its lines, and its closing balance against the ledger's bank account."""
    user = request.user
    try:
        statement = queries.bank_statements(user).get(pk=bank_statement_id)
    except BankStatement.DoesNotExist:
        raise Http404 from None
    ledger_now = None
    if statement.closing_balance is not None:
        ledger_now = queries.bank_balance_on(user.organisation_id, statement.last_day)
    return render(
        request,
        "ledger/bank_statement.html",
        {
            "statement": statement,
            "lines": queries.bank_statement_lines(statement),
            "ledger_now": ledger_now,
            "difference": None if ledger_now is None else statement.closing_balance - ledger_now,
        },
    )


def _bank_line(user, line_id) -> BankLine:
    try:
        return queries.bank_line_for(user, line_id)
    except BankLine.DoesNotExist:
        raise Http404 from None


@require_GET
def bank_line(request, line_id):
    """One bank line: its suggestions, a lease chosen by hand, or setting it aside."""
    user = request.user
    line = _bank_line(user, line_id)
    candidates = queries.match_candidates(user) if line.state == BankLineState.UNMATCHED else []
    queries.queue_with_suggestions([line], candidates)
    return render(
        request,
        "ledger/bank_line.html",
        {
            "line": line,
            "match_form": BankManualMatchForm(candidates=candidates),
            "ignore_form": BankIgnoreForm(),
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_POST
def bank_line_match(request, line_id):
    user = request.user
    _require(user, "ledger.post")
    line = _bank_line(user, line_id)
    form = BankMatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le bail et la provenance du paiement."))
        return redirect("ledger:bank_line", line.pk)
    try:
        payment = services.bank_line_match(
            actor=user, line_id=line.pk, lease_id=form.cleaned_data["lease"], source=form.cleaned_data["source"]
        )
    except Lease.DoesNotExist:
        messages.error(request, _("Ce bail n'existe pas ou ne reçoit pas d'encaissement."))
        return redirect("ledger:bank_line", line.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("ledger:bank_line", line.pk)
    messages.success(
        request,
        _("Opération rapprochée : encaissement de %(amount)s € enregistré pour %(tenant)s.")
        % {"amount": euros(payment.amount), "tenant": payment.lease.household.name},
    )
    return redirect("ledger:bank_queue")


@require_POST
def bank_line_ignore(request, line_id):
    user = request.user
    _require(user, "ledger.post")
    line = _bank_line(user, line_id)
    form = BankIgnoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Demande incomplète."))
        return redirect("ledger:bank_line", line.pk)
    ignore = form.cleaned_data["ignore"]
    try:
        services.bank_line_ignore(actor=user, line_id=line.pk, ignore=ignore, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("ledger:bank_line", line.pk)
    if ignore:
        messages.success(request, _("Opération mise de côté."))
        return redirect("ledger:bank_queue")
    messages.success(request, _("Opération remise dans la file à rapprocher."))
    return redirect("ledger:bank_line", line.pk)


# --- owners under a management mandate ------------------------------------------------------------------------


def _owner(user, owner_id) -> Owner:
    try:
        return queries.owner_for_ledger(user, owner_id)
    except Owner.DoesNotExist:
        raise Http404 from None


def _statement(user, statement_id) -> OwnerStatement:
    try:
        return queries.statement_for(user, statement_id)
    except OwnerStatement.DoesNotExist:
        raise Http404 from None


def _last_month():
    return rules.month_start(rules.month_start(_today()) - timedelta(days=1))


@require_GET
def owner_statements(request):
    """The mandate owners' statements of a month: issued (with their figures) or still to issue."""
    user = request.user
    _require(user, "ledger.view_ledger")
    form = StatementMonthForm(request.GET or None, initial={"month": _last_month()})
    month = (form.cleaned_data["month"] if form.is_valid() else None) or _last_month()
    owners = queries.statements_of_month(user, month)
    return render(
        request,
        "ledger/owner_statements.html",
        {
            "form": form,
            "month": month,
            "owners": owners,
            "ended": month < rules.month_start(_today()),
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_POST
def owner_statement_issue(request, owner_id):
    user = request.user
    _require(user, "ledger.post")
    owner = _owner(user, owner_id)
    form = StatementMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le mois du compte rendu (AAAA-MM)."))
        return redirect("ledger:owner_statements")
    month = form.cleaned_data["month"]
    try:
        statement, created = services.owner_statement_issue(actor=user, owner_id=owner.pk, month=month, on=_today())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('ledger:owner_statements')}?month={month:%Y-%m}")
    if created:
        messages.success(request, _("Compte rendu de gestion émis : les honoraires sont passés en comptabilité."))
    else:
        messages.info(request, _("Ce compte rendu était déjà émis : rien de nouveau n'a été passé."))
    return redirect("ledger:owner_statement_detail", statement.pk)


def _statement_context(statement):
    lines = list(queries.statement_lines(statement))
    return {
        "statement": statement,
        "collected_lines": [line for line in lines if line.kind == "collected"],
        "works_lines": [line for line in lines if line.kind == "works"],
        "fees": queries.fee_by_lease(lines),
        "organisation": statement.organisation,
        "vat_percent": statement.vat_rate * 100,
        "period_end": rules.month_end(statement.month),
    }


@require_GET
def owner_statement_detail(request, statement_id):
    user = request.user
    statement = _statement(user, statement_id)
    context = _statement_context(statement)
    context["can_post"] = user.has_perm("ledger.post")
    return render(request, "ledger/owner_statement_detail.html", context)


@require_GET
def owner_statement_pdf(request, statement_id):
    statement = _statement(request.user, statement_id)
    return pdf_response(
        "ledger/owner_statement_pdf.html",
        _statement_context(statement),
        filename=f"compte-rendu-{statement.month:%Y-%m}.pdf",
    )


@require_GET
def owner_ledger(request, owner_id):
    """An owner's account with the association: balance, statements and works paid on the owner's behalf."""
    user = request.user
    owner = _owner(user, owner_id)
    return render(
        request,
        "ledger/owner_ledger.html",
        {
            "owner": owner,
            "balance": queries.owner_balance(owner),
            "statements": queries.statements(user).filter(owner=owner).order_by("-month")[:24],
            "works": queries.works_of(owner)[:50],
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_http_methods(["GET", "POST"])
def owner_work_create(request, owner_id):
    user = request.user
    _require(user, "ledger.post")
    owner = _owner(user, owner_id)
    form = OwnerWorkForm(request.POST or None, initial={"invoice_date": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.owner_work_record(actor=user, owner_id=owner.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Facture de travaux enregistrée : elle sera déduite du prochain compte rendu."))
            return redirect("ledger:owner_ledger", owner.pk)
    return render(request, "ledger/owner_work_form.html", {"form": form, "owner": owner})


@require_http_methods(["GET", "POST"])
def payouts(request):
    """Choose issued statements with an amount due, pay them by one SEPA file; the batches made so far."""
    user = request.user
    _require(user, "ledger.view_ledger")
    payable = list(queries.payable_statements(user))
    form = PayoutForm(request.POST or None, payable=payable, initial={"execution_date": _today()})
    if request.method == "POST":
        _require(user, "ledger.post")
        if form.is_valid():
            try:
                batch = services.payout_batch_create(
                    actor=user,
                    statement_ids=form.cleaned_data["statements"],
                    execution_date=form.cleaned_data["execution_date"],
                    on=_today(),
                )
            except OwnerStatement.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("Reversements passés en comptabilité : téléchargez le fichier de virements.")
                )
                return redirect("ledger:payout_detail", batch.pk)
    return render(
        request,
        "ledger/payouts.html",
        {
            "form": form,
            "payable": payable,
            "batches": queries.payout_batches(user)[:24],
            "bank": queries.bank_details(user),
            "can_post": user.has_perm("ledger.post"),
            "can_manage_bank": user.has_perm("ledger.manage_bank_details"),
        },
    )


def _batch(user, batch_id) -> PayoutBatch:
    try:
        return queries.payout_batch_for(user, batch_id)
    except PayoutBatch.DoesNotExist:
        raise Http404 from None


@require_GET
def payout_detail(request, batch_id):
    batch = _batch(request.user, batch_id)
    return render(
        request,
        "ledger/payout_detail.html",
        {"batch": batch, "statements": batch.statements.select_related("owner").order_by("owner_name", "month")},
    )


@require_GET
def payout_file(request, batch_id):
    """The pain.001 file as generated when the batch was posted, every time the same."""
    batch = _batch(request.user, batch_id)
    response = HttpResponse(bytes(batch.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virements-{batch.reference}.xml"'
    return response


@require_http_methods(["GET", "POST"])
def bank_details(request):
    user = request.user
    _require(user, "ledger.manage_bank_details")
    current = queries.bank_details(user)
    initial = (
        {"holder_name": current.holder_name, "iban": format_iban(current.iban), "bic": current.bic}
        if current
        else {"holder_name": user.organisation.name[:70]}
    )
    form = BankDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_details_save(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Coordonnées bancaires de l'association enregistrées."))
            return redirect("ledger:payouts")
    return render(request, "ledger/bank_details_form.html", {"form": form})
