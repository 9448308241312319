"""Indicators of the reception desk and the workshops: visits by topic, workshop sessions and attendance."""

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.reception.models import DeskVisit, Enrolment, Topic, WorkshopTheme

from ..scope import ReportScope
from .base import Indicator, Period, register


def desk_visits_in_scope(scope: ReportScope, period: Period):
    visits = DeskVisit.objects.filter(
        organisation_id=scope.organisation_id,
        visited_at__date__gte=period.start,
        visited_at__date__lte=period.end,
    )
    # A team lead's figures: the visits of their households only (anonymous visits belong to no team).
    return visits if scope.whole_organisation else visits.filter(household__in=scope.households)


def desk_visits(scope: ReportScope, period: Period):
    """Desk visits by topic (a visit with two topics counts in both rows), then all visits and anonymous ones."""
    topics = Counter()
    total = anonymous = 0
    for visit_topics, household_id in desk_visits_in_scope(scope, period).values_list("topics", "household_id"):
        total += 1
        anonymous += household_id is None
        topics.update(set(visit_topics))
    rows = [[str(label), topics[value]] for value, label in Topic.choices if topics[value]]
    rows.append([_("Passages (tous motifs)"), total])
    rows.append([_("dont passages anonymes"), anonymous])
    return [_("Motif de venue"), _("Passages")], rows


register(
    Indicator(
        code="desk_visits",
        title=gettext_lazy("Passages à l'accueil, par motif"),
        unit=gettext_lazy("passage"),
        rule=gettext_lazy(
            "Passages dont la date (heure de Paris) est dans la période. Un passage à plusieurs motifs compte "
            "une fois par motif, et une fois dans le total. Pour un chef de service : les passages des ménages "
            "de son équipe seulement (les passages anonymes ne sont d'aucune équipe)."
        ),
        compute=desk_visits,
    )
)


def workshop_attendance(scope: ReportScope, period: Period):
    """By theme: sessions held, households enrolled, households present at least once, attendances."""
    enrolments = Enrolment.objects.filter(
        organisation_id=scope.organisation_id,
        session__starts_at__date__gte=period.start,
        session__starts_at__date__lte=period.end,
    )
    if not scope.whole_organisation:
        enrolments = enrolments.filter(household__in=scope.households)
    by_theme = {
        row["session__workshop__theme"]: row
        for row in enrolments.values("session__workshop__theme")
        .annotate(
            sessions=Count("session", distinct=True),
            enrolled=Count("household", distinct=True),
            present=Count("household", filter=Q(attended=True), distinct=True),
            attendances=Count("pk", filter=Q(attended=True)),
        )
        .order_by()
    }
    rows = [
        [str(label), row["sessions"], row["enrolled"], row["present"], row["attendances"]]
        for theme, label in WorkshopTheme.choices
        if (row := by_theme.get(theme))
    ]
    columns = [_("Thème"), _("Séances"), _("Ménages inscrits"), _("Ménages venus"), _("Présences")]
    return columns, rows


register(
    Indicator(
        code="workshop_attendance",
        title=gettext_lazy("Participation aux ateliers collectifs, par thème"),
        unit=gettext_lazy("séance ; ménage ; présence"),
        rule=gettext_lazy(
            "Séances ayant au moins un inscrit, dont le début est dans la période. Ménages inscrits et ménages "
            "venus au moins une fois comptent une fois par thème ; les présences comptent chaque venue."
        ),
        compute=workshop_attendance,
    )
)
