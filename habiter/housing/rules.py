"""Pure rules of the housing stock: IBANs, the captation pipeline, tickets, and inspections compared.

No database and no Django imports here.
"""

from datetime import date, timedelta

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from habiter.core.dates import add_months
from habiter.core.legal import LegalParameters, default_parameters

# --- IBAN ---------------------------------------------------------------------------------------------


def normalise_iban(value: str) -> str:
    return "".join((value or "").split()).upper()


def iban_error(value: str) -> str | None:
    """None for an empty or valid IBAN (ISO 13616: country format and mod-97 check digits), else why not."""
    compact = normalise_iban(value)
    if not compact:
        return None
    try:
        stdnum_iban.validate(compact)
    except StdnumError:
        return "Cet IBAN n'est pas valide : vérifiez les caractères saisis (la clé de contrôle ne correspond pas)."
    return None


def format_iban(value: str) -> str:
    compact = normalise_iban(value)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


# --- energy class: decency and rent freeze (loi 89 art. 6 and 17-1 III, loi Climat) ------------------------

ENERGY_CLASSES = "ABCDEFG"


def _params(params: LegalParameters | None) -> LegalParameters:
    return default_parameters() if params is None else params


def _energy_class(energy_class: str) -> str:
    normalised = energy_class.strip().upper() if isinstance(energy_class, str) else ""
    if len(normalised) != 1 or normalised not in ENERGY_CLASSES:
        raise ValueError(f"Classe énergétique inconnue : « {energy_class} » (attendu : A à G).")
    return normalised


def _classes(raw: str) -> frozenset[str]:
    """A comma-separated list of energy classes from the table; "-" means none."""
    if raw.strip() == "-":
        return frozenset()
    return frozenset(_energy_class(item) for item in raw.split(","))


def rent_increase_allowed(
    energy_class: str, on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> bool:
    """False for the frozen classes (F and G): no revision, no increase at renewal or re-letting
    (R13, R62; loi 89 art. 17-1 III, in force 24/08/2022 in metropolitan France, 01/07/2024 overseas)."""
    energy_class = _energy_class(energy_class)
    frozen = _classes(_params(params).value("rent_freeze_classes", on, territory))
    return energy_class not in frozen


def decent_for_letting(
    energy_class: str, on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> bool:
    """Whether a dwelling of `energy_class` may be let under a new or renewed lease on `on` (R61: loi 89
    art. 6 as amended by loi Climat art. 160). The separate 450 kWhEF/m² criterion of 2023 is not a class:
    it is the parameter `decency_final_energy_max_kwh`."""
    energy_class = _energy_class(energy_class)
    worst = _energy_class(_params(params).value("decency_worst_class", on, territory))
    return ENERGY_CLASSES.index(energy_class) <= ENERGY_CLASSES.index(worst)


def letting_allowed_until(
    energy_class: str, on: date, *, territory: str = "metropole", params: LegalParameters | None = None
) -> date | None:
    """The last day a dwelling of `energy_class`, decent on `on`, may still be let under a new lease, as the
    decency calendar stands in the table (R61); None when no date in the table makes it indecent."""
    if not decent_for_letting(energy_class, on, territory=territory, params=params):
        raise ValueError(f"Un logement de classe {energy_class} ne peut déjà plus être loué à cette date.")
    energy_class = _energy_class(energy_class)
    table = _params(params)
    for row in sorted(
        (r for r in table.rows(key="decency_worst_class", territory=territory) if r.valid_from and r.valid_from > on),
        key=lambda r: r.valid_from,
    ):
        if ENERGY_CLASSES.index(energy_class) > ENERGY_CLASSES.index(_energy_class(row.value)):
            return row.valid_from - timedelta(days=1)
    return None


# --- captation pipeline --------------------------------------------------------------------------------

IDENTIFIED = "identified"
CONTACTED = "contacted"
VISITED = "visited"
WORKS_ASSESSED = "works_assessed"
OFFER_MADE = "offer_made"
SIGNED = "signed"
DROPPED = "dropped"

PIPELINE = (IDENTIFIED, CONTACTED, VISITED, WORKS_ASSESSED, OFFER_MADE, SIGNED)
STAGE_LABELS = {
    IDENTIFIED: "repéré",
    CONTACTED: "contacté",
    VISITED: "visité",
    WORKS_ASSESSED: "travaux évalués",
    OFFER_MADE: "offre faite",
    SIGNED: "signé",
    DROPPED: "abandonné",
}

# The one table of allowed moves: one step forward (a stage may be skipped when it has no object, e.g. no
# works to assess), or dropped from any open stage. Signed and dropped are final.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    IDENTIFIED: frozenset({CONTACTED, VISITED, DROPPED}),
    CONTACTED: frozenset({VISITED, DROPPED}),
    VISITED: frozenset({WORKS_ASSESSED, OFFER_MADE, DROPPED}),
    WORKS_ASSESSED: frozenset({OFFER_MADE, DROPPED}),
    OFFER_MADE: frozenset({SIGNED, DROPPED}),
    SIGNED: frozenset(),
    DROPPED: frozenset(),
}


def stage_move_error(current: str, target: str, *, drop_reason: str = "", offered_rent=None, guarantee: str = ""):
    """None when the prospect may move from `current` to `target` with what is given, else the French reason."""
    if target not in STAGE_TRANSITIONS:
        return f"Étape inconnue : {target}."
    if target not in STAGE_TRANSITIONS.get(current, frozenset()):
        if current in (SIGNED, DROPPED):
            return f"Ce prospect est {STAGE_LABELS[current]} : il ne change plus d'étape."
        return (
            f"Un prospect {STAGE_LABELS.get(current, current)} ne peut pas passer à l'étape « {STAGE_LABELS[target]} »."
        )
    if target == DROPPED and not drop_reason:
        return "Indiquez le motif de l'abandon."
    if target == OFFER_MADE and (offered_rent is None or not guarantee):
        return "Une offre indique le loyer proposé et la garantie offerte."
    return None


def conversion_rate(signed: int, closed: int) -> int | None:
    """The share of closed prospects (signed or dropped) that were signed, in whole percent."""
    if closed <= 0:
        return None
    return round(100 * signed / closed)


def days_between(start: date, end: date) -> int:
    return max((end - start).days, 0)


def stage_durations(moves: list[tuple[str, date]], today: date) -> dict[str, list[int]]:
    """Days spent in each stage, from one prospect's dated moves `(to_stage, on_date)` in order. The current
    stage counts until `today` unless it is final (signed, dropped): a final stage has no duration."""
    durations: dict[str, list[int]] = {}
    for (stage, start), following in zip(moves, [*moves[1:], None], strict=True):
        if following is None:
            if stage in (SIGNED, DROPPED):
                continue
            end = today
        else:
            end = following[1]
        durations.setdefault(stage, []).append(days_between(start, end))
    return durations


def average_days(values: list[int]) -> int | None:
    """The mean, rounded to whole days; None without values."""
    if not values:
        return None
    return round(sum(values) / len(values))


# --- maintenance tickets -------------------------------------------------------------------------------

TICKET_OPEN = "open"
TICKET_ASSIGNED = "assigned"
TICKET_IN_PROGRESS = "in_progress"
TICKET_DONE = "done"
TICKET_CANCELLED = "cancelled"

TICKET_LABELS = {
    TICKET_OPEN: "signalée",
    TICKET_ASSIGNED: "attribuée",
    TICKET_IN_PROGRESS: "en cours",
    TICKET_DONE: "terminée",
    TICKET_CANCELLED: "annulée",
}

TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    TICKET_OPEN: frozenset({TICKET_ASSIGNED, TICKET_IN_PROGRESS, TICKET_DONE, TICKET_CANCELLED}),
    TICKET_ASSIGNED: frozenset({TICKET_IN_PROGRESS, TICKET_DONE, TICKET_CANCELLED}),
    TICKET_IN_PROGRESS: frozenset({TICKET_DONE, TICKET_CANCELLED}),
    TICKET_DONE: frozenset(),
    TICKET_CANCELLED: frozenset(),
}


def ticket_transition_error(current: str, target: str) -> str | None:
    if target not in TICKET_TRANSITIONS:
        return f"Statut inconnu : {target}."
    if target in TICKET_TRANSITIONS.get(current, frozenset()):
        return None
    if current in (TICKET_DONE, TICKET_CANCELLED):
        return f"Cette demande est {TICKET_LABELS[current]} : elle ne change plus de statut."
    return f"Une demande {TICKET_LABELS.get(current, current)} ne peut pas passer à l'état « {TICKET_LABELS[target]} »."


# --- photos ---------------------------------------------------------------------------------------------

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff_photo_type(head: bytes) -> tuple[str, str] | None:
    """The (content type, extension) that the first bytes show, whatever the file's name says; None if refused.
    WebP is a RIFF container whose format tag is "WEBP"."""
    for magic, content_type, extension in PHOTO_SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def photo_size_error(size: int) -> str | None:
    if size <= 0:
        return "La photo est vide."
    if size > MAX_PHOTO_BYTES:
        return "La photo dépasse 10 Mo : réduisez-la puis recommencez."
    return None


# --- inspections -----------------------------------------------------------------------------------------

# Conditions from best to worst: a check-out "matches" the check-in when no room is worse than it was.
CONDITION_ORDER = ("new", "good", "fair", "poor", "unusable")


def normalise_room(name: str) -> str:
    return " ".join((name or "").lower().split())


def compare_rooms(
    check_in: dict[str, str], check_out: dict[str, str]
) -> list[tuple[str, str | None, str | None, bool]]:
    """Rooms side by side: (room, condition at check-in, at check-out, worse). Rooms are matched by name,
    case- and space-insensitive; a room seen at only one of the two is listed with None on the other side."""
    rows = []
    check_in_by_key = {normalise_room(name): (name, cond) for name, cond in check_in.items()}
    seen = set()
    for name, out_condition in check_out.items():
        key = normalise_room(name)
        seen.add(key)
        in_condition = check_in_by_key.get(key, (name, None))[1]
        rows.append((name, in_condition, out_condition, is_worse(in_condition, out_condition)))
    for key, (name, in_condition) in check_in_by_key.items():
        if key not in seen:
            rows.append((name, in_condition, None, True))
    return rows


def is_worse(before: str | None, after: str | None) -> bool:
    if before is None or after is None:
        return before != after
    return CONDITION_ORDER.index(after) > CONDITION_ORDER.index(before)


def inventory_matches(check_in: dict[str, str], check_out: dict[str, str]) -> bool:
    """True when the check-out finds every room of the check-in in the same or a better condition."""
    return not any(worse for *_, worse in compare_rooms(check_in, check_out))


# --- deposit return (loi 89 art. 22, R20) -----------------------------------------------------------------


def deposit_return_period(
    keys_returned_on: date, matches: bool, *, territory: str = "metropole", params: LegalParameters | None = None
) -> tuple[date, int]:
    """The last day to return the deposit and the number of months it allows: counted from the handing back
    of the keys, 1 month when the check-out matches the check-in, 2 otherwise (R20; parameters
    `deposit_return_months_conforming` / `deposit_return_months_non_conforming`)."""
    key = "deposit_return_months_conforming" if matches else "deposit_return_months_non_conforming"
    months = _params(params).integer(key, keys_returned_on, territory)
    return add_months(keys_returned_on, months), months
