"""Background tasks of `ledger` (Django's tasks framework; the backend is chosen in settings.TASKS)."""

from django.tasks import task

from . import services


@task
def issue_rent_calls(run_id: str) -> int:
    """The month-end rent calls of one `RentCallRun`; returns the number of calls issued."""
    return services.rent_call_run_execute(run_id).issued


@task
def send_notices(mailing_id: str) -> int:
    """E-mail the month's notices of one `NoticeMailing`; returns the number sent."""
    from . import mailing

    return mailing.notice_mailing_execute(mailing_id).sent
