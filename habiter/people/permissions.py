"""Who may see and change households, as `rules` predicates.

Scope (which rows) is the job of `queries.py`; these predicates say what a user may do with a row
already in their scope.
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import does_casework, has_organisation, is_director, is_search_only, role_in


@rules.predicate
def same_organisation(user, household):
    return household is not None and household.organisation_id == user.organisation_id


@rules.predicate
def in_team_scope(user, household):
    """Directors: the whole organisation; team leads and social workers: their team's households
    (and the ones they are referent of)."""
    if household is None:
        return False
    if user.role == Role.DIRECTOR:
        return True
    if user.role in (Role.TEAM_LEAD, Role.SOCIAL_WORKER):
        return household.referent_id == user.pk or (user.team_id is not None and household.team_id == user.team_id)
    if user.role == Role.HOST:  # W10: a host opens a resident's file only as its referent
        return household.referent_id == user.pk
    return False


@rules.predicate
def is_referent_lead_or_director(user, household):
    if household is None:
        return False
    return user.role in (Role.DIRECTOR, Role.TEAM_LEAD) or household.referent_id == user.pk


can_open = has_organisation & (does_casework | role_in({Role.HOST})) & same_organisation & in_team_scope

rules.add_perm("people.search_household", has_organisation & (does_casework | is_search_only))
rules.add_perm("people.add_household", has_organisation & does_casework)
# Members' birth dates (children's among them) and the reasons of visits are casework: reception staff and
# volunteers find a household by its name and contact, and see who its referent is, nothing more.
rules.add_perm("people.view_private_details", has_organisation & does_casework)
rules.add_perm("people.view_household", can_open)
rules.add_perm("people.change_household", can_open)
rules.add_perm("people.add_note", can_open)
rules.add_perm("people.view_restricted", can_open & is_referent_lead_or_director)
rules.add_perm("people.configure_concerns", has_organisation & is_director)
