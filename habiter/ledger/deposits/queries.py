"""Reads of the security deposits: what is held per lease, the return deadlines from the inspections, the list; and
the deposits of residence contracts (decision record 0037), read through the contracts the user may open."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q

from habiter.core.legal_queries import legal_parameters
from habiter.housing import rules as housing_rules
from habiter.housing.models import Inspection, InspectionKind
from habiter.leases import rules as lease_rules
from habiter.leases.models import Lease
from habiter.ledger import rules
from habiter.ledger.entries.queries import ledger_leases
from habiter.ledger.models import Deposit, DepositMovementKind, money_sum
from habiter.ledger.redevance.queries import ledger_contracts
from habiter.residences.models import ContractStatus, ResidenceContract


@dataclass
class ReturnFacts:
    """What the return deadline stands on: the day the keys were handed back and whether the check-out matches
    the check-in, from the check-out inspection when there is one (else the move-out day, and "not matching",
    the longer deadline, until the manager says otherwise)."""

    keys_returned_on: date | None
    inventory_matches: bool
    check_out: Inspection | None

    def deadline(self, lease, params) -> date | None:
        if self.keys_returned_on is None:
            return None
        return lease_rules.deposit_return_deadline(
            self.keys_returned_on, self.inventory_matches, territory=lease.dwelling.territory, params=params
        )


def return_facts(leases) -> dict:
    """`ReturnFacts` of each lease, by lease id, in two queries whatever their number: the dwellings' inspections
    and their rooms. A lease's check-out is the latest one of its dwelling since the lease began, of its
    household or of none; it is compared with the check-in it names, else the latest one before it (as on the
    inspection's page)."""
    leases = list(leases)
    inspections = list(
        Inspection.objects.filter(dwelling_id__in={lease.dwelling_id for lease in leases})
        .prefetch_related("rooms")
        .order_by("-done_on", "-created_at")
    )
    facts = {}
    for lease in leases:
        check_out = next(
            (
                i
                for i in inspections
                if i.dwelling_id == lease.dwelling_id
                and i.kind == InspectionKind.CHECK_OUT
                and i.done_on >= lease.start_date
                and i.household_id in (None, lease.household_id)
            ),
            None,
        )
        matches = False
        if check_out is not None:
            check_in = next((i for i in inspections if i.pk == check_out.check_in_id), None) or next(
                (
                    i
                    for i in inspections
                    if i.dwelling_id == lease.dwelling_id
                    and i.kind == InspectionKind.CHECK_IN
                    and i.done_on <= check_out.done_on
                ),
                None,
            )
            if check_in is not None:
                matches = housing_rules.inventory_matches(
                    {room.name: room.condition for room in check_in.rooms.all()},
                    {room.name: room.condition for room in check_out.rooms.all()},
                )
        keys = (check_out.keys_returned_on if check_out else None) or lease.moved_out_on
        facts[lease.pk] = ReturnFacts(keys, matches, check_out)
    return facts


# --- security deposits ----------------------------------------------------------------------------------------

DEPOSIT_DUE_SOON_DAYS = 15  # a return whose deadline is this close shows as due soon on the deposits list


def deposits_of(user):
    """The deposits the user may see (ledger users: the organisation's), each with `held`: receipts minus the return
    and the release of a building's provision."""
    return _with_held(Deposit.objects.filter(lease__in=ledger_leases(user)))


def deposits_of_lease(lease):
    """The deposit of a lease the caller already may open, with `held` (none before its first receipt)."""
    return _with_held(Deposit.objects.filter(lease=lease))


def _with_held(deposits):
    return (
        deposits.annotate(
            received=money_sum("movements__amount", filter=Q(movements__kind=DepositMovementKind.RECEIVED)),
            released=money_sum(
                "movements__amount",
                filter=Q(
                    movements__kind__in=(
                        DepositMovementKind.RETURNED,
                        DepositMovementKind.RELEASED,
                        DepositMovementKind.CANCELLED,
                    )
                ),
            ),
        )
        .annotate(held=F("received") - F("released"))
        .select_related("lease__household", "lease__dwelling")
    )


def deposit_for(user, deposit_id):
    return deposits_of(user).get(pk=deposit_id)


@dataclass
class DepositRow:
    """A deposit on the list or a lease's account: what is held and, after the move-out and until its return,
    the legal deadline and the days left (negative: late)."""

    deposit: object
    lease: Lease
    held: Decimal
    keys_returned_on: date | None = None
    inventory_matches: bool | None = None
    deadline: date | None = None
    days_left: int | None = None

    @property
    def late(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left if self.late else 0

    @property
    def due_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= DEPOSIT_DUE_SOON_DAYS


def deposit_rows(deposits, on: date) -> list[DepositRow]:
    """`DepositRow`s of deposits annotated with `held` (from `deposits_of`), in three more queries whatever their
    number (the inspections, their rooms, the legal parameters): late returns first, then due soonest, then the
    deposits held, then those returned."""

    deposits = list(deposits)
    waiting = [d.lease for d in deposits if d.returned_on is None and d.lease.moved_out_on]
    facts = return_facts(waiting) if waiting else {}
    params = legal_parameters() if waiting else None
    rows = []
    for deposit in deposits:
        row = DepositRow(deposit, deposit.lease, rules.cents(deposit.held))
        found = facts.get(deposit.lease_id)
        if found is not None:
            row.keys_returned_on, row.inventory_matches = found.keys_returned_on, found.inventory_matches
            row.deadline = found.deadline(deposit.lease, params)
            row.days_left = (row.deadline - on).days if row.deadline else None
        rows.append(row)
    return sorted(
        rows,
        key=lambda r: (
            r.deposit.returned_on is not None,
            r.days_left is None,
            r.days_left if r.days_left is not None else 0,
            r.lease.household.name,
        ),
    )


def deposit_movements(deposit):
    return deposit.movements.select_related("recorded_by").prefetch_related("deductions").order_by("booked_on")


def lease_deposit_summary(lease, today) -> dict:
    """The lease's deposit for its account page: held, movements, and after the move-out the return deadline."""
    deposit = deposits_of_lease(lease).first()
    if deposit is None:
        return {"deposit_row": None, "deposit_held": rules.ZERO, "deposit_returned": False, "deposit_movements": []}
    row = deposit_rows([deposit], today)[0]
    return {
        "deposit_row": row,
        "deposit_held": row.held,
        "deposit_returned": deposit.returned_on is not None,
        "deposit_movements": list(deposit_movements(deposit)),
    }


# --- the deposits of residence contracts ----------------------------------------------------------------------

# a residence contract's deposit is received while the contract is in force, returned once it has ended
CONTRACT_RECEIVABLE_STATUSES = (ContractStatus.ACTIVE, ContractStatus.NOTICE)


def contract_deposits_of(user):
    """The residence contracts' deposits the user may handle (ledger users: the organisation's), with `held`."""
    return _with_held(
        Deposit.objects.filter(residence_contract__in=ledger_contracts(user).values("pk"))
    ).select_related(
        "residence_contract__household", "residence_contract__resident", "residence_contract__place__residence"
    )


def contract_deposit_for(user, deposit_id) -> Deposit:
    return contract_deposits_of(user).get(pk=deposit_id)


@dataclass
class ContractDeposit:
    """A residence contract's deposit for its pages: what the contract provides, what is held, the movements, and
    which step may come next (the services check them again)."""

    contract: ResidenceContract
    deposit: Deposit | None
    held: Decimal
    movements: list

    @property
    def returned(self) -> bool:
        return self.deposit is not None and self.deposit.returned_on is not None

    @property
    def may_receive(self) -> bool:
        return (
            self.contract.status in CONTRACT_RECEIVABLE_STATUSES
            and not self.returned
            and self.held < self.contract.deposit_amount
        )

    @property
    def may_return(self) -> bool:
        return self.contract.status == ContractStatus.ENDED and not self.returned and self.held > 0


def contract_deposit(contract) -> ContractDeposit:
    """The deposit of a contract the caller already may open (two queries: the deposit with `held`, its
    movements)."""
    deposit = _with_held(Deposit.objects.filter(residence_contract=contract)).first()
    if deposit is None:
        return ContractDeposit(contract, None, rules.ZERO, [])
    return ContractDeposit(contract, deposit, rules.cents(deposit.held), list(deposit_movements(deposit)))
