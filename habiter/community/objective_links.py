"""The participants grade the project's objectives themselves, through the campaign's link, without an account
(the surveys' mechanism, docs/adr/0034 and 0042): the director opens the link (a random key stored on the campaign)
and may turn it off; anyone holding the key answers while the campaign is open. Every write: one transaction, an
audit event; the answers by link have no author, their event names the campaign and the category only."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record

from .models import GradingCampaign, ObjectiveAnswer
from .services import _open_campaign, _require, campaign_closed_message, save_sheet


def campaign_link_open(*, actor, campaign_id) -> GradingCampaign:
    """Open the answering link of an open campaign: a new random key (a link turned off never answers again)."""
    with transaction.atomic():
        campaign = _open_campaign(actor, campaign_id, "community.manage_objectives")
        if campaign.link_key:
            raise ValidationError(_("Le lien de réponse de cette campagne est déjà ouvert."))
        campaign.link_key = secrets.token_urlsafe(24)
        campaign.save(update_fields=["link_key", "updated_at"])
        audit_record(actor=actor, action="grading_campaign.link_open", obj=campaign)
    return campaign


def campaign_link_close(*, actor, campaign_id) -> GradingCampaign:
    """Turn the answering link off: its address answers 404 from now on; the answers given stay."""
    _require(actor, "community.manage_objectives")
    with transaction.atomic():
        campaign = GradingCampaign.objects.select_for_update().get(
            pk=campaign_id, organisation_id=actor.organisation_id
        )
        if not campaign.link_key:
            raise ValidationError(_("Le lien de réponse de cette campagne est déjà coupé."))
        campaign.link_key = None
        campaign.save(update_fields=["link_key", "updated_at"])
        audit_record(actor=actor, action="grading_campaign.link_close", obj=campaign)
    return campaign


def answers_submit_by_link(
    *, link_key: str, category: str, values: dict, participant_name: str = ""
) -> list[ObjectiveAnswer]:
    """A participant's own sheet given through the campaign's link: the key names the campaign
    (GradingCampaign.DoesNotExist for an unknown key or a link turned off: a 404 for the page); a closed campaign
    refuses it (ValidationError). All the participant's answers are saved, or none."""
    if not link_key:
        raise GradingCampaign.DoesNotExist
    with transaction.atomic():
        campaign = GradingCampaign.objects.select_for_update().select_related("project").get(link_key=link_key)
        if not campaign.is_open:
            raise ValidationError(campaign_closed_message())
        answers = save_sheet(
            campaign, category=category, values=values, participant_name=participant_name, by_link=True
        )
        audit_record(
            actor=None,
            action="grading_campaign.answer_by_link",
            obj=campaign,
            detail={"category": category},
            organisation=campaign.organisation,
        )
    return answers
