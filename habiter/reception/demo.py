"""Demo reception data: desk visits of the last weeks, two workshops with past and future sessions."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from habiter.core.dates import is_open_day, nearest_open_day
from habiter.core.models import Role
from habiter.core.partners import demo_partners
from habiter.people.models import Household

from . import rules as reception_rules
from .models import (
    AgeBracket,
    DeskVisit,
    Enrolment,
    Referral,
    ReferralStatus,
    Sex,
    Workshop,
    WorkshopSession,
    WorkshopTheme,
)

INFORMATION = [
    "Explication de la demande de logement social et du numéro unique.",
    "Information sur le FSL et les aides au paiement du loyer.",
    "Remise de la liste des permanences juridiques.",
    "Aide à la lecture d'un courrier du bailleur.",
    "Point sur les droits APL auprès de la CAF.",
    "",
]
PARTNERS = ["CCAS d'Aix-en-Provence", "ADIL 13", "CAF des Bouches-du-Rhône", "Point d'accès au droit d'Aix", ""]
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
    # W24: a volunteer holds the desk with a professional present (the receptionist first).
    professionals = sorted(
        (u for u in staff if u.role not in (Role.VOLUNTEER, Role.LAWYER)), key=lambda u: u.role != Role.RECEPTIONIST
    )
    households = list(Household.objects.filter(organisation=organisation).order_by("name", "id")[:200])
    today = timezone.localdate()
    with transaction.atomic():
        if not DeskVisit.objects.filter(organisation=organisation).exists():
            visits = []
            partners = demo_partners(organisation, PARTNERS)
            now = timezone.now()
            open_now = is_open_day(today) and now >= _at(today, 9, 30)
            for index in range(40 if count >= 100 else 10):
                day = nearest_open_day(today - timedelta(days=rng.randint(1, 35)), -1)
                visited_at = _at(day, rng.randint(9, 16), rng.choice([0, 10, 20, 30, 40, 50]))
                if index < 3 and open_now:  # the first visits are this morning's: the desk's home page counts them
                    visited_at = now - timedelta(minutes=20 * (index + 1))
                linked = households and index % 4 == 0
                topics = rng.sample(reception_rules.TOPICS, rng.choice([1, 1, 2, 3]))
                recorded_by = rng.choice(desk)
                volunteer = recorded_by.role == Role.VOLUNTEER and professionals
                visits.append(
                    DeskVisit(
                        organisation=organisation,
                        visited_at=visited_at,
                        age_bracket=rng.choice(AgeBracket.values),
                        sex=rng.choice(Sex.values),
                        postcode=rng.choice(["", f"13{rng.randint(1, 16):03d}"]),
                        topics=topics,
                        information_given=rng.choice(INFORMATION),
                        referral_partner=partners.get(rng.choice(PARTNERS)),
                        referral_worker=rng.choice(workers) if workers and rng.random() < 0.2 else None,
                        household=rng.choice(households) if linked else None,
                        recorded_by=recorded_by,
                        present_professional=professionals[0] if volunteer else None,
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


def _open_day_before(today, days):
    return nearest_open_day(today - timedelta(days=days), -1)


def seed_referrals(organisation, users, count, rng) -> None:
    """Referrals to the demo social worker from the desk: three open (a walk-in not yet known, one of her households,
    a visitor reached by e-mail) and one she took up. Once (none added if the organisation has some), on open days."""
    staff = list(users.values())
    desk = [u for u in staff if u.role == Role.RECEPTIONIST]
    volunteers = [u for u in staff if u.role == Role.VOLUNTEER]
    workers = [u for u in staff if u.role == Role.SOCIAL_WORKER]
    if not desk or not workers or Referral.objects.filter(organisation=organisation).exists():
        return
    receptionist, worker = desk[0], workers[0]
    followed = list(Household.objects.filter(organisation=organisation, referent=worker).order_by("name", "id")[:2])
    if len(followed) < 2:
        return
    today = timezone.localdate()
    visit = (
        DeskVisit.objects.filter(organisation=organisation, household__isnull=True, visited_at__lt=_at(today, 0))
        .order_by("-visited_at")
        .first()
    )
    first_day = timezone.localdate(visit.visited_at) if visit else _open_day_before(today, 1)
    referrals = [
        Referral(
            organisation=organisation,
            from_user=receptionist,
            to_user=worker,
            desk_visit=visit,
            visitor_name="Yasmina Khelifi",
            visitor_phone="06 12 34 56 78",
            reason="A reçu un commandement de payer la semaine dernière ; souhaite être aidée pour y répondre. "
            "Disponible le matin.",
            created_at=visit.visited_at + timedelta(minutes=5) if visit else _at(first_day, 10, 20),
        ),
        Referral(
            organisation=organisation,
            from_user=receptionist,
            to_user=worker,
            household=followed[0],
            reason="Demande un rendez-vous pour préparer un dossier FSL (facture d'énergie impayée).",
            created_at=_at(_open_day_before(today, 2), 14, 30),
        ),
        Referral(
            organisation=organisation,
            from_user=volunteers[0] if volunteers else receptionist,
            to_user=worker,
            visitor_name="Olivier Durand",
            visitor_email="olivier.durand@example.org",
            reason="Cherche un logement après une séparation ; pas de téléphone pour l'instant, écrire par courriel.",
            created_at=_at(_open_day_before(today, 3), 11, 0),
        ),
    ]
    taken_day = _open_day_before(today, 4)
    referrals.append(
        Referral(
            organisation=organisation,
            from_user=receptionist,
            to_user=worker,
            household=followed[1],
            reason="Question sur la révision du loyer, souhaite en parler à sa référente.",
            created_at=_at(_open_day_before(today, 6), 9, 40),
            status=ReferralStatus.TAKEN_UP,
            taken_up_at=_at(taken_day, 16, 0),
            taken_up_by=worker,
            note="Rappelée, rendez-vous fixé.",
        )
    )
    Referral.objects.bulk_create(referrals)
