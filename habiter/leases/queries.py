"""Reads of leases shared by pages, API and the home panels, always scoped to the acting user."""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role
from habiter.housing.models import Dwelling, Owner
from habiter.people.models import Household
from habiter.people.queries import households_visible_to

from . import rules as lease_rules
from .models import (
    HeadLease,
    HeadLeaseKind,
    IrlZone,
    Lease,
    LeaseKind,
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


def leases_billed_by_association(
    leases=None, *, on: date | None = None, until: date | None = None, statuses=(LeaseStatus.SIGNED,)
):
    """The leases the association bills on `on` (today by default): it issues their rent calls, notices and
    receipts. Every signed lease — its own direct leases, its subleases, the leases it manages under a mandate —
    except a direct lease whose landlord is an owner (after a slide the household rents from the owner) unless a
    management mandate of that owner on that dwelling is in force on `on`. `leases` narrows the set (for example
    `leases_visible_to(user)`); `statuses` widens it (the ledger still calls the last months of an ended or slid
    lease); with `until`, a mandate in force on any day from `on` to `until` is enough (a period's leases); the
    result is a queryset."""
    on = on or timezone.localdate()
    leases = Lease.objects.all() if leases is None else leases
    mandate_in_force = ManagementMandate.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        dwelling_id=OuterRef("dwelling_id"),
        owner_id=OuterRef("landlord_id"),
        start_date__lte=until or on,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    return leases.filter(status__in=statuses).filter(
        ~Q(kind=LeaseKind.DIRECT) | Q(landlord__isnull=True) | Exists(mandate_in_force)
    )


def owners_money(owner, prefix: str = "") -> Q:
    """The leases whose rent is `owner`'s money, never the association's (loi Hoguet): the leases under the owner's
    management mandate, and the owner's direct lease after a slide, which the association bills only while the
    owner's mandate on the dwelling is in force (`leases_billed_by_association`). `prefix` reaches the lease
    through a relation, e.g. "account__lease__"."""
    return Q(**{f"{prefix}kind": LeaseKind.MANDATE, f"{prefix}mandate__owner": owner}) | Q(
        **{f"{prefix}kind": LeaseKind.DIRECT, f"{prefix}landlord": owner}
    )


def rent_owner_id(lease):
    """The owner whose money `lease`'s rent is (see `owners_money`), or None for the association's own leases."""
    if lease.kind == LeaseKind.MANDATE:
        return lease.mandate.owner_id
    if lease.kind == LeaseKind.DIRECT:
        return lease.landlord_id
    return None


def managing_mandate(lease, on: date, mandates=None):
    """The management mandate under which the association handles `lease`'s rent of `on`: the lease's own for a
    mandate lease; for an owner's direct lease after a slide, the owner's mandate on the dwelling in force on `on`,
    else the last one that started before (a payment booked after the mandate ended still pays a month it
    covered), else the first. `mandates` (the owner's, any order) saves the query."""
    if lease.kind == LeaseKind.MANDATE:
        return lease.mandate
    if mandates is None:
        mandates = ManagementMandate.objects.filter(owner_id=lease.landlord_id)
    mine = sorted((m for m in mandates if m.dwelling_id == lease.dwelling_id), key=lambda m: m.start_date)
    in_force = [m for m in mine if m.start_date <= on and (m.end_date is None or m.end_date >= on)]
    started = [m for m in mine if m.start_date <= on]
    return (in_force or started or mine or [None])[-1 if (in_force or started) else 0]


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
    """The IRL series of the dwelling (R15): the territory's own (metropole, DOM, Corse)."""
    return dwelling.territory if dwelling.territory in IrlZone.values else IrlZone.METROPOLE


# --- the yearly revision -------------------------------------------------------------------------------------


# Why a revision of the batch is not applied: the batch gives a code, the pages say the words.
SKIP_NO_DPE = "no_dpe"
SKIP_RENT_FREEZE = "rent_freeze"
SKIP_TIME_BARRED = "time_barred"
SKIP_INDEX_MISSING = "index_missing"
SKIP_NO_NEWER_INDEX = "no_newer_index"

QUARTER_NAMES = {
    1: gettext_lazy("1er trimestre"),
    2: gettext_lazy("2e trimestre"),
    3: gettext_lazy("3e trimestre"),
    4: gettext_lazy("4e trimestre"),
}


@dataclass(frozen=True, order=True)
class MissingIndex:
    """An IRL value a revision needs and the table does not hold yet."""

    year: int
    quarter: int
    zone: str

    @property
    def label(self) -> str:
        return _("Indice IRL du %(quarter)s %(year)s (%(zone)s)") % {
            "quarter": QUARTER_NAMES[self.quarter],
            "year": self.year,
            "zone": IrlZone(self.zone).label,
        }

    @property
    def entry_query(self) -> str:
        """The query string that opens the IRL form on this quarter and zone."""
        return urlencode({"year": self.year, "quarter": self.quarter, "zone": self.zone})


class RevisionLine:
    """One lease of the month's revision batch: the computed rent, or the code of why it is not applied."""

    def __init__(self, lease, revision_date, *, base=None, new=None, new_rent=None, skip_code="", missing: tuple = ()):
        self.lease = lease
        self.revision_date = revision_date
        self.base = base
        self.new = new
        self.new_rent = new_rent
        self.skip_code = skip_code
        self.missing = missing

    @property
    def applicable(self) -> bool:
        return not self.skip_code

    @property
    def waits_for_index(self) -> bool:
        return self.skip_code == SKIP_INDEX_MISSING

    @property
    def increase(self):
        return None if self.new_rent is None else self.new_rent - self.lease.rent

    @property
    def skip_reason(self) -> str:
        """Why the revision is not applied, in French; empty when it is."""
        if self.skip_code == SKIP_NO_DPE:
            return _("DPE non renseigné : révision impossible.")
        if self.skip_code == SKIP_RENT_FREEZE:
            return _("Classe %(cls)s : loyer gelé, pas de révision (loi du 6 juillet 1989, art. 17-1 III).") % {
                "cls": self.lease.dwelling.energy_class
            }
        if self.skip_code == SKIP_TIME_BARRED:
            return _("Plus d'un an après la date de révision : le bailleur y a renoncé (art. 17-1 I).")
        if self.skip_code == SKIP_NO_NEWER_INDEX:
            return _(
                "Loyer déjà fixé sur l'IRL du %(quarter)s %(year)s : aucun indice plus récent de ce trimestre "
                "n'était publié à la date de révision, pas de hausse."
            ) % {"quarter": QUARTER_NAMES[self.lease.irl_quarter], "year": self.lease.irl_base_year}
        if self.skip_code == SKIP_INDEX_MISSING:
            names = " ; ".join(_("%(index)s non saisi") % {"index": index.label} for index in self.missing)
            return _("%(names)s : la révision attend l'indice.") % {"names": names}
        return ""


def revision_batch(user, month: date, today: date) -> list[RevisionLine]:
    """The signed leases whose revision date falls in `month`, each with its new rent or the reason it is
    skipped: F/G dwelling (loi 89 art. 17-1 III), claim time-barred (R12), no index of the reference quarter newer
    than the lease's reference at the revision date, index not yet entered."""
    return _revision_lines(user, [month], today)


def revisions_open_to_claim(user, today: date) -> list[RevisionLine]:
    """The revision lines of the months a revision may still be claimed in (the claim window up to this month,
    R12), oldest month first."""
    window = legal_parameters().integer("revision_claim_window_months", today)
    first = lease_rules.add_months(today.replace(day=1), -window)
    return _revision_lines(user, [lease_rules.add_months(first, n) for n in range(window + 1)], today)


def revisions_waiting_for_index(user, today: date, lines: list[RevisionLine] | None = None) -> list[RevisionLine]:
    """The revisions still open to a claim that cannot be computed because an IRL value is not in the table: the
    rental manager's to-do, never a silent skip."""
    lines = revisions_open_to_claim(user, today) if lines is None else lines
    return [line for line in lines if line.waits_for_index]


def indices_awaited(user, today: date) -> list[tuple[MissingIndex, list[RevisionLine]]]:
    """Each missing IRL value with the revisions waiting for it, oldest quarter first."""
    awaited: dict[MissingIndex, list[RevisionLine]] = {}
    for line in revisions_waiting_for_index(user, today):
        for index in line.missing:
            awaited.setdefault(index, []).append(line)
    return sorted(awaited.items())


def _revision_lines(user, months: list[date], today: date) -> list[RevisionLine]:
    params = legal_parameters()
    leases = list(
        leases_visible_to(user)
        .filter(status=LeaseStatus.SIGNED)
        .select_related("dwelling", "household")
        .order_by("dwelling__reference", "id")
    )
    last_revisions = {}
    for lease_id, revision_date in RentRevision.objects.filter(lease__in=[lease.pk for lease in leases]).values_list(
        "lease_id", "revision_date"
    ):
        if lease_id not in last_revisions or revision_date > last_revisions[lease_id]:
            last_revisions[lease_id] = revision_date
    indices = {(i.year, i.quarter, i.zone): i for i in RentIndex.objects.all()} if leases else {}
    lines = []
    for month in months:
        for lease in leases:
            line = _revision_line(lease, month, last_revisions.get(lease.pk), indices, today, params)
            if line is not None:
                lines.append(line)
    return lines


def _revision_line(lease, month, last_revision, indices, today, params) -> RevisionLine | None:
    revision_date = lease_rules.revision_due(
        lease.revision_anchor, month, last_revision, lease.start_date, lease.end_date
    )
    if revision_date is None:
        return None
    dwelling = lease.dwelling
    zone = zone_of(dwelling)
    if not dwelling.energy_class:
        return RevisionLine(lease, revision_date, skip_code=SKIP_NO_DPE)
    if not lease_rules.rent_increase_allowed(dwelling.energy_class, revision_date, territory=zone, params=params):
        return RevisionLine(lease, revision_date, skip_code=SKIP_RENT_FREEZE)
    if lease_rules.revision_claim_expired(revision_date, today, params=params):
        return RevisionLine(lease, revision_date, skip_code=SKIP_TIME_BARRED)
    # The latest index of the reference quarter published on the revision date (R10) against the lease's reference
    # index, of its signature or of its last revision (`irl_base_year`), but never one older than a year before:
    # a revision waived (R12) or frozen (R13) is lost, not caught up.
    quarter = lease.irl_quarter
    new_year = lease_rules.reference_index_year(quarter, revision_date)
    base_year = lease_rules.revision_base_year(lease.irl_base_year, new_year)
    if base_year >= new_year:
        # e.g. a contractual date of 1 January and a Q4 reference: the Q4 index of the year is not out yet
        return RevisionLine(lease, revision_date, skip_code=SKIP_NO_NEWER_INDEX)
    missing = tuple(
        MissingIndex(year, quarter, zone) for year in (base_year, new_year) if (year, quarter, zone) not in indices
    )
    if missing:
        return RevisionLine(lease, revision_date, skip_code=SKIP_INDEX_MISSING, missing=missing)
    base = indices[(base_year, quarter, zone)]
    new = indices[(new_year, quarter, zone)]
    new_rent = lease_rules.revised_rent(lease.rent, base.value, new.value, on=revision_date, params=params)
    return RevisionLine(lease, revision_date, base=base, new=new, new_rent=new_rent)


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


LEASES_ENDING_DAYS = 60  # a lease whose last day is this close shows on the rental manager's home page


def leases_ending(user, today: date):
    """The leases whose last day is between today and `LEASES_ENDING_DAYS` ahead: a notice running or a fixed term
    ending, when the move-out inspection, the deposit and the reletting are prepared. Soonest first."""
    return (
        leases_visible_to(user)
        .filter(
            status__in=(LeaseStatus.SIGNED, LeaseStatus.ENDED),
            end_date__gte=today,
            end_date__lte=today + timedelta(days=LEASES_ENDING_DAYS),
        )
        .select_related("dwelling", "household")
        .order_by("end_date", "dwelling__reference")
    )


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
