"""What the writes of the residences share: the permission check, the text cleaning, a stay's creation and
an admission's vacancy filled by it (`services`, `contracts` and `journal` use them)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from . import rules as residence_rules
from .models import (
    ResidenceStay,
    Vacancy,
)


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _stay_create(actor, place, resident, entered_on) -> ResidenceStay:
    """The stay of `resident` in `place` (locked by the caller) from `entered_on`, if no stay of the place overlaps."""
    for other in place.stays.all():
        if residence_rules.periods_overlap(entered_on, None, other.entered_on, other.left_on):
            raise ValidationError(
                {
                    "entered_on": _("La place est occupée à cette date (entrée le %(date)s).")
                    % {"date": other.entered_on.strftime("%d/%m/%Y")}
                }
            )
    stay = ResidenceStay(
        organisation_id=actor.organisation_id,
        place=place,
        household=resident.household,
        resident=resident,
        entered_on=entered_on,
    )
    stay.full_clean()
    stay.save()
    audit_record(actor=actor, action="stay.enter", obj=stay, household_id=resident.household_id)
    return stay


def _orientation_filled(orientation, stay) -> Vacancy:
    """The admitted candidate has entered: the orientation leads to the stay, the vacancy is filled by it."""
    orientation.stay = stay
    orientation.save(update_fields=["stay", "updated_at"])
    vacancy = orientation.vacancy
    vacancy.filled_by = stay
    vacancy.save(update_fields=["filled_by", "updated_at"])
    return vacancy
