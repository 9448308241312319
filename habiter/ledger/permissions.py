"""Who may see and write the ledger, as `rules` predicates.

Accountants, rental managers and directors see every account of the organisation and post entries, payments,
rent calls, owner statements and payouts; accountants and directors close a month, export the books (FEC, XLSX)
and keep the association's bank details. Team leads and social workers see only the balance and arrears of the
households they follow (the scope comes from `habiter.leases.queries.leases_visible_to`), never the accounts.
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, role_in

LEDGER_USERS = frozenset({Role.DIRECTOR, Role.RENTAL_MANAGER, Role.ACCOUNTANT})
CLOSERS = frozenset({Role.DIRECTOR, Role.ACCOUNTANT})
BALANCE_READERS = LEDGER_USERS | {Role.TEAM_LEAD, Role.SOCIAL_WORKER}


rules.add_perm("ledger.view_ledger", has_organisation & role_in(LEDGER_USERS))
rules.add_perm("ledger.post", has_organisation & role_in(LEDGER_USERS))
rules.add_perm("ledger.close_period", has_organisation & role_in(CLOSERS))
rules.add_perm("ledger.export", has_organisation & role_in(CLOSERS))


# the association's own bank details, from which owners are paid
rules.add_perm("ledger.manage_bank_details", has_organisation & role_in(CLOSERS))
rules.add_perm("ledger.view_balance", has_organisation & role_in(BALANCE_READERS))
