"""Every write of the reporting app: running a report stores its frozen figures, with permission, one
transaction and an audit event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from . import indicators
from .models import ReportRun
from .queries import reporting_scope


def report_run(*, actor, code: str, start, end) -> ReportRun:
    """Count report (or indicator) `code` over `start`–`end` within the actor's scope and keep the result, the
    time and the version of the definitions: a later reading shows these figures, whatever was edited since."""
    if not actor.has_perm("reporting.run_report"):
        raise PermissionDenied
    scope = reporting_scope(actor)
    try:
        indicators.indicator_codes(code)
    except KeyError:
        raise ValidationError({"code": _("Ce rapport n'existe pas.")}) from None
    try:
        period = indicators.Period(start, end)
    except ValueError:
        raise ValidationError({"end": _("La fin de la période ne peut pas précéder son début.")}) from None
    with transaction.atomic():
        run = ReportRun(
            organisation_id=scope.organisation_id,
            code=code,
            start=period.start,
            end=period.end,
            team_id=scope.team_id,
            generated_at=timezone.now(),
            generated_by=actor,
            code_version=indicators.code_version(code),
            result=indicators.compute(code, scope, period),
        )
        run.full_clean()
        run.save()
        audit_record(
            actor=actor,
            action="report.run",
            obj=run,
            detail={"code": code, "start": period.start.isoformat(), "end": period.end.isoformat()},
        )
    return run


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


PDF = "application/pdf"
FORMATS = ("xlsx", "pdf")


def report_run_export(*, actor, run_id, fmt: str = "xlsx") -> tuple[str, str, bytes]:
    """The stored tables of a run as an XLSX workbook or a PDF on the letterhead (file name, content type,
    bytes), audited: an export holds the frozen figures, the same the page shows."""
    from django.utils.formats import date_format

    from habiter.core.pdf import pdf_render

    from . import exports, indicators
    from .queries import report_run_for

    if fmt not in FORMATS:
        raise ValidationError({"format": _("Format d'export inconnu.")})
    run = report_run_for(actor, run_id)  # DoesNotExist out of scope: a 404 for pages
    heading = _("Du %(start)s au %(end)s — produit le %(at)s par %(by)s") % {
        "start": date_format(run.start, "d/m/Y"),
        "end": date_format(run.end, "d/m/Y"),
        "at": date_format(timezone.localtime(run.generated_at), "d/m/Y H:i"),
        "by": run.generated_by,
    }
    name = f"rapport-{run.code}-{run.start:%Y%m%d}-{run.end:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        content, content_type = exports.xlsx_bytes(run.result, heading=heading), XLSX
    else:
        title = (indicators.REPORTS.get(run.code) or indicators.INDICATORS[run.code]).title
        context = {
            "organisation": run.organisation,
            "run": run,
            "title": title,
            "heading": heading,
            "tables": [indicators.described(table) for table in run.result],
        }
        content, content_type = pdf_render("reporting/run_pdf.html", context), PDF
    with transaction.atomic():
        audit_record(actor=actor, action="report.export", obj=run, detail={"code": run.code, "format": fmt})
    return name, content_type, content
