"""The grading of the association's strategic objectives: the project's scale (A–E) as a pure rule, the services
that record the answers, and the pages that show the grades."""

from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from habiter.community import objective_links, rules, services, survey_views
from habiter.community.models import GradingCampaign, ObjectiveAnswer, StrategicProject
from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory

from .factories import answer, make_campaign, make_project

A, N, S = "achieved", "not_achieved", "shared"

# (achieved, not achieved, shared) → grade, computed by hand; shares are over everyone who answered.
GRADE_TABLE = [
    ((0, 0, 0), ""),  # nobody answered
    ((2, 1, 0), "A"),  # exactly two in three achieved
    ((4, 2, 0), "A"),
    ((6, 0, 3), "A"),  # 6/9 = 2/3 exactly, the rest shared
    ((7, 0, 3), "A"),
    ((1, 0, 0), "A"),
    ((3, 2, 0), "B"),  # 60 % achieved, under 2/3
    ((3, 2, 1), "B"),  # exactly 50 % achieved
    ((2, 1, 1), "B"),  # exactly 50 % achieved
    ((1, 0, 1), "B"),
    ((6, 0, 4), "B"),  # 60 %
    ((5, 1, 4), "B"),  # exactly 50 %
    ((1, 1, 0), "C"),  # half and half: both B and D would hold
    ((3, 3, 0), "C"),
    ((1, 1, 1), "C"),  # a third each
    ((2, 2, 1), "C"),  # 40 % and 40 %
    ((0, 0, 3), "C"),  # all shared
    ((1, 2, 1), "D"),  # exactly 50 % not achieved
    ((0, 1, 1), "D"),
    ((2, 3, 0), "D"),  # 60 % not achieved
    ((1, 2, 0), "E"),  # exactly two in three not achieved
    ((2, 4, 0), "E"),
    ((0, 6, 3), "E"),
    ((0, 1, 0), "E"),
]


@pytest.mark.parametrize(("counts", "grade"), GRADE_TABLE)
def test_objective_grade_at_the_boundaries(counts, grade):
    assert rules.objective_grade(*counts) == grade


def test_objective_grade_is_symmetric_between_achieved_and_not_achieved():
    mirror = dict(zip("ABCDE", "EDCBA", strict=True)) | {"": ""}
    for a in range(8):
        for n in range(8):
            for s in range(5):
                assert rules.objective_grade(n, a, s) == mirror[rules.objective_grade(a, n, s)], (a, n, s)


def _reference_grade(achieved, not_achieved, shared):
    """The scale read literally with exact fractions: a second writing of the rule to compare with."""
    total = achieved + not_achieved + shared
    if not total:
        return ""
    yes, no = Fraction(achieved, total), Fraction(not_achieved, total)
    if yes == no == Fraction(1, 2):
        return "C"
    if yes >= Fraction(2, 3):
        return "A"
    if yes >= Fraction(1, 2):
        return "B"
    if no >= Fraction(2, 3):
        return "E"
    if no >= Fraction(1, 2):
        return "D"
    return "C"


@given(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400))
def test_objective_grade_agrees_with_the_scale_in_fractions(achieved, not_achieved, shared):
    assert rules.objective_grade(achieved, not_achieved, shared) == _reference_grade(achieved, not_achieved, shared)


def test_percent_is_whole_half_up():
    assert rules.percent(2, 3) == 67
    assert rules.percent(1, 3) == 33
    assert rules.percent(1, 8) == 13  # 12.5 → 13
    assert rules.percent(0, 0) == 0


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def project(director):
    return make_project(director)


@pytest.mark.django_db
def test_a_director_builds_the_project_and_every_step_is_audited(director):
    project = make_project(director)
    axis = services.axis_add(actor=director, project_id=project.pk, title="Personnaliser l'accompagnement")
    fourth = services.objective_add(actor=director, project_id=project.pk, title="Quatrième", axis_id=axis.pk)
    assert [o.position for o in project.objectives.all()] == [1, 2, 3, 4]
    assert fourth.axis == axis
    campaign = make_campaign(director, project)
    assert campaign.anonymous and campaign.is_open
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"project.create", "project_axis.add", "objective.add", "grading_campaign.create"} <= actions


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["team_lead", "social_worker", "volunteer", "host", "accountant"])
def test_only_a_director_manages_the_project_and_the_campaigns(world, project, role):
    user = world.users[role]
    with pytest.raises(PermissionDenied):
        services.project_create(actor=user, title="Autre", start_year=2024, end_year=2028)
    with pytest.raises(PermissionDenied):
        services.objective_add(actor=user, project_id=project.pk, title="Autre")
    with pytest.raises(PermissionDenied):
        make_campaign(user, project)
    campaign = make_campaign(world.users["director"], project)
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=user, campaign_id=campaign.pk)
    assert StrategicProject.objects.count() == 1


@pytest.mark.django_db
def test_staff_type_answers_a_volunteer_may_not(world, director, project):
    campaign = make_campaign(director, project)
    answer(world.users["social_worker"], campaign, A, N, S, category="person")
    answer(world.users["receptionist"], campaign, A, A, A, category="partner")
    with pytest.raises(PermissionDenied):
        answer(world.users["volunteer"], campaign, A, A, A)
    assert ObjectiveAnswer.objects.filter(campaign=campaign).count() == 6
    assert ObjectiveAnswer.objects.filter(campaign=campaign).values("sheet").distinct().count() == 2


@pytest.mark.django_db
def test_another_organisation_reaches_nothing(world, director, project):
    campaign = make_campaign(director, project)
    foreign = UserFactory(organisation=world.other_organisation, role="director")
    with pytest.raises(StrategicProject.DoesNotExist):
        services.objective_add(actor=foreign, project_id=project.pk, title="Intrus")
    with pytest.raises(StrategicProject.DoesNotExist):
        make_campaign(foreign, project)
    with pytest.raises(GradingCampaign.DoesNotExist):
        answer(foreign, campaign, A, A, A)
    with pytest.raises(GradingCampaign.DoesNotExist):
        services.campaign_close(actor=foreign, campaign_id=campaign.pk)


@pytest.mark.django_db
def test_every_objective_needs_a_view_and_a_name_only_when_not_anonymous(director, project):
    anonymous = make_campaign(director, project)
    with pytest.raises(ValidationError, match="Donnez un avis pour chaque objectif"):
        services.answers_record(
            actor=director,
            campaign_id=anonymous.pk,
            category="staff",
            values={project.objectives.first().pk: A},
        )
    with pytest.raises(ValidationError, match="anonyme"):
        answer(director, anonymous, A, A, A, name="Mme Vidal")
    named = make_campaign(director, project, title="Comité", anonymous=False)
    answer(director, named, A, A, A, name="Mme Vidal", category="volunteer")
    assert set(named.answers.values_list("participant_name", flat=True)) == {"Mme Vidal"}
    assert not ObjectiveAnswer.objects.filter(campaign=anonymous).exists()


@pytest.mark.django_db
def test_a_closed_campaign_refuses_answers_and_new_objectives(director, project):
    campaign = make_campaign(director, project)
    answer(director, campaign, A, A, A)
    services.campaign_close(actor=director, campaign_id=campaign.pk)
    with pytest.raises(ValidationError, match="close"):
        answer(director, campaign, N, N, N)
    with pytest.raises(ValidationError, match="close"):
        services.campaign_close(actor=director, campaign_id=campaign.pk)
    with pytest.raises(ValidationError, match="close"):
        services.objective_add(actor=director, project_id=project.pk, title="Tardif")
    assert AuditEvent.objects.filter(action="grading_campaign.close").count() == 1


@pytest.mark.django_db
def test_a_campaign_needs_objectives(director):
    project = make_project(director, titles=())
    with pytest.raises(ValidationError, match="objectifs"):
        make_campaign(director, project)


# --- pages -------------------------------------------------------------------------------------------------------


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html, url
    return html


@pytest.mark.django_db
def test_the_campaign_page_shows_the_grades_a_c_and_e_with_their_shares(client, world, director, project):
    campaign = make_campaign(director, project)
    answer(director, campaign, A, A, N)
    answer(director, campaign, A, S, N)
    answer(director, campaign, N, N, A)
    # objective 1: 2 A / 1 N → A (exactly 2/3); objective 2: 1 A, 1 N, 1 S → C; objective 3: 2 N / 1 A → E
    client.force_login(world.users["team_lead"])
    html = _page(client, reverse("community:campaign_detail", args=[campaign.pk]))
    assert 'data-objective="1">A<' in html
    assert 'data-objective="2">C<' in html
    assert 'data-objective="3">E<' in html
    assert "2&nbsp;(67&nbsp;%)" in html
    assert "3 participants ont répondu." in html
    detail = _page(client, reverse("community:project_detail", args=[project.pk]))
    assert "Cotes par objectif et par campagne" in detail
    assert "67 % atteint, 0 % partagé, 33 % non atteint" in detail


@pytest.mark.django_db
def test_answers_are_typed_on_one_form_per_participant(client, world, director, project):
    campaign = make_campaign(director, project)
    objectives = list(project.objectives.all())
    client.force_login(world.users["social_worker"])
    url = reverse("community:answer_record", args=[campaign.pk])
    html = _page(client, url)
    assert "Nom du participant" not in html  # anonymous campaign
    data = {"category": "person"} | {f"o_{o.pk}": S for o in objectives}
    response = client.post(url, data)
    assert response.status_code == 302
    assert ObjectiveAnswer.objects.filter(campaign=campaign, value=S, category="person").count() == 3
    response = client.post(url, {"category": "person", f"o_{objectives[0].pk}": A})
    assert response.status_code == 200
    assert ObjectiveAnswer.objects.filter(campaign=campaign).count() == 3


@pytest.mark.django_db
def test_closing_a_campaign_asks_for_a_confirmation(client, world, director, project):
    campaign = make_campaign(director, project)
    client.force_login(director)
    url = reverse("community:campaign_close", args=[campaign.pk])
    _page(client, url)
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Clore la campagne" in response.content.decode()
    assert GradingCampaign.objects.get(pk=campaign.pk).is_open
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not GradingCampaign.objects.get(pk=campaign.pk).is_open
    answer_url = reverse("community:answer_record", args=[campaign.pk])
    assert client.get(answer_url).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["volunteer", "accountant", "lawyer"])
def test_other_roles_and_other_organisations_get_404(client, world, director, project, role):
    campaign = make_campaign(director, project)
    client.force_login(world.users[role])
    for url in (
        reverse("community:project_list"),
        reverse("community:project_detail", args=[project.pk]),
        reverse("community:campaign_detail", args=[campaign.pk]),
        reverse("community:answer_record", args=[campaign.pk]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(UserFactory(organisation=world.other_organisation, role="director"))
    assert client.get(reverse("community:project_detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("community:campaign_close", args=[campaign.pk])).status_code == 404


@pytest.mark.django_db
def test_a_director_creates_the_project_then_its_objectives_and_a_campaign_by_the_pages(client, world, director):
    client.force_login(director)
    response = client.post(
        reverse("community:project_create"), {"title": "Projet associatif", "start_year": "2024", "end_year": "2028"}
    )
    project = StrategicProject.objects.get()
    assert response.url == reverse("community:project_detail", args=[project.pk])
    client.post(reverse("community:axis_add", args=[project.pk]), {"title": "Un axe"})
    axis = project.axes.get()
    client.post(reverse("community:objective_add", args=[project.pk]), {"title": "Un objectif", "axis": axis.pk})
    assert project.objectives.get().axis == axis
    response = client.post(
        reverse("community:campaign_create", args=[project.pk]),
        {"title": "Séminaire", "held_on": "2026-06-12", "anonymous": "on"},
    )
    campaign = GradingCampaign.objects.get()
    assert response.url == reverse("community:campaign_detail", args=[campaign.pk])
    bad = client.post(
        reverse("community:project_create"), {"title": "À l'envers", "start_year": "2028", "end_year": "2024"}
    )
    assert "ne peut pas précéder" in bad.content.decode()


@pytest.mark.django_db
def test_the_project_and_campaign_pages_cost_the_same_queries_whatever_the_answers(client, world, director, project):
    campaign = make_campaign(director, project)
    answer(director, campaign, A, N, S)
    client.force_login(director)
    urls = (
        reverse("community:project_list"),
        reverse("community:project_detail", args=[project.pk]),
        reverse("community:campaign_detail", args=[campaign.pk]),
    )

    def costs():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                _page(client, url)
            counts.append(len(captured))
        return counts

    costs()
    before = costs()
    for _ in range(5):
        answer(director, campaign, N, S, A)
    second = make_campaign(director, project, title="Bilan")
    answer(director, second, A, A, A)
    make_project(director, titles=("Autre",), start_year=2029, end_year=2033)
    after = costs()
    assert after[0] == before[0] and after[2] == before[2]
    assert after[1] == before[1]  # one more campaign, the same queries


# --- two campaigns compared --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_page_compares_the_grades_of_two_campaigns_side_by_side(client, world, director, project):
    first = make_campaign(director, project, title="Séminaire 2025")
    for sheet in ((A, A, N), (A, S, N), (N, N, A)):  # 2 A 1 N → A; 1 A 1 S 1 N → C; 1 A 2 N → E
        answer(director, first, *sheet)
    second = make_campaign(director, project, title="Bilan 2026")
    for sheet in ((N, A, A), (N, A, S), (A, N, S), (S, A, A)):  # 1 A 2 N 1 S → D; 3 A 1 N → A; 2 A 2 S → B
        answer(director, second, *sheet)
    client.force_login(world.users["social_worker"])
    html = _page(client, reverse("community:project_detail", args=[project.pk]))
    flat = " ".join(html.split())
    grades = {
        (number, campaign.pk): grade
        for campaign, row in ((first, "ACE"), (second, "DAB"))
        for number, grade in enumerate(row, start=1)
    }
    for (number, campaign_id), grade in grades.items():
        assert f'data-objective="{number}" data-campaign="{campaign_id}">{grade}<' in flat, (number, grade)
    assert "Cote de chaque objectif, campagne par campagne" in html
    assert "50 % atteint, 50 % partagé, 0 % non atteint" in html  # objective 3's bar in the second campaign
    assert "2 atteint, 2 partagé, 0 non atteint" in html  # and its data row


# --- the participants answer through the campaign's link --------------------------------------------------------


def _sheet(campaign, *values, category="person") -> dict:
    objectives = campaign.project.objectives.all()
    return {"category": category} | {f"o_{o.pk}": v for o, v in zip(objectives, values, strict=True)}


@pytest.mark.django_db
def test_only_the_director_opens_and_turns_off_the_link_and_a_new_link_has_a_new_key(world, director, project):
    campaign = make_campaign(director, project)
    with pytest.raises(PermissionDenied):
        objective_links.campaign_link_open(actor=world.users["team_lead"], campaign_id=campaign.pk)
    first_key = objective_links.campaign_link_open(actor=director, campaign_id=campaign.pk).link_key
    assert len(first_key) == 32
    with pytest.raises(ValidationError, match="déjà ouvert"):
        objective_links.campaign_link_open(actor=director, campaign_id=campaign.pk)
    objective_links.campaign_link_close(actor=director, campaign_id=campaign.pk)
    with pytest.raises(GradingCampaign.DoesNotExist):
        objective_links.answers_submit_by_link(link_key=first_key, category="staff", values={})
    second_key = objective_links.campaign_link_open(actor=director, campaign_id=campaign.pk).link_key
    assert second_key != first_key
    actions = list(AuditEvent.objects.filter(action__startswith="grading_campaign.link").values_list("action"))
    assert actions == [
        ("grading_campaign.link_open",),
        ("grading_campaign.link_close",),
        ("grading_campaign.link_open",),
    ]
    services.campaign_close(actor=director, campaign_id=campaign.pk)
    with pytest.raises(ValidationError, match="close"):
        objective_links.answers_submit_by_link(
            link_key=second_key, category="staff", values={o.pk: A for o in project.objectives.all()}
        )


@pytest.mark.django_db
def test_a_sheet_by_link_is_saved_whole_or_not_at_all_and_audited_without_an_author(world, director, project):
    campaign = objective_links.campaign_link_open(actor=director, campaign_id=make_campaign(director, project).pk)
    other = make_project(director, titles=("Ailleurs",), start_year=2029, end_year=2033)
    foreign = other.objectives.get()
    values = {o.pk: A for o in project.objectives.all()}
    with pytest.raises(ValidationError, match="pas celui de ce projet"):
        objective_links.answers_submit_by_link(
            link_key=campaign.link_key, category="person", values=values | {foreign.pk: N}
        )
    with pytest.raises(ValidationError, match="anonyme"):
        objective_links.answers_submit_by_link(
            link_key=campaign.link_key, category="person", values=values, participant_name="Mme Vidal"
        )
    assert not ObjectiveAnswer.objects.exists()
    objective_links.answers_submit_by_link(link_key=campaign.link_key, category="volunteer", values=values)
    assert set(ObjectiveAnswer.objects.values_list("by_link", "category")) == {(True, "volunteer")}
    event = AuditEvent.objects.get(action="grading_campaign.answer_by_link")
    assert event.actor is None and event.organisation_id == director.organisation_id
    assert event.detail == {"category": "volunteer"}


@pytest.mark.django_db
def test_a_participant_answers_by_link_without_an_account_and_the_director_sees_the_link(
    client, world, director, project
):
    campaign = make_campaign(director, project)
    director_client = Client()
    director_client.force_login(director)
    detail = reverse("community:campaign_detail", args=[campaign.pk])
    response = director_client.post(reverse("community:campaign_link", args=[campaign.pk]), {"action": "open"})
    assert response.status_code == 302
    key = GradingCampaign.objects.get(pk=campaign.pk).link_key
    url = reverse("community:campaign_answer", args=[key])

    html = _page(client, url)  # anonymous
    assert "Vous êtes" in html and "1. Faire valoir notre expertise" in html
    assert "Votre nom" not in html  # anonymous campaign
    response = client.post(url, _sheet(campaign, A, N, S))
    assert response.url == reverse("community:campaign_thanks", args=[key])
    assert "Merci !" in _page(client, response.url)
    answer(director, campaign, A, A, A)  # a sheet typed by the staff

    page = _page(director_client, detail)
    assert "2 participants ont répondu." in page and "Dont 1 par le lien." in page
    assert f"/instances/cotations/repondre/{key}/" in page
    # the participant's sheet counts like the staff's: 2 A → A; 1 A 1 N → C; 1 A 1 S → B
    assert 'data-objective="1">A<' in page and 'data-objective="2">C<' in page and 'data-objective="3">B<' in page
    director_client.logout()
    director_client.force_login(world.users["team_lead"])
    assert key not in _page(director_client, detail)  # the link is the director's to send


@pytest.mark.django_db
def test_the_link_refuses_a_wrong_key_a_forged_objective_a_closed_campaign_and_escapes_a_name(
    client, director, project, monkeypatch
):
    campaign = make_campaign(director, project, anonymous=False)
    key = objective_links.campaign_link_open(actor=director, campaign_id=campaign.pk).link_key
    assert client.get(reverse("community:campaign_answer", args=["x" + key])).status_code == 404
    assert client.get(reverse("community:campaign_thanks", args=["x" + key])).status_code == 404
    url = reverse("community:campaign_answer", args=[key])
    foreign = make_project(director, titles=("Ailleurs",), start_year=2029, end_year=2033).objectives.get()
    hostile = '<script>alert("x")</script>'
    response = client.post(url, _sheet(campaign, A, A, A) | {f"o_{foreign.pk}": A, "participant_name": hostile})
    html = response.content.decode()
    assert response.status_code == 200 and "pas celui de ce projet" in html
    assert hostile not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    monkeypatch.setattr(survey_views, "LINK_ANSWERS_PER_HOUR", 1)
    assert client.post(url, _sheet(campaign, A, A, A) | {"participant_name": hostile}).status_code == 302
    assert campaign.answers.filter(participant_name=hostile).count() == 3  # stored exactly, shown escaped
    tired = client.post(url, _sheet(campaign, N, N, N))
    assert "Trop de réponses depuis cette connexion" in tired.content.decode()
    services.campaign_close(actor=director, campaign_id=campaign.pk)
    closed = client.post(url, _sheet(campaign, N, N, N))
    assert closed.status_code == 200
    assert "Cette campagne de cotation est close : elle ne prend plus de réponses." in closed.content.decode()
    assert campaign.answers.count() == 3
