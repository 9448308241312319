"""What `support` adds to the household page (a panel, timeline events), the home page and the audit log."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from habiter.core import registry
from habiter.core.models import Role

from . import queries
from .models import Appointment, AppointmentStatus, Document, Intervention, MeasureStatus, SupportMeasure, SupportPlan

STATUS_TITLES = {
    MeasureStatus.REQUESTED: gettext_lazy("Mesure demandée : %(programme)s"),
    MeasureStatus.ACTIVE: gettext_lazy("Mesure en cours : %(programme)s"),
    MeasureStatus.SUSPENDED: gettext_lazy("Mesure suspendue : %(programme)s"),
    MeasureStatus.CLOSED: gettext_lazy("Mesure clôturée : %(programme)s"),
}


def _dated(day, recorded_at) -> datetime:
    """When it happened: its day, at the hour it was recorded (a back-dated entry sorts by its day)."""
    return timezone.make_aware(datetime.combine(day, timezone.localtime(recorded_at).time()))


def _measures(household):
    """The household's measures, read once per page for the panel and the timeline."""
    return registry.household_rows(household, "support.measures", lambda: list(queries.measures_of(household)))


def measures_panel(household, user):
    if not user.has_perm("support.manage_measure", household):
        return None
    return {"measures": _measures(household), "household": household}


def _interventions(household, user):
    return registry.household_rows(
        household, "support.interventions", lambda: list(queries.interventions_visible_to(user, household))
    )


def _plan(household):
    """The plan (or None) with its author and number of goals, read once per page for the panel and the
    timeline."""
    return registry.household_rows(household, "support.plan", lambda: queries.plan_summary(household), empty=None)


def _plan_goals(household, user):
    """The plan's goals this user may see, read once per page for the timeline and the intervention form."""
    cached = household.__dict__.get("_support_plan_goals")
    if cached is None:
        cached = household.__dict__["_support_plan_goals"] = queries.plan_goals(user, household, _plan(household))
    return cached


def interventions_panel(household, user):
    if not user.has_perm("support.manage_measure", household):
        return None
    from .forms import InterventionForm
    from .models import GoalStatus

    interventions = _interventions(household, user)
    may_restrict = user.has_perm("people.view_restricted", household)
    return {
        "household": household,
        "form": InterventionForm(
            household=household,
            may_restrict=may_restrict,
            # The choices from the rows the page has already read (same filters as the form's own queries).
            measure_choices=[m for m in _measures(household) if m.status != MeasureStatus.CLOSED],
            goal_choices=[g for g in _plan_goals(household, user) if g.status == GoalStatus.OPEN],
        ),
        "count": len(interventions),
        "minutes": sum(i.duration_minutes for i in interventions),
    }


def intervention_events(household, user):
    if not user.has_perm("support.manage_measure", household):
        return
    for intervention in _interventions(household, user):
        title = _("%(kind)s (%(minutes)s min)") % {
            "kind": intervention.get_kind_display(),
            "minutes": intervention.duration_minutes,
        }
        if intervention.back_office:
            title += " · " + _("hors présence")
        if intervention.measure_id:
            title += " · " + intervention.measure.programme.name
        yield registry.TimelineEvent(
            when=_dated(intervention.occurred_on, intervention.created_at),
            kind="intervention",
            title=title,
            body=intervention.note,
            actor=str(intervention.author),
            restricted=intervention.restricted,
        )


def plan_panel(household, user):
    if not user.has_perm("support.manage_measure", household):
        return None
    return {"household": household, "plan": _plan(household)}


def documents_panel(household, user):
    if not user.has_perm("support.manage_measure", household):
        return None
    from datetime import timedelta

    from .forms import DocumentForm

    documents = _documents(household)
    return {
        "household": household,
        "documents": [document for document in documents if document.archived_at is None],
        "archived_count": sum(1 for document in documents if document.archived_at is not None),
        "form": DocumentForm(),
        "soon": timezone.localdate() + timedelta(days=30),
    }


def documents_alerts(context):
    """The documents expiring within a month (or expired), for the household page's header."""
    expiring = sum(1 for d in context["documents"] if d.expires_on and d.expires_on <= context["soon"])
    if expiring:
        yield ngettext("%(count)d document à renouveler", "%(count)d documents à renouveler", expiring) % {
            "count": expiring
        }


def _documents(household):
    return registry.household_rows(household, "support.documents", lambda: list(queries.documents_of(household)))


def document_events(household, user):
    if not user.has_perm("support.manage_measure", household):
        return
    for document in _documents(household):
        yield registry.TimelineEvent(
            when=document.created_at,
            kind="document",
            title=_("Document ajouté : %(kind)s") % {"kind": document.get_kind_display()},
            body=document.original_name,
            actor=str(document.uploaded_by),
        )


def appointment_events(household, user):
    if not user.has_perm("support.manage_measure", household):
        return
    appointments = registry.household_rows(
        household, "support.appointments", lambda: list(queries.household_appointments(household))
    )
    for appointment in appointments:
        if appointment.is_cancelled:
            title = _("Rendez-vous annulé : %(title)s") % {"title": appointment.title}
            body = _("Motif : %(reason)s") % {"reason": appointment.cancel_reason}
        elif appointment.status == AppointmentStatus.PLANNED:
            title, body = _("Rendez-vous : %(title)s") % {"title": appointment.title}, appointment.place
        else:
            title = _("Rendez-vous (%(status)s) : %(title)s") % {
                "status": appointment.get_status_display(),
                "title": appointment.title,
            }
            body = appointment.place
        yield registry.TimelineEvent(
            when=appointment.starts_at,
            kind="appointment",
            title=title,
            body=body,
            actor=str(appointment.worker),
            struck=appointment.is_cancelled,
        )


def plan_events(household, user):
    """The plan's life on the timeline: its start, goals, reviews and signatures (health goals only for those
    allowed), in three queries."""
    if not user.has_perm("support.manage_measure", household):
        return
    plan = _plan(household)
    goals = _plan_goals(household, user)
    for title, when, actor, body in queries.plan_history(user, household, plan=plan, goals=goals):
        yield registry.TimelineEvent(when=when, kind="plan", title=title, body=body, actor=actor)


def appointment_entries(user, start, end):
    from django.urls import reverse

    appointments = Appointment.objects.filter(worker=user, starts_at__gte=start, starts_at__lt=end)
    for appointment in appointments.select_related("household").order_by("starts_at"):
        household = appointment.household
        yield registry.CalendarEntry(
            uid=f"appointment-{appointment.pk}",
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            title=appointment.title,
            place=appointment.place,
            url=reverse("people:household_detail", args=[household.pk]) if household else "",
            link_label=household.name if household else "",
            cancelled=appointment.is_cancelled,
            status_label="" if appointment.status == AppointmentStatus.PLANNED else appointment.get_status_display(),
            manage_url=reverse("support:appointment_edit", args=[appointment.pk]),
        )


def reviews_due_panel(user):
    if user.role not in (Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR):
        return None
    return {
        "appointments": list(queries.today_appointments(user)),
        "plans": list(queries.reviews_due(user)[:20]),
        "measures": list(queries.measures_ending(user)[:20]),
        "documents": list(queries.documents_expiring(user)[:20]),
        "today": timezone.localdate(),
    }


def measure_events(household, user):
    if not user.has_perm("support.manage_measure", household):
        return
    for measure in _measures(household):
        for change in measure.status_changes.all():
            body = change.comment
            if change.to_status == MeasureStatus.CLOSED and measure.outcome:
                body = _("Issue : %(outcome)s") % {"outcome": measure.outcome} + (f"\n{body}" if body else "")
            yield registry.TimelineEvent(
                when=_dated(change.on_date, change.created_at),
                kind="measure",
                title=str(STATUS_TITLES[change.to_status]) % {"programme": measure.programme.name},
                body=body,
                actor=str(change.actor),
            )


def desk_appointments_panel(user):
    """The reception desk's and the volunteers' home: who is expected today, and with whom (one query)."""
    if user.role not in (Role.RECEPTIONIST, Role.VOLUNTEER):
        return None
    return {"appointments": list(queries.desk_appointments_on(user, timezone.localdate()))}


def register():
    from .demo import seed_appointments, seed_documents, seed_interventions, seed_measures, seed_plans
    from .services import catalogue_install

    registry.register_nav_item(
        registry.NavItem(
            86,
            gettext_lazy("Dispositifs"),
            "support:catalogue",
            lambda u: u.has_perm("support.configure_catalogue"),
            "steering",
        )
    )
    registry.register_household_panel(
        registry.HouseholdPanel(
            "support.measures", gettext_lazy("Mesures"), "support/panel_measures.html", 10, measures_panel
        )
    )
    registry.register_household_panel(
        registry.HouseholdPanel(
            "support.interventions",
            gettext_lazy("Interventions sociales"),
            "support/panel_interventions.html",
            12,
            interventions_panel,
        )
    )
    registry.register_household_panel(
        registry.HouseholdPanel(
            "support.plan", gettext_lazy("Projet personnalisé"), "support/panel_plan.html", 11, plan_panel
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            20,
            gettext_lazy("Agenda"),
            "support:calendar",
            lambda u: u.has_perm("support.book_appointment"),
            "households",
        )
    )
    registry.register_calendar_source("support.appointments", appointment_entries)
    registry.register_household_panel(
        registry.HouseholdPanel(
            "support.documents",
            gettext_lazy("Documents"),
            "support/panel_documents.html",
            14,
            documents_panel,
            section="documents",
            alerts=documents_alerts,
        )
    )
    registry.register_timeline_source(registry.TimelineSource("plan", gettext_lazy("Projet"), plan_events))
    registry.register_timeline_source(registry.TimelineSource("document", gettext_lazy("Documents"), document_events))
    registry.register_timeline_source(
        registry.TimelineSource("appointment", gettext_lazy("Rendez-vous"), appointment_events)
    )
    registry.register_home_panel(
        registry.HomePanel(
            "support.desk_appointments", "support/panel_desk_appointments.html", 6, desk_appointments_panel
        )
    )
    registry.register_home_panel(
        registry.HomePanel("support.reviews_due", "support/panel_reviews_due.html", 15, reviews_due_panel)
    )
    registry.register_timeline_source(registry.TimelineSource("measure", gettext_lazy("Mesures"), measure_events))
    registry.register_timeline_source(
        registry.TimelineSource("intervention", gettext_lazy("Interventions sociales"), intervention_events)
    )
    registry.register_household_rows("support.measures", lambda pk: SupportMeasure.objects.filter(household_id=pk))
    registry.register_household_rows("support.interventions", lambda pk: Intervention.objects.filter(household_id=pk))
    registry.register_household_rows("support.plan", lambda pk: SupportPlan.objects.filter(household_id=pk))
    registry.register_household_rows("support.documents", lambda pk: Document.objects.filter(household_id=pk))
    registry.register_household_rows("support.appointments", lambda pk: Appointment.objects.filter(household_id=pk))
    registry.register_organisation_setup(catalogue_install)
    registry.register_demo_seeder(20, seed_measures)
    registry.register_demo_seeder(21, seed_interventions)
    registry.register_demo_seeder(22, seed_plans)
    registry.register_demo_seeder(23, seed_appointments)
    registry.register_demo_seeder(24, seed_documents)
