"""Who may do what in `core`, as `rules` predicates shared by views, API and templates."""

import rules

from .models import Role

CASEWORK_ROLES = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER})
SEARCH_ONLY_ROLES = frozenset({Role.RECEPTIONIST, Role.VOLUNTEER})


def role_in(roles):
    """A predicate true for the users whose role is one of `roles`."""
    roles = frozenset(roles)

    @rules.predicate
    def predicate(user):
        return getattr(user, "role", None) in roles

    return predicate


@rules.predicate
def has_organisation(user):
    return bool(getattr(user, "organisation_id", None)) and user.is_active


@rules.predicate
def is_director(user):
    return getattr(user, "role", None) == Role.DIRECTOR


@rules.predicate
def does_casework(user):
    return getattr(user, "role", None) in CASEWORK_ROLES


@rules.predicate
def is_search_only(user):
    return getattr(user, "role", None) in SEARCH_ONLY_ROLES


rules.add_perm("core.view_audit", has_organisation & is_director)
rules.add_perm("core.change_organisation_settings", has_organisation & is_director)

# The roles the API serves: each reads or writes something through it (households, desk visits, the stock, leases,
# balances and payments). The others (hosts, lawyers, technicians) have no API endpoint open to them, so no token.
API_ROLES = frozenset(
    {
        Role.DIRECTOR,
        Role.TEAM_LEAD,
        Role.SOCIAL_WORKER,
        Role.RENTAL_MANAGER,
        Role.ACCOUNTANT,
        Role.RECEPTIONIST,
        Role.VOLUNTEER,
    }
)

rules.add_perm("core.use_api", has_organisation & role_in(API_ROLES))
