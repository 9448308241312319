"""Reads of the residences shared by pages and API, scoped to the acting user's organisation and rights.

A host reads only the residences they are host of; a user without the right reads nothing, so a page or the
API answers 404, exactly like a missing row."""

from django.db.models import Count, Prefetch, Q

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role, User

from .models import HouseRules, Place, Residence


def residences_for(user):
    if not user.has_perm("residences.view_residence"):
        return Residence.objects.none()
    residences = Residence.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.HOST:
        residences = residences.filter(hosts=user)
    return residences


def residence_list(user, *, text: str = ""):
    """The list page and API: one query, with the number of places."""
    residences = residences_for(user).annotate(place_count=Count("places", distinct=True))
    if text:
        residences = residences.filter(Q(name__icontains=text) | Q(city__icontains=text))
    return residences.order_by("name", "id")


def residence_for_page(user, residence_id) -> Residence:
    return (
        residences_for(user)
        .prefetch_related(
            Prefetch("places", queryset=Place.objects.order_by("label", "id")),
            Prefetch("house_rules", queryset=HouseRules.objects.order_by("-valid_from")),
            Prefetch("hosts", queryset=User.objects.order_by("last_name", "first_name")),
        )
        .get(pk=residence_id)
    )


def place_for_page(user, place_id) -> Place:
    return Place.objects.select_related("residence").get(pk=place_id, residence__in=residences_for(user).values("pk"))


def host_choices(user):
    """The hosts of the user's organisation, for the residence form."""
    return User.objects.filter(organisation_id=user.organisation_id, role=Role.HOST, is_active=True).order_by(
        "last_name", "first_name"
    )


def legal_params():
    return legal_parameters()
