"""The rows behind the ledger's URLs for the authorization matrix and the CSRF suite (tests/authz_ledger.py): leases,
plans, letters, runs, bank statements and lines, owners and their statements, mailings, deposits, charge
regularisations and residence contracts of each scope (the own team's household, the other team's, another
organisation's), each made lazily and cached on the module's world; a `fresh_…` row is new at every call (a write
that consumes it)."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.leases import services as lease_services
from habiter.leases.tests.factories import make_owner
from habiter.ledger.bank import services as bank_services
from habiter.ledger.charges import services as charges_services
from habiter.ledger.deposits import contracts as contract_deposits
from habiter.ledger.deposits import services as deposits_services
from habiter.ledger.models import (
    BankDetails,
    BankLine,
    BankStatement,
    ChargeRegularisationLine,
    Deposit,
    DocumentEmail,
    EmailConsent,
    NoticeMailing,
    OwnerStatement,
    RentCallRun,
    RepaymentPlan,
    RunStatus,
    Transaction,
)
from habiter.ledger.owners import services as owners_services
from habiter.ledger.redevance import services as redevance_services
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_mandate_lease, make_signed_lease
from habiter.residences import services as residence_services


def cache(world, key):
    return world.__dict__.setdefault(f"_ledger_{key}", {})


def manager_of(world, scope):
    if scope != "other_org":
        return world.users["rental_manager"]
    managers = cache(world, "managers")
    if "foreign" not in managers:
        managers["foreign"] = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
    return managers["foreign"]


def _households(world):
    return {
        "own_team": world.own_household,
        "other_team": world.other_team_household,
        "other_org": world.other_org_household,
    }


def lease_of(world, scope):
    """A signed lease of the scope's household with the January 2026 rent called and partly paid (made once)."""
    leases = cache(world, "leases")
    if scope not in leases:
        manager = manager_of(world, scope)
        lease = make_signed_lease(manager, _households(world)[scope], start=date(2025, 9, 1), deposit=Decimal("500.00"))
        call, _created = rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))
        rent_services.payment_record(
            actor=manager, lease_id=lease.pk, amount=Decimal("100.00"), received_on=date(2026, 1, 8), source="tenant"
        )
        lease.authz_call = call
        lease.authz_receipt = rent_services.receipt_issue(actor=manager, rent_call_id=call.pk, on=date(2026, 1, 9))
        leases[scope] = lease
    return leases[scope]


def _director_of(world, scope):
    """A director of the scope's organisation: residences, places and contracts are theirs to make."""
    if scope != "other_org":
        return world.users["director"]
    managers = cache(world, "managers")
    if "director" not in managers:
        managers["director"] = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    return managers["director"]


def redevance_of(world, scope):
    """An active residence contract of the scope's household (a place of its own residence) with its redevance, the
    January 2026 redevance called and partly paid by the CAF, and the reçu of that payment (made once)."""
    contracts = cache(world, "redevances")
    if scope not in contracts:
        director = _director_of(world, scope)
        residence = residence_services.residence_create(
            actor=director,
            data={
                "name": f"Pension redevance {scope}",
                "kind": "pension_de_famille",
                "address": "3 rue des Lilas",
                "postal_code": "13003",
                "city": "Marseille",
            },
        )
        residence_services.house_rules_add(
            actor=director, residence_id=residence.pk, valid_from=date(2025, 1, 6), text="Article 1"
        )
        place, _warning = residence_services.place_create(
            actor=director,
            residence_id=residence.pk,
            data={"label": "R1", "kind": "studio", "typology": "T1", "surface": Decimal("20")},
        )
        member = _households(world)[scope].members.first()
        contract = residence_services.contract_create(
            actor=director, place_id=place.pk, resident_id=member.pk, starts_on=date(2026, 1, 5)
        )
        residence_services.contract_initial(actor=director, contract_id=contract.pk, ri_initialled_on=date(2026, 1, 5))
        contract = residence_services.contract_activate(actor=director, contract_id=contract.pk)
        residence_services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=date(2026, 1, 5),
            lines=[
                {"kind": "equivalence_loyer", "label": "", "amount": Decimal("300.00")},
                {"kind": "charges", "label": "", "amount": Decimal("50.00")},
            ],
        )
        manager = manager_of(world, scope)
        call, _created = redevance_services.redevance_call_issue(
            actor=manager, contract_id=contract.pk, period=date(2026, 1, 1)
        )
        redevance_services.redevance_payment_record(
            actor=manager, contract_id=contract.pk, amount=Decimal("100.00"), received_on=date(2026, 1, 8), source="caf"
        )
        contract.authz_call = call
        contract.authz_receipt = redevance_services.redevance_receipt_issue(
            actor=manager, call_id=call.pk, on=date(2026, 1, 9)
        )
        contracts[scope] = contract
    return contracts[scope]


CONTRACT_DEPOSIT = Decimal("150.00")


def _deposit_contract(world, scope):
    """A new active contract of the scope's household from 5 January 2026, in a new place of the scope's residence
    asking 150.00 € of deposit (made once, with its rules): the contract copies that deposit."""
    director = _director_of(world, scope)
    residences = cache(world, "deposit_residences")
    if scope not in residences:
        residences[scope] = residence_services.residence_create(
            actor=director,
            data={
                "name": f"Pension dépôt {scope}",
                "kind": "pension_de_famille",
                "address": "5 rue des Lilas",
                "postal_code": "13003",
                "city": "Marseille",
                "deposit_amount": CONTRACT_DEPOSIT,
            },
        )
        residence_services.house_rules_add(
            actor=director, residence_id=residences[scope].pk, valid_from=date(2025, 1, 6), text="Article 1"
        )
    places = cache(world, "deposit_places")
    places[scope] = places.get(scope, 0) + 1
    place, _warning = residence_services.place_create(
        actor=director,
        residence_id=residences[scope].pk,
        data={"label": f"D{places[scope]}", "kind": "studio", "typology": "T1", "surface": Decimal("20")},
    )
    member = _households(world)[scope].members.first()
    contract = residence_services.contract_create(
        actor=director, place_id=place.pk, resident_id=member.pk, starts_on=date(2026, 1, 5)
    )
    residence_services.contract_initial(actor=director, contract_id=contract.pk, ri_initialled_on=date(2026, 1, 5))
    return residence_services.contract_activate(actor=director, contract_id=contract.pk)


def receivable_contract_of(world, scope):
    """An active contract of the scope's household whose 150.00 € of deposit is not received yet (made once): each
    receipt takes a part of it."""
    contracts = cache(world, "receivable_contracts")
    if scope not in contracts:
        contracts[scope] = _deposit_contract(world, scope)
    return contracts[scope]


def fresh_contract_deposit(world, scope):
    """The deposit of a new contract of the scope's household, its 150.00 € received on 5 January 2026 and the
    resident gone on 10 January (each return needs its own); remembered for `state`."""
    contract = _deposit_contract(world, scope)
    contract_deposits.contract_deposit_receive(
        actor=manager_of(world, scope), contract_id=contract.pk, received_on=date(2026, 1, 5)
    )
    residence_services.contract_exit(
        actor=_director_of(world, scope),
        contract_id=contract.pk,
        left_on=date(2026, 1, 10),
        exit_destination="social_housing",
    )
    deposit = Deposit.objects.get(residence_contract=contract)
    cache(world, "contract_deposits")[scope] = deposit.pk
    return deposit.pk


def mandate_lease_of(world, scope):
    """A signed lease of the scope's household under an owner's management mandate, on which the association may
    advance rent (made once)."""
    leases = cache(world, "mandate_leases")
    if scope not in leases:
        manager = manager_of(world, scope)
        lease = make_mandate_lease(manager, _households(world)[scope], start=date(2025, 9, 1))
        rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 1, 1))
        rent_services.payment_record(
            actor=manager, lease_id=lease.pk, amount=Decimal("100.00"), received_on=date(2026, 1, 8), source="tenant"
        )
        leases[scope] = lease
    return leases[scope]


def next_month():
    today = timezone.localdate()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def cancel_active_plans(world, scope):
    lease = lease_of(world, scope)
    for plan in RepaymentPlan.objects.filter(lease=lease, status="active"):
        rent_services.repayment_plan_move(
            actor=manager_of(world, scope), plan_id=plan.pk, status="cancelled", reason="Nouveau plan"
        )


def active_plan_of(world, scope):
    """The plan in progress on the scope's lease (its January 2026 rent is partly unpaid), made when none is."""
    lease = lease_of(world, scope)
    plan = RepaymentPlan.objects.filter(lease=lease, status="active").first()
    if plan is None:
        plan = rent_services.repayment_plan_create(
            actor=manager_of(world, scope), lease_id=lease.pk, start_month=next_month(), count=3
        )
    return plan


def letter_of(world, scope):
    letters = cache(world, "letters")
    if scope not in letters:
        lease = lease_of(world, scope)
        letters[scope] = rent_services.arrears_letter_send(
            actor=manager_of(world, scope), lease_id=lease.pk, kind="reminder"
        )
    return letters[scope]


def fresh_deposit_receipt(world, scope):
    """A deposit receipt of a new lease of the scope's household (each cancellation needs its own)."""
    manager = manager_of(world, scope)
    lease = make_signed_lease(manager, _households(world)[scope], start=date(2025, 9, 1), deposit=Decimal("500.00"))
    receipt = deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    cache(world, "deposit_receipts")[scope] = receipt.pk
    return receipt.pk


def fresh_deposit(world, scope):
    """A new ended lease of the scope's household with its deposit received (each return needs its own);
    remembered for `state`."""
    manager = manager_of(world, scope)
    lease = make_signed_lease(manager, _households(world)[scope], start=date(2025, 9, 1), deposit=Decimal("500.00"))
    deposits_services.deposit_receive(actor=manager, lease_id=lease.pk, received_on=date(2025, 9, 2))
    lease_services.lease_end(
        actor=manager, lease_id=lease.pk, end_date=date(2026, 1, 10), moved_out_on=date(2026, 1, 10)
    )
    deposit = Deposit.objects.get(lease=lease)
    cache(world, "deposits")[scope] = deposit.pk
    return deposit.pk


def run_of(world, scope):
    """A finished run of January 2026 in the scope's organisation, whose month has the scope's lease called."""
    lease_of(world, scope)
    runs = cache(world, "runs")
    organisation = world.other_organisation if scope == "other_org" else world.organisation
    if organisation.pk not in runs:
        runs[organisation.pk] = RentCallRun.objects.create(
            organisation=organisation,
            month=date(2026, 1, 1),
            status=RunStatus.DONE,
            total=1,
            done=1,
            issued=1,
            started_by=manager_of(world, scope),
        )
    return runs[organisation.pk]


def fresh_payment_transaction(world, scope):
    """A new payment on the scope's lease (each reversal needs its own); remembered for `state`."""
    lease = lease_of(world, scope)
    payment = rent_services.payment_record(
        actor=manager_of(world, scope),
        lease_id=lease.pk,
        amount=Decimal("10.00"),
        received_on=date(2026, 1, 12),
        source="tenant",
    )
    cache(world, "last_transaction")[scope] = payment.transaction_id
    return payment.transaction_id


def statement_of(world, scope):
    """An imported statement of the scope's organisation, with one line (made once per organisation)."""
    statements = cache(world, "statements")
    organisation = world.other_organisation if scope == "other_org" else world.organisation
    if organisation.pk not in statements:
        statements[organisation.pk] = BankStatement.objects.create(
            organisation=organisation,
            file_name="releve.csv",
            file_format="csv",
            first_day=date(2026, 1, 5),
            last_day=date(2026, 1, 5),
            line_count=0,
            new_count=0,
            imported_by=manager_of(world, scope),
        )
    return statements[organisation.pk]


def fresh_bank_line(world, scope):
    """A new unmatched bank line of the scope's organisation (each match or setting aside needs its own);
    remembered for `state`."""
    statement = statement_of(world, scope)
    lines = cache(world, "bank_lines")
    line = BankLine.objects.create(
        organisation_id=statement.organisation_id,
        booked_on=date(2026, 1, 14),
        amount=Decimal("25.00"),
        label="VIR LOYER",
        bank_reference=f"AUTHZ-{uuid.uuid4().hex[:12]}",
    )
    line.statements.add(statement)
    lines[scope] = line
    return line.pk


def waiting_receipt_of(world, scope):
    """A deposit receipt of 25.00 (the amount of `fresh_bank_line`) of a new lease of the scope's household, waiting
    on 511200 for its bank line (a new one each time): the entry a clearing takes."""
    manager = manager_of(world, scope)
    lease = make_signed_lease(manager, _households(world)[scope], start=date(2025, 9, 1), deposit=Decimal("500.00"))
    receipt = deposits_services.deposit_receive(
        actor=manager, lease_id=lease.pk, received_on=date(2026, 1, 14), amount=Decimal("25.00")
    )
    return receipt.transaction_id


def cleared_line_of(world, scope):
    """The scope's bank line of `fresh_bank_line` (25.00), cleared with a new waiting deposit receipt of 25.00: a
    clearing to undo."""
    line = cache(world, "bank_lines")[scope]
    bank_services.bank_line_clear(
        actor=manager_of(world, scope), line_id=line.pk, entry_ids=[waiting_receipt_of(world, scope)]
    )
    return line


def unclear_reversals(line) -> int:
    """How many times the line's clearing was undone: its bank entries reversed."""
    return Transaction.objects.filter(
        organisation_id=line.organisation_id,
        source_type="bank_line",
        source_id=line.bank_reference,
        reversal_of__isnull=False,
    ).count()


def split_data(lease):
    """The split form: the whole line (25.00) paid by the CAF for one lease."""
    return {
        "source": "caf",
        "part-TOTAL_FORMS": "2",
        "part-INITIAL_FORMS": "0",
        "part-0-lease": str(lease.pk),
        "part-0-amount": "25,00",
        "part-1-lease": "",
        "part-1-amount": "",
    }


def redevance_split_data(contract):
    """The APL-foyer split form: the whole line (25.00) paid by the CAF for one residence contract."""
    return {
        "apl-TOTAL_FORMS": "2",
        "apl-INITIAL_FORMS": "0",
        "apl-0-contract": str(contract.pk),
        "apl-0-amount": "25,00",
        "apl-1-contract": "",
        "apl-1-amount": "",
    }


def hand_payment_of(world, scope):
    """A payment of the amount of `fresh_bank_line` (25.00) recorded by hand for the scope's lease, not yet linked to
    a bank line (a new one each time)."""
    lease = lease_of(world, scope)
    return rent_services.payment_record(
        actor=manager_of(world, scope),
        lease_id=lease.pk,
        amount=Decimal("25.00"),
        received_on=date(2026, 1, 13),
        source="tenant",
    )


def hand_redevance_payment_of(world, scope):
    """An APL-foyer of the amount of `fresh_bank_line` (25.00) typed by hand for the scope's residence contract, from
    the CAF, a day before the line, not yet linked to a bank line (a new one each time)."""
    return redevance_services.redevance_payment_record(
        actor=manager_of(world, scope),
        contract_id=redevance_of(world, scope).pk,
        amount=Decimal("25.00"),
        received_on=date(2026, 1, 13),
        source="caf",
    )


STATEMENT_ON = date(2026, 3, 10)


def owner_of(world, scope):
    """An owner with a mandate lease of the scope's household, May 2025 collected, reported and paid out (made
    once); its organisation has bank details."""
    owners = cache(world, "owners")
    if scope not in owners:
        manager = manager_of(world, scope)
        organisation = manager.organisation
        BankDetails.objects.get_or_create(
            organisation=organisation,
            defaults={
                "holder_name": organisation.name,
                "iban": "FR1420041010050500013M02606",
                "bic": "PSSTFRPPMAR",
                "updated_by": manager,
            },
        )
        owner = make_owner(organisation, name=f"Mandant {scope}")
        lease = make_mandate_lease(manager, _households(world)[scope], owner=owner, start=date(2025, 1, 1))
        rent_services.payment_record(
            actor=manager, lease_id=lease.pk, amount=Decimal("400.00"), received_on=date(2025, 5, 8), source="tenant"
        )
        statement, _created = owners_services.owner_statement_issue(
            actor=manager, owner_id=owner.pk, month=date(2025, 5, 1), on=STATEMENT_ON
        )
        owner.authz_statement = statement
        owner.authz_batch = owners_services.payout_batch_create(
            actor=manager, statement_ids=[statement.pk], execution_date=timezone.localdate(), on=timezone.localdate()
        )
        owners[scope] = owner
    return owners[scope]


def next_statement_month(owner) -> date:
    """The month after the owner's latest statement: the next one that can be issued."""
    latest = OwnerStatement.objects.filter(owner=owner).order_by("-month").first().month
    return date(latest.year + latest.month // 12, latest.month % 12 + 1, 1)


def _consent(world, scope, key, email, **holder):
    consents = cache(world, key)
    if scope not in consents:
        (holder_row,) = holder.values()
        consents[scope] = EmailConsent.objects.create(
            organisation_id=holder_row.organisation_id,
            given=True,
            on=date(2026, 1, 2),
            email=email,
            recorded_by=manager_of(world, scope),
            **holder,
        )
    return consents[scope]


def contract_consent_of(world, scope):
    """The scope's resident agreed to e-mail, on the residence contract (made once)."""
    return _consent(world, scope, "contract_consents", "resident@example.org", contract=redevance_of(world, scope))


def consent_of(world, scope):
    """The scope's tenant agreed to e-mail (made once)."""
    return _consent(world, scope, "consents", "locataire@example.org", lease=lease_of(world, scope))


def mailing_of(world, scope):
    """A finished mailing of the scope's organisation's January run (made once per organisation)."""
    run = run_of(world, scope)
    mailings = cache(world, "mailings")
    if run.pk not in mailings:
        mailings[run.pk] = NoticeMailing.objects.create(
            organisation_id=run.organisation_id, run=run, status=RunStatus.DONE, started_by=run.started_by
        )
    return mailings[run.pk]


def fresh_month_mailing(world, scope):
    """The month's notices of the scope's consenting tenant are to send again, nothing is being sent."""
    consent_of(world, scope)
    run = run_of(world, scope)
    DocumentEmail.objects.filter(organisation_id=run.organisation_id, kind="notice").delete()
    NoticeMailing.objects.filter(run=run).update(status=RunStatus.DONE)


REGULARISATION_SENT_ON = date(2026, 1, 15)


def fresh_regularisation(world, scope):
    """A new regularisation, in preparation, of the dwelling of the scope's lease over three days of autumn 2025, each
    after the previous one's (each sending or posting needs its own, and a lease's days are regularised once);
    remembered for `state` and `post_data`."""
    lease = lease_of(world, scope)
    made = cache(world, "regularisations_made")
    made["count"] = made.get("count", 0) + 1
    start = date(2025, 9, 1) + timedelta(days=3 * (made["count"] - 1))
    regularisation = charges_services.charge_regularisation_create(
        actor=manager_of(world, scope),
        dwelling_id=lease.dwelling_id,
        period_start=start,
        period_end=start + timedelta(days=2),
        expenses={"water": Decimal("120.00")},
    )
    cache(world, "regularisations")[scope] = regularisation.pk
    return regularisation.pk


def regularisation_line_of(world, scope):
    """The line of a regularisation of the scope's lease (made once)."""
    lines = cache(world, "regularisation_lines")
    if scope not in lines:
        lines[scope] = ChargeRegularisationLine.objects.get(regularisation_id=fresh_regularisation(world, scope)).pk
    return lines[scope]


def sent_regularisation(world, scope):
    """The scope's latest fresh regularisation with its statements sent: ready to post a month later."""
    regularisation_id = cache(world, "regularisations")[scope]
    charges_services.charge_regularisation_send(
        actor=manager_of(world, scope), regularisation_id=regularisation_id, on=REGULARISATION_SENT_ON
    )
    return regularisation_id
