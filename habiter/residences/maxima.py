"""Every write of the APL-foyer maxima of the residences' conventions (W7, docs/adr/0027): permission, one
transaction, validation, audit.

A maximum is read on the residence's APL convention, for a place typology and a year; the later years are revised
with the IRL when read (`queries.apl_maximum`), never stored. Platform operators save them in the administration;
the director and the hosts of the residence record them on the residence's page « Maxima APL-foyer » and correct
a value recorded wrongly (the row is updated, the audit keeps the value before and after). A row is never deleted:
a new value of the convention from a later year is a row for that year."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.core.models import LegalStatus

from . import queries
from .models import AplMaximum


def _may_keep(actor, residence) -> bool:
    """Operators (the administration), or the director or a host of the residence in its organisation."""
    if not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return (
        actor.has_perm("residences.keep_apl_maxima")
        and actor.organisation_id == residence.organisation_id
        and queries.residences_for(actor).filter(pk=residence.pk).exists()
    )


def _state(maximum: AplMaximum) -> dict:
    return {
        "typology": maximum.typology,
        "year": maximum.year,
        "amount": str(maximum.amount),
        "status": maximum.status,
    }


def apl_maximum_save(*, actor, maximum: AplMaximum) -> AplMaximum:
    """Save the maximum a residence's APL convention sets for a typology and year (W7): platform operators (the
    administration), the director of the residence's organisation or a host of the residence. A new row for a
    typology and year already recorded is refused (the model's message). A change is audited with the row as it
    stood before. The values are read on each convention; until then they stay « à confirmer »."""
    if not _may_keep(actor, maximum.residence):
        raise PermissionDenied
    with transaction.atomic():
        created = maximum._state.adding
        before = None
        if not created:
            stored = AplMaximum.objects.select_for_update().select_related("residence").get(pk=maximum.pk)
            if not _may_keep(actor, stored.residence):
                raise PermissionDenied
            before = _state(stored)
        maximum.organisation_id = maximum.residence.organisation_id
        maximum.changed_by = actor
        maximum.full_clean()
        maximum.save()
        detail = _state(maximum)
        if before is not None:
            detail["before"] = before
        audit_record(
            actor=actor,
            action="apl_maximum.create" if created else "apl_maximum.change",
            obj=maximum,
            organisation=maximum.residence.organisation,
            detail=detail,
        )
    return maximum


def correction_refusal(maximum: AplMaximum, amount: Decimal) -> str | None:
    """Why correcting `maximum` to `amount` changes nothing (the same value, already read on the convention)."""
    if maximum.amount == amount and maximum.status == LegalStatus.CONFIRMED:
        return _("Ce maximum vaut déjà %(amount)s € sur la convention : rien à corriger.") % {"amount": euros(amount)}
    return None


def apl_maximum_correct(*, actor, maximum_id, amount: Decimal) -> AplMaximum:
    """Correct a recorded value with the one read on the convention: the row is updated and marked as read on the
    convention (confirmed); the audit keeps the value before. The maxima of the later years revised from it change
    at once; a redevance already set is not checked again. Out of the actor's residences: DoesNotExist."""
    with transaction.atomic():
        maximum = (
            AplMaximum.objects.select_for_update()
            .select_related("residence")
            .get(pk=maximum_id, residence__in=queries.residences_for(actor).values("pk"))
        )
        refusal = correction_refusal(maximum, amount)
        if refusal:
            raise ValidationError({"amount": refusal})
        maximum.amount = amount
        maximum.status = LegalStatus.CONFIRMED
        return apl_maximum_save(actor=actor, maximum=maximum)
