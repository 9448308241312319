"""What a logged-in request costs in SQL queries: the floor every page pays before its own work."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

HEALTH = reverse("core:health")


def test_a_logged_in_request_reads_the_session_and_the_user_with_its_second_factor_in_two_queries(client, world):
    client.force_login(world.users["director"])
    client.get(HEALTH)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HEALTH).status_code == 200
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_a_second_factor_confirmed_during_the_session_is_asked_for_at_the_next_request(client, world):
    user = world.users["director"]
    client.force_login(user)
    assert client.get(reverse("core:home")).status_code == 200
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=False)
    assert client.get(reverse("core:home")).status_code == 200  # not confirmed: not a second factor yet
    device.confirmed = True
    device.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:otp_verify"))


def test_the_search_reads_its_rows_and_their_members_in_three_queries_and_journals_them_in_one(client, world):
    from datetime import date

    from habiter.people.tests.factories import make_household

    director = world.users["director"]
    for i in range(6):
        members = [
            {"first_name": f"Anna{i}", "last_name": "Mercier", "birth_date": date(1980, 1, 1 + i), "relation": "head"},
            {"first_name": f"Léo{i}", "last_name": "Mercier", "birth_date": None, "relation": "child"},
        ]
        make_household(director, name=f"Mercier {i}", members=members)
    client.force_login(director)
    url = reverse("people:household_list") + "?q=mercier"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # session and user, then count, rows, members; then the one INSERT of the journal (the households listed)
    assert len(queries) == 2 + 3 + 1, [q["sql"] for q in queries]
    body = response.content.decode()
    assert "Anna0 Mercier (01/01/1980)" in body
    assert "Léo5 Mercier" in body


def _household_with_plan_and_measures(world):
    from datetime import timedelta

    from django.utils import timezone

    from habiter.support import plans as plan_services
    from habiter.support import services as support_services
    from habiter.support.models import Programme

    director, household = world.users["director"], world.own_household
    today = timezone.localdate()
    for code in ("avdl", "asll"):
        support_services.measure_open(
            actor=director,
            household_id=household.pk,
            programme_id=Programme.objects.get(organisation=world.organisation, code=code).pk,
            start_date=today - timedelta(days=10),
        )
    plan = plan_services.plan_start(actor=director, household_id=household.pk, started_on=today)
    plan_services.goal_add(actor=director, plan_id=plan.pk, life_area="housing", title="Trouver un logement")
    plan_services.goal_add(actor=director, plan_id=plan.pk, life_area="health", title="Voir un médecin")
    return household


def test_the_intervention_form_shows_the_same_choices_from_the_rows_the_page_read(world):
    from habiter.people.queries import household_for_page
    from habiter.support import contributions
    from habiter.support.forms import InterventionForm

    household = _household_with_plan_and_measures(world)
    director = world.users["director"]
    panel = contributions.interventions_panel(household_for_page(director, household.pk), director)
    alone = str(InterventionForm(household=household, may_restrict=True))
    assert str(panel["form"]) == alone
    assert "Voir un médecin" in alone and "Trouver un logement" in alone and "AVDL" in alone.upper()
    assert "Voir un médecin" not in str(InterventionForm(household=household, may_restrict=False))


def test_an_empty_form_rendered_once_changes_with_its_initial_values_and_a_bound_form_shows_its_errors(world):
    from habiter.people.forms import NoteForm

    empty = str(NoteForm(may_restrict=True))
    assert str(NoteForm(may_restrict=True)) == empty
    assert "restricted" not in str(NoteForm(may_restrict=False))
    assert "Déjà écrit" in str(NoteForm(may_restrict=True, initial={"text": "Déjà écrit"}))
    bound = str(NoteForm({"text": ""}, may_restrict=True))
    assert bound != empty and "errorlist" in bound


def test_the_household_page_reads_the_plan_and_the_measures_once(client, world):
    household = _household_with_plan_and_measures(world)
    client.force_login(world.users["director"])
    url = reverse("people:household_detail", args=[household.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    plan_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "support_supportplan"')]
    measure_reads = [q["sql"] for q in queries if 'FROM "support_supportmeasure"' in q["sql"].split(" WHERE ")[0]]
    assert len(plan_reads) == 1, plan_reads
    assert len(measure_reads) == 1, measure_reads
    body = response.content.decode()
    assert "Trouver un logement" in body and "2 objectifs" in body


def test_the_household_query_tells_which_apps_have_rows_for_it(world):
    from habiter.core import registry
    from habiter.people import services as people_services
    from habiter.people.models import Household
    from habiter.people.queries import household_for_page

    director = world.users["director"]
    household_id = world.own_household.pk
    with CaptureQueriesContext(connection) as queries:
        household = household_for_page(director, household_id)
        answers = {key: registry.household_has(household, key) for key in ("people.notes", "support.documents")}
        assert registry.household_has(household, "an.unregistered.key")  # unknown: always asked
    assert answers == {"people.notes": False, "support.documents": False}
    # The household, its members and concerns (prefetched), then every app's answer in one query: none of its own.
    assert len(queries) == 4, [q["sql"] for q in queries]

    people_services.note_add(actor=director, household_id=household_id, text="Appel de la CAF")
    assert registry.household_has(household, "people.notes") is False  # answered once per page (per object)
    fresh = household_for_page(director, household_id)
    assert registry.household_has(fresh, "people.notes") is True
    assert registry.household_has(fresh, "support.documents") is False
    # A household read without the annotations is never said empty: the app reads its rows.
    assert registry.household_has(Household.objects.get(pk=household_id), "support.documents") is True


def test_the_household_page_does_not_ask_the_apps_that_have_nothing_for_it(client, world):
    from habiter.people import services as people_services

    household = world.own_household
    client.force_login(world.users["director"])
    url = reverse("people:household_detail", args=[household.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # Session and user; the household (with whether each app has rows for it), its members and concerns; the audit
    # row of the read; the record's history. Nothing else for a household with nothing else.
    assert len(queries) == 8, [q["sql"] for q in queries]

    people_services.note_add(actor=world.users["director"], household_id=household.pk, text="Visite à domicile")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(queries) == 9, [q["sql"] for q in queries]
    assert "Visite à domicile" in response.content.decode()


def test_the_presence_statement_is_compiled_once_and_answers_as_the_orm_does(world):
    from habiter.core import registry
    from habiter.people import queries as people_queries
    from habiter.people import services as people_services
    from habiter.people.models import Household

    director = world.users["director"]
    household_id = world.own_household.pk
    people_services.note_add(actor=director, household_id=household_id, text="Appel de la CAF")
    people_queries._presence_statements.clear()
    first = people_queries.household_presence(household_id)
    assert len(people_queries._presence_statements) == 1
    statement = next(iter(people_queries._presence_statements.values()))
    assert people_queries.household_presence(household_id) == first
    assert next(iter(people_queries._presence_statements.values())) is statement  # not compiled again
    expected = Household.objects.annotate(**registry.presence_annotations()).values(*first).get(pk=household_id)
    assert first == expected
    assert first["has_people_notes"] is True and first["has_support_documents"] is False
    assert people_queries.household_presence(world.other_team_household.pk)["has_people_notes"] is False
    assert people_queries.household_presence(uuid.uuid4()) == {}  # no such household: every app is asked


def test_an_apps_rows_are_read_once_per_page_and_not_at_all_when_there_are_none(world):
    from habiter.core import registry
    from habiter.people import services as people_services
    from habiter.people.queries import household_for_page

    loads = []

    def load():
        loads.append(1)
        return ["une note"]

    director = world.users["director"]
    household = household_for_page(director, world.own_household.pk)
    assert registry.household_rows(household, "people.notes", load) == ()  # none: never loaded
    people_services.note_add(actor=director, household_id=household.pk, text="Appel")
    household = household_for_page(director, world.own_household.pk)
    first = registry.household_rows(household, "people.notes", load)
    assert first == ["une note"] and registry.household_rows(household, "people.notes", load) is first
    assert loads == [1]
    assert registry.household_rows(household, "support.plan", load, empty=None) is None


def _home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return [q["sql"] for q in queries], response.content.decode()


def test_the_social_workers_home_page_runs_a_constant_number_of_queries(client, world):
    from datetime import date, timedelta

    from django.utils import timezone

    from habiter.people.tests.factories import make_household
    from habiter.support import plans as plan_services
    from habiter.support import services as support_services
    from habiter.support.models import Programme

    worker = world.users["social_worker"]
    client.force_login(worker)
    client.get(reverse("core:home"))  # the session's activity stamp is saved at most once a minute
    few, _body = _home_queries(client)

    today = timezone.localdate()
    programme = Programme.objects.get(organisation=world.organisation, code="avdl")
    for index in range(12):
        household = make_household(worker, name=f"Famille Blanc {index}")
        plan_services.plan_start(
            actor=worker, household_id=household.pk, started_on=today - timedelta(days=80), review_rhythm_months=3
        )
        support_services.measure_open(
            actor=worker,
            household_id=household.pk,
            programme_id=programme.pk,
            start_date=date(today.year - 1, 1, 1),
            planned_end_date=today + timedelta(days=10),
        )
    many, body = _home_queries(client)
    assert "Famille Blanc 11" in body and "Aucun bilan à prévoir" not in body  # the panels list the new items
    assert len(many) == len(few), many
    # The legal parameters (deadlines of several panels) are read once per request.
    assert sum('FROM "core_legalparameter"' in sql for sql in many) <= 1
    # The open prevention cases (the deadlines' panel and the early warnings') are read once per request.
    case_reads = [sql for sql in many if 'FROM "evictions_preventioncase" INNER JOIN' in sql.split(" WHERE ")[0]]
    assert len(case_reads) <= 1, case_reads


def test_a_refused_permission_costs_no_query_and_only_staff_accounts_hold_model_permissions(world):
    """The application's permissions are rules; Django's model permissions serve the admin site only, so an account
    that is not staff is refused them without reading its own and its groups' permissions (two queries a page)."""
    from django.contrib.auth.models import Permission

    from habiter.core.models import User

    codename = Permission.objects.get(codename="view_household")
    worker = User.objects.get(pk=world.users["social_worker"].pk)
    worker.user_permissions.add(codename)  # even given by hand, it is not the application's way
    worker = User.objects.get(pk=worker.pk)
    with CaptureQueriesContext(connection) as queries:
        assert not worker.has_perm("people.view_household")
        assert not worker.has_perm("core.view_audit")  # a rule refused: no fall-back query either
    assert len(queries) == 0, [q["sql"] for q in queries]

    staff = User.objects.get(pk=world.users["director"].pk)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.user_permissions.add(codename)
    staff = User.objects.get(pk=staff.pk)
    assert staff.has_perm("people.view_household")  # the admin site's model permission
    assert not staff.has_perm("people.delete_household")
