"""Pages of a grading campaign's answering link: the director opens it or turns it off; the participants answer
through it without an account (the surveys' mechanism: docs/adr/0034, 0042). Thin views over queries.py and
objective_links.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404, require_perm

from . import objective_links, queries
from .forms import ParticipantSheetForm
from .models import GradingCampaign
from .survey_views import link_answers_exceeded


def link_context(request, campaign, *, director: bool = True) -> dict:
    """How many answered, by link among them, and the link itself for the director only (the key is the right to
    answer: nobody else is shown it)."""
    participants, by_link = queries.sheet_counts(campaign)
    link = ""
    if director and campaign.link_key:
        link = request.build_absolute_uri(reverse("community:campaign_answer", args=[campaign.link_key]))
    return {"participants": participants, "by_link": by_link, "link": link}


@require_http_methods(["GET", "POST"])
def campaign_link(request, campaign_id):
    """The director opens the campaign's answering link, or turns it off after a confirmation page."""
    user = request.user
    require_perm(user, "community.manage_objectives")
    campaign = get_or_404(queries.campaign_for_page, user, campaign_id)
    back = reverse("community:campaign_detail", args=[campaign.pk])
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "close" and not is_confirmed(request):
            _participants, by_link = queries.sheet_counts(campaign)
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Couper le lien de réponse"),
                    facts=[(_("Campagne"), str(campaign)), (_("Réponses par le lien"), str(by_link))],
                    consequences=[
                        _("Les personnes qui ont reçu le lien ne pourront plus répondre par lui."),
                        _("Les réponses déjà données restent comptées."),
                        _("Un lien ouvert à nouveau aura une autre adresse."),
                    ],
                    action=_("Couper le lien"),
                    cancel_url=back,
                ),
            )
        try:
            if action == "close":
                objective_links.campaign_link_close(actor=user, campaign_id=campaign.pk)
                message = _("Lien de réponse coupé.")
            elif action == "open":
                objective_links.campaign_link_open(actor=user, campaign_id=campaign.pk)
                message = _("Lien de réponse ouvert : envoyez-le aux participants.")
            else:
                raise ValidationError(_("Choisissez d'ouvrir ou de couper le lien."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(back)
    context = {"campaign": campaign, "project": campaign.project} | link_context(request, campaign)
    return render(request, "community/campaign_link.html", context)


def _campaign_for_link(campaign_key) -> GradingCampaign:
    try:
        return queries.campaign_for_link(campaign_key)
    except GradingCampaign.DoesNotExist:
        raise Http404 from None


@login_not_required
@require_http_methods(["GET", "POST"])
def campaign_answer(request, campaign_key):
    """A participant grades every objective through the campaign's link, without an account; an unknown key or a
    link turned off answers 404, a closed campaign says so and takes nothing."""
    campaign = _campaign_for_link(campaign_key)
    if not campaign.is_open:
        return render(request, "community/campaign_answer.html", {"campaign": campaign, "closed": True})
    objectives = list(campaign.project.objectives.all())
    form = ParticipantSheetForm(request.POST or None, campaign=campaign, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        if link_answers_exceeded(request, "campaign", campaign.pk):  # the surveys' bound
            form.add_error(None, _("Trop de réponses depuis cette connexion : réessayez dans une heure."))
        else:
            try:
                objective_links.answers_submit_by_link(
                    link_key=campaign_key,
                    category=form.cleaned_data["category"],
                    participant_name=form.cleaned_data.get("participant_name", ""),
                    values=form.values(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except GradingCampaign.DoesNotExist:
                raise Http404 from None
            else:
                return redirect("community:campaign_thanks", campaign_key=campaign_key)
    return render(request, "community/campaign_answer.html", {"campaign": campaign, "form": form})


@login_not_required
@require_GET
def campaign_thanks(request, campaign_key):
    """After answering (a page of its own, so that reloading it sends nothing twice)."""
    campaign = _campaign_for_link(campaign_key)
    return render(request, "community/campaign_thanks.html", {"campaign": campaign})
