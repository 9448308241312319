from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.core.tests.factories import UserFactory
from habiter.people.tests.factories import make_household
from habiter.reception import services
from habiter.reception.models import DeskVisit, Enrolment, Workshop, WorkshopSession

from .factories import make_session

pytestmark = pytest.mark.django_db

NEW_VISIT = reverse("reception:desk_visit_create")
VISITS = reverse("reception:desk_visit_list")


def _now_field():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def test_a_volunteer_notes_an_anonymous_visit_and_gets_a_blank_form_again(client, world):
    client.force_login(world.users["volunteer"])
    home = client.get(reverse("core:home")).content.decode()
    assert "Noter un passage" in home and "Accueil du public" in home
    form = client.get(NEW_VISIT).content.decode()
    assert 'name="topics"' in form and 'id="id_age_bracket_4" checked' in form
    assert 'name="present_professional"' in form  # W24: the volunteer names the professional present
    alone = client.post(NEW_VISIT, {"topics": ["housing_search"], "visited_at": _now_field()})
    refusal = "Indiquez le ou la professionnel·le présent·e à l&#x27;accueil (charte du bénévole)."
    assert refusal in alone.content.decode()
    assert not DeskVisit.objects.exists()
    professional = world.users["receptionist"]
    response = client.post(
        NEW_VISIT,
        {"topics": ["housing_search"], "visited_at": _now_field(), "present_professional": professional.pk},
        follow=True,
    )
    assert response.redirect_chain == [(NEW_VISIT, 302)]
    page = response.content.decode()
    assert "Passage enregistré (1 aujourd&#x27;hui)" in page
    assert 'value="housing_search" id="id_topics_0" checked' not in page  # a blank form for the next visitor
    assert f'<option value="{professional.pk}" selected>' in page  # the professional stays for the next visitor
    visit = DeskVisit.objects.get()
    assert visit.anonymous and visit.recorded_by == world.users["volunteer"] and visit.sex == "unspecified"
    assert visit.present_professional == professional
    listing = client.get(VISITS).content.decode()
    assert f"avec {professional}" in listing


def test_staff_have_no_professional_to_name(client, world):
    client.force_login(world.users["receptionist"])
    assert 'name="present_professional"' not in client.get(NEW_VISIT).content.decode()


def test_errors_are_in_french_and_nothing_is_half_saved(client, world):
    client.force_login(world.users["receptionist"])
    response = client.post(
        NEW_VISIT,
        {
            "postcode": "13",
            "information_given": "Demande de logement social expliquée.",
            "visited_at": "demain",
            "referral_worker": world.outsider.pk,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cochez au moins un motif de venue." in page
    assert "Le code postal doit comporter 5 chiffres (ex. 13001)." in page
    assert "Date et heure invalides : jj/mm/aaaa hh:mm attendu." in page
    assert "Sélectionnez un choix valide" in page  # the worker of another organisation
    assert "Demande de logement social expliquée." in page  # what was typed is kept
    assert not DeskVisit.objects.exists()


@pytest.mark.parametrize("household", ["other_team_household", "other_org_household", "malformed"])
def test_a_household_out_of_the_search_scope_is_a_french_form_error(client, world, household):
    client.force_login(world.users["social_worker"])
    value = "pas-un-identifiant" if household == "malformed" else getattr(world, household).pk
    response = client.post(NEW_VISIT, {"topics": ["other"], "visited_at": _now_field(), "household": value})
    assert response.status_code == 200
    assert "Ce ménage est introuvable" in response.content.decode()
    assert not DeskVisit.objects.exists()


def test_reception_finds_a_household_then_links_the_visit(client, world):
    client.force_login(world.users["receptionist"])
    found = client.get(NEW_VISIT, {"household_q": "dupont"}).content.decode()
    assert f'value="{world.other_team_household.pk}"' in found and "Martin" not in found.split("household-choices")[1]
    fragment = client.get(NEW_VISIT, {"household_q": "dupont"}, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="household-choices"') and "<html" not in fragment
    assert "Aucun ménage ne correspond" in client.get(NEW_VISIT, {"household_q": "zzz"}).content.decode()
    response = client.post(
        NEW_VISIT,
        {"topics": ["rent_arrears"], "visited_at": _now_field(), "household": world.other_team_household.pk},
    )
    assert response.status_code == 302
    assert DeskVisit.objects.get().household == world.other_team_household


def test_a_linked_visit_is_on_the_household_timeline(client, world):
    services.desk_visit_record(
        actor=world.users["volunteer"],
        present_professional_id=world.users["receptionist"].pk,
        topics=["eviction_threat", "rights_benefits"],
        household_id=world.own_household.pk,
        information_given="Commandement de payer reçu.",
        referral_partner="ADIL 13",
    )
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Passage à l&#x27;accueil : Menace d&#x27;expulsion, Droits et aides (CAF, APL, FSL…)" in page
    assert "Commandement de payer reçu." in page and "Orientation : ADIL 13" in page
    only = client.get(reverse("people:household_detail", args=[world.own_household.pk]), {"type": "note"})
    assert "Commandement de payer reçu." not in only.content.decode()


def test_the_list_shows_the_days_visits_of_the_organisation_only(client, world):
    volunteer = world.users["volunteer"]
    with_professional = {"present_professional_id": world.users["receptionist"].pk}
    services.desk_visit_record(
        actor=volunteer, topics=["energy"], information_given="Chèque énergie expliqué.", **with_professional
    )
    services.desk_visit_record(
        actor=volunteer,
        **with_professional,
        topics=["other"],
        information_given="Passage d'hier.",
        visited_at=timezone.now() - timedelta(days=1),
    )
    services.desk_visit_record(
        actor=world.users["receptionist"], topics=["energy"], household_id=world.own_household.pk
    )
    services.desk_visit_record(actor=world.outsider, topics=["energy"], information_given="Autre association.")
    client.force_login(volunteer)
    page = client.get(VISITS).content.decode()
    assert "Chèque énergie expliqué." in page and "Passage d&#x27;hier." not in page
    assert "Autre association." not in page
    assert "2 passages, dont 1 anonymes." in page or "2 passages, dont 1 anonyme" in page
    assert "Lefèvre" in page
    assert reverse("people:household_detail", args=[world.own_household.pk]) not in page  # a volunteer never opens it
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = client.get(VISITS, {"date": yesterday}).content.decode()
    assert "Passage d&#x27;hier." in page and "Chèque énergie expliqué." not in page
    assert "Date invalide" in client.get(VISITS, {"date": "hier"}).content.decode()
    client.force_login(world.users["social_worker"])
    assert reverse("people:household_detail", args=[world.own_household.pk]) in client.get(VISITS).content.decode()


def test_the_list_queries_do_not_grow_with_visits(client, world):
    receptionist = world.users["receptionist"]
    client.force_login(receptionist)

    def add(n):
        for index in range(n):
            services.desk_visit_record(
                actor=receptionist,
                topics=["housing_search"],
                household_id=world.own_household.pk if index % 2 else None,
                referral_worker_id=world.users["social_worker"].pk,
            )

    add(2)
    client.get(VISITS)  # the first request of a session also saves the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(VISITS).status_code == 200
    add(12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(VISITS).status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["rental_manager", "accountant", "technician", "host"])
def test_other_roles_do_not_see_the_reception(client, world, role):
    client.force_login(world.users[role])
    assert client.get(NEW_VISIT).status_code == 404
    assert client.get(VISITS).status_code == 404
    assert "Accueil du public" not in client.get(reverse("core:home")).content.decode()


# --- workshops ----------------------------------------------------------------------------------------


def test_receptionist_creates_a_workshop_and_a_session_then_enrols_and_a_volunteer_takes_attendance(client, world):
    receptionist = world.users["receptionist"]
    client.force_login(receptionist)
    response = client.post(
        reverse("reception:workshop_create"), {"title": "Recherche active", "theme": "housing_search"}
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("reception:session_create", args=[workshop.pk])
    starts = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        reverse("reception:session_create", args=[workshop.pk]),
        {"starts_at": starts, "place": "Salle", "facilitator": receptionist.pk, "capacity": "0"},
    )
    assert "indiquez une capacité d&#x27;au moins 1" in bad.content.decode()
    volunteer_alone = {
        "starts_at": starts,
        "place": "Salle collective",
        "facilitator": world.users["volunteer"].pk,
        "capacity": "1",
    }
    alone = client.post(reverse("reception:session_create", args=[workshop.pk]), volunteer_alone)
    assert alone.status_code == 200 and not WorkshopSession.objects.exists()
    assert "Un·e bénévole n&#x27;anime pas seul·e (charte du bénévole)" in alone.content.decode()
    response = client.post(
        reverse("reception:session_create", args=[workshop.pk]),
        volunteer_alone | {"present_professional": receptionist.pk},
    )
    session = WorkshopSession.objects.get()
    assert session.present_professional == receptionist
    url = reverse("reception:session_detail", args=[session.pk])
    assert response["Location"] == url
    found = client.get(url, {"q": "lefevre"}).content.decode()
    assert "Inscrire" in found and f'value="{world.own_household.pk}"' in found
    enrol = reverse("reception:enrolment_add", args=[session.pk])
    assert client.post(enrol, {"household": world.own_household.pk}).status_code == 302
    full = client.post(enrol, {"household": world.other_team_household.pk})
    assert full.status_code == 200
    assert "Cette séance est complète : elle compte 1 place, toutes prises." in full.content.decode()
    assert client.post(enrol, {"household": world.other_org_household.pk}).status_code == 200
    assert Enrolment.objects.count() == 1

    client.force_login(world.users["volunteer"])
    page = client.get(url).content.decode()
    assert "Cochez les personnes présentes" in page and "Inscrire un ménage" not in page
    enrolment = Enrolment.objects.get()
    response = client.post(reverse("reception:attendance_take", args=[session.pk]), {"present": [enrolment.pk]})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.attended is True
    assert client.post(enrol, {"household": world.other_team_household.pk}).status_code == 404  # volunteers don't enrol

    client.force_login(world.users["social_worker"])
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Atelier « Recherche active » : présent·e" in page


def test_an_absence_and_a_pending_enrolment_on_the_timeline(client, world):
    worker = world.users["social_worker"]
    past = make_session(worker, title="Budget")
    future = make_session(worker, title="Énergie", starts_at=timezone.now() + timedelta(days=3))
    services.enrolment_add(actor=worker, session_id=past.pk, household_id=world.own_household.pk)
    services.enrolment_add(actor=worker, session_id=future.pk, household_id=world.own_household.pk)
    services.attendance_take(actor=worker, session_id=past.pk, present_ids=[])
    client.force_login(worker)
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Atelier « Budget » : absent·e" in page
    assert "Inscription à l&#x27;atelier « Énergie » du" in page
    future_page = client.get(reverse("reception:session_detail", args=[future.pk])).content.decode()
    assert "Cochez les personnes présentes" not in future_page  # not before the day of the session


def test_an_attendance_form_with_a_foreign_enrolment_saves_nothing(client, world):
    receptionist = world.users["receptionist"]
    session = make_session(receptionist)
    other = make_session(receptionist, title="Autre")
    mine = services.enrolment_add(actor=receptionist, session_id=session.pk, household_id=world.own_household.pk)
    foreign = services.enrolment_add(actor=receptionist, session_id=other.pk, household_id=world.own_household.pk)
    client.force_login(receptionist)
    response = client.post(reverse("reception:attendance_take", args=[session.pk]), {"present": [mine.pk, foreign.pk]})
    assert response.status_code == 200
    assert "Une personne cochée n&#x27;est pas inscrite à cette séance." in response.content.decode()
    mine.refresh_from_db()
    assert mine.attended is None


def test_sessions_and_workshops_of_another_organisation_are_not_found(client, world):
    foreign_director = UserFactory(organisation=world.other_organisation, role="director")
    foreign = make_session(foreign_director)
    for role in ("director", "receptionist", "volunteer"):
        client.force_login(world.users[role])
        assert client.get(reverse("reception:session_detail", args=[foreign.pk])).status_code == 404
        assert client.get(reverse("reception:session_create", args=[foreign.workshop_id])).status_code == 404
        assert client.post(reverse("reception:attendance_take", args=[foreign.pk]), {"present": []}).status_code == 404
        assert foreign.workshop.title not in client.get(reverse("reception:workshop_list")).content.decode()


def test_the_session_page_queries_do_not_grow_with_enrolments(client, world):
    receptionist = world.users["receptionist"]
    session = make_session(receptionist, capacity=30)
    client.force_login(receptionist)
    url = reverse("reception:session_detail", args=[session.pk])

    def enrol(n, start):
        for index in range(start, start + n):
            household = make_household(world.users["social_worker"], name=f"Ménage{index:02d}")
            services.enrolment_add(actor=receptionist, session_id=session.pk, household_id=household.pk)

    enrol(2, 0)
    client.get(url)  # the first request of a session also saves the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"q": "menage"}).status_code == 200
    enrol(8, 2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"q": "menage"}).status_code == 200
    assert len(many) == len(few)


def test_the_workshop_list_queries_do_not_grow_with_sessions(client, world):
    director = world.users["director"]
    client.force_login(director)
    make_session(director)
    client.get(reverse("reception:workshop_list"))  # the first request of a session also saves the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("reception:workshop_list")).status_code == 200
    for index in range(4):
        make_session(director, title=f"Atelier {index}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("reception:workshop_list")).status_code == 200
    assert len(many) == len(few)


def test_desk_visits_through_the_api(client, world):
    import json

    from habiter.core.services import api_token_create

    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=world.users['volunteer'], name='t')[1]}"}
    created = client.post(
        "/api/v1/reception/visits",
        data=json.dumps({"topics": ["rent_arrears"], "postcode": "13003"}),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 400 and "present_professional" in str(created.json()["detail"])  # W24
    professional = str(world.users["receptionist"].pk)
    created = client.post(
        "/api/v1/reception/visits",
        data=json.dumps(
            {
                "topics": ["rent_arrears"],
                "postcode": "13003",
                "information_given": "Orienté vers l'ADIL.",
                "present_professional_id": professional,
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    assert created.json()["present_professional_id"] == professional
    listing = client.get("/api/v1/reception/visits", **headers).json()
    assert listing["count"] == 1 and listing["items"][0]["topics"] == ["rent_arrears"]
    bad = client.post(
        "/api/v1/reception/visits",
        data=json.dumps({"topics": ["rent_arrears"], "postcode": "ABC"}),
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and "detail" in bad.json()
    accountant = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=world.users['accountant'], name='t')[1]}"}
    assert client.get("/api/v1/reception/visits", **accountant).status_code == 403


def test_a_facilitated_session_shows_in_the_week_and_the_calendar_feed(client, world):
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from habiter.reception import services as reception_services

    worker = world.users["social_worker"]
    lead = world.users["team_lead"]
    workshop = reception_services.workshop_create(actor=lead, title="Recherche de logement", theme="housing_search")
    day = timezone.localdate() + timedelta(days=1)
    reception_services.workshop_session_create(
        actor=lead,
        workshop_id=workshop.pk,
        starts_at=timezone.make_aware(datetime.combine(day, time(14, 0))),
        place="Salle 1",
        facilitator_id=worker.pk,
        capacity=8,
    )
    client.force_login(worker)
    week = client.get(reverse("support:calendar"), {"semaine": day.isoformat()}).content.decode()
    assert "Atelier : Recherche de logement" in week and "Salle 1" in week
    page = client.post(reverse("support:calendar_feed")).content.decode()
    path = page.split('<code class="secret">')[1].split("</code>")[0].split("testserver", 1)[1]
    client.logout()
    feed = client.get(path).content.decode()
    assert "SUMMARY:Atelier : Recherche de logement" in feed and "LOCATION:Salle 1" in feed
    client.force_login(lead)
    assert (
        "Recherche de logement"
        not in client.get(reverse("support:calendar"), {"semaine": day.isoformat()}).content.decode()
    )
