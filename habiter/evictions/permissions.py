"""Eviction-prevention cases are restricted data (DOMAIN.md §2, issue 6): the household's referent, the team
lead and the director — exactly who sees a household's restricted notes."""

import rules

from habiter.core.permissions import has_organisation, is_director
from habiter.people.permissions import can_open, is_referent_lead_or_director

rules.add_perm("evictions.manage_case", can_open & is_referent_lead_or_director)
rules.add_perm("evictions.configure_fsl", has_organisation & is_director)
