"""Every write of the CAF's PSE of the foyers de jeunes travailleurs (W38): permission, one transaction, validation,
audit.

A foyer de jeunes travailleurs (FJT) is a résidence sociale whose box « Foyer de jeunes travailleurs » the director
ticked (`Residence.young_workers`). Since the 2025 reform its AGLS of year N adds a bonus on the prestation de
service « socio-éducative » (PSE) the CAF paid it in N-1; the rate is the dated legal parameter
`agls_fjt_bonus_rate`, read by the AGLS report (`reporting.indicators.agls`). The director records the PSE of a year
as the CAF paid it, and corrects it the same way: the row is updated, the audit keeps the value before. A row is
never deleted."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.formats import euros

from .models import Residence, YoungWorkersPse


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
    if not actor.is_active or not actor.has_perm("residences.manage_residence"):
        raise PermissionDenied
    with transaction.atomic():
        residence = Residence.objects.select_for_update().get(pk=residence_id, organisation_id=actor.organisation_id)
        if year > timezone.localdate().year:
            raise ValidationError(
                {"year": _("La PSE se saisit pour une année passée ou l'année en cours, une fois versée par la CAF.")}
            )
        pse = YoungWorkersPse.objects.select_for_update().filter(residence=residence, year=year).first()
        refusal = correction_refusal(pse, amount)
        if refusal:
            raise ValidationError({"amount": refusal})
        before = None
        if pse is None:
            pse = YoungWorkersPse(organisation_id=residence.organisation_id, residence=residence, year=year)
        else:
            before = pse.amount
        pse.amount = amount
        pse.changed_by = actor
        pse.full_clean()
        pse.save()
        detail = {"year": year, "amount": f"{pse.amount:.2f}"}
        if before is not None:
            detail["before"] = {"amount": f"{before:.2f}"}
        audit_record(
            actor=actor,
            action="young_workers_pse.correct" if before is not None else "young_workers_pse.record",
            obj=pse,
            organisation=residence.organisation,
            detail=detail,
        )
    return pse, before
