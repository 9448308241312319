"""The legal desk: sessions co-run by a social worker and a lawyer, the households seen, the advice and the
follow-up; the lawyer sees the sessions they are on and nothing else of the system."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent, Role, User
from habiter.core.tests.factories import UserFactory

from .. import queries, services
from ..models import LegalDeskSession, LegalDeskVisit

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world):
    return services.legal_session_create(
        actor=world.users["social_worker"],
        held_on=date(2026, 3, 3),
        place="Maison de la justice et du droit",
        social_worker_id=world.users["social_worker"].pk,
        lawyer_id=world.users["lawyer"].pk,
    )


def test_a_session_with_a_household_seen_the_advice_and_the_follow_up(client, world, session):
    worker, lawyer = world.users["social_worker"], world.users["lawyer"]
    client.force_login(worker)
    response = client.post(
        reverse("evictions:legal_session", args=[session.pk]),
        {"household": world.own_household.pk, "subject": "Assignation reçue"},
    )
    assert response.status_code == 302
    visit = LegalDeskVisit.objects.get(session=session)
    client.force_login(lawyer)
    page = client.get(reverse("evictions:legal_session", args=[session.pk])).content.decode()
    assert "Lefèvre" in page and "Assignation reçue" in page
    assert "Noter un ménage reçu" not in page  # the lawyer advises, the staff note households
    client.post(
        reverse("evictions:legal_visit", args=[visit.pk]),
        {"advice": "Demander des délais de paiement au juge", "follow_up": "Dossier FSL maintien"},
    )
    visit.refresh_from_db()
    assert visit.advice == "Demander des délais de paiement au juge" and visit.follow_up == "Dossier FSL maintien"
    assert AuditEvent.objects.filter(action="legal_desk.advice", actor=lawyer, household_id=visit.household_id).exists()
    again = client.get(reverse("evictions:legal_desk")).content.decode()
    assert "Maison de la justice et du droit" in again and "Nouvelle séance" not in again


def test_a_household_is_noted_once_per_session(world, session):
    worker = world.users["social_worker"]
    services.legal_visit_add(actor=worker, session_id=session.pk, household_id=world.own_household.pk, subject="A")
    with pytest.raises(ValidationError):
        services.legal_visit_add(actor=worker, session_id=session.pk, household_id=world.own_household.pk, subject="B")
    with pytest.raises(ValidationError):  # a household the worker does not follow
        services.legal_visit_add(
            actor=worker, session_id=session.pk, household_id=world.other_team_household.pk, subject="C"
        )
    assert LegalDeskVisit.objects.count() == 1


def test_only_the_staff_create_sessions_with_a_lawyer_of_the_organisation(world):
    worker = world.users["social_worker"]
    data = {"held_on": date(2026, 3, 3), "place": "Mairie", "social_worker_id": worker.pk}
    with pytest.raises(PermissionDenied):
        services.legal_session_create(actor=world.users["lawyer"], lawyer_id=world.users["lawyer"].pk, **data)
    with pytest.raises(ValidationError):  # not a lawyer
        services.legal_session_create(actor=worker, lawyer_id=world.users["accountant"].pk, **data)
    outside_lawyer = UserFactory(organisation=world.other_organisation, role=Role.LAWYER)
    with pytest.raises(ValidationError):
        services.legal_session_create(actor=worker, lawyer_id=outside_lawyer.pk, **data)
    colleague = User.objects.get(username="a.colleague")
    with pytest.raises(ValidationError):  # a social worker runs their own sessions
        services.legal_session_create(
            actor=worker, lawyer_id=world.users["lawyer"].pk, **(data | {"social_worker_id": colleague.pk})
        )
    assert not LegalDeskSession.objects.exists()


def test_who_sees_which_session(world, session):
    other_lawyer = UserFactory(organisation=world.organisation, role=Role.LAWYER)
    colleague = User.objects.get(username="a.colleague")
    other = services.legal_session_create(
        actor=world.users["director"],
        held_on=date(2026, 3, 10),
        place="Aix",
        social_worker_id=colleague.pk,
        lawyer_id=other_lawyer.pk,
    )

    def seen(user):
        return set(queries.legal_sessions_visible_to(user))

    assert seen(world.users["director"]) == {session, other}
    assert seen(world.users["team_lead"]) == {session}
    assert seen(world.users["social_worker"]) == {session}
    assert seen(world.users["lawyer"]) == {session}
    assert seen(other_lawyer) == {other}
    assert seen(colleague) == {other}
    for role in ("rental_manager", "accountant", "technician", "receptionist", "volunteer", "host"):
        assert seen(world.users[role]) == set()
    assert seen(world.outsider) == set()


def test_the_lawyer_sees_nothing_else_of_the_system(client, world, session):
    services.legal_visit_add(
        actor=world.users["social_worker"], session_id=session.pk, household_id=world.own_household.pk, subject="A"
    )
    client.force_login(world.users["lawyer"])
    household = world.own_household
    for url in (
        reverse("people:household_detail", args=[household.pk]),
        reverse("people:household_list"),
        reverse("evictions:case_open", args=[household.pk]),
        reverse("evictions:fsl_create", args=[household.pk]),
    ):
        assert client.get(url).status_code == 404, url
    home = client.get(reverse("core:home")).content.decode()
    assert "Permanence juridique" in home and "Ménages" not in home.split("<main")[0]


def test_the_lawyer_home_lists_the_follow_ups_she_owes_until_they_are_done(client, world, session):
    worker, lawyer = world.users["social_worker"], world.users["lawyer"]
    visit = services.legal_visit_add(
        actor=worker, session_id=session.pk, household_id=world.own_household.pk, subject="Assignation reçue"
    )
    client.force_login(lawyer)
    home = client.get(reverse("core:home")).content.decode()
    assert "0 suite à donner" in home and "Toutes les suites sont données." in home, home[home.find("<main") :][:3000]
    services.legal_visit_update(
        actor=lawyer, visit_id=visit.pk, advice="Délais de paiement", follow_up="Écrire <b>au</b> bailleur"
    )
    home = client.get(reverse("core:home")).content.decode()
    assert "1 suite à donner" in home and world.own_household.name in home
    assert "Écrire &lt;b&gt;au&lt;/b&gt; bailleur" in home and "séance du 3 mars 2026" in home
    # done through the advice form, by the lawyer: the day and who are kept, and it leaves the home page
    response = client.post(
        reverse("evictions:legal_visit", args=[visit.pk]),
        {"advice": "Délais de paiement", "follow_up": "Écrire au bailleur", "follow_up_done": "on"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.follow_up_done_on is not None and visit.follow_up_done_by == lawyer
    assert AuditEvent.objects.filter(action="legal_desk.advice", detail__follow_up_done=True).exists()
    home = client.get(reverse("core:home")).content.decode()
    assert "0 suite à donner" in home
    session_page = client.get(reverse("evictions:legal_session", args=[session.pk])).content.decode()
    assert "données le" in session_page


def test_a_follow_up_is_done_only_once_written_and_by_someone_of_the_session(world, session):
    worker, lawyer = world.users["social_worker"], world.users["lawyer"]
    visit = services.legal_visit_add(
        actor=worker, session_id=session.pk, household_id=world.own_household.pk, subject="Assignation reçue"
    )
    with pytest.raises(ValidationError) as error:
        services.legal_visit_update(actor=lawyer, visit_id=visit.pk, advice="", follow_up=" ", follow_up_done=True)
    assert "follow_up_done" in error.value.message_dict
    outsider = UserFactory(organisation=world.other_organisation, role=Role.LAWYER)
    with pytest.raises(LegalDeskVisit.DoesNotExist):
        services.legal_visit_update(actor=outsider, visit_id=visit.pk, advice="", follow_up="x", follow_up_done=True)
    visit.refresh_from_db()
    assert visit.follow_up_done_on is None


def test_the_session_names_its_bar_as_a_partner_record(client, world):
    """Issue 17: the lawyer's bar is a partner of kind « accès au droit », typed by name: the same name (whatever its
    case) is the same partner, a new one is created once, and the session page names it."""
    from habiter.core.models import Partner

    worker = world.users["social_worker"]
    url = reverse("evictions:legal_desk")
    client.force_login(worker)
    page = client.get(url).content.decode()
    assert 'name="bar_name"' in page
    data = {
        "held_on": "2026-03-03",
        "place": "Maison de la justice et du droit",
        "social_worker": worker.pk,
        "lawyer": world.users["lawyer"].pk,
        "bar_name": "Barreau de Marseille",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    first = LegalDeskSession.objects.get()
    assert (first.bar.name, first.bar.kind, first.bar.organisation_id) == (
        "Barreau de Marseille",
        "legal",
        worker.organisation_id,
    )
    client.post(url, data | {"held_on": "2026-03-17", "bar_name": "barreau de marseille"})
    assert Partner.objects.filter(name__iexact="barreau de marseille").count() == 1
    assert LegalDeskSession.objects.filter(bar=first.bar).count() == 2
    html = client.get(reverse("evictions:legal_session", args=[first.pk])).content.decode()
    assert "(Barreau de Marseille)" in html
    response = client.post(url, data | {"held_on": "2026-03-31", "bar_name": "x" * 201})
    assert response.status_code == 200 and LegalDeskSession.objects.count() == 2  # refused, nothing saved
