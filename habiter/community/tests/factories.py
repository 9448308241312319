"""Council rows made through the services, so that checks and audit are exactly as in real use."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from habiter.community import services


def make_council(actor, name="Conseil de Vie Sociale", *, residence=None, **data):
    fields = {"name": name, "kind": "voluntary", "legal_basis": "voluntary"}
    return services.council_create(
        actor=actor, data=fields | data, residence_id=residence.pk if residence is not None else None
    )


def make_meeting(actor, council, *, days=10, proposals_days=None, hour=14):
    """A meeting `days` from today (negative: in the past); proposals until `proposals_days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    until = timezone.localdate() + timedelta(days=days - 2 if proposals_days is None else proposals_days)
    return services.meeting_schedule(
        actor=actor,
        council_id=council.pk,
        starts_at=timezone.make_aware(datetime.combine(day, time(hour))),
        place="Salle commune",
        proposals_until=until,
    )


def make_election(actor, council, *, roll_date, candidacy_deadline, vote_on, **data):
    fields = {
        "title": "Élection des représentants",
        "seats": 1,
        "substitute_seats": 1,
        "term_months": 12,
        "roll_date": roll_date,
        "candidacy_deadline": candidacy_deadline,
        "vote_on": vote_on,
        "place": "Salon",
        "tie_rule": "lots",
    }
    return services.election_create(actor=actor, council_id=council.pk, data=fields | data)
