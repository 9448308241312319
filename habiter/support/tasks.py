"""Background tasks of `support` (Django's tasks framework; the backend is chosen in settings.TASKS)."""

from datetime import date

from django.tasks import task

from . import services


@task
def send_appointment_reminders(day_iso: str) -> int:
    """The morning reminders of `day_iso` (AAAA-MM-JJ): one e-mail per worker with appointments that day."""
    return services.appointment_reminders_send(day=date.fromisoformat(day_iso))
