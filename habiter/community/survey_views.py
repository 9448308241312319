"""Pages of the surveys: thin views over queries.py and surveys.py. The answering page by link needs no account."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook
from openpyxl.styles import Font

from habiter.core.forms import apply_validation_error
from habiter.core.middleware import client_ip
from habiter.core.pages import get_or_404, require_perm

from . import queries
from . import surveys as services
from .forms import QuestionForm, SurveyAnswerForm, SurveyForm
from .models import Survey

# Answers through a survey's link from one address within an hour: a household or a workshop room answers a few
# times; a script that loops is stopped. A working bound, not a legal one.
LINK_ANSWERS_PER_HOUR = 30


def survey_url(survey_id) -> str:
    return reverse("community:survey_detail", args=[survey_id])


@require_GET
def survey_list(request):
    user = request.user
    require_perm(user, "community.view_surveys")
    return render(
        request,
        "community/survey_list.html",
        {"surveys": queries.survey_list(user), "can_manage": user.has_perm("community.manage_surveys")},
    )


def _form_page(request, form, title, cancel_url, save):
    if request.method == "POST" and form.is_valid():
        try:
            target, message = save(form)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message)
            return redirect(target)
    return render(request, "community/survey_form.html", {"form": form, "title": title, "cancel_url": cancel_url})


@require_http_methods(["GET", "POST"])
def survey_create(request):
    user = request.user
    require_perm(user, "community.manage_surveys")

    def save(form):
        survey = services.survey_create(actor=user, data=form.cleaned_data)
        return survey_url(survey.pk), _("Enquête « %(title)s » créée : ajoutez ses questions.") % {
            "title": survey.title
        }

    form = SurveyForm(request.POST or None, initial={"opens_on": timezone.localdate()})
    return _form_page(request, form, _("Nouvelle enquête"), reverse("community:survey_list"), save)


@require_GET
def survey_detail(request, survey_id):
    """The survey: its questions, its link, and its results (counts and charts, the free answers listed)."""
    user = request.user
    survey = get_or_404(queries.survey_for_page, user, survey_id)
    responses, results = queries.survey_results(survey)
    return render(
        request,
        "community/survey_detail.html",
        {
            "survey": survey,
            "responses": responses,
            "results": results,
            "is_open": survey.open_on(timezone.localdate()),
            "link": request.build_absolute_uri(reverse("community:survey_answer", args=[survey.link_key])),
            "can_manage": user.has_perm("community.manage_surveys"),
        },
    )


@require_http_methods(["GET", "POST"])
def question_add(request, survey_id):
    user = request.user
    survey = get_or_404(queries.survey_for_page, user, survey_id)
    require_perm(user, "community.manage_surveys")

    def save(form):
        services.question_add(actor=user, survey_id=survey.pk, data=form.cleaned_data)
        return survey_url(survey.pk), _("Question ajoutée.")

    form = QuestionForm(request.POST or None)
    title = _("Nouvelle question de « %(title)s »") % {"title": survey.title}
    return _form_page(request, form, title, survey_url(survey.pk), save)


@require_http_methods(["GET", "POST"])
def response_add(request, survey_id):
    """Answers typed in by a staff member during an interview."""
    user = request.user
    survey = get_or_404(queries.survey_for_page, user, survey_id)
    if not survey.open_on(timezone.localdate()):
        raise Http404

    def save(form):
        services.response_record(
            actor=user, survey_id=survey.pk, answers=form.answers(), respondent=form.cleaned_data.get("respondent", "")
        )
        return survey_url(survey.pk), _("Réponse enregistrée.")

    form = SurveyAnswerForm(request.POST or None, survey=survey)
    title = _("Saisir une réponse à « %(title)s »") % {"title": survey.title}
    return _form_page(request, form, title, survey_url(survey.pk), save)


def link_answers_exceeded(request, kind: str, pk) -> bool:
    """One more sheet through the link of a survey or a grading campaign (`kind`) from this address: whether it
    passes LINK_ANSWERS_PER_HOUR sheets in the hour (a script that loops stops)."""
    counter = f"{kind}-link:{pk}:{client_ip(request) or 'unknown'}"
    cache.add(counter, 0, timeout=3600)
    return cache.incr(counter) > LINK_ANSWERS_PER_HOUR


@login_not_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, link_key):
    """The survey answered through its link, without an account, while it is open; 404 otherwise."""
    try:
        survey = queries.survey_for_link(link_key)
    except Survey.DoesNotExist:
        raise Http404 from None
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        if link_answers_exceeded(request, "survey", survey.pk):
            form.add_error(None, _("Trop de réponses depuis cette connexion : réessayez dans une heure."))
        else:
            try:
                services.response_submit_by_link(
                    link_key=link_key, answers=form.answers(), respondent=form.cleaned_data.get("respondent", "")
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except Survey.DoesNotExist:
                raise Http404 from None
            else:
                return redirect("community:survey_thanks", link_key=link_key)
    return render(request, "community/survey_answer.html", {"survey": survey, "form": form})


@login_not_required
@require_GET
def survey_thanks(request, link_key):
    """After answering through the link (a page of its own, so that reloading it sends nothing twice)."""
    survey = Survey.objects.filter(link_key=link_key).first()
    if survey is None:
        raise Http404
    return render(request, "community/survey_thanks.html", {"survey": survey})


@require_GET
def survey_xlsx(request, survey_id):
    """The results as a workbook: the counts per question, the free answers, and one row per response (values only,
    no formula; the respondent's name only for a survey that is not anonymous)."""
    user = request.user
    survey = get_or_404(queries.survey_for_page, user, survey_id)
    responses, results = queries.survey_results(survey)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Résultats")
    sheet.append([survey.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Réponses"), responses])
    sheet.append([])
    sheet.append([_("Question"), _("Réponse"), _("Nombre"), _("Part (%)")])
    for result in results:
        for option, count, share in result.counts:
            sheet.append([result.question.text, option, count, share])
        if result.mean is not None:
            sheet.append([result.question.text, _("Moyenne"), float(result.mean), None])
    free = book.create_sheet(_("Réponses libres"))
    free.append([_("Question"), _("Réponse")])
    for result in results:
        for text in result.texts:
            free.append([result.question.text, text])
    rows = book.create_sheet(_("Par réponse"))
    questions = list(survey.questions.all())
    head = [_("Répondu le"), _("Canal")] + ([_("Nom")] if not survey.anonymous else [])
    rows.append(head + [q.text for q in questions])
    for response in queries.survey_responses(survey):
        given = {answer.question_id: answer.value for answer in response.answers.all()}
        name = [response.respondent] if not survey.anonymous else []
        rows.append(
            [response.submitted_on, response.get_channel_display(), *name, *(given.get(q.pk, "") for q in questions)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    reply = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    reply["Content-Disposition"] = 'attachment; filename="enquete.xlsx"'
    return reply
