"""Every write of the residences: permission, one transaction, validation, audit."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core.audit import audit_record
from habiter.core.models import PartnerKind, Role, User
from habiter.core.partners import partner_named
from habiter.people.models import Person
from habiter.people.queries import households_visible_to

from . import queries, registry
from . import rules as residence_rules
from .contracts import contract_activate as contract_activate  # the contracts and their redevance (R74–R75, W4–W8)
from .contracts import contract_create as contract_create
from .contracts import contract_exit as contract_exit
from .contracts import contract_initial as contract_initial
from .contracts import contract_notice as contract_notice
from .contracts import contract_terminate as contract_terminate
from .contracts import guest_stay_record as guest_stay_record
from .contracts import redevance_set as redevance_set
from .hosting_staff import hosting_staff_record as hosting_staff_record  # the hosts' time (W34)
from .journal import house_activity_record as house_activity_record  # the house journal (W10)
from .journal import individual_support_record as individual_support_record
from .journal import individual_support_set_kind as individual_support_set_kind
from .maxima import apl_maximum_correct as apl_maximum_correct  # the APL-foyer maxima's writes (W7)
from .maxima import apl_maximum_save as apl_maximum_save
from .models import (
    ContractStatus,
    Decision,
    HouseRules,
    InterviewAttendance,
    Orientation,
    OrientationInterview,
    Place,
    Residence,
    ResidenceContract,
    ResidenceStay,
    Vacancy,
)
from .writes import _orientation_filled, _require, _stay_create, _strip
from .young_workers import young_workers_pse_record as young_workers_pse_record  # the FJT's CAF PSE (W38)

RESIDENCE_FIELDS = (
    "name",
    "kind",
    "address",
    "postal_code",
    "city",
    "apl_convention_reference",
    "agrement_reference",
    "is_essms",
    "essms_resident_notice_days",
    "opened_on",
    "deposit_amount",
    "deposit_keeps_unpaid",
    "deposit_return_days",
    "young_workers",
)
PLACE_FIELDS = ("label", "kind", "typology", "surface", "furnished", "accessible", "opened_on")


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
            if field == "deposit_amount" and value is None:
                value = Decimal("0.00")
            if field in ("deposit_keeps_unpaid", "young_workers"):
                value = bool(value)
            blank = value is None and field not in (
                "opened_on",
                "is_essms",
                "essms_resident_notice_days",
                "deposit_return_days",
            )
            setattr(residence, field, "" if blank else value)


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


def house_rules_add(
    *,
    actor,
    residence_id,
    valid_from: date,
    text: str,
    guest_nights_per_month: int | None = None,
    consultation: str = "",
) -> HouseRules:
    """Add a version of the residence's règlement intérieur, in force from `valid_from`, linked to the meeting of the
    conseil de concertation consulted on it (`consultation`, a meeting id); refused without one where the residence
    must consult it (W12: at least 30 residents under contract)."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        residence = Residence.objects.get(pk=residence_id, organisation_id=actor.organisation_id)
        check = registry.rules_consultation(residence, timezone.localdate())
        labels = dict(check.choices)
        if consultation and consultation not in labels:
            raise ValidationError(
                {"consultation": _("Choisissez une réunion du conseil de concertation de la résidence.")}
            )
        if check.required and not consultation:
            raise ValidationError({"consultation": check.reason})
        version = HouseRules(
            organisation_id=actor.organisation_id,
            residence=residence,
            valid_from=valid_from,
            text=_strip(text) or "",
            guest_nights_per_month=guest_nights_per_month,
            consultation_meeting_id=consultation or None,
            consultation_label=labels.get(consultation, ""),
            created_by=actor,
        )
        version.full_clean()
        version.save()
        audit_record(
            actor=actor,
            action="house_rules.add",
            obj=version,
            detail={"consultation": version.consultation_label} if version.consultation_label else None,
        )
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
        return _stay_create(actor, place, resident, entered_on)


def stay_exit(*, actor, stay_id, left_on: date, exit_destination: str) -> ResidenceStay:
    """A resident leaves: the place is free from the next day; the destination is recorded (« Inconnue » at worst)."""
    _require(actor, "residences.manage_residence")
    with transaction.atomic():
        stay = ResidenceStay.objects.select_for_update().get(pk=stay_id, organisation_id=actor.organisation_id)
        if stay.left_on is not None:
            raise ValidationError(_("Ce résident est déjà sorti."))
        if ResidenceContract.objects.filter(stay=stay).exclude(status=ContractStatus.ENDED).exists():
            raise ValidationError(_("Ce résident a un contrat : sa sortie s'enregistre sur le contrat."))
        if not exit_destination:
            raise ValidationError({"exit_destination": _("Dites où va le résident (« Inconnue » au besoin).")})
        stay.left_on, stay.exit_destination = left_on, exit_destination
        stay.full_clean()
        stay.save()
        audit_record(actor=actor, action="stay.exit", obj=stay, household_id=stay.household_id)
    return stay


def stay_entry_situation(*, actor, stay_id, situation_before_entry: str, main_resource: str) -> ResidenceStay:
    """Record, or correct, where the resident lived before entering and their main resource then (DOMAIN-2 W33,
    W34: the boarding houses' annual report and the ES-DS survey count them), by the director or a host of the
    residence, who met the candidate; empty is « not said ». Audited with the values replaced. A stay of a
    residence the actor does not host is unknown."""
    _require(actor, "residences.run_admissions")
    with transaction.atomic():
        stay = ResidenceStay.objects.select_for_update().get(
            pk=stay_id, place__residence__in=queries.residences_for(actor).values("pk")
        )
        before = {"situation_before_entry": stay.situation_before_entry, "main_resource": stay.main_resource}
        stay.situation_before_entry, stay.main_resource = situation_before_entry or "", main_resource or ""
        stay.full_clean()
        stay.save(update_fields=["situation_before_entry", "main_resource", "updated_at"])
        audit_record(
            actor=actor,
            action="stay.entry_situation",
            obj=stay,
            household_id=stay.household_id,
            detail={
                "before": before,
                "after": {"situation_before_entry": stay.situation_before_entry, "main_resource": stay.main_resource},
            },
        )
    return stay


# --- admissions through the SIAO (W3) ----------------------------------------------------------------------


def _admission_place(actor, place_id) -> Place:
    _require(actor, "residences.run_admissions")
    return Place.objects.select_for_update().get(pk=place_id, residence__in=queries.residences_for(actor).values("pk"))


def _orientation(actor, orientation_id, step) -> Orientation:
    _require(actor, "residences.run_admissions")
    orientation = (
        Orientation.objects.select_for_update()
        .select_related("vacancy__place")
        .get(pk=orientation_id, vacancy__place__residence__in=queries.residences_for(actor).values("pk"))
    )
    allowed = residence_rules.orientation_next_steps(
        attendances=orientation.interviews.values_list("attendance", flat=True),
        decision=orientation.decision,
        notified_on=orientation.notified_on,
        entered=orientation.stay_id is not None,
    )
    if step not in allowed:
        raise ValidationError(STEP_REFUSALS[step])
    return orientation


STEP_REFUSALS = {
    residence_rules.INTERVIEW: gettext_lazy("La commission a déjà décidé : plus d'entretien à noter."),
    residence_rules.INTERVIEW_OUTCOME: gettext_lazy(
        "Aucun entretien à venir dont noter si le candidat est venu, ou la commission a déjà décidé."
    ),
    residence_rules.DECISION: gettext_lazy(
        "La commission décide après un entretien auquel le candidat est venu : notez-le d'abord ; une décision déjà "
        "prise ne se refait pas."
    ),
    residence_rules.NOTIFICATION: gettext_lazy("Seule une décision prise et pas encore notifiée se notifie au SIAO."),
    residence_rules.ENTRY: gettext_lazy(
        "Seul un candidat admis, dont l'admission est notifiée au SIAO, entre dans la place."
    ),
}


def vacancy_declare(*, actor, place_id, declared_on: date) -> Vacancy:
    """Declare a place vacant to the SIAO (W3); refused while a resident lives in it or a vacancy is open."""
    with transaction.atomic():
        place = _admission_place(actor, place_id)
        if place.stays.filter(left_on__isnull=True).exists():
            raise ValidationError(_("Un résident occupe cette place : déclarez la vacance après sa sortie."))
        if place.contracts.exclude(status=ContractStatus.ENDED).exists():
            raise ValidationError(_("Un contrat est en cours ou à signer pour cette place."))
        vacancy = Vacancy(organisation_id=actor.organisation_id, place=place, declared_on=declared_on)
        vacancy.full_clean()
        vacancy.save()
        audit_record(actor=actor, action="vacancy.declare", obj=vacancy)
    return vacancy


def orientation_receive(
    *,
    actor,
    vacancy_id,
    siao_reference: str,
    candidate_name: str,
    received_on: date,
    household_id=None,
    siao_name: str = "",
) -> Orientation:
    """Record a candidate the SIAO orients to an open vacancy, with the household if it is already known; the SIAO,
    named, is the organisation's partner of that name (a new partner of kind SIAO otherwise)."""
    _require(actor, "residences.run_admissions")
    with transaction.atomic():
        vacancy = Vacancy.objects.select_for_update().get(
            pk=vacancy_id, place__residence__in=queries.residences_for(actor).values("pk")
        )
        if vacancy.filled_by_id is not None:
            raise ValidationError(_("Cette vacance est pourvue : le candidat est déjà entré."))
        household = None
        if household_id:
            household = households_visible_to(actor).filter(pk=household_id).first()
            if household is None:
                raise ValidationError({"household": _("Choisissez un ménage que vous suivez.")})
        if received_on < vacancy.declared_on:
            raise ValidationError({"received_on": _("L'orientation ne peut pas précéder la déclaration de vacance.")})
        orientation = Orientation(
            organisation_id=actor.organisation_id,
            vacancy=vacancy,
            siao_reference=_strip(siao_reference) or "",
            siao=partner_named(
                actor=actor, name=siao_name, field="siao_name", origin="orientation.siao", kind=PartnerKind.SIAO
            ),
            candidate_name=_strip(candidate_name) or "",
            household=household,
            received_on=received_on,
        )
        orientation.full_clean()
        orientation.save()
        audit_record(
            actor=actor, action="orientation.receive", obj=orientation, household_id=household and household.pk
        )
    return orientation


def orientation_attach_household(*, actor, orientation_id, household_id) -> Orientation:
    """Name the household of a candidate oriented without a file, once the association has opened it: a director
    (a host opens no household's file). Only before the entry, and only once."""
    _require(actor, "residences.attach_household")
    with transaction.atomic():
        orientation = Orientation.objects.select_for_update().get(
            pk=orientation_id, vacancy__place__residence__in=queries.residences_for(actor).values("pk")
        )
        if orientation.household_id is not None:
            raise ValidationError(_("Le ménage de ce candidat est déjà rattaché."))
        if orientation.stay_id is not None:
            raise ValidationError(_("Le candidat est déjà entré : son ménage ne se rattache plus ici."))
        household = households_visible_to(actor).filter(pk=household_id).first()
        if household is None:
            raise ValidationError({"household": _("Choisissez un ménage que vous suivez.")})
        orientation.household = household
        orientation.save(update_fields=["household", "updated_at"])
        audit_record(actor=actor, action="orientation.attach_household", obj=orientation, household_id=household.pk)
    return orientation


def _check_attendance(held_on: date, attendance: str) -> None:
    if attendance not in InterviewAttendance.values:
        raise ValidationError({"attendance": _("Choisissez : venu, pas venu ou reporté.")})
    if attendance in residence_rules.HELD and held_on > timezone.localdate():
        raise ValidationError(
            {"attendance": _("L'entretien est à venir : notez s'il est venu le jour venu, ou « reporté ».")}
        )


def orientation_interview_add(
    *, actor, orientation_id, held_on: date, led_by_id, attendance: str = "", note: str = ""
) -> OrientationInterview:
    """Add an interview of the candidate (W3: there may be several) until the commission decides: its day, who of
    the staff leads it, whether the candidate came (empty while it is to come), a short note."""
    with transaction.atomic():
        orientation = _orientation(actor, orientation_id, residence_rules.INTERVIEW)
        if held_on < orientation.received_on:
            raise ValidationError({"held_on": _("L'entretien ne peut pas précéder l'orientation.")})
        _check_attendance(held_on, attendance)
        led_by = queries.interviewer_choices(actor).filter(pk=led_by_id).first() if led_by_id else None
        if led_by is None:
            raise ValidationError({"led_by": _("Choisissez qui de l'équipe mène l'entretien.")})
        interview = OrientationInterview(
            organisation_id=actor.organisation_id,
            orientation=orientation,
            held_on=held_on,
            led_by=led_by,
            attendance=attendance,
            note=_strip(note) or "",
        )
        interview.full_clean()
        interview.save()
        audit_record(
            actor=actor,
            action="orientation.interview",
            obj=orientation,
            household_id=orientation.household_id,
            detail={"held_on": held_on.isoformat(), "attendance": attendance},
        )
    return interview


def orientation_interview_outcome(
    *, actor, orientation_id, interview_id, attendance: str, note: str = ""
) -> OrientationInterview:
    """Note whether the candidate came to an interview fixed ahead (came, did not come, postponed), with a short
    note, until the commission decides."""
    with transaction.atomic():
        orientation = _orientation(actor, orientation_id, residence_rules.INTERVIEW_OUTCOME)
        interview = (
            orientation.interviews.select_for_update()
            .filter(pk=interview_id, attendance=residence_rules.PLANNED)
            .first()
        )
        if interview is None:
            raise ValidationError({"interview": _("Choisissez un entretien à venir de ce candidat.")})
        if not attendance:
            raise ValidationError({"attendance": _("Choisissez : venu, pas venu ou reporté.")})
        _check_attendance(interview.held_on, attendance)
        interview.attendance = attendance
        if _strip(note):
            interview.note = _strip(note)
        interview.full_clean()
        interview.save()
        audit_record(
            actor=actor,
            action="orientation.interview_outcome",
            obj=orientation,
            household_id=orientation.household_id,
            detail={"held_on": interview.held_on.isoformat(), "attendance": attendance},
        )
    return interview


DECISION_INTERVIEW_REFUSALS = {
    "no_interview": gettext_lazy(
        "La commission décide après un entretien auquel le candidat est venu : notez d'abord cet entretien."
    ),
    "no_show_missing": gettext_lazy(
        "Un refus parce que le candidat n'est pas venu suppose un entretien noté « pas venu »."
    ),
    "before_interview": gettext_lazy("La décision ne peut pas précéder l'entretien."),
}


def orientation_decide(
    *, actor, orientation_id, decision: str, decided_on: date, refusal_reason: str = "", minutes: str = ""
) -> Orientation:
    """Record the admission commission's decision: admitted, or refused with a reason code (W3); the minutes say
    the rest. An admission reserves the place until the entry."""
    with transaction.atomic():
        orientation = _orientation(actor, orientation_id, residence_rules.DECISION)
        if decision not in (Decision.ADMITTED, Decision.REFUSED):
            raise ValidationError({"decision": _("Choisissez : admis ou refusé.")})
        if decision == Decision.REFUSED and not refusal_reason:
            raise ValidationError({"refusal_reason": _("Un refus dit son motif : choisissez-le dans la liste.")})
        missing = residence_rules.decision_interview_missing(
            orientation.interviews.values_list("held_on", "attendance"),
            decided_on,
            refusal_reason if decision == Decision.REFUSED else "",
        )
        if missing == "before_interview":
            raise ValidationError({"decided_on": DECISION_INTERVIEW_REFUSALS[missing]})
        if missing is not None:
            raise ValidationError(DECISION_INTERVIEW_REFUSALS[missing])
        orientation.decision, orientation.decided_on = decision, decided_on
        orientation.refusal_reason = refusal_reason if decision == Decision.REFUSED else ""
        orientation.minutes = _strip(minutes) or ""
        orientation.full_clean()
        orientation.save()
        audit_record(
            actor=actor,
            action="orientation.decide",
            obj=orientation,
            household_id=orientation.household_id,
            detail={"decision": decision, "refusal_reason": orientation.refusal_reason},
        )
    return orientation


def orientation_notify(*, actor, orientation_id, notified_on: date) -> Orientation:
    """Record the day the decision was notified to the SIAO."""
    with transaction.atomic():
        orientation = _orientation(actor, orientation_id, residence_rules.NOTIFICATION)
        if notified_on < orientation.decided_on:
            raise ValidationError({"notified_on": _("La notification ne peut pas précéder la décision.")})
        orientation.notified_on = notified_on
        orientation.full_clean()
        orientation.save()
        audit_record(actor=actor, action="orientation.notify", obj=orientation, household_id=orientation.household_id)
    return orientation


def orientation_enter(*, actor, orientation_id, resident_id, entered_on: date) -> ResidenceStay:
    """The admitted candidate enters the place: the stay begins and the vacancy is filled. The candidate's household
    must be known (the occupancy contract, RI annexed, comes with a later slice: ADR 0021)."""
    with transaction.atomic():
        orientation = _orientation(actor, orientation_id, residence_rules.ENTRY)
        if orientation.household_id is None:
            raise ValidationError(
                _("Le ménage du candidat n'est pas rattaché : la direction crée son dossier puis l'orientation.")
            )
        resident = Person.objects.filter(pk=resident_id, household_id=orientation.household_id).first()
        if resident is None:
            raise ValidationError({"resident": _("Choisissez un membre du ménage admis.")})
        if entered_on < orientation.decided_on:
            raise ValidationError({"entered_on": _("L'entrée ne peut pas précéder la décision d'admission.")})
        if ResidenceContract.objects.filter(orientation=orientation).exists():
            raise ValidationError(_("Un contrat est préparé pour ce candidat : il entre par la signature du contrat."))
        place = Place.objects.select_for_update().get(pk=orientation.vacancy.place_id)
        stay = _stay_create(actor, place, resident, entered_on)
        vacancy = _orientation_filled(orientation, stay)
        audit_record(
            actor=actor,
            action="orientation.enter",
            obj=orientation,
            household_id=orientation.household_id,
            detail={"days_from_vacancy": residence_rules.days_from_vacancy_to_entry(vacancy.declared_on, entered_on)},
        )
    return stay
