from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from habiter.core.models import AuditEvent
from habiter.people.tests.factories import make_household
from habiter.reception import services
from habiter.reception.models import DeskVisit, Enrolment, Workshop, WorkshopSession

from .factories import make_session

pytestmark = pytest.mark.django_db

DESK_ROLES = ["receptionist", "volunteer", "social_worker", "team_lead", "director"]
OTHER_ROLES = ["rental_manager", "accountant", "technician", "host"]


def _with_professional(world, role) -> dict:
    """A volunteer holds the desk with a professional present (W24): the receptionist, in these tests."""
    return {"present_professional_id": world.users["receptionist"].pk} if role == "volunteer" else {}


@pytest.mark.parametrize("role", DESK_ROLES)
def test_every_desk_role_notes_an_anonymous_visit(world, role):
    actor = world.users[role]
    visit = services.desk_visit_record(
        actor=actor, topics=["housing_search", "energy"], postcode="13 001", **_with_professional(world, role)
    )
    assert visit.organisation == world.organisation
    assert visit.anonymous and visit.postcode == "13001" and visit.age_bracket == "unknown"
    assert visit.topic_labels == ["Recherche de logement", "Énergie, factures"]
    event = AuditEvent.objects.get(action="desk_visit.record")
    assert event.actor == actor and event.household_id is None and event.object_id == str(visit.pk)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_note_no_visit(world, role):
    with pytest.raises(PermissionDenied):
        services.desk_visit_record(actor=world.users[role], topics=["other"])
    assert not DeskVisit.objects.exists()


def test_reception_links_any_household_of_the_organisation(world):
    visit = services.desk_visit_record(
        actor=world.users["receptionist"],
        topics=["rent_arrears"],
        household_id=world.other_team_household.pk,
        referral_partner="ADIL 13",
        referral_worker_id=world.users["social_worker"].pk,
        information_given="Orientée vers la permanence juridique.",
    )
    assert visit.household == world.other_team_household
    assert AuditEvent.objects.get(action="desk_visit.record").household_id == world.other_team_household.pk


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("social_worker", "other_team_household"),
        ("social_worker", "other_org_household"),
        ("receptionist", "other_org_household"),
        ("volunteer", "other_org_household"),
    ],
)
def test_a_household_out_of_the_search_scope_is_refused(world, role, scope):
    with pytest.raises(ValidationError) as refused:
        services.desk_visit_record(
            actor=world.users[role],
            topics=["other"],
            household_id=getattr(world, scope).pk,
            **_with_professional(world, role),
        )
    assert refused.value.message_dict["household"] == [
        "Ce ménage est introuvable : choisissez-le parmi les résultats de la recherche."
    ]
    assert not DeskVisit.objects.exists() and not AuditEvent.objects.filter(action="desk_visit.record").exists()


def test_bad_input_is_refused_in_french_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as refused:
        services.desk_visit_record(
            actor=world.users["volunteer"],
            topics=[],
            postcode="13",
            visited_at=timezone.now() + timedelta(hours=2),
            referral_worker_id=world.outsider.pk,
            present_professional_id=world.outsider.pk,
        )
    assert refused.value.message_dict == {
        "topics": ["Cochez au moins un motif de venue."],
        "postcode": ["Le code postal doit comporter 5 chiffres (ex. 13001)."],
        "visited_at": ["Un passage ne peut pas être daté dans le futur."],
        "referral_worker": ["Cette personne ne fait pas partie des salariés de l'association."],
        "present_professional": ["Choisissez un·e salarié·e de l'association."],
    }
    assert not DeskVisit.objects.exists() and not AuditEvent.objects.filter(action="desk_visit.record").exists()


def test_a_visitor_is_referred_to_casework_staff_only(world):
    with pytest.raises(ValidationError) as refused:
        services.desk_visit_record(
            actor=world.users["volunteer"],
            topics=["other"],
            referral_worker_id=world.users["receptionist"].pk,
            present_professional_id=world.users["receptionist"].pk,
        )
    assert set(refused.value.message_dict) == {"referral_worker"}


ALONE = (
    "Un·e bénévole ne tient pas l'accueil seul·e (charte du bénévole) : indiquez le ou la professionnel·le présent·e."
)


def test_a_volunteer_holds_the_desk_only_with_a_professional_present(world):
    """W24: the volunteer's charter. Alone, or with another volunteer, a lawyer of the legal desk or someone of
    another organisation as « professional », the visit is refused and nothing is written."""
    from habiter.core.tests.factories import UserFactory

    volunteer = world.users["volunteer"]
    other_volunteer = UserFactory(organisation=world.organisation, role="volunteer")
    lawyer = UserFactory(organisation=world.organisation, role="lawyer")
    inactive = UserFactory(organisation=world.organisation, role="social_worker", is_active=False)
    cases = [
        (None, ALONE),
        (other_volunteer.pk, "Choisissez un·e salarié·e de l'association."),
        (lawyer.pk, "Choisissez un·e salarié·e de l'association."),
        (inactive.pk, "Choisissez un·e salarié·e de l'association."),
        (world.outsider.pk, "Choisissez un·e salarié·e de l'association."),
        ("00000000-0000-0000-0000-000000000000", "Choisissez un·e salarié·e de l'association."),
    ]
    for professional_id, message in cases:
        with pytest.raises(ValidationError) as refused:
            services.desk_visit_record(actor=volunteer, topics=["other"], present_professional_id=professional_id)
        assert refused.value.message_dict == {"present_professional": [message]}
    assert not DeskVisit.objects.exists() and not AuditEvent.objects.filter(action="desk_visit.record").exists()

    visit = services.desk_visit_record(
        actor=volunteer, topics=["other"], present_professional_id=world.users["social_worker"].pk
    )
    assert visit.present_professional == world.users["social_worker"] and visit.recorded_by == volunteer


def test_staff_hold_the_desk_alone(world):
    visit = services.desk_visit_record(actor=world.users["receptionist"], topics=["other"])
    assert visit.present_professional is None


# --- workshops ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["receptionist", "social_worker", "team_lead", "director"])
def test_staff_create_workshops_and_sessions(world, role):
    session = make_session(
        world.users[role], facilitator=world.users["volunteer"], present_professional=world.users[role]
    )
    assert session.workshop.organisation == world.organisation and session.facilitator == world.users["volunteer"]
    assert session.present_professional == world.users[role]
    actions = set(AuditEvent.objects.filter(actor=world.users[role]).values_list("action", flat=True))
    assert {"workshop.create", "workshop_session.create"} <= actions


@pytest.mark.parametrize("role", ["volunteer", *OTHER_ROLES])
def test_volunteers_and_other_roles_create_no_workshop(world, role):
    with pytest.raises(PermissionDenied):
        services.workshop_create(actor=world.users[role], title="Budget", theme="budget_energy")
    assert not Workshop.objects.exists()


def test_session_refusals(world):
    director = world.users["director"]
    workshop = services.workshop_create(actor=director, title="Budget", theme="budget_energy")
    with pytest.raises(ValidationError) as refused:
        services.workshop_session_create(
            actor=director,
            workshop_id=workshop.pk,
            starts_at=timezone.now(),
            place="Salle",
            facilitator_id=world.outsider.pk,
            capacity=0,
        )
    assert refused.value.message_dict == {
        "facilitator": ["Choisissez l'animateur·rice parmi les membres de l'association."],
        "capacity": ["Une séance accueille au moins une personne : indiquez une capacité d'au moins 1."],
    }
    for professional, message in (
        (None, "Un·e bénévole n'anime pas seul·e (charte du bénévole) : indiquez le ou la professionnel·le présent·e."),
        (
            world.users["volunteer"],
            "Choisissez un·e salarié·e de l'association.",
        ),  # W24: a volunteer is no professional
        (world.users["lawyer"], "Choisissez un·e salarié·e de l'association."),
        (world.outsider, "Choisissez un·e salarié·e de l'association."),
    ):
        with pytest.raises(ValidationError) as refused:
            services.workshop_session_create(
                actor=director,
                workshop_id=workshop.pk,
                starts_at=timezone.now(),
                place="Salle",
                facilitator_id=world.users["volunteer"].pk,
                capacity=5,
                present_professional_id=professional.pk if professional else None,
            )
        assert refused.value.message_dict == {"present_professional": [message]}
    foreign = services.workshop_create(actor=_other_director(world), title="Ailleurs", theme="other")
    with pytest.raises(Workshop.DoesNotExist):
        services.workshop_session_create(
            actor=director,
            workshop_id=foreign.pk,
            starts_at=timezone.now(),
            place="Salle",
            facilitator_id=director.pk,
            capacity=5,
        )
    assert not WorkshopSession.objects.exists()


def test_a_duplicate_workshop_title_is_refused_in_french(world):
    services.workshop_create(actor=world.users["director"], title="Budget", theme="budget_energy")
    with pytest.raises(ValidationError) as refused:
        services.workshop_create(actor=world.users["receptionist"], title="Budget", theme="other")
    assert "Un atelier porte déjà ce titre." in str(refused.value)


def _other_director(world):
    from habiter.core.tests.factories import UserFactory

    return UserFactory(organisation=world.other_organisation, role="director")


def test_enrolment_within_capacity_then_refused_naming_the_capacity(world):
    receptionist = world.users["receptionist"]
    session = make_session(receptionist, capacity=2)
    for household in (world.own_household, world.other_team_household):
        services.enrolment_add(actor=receptionist, session_id=session.pk, household_id=household.pk)
    third = make_household(world.users["social_worker"], name="Garnier")
    with pytest.raises(ValidationError) as refused:
        services.enrolment_add(actor=receptionist, session_id=session.pk, household_id=third.pk)
    assert refused.value.message_dict["household"] == [
        "Cette séance est complète : elle compte 2 places, toutes prises."
    ]
    assert session.enrolments.count() == 2
    assert AuditEvent.objects.filter(action="enrolment.add", household_id=world.own_household.pk).exists()


def test_enrolment_refusals(world):
    worker = world.users["social_worker"]
    session = make_session(worker)
    services.enrolment_add(actor=worker, session_id=session.pk, household_id=world.own_household.pk)
    with pytest.raises(ValidationError) as duplicate:
        services.enrolment_add(actor=worker, session_id=session.pk, household_id=world.own_household.pk)
    assert duplicate.value.message_dict["household"] == ["Ce ménage est déjà inscrit à cette séance."]
    for household in (world.other_team_household, world.other_org_household):  # out of the worker's search
        with pytest.raises(ValidationError):
            services.enrolment_add(actor=worker, session_id=session.pk, household_id=household.pk)
    with pytest.raises(PermissionDenied):
        services.enrolment_add(
            actor=world.users["volunteer"], session_id=session.pk, household_id=world.other_team_household.pk
        )
    with pytest.raises(WorkshopSession.DoesNotExist):
        services.enrolment_add(actor=world.outsider, session_id=session.pk, household_id=world.other_org_household.pk)
    assert Enrolment.objects.count() == 1


def test_a_volunteer_takes_attendance(world):
    receptionist = world.users["receptionist"]
    session = make_session(receptionist)
    came = services.enrolment_add(actor=receptionist, session_id=session.pk, household_id=world.own_household.pk)
    missed = services.enrolment_add(
        actor=receptionist, session_id=session.pk, household_id=world.other_team_household.pk
    )
    services.attendance_take(actor=world.users["volunteer"], session_id=session.pk, present_ids=[str(came.pk)])
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.attended is True and missed.attended is False
    session.refresh_from_db()
    assert session.attendance_taken_at is not None
    assert set(AuditEvent.objects.filter(action="attendance.take").values_list("household_id", "detail__attended")) == {
        (world.own_household.pk, True),
        (world.other_team_household.pk, False),
    }


def test_attendance_refusals(world):
    receptionist = world.users["receptionist"]
    future = make_session(receptionist, starts_at=timezone.now() + timedelta(days=2))
    enrolment = services.enrolment_add(actor=receptionist, session_id=future.pk, household_id=world.own_household.pk)
    with pytest.raises(ValidationError) as early:
        services.attendance_take(actor=receptionist, session_id=future.pk, present_ids=[enrolment.pk])
    assert early.value.messages == ["La présence se relève le jour de la séance ou après, pas avant."]
    past = make_session(receptionist, title="Budget")
    with pytest.raises(ValidationError):
        services.attendance_take(actor=receptionist, session_id=past.pk, present_ids=[enrolment.pk])
    with pytest.raises(PermissionDenied):
        services.attendance_take(actor=world.users["accountant"], session_id=past.pk, present_ids=[])
    with pytest.raises(WorkshopSession.DoesNotExist):
        services.attendance_take(actor=world.outsider, session_id=past.pk, present_ids=[])
    enrolment.refresh_from_db()
    assert enrolment.attended is None
    assert not AuditEvent.objects.filter(action="attendance.take").exists()


def test_the_demo_seeder_is_idempotent(world):
    import random

    from habiter.reception.demo import seed_reception

    users = {user.username: user for user in world.users.values()}
    for _run in range(2):
        seed_reception(world.organisation, users, 300, random.Random(1))
        counts = (DeskVisit.objects.count(), WorkshopSession.objects.count(), Enrolment.objects.count())
        if _run == 0:
            first = counts
    assert counts == first and counts[0] == 40 and counts[1] == 8
    assert DeskVisit.objects.filter(household__isnull=False).exists()
    assert DeskVisit.objects.filter(household__isnull=True).exists()
    assert Enrolment.objects.filter(attended=True).exists() and Enrolment.objects.filter(attended__isnull=True).exists()
