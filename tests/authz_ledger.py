"""Authorization rows of the `ledger` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Scopes of a ledger URL: the lease (and its calls, payments, documents) or the residence contract (its redevance,
its deposit) of the own team's household, of the other team's household, and of a household of another
organisation. Accountants, rental managers and directors see
and write every account of their organisation; accountants and directors close a month. Team leads and social
workers see only the arrears list of their households (and balances on the household page), never an account.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from habiter.housing.models import Building
from habiter.leases.rules import add_months
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.entries import services as entries_services
from habiter.ledger.models import (
    ArrearsLetter,
    BankCsvMapping,
    BankDetails,
    BankLine,
    BankStatement,
    ChargeRegularisation,
    Deposit,
    DepositMovement,
    DocumentEmail,
    EmailConsent,
    LedgerSettings,
    NoticeMailing,
    OwnerStatement,
    OwnerWork,
    Payment,
    PeriodClose,
    RedevanceCall,
    RedevancePayment,
    RedevanceReceipt,
    RentCallRun,
    RentReceipt,
    RepaymentPlan,
    RepaymentPlanChange,
    RunStatus,
    Transaction,
)
from habiter.ledger.owners import services as owners_services
from habiter.ledger.rent import services as rent_services
from tests.authz_common import (
    ANONYMOUS,
    CONFIRMED,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROLES,
    SAVED,
    CsrfCase,
    logged_in,
    row,
)
from tests.authz_ledger_rows import (  # noqa: F401  (lease_of, mandate_lease_of, owner_of: for the other apps' rows)
    REGULARISATION_SENT_ON,
    STATEMENT_ON,
    active_plan_of,
    cache,
    cancel_active_plans,
    cleared_line_of,
    consent_of,
    contract_consent_of,
    fresh_bank_line,
    fresh_contract_deposit,
    fresh_deposit,
    fresh_deposit_receipt,
    fresh_month_mailing,
    fresh_payment_transaction,
    fresh_regularisation,
    hand_payment_of,
    hand_redevance_payment_of,
    lease_of,
    letter_of,
    mailing_of,
    manager_of,
    mandate_lease_of,
    next_month,
    next_statement_month,
    owner_of,
    receivable_contract_of,
    redevance_of,
    redevance_split_data,
    regularisation_line_of,
    run_of,
    sent_regularisation,
    split_data,
    statement_of,
    unclear_reversals,
    waiting_receipt_of,
)

LEDGER = ("director", "rental_manager", "accountant")
CLOSERS = ("director", "accountant")
BALANCE = (*LEDGER, "team_lead", "social_worker")


def _scoped(allowed, ok=OK):
    """Organisation-wide: both teams' leases of the own organisation, never another organisation's."""
    cells = {ANONYMOUS: (LOGIN,) * 3}
    for role in ROLES:
        cells[role] = (ok, ok, NOT_FOUND) if role in allowed else (NOT_FOUND,) * 3
    return cells


def _post_only_scoped():
    return {ANONYMOUS: (LOGIN,) * 3, **{role: (NOT_ALLOWED,) * 3 for role in ROLES}}


EXPECTED = {
    "ledger:account_list": row(LEDGER, OK, NOT_FOUND),
    "ledger:account_detail": _scoped(LEDGER),
    "ledger:lease_account": _scoped(LEDGER),
    "ledger:payment_create": _scoped(LEDGER),
    "ledger:repayment_plan_create": _scoped(LEDGER),
    "ledger:repayment_plan_detail": _scoped(LEDGER),
    "ledger:repayment_plan_move": _post_only_scoped(),
    "ledger:arrears_letter_create": _post_only_scoped(),
    "ledger:arrears_letter_pdf": _scoped(LEDGER),
    "ledger:rent_call_notice": _scoped(LEDGER),
    "ledger:receipt_issue": _post_only_scoped(),
    "ledger:receipt_pdf": _scoped(LEDGER),
    "ledger:transaction_reverse": _scoped(LEDGER),
    "ledger:month_end": row(LEDGER, OK, NOT_FOUND),
    "ledger:run_detail": _scoped(LEDGER),
    "ledger:period_close": row(ROLES, NOT_ALLOWED, NOT_ALLOWED),
    "ledger:ledger_opening": row(ROLES, NOT_ALLOWED, NOT_ALLOWED),
    "ledger:arrears": row(BALANCE, OK, NOT_FOUND),
    "ledger:export": row(CLOSERS, OK, NOT_FOUND),
    "ledger:bank_queue": row(LEDGER, OK, NOT_FOUND),
    "ledger:bank_import": row(LEDGER, OK, NOT_FOUND),
    "ledger:bank_mapping_create": row(LEDGER, OK, NOT_FOUND),
    "ledger:bank_statement": _scoped(LEDGER),
    "ledger:bank_line": _scoped(LEDGER),
    "ledger:bank_line_match": _post_only_scoped(),
    "ledger:bank_line_split": _post_only_scoped(),
    "ledger:bank_line_split_redevances": _post_only_scoped(),
    "ledger:bank_line_link": _post_only_scoped(),
    "ledger:bank_line_link_redevances": _post_only_scoped(),
    "ledger:bank_line_ignore": _post_only_scoped(),
    "ledger:bank_line_clear": _post_only_scoped(),
    "ledger:bank_line_unclear": _post_only_scoped(),
    "ledger:owner_statements": row(LEDGER, OK, NOT_FOUND),
    "ledger:owner_statement_detail": _scoped(LEDGER),
    "ledger:owner_statement_pdf": _scoped(LEDGER),
    "ledger:owner_ledger": _scoped(LEDGER),
    "ledger:owner_statement_issue": _post_only_scoped(),
    "ledger:owner_work_create": _scoped(LEDGER),
    "ledger:payouts": row(LEDGER, OK, NOT_FOUND),
    "ledger:payout_detail": _scoped(LEDGER),
    "ledger:payout_file": _scoped(LEDGER),
    "ledger:bank_details": row(CLOSERS, OK, NOT_FOUND),
    "ledger:lease_mail": _scoped(LEDGER),
    "ledger:contract_mail": _scoped(LEDGER),
    "ledger:notice_send": _post_only_scoped(),
    "ledger:contract_notice_send": _post_only_scoped(),
    "ledger:receipt_send": _post_only_scoped(),
    "ledger:run_notices_pdf": _scoped(LEDGER),
    "ledger:run_notices_mail": _post_only_scoped(),
    "ledger:mailing_detail": _scoped(LEDGER),
    "ledger:deposit_list": row(LEDGER, OK, NOT_FOUND),
    "ledger:deposit_receive": _scoped(LEDGER),
    "ledger:deposit_return": _scoped(LEDGER),
    "ledger:deposit_release": _scoped(LEDGER),
    "ledger:deposit_receipt_cancel": _scoped(LEDGER),
    "ledger:contract_deposit_receive": _scoped(LEDGER),
    "ledger:contract_deposit_return": _scoped(LEDGER),
    "ledger:charge_regularisation_list": row(LEDGER, OK, NOT_FOUND),
    "ledger:charge_regularisation_create": row(LEDGER, OK, NOT_FOUND),
    "ledger:charge_regularisation_detail": _scoped(LEDGER),
    "ledger:charge_regularisation_send": _scoped(LEDGER),
    "ledger:charge_regularisation_post": _scoped(LEDGER),
    "ledger:charge_statement_pdf": _scoped(LEDGER),
    "ledger:redevance_account": _scoped(LEDGER),
    "ledger:redevance_call_issue": _post_only_scoped(),
    "ledger:redevance_payment_create": _scoped(LEDGER),
    "ledger:redevance_receipt_issue": _post_only_scoped(),
    "ledger:redevance_receipt_pdf": _scoped(LEDGER),
    "ledger:redevance_call_notice": _scoped(LEDGER),
}
POST_EXPECTED = {
    "ledger:payment_create": _scoped(LEDGER, SAVED),
    "ledger:repayment_plan_create": _scoped(LEDGER, SAVED),
    "ledger:repayment_plan_move": _scoped(LEDGER, SAVED),
    "ledger:arrears_letter_create": _scoped(LEDGER, SAVED),
    "ledger:receipt_issue": _scoped(LEDGER, SAVED),
    "ledger:transaction_reverse": _scoped(LEDGER, SAVED),
    "ledger:bank_line_match": _scoped(LEDGER, SAVED),
    "ledger:bank_line_split": _scoped(LEDGER, SAVED),
    "ledger:bank_line_split_redevances": _scoped(LEDGER, SAVED),
    "ledger:bank_line_link": _scoped(LEDGER, SAVED),
    "ledger:bank_line_link_redevances": _scoped(LEDGER, SAVED),
    "ledger:bank_line_ignore": _scoped(LEDGER, SAVED),
    "ledger:bank_line_clear": _scoped(LEDGER, SAVED),
    "ledger:bank_line_unclear": _scoped(LEDGER, SAVED),
    "ledger:owner_statement_issue": _scoped(LEDGER, SAVED),
    "ledger:owner_work_create": _scoped(LEDGER, SAVED),
    "ledger:lease_mail": _scoped(LEDGER, SAVED),
    "ledger:contract_mail": _scoped(LEDGER, SAVED),
    "ledger:notice_send": _scoped(LEDGER, SAVED),
    "ledger:contract_notice_send": _scoped(LEDGER, SAVED),
    "ledger:receipt_send": _scoped(LEDGER, SAVED),
    "ledger:run_notices_mail": _scoped(LEDGER, SAVED),
    "ledger:deposit_receive": _scoped(LEDGER, SAVED),
    "ledger:deposit_return": _scoped(LEDGER, SAVED),
    "ledger:deposit_release": _scoped(LEDGER, SAVED),
    "ledger:deposit_receipt_cancel": _scoped(LEDGER, SAVED),
    "ledger:contract_deposit_receive": _scoped(LEDGER, SAVED),
    "ledger:contract_deposit_return": _scoped(LEDGER, SAVED),
    "ledger:charge_regularisation_send": _scoped(LEDGER, SAVED),
    "ledger:charge_regularisation_post": _scoped(LEDGER, SAVED),
    "ledger:redevance_call_issue": _scoped(LEDGER, SAVED),
    "ledger:redevance_payment_create": _scoped(LEDGER, SAVED),
    "ledger:redevance_receipt_issue": _scoped(LEDGER, SAVED),
}
POST_UNSCOPED = {
    "ledger:month_end",
    "ledger:period_close",
    "ledger:ledger_opening",
    "ledger:bank_import",
    "ledger:bank_mapping_create",
    "ledger:payouts",
    "ledger:bank_details",
    "ledger:charge_regularisation_create",
}
CSRF_CASES = {
    "ledger:payment_create",
    "ledger:repayment_plan_create",
    "ledger:repayment_plan_move",
    "ledger:arrears_letter_create",
    "ledger:receipt_issue",
    "ledger:transaction_reverse",
    "ledger:month_end",
    "ledger:period_close",
    "ledger:ledger_opening",
    "ledger:bank_import",
    "ledger:bank_mapping_create",
    "ledger:bank_line_match",
    "ledger:bank_line_split",
    "ledger:bank_line_split_redevances",
    "ledger:bank_line_link",
    "ledger:bank_line_link_redevances",
    "ledger:bank_line_ignore",
    "ledger:bank_line_clear",
    "ledger:bank_line_unclear",
    "ledger:owner_statement_issue",
    "ledger:owner_work_create",
    "ledger:payouts",
    "ledger:bank_details",
    "ledger:lease_mail",
    "ledger:contract_mail",
    "ledger:notice_send",
    "ledger:receipt_send",
    "ledger:contract_notice_send",
    "ledger:run_notices_mail",
    "ledger:deposit_receive",
    "ledger:deposit_return",
    "ledger:deposit_release",
    "ledger:deposit_receipt_cancel",
    "ledger:contract_deposit_receive",
    "ledger:contract_deposit_return",
    "ledger:charge_regularisation_create",
    "ledger:charge_regularisation_send",
    "ledger:charge_regularisation_post",
    "ledger:redevance_call_issue",
    "ledger:redevance_payment_create",
    "ledger:redevance_receipt_issue",
}


def fillers(scenario, actor, scope):
    world = scenario.world
    return {
        "lease_id": lambda: lease_of(world, scope).pk,
        "account_id": lambda: entries_services.tenant_account(lease_of(world, scope)).pk,
        "rent_call_id": lambda: lease_of(world, scope).authz_call.pk,
        "receipt_id": lambda: lease_of(world, scope).authz_receipt.pk,
        "plan_id": lambda: active_plan_of(world, scope).pk,
        "letter_id": lambda: letter_of(world, scope).pk,
        "transaction_id": lambda: fresh_payment_transaction(world, scope),
        "run_id": lambda: run_of(world, scope).pk,
        "bank_statement_id": lambda: statement_of(world, scope).pk,
        "line_id": lambda: fresh_bank_line(world, scope),
        "owner_id": lambda: owner_of(world, scope).pk,
        "statement_id": lambda: owner_of(world, scope).authz_statement.pk,
        "batch_id": lambda: owner_of(world, scope).authz_batch.pk,
        "mailing_id": lambda: mailing_of(world, scope).pk,
        "deposit_id": lambda: fresh_deposit(world, scope),
        "movement_id": lambda: fresh_deposit_receipt(world, scope),
        "regularisation_id": lambda: fresh_regularisation(world, scope),
        "regularisation_line_id": lambda: regularisation_line_of(world, scope),
        "contract_id": lambda: redevance_of(world, scope).pk,
        "redevance_call_id": lambda: redevance_of(world, scope).authz_call.pk,
        "redevance_receipt_id": lambda: redevance_of(world, scope).authz_receipt.pk,
    }


def route_fillers(route_name, scenario, actor, scope):
    """The parameters a page fills from rows of its own, over `fillers` (a `deposit_id` there is a lease's deposit;
    a `contract_id` there is a contract without deposit)."""
    world = scenario.world
    if route_name == "ledger:contract_deposit_receive":
        return {"contract_id": lambda: receivable_contract_of(world, scope).pk}
    if route_name == "ledger:contract_deposit_return":
        return {"deposit_id": lambda: fresh_contract_deposit(world, scope)}
    return {}


def post_data(route_name, scenario, actor, scope):
    if route_name == "ledger:payment_create":
        return {"amount": "12.34", "received_on": "2026-01-15", "source": "caf", "reference": f"CAF-{actor}-{scope}"}
    if route_name == "ledger:receipt_issue":
        return {}
    if route_name == "ledger:repayment_plan_create":  # one plan in progress per lease: the previous one is cancelled
        cancel_active_plans(scenario.world, scope)
        return {"debt": "100,00", "start_month": f"{next_month():%Y-%m}", "count": "2", "note": f"Par {actor}"}
    if route_name == "ledger:repayment_plan_move":
        return {"status": "cancelled", "reason": f"Annulé par {actor}"}
    if route_name == "ledger:arrears_letter_create":
        return {"kind": "reminder"}
    if route_name == "ledger:transaction_reverse":
        return {"on": "2026-01-20"} | CONFIRMED
    if route_name == "ledger:bank_line_match":
        return {"lease": lease_of(scenario.world, scope).pk, "source": "tenant"}
    if route_name == "ledger:bank_line_split":
        return split_data(lease_of(scenario.world, scope))
    if route_name == "ledger:bank_line_split_redevances":
        return redevance_split_data(redevance_of(scenario.world, scope))
    if route_name == "ledger:bank_line_link":
        return {"payment": hand_payment_of(scenario.world, scope).pk}
    if route_name == "ledger:bank_line_link_redevances":
        return {"payments": [str(hand_redevance_payment_of(scenario.world, scope).pk)]}
    if route_name == "ledger:bank_line_ignore":
        return {"ignore": "1", "reason": f"Frais vus par {actor}"}
    if route_name == "ledger:bank_line_clear":
        return {"entries": [str(waiting_receipt_of(scenario.world, scope))]} | CONFIRMED
    if route_name == "ledger:bank_line_unclear":
        cleared_line_of(scenario.world, scope)
        return CONFIRMED
    if route_name == "ledger:owner_statement_issue":
        return {"month": f"{next_statement_month(owner_of(scenario.world, scope)):%Y-%m}"}
    if route_name == "ledger:owner_work_create":
        return {"invoice_date": "2026-01-15", "supplier": "Plomberie Martin", "label": "Fuite", "amount": "80.00"}
    if route_name in ("ledger:lease_mail", "ledger:contract_mail"):
        return {"given": "1", "on": "2026-01-03", "email": f"{actor}@example.org"}
    if route_name in ("ledger:notice_send", "ledger:receipt_send"):
        consent_of(scenario.world, scope)
        return {}
    if route_name == "ledger:contract_notice_send":
        contract_consent_of(scenario.world, scope)
        return {}
    if route_name == "ledger:run_notices_mail":
        fresh_month_mailing(scenario.world, scope)
        return {}
    if route_name == "ledger:deposit_receive":
        return {"amount": "1,00", "received_on": "2026-01-15"}
    if route_name == "ledger:deposit_return":
        return DEPOSIT_RETURN_DATA
    if route_name == "ledger:deposit_release":
        returned_with_provision(scenario.world, scope)
        return DEPOSIT_RELEASE_DATA
    if route_name == "ledger:deposit_receipt_cancel":
        return {"on": "2026-01-05"}
    if route_name == "ledger:contract_deposit_receive":
        return {"amount": "1,00", "received_on": "2026-01-15"}
    if route_name == "ledger:contract_deposit_return":
        return CONTRACT_DEPOSIT_RETURN_DATA
    if route_name == "ledger:charge_regularisation_send":
        return {"on": REGULARISATION_SENT_ON.isoformat()}
    if route_name == "ledger:charge_regularisation_post":
        sent_regularisation(scenario.world, scope)
        return {"on": "2026-03-02"}
    if route_name == "ledger:redevance_call_issue":  # a month of its own for each actor
        index = ROLES.index(actor) if actor in ROLES else 0
        return {"month": f"{add_months(date(2026, 2, 1), index):%Y-%m}"}
    if route_name == "ledger:redevance_payment_create":
        return {"amount": "12,34", "received_on": "2026-01-15", "source": "resident", "reference": f"{actor}-{scope}"}
    if route_name == "ledger:redevance_receipt_issue":
        return {}
    raise AssertionError(f"no POST data for {route_name}")


DEPOSIT_RELEASE_DATA = {"accounts_approved_on": "2026-01-25", "released_on": "2026-01-26"}


def returned_with_provision(world, scope):
    """The scope's fresh deposit, of a dwelling in a building, returned with 100 € kept until the accounts."""
    deposit = Deposit.objects.select_related("lease__dwelling").get(pk=cache(world, "deposits")[scope])
    dwelling = deposit.lease.dwelling
    dwelling.building = Building.objects.create(
        organisation_id=dwelling.organisation_id,
        name="Immeuble",
        address="1 rue",
        postal_code="13001",
        city="Marseille",
    )
    dwelling.save(update_fields=["building"])
    deposits_services.deposit_return(
        actor=manager_of(world, scope),
        deposit_id=deposit.pk,
        returned_on=date(2026, 1, 20),
        keys_returned_on=date(2026, 1, 10),
        inventory_matches=True,
        provision=Decimal("100.00"),
    )
    return deposit.pk


DEPOSIT_RETURN_DATA = {
    "returned_on": "2026-01-20",
    "keys_returned_on": "2026-01-10",
    "inventory_matches": "yes",
    "retenues-TOTAL_FORMS": "0",
    "retenues-INITIAL_FORMS": "0",
    "confirm": "1",
}


CONTRACT_DEPOSIT_RETURN_DATA = {
    "returned_on": "2026-01-20",
    "retenues-TOTAL_FORMS": "0",
    "retenues-INITIAL_FORMS": "0",
    "confirm": "1",
}


def state(route_name, scenario, actor, scope):
    if route_name.startswith("ledger:redevance_"):
        contract = redevance_of(scenario.world, scope)
        if route_name == "ledger:redevance_call_issue":
            return RedevanceCall.objects.filter(contract=contract).count()
        if route_name == "ledger:redevance_payment_create":
            return RedevancePayment.objects.filter(contract=contract).count()
        return RedevanceReceipt.objects.filter(call=contract.authz_call).count()
    if route_name == "ledger:contract_mail":
        return EmailConsent.objects.filter(contract=redevance_of(scenario.world, scope)).count()
    if route_name == "ledger:contract_notice_send":
        return DocumentEmail.objects.filter(contract=redevance_of(scenario.world, scope)).count()
    if route_name == "ledger:contract_deposit_receive":
        contract = receivable_contract_of(scenario.world, scope)
        return DepositMovement.objects.filter(deposit__residence_contract=contract).count()
    if route_name == "ledger:contract_deposit_return":
        return Deposit.objects.get(pk=cache(scenario.world, "contract_deposits")[scope]).returned_on
    lease = lease_of(scenario.world, scope)
    if route_name == "ledger:payment_create":
        return Payment.objects.filter(lease=lease).count()
    if route_name == "ledger:receipt_issue":
        return RentReceipt.objects.filter(rent_call=lease.authz_call).count()
    if route_name == "ledger:repayment_plan_create":
        return RepaymentPlan.objects.filter(lease=lease).count()
    if route_name == "ledger:repayment_plan_move":
        return RepaymentPlanChange.objects.filter(plan__lease=lease).count()
    if route_name == "ledger:arrears_letter_create":
        return ArrearsLetter.objects.filter(lease=lease).count()
    if route_name == "ledger:transaction_reverse":
        last = cache(scenario.world, "last_transaction")[scope]
        return Transaction.objects.filter(reversal_of_id=last).exists()
    if route_name in (
        "ledger:bank_line_match",
        "ledger:bank_line_split",
        "ledger:bank_line_split_redevances",
        "ledger:bank_line_link",
        "ledger:bank_line_link_redevances",
        "ledger:bank_line_ignore",
        "ledger:bank_line_clear",
    ):
        return BankLine.objects.get(pk=cache(scenario.world, "bank_lines")[scope].pk).state
    if route_name == "ledger:bank_line_unclear":
        return unclear_reversals(cache(scenario.world, "bank_lines")[scope])
    if route_name == "ledger:owner_statement_issue":
        return OwnerStatement.objects.filter(owner=owner_of(scenario.world, scope)).count()
    if route_name == "ledger:owner_work_create":
        return OwnerWork.objects.filter(owner=owner_of(scenario.world, scope)).count()
    if route_name == "ledger:lease_mail":
        return EmailConsent.objects.filter(lease=lease).count()
    if route_name in ("ledger:notice_send", "ledger:receipt_send"):
        return DocumentEmail.objects.filter(lease=lease).count()
    if route_name == "ledger:run_notices_mail":
        return NoticeMailing.objects.filter(run=run_of(scenario.world, scope)).count()
    if route_name == "ledger:deposit_receive":
        return DepositMovement.objects.filter(deposit__lease=lease).count()
    if route_name == "ledger:deposit_return":
        return Deposit.objects.get(pk=cache(scenario.world, "deposits")[scope]).returned_on
    if route_name == "ledger:deposit_release":
        deposit_id = cache(scenario.world, "deposits")[scope]
        return DepositMovement.objects.filter(deposit_id=deposit_id, kind="released").count()
    if route_name == "ledger:deposit_receipt_cancel":
        receipt = DepositMovement.objects.get(pk=cache(scenario.world, "deposit_receipts")[scope])
        return DepositMovement.objects.filter(deposit_id=receipt.deposit_id, kind="cancelled").count()
    if route_name == "ledger:charge_regularisation_send":
        return ChargeRegularisation.objects.get(pk=cache(scenario.world, "regularisations")[scope]).statements_sent_on
    if route_name == "ledger:charge_regularisation_post":
        return ChargeRegularisation.objects.get(pk=cache(scenario.world, "regularisations")[scope]).posted_on
    raise AssertionError(f"no state for {route_name}")


# --- CSRF -------------------------------------------------------------------------------------------------------


def csrf_case(name, world) -> CsrfCase:
    accountant = world.users["accountant"]
    client = logged_in(accountant)
    lease = lease_of(world, "own_team")
    account_page = reverse("ledger:lease_account", args=[lease.pk])
    if name == "ledger:payment_create":
        url = reverse(name, args=[lease.pk])
        data = {"amount": "20.00", "received_on": "2026-01-16", "source": "tenant", "reference": "CSRF-1"}
        return CsrfCase(client, url, url, data, lambda: lease.payments.filter(reference="CSRF-1").exists())
    if name.startswith("ledger:redevance_"):
        return _redevance_csrf_case(name, world, client)
    if name == "ledger:contract_mail":
        url = reverse(name, args=[redevance_of(world, "own_team").pk])
        data = {"given": "1", "on": "2026-01-03", "email": "csrf-resident@example.org"}
        return CsrfCase(client, url, url, data, EmailConsent.objects.filter(email="csrf-resident@example.org").exists)
    if name == "ledger:contract_notice_send":
        contract = redevance_of(world, "own_team")
        contract_consent_of(world, "own_team")
        url = reverse(name, args=[contract.authz_call.pk])
        sent = DocumentEmail.objects.filter(contract=contract).exists
        return CsrfCase(client, reverse("ledger:contract_mail", args=[contract.pk]), url, {}, sent)
    if name == "ledger:contract_deposit_receive":
        contract = receivable_contract_of(world, "own_team")
        url = reverse(name, args=[contract.pk])
        received = DepositMovement.objects.filter(deposit__residence_contract=contract).exists
        return CsrfCase(client, url, url, {"amount": "2,00", "received_on": "2026-01-16"}, received)
    if name == "ledger:contract_deposit_return":
        deposit_id = fresh_contract_deposit(world, "own_team")
        url = reverse(name, args=[deposit_id])
        returned = Deposit.objects.filter(pk=deposit_id, returned_on__isnull=False).exists
        return CsrfCase(client, url, url, CONTRACT_DEPOSIT_RETURN_DATA, returned)
    if name == "ledger:repayment_plan_create":
        url = reverse(name, args=[lease.pk])
        data = {"debt": "100,00", "start_month": f"{next_month():%Y-%m}", "count": "2", "note": "CSRF"}
        return CsrfCase(client, url, url, data, lambda: RepaymentPlan.objects.filter(note="CSRF").exists())
    if name == "ledger:repayment_plan_move":
        plan = active_plan_of(world, "own_team")
        url = reverse(name, args=[plan.pk])
        saved = lambda: RepaymentPlanChange.objects.filter(plan=plan).exists()  # noqa: E731
        page = reverse("ledger:repayment_plan_detail", args=[plan.pk])
        return CsrfCase(client, page, url, {"status": "cancelled", "reason": "CSRF"}, saved)
    if name == "ledger:arrears_letter_create":
        count = ArrearsLetter.objects.filter(lease=lease).count()
        url = reverse(name, args=[lease.pk])
        saved = lambda: ArrearsLetter.objects.filter(lease=lease).count() > count  # noqa: E731
        return CsrfCase(client, account_page, url, {"kind": "reminder"}, saved)
    if name == "ledger:receipt_issue":
        count = RentReceipt.objects.filter(rent_call=lease.authz_call).count()
        url = reverse(name, args=[lease.authz_call.pk])
        saved = lambda: RentReceipt.objects.filter(rent_call=lease.authz_call).count() > count  # noqa: E731
        return CsrfCase(client, account_page, url, {}, saved)
    if name == "ledger:transaction_reverse":
        transaction_id = fresh_payment_transaction(world, "own_team")
        url = reverse(name, args=[transaction_id])
        saved = lambda: Transaction.objects.filter(reversal_of_id=transaction_id).exists()  # noqa: E731
        return CsrfCase(client, url, url, {"on": "2026-01-20"} | CONFIRMED, saved)
    if name == "ledger:month_end":
        url = reverse(name)
        saved = lambda: RentCallRun.objects.filter(month=date(2026, 2, 1)).exists()  # noqa: E731
        return CsrfCase(client, url, url, {"month": "2026-02"}, saved)
    if name == "ledger:ledger_opening":
        url = reverse(name)
        saved = lambda: LedgerSettings.objects.filter(opened_on=date(2000, 1, 3)).exists()  # noqa: E731
        return CsrfCase(client, reverse("ledger:month_end"), url, {"opening-opened_on": "2000-01-03"}, saved)
    if name == "ledger:period_close":
        url = reverse(name)
        saved = lambda: PeriodClose.objects.filter(month=date(2025, 12, 1)).exists()  # noqa: E731
        return CsrfCase(client, reverse("ledger:month_end"), url, {"close-month": "2025-12"} | CONFIRMED, saved)
    if name == "ledger:bank_import":
        url = reverse(name)
        mapping = BankCsvMapping.objects.get_or_create(
            organisation=world.organisation,
            name="Banque CSRF",
            defaults={"date_column": "Date", "label_column": "Libellé", "amount_column": "Montant"},
        )[0]
        content = "Date;Libellé;Montant\n15/01/2026;VIR CSRF;42,00\n".encode()
        data = {"file": SimpleUploadedFile("csrf.csv", content), "file_format": "csv", "mapping": mapping.pk}
        saved = lambda: BankStatement.objects.filter(file_name="csrf.csv").exists()  # noqa: E731
        return _FileCsrfCase(client, url, url, data, saved)
    if name == "ledger:bank_mapping_create":
        url = reverse(name)
        data = {"name": "Banque CSRF 2", "date_column": "D", "label_column": "L", "amount_column": "M"}
        data |= {"delimiter": ";", "date_format": "%d/%m/%Y", "encoding": "utf-8"}
        saved = lambda: BankCsvMapping.objects.filter(name="Banque CSRF 2").exists()  # noqa: E731
        return CsrfCase(client, url, url, data, saved)
    if name in (
        "ledger:bank_line_match",
        "ledger:bank_line_split",
        "ledger:bank_line_split_redevances",
        "ledger:bank_line_link",
        "ledger:bank_line_link_redevances",
        "ledger:bank_line_ignore",
        "ledger:bank_line_clear",
    ):
        line_id = fresh_bank_line(world, "own_team")
        url = reverse(name, args=[line_id])
        data = {
            "ledger:bank_line_match": lambda: {"lease": lease.pk, "source": "tenant"},
            "ledger:bank_line_split": lambda: split_data(lease),
            "ledger:bank_line_split_redevances": lambda: redevance_split_data(redevance_of(world, "own_team")),
            "ledger:bank_line_link": lambda: {"payment": hand_payment_of(world, "own_team").pk},
            "ledger:bank_line_link_redevances": lambda: {
                "payments": [str(hand_redevance_payment_of(world, "own_team").pk)]
            },
            "ledger:bank_line_ignore": lambda: {"ignore": "1", "reason": "x"},
            "ledger:bank_line_clear": lambda: {"entries": [str(waiting_receipt_of(world, "own_team"))]} | CONFIRMED,
        }[name]()
        saved = lambda: BankLine.objects.get(pk=line_id).state != "unmatched"  # noqa: E731
        return CsrfCase(client, reverse("ledger:bank_line", args=[line_id]), url, data, saved)
    if name == "ledger:bank_line_unclear":
        fresh_bank_line(world, "own_team")
        line = cleared_line_of(world, "own_team")
        url = reverse(name, args=[line.pk])
        saved = lambda: BankLine.objects.get(pk=line.pk).state == "unmatched"  # noqa: E731
        return CsrfCase(client, reverse("ledger:bank_line", args=[line.pk]), url, CONFIRMED, saved)
    if name == "ledger:owner_statement_issue":
        owner = owner_of(world, "own_team")
        month = next_statement_month(owner)
        url = reverse(name, args=[owner.pk])
        saved = lambda: OwnerStatement.objects.filter(owner=owner, month=month).exists()  # noqa: E731
        return CsrfCase(client, reverse("ledger:owner_statements"), url, {"month": f"{month:%Y-%m}"}, saved)
    if name == "ledger:owner_work_create":
        owner = owner_of(world, "own_team")
        url = reverse(name, args=[owner.pk])
        data = {"invoice_date": "2026-01-15", "supplier": "Menuiserie CSRF", "label": "Porte", "amount": "90.00"}
        saved = lambda: OwnerWork.objects.filter(owner=owner, supplier="Menuiserie CSRF").exists()  # noqa: E731
        return CsrfCase(client, url, url, data, saved)
    if name == "ledger:payouts":
        owner = owner_of(world, "own_team")
        lease = owner.mandates.get().leases.get()
        rent_services.payment_record(
            actor=accountant, lease_id=lease.pk, amount=Decimal("200.00"), received_on=date(2025, 6, 8), source="tenant"
        )
        statement, _created = owners_services.owner_statement_issue(
            actor=accountant, owner_id=owner.pk, month=date(2025, 6, 1), on=STATEMENT_ON
        )
        url = reverse(name)
        data = {"statements": [str(statement.pk)], "execution_date": timezone.localdate().isoformat()} | CONFIRMED
        saved = lambda: OwnerStatement.objects.filter(pk=statement.pk, payout__isnull=False).exists()  # noqa: E731
        return CsrfCase(client, url, url, data, saved)
    if name == "ledger:bank_details":
        url = reverse(name)
        data = {"holder_name": "Association CSRF", "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP"}
        saved = lambda: BankDetails.objects.filter(holder_name="Association CSRF").exists()  # noqa: E731
        return CsrfCase(client, url, url, data, saved)
    if name == "ledger:lease_mail":
        url = reverse(name, args=[lease.pk])
        data = {"given": "1", "on": "2026-01-03", "email": "csrf@example.org"}
        return CsrfCase(client, url, url, data, EmailConsent.objects.filter(email="csrf@example.org").exists)
    if name in ("ledger:notice_send", "ledger:receipt_send"):
        consent_of(world, "own_team")
        target = lease.authz_call.pk if name == "ledger:notice_send" else lease.authz_receipt.pk
        url = reverse(name, args=[target])
        sent = DocumentEmail.objects.filter(lease=lease).exists
        return CsrfCase(client, reverse("ledger:lease_mail", args=[lease.pk]), url, {}, sent)
    if name == "ledger:run_notices_mail":
        run = run_of(world, "own_team")
        fresh_month_mailing(world, "own_team")
        url = reverse(name, args=[run.pk])
        saved = NoticeMailing.objects.filter(run=run, status=RunStatus.QUEUED).exists
        return CsrfCase(client, reverse("ledger:run_detail", args=[run.pk]), url, {}, saved)
    if name == "ledger:deposit_receive":
        url = reverse(name, args=[lease.pk])
        count = DepositMovement.objects.filter(deposit__lease=lease).count()
        saved = lambda: DepositMovement.objects.filter(deposit__lease=lease).count() > count  # noqa: E731
        return CsrfCase(client, url, url, {"amount": "2,00", "received_on": "2026-01-16"}, saved)
    if name == "ledger:deposit_return":
        deposit_id = fresh_deposit(world, "own_team")
        url = reverse(name, args=[deposit_id])
        saved = lambda: Deposit.objects.get(pk=deposit_id).returned_on is not None  # noqa: E731
        return CsrfCase(client, url, url, DEPOSIT_RETURN_DATA, saved)
    if name == "ledger:deposit_release":
        fresh_deposit(world, "own_team")
        deposit_id = returned_with_provision(world, "own_team")
        url = reverse(name, args=[deposit_id])
        released = DepositMovement.objects.filter(deposit_id=deposit_id, kind="released").exists
        return CsrfCase(client, url, url, DEPOSIT_RELEASE_DATA, released)
    if name == "ledger:deposit_receipt_cancel":
        receipt_id = fresh_deposit_receipt(world, "own_team")
        url = reverse(name, args=[receipt_id])
        receipt = DepositMovement.objects.get(pk=receipt_id)
        cancelled = DepositMovement.objects.filter(deposit_id=receipt.deposit_id, kind="cancelled").exists
        return CsrfCase(client, url, url, {"on": "2026-01-05"}, cancelled)
    if name == "ledger:charge_regularisation_create":
        url = reverse(name)
        data = {"dwelling": lease.dwelling_id, "period_start": "2025-10-01", "period_end": "2025-10-31"}
        saved = ChargeRegularisation.objects.filter(period_start=date(2025, 10, 1)).exists
        return CsrfCase(client, url, url, data | {"waste_tax": "31,00"}, saved)
    if name in ("ledger:charge_regularisation_send", "ledger:charge_regularisation_post"):
        regularisation_id = fresh_regularisation(world, "own_team")
        url = reverse(name, args=[regularisation_id])
        if name == "ledger:charge_regularisation_send":
            saved = ChargeRegularisation.objects.filter(pk=regularisation_id, statements_sent_on__isnull=False).exists
            return CsrfCase(client, url, url, {"on": REGULARISATION_SENT_ON.isoformat()}, saved)
        sent_regularisation(world, "own_team")
        saved = ChargeRegularisation.objects.filter(pk=regularisation_id, posted_on__isnull=False).exists
        return CsrfCase(client, url, url, {"on": "2026-03-02"}, saved)
    raise AssertionError(f"no CSRF case for {name}")


class _FileCsrfCase(CsrfCase):
    """An upload: the file is read by each POST, so each POST gets it again from the start."""

    def __getattribute__(self, name):
        value = super().__getattribute__(name)
        if name == "data":
            for item in value.values():
                if hasattr(item, "seek"):
                    item.seek(0)
        return value


def post_probe_values(world):
    return {
        "lease_id": uuid.uuid4(),
        "account_id": uuid.uuid4(),
        "rent_call_id": uuid.uuid4(),
        "receipt_id": uuid.uuid4(),
        "plan_id": uuid.uuid4(),
        "letter_id": uuid.uuid4(),
        "transaction_id": uuid.uuid4(),
        "run_id": uuid.uuid4(),
        "bank_statement_id": uuid.uuid4(),
        "line_id": uuid.uuid4(),
        "owner_id": uuid.uuid4(),
        "statement_id": uuid.uuid4(),
        "batch_id": uuid.uuid4(),
        "mailing_id": uuid.uuid4(),
        "deposit_id": uuid.uuid4(),
        "movement_id": uuid.uuid4(),
        "regularisation_id": uuid.uuid4(),
        "regularisation_line_id": uuid.uuid4(),
        "redevance_call_id": uuid.uuid4(),
        "redevance_receipt_id": uuid.uuid4(),
    }


def _redevance_csrf_case(name, world, client) -> CsrfCase:
    contract = redevance_of(world, "own_team")
    account_page = reverse("ledger:redevance_account", args=[contract.pk])
    if name == "ledger:redevance_call_issue":
        url = reverse(name, args=[contract.pk])
        saved = lambda: RedevanceCall.objects.filter(contract=contract, period=date(2027, 12, 1)).exists()  # noqa: E731
        return CsrfCase(client, account_page, url, {"month": "2027-12"}, saved)
    if name == "ledger:redevance_payment_create":
        url = reverse(name, args=[contract.pk])
        data = {"amount": "20,00", "received_on": "2026-01-16", "source": "resident", "reference": "CSRF-R"}
        saved = lambda: RedevancePayment.objects.filter(contract=contract, reference="CSRF-R").exists()  # noqa: E731
        return CsrfCase(client, url, url, data, saved)
    count = RedevanceReceipt.objects.filter(call=contract.authz_call).count()
    url = reverse(name, args=[contract.authz_call.pk])
    saved = lambda: RedevanceReceipt.objects.filter(call=contract.authz_call).count() > count  # noqa: E731
    return CsrfCase(client, account_page, url, {}, saved)
