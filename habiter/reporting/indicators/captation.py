"""Indicators of captation (W36: « captation de logements »): the funnel of the owners' dwellings prospected during
the period by the furthest stage they reached, and the reasons of those given up, counted from the dated stage
changes of each prospect (`ProspectStageChange`), never from its current stage.

The arithmetic of the funnel stays in this module (not in `reporting.rules`) so that the fingerprints of the reports
that do not count captation are unchanged (decision record 0022).
"""

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.housing.models import DropReason, ProspectStage, ProspectStageChange

from ..scope import ReportScope
from .base import Indicator, Period, register

# The stages of the pipeline in order, from repéré to signé; abandonné is not a step forward.
PIPELINE = tuple(stage for stage in ProspectStage.values if stage != ProspectStage.DROPPED)
FINAL = (ProspectStage.SIGNED, ProspectStage.DROPPED)


@dataclass(frozen=True)
class Path:
    furthest: str  # the furthest stage of the pipeline reached by the period's last day
    dropped: bool  # given up by then (in the period: one given up before it is not counted)
    drop_reason: str


def furthest_stage(stages) -> str:
    """The furthest stage of the pipeline among `stages` (a stage may be skipped: contacted without being
    identified again, an offer without works to assess); repéré when none is (every prospect starts there)."""
    reached = [PIPELINE.index(stage) for stage in stages if stage in PIPELINE]
    return PIPELINE[max(reached)] if reached else ProspectStage.IDENTIFIED


def prospect_paths(scope: ReportScope, period: Period) -> dict:
    """{prospect id: Path} of the prospects under way during the period: a stage change dated on or before its last
    day, and not signed or given up before its first day. For a team lead, the prospects carried by a member of
    their team. One query."""
    changes = ProspectStageChange.objects.filter(organisation_id=scope.organisation_id, on_date__lte=period.end)
    closed_before = ProspectStageChange.objects.filter(
        organisation_id=scope.organisation_id, to_stage__in=FINAL, on_date__lt=period.start
    ).values("prospect_id")
    changes = changes.exclude(prospect_id__in=closed_before)
    if not scope.whole_organisation:
        changes = changes.filter(prospect__worker__team_id=scope.team_id) if scope.team_id else changes.none()
    stages: dict = {}
    reasons: dict = {}
    for prospect_id, stage, reason in changes.values_list("prospect_id", "to_stage", "prospect__drop_reason"):
        stages.setdefault(prospect_id, []).append(stage)
        reasons[prospect_id] = reason
    return {
        prospect_id: Path(
            furthest_stage(moves),
            ProspectStage.DROPPED in moves,
            reasons[prospect_id] if ProspectStage.DROPPED in moves else "",
        )
        for prospect_id, moves in stages.items()
    }


def funnel(paths) -> list[tuple[str, int, int, int]]:
    """For each stage of the pipeline, in order: (stage, prospects that reached at least it, prospects for which it
    is the furthest, those of them given up)."""
    furthest = Counter(path.furthest for path in paths)
    dropped = Counter(path.furthest for path in paths if path.dropped)
    rows = []
    for index, stage in enumerate(PIPELINE):
        at_least = sum(furthest[later] for later in PIPELINE[index:])
        rows.append((stage, at_least, furthest[stage], dropped[stage]))
    return rows


def captation_funnel(scope: ReportScope, period: Period):
    """By stage of the pipeline: the prospects under way during the period that reached at least it, those that
    stopped there (their furthest stage on the last day) and, among them, those given up; then the total."""
    paths = list(prospect_paths(scope, period).values())
    if not paths:
        return _columns(), []
    labels = dict(ProspectStage.choices)
    rows = [[str(labels[stage]), *figures] for stage, *figures in funnel(paths)]
    rows.append([_("Total des prospects"), len(paths), len(paths), sum(1 for path in paths if path.dropped)])
    return _columns(), rows


def _columns():
    return [
        _("Étape"),
        _("Ont atteint au moins cette étape"),
        _("Étape la plus avancée"),
        _("dont abandonnés à cette étape"),
    ]


register(
    Indicator(
        code="captation_funnel",
        title=gettext_lazy("Captation : logements prospectés, par étape la plus avancée"),
        unit=gettext_lazy("prospect (un logement proposé par son propriétaire)"),
        rule=gettext_lazy(
            "Un prospect compte s'il était en cours pendant la période : une étape datée au plus tard le dernier "
            "jour, et ni signé ni abandonné avant le premier. Son étape la plus avancée est la plus avancée des "
            "étapes datées au plus tard le dernier jour (l'historique des étapes, non l'étape actuelle ; une étape "
            "sans objet a pu être sautée). Ont atteint au moins une étape : les prospects dont l'étape la plus "
            "avancée est celle-là ou une suivante. Abandonnés : abandon daté dans la période, compté à l'étape "
            "atteinte avant l'abandon. Pour un chef de service : les prospects suivis par un membre de son équipe "
            "(un logement à capter n'est d'aucun ménage)."
        ),
        compute=captation_funnel,
    )
)


def captation_drops(scope: ReportScope, period: Period):
    """The prospects given up in the period, by the reason noted when they were."""
    counts = Counter(path.drop_reason for path in prospect_paths(scope, period).values() if path.dropped)
    rows = [[str(label), counts[reason]] for reason, label in DropReason.choices if reason and counts[reason]]
    if counts[""]:
        rows.append([_("Motif non renseigné"), counts[""]])
    if rows:
        rows.append([_("Total des abandons"), sum(counts.values())])
    return [_("Motif d'abandon"), _("Prospects abandonnés")], rows


register(
    Indicator(
        code="captation_drops",
        title=gettext_lazy("Captation : prospects abandonnés, par motif"),
        unit=gettext_lazy("prospect (un logement proposé par son propriétaire)"),
        rule=gettext_lazy(
            "Les prospects dont l'abandon est daté dans la période (historique des étapes), par le motif noté lors "
            "de l'abandon ; un prospect abandonné ne change plus d'étape. Pour un chef de service : les prospects "
            "suivis par un membre de son équipe."
        ),
        compute=captation_drops,
    )
)
