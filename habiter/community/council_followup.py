"""What the managers of a council follow beyond the statutory checks of its basis, on the council's page and on the
home page of its managers (the directors, the host of its residence):

- its own rhythm of meetings, set by its règlement intérieur for a council whose legal basis sets no minimum (Alpa's
  monthly CVS, a Conseil de Maison: 12 a year). W15: only the checks of the basis run, so a statutory basis keeps
  its legal minimum and takes no rhythm of its own. The meetings held in the last twelve months are counted against
  it (a council younger than that, against its share of the year): a rolling year reads the same in January as in
  December, where the calendar year would warn a monthly council every January.
- the new election due after a carence (W13, W21 step 7: `election_carence_new_vote_months`), once it is within the
  renewal notice of the terms (`council_term_renewal_notice_days`) or overdue, until a later election is planned.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from . import queries, rules
from .models import Council, Election, ElectionStatus


def check_rhythm(legal_basis: str, meetings_per_year: int | None) -> None:
    """Refuse a rhythm of its own to a council whose legal basis sets a minimum of meetings (W15)."""
    if meetings_per_year is not None and not rules.rhythm_allowed(legal_basis):
        raise ValidationError(
            {
                "meetings_per_year": _(
                    "La base légale de cette instance fixe déjà son minimum de réunions par an : c'est lui qui est "
                    "suivi. Le rythme du règlement intérieur ne se saisit que pour une instance sans minimum légal."
                )
            }
        )


def council_rhythm_set(*, actor, council_id, meetings_per_year: int | None) -> Council:
    """Record the number of meetings a year the council's règlement intérieur sets, or clear it (None): a director,
    or the host of the council's residence."""
    if not actor.has_perm("community.manage_council"):
        raise PermissionDenied
    with transaction.atomic():
        council = Council.objects.select_for_update().get(
            pk=council_id, pk__in=queries.councils_managed_by(actor).values("pk")
        )
        check_rhythm(council.legal_basis, meetings_per_year)
        council.meetings_per_year = meetings_per_year
        council.full_clean()
        council.save(update_fields=["meetings_per_year", "updated_at"])
        audit_record(actor=actor, action="council.rhythm", obj=council, detail={"meetings_per_year": meetings_per_year})
    return council


def _window_start_at(today: date) -> datetime:
    """The first instant of the last twelve months: the day after `rules.rhythm_window_start`, at midnight."""
    return timezone.make_aware(datetime.combine(rules.rhythm_window_start(today) + timedelta(days=1), time.min))


def _since(first_meeting_at, created_at) -> date:
    """Since when the council is followed: its first meeting, or its creation in Habiter when earlier (or when it
    never met)."""
    days = [timezone.localdate(created_at)]
    if first_meeting_at is not None:
        days.append(timezone.localdate(first_meeting_at))
    return min(days)


def rhythm_check(council, today: date) -> rules.RhythmCheck | None:
    """For the council's page (its meetings prefetched, no query): None when it follows no rhythm of its own."""
    if council.meetings_per_year is None or not rules.rhythm_allowed(council.legal_basis):
        return None
    start, now = _window_start_at(today), timezone.now()
    meetings = list(council.meetings.all())
    held = sum(1 for m in meetings if start <= m.starts_at <= now)
    first = min((m.starts_at for m in meetings), default=None)
    return rules.rhythm_check(council.meetings_per_year, held, _since(first, council.created_at), today)


def rhythm_alerts(user, today: date) -> list[tuple[Council, rules.RhythmCheck]]:
    """`(council, check)` for the councils the user manages that held fewer meetings than their own rhythm asks.
    One query, whatever the councils and meetings."""
    start, now = _window_start_at(today), timezone.now()
    councils = (
        queries.councils_managed_by(user)
        .filter(meetings_per_year__isnull=False)
        .exclude(legal_basis__in=list(rules.MIN_MEETINGS_KEYS))
        .annotate(
            held=Count("meetings", filter=Q(meetings__starts_at__gte=start, meetings__starts_at__lte=now)),
            first_meeting=Min("meetings__starts_at"),
        )
        .order_by("name", "id")
    )
    alerts = []
    for council in councils:
        check = rules.rhythm_check(
            council.meetings_per_year, council.held, _since(council.first_meeting, council.created_at), today
        )
        if check.short:
            alerts.append((council, check))
    return alerts


def carence_alerts(user, today: date) -> list[dict]:
    """The councils the user manages whose last election of a college ended in a carence and whose new election is
    due within the renewal notice or overdue: `{"election", "overdue"}`, the soonest due first. An election of the
    other college deals with nothing (W17: the professionals' carence stays until they are called to vote again).
    One query, and the legal parameters'."""
    later = Election.objects.filter(council=OuterRef("council"), college=OuterRef("college")).filter(
        Q(vote_on__gt=OuterRef("vote_on")) | Q(vote_on=OuterRef("vote_on"), created_at__gt=OuterRef("created_at"))
    )
    elections = (
        Election.objects.filter(
            council__in=queries.councils_managed_by(user).values("pk"),
            status=ElectionStatus.CARENCE,
            new_election_due__isnull=False,
        )
        .exclude(Exists(later))  # a later election is planned or held: the carence is being dealt with
        .select_related("council")
        .order_by("new_election_due", "id")
    )
    params = queries.legal_params()
    return [
        {"election": e, "overdue": e.new_election_due < today}
        for e in elections
        if rules.carence_election_to_prepare(e.new_election_due, today, params)
    ]
