"""Every write of the residence contracts (R74–R75, W4–W6) and of their redevance (W7–W8): permission, one
transaction, validation, audit. Re-exported by `services`."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.people.models import Person

from . import queries
from . import rules as residence_rules
from .models import (
    ESSMS_NOTICE_MISSING,
    FORMAL_NOTICE_MISSING,
    GROUNDS_AFTER_FORMAL_NOTICE,
    ContractStatus,
    ExitDestination,
    GuestStay,
    NoticeBy,
    Orientation,
    Place,
    RedevanceKind,
    RedevanceLine,
    ResidenceContract,
    ResidenceStay,
    TerminationGround,
    TerminationNotice,
)
from .writes import _orientation_filled, _require, _stay_create, _strip

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


# W2 (CCH R353-165-1 ff., circular 2006-45 annex 6): the resident's titre d'occupation can never be accessory to an
# employment contract; a member of the manager's staff housed for the job has a logement de fonction instead.
EMPLOYEE_HOUSING_REFUSED = gettext_lazy(
    "Un contrat de résidence ne peut pas être l'accessoire d'un contrat de travail : un salarié du gestionnaire "
    "logé pour son emploi relève d'un logement de fonction, pas d'un titre d'occupation en logement-foyer "
    "(CCH R353-165-1 et suivants ; circulaire n° 2006-45 du 4 juillet 2006, annexe 6)."
)


def contract_create(
    *, actor, place_id, resident_id, starts_on: date, orientation_id=None, employee_housing: bool = False
) -> ResidenceContract:
    """Prepare a resident's contract for a place, from its first day (R74, W4): the residence's RI version in force
    that day is frozen on it, and the residence's deposit copied. The contract is « à signer » until the RI is
    initialled and the contract activated. From an admission, the resident is a member of the admitted household;
    otherwise a director may choose any member of a household they follow, and a host the resident already living
    in the place without a contract (the contract then covers that stay). A resident who is the manager's employee
    housed for the job (`employee_housing`) is refused (W2)."""
    _require(actor, "residences.run_contracts")
    with transaction.atomic():
        place = (
            Place.objects.select_for_update()
            .select_related("residence")
            .get(pk=place_id, residence__in=queries.residences_for(actor).values("pk"))
        )
        if employee_housing:
            raise ValidationError({"employee_housing": EMPLOYEE_HOUSING_REFUSED})
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
    """The resident gives notice (W5): they leave at the end of the notice (`foyer_resident_notice_days` days; in an
    ESSMS, the days its contrat de séjour states — W1)."""
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        _move(contract, ContractStatus.NOTICE)
        if notice_on < contract.starts_on:
            raise ValidationError({"notice_on": _("Le congé ne peut pas précéder le début du contrat.")})
        residence = contract.place.residence
        if residence.is_essms and residence.essms_resident_notice_days is None:
            raise ValidationError(ESSMS_NOTICE_MISSING)
        contract.notice_by, contract.notice_on = NoticeBy.RESIDENT, notice_on
        contract.ends_on = residence_rules.resident_notice_end(
            notice_on,
            queries.legal_params(),
            contract_of_stay_days=residence.essms_resident_notice_days if residence.is_essms else None,
        )
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
