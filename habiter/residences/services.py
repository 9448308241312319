"""Every write of the residences: permission, one transaction, validation, audit."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.core.models import PartnerKind, Role, User
from habiter.core.partners import partner_named
from habiter.people.models import Person
from habiter.people.queries import households_visible_to

from . import queries, registry
from . import rules as residence_rules
from .maxima import apl_maximum_correct as apl_maximum_correct  # the APL-foyer maxima's writes (W7)
from .maxima import apl_maximum_save as apl_maximum_save
from .models import (
    FORMAL_NOTICE_MISSING,
    GROUNDS_AFTER_FORMAL_NOTICE,
    ContractStatus,
    Decision,
    ExitDestination,
    GuestStay,
    HouseActivity,
    HouseRules,
    IndividualSupport,
    NoticeBy,
    Orientation,
    Place,
    RedevanceKind,
    RedevanceLine,
    Residence,
    ResidenceContract,
    ResidenceStay,
    SupportKind,
    TerminationGround,
    TerminationNotice,
    Vacancy,
)
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
    "opened_on",
    "deposit_amount",
    "deposit_keeps_unpaid",
    "deposit_return_days",
    "young_workers",
)
PLACE_FIELDS = ("label", "kind", "typology", "surface", "furnished", "accessible", "opened_on")


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
            if field == "deposit_amount" and value is None:
                value = Decimal("0.00")
            if field in ("deposit_keeps_unpaid", "young_workers"):
                value = bool(value)
            blank = value is None and field not in ("opened_on", "is_essms", "deposit_return_days")
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
        interview_on=orientation.interview_on,
        decision=orientation.decision,
        notified_on=orientation.notified_on,
        entered=orientation.stay_id is not None,
    )
    if step not in allowed:
        raise ValidationError(STEP_REFUSALS[step])
    return orientation


STEP_REFUSALS = {
    residence_rules.INTERVIEW: gettext_lazy("La commission a déjà décidé : l'entretien ne se déplace plus."),
    residence_rules.DECISION: gettext_lazy(
        "Fixez d'abord la date de l'entretien ; une décision déjà prise ne se refait pas."
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
    _require(actor, "residences.run_admissions")
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


def orientation_interview(*, actor, orientation_id, interview_on: date) -> Orientation:
    """Set or move the date of the candidate's interview, until the commission decides."""
    with transaction.atomic():
        orientation = _orientation(actor, orientation_id, residence_rules.INTERVIEW)
        if interview_on < orientation.received_on:
            raise ValidationError({"interview_on": _("L'entretien ne peut pas précéder l'orientation.")})
        orientation.interview_on = interview_on
        orientation.full_clean()
        orientation.save()
        audit_record(
            actor=actor, action="orientation.interview", obj=orientation, household_id=orientation.household_id
        )
    return orientation


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
        if decided_on < orientation.interview_on:
            raise ValidationError({"decided_on": _("La décision ne peut pas précéder l'entretien.")})
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


def _orientation_filled(orientation, stay) -> Vacancy:
    """The admitted candidate has entered: the orientation leads to the stay, the vacancy is filled by it."""
    orientation.stay = stay
    orientation.save(update_fields=["stay", "updated_at"])
    vacancy = orientation.vacancy
    vacancy.filled_by = stay
    vacancy.save(update_fields=["filled_by", "updated_at"])
    return vacancy


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


# --- residence contracts (R74–R75, W4–W6) ------------------------------------------------------------------


def _contract(actor, contract_id) -> ResidenceContract:
    _require(actor, "residences.run_contracts")
    return (
        ResidenceContract.objects.select_for_update()
        .select_related("place", "house_rules")
        .get(pk=contract_id, place__residence__in=queries.residences_for(actor).values("pk"))
    )


def _move(contract, target: str) -> None:
    if not residence_rules.contract_may_become(contract.status, target):
        raise ValidationError(
            _("Un contrat « %(status)s » ne peut pas passer à « %(target)s ».")
            % {"status": contract.get_status_display(), "target": ContractStatus(target).label}
        )
    contract.status = target


def contract_create(*, actor, place_id, resident_id, starts_on: date, orientation_id=None) -> ResidenceContract:
    """Prepare a resident's contract for a place, from its first day (R74, W4): the residence's RI version in force
    that day is frozen on it, and the residence's deposit copied. The contract is « à signer » until the RI is
    initialled and the contract activated. From an admission, the resident is a member of the admitted household;
    otherwise a director may choose any member of a household they follow, and a host the resident already living
    in the place without a contract (the contract then covers that stay)."""
    _require(actor, "residences.run_contracts")
    with transaction.atomic():
        place = (
            Place.objects.select_for_update()
            .select_related("residence")
            .get(pk=place_id, residence__in=queries.residences_for(actor).values("pk"))
        )
        orientation = None
        if orientation_id is not None:
            orientation = queries.admitted_orientation_for_contract(actor, orientation_id)
            if orientation.vacancy.place_id != place.pk:
                raise ValidationError(_("Ce candidat est admis sur une autre place."))
            if orientation.notified_on is None:
                raise ValidationError(_("Notifiez d'abord l'admission au SIAO, puis préparez le contrat."))
            resident = Person.objects.filter(pk=resident_id, household_id=orientation.household_id).first()
            if resident is None:
                raise ValidationError({"resident": _("Choisissez un membre du ménage admis.")})
            if starts_on < orientation.decided_on:
                raise ValidationError({"starts_on": _("Le contrat ne peut pas précéder la décision d'admission.")})
        else:
            resident = queries.contract_resident_choices(actor, place).filter(pk=resident_id).first()
            if resident is None:
                raise ValidationError({"resident": _("Choisissez un résident de la liste.")})
        stay = place.stays.filter(left_on__isnull=True).first()
        if stay is not None and (stay.resident_id != resident.pk or hasattr(stay, "contract")):
            raise ValidationError(_("Un résident occupe cette place : son contrat ou sa sortie d'abord."))
        if stay is not None and starts_on < stay.entered_on:
            raise ValidationError({"starts_on": _("Le contrat ne peut pas précéder l'entrée du résident.")})
        house_rules = queries.house_rules_in_force(place.residence_id, starts_on)
        if house_rules is None:
            raise ValidationError(
                _("La résidence n'a pas de règlement intérieur en vigueur à cette date : ajoutez-le d'abord.")
            )
        contract = ResidenceContract(
            organisation_id=actor.organisation_id,
            place=place,
            household=resident.household,
            resident=resident,
            orientation=orientation,
            stay=stay,
            house_rules=house_rules,
            starts_on=starts_on,
            deposit_amount=place.residence.deposit_amount,
            deposit_keeps_unpaid=place.residence.deposit_keeps_unpaid,
            deposit_return_days=place.residence.deposit_return_days,
            created_by=actor,
        )
        contract.full_clean()
        contract.save()
        audit_record(actor=actor, action="contract.create", obj=contract, household_id=contract.household_id)
    return contract


def contract_initial(*, actor, contract_id, ri_initialled_on: date) -> ResidenceContract:
    """Record the day the resident initialled the RI annexed to the contract (W4, CCH R633-3 I)."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        if contract.status != ContractStatus.TO_SIGN:
            raise ValidationError(_("Le contrat est déjà en vigueur : le règlement paraphé ne se change plus."))
        contract.ri_initialled_on = ri_initialled_on
        contract.full_clean()
        contract.save()
        audit_record(
            actor=actor,
            action="contract.initial",
            obj=contract,
            household_id=contract.household_id,
            detail={"house_rules_valid_from": contract.house_rules.valid_from.isoformat()},
        )
    return contract


def contract_activate(*, actor, contract_id) -> ResidenceContract:
    """The contract is signed, its RI initialled: it is in force from its first day and the place is occupied from
    then (the stay begins; from an admission, the vacancy is filled). Irreversible: the page asks to confirm."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        if not residence_rules.contract_may_activate(contract.ri_initialled_on):
            raise ValidationError(
                _("Le règlement intérieur n'est pas paraphé : le contrat reste « à signer ». Notez d'abord la date.")
            )
        _move(contract, ContractStatus.ACTIVE)
        if contract.stay_id is None:
            place = Place.objects.select_for_update().get(pk=contract.place_id)
            contract.stay = _stay_create(actor, place, contract.resident, contract.starts_on)
            if contract.orientation_id is not None:
                _orientation_filled(
                    Orientation.objects.select_related("vacancy").get(pk=contract.orientation_id), contract.stay
                )
        contract.full_clean()
        contract.save()
        audit_record(actor=actor, action="contract.activate", obj=contract, household_id=contract.household_id)
    return contract


def contract_notice(*, actor, contract_id, notice_on: date) -> ResidenceContract:
    """The resident gives notice (W5): they leave at the end of the notice (`foyer_resident_notice_days` days)."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        _move(contract, ContractStatus.NOTICE)
        if notice_on < contract.starts_on:
            raise ValidationError({"notice_on": _("Le congé ne peut pas précéder le début du contrat.")})
        contract.notice_by, contract.notice_on = NoticeBy.RESIDENT, notice_on
        contract.ends_on = residence_rules.resident_notice_end(notice_on, queries.legal_params())
        contract.full_clean()
        contract.save()
        audit_record(
            actor=actor,
            action="contract.notice",
            obj=contract,
            household_id=contract.household_id,
            detail={"ends_on": contract.ends_on.isoformat()},
        )
    return contract


def _check_formal_notice(contract, termination_ground, notice_on, delivered_on) -> None:
    """R75: for a breach or unpaid redevances, the mise en demeure delivered to the resident, before the
    termination is notified and not before the contract."""
    if termination_ground not in GROUNDS_AFTER_FORMAL_NOTICE:
        return
    if delivered_on is None:
        raise ValidationError({"formal_notice_delivered_on": FORMAL_NOTICE_MISSING})
    if not contract.starts_on <= delivered_on <= notice_on:
        raise ValidationError(
            {
                "formal_notice_delivered_on": _(
                    "La mise en demeure est remise pendant le contrat et avant la notification de la résiliation."
                )
            }
        )


def contract_terminate(
    *,
    actor,
    contract_id,
    termination_ground: str,
    notice_on: date,
    termination_notified_by: str,
    formal_notice_delivered_on: date | None = None,
) -> ResidenceContract:
    """The manager terminates the contract on one of the grounds of the law (R74–R75), notified on `notice_on` by
    commissaire de justice, letter against discharge or registered letter (`termination_notified_by`), after a
    mise en demeure actually delivered for a breach or unpaid redevances: the notice runs from that day, one month
    for a breach, three when the admission conditions are no longer met or the house closes. Irreversible: the page
    asks to confirm."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        if termination_ground not in TerminationGround.values:
            raise ValidationError({"termination_ground": _("Choisissez le motif dans la liste.")})
        if termination_notified_by not in TerminationNotice.values:
            raise ValidationError(
                {"termination_notified_by": _("Dites comment la résiliation a été notifiée au résident.")}
            )
        _move(contract, ContractStatus.NOTICE)
        if notice_on < contract.starts_on:
            raise ValidationError({"notice_on": _("La résiliation ne peut pas précéder le début du contrat.")})
        _check_formal_notice(contract, termination_ground, notice_on, formal_notice_delivered_on)
        contract.notice_by, contract.notice_on = NoticeBy.MANAGER, notice_on
        contract.termination_ground = termination_ground
        contract.termination_notified_by = termination_notified_by
        if termination_ground in GROUNDS_AFTER_FORMAL_NOTICE:
            contract.formal_notice_delivered_on = formal_notice_delivered_on
        contract.ends_on = residence_rules.termination_notice_end(notice_on, termination_ground, queries.legal_params())
        contract.full_clean()
        contract.save()
        audit_record(
            actor=actor,
            action="contract.terminate",
            obj=contract,
            household_id=contract.household_id,
            detail={
                "ground": termination_ground,
                "notified_by": termination_notified_by,
                "ends_on": contract.ends_on.isoformat(),
            },
        )
    return contract


def contract_exit(*, actor, contract_id, left_on: date, exit_destination: str) -> ResidenceContract:
    """The resident leaves: the contract ends, the stay too, and the place is free from the next day; where the
    resident goes is recorded (« Inconnue » at worst). Irreversible: the page asks to confirm."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        _move(contract, ContractStatus.ENDED)
        if exit_destination not in ExitDestination.values:
            raise ValidationError({"exit_destination": _("Dites où va le résident (« Inconnue » au besoin).")})
        if left_on < contract.starts_on:
            raise ValidationError({"left_on": _("La sortie ne peut pas précéder le début du contrat.")})
        contract.left_on, contract.exit_destination = left_on, exit_destination
        contract.full_clean()
        contract.save()
        stay = ResidenceStay.objects.select_for_update().get(pk=contract.stay_id)
        stay.left_on, stay.exit_destination = left_on, exit_destination
        stay.full_clean()
        stay.save()
        audit_record(
            actor=actor,
            action="contract.exit",
            obj=contract,
            household_id=contract.household_id,
            detail={"destination": exit_destination},
        )
    return contract


def guest_stay_record(*, actor, contract_id, guest_name: str, arrived_on: date, left_on: date):
    """Record a third party the resident hosts (W14, R76); returns the stay and the guests of the resident who reach
    the RI's limit of nights in the month of the arrival (an alert to show, not a refusal: a breach is for the
    manager to deal with, after a delivered mise en demeure)."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        if contract.status not in (ContractStatus.ACTIVE, ContractStatus.NOTICE):
            raise ValidationError(_("Seul un résident dont le contrat est en vigueur héberge un tiers."))
        if arrived_on < contract.starts_on:
            raise ValidationError({"arrived_on": _("L'arrivée ne peut pas précéder le début du contrat.")})
        stay = GuestStay(
            organisation_id=actor.organisation_id,
            contract=contract,
            guest_name=_strip(guest_name) or "",
            arrived_on=arrived_on,
            left_on=left_on,
            created_by=actor,
        )
        stay.full_clean()
        stay.save()
        audit_record(actor=actor, action="guest_stay.record", obj=stay, household_id=contract.household_id)
        alerts = queries.contract_guest_alerts(contract, arrived_on)
    return stay, alerts


# --- the house journal (W10) -------------------------------------------------------------------------------


def _journal_residence(actor, residence_id) -> Residence:
    _require(actor, "residences.keep_journal")
    return Residence.objects.get(pk=residence_id, pk__in=queries.residences_for(actor).values("pk"))


def _residents_of(residence, on, person_ids, field) -> list:
    ids = list(dict.fromkeys(person_ids or ()))
    persons = list(queries.journal_resident_choices(residence, on).filter(pk__in=ids))
    if len(persons) != len(ids):
        raise ValidationError({field: _("Choisissez des résidents de la maison.")})
    return persons


def house_activity_record(
    *, actor, residence_id, held_on: date, kind: str, title: str, note: str = "", participant_ids=(), helper_ids=()
) -> HouseActivity:
    """Log a collective activity of the house (W10), with the residents who took part and the volunteers who
    helped (volunteers of the organisation only)."""
    with transaction.atomic():
        residence = _journal_residence(actor, residence_id)
        participants = _residents_of(residence, held_on, participant_ids, "participants")
        ids = list(dict.fromkeys(helper_ids or ()))
        helpers = list(queries.volunteer_choices(actor).filter(pk__in=ids))
        if len(helpers) != len(ids):
            raise ValidationError({"helpers": _("Choisissez des bénévoles de votre association.")})
        activity = HouseActivity(
            organisation_id=actor.organisation_id,
            residence=residence,
            held_on=held_on,
            kind=kind,
            title=_strip(title) or "",
            note=_strip(note) or "",
            created_by=actor,
        )
        activity.full_clean()
        activity.save()
        activity.participants.set(participants)
        activity.helpers.set(helpers)
        audit_record(
            actor=actor, action="house_activity.record", obj=activity, detail={"participants": len(participants)}
        )
    return activity


def individual_support_record(
    *, actor, residence_id, resident_id, given_on: date, kind: str, note: str
) -> IndividualSupport:
    """Log a short practical note about the help given to one resident (W10), with its kind: against isolation,
    mediation towards outside services (two categories of the gestion locative sociale, R82), or other help."""
    if kind not in SupportKind.values:
        raise ValidationError({"kind": _("Dites de quelle nature est ce soutien.")})
    with transaction.atomic():
        residence = _journal_residence(actor, residence_id)
        (resident,) = _residents_of(residence, given_on, [resident_id], "resident")
        support = IndividualSupport(
            organisation_id=actor.organisation_id,
            residence=residence,
            resident=resident,
            given_on=given_on,
            kind=kind,
            note=_strip(note) or "",
            created_by=actor,
        )
        support.full_clean()
        support.save()
        audit_record(actor=actor, action="individual_support.record", obj=support, household_id=resident.household_id)
    return support


def individual_support_set_kind(*, actor, support_id, kind: str) -> IndividualSupport:
    """Give its kind to a support noted before kinds were asked, or correct a kind already given (W10, R82): by
    whoever keeps the journal of the support's residence. The audit keeps the kind before and after, so a corrected
    kind keeps its history; choosing the kind it already has writes nothing."""
    _require(actor, "residences.keep_journal")
    if kind not in SupportKind.values:
        raise ValidationError({"kind": _("Dites de quelle nature est ce soutien.")})
    with transaction.atomic():
        support = (
            IndividualSupport.objects.select_for_update()
            .select_related("resident")
            .get(pk=support_id, residence__in=queries.residences_for(actor).values("pk"))
        )
        before = support.kind
        if before == kind:
            return support
        support.kind = kind
        support.full_clean()
        support.save(update_fields=["kind"])
        audit_record(
            actor=actor,
            action="individual_support.kind",
            obj=support,
            household_id=support.resident.household_id,
            detail={"from": before, "to": kind},
        )
    return support


# --- the redevance and the APL-foyer maxima (W7–W8, docs/adr/0027) ------------------------------------------

SERVICE_KINDS = (RedevanceKind.COMPULSORY_SERVICE, RedevanceKind.OPTIONAL_SERVICE)


def _redevance_lines(lines) -> list[dict]:
    """Check the typed lines of one set: one équivalence de loyer, at most one charges line, every service named."""
    cleaned = []
    for line in lines:
        kind, label, amount = line.get("kind"), _strip(line.get("label") or ""), line.get("amount")
        if kind not in RedevanceKind.values:
            raise ValidationError(_("Choisissez la nature de chaque ligne de la redevance."))
        if amount is None or amount < 0:
            raise ValidationError(_("Chaque ligne de la redevance a un montant positif ou nul."))
        if kind in SERVICE_KINDS and not label:
            raise ValidationError(_("Nommez chaque prestation de la redevance."))
        cleaned.append({"kind": kind, "label": label, "amount": Decimal(amount)})
    kinds = [line["kind"] for line in cleaned]
    if kinds.count(RedevanceKind.RENT_EQUIVALENT) != 1:
        raise ValidationError(_("La redevance a une et une seule équivalence de loyer."))
    if kinds.count(RedevanceKind.CHARGES) > 1:
        raise ValidationError(_("La redevance a une seule ligne de charges (forfaitaires, sans régularisation)."))
    return cleaned


def _check_apl_maximum(place, valid_from: date, base: Decimal) -> None:
    figure = queries.apl_maximum(place.residence_id, place.typology, valid_from.year)
    if figure.base_year is not None and figure.amount is None:
        raise ValidationError(
            _(
                "Le maximum de la convention APL pour un %(typology)s en %(year)s ne peut pas être calculé : il "
                "manque un IRL du %(quarter)se trimestre. Ajoutez-le d'abord à la table des IRL."
            )
            % {"typology": place.typology, "year": valid_from.year, "quarter": figure.quarter}
        )
    if residence_rules.apl_base_above_maximum(base, figure.amount):
        raise ValidationError(
            _(
                "L'équivalence de loyer et les charges (%(base)s €) dépassent le maximum de la convention APL pour "
                "un %(typology)s en %(year)s : %(maximum)s €. Baissez-les ou reportez une partie sur les "
                "prestations."
            )
            % {
                "base": euros(base),
                "typology": place.typology,
                "year": valid_from.year,
                "maximum": euros(figure.amount),
            }
        )


def redevance_set(*, actor, contract_id, valid_from: date, lines) -> list[RedevanceLine]:
    """Set the monthly redevance of a contract from `valid_from` (R73, W7): typed lines (`kind`, `label`,
    `amount`) that replace, from that day, the lines in force; the earlier lines are kept. The APL-foyer base
    (équivalence de loyer + charges) may not exceed the maximum of the residence's convention for the place's
    typology, for the year of `valid_from`. Charges are flat: never regularised (W8)."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        if contract.status == ContractStatus.ENDED:
            raise ValidationError(_("Le contrat est terminé : sa redevance ne se change plus."))
        if valid_from < contract.starts_on:
            raise ValidationError({"valid_from": _("La redevance ne peut pas précéder le début du contrat.")})
        latest = queries.latest_redevance_start(contract.pk)
        if latest is not None and valid_from <= latest:
            raise ValidationError(
                {
                    "valid_from": _(
                        "Une redevance est déjà fixée à partir du %(day)s : la nouvelle part d'un jour postérieur."
                    )
                    % {"day": latest.strftime("%d/%m/%Y")}
                }
            )
        cleaned = _redevance_lines(lines)
        pairs = [(line["kind"], line["amount"]) for line in cleaned]
        base = residence_rules.apl_base(pairs)
        place = Place.objects.get(pk=contract.place_id)
        _check_apl_maximum(place, valid_from, base)
        created = []
        for line in cleaned:
            row = RedevanceLine(
                organisation_id=contract.organisation_id,
                contract=contract,
                valid_from=valid_from,
                created_by=actor,
                **line,
            )
            row.full_clean()
            row.save()
            created.append(row)
        audit_record(
            actor=actor,
            action="redevance.set",
            obj=contract,
            household_id=contract.household_id,
            detail={
                "valid_from": valid_from.isoformat(),
                "total": str(residence_rules.redevance_total(pairs)),
                "apl_base": str(base),
                "replaces": latest.isoformat() if latest else None,
            },
        )
    return created
