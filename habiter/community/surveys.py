"""Every write on the surveys: a survey and its questions (directors), the answers typed in by staff during an
interview or given through the survey's link without an account (the link's key is the only right needed, and only
while the survey is open). An answer is checked against its question: a required one must be given, a scale answer is
1 to 5, a choice one of the options; nothing is saved unless every answer is right."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from .models import QuestionKind, ResponseChannel, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

SCALE = ("1", "2", "3", "4", "5")


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


def _survey_of(actor, survey_id, *, lock=False) -> Survey:
    rows = Survey.objects.filter(organisation_id=actor.organisation_id)
    if lock:
        rows = rows.select_for_update()
    return rows.get(pk=survey_id)


def survey_create(*, actor, data: dict) -> Survey:
    """A new survey, with the random key of its answering link."""
    _require(actor, "community.manage_surveys")
    with transaction.atomic():
        survey = Survey(
            organisation_id=actor.organisation_id,
            link_key=secrets.token_urlsafe(24),
            title=_clean(data.get("title") or ""),
            audience=data.get("audience") or "",
            introduction=_clean(data.get("introduction") or ""),
            anonymous=bool(data.get("anonymous")),
            opens_on=data.get("opens_on"),
            closes_on=data.get("closes_on"),
        )
        survey.full_clean()
        survey.save()
        audit_record(actor=actor, action="survey.create", obj=survey, detail={"audience": survey.audience})
    return survey


def question_add(*, actor, survey_id, data: dict) -> SurveyQuestion:
    """A question at the end of the survey; a choice question needs at least two options. Refused once the survey
    has answers (the answers given would no longer match the questions)."""
    _require(actor, "community.manage_surveys")
    with transaction.atomic():
        survey = _survey_of(actor, survey_id, lock=True)
        if survey.responses.exists():
            raise ValidationError(_("L'enquête a déjà des réponses : ses questions ne changent plus."))
        question = SurveyQuestion(
            organisation_id=actor.organisation_id,
            survey=survey,
            position=survey.questions.count() + 1,
            text=_clean(data.get("text") or ""),
            kind=data.get("kind") or "",
            options=_clean(data.get("options") or ""),
            required=bool(data.get("required")),
        )
        if question.kind != QuestionKind.CHOICE:
            question.options = ""
        elif len(question.option_list) < 2:
            raise ValidationError({"options": _("Proposez au moins deux choix, un par ligne.")})
        question.full_clean()
        question.save()
        audit_record(actor=actor, action="survey.question_add", obj=question, detail={"kind": question.kind})
    return question


def _checked_answers(survey, answers: dict) -> list[tuple[SurveyQuestion, str]]:
    """The answers to keep, each checked against its question; a ValidationError naming every wrong one."""
    errors, kept = {}, []
    for question in survey.questions.all():
        value = _clean(answers.get(str(question.pk), "") or "")
        field = f"q_{question.pk}"
        if not value:
            if question.required:
                errors[field] = _("Une réponse est demandée.")
            continue
        if question.kind == QuestionKind.SCALE and value not in SCALE:
            errors[field] = _("Choisissez une note de 1 à 5.")
        elif question.kind == QuestionKind.CHOICE and value not in question.option_list:
            errors[field] = _("Choisissez une des réponses proposées.")
        elif len(value) > 2000:
            errors[field] = _("La réponse ne doit pas dépasser 2 000 caractères.")
        else:
            kept.append((question, value))
    if errors:
        raise ValidationError(errors)
    if not kept:
        raise ValidationError(_("Répondez au moins à une question."))
    return kept


def _save_response(survey, answers, *, channel, recorded_by=None, respondent="") -> SurveyResponse:
    kept = _checked_answers(survey, answers)
    response = SurveyResponse.objects.create(
        organisation_id=survey.organisation_id,
        survey=survey,
        channel=channel,
        recorded_by=recorded_by,
        respondent="" if survey.anonymous else _clean(respondent or "")[:200],
        submitted_on=timezone.localdate(),
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(organisation_id=survey.organisation_id, response=response, question=q, value=v) for q, v in kept
    )
    return response


def response_record(*, actor, survey_id, answers: dict, respondent: str = "") -> SurveyResponse:
    """Answers typed in by a staff member during an interview (by phone or face to face), while the survey is open.
    `answers`: question id (text) -> the answer."""
    _require(actor, "community.view_surveys")
    with transaction.atomic():
        survey = _survey_of(actor, survey_id)
        if not survey.open_on(timezone.localdate()):
            raise ValidationError(_("L'enquête n'est pas ouverte aujourd'hui."))
        response = _save_response(
            survey, answers, channel=ResponseChannel.INTERVIEW, recorded_by=actor, respondent=respondent
        )
        audit_record(actor=actor, action="survey.answer", obj=response, detail={"channel": response.channel})
    return response


def response_submit_by_link(*, link_key: str, answers: dict, respondent: str = "") -> SurveyResponse:
    """Answers given through the survey's link, without an account: the key names the survey, which must be open;
    Survey.DoesNotExist otherwise (a 404 for the page)."""
    with transaction.atomic():
        survey = Survey.objects.get(link_key=link_key)
        if not survey.open_on(timezone.localdate()):
            raise Survey.DoesNotExist
        response = _save_response(survey, answers, channel=ResponseChannel.LINK, respondent=respondent)
        audit_record(
            actor=None,
            action="survey.answer",
            obj=response,
            detail={"channel": response.channel},
            organisation=survey.organisation,
        )
    return response
