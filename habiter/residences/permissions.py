"""Who may see and change the residences, as `rules` predicates.

Directors and team leads read every residence of the organisation; a host (`hote`) reads only the residences
they are host of (the scoping is in `queries.residences_for`). Only a director creates or changes a residence,
its places and its house rules: the host runs the house day to day but does not change its legal frame
(docs/adr/0021-residences.md).
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, role_in

RESIDENCE_READERS = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.HOST})
RESIDENCE_MANAGERS = frozenset({Role.DIRECTOR})
# Admissions (vacancy declared to the SIAO, orientations, interview, decision, notification, entry): the director
# and the host of the residence, who meets the candidates (W10).
ADMISSION_RUNNERS = frozenset({Role.DIRECTOR, Role.HOST})

reads_residences = role_in(RESIDENCE_READERS)
manages_residences = role_in(RESIDENCE_MANAGERS)
runs_admissions = role_in(ADMISSION_RUNNERS)

rules.add_perm("residences.view_residence", has_organisation & reads_residences)
rules.add_perm("residences.manage_residence", has_organisation & manages_residences)
rules.add_perm("residences.run_admissions", has_organisation & runs_admissions)
