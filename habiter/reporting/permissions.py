"""Who may read the association's figures.

- Directors: the whole organisation's indicators and reports.
- Team leads: the same indicators over their team's households only (`queries.reporting_scope`).
- Subsidies: directors and accountants (below).
- Everyone else: nothing. Aggregates are still drawn from household files, so they stay with those who
  steer the work (DESIGN.md, "director, team lead: funder reports in one click").
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, role_in

REPORTING_ROLES = frozenset({Role.DIRECTOR, Role.TEAM_LEAD})

rules.add_perm("reporting.view_reports", has_organisation & role_in(REPORTING_ROLES))
rules.add_perm("reporting.run_report", has_organisation & role_in(REPORTING_ROLES))
# Anonymous individual rows (W33, W43): the director answers the DREES survey for the establishments, over the
# whole organisation; no one else downloads individual rows, even anonymous.
rules.add_perm("reporting.export_anonymous_rows", has_organisation & role_in(frozenset({Role.DIRECTOR})))

# Subsidies (DOMAIN-2 W31, W32): the director and the accountant ask, record decisions and comptes rendus financiers,
# and follow the accounts obligations; the figures are the association's, not a team's.
SUBSIDY_ROLES = frozenset({Role.DIRECTOR, Role.ACCOUNTANT})

rules.add_perm("reporting.view_subsidies", has_organisation & role_in(SUBSIDY_ROLES))
rules.add_perm("reporting.manage_subsidies", has_organisation & role_in(SUBSIDY_ROLES))
