"""What `evictions` adds to the household page and timeline, the home page and the audit log."""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from habiter.core import registry

from . import queries
from .models import Advance, AdvanceRepayment, FslApplication, PreventionCase


def _cases(household, user):
    return registry.household_rows(household, "evictions.cases", lambda: queries.cases_of_household(user, household))


def cases_panel(household, user):
    if not user.has_perm("evictions.manage_case", household):
        return None
    fsl = registry.household_rows(household, "evictions.fsl", lambda: queries.fsl_of_household(user, household))
    return {"household": household, "cases": _cases(household, user), "fsl": fsl}


def cases_alerts(context):
    """An open prevention case, for the household page's header (its deadlines head the timeline)."""
    open_cases = sum(1 for case in context["cases"] if case.closed_on is None)
    if open_cases:
        yield ngettext(
            "%(count)d dossier de prévention des expulsions en cours",
            "%(count)d dossiers de prévention des expulsions en cours",
            open_cases,
        ) % {"count": open_cases}


def case_events(household, user):
    if not user.has_perm("evictions.manage_case", household):
        return
    for case in _cases(household, user):
        for step in case.steps.all():
            local = timezone.localtime(step.created_at)
            yield registry.TimelineEvent(
                when=local.replace(year=step.on_date.year, month=step.on_date.month, day=step.on_date.day),
                kind="eviction",
                title=_("Prévention des expulsions : %(step)s") % {"step": step.get_step_display()},
                body=step.detail,
            )
        if case.closed_on is None:
            yield from _deadline_events(case)


def _deadline_events(case):
    """An open case's deadlines, on the day each falls (at noon, local time): the ones to come head the timeline."""
    for deadline in queries.deadlines_of(case):
        noon = timezone.make_aware(datetime.combine(deadline.on, time(12)))
        yield registry.TimelineEvent(
            when=noon,
            kind="eviction",
            title=_("Échéance : %(label)s") % {"label": deadline.label},
            body=deadline.advice,
        )


def deadlines_panel(user):
    deadlines = queries.upcoming_deadlines(user, timezone.localdate())
    return {"deadlines": deadlines} if deadlines else None


def early_warning_panel(user):
    warnings = queries.early_warnings(user, timezone.localdate())
    return {"warnings": warnings, "today": timezone.localdate()} if warnings else None


LEGAL_FOLLOW_UPS_SHOWN = 8


def legal_desk_home_panel(user):
    """The lawyer's next legal-desk sessions (the ones she is on, as the legal-desk page lists them) and the
    follow-ups of her earlier sessions not done yet, oldest first. Three queries."""
    from habiter.core.models import Role

    if user.role != Role.LAWYER:
        return None
    upcoming = queries.legal_sessions(user).filter(held_on__gte=timezone.localdate()).order_by("held_on")
    owed = queries.legal_follow_ups_owed(user)
    return {
        "sessions": list(upcoming[:5]),
        "follow_ups": list(owed[:LEGAL_FOLLOW_UPS_SHOWN]),
        "follow_up_count": owed.count(),
    }


def advance_reversal_guard(entry):
    """An FSL advance's entry, its repayments' and its old settlement's are not reversed from the ledger: the
    advance would go on showing what the books no longer say. It is corrected from the advance's page (a
    repayment)."""
    if (
        Advance.objects.filter(Q(transaction=entry) | Q(settlement_transaction=entry)).exists()
        or AdvanceRepayment.objects.filter(transaction=entry).exists()
    ):
        return _(
            "Cette écriture est celle d'une avance FSL ou de son remboursement : elle ne se contre-passe pas ici. "
            "Corrigez l'avance depuis sa page (un remboursement)."
        )
    return None


def register():
    from habiter.ledger import registry as ledger_registry

    from .demo import seed_evictions

    ledger_registry.register_reversal_guard(advance_reversal_guard)
    registry.register_demo_seeder(44, seed_evictions)
    registry.register_household_rows("evictions.cases", lambda pk: PreventionCase.objects.filter(household_id=pk))
    registry.register_household_rows("evictions.fsl", lambda pk: FslApplication.objects.filter(household_id=pk))
    registry.register_household_panel(
        registry.HouseholdPanel(
            "evictions.cases",
            gettext_lazy("Prévention des expulsions"),
            "evictions/panel_household.html",
            13,
            cases_panel,
            section="prevention",
            alerts=cases_alerts,
        )
    )
    registry.register_timeline_source(
        registry.TimelineSource("eviction", gettext_lazy("Prévention des expulsions"), case_events)
    )
    registry.register_home_panel(
        registry.HomePanel("evictions.early_warning", "evictions/panel_early_warning.html", 13, early_warning_panel)
    )
    registry.register_home_panel(
        registry.HomePanel("evictions.legal_desk", "evictions/panel_legal_desk_home.html", 1, legal_desk_home_panel)
    )
    registry.register_home_panel(
        registry.HomePanel("evictions.deadlines", "evictions/panel_deadlines.html", 14, deadlines_panel)
    )
    registry.register_nav_item(
        registry.NavItem(
            87,
            gettext_lazy("Fonds FSL"),
            "evictions:fsl_funds",
            lambda u: u.has_perm("evictions.configure_fsl"),
            "steering",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            85,
            gettext_lazy("Permanence juridique"),
            "evictions:legal_desk",
            lambda u: u.has_perm("evictions.legal_desk"),
            "prevention",
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            46, gettext_lazy("Avances FSL"), "evictions:advances", lambda u: u.has_perm("ledger.post"), "prevention"
        )
    )
    registry.register_nav_item(
        registry.NavItem(
            84,
            gettext_lazy("Statistiques de la prévention"),
            "evictions:statistics",
            lambda u: u.has_perm("evictions.view_statistics"),
            "prevention",
        )
    )
