"""The invitations to a meeting sent by e-mail, from the meeting's page: what the page says of them, and the button's
POST. Sending again asks for a confirmation first: the agenda or the place may have changed since, but a second click
must not invite everyone twice unawares."""

import smtplib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.pages import get_or_404
from habiter.core.templatetags.french import long_date

from .invitations import invitation_list, invitation_meeting, meeting_invitations_send, members_in_office


def invitations_context(user, meeting, members) -> dict:
    """For the meeting's page: whether the user may send its invitations now (a director, before the meeting) and,
    then, who they would reach among `members` (those in office on the meeting day)."""
    can_invite = user.has_perm("community.send_invitations") and meeting.starts_at > timezone.now()
    return {"can_invite": can_invite, "invitations": invitation_list(members) if can_invite else None}


def sent_message(sent: int, without_address: int) -> str:
    text = ngettext(
        "%(count)d invitation envoyée par courriel.", "%(count)d invitations envoyées par courriel.", sent
    ) % {"count": sent}
    if without_address:
        text += " " + ngettext(
            "%(count)d membre n'a pas d'adresse de courriel : prévenez-le autrement.",
            "%(count)d membres n'ont pas d'adresse de courriel : prévenez-les autrement.",
            without_address,
        ) % {"count": without_address}
    return text


def _resend_confirmation(request, meeting):
    invitations = invitation_list(members_in_office(meeting))
    count = meeting.invitations_sent_count or 0
    return confirmation_page(
        request,
        Confirmation(
            title=_("Renvoyer les invitations"),
            facts=[
                (_("Réunion"), str(meeting)),
                (
                    _("Déjà envoyées"),
                    ngettext("le %(day)s, %(count)d courriel", "le %(day)s, %(count)d courriels", count)
                    % {"day": long_date(meeting.invitations_sent_at, "H:i"), "count": count},
                ),
            ],
            consequences=[
                ngettext(
                    "Une nouvelle invitation part vers %(count)d adresse, avec l'ordre du jour tel qu'il est "
                    "aujourd'hui.",
                    "Une nouvelle invitation part vers %(count)d adresses, avec l'ordre du jour tel qu'il est "
                    "aujourd'hui.",
                    len(invitations.addresses),
                )
                % {"count": len(invitations.addresses)},
                _("Un courriel envoyé ne se reprend pas."),
            ],
            action=_("Renvoyer les invitations"),
            cancel_url=reverse("community:meeting_detail", args=[meeting.pk]),
            danger=False,
        ),
    )


@require_POST
def meeting_invitations(request, meeting_id):
    """« Envoyer les invitations par courriel »: a director, a meeting to come; once sent, a confirmation first."""
    user = request.user
    meeting = get_or_404(invitation_meeting, user, meeting_id)
    to_come = meeting.starts_at > timezone.now()  # else the service refuses, in French
    if meeting.invitations_sent_at is not None and to_come and not is_confirmed(request):
        return _resend_confirmation(request, meeting)
    try:
        sent = meeting_invitations_send(
            actor=user,
            meeting_id=meeting.pk,
            resend=is_confirmed(request),
            site_url=request.build_absolute_uri("/"),  # for the proposal link's address in the message
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (smtplib.SMTPException, OSError) as error:  # the messages leave after the commit: the sending is recorded
        messages.error(
            request,
            _("Le serveur de courriel a refusé l'envoi (%(error)s) : renvoyez les invitations.") % {"error": error},
        )
    else:
        messages.success(request, sent_message(sent.sent, sent.without_address))
    return redirect("community:meeting_detail", meeting_id=meeting.pk)
