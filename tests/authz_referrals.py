"""The referrals of the authorization matrix and the CSRF cases: one per scope, each about the scope's household,
sent by the reception desk (or, in the other organisation, by its social worker) to a social worker."""

from habiter.core.models import AuditEvent, Role, User
from habiter.core.tests.factories import UserFactory
from habiter.reception import services
from habiter.reception.models import Referral, ReferralStatus
from tests.authz_common import ANONYMOUS, LOGIN, NOT_FOUND, OK, ROLES, SAVED


def manage_row(ok=OK):
    """Reopening or redirecting: the recipient (the own team's social worker), the recipient's team lead, the
    director; the other team's referral (to a colleague of team Sud) only the director; anyone else 404."""
    return {
        ANONYMOUS: (LOGIN,) * 3,
        **{role: (NOT_FOUND,) * 3 for role in ROLES},
        "director": (ok, ok, NOT_FOUND),
        "team_lead": (ok, NOT_FOUND, NOT_FOUND),
        "social_worker": (ok, NOT_FOUND, NOT_FOUND),
    }


TAKE_UP_WRITE = {
    ANONYMOUS: (LOGIN,) * 3,
    **{role: (NOT_FOUND,) * 3 for role in ROLES},
    "social_worker": (SAVED, NOT_FOUND, NOT_FOUND),  # the recipient only
}


def referral_of(world, scope) -> Referral:
    """The scope's referral, made once through the service."""
    households = {
        "own_team": world.own_household,
        "other_team": world.other_team_household,
        "other_org": world.other_org_household,
    }
    household = households[scope]
    existing = Referral.objects.filter(household=household, reason=f"Orientation {scope}").first()
    if existing is not None:
        return existing
    if scope == "other_org":
        sender = world.outsider
        recipient = UserFactory(organisation=world.other_organisation, role=Role.SOCIAL_WORKER)
    else:
        sender = world.users["receptionist"]
        recipient = world.users["social_worker"] if scope == "own_team" else User.objects.get(username="a.colleague")
    return services.referral_create(
        actor=sender, to_user_id=recipient.pk, reason=f"Orientation {scope}", household_id=household.pk
    )


def prepare(route_name, world, scope) -> dict:
    """Put the scope's referral in the state the write needs and return valid data for it."""
    referral = referral_of(world, scope)
    if route_name == "reception:referral_take_up":
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.OPEN, taken_up_at=None, taken_up_by=None)
        return {}
    if route_name == "reception:referral_reopen":
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.TAKEN_UP)
        return {"reason": "Prise en charge par erreur"}
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.OPEN, redirected_to=None)
    target = world.users["team_lead"] if referral.to_user_id != world.users["team_lead"].pk else world.users["director"]
    return {"to_user": target.pk, "reason": "Relève d'une autre équipe"}


ACTIONS = {
    "reception:referral_take_up": "referral.take_up",
    "reception:referral_reopen": "referral.reopen",
    "reception:referral_redirect": "referral.redirect",
}


def state(route_name, world, scope):
    """How many times the write was done on the scope's referral (its audit rows)."""
    return AuditEvent.objects.filter(action=ACTIONS[route_name], object_id=str(referral_of(world, scope).pk)).count()
