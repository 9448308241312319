"""Demo volunteers of Alpa (seed 000: the Point Info Logement's reception, the housing-search workshop, the
activities of the pensions de famille, the residents' journal « Tutti quanti », the treasurer of the board, who
also coordinates the desk's volunteers — governance and supervision hours, both counting for the CEC): the
charter in force for a year, signed by each of them — the demo volunteer's login goes straight to their page —,
their missions and hours of the last months, and the demo volunteer's seat in Alpa's monthly CVS, whose next meeting
is their invitation. Written through the services (except the two extra volunteer accounts, which cannot log in)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from habiter.core.models import Role, User

from . import services
from . import volunteers as volunteer_services
from .models import CharterVersion, Council, MemberRole, MissionKind

EXTRA_VOLUNTEERS = [
    ("benevole.tresorier", "Marcel", "Dupuis"),
    ("benevole.journal", "Amina", "Kaci"),
]


def _first(users, role):
    return next((u for u in users.values() if u.role == role), None)


def _extra_account(organisation, username, first_name, last_name):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "organisation": organisation,
            "role": Role.VOLUNTEER,
            "first_name": first_name,
            "last_name": last_name,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def seed_volunteers(organisation, users, count, rng) -> None:
    """Once per organisation (nothing is added if it already has a charter, or has no director or volunteer)."""
    director = _first(users, Role.DIRECTOR)
    volunteer = _first(users, Role.VOLUNTEER)
    if director is None or volunteer is None or CharterVersion.objects.filter(organisation=organisation).exists():
        return
    receptionist = _first(users, Role.RECEPTIONIST) or director
    host = _first(users, Role.HOST) or director
    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    with transaction.atomic():
        volunteer_services.charter_publish(
            actor=director, published_on=year_ago, text=volunteer_services.default_charter_text()
        )
        plans = [
            (
                volunteer,
                receptionist,
                "Le mardi et le jeudi matin.",
                "Accueil, écoute, aide aux démarches en ligne.",
                [
                    (MissionKind.RECEPTION_DESK, "Accueil du Point Info Logement", False, Decimal("3")),
                    (MissionKind.WORKSHOPS, "Atelier recherche de logement", False, Decimal("2")),
                ],
            ),
            (
                _extra_account(organisation, *EXTRA_VOLUNTEERS[0]),
                director,
                "Les réunions du bureau et du conseil d'administration.",
                "Comptabilité associative.",
                [
                    (MissionKind.GOVERNANCE, "Trésorier du conseil d'administration", False, Decimal("6")),
                    # he supervises the desk's volunteers: these hours count for his CEC with the board's (W27)
                    (MissionKind.SUPERVISION, "Coordination des bénévoles de l'accueil", False, Decimal("3")),
                ],
            ),
            (
                _extra_account(organisation, *EXTRA_VOLUNTEERS[1]),
                host,
                "Un samedi sur deux.",
                "Écriture, mise en page, photographie.",
                [
                    (MissionKind.NEWSPAPER, "Journal des résidents « Tutti quanti »", False, Decimal("2.5")),
                    (MissionKind.RESIDENCE_ACTIVITIES, "Atelier cuisine aux Pléiades", True, Decimal("2")),
                ],
            ),
        ]
        for account, referent, availability, skills, missions in plans:
            volunteer_services.charter_sign(actor=account)
            profile = volunteer_services.volunteer_create(
                actor=director,
                user_id=account.pk,
                referent_id=referent.pk,
                data={
                    "skills": skills,
                    "availability": availability,
                    "started_on": year_ago,
                    "record_checked_on": year_ago + timedelta(days=10),
                    "insurance_policy": "Responsabilité civile n° RC-2024-118",
                    "insured_from": year_ago,
                    "insured_until": date(today.year, 12, 31),  # the policy's year: renewed each January (W26)
                },
            )
            for kind, title, record_check, hours in missions:
                mission = volunteer_services.mission_add(
                    actor=director,
                    volunteer_id=profile.pk,
                    data={
                        "kind": kind,
                        "title": title,
                        "starts_on": year_ago,
                        "ends_on": None,
                        "requires_record_check": record_check,
                    },
                )
                for week in range(1, 13):  # a session a week over the last twelve weeks
                    volunteer_services.hours_log(
                        actor=referent,
                        mission_id=mission.pk,
                        worked_on=today - timedelta(weeks=week),
                        hours=hours,
                    )
        cvs = Council.objects.filter(organisation=organisation, kind="voluntary").order_by("created_at").first()
        if cvs is not None:
            services.member_add(
                actor=director,
                council_id=cvs.pk,
                role=MemberRole.MEMBER,
                user_id=volunteer.pk,
                term_start=year_ago,
            )
