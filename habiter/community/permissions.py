"""Who may see and run the councils, as `rules` predicates (docs/adr/0024-community-councils.md).

The staff who meet the persons accompanied read the councils of the organisation, propose agenda items (theirs or
on behalf of an accompanied person) and take attendance; a host reads only the councils of the residences they are
host of (the scoping is in `queries.councils_for`). Directors create councils and manage all of them, and alone
e-mail a meeting's invitations to the members; a host manages the councils of their residences (members, meetings,
minutes, elections). Volunteers and the other roles see no council: a volunteer sees the meetings they are invited
to on their own page (`volunteers.invited_meetings`).
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation, role_in

COUNCIL_READERS = frozenset({Role.DIRECTOR, Role.TEAM_LEAD, Role.SOCIAL_WORKER, Role.RECEPTIONIST, Role.HOST})
COUNCIL_CREATORS = frozenset({Role.DIRECTOR})
COUNCIL_MANAGERS = frozenset({Role.DIRECTOR, Role.HOST})  # a host: the councils of their residences only

rules.add_perm("community.view_council", has_organisation & role_in(COUNCIL_READERS))
rules.add_perm("community.create_council", has_organisation & role_in(COUNCIL_CREATORS))
rules.add_perm("community.manage_council", has_organisation & role_in(COUNCIL_MANAGERS))
# Sending a meeting's invitations by e-mail to the members speaks for the association: its director alone.
INVITATION_SENDERS = frozenset({Role.DIRECTOR})
rules.add_perm("community.send_invitations", has_organisation & role_in(INVITATION_SENDERS))

# The association's project and the grading of its strategic objectives: the staff read them and type the answers
# collected during a meeting; directors alone create the project, its axes, objectives and campaigns, and close a
# campaign. Volunteers and the other roles see nothing.
OBJECTIVE_READERS = COUNCIL_READERS
OBJECTIVE_MANAGERS = frozenset({Role.DIRECTOR})

rules.add_perm("community.view_objectives", has_organisation & role_in(OBJECTIVE_READERS))
rules.add_perm("community.answer_objectives", has_organisation & role_in(OBJECTIVE_READERS))
rules.add_perm("community.manage_objectives", has_organisation & role_in(OBJECTIVE_MANAGERS))

# Partners and their agreements: the staff read the partners and their contacts (whom to call) and the agreements;
# directors alone record them. Volunteers and the other roles see nothing.
PARTNER_READERS = COUNCIL_READERS
PARTNER_MANAGERS = frozenset({Role.DIRECTOR})

rules.add_perm("community.view_partners", has_organisation & role_in(PARTNER_READERS))
rules.add_perm("community.manage_partners", has_organisation & role_in(PARTNER_MANAGERS))

# Surveys: the staff who meet owners, residents or workshop participants read the surveys and their results and type
# in the answers collected during an interview (the rental managers: the owners' survey); directors create them and
# their questions. Answers through the survey's link need no account. Volunteers and the other roles see nothing.
SURVEY_READERS = COUNCIL_READERS | {Role.RENTAL_MANAGER}
SURVEY_MANAGERS = frozenset({Role.DIRECTOR})

rules.add_perm("community.view_surveys", has_organisation & role_in(SURVEY_READERS))
rules.add_perm("community.manage_surveys", has_organisation & role_in(SURVEY_MANAGERS))
# Volunteers (docs/adr/0029): directors manage the profiles, missions and charter and see every volunteer; the staff
# who may be a volunteer's referent see the volunteers they are referent of and log their hours. A volunteer sees
# only their own page (missions, hours, invitations) and the charter; never a household's file.
VOLUNTEER_MANAGERS = frozenset({Role.DIRECTOR})
VOLUNTEER_REFERENTS = COUNCIL_READERS

rules.add_perm("community.manage_volunteers", has_organisation & role_in(VOLUNTEER_MANAGERS))
rules.add_perm("community.view_volunteers", has_organisation & role_in(VOLUNTEER_REFERENTS))
rules.add_perm("community.own_volunteering", has_organisation & role_in(frozenset({Role.VOLUNTEER})))
