"""Writes of `core`: API tokens, second factor, organisations. Each writes the audit in its transaction."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .legal import LegalParameters
from .models import ApiToken, LegalParameter, Organisation, Team
from .registry import organisation_setups

TOKEN_PREFIX = "hab_"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token for `actor`; returns the row and the raw token, shown once."""
    name = (name or "").strip() or _("Jeton sans nom")
    if len(name) > 100:
        raise ValidationError({"name": _("Le nom du jeton ne peut dépasser 100 caractères.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(
            user=actor,
            name=name,
            key_prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
            key_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=settings.HABITER_API_TOKEN_DAYS),
        )
        token.full_clean()
        token.save()
        audit_record(actor=actor, action="api_token.create", obj=token)
    return token, raw


def api_token_revoke(*, actor, token_id) -> ApiToken:
    """Revoke one of the actor's own tokens; another user's token is not found."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=actor)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def api_token_authenticate(raw: str):
    """The active user behind a raw bearer token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def otp_enrolment_start(*, actor) -> TOTPDevice:
    """The actor's unconfirmed TOTP device, created if needed (its secret is shown as a QR code)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name=_("Application d'authentification"), confirmed=False)
    return device


def otp_enrolment_confirm(*, actor, code: str) -> TOTPDevice:
    """Confirm the actor's pending TOTP device with a code from their app."""
    code = (code or "").replace(" ", "")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
        if device is None:
            raise ValidationError(_("Aucun enrôlement en cours : rechargez la page."))
        if not code.isdigit() or not device.verify_token(code):
            raise ValidationError(_("Code incorrect ou expiré : saisissez le code à 6 chiffres affiché maintenant."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk).delete()
        audit_record(actor=actor, action="otp.enrol", obj=device)
    return device


def organisation_create(*, name: str, team_names=()) -> Organisation:
    """Create an organisation and its teams; the apps' defaults (taxonomies) are installed by them."""
    with transaction.atomic():
        organisation = Organisation(name=name)
        organisation.full_clean()
        organisation.save()
        for team_name in team_names:
            Team.objects.create(organisation=organisation, name=team_name)
        for setup in organisation_setups():
            setup(organisation)
        audit_record(actor=None, action="organisation.create", obj=organisation, organisation=organisation)
    return organisation


# --- legal parameters ---------------------------------------------------------------------------------------


def legal_parameter_save(*, actor, parameter: LegalParameter) -> LegalParameter:
    """Save a new or changed legal parameter (platform operators only): the table must still hold together —
    one value per day for each key and territory — and the change is written to the audit log. Rows are never
    deleted: a rule that changes gets a new period."""
    if not (actor.is_active and actor.is_superuser):
        raise PermissionDenied
    with transaction.atomic():
        others = LegalParameter.objects.select_for_update().exclude(pk=parameter.pk)
        try:
            LegalParameters([*others, parameter])
        except ValueError as error:
            raise ValidationError(str(error)) from None
        created = parameter._state.adding
        parameter.changed_by = actor
        parameter.full_clean()
        parameter.save()
        audit_record(
            actor=actor,
            action="legal_parameter.create" if created else "legal_parameter.change",
            obj=parameter,
            detail={"key": parameter.key, "territory": parameter.territory, "value": parameter.value},
        )
    return parameter
