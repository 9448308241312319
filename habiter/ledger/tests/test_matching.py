"""Ranking the leases a bank line may pay: reference, amount still due, tenant's name; the moves of a bank line
(pure)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.ledger import rules
from habiter.ledger.bank.matching import Candidate, suggest

D = Decimal
DURAND = Candidate("durand", "MRS-B-07 — Durand", ("MRS-B-07",), ("Durand", "Durand"), (D("565.50"),))
LEFEVRE = Candidate("lefevre", "MRS-A-01 — Lefèvre", ("MRS-A-01",), ("Famille Lefèvre", "Lefèvre"), (D("400.00"),))
NOEL = Candidate("noel", "LYO-12 — Noël", ("LYO-12",), ("Noël",), (D("100.00"), D("565.50")))


def test_the_reference_in_the_label_ranks_first():
    found = suggest("VIR LOYER MRSB07 JANVIER", "", D("50.00"), [LEFEVRE, DURAND, NOEL])
    assert [s.lease_id for s in found] == ["durand"]
    assert found[0].reasons == ("référence du logement dans le libellé",)


def test_amount_and_name_add_up_and_accents_and_case_are_ignored():
    found = suggest("VIR SEPA M LEFEVRE", "", D("400.00"), [DURAND, LEFEVRE, NOEL])
    assert found[0].lease_id == "lefevre"
    assert found[0].reasons == ("montant égal au reste dû", "nom du locataire")
    by_amount = suggest("VIREMENT", "", D("565.50"), [DURAND, LEFEVRE, NOEL])
    assert {s.lease_id for s in by_amount} == {"durand", "noel"}


def test_the_sum_of_every_unpaid_call_counts_as_the_amount_due():
    assert [s.lease_id for s in suggest("VIR", "", D("665.50"), [NOEL, DURAND])] == ["noel"]


def test_the_rent_with_the_plans_instalment_counts_as_the_amount_due():
    planned = Candidate("martin", "MRS-C-02 — Martin", ("MRS-C-02",), ("Martin",), (D("565.50"),), (D("665.50"),))
    found = suggest("VIR", "", D("665.50"), [planned, DURAND])
    assert [s.lease_id for s in found] == ["martin"]
    assert found[0].reasons == ("montant de l'avis : loyer et échéance du plan d'apurement",)
    assert suggest("VIR", "", D("665.50"), [DURAND]) == []


def test_the_payer_name_counts_but_only_as_a_whole_word():
    assert [s.lease_id for s in suggest("VIREMENT", "Mme Zoé NOËL", D("1.00"), [NOEL])] == ["noel"]
    assert suggest("NOELLE SARL", "", D("1.00"), [NOEL]) == []
    assert suggest("VIR FAMILLE X", "", D("1.00"), [LEFEVRE]) == []  # "famille" names nobody


def test_money_going_out_matches_no_lease():
    assert suggest("MRS-B-07 DURAND", "", D("-565.50"), [DURAND]) == []


@given(
    amount=st.decimals(min_value=-10000, max_value=10000, places=2),
    label=st.text(max_size=60),
    limit=st.integers(min_value=0, max_value=4),
)
def test_suggestions_are_few_ranked_and_never_for_money_going_out(amount, label, limit):
    found = suggest(label, "", amount, [DURAND, LEFEVRE, NOEL], limit=limit)
    assert len(found) <= limit
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(s.score > 0 and s.reasons for s in found)
    if amount <= 0:
        assert found == []


@pytest.mark.parametrize(
    ("current", "target", "kwargs", "error"),
    [
        ("unmatched", "matched", {"amount": D("1")}, None),
        ("unmatched", "matched", {"amount": D("-1")}, "sortie d'argent"),
        ("unmatched", "ignored", {"amount": D("1"), "reason": "Frais"}, None),
        ("unmatched", "ignored", {"amount": D("1")}, "Indiquez pourquoi"),
        ("matched", "matched", {"amount": D("1")}, "déjà rapprochée"),
        ("matched", "ignored", {"amount": D("1"), "reason": "x"}, "contre-passez"),
        ("matched", "unmatched", {"amount": D("1")}, "contre-passez"),
        ("matched", "unmatched", {"amount": D("1"), "reversed_payment": True}, None),
        ("ignored", "matched", {"amount": D("1")}, "n'est plus à rapprocher"),
        ("ignored", "unmatched", {"amount": D("1")}, None),
    ],
)
def test_the_moves_of_a_bank_line(current, target, kwargs, error):
    found = rules.bank_line_move_error(current, target, **kwargs)
    assert (found is None) if error is None else (error in found)
