"""The statutory CVS's checks shown on its council's page (DOMAIN-2 W15, W16, W18): they run only for a council
whose legal basis is `casf_cvs`, on its members in office today and its meetings already held. The rules answer in
codes (`rules.cvs_composition_errors`, `rules.cvs_rules_adoption_error`); the French sentences are here."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import queries, rules
from .models import LegalBasis, Meeting, MeetingDecision


@dataclass(frozen=True)
class CvsCheck:
    """The members in office by college, the least numbers the table sets, the composition's codes (W16), and the
    règlement intérieur's adoption: its code (W18), the first meeting held and the meeting that adopted it."""

    colleges: dict
    minimums: dict
    errors: list
    rules_error: str | None
    first_meeting: Meeting | None
    adopted_at: Meeting | None

    @property
    def members(self) -> int:
        return sum(self.colleges.values())

    @property
    def majority_side(self) -> int:
        return self.colleges[rules.CVS_PERSONS] + self.colleges[rules.CVS_FAMILIES]


def cvs_check(council, today: date) -> CvsCheck | None:
    """The W16 and W18 checks of a council read for its page (members and meetings prefetched), None unless its
    legal basis is the statutory CVS (W15). One query, for the meetings held that adopted the RI."""
    if council.legal_basis != LegalBasis.CASF_CVS:
        return None
    roles = [m.role for m in council.members.all() if rules.term_active(m.term_start, m.term_end, today)]
    params = queries.legal_params()
    now = timezone.now()
    held = sorted((m for m in council.meetings.all() if m.starts_at <= now), key=lambda m: (m.starts_at, str(m.pk)))
    adopting = set()
    if held:
        adopting = set(
            MeetingDecision.objects.filter(meeting__council=council, adopts_rules=True).values_list(
                "meeting_id", flat=True
            )
        )
    adopted = [m.pk in adopting for m in held]
    return CvsCheck(
        colleges=rules.cvs_colleges(roles),
        minimums=rules.cvs_minimums(today, params),
        errors=rules.cvs_composition_errors(roles, today, params),
        rules_error=rules.cvs_rules_adoption_error(adopted),
        first_meeting=held[0] if held else None,
        adopted_at=next((m for m in held if m.pk in adopting), None),
    )


def _day(meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y")


def composition_messages(check: CvsCheck) -> list[str]:
    """One French sentence per composition code of the check, in the rules' order."""
    return [_composition_message(code, check) for code in check.errors]


def _composition_message(code: str, check: CvsCheck) -> str:
    # None is said « Aucun représentant … », which reads better than « 0 représentant … ».
    colleges, minimums = check.colleges, check.minimums
    if code == rules.CVS_TOO_FEW_PERSONS:
        count, values = colleges[rules.CVS_PERSONS], {"minimum": minimums[rules.CVS_PERSONS]}
        if count == 0:
            return _("Aucun représentant des personnes accompagnées en mandat : il en faut au moins %(minimum)d.") % (
                values
            )
        return ngettext(
            "%(count)d représentant des personnes accompagnées en mandat : il en faut au moins %(minimum)d.",
            "%(count)d représentants des personnes accompagnées en mandat : il en faut au moins %(minimum)d.",
            count,
        ) % {"count": count, **values}
    if code == rules.CVS_TOO_FEW_PROFESSIONALS:
        count, values = colleges[rules.CVS_PROFESSIONALS], {"minimum": minimums[rules.CVS_PROFESSIONALS]}
        if count == 0:
            return (
                _(
                    "Aucun représentant des professionnels en mandat : il en faut au moins %(minimum)d, élu par les "
                    "salariés."
                )
                % values
            )
        return ngettext(
            "%(count)d représentant des professionnels en mandat : il en faut au moins %(minimum)d, élus par les "
            "salariés.",
            "%(count)d représentants des professionnels en mandat : il en faut au moins %(minimum)d, élus par les "
            "salariés.",
            count,
        ) % {"count": count, **values}
    if code == rules.CVS_TOO_FEW_MANAGING_BODY:
        count, values = colleges[rules.CVS_MANAGING_BODY], {"minimum": minimums[rules.CVS_MANAGING_BODY]}
        if count == 0:
            return _("Aucun représentant de l'organisme gestionnaire en mandat : il en faut au moins %(minimum)d.") % (
                values
            )
        return ngettext(
            "%(count)d représentant de l'organisme gestionnaire en mandat : il en faut au moins %(minimum)d.",
            "%(count)d représentants de l'organisme gestionnaire en mandat : il en faut au moins %(minimum)d.",
            count,
        ) % {"count": count, **values}
    # rules.CVS_PERSONS_NOT_MAJORITY
    if check.members == 0:
        return _(
            "Aucun membre en mandat : les représentants des personnes accompagnées doivent en être plus de la moitié."
        )
    return ngettext(
        "Représentants des personnes accompagnées, des familles et des représentants légaux : %(side)d sur "
        "%(count)d membre en mandat ; ils doivent être plus de la moitié.",
        "Représentants des personnes accompagnées, des familles et des représentants légaux : %(side)d sur "
        "%(count)d membres en mandat ; ils doivent être plus de la moitié.",
        check.members,
    ) % {"side": check.majority_side, "count": check.members}


def rules_adoption_message(check: CvsCheck) -> str:
    """Where the CVS's règlement intérieur stands (W18, D311-19), in one French sentence."""
    if check.first_meeting is None:
        return _("À adopter à la première réunion du conseil (CASF D311-19).")
    if check.rules_error == rules.RULES_NOT_ADOPTED:
        return _(
            "La première réunion, le %(day)s, n'a pas adopté le règlement intérieur : un CVS l'adopte à sa première "
            "réunion (CASF D311-19). Notez la décision qui l'adopte, ou inscrivez-le à la prochaine réunion."
        ) % {"day": _day(check.first_meeting)}
    if check.rules_error == rules.RULES_ADOPTED_LATE:
        return _(
            "Adopté à la réunion du %(day)s, pas à la première (%(first)s) comme le veut l'article D311-19 du CASF."
        ) % {"day": _day(check.adopted_at), "first": _day(check.first_meeting)}
    return _("Adopté à la première réunion, le %(day)s.") % {"day": _day(check.first_meeting)}


def cvs_page(council, today: date) -> dict | None:
    """What the council's page shows of the statutory CVS's checks, None for any other legal basis (W15)."""
    check = cvs_check(council, today)
    if check is None:
        return None
    return {
        "check": check,
        "composition": composition_messages(check),
        "rules_adoption": rules_adoption_message(check),
        "rules_warning": check.rules_error == rules.RULES_NOT_ADOPTED,
    }
