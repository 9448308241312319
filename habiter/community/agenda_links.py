"""Subjects proposed for a meeting's agenda through its proposal link, without an account (issue 17: « agenda items
proposed by members or by any accompanied person before a deadline »; docs/adr/0044). The surveys' and grading
campaigns' mechanism (docs/adr/0034, 0042): a director, or the host of the council's residence, opens the meeting's
link (a random key stored on the meeting) and may turn it off; anyone holding it proposes a subject until the
meeting's proposals deadline, that day included. Every write: one transaction, an audit event; a subject proposed
by link has no author (at most a first name its proposer chose to give), and its event names the meeting only."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from . import queries, rules
from .models import AgendaItem, Meeting


def _managed_meeting(actor, meeting_id) -> Meeting:
    """The meeting, locked, if the actor manages its council."""
    if not actor.has_perm("community.manage_council"):
        raise PermissionDenied
    return (
        Meeting.objects.select_for_update()
        .select_related("council")
        .get(pk=meeting_id, council__in=queries.councils_managed_by(actor).values("pk"))
    )


def proposals_closed_message(meeting, today) -> str:
    """Why the meeting takes no more subjects (its minutes are closed, or its proposals deadline has passed), in
    French; empty while it takes them."""
    if meeting.minutes_closed_at is not None:
        return _("Cette réunion a eu lieu et son compte rendu est clos : elle ne prend plus de sujets.")
    if not rules.proposals_open(meeting.proposals_until, today):
        return _(
            "Les propositions de sujets pour cette réunion étaient ouvertes jusqu'au %(date)s : proposez ce sujet "
            "pour la réunion suivante."
        ) % {"date": meeting.proposals_until.strftime("%d/%m/%Y")}
    return ""


def proposal_link_open(*, actor, meeting_id) -> Meeting:
    """Open the meeting's proposal link: a new random key (a link turned off never takes a subject again). Only
    while the meeting still takes subjects."""
    with transaction.atomic():
        meeting = _managed_meeting(actor, meeting_id)
        if meeting.proposal_key:
            raise ValidationError(_("Le lien de propositions de cette réunion est déjà ouvert."))
        closed = proposals_closed_message(meeting, timezone.localdate())
        if closed:
            raise ValidationError(closed)
        meeting.proposal_key = secrets.token_urlsafe(24)
        meeting.save(update_fields=["proposal_key", "updated_at"])
        audit_record(actor=actor, action="meeting.proposal_link_open", obj=meeting)
    return meeting


def proposal_link_close(*, actor, meeting_id) -> Meeting:
    """Turn the proposal link off: its address answers 404 from now on; the subjects proposed stay."""
    with transaction.atomic():
        meeting = _managed_meeting(actor, meeting_id)
        if not meeting.proposal_key:
            raise ValidationError(_("Le lien de propositions de cette réunion est déjà coupé."))
        meeting.proposal_key = None
        meeting.save(update_fields=["proposal_key", "updated_at"])
        audit_record(actor=actor, action="meeting.proposal_link_close", obj=meeting)
    return meeting


def meeting_for_link(proposal_key: str) -> Meeting:
    """The meeting a proposal link names, with its agenda's titles as it stands (`agenda`); Meeting.DoesNotExist
    for an unknown key or a link turned off."""
    if not proposal_key:
        raise Meeting.DoesNotExist
    return (
        Meeting.objects.select_related("council", "organisation")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.only("meeting_id", "title"), to_attr="agenda")
        )
        .get(proposal_key=proposal_key)
    )


def proposals_by_link(meeting) -> int:
    return meeting.agenda_items.filter(by_link=True).count()


def agenda_item_propose_by_link(*, proposal_key: str, title: str, detail: str = "", first_name: str = "") -> AgendaItem:
    """A subject proposed through the meeting's link, without an account: the key names the meeting
    (Meeting.DoesNotExist for an unknown key or a link turned off: a 404 for the page); after the proposals deadline,
    or once the minutes are closed, a French refusal (ValidationError). No author: the audit event names the
    meeting only."""
    if not proposal_key:
        raise Meeting.DoesNotExist
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("organisation").get(proposal_key=proposal_key)
        closed = proposals_closed_message(meeting, timezone.localdate())
        if closed:
            raise ValidationError(closed)
        item = AgendaItem(
            organisation_id=meeting.organisation_id,
            meeting=meeting,
            title=(title or "").strip(),
            detail=(detail or "").strip(),
            proposer_name=(first_name or "").strip(),
            by_link=True,
        )
        item.full_clean()
        item.save()
        audit_record(actor=None, action="agenda_item.propose_by_link", obj=meeting, organisation=meeting.organisation)
    return item
