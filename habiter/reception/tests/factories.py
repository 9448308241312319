"""Workshops and sessions made through the services, as in real use."""

from datetime import timedelta

from django.utils import timezone

from habiter.reception import services


def make_session(
    actor, *, title="Recherche de logement", capacity=8, starts_at=None, facilitator=None, present_professional=None
):
    workshop = services.workshop_create(actor=actor, title=title, theme="housing_search")
    return services.workshop_session_create(
        actor=actor,
        workshop_id=workshop.pk,
        starts_at=starts_at or timezone.now() - timedelta(hours=1),
        place="Salle collective",
        facilitator_id=(facilitator or actor).pk,
        capacity=capacity,
        present_professional_id=present_professional.pk if present_professional else None,
    )
