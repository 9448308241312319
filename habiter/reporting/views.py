"""Pages of the reporting app: the list of reports (the activity report and each funder's), a report's preview,
its stored runs and their XLSX and PDF exports.

The pages show aggregated figures, never a household: they are not reads of a file (tests/test_read_journal.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.forms import apply_validation_error
from habiter.core.models import Role

from . import indicators, queries, services
from .forms import PeriodForm
from .models import ReportRun

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
