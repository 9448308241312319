"""Support measures follow the household's file: whoever may open the file may manage its measures."""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, is_director
from habiter.people.permissions import can_open

rules.add_perm("support.manage_measure", can_open)
rules.add_perm("support.configure_catalogue", has_organisation & is_director)


@rules.predicate
def books_appointments(user):
    return getattr(user, "role", None) in (Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER, Role.RECEPTIONIST)


rules.add_perm("support.book_appointment", has_organisation & books_appointments)
