"""Authorization rows of the `reception` pages for the matrix (tests/test_authorization_matrix.py): the reception
desk, the workshops and the referrals."""

from tests import authz_referrals
from tests.authz_common import ANONYMOUS, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, ROLES, SAVED

# The reception desk and the workshops (habiter/reception/permissions.py): the desk roles log and list visits,
# see workshops and take attendance; all of them but volunteers create workshops and sessions and enrol
# households. Workshop and session URLs are scoped like organisation-wide rows: two rows of the user's
# organisation, one of another organisation.
DESK_ROLES = ("director", "team_lead", "social_worker", "receptionist", "volunteer")
WORKSHOP_ROLES = ("director", "team_lead", "social_worker", "receptionist")
RECEPTION_EXPECTED = {
    "reception:desk_visit_list": {ANONYMOUS: LOGIN, **{r: OK if r in DESK_ROLES else NOT_FOUND for r in ROLES}},
    "reception:desk_visit_create": {ANONYMOUS: LOGIN, **{r: OK if r in DESK_ROLES else NOT_FOUND for r in ROLES}},
    "reception:workshop_list": {ANONYMOUS: LOGIN, **{r: OK if r in DESK_ROLES else NOT_FOUND for r in ROLES}},
    "reception:workshop_create": {ANONYMOUS: LOGIN, **{r: OK if r in WORKSHOP_ROLES else NOT_FOUND for r in ROLES}},
    "reception:session_create": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        **{r: (OK, OK, NOT_FOUND) if r in WORKSHOP_ROLES else (NOT_FOUND,) * 3 for r in ROLES},
    },
    "reception:session_detail": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        **{r: (OK, OK, NOT_FOUND) if r in DESK_ROLES else (NOT_FOUND,) * 3 for r in ROLES},
    },
    "reception:enrolment_add": {ANONYMOUS: (LOGIN,) * 3, **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)},  # POST only
    "reception:attendance_take": {ANONYMOUS: (LOGIN,) * 3, **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)},  # POST only
    # Referrals (tests/authz_referrals.py): every desk role refers and lists the referrals it may see.
    "reception:referral_list": {ANONYMOUS: LOGIN, **{r: OK if r in DESK_ROLES else NOT_FOUND for r in ROLES}},
    "reception:referral_create": {ANONYMOUS: LOGIN, **{r: OK if r in DESK_ROLES else NOT_FOUND for r in ROLES}},
    "reception:referral_take_up": {ANONYMOUS: (LOGIN,) * 3, **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)},  # POST only
    "reception:referral_reopen": {ANONYMOUS: (LOGIN,) * 3, **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)},  # POST only
    "reception:referral_redirect": authz_referrals.manage_row(),
}
RECEPTION_POST_EXPECTED = {
    "reception:session_create": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        **{r: (SAVED, SAVED, NOT_FOUND) if r in WORKSHOP_ROLES else (NOT_FOUND,) * 3 for r in ROLES},
    },
    "reception:enrolment_add": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        **{r: (SAVED, SAVED, NOT_FOUND) if r in WORKSHOP_ROLES else (NOT_FOUND,) * 3 for r in ROLES},
    },
    "reception:attendance_take": {
        ANONYMOUS: (LOGIN, LOGIN, LOGIN),
        **{r: (SAVED, SAVED, NOT_FOUND) if r in DESK_ROLES else (NOT_FOUND,) * 3 for r in ROLES},
    },
    "reception:referral_take_up": authz_referrals.TAKE_UP_WRITE,
    "reception:referral_reopen": authz_referrals.manage_row(SAVED),
    "reception:referral_redirect": authz_referrals.manage_row(SAVED),
}
