"""Eviction-prevention cases are restricted data (DOMAIN.md §2, issue 6): the household's referent, the team
lead and the director — exactly who sees a household's restricted notes."""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, is_director, role_in
from habiter.people.permissions import can_open, is_referent_lead_or_director

rules.add_perm("evictions.manage_case", can_open & is_referent_lead_or_director)
rules.add_perm("evictions.configure_fsl", has_organisation & is_director)
rules.add_perm("evictions.view_statistics", has_organisation & is_director)

# The legal desk (permanence juridique): run by the casework staff with a lawyer, who sees only its sessions.
LEGAL_DESK_STAFF = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER})
rules.add_perm("evictions.run_legal_desk", has_organisation & role_in(LEGAL_DESK_STAFF))
rules.add_perm("evictions.legal_desk", has_organisation & role_in(LEGAL_DESK_STAFF | {Role.LAWYER}))
