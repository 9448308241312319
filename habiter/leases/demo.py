"""Demo leases: head leases, mandates and leases of each kind started over the last three years, one sliding
lease under review, some revisions due this month. Made through the services, so every rule is checked."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from habiter.core.models import Role
from habiter.housing.models import Building, Dwelling, Owner, OwnerKind
from habiter.people.models import Household

from . import rules as lease_rules
from . import services
from .models import HeadLeaseKind, Lease, LeaseKind, Opinion, ReviewDecision

DEMO_IBAN = "FR7630006000011234567890189"


def _start(today: date, years_ago: int, day: int) -> date:
    """A start date `years_ago` years before this month, so that its anniversary falls this month."""
    return date(today.year - years_ago, today.month, min(day, 28))


def _rent(dwelling, per_m2: str) -> Decimal:
    return (dwelling.surface * Decimal(per_m2)).quantize(Decimal("1"))


def seed_leases(organisation, users, count, rng) -> None:
    """Once per organisation (nothing added if it has leases)."""
    if Lease.objects.filter(organisation=organisation).exists():
        return
    staff = list(users.values())
    actor = next((u for u in staff if u.role == Role.RENTAL_MANAGER), None) or next(
        (u for u in staff if u.role == Role.DIRECTOR), None
    )
    dwellings = [
        d
        for d in Dwelling.objects.filter(organisation=organisation).select_related("owner").order_by("reference")
        if d.energy_class
    ]
    households = list(Household.objects.filter(organisation=organisation).order_by("name", "id")[:40])
    if actor is None or len(dwellings) < 6 or len(households) < 10:
        return
    today = timezone.localdate()
    free_households = iter(households[4:])  # the first ones are the featured households of the search demo
    used = set()

    def pick(kinds, classes="ABCDE"):
        for dwelling in dwellings:
            if dwelling.pk not in used and dwelling.owner.kind in kinds and dwelling.energy_class in classes:
                used.add(dwelling.pk)
                return dwelling
        return None

    with transaction.atomic():
        # Direct leases of the association's own stock, one started in each of the last three years.
        direct = []
        for years_ago, day in ((1, 3), (2, 12), (3, 20)):
            dwelling = pick({OwnerKind.ASSOCIATION, OwnerKind.TOWN})
            if dwelling is None:
                break
            rent = _rent(dwelling, "8.50")
            lease = services.lease_create(
                actor=actor,
                kind=LeaseKind.DIRECT,
                dwelling_id=dwelling.pk,
                household_id=next(free_households).pk,
                rent=rent,
                charges=Decimal("45.00"),
                deposit=rent,
                start_date=_start(today, years_ago, day),
                irl_quarter=rng.choice([1, 2, 3, 4]),
                guarantee="fsl",
                fsl_guarantee_reference=f"FSL-{today.year - years_ago}-{rng.randint(100, 999)}",
            )
            services.lease_sign(actor=actor, lease_id=lease.pk, signed_on=lease.start_date)
            direct.append(lease)
        if direct:  # the oldest tenant gave notice six weeks ago: the lease ends within two months
            services.lease_end(actor=actor, lease_id=direct[-1].pk, notice_given_on=today - timedelta(days=45))

        # A management mandate per private owner, with a lease under it.
        for owner in Owner.objects.filter(organisation=organisation, kind=OwnerKind.PRIVATE).order_by("name"):
            dwelling = next(
                (d for d in dwellings if d.owner_id == owner.pk and d.pk not in used and d.energy_class in "ABCDEF"),
                None,
            )
            if dwelling is None:
                continue
            used.add(dwelling.pk)
            start = _start(today, rng.choice([1, 2]), rng.randint(1, 28))
            mandate = services.mandate_create(
                actor=actor,
                owner_id=owner.pk,
                dwelling_id=dwelling.pk,
                fee_rate=Decimal("7.00"),
                start_date=start - timedelta(days=30),
                payout_iban=owner.iban or DEMO_IBAN,
            )
            rent = _rent(dwelling, "9.00")
            lease = services.lease_create(
                actor=actor,
                kind=LeaseKind.MANDATE,
                dwelling_id=dwelling.pk,
                household_id=next(free_households).pk,
                mandate_id=mandate.pk,
                rent=rent,
                charges=Decimal("60.00"),
                deposit=rent,
                start_date=start,
                irl_quarter=4,
                guarantee="visale",
                visale_number=f"V{rng.randint(10**8, 10**9 - 1)}",
            )
            services.lease_sign(actor=actor, lease_id=lease.pk, signed_on=start)

        # Subleases of dwellings taken on head leases: one sliding lease under review, one already slid.
        for index, (years_ago, sliding) in enumerate(((1, True), (2, True), (2, False))):
            dwelling = pick({OwnerKind.PRIVATE, OwnerKind.SOCIAL_LANDLORD, OwnerKind.COMPANY})
            if dwelling is None:
                break
            start = _start(today, years_ago, 10 + index)
            head_rent = _rent(dwelling, "9.50")
            head = services.head_lease_create(
                actor=actor,
                kind=HeadLeaseKind.ORDINARY,
                owner_id=dwelling.owner_id,
                dwelling_id=dwelling.pk,
                surface=dwelling.surface,
                rent=head_rent,
                charges=Decimal("50.00"),
                start_date=start - timedelta(days=15),
            )
            lease = services.lease_create(
                actor=actor,
                kind=LeaseKind.SUBLEASE,
                dwelling_id=dwelling.pk,
                household_id=next(free_households).pk,
                head_lease_id=head.pk,
                sliding=sliding,
                rent=head_rent,
                charges=Decimal("50.00"),
                deposit=head_rent,
                start_date=start,
                irl_quarter=2,
            )
            services.lease_sign(actor=actor, lease_id=lease.pk, signed_on=start)
            if sliding:
                first_end = lease_rules.review_period_end(start, lease.review_every_months)
                services.sliding_review_record(
                    actor=actor,
                    lease_id=lease.pk,
                    held_on=min(first_end, today),
                    worker_opinion=Opinion.RESERVED,
                    worker_comment="Loyer payé chaque mois ; budget encore fragile.",
                    landlord_opinion=Opinion.FAVOURABLE,
                    decision=ReviewDecision.EXTEND,
                )
            if sliding and years_ago == 2:  # the older one is ready and slides
                services.sliding_review_record(
                    actor=actor,
                    lease_id=lease.pk,
                    held_on=today - timedelta(days=20),
                    worker_opinion=Opinion.FAVOURABLE,
                    landlord_opinion=Opinion.FAVOURABLE,
                    decision=ReviewDecision.SLIDE,
                )
                services.lease_slide(actor=actor, lease_id=lease.pk, on_date=today - timedelta(days=10))

        # A lease on an F or G dwelling signed before the G ban: its rent is frozen, the revision skips it.
        frozen = pick(set(OwnerKind.values), classes="FG")
        if frozen is not None:
            start = date(2024, today.month, 5)
            lease = services.lease_create(
                actor=actor,
                kind=LeaseKind.DIRECT,
                dwelling_id=frozen.pk,
                household_id=next(free_households).pk,
                rent=_rent(frozen, "7.00"),
                charges=Decimal("40.00"),
                start_date=start,
                irl_quarter=1,
            )
            services.lease_sign(actor=actor, lease_id=lease.pk, signed_on=start)

        # A long lease on a town-owned building, ending within the year: it is warned on the home page.
        town = Owner.objects.filter(organisation=organisation, kind=OwnerKind.TOWN).first()
        building = Building.objects.filter(organisation=organisation, owner=town).first() if town else None
        if building is not None:
            services.head_lease_create(
                actor=actor,
                kind=HeadLeaseKind.LONG_LEASE,
                owner_id=town.pk,
                building_id=building.pk,
                surface=Decimal("640.00"),
                rent=Decimal("1.00"),
                start_date=date(1997, 2, 1),
                end_date=today + timedelta(days=300),
            )
