"""Background tasks of `support` (Django's tasks framework; the backend is chosen in settings.TASKS)."""

from datetime import date

from django.tasks import task

from habiter.core import background

from . import appointments as appointment_services


@task
def send_appointment_reminders(day_iso: str) -> int:
    """The morning reminders of `day_iso` (AAAA-MM-JJ): one e-mail per worker with appointments that day, and the
    households' reminders of their appointments of the next day (e-mail, SMS with consent). Each
    e-mail is recorded on its appointments in the transaction that sends it; the run holds a lease
    (`habiter.core.background`), so that a worker that dies mid-run is replaced and only the reminders not recorded
    are sent."""
    key = f"support.reminders:{day_iso}"
    if not background.lease_acquire(key, send_appointment_reminders, [day_iso]):
        return 0
    day = date.fromisoformat(day_iso)
    sent = appointment_services.appointment_reminders_send(day=day)
    sent += appointment_services.household_reminders_send(day=day)
    background.lease_release(key)
    return sent
