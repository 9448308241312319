"""The page « Maxima APL-foyer » of a residence (W7, docs/adr/0027): what its APL convention caps the APL-foyer base
at, per place typology and year, and the form to record a value read on the convention; the correction of a value
recorded wrongly, confirmed first. For the director and the hosts of the residence; anyone else gets a 404."""

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
from habiter.core.models import LegalStatus
from habiter.core.pages import get_or_404

from . import queries, services
from .forms import AplMaximumCorrectionForm, AplMaximumForm
from .maxima import correction_refusal
from .models import AplMaximum


@require_http_methods(["GET", "POST"])
def apl_maxima(request, residence_id):
    """The maxima of the residence's convention that apply this year, next year and each year recorded, with where
    each comes from (read on the convention, or revised with the IRL from an earlier value); the form records a value
    read on the convention. A typology and year already recorded is refused: that value is corrected instead."""
    user = request.user
    residence = get_or_404(queries.residence_for_apl_maxima, user, residence_id)
    today = timezone.localdate()
    typologies = queries.residence_typologies(residence)
    form = AplMaximumForm(
        request.POST or None,
        typologies=typologies,
        next_year=today.year + 1,
        initial={"year": today.year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        maximum = AplMaximum(
            residence=residence,
            typology=data["typology"],
            year=data["year"],
            amount=data["amount"],
            status=LegalStatus.CONFIRMED,
        )
        try:
            services.apl_maximum_save(actor=user, maximum=maximum)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Maximum de la convention pour un %(typology)s en %(year)s enregistré : %(amount)s €.")
                % {"typology": maximum.typology, "year": maximum.year, "amount": euros(maximum.amount)},
            )
            return redirect("residences:apl_maxima", residence_id=residence.pk)
    recorded = list(queries.apl_maxima_recorded(residence))
    return render(
        request,
        "residences/apl_maxima.html",
        {
            "residence": residence,
            "form": form,
            "typologies": typologies,
            "table": queries.apl_maxima_table(residence, today, recorded),
            "recorded": recorded,
            "today": today,
        },
    )


def _correction_confirmation(maximum, amount) -> Confirmation:
    return Confirmation(
        title=_("Corriger un maximum de la convention APL"),
        facts=[
            (_("Résidence"), maximum.residence.name),
            (_("Typologie et année"), f"{maximum.typology}, {maximum.year}"),
            (
                _("Valeur enregistrée"),
                _("%(amount)s € (%(status)s)")
                % {"amount": euros(maximum.amount), "status": maximum.get_status_display()},
            ),
            (_("Valeur lue sur la convention"), _("%(amount)s €") % {"amount": euros(amount)}),
        ],
        consequences=[
            _("La valeur enregistrée est remplacée ; l'historique des modifications garde l'ancienne."),
            _(
                "Les maxima des années suivantes, révisés avec l'IRL à partir de cette valeur, changent aussitôt "
                "(jusqu'à la prochaine valeur enregistrée)."
            ),
            _("Les redevances déjà fixées ne sont pas revérifiées ; les prochaines le seront avec la nouvelle valeur."),
        ],
        action=_("Confirmer la correction"),
        cancel_url=reverse("residences:apl_maxima", args=[maximum.residence_id]),
        danger=False,
    )


@require_http_methods(["GET", "POST"])
def apl_maximum_correct(request, apl_maximum_id):
    """Correct a recorded value with the one read on the convention, after a confirmation saying what changes."""
    user = request.user
    maximum = get_or_404(queries.apl_maximum_for_page, user, apl_maximum_id)
    form = AplMaximumCorrectionForm(request.POST or None, initial={"amount": maximum.amount})
    if request.method == "POST" and form.is_valid():
        amount = form.cleaned_data["amount"]
        refusal = correction_refusal(maximum, amount)
        if refusal:
            form.add_error("amount", refusal)
        elif not is_confirmed(request):
            return confirmation_page(request, _correction_confirmation(maximum, amount))
        else:
            try:
                services.apl_maximum_correct(actor=user, maximum_id=maximum.pk, amount=amount)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Maximum de la convention pour un %(typology)s en %(year)s corrigé : %(amount)s €.")
                    % {"typology": maximum.typology, "year": maximum.year, "amount": euros(amount)},
                )
                return redirect("residences:apl_maxima", residence_id=maximum.residence_id)
    return render(request, "residences/apl_maximum_correct.html", {"maximum": maximum, "form": form})
