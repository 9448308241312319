"""API v1: the reports and indicators with their definitions, and a report's tables over a period; for
directors (the organisation) and team leads (their team), like the pages. Counting here stores nothing: a report
to keep is run from its page (ADR 0022)."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from habiter.core.api_inputs import ApiDate

from . import indicators
from .queries import reporting_scope

router = Router(tags=["rapports"])


class IndicatorOut(Schema):
    code: str
    title: str
    unit: str
    rule: str


class ReportOut(Schema):
    code: str
    title: str
    description: str
    funder: str
    categories: str
    indicators: list[str]  # definition ids: an indicator's code, with its variant after a slash


class Catalogue(Schema):
    reports: list[ReportOut]
    indicators: list[IndicatorOut]


class TableOut(Schema):
    code: str
    definition: str = ""  # the indicator's code and variant: what counted the figures
    title: str
    unit: str = ""
    rule: str = ""
    columns: list[str]
    rows: list[list[int | float | str]]  # counts, amounts and rates (87.3, 12000.5), labels


class ReportResult(Schema):
    code: str
    start: date
    end: date
    generated_at: datetime
    tables: list[TableOut]


@router.get("/reports", response=Catalogue, summary="Rapports et indicateurs disponibles, avec leurs définitions")
def report_catalogue(request):
    if not request.user.has_perm("reporting.view_reports"):
        raise PermissionDenied
    return {
        "reports": [
            {
                "code": r.code,
                "title": str(r.title),
                "description": str(r.description),
                "funder": str(r.funder),
                "categories": str(r.categories),
                "indicators": [use.definition for use in r.uses()],
            }
            for r in indicators.REPORTS.values()
        ],
        "indicators": [
            {"code": i.code, "title": str(i.title), "unit": str(i.unit), "rule": str(i.rule)}
            for i in indicators.INDICATORS.values()
        ],
    }


@router.get(
    "/reports/{code}", response=ReportResult, summary="Tableaux d'un rapport ou d'un indicateur sur une période"
)
def report_result(request, code: str, start: ApiDate | None = None, end: ApiDate | None = None):
    """The tables counted now over `start`–`end` (last calendar year by default), within the caller's scope."""
    if not request.user.has_perm("reporting.view_reports"):
        raise PermissionDenied
    try:
        indicators.indicator_codes(code)
    except KeyError:
        raise Http404 from None
    last_year = timezone.localdate().year - 1
    start = start or date(last_year, 1, 1)
    end = end or date(start.year, 12, 31)
    if end < start:
        raise ValidationError({"end": _("La fin de la période ne peut pas précéder son début.")})
    period = indicators.Period(start, end)
    return {
        "code": code,
        "start": period.start,
        "end": period.end,
        "generated_at": timezone.now(),
        "tables": indicators.compute(code, reporting_scope(request.user), period),
    }
