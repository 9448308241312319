"""The owners' payouts as a SEPA credit-transfer file (pain.001.001.03) for the bank, built with `sepaxml`,
which also checks the file against the ISO 20022 schema before it is given out."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sepaxml import SepaTransfer

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Payout:
    name: str  # the owner
    iban: str
    amount: Decimal  # euros, positive
    description: str  # e.g. "Compte rendu de gestion 2026-10"
    bic: str = ""


class PayoutError(ValueError):
    pass


def payout_file(
    *, debtor_name: str, debtor_iban: str, debtor_bic: str, payouts: list[Payout], execution_date: date, batch_id: str
) -> bytes:
    """The pain.001 file ordering every payout from the association's account; refused (PayoutError, French)
    when there is nothing to pay, an amount is not positive or not in cents, or an IBAN is refused."""
    if not payouts:
        raise PayoutError("Aucun reversement à payer.")
    transfer = SepaTransfer(
        {
            "name": debtor_name[:70],
            "IBAN": debtor_iban.replace(" ", ""),
            "BIC": debtor_bic.replace(" ", ""),
            "batch": True,
            "currency": "EUR",
        },
        schema="pain.001.001.03",
    )
    for index, payout in enumerate(payouts, start=1):
        if payout.amount <= 0 or payout.amount != payout.amount.quantize(CENT):
            raise PayoutError(f"Reversement {index} ({payout.name}) : montant invalide ({payout.amount}).")
        payment = {
            "name": payout.name,
            "IBAN": payout.iban.replace(" ", ""),
            "amount": int(payout.amount * 100),  # sepaxml counts in cents
            "execution_date": execution_date,
            "description": payout.description,
            "endtoend_id": f"{batch_id}-{index}"[:35],
        }
        if payout.bic:
            payment["BIC"] = payout.bic.replace(" ", "")
        try:
            transfer.add_payment(payment)
        except Exception as error:  # sepaxml raises plain exceptions for invalid data
            raise PayoutError(f"Reversement {index} ({payout.name}) refusé : {error}") from None
    try:
        return transfer.export(validate=True)
    except Exception as error:
        raise PayoutError(f"Le fichier de virements n'est pas conforme : {error}") from None
