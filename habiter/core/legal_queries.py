"""The legal parameters in force, read from the `LegalParameter` table that directors maintain."""

from .legal import LegalParameters
from .models import LegalParameter

FIELDS = ("key", "territory", "value", "valid_from", "valid_to", "status", "rule", "source_url", "label")


def legal_parameters() -> LegalParameters:
    """The whole table (about a hundred rows, one query), as the pure rules expect it."""
    return LegalParameters(LegalParameter.objects.only(*FIELDS))
