"""Which lease a bank line may pay: candidates ranked by the lease's reference in the label, the amount equal to
what is still due on an open rent call (or on all of them, or on a call with the repayment-plan instalment its
notice asked), and the tenant's name in the label or the payer's
name (accents and case ignored). Pure Python: the caller loads the candidates once for the whole queue."""

import re
from dataclasses import dataclass
from decimal import Decimal

from habiter.people.rules import normalise_text

REFERENCE_WEIGHT = 4
AMOUNT_WEIGHT = 2
NAME_WEIGHT = 1
MIN_REFERENCE_LENGTH = 4
MIN_NAME_LENGTH = 3
# Words of a household's name that say nothing about who pays.
NAME_STOPWORDS = frozenset({"famille", "monsieur", "madame", "mme", "mlle", "les", "des", "et", "epoux", "epouse"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Candidate:
    lease_id: object
    title: str  # shown to the accountant: dwelling reference — household
    references: tuple[str, ...]  # as written on the notice (the dwelling's reference)
    names: tuple[str, ...]  # the household's name and its adults' last names
    open_amounts: tuple[Decimal, ...]  # what is left of each unpaid call
    with_instalment: tuple[Decimal, ...] = ()  # the same plus the repayment-plan instalment its notice asked


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: int
    reasons: tuple[str, ...]

    @property
    def lease_id(self):
        return self.candidate.lease_id


def _words(text: str) -> str:
    """ " vir m paul durand 565 50 " — normalised words between spaces, to look for whole words."""
    return f" {_NOT_ALNUM.sub(' ', normalise_text(text)).strip()} "


def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", normalise_text(text))


def _name_words(names) -> set[str]:
    words = set()
    for name in names:
        words |= {w for w in _words(name).split() if len(w) >= MIN_NAME_LENGTH and w not in NAME_STOPWORDS}
    return words


def score(label: str, counterparty: str, amount: Decimal, candidate: Candidate) -> Suggestion | None:
    """How well a line of `amount` with this label fits the candidate lease; None when nothing fits."""
    text = f"{label} {counterparty}"
    words, compact = _words(text), _compact(text)
    reasons, points = [], 0
    references = [r for r in (_compact(r) for r in candidate.references) if len(r) >= MIN_REFERENCE_LENGTH]
    if any(reference in compact for reference in references):
        points += REFERENCE_WEIGHT
        reasons.append("référence du logement dans le libellé")
    left = [a for a in candidate.open_amounts if a > 0]
    if amount in left or (len(left) > 1 and amount == sum(left, Decimal(0))):
        points += AMOUNT_WEIGHT
        reasons.append("montant égal au reste dû")
    elif amount in candidate.with_instalment:
        points += AMOUNT_WEIGHT
        reasons.append("montant de l'avis : loyer et échéance du plan d'apurement")
    if any(f" {word} " in words for word in _name_words(candidate.names)):
        points += NAME_WEIGHT
        reasons.append("nom du locataire")
    if not points:
        return None
    return Suggestion(candidate=candidate, score=points, reasons=tuple(reasons))


def suggest(label: str, counterparty: str, amount: Decimal, candidates, limit: int = 3) -> list[Suggestion]:
    """The best `limit` candidates for a line, best first; money going out matches no lease."""
    if amount <= 0:
        return []
    found = [s for s in (score(label, counterparty, amount, c) for c in candidates) if s is not None]
    found.sort(key=lambda s: (-s.score, s.candidate.title))
    return found[:limit]
