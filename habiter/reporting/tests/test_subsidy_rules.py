"""The subsidies' pure rules on figures worked out by hand: the compte rendu financier's last day (DOMAIN-2 W31,
6 months after the end of the financial year), its lateness from the day after, the alert window (60 days), the
accounts threshold (W32: more than 153 000 € of public cash subsidies in the year) with its obligations, and the
payments a grant may receive (none before the decision, never more than granted)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habiter.core.legal import LegalParameterRow, LegalParameters
from habiter.reporting import rules


@pytest.mark.parametrize(
    ("year_end", "due"),
    [
        (date(2025, 12, 31), date(2026, 6, 30)),  # calendar year: 30 June of the next year
        (date(2025, 6, 30), date(2025, 12, 31)),  # year ending in June: 31 December, not the 30th
        (date(2024, 8, 31), date(2025, 2, 28)),  # six months July… ending in a short February
        (date(2023, 8, 31), date(2024, 2, 29)),  # … and in a leap February
        (date(2025, 3, 31), date(2025, 9, 30)),
    ],
)
def test_crf_due_on(year_end, due):
    assert rules.crf_due_on(year_end) == due


def test_crf_due_on_reads_the_table():
    row = LegalParameterRow(
        key=rules.CRF_DUE_MONTHS_KEY,
        territory="metropole",
        value="3",
        valid_from=None,
        valid_to=None,
        status="CONFIRMED",
        rule="W31",
        source_url="",
        label="",
    )
    assert rules.crf_due_on(date(2025, 12, 31), LegalParameters([row])) == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("on", "sent_on", "overdue"),
    [
        (date(2026, 6, 29), None, False),
        (date(2026, 6, 30), None, False),  # the last day is still in time
        (date(2026, 7, 1), None, True),  # late from the day after
        (date(2026, 7, 1), date(2026, 6, 15), False),  # sent
        (date(2026, 9, 1), date(2026, 8, 20), False),  # sent late: no longer overdue
    ],
)
def test_crf_is_overdue(on, sent_on, overdue):
    assert rules.crf_is_overdue(date(2026, 6, 30), sent_on, on) is overdue


def test_crf_is_overdue_without_a_due_date():
    assert rules.crf_is_overdue(None, None, date(2030, 1, 1)) is False


@pytest.mark.parametrize(
    ("on", "soon"),
    [
        (date(2026, 5, 1), True),  # 60 days before 30 June: in the window
        (date(2026, 4, 30), False),  # 61 days before
        (date(2026, 6, 30), True),  # the last day
        (date(2026, 7, 1), False),  # late, not « soon »
    ],
)
def test_crf_due_soon(on, soon):
    assert rules.crf_due_soon(date(2026, 6, 30), None, on) is soon


def test_crf_due_soon_once_sent():
    assert rules.crf_due_soon(date(2026, 6, 30), date(2026, 6, 1), date(2026, 6, 2)) is False


@pytest.mark.parametrize(
    ("total", "above"),
    [
        (Decimal("152999.99"), False),
        (Decimal("153000.00"), False),  # W32 says « > 153 000 € »: exactly the threshold is not above it
        (Decimal("153000.01"), True),
        (Decimal("210000"), True),
        (Decimal("0"), False),
    ],
)
def test_above_accounts_threshold(total, above):
    assert rules.accounts_threshold(2025) == Decimal("153000")
    assert rules.above_accounts_threshold(total, 2025) is above


@pytest.mark.parametrize(
    ("approved_on", "publish_by"),
    [
        (date(2026, 6, 30), date(2026, 9, 30)),
        (date(2026, 11, 30), date(2027, 2, 28)),  # three months ending in a short February
        (None, None),
    ],
)
def test_publication_due_on(approved_on, publish_by):
    assert rules.publication_due_on(approved_on) == publish_by


def test_accounts_obligations_done_and_to_do():
    obligations = rules.accounts_obligations(
        accounts_drawn_up_on=date(2026, 4, 15), auditor_appointed_on=None, accounts_approved_on=date(2026, 6, 20)
    )
    assert [o.code for o in obligations] == ["accounts", "auditor", "publication"]
    assert [o.done for o in obligations] == [True, False, False]
    assert obligations[2].due_on == date(2026, 9, 20)


@given(st.dates(min_value=date(2007, 1, 1), max_value=date(2090, 12, 31)))
def test_crf_due_on_is_six_months_after_the_year_end(year_end):
    due = rules.crf_due_on(year_end)
    assert 180 <= (due - year_end).days <= 184
    assert not rules.crf_is_overdue(due, None, due) and rules.crf_is_overdue(due, None, due + timedelta(days=1))


@pytest.mark.parametrize(
    ("status", "new", "sent", "allowed"),
    [
        ("requested", "granted", False, True),
        ("requested", "refused", False, True),
        ("requested", "requested", False, False),
        ("granted", "refused", False, True),  # a decision corrected
        ("granted", "refused", True, False),  # not once the compte rendu is sent
        ("granted", "granted", True, True),  # an amount corrected
        ("refused", "granted", False, True),
    ],
)
def test_subsidy_decision_allowed(status, new, sent, allowed):
    assert rules.subsidy_decision_allowed(status, new, sent) is allowed


@pytest.mark.parametrize(
    ("status", "new", "allowed"),
    [
        ("granted", "refused", False),  # a payment came: the grant is no longer refused
        ("granted", "granted", True),  # its amount or date may be corrected
    ],
)
def test_a_subsidy_received_is_no_longer_refused(status, new, allowed):
    assert rules.subsidy_decision_allowed(status, new, False, received=True) is allowed


D = Decimal
GRANT = {"status": "granted", "decided_on": date(2025, 3, 1), "granted": D("42000.00")}


@pytest.mark.parametrize(
    ("subsidy", "received", "received_on", "amount", "problem"),
    [
        (GRANT, D("0.00"), date(2025, 3, 1), D("42000.00"), None),  # all at once, the day of the decision
        (GRANT, D("33600.00"), date(2026, 3, 16), D("8400.00"), None),  # the balance: 42 000 exactly
        (GRANT, D("33600.00"), date(2026, 3, 16), D("8400.01"), "above_grant"),  # one cent too many
        (GRANT, D("0.00"), date(2025, 2, 28), D("100.00"), "before_decision"),  # the day before the decision
        (GRANT, D("0.00"), date(2025, 4, 1), D("0.00"), "not_positive"),
        (GRANT, D("0.00"), date(2025, 4, 1), D("-5.00"), "not_positive"),
        ({"status": "requested", "decided_on": None, "granted": None}, D("0"), date(2025, 4, 1), D("1"), "not_granted"),
        ({"status": "refused", "decided_on": date(2025, 3, 1), "granted": None}, D("0"), date(2025, 4, 1), D("1"),
         "not_granted"),
    ],
)  # fmt: skip
def test_subsidy_payment_problem(subsidy, received, received_on, amount, problem):
    assert (
        rules.subsidy_payment_problem(**subsidy, received=received, received_on=received_on, amount=amount) == problem
    )


@pytest.mark.parametrize(
    ("granted", "received", "remaining"),
    [
        (D("65000.00"), D("52000.00"), D("13000.00")),  # the advance of 80 % received: the balance of 20 % remains
        (D("65000.00"), D("65000.00"), D("0.00")),
        (None, D("0.00"), D("0.00")),  # not granted: nothing to receive
    ],
)
def test_subsidy_remaining(granted, received, remaining):
    assert rules.subsidy_remaining(granted, received) == remaining


@given(
    granted=st.decimals(min_value=D("0.01"), max_value=D("999999.99"), places=2),
    amounts=st.lists(st.decimals(min_value=D("0.01"), max_value=D("999999.99"), places=2), max_size=12),
)
def test_the_payments_accepted_one_by_one_never_exceed_the_grant(granted, amounts):
    """Whatever is typed, in whatever order: what the rule accepts never totals more than the amount granted, and
    what remains is never negative."""
    received = D("0.00")
    for amount in amounts:
        if (
            rules.subsidy_payment_problem(
                **GRANT | {"granted": granted}, received=received, received_on=date(2025, 6, 1), amount=amount
            )
            is None
        ):
            received += amount
        assert received <= granted and rules.subsidy_remaining(granted, received) >= 0


@pytest.mark.parametrize(
    ("requested_on", "cer_signed_on", "missing"),
    [
        (date(2022, 1, 1), None, False),  # the day before the decree applied: not required
        (date(2022, 1, 2), None, True),  # from 2 January 2022 (décret 2021-1947)
        (date(2025, 3, 1), date(2025, 3, 1), False),  # subscribed the day of the request
        (date(2025, 3, 1), date(2025, 3, 2), True),  # subscribed the day after: too late for this request
        (date(2025, 3, 1), date(2022, 1, 20), False),
    ],
)
def test_cer_missing(requested_on, cer_signed_on, missing):
    assert rules.cer_missing(requested_on, cer_signed_on) is missing
