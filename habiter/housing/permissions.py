"""Who may see and change the housing stock, as `rules` predicates.

The stock (owners, buildings, dwellings, captation) is organisation-wide: its rows are scoped by
organisation in `queries.py`; these predicates say which roles may read or change it. Technicians see the
maintenance tickets and inspections only, never a household's case notes, never an owner's bank details.
Owners' IBANs are shown to the roles that pay owners only (director, rental manager, accountant).
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, role_in

STOCK_READERS = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER, Role.RENTAL_MANAGER, Role.ACCOUNTANT})
STOCK_MANAGERS = frozenset({Role.DIRECTOR, Role.RENTAL_MANAGER})
BANK_READERS = frozenset({Role.DIRECTOR, Role.RENTAL_MANAGER, Role.ACCOUNTANT})
MAINTENANCE_READERS = frozenset(
    {Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER, Role.RENTAL_MANAGER, Role.TECHNICIAN}
)
MAINTENANCE_REPORTERS = MAINTENANCE_READERS
MAINTENANCE_HANDLERS = frozenset({Role.DIRECTOR, Role.RENTAL_MANAGER, Role.TECHNICIAN})


reads_stock = role_in(STOCK_READERS)
manages_stock = role_in(STOCK_MANAGERS)
reads_bank_details = role_in(BANK_READERS)
reads_maintenance = role_in(MAINTENANCE_READERS)
handles_maintenance = role_in(MAINTENANCE_HANDLERS)

rules.add_perm("housing.view_stock", has_organisation & reads_stock)
rules.add_perm("housing.manage_stock", has_organisation & manages_stock)
rules.add_perm("housing.view_owner_bank", has_organisation & reads_bank_details)
rules.add_perm("housing.view_maintenance", has_organisation & reads_maintenance)
rules.add_perm("housing.report_ticket", has_organisation & reads_maintenance)
rules.add_perm("housing.handle_ticket", has_organisation & handles_maintenance)
rules.add_perm("housing.view_inspections", has_organisation & handles_maintenance)
rules.add_perm("housing.record_inspection", has_organisation & handles_maintenance)
