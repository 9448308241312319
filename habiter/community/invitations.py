"""The invitations to a council's meeting sent by e-mail: who receives one (a read the meeting's page shares) and the
sending (a write: permission, one transaction, audit, the messages leaving after the commit)."""

from dataclasses import dataclass
from urllib.parse import urljoin

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habiter.core.audit import audit_record
from habiter.core.templatetags.french import long_date

from . import queries, rules
from .models import CouncilMember, Meeting


@dataclass(frozen=True)
class InvitationList:
    """The addresses an invitation goes to (each once, in the members' order) and how many members in office have
    none (a name typed, a person or an account without an e-mail)."""

    addresses: tuple
    without_address: int


def member_address(member) -> str:
    """A member's e-mail: a staff member's account, an accompanied person's own; a name typed has none."""
    if member.user_id:
        return member.user.email
    if member.person_id:
        return member.person.email
    return ""


def invitation_list(members) -> InvitationList:
    """Who of `members` (those in office on the meeting day, user and person loaded) an invitation reaches. A same
    address held by two members receives one message."""
    addresses, seen, without = [], set(), 0
    for member in members:
        address = member_address(member).strip()
        if not address:
            without += 1
        elif address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return InvitationList(tuple(addresses), without)


def members_in_office(meeting) -> list:
    """The council's members whose term covers the meeting day, user and person loaded."""
    day = timezone.localtime(meeting.starts_at).date()
    members = CouncilMember.objects.filter(council_id=meeting.council_id).select_related("user", "person")
    return [m for m in members.order_by("role", "id") if rules.term_active(m.term_start, m.term_end, day)]


def invitation_meeting(user, meeting_id) -> Meeting:
    """The meeting whose invitations the user may send: a meeting of a council they manage; DoesNotExist otherwise
    (a page answers 404)."""
    if not user.has_perm("community.send_invitations"):
        raise Meeting.DoesNotExist
    return Meeting.objects.select_related("council").get(
        pk=meeting_id, council__in=queries.councils_managed_by(user).values("pk")
    )


@dataclass(frozen=True)
class InvitationsSent:
    sent: int
    without_address: int


def _one_line(text: str) -> str:
    return " ".join(text.split())


def proposal_address(meeting, site_url: str) -> str:
    """The absolute address of the meeting's proposal link (docs/adr/0044) on the site at `site_url` (the request's
    root, « https://…/ »): empty while the link is turned off, or without the site's address."""
    if not meeting.proposal_key or not site_url:
        return ""
    return urljoin(site_url, reverse("community:agenda_propose", args=[meeting.proposal_key]))


def _message(
    meeting, organisation_name: str, titles: list, address: str, reply_to: str, proposal_url: str
) -> EmailMessage:
    start = timezone.localtime(meeting.starts_at)
    council = _one_line(meeting.council.name)
    when = {"day": long_date(start, "l"), "time": start.strftime("%H:%M")}
    paragraphs = [
        _("Bonjour,"),
        _("Vous êtes invité·e à la réunion de « %(council)s » le %(day)s à %(time)s, lieu : %(place)s.")
        % {"council": council, "place": meeting.place, **when},
    ]
    if titles:
        agenda = "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))
        paragraphs.append(_("Ordre du jour :") + "\n" + agenda)
    else:
        paragraphs.append(_("L'ordre du jour est en préparation."))
    if rules.proposals_open(meeting.proposals_until, timezone.localdate()):
        day = long_date(meeting.proposals_until)
        if proposal_url:  # anyone holding it proposes without an account: the address on a line of its own
            paragraphs.append(
                _("Vous voulez parler d'un sujet ? Proposez-le jusqu'au %(day)s, sans compte, à cette adresse :")
                % {"day": day}
                + "\n"
                + proposal_url
            )
        else:
            paragraphs.append(_("Vous voulez parler d'un sujet ? Proposez-le jusqu'au %(day)s.") % {"day": day})
    paragraphs.append(organisation_name)
    return EmailMessage(
        subject=_("Invitation : %(council)s, %(day)s à %(time)s") % {"council": council, **when},
        body="\n\n".join(paragraphs) + "\n",
        to=[address],
        reply_to=[reply_to] if reply_to else None,
    )


def meeting_invitations_send(*, actor, meeting_id, resend: bool = False, site_url: str = "") -> InvitationsSent:
    """E-mail the invitation to a meeting still to come — the council, the day and hour, the place, the agenda as
    it stands, until when subjects may be proposed and, while the meeting's proposal link is open, its absolute
    address on the site at `site_url` (the view gives the request's root; without it, no address) — to every member
    of the council in office on the meeting day who has an address, one message per address (replies go to the
    sender). Records when and to how many, and audits the sending with the number of members without an address.
    Once sent, sending again is refused unless `resend` (the page asks for a confirmation first: a double click never
    invites twice). The messages leave after the commit."""
    if not actor.has_perm("community.send_invitations"):
        raise PermissionDenied
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("council", "organisation")
            .get(pk=meeting_id, council__in=queries.councils_managed_by(actor).values("pk"))
        )
        if meeting.starts_at <= timezone.now():
            raise ValidationError(_("Cette réunion a commencé ou a eu lieu : ses invitations ne s'envoient plus."))
        if meeting.invitations_sent_at is not None and not resend:
            raise ValidationError(
                ngettext(
                    "Les invitations ont déjà été envoyées le %(day)s (%(count)d courriel).",
                    "Les invitations ont déjà été envoyées le %(day)s (%(count)d courriels).",
                    meeting.invitations_sent_count or 0,
                )
                % {"day": long_date(meeting.invitations_sent_at), "count": meeting.invitations_sent_count or 0}
            )
        invitations = invitation_list(members_in_office(meeting))
        if not invitations.addresses:
            raise ValidationError(
                _("Aucun membre en mandat le jour de la réunion n'a d'adresse de courriel : aucune invitation envoyée.")
            )
        titles = [_one_line(i.title) for i in meeting.agenda_items.order_by("created_at", "id")]
        proposal_url = proposal_address(meeting, site_url)
        messages = [
            _message(meeting, meeting.organisation.name, titles, address, actor.email, proposal_url)
            for address in invitations.addresses
        ]
        meeting.invitations_sent_at = timezone.now()
        meeting.invitations_sent_count = len(messages)
        meeting.save(update_fields=["invitations_sent_at", "invitations_sent_count", "updated_at"])
        audit_record(
            actor=actor,
            action="meeting.invitations_send",
            obj=meeting,
            detail={"sent": len(messages), "without_address": invitations.without_address, "again": resend},
        )
        transaction.on_commit(lambda: mailers.default.send_messages(messages))
    return InvitationsSent(len(messages), invitations.without_address)
