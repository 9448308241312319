"""Pages of the reporting app: the list of reports (the activity report and each funder's), a report's preview,
its stored runs and their XLSX and PDF exports; the subsidies, their comptes rendus financiers and the accounts
threshold of a year (DOMAIN-2 W31, W32).

The pages show aggregated figures, never a household: they are not reads of a file (tests/test_read_journal.py)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.formats import euros
from habiter.core.forms import apply_validation_error
from habiter.core.models import Role

from . import indicators, queries, rules, services
from .forms import (
    AccountsObligationsForm,
    CrfSentForm,
    ImlCostsForm,
    PeriodForm,
    SubsidyDecisionForm,
    SubsidyPaymentCancelForm,
    SubsidyPaymentForm,
    SubsidyRequestForm,
    SubsidyYearForm,
)
from .models import ReportRun, Subsidy, SubsidyPayment

RUNS_SHOWN = 20


def _with_definitions(tables: list[dict]) -> list[dict]:
    """Each table with its indicator's counting rule and unit, as the page shows them beside the figures."""
    return [indicators.described(table) | {"cells": labelled(table["columns"], table["rows"])} for table in tables]


def labelled(columns, rows) -> list[list[tuple]]:
    """Each cell with its column's name, which a table stacked on a phone writes before the value."""
    return [list(zip(columns, row, strict=False)) for row in rows]


def _report_or_404(user, code) -> indicators.Report:
    if not user.has_perm("reporting.view_reports") or code not in indicators.REPORTS:
        raise Http404
    return indicators.REPORTS[code]


def _report_page(request, report: indicators.Report, form: PeriodForm, *, preview: bool):
    """A report's page: the period chosen, the tables counted now (`preview`), the runs stored."""
    user = request.user
    period = indicators.Period(*form.cleaned_data["period"]) if preview and form.is_valid() else None
    tables = []
    if period:
        tables = _with_definitions(indicators.compute(report.code, queries.reporting_scope(user), period))
    return render(
        request,
        "reporting/report.html",
        {
            "form": form,
            "report": report,
            "period": period,
            "year": period.start.year if period and form.is_calendar_year() else None,
            "tables": tables,
            "team": None if user.role == Role.DIRECTOR else user.team,
            "runs": queries.report_runs_visible_to(user).filter(code=report.code)[:RUNS_SHOWN],
        },
    )


@require_http_methods(["GET", "POST"])
def report_list(request):
    """The reports a director or team lead may produce: the activity report and each funder's. A POST stores a
    report over a year or a period as a run (ADR 0022) and opens it."""
    user = request.user
    if not user.has_perm("reporting.view_reports"):
        raise Http404
    if request.method == "POST":
        report = _report_or_404(user, request.POST.get("code", ""))
        form = PeriodForm(request.POST)
        if form.is_valid():
            period = indicators.Period(*form.cleaned_data["period"])
            try:
                run = services.report_run(actor=user, code=report.code, start=period.start, end=period.end)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Le rapport est enregistré : ses chiffres ne changeront plus."))
                return redirect("reporting:run_detail", run_id=run.pk)
        return _report_page(request, report, form, preview=False)
    runs = queries.report_runs_visible_to(user)
    return render(
        request,
        "reporting/report_list.html",
        {
            "reports": [(report, runs.filter(code=report.code).first()) for report in indicators.REPORTS.values()],
            "team": None if user.role == Role.DIRECTOR else user.team,
        },
    )


@require_GET
def report(request, code):
    """Choose a year or a period and preview a report's tables counted now; « Enregistrer » posts to the list (a
    new run)."""
    report = _report_or_404(request.user, code)
    form = PeriodForm(request.GET or {"annee": timezone.localdate().year - 1})
    return _report_page(request, report, form, preview=True)


def _run_or_404(user, run_id) -> ReportRun:
    if not user.has_perm("reporting.view_reports"):
        raise Http404
    try:
        return queries.report_run_for(user, run_id)
    except ReportRun.DoesNotExist:
        raise Http404 from None


@require_GET
def run_detail(request, run_id):
    """A stored run as it was produced, and what a count today would change."""
    user = request.user
    run = _run_or_404(user, run_id)
    changes = queries.report_run_changes(user, run)
    title = (
        indicators.REPORTS[run.code].title if run.code in indicators.REPORTS else indicators.INDICATORS[run.code].title
    )
    return render(
        request,
        "reporting/run_detail.html",
        {
            "run": run,
            "title": title,
            "report": indicators.REPORTS.get(run.code),
            "tables": _with_definitions(run.result),
            "changes": changes,
        },
    )


def _export(request, run_id, fmt):
    user = request.user
    _run_or_404(user, run_id)
    name, content_type, content = services.report_run_export(actor=user, run_id=run_id, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    disposition = "attachment" if fmt == "xlsx" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@require_GET
def run_xlsx(request, run_id):
    return _export(request, run_id, "xlsx")


@require_GET
def run_pdf(request, run_id):
    return _export(request, run_id, "pdf")


@require_GET
def esds_rows(request):
    """The ES-DS survey's anonymous individual rows (W33, W43) over a year or a period, as CSV: the persons present
    on its last day and those who left during it. Directors only; an invalid period shows the report's page."""
    user = request.user
    if not user.has_perm("reporting.export_anonymous_rows"):
        raise Http404
    form = PeriodForm(request.GET or {"annee": timezone.localdate().year - 1})
    if not form.is_valid():
        return _report_page(request, indicators.REPORTS["esds"], form, preview=False)
    start, end = form.cleaned_data["period"]
    name, content, _count = services.anonymous_rows_export(actor=user, start=start, end=end)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def dashboard(request):
    """The director's (or team lead's) dashboard: a few series drawn as SVG, each with its table."""
    user = request.user
    if not user.has_perm("reporting.view_reports"):
        raise Http404
    from .dashboard import dashboard as dashboard_of

    today = timezone.localdate()
    return render(
        request,
        "reporting/dashboard.html",
        {"today": today, "team": None if user.role == Role.DIRECTOR else user.team, **dashboard_of(user, today)},
    )


# --- subsidies (DOMAIN-2 W31, W32) ------------------------------------------------------------------------------


def _subsidy_reader(user):
    if not user.has_perm("reporting.view_subsidies"):
        raise Http404


def _year(request) -> int:
    form = SubsidyYearForm(request.GET or None)
    if form.is_valid():
        return form.cleaned_data["annee"]
    return timezone.localdate().year


@require_GET
def subsidy_list(request):
    """The subsidies of a financial year, per funder with its totals, then one by one."""
    user = request.user
    _subsidy_reader(user)
    year = _year(request)
    rows = queries.totals_by_funder(user, year)
    listed = queries.with_received(queries.subsidies_visible_to(user).filter(year_end__year=year)).order_by(
        "funder__name", "purpose"
    )
    today = timezone.localdate()
    return render(
        request,
        "reporting/subsidy_list.html",
        {
            "year": year,
            "years": sorted({*queries.years_of(user), today.year, year}, reverse=True),
            "totals": rows,
            "requested": sum((r["requested"] for r in rows), Decimal("0.00")),
            "granted": sum((r["granted"] for r in rows), Decimal("0.00")),
            "subsidies": [(s, rules.crf_is_overdue(s.crf_due_on, s.crf_sent_on, today)) for s in listed],
            "can_manage": user.has_perm("reporting.manage_subsidies"),
        },
    )


@require_http_methods(["GET", "POST"])
def subsidy_create(request):
    """A request to a funder. A request while a compte rendu financier of the same funder is overdue is recorded,
    and the warning shown and kept on it."""
    user = request.user
    if not user.has_perm("reporting.manage_subsidies"):
        raise Http404
    from habiter.support.models import Programme

    funders = list(queries.funders_visible_to(user))
    programmes = Programme.objects.filter(organisation_id=user.organisation_id, active=True)
    form = SubsidyRequestForm(request.POST or None, funders=funders, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            subsidy = services.subsidy_request(actor=user, data=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if subsidy.request_warning:
                messages.warning(
                    request, _("Demande enregistrée. Attention : %(warning)s") % {"warning": subsidy.request_warning}
                )
            else:
                messages.success(request, _("La demande de subvention est enregistrée."))
            return redirect("reporting:subsidy_detail", subsidy_id=subsidy.pk)
    overdue = queries.crfs_pending(user, timezone.localdate())["overdue"]
    return render(request, "reporting/subsidy_form.html", {"form": form, "overdue": overdue})


@require_http_methods(["GET", "POST"])
def subsidy_detail(request, subsidy_id):
    """A subsidy: the request, the decision, the compte rendu financier and the payments received, with what remains
    to be received; a manager records the decision, a payment and the compte rendu's sending here (`action` =
    decision, payment or crf)."""
    user = request.user
    _subsidy_reader(user)
    try:
        subsidy = queries.subsidy_for(user, subsidy_id)
    except (ValueError, ValidationError, Subsidy.DoesNotExist):
        raise Http404 from None
    can_manage = user.has_perm("reporting.manage_subsidies")
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and not can_manage:
        raise Http404
    initial = {
        "status": subsidy.status if subsidy.status != "requested" else "granted",
        "decided_on": subsidy.decided_on,
        "amount_granted": subsidy.amount_granted,
        "convention_reference": subsidy.convention_reference,
    }
    decision = SubsidyDecisionForm(request.POST if action == "decision" else None, initial=initial, prefix="decision")
    payment_form = SubsidyPaymentForm(request.POST if action == "payment" else None, prefix="payment")
    crf = CrfSentForm(request.POST if action == "crf" else None, prefix="crf")
    if action == "decision" and decision.is_valid():
        try:
            services.subsidy_decide(actor=user, subsidy_id=subsidy.pk, **decision.cleaned_data)
        except ValidationError as error:
            apply_validation_error(decision, error)
        else:
            messages.success(request, _("La décision est enregistrée."))
            return redirect("reporting:subsidy_detail", subsidy_id=subsidy.pk)
    elif action == "payment" and payment_form.is_valid():
        try:
            services.subsidy_payment_record(actor=user, subsidy_id=subsidy.pk, **payment_form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(payment_form, error)
        else:
            messages.success(request, _("Le versement est enregistré."))
            return redirect("reporting:subsidy_detail", subsidy_id=subsidy.pk)
    elif action == "crf" and crf.is_valid():
        try:
            services.subsidy_crf_sent(actor=user, subsidy_id=subsidy.pk, sent_on=crf.cleaned_data["sent_on"])
        except ValidationError as error:
            apply_validation_error(crf, error)
        else:
            messages.success(request, _("L'envoi du compte rendu financier est enregistré."))
            return redirect("reporting:subsidy_detail", subsidy_id=subsidy.pk)
    elif request.method == "POST" and action not in ("decision", "payment", "crf"):
        raise Http404
    today = timezone.localdate()
    payments = queries.subsidy_payments(user, subsidy)
    received = sum((p.amount for p in payments if not p.cancelled), Decimal("0.00"))
    return render(
        request,
        "reporting/subsidy_detail.html",
        {
            "subsidy": subsidy,
            "overdue": rules.crf_is_overdue(subsidy.crf_due_on, subsidy.crf_sent_on, today),
            "can_manage": can_manage,
            "decision": decision,
            "payment_form": payment_form,
            "crf": crf,
            "payments": payments,
            "received": received,
            "remaining": rules.subsidy_remaining(subsidy.amount_granted, received),
        },
    )


@require_http_methods(["GET", "POST"])
def subsidy_payment_cancel(request, payment_id):
    """Cancel a payment typed by mistake, with its reason, after a confirmation (nothing irreversible in one
    click): the payment stays listed, struck through, and counts no longer."""
    user = request.user
    if not user.has_perm("reporting.manage_subsidies"):
        raise Http404
    try:
        payment = queries.payment_for(user, payment_id)
    except (ValueError, ValidationError, SubsidyPayment.DoesNotExist):
        raise Http404 from None
    subsidy = payment.subsidy
    detail_url = reverse("reporting:subsidy_detail", args=[subsidy.pk])
    form = SubsidyPaymentCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not payment.cancelled and not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Annuler un versement"),
                facts=[
                    (_("Subvention"), f"{subsidy.funder.name} — {subsidy.purpose}"),
                    (_("Versement reçu le"), date_format(payment.received_on, "d/m/Y")),
                    (_("Montant"), f"{euros(payment.amount)} €"),
                    (_("Motif de l'annulation"), form.cleaned_data["reason"]),
                ],
                consequences=[
                    _(
                        "Le versement ne compte plus dans ce que la subvention a reçu, ni dans le total des "
                        "subventions publiques reçues en %(year)s (seuil de publication des comptes)."
                    )
                    % {"year": payment.received_on.year},
                    _(
                        "Il reste sur la page de la subvention, barré, avec le motif ; le bon versement se saisit "
                        "à nouveau."
                    ),
                ],
                action=_("Confirmer l'annulation du versement"),
                cancel_url=detail_url,
            ),
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.subsidy_payment_cancel(actor=user, payment_id=payment.pk, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Le versement est annulé."))
            return redirect(detail_url)
    return render(
        request,
        "reporting/subsidy_payment_cancel.html",
        {"payment": payment, "subsidy": subsidy, "form": form, "detail_url": detail_url},
    )


@require_GET
def crf_list(request):
    """The comptes rendus financiers not yet sent: overdue, due within the alert window, later."""
    user = request.user
    _subsidy_reader(user)
    return render(request, "reporting/crf_list.html", queries.crfs_pending(user, timezone.localdate()))


OBLIGATION_LABELS = {
    "accounts": _lazy("Établir les comptes annuels (bilan, compte de résultat, annexe)"),
    "auditor": _lazy("Nommer un commissaire aux comptes"),
    "publication": _lazy("Publier les comptes et le rapport du commissaire aux comptes sur le site de la DILA"),
}


@require_http_methods(["GET", "POST"])
def accounts_threshold(request):
    """A year's public cash subsidies against the threshold (W32), and the obligations that follow, each done or to
    do; a manager records what was done."""
    user = request.user
    _subsidy_reader(user)
    year = _year(request)
    if request.method == "POST" and not user.has_perm("reporting.manage_subsidies"):
        raise Http404
    checklist = queries.threshold_checklist(user, year)
    record = checklist.record
    initial = {field: getattr(record, field) for field in services.OBLIGATION_FIELDS} if record else {}
    form = AccountsObligationsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.accounts_obligations_save(actor=user, year=year, data=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Le suivi des obligations est enregistré."))
            return redirect(f"{reverse('reporting:accounts_threshold')}?annee={year}")
    return render(
        request,
        "reporting/accounts_threshold.html",
        {
            "checklist": checklist,
            "obligations": [(obligation, OBLIGATION_LABELS[obligation.code]) for obligation in checklist.obligations],
            "years": sorted({*queries.years_of(user), timezone.localdate().year, year}, reverse=True),
            "form": form,
            "can_manage": user.has_perm("reporting.manage_subsidies"),
        },
    )


@require_http_methods(["GET", "POST"])
def iml_costs(request):
    """What the three activities of intermédiation locative cost in a year, per modality (W36), as the analytical
    accounts give them: the IML report shows them beside the dwellings; a manager types them in."""
    user = request.user
    _subsidy_reader(user)
    year = _year(request)
    can_manage = user.has_perm("reporting.manage_subsidies")
    if request.method == "POST" and not can_manage:
        raise Http404
    record = queries.iml_costs_of(user, year)
    fields = (*services.IML_COST_FIELDS, "method")
    initial = {field: getattr(record, field) for field in fields} if record else {}
    form = ImlCostsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.iml_costs_save(actor=user, year=year, data=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Les coûts de l'intermédiation locative sont enregistrés."))
            return redirect(f"{reverse('reporting:iml_costs')}?annee={year}")
    return render(
        request,
        "reporting/iml_costs.html",
        {
            "year": year,
            "years": sorted({*queries.years_of(user), timezone.localdate().year, year}, reverse=True),
            "record": record,
            "form": form,
            "can_manage": can_manage,
        },
    )


@require_GET
def subsidy_xlsx(request):
    user = request.user
    if not user.has_perm("reporting.manage_subsidies"):
        raise Http404
    name, content = services.subsidies_export(actor=user, year=_year(request))
    response = HttpResponse(content, content_type=services.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
