"""Who may do what at the reception desk and in the workshops.

- Logging and listing desk visits of the organisation: receptionists, volunteers, social workers, team leads
  and directors.
- Workshops: receptionists, social workers, team leads and directors create workshops and sessions and
  enrol households (found through their own household search scope).
- Volunteers see the workshops and their sessions and take attendance, and nothing more: they neither create
  workshops or sessions nor enrol households, and, as everywhere, never open a household's file.
- Referrals (orientations): every desk role refers a person to a colleague who follows households — volunteers
  too, since they hold the desk (GLOSSARY.md); only the recipient takes a referral up; the recipient, the
  recipient's team lead and the director reopen one taken up by mistake or redirect an open one to another
  colleague. Who sees a referral (its sender, its recipient, the recipient's team lead, the director) is
  `queries.referrals_visible_to`.

Scope (which rows) is the job of `queries.py`: every row is read within the user's organisation.
"""

import rules

from habiter.core.models import Role
from habiter.core.permissions import has_organisation

RECEPTION_ROLES = frozenset({Role.RECEPTIONIST, Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR})
WORKSHOP_ROLES = frozenset({Role.RECEPTIONIST, Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR})


@rules.predicate
def works_at_reception(user):
    return getattr(user, "role", None) in RECEPTION_ROLES


@rules.predicate
def runs_workshops(user):
    return getattr(user, "role", None) in WORKSHOP_ROLES


rules.add_perm("reception.log_visit", has_organisation & works_at_reception)
rules.add_perm("reception.view_workshops", has_organisation & works_at_reception)
rules.add_perm("reception.manage_workshops", has_organisation & runs_workshops)
rules.add_perm("reception.take_attendance", has_organisation & works_at_reception)

REFERRAL_RECIPIENT_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR})


@rules.predicate
def is_recipient(user, referral):
    return referral is not None and referral.to_user_id == user.pk


@rules.predicate
def leads_recipient_or_directs(user, referral):
    """The director of the referral's organisation, or the team lead of the recipient's team."""
    if referral is None or referral.organisation_id != user.organisation_id:
        return False
    if user.role == Role.DIRECTOR:
        return True
    return user.role == Role.TEAM_LEAD and user.team_id is not None and referral.to_user.team_id == user.team_id


rules.add_perm("reception.refer", has_organisation & works_at_reception)
rules.add_perm("reception.take_up_referral", has_organisation & is_recipient)
rules.add_perm("reception.manage_referral", has_organisation & (is_recipient | leads_recipient_or_directs))
