"""What `ledger` adds to the household page, the dwelling page, the navigation and the audit log, and what its
sub-domains tell `entries` about reversing their entries. Imported by `LedgerConfig.ready()` only."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.models import Role
from habiter.housing import registry as housing_registry
from habiter.leases import registry as lease_registry
from habiter.ledger import registry as ledger_registry
from habiter.ledger.bank.queries import bank_queue
from habiter.ledger.bank.services import bank_entry_refusal
from habiter.ledger.charges.queries import household_regularisations
from habiter.ledger.charges.services import charge_regularisation_refusal
from habiter.ledger.demo import seed_ledger
from habiter.ledger.deposits.queries import contract_deposit
from habiter.ledger.deposits.services import deposit_entry_refusal
from habiter.ledger.entries.queries import closed_months, ledger_leases
from habiter.ledger.models import (
    ArrearsLetter,
    CafUnpaidEpisode,
    ChargeRegularisationLine,
    RedevanceCall,
    RepaymentPlan,
)
from habiter.ledger.owners.queries import mandate_owners, payable_statements, statements
from habiter.ledger.owners.services import frozen_entry_refusal
from habiter.ledger.redevance.demo import seed_redevances
from habiter.ledger.redevance.queries import contract_balance, household_redevance_events
from habiter.ledger.redevance.services import redevance_document_reversal
from habiter.ledger.rent.queries import household_arrears_history, household_balances
from habiter.ledger.rent.services import rent_document_reversal, revision_catch_up_record
from habiter.ledger.rules import month_start
from habiter.ledger.templatetags.ledger_money import euros
from habiter.residences import registry as residence_registry


def balances_panel(household, user):
    """The balance of each lease of the household: ledger users get a link to the account, the household's
    social worker and team lead only the amounts."""
    if not user.has_perm("ledger.view_balance") or not registry.household_has(household, "leases.leases"):
        return None
    leases = household_balances(user, household, timezone.localdate())
    if not leases:
        return None
    return {"leases": leases, "can_open": user.has_perm("ledger.view_ledger")}


def balances_alerts(context):
    """The debt of the household, for the household page's header: the sum of what its leases owe today."""
    owed = sum(lease.balance for lease in context["leases"] if lease.balance > 0)
    if owed > 0:
        yield _("Reste dû : %(amount)s €") % {"amount": euros(owed)}


def dwelling_balances_panel(dwelling, user):
    if not user.has_perm("ledger.view_ledger"):
        return None
    leases = list(ledger_leases(user).filter(dwelling=dwelling).select_related("household").order_by("-start_date"))
    return {"leases": leases} if leases else None


def lease_balance_panel(lease, user):
    """On the lease page: its balance today, and for ledger users a link to the tenant's account."""
    if not user.has_perm("ledger.view_balance"):
        return None
    found = household_balances(user, lease.household, timezone.localdate(), lease=lease)
    if not found:
        return None
    return {"lease": found[0], "can_open": user.has_perm("ledger.view_ledger")}


def contract_redevance_panel(contract, user):
    """In the resident's practical file on the contract page: the redevance balance today, for whoever reads the
    contract (its hosts, the director, the household's social worker); ledger users get a link to the account."""
    return {
        "contract": contract,
        "figures": contract_balance(contract, timezone.localdate()),
        "can_open": user.has_perm("ledger.view_ledger"),
    }


def contract_deposit_panel(contract, user):
    """In the resident's practical file on the contract page: the deposit the contract provides, what is held and
    its movements, for whoever reads the contract; ledger users who post get the buttons to receive, return or
    cancel a receipt (decision record 0037)."""
    return {"deposit": contract_deposit(contract), "can_post": user.has_perm("ledger.post")}


def redevance_events(household, user):
    """The redevance calls and payments of the household's residence contracts, for who may see its balance."""
    if not user.has_perm("ledger.view_balance") or not registry.household_has(household, "ledger.redevance"):
        return
    calls, payments = household_redevance_events(household.pk)
    for call in calls:
        yield registry.TimelineEvent(
            when=call.created_at,
            kind="redevance",
            title=_("Redevance de %(period)s appelée : %(amount)s €")
            % {"period": f"{call.period:%m/%Y}", "amount": euros(call.total)},
            body=_("%(residence)s, place %(place)s.")
            % {"residence": call.contract.place.residence.name, "place": call.contract.place.label},
        )
    for payment in payments:
        yield registry.TimelineEvent(
            when=timezone.make_aware(datetime.combine(payment.received_on, time(12))),
            kind="redevance",
            title=_("Redevance : %(amount)s € reçus (%(source)s)")
            % {"amount": euros(payment.amount), "source": payment.get_source_display()},
            body=_("Contre-passé le %(day)s.") % {"day": f"{payment.reversed_on:%d/%m/%Y}"}
            if payment.reversed_on
            else "",
            struck=payment.reversed_on is not None,
        )


def arrears_events(household, user):
    """Repayment plans (agreed, then each status change) and arrears letters of the household's leases, for who may
    see its balance (its social worker, team lead, ledger users); never the accounts."""
    if not user.has_perm("ledger.view_balance"):
        return
    if not (
        registry.household_has(household, "ledger.repayment_plans")
        or registry.household_has(household, "ledger.arrears_letters")
    ):
        return
    plans, letters = household_arrears_history(user, household)
    for plan in plans:
        yield registry.TimelineEvent(
            when=plan.created_at,
            kind="arrears",
            title=_("Plan d'apurement établi : %(debt)s € en %(count)s échéances")
            % {"debt": euros(plan.debt), "count": plan.instalment_count},
            body=_("Logement %(dwelling)s, première échéance en %(month)s.")
            % {"dwelling": plan.lease.dwelling.reference, "month": f"{plan.start_month:%m/%Y}"},
            actor=str(plan.created_by),
        )
        for change in plan.changes.all():
            yield registry.TimelineEvent(
                when=change.changed_at,
                kind="arrears",
                title=_("Plan d'apurement : %(status)s") % {"status": change.get_to_status_display().lower()},
                body=change.reason,
                actor=str(change.changed_by),
            )
    for letter in letters:
        yield registry.TimelineEvent(
            when=letter.created_at,
            kind="arrears",
            title=_("%(letter)s envoyée : %(amount)s € d'impayé")
            % {"letter": letter.get_kind_display(), "amount": euros(letter.amount)},
            body=_("Logement %(dwelling)s.") % {"dwelling": letter.lease.dwelling.reference},
            actor=str(letter.sent_by),
        )


def regularisation_events(household, user):
    """The charge regularisation statements sent to the household, and their balance, for who may see its balance."""
    if not user.has_perm("ledger.view_balance") or not registry.household_has(
        household, "ledger.charge_regularisations"
    ):
        return
    for line in household_regularisations(household):
        regularisation = line.regularisation
        balance = line.balance
        if balance > 0:
            body = _("Reste à payer : %(amount)s €.") % {"amount": euros(balance)}
        elif balance < 0:
            body = _("À rembourser au locataire : %(amount)s €.") % {"amount": euros(-balance)}
        else:
            body = _("Provisions égales aux charges réelles.")
        yield registry.TimelineEvent(
            when=timezone.make_aware(datetime.combine(regularisation.statements_sent_on, time(12))),
            kind="charges",
            title=_("Décompte de régularisation des charges %(start)s – %(end)s")
            % {"start": f"{regularisation.period_start:%d/%m/%Y}", "end": f"{regularisation.period_end:%d/%m/%Y}"},
            body=f"{line.dwelling_reference}. {body}",
        )


def accounting_home_panel(user):
    """The accountant's work of the day, each a count linking to its page: bank lines to match, impayés to report
    to the CAF, last month's owner statements still to issue, payouts to send, the month to close. Six queries."""
    if user.role != Role.ACCOUNTANT or not user.has_perm("ledger.view_ledger"):
        return None
    today = timezone.localdate()
    last_month = month_start(month_start(today) - timedelta(days=1))
    last_closed = closed_months(user).order_by("-month").values_list("month", flat=True).first()
    to_close = month_start(last_closed + timedelta(days=32)) if last_closed else last_month
    return {
        "bank_lines": bank_queue(user).count(),
        "caf_reports": CafUnpaidEpisode.objects.filter(
            organisation_id=user.organisation_id, cleared_on__isnull=True, lease__in=ledger_leases(user)
        ).count(),
        "statements_to_issue": mandate_owners(user).count()
        - statements(user).filter(month=last_month, owner__mandates__isnull=False).values("owner").distinct().count(),
        "last_month": last_month,
        "payouts": payable_statements(user).count(),
        "to_close": to_close if to_close <= last_month else None,
    }


def register():
    # what follows the generic reversal of an entry, and which entries it refuses, sub-domain by sub-domain
    ledger_registry.register_reversal_follow_up(rent_document_reversal)
    ledger_registry.register_reversal_follow_up(redevance_document_reversal)
    ledger_registry.register_reversal_guard(frozen_entry_refusal)
    ledger_registry.register_reversal_guard(deposit_entry_refusal)
    ledger_registry.register_reversal_guard(bank_entry_refusal)
    ledger_registry.register_reversal_guard(charge_regularisation_refusal)
    lease_registry.register_lease_panel("ledger/panel_lease.html", lease_balance_panel)
    lease_registry.register_revision_follow_up(revision_catch_up_record)
    registry.register_demo_seeder(42, seed_ledger)
    registry.register_demo_seeder(52, seed_redevances)  # after the residents' contracts and their redevance lines
    registry.register_timeline_source(registry.TimelineSource("arrears", gettext_lazy("Impayés"), arrears_events))
    registry.register_timeline_source(
        registry.TimelineSource("charges", gettext_lazy("Régularisation des charges"), regularisation_events)
    )
    registry.register_timeline_source(
        registry.TimelineSource("redevance", gettext_lazy("Redevances"), redevance_events)
    )
    registry.register_household_rows(
        "ledger.redevance", lambda pk: RedevanceCall.objects.filter(contract__household_id=pk)
    )
    residence_registry.register_contract_panel("ledger/panel_contract.html", contract_redevance_panel)
    residence_registry.register_contract_panel("ledger/panel_contract_deposit.html", contract_deposit_panel)
    registry.register_household_rows(
        "ledger.repayment_plans", lambda pk: RepaymentPlan.objects.filter(lease__household_id=pk)
    )
    registry.register_household_rows(
        "ledger.arrears_letters", lambda pk: ArrearsLetter.objects.filter(lease__household_id=pk)
    )
    registry.register_household_rows(
        "ledger.charge_regularisations",
        lambda pk: ChargeRegularisationLine.objects.filter(
            lease__household_id=pk, regularisation__status__in=("sent", "posted")
        ),
    )
    registry.register_nav_item(
        registry.NavItem(
            45, gettext_lazy("Comptes"), "ledger:account_list", lambda u: u.has_perm("ledger.view_ledger"), "ledger"
        )
    )
    registry.register_home_panel(
        registry.HomePanel("ledger.accounting", "ledger/panel_home.html", 2, accounting_home_panel)
    )
    registry.register_household_panel(
        registry.HouseholdPanel(
            "ledger.balances",
            gettext_lazy("Loyers et impayés"),
            "ledger/panel_household.html",
            17,
            balances_panel,
            section="argent",
            alerts=balances_alerts,
        )
    )
    housing_registry.register_dwelling_panel("ledger/panel_dwelling.html", dwelling_balances_panel)
