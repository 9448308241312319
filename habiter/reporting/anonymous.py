"""Anonymous individual rows, only where a text requires them (DOMAIN-2 W43): the DREES ES-DS survey (W33) asks,
for each establishment, one row per person present on the reference day and per person who left during the
period. Funders get aggregates; this is the one export of individual rows.

A row holds no name, no NIR, no address, no birth date, no identifier of the household, the person or the stay:
the age as a band, the sex (« F », « M », or empty when the person's file does not say it: optional, never guessed),
the household's size, the situation before entry and the main resource at entry (as said on the stay), the month of
entry and of exit, the destination at exit, the kind of establishment. Its row id is drawn at random for each export
and the rows are shuffled, so two exports cannot be matched row by row, nor a row traced back to a file by its
position. Individual rows are not masked: the small-cell secret applies to the survey's aggregate tables (W43)."""

import csv
import io
import random
import secrets

from django.db.models import Count
from django.utils.translation import gettext as _

from habiter.people.models import Relation, Sex
from habiter.residences.models import ExitDestination, MainResource, ResidenceKind
from habiter.support.models import EntrySituation

from . import rules
from .indicators.base import Period, in_period
from .indicators.residences import age_band_label, present_on, stays_in_scope
from .scope import ReportScope

# The only columns an anonymous row may have (a test checks that no other ever appears).
COLUMNS = (
    "ligne",
    "bloc",
    "type_etablissement",
    "tranche_age",
    "sexe",
    "lien_personne_reference",
    "personnes_menage",
    "situation_avant_entree",
    "ressource_principale",
    "mois_entree",
    "mois_sortie",
    "destination_sortie",
)


# The survey's coding of a person's sex; a sex not said stays empty.
SURVEY_SEX = {Sex.FEMALE: "F", Sex.MALE: "M"}


def esds_rows(scope: ReportScope, period: Period) -> list[dict]:
    """One row per resident present on the period's last day (« présent ») and one per stay ended during the period
    (« sorti »): a resident who left on the last day is in both blocks, as the survey asks. One query."""
    stays = (
        stays_in_scope(scope)
        .filter(present_on(period.end) | in_period(period, "left_on"))
        .annotate(persons=Count("household__members", distinct=True))
        .values_list(
            "place__residence__kind",
            "resident__birth_date",
            "resident__sex",
            "resident__relation",
            "persons",
            "situation_before_entry",
            "main_resource",
            "entered_on",
            "left_on",
            "exit_destination",
        )
    )
    kinds, relations, destinations = dict(ResidenceKind.choices), dict(Relation.choices), dict(ExitDestination.choices)
    situations, resources = dict(EntrySituation.choices), dict(MainResource.choices)
    rows = []
    for kind, birth_date, sex, relation, persons, situation, resource, entered_on, left_on, destination in stays:
        blocks = []
        if entered_on <= period.end and (left_on is None or left_on >= period.end):
            blocks.append((_("présent"), period.end, False))
        if left_on is not None and period.start <= left_on <= period.end:
            blocks.append((_("sorti"), left_on, True))
        for block, on, left in blocks:
            rows.append(
                {
                    "bloc": block,
                    "type_etablissement": str(kinds.get(kind, kind)),
                    "tranche_age": age_band_label(rules.age_band(birth_date, on)),
                    "sexe": SURVEY_SEX.get(sex, ""),
                    "lien_personne_reference": str(relations.get(relation, relation)),
                    "personnes_menage": persons,
                    "situation_avant_entree": str(situations.get(situation, "")),
                    "ressource_principale": str(resources.get(resource, "")),
                    "mois_entree": f"{entered_on:%Y-%m}",
                    "mois_sortie": f"{left_on:%Y-%m}" if left else "",
                    "destination_sortie": str(destinations.get(destination, destination)) if left else "",
                }
            )
    random.SystemRandom().shuffle(rows)
    ids = set()
    for row in rows:
        while (row_id := secrets.token_hex(4)) in ids:
            pass
        ids.add(row_id)
        row["ligne"] = row_id
    return [{column: row[column] for column in COLUMNS} for row in rows]


def csv_bytes(rows: list[dict]) -> bytes:
    """The rows as CSV (UTF-8 with a byte-order mark, « ; » between cells, as a French spreadsheet opens it); a
    cell that a spreadsheet would read as a formula is written as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_as_text(row[column]) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _as_text(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value
