"""Pure rules of support measures: the allowed status transitions and the dates they need.

No database and no Django imports here.
"""

from datetime import date

from habiter.core.dates import add_months

REQUESTED = "requested"
ACTIVE = "active"
SUSPENDED = "suspended"
CLOSED = "closed"

# The one table of allowed transitions (requested → active → suspended ↔ active → closed).
TRANSITIONS: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({ACTIVE, CLOSED}),
    ACTIVE: frozenset({SUSPENDED, CLOSED}),
    SUSPENDED: frozenset({ACTIVE, CLOSED}),
    CLOSED: frozenset(),
}

STATUS_LABELS = {
    REQUESTED: "demandée",
    ACTIVE: "en cours",
    SUSPENDED: "suspendue",
    CLOSED: "clôturée",
}


def transition_error(current: str, target: str) -> str | None:
    """None when `current → target` is allowed, else the French reason."""
    if target not in TRANSITIONS:
        return f"Statut inconnu : {target}."
    if target in TRANSITIONS.get(current, frozenset()):
        return None
    if current == CLOSED:
        return "Cette mesure est clôturée : elle ne peut plus changer de statut."
    return f"Une mesure {STATUS_LABELS.get(current, current)} ne peut pas passer à l'état {STATUS_LABELS[target]}."


def dates_error(start: date, planned_end: date | None) -> str | None:
    if planned_end is not None and planned_end < start:
        return "La fin prévue ne peut pas précéder le début."
    return None


def transition_date_error(start: date, on: date, last_change: date | None, today: date) -> str | None:
    """A status change is dated on or after the start and the last change, and never in the future."""
    if on > today:
        return "La date ne peut pas être dans le futur."
    if on < start:
        return "La date ne peut pas précéder le début de la mesure."
    if last_change is not None and on < last_change:
        return "La date ne peut pas précéder le dernier changement de statut."
    return None


MAX_INTERVENTION_MINUTES = 12 * 60


def intervention_error(occurred_on: date, duration_minutes: int, today: date) -> dict[str, str]:
    """The French reasons an intervention is refused, by field (empty when it is acceptable)."""
    errors = {}
    if occurred_on > today:
        errors["occurred_on"] = "Une intervention ne peut pas être datée dans le futur."
    if duration_minutes <= 0:
        errors["duration_minutes"] = "La fin ne peut pas précéder le début : indiquez une durée d'au moins une minute."
    elif duration_minutes > MAX_INTERVENTION_MINUTES:
        errors["duration_minutes"] = "Une intervention ne peut pas durer plus de 12 heures."
    return errors


def next_review(last: date, rhythm_months: int) -> date:
    """The next review (bilan) of a plan, `rhythm_months` after the last one (or its start)."""
    if not 1 <= rhythm_months <= 24:
        raise ValueError("rhythm_months must be between 1 and 24")
    return add_months(last, rhythm_months)


def person_words_error(current: str, new: str) -> str | None:
    """The person's own words are written once and never rewritten by staff."""
    if current and new != current:
        return "Les mots de la personne ne sont jamais réécrits : ajoutez plutôt un objectif ou une revue."
    return None


MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff_document_type(head: bytes) -> tuple[str, str] | None:
    """The (content type, extension) that the file's first bytes show, whatever its name says; None if refused."""
    for magic, content_type, extension in DOCUMENT_SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def document_size_error(size: int) -> str | None:
    if size <= 0:
        return "Le fichier est vide."
    if size > MAX_DOCUMENT_BYTES:
        return "Le fichier dépasse 10 Mo : réduisez-le (scan en 150 dpi, noir et blanc) puis recommencez."
    return None


def appointment_error(starts_at, ends_at) -> dict[str, str]:
    """An appointment ends after it starts and lasts at most 12 hours."""
    if ends_at <= starts_at:
        return {"ends_at": "La fin du rendez-vous doit suivre son début."}
    if (ends_at - starts_at).total_seconds() > MAX_INTERVENTION_MINUTES * 60:
        return {"ends_at": "Un rendez-vous ne peut pas durer plus de 12 heures."}
    return {}


def overlaps(start_a, end_a, start_b, end_b) -> bool:
    """Two half-open periods [start, end) overlap."""
    return start_a < end_b and start_b < end_a


def ics_escape(text: str) -> str:
    """Escape a text value for an iCalendar (RFC 5545) property."""
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


# --- the situation a year after the end (DOMAIN-2 W35) ------------------------------------------------------------

# The State's AVDL figures are taken one year after the end of the support (W35: « 7 % d'impayés de plus de 3 mois un
# an après la fin de l'AVDL »): the follow-up is due that many months after the measure's end. A reporting convention
# of the funder, not a legal number.
FOLLOW_UP_MONTHS = 12

FOLLOW_UP_NOT_CLOSED = "not_closed"
FOLLOW_UP_TOO_EARLY = "too_early"
FOLLOW_UP_IN_FUTURE = "in_future"


def follow_up_due_on(end_date: date) -> date:
    """The day from which the situation a year after the end of a measure can be observed."""
    return add_months(end_date, FOLLOW_UP_MONTHS)


def follow_up_error(end_date: date | None, observed_on: date, today: date) -> str | None:
    """Why the situation observed on `observed_on` cannot be recorded for a measure ended on `end_date`, as a code,
    or None: the measure must be closed, the observation a year after its end at the earliest and not in the future."""
    if end_date is None:
        return FOLLOW_UP_NOT_CLOSED
    if observed_on > today:
        return FOLLOW_UP_IN_FUTURE
    if observed_on < follow_up_due_on(end_date):
        return FOLLOW_UP_TOO_EARLY
    return None
