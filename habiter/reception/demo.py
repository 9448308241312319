"""Demo reception data: desk visits of the last weeks, two workshops with past and future sessions."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from habiter.core.dates import is_open_day, nearest_open_day
from habiter.core.models import Role
from habiter.people.models import Household

from . import rules as reception_rules
from .models import AgeBracket, DeskVisit, Enrolment, Sex, Workshop, WorkshopSession, WorkshopTheme

INFORMATION = [
    "Explication de la demande de logement social et du numéro unique.",
    "Information sur le FSL et les aides au paiement du loyer.",
    "Remise de la liste des permanences juridiques.",
    "Aide à la lecture d'un courrier du bailleur.",
    "Point sur les droits APL auprès de la CAF.",
    "",
]
PARTNERS = ["CCAS", "ADIL", "CAF", "Maison de la justice et du droit", ""]
WORKSHOPS = [
    ("Atelier collectif de recherche de logement", WorkshopTheme.HOUSING_SEARCH, "Salle collective, 12 rue Paradis"),
    ("Maîtriser son budget et ses factures d'énergie", WorkshopTheme.BUDGET_ENERGY, "Locaux de l'association"),
]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_reception(organisation, users, count, rng) -> None:
    """Desk visits once (none added if the organisation has some), and each demo workshop with its sessions
    once (a second run adds nothing)."""
    staff = list(users.values())
    desk = [u for u in staff if u.role in (Role.RECEPTIONIST, Role.VOLUNTEER)] or staff
    workers = [u for u in staff if u.role in (Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.DIRECTOR)]
    households = list(Household.objects.filter(organisation=organisation).order_by("name", "id")[:200])
    today = timezone.localdate()
    with transaction.atomic():
        if not DeskVisit.objects.filter(organisation=organisation).exists():
            visits = []
            now = timezone.now()
            open_now = is_open_day(today) and now >= _at(today, 9, 30)
            for index in range(40 if count >= 100 else 10):
                day = nearest_open_day(today - timedelta(days=rng.randint(1, 35)), -1)
                visited_at = _at(day, rng.randint(9, 16), rng.choice([0, 10, 20, 30, 40, 50]))
                if index < 3 and open_now:  # the first visits are this morning's: the desk's home page counts them
                    visited_at = now - timedelta(minutes=20 * (index + 1))
                linked = households and index % 4 == 0
                topics = rng.sample(reception_rules.TOPICS, rng.choice([1, 1, 2, 3]))
                visits.append(
                    DeskVisit(
                        organisation=organisation,
                        visited_at=visited_at,
                        age_bracket=rng.choice(AgeBracket.values),
                        sex=rng.choice(Sex.values),
                        postcode=rng.choice(["", f"13{rng.randint(1, 16):03d}"]),
                        topics=topics,
                        information_given=rng.choice(INFORMATION),
                        referral_partner=rng.choice(PARTNERS),
                        referral_worker=rng.choice(workers) if workers and rng.random() < 0.2 else None,
                        household=rng.choice(households) if linked else None,
                        recorded_by=rng.choice(desk),
                    )
                )
            DeskVisit.objects.bulk_create(visits)
        facilitator = next((u for u in staff if u.role == Role.SOCIAL_WORKER), staff[0])
        for rank, (title, theme, place) in enumerate(WORKSHOPS):
            workshop, created = Workshop.objects.get_or_create(
                organisation=organisation, title=title, defaults={"theme": theme, "created_by": facilitator}
            )
            if not created:
                continue
            # the first workshop meets today (or on the next open day): the desk's home page shows it
            for weeks in (-4, -2, 0, 3) if rank == 0 else (-4, -2, 1, 3):
                day = nearest_open_day(today + timedelta(weeks=weeks), -1 if weeks < 0 else 1)
                session = WorkshopSession.objects.create(
                    organisation=organisation,
                    workshop=workshop,
                    starts_at=_at(day, 14),
                    place=place,
                    facilitator=facilitator,
                    capacity=8,
                    attendance_taken_at=_at(day, 16) if weeks < 0 else None,
                    created_by=facilitator,
                )
                for household in rng.sample(households, min(len(households), rng.randint(3, 6))):
                    Enrolment.objects.create(
                        organisation=organisation,
                        session=session,
                        household=household,
                        attended=(rng.random() < 0.75) if weeks < 0 else None,
                        enrolled_by=facilitator,
                    )
