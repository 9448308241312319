"""Pages of a meeting's proposal link: its managers open it or turn it off; anyone holding it proposes a subject
without an account until the proposals deadline (docs/adr/0044, the grading campaigns' mechanism of 0042). Thin
views over agenda_links.py."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404, require_perm

from . import agenda_links, queries
from .forms import LinkProposalForm
from .models import Meeting
from .survey_views import link_answers_exceeded


def proposal_link_context(request, meeting, *, can_manage: bool) -> dict:
    """For the meeting's page and its poster: the link's address while it is open (shown to the staff who read the
    council: they hand it out and print it), and whether the user may open or turn it off."""
    link = ""
    if meeting.proposal_key:
        link = request.build_absolute_uri(reverse("community:agenda_propose", args=[meeting.proposal_key]))
    closed = agenda_links.proposals_closed_message(meeting, timezone.localdate())
    return {
        "proposal_link": link,
        "proposals_taken": not closed,
        "link_manager": can_manage,
    }


def proposal_link_qr(link: str) -> str:
    """The link as a QR code (SVG), for the printed poster: generated from our own address, no user text."""
    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - generated SVG, no user text


def _managed_meeting(user, meeting_id) -> Meeting:
    return Meeting.objects.select_related("council").get(
        pk=meeting_id, council__in=queries.councils_managed_by(user).values("pk")
    )


@require_http_methods(["GET", "POST"])
def meeting_proposal_link(request, meeting_id):
    """The meeting's managers open its proposal link, or turn it off after a confirmation page."""
    user = request.user
    require_perm(user, "community.manage_council")
    meeting = get_or_404(_managed_meeting, user, meeting_id)
    back = reverse("community:meeting_detail", args=[meeting.pk])
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "close" and not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Couper le lien de propositions"),
                    facts=[
                        (_("Réunion"), str(meeting)),
                        (_("Sujets proposés par le lien"), str(agenda_links.proposals_by_link(meeting))),
                    ],
                    consequences=[
                        _(
                            "Les personnes qui ont reçu le lien ou lu l'affiche ne pourront plus proposer de sujet "
                            "par lui."
                        ),
                        _("Les sujets déjà proposés restent à l'ordre du jour."),
                        _("Un lien ouvert à nouveau aura une autre adresse : réimprimez l'affiche."),
                    ],
                    action=_("Couper le lien"),
                    cancel_url=back,
                ),
            )
        try:
            if action == "close":
                agenda_links.proposal_link_close(actor=user, meeting_id=meeting.pk)
                message = _("Lien de propositions coupé.")
            elif action == "open":
                agenda_links.proposal_link_open(actor=user, meeting_id=meeting.pk)
                message = _("Lien de propositions ouvert : donnez-le ou imprimez l'affiche.")
            else:
                raise ValidationError(_("Choisissez d'ouvrir ou de couper le lien."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(back)
    context = {"meeting": meeting, "council": meeting.council, "by_link": agenda_links.proposals_by_link(meeting)}
    context |= proposal_link_context(request, meeting, can_manage=True)
    return render(request, "community/meeting_proposal_link.html", context)


def _meeting_for_link(proposal_key) -> Meeting:
    try:
        return agenda_links.meeting_for_link(proposal_key)
    except Meeting.DoesNotExist:
        raise Http404 from None


@login_not_required
@require_http_methods(["GET", "POST"])
def agenda_propose(request, proposal_key):
    """Anyone holding the meeting's link proposes a subject, without an account, until the proposals deadline; an
    unknown key or a link turned off answers 404, a deadline passed says so in French and takes nothing."""
    meeting = _meeting_for_link(proposal_key)
    closed = agenda_links.proposals_closed_message(meeting, timezone.localdate())
    form = None if closed else LinkProposalForm(request.POST or None)
    if request.method == "POST" and form is not None and form.is_valid():
        if link_answers_exceeded(request, "agenda", meeting.pk):  # the surveys' bound, per address and meeting
            form.add_error(None, _("Trop de propositions depuis cette connexion : réessayez dans une heure."))
        else:
            data = form.cleaned_data
            try:
                agenda_links.agenda_item_propose_by_link(
                    proposal_key=proposal_key, title=data["title"], detail=data["detail"], first_name=data["first_name"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except Meeting.DoesNotExist:
                raise Http404 from None
            else:
                return redirect("community:agenda_propose_thanks", proposal_key=proposal_key)
    context = {"meeting": meeting, "council": meeting.council, "closed": closed, "form": form}
    return render(request, "community/agenda_propose.html", context)


@login_not_required
@require_GET
def agenda_propose_thanks(request, proposal_key):
    """After proposing (a page of its own, so that reloading it sends nothing twice)."""
    meeting = _meeting_for_link(proposal_key)
    return render(request, "community/agenda_propose_thanks.html", {"meeting": meeting, "council": meeting.council})
