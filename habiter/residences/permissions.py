"""Who may see and change the residences, as `rules` predicates.

Directors and team leads read every residence of the organisation; a host (`hote`) reads only the residences
they are host of (the scoping is in `queries.residences_for`). Only a director creates or changes a residence,
its places and its house rules: the host runs the house day to day but does not change its legal frame
(docs/adr/0021-residences.md). The maxima of the APL convention are recorded by the director and the hosts of the
residence, who read them on the convention (docs/adr/0027-redevance-lines-and-apl-maxima.md).
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, role_in

RESIDENCE_READERS = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.HOST})
RESIDENCE_MANAGERS = frozenset({Role.DIRECTOR})
# Admissions (vacancy declared to the SIAO, orientations, interview, decision, notification, entry): the director
# and the host of the residence, who meets the candidates (W10).
ADMISSION_RUNNERS = frozenset({Role.DIRECTOR, Role.HOST})
# Who of the staff may lead a candidate's interview: those who run admissions, a team lead, a social worker.
INTERVIEWERS = ADMISSION_RUNNERS | {Role.TEAM_LEAD, Role.SOCIAL_WORKER}

# Contracts (W4–W6): the director and the host of the residence prepare and follow them; the social worker who
# follows the household reads them (scoped in `queries.contracts_for`).
CONTRACT_RUNNERS = frozenset({Role.DIRECTOR, Role.HOST})
CONTRACT_READERS = RESIDENCE_READERS | {Role.SOCIAL_WORKER}
# The house journal (W10): the hosts keep it, the director too; team leads read it.
JOURNAL_KEEPERS = frozenset({Role.DIRECTOR, Role.HOST})
# The APL-foyer maxima of the residence's convention (W7): the director and the host of the residence record the
# values read on it (scoped to the host's residences by `queries.residences_for`).
APL_MAXIMA_KEEPERS = frozenset({Role.DIRECTOR, Role.HOST})

reads_residences = role_in(RESIDENCE_READERS)
manages_residences = role_in(RESIDENCE_MANAGERS)
runs_admissions = role_in(ADMISSION_RUNNERS)

rules.add_perm("residences.view_residence", has_organisation & reads_residences)
rules.add_perm("residences.manage_residence", has_organisation & manages_residences)
rules.add_perm("residences.run_admissions", has_organisation & runs_admissions)
# Attaching a candidate's household to an orientation opens that household's file: the director, never a host (W10).
rules.add_perm("residences.attach_household", has_organisation & role_in({Role.DIRECTOR}))
rules.add_perm("residences.run_contracts", has_organisation & role_in(CONTRACT_RUNNERS))
rules.add_perm("residences.view_contract", has_organisation & role_in(CONTRACT_READERS))
rules.add_perm("residences.keep_journal", has_organisation & role_in(JOURNAL_KEEPERS))
rules.add_perm("residences.keep_apl_maxima", has_organisation & role_in(APL_MAXIMA_KEEPERS))
