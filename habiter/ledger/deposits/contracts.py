"""The deposit of a residence contract (dépôt de garantie of a logement-foyer, decision record 0037): received while
the contract is in force, held on 165000 with the leases' deposits, returned once after the resident left.

The contract states the residence's own deposit (`ResidenceContract.deposit_amount`, copied from the residence,
DOMAIN-2 W6): loi 89's cap, deadline and late penalty (R19–R21) do not apply to a titre d'occupation (CE 28 Nov 2014
n° 365285), so none is computed here. The machinery is the leases' (`deposits.services`): the same `Deposit`,
`DepositMovement` and `DepositDeduction` rows, entry sources, held amount, deduction checks and receipt
cancellation. The association manages the logement-foyer, never as a mandatary: the deposit is always its own
165000 (a debt to the resident, never income). At the return the unpaid redevance kept from it is an entry of its own
(165000 against the resident's 411) recorded as a redevance payment of source « deposit », allocated to the oldest
unpaid calls like any other; repairs and other justified sums go to 758800; the refund waits on 580000 for its bank
line.

Writes lock the contract's `Deposit` row (created on the first receipt), then the resident's account.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.ledger import rules
from habiter.ledger.entries.services import check_open, organisation_account, post_entry, resident_account
from habiter.ledger.models import (
    AccountKind,
    DeductionReason,
    Deposit,
    DepositMovement,
    DepositMovementKind,
    RedevancePayment,
    RedevancePaymentSource,
)
from habiter.ledger.redevance.services import allocate_redevance_payments
from habiter.residences.models import ContractStatus, ResidenceContract

from .queries import CONTRACT_RECEIVABLE_STATUSES
from .services import (
    DEPOSIT_RECEIPT,
    DEPOSIT_RETURN,
    ReturnFigures,
    _clean_deductions,
    _money,
    _not_future,
    _require,
    deduction_totals,
    held_amount,
    record_return,
)


def _contract(actor, contract_id) -> ResidenceContract:
    contract = (
        ResidenceContract.objects.filter(organisation_id=actor.organisation_id, pk=contract_id)
        .select_related("household", "place__residence")
        .first()
    )
    if contract is None:
        raise ResidenceContract.DoesNotExist
    return contract


def _locked_deposit(contract, *, create: bool) -> Deposit | None:
    if create:
        Deposit.objects.get_or_create(organisation_id=contract.organisation_id, residence_contract=contract)
    return Deposit.objects.select_for_update().filter(residence_contract=contract).first()


def _deposit_for_update(actor, deposit_id) -> tuple[ResidenceContract, Deposit]:
    """The contract and the locked deposit of the actor's organisation; DoesNotExist otherwise (a lease's deposit
    included: `deposits.services` handles those)."""
    found = (
        Deposit.objects.filter(organisation_id=actor.organisation_id, pk=deposit_id, residence_contract__isnull=False)
        .select_related("residence_contract__household", "residence_contract__place__residence")
        .first()
    )
    if found is None:
        raise Deposit.DoesNotExist
    return found.residence_contract, _locked_deposit(found.residence_contract, create=False)


def contract_deposit_receive(
    *, actor, contract_id, received_on: date, amount: Decimal | None = None
) -> DepositMovement:
    """Record that the resident's deposit was received (the contract's whole deposit by default, or a part): debit
    the receipts waiting for the bank (511200, cleared by the bank line), credit deposits held (165000). Refused for
    a contract not in force (« à signer », ended), above the contract's deposit, once all of it is received and once
    it is returned."""
    _require(actor)
    _not_future(received_on, "received_on", _("Un dépôt de garantie reçu"))
    with transaction.atomic():
        contract = _contract(actor, contract_id)
        if contract.status not in CONTRACT_RECEIVABLE_STATUSES:
            raise ValidationError(
                _("Seul un contrat de résidence en vigueur (en cours ou en préavis) donne lieu à un dépôt de garantie.")
            )
        if contract.deposit_amount <= 0:
            raise ValidationError(_("Ce contrat de résidence ne prévoit pas de dépôt de garantie."))
        amount = _money(contract.deposit_amount if amount is None else amount, "amount")
        deposit = _locked_deposit(contract, create=True)
        if deposit.returned_on is not None:
            raise ValidationError(_("Ce dépôt de garantie est déjà restitué."))
        held = held_amount(deposit)
        if held >= contract.deposit_amount:
            raise ValidationError(_("Le dépôt de garantie de ce contrat est déjà reçu (%(held)s €).") % {"held": held})
        if held + amount > contract.deposit_amount:
            raise ValidationError(
                {
                    "amount": _("Le dépôt de garantie de ce contrat est de %(deposit)s € ; %(held)s € sont déjà reçus.")
                    % {"deposit": contract.deposit_amount, "held": held}
                }
            )
        check_open(contract.organisation_id, received_on, "received_on")
        entry = post_entry(
            actor=actor,
            organisation_id=contract.organisation_id,
            booked_on=received_on,
            label=_("Dépôt de garantie reçu — %(resident)s") % {"resident": contract.household.name},
            lines=[
                # waits on 511200 for the bank line that shows it (bank.services.bank_line_clear)
                (organisation_account(contract.organisation_id, AccountKind.TO_BANK), amount),
                (organisation_account(contract.organisation_id, AccountKind.DEPOSITS_HELD), -amount),
            ],
            source_type=DEPOSIT_RECEIPT,
            source_id=str(contract.pk),
        )
        movement = DepositMovement(
            organisation_id=contract.organisation_id,
            deposit=deposit,
            kind=DepositMovementKind.RECEIVED,
            booked_on=received_on,
            amount=amount,
            transaction=entry,
            recorded_by=actor,
        )
        movement.full_clean()
        movement.save()
        audit_record(
            actor=actor,
            action="ledger.deposit_receive",
            obj=movement,
            household_id=contract.household_id,
            detail={"amount": str(amount), "contract": str(contract.pk)},
        )
    return movement


def contract_return_figures(held: Decimal, deductions) -> ReturnFigures:
    """What returning `held` with `deductions` ((reason, description, amount)…) pays and keeps: pure arithmetic, no
    legal deadline nor penalty (W6). Worked example: 150.00 held, 40.00 of unpaid redevance kept → 110.00 refunded."""
    unpaid, retained = deduction_totals(deductions)
    return ReturnFigures(held, unpaid, retained, held - unpaid - retained, None, rules.ZERO)


def contract_deposit_return(*, actor, deposit_id, returned_on: date, deductions=()) -> DepositMovement:
    """Return the deposit held once, after the resident left (the contract ended), less the justified `deductions`:
    the unpaid redevance (when the residence's contract or rules allow keeping it) credits the resident's account
    in an entry of its own and settles the oldest unpaid calls; repairs and other sums go to 758800; the rest is
    refunded, waiting on 580000 for its bank line. Refused before the exit, for more than is held, or for more unpaid
    redevance than the resident owes."""
    _require(actor)
    _not_future(returned_on, "returned_on", _("Une restitution"))
    deductions = _clean_deductions(deductions, refused=DeductionReason.UNPAID_RENT)
    with transaction.atomic():
        contract, deposit = _deposit_for_update(actor, deposit_id)
        account = resident_account(contract, lock=True)
        if deposit.returned_on is not None:
            raise ValidationError(_("Ce dépôt de garantie est déjà restitué."))
        if contract.status != ContractStatus.ENDED or contract.left_on is None:
            raise ValidationError(_("Le résident n'est pas sorti : le dépôt se restitue après la fin du contrat."))
        if returned_on < contract.left_on:
            raise ValidationError({"returned_on": _("La restitution ne peut pas précéder la sortie du résident.")})
        if not contract.deposit_keeps_unpaid and any(
            reason == DeductionReason.UNPAID_REDEVANCE for reason, _d, _a in deductions
        ):
            raise ValidationError(
                _(
                    "Le contrat de ce résident ne prévoit pas de retenir les redevances impayées sur le dépôt de "
                    "garantie : elles se recouvrent autrement."
                )
            )
        held = held_amount(deposit)
        if held <= 0:
            raise ValidationError(_("Aucun dépôt de garantie n'est détenu pour ce contrat."))
        figures = contract_return_figures(held, deductions)
        if figures.refund < 0:
            raise ValidationError(
                _("Les retenues (%(total)s €) dépassent le dépôt détenu (%(held)s €).")
                % {"total": figures.unpaid_rent + figures.retained, "held": held}
            )
        owed = max(rules.cents(sum((line.amount for line in account.lines.all()), rules.ZERO)), rules.ZERO)
        if figures.unpaid_rent > owed:
            raise ValidationError(
                _("La retenue pour redevances impayées (%(unpaid)s €) dépasse ce que doit le résident (%(owed)s €).")
                % {"unpaid": figures.unpaid_rent, "owed": owed}
            )
        check_open(contract.organisation_id, returned_on, "returned_on")
        org, name = contract.organisation_id, contract.household.name
        held_account = organisation_account(org, AccountKind.DEPOSITS_HELD)
        kept_entry = None
        if figures.unpaid_rent:
            # its own entry: the resident's account sees a payment, like money received
            kept_entry = post_entry(
                actor=actor,
                organisation_id=org,
                booked_on=returned_on,
                label=_("Redevances impayées retenues sur le dépôt de garantie — %(resident)s") % {"resident": name},
                lines=[(held_account, figures.unpaid_rent), (account, -figures.unpaid_rent)],
                source_type=DEPOSIT_RETURN,
                source_id=str(contract.pk),
            )
        lines = [
            (held_account, held - figures.unpaid_rent),
            (organisation_account(org, AccountKind.DEPOSIT_RETENTIONS), -figures.retained),
            # waits on 580000 for the bank line of the transfer or cheque (bank.services.bank_line_clear)
            (organisation_account(org, AccountKind.FROM_BANK), -figures.refund),
        ]
        lines = [(line_account, amount) for line_account, amount in lines if amount]
        entry = kept_entry
        if lines:
            entry = post_entry(
                actor=actor,
                organisation_id=org,
                booked_on=returned_on,
                label=_("Restitution du dépôt de garantie — %(resident)s") % {"resident": name},
                lines=lines,
                source_type=DEPOSIT_RETURN,
                source_id=str(contract.pk),
            )
        payment = None
        if figures.unpaid_rent:
            payment = RedevancePayment(
                organisation_id=org,
                contract=contract,
                amount=figures.unpaid_rent,
                received_on=returned_on,
                source=RedevancePaymentSource.DEPOSIT,
                transaction=kept_entry,
                recorded_by=actor,
            )
            payment.full_clean(validate_constraints=False)
            payment.save()
        movement = record_return(
            actor,
            deposit,
            returned_on,
            deductions,
            amount=held,
            refunded=figures.refund,
            transaction=entry,
            redevance_payment=payment,
        )
        if payment is not None:
            allocate_redevance_payments(contract)
        audit_record(
            actor=actor,
            action="ledger.deposit_return",
            obj=movement,
            household_id=contract.household_id,
            detail={
                "contract": str(contract.pk),
                "held": str(held),
                "refunded": str(figures.refund),
                "unpaid_redevance": str(figures.unpaid_rent),
                "retained": str(figures.retained),
            },
        )
    return movement
