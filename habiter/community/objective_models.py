"""The association's project, its axes and strategic objectives, and the campaigns that grade them (docs/adr/0024)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped


class StrategicProject(OrganisationScoped):
    """The association's project (projet associatif) for a period of years, e.g. 2024-2028: its axes and its
    strategic objectives, graded A to E by campaigns of participants' views."""

    title = models.CharField(_("intitulé"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("première année"))
    end_year = models.PositiveSmallIntegerField(_("dernière année"))

    class Meta:
        ordering = ["-start_year", "title", "id"]
        verbose_name = _("projet associatif")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="project_end_after_start",
                violation_error_message=_("La dernière année du projet ne peut pas précéder la première."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.start_year}-{self.end_year})"


class ProjectAxis(OrganisationScoped):
    """An axis of work of the project: it groups strategic objectives."""

    project = models.ForeignKey(StrategicProject, on_delete=models.PROTECT, related_name="axes")
    position = models.PositiveSmallIntegerField(_("numéro"), editable=False)
    title = models.CharField(_("intitulé"), max_length=300)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("axe du projet")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"],
                name="axis_unique_position",
                violation_error_message=_("Un axe porte déjà ce numéro."),
            )
        ]

    def __str__(self):
        return self.title


class StrategicObjective(OrganisationScoped):
    """A strategic objective of the project, numbered in the project's order, under an axis or not."""

    project = models.ForeignKey(StrategicProject, on_delete=models.PROTECT, related_name="objectives")
    axis = models.ForeignKey(
        ProjectAxis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("axe"),
    )
    position = models.PositiveSmallIntegerField(_("numéro"), editable=False)
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("précisions"), max_length=5000, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("objectif stratégique")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "position"],
                name="objective_unique_position",
                violation_error_message=_("Un objectif porte déjà ce numéro."),
            )
        ]

    def __str__(self):
        return self.title


class GradingCampaign(OrganisationScoped):
    """A grading of the project's objectives on a day: participants (staff, volunteers, persons accompanied,
    partners) say whether each objective is « globalement atteint », « non atteint » or « partagé ». Anonymous
    unless it says otherwise: then no answer names anyone. Closed, it takes no more answers. The staff type the
    sheets collected in a meeting; through the campaign's link, the participants answer themselves."""

    project = models.ForeignKey(StrategicProject, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(_("intitulé"), max_length=200)
    held_on = models.DateField(_("date"))
    anonymous = models.BooleanField(
        _("réponses anonymes"),
        default=True,
        help_text=_("Décochez seulement si les participants acceptent que leur nom figure avec leurs réponses."),
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True, editable=False)
    # The key of the answering link the participants use without an account (like a survey's, docs/adr/0034);
    # none while the director has not opened it or once they turned it off (a link opened again has a new key).
    link_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["held_on", "created_at", "id"]
        verbose_name = _("campagne de cotation")

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AnswerValue(models.TextChoices):
    ACHIEVED = "achieved", _("Globalement atteint")
    NOT_ACHIEVED = "not_achieved", _("Globalement non atteint")
    SHARED = "shared", _("Partagé")


class ParticipantCategory(models.TextChoices):
    STAFF = "staff", _("Salarié·e")
    VOLUNTEER = "volunteer", _("Bénévole")
    PERSON = "person", _("Personne accompagnée")
    PARTNER = "partner", _("Partenaire")


class ObjectiveAnswer(OrganisationScoped):
    """One participant's view on one objective in a campaign. A participant's answers to every objective share a
    `sheet`; a name is kept only when the campaign is not anonymous (checked by the service). `by_link`: given by
    the participant through the campaign's link, not typed by a staff member."""

    campaign = models.ForeignKey(GradingCampaign, on_delete=models.PROTECT, related_name="answers")
    objective = models.ForeignKey(StrategicObjective, on_delete=models.PROTECT, related_name="answers")
    sheet = models.UUIDField(editable=False)
    value = models.CharField(_("avis"), max_length=12, choices=AnswerValue.choices)
    category = models.CharField(_("participant"), max_length=10, choices=ParticipantCategory.choices)
    participant_name = models.CharField(_("nom du participant"), max_length=200, blank=True)
    by_link = models.BooleanField(_("donnée par le lien"), default=False, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("réponse de cotation")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "objective"],
                name="answer_once_per_sheet",
                violation_error_message=_("Ce participant a déjà répondu pour cet objectif."),
            )
        ]
