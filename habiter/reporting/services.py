"""Every write of the reporting app, with permission, one transaction and an audit event: running a report stores
its frozen figures; subsidies are requested, decided, paid in instalments (a payment typed by mistake cancelled),
their comptes rendus financiers sent (DOMAIN-2 W31), and the accounts obligations of a year above the threshold
followed (W32); the costs of the three activities of intermédiation locative typed in for a year (W36)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.core.models import Organisation

from . import indicators, rules
from .models import (
    IML_COST_FIELDS,
    AccountsObligations,
    Funder,
    FunderKind,
    ImlActivityCosts,
    ReportRun,
    Subsidy,
    SubsidyPayment,
    SubsidyStatus,
)
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


CENT = Decimal("0.01")
ZERO = Decimal("0.00")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


PDF = "application/pdf"
FORMATS = ("xlsx", "pdf")


def report_run_export(*, actor, run_id, fmt: str = "xlsx") -> tuple[str, str, bytes]:
    """The stored tables of a run as an XLSX workbook or a PDF on the letterhead (file name, content type,
    bytes), audited: an export holds the frozen figures, the same the page shows."""
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


def anonymous_rows_export(*, actor, start, end) -> tuple[str, bytes, int]:
    """The ES-DS anonymous individual rows (W33, W43) of the persons present on `end` and of those who left from
    `start` to `end`, as CSV (file name, bytes, number of rows), audited with the period and the number of rows:
    individual rows, even anonymous, leave a trace of who took them."""
    from . import anonymous

    if not actor.has_perm("reporting.export_anonymous_rows"):
        raise PermissionDenied
    scope = reporting_scope(actor)
    try:
        period = indicators.Period(start, end)
    except ValueError:
        raise ValidationError({"end": _("La fin de la période ne peut pas précéder son début.")}) from None
    rows = anonymous.esds_rows(scope, period)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="report.anonymous_rows",
            detail={
                "code": "esds",
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "rows": len(rows),
            },
        )
    name = f"esds-lignes-anonymes-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    return name, anonymous.csv_bytes(rows), len(rows)


# --- subsidies (DOMAIN-2 W31, W32) ------------------------------------------------------------------------------


def _manager(actor):
    if not actor.has_perm("reporting.manage_subsidies"):
        raise PermissionDenied


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Saisissez un montant en euros.")}) from None
    if amount < 0:
        raise ValidationError({field: _("Un montant ne peut pas être négatif.")})
    return amount


def _not_future(day, field: str, today):
    if day is not None and day > today:
        raise ValidationError({field: _("La date ne peut pas être à venir.")})


def _funder(actor, data) -> Funder:
    """The funder chosen, of the actor's organisation, or a new one named in the request (found by its name first)."""
    from .models import PUBLIC_FUNDER_KINDS

    if data.get("funder_id"):
        try:
            return Funder.objects.get(pk=data["funder_id"], organisation_id=actor.organisation_id)
        except (Funder.DoesNotExist, ValueError, ValidationError):
            raise ValidationError({"funder": _("Ce financeur n'existe pas.")}) from None
    name = (data.get("funder_name") or "").strip()
    if not name:
        raise ValidationError({"funder": _("Choisissez un financeur ou nommez-en un nouveau.")})
    existing = Funder.objects.filter(organisation_id=actor.organisation_id, name__iexact=name).first()
    if existing is not None:
        return existing
    kind = data.get("funder_kind") or ""
    if kind not in FunderKind.values:
        raise ValidationError({"funder_kind": _("Choisissez le type du nouveau financeur.")})
    funder = Funder(organisation_id=actor.organisation_id, name=name, kind=kind, public=kind in PUBLIC_FUNDER_KINDS)
    funder.full_clean()
    funder.save()
    return funder


def overdue_warning(overdue: list[Subsidy]) -> str:
    """The warning kept on a request made while comptes rendus financiers of the same funder are overdue (W31: the
    compte rendu is due before any new request)."""
    if not overdue:
        return ""
    listed = ", ".join(f"{s.purpose} ({date_format(s.crf_due_on, 'd/m/Y')})" for s in overdue)
    return ngettext(
        "Le compte rendu financier de %(listed)s est en retard : le financeur l'attend avant toute nouvelle demande.",
        "Les comptes rendus financiers de %(listed)s sont en retard : le financeur les attend avant toute nouvelle "
        "demande.",
        len(overdue),
    ) % {"listed": listed}


def subsidy_request(*, actor, data: dict) -> Subsidy:
    """Record a request to a funder: `data` has `funder_id` (or `funder_name` and `funder_kind` for a new one),
    `programme_id` (optional), `purpose`, `year_end`, `requested_on`, `amount_requested`. A request while one of the
    funder's comptes rendus financiers is overdue is recorded, with the warning kept on it (`request_warning`)."""
    from habiter.support.models import Programme

    from .queries import overdue_crfs_of_funder

    _manager(actor)
    today = timezone.localdate()
    year_end, requested_on = data.get("year_end"), data.get("requested_on")
    if year_end is None:
        raise ValidationError({"year_end": _("Indiquez la fin de l'exercice subventionné.")})
    if requested_on is None:
        raise ValidationError({"requested_on": _("Indiquez la date de la demande.")})
    _not_future(requested_on, "requested_on", today)
    amount = _amount(data.get("amount_requested"), "amount_requested")
    cer_signed_on = Organisation.objects.filter(pk=actor.organisation_id).values_list("cer_signed_on", flat=True).get()
    if rules.cer_missing(requested_on, cer_signed_on):
        raise ValidationError(
            {
                "requested_on": _(
                    "Le contrat d'engagement républicain doit être souscrit avant toute demande de subvention "
                    "publique (loi du 12 avril 2000, art. 10-1) : indiquez sa date dans « Coordonnées et signataires "
                    "de l'association »."
                )
            }
        )
    programme_id = data.get("programme_id") or None
    if programme_id and not Programme.objects.filter(pk=programme_id, organisation_id=actor.organisation_id).exists():
        raise ValidationError({"programme": _("Ce dispositif n'existe pas.")})
    with transaction.atomic():
        funder = _funder(actor, data)
        subsidy = Subsidy(
            organisation_id=actor.organisation_id,
            funder=funder,
            programme_id=programme_id,
            purpose=(data.get("purpose") or "").strip(),
            year_end=year_end,
            requested_on=requested_on,
            amount_requested=amount,
            request_warning=overdue_warning(overdue_crfs_of_funder(actor.organisation_id, funder.pk, today)),
        )
        subsidy.full_clean()
        subsidy.save()
        audit_record(
            actor=actor,
            action="subsidy.request",
            obj=subsidy,
            detail={
                "funder": funder.name,
                "amount_requested": str(amount),
                "year_end": year_end.isoformat(),
                "overdue_crf": bool(subsidy.request_warning),
            },
        )
    return subsidy


def _subsidy_for_update(actor, subsidy_id) -> Subsidy:
    _manager(actor)
    try:
        return Subsidy.objects.select_for_update().get(pk=subsidy_id, organisation_id=actor.organisation_id)
    except (Subsidy.DoesNotExist, ValueError, ValidationError):
        raise Subsidy.DoesNotExist from None


def subsidy_decide(
    *,
    actor,
    subsidy_id,
    status: str,
    decided_on,
    amount_granted=None,
    convention_reference: str = "",
) -> Subsidy:
    """Record the funder's decision: granted (an amount, the date, the convention; the compte rendu financier's
    due date follows, W31) or refused. A decision may be corrected; a compte rendu already sent stays. What the
    funder paid is recorded payment by payment (`subsidy_payment_record`), so a correction keeps to what they
    allow: not refused once a payment is received, not granted below what was received, not decided after the
    first payment."""
    from habiter.core.legal_queries import legal_parameters

    from . import rules

    _manager(actor)
    if status not in (SubsidyStatus.GRANTED, SubsidyStatus.REFUSED):
        raise ValidationError({"status": _("Choisissez « accordée » ou « refusée ».")})
    if decided_on is None:
        raise ValidationError({"decided_on": _("Indiquez la date de la décision.")})
    _not_future(decided_on, "decided_on", timezone.localdate())
    with transaction.atomic():
        subsidy = _subsidy_for_update(actor, subsidy_id)
        kept = _payments_kept(subsidy)
        received = sum((p.amount for p in kept), ZERO)
        if not rules.subsidy_decision_allowed(subsidy.status, status, subsidy.crf_sent_on is not None, bool(kept)):
            if kept:
                raise ValidationError(
                    {
                        "status": _(
                            "Un versement de cette subvention est reçu : elle ne peut plus être refusée. Annulez "
                            "d'abord le versement saisi par erreur."
                        )
                    }
                )
            raise ValidationError(
                {"status": _("Le compte rendu financier est envoyé : la subvention ne peut plus être refusée.")}
            )
        if decided_on < subsidy.requested_on:
            raise ValidationError({"decided_on": _("La décision ne peut pas précéder la demande.")})
        if kept and decided_on > kept[0].received_on:
            raise ValidationError(
                {
                    "decided_on": _("La décision ne peut pas suivre le premier versement, reçu le %(day)s.")
                    % {"day": date_format(kept[0].received_on, "d/m/Y")}
                }
            )
        subsidy.status = status
        subsidy.decided_on = decided_on
        subsidy.convention_reference = (convention_reference or "").strip()
        if status == SubsidyStatus.GRANTED:
            if amount_granted in (None, ""):
                raise ValidationError({"amount_granted": _("Indiquez le montant accordé.")})
            subsidy.amount_granted = _amount(amount_granted, "amount_granted")
            if subsidy.amount_granted < received:
                raise ValidationError(
                    {
                        "amount_granted": _(
                            "Le montant accordé ne peut pas être inférieur à ce qui est déjà reçu (%(received)s €)."
                        )
                        % {"received": euros(received)}
                    }
                )
            subsidy.crf_due_on = rules.crf_due_on(subsidy.year_end, legal_parameters())
        else:
            subsidy.amount_granted = None
            subsidy.crf_due_on = None
        subsidy.full_clean()
        subsidy.save()
        audit_record(
            actor=actor,
            action="subsidy.decide",
            obj=subsidy,
            detail={
                "status": status,
                "amount_granted": str(subsidy.amount_granted) if subsidy.amount_granted is not None else None,
                "decided_on": decided_on.isoformat(),
                "crf_due_on": subsidy.crf_due_on.isoformat() if subsidy.crf_due_on else None,
            },
        )
    return subsidy


def _payments_kept(subsidy: Subsidy) -> list[SubsidyPayment]:
    """The subsidy's payments not cancelled, the earliest first (read under the subsidy's lock)."""
    return list(subsidy.payments.filter(cancelled_at__isnull=True).order_by("received_on", "created_at", "id"))


PAYMENT_PROBLEMS = {
    "not_granted": ("received_on", _lazy("Seule une subvention accordée reçoit des versements.")),
    "not_positive": ("amount", _lazy("Le montant d'un versement est positif.")),
    "before_decision": (
        "received_on",
        _lazy("Le versement ne peut pas précéder la décision, prise le %(decided_on)s."),
    ),
    "above_grant": (
        "amount",
        _lazy(
            "Avec ce versement, la subvention aurait reçu %(total)s €, plus que les %(granted)s € accordés : il "
            "reste %(remaining)s € à recevoir."
        ),
    ),
}


def _payment_refused(problem: str, subsidy: Subsidy, received: Decimal, amount: Decimal) -> ValidationError:
    """The French refusal of a payment (`rules.subsidy_payment_problem`), on the field to correct."""
    field, message = PAYMENT_PROBLEMS[problem]
    values = {}
    if problem == "before_decision":
        values = {"decided_on": date_format(subsidy.decided_on, "d/m/Y")}
    elif problem == "above_grant":
        values = {
            "total": euros(received + amount),
            "granted": euros(subsidy.amount_granted),
            "remaining": euros(rules.subsidy_remaining(subsidy.amount_granted, received)),
        }
    return ValidationError({field: str(message) % values if values else str(message)})


def subsidy_payment_record(*, actor, subsidy_id, received_on, amount, note: str = "") -> SubsidyPayment:
    """Record a payment of a granted subsidy as the funder made it: the day it was received (not to come, not
    before the decision) and its amount, positive, the payments not cancelled never totalling more than the amount
    granted (`rules.subsidy_payment_problem`); a note (advance, balance, transfer's reference). The subsidy is
    locked while its payments are summed, so two payments typed at once cannot together exceed the grant. The
    threshold (W32) counts it in the calendar year of `received_on`."""
    _manager(actor)
    if received_on is None:
        raise ValidationError({"received_on": _("Indiquez le jour où le versement a été reçu.")})
    _not_future(received_on, "received_on", timezone.localdate())
    if amount in (None, ""):
        raise ValidationError({"amount": _("Indiquez le montant reçu.")})
    amount = _amount(amount, "amount")
    note = (note or "").strip()
    with transaction.atomic():
        subsidy = _subsidy_for_update(actor, subsidy_id)
        received = sum((p.amount for p in _payments_kept(subsidy)), ZERO)
        problem = rules.subsidy_payment_problem(
            status=subsidy.status,
            decided_on=subsidy.decided_on,
            granted=subsidy.amount_granted,
            received=received,
            received_on=received_on,
            amount=amount,
        )
        if problem is not None:
            raise _payment_refused(problem, subsidy, received, amount)
        payment = SubsidyPayment(
            organisation_id=subsidy.organisation_id,
            subsidy=subsidy,
            received_on=received_on,
            amount=amount,
            note=note,
            created_by=actor,
        )
        payment.full_clean()
        payment.save()
        audit_record(
            actor=actor,
            action="subsidy.payment_record",
            obj=payment,
            detail={
                "subsidy": str(subsidy.pk),
                "received_on": received_on.isoformat(),
                "amount": str(amount),
                "note": note,
                "received": str(received + amount),
                "remaining": str(rules.subsidy_remaining(subsidy.amount_granted, received + amount)),
            },
        )
    return payment


def subsidy_payment_cancel(*, actor, payment_id, reason: str) -> SubsidyPayment:
    """Cancel a payment typed by mistake, with the reason: it stays recorded, with when and by whom it was
    cancelled, and counts no longer (neither in the subsidy's total received nor in its year's threshold, W32).
    A payment is never edited: the right one is recorded anew. Another organisation's payment is DoesNotExist."""
    _manager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi ce versement est annulé.")})
    with transaction.atomic():
        try:
            subsidy_id = SubsidyPayment.objects.values_list("subsidy_id", flat=True).get(
                pk=payment_id, organisation_id=actor.organisation_id
            )
        except (SubsidyPayment.DoesNotExist, ValueError, ValidationError):
            raise SubsidyPayment.DoesNotExist from None
        subsidy = _subsidy_for_update(actor, subsidy_id)
        payment = SubsidyPayment.objects.select_for_update().get(pk=payment_id)
        if payment.cancelled_at is not None:
            raise ValidationError(_("Ce versement est déjà annulé."))
        payment.cancelled_at = timezone.now()
        payment.cancelled_by = actor
        payment.cancel_reason = reason
        payment.full_clean()
        payment.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
        received = sum((p.amount for p in _payments_kept(subsidy)), ZERO)
        audit_record(
            actor=actor,
            action="subsidy.payment_cancel",
            obj=payment,
            detail={
                "subsidy": str(subsidy.pk),
                "received_on": payment.received_on.isoformat(),
                "amount": str(payment.amount),
                "reason": reason,
                "received": str(received),
                "remaining": str(rules.subsidy_remaining(subsidy.amount_granted, received)),
            },
        )
    return payment


def subsidy_crf_sent(*, actor, subsidy_id, sent_on) -> Subsidy:
    """Record the day the compte rendu financier of a granted subsidy was filed with the funder."""
    _manager(actor)
    if sent_on is None:
        raise ValidationError({"sent_on": _("Indiquez la date d'envoi.")})
    _not_future(sent_on, "sent_on", timezone.localdate())
    with transaction.atomic():
        subsidy = _subsidy_for_update(actor, subsidy_id)
        if subsidy.status != SubsidyStatus.GRANTED:
            raise ValidationError(_("Seule une subvention accordée a un compte rendu financier."))
        if subsidy.decided_on and sent_on < subsidy.decided_on:
            raise ValidationError({"sent_on": _("L'envoi ne peut pas précéder la décision.")})
        subsidy.crf_sent_on = sent_on
        subsidy.full_clean()
        subsidy.save()
        audit_record(
            actor=actor,
            action="subsidy.crf_sent",
            obj=subsidy,
            detail={"sent_on": sent_on.isoformat(), "due_on": subsidy.crf_due_on.isoformat()},
        )
    return subsidy


OBLIGATION_FIELDS = (
    "accounts_drawn_up_on",
    "auditor_appointed_on",
    "auditor_name",
    "accounts_approved_on",
    "published_on",
)


def accounts_obligations_save(*, actor, year: int, data: dict) -> AccountsObligations:
    """Record, for `year`, what was done of the accounts obligations (W32): the dates (none to come) and the
    auditor's name; the year's row is made on the first save."""
    _manager(actor)
    today = timezone.localdate()
    for field in OBLIGATION_FIELDS:
        if field != "auditor_name":
            _not_future(data.get(field), field, today)
    if data.get("published_on") and not data.get("accounts_approved_on"):
        raise ValidationError({"published_on": _("Les comptes sont publiés après leur approbation.")})
    if data.get("published_on") and data["published_on"] < data["accounts_approved_on"]:
        raise ValidationError({"published_on": _("La publication ne peut pas précéder l'approbation.")})
    with transaction.atomic():
        record, _created = AccountsObligations.objects.select_for_update().get_or_create(
            organisation_id=actor.organisation_id, year=year
        )
        for field in OBLIGATION_FIELDS:
            value = data.get(field)
            setattr(record, field, (value or "").strip() if field == "auditor_name" else value)
        record.full_clean()
        record.save()
        audit_record(
            actor=actor,
            action="accounts_obligations.save",
            obj=record,
            detail={
                "year": year,
                **{
                    f: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for f in OBLIGATION_FIELDS
                    if (v := data.get(f))
                },
            },
        )
    return record


IML_COST_MAX = Decimal("9999999999.99")  # the column's size: a slip of a few extra digits is refused, not cut


def iml_costs_save(*, actor, year: int, data: dict) -> ImlActivityCosts:
    """Record, for the calendar `year`, what each of the three activities of intermédiation locative cost per
    modality (W36), from the association's analytical accounts, and where the figures come from. An empty amount
    is a cost not known; the year's row is made on the first save, and each save is audited with the amounts it
    replaced."""
    _manager(actor)
    if year > timezone.localdate().year:
        raise ValidationError(_("Les coûts d'une année à venir ne sont pas encore connus."))
    amounts = {}
    for field in IML_COST_FIELDS:
        value = data.get(field)
        amounts[field] = None if value in (None, "") else _amount(value, field)
        if amounts[field] is not None and amounts[field] > IML_COST_MAX:
            raise ValidationError({field: _("Montant invraisemblable : au plus 9 999 999 999,99 €.")})
    method = (data.get("method") or "").strip()
    with transaction.atomic():
        record, _created = ImlActivityCosts.objects.select_for_update().get_or_create(
            organisation_id=actor.organisation_id, year=year
        )
        before = {field: getattr(record, field) for field in IML_COST_FIELDS}
        for field, amount in amounts.items():
            setattr(record, field, amount)
        record.method = method
        record.full_clean()
        record.save()
        audit_record(
            actor=actor,
            action="iml_costs.save",
            obj=record,
            detail={
                "year": year,
                "costs": {field: None if amount is None else str(amount) for field, amount in amounts.items()},
                "before": {field: None if amount is None else str(amount) for field, amount in before.items()},
                "method": method,
            },
        )
    return record


def subsidies_export(*, actor, year: int) -> tuple[str, bytes]:
    """The subsidies of the financial year ending in `year` as an XLSX workbook (the reporting app's export: one
    sheet, values only), audited. Returns the file name and the bytes."""
    from . import exports
    from .queries import subsidies_visible_to, with_received

    _manager(actor)
    rows = []
    listed = with_received(subsidies_visible_to(actor).filter(year_end__year=year)).order_by("funder__name", "purpose")
    for s in listed:
        rows.append(
            [
                s.funder.name,
                str(s.funder.get_kind_display()),
                s.purpose,
                date_format(s.year_end, "d/m/Y"),
                float(s.amount_requested),
                str(s.get_status_display()),
                float(s.amount_granted) if s.amount_granted is not None else None,
                date_format(s.decided_on, "d/m/Y") if s.decided_on else "",
                s.convention_reference,
                date_format(s.crf_due_on, "d/m/Y") if s.crf_due_on else "",
                date_format(s.crf_sent_on, "d/m/Y") if s.crf_sent_on else "",
                float(s.received) if s.status == SubsidyStatus.GRANTED else None,
                float(rules.subsidy_remaining(s.amount_granted, s.received))
                if s.status == SubsidyStatus.GRANTED
                else None,
            ]
        )
    table = {
        "title": _("Subventions %(year)s") % {"year": year},
        "code": "subsidies",
        "unit": _("euros"),
        "rule": _(
            "Une ligne par subvention dont l'exercice se termine dans l'année ; le montant accordé est celui de la "
            "décision du financeur ; le reçu est la somme de ses versements non annulés, quelle que soit leur "
            "année, le reste à recevoir ce qui manque pour atteindre le montant accordé."
        ),
        "columns": [
            _("Financeur"),
            _("Type"),
            _("Objet"),
            _("Fin de l'exercice"),
            _("Demandé (€)"),
            _("État"),
            _("Accordé (€)"),
            _("Décision du"),
            _("Convention"),
            _("Compte rendu financier dû le"),
            _("Envoyé le"),
            _("Reçu (€)"),
            _("Reste à recevoir (€)"),
        ],
        "rows": rows,
    }
    content = exports.xlsx_bytes(
        [table], heading=_("Produit le %(at)s") % {"at": date_format(timezone.localdate(), "d/m/Y")}
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="subsidy.export",
            organisation=actor.organisation,
            detail={"year": year, "rows": len(rows)},
        )
    return f"subventions-{year}.xlsx", content
