"""Pure rules of the reception desk and the workshops: postcodes, topics, dates, capacity.

No database and no Django imports here.
"""

import re
from datetime import date, datetime, timedelta

POSTCODE = re.compile(r"\d{5}")

HOUSING_SEARCH = "housing_search"
RENT_ARREARS = "rent_arrears"
EVICTION_THREAT = "eviction_threat"
RIGHTS_BENEFITS = "rights_benefits"
LANDLORD_QUESTION = "landlord_question"
ENERGY = "energy"
OTHER = "other"
TOPICS = (HOUSING_SEARCH, RENT_ARREARS, EVICTION_THREAT, RIGHTS_BENEFITS, LANDLORD_QUESTION, ENERGY, OTHER)

# A visit is noted as it happens or afterwards; a clock a few minutes ahead is tolerated.
FUTURE_TOLERANCE = timedelta(minutes=5)


def normalise_postcode(text: str) -> str:
    """ "13 001 " → "13001": spaces are dropped, nothing else is changed."""
    return "".join((text or "").split())


def postcode_error(postcode: str) -> str | None:
    """None for an empty postcode or five digits, else the French reason."""
    if not postcode or POSTCODE.fullmatch(postcode):
        return None
    return "Le code postal doit comporter 5 chiffres (ex. 13001)."


def topics_error(topics) -> str | None:
    """At least one known topic (motif de venue)."""
    topics = list(topics or [])
    if not topics:
        return "Cochez au moins un motif de venue."
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        return f"Motif inconnu : {', '.join(map(str, unknown))}."
    if len(set(topics)) != len(topics):
        return "Un motif est coché deux fois."
    return None


def visited_at_error(visited_at: datetime, now: datetime) -> str | None:
    if visited_at > now + FUTURE_TOLERANCE:
        return "Un passage ne peut pas être daté dans le futur."
    return None


def capacity_value_error(capacity: int) -> str | None:
    if capacity is None or capacity < 1:
        return "Une séance accueille au moins une personne : indiquez une capacité d'au moins 1."
    return None


def capacity_error(capacity: int, enrolled: int) -> str | None:
    """None while a session has room for one more household, else the French reason naming the capacity."""
    if enrolled >= capacity:
        places = "place" if capacity == 1 else "places"
        return f"Cette séance est complète : elle compte {capacity} {places}, toutes prises."
    return None


def places_left(capacity: int, enrolled: int) -> int:
    return max(capacity - enrolled, 0)


def attendance_error(session_day: date, today: date) -> str | None:
    """Attendance is taken on the day of the session or afterwards, never before."""
    if session_day > today:
        return "La présence se relève le jour de la séance ou après, pas avant."
    return None


# --- referrals (orientations) -------------------------------------------------------------------------------------

REFERRAL_OPEN = "open"
REFERRAL_TAKEN_UP = "taken_up"
REFERRAL_REDIRECTED = "redirected"

# The allowed changes of a referral's status. Taken up by mistake: reopened. Redirected: closed, and a new referral
# to the other colleague is open in its place (a redirection is not undone: the new one is redirected back).
REFERRAL_TRANSITIONS = {
    REFERRAL_OPEN: frozenset({REFERRAL_TAKEN_UP, REFERRAL_REDIRECTED}),
    REFERRAL_TAKEN_UP: frozenset({REFERRAL_OPEN}),
    REFERRAL_REDIRECTED: frozenset(),
}

REFERRAL_TRANSITION_ERRORS = {
    REFERRAL_TAKEN_UP: "Cette orientation n'est plus à prendre en charge.",
    REFERRAL_OPEN: "Seule une orientation prise en charge peut être rouverte.",
    REFERRAL_REDIRECTED: "Cette orientation n'est plus à prendre en charge : elle ne peut plus être réorientée.",
}


def referral_transition_error(current: str, target: str) -> str | None:
    """None when a referral may go from `current` to `target`, else the French reason."""
    if target in REFERRAL_TRANSITIONS.get(current, frozenset()):
        return None
    return REFERRAL_TRANSITION_ERRORS.get(target, "Changement d'état impossible.")


def referral_contact_errors(*, has_household: bool, name: str, phone: str, email: str) -> dict[str, str]:
    """A known household is reached through its file; a visitor not yet known needs a name and a phone or an
    e-mail, else nobody can call them back. The French reason per field, empty when all is well."""
    if has_household:
        return {}
    errors = {}
    if not (name or "").strip():
        errors["visitor_name"] = "Indiquez le nom de la personne orientée (ou choisissez un ménage déjà connu)."
    if not (phone or "").strip() and not (email or "").strip():
        errors["visitor_phone"] = "Indiquez un téléphone ou un courriel pour que la personne soit rappelée."
    return errors
