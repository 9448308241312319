"""Every write of the hosts' time of the boarding houses (W34): permission, one transaction, validation, audit.

A pension de famille or a résidence accueil is run by its hosts (W10). The State's regional studies ask, in the
boarding houses' annual report, for their time in full-time equivalents (ETP) and the staffing rate; the application
does not hold the association's payroll, so the director types each residence's ETP of a year and corrects it the
same way: the row is updated, the audit keeps the value before. A row is never deleted. The report reads it
(`reporting.indicators.pension_famille`)."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import HostingStaff
from .yearly_figures import record_yearly_figure


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
    return record_yearly_figure(
        actor=actor,
        residence_id=residence_id,
        year=year,
        model=HostingStaff,
        field="fte",
        value=fte,
        future_year_message=_("Le temps des hôtes se saisit pour une année passée ou l'année en cours."),
        correction_refusal=correction_refusal,
        action="hosting_staff",
    )
