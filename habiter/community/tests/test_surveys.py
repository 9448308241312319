"""Surveys: questions, answers typed in by staff or given through the link without an account, results as counts
and free answers, the XLSX export; the checks (required, scale, choice), rights and hostile text."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from habiter.community import queries, surveys
from habiter.community.models import Survey, SurveyAnswer, SurveyResponse
from habiter.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def survey(director):
    survey = surveys.survey_create(
        actor=director,
        data={
            "title": "Enquête propriétaires 2026",
            "audience": "owners",
            "anonymous": True,
            "opens_on": date(2026, 6, 1),
            "closes_on": date(2026, 6, 30),
        },
    )
    surveys.question_add(
        actor=director,
        survey_id=survey.pk,
        data={"text": "Satisfait de la gestion ?", "kind": "scale", "required": True},
    )
    surveys.question_add(
        actor=director,
        survey_id=survey.pk,
        data={"text": "Relouerez-vous par l'association ?", "kind": "choice", "options": "Oui\nNon\nNe sait pas"},
    )
    surveys.question_add(actor=director, survey_id=survey.pk, data={"text": "Remarques", "kind": "text"})
    return survey


def _ids(survey):
    scale, choice, text = survey.questions.order_by("position")
    return str(scale.pk), str(choice.pk), str(text.pk)


def test_results_count_each_answer_and_average_the_scale(world, survey):
    worker = world.users["rental_manager"]
    scale, choice, text = _ids(survey)
    given = [("5", "Oui", "Très bien suivi"), ("4", "Oui", ""), ("4", "Ne sait pas", ""), ("2", "Non", "Trop lent")]
    for note, again, remark in given:
        surveys.response_record(actor=worker, survey_id=survey.pk, answers={scale: note, choice: again, text: remark})
    responses, results = queries.survey_results(queries.survey_for_page(worker, survey.pk))
    assert responses == 4
    # Scale: 1 ×0, 2 ×1, 3 ×0, 4 ×2, 5 ×1 of 4 → 0, 25, 0, 50, 25 %; mean (2 + 4 + 4 + 5) / 4 = 3.75 → 3.8.
    assert results[0].counts == [("1", 0, 0), ("2", 1, 25), ("3", 0, 0), ("4", 2, 50), ("5", 1, 25)]
    assert results[0].mean == Decimal("3.8")
    # Choice: Oui 2, Non 1, Ne sait pas 1 → 50, 25, 25 %.
    assert results[1].counts == [("Oui", 2, 50), ("Non", 1, 25), ("Ne sait pas", 1, 25)]
    # Free text: the two given (by day of answer); an empty one is not an answer.
    assert sorted(results[2].texts) == ["Trop lent", "Très bien suivi"] and results[2].answered == 2
    assert AuditEvent.objects.filter(action="survey.answer").count() == 4


def test_a_wrong_answer_saves_nothing(world, survey):
    worker = world.users["social_worker"]
    scale, choice, text = _ids(survey)
    for answers in (
        {scale: "6"},  # off the scale
        {scale: "3", choice: "Peut-être"},  # not an option
        {choice: "Oui"},  # the required question left empty
        {scale: "", choice: "", text: ""},  # nothing at all
        {scale: "3", text: "x" * 2001},  # too long
    ):
        with pytest.raises(ValidationError):
            surveys.response_record(actor=worker, survey_id=survey.pk, answers=answers)
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()


def test_questions_are_frozen_once_answered_and_only_directors_write_them(world, director, survey):
    scale, _choice, _text = _ids(survey)
    with pytest.raises(PermissionDenied):
        surveys.question_add(
            actor=world.users["social_worker"], survey_id=survey.pk, data={"text": "Q", "kind": "text"}
        )
    with pytest.raises(ValidationError):  # a choice needs two options
        surveys.question_add(
            actor=director, survey_id=survey.pk, data={"text": "Q", "kind": "choice", "options": "Oui"}
        )
    surveys.response_record(actor=director, survey_id=survey.pk, answers={scale: "3"})
    with pytest.raises(ValidationError):
        surveys.question_add(actor=director, survey_id=survey.pk, data={"text": "Encore une", "kind": "text"})
    assert survey.questions.count() == 3
    with pytest.raises(PermissionDenied):  # volunteers see no survey
        surveys.response_record(actor=world.users["volunteer"], survey_id=survey.pk, answers={scale: "3"})


def test_an_anonymous_survey_keeps_no_name_and_a_closed_one_takes_no_answer(world, director, survey):
    scale, _choice, _text = _ids(survey)
    response = surveys.response_submit_by_link(link_key=survey.link_key, answers={scale: "5"}, respondent="M. Durand")
    assert response.respondent == "" and response.recorded_by is None and response.channel == "link"
    with time_machine.travel(date(2026, 7, 1), tick=False):
        with pytest.raises(Survey.DoesNotExist):
            surveys.response_submit_by_link(link_key=survey.link_key, answers={scale: "5"})
        with pytest.raises(ValidationError):
            surveys.response_record(actor=director, survey_id=survey.pk, answers={scale: "5"})
    named = surveys.survey_create(
        actor=director, data={"title": "Atelier cuisine", "audience": "workshop", "opens_on": date(2026, 6, 1)}
    )
    assert named.anonymous is False  # unticked box
    question = surveys.question_add(actor=director, survey_id=named.pk, data={"text": "Bien ?", "kind": "scale"})
    kept = surveys.response_record(
        actor=director, survey_id=named.pk, answers={str(question.pk): "4"}, respondent="Mme Martin"
    )
    assert kept.respondent == "Mme Martin"


def test_answering_by_link_needs_no_account_and_escapes_what_is_typed(survey):
    scale, choice, text = _ids(survey)
    anonymous = Client()
    url = reverse("community:survey_answer", args=[survey.link_key])
    page = anonymous.get(url)
    assert page.status_code == 200 and "Satisfait de la gestion ?" in page.content.decode()
    hostile = "<img src=x onerror=alert(1)>"
    response = anonymous.post(url, {f"q_{scale}": "", f"q_{choice}": "Oui"})  # the required one missing
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    assert not SurveyResponse.objects.exists()
    response = anonymous.post(url, {f"q_{scale}": "4", f"q_{choice}": "Oui", f"q_{text}": hostile})
    assert response.status_code == 302 and response["Location"].endswith("/merci/")
    assert anonymous.get(response["Location"]).status_code == 200
    assert SurveyAnswer.objects.filter(value=hostile).exists()
    assert Client().get(reverse("community:survey_answer", args=["cle-inconnue"])).status_code == 404


def test_the_results_page_and_its_workbook(world, director, survey):
    scale, choice, text = _ids(survey)
    surveys.response_record(actor=director, survey_id=survey.pk, answers={scale: "5", text: "<b>Merci</b>"})
    surveys.response_record(actor=director, survey_id=survey.pk, answers={scale: "3", choice: "Non"})
    client = Client()
    client.force_login(world.users["rental_manager"])
    page = client.get(reverse("community:survey_detail", args=[survey.pk])).content.decode()
    assert "2 réponses" in page and "moyenne 4,0 sur 5" in page
    assert "&lt;b&gt;Merci&lt;/b&gt;" in page and "<b>Merci</b>" not in page
    assert survey.link_key in page
    export = client.get(reverse("community:survey_xlsx", args=[survey.pk]))
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["Résultats", "Réponses libres", "Par réponse"]
    rows = list(book["Résultats"].iter_rows(values_only=True))
    assert ("Satisfait de la gestion ?", "5", 1, 50) in rows and (
        "Satisfait de la gestion ?",
        "Moyenne",
        4.0,
        None,
    ) in rows
    assert list(book["Réponses libres"].iter_rows(values_only=True))[1] == ("Remarques", "<b>Merci</b>")
    by_response = list(book["Par réponse"].iter_rows(values_only=True))
    assert "Nom" not in by_response[0] and len(by_response) == 3  # anonymous: no name column
    assert not any(isinstance(cell, str) and cell.startswith("=") for row in rows for cell in row)


def test_the_results_are_read_in_a_constant_number_of_queries(world, director, survey, django_assert_max_num_queries):
    scale, _choice, _text = _ids(survey)
    for note in "12345" * 4:
        surveys.response_record(actor=director, survey_id=survey.pk, answers={scale: note})
    # The survey, its questions, the answers' values, the count of responses: four, whatever the answers.
    with django_assert_max_num_queries(4):
        queries.survey_results(queries.survey_for_page(director, survey.pk))
