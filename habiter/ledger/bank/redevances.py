"""The CAF's monthly APL-foyer transfer on the bank statement, matched to the residence contracts it pays for
(tiers payant, docs/adr/0030): the line's money enters the bank account through the CAF's clearing account (467200),
and each contract gets its redevance payment through `redevance.services.redevance_payments_record`, so the CAF's
account is cleared and 512 holds the money, as `services.bank_line_split` does for leases. When the accountant
already typed those APL-foyer payments by hand, the line is linked to them instead (`bank_line_link_redevances`), as
`services.bank_line_link` does for rent."""

import operator
import uuid
from datetime import timedelta
from decimal import Decimal
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.formats import euros
from habiter.ledger.models import PaymentSource, RedevancePayment, RedevancePaymentSource
from habiter.ledger.redevance.services import redevance_payments_record
from habiter.residences.models import ResidenceContract

from .queries import LINK_DAYS
from .services import _bring_to_bank, _close_line, _line_to_split, _matchable, _require


def _contract_key(contract_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(contract_id))
    except ValueError:
        raise ResidenceContract.DoesNotExist from None


def _refuse_hand_payment_twice(actor, line, parts) -> None:
    """An APL-foyer payment recorded by hand for the same contract, of the same amount, within `LINK_DAYS` days of
    the line, not from a bank line nor reversed, is most likely the very money the line shows: recording another
    would count it twice. Refused, naming it, so that the accountant links the line to the payments typed by hand
    (`bank_line_link_redevances`), unless they say the line is another payment (`second_payment`)."""
    twin = (
        RedevancePayment.objects.filter(
            organisation_id=actor.organisation_id,
            source=RedevancePaymentSource.CAF,
            bank_line__isnull=True,
            reversed_on__isnull=True,
            received_on__gte=line.booked_on - timedelta(days=LINK_DAYS),
            received_on__lte=line.booked_on + timedelta(days=LINK_DAYS),
        )
        .filter(reduce(operator.or_, (Q(contract_id=contract_id, amount=amount) for contract_id, amount in parts)))
        .select_related("contract__household")
        .order_by("received_on", "pk")
        .first()
    )
    if twin is not None:
        raise ValidationError(
            _(
                "Une APL-foyer de %(amount)s € du %(day)s est déjà saisie à la main pour %(resident)s : c'est "
                "sans doute le même argent. Rapprochez l'opération des APL-foyer déjà saisies (« Rapprocher de "
                "ces APL-foyer saisies ») plutôt que de la répartir ; s'il s'agit bien d'un autre versement, cochez "
                "« Autre versement que celui déjà saisi »."
            )
            % {
                "amount": euros(twin.amount),
                "day": f"{twin.received_on:%d/%m/%Y}",
                "resident": twin.contract.household.name,
            }
        )


def bank_line_split_redevances(*, actor, line_id, parts, second_payment: bool = False) -> list[RedevancePayment]:
    """Match one bank line — the CAF's APL-foyer for several residents — to their residence contracts in one step:
    `parts` are (contract id, amount) pairs whose sum must be the line's amount. The line's money enters the bank
    account (debit 512, credit the CAF's 467200, once), each contract gets a CAF redevance payment dated on the
    line's day, the bank id as its reference and the line recorded on it, allocated to its oldest unpaid calls; or
    nothing is saved. Only signed contracts receive payments; another organisation's line or contract is unknown.
    The line goes back to the queue once every payment it recorded is reversed (`services.bank_line_ignore`). A part
    that an APL-foyer payment recorded by hand already counts is refused unless `second_payment` says it is another."""
    _require(actor, "ledger.post")
    parts = [(contract_id, amount) for contract_id, amount in parts if contract_id or amount]
    if not parts:
        raise ValidationError(_("Indiquez au moins un contrat de résidence et son montant."))
    if any(not contract_id for contract_id, _amount in parts):
        raise ValidationError(_("Chaque montant se rapporte à un contrat de résidence."))
    if any(not isinstance(amount, Decimal) or not amount.is_finite() for _contract, amount in parts):
        raise ValidationError({"amount": _("Indiquez le montant de chaque contrat, en euros.")})
    parts = [(_contract_key(contract_id), amount) for contract_id, amount in parts]
    if len({contract_id for contract_id, _amount in parts}) != len(parts):
        raise ValidationError(_("Un contrat figure deux fois : additionnez ses montants sur une seule ligne."))
    with transaction.atomic():
        line = _line_to_split(actor, line_id, parts)
        if not second_payment:
            _refuse_hand_payment_twice(actor, line, parts)
        _bring_to_bank(actor, line, PaymentSource.CAF)
        payments = redevance_payments_record(
            actor=actor,
            received_on=line.booked_on,
            source=RedevancePaymentSource.CAF,
            amounts=parts,
            reference=line.bank_reference,
            bank_line=line,
        )
        _close_line(actor, line)
        audit_record(
            actor=actor,
            action="ledger.bank_line_match",
            obj=line,
            household_id=payments[0].contract.household_id if len(payments) == 1 else None,
            detail={
                "redevance_payments": [str(p.pk) for p in payments],
                "amount": str(line.amount),
                "source": PaymentSource.CAF.value,
                **({"second_payment": True} if second_payment else {}),
            },
        )
    return payments


def bank_line_link_redevances(*, actor, line_id, payment_ids) -> list[RedevancePayment]:
    """Match a bank line — the CAF's APL-foyer transfer — to the APL-foyer payments the accountant already typed by
    hand for residence contracts, so the same money is not counted twice. Each of those payments debited the CAF's
    467200 and credited its resident when it was recorded; they keep that entry and their allocation, and the line's
    money enters the bank account from 467200 (debit 512, credit 467200, once), which clears it. The payments must be
    of the organisation, from the CAF, not yet linked to a line nor reversed, and add up to the line's amount; each
    then records the line (`RedevancePayment.bank_line`), or nothing is saved. The line goes back to the queue once
    every payment it is linked to is reversed (`services.bank_line_ignore`)."""
    _require(actor, "ledger.post")
    unknown = _(
        "Une de ces APL-foyer est déjà rapprochée, contre-passée, inconnue ou n'est pas un versement de la CAF."
    )
    if not payment_ids:
        raise ValidationError(_("Cochez au moins une APL-foyer saisie à la main."))
    try:
        wanted = {uuid.UUID(str(pk)) for pk in payment_ids}
    except ValueError:
        raise ValidationError(unknown) from None
    with transaction.atomic():
        line = _matchable(actor, line_id)
        payments = list(
            RedevancePayment.objects.select_for_update(of=("self",))
            .filter(
                organisation_id=actor.organisation_id,
                pk__in=wanted,
                source=RedevancePaymentSource.CAF,
                bank_line__isnull=True,
                reversed_on__isnull=True,
            )
            .select_related("contract__household")
            .order_by("received_on", "created_at", "pk")
        )
        if len(payments) != len(wanted):
            raise ValidationError(unknown)
        total = sum((payment.amount for payment in payments), Decimal("0.00"))
        if total != line.amount:
            raise ValidationError(
                _("Ces APL-foyer font %(total)s € : elles doivent égaler les %(amount)s € de l'opération.")
                % {"total": euros(total), "amount": euros(line.amount)}
            )
        _bring_to_bank(actor, line, PaymentSource.CAF)
        for payment in payments:
            payment.bank_line = line
            payment.save(update_fields=["bank_line", "updated_at"])
        _close_line(actor, line)
        audit_record(
            actor=actor,
            action="ledger.bank_line_link",
            obj=line,
            household_id=payments[0].contract.household_id if len(payments) == 1 else None,
            detail={
                "redevance_payments": [str(p.pk) for p in payments],
                "amount": str(line.amount),
                "source": PaymentSource.CAF.value,
            },
        )
    return payments
