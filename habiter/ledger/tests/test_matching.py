"""Ranking the leases a bank line may pay: reference, amount still due, tenant's name (pure)."""

from decimal import Decimal

from habiter.ledger.matching import Candidate, suggest

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


def test_the_payer_name_counts_but_only_as_a_whole_word():
    assert [s.lease_id for s in suggest("VIREMENT", "Mme Zoé NOËL", D("1.00"), [NOEL])] == ["noel"]
    assert suggest("NOELLE SARL", "", D("1.00"), [NOEL]) == []
    assert suggest("VIR FAMILLE X", "", D("1.00"), [LEFEVRE]) == []  # "famille" names nobody


def test_money_going_out_matches_no_lease():
    assert suggest("MRS-B-07 DURAND", "", D("-565.50"), [DURAND]) == []
