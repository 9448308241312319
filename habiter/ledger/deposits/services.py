"""Security deposits (dépôt de garantie, loi 89 art. 22): received, held, returned after the move-out.

The organisation's account 165000 "Dépôts de garantie reçus" holds the deposits of its own leases, 467500 those of
the leases whose rent is an owner's money (`leases.queries.rent_owner_id`: under a management mandate the owner is
the landlord and the association holds the deposit as mandatary, apart from its own, decision record 0013); what
one lease's tenant has there is the sum of its `DepositMovement`s (a lease's own account, 411…, is its rent
account: a deposit is never rent and is never allocated to rent calls). At the return, unpaid rent kept from the
deposit is a payment of source "deposit" allocated like any other to the oldest open calls (under a mandate, in an
entry of its own, which the owner's statement reports as rent collected, fee taken); repairs and other justified
amounts go to 758800, or to the owner's account under a mandate; the late penalty (10 % of the monthly rent per
started month, `leases.rules.late_deposit_penalty`) is an expense, 658100, or charged to the owner's account under
a mandate, paid to the tenant with the refund.

Writes lock the lease's `Deposit` row (created on the first receipt), then the tenant's account, then under a
mandate the owner's account: the order of `services`, a lease's tenant account before any other lock.

A residence contract's deposit is a `Deposit` too (decision record 0037): its receipt and return are in
`deposits.contracts`, which reuses what follows; `deposit_receipt_cancel` cancels a receipt of either.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.dates import add_months
from habiter.core.legal_queries import legal_parameters
from habiter.leases import rules as lease_rules
from habiter.leases.models import Lease, LeaseKind, LeaseStatus
from habiter.leases.queries import rent_owner_id
from habiter.ledger import rules
from habiter.ledger.entries.services import (
    check_open,
    organisation_account,
    owner_account,
    post_entry,
    reverse_entry,
    tenant_account,
)
from habiter.ledger.models import (
    Account,
    AccountKind,
    DeductionReason,
    Deposit,
    DepositDeduction,
    DepositMovement,
    DepositMovementKind,
    Payment,
    PaymentSource,
    Transaction,
)
from habiter.ledger.rent.services import allocate_payments, caf_unpaid_follow

DEPOSIT_RECEIPT, DEPOSIT_RETURN = "deposit_receipt", "deposit_return"
RECEIVABLE_STATUSES = (LeaseStatus.SIGNED, LeaseStatus.SLID, LeaseStatus.ENDED)
# what is kept for money the occupant owes: credited to their account, settling their oldest calls
UNPAID_REASONS = (DeductionReason.UNPAID_RENT, DeductionReason.UNPAID_REDEVANCE)


def deposit_entry_refusal(entry) -> str | None:
    """Refuse the generic reversal of a deposit's entry (registered with `registry.register_reversal_guard`): a
    deposit's movements and what they settled stay as recorded, held amounts are their sum; a receipt recorded by
    mistake is cancelled by `deposit_receipt_cancel`."""
    if entry.source_type in (DEPOSIT_RECEIPT, DEPOSIT_RETURN):
        return _("Un mouvement de dépôt de garantie ne se contre-passe pas.")
    return None


def _require(actor):
    if not actor.has_perm("ledger.post"):
        raise PermissionDenied


def _money(value, field: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ValidationError({field: _("Le montant doit être positif.")})
    if value != value.quantize(rules.CENT):
        raise ValidationError({field: _("Le montant s'exprime au centime près.")})
    return value


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("%(what)s ne peut pas être daté dans le futur.") % {"what": what}})


def held_amount(deposit: Deposit | None) -> Decimal:
    """What the association holds of a deposit (a lease's or a residence contract's): receipts minus the return."""
    if deposit is None:
        return rules.ZERO
    total = rules.ZERO
    for movement in deposit.movements.all():
        total += movement.amount if movement.kind == DepositMovementKind.RECEIVED else -movement.amount
    return rules.cents(total)


# --- receipt -------------------------------------------------------------------------------------------------------


def _lease(actor, lease_id) -> Lease:
    lease = (
        Lease.objects.filter(organisation_id=actor.organisation_id, pk=lease_id)
        .select_related("household", "dwelling", "mandate__owner", "landlord")
        .first()
    )
    if lease is None:
        raise Lease.DoesNotExist
    return lease


def _deposit_for_update(actor, deposit_id) -> tuple[Lease, Deposit]:
    """The lease and the locked deposit of the actor's organisation; DoesNotExist otherwise."""
    found = (
        Deposit.objects.filter(organisation_id=actor.organisation_id, pk=deposit_id, lease__isnull=False)
        .select_related("lease__household", "lease__dwelling", "lease__mandate__owner", "lease__landlord")
        .first()
    )
    if found is None:
        raise Deposit.DoesNotExist
    return found.lease, _locked_deposit(found.lease, create=False)


def _deposit_owner(lease):
    """The owner for whom the association holds `lease`'s deposit and whose account its retentions and late
    penalty reach: the owner whose money the lease's rent is (`rent_owner_id`), None for the association's own
    leases."""
    if rent_owner_id(lease) is None:
        return None
    return lease.mandate.owner if lease.kind == LeaseKind.MANDATE else lease.landlord


def _held_account(lease, deposit: Deposit | None = None) -> Account:
    """The account that holds `lease`'s deposit: the one its receipts credited (an entry keeps its accounts), else
    467500 for an owner's lease and 165000 for the association's own."""
    kinds = (AccountKind.DEPOSITS_HELD, AccountKind.MANDATE_DEPOSITS_HELD)
    if deposit is not None:
        receipt = (
            deposit.movements.filter(kind=DepositMovementKind.RECEIVED)
            .order_by("booked_on", "created_at")
            .values_list("transaction_id", flat=True)
            .first()
        )
        if receipt is not None:
            found = Account.objects.filter(lines__transaction_id=receipt, kind__in=kinds).first()
            if found is not None:
                return found
    kind = AccountKind.MANDATE_DEPOSITS_HELD if rent_owner_id(lease) is not None else AccountKind.DEPOSITS_HELD
    return organisation_account(lease.organisation_id, kind)


def _locked_deposit(lease, *, create: bool) -> Deposit | None:
    if create:
        Deposit.objects.get_or_create(organisation_id=lease.organisation_id, lease=lease)
    return Deposit.objects.select_for_update().filter(lease=lease).first()


def deposit_receive(*, actor, lease_id, received_on: date, amount: Decimal | None = None) -> DepositMovement:
    """Record that the tenant's deposit was received (the whole deposit of the lease by default, or a part):
    debit the receipts waiting for the bank (511200, cleared by the bank line), credit deposits held (165000; 467500
    for an owner's lease under a mandate, `_held_account`).
    Refused above the lease's deposit — itself within the legal cap (R19: 1 month of rent excluding charges
    unfurnished, 2 furnished) — and once the deposit is returned."""
    _require(actor)
    _not_future(received_on, "received_on", _("Un dépôt de garantie reçu"))
    with transaction.atomic():
        lease = _lease(actor, lease_id)
        if lease.status not in RECEIVABLE_STATUSES:
            raise ValidationError(_("Seul un bail signé donne lieu à un dépôt de garantie."))
        amount = _money(lease.deposit if amount is None else amount, "amount")
        cap = lease_rules.max_deposit(
            lease.rent, lease.dwelling.furnished, on=lease.start_date, params=legal_parameters()
        )
        deposit = _locked_deposit(lease, create=True)
        if deposit.returned_on is not None:
            raise ValidationError(_("Ce dépôt de garantie est déjà restitué."))
        held = held_amount(deposit)
        limit = min(lease.deposit, cap)
        if held + amount > limit:
            raise ValidationError(
                {
                    "amount": _(
                        "Le dépôt de garantie de ce bail est de %(limit)s € (plafond légal : %(cap)s €) ; "
                        "%(held)s € sont déjà reçus."
                    )
                    % {"limit": lease.deposit, "cap": cap, "held": held}
                }
            )
        check_open(lease.organisation_id, received_on, "received_on")
        entry = post_entry(
            actor=actor,
            organisation_id=lease.organisation_id,
            booked_on=received_on,
            label=_("Dépôt de garantie reçu — %(tenant)s") % {"tenant": lease.household.name},
            lines=[
                # waits on 511200 for the bank line that shows it (bank.services.bank_line_clear)
                (organisation_account(lease.organisation_id, AccountKind.TO_BANK), amount),
                (_held_account(lease, deposit), -amount),
            ],
            source_type=DEPOSIT_RECEIPT,
            source_id=str(lease.pk),
        )
        movement = DepositMovement(
            organisation_id=lease.organisation_id,
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
            household_id=lease.household_id,
            detail={"amount": str(amount)},
        )
    return movement


# --- return --------------------------------------------------------------------------------------------------------


@dataclass
class ReturnFigures:
    """What a return pays and keeps: pure arithmetic on the amounts held and deducted (shown before confirming).
    `unpaid_rent` is what settles the occupant's account: a lease's rent, a residence contract's redevance (whose
    return has no legal deadline nor penalty here: `deadline` None, `penalty` zero)."""

    held: Decimal
    unpaid_rent: Decimal
    retained: Decimal
    refund: Decimal
    deadline: date | None
    penalty: Decimal
    provision: Decimal = Decimal("0.00")

    @property
    def paid_to_tenant(self) -> Decimal:
        return self.refund + self.penalty


def return_figures(
    lease,
    *,
    held: Decimal,
    deductions,
    returned_on: date,
    keys_returned_on: date,
    inventory_matches: bool,
    params,
    provision: Decimal | None = None,
    no_new_address: bool = False,
) -> ReturnFigures:
    """The figures of returning `held` on `returned_on` with `deductions` ((reason, description, amount)…), less
    the `provision` kept until the building's accounts are approved (R20). The penalty applies to what is still
    owed to the tenant (loi 89 art. 22 al. 7: "le dépôt de garantie restant dû au locataire est majoré…"): none
    when the deductions take the whole deposit, nor when the delay comes from the tenant not giving a new address
    (R21)."""
    deadline = lease_rules.deposit_return_deadline(
        keys_returned_on, inventory_matches, territory=lease.dwelling.territory, params=params
    )
    provision = provision or rules.ZERO
    unpaid, retained = deduction_totals(deductions)
    refund = held - provision - unpaid - retained
    penalty = rules.ZERO
    if refund > 0 and not no_new_address:
        penalty = lease_rules.late_deposit_penalty(lease.rent, deadline, returned_on, params=params)
    return ReturnFigures(held, unpaid, retained, refund, deadline, penalty, provision)


def return_terms(on: date, params, territory: str = "metropole") -> dict:
    """The return deadlines and the late penalty in force on `on` (R20, R21), for the pages that explain them: months
    after the keys are handed back, and the penalty as a percentage of the monthly rent without charges."""
    return {
        "conforming_months": params.decimal("deposit_return_months_conforming", on, territory=territory),
        "non_conforming_months": params.decimal("deposit_return_months_non_conforming", on, territory=territory),
        "penalty_percent": (params.decimal("deposit_late_penalty_rate", on, territory=territory) * 100).normalize(),
    }


def max_provision(lease, held: Decimal, on: date, params) -> Decimal:
    """The most that may be kept of `held` until the building's accounts are approved (R20): a share of the
    deposit for a dwelling in a building of several dwellings, none otherwise; rounded down to the cent."""
    if lease.dwelling.building_id is None:
        return rules.ZERO
    rate = params.decimal("deposit_building_provision_rate", on, territory=lease.dwelling.territory)
    return (held * rate).quantize(rules.CENT, rounding=ROUND_DOWN)


def deduction_totals(deductions) -> tuple[Decimal, Decimal]:
    """(unpaid, retained) of `deductions` ((reason, description, amount)…): what settles the occupant's account, and
    what goes to the retentions account (repairs, other justified amounts)."""
    unpaid = sum((a for reason, _d, a in deductions if reason in UNPAID_REASONS), rules.ZERO)
    retained = sum((a for reason, _d, a in deductions if reason not in UNPAID_REASONS), rules.ZERO)
    return unpaid, retained


def _clean_deductions(deductions, *, refused=DeductionReason.UNPAID_REDEVANCE) -> list[tuple[str, str, Decimal]]:
    """The deductions checked: a known reason other than `refused` (a lease's deposit keeps no redevance, a
    residence contract's no rent), a description, an amount in cents."""
    cleaned = []
    for reason, description, amount in deductions:
        if reason not in DeductionReason.values or reason == refused:
            raise ValidationError(_("Motif de retenue inconnu."))
        description = (description or "").strip()
        if not description:
            raise ValidationError(_("Chaque retenue se justifie : décrivez-la."))
        cleaned.append((reason, description[:200], _money(amount, "deductions")))
    return cleaned


def record_return(actor, deposit: Deposit, returned_on: date, deductions, **fields) -> DepositMovement:
    """The return's movement (its amount, refund, entry… in `fields`) with its justified deductions, and the deposit
    marked returned: what a lease's and a residence contract's returns both write once their entries are posted."""
    movement = DepositMovement(
        organisation_id=deposit.organisation_id,
        deposit=deposit,
        kind=DepositMovementKind.RETURNED,
        booked_on=returned_on,
        recorded_by=actor,
        **fields,
    )
    movement.full_clean()
    movement.save()
    DepositDeduction.objects.bulk_create(
        [
            DepositDeduction(movement=movement, reason=reason, description=description, amount=amount)
            for reason, description, amount in deductions
        ]
    )
    deposit.returned_on = returned_on
    deposit.save(update_fields=["returned_on", "updated_at"])
    return movement


def deposit_return(
    *,
    actor,
    deposit_id,
    returned_on: date,
    keys_returned_on: date,
    inventory_matches: bool,
    deductions=(),
    provision: Decimal | None = None,
    no_new_address: bool = False,
) -> DepositMovement:
    """Return the deposit after the move-out, once: all that is held leaves 165000 (467500 under a mandate);
    unpaid rent kept from it settles the tenant's oldest open calls (a payment of source "deposit"), repairs and
    other justified amounts go to the retentions account, the rest is refunded with, when returned after the legal
    deadline (R20: 1 month after the keys if the check-out matches the check-in, else 2), the penalty of R21, an
    expense paid to the tenant; what is paid to the tenant waits on 580000 for its bank line. Under an owner's
    mandate (decision record 0013) the unpaid rent is an entry of its own, reported as rent collected on the
    owner's statement, and the retentions and the penalty are the owner's: credited, and charged, to the owner's
    account (467…), never the association's income or expense. Refused before the move-out, for more than is held,
    or for more unpaid rent than the tenant owes."""
    _require(actor)
    _not_future(returned_on, "returned_on", _("Une restitution"))
    _not_future(keys_returned_on, "keys_returned_on", _("La remise des clés"))
    deductions = _clean_deductions(deductions)
    with transaction.atomic():
        lease, deposit = _deposit_for_update(actor, deposit_id)
        account = tenant_account(lease, lock=True)
        if deposit.returned_on is not None:
            raise ValidationError(_("Ce dépôt de garantie est déjà restitué."))
        if lease.moved_out_on is None:
            raise ValidationError(_("Le locataire n'est pas parti : le dépôt se restitue après son départ."))
        if returned_on < lease.moved_out_on:
            raise ValidationError({"returned_on": _("La restitution ne peut pas précéder le départ du locataire.")})
        if keys_returned_on < lease.start_date or keys_returned_on > returned_on:
            raise ValidationError(
                {"keys_returned_on": _("Les clés se rendent après le début du bail et avant la restitution.")}
            )
        held = held_amount(deposit)
        if held <= 0:
            raise ValidationError(_("Aucun dépôt de garantie n'est détenu pour ce bail."))
        params = legal_parameters()
        if provision:
            provision = _money(provision, "provision")
            allowed = max_provision(lease, held, returned_on, params)
            if not allowed:
                raise ValidationError(
                    {"provision": _("Une provision ne se garde que pour un logement situé dans un immeuble collectif.")}
                )
            if provision > allowed:
                raise ValidationError(
                    {
                        "provision": _("La provision ne peut dépasser %(max)s € : la part légale du dépôt.")
                        % {"max": allowed}
                    }
                )
        figures = return_figures(
            lease,
            held=held,
            deductions=deductions,
            returned_on=returned_on,
            keys_returned_on=keys_returned_on,
            inventory_matches=inventory_matches,
            params=params,
            provision=provision,
            no_new_address=no_new_address,
        )
        if figures.refund < 0:
            raise ValidationError(
                _("Les retenues (%(total)s €) dépassent le dépôt détenu (%(held)s €).")
                % {"total": figures.unpaid_rent + figures.retained, "held": held}
            )
        owed = rules.cents(sum((line.amount for line in account.lines.all()), rules.ZERO))
        if figures.unpaid_rent > max(owed, rules.ZERO):
            raise ValidationError(
                _("La retenue pour loyers impayés (%(unpaid)s €) dépasse ce que doit le locataire (%(owed)s €).")
                % {"unpaid": figures.unpaid_rent, "owed": max(owed, rules.ZERO)}
            )
        check_open(lease.organisation_id, returned_on, "returned_on")
        org = lease.organisation_id
        held_account = _held_account(lease, deposit)
        owner = _deposit_owner(lease)
        label = _("Restitution du dépôt de garantie — %(tenant)s") % {"tenant": lease.household.name}
        rent_entry = None
        if figures.unpaid_rent and owner is not None:
            # its own entry: the owner's statement reports it as rent collected, as it does a payment
            rent_entry = post_entry(
                actor=actor,
                organisation_id=org,
                booked_on=returned_on,
                label=_("Loyers impayés retenus sur le dépôt de garantie — %(tenant)s")
                % {"tenant": lease.household.name},
                lines=[(held_account, figures.unpaid_rent), (account, -figures.unpaid_rent)],
                source_type=DEPOSIT_RETURN,
                source_id=str(lease.pk),
            )
        lines = [(held_account, held - figures.provision - (figures.unpaid_rent if rent_entry else rules.ZERO))]
        if figures.unpaid_rent and rent_entry is None:
            lines.append((account, -figures.unpaid_rent))
        if owner is not None and (figures.retained or figures.penalty):
            owner_acct = owner_account(owner, lock=True)
            if figures.retained:
                lines.append((owner_acct, -figures.retained))
            if figures.penalty:
                lines.append((owner_acct, figures.penalty))
        else:
            if figures.retained:
                lines.append((organisation_account(org, AccountKind.DEPOSIT_RETENTIONS), -figures.retained))
            if figures.penalty:
                lines.append((organisation_account(org, AccountKind.DEPOSIT_PENALTIES), figures.penalty))
        if figures.paid_to_tenant:
            # waits on 580000 for the bank line of the transfer or cheque (bank.services.bank_line_clear)
            lines.append((organisation_account(org, AccountKind.FROM_BANK), -figures.paid_to_tenant))
        lines = [(line_account, amount) for line_account, amount in lines if amount]
        entry = rent_entry
        if lines:
            entry = post_entry(
                actor=actor,
                organisation_id=org,
                booked_on=returned_on,
                label=label,
                lines=lines,
                source_type=DEPOSIT_RETURN,
                source_id=str(lease.pk),
            )
        payment = None
        if figures.unpaid_rent:
            payment = Payment(
                organisation_id=org,
                lease=lease,
                amount=figures.unpaid_rent,
                received_on=returned_on,
                source=PaymentSource.DEPOSIT,
                transaction=rent_entry or entry,
                recorded_by=actor,
            )
            payment.full_clean(validate_constraints=False)
            payment.save()
        movement = record_return(
            actor,
            deposit,
            returned_on,
            deductions,
            amount=held - figures.provision,
            provision=figures.provision,
            no_new_address=no_new_address,
            refunded=figures.refund,
            penalty=figures.penalty,
            keys_returned_on=keys_returned_on,
            inventory_matches=inventory_matches,
            deadline=figures.deadline,
            transaction=entry,
            payment=payment,
        )
        if payment is not None:
            allocate_payments(lease)
            caf_unpaid_follow(actor=actor, leases=[lease], on=returned_on)
        audit_record(
            actor=actor,
            action="ledger.deposit_return",
            obj=movement,
            household_id=lease.household_id,
            detail={
                "held": str(held),
                "refunded": str(figures.refund),
                "penalty": str(figures.penalty),
                "unpaid_rent": str(figures.unpaid_rent),
                "retained": str(figures.retained),
                "provision": str(figures.provision),
            },
        )
    return movement


def deposit_provision_release(
    *,
    actor,
    deposit_id,
    released_on: date,
    accounts_approved_on: date,
    charges: Decimal | None = None,
    description: str = "",
    no_new_address: bool = False,
) -> DepositMovement:
    """Return the provision kept until the building's accounts were approved (R20), once: the tenant's share of the
    charges the accounts settle is kept (to 758800, justified; to the owner's account under a mandate), the rest is
    refunded, within a month of the approval — later, with the penalty of R21 on what is refunded (charged to the
    owner's account under a mandate), unless the tenant gave no new address."""
    _require(actor)
    _not_future(released_on, "released_on", _("Une restitution"))
    _not_future(accounts_approved_on, "accounts_approved_on", _("L'arrêté des comptes"))
    charges = _money(charges, "charges") if charges else rules.ZERO
    description = (description or "").strip()[:200]
    if charges and not description:
        raise ValidationError({"description": _("Chaque retenue se justifie : décrivez-la.")})
    with transaction.atomic():
        lease, deposit = _deposit_for_update(actor, deposit_id)
        if deposit.returned_on is None:
            raise ValidationError(_("Le dépôt n'est pas encore restitué : la provision se rend après."))
        provision = held_amount(deposit)
        if provision <= 0:
            raise ValidationError(_("Aucune provision n'est gardée sur ce dépôt."))
        if accounts_approved_on < deposit.returned_on or released_on < accounts_approved_on:
            raise ValidationError(
                {
                    "accounts_approved_on": _(
                        "Les comptes s'arrêtent après la restitution du dépôt, et avant que la provision soit rendue."
                    )
                }
            )
        if charges > provision:
            raise ValidationError(
                {"charges": _("La retenue dépasse la provision gardée (%(held)s €).") % {"held": provision}}
            )
        check_open(lease.organisation_id, released_on, "released_on")
        params = legal_parameters()
        deadline = add_months(accounts_approved_on, 1)
        refund = provision - charges
        penalty = rules.ZERO
        if refund > 0 and not no_new_address:
            penalty = lease_rules.late_deposit_penalty(lease.rent, deadline, released_on, params=params)
        org = lease.organisation_id
        lines = [(_held_account(lease, deposit), provision)]
        owner = _deposit_owner(lease)
        if owner is not None and (charges or penalty):
            owner_acct = owner_account(owner, lock=True)
            if charges:
                lines.append((owner_acct, -charges))
            if penalty:
                lines.append((owner_acct, penalty))
        else:
            if charges:
                lines.append((organisation_account(org, AccountKind.DEPOSIT_RETENTIONS), -charges))
            if penalty:
                lines.append((organisation_account(org, AccountKind.DEPOSIT_PENALTIES), penalty))
        if refund + penalty:
            lines.append((organisation_account(org, AccountKind.FROM_BANK), -(refund + penalty)))
        entry = post_entry(
            actor=actor,
            organisation_id=org,
            booked_on=released_on,
            label=_("Restitution de la provision du dépôt de garantie — %(tenant)s") % {"tenant": lease.household.name},
            lines=lines,
            source_type=DEPOSIT_RETURN,
            source_id=str(lease.pk),
        )
        movement = DepositMovement(
            organisation_id=org,
            deposit=deposit,
            kind=DepositMovementKind.RELEASED,
            booked_on=released_on,
            amount=provision,
            refunded=refund,
            penalty=penalty,
            deadline=deadline,
            accounts_approved_on=accounts_approved_on,
            no_new_address=no_new_address,
            transaction=entry,
            recorded_by=actor,
        )
        movement.full_clean()
        movement.save()
        if charges:
            DepositDeduction.objects.create(
                movement=movement, reason=DeductionReason.OTHER, description=description, amount=charges
            )
        audit_record(
            actor=actor,
            action="ledger.deposit_provision_release",
            obj=movement,
            household_id=lease.household_id,
            detail={"provision": str(provision), "refunded": str(refund), "penalty": str(penalty)},
        )
    return movement


def deposit_receipt_cancel(*, actor, movement_id, on: date) -> DepositMovement:
    """Cancel a deposit receipt recorded by mistake, before the return — a lease's or a residence contract's —: its
    entry is reversed (a new entry, linked to the original; nothing is changed or deleted) and a movement of kind
    "cancelled" takes its amount off what is held. A receipt is cancelled once; a wrong amount is then recorded
    again."""
    _require(actor)
    _not_future(on, "on", _("Une annulation"))
    with transaction.atomic():
        receipt = (
            DepositMovement.objects.filter(
                organisation_id=actor.organisation_id, pk=movement_id, kind=DepositMovementKind.RECEIVED
            )
            .select_related("deposit__lease", "deposit__residence_contract", "transaction")
            .first()
        )
        if receipt is None:
            raise DepositMovement.DoesNotExist
        deposit = Deposit.objects.select_for_update().get(pk=receipt.deposit_id)
        household_id = receipt.deposit.household_id
        if deposit.returned_on is not None:
            raise ValidationError(_("Le dépôt est restitué : ses reçus ne s'annulent plus."))
        original = receipt.transaction
        if Transaction.objects.filter(reversal_of=original).exists():
            raise ValidationError(_("Ce reçu est déjà annulé."))
        if on < original.booked_on:
            raise ValidationError({"on": _("L'annulation ne peut pas précéder le reçu.")})
        # the cancellation's own day must be open; the receipt's month may be closed
        check_open(deposit.organisation_id, on, "on")
        reversal = reverse_entry(
            actor=actor, original=original, on=on, label=_("Annulation : %(label)s") % {"label": original.label}
        )
        movement = DepositMovement(
            organisation_id=deposit.organisation_id,
            deposit=deposit,
            kind=DepositMovementKind.CANCELLED,
            booked_on=on,
            amount=receipt.amount,
            transaction=reversal,
            recorded_by=actor,
        )
        movement.full_clean()
        movement.save()
        audit_record(
            actor=actor,
            action="ledger.deposit_receipt_cancel",
            obj=movement,
            household_id=household_id,
            detail={"amount": str(receipt.amount), "receipt": str(receipt.pk)},
        )
    return movement
