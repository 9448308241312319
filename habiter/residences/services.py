"""Every write of the residences: permission, one transaction, validation, audit."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.models import Role, User
from habiter.people.models import Person
from habiter.people.queries import households_visible_to

from . import queries
from . import rules as residence_rules
from .models import HouseRules, Place, Residence, ResidenceStay

RESIDENCE_FIELDS = (
    "name",
    "kind",
    "address",
    "postal_code",
    "city",
    "apl_convention_reference",
    "agrement_reference",
    "is_essms",
    "opened_on",
)
PLACE_FIELDS = ("label", "kind", "typology", "surface", "furnished", "accessible")


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _hosts_of_organisation(actor, host_ids) -> list:
    ids = list(dict.fromkeys(host_ids or ()))
    hosts = list(User.objects.filter(pk__in=ids, organisation_id=actor.organisation_id, role=Role.HOST))
    if len(hosts) != len(ids):
        raise ValidationError({"hosts": _("Choisissez des hôtes de votre association.")})
    return hosts


def _residence_apply(residence: Residence, data: dict) -> None:
    for field in RESIDENCE_FIELDS:
        if field in data:
            value = _strip(data[field])
            setattr(residence, field, "" if value is None and field not in ("opened_on", "is_essms") else value)


def residence_create(*, actor, data: dict, host_ids=()) -> Residence:
    """Add a residence with its legal frame and its hosts."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        hosts = _hosts_of_organisation(actor, host_ids)
        residence = Residence(organisation_id=actor.organisation_id)
        _residence_apply(residence, data)
        residence.full_clean()
        residence.save()
        residence.hosts.set(hosts)
        audit_record(actor=actor, action="residence.create", obj=residence)
    return residence


def residence_update(*, actor, residence_id, data: dict, host_ids=()) -> Residence:
    """Change a residence's name, address, legal frame or hosts."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        residence = Residence.objects.select_for_update().get(pk=residence_id, organisation_id=actor.organisation_id)
        hosts = _hosts_of_organisation(actor, host_ids)
        _residence_apply(residence, data)
        residence.full_clean()
        residence.save()
        residence.hosts.set(hosts)
        audit_record(actor=actor, action="residence.update", obj=residence)
    return residence


def _place_apply(place: Place, data: dict) -> None:
    for field in PLACE_FIELDS:
        if field in data:
            value = _strip(data[field])
            setattr(place, field, "" if value is None and field == "label" else value)


def place_create(*, actor, residence_id, data: dict) -> tuple[Place, int | None]:
    """Add a place to a residence; returns it with the soft maximum of places (W11) when the residence is now
    above it (a warning to show, never a refusal: R72)."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        residence = Residence.objects.select_for_update().get(pk=residence_id, organisation_id=actor.organisation_id)
        place = Place(organisation_id=actor.organisation_id, residence=residence)
        _place_apply(place, data)
        place.full_clean()
        place.save()
        audit_record(actor=actor, action="place.create", obj=place)
        count = residence.places.count()
        above = residence_rules.places_above_soft_max(count, timezone.localdate(), queries.legal_params())
    return place, above


def place_update(*, actor, place_id, data: dict) -> Place:
    """Change a place's name, kind, typology, surface or equipment."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place_id, organisation_id=actor.organisation_id)
        _place_apply(place, data)
        place.full_clean()
        place.save()
        audit_record(actor=actor, action="place.update", obj=place)
    return place


def house_rules_add(*, actor, residence_id, valid_from: date, text: str) -> HouseRules:
    """Add a version of the residence's règlement intérieur, in force from `valid_from`."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        residence = Residence.objects.get(pk=residence_id, organisation_id=actor.organisation_id)
        version = HouseRules(
            organisation_id=actor.organisation_id,
            residence=residence,
            valid_from=valid_from,
            text=_strip(text) or "",
            created_by=actor,
        )
        version.full_clean()
        version.save()
        audit_record(actor=actor, action="house_rules.add", obj=version)
    return version


def house_rules_update(*, actor, house_rules_id, text: str) -> HouseRules:
    """Correct the text of a version not yet in force; a version in force is frozen (a resident may have signed
    it): the change is a new version."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        version = HouseRules.objects.select_for_update().get(pk=house_rules_id, organisation_id=actor.organisation_id)
        if residence_rules.house_rules_frozen(version.valid_from, timezone.localdate()):
            raise ValidationError(
                _(
                    "Cette version du règlement intérieur est en vigueur depuis le %(date)s : elle ne se modifie "
                    "plus. Ajoutez une nouvelle version."
                )
                % {"date": version.valid_from.strftime("%d/%m/%Y")}
            )
        version.text = _strip(text) or ""
        version.full_clean()
        version.save()
        audit_record(actor=actor, action="house_rules.update", obj=version)
    return version


def stay_enter(*, actor, place_id, resident_id, entered_on: date) -> ResidenceStay:
    """A resident enters a place: the place is occupied from that day. Refused when a stay of the place covers the
    day or starts after it (stays of one place never overlap)."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place_id, organisation_id=actor.organisation_id)
        try:
            resident = Person.objects.select_related("household").get(
                pk=resident_id, household__in=households_visible_to(actor).values("pk")
            )
        except Person.DoesNotExist:
            raise ValidationError({"resident": _("Choisissez un membre d'un ménage que vous suivez.")}) from None
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


def stay_exit(*, actor, stay_id, left_on: date, exit_destination: str) -> ResidenceStay:
    """A resident leaves: the place is free from the next day; the destination is recorded (« Inconnue » at worst)."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        stay = ResidenceStay.objects.select_for_update().get(pk=stay_id, organisation_id=actor.organisation_id)
        if stay.left_on is not None:
            raise ValidationError(_("Ce résident est déjà sorti."))
        if not exit_destination:
            raise ValidationError({"exit_destination": _("Dites où va le résident (« Inconnue » au besoin).")})
        stay.left_on, stay.exit_destination = left_on, exit_destination
        stay.full_clean()
        stay.save()
        audit_record(actor=actor, action="stay.exit", obj=stay, household_id=stay.household_id)
    return stay
