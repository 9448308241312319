"""Who may do what at the reception desk and in the workshops.

- Logging and listing desk visits of the organisation: receptionists, volunteers, social workers, team leads
  and directors.
- Workshops: receptionists, social workers, team leads and directors create workshops and sessions and
  enrol households (found through their own household search scope).
- Volunteers see the workshops and their sessions and take attendance, and nothing more: they neither create
  workshops or sessions nor enrol households, and, as everywhere, never open a household's file.

Scope (which rows) is the job of `queries.py`: every row is read within the user's organisation.
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation

RECEPTION_ROLES = frozenset({Role.RECEPTIONIST, Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR})
WORKSHOP_ROLES = frozenset({Role.RECEPTIONIST, Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR})


@rules.predicate
def works_at_reception(user):
    return getattr(user, "role", None) in RECEPTION_ROLES


@rules.predicate
def runs_workshops(user):
    return getattr(user, "role", None) in WORKSHOP_ROLES


rules.add_perm("reception.log_visit", has_organisation & works_at_reception)
rules.add_perm("reception.view_workshops", has_organisation & works_at_reception)
rules.add_perm("reception.manage_workshops", has_organisation & runs_workshops)
rules.add_perm("reception.take_attendance", has_organisation & works_at_reception)
