"""Pure rules of the ledger: tables of cases (DOMAIN.md R3, R40–R42) and Hypothesis properties."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.ledger import rules

D = Decimal
cents = st.decimals(min_value=D("0.01"), max_value=D("5000.00"), places=2)


@pytest.mark.parametrize(
    ("amounts", "error"),
    [
        ([D("10.00"), D("-10.00")], None),
        ([D("10.00"), D("-4.00"), D("-6.00")], None),
        ([D("10.00"), D("-9.99")], "n'est pas équilibrée"),
        ([D("10.00")], "au moins deux"),
        ([D("0.00"), D("0.00")], "jamais nulle"),
        ([D("0.001"), D("-0.001")], "au centime"),
        ([10.0, -10.0], "nombre décimal"),
    ],
)
def test_lines_error(amounts, error):
    found = rules.lines_error(amounts)
    assert (found is None) if error is None else (error in found)


@pytest.mark.parametrize(
    ("start", "end", "month", "rent", "charges", "due"),
    [
        (date(2025, 1, 1), None, date(2025, 3, 1), "500.00", "50.00", date(2025, 3, 5)),
        (date(2025, 1, 15), None, date(2025, 1, 1), "274.19", "27.42", date(2025, 1, 15)),
        (date(2025, 1, 1), date(2025, 2, 14), date(2025, 2, 1), "250.00", "25.00", date(2025, 2, 5)),
        (date(2024, 2, 1), None, date(2024, 2, 1), "500.00", "50.00", date(2024, 2, 5)),
        (date(2025, 1, 3), None, date(2025, 1, 1), "467.74", "46.77", date(2025, 1, 5)),
    ],
)
def test_rent_call_amounts(start, end, month, rent, charges, due):
    amounts = rules.rent_call_amounts(D("500.00"), D("50.00"), 5, month, start, end)
    assert (amounts.rent, amounts.service_charges, amounts.due_date) == (D(rent), D(charges), due)
    assert amounts.total == D(rent) + D(charges)


def test_no_call_outside_the_lease():
    assert rules.rent_call_amounts(D("500"), D("50"), 5, date(2024, 12, 1), date(2025, 1, 1), None) is None
    assert rules.rent_call_amounts(D("500"), D("50"), 5, date(2025, 3, 1), date(2025, 1, 1), date(2025, 2, 28)) is None


@pytest.mark.parametrize(("text", "month"), [("2025-03", date(2025, 3, 1)), ("1999-12", date(1999, 12, 1))])
def test_parse_period(text, month):
    assert rules.parse_period(text) == month


@pytest.mark.parametrize("text", ["2025-13", "2025-3", "25-03", "mars", "2025-03-01", ""])
def test_parse_period_refuses(text):
    with pytest.raises(ValueError, match="Période invalide"):
        rules.parse_period(text)


@pytest.mark.parametrize(
    ("due", "paid", "status", "kind"),
    [
        (D("550.00"), D("550.00"), "paid", "quittance"),
        (D("550.00"), D("600.00"), "paid", "quittance"),
        (D("550.00"), D("549.99"), "partial", "recu"),
        (D("550.00"), D("0.00"), "unpaid", None),
    ],
)
def test_a_quittance_only_for_a_fully_paid_period(due, paid, status, kind):
    # R3: paid < due can only produce a reçu; a quittance requires paid ≥ due
    assert rules.period_status(due, paid) == status
    if kind is None:
        with pytest.raises(ValueError, match="ni quittance ni reçu"):
            rules.receipt_kind(due, paid)
    else:
        assert rules.receipt_kind(due, paid) == kind


@pytest.mark.parametrize(
    ("due_date", "bucket"),
    [
        (date(2025, 6, 30), "d0_30"),
        (date(2025, 6, 1), "d0_30"),
        (date(2025, 5, 31), "d31_60"),
        (date(2025, 5, 1), "d61_90"),
        (date(2025, 4, 1), "d90_plus"),
    ],
)
def test_age_buckets(due_date, bucket):
    assert rules.age_bucket(due_date, date(2025, 7, 1)) == bucket


def test_aged_ignores_what_is_not_yet_due():
    aged = rules.aged([(date(2025, 7, 5), D("10.00")), (date(2025, 5, 5), D("20.00"))], date(2025, 7, 1))
    assert aged == {"d0_30": D("0.00"), "d31_60": D("20.00"), "d61_90": D("0.00"), "d90_plus": D("0.00")}


@pytest.mark.parametrize(
    ("aid", "on", "threshold"),
    [
        # R40 test vectors: rent 280 + charges 20; benefit paid to the tenant 2 × 300, to the landlord 2 × (300 − 50)
        (D("0"), date(2025, 2, 10), "600.00"),
        (D("50"), date(2025, 2, 10), "500.00"),
        # R42 from 1 January 2027: a debt above 450 €, whatever the rent
        (D("50"), date(2027, 1, 10), "450"),
    ],
)
def test_caf_threshold(aid, on, threshold):
    assert rules.caf_threshold(D("300.00"), on, aid=aid) == D(threshold)
    assert rules.caf_report_by(date(2025, 2, 5)) == date(2025, 4, 5)  # R41: two months to tell the CAF


# --- properties ----------------------------------------------------------------------------------------------


@given(st.lists(cents, max_size=8), st.lists(cents, max_size=8))
def test_allocation_never_exceeds_a_payment_or_a_call_and_fills_calls_in_order(payments, calls):
    items_p = [rules.OpenItem(i, a) for i, a in enumerate(payments)]
    items_c = [rules.OpenItem(i, a) for i, a in enumerate(calls)]
    allocations = rules.allocate(items_p, items_c)
    by_payment = [sum((a for p, _c, a in allocations if p == i), D(0)) for i in range(len(payments))]
    by_call = [sum((a for _p, c, a in allocations if c == i), D(0)) for i in range(len(calls))]
    assert all(part > 0 for _p, _c, part in allocations)
    assert all(b <= a for a, b in zip(payments, by_payment, strict=True))
    assert all(b <= a for a, b in zip(calls, by_call, strict=True))
    assert sum(by_call, D(0)) == min(sum(payments, D(0)), sum(calls, D(0)))
    # oldest first: a call receives money only when every older call is settled
    for index, paid in enumerate(by_call):
        if paid > 0:
            assert all(by_call[k] == calls[k] for k in range(index))


@given(cents, cents, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 1)), st.integers(1, 28))
def test_a_full_month_calls_the_lease_amounts(rent, charges, month, payment_day):
    amounts = rules.rent_call_amounts(rent, charges, payment_day, month, date(1999, 1, 1), None)
    assert (amounts.rent, amounts.service_charges) == (rent, charges)
    assert amounts.due_date == month.replace(day=payment_day)


@given(st.lists(cents, min_size=1, max_size=6))
def test_lines_and_their_negation_balance(amounts):
    lines = [*amounts, -sum(amounts, D(0))]
    assert rules.lines_error(lines) is None
    assert rules.lines_error([-a for a in lines]) is None


def test_a_redevance_set_changing_mid_month_is_prorated_set_by_set():
    sets = [
        (date(2026, 1, 5), date(2026, 3, 15), [("equivalence_loyer", "", Decimal("300.00"))]),
        (date(2026, 3, 16), None, [("equivalence_loyer", "", Decimal("310.00")), ("charges", "", Decimal("62.00"))]),
    ]
    march = rules.redevance_call_amounts(sets, date(2026, 3, 1), date(2026, 1, 5), None)
    # March has 31 days: 300.00 × 15/31 = 145.161… → 145.16 ; 310.00 × 16/31 = 160.00 ; 62.00 × 16/31 = 32.00
    assert [(line.monthly, line.amount) for line in march.lines] == [
        (Decimal("300.00"), Decimal("145.16")),
        (Decimal("310.00"), Decimal("160.00")),
        (Decimal("62.00"), Decimal("32.00")),
    ]
    assert (march.rent_equivalent, march.charges, march.services, march.total) == (
        Decimal("305.16"),
        Decimal("32.00"),
        Decimal("0.00"),
        Decimal("337.16"),
    )
    assert march.due_date == date(2026, 3, 1)
    # before the contract, or with no line in force: nothing to call
    assert rules.redevance_call_amounts(sets, date(2025, 12, 1), date(2026, 1, 5), None) is None
    assert rules.redevance_call_amounts([], date(2026, 3, 1), date(2026, 1, 5), None) is None
