"""Every write of the CAF's PSE of the foyers de jeunes travailleurs (W38): permission, one transaction, validation,
audit.

A foyer de jeunes travailleurs (FJT) is a résidence sociale whose box « Foyer de jeunes travailleurs » the director
ticked (`Residence.young_workers`). Since the 2025 reform its AGLS of year N adds a bonus on the prestation de
service « socio-éducative » (PSE) the CAF paid it in N-1; the rate is the dated legal parameter
`agls_fjt_bonus_rate`, read by the AGLS report (`reporting.indicators.agls`). The director records the PSE of a year
as the CAF paid it, and corrects it the same way: the row is updated, the audit keeps the value before. A row is
never deleted."""

from decimal import Decimal

from django.utils.translation import gettext as _

from habiter.core.formats import euros

from .models import YoungWorkersPse
from .yearly_figures import record_yearly_figure


def correction_refusal(recorded: YoungWorkersPse | None, amount: Decimal) -> str | None:
    """Why recording `amount` over `recorded` changes nothing (the same value)."""
    if recorded is not None and recorded.amount == amount:
        return _("La PSE de %(year)s vaut déjà %(amount)s € : rien à corriger.") % {
            "year": recorded.year,
            "amount": euros(amount),
        }
    return None


def young_workers_pse_record(
    *, actor, residence_id, year: int, amount: Decimal
) -> tuple[YoungWorkersPse, Decimal | None]:
    """Record the PSE the CAF paid a foyer de jeunes travailleurs of the actor's organisation for `year`, or correct
    the one recorded; returns the row and the amount before (None for a first record). The director only
    (PermissionDenied); a residence of another organisation: DoesNotExist. Refused in French, nothing saved
    (ValidationError): a residence that is not an FJT, a year after the current one, an amount that is negative, has
    more than two decimals or is absurdly large, the amount already recorded."""
    return record_yearly_figure(
        actor=actor,
        residence_id=residence_id,
        year=year,
        model=YoungWorkersPse,
        field="amount",
        value=amount,
        future_year_message=_(
            "La PSE se saisit pour une année passée ou l'année en cours, une fois versée par la CAF."
        ),
        correction_refusal=correction_refusal,
        action="young_workers_pse",
    )
