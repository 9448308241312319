"""Who may see and change leases, as `rules` predicates.

Rental managers, accountants and directors see every lease of the organisation; team leads and social
workers see the leases of the households whose file they may open (the scope is applied in `queries.py`).
Only directors and rental managers sign, end, slide and revise leases; social workers record the sliding-lease
reviews of their households.
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, role_in

LEASE_READERS = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER, Role.RENTAL_MANAGER, Role.ACCOUNTANT})
LEASE_MANAGERS = frozenset({Role.DIRECTOR, Role.RENTAL_MANAGER})
REVIEWERS = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER, Role.RENTAL_MANAGER})


rules.add_perm("leases.view_lease", has_organisation & role_in(LEASE_READERS))
rules.add_perm("leases.manage_lease", has_organisation & role_in(LEASE_MANAGERS))
rules.add_perm("leases.review_sliding", has_organisation & role_in(REVIEWERS))
rules.add_perm("leases.revise_rent", has_organisation & role_in(LEASE_MANAGERS))
rules.add_perm("leases.manage_irl", has_organisation & role_in(LEASE_MANAGERS))
