"""Council rows made through the services, so that checks and audit are exactly as in real use."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from habiter.community import services
from habiter.community.models import CharterSignature, CharterVersion
from habiter.core.models import Role, User


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


OBJECTIVE_TITLES = (
    "Faire valoir notre expertise dans les différents territoires d'intervention",
    "Développer l'offre de logement",
    "Conforter notre projet participatif",
)


def make_project(actor, *, titles=OBJECTIVE_TITLES, start_year=2024, end_year=2028):
    """A project with its objectives (numbered 1, 2, 3…)."""
    project = services.project_create(actor=actor, title="Projet associatif", start_year=start_year, end_year=end_year)
    for title in titles:
        services.objective_add(actor=actor, project_id=project.pk, title=title)
    return project


def make_campaign(actor, project, *, title="Séminaire", held_on=None, anonymous=True):
    return services.campaign_create(
        actor=actor,
        project_id=project.pk,
        title=title,
        held_on=held_on or timezone.localdate(),
        anonymous=anonymous,
    )


def answer(actor, campaign, *values, category="staff", name=""):
    """One participant's sheet: one value per objective of the campaign, in the project's order."""
    objectives = list(campaign.project.objectives.all())
    return services.answers_record(
        actor=actor,
        campaign_id=campaign.pk,
        category=category,
        participant_name=name,
        values={o.pk: v for o, v in zip(objectives, values, strict=True)},
    )


def charter_signed(volunteer, *, published_on=date(2000, 1, 1)):
    """The volunteer has signed a charter of their organisation in force since `published_on` (W23: no account before
    it), made as rows (no audit event), so that a test about something else meets a volunteer who may use Habiter.
    The organisation's first charter is made if it has none."""
    version = CharterVersion.objects.filter(organisation_id=volunteer.organisation_id).order_by("number").first()
    if version is None:
        director = User.objects.filter(organisation_id=volunteer.organisation_id, role=Role.DIRECTOR).first()
        version = CharterVersion.objects.create(
            organisation_id=volunteer.organisation_id,
            number=1,
            published_on=published_on,
            text="Charte du bénévole.",
            published_by=director or volunteer,
        )
    return CharterSignature.objects.create(
        organisation_id=volunteer.organisation_id, version=version, user=volunteer, signed_at=timezone.now()
    )
