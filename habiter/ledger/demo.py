"""Demo rent history: the calls of the last six months for every demo lease, payments by tenants and CAF, a
partial payer, a household past the CAF unpaid-rent threshold with a lettre de relance and a plan d'apurement, and a
few quittances; for the owners under a management mandate, a works invoice, the statements of the last three ended
months and one payout; the deposits received; one tenant's agreement to e-mail. Made through the services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from habiter.core.dates import add_months
from habiter.core.models import Role
from habiter.housing.models import Owner
from habiter.leases.models import Lease, LeaseStatus
from habiter.ledger.bank import services as bank_services
from habiter.ledger.deposits import services as deposit_services
from habiter.ledger.entries.services import month_closed
from habiter.ledger.mailing.services import email_consent_record
from habiter.ledger.models import BankCsvMapping, RentCall, RepaymentPlan
from habiter.ledger.owners import services as owner_services
from habiter.ledger.rent import queries as rent_queries
from habiter.ledger.rent import services as rent_services

MONTHS = 6
STATEMENT_MONTHS = 3
DEMO_BANK_MAPPING = "Banque de démonstration"
DEMO_BANK = {"holder_name": "", "iban": "FR7630003012340002001234514", "bic": "SOGEFRPPMAR"}


def seed_ledger(organisation, users, count, rng) -> None:
    """Once per organisation (nothing added if it has rent calls)."""
    if RentCall.objects.filter(organisation=organisation).exists():
        return
    actor = next((u for u in users.values() if u.role == Role.ACCOUNTANT), None) or next(
        (u for u in users.values() if u.role == Role.DIRECTOR), None
    )
    leases = list(
        Lease.objects.filter(organisation=organisation, status=LeaseStatus.SIGNED).order_by("start_date", "id")
    )
    if actor is None or not leases:
        return
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -MONTHS)
    for month_index in range(MONTHS + 1):
        rent_services.rent_calls_issue(actor=actor, month=add_months(first, month_index))
    for index, lease in enumerate(leases):
        calls = list(RentCall.objects.filter(lease=lease).order_by("period"))
        behaviour = "late" if index == 1 else "partial" if index == 2 else "caf" if index % 3 == 0 else "tenant"
        for position, call in enumerate(calls):
            paid_on = min(call.due_date, today)
            if behaviour == "late" and position >= len(calls) - 4:
                continue  # four months unpaid: past the CAF threshold
            if behaviour == "caf":
                benefit = min(call.total, (call.total * 40 / 100).quantize(call.total))
                rent_services.payment_record(
                    actor=actor,
                    lease_id=lease.pk,
                    amount=benefit,
                    received_on=paid_on,
                    source="caf",
                    reference=f"CAF-{call.period:%Y%m}-{index}",
                )
                rest = call.total - benefit
            else:
                rest = call.total
            if behaviour == "partial" and position == len(calls) - 1:
                rest = (rest / 2).quantize(call.total)
            if rest > 0:
                rent_services.payment_record(
                    actor=actor,
                    lease_id=lease.pk,
                    amount=rest,
                    received_on=paid_on,
                    source="tenant",
                    reference=f"VIR-{call.period:%Y%m}-{index}",
                )
        for call in calls[-2:]:
            if call.lease.status == LeaseStatus.SIGNED and behaviour in ("tenant", "caf", "partial"):
                rent_services.receipt_issue(actor=actor, rent_call_id=call.pk, on=today)
    seed_owner_statements(organisation, actor, today)
    seed_bank_statement(actor, leases, today)
    seed_arrears_follow_up(actor, leases[1] if len(leases) > 1 else leases[0], today)
    seed_deposits(organisation, actor, today)
    seed_email_consent(actor, leases[0], today)


def seed_arrears_follow_up(actor, lease, today) -> None:
    """The late tenant got a lettre de relance, then agreed a plan d'apurement of its arrears in twelve monthly
    instalments from next month (made once)."""
    if RepaymentPlan.objects.filter(lease=lease).exists() or rent_queries.lease_arrears_total(lease, today) <= 0:
        return
    rent_services.arrears_letter_send(actor=actor, lease_id=lease.pk, kind="reminder", on=today)
    rent_services.repayment_plan_create(
        actor=actor,
        lease_id=lease.pk,
        start_month=add_months(today.replace(day=1), 1),
        count=12,
        note="Accord trouvé avec le ménage après la relance ; point avec la référente sociale dans trois mois.",
        on=today,
    )


def seed_email_consent(actor, lease, today) -> None:
    """The first tenant agreed to receive the rent documents by e-mail (R5)."""
    email = lease.household.email or f"{slugify(lease.household.name) or 'locataire'}@exemple.fr"
    email_consent_record(actor=actor, lease_id=lease.pk, given=True, on=today, email=email)


def seed_deposits(organisation, actor, today) -> None:
    """The deposit of every demo lease that has one, received on its first day; the deposit of the first ended
    lease with a move-out returned on time, when the demo has such a lease. Leases whose deposit is already
    recorded are left alone."""
    leases = Lease.objects.filter(
        organisation=organisation,
        status__in=(LeaseStatus.SIGNED, LeaseStatus.ENDED),
        deposit__gt=0,
        security_deposit__isnull=True,
    ).order_by("start_date", "id")
    returned = False
    for lease in leases:
        received_on = min(lease.start_date, today)
        if month_closed(organisation.pk, received_on):
            continue
        deposit_services.deposit_receive(actor=actor, lease_id=lease.pk, received_on=received_on)
        if not returned and lease.status == LeaseStatus.ENDED and lease.moved_out_on:
            deposit_services.deposit_return(
                actor=actor,
                deposit_id=lease.security_deposit.pk,
                returned_on=min(lease.moved_out_on + timedelta(days=20), today),
                keys_returned_on=lease.moved_out_on,
                inventory_matches=True,
            )
            returned = True


def seed_bank_statement(actor, leases, today) -> None:
    """A bank statement of the last days, imported and left in the queue: the late tenant's transfer with the
    dwelling's reference, a CAF transfer naming a tenant, and bank fees."""
    mapping = demo_bank_mapping(actor)
    late = leases[1] if len(leases) > 1 else leases[0]
    named = leases[-1]
    due = _french(late.rent + late.charges)
    rows = [
        f"{today:%d/%m/%Y};VIR SEPA LOYER {late.dwelling.reference};{due};DEMO-{today:%Y%m}-1",
        f"{today:%d/%m/%Y};VIR CAF ALLOCATION LOGEMENT {named.household.name.upper()};180,00;DEMO-{today:%Y%m}-2",
        f"{today:%d/%m/%Y};FRAIS TENUE DE COMPTE;-12,30;DEMO-{today:%Y%m}-3",
    ]
    content = ("Date;Libellé;Montant;Référence\n" + "\n".join(rows) + "\n").encode()
    bank_services.bank_statement_import(
        actor=actor, file_name=f"releve-{today:%Y-%m}.csv", content=content, file_format="csv", mapping_id=mapping.pk
    )


def demo_bank_mapping(actor):
    """The demo bank's CSV format (Date;Libellé;Montant;Référence), created once."""
    mapping = BankCsvMapping.objects.filter(organisation_id=actor.organisation_id, name=DEMO_BANK_MAPPING).first()
    if mapping is None:
        mapping = bank_services.bank_mapping_create(
            actor=actor,
            name=DEMO_BANK_MAPPING,
            date_column="Date",
            label_column="Libellé",
            amount_column="Montant",
            reference_column="Référence",
        )
    return mapping


def _french(amount) -> str:
    return f"{amount:.2f}".replace(".", ",")


def seed_owner_statements(organisation, actor, today) -> None:
    """The mandate owners' statements of the last ended months, a works invoice and a payout of the oldest."""
    owners = list(Owner.objects.filter(organisation=organisation, mandates__isnull=False).distinct().order_by("name"))
    if not owners:
        return
    owner_services.bank_details_save(actor=actor, **(DEMO_BANK | {"holder_name": organisation.name[:70]}))
    last_month = add_months(today.replace(day=1), -1)
    owner_services.owner_work_record(
        actor=actor,
        owner_id=owners[0].pk,
        invoice_date=add_months(last_month, -1).replace(day=12),
        supplier="Plomberie du Vieux-Port",
        label="Remplacement du mitigeur de la cuisine",
        amount=Decimal("186.40"),
    )
    first_statements = []
    for owner in owners:
        # the last owner's statement of last month is left to issue: a to-do of the accountant's home page
        for back in range(STATEMENT_MONTHS, 1 if owner == owners[-1] else 0, -1):
            statement, _created = owner_services.owner_statement_issue(
                actor=actor, owner_id=owner.pk, month=add_months(today.replace(day=1), -back), on=today
            )
            if back == STATEMENT_MONTHS and statement.amount_due > 0 and owner.iban:
                first_statements.append(statement.pk)
    if first_statements:  # an owner without IBAN stays unpaid: the payout page says whose IBAN is missing
        owner_services.payout_batch_create(actor=actor, statement_ids=first_statements, execution_date=today, on=today)
