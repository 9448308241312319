"""What `reception` adds to the household timeline, the navigation, the home page and the audit log."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.models import Role

from . import queries
from .models import DeskVisit, Enrolment, Referral, ReferralStatus
from .permissions import REFERRAL_RECIPIENT_ROLES

HOME_REFERRALS_SHOWN = 10


def desk_visit_events(household, user):
    """Visits linked to the household; only users who may open its file see its page anyway."""
    if not user.has_perm("people.view_household", household):
        return
    for visit in registry.household_rows(
        household, "reception.desk_visits", lambda: list(queries.desk_visits_of(household))
    ):
        lines = []
        if visit.information_given:
            lines.append(visit.information_given)
        referrals = [r for r in (str(visit.referral_partner or ""), str(visit.referral_worker or "")) if r]
        if referrals:
            lines.append(_("Orientation : %(to)s") % {"to": ", ".join(referrals)})
        yield registry.TimelineEvent(
            when=visit.visited_at,
            kind="desk_visit",
            title=_("Passage à l'accueil : %(topics)s") % {"topics": ", ".join(visit.topic_labels)},
            body="\n".join(lines),
            actor=str(visit.recorded_by),
        )


def workshop_events(household, user):
    """Enrolments, and once attendance is taken, presence or absence at each session."""
    if not user.has_perm("people.view_household", household):
        return
    for enrolment in registry.household_rows(
        household, "reception.enrolments", lambda: list(queries.enrolments_of(household))
    ):
        session = enrolment.session
        if enrolment.attended is None:
            yield registry.TimelineEvent(
                when=enrolment.created_at,
                kind="workshop",
                title=_("Inscription à l'atelier « %(title)s » du %(when)s")
                % {
                    "title": session.workshop.title,
                    "when": timezone.localtime(session.starts_at).strftime("%d/%m/%Y %H:%M"),
                },
            )
        else:
            yield registry.TimelineEvent(
                when=session.starts_at,
                kind="workshop",
                title=(
                    _("Atelier « %(title)s » : présent·e")
                    if enrolment.attended
                    else _("Atelier « %(title)s » : absent·e")
                )
                % {"title": session.workshop.title},
            )


def referral_events(household, user):
    """Referrals of the household: who sent it to whom and why, then its taking up — for who may open its file."""
    if not user.has_perm("people.view_household", household):
        return
    for referral in registry.household_rows(
        household, "reception.referrals", lambda: list(queries.referrals_of(household))
    ):
        yield registry.TimelineEvent(
            when=referral.created_at,
            kind="referral",
            title=_("Orientation vers %(to)s") % {"to": referral.to_user},
            body=referral.reason,
            actor=str(referral.from_user),
        )
        if referral.status == ReferralStatus.TAKEN_UP and referral.taken_up_at:
            yield registry.TimelineEvent(
                when=referral.taken_up_at,
                kind="referral",
                title=_("Orientation prise en charge par %(who)s") % {"who": referral.to_user},
                body=referral.note,
                actor=str(referral.to_user),
            )


def referrals_panel(user):
    """The recipient's referrals to take up, the longest waiting first, with the person's contact: two queries."""
    if user.role not in REFERRAL_RECIPIENT_ROLES or not user.has_perm("reception.refer"):
        return None
    referrals = queries.referrals_to_take_up(user)
    shown = list(referrals[:HOME_REFERRALS_SHOWN])
    count = len(shown) if len(shown) < HOME_REFERRALS_SHOWN else referrals.count()
    rows = [
        {
            "referral": referral,
            "can_open": referral.household_id is not None
            and user.has_perm("people.view_household", referral.household),
            "can_take_up": True,
            "can_manage": True,
        }
        for referral in shown
    ]
    return {"count": count, "rows": rows, "referrals": shown}


def reception_panel(user):
    if user.role not in (Role.RECEPTIONIST, Role.VOLUNTEER) or not user.has_perm("reception.log_visit"):
        return None
    from .models import WorkshopSession

    start, end = queries.day_bounds(timezone.localdate())
    sessions = (
        WorkshopSession.objects.filter(organisation_id=user.organisation_id, starts_at__gte=start, starts_at__lt=end)
        .select_related("workshop")
        .order_by("starts_at")
    )
    return {"today_count": queries.desk_visits_today_count(user), "sessions": list(sessions)}


def session_entries(user, start, end):
    """The workshop sessions a user facilitates, in their calendar and calendar feed."""
    from django.urls import reverse

    from .models import WorkshopSession

    sessions = WorkshopSession.objects.filter(facilitator=user, starts_at__gte=start, starts_at__lt=end)
    for session in sessions.select_related("workshop").order_by("starts_at"):
        yield registry.CalendarEntry(
            uid=f"workshop-session-{session.pk}",
            starts_at=session.starts_at,
            title=_("Atelier : %(title)s") % {"title": session.workshop.title},
            place=session.place,
            url=reverse("reception:session_detail", args=[session.pk]),
            link_label=_("la séance"),
        )


def register():
    from .demo import seed_reception, seed_referrals

    registry.register_calendar_source("reception.sessions", session_entries)
    registry.register_household_rows("reception.desk_visits", lambda pk: DeskVisit.objects.filter(household_id=pk))
    registry.register_household_rows("reception.enrolments", lambda pk: Enrolment.objects.filter(household_id=pk))

    registry.register_nav_item(
        registry.NavItem(
            20,
            gettext_lazy("Accueil du public"),
            "reception:desk_visit_list",
            lambda u: u.has_perm("reception.log_visit"),
            "reception",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            21,
            gettext_lazy("Ateliers"),
            "reception:workshop_list",
            lambda u: u.has_perm("reception.view_workshops"),
            "reception",
        )
    )
    registry.register_timeline_source(
        registry.TimelineSource("desk_visit", gettext_lazy("Accueil du public"), desk_visit_events)
    )
    registry.register_timeline_source(registry.TimelineSource("workshop", gettext_lazy("Ateliers"), workshop_events))
    registry.register_household_rows("reception.referrals", lambda pk: Referral.objects.filter(household_id=pk))
    registry.register_timeline_source(
        registry.TimelineSource("referral", gettext_lazy("Orientations"), referral_events)
    )
    registry.register_nav_item(
        registry.NavItem(
            22,
            gettext_lazy("Orientations"),
            "reception:referral_list",
            lambda u: u.has_perm("reception.refer"),
            "reception",
        )
    )
    registry.register_home_panel(
        registry.HomePanel("reception.referrals", "reception/panel_referrals.html", 4, referrals_panel)
    )
    registry.register_home_panel(
        registry.HomePanel("reception.desk", "reception/panel_reception.html", 5, reception_panel)
    )
    registry.register_demo_seeder(30, seed_reception)
    registry.register_demo_seeder(31, seed_referrals)
