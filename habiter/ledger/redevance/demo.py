"""Demo redevances (docs/adr/0030): for the residents of the demo boarding houses, the redevance of the last twelve
months called (those in which lines are in force), the APL-foyer paid each month by the CAF to the manager — a demo
figure, 60 % of the APL-foyer base, not the CAF's scale — and the rest by the resident; one resident has paid
nothing for the last three months (the unpaid-terms ground of R633-3); the quittances of the last month; the deposit
of every contract in force that asks one, received on its first day (or on the first day of the open months). This
month, the CAF's APL-foyer for three residents of « Les Pléiades » is not recorded by hand: it waits in the bank
statement queue as one transfer, « Versement APL-foyer », for the accountant to split across their contracts. The
first resident of « Les Pléiades » agreed to receive the redevance documents by e-mail. Made through the services,
once per organisation (nothing added if it has a redevance call)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from habiter.core.dates import add_months
from habiter.core.models import Role
from habiter.ledger.bank import services as bank_services
from habiter.ledger.demo import demo_bank_mapping
from habiter.ledger.deposits import contracts as contract_deposits
from habiter.ledger.deposits.queries import CONTRACT_RECEIVABLE_STATUSES
from habiter.ledger.entries.services import month_closed
from habiter.ledger.mailing.services import email_consent_record
from habiter.ledger.models import RedevanceCall
from habiter.residences.models import ContractStatus, ResidenceContract

from . import services

MONTHS = 12
DEMO_APL_SHARE = Decimal("0.60")  # demo only: the APL-foyer is computed by the CAF from the household's means
BANK_SPLIT_RESIDENCE = "Les Pléiades"
BANK_SPLIT_CONTRACTS = 3  # the residents whose APL-foyer of this month the CAF's transfer on the statement pays


def seed_redevances(organisation, users, count, rng) -> None:
    with transaction.atomic():  # one commit for the whole year
        _seed(organisation, users)


def _seed(organisation, users) -> None:
    if RedevanceCall.objects.filter(organisation=organisation).exists():
        return
    actor = next((u for u in users.values() if u.role == Role.ACCOUNTANT), None) or next(
        (u for u in users.values() if u.role == Role.DIRECTOR), None
    )
    if actor is None:
        return
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -(MONTHS - 1))
    for index in range(MONTHS):
        month = add_months(first, index)
        if not month_closed(organisation.pk, month):
            services.redevance_calls_issue(actor=actor, month=month)
    calls = list(
        RedevanceCall.objects.filter(organisation=organisation, cancelled_on__isnull=True)
        .select_related("contract__place__residence")
        .order_by("contract__starts_on", "contract_id", "period")
    )
    by_contract: dict = {}
    for call in calls:
        by_contract.setdefault(call.contract_id, []).append(call)
    month = today.replace(day=1)
    # this month's APL-foyer of a few signed Pléiades contracts (not the resident who pays nothing) is on the bank
    # statement instead, as one CAF transfer
    on_statement = [
        contract_calls[-1]
        for position, contract_calls in enumerate(by_contract.values())
        if position != 2
        and contract_calls[-1].period == month
        and contract_calls[-1].contract.status == ContractStatus.ACTIVE
        and contract_calls[-1].contract.place.residence.name == BANK_SPLIT_RESIDENCE
    ][:BANK_SPLIT_CONTRACTS]
    if len(on_statement) < 2 or month_closed(organisation.pk, min(on_statement[0].due_date, today)):
        on_statement = []
    # what the CAF and the residents pay, by day: the CAF's transfer pays every resident's APL-foyer at once
    caf: dict = {}
    residents: dict = {}
    for position, contract_calls in enumerate(by_contract.values()):
        for rank, call in enumerate(contract_calls):
            paid_on = min(call.due_date, today)
            if month_closed(organisation.pk, paid_on) or (position == 2 and rank >= len(contract_calls) - 3):
                continue  # one resident (and the CAF, told of it) has paid nothing for three months
            apl = _apl(call)
            if call not in on_statement:
                caf.setdefault(paid_on, []).append((call.contract_id, apl))
            if call.total > apl:
                residents.setdefault(paid_on, []).append((call.contract_id, call.total - apl))
    for paid_on, amounts in sorted(caf.items()):
        services.redevance_payments_record(
            actor=actor, received_on=paid_on, source="caf", amounts=amounts, reference=f"APL-{paid_on:%Y%m%d}"
        )
        if paid_on in residents:
            services.redevance_payments_record(
                actor=actor, received_on=paid_on, source="resident", amounts=residents[paid_on]
            )
    for contract_calls in by_contract.values():
        last = contract_calls[-1]
        last.refresh_from_db()
        if last.settled:
            services.redevance_receipt_issue(actor=actor, call_id=last.pk, on=today)
    _seed_deposits(organisation, actor, first, today)
    _seed_email_consent(actor, [contract_calls[-1].contract for contract_calls in by_contract.values()], today)
    if on_statement:
        _seed_caf_transfer(actor, on_statement, today)


def _seed_email_consent(actor, contracts, today) -> None:
    """The first resident of « Les Pléiades » with a contract in force agreed to receive the avis d'échéance and
    quittances of the redevance by e-mail (the month's mailing sends them)."""
    contract = next(
        (c for c in contracts if c.status == ContractStatus.ACTIVE and c.place.residence.name == BANK_SPLIT_RESIDENCE),
        None,
    )
    if contract is not None:
        email = contract.household.email or f"{slugify(contract.household.name) or 'resident'}@exemple.fr"
        email_consent_record(actor=actor, contract_id=contract.pk, given=True, on=today, email=email)


def _apl(call) -> Decimal:
    """The demo's APL-foyer of a call: its share of the APL-foyer base, at most the call's total."""
    return min(call.total, ((call.rent_equivalent + call.charges) * DEMO_APL_SHARE).quantize(Decimal("1")))


def _seed_caf_transfer(actor, calls, today) -> None:
    """The CAF's transfer of this month's APL-foyer of `calls`' contracts, on a bank statement imported and left in
    the queue: one line whose amount is the sum, to split across the contracts (`bank.redevances`)."""
    booked_on = min(calls[0].due_date, today)
    total = sum((_apl(call) for call in calls), Decimal("0.00"))
    row = f"{booked_on:%d/%m/%Y};Versement APL-foyer CAF 13;{total:.2f};DEMO-{today:%Y%m}-APL-FOYER".replace(".", ",")
    content = ("Date;Libellé;Montant;Référence\n" + row + "\n").encode()
    bank_services.bank_statement_import(
        actor=actor,
        file_name=f"releve-apl-foyer-{today:%Y-%m}.csv",
        content=content,
        file_format="csv",
        mapping_id=demo_bank_mapping(actor).pk,
    )


def _seed_deposits(organisation, actor, first, today) -> None:
    """The deposit of every contract in force that asks one (the residence's policy, W6), received on the contract's
    first day, or on the first day of the demo's open months for an older contract."""
    contracts = ResidenceContract.objects.filter(
        organisation=organisation, status__in=CONTRACT_RECEIVABLE_STATUSES, deposit_amount__gt=0
    ).order_by("starts_on", "pk")
    for contract in contracts:
        received_on = min(max(contract.starts_on, first), today)
        if not month_closed(organisation.pk, received_on):
            contract_deposits.contract_deposit_receive(actor=actor, contract_id=contract.pk, received_on=received_on)
