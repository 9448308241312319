"""Reads of leases shared by pages, API and the home panels, always scoped to the acting user."""

from datetime import date

from django.db.models import Prefetch, Q

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role
from habiter.housing.models import Dwelling, Owner
from habiter.people.models import Household
from habiter.people.queries import households_visible_to

from . import rules as lease_rules
from .models import (
    HeadLease,
    HeadLeaseKind,
    Lease,
    LeaseStatus,
    ManagementMandate,
    RentIndex,
    RentRevision,
    SlidingReview,
)

ORGANISATION_WIDE = (Role.DIRECTOR, Role.RENTAL_MANAGER, Role.ACCOUNTANT)
# How long before its end a long lease (bail emphytéotique) is shown on the home page: a management choice (the
# time to negotiate a renewal with the town), not a number of the law.
LONG_LEASE_WARNING_MONTHS = 12


def leases_visible_to(user):
    """Every lease of the organisation for directors, rental managers and accountants; the leases of the
    households whose file they may open for team leads and social workers; none for anyone else."""
    if not getattr(user, "organisation_id", None) or not user.is_active:
        return Lease.objects.none()
    leases = Lease.objects.filter(organisation_id=user.organisation_id)
    if user.role in ORGANISATION_WIDE:
        return leases
    if user.role in (Role.TEAM_LEAD, Role.SOCIAL_WORKER):
        return leases.filter(household__in=households_visible_to(user))
    return Lease.objects.none()


def lease_list(user, *, status: str = "", kind: str = "", text: str = ""):
    leases = leases_visible_to(user).select_related("dwelling", "household", "landlord")
    if status:
        leases = leases.filter(status=status)
    if kind:
        leases = leases.filter(kind=kind)
    if text:
        leases = leases.filter(
            Q(household__name__icontains=text)
            | Q(dwelling__reference__icontains=text)
            | Q(dwelling__city__icontains=text)
        )
    return leases.order_by("-start_date", "id")


def lease_for_page(user, lease_id):
    return (
        leases_visible_to(user)
        .select_related("dwelling", "dwelling__owner", "household", "landlord", "head_lease", "head_lease__owner")
        .select_related("mandate", "mandate__owner", "slid_from", "created_by")
        .prefetch_related(
            Prefetch("status_changes", queryset=lease_status_changes()),
            Prefetch("reviews", queryset=SlidingReview.objects.select_related("author")),
            Prefetch("revisions", queryset=RentRevision.objects.select_related("base_index", "new_index")),
        )
        .get(pk=lease_id)
    )


def lease_status_changes():
    from .models import LeaseStatusChange

    return LeaseStatusChange.objects.select_related("actor").order_by("created_at")


def slid_to(lease):
    """The direct lease a sublease slid into, if any."""
    return Lease.objects.filter(slid_from=lease).first()


def leases_of_household(user, household):
    return list(
        leases_visible_to(user)
        .filter(household=household)
        .select_related("dwelling", "landlord")
        .order_by("-start_date")
    )


def leases_of_dwelling(user, dwelling):
    return list(
        leases_visible_to(user)
        .filter(dwelling=dwelling)
        .select_related("household", "landlord")
        .order_by("-start_date")
    )


def dwellings_for_leasing(user):
    return Dwelling.objects.filter(organisation_id=user.organisation_id).select_related("owner").order_by("reference")


def owners_of(user):
    return Owner.objects.filter(organisation_id=user.organisation_id).order_by("name")


def households_for_leasing(user):
    """The households a lease may be made for: every household of the organisation for those who manage
    leases (they see names, not case files)."""
    if not user.has_perm("leases.manage_lease"):
        return Household.objects.none()
    return Household.objects.filter(organisation_id=user.organisation_id).order_by("name")


def head_leases_of(user):
    return HeadLease.objects.filter(organisation_id=user.organisation_id).select_related(
        "owner", "dwelling", "building"
    )


def head_lease_for(user, head_lease_id):
    return head_leases_of(user).get(pk=head_lease_id)


def mandates_of(user):
    return ManagementMandate.objects.filter(organisation_id=user.organisation_id).select_related("owner", "dwelling")


def irl_table():
    return RentIndex.objects.order_by("-year", "-quarter", "zone")


def irl_value(year: int, quarter: int, zone: str = "metropole"):
    return RentIndex.objects.filter(year=year, quarter=quarter, zone=zone).first()


def zone_of(dwelling) -> str:
    return "dom" if dwelling.territory == "dom" else "metropole"


# --- the yearly revision -------------------------------------------------------------------------------------


class RevisionLine:
    """One lease of the month's revision batch: the computed rent, or why it is skipped."""

    def __init__(self, lease, revision_date, *, base=None, new=None, new_rent=None, skip_reason=""):
        self.lease = lease
        self.revision_date = revision_date
        self.base = base
        self.new = new
        self.new_rent = new_rent
        self.skip_reason = skip_reason

    @property
    def applicable(self) -> bool:
        return not self.skip_reason

    @property
    def increase(self):
        return None if self.new_rent is None else self.new_rent - self.lease.rent


def revision_batch(user, month: date, today: date) -> list[RevisionLine]:
    """The signed leases whose revision date falls in `month`, each with its new rent or the reason it is
    skipped: F/G dwelling (loi 89 art. 17-1 III), claim time-barred (R12), index not yet published."""
    params = legal_parameters()
    leases = (
        leases_visible_to(user)
        .filter(status=LeaseStatus.SIGNED)
        .select_related("dwelling", "household")
        .order_by("dwelling__reference", "id")
    )
    last_revisions = {}
    for lease_id, revision_date in RentRevision.objects.filter(lease__in=leases).values_list(
        "lease_id", "revision_date"
    ):
        if lease_id not in last_revisions or revision_date > last_revisions[lease_id]:
            last_revisions[lease_id] = revision_date
    indices = {(i.year, i.quarter, i.zone): i for i in RentIndex.objects.all()}
    lines = []
    for lease in leases:
        revision_date = lease_rules.revision_due(
            lease.revision_anchor, month, last_revisions.get(lease.pk), lease.start_date, lease.end_date
        )
        if revision_date is None:
            continue
        dwelling = lease.dwelling
        zone = zone_of(dwelling)
        if not dwelling.energy_class:
            lines.append(RevisionLine(lease, revision_date, skip_reason="DPE non renseigné : révision impossible."))
            continue
        if not lease_rules.rent_increase_allowed(dwelling.energy_class, revision_date, territory=zone, params=params):
            lines.append(
                RevisionLine(
                    lease,
                    revision_date,
                    skip_reason=f"Classe {dwelling.energy_class} : loyer gelé, pas de révision (loi du 6 juillet 1989, "
                    "art. 17-1 III).",
                )
            )
            continue
        if lease_rules.revision_claim_expired(revision_date, today, params=params):
            lines.append(
                RevisionLine(
                    lease,
                    revision_date,
                    skip_reason="Plus d'un an après la date de révision : le bailleur y a renoncé (art. 17-1 I).",
                )
            )
            continue
        # The latest index of the reference quarter published on the revision date, against the one a year
        # before (R11): a revision that was not asked for in time is lost, not caught up.
        new_year = lease_rules.reference_index_year(lease.irl_quarter, revision_date)
        missing = [year for year in (new_year - 1, new_year) if (year, lease.irl_quarter, zone) not in indices]
        if missing:
            lines.append(
                RevisionLine(
                    lease,
                    revision_date,
                    skip_reason=f"Indice IRL T{lease.irl_quarter} {missing[-1]} ({zone}) non saisi.",
                )
            )
            continue
        base = indices[(new_year - 1, lease.irl_quarter, zone)]
        new = indices[(new_year, lease.irl_quarter, zone)]
        new_rent = lease_rules.revised_rent(lease.rent, base.value, new.value, on=revision_date, params=params)
        lines.append(RevisionLine(lease, revision_date, base=base, new=new, new_rent=new_rent))
    return lines


def revision_for_letter(user, revision_id):
    return RentRevision.objects.select_related(
        "lease", "lease__dwelling", "lease__household", "lease__landlord", "base_index", "new_index", "applied_by"
    ).get(pk=revision_id, lease__in=leases_visible_to(user))


# --- reminders -------------------------------------------------------------------------------------------------


def sliding_reminders(user, today: date):
    """Sliding leases whose landlord must be told the outcome soon (2 months before the period ends)."""
    params = legal_parameters()
    reminders = []
    leases = leases_visible_to(user).filter(status=LeaseStatus.SIGNED, sliding=True, review_period_end__isnull=False)
    for lease in leases.select_related("dwelling", "household").order_by("review_period_end"):
        notice = lease_rules.landlord_notice_date(lease.review_period_end, params=params)
        if notice <= lease_rules.add_months(today, 1):
            reminders.append((lease, notice))
    return reminders


def emphyteutic_ending(user, today: date):
    """Long leases ending within the warning period (a year by default)."""
    if not user.has_perm("leases.view_lease"):
        return []
    limit = lease_rules.add_months(today, LONG_LEASE_WARNING_MONTHS)
    return list(
        head_leases_of(user)
        .filter(kind=HeadLeaseKind.LONG_LEASE, ended_on__isnull=True, end_date__isnull=False, end_date__lte=limit)
        .order_by("end_date")
    )
