"""The demo's own bank account is not one of its owners': a payout batch refuses an owner paid to the association's
IBAN, and at scale every demo owner holds a mandate."""

from habiter.housing.demo import OWNERS
from habiter.housing.rules import iban_error, normalise_iban
from habiter.ledger.demo import DEMO_BANK


def test_the_demo_association_iban_is_valid_and_no_owner_shares_it():
    assert iban_error(DEMO_BANK["iban"]) is None
    assert normalise_iban(DEMO_BANK["iban"]) not in {normalise_iban(iban) for _name, _kind, iban in OWNERS}
