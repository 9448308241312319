"""What `support` adds to the household page (a panel, timeline events), the home page and the audit log."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core import registry

from . import queries
from .models import MeasureStatus

STATUS_TITLES = {
    MeasureStatus.REQUESTED: gettext_lazy("Mesure demandée : %(programme)s"),
    MeasureStatus.ACTIVE: gettext_lazy("Mesure en cours : %(programme)s"),
    MeasureStatus.SUSPENDED: gettext_lazy("Mesure suspendue : %(programme)s"),
    MeasureStatus.CLOSED: gettext_lazy("Mesure clôturée : %(programme)s"),
}


def _measures(household):
    """The household's measures, read once per page for the panel and the timeline."""
    cached = household.__dict__.get("_support_measures")
    if cached is None:
        cached = household.__dict__["_support_measures"] = list(queries.measures_of(household))
    return cached


def measures_panel(household, user):
    if not user.has_perm("support.manage_measure", household):
        return None
    return {"measures": _measures(household), "household": household}


def measure_events(household, user):
    if not user.has_perm("support.manage_measure", household):
        return
    for measure in _measures(household):
        for change in measure.status_changes.all():
            body = change.comment
            if change.to_status == MeasureStatus.CLOSED and measure.outcome:
                body = _("Issue : %(outcome)s") % {"outcome": measure.outcome} + (f"\n{body}" if body else "")
            yield registry.TimelineEvent(
                when=change.created_at,
                kind="measure",
                title=str(STATUS_TITLES[change.to_status]) % {"programme": measure.programme.name},
                body=body,
                actor=str(change.actor),
            )


def register():
    from .demo import seed_measures
    from .services import catalogue_install

    registry.register_nav_item(
        registry.NavItem(
            86, gettext_lazy("Dispositifs"), "support:catalogue", lambda u: u.has_perm("support.configure_catalogue")
        )
    )
    registry.register_household_panel(
        registry.HouseholdPanel(
            "support.measures", gettext_lazy("Mesures"), "support/panel_measures.html", 10, measures_panel
        )
    )
    registry.register_timeline_source(registry.TimelineSource("measure", gettext_lazy("Mesures"), measure_events))
    registry.register_organisation_setup(catalogue_install)
    registry.register_demo_seeder(20, seed_measures)
    registry.register_audit_actions(
        {
            "measure.open": gettext_lazy("Ouverture d'une mesure"),
            "measure.transition": gettext_lazy("Changement de statut d'une mesure"),
            "programme.create": gettext_lazy("Ajout d'un dispositif"),
            "programme.activate": gettext_lazy("Remise en service d'un dispositif"),
            "programme.deactivate": gettext_lazy("Retrait d'un dispositif"),
            "outcome.create": gettext_lazy("Ajout d'une issue de mesure"),
        }
    )
