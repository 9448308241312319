"""Demo measures: most demo households are followed under one programme, some measures are closed."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from habiter.core.dates import is_open_day
from habiter.core.models import Role
from habiter.core.partners import demo_partners
from habiter.people.models import Household

from . import rules as support_rules
from .models import (
    EntrySituation,
    MeasureFollowUp,
    MeasureOutcome,
    MeasureStatus,
    MeasureStatusChange,
    Programme,
    SupportMeasure,
)

# Where the demo households lived when their measure began (W37): mostly hosted, in a shelter or tenants; some
# not noted.
ENTRY_SITUATIONS = (
    EntrySituation.THIRD_PARTY,
    EntrySituation.SHELTER,
    EntrySituation.SOCIAL_TENANT,
    EntrySituation.PRIVATE_TENANT,
    EntrySituation.STREET,
    EntrySituation.HOTEL,
    EntrySituation.THIRD_PARTY,
    EntrySituation.PRIVATE_TENANT,
    "",
)
PRESCRIBERS = ("CCAS d'Aix-en-Provence", "SIAO 13", "Département des Bouches-du-Rhône", "", "")


def seed_measures(organisation, users, count, rng) -> None:
    """A measure for two households in three (idempotent: a household without one is left so)."""
    programmes = list(Programme.objects.filter(organisation=organisation, active=True))
    outcomes = list(MeasureOutcome.objects.filter(organisation=organisation))
    fallback = next((u for u in users.values() if u.role == Role.DIRECTOR), None) or next(iter(users.values()))
    households = Household.objects.filter(organisation=organisation, measures__isnull=True).only(
        "id", "referent_id", "created_at"
    )
    today = timezone.localdate()
    measures, changes = [], []
    prescribers = demo_partners(organisation, PRESCRIBERS)
    for household in households.iterator(chunk_size=2000):
        if household.pk.int % 3 == 0 or not programmes:
            continue  # chosen by id, not by chance, so that a second run adds nothing
        actor_id = household.referent_id or fallback.pk
        start = max(timezone.localdate(household.created_at), today - timedelta(days=rng.randint(10, 700)))
        closed = rng.random() < 0.2 and (today - start).days > 60
        status = MeasureStatus.CLOSED if closed else MeasureStatus.ACTIVE
        end = start + timedelta(days=rng.randint(30, (today - start).days)) if closed else None
        measure = SupportMeasure(
            organisation=organisation,
            household_id=household.pk,
            programme=rng.choice(programmes),
            start_date=start,
            planned_end_date=start + timedelta(days=365),
            intensity=rng.choice(["light", "medium", "medium", "strong"]),
            # by id, not by chance: the other demo figures keep their random draws
            situation_at_entry=ENTRY_SITUATIONS[(household.pk.int // 3) % len(ENTRY_SITUATIONS)],
            prescriber=prescribers.get(PRESCRIBERS[(household.pk.int // 7) % len(PRESCRIBERS)]),
            status=status,
            end_date=end,
            outcome=rng.choice(outcomes) if closed else None,
            created_by_id=actor_id,
        )
        measures.append(measure)
        changes.append(
            MeasureStatusChange(
                organisation=organisation,
                measure=measure,
                to_status=MeasureStatus.ACTIVE,
                on_date=start,
                actor_id=actor_id,
            )
        )
        if closed:
            changes.append(
                MeasureStatusChange(
                    organisation=organisation,
                    measure=measure,
                    from_status=MeasureStatus.ACTIVE,
                    to_status=MeasureStatus.CLOSED,
                    on_date=end,
                    actor_id=actor_id,
                )
            )
    # The situation a year after the end (W35), recorded for two measures ended over a year ago in three.
    follow_ups = [
        MeasureFollowUp(
            organisation=organisation,
            measure=measure,
            observed_on=support_rules.follow_up_due_on(measure.end_date),
            situation=rng.choice(SITUATIONS),
            arrears_over_three_months=rng.random() < 0.1,
            recorded_by_id=measure.created_by_id,
        )
        for measure in measures
        if measure.end_date and support_rules.follow_up_due_on(measure.end_date) <= today and rng.random() < 2 / 3
    ]
    with transaction.atomic():
        SupportMeasure.objects.bulk_create(measures, batch_size=2000)
        MeasureStatusChange.objects.bulk_create(changes, batch_size=2000)
        MeasureFollowUp.objects.bulk_create(follow_ups, batch_size=2000)


SITUATIONS = ["same_housing", "same_housing", "same_housing", "other_housing", "no_housing", "unknown"]


NOTES = {
    "office_interview": "Point sur la recherche de logement et le budget du mois.",
    "home_visit": "Visite à domicile : logement entretenu, chauffage à vérifier avec le bailleur.",
    "phone": "Appel : rendez-vous CAF confirmé pour jeudi.",
    "accompaniment": "Accompagnement à la mairie pour la demande de logement social.",
    "administrative": "Dossier FSL complété et envoyé.",
    "synthesis": "Synthèse avec le CCAS et le bailleur : plan d'apurement envisagé.",
}


def seed_interventions(organisation, users, count, rng) -> None:
    """One to four interventions for each household that has a measure and no intervention yet."""
    from .models import Intervention

    today = timezone.localdate()
    measures = (
        SupportMeasure.objects.filter(organisation=organisation, household__interventions__isnull=True)
        .only("id", "household_id", "start_date", "end_date", "created_by_id")
        .distinct()
    )
    rows = []
    for measure in measures.iterator(chunk_size=2000):
        last = measure.end_date or today
        span = max((last - measure.start_date).days, 0)
        for _index in range(1 + measure.pk.int % 4):
            kind = rng.choice(list(NOTES))
            rows.append(
                Intervention(
                    organisation=organisation,
                    household_id=measure.household_id,
                    measure_id=measure.pk,
                    kind=kind,
                    occurred_on=measure.start_date + timedelta(days=rng.randint(0, span)),
                    duration_minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                    back_office=kind in ("administrative", "synthesis"),
                    note=NOTES[kind],
                    author_id=measure.created_by_id,
                )
            )
    with transaction.atomic():
        Intervention.objects.bulk_create(rows, batch_size=2000)


GOALS = [
    ("housing", "Trouver un logement adapté à la famille", "Je veux un endroit calme pour mes enfants."),
    ("budget", "Rembourser la dette de loyer", "Je veux m'en sortir et ne plus avoir peur du courrier."),
    ("rights", "Ouvrir les droits CAF", "On ne savait pas qu'on y avait droit."),
    ("employment", "Reprendre une formation", "J'aimerais travailler dans l'aide à domicile."),
    ("daily_life", "Aménager le logement", ""),
]
STEPS = [
    ("Déposer la demande de logement social", "person", ""),
    ("Monter le dossier FSL", "worker", ""),
    ("Rendez-vous avec le conseiller CAF", "partner", "CAF des Bouches-du-Rhône"),
    ("Rencontrer la mission locale", "partner", "Mission locale du Pays d'Aix"),
]


def seed_plans(organisation, users, count, rng) -> None:
    """A plan for one household in three among those followed under a measure (idempotent)."""
    from . import rules as support_rules
    from .models import PlanGoal, PlanStep, SupportPlan

    today = timezone.localdate()
    measures = (
        SupportMeasure.objects.filter(
            organisation=organisation, status=MeasureStatus.ACTIVE, household__support_plan=None
        )
        .only("id", "household_id", "start_date", "created_by_id")
        .order_by("household_id", "start_date")
        .distinct()
    )
    plans, goals, steps, seen = [], [], [], set()
    partners = demo_partners(organisation, [partner for _d, _o, partner in STEPS])
    for measure in measures.iterator(chunk_size=2000):
        if measure.household_id in seen or measure.household_id.int % 3 != 1:
            continue
        seen.add(measure.household_id)
        rhythm = rng.choice([2, 3, 3, 6])
        next_review = support_rules.next_review(measure.start_date, rhythm)
        while next_review < today - timedelta(days=20):
            next_review = support_rules.next_review(next_review, rhythm)
        plan = SupportPlan(
            organisation=organisation,
            household_id=measure.household_id,
            started_on=measure.start_date,
            review_rhythm_months=rhythm,
            next_review_on=next_review,
            created_by_id=measure.created_by_id,
        )
        plans.append(plan)
        for area, title, words in rng.sample(GOALS, k=rng.randint(1, 3)):
            goal = PlanGoal(organisation=organisation, plan=plan, life_area=area, title=title, person_words=words)
            goals.append(goal)
            for description, owner, partner in rng.sample(STEPS, k=rng.randint(1, 2)):
                steps.append(
                    PlanStep(
                        organisation=organisation,
                        goal=goal,
                        description=description,
                        owner=owner,
                        partner=partners.get(partner),
                        due_on=today + timedelta(days=rng.randint(-30, 90)),
                        status=rng.choice(["todo", "todo", "done"]),
                    )
                )
    with transaction.atomic():
        SupportPlan.objects.bulk_create(plans, batch_size=2000)
        PlanGoal.objects.bulk_create(goals, batch_size=2000)
        PlanStep.objects.bulk_create(steps, batch_size=2000)


def seed_appointments(organisation, users, count, rng) -> None:
    """A week of appointments for each social worker and team lead with none yet (idempotent)."""
    from datetime import datetime, time

    from .models import Appointment

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    rows = []
    for user in users.values():
        if user.role not in (Role.SOCIAL_WORKER, Role.TEAM_LEAD) or Appointment.objects.filter(worker=user).exists():
            continue
        households = list(Household.objects.filter(referent=user).only("id", "name")[:12])
        for offset in range(5):
            day = monday + timedelta(days=offset)
            if not is_open_day(day):
                continue
            for hour in rng.sample([9, 10, 11, 14, 15, 16], k=2):
                household = rng.choice(households) if households else None
                start = timezone.make_aware(datetime.combine(day, time(hour, 0)))
                rows.append(
                    Appointment(
                        organisation=organisation,
                        worker=user,
                        household=household,
                        title=f"Entretien — {household.name}" if household else "Réunion d'équipe",
                        starts_at=start,
                        ends_at=start + timedelta(minutes=45),
                        place=rng.choice(["Bureau 2", "À domicile", "CCAS", "Bureau 1"]),
                        created_by=user,
                    )
                )
    Appointment.objects.bulk_create(rows)


def _demo_scan(text: str) -> bytes:
    """A small PNG standing for a scanned paper (the demo stores no real person's document)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 160), "white")
    ImageDraw.Draw(image).text((16, 60), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed_documents(organisation, users, count, rng) -> None:
    """Two papers in a referent's households: a CAF certificate to renew within the month (a to-do of the home
    page and an alert of the household page) and an identity card valid for years."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .documents import document_upload
    from .models import Document, DocumentKind

    today = timezone.localdate()
    for user in users.values():
        if user.role != Role.SOCIAL_WORKER or Document.objects.filter(uploaded_by=user).exists():
            continue
        households = list(Household.objects.filter(referent=user).order_by("name", "id")[:2])
        papers = [
            (DocumentKind.CAF_CERTIFICATE, "attestation-caf.png", today + timedelta(days=rng.randint(10, 25))),
            (DocumentKind.IDENTITY, "carte-identite.png", today + timedelta(days=rng.randint(800, 2000))),
        ]
        for household, (kind, name, expires_on) in zip(households, papers, strict=False):
            document_upload(
                actor=user,
                household_id=household.pk,
                uploaded=SimpleUploadedFile(name, _demo_scan(f"{household.name} - {name}"), "image/png"),
                kind=kind,
                expires_on=expires_on,
            )
