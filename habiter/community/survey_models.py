"""Surveys (the owners' yearly survey): questions, responses and answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped


class SurveyAudience(models.TextChoices):
    OWNERS = "owners", _("Propriétaires bailleurs")
    RESIDENTS = "residents", _("Résidents et personnes accompagnées")
    WORKSHOP = "workshop", _("Participants d'un atelier")
    PARTNERS = "partners", _("Partenaires")
    OTHER = "other", _("Autre")


class Survey(OrganisationScoped):
    """A small survey (the owners' yearly survey, residents' satisfaction, workshop feedback): questions, answers
    typed in by staff during an interview or given through the survey's link without an account. Anonymous unless
    it says otherwise: then an answer may carry the respondent's name."""

    title = models.CharField(_("titre"), max_length=200)
    audience = models.CharField(_("public"), max_length=20, choices=SurveyAudience.choices)
    introduction = models.TextField(_("présentation"), max_length=2000, blank=True)
    anonymous = models.BooleanField(_("réponses anonymes"), default=True)
    opens_on = models.DateField(_("ouverte du"))
    closes_on = models.DateField(_("au"), null=True, blank=True)
    link_key = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-opens_on", "title", "id"]
        verbose_name = _("enquête")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
                violation_error_message=_("L'enquête ne peut pas se clore avant de s'ouvrir."),
            ),
        ]

    def __str__(self):
        return self.title

    def open_on(self, day) -> bool:
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Échelle de 1 à 5")
    CHOICE = "choice", _("Choix dans une liste")
    TEXT = "text", _("Réponse libre")


class SurveyQuestion(OrganisationScoped):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("rang"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    options = models.TextField(_("choix proposés (un par ligne)"), max_length=2000, blank=True)
    required = models.BooleanField(_("réponse obligatoire"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question d'enquête")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_question_unique_position"),
        ]

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class ResponseChannel(models.TextChoices):
    LINK = "link", _("Par le lien")
    INTERVIEW = "interview", _("Saisie lors d'un entretien")


class SurveyResponse(OrganisationScoped):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    channel = models.CharField(_("canal"), max_length=10, choices=ResponseChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent = models.CharField(_("nom de la personne"), max_length=200, blank=True)
    submitted_on = models.DateField(_("répondu le"))

    class Meta:
        ordering = ["submitted_on", "id"]
        verbose_name = _("réponse à une enquête")


class SurveyAnswer(OrganisationScoped):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("réponse"), max_length=2000)

    class Meta:
        ordering = ["question__position", "id"]
        verbose_name = _("réponse à une question")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_one_per_question"),
        ]
