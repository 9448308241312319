"""The iCalendar (RFC 5545) text of a calendar feed."""

from datetime import UTC

from django.utils import timezone

from .rules import ics_escape


def _stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_render(appointments, *, host: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Habiter//Agenda//FR", "CALSCALE:GREGORIAN"]
    now = _stamp(timezone.now())
    for appointment in appointments:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{appointment.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(appointment.starts_at)}",
            f"DTEND:{_stamp(appointment.ends_at)}",
            f"SUMMARY:{ics_escape(appointment.title)}",
        ]
        if appointment.place:
            lines.append(f"LOCATION:{ics_escape(appointment.place)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
