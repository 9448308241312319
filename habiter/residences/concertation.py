"""W12 (CCH L633-4, R633-5): a logement-foyer with at least the table's threshold of residents holding a contract in
force (30, décret 2016-300) must have a conseil de concertation, unless it is an ESSMS (L633-5, W1). The residence
page and the host's home panel warn when one is missing.

The councils are `community`'s: read here through their reverse relation `Residence.councils` and their legal basis
as text, so that `residences` imports nothing of `community` (a residence without that app has no council)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, Value

from . import queries
from . import rules as residence_rules
from .models import ContractStatus, Residence

# W12: a contract « en cours » or « en préavis » is valid, one « à signer » not yet (the same count as `community`'s)
VALID_CONTRACT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.NOTICE)


@dataclass(frozen=True)
class ConcertationMissing:
    """A residence that must set up a conseil de concertation and has none."""

    residence: Residence
    residents: int  # residents holding a contract in force
    threshold: int


def _has_concertation_council():
    try:
        councils = Residence._meta.get_field("councils").related_model
    except FieldDoesNotExist:
        return Value(False)
    return Exists(
        councils.objects.filter(residence=OuterRef("pk"), legal_basis=residence_rules.CONCERTATION_LEGAL_BASIS)
    )


def concertation_missing(residences, today: date) -> list[ConcertationMissing]:
    """The residences of `residences` (already scoped by the caller) that reach the threshold of residents under
    contract on `today`, are not ESSMS and have no conseil de concertation: one query (and the legal parameters,
    read once per request)."""
    threshold = queries.legal_params().integer(residence_rules.CONCERTATION_MIN_RESIDENTS_KEY, today)
    rows = (
        residences.filter(is_essms=False)
        .annotate(
            residents=Count(
                "places__contracts",
                filter=Q(places__contracts__status__in=VALID_CONTRACT_STATUSES),
                distinct=True,
            ),
            has_council=_has_concertation_council(),
        )
        .order_by("name", "id")
    )
    return [
        ConcertationMissing(residence, residence.residents, threshold)
        for residence in rows
        if residence_rules.concertation_council_missing(
            residence.residents, threshold, is_essms=residence.is_essms, has_council=residence.has_council
        )
    ]


def residence_concertation_missing(residence, today: date) -> ConcertationMissing | None:
    """`concertation_missing` for one residence (already read through `residences_for`), for its page."""
    return next(iter(concertation_missing(Residence.objects.filter(pk=residence.pk), today)), None)
