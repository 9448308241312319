"""The lines of a period as the FEC's lines, read once and streamed."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format

from habiter.ledger.entries.queries import trial_balance
from habiter.ledger.models import Line

from . import fec


def export_lines(user, start: date, end: date):
    """The organisation's posted lines booked from `start` to `end`, as FEC lines, in one streamed query, after the
    opening entry ("à nouveaux", `fec.opening_balances`) when entries were booked before `start`.

    Entries are numbered in the order they were booked (date, then time of entry): the FEC's EcritureNum is a
    continuous sequence over the exported period, the opening entry first."""
    if not user.has_perm("ledger.export"):
        return
    number = 0
    eve = start - timedelta(days=1)
    opening = fec.opening_balances((row["account"], row["label"], row["balance"]) for row in trial_balance(user, eve))
    if opening:
        number = 1
        journal_code, journal_label = fec.OPENING_JOURNAL
        for code, label, balance in opening:
            account_number, account_label, auxiliary_number, auxiliary_label = fec.split_account(code, label)
            yield fec.FecLine(
                journal_code=journal_code,
                journal_label=journal_label,
                entry_number=f"{number:06d}",
                entry_date=start,
                account_number=account_number,
                account_label=account_label,
                auxiliary_number=auxiliary_number,
                auxiliary_label=auxiliary_label,
                piece_ref=f"AN-{start:%Y%m%d}",
                piece_date=start,
                label=f"A nouveaux au {date_format(start, 'd/m/Y')}",
                amount=balance,
                validated_on=start,
            )
    lines = (
        Line.objects.filter(
            transaction__organisation_id=user.organisation_id,
            transaction__booked_on__gte=start,
            transaction__booked_on__lte=end,
        )
        .select_related("account", "transaction")
        .order_by("transaction__booked_on", "transaction__created_at", "transaction_id", "id")
    )
    current = None
    for line in lines.iterator(chunk_size=2000):
        entry = line.transaction
        if entry.pk != current:
            number, current = number + 1, entry.pk
        journal_code, journal_label = fec.journal_of(entry.source_type)
        account_number, account_label, auxiliary_number, auxiliary_label = fec.split_account(
            line.account.code, line.account.name
        )
        yield fec.FecLine(
            journal_code=journal_code,
            journal_label=journal_label,
            entry_number=f"{number:06d}",
            entry_date=entry.booked_on,
            account_number=account_number,
            account_label=account_label,
            auxiliary_number=auxiliary_number,
            auxiliary_label=auxiliary_label,
            piece_ref=entry.source_id or str(entry.pk),
            piece_date=entry.booked_on,
            label=entry.label,
            amount=line.amount,
            validated_on=timezone.localdate(entry.created_at),
        )
