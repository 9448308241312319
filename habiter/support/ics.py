"""The iCalendar (RFC 5545) text of a calendar feed."""

from datetime import UTC

from django.utils import timezone

from .rules import ics_escape


def _stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_render(entries, *, host: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Habiter//Agenda//FR", "CALSCALE:GREGORIAN"]
    now = _stamp(timezone.now())
    for entry in entries:
        lines += ["BEGIN:VEVENT", f"UID:{entry.uid}@{host}", f"DTSTAMP:{now}", f"DTSTART:{_stamp(entry.starts_at)}"]
        if entry.ends_at:
            lines.append(f"DTEND:{_stamp(entry.ends_at)}")
        lines.append(f"SUMMARY:{ics_escape(entry.title)}")
        if getattr(entry, "cancelled", False):
            lines.append("STATUS:CANCELLED")
        if entry.place:
            lines.append(f"LOCATION:{ics_escape(entry.place)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
