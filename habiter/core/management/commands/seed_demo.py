"""Load the demo data: two organisations, one user per role, realistic households (idempotent)."""

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from habiter.core import registry, services
from habiter.core.models import Organisation, Role, Team, User

DEMO_PASSWORD = "demo-habiter-2026"  # noqa: S105 - the documented demo password, demo mode only
DEMO_ORGANISATION = "Association démonstration"
OTHER_ORGANISATION = "Autre association"
DEMO_TEAMS = ["Équipe Marseille", "Équipe Aix-en-Provence"]

# (username, first name, last name, role, team index or None)
DEMO_USERS = [
    ("direction", "Claire", "Fabre", Role.DIRECTOR, None),
    ("chef.service", "Karim", "Benali", Role.TEAM_LEAD, 0),
    ("travailleur.social", "Sophie", "Martin", Role.SOCIAL_WORKER, 0),
    ("ts.aix", "Lucas", "Roux", Role.SOCIAL_WORKER, 1),
    ("gestion.locative", "Nadia", "Haddad", Role.RENTAL_MANAGER, None),
    ("comptable", "Paul", "Giraud", Role.ACCOUNTANT, None),
    ("technicien", "Marc", "Blanc", Role.TECHNICIAN, None),
    ("accueil", "Inès", "Moreau", Role.RECEPTIONIST, None),
    ("benevole", "Jacqueline", "Faure", Role.VOLUNTEER, None),
    ("hote", "Thomas", "Garcia", Role.HOST, None),
    ("avocate", "Léa", "Bernard", Role.LAWYER, None),
]
OTHER_USERS = [("autre.asso", "Élise", "Perrin", Role.SOCIAL_WORKER, 0)]


class Command(BaseCommand):
    help = "Charge les données de démonstration (sans doublon si relancé)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=None, help="nombre de ménages de l'association de démonstration"
        )
        parser.add_argument("--quiet-logins", action="store_true", help="ne pas afficher les identifiants")

    def handle(self, *args, scale=None, quiet_logins=False, **options):
        if not getattr(settings, "HABITER_DEMO", False) and not settings.DEBUG and scale is None:
            raise CommandError("seed_demo ne s'exécute qu'en mode démonstration (réglages habiter.settings.dev).")
        rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not security
        target = scale if scale is not None else 300
        demo, demo_users = self._organisation(DEMO_ORGANISATION, DEMO_TEAMS, DEMO_USERS)
        other, other_users = self._organisation(OTHER_ORGANISATION, ["Équipe unique"], OTHER_USERS)
        for organisation, users, count in ((demo, demo_users, target), (other, other_users, 25)):
            for seeder in registry.demo_seeders():
                seeder(organisation, users, count, rng)
        if not quiet_logins:
            self.stdout.write(f"\nIdentifiants de démonstration (mot de passe pour tous : {DEMO_PASSWORD})\n")
            for username, first, last, role, _team in DEMO_USERS + OTHER_USERS:
                self.stdout.write(f"  {username:<20} {Role(role).label} — {first} {last}")
            self.stdout.write("")

    _password_hash = None

    @property
    def password_hash(self):
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    @transaction.atomic
    def _organisation(self, name, team_names, user_specs):
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_create(name=name, team_names=team_names)
        teams = list(Team.objects.filter(organisation=organisation).order_by("name"))
        teams_by_name = {t.name: t for t in teams}
        users = {}
        for username, first, last, role, team_index in user_specs:
            user = User.objects.filter(username=username).first()
            if user is None:
                team = teams_by_name.get(team_names[team_index]) if team_index is not None else None
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@demo.habiter.invalid",
                    role=role,
                    organisation=organisation,
                    team=team,
                )
                user.password = self.password_hash
                user.save()
            users[username] = user
        return organisation, users
