"""Demo households: realistic French families, generated quickly with bulk inserts."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker
from faker.providers.person.fr_FR import Provider as FrenchNames

from habiter.core.models import AuditEvent, Role

from . import rules as people_rules
from .models import Concern, Household, HouseholdNote, Person, Relation, Sex

BATCH = 2000
# Names that the search must find without their accents ("noel" → "Noël", "lefevre" → "Lefèvre").
# Towns of the Bouches-du-Rhône with their postcodes (La Poste): an address's postcode matches its town.
TOWNS = [
    *((f"130{district:02d}", "Marseille") for district in range(1, 17)),
    ("13090", "Aix-en-Provence"),
    ("13100", "Aix-en-Provence"),
    ("13400", "Aubagne"),
    ("13500", "Martigues"),
    ("13600", "La Ciotat"),
    ("13127", "Vitrolles"),
]
FEATURED = [("Noël", "Lefèvre"), ("Hélène", "Lefèvre"), ("Zoé", "Noël"), ("Chloé", "Bénard")]
FEATURED_SEX = {"Noël": Sex.MALE, "Hélène": Sex.FEMALE, "Zoé": Sex.FEMALE, "Chloé": Sex.FEMALE}
# One person in this many is left « non renseigné », as in real files where the sex was not asked (it is optional).
SEX_UNSAID_EVERY = 7
NOTES = [
    "Entretien au bureau : point sur la recherche de logement et les démarches CAF.",
    "Visite à domicile : logement propre, chauffage insuffisant signalé au propriétaire.",
    "Accompagnement à la mairie pour la demande de logement social.",
    "Appel : rendez-vous fixé avec l'assistante sociale du département.",
]


def _insert(model, objs) -> None:
    """Insert new rows: `bulk_create`, or on PostgreSQL a `COPY`, several times faster for tens of thousands
    of rows. The values are prepared by the model's fields as `bulk_create` would."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    fields = [f for f in model._meta.concrete_fields if not f.db_returning]  # the database numbers auto ids
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
                obj._state.adding = False


def _phone(rng) -> str:
    return "0" + rng.choice("67") + " " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))


def _sex_of(first_name: str, female: frozenset, male: frozenset, number: int) -> str:
    """The sex a first name makes obvious (Faker's French female and male first names, the featured ones), blank
    for one person in `SEX_UNSAID_EVERY` and for a name that says neither. Draws nothing from the demo's random
    generators, so that the rest of the demo stays the same."""
    if number % SEX_UNSAID_EVERY == SEX_UNSAID_EVERY - 1:
        return ""
    if first_name in FEATURED_SEX:
        return FEATURED_SEX[first_name]
    if first_name in female and first_name not in male:
        return Sex.FEMALE
    if first_name in male and first_name not in female:
        return Sex.MALE
    return ""


def seed_households(organisation, users, count, rng) -> None:
    """Bring the organisation up to `count` households (idempotent: never more)."""
    existing = Household.objects.filter(organisation=organisation).count()
    missing = count - existing
    if missing <= 0:
        return
    fake = Faker("fr_FR")
    fake.seed_instance(rng.randint(0, 10**9) + existing)
    female, male = frozenset(FrenchNames.first_names_female), frozenset(FrenchNames.first_names_male)
    workers = [u for u in users.values() if u.role in (Role.SOCIAL_WORKER, Role.TEAM_LEAD)]
    concerns = list(Concern.objects.filter(organisation=organisation).select_related("category"))
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        for start in range(0, missing, BATCH):
            households, people, links, events, notes = [], [], [], [], []
            for index in range(start, min(start + BATCH, missing)):
                worker = workers[index % len(workers)]
                featured = FEATURED[index] if existing == 0 and index < len(FEATURED) else None
                last_name = featured[1] if featured else fake.last_name()
                created = now - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 600))
                postcode, town = rng.choice(TOWNS)
                household = Household(
                    organisation=organisation,
                    team=worker.team,
                    referent=worker,
                    name=last_name,
                    address=fake.street_address(),
                    postal_code=postcode,
                    city=town,
                    phone=_phone(rng),
                    email="",
                    created_by=worker,
                    created_at=created,
                )
                members = [(featured[0] if featured else fake.first_name(), last_name, Relation.HEAD, 25, 70)]
                if rng.random() < 0.45:
                    members.append(
                        (
                            fake.first_name(),
                            rng.choice([last_name, fake.last_name()]),
                            Relation.SPOUSE,
                            25,
                            70,
                        )
                    )
                for _child in range(rng.choice([0, 0, 1, 2, 3])):
                    members.append((fake.first_name(), last_name, Relation.CHILD, 0, 17))
                for first, last, relation, min_age, max_age in members:
                    birth = today - timedelta(days=rng.randint(min_age * 365 + 1, max_age * 365 + 300))
                    people.append(
                        Person(
                            organisation=organisation,
                            household=household,
                            first_name=first,
                            last_name=last,
                            birth_date=min(birth, today - timedelta(days=1)) if birth < today else date(2010, 1, 1),
                            sex=_sex_of(first, female, male, len(people)),
                            relation=relation,
                            phone=_phone(rng) if relation == Relation.HEAD else "",
                            identity_key=people_rules.person_identity_key(first, last),
                            created_at=created,
                        )
                    )
                household.search_text = people_rules.household_search_text(
                    household.name, [(first, last) for first, last, *_rest in members]
                )
                household.search_phones = people_rules.household_phone_text(
                    [household.phone] + [p.phone for p in people[-len(members) :]]
                )
                households.append(household)
                for concern in rng.sample(concerns, k=min(len(concerns), rng.randint(0, 3))):
                    links.append(Household.concerns.through(household_id=household.pk, concern_id=concern.pk))
                events.append(
                    AuditEvent(
                        organisation=organisation,
                        actor=worker,
                        action="household.create",
                        object_type="household",
                        object_id=str(household.pk),
                        household_id=household.pk,
                        created_at=created,
                    )
                )
                if rng.random() < 0.5:
                    notes.append(
                        HouseholdNote(
                            organisation=organisation,
                            household=household,
                            author=worker,
                            text=rng.choice(NOTES),
                            created_at=created + timedelta(days=rng.randint(1, 30)),
                        )
                    )
            _insert(Household, households)
            _insert(Person, people)
            _insert(Household.concerns.through, links)
            _insert(HouseholdNote, notes)
            _insert(AuditEvent, events)
