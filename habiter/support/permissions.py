"""Support measures follow the household's file: whoever may open the file may manage its measures."""

import rules

from habiter.core.permissions import has_organisation, is_director
from habiter.people.permissions import can_open

rules.add_perm("support.manage_measure", can_open)
rules.add_perm("support.configure_catalogue", has_organisation & is_director)
