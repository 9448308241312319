"""Every write on eviction-prevention cases: permission, one transaction, the procedure's order, audit."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.core.models import PartnerKind
from habiter.core.partners import partner_named
from habiter.core.versioning import StaleVersion, version_check, version_claim
from habiter.people.queries import households_visible_to

from . import rules as eviction_rules
from .models import (
    Advance,
    AdvanceRepayment,
    AdvanceSettlement,
    CaseOutcome,
    CaseStep,
    Diagnosis,
    FslApplication,
    FslDecision,
    FslFund,
    LandlordKind,
    LegalDeskSession,
    LegalDeskVisit,
    PreventionCase,
)


def case_open(
    *,
    actor,
    household_id,
    dwelling_address: str,
    landlord_name: str,
    landlord_kind: str,
    lease_signed_on: date,
    debt: Decimal,
    monthly_amount: Decimal,
    first_unpaid_on: date,
    contractual_months: int = 2,
) -> PreventionCase:
    """Open a prevention case for a household whose file the actor may see in full; the first step, the
    unpaid rent, is recorded with it."""
    with transaction.atomic():
        household = households_visible_to(actor).filter(pk=household_id).first()
        if household is None or not actor.has_perm("evictions.manage_case", household):
            raise PreventionCase.DoesNotExist
        if first_unpaid_on > timezone.localdate():
            raise ValidationError({"first_unpaid_on": _("Le premier impayé ne peut pas être dans le futur.")})
        case = PreventionCase(
            organisation_id=actor.organisation_id,
            household=household,
            dwelling_address=dwelling_address,
            landlord_name=landlord_name,
            landlord_kind=landlord_kind,
            lease_signed_on=lease_signed_on,
            contractual_months=contractual_months,
            debt=debt,
            monthly_amount=monthly_amount,
            first_unpaid_on=first_unpaid_on,
            opened_on=timezone.localdate(),
            created_by=actor,
        )
        case.full_clean()
        case.save()
        CaseStep.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            step=eviction_rules.UNPAID,
            on_date=first_unpaid_on,
            actor=actor,
        )
        audit_record(actor=actor, action="prevention_case.open", obj=case, household_id=household.pk)
    return case


# How the lease's landlord reads as the case's landlord kind (the association when the lease names none).
LANDLORD_KIND_OF_OWNER = {
    "private": LandlordKind.NATURAL_PERSON,
    "company": LandlordKind.LEGAL_PERSON,
    "social_landlord": LandlordKind.LEGAL_PERSON,
    "town": LandlordKind.LEGAL_PERSON,
    "association": LandlordKind.ASSOCIATION,
}


def case_open_from_lease(*, actor, lease_id) -> PreventionCase:
    """The early warning's one action: open a case prefilled from the lease and its ledger balance (dwelling,
    landlord, debt, rent and charges, first unpaid month). Refused when the household already has an open case
    or owes nothing."""
    from habiter.ledger.entries.queries import balance_leases
    from habiter.ledger.rent.queries import lease_balance
    from habiter.people.models import Household

    with transaction.atomic():
        lease = (
            balance_leases(actor)
            .select_related("household", "dwelling", "landlord", "organisation")
            .filter(pk=lease_id)
            .first()
        )
        if lease is None or not actor.has_perm("evictions.manage_case", lease.household):
            raise PreventionCase.DoesNotExist
        Household.objects.select_for_update().filter(pk=lease.household_id).first()  # one click at a time
        if PreventionCase.objects.filter(household_id=lease.household_id, closed_on__isnull=True).exists():
            raise ValidationError(_("Un dossier de prévention est déjà ouvert pour ce ménage."))
        today = timezone.localdate()
        balance = lease_balance(lease, today)
        if balance.balance <= 0 or balance.oldest_unpaid_period is None:
            raise ValidationError(_("Ce ménage ne doit rien sur ce bail : pas de dossier à ouvrir."))
        dwelling = lease.dwelling
        if lease.landlord is None:
            landlord_name, landlord_kind = lease.organisation.name, LandlordKind.ASSOCIATION
        else:
            landlord_name = lease.landlord.name
            landlord_kind = LANDLORD_KIND_OF_OWNER.get(lease.landlord.kind, LandlordKind.LEGAL_PERSON)
        return case_open(
            actor=actor,
            household_id=lease.household_id,
            dwelling_address=f"{dwelling.address}, {dwelling.postal_code} {dwelling.city}",
            landlord_name=landlord_name,
            landlord_kind=landlord_kind,
            lease_signed_on=lease.signed_on or lease.start_date,
            debt=balance.balance,
            monthly_amount=lease.rent + lease.charges,
            first_unpaid_on=min(balance.oldest_unpaid_period, today),
        )


def _case_for_update(actor, case_id) -> PreventionCase:
    from .queries import cases_visible_to

    case = cases_visible_to(actor).select_for_update().filter(pk=case_id).first()
    if case is None:
        raise PreventionCase.DoesNotExist
    return case


def case_step_add(
    *, actor, case_id, step: str, on_date: date, hearing_on: date | None = None, detail: str = ""
) -> CaseStep:
    """Record a step of the procedure: refused when out of order or dated before the previous one."""
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        if case.closed_on:
            raise ValidationError(_("Ce dossier est clos."))
        if on_date > timezone.localdate():
            raise ValidationError({"on_date": _("Une étape se note quand elle a eu lieu, pas avant.")})
        previous = list(case.steps.order_by("on_date", "created_at").values_list("step", "on_date"))
        error = eviction_rules.step_error(previous, step, on_date)
        if error:
            raise ValidationError({"step": error})
        if step == eviction_rules.SUMMONS and hearing_on is None:
            raise ValidationError({"hearing_on": _("Indiquez la date d'audience portée sur l'assignation.")})
        if hearing_on is not None and hearing_on < on_date:
            raise ValidationError({"hearing_on": _("L'audience suit l'assignation.")})
        case_step = CaseStep(
            organisation_id=case.organisation_id,
            case=case,
            step=step,
            on_date=on_date,
            hearing_on=hearing_on,
            detail=detail or "",
            actor=actor,
        )
        case_step.full_clean()
        case_step.save()
        audit_record(
            actor=actor, action="prevention_case.step", obj=case, household_id=case.household_id, detail={"step": step}
        )
    return case_step


def household_ledger_debt(household_id, on: date) -> Decimal:
    """What the household still owes on its leases as the ledger records them on `on` (0 out of the ledger)."""
    from habiter.ledger.rent.queries import household_debt

    return household_debt(household_id, on)


def case_close(*, actor, case_id, outcome: str, closed_on: date, reason: str = "") -> PreventionCase:
    """Close a case with its outcome (debt settled, plan respected, rehoused, left, evicted). « Dette réglée »
    while the ledger still shows a debt on the household's leases needs a reason, kept in the journal."""
    reason = reason.strip()
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        if case.closed_on:
            raise ValidationError(_("Ce dossier est déjà clos."))
        last_step = case.steps.order_by("-on_date").values_list("on_date", flat=True).first()
        if closed_on < (last_step or case.first_unpaid_on):
            raise ValidationError({"closed_on": _("La clôture ne peut pas précéder la dernière étape du dossier.")})
        detail = {"outcome": outcome}
        if outcome == CaseOutcome.DEBT_SETTLED:
            debt = household_ledger_debt(case.household_id, timezone.localdate())
            if debt > 0 and not reason:
                raise ValidationError(
                    {
                        "reason": _(
                            "La comptabilité montre encore une dette de %(debt)s € sur le bail du ménage : "
                            "indiquez pourquoi la dette est tout de même réglée, ou choisissez une autre issue."
                        )
                        % {"debt": euros(debt)}
                    }
                )
            if debt > 0:
                detail["ledger_debt"] = str(debt)
        if reason:
            detail["reason"] = reason
        case.closed_on = closed_on
        case.outcome = outcome
        case.full_clean()
        case.save()
        audit_record(
            actor=actor,
            action="prevention_case.close",
            obj=case,
            household_id=case.household_id,
            detail=detail,
        )
    return case


def case_reopen(*, actor, case_id, reason: str) -> PreventionCase:
    """Reopen a closed case: the household's referent, the team lead or the director, with a reason kept in the
    journal along with the outcome it had. Refused while another case of the household is open."""
    reason = reason.strip()
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        if not actor.has_perm("evictions.manage_case", case.household):
            raise PermissionDenied
        if not case.closed_on:
            raise ValidationError(_("Ce dossier n'est pas clos."))
        if not reason:
            raise ValidationError({"reason": _("Indiquez pourquoi le dossier est rouvert.")})
        others = PreventionCase.objects.filter(household_id=case.household_id, closed_on__isnull=True)
        if others.exclude(pk=case.pk).exists():
            raise ValidationError(_("Un autre dossier de prévention est ouvert pour ce ménage."))
        detail = {"reason": reason, "outcome": case.outcome, "closed_on": case.closed_on.isoformat()}
        case.closed_on = None
        case.outcome = ""
        case.full_clean()
        case.save()
        audit_record(
            actor=actor, action="prevention_case.reopen", obj=case, household_id=case.household_id, detail=detail
        )
    return case


# --- social and financial diagnosis ------------------------------------------------------------------------------

DIAGNOSIS_FIELDS = ("referred_on", "interview_on", *Diagnosis.RUBRICS)


def diagnosis_save(*, actor, case_id, expected_version: int | None = None, **data) -> Diagnosis:
    """Write the case's social and financial diagnosis (its fifteen rubrics, R28), first time or again.
    `expected_version`: the one the form showed (0: no diagnosis yet); if someone saved the diagnosis in between,
    StaleVersion and nothing is saved."""
    unknown = set(data) - set(DIAGNOSIS_FIELDS)
    if unknown:
        raise TypeError(f"unknown diagnosis fields: {sorted(unknown)}")
    with transaction.atomic():
        case = _case_for_update(actor, case_id)
        if case.closed_on:
            raise ValidationError(_("Ce dossier est clos."))
        referred_on, interview_on = data.get("referred_on"), data.get("interview_on")
        if referred_on and referred_on > timezone.localdate():
            raise ValidationError({"referred_on": _("La saisine se note une fois reçue.")})
        if referred_on and interview_on and interview_on < referred_on:
            raise ValidationError({"interview_on": _("L'entretien ne peut pas précéder la saisine.")})
        diagnosis = Diagnosis.objects.filter(case=case).first()
        created = diagnosis is None
        if created:
            if expected_version:  # the form showed a diagnosis that is no more: cannot happen, refused all the same
                raise StaleVersion(current_version=0)
            diagnosis = Diagnosis(organisation_id=case.organisation_id, case=case, written_by=actor)
        else:
            version_check(diagnosis, expected_version=expected_version, audit_object_id=case.pk)
        for name, value in data.items():
            setattr(diagnosis, name, value if value is not None or name == "interview_on" else "")
        diagnosis.full_clean()
        if not created:
            version_claim(diagnosis, expected_version=expected_version, audit_object_id=case.pk)
        diagnosis.save()
        audit_record(
            actor=actor,
            action="prevention_case.diagnosis",
            obj=case,
            household_id=case.household_id,
            detail={"created": created},
        )
    return diagnosis


# --- FSL ---------------------------------------------------------------------------------------------------------


def fsl_fund_add(*, actor, department: str, name: str, address: str = "", manager_name: str = "") -> FslFund:
    """Add a département's fund to the organisation's configuration (directors); its manager, named, is the
    organisation's partner of that name (a new partner of kind Département otherwise)."""
    if not actor.has_perm("evictions.configure_fsl"):
        raise PermissionDenied
    with transaction.atomic():
        department = (department or "").strip().upper()
        if FslFund.objects.filter(organisation_id=actor.organisation_id, department=department).exists():
            raise ValidationError({"department": _("Ce département a déjà son fonds.")})
        fund = FslFund(
            organisation_id=actor.organisation_id,
            department=department,
            name=name,
            address=address or "",
            manager=partner_named(
                actor=actor,
                name=manager_name,
                field="manager_name",
                origin="fsl_fund.manager",
                kind=PartnerKind.DEPARTEMENT,
            ),
        )
        fund.full_clean()
        fund.save()
        audit_record(actor=actor, action="fsl_fund.add", obj=fund, detail={"department": department})
    return fund


def fsl_application_submit(
    *,
    actor,
    household_id,
    fund_id,
    purpose: str,
    aid_form: str,
    amount_asked: Decimal,
    submitted_on: date,
    comment: str = "",
) -> FslApplication:
    """Record an application made to a département's FSL for a household the actor follows."""
    with transaction.atomic():
        household = households_visible_to(actor).filter(pk=household_id).first()
        if household is None or not actor.has_perm("evictions.manage_case", household):
            raise FslApplication.DoesNotExist
        fund = FslFund.objects.filter(organisation_id=actor.organisation_id, pk=fund_id, active=True).first()
        if fund is None:
            raise ValidationError({"fund": _("Fonds inconnu.")})
        if submitted_on > timezone.localdate():
            raise ValidationError({"submitted_on": _("Une demande se note une fois déposée.")})
        application = FslApplication(
            organisation_id=actor.organisation_id,
            household=household,
            fund=fund,
            purpose=purpose,
            aid_form=aid_form,
            amount_asked=amount_asked,
            submitted_on=submitted_on,
            comment=comment or "",
            created_by=actor,
        )
        application.full_clean()
        application.save()
        audit_record(actor=actor, action="fsl_application.submit", obj=application, household_id=household.pk)
    return application


def _application_for_update(actor, application_id) -> FslApplication:
    from .queries import fsl_applications_visible_to

    application = fsl_applications_visible_to(actor).select_for_update().filter(pk=application_id).first()
    if application is None:
        raise FslApplication.DoesNotExist
    return application


def fsl_application_decide(
    *, actor, application_id, decision: str, decided_on: date, amount_granted: Decimal | None = None
) -> FslApplication:
    """The département's decision: granted (an amount no higher than asked) or refused."""
    with transaction.atomic():
        application = _application_for_update(actor, application_id)
        if application.decision != FslDecision.PENDING:
            raise ValidationError(_("La décision est déjà notée."))
        if decided_on < application.submitted_on:
            raise ValidationError({"decided_on": _("La décision ne peut pas précéder la demande.")})
        if decision == FslDecision.GRANTED:
            if amount_granted is None or amount_granted <= 0:
                raise ValidationError({"amount_granted": _("Indiquez le montant accordé.")})
            if amount_granted > application.amount_asked:
                raise ValidationError(
                    {"amount_granted": _("Le montant accordé ne peut pas dépasser le montant demandé.")}
                )
        elif decision == FslDecision.REFUSED:
            amount_granted = None
        else:
            raise ValidationError({"decision": _("Décision inconnue.")})
        application.decision = decision
        application.decided_on = decided_on
        application.amount_granted = amount_granted
        application.full_clean()
        application.save()
        audit_record(
            actor=actor,
            action="fsl_application.decide",
            obj=application,
            household_id=application.household_id,
            detail={"decision": decision},
        )
    return application


def fsl_application_paid(*, actor, application_id, paid_on: date) -> FslApplication:
    """The day the fund paid the aid it granted."""
    with transaction.atomic():
        application = _application_for_update(actor, application_id)
        if application.decision != FslDecision.GRANTED:
            raise ValidationError(_("Seule une aide accordée est versée."))
        if application.paid_on:
            raise ValidationError(_("Le versement est déjà noté."))
        if paid_on < application.decided_on:
            raise ValidationError({"paid_on": _("Le versement ne peut pas précéder la décision.")})
        application.paid_on = paid_on
        application.save(update_fields=["paid_on", "updated_at"])
        audit_record(actor=actor, action="fsl_application.paid", obj=application, household_id=application.household_id)
    return application


# --- legal desk --------------------------------------------------------------------------------------------------


def legal_session_create(
    *, actor, held_on: date, place: str, social_worker_id, lawyer_id, bar_name: str = ""
) -> LegalDeskSession:
    """Plan or record a legal-desk session, co-run by a social worker of the organisation and a lawyer of the bar
    named (a partner of kind « accès au droit », created when the name is new); the actor must be able to see it
    afterwards (a social worker runs their own sessions)."""
    from .queries import legal_desk_people, legal_sessions_visible_to

    if not actor.has_perm("evictions.run_legal_desk"):
        raise PermissionDenied
    with transaction.atomic():
        staff, lawyers = legal_desk_people(actor.organisation_id)
        social_worker = staff.filter(pk=social_worker_id).first()
        lawyer = lawyers.filter(pk=lawyer_id).first()
        if social_worker is None:
            raise ValidationError({"social_worker": _("Choisissez un·e travailleur·se social·e de l'association.")})
        if lawyer is None:
            raise ValidationError({"lawyer": _("Choisissez un·e avocat·e de l'association.")})
        session = LegalDeskSession(
            organisation_id=actor.organisation_id,
            held_on=held_on,
            place=(place or "").strip(),
            social_worker=social_worker,
            lawyer=lawyer,
            bar=partner_named(
                actor=actor, name=bar_name, field="bar_name", origin="legal_desk_session.bar", kind=PartnerKind.LEGAL
            ),
            created_by=actor,
        )
        session.full_clean()
        session.save()
        if not legal_sessions_visible_to(actor).filter(pk=session.pk).exists():
            raise ValidationError({"social_worker": _("Vous ne pouvez créer que les séances que vous suivez.")})
        audit_record(actor=actor, action="legal_desk.session", obj=session, detail={"held_on": str(held_on)})
    return session


def _session_visible(actor, session_id, *, lock=False) -> LegalDeskSession:
    from .queries import legal_sessions_visible_to

    sessions = legal_sessions_visible_to(actor)
    session = (sessions.select_for_update() if lock else sessions).filter(pk=session_id).first()
    if session is None:
        raise LegalDeskSession.DoesNotExist
    return session


def legal_visit_add(*, actor, session_id, household_id, subject: str) -> LegalDeskVisit:
    """Note a household seen at a session (the social worker or their lead, among the households they follow)."""
    with transaction.atomic():
        session = _session_visible(actor, session_id, lock=True)
        if not actor.has_perm("evictions.run_legal_desk"):
            raise LegalDeskSession.DoesNotExist
        household = households_visible_to(actor).filter(pk=household_id).first()
        if household is None:
            raise ValidationError({"household": _("Ménage inconnu.")})
        if LegalDeskVisit.objects.filter(session=session, household=household).exists():
            raise ValidationError({"household": _("Ce ménage est déjà noté pour cette séance.")})
        visit = LegalDeskVisit(
            organisation_id=session.organisation_id,
            session=session,
            household=household,
            subject=(subject or "").strip(),
            created_by=actor,
        )
        visit.full_clean()
        visit.save()
        audit_record(actor=actor, action="legal_desk.visit", obj=visit, household_id=household.pk)
    return visit


def legal_visit_update(
    *, actor, visit_id, advice: str, follow_up: str, follow_up_done: bool | None = None
) -> LegalDeskVisit:
    """Write the advice given and the follow-up actions (the lawyer or the social worker of the session), and say
    when the follow-up is done (`follow_up_done`; None leaves it as it was): the day and who are kept."""
    from .queries import legal_sessions_visible_to

    with transaction.atomic():
        visit = (
            LegalDeskVisit.objects.select_for_update()
            .filter(pk=visit_id, session__in=legal_sessions_visible_to(actor))
            .first()
        )
        if visit is None:
            raise LegalDeskVisit.DoesNotExist
        visit.advice = advice or ""
        visit.follow_up = follow_up or ""
        if follow_up_done and not visit.follow_up.strip():
            raise ValidationError({"follow_up_done": _("Notez d'abord les suites à donner.")})
        was_done = visit.follow_up_done_on is not None
        if follow_up_done and not was_done:
            visit.follow_up_done_on, visit.follow_up_done_by = timezone.localdate(), actor
        elif follow_up_done is False and was_done:
            visit.follow_up_done_on, visit.follow_up_done_by = None, None
        visit.full_clean()
        visit.save(update_fields=["advice", "follow_up", "follow_up_done_on", "follow_up_done_by", "updated_at"])
        audit_record(
            actor=actor,
            action="legal_desk.advice",
            obj=visit,
            household_id=visit.household_id,
            detail={"follow_up_done": visit.follow_up_done_on is not None},
        )
    return visit


# --- the association's advances while the FSL decides ------------------------------------------------------------

# The receivable the advances are booked to (French chart of accounts, 467 "autres comptes débiteurs").
OPEN_LEASE_STATUSES = ("signed", "slid")


def advances_account(organisation_id):
    """The organisation's receivable of rent advanced while the FSL decides (the ledger's account of payments
    from the association), created on first use."""
    from habiter.ledger.entries.services import organisation_account
    from habiter.ledger.models import AccountKind

    return organisation_account(organisation_id, AccountKind.ASSOCIATION_ADVANCE)


def _money(value, field: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ValidationError({field: _("Le montant doit être positif.")})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Le montant s'exprime au centime près.")})
    return value


def advance_record(*, actor, lease_id, amount: Decimal, advanced_on: date, fsl_application_id=None) -> Advance:
    """Advance rent to a tenant's account while the FSL decides: recorded by the ledger as a payment from the
    association (debit the advances receivable, credit the tenant), so it settles the oldest unpaid rent like any
    payment. Refused without an open rent account (a signed or slid lease)."""
    from habiter.ledger.entries import queries as ledger_queries
    from habiter.ledger.rent import services as ledger_services

    if not actor.has_perm("ledger.post"):
        raise PermissionDenied
    amount = _money(amount, "amount")
    if advanced_on > timezone.localdate():
        raise ValidationError({"advanced_on": _("Une avance se note une fois versée.")})
    with transaction.atomic():
        lease = ledger_queries.ledger_leases(actor).select_related("household").filter(pk=lease_id).first()
        if lease is None:
            raise Advance.DoesNotExist
        if lease.status not in OPEN_LEASE_STATUSES:
            raise ValidationError(_("Ce ménage n'a pas de compte de loyer ouvert : pas d'avance possible."))
        application = None
        if fsl_application_id:
            application = FslApplication.objects.filter(
                organisation_id=actor.organisation_id, household_id=lease.household_id, pk=fsl_application_id
            ).first()
            if application is None or application.decision == FslDecision.REFUSED or application.paid_on:
                raise ValidationError({"fsl_application": _("Choisissez une demande au FSL de ce ménage en cours.")})
        advance = Advance(
            organisation_id=actor.organisation_id,
            lease=lease,
            household_id=lease.household_id,
            fsl_application=application,
            amount=amount,
            advanced_on=advanced_on,
            created_by=actor,
        )
        payment = ledger_services.payment_record(
            actor=actor,
            lease_id=lease.pk,
            amount=amount,
            received_on=advanced_on,
            source="association",
            reference=f"AVANCE-{str(advance.pk)[:8].upper()}",
        )
        advance.transaction_id = payment.transaction_id
        advance.full_clean()
        advance.save()
        audit_record(
            actor=actor,
            action="fsl_advance.record",
            obj=advance,
            household_id=lease.household_id,
            detail={"amount": str(amount)},
        )
    return advance


def _advance_for_update(actor, advance_id) -> Advance:
    from .queries import advances_visible_to

    advance = advances_visible_to(actor).select_for_update().filter(pk=advance_id).first()
    if advance is None:
        raise Advance.DoesNotExist
    return advance


def advance_settle(*, actor, advance_id, settled_by: str, settled_on: date, fsl_application_id=None) -> Advance:
    """Record what the FSL or the household pays back of an advance, up to what is left (see `advance_repay`)."""
    return advance_repay(
        actor=actor,
        advance_id=advance_id,
        source=settled_by,
        received_on=settled_on,
        fsl_application_id=fsl_application_id,
    )


def _repaid(advance) -> Decimal:
    return sum(advance.repayments.values_list("amount", flat=True), Decimal("0.00"))


def _granted_application_for_update(advance, application_id) -> FslApplication:
    application = (
        FslApplication.objects.select_for_update()
        .filter(organisation_id=advance.organisation_id, household_id=advance.household_id, pk=application_id)
        .first()
        if application_id
        else None
    )
    if application is None or application.decision != FslDecision.GRANTED:
        raise ValidationError(
            {"fsl_application": _("Choisissez la demande au FSL accordée qui rembourse cette avance.")}
        )
    return application


def advance_repay(
    *, actor, advance_id, source: str, received_on: date, amount: Decimal | None = None, fsl_application_id=None
) -> Advance:
    """Money received against an advance: the FSL's payment (from a granted application, never more than it granted
    across the advances it repays; the application is marked paid that day if it was not yet) or the household's
    repayment, in one or several times. Each repayment posts debit 511200 (money waiting for its bank line), credit
    the advances receivable; the advance is cleared (`settled_on`, `settled_by`: the last payer) when its
    repayments reach its amount. Without an `amount`, what is left — or, from the FSL, what is left of its grant if
    that is less."""
    from habiter.ledger.entries import services as ledger_services
    from habiter.ledger.models import AccountKind

    if not actor.has_perm("ledger.post"):
        raise PermissionDenied
    if received_on > timezone.localdate():
        raise ValidationError({"settled_on": _("Un remboursement se note une fois reçu.")})
    if amount is not None:
        amount = _money(amount, "amount")
    with transaction.atomic():
        advance = _advance_for_update(actor, advance_id)
        if advance.settled_on:
            raise ValidationError(_("Cette avance est déjà soldée."))
        if received_on < advance.advanced_on:
            raise ValidationError({"settled_on": _("Le remboursement ne peut pas précéder l'avance.")})
        left = advance.amount - _repaid(advance)
        application = None
        if source == AdvanceSettlement.FSL:
            application = _granted_application_for_update(advance, fsl_application_id or advance.fsl_application_id)
            already = sum(application.advance_repayments.values_list("amount", flat=True), Decimal("0.00"))
            available = application.amount_granted - already
            if available <= 0:
                raise ValidationError(
                    {"fsl_application": _("Le montant accordé par le FSL a déjà servi à rembourser des avances.")}
                )
            amount = amount if amount is not None else min(left, available)
            if amount > available:
                raise ValidationError(
                    {
                        "amount": _("Le FSL n'a accordé que %(available)s € de plus : notez le reste au ménage.")
                        % {"available": euros(available)}
                    }
                )
            if application.paid_on is None:
                if received_on < application.decided_on:
                    raise ValidationError({"settled_on": _("Le versement ne peut pas précéder la décision.")})
                application.paid_on = received_on
                application.save(update_fields=["paid_on", "updated_at"])
                audit_record(
                    actor=actor, action="fsl_application.paid", obj=application, household_id=application.household_id
                )
            label = _("Versement du FSL sur l'avance — %(name)s")
        elif source == AdvanceSettlement.HOUSEHOLD:
            amount = amount if amount is not None else left
            label = _("Remboursement de l'avance par le ménage — %(name)s")
        else:
            raise ValidationError({"settled_by": _("Choisissez qui rembourse l'avance.")})
        if amount > left:
            raise ValidationError(
                {"amount": _("Il ne reste que %(left)s € à rembourser sur cette avance.") % {"left": euros(left)}}
            )
        # money received: it waits on 511200 until the bank line that shows it clears it
        bank = ledger_services.organisation_account(advance.organisation_id, AccountKind.TO_BANK)
        posted = ledger_services.transaction_post(
            actor=actor,
            booked_on=received_on,
            label=label % {"name": advance.household.name},
            lines=[(bank.pk, amount), (advances_account(advance.organisation_id).pk, -amount)],
            source=("fsl_advance_repayment", str(advance.pk)),
        )
        repayment = AdvanceRepayment(
            organisation_id=advance.organisation_id,
            advance=advance,
            source=source,
            amount=amount,
            received_on=received_on,
            fsl_application=application,
            transaction=posted,
            created_by=actor,
        )
        repayment.full_clean()
        repayment.save()
        audit_record(
            actor=actor,
            action="fsl_advance.repay",
            obj=advance,
            household_id=advance.household_id,
            detail={"source": source, "amount": str(amount)},
        )
        if amount == left:
            if application is not None:
                advance.fsl_application = application
            advance.settlement_transaction = posted
            advance.settled_on = received_on
            advance.settled_by = source
            advance.full_clean()
            advance.save()
            audit_record(
                actor=actor,
                action="fsl_advance.settle",
                obj=advance,
                household_id=advance.household_id,
                detail={"settled_by": source},
            )
    return advance
