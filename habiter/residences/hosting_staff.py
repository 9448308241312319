"""Every write of the hosts' time of the boarding houses (W34): permission, one transaction, validation, audit.

A pension de famille or a résidence accueil is run by its hosts (W10). The State's regional studies ask, in the
boarding houses' annual report, for their time in full-time equivalents (ETP) and the staffing rate; the application
does not hold the association's payroll, so the director types each residence's ETP of a year and corrects it the
same way: the row is updated, the audit keeps the value before. A row is never deleted. The report reads it
(`reporting.indicators.pension_famille`)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from .models import HostingStaff, Residence


def fte_text(value: Decimal) -> str:
    """Full-time equivalents as French text shows them, to the hundredth: « 1,50 »."""
    return number_format(value, 2)


def correction_refusal(recorded: HostingStaff | None, fte: Decimal) -> str | None:
    """Why recording `fte` over `recorded` changes nothing (the same value)."""
    if recorded is not None and recorded.fte == fte:
        return _("Le temps des hôtes de %(year)s vaut déjà %(fte)s ETP : rien à corriger.") % {
            "year": recorded.year,
            "fte": fte_text(fte),
        }
    return None


def hosting_staff_record(*, actor, residence_id, year: int, fte: Decimal) -> tuple[HostingStaff, Decimal | None]:
    """Record the hosts' time of a residence of the actor's organisation for `year`, in full-time equivalents, or
    correct the one recorded; returns the row and the value before (None for a first record). The director only
    (PermissionDenied); a residence of another organisation: DoesNotExist. Refused in French, nothing saved
    (ValidationError): a residence that is neither a pension de famille nor a résidence accueil, a year after the
    current one, a value that is negative, has more than two decimals or is absurdly large, the value already
    recorded."""
    if not actor.is_active or not actor.has_perm("residences.manage_residence"):
        raise PermissionDenied
    with transaction.atomic():
        residence = Residence.objects.select_for_update().get(pk=residence_id, organisation_id=actor.organisation_id)
        if year > timezone.localdate().year:
            raise ValidationError(
                {"year": _("Le temps des hôtes se saisit pour une année passée ou l'année en cours.")}
            )
        staff = HostingStaff.objects.select_for_update().filter(residence=residence, year=year).first()
        refusal = correction_refusal(staff, fte)
        if refusal:
            raise ValidationError({"fte": refusal})
        before = None
        if staff is None:
            staff = HostingStaff(organisation_id=residence.organisation_id, residence=residence, year=year)
        else:
            before = staff.fte
        staff.fte = fte
        staff.changed_by = actor
        staff.full_clean()
        staff.save()
        detail = {"year": year, "fte": f"{staff.fte:.2f}"}
        if before is not None:
            detail["before"] = {"fte": f"{before:.2f}"}
        audit_record(
            actor=actor,
            action="hosting_staff.correct" if before is not None else "hosting_staff.record",
            obj=staff,
            organisation=residence.organisation,
            detail=detail,
        )
    return staff, before
