"""The page « PSE de la CAF » of a foyer de jeunes travailleurs (W38): the prestation de service socio-éducative the
CAF paid it each year, and the form to record a year's or correct it (a correction is confirmed first, saying the
value before and after). The residence page carries the same form. For the director; anyone else gets a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.formats import euros
from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404

from . import queries, services
from .forms import YoungWorkersPseForm
from .young_workers import correction_refusal


def pse_form(data=None, *, today=None) -> YoungWorkersPseForm:
    """The form, offering last year's PSE: the one the AGLS of this year counts."""
    this_year = (today or timezone.localdate()).year
    return YoungWorkersPseForm(data, this_year=this_year, initial={"year": this_year - 1})


def _correction_confirmation(residence, recorded, amount) -> Confirmation:
    return Confirmation(
        title=_("Corriger la PSE de la CAF d'un foyer de jeunes travailleurs"),
        facts=[
            (_("Résidence"), residence.name),
            (_("Année de la PSE"), str(recorded.year)),
            (_("Valeur enregistrée"), _("%(amount)s €") % {"amount": euros(recorded.amount)}),
            (_("Nouvelle valeur"), _("%(amount)s €") % {"amount": euros(amount)}),
        ],
        consequences=[
            _("La valeur enregistrée est remplacée ; l'historique des modifications garde l'ancienne."),
            _(
                "Le bonus FJT de l'AGLS de %(next)s est compté avec la nouvelle valeur ; un rapport déjà produit garde "
                "ses chiffres et signale la différence."
            )
            % {"next": recorded.year + 1},
        ],
        action=_("Confirmer la correction"),
        cancel_url=reverse("residences:young_workers_pse", args=[residence.pk]),
        danger=False,
    )


@require_http_methods(["GET", "POST"])
def young_workers_pse(request, residence_id):
    """The PSE recorded for the residence, latest year first, and the form to record one; a year already recorded is
    corrected, after a confirmation. A residence that is not an FJT says so (the service refuses a PSE for it)."""
    user = request.user
    residence = get_or_404(queries.residence_for_young_workers_pse, user, residence_id)
    form = pse_form(request.POST or None)
    recorded = list(queries.young_workers_pse(residence))
    if request.method == "POST" and form.is_valid():
        year, amount = form.cleaned_data["year"], form.cleaned_data["amount"]
        current = next((row for row in recorded if row.year == year), None)
        refusal = correction_refusal(current, amount)
        if refusal:
            form.add_error("amount", refusal)
        elif current is not None and not is_confirmed(request):
            return confirmation_page(request, _correction_confirmation(residence, current, amount))
        else:
            try:
                pse, before = services.young_workers_pse_record(
                    actor=user, residence_id=residence.pk, year=year, amount=amount
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                text = (
                    _("PSE de la CAF de %(year)s enregistrée : %(amount)s €.")
                    if before is None
                    else _("PSE de la CAF de %(year)s corrigée : %(amount)s € (au lieu de %(before)s €).")
                )
                messages.success(
                    request, text % {"year": pse.year, "amount": euros(pse.amount), "before": euros(before)}
                )
                return redirect("residences:residence_detail", residence_id=residence.pk)
    return render(
        request,
        "residences/young_workers_pse.html",
        {"residence": residence, "form": form, "recorded": recorded},
    )
