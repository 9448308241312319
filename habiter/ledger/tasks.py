"""Background tasks of `ledger` (Django's tasks framework; the backend is chosen in settings.TASKS).

Each task is defined beside the service that enqueues it, so that the service and the task's body need no import
of each other; they are named here too, so that the paths `habiter.ledger.tasks.issue_rent_calls` and
`habiter.ledger.tasks.send_notices` of tasks queued before the ledger was split by sub-domain still resolve.
"""

from habiter.ledger.mailing.services import send_notices
from habiter.ledger.rent.services import issue_rent_calls

__all__ = ["issue_rent_calls", "send_notices"]
