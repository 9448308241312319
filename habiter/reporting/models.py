"""A report as it was run: the frozen figures, so a year's report reads the same years later (ADR 0022)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from habiter.core.models import OrganisationScoped, Team


class ReportRun(OrganisationScoped):
    """One run of a report or indicator over a period, with its result and the version of the code that
    counted it. Never updated: a re-run compares itself with it and, if kept, is a new row."""

    code = models.SlugField(_("rapport"), max_length=60)
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    # Null for the whole organisation (a director's run); a team lead's run counts their team only.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("équipe"))
    generated_at = models.DateTimeField(_("produit le"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("produit par")
    )
    code_version = models.CharField(_("version des définitions"), max_length=64)
    result = models.JSONField(_("résultat"))

    class Meta:
        ordering = ["-generated_at"]
        verbose_name = _("rapport produit")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="report_run_end_after_start",
                violation_error_message=_("La fin de la période ne peut pas précéder son début."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
