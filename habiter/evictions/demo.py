"""Demo eviction prevention: the ledger's late payer stays an early warning on the to-do list; a case with its
steps and diagnosis; an FSL application with an outstanding advance; a legal-desk session with the demo lawyer.
Made through the services, once per organisation."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from habiter.core.dates import nearest_open_day
from habiter.core.models import Role
from habiter.core.partners import demo_partners
from habiter.leases.models import Lease
from habiter.ledger.models import RentCall
from habiter.people.models import Household

from . import rules, services
from .models import FslFund, PreventionCase

DEMO_BAR = "Barreau de Marseille"  # the legal desk's partner bar


def _user(users, role):
    return next((u for u in users.values() if u.role == role), None)


def seed_evictions(organisation, users, count, rng) -> None:
    if PreventionCase.objects.filter(organisation=organisation).exists():
        return
    worker, director, lawyer = (_user(users, r) for r in (Role.SOCIAL_WORKER, Role.DIRECTOR, Role.LAWYER))
    if worker is None:
        return
    today = timezone.localdate()
    leased = set(Lease.objects.filter(organisation=organisation).values_list("household_id", flat=True))
    followed = list(Household.objects.filter(organisation=organisation, referent=worker).order_by("name"))
    elsewhere = next((h for h in followed if h.pk not in leased), None)  # a tenant housed by someone else
    if elsewhere is None:
        return
    start = today - timedelta(days=120)
    case = services.case_open(
        actor=worker,
        household_id=elsewhere.pk,
        dwelling_address="12 rue de la République, 13001 Marseille",
        landlord_name="Société HLM Provence",
        landlord_kind="legal_person",
        lease_signed_on=start.replace(year=start.year - 2),
        debt=Decimal("1860.00"),
        monthly_amount=Decimal("620.00"),
        first_unpaid_on=start,
    )
    for step, days, hearing in (
        (rules.CAF_TOLD, 100, None),
        (rules.PAYMENT_ORDER, 90, None),
        (rules.CCAPEX, 60, None),
        (rules.SUMMONS, 25, today + timedelta(days=45)),
    ):
        services.case_step_add(
            actor=worker, case_id=case.pk, step=step, on_date=today - timedelta(days=days), hearing_on=hearing
        )
    services.diagnosis_save(
        actor=worker,
        case_id=case.pk,
        referred_on=today - timedelta(days=10),
        writer=f"{worker.get_full_name()} — {organisation.name}",
        tenant_presence="present",
        transmission_told=True,
        family_situation="Couple, trois enfants ; perte d'emploi de Monsieur en début d'année.",
        arrears="1 860 € : trois mois de loyer.",
        debt_schemes="Demande au FSL (maintien) à déposer ; pas de dossier de surendettement.",
        rent_resumed="Loyer courant repris depuis le mois dernier.",
        repayment_capacity="80 € par mois.",
        recommendations="Délais de paiement sur 24 mois ; maintien dans les lieux.",
    )
    if director is not None:
        _advance(organisation, worker, director, today)
    if lawyer is not None:
        # the session of a fortnight ago (its follow-up still owed) and the next one, on open days
        services.legal_session_create(
            actor=worker,
            held_on=nearest_open_day(today + timedelta(days=14), 1),
            place="Maison de la justice et du droit, Marseille",
            social_worker_id=worker.pk,
            lawyer_id=lawyer.pk,
            bar_name=DEMO_BAR,
        )
        session = services.legal_session_create(
            actor=worker,
            held_on=nearest_open_day(today - timedelta(days=14), -1),
            place="Maison de la justice et du droit, Marseille",
            social_worker_id=worker.pk,
            lawyer_id=lawyer.pk,
            bar_name=DEMO_BAR,
        )
        visit = services.legal_visit_add(
            actor=worker, session_id=session.pk, household_id=elsewhere.pk, subject="Assignation reçue"
        )
        services.legal_visit_update(
            actor=lawyer,
            visit_id=visit.pk,
            advice="Se présenter à l'audience avec le diagnostic ; demander des délais de paiement.",
            follow_up="Déposer la demande au FSL avant l'audience.",
        )


def _advance(organisation, worker, director, today) -> None:
    """An FSL application of a tenant in arrears, and the rent the association advanced while it waits."""
    unpaid = [
        call
        for call in RentCall.objects.filter(
            organisation=organisation,
            lease__status__in=services.OPEN_LEASE_STATUSES,
            lease__household__referent=worker,
            # an advance is refused where the association is itself the landlord (it would receipt an unpaid month)
            lease__landlord__isnull=False,
        )
        .select_related("lease")
        .order_by("period")
        if not call.allocations.exists()
    ]
    if not unpaid:
        return
    lease = unpaid[0].lease
    manager = demo_partners(organisation, ["Département des Bouches-du-Rhône"])["Département des Bouches-du-Rhône"]
    fund, _created = FslFund.objects.get_or_create(
        organisation=organisation, department="13", defaults={"name": "FSL des Bouches-du-Rhône", "manager": manager}
    )
    application = services.fsl_application_submit(
        actor=worker,
        household_id=lease.household_id,
        fund_id=fund.pk,
        purpose="maintenance_arrears",
        aid_form="grant",
        amount_asked=unpaid[0].total,
        submitted_on=today - timedelta(days=20),
    )
    services.advance_record(
        actor=director,
        lease_id=lease.pk,
        amount=unpaid[0].total,
        advanced_on=today - timedelta(days=15),
        fsl_application_id=application.pk,
    )
