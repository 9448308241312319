"""The books of a period as a file for the accountant: the FEC or an XLSX workbook, audited."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren

from habiter.core.audit import audit_record
from habiter.ledger.models import Line

from . import fec, queries


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


EXPORT_FORMATS = ("fec", "xlsx")


def ledger_export(*, actor, start: date, end: date, fmt: str, siren: str = "") -> tuple[str, str, bytes]:
    """The entries booked from `start` to `end` as a file: (file name, content type, content).

    FEC: the 18 columns of art. A47 A-1 LPF, tab-separated, in ISO 8859-15, named `<SIREN>FEC<closing date>.txt`
    (`end` is taken as the closing date of the fiscal year). XLSX: the same columns in a workbook. Audited."""
    _require(actor, "ledger.export")
    if fmt not in EXPORT_FORMATS:
        raise ValidationError({"fmt": _("Choisissez le format FEC ou XLSX.")})
    if start > end:
        raise ValidationError({"end": _("La fin de la période précède son début.")})
    if fmt == "fec":
        try:
            siren = stdnum_siren.validate(siren)
        except StdnumError:
            raise ValidationError({"siren": _("Le SIREN compte 9 chiffres et sa clé doit être juste.")}) from None
    if not Line.objects.filter(
        transaction__organisation_id=actor.organisation_id,
        transaction__booked_on__gte=start,
        transaction__booked_on__lte=end,
    ).exists():
        raise ValidationError({"start": _("Aucune écriture n'est datée dans cette période.")})
    lines = queries.export_lines(actor, start, end)
    if fmt == "fec":
        name = fec.fec_filename(siren, end)
        content = fec.fec_encode(fec.fec_text(lines))
        content_type = "text/plain; charset=iso-8859-15"
    else:
        name = f"grand-livre-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        content = fec.xlsx_bytes(lines)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="ledger.export",
            detail={"format": fmt, "from": start.isoformat(), "to": end.isoformat()},
        )
    return name, content_type, content
