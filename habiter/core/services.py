"""Writes of `core`: API tokens, second factor, organisations. Each writes the audit in its transaction."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .legal import LegalParameters
from .models import ApiToken, AuditEvent, LegalParameter, Organisation, Role, Team, User
from .registry import organisation_setups

TOKEN_PREFIX = "hab_"  # noqa: S105 - a public marker, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token for `actor`; returns the row and the raw token, shown once. Only for the roles the
    API serves (`core.use_api`)."""
    if not actor.has_perm("core.use_api"):
        raise PermissionDenied
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
        audit_record(actor=actor, action="api_token.create", obj=token, detail={"name": token.name})
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


class TokenNeedsReissue(Exception):  # noqa: N818 - a refusal, with the French reason as its message
    """A valid token that the user's second factor makes stale: the API answers 401 with this message."""


def api_token_predates_mfa(token: ApiToken, user) -> bool:
    """A token issued before its user's second factor was confirmed, or — when the second factor is mandatory — of
    a user who has none, was obtained with the password alone: it stops working until a new one is issued."""
    if user.mfa_confirmed_at is not None:
        return token.created_at < user.mfa_confirmed_at
    return bool(settings.HABITER_REQUIRE_MFA)


def api_token_authenticate(raw: str):
    """The active user behind a raw bearer token, or None; raises TokenNeedsReissue for a token issued before the
    user's second factor (`api_token_predates_mfa`)."""
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
    if api_token_predates_mfa(token, token.user):
        raise TokenNeedsReissue(
            _(
                "Ce jeton a été émis avant l'activation de la double authentification de votre compte : "
                "il ne fonctionne plus. Activez-la si ce n'est fait, puis émettez un nouveau jeton (Mon compte)."
            )
        )
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
        actor.mfa_confirmed_at = timezone.now()
        actor.save(update_fields=["mfa_confirmed_at"])
        audit_record(actor=actor, action="otp.enrol", obj=device)
    return device


def otp_reset(*, actor, user_id) -> User:
    """Remove a user's second factor (a lost phone): a director of the same organisation or an operator does it;
    the user enrols again at the next login when it is mandatory. Their API tokens stay refused until re-issued
    after the new enrolment."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        same_organisation = actor.role == Role.DIRECTOR and actor.organisation_id == user.organisation_id
        if not (actor.is_active and (actor.is_superuser or (same_organisation and actor.organisation_id))):
            raise PermissionDenied
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        user.mfa_confirmed_at = None
        user.save(update_fields=["mfa_confirmed_at"])
        audit_record(
            actor=actor, action="otp.reset", obj=user, organisation=user.organisation, detail={"devices": removed}
        )
    return user


def password_change(*, actor, form) -> User:
    """Save the actor's new password from Django's PasswordChangeForm (already valid: the old password checked,
    the new one through AUTH_PASSWORD_VALIDATORS) and journal it. The other sessions of the user end, since their
    hash no longer matches; the view keeps the current one."""
    if not actor.is_authenticated or form.user.pk != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        user = form.save()
        audit_record(actor=actor, action="auth.password_change", obj=user)
    return user


# --- security events -------------------------------------------------------------------------------------------


def _account_of(username):
    """The account a login attempt named, if any (its organisation's journal shows the attempt)."""
    if not username:
        return None
    return User.objects.filter(username=str(username)[:150]).only("id", "organisation_id", "username").first()


def login_failure_record(*, username, locked: bool = False) -> None:
    """Journal a failed login. The name typed is kept only when it is an account's: an unknown one may be a
    password typed in the wrong field, and the journal keeps minimal personal data (CNIL, W41)."""
    account = _account_of(username)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="auth.login_failed",
            obj=account,
            organisation=account.organisation if account and account.organisation_id else None,
            detail={"username": account.username if account else None, "locked": locked},
        )


def lockout_record(*, username) -> None:
    """Journal a lockout (django-axes): too many failures for the account or from the address."""
    account = _account_of(username)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="auth.lockout",
            obj=account,
            organisation=account.organisation if account and account.organisation_id else None,
            detail={"username": account.username if account else None},
        )


def access_refused_record(*, actor, view_name: str, path: str, status: int) -> None:
    """Journal a page or API answer that refused a logged-in user (403, or 404: out of reach or missing)."""
    with transaction.atomic():
        audit_record(
            actor=actor, action="access.refused", detail={"view": view_name, "path": path[:300], "status": status}
        )


def household_read_record(*, actor, kind: str, household_id, obj=None) -> None:
    """Journal a read of a household's file (`reads.journaled_read`): one row, no transaction of its own (the read
    changed nothing, and a savepoint would cost two more queries on every page)."""
    audit_record(actor=actor, action="household.read", obj=obj, household_id=household_id, detail={"read": kind})


def household_list_record(*, actor, kind: str, household_ids) -> None:
    """Journal a list of households found by a typed name (`reads.journaled_list`): one row with the ids shown."""
    audit_record(
        actor=actor, action="household.list", detail={"read": kind, "households": [str(pk) for pk in household_ids]}
    )


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


# --- letterhead and signatories --------------------------------------------------------------------------------

LETTERHEAD_FIELDS = (
    "legal_name",
    "address",
    "phone",
    "email",
    "siret",
    "arrears_signatory_name",
    "arrears_signatory_title",
    "rent_signatory_name",
    "rent_signatory_title",
    "support_signatory_name",
    "support_signatory_title",
    "owner_signatory_name",
    "owner_signatory_title",
)
LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {"PNG": "png", "JPEG": "jpg"}


def _logo_check(uploaded) -> str:
    """The logo's extension, judged from its content: a readable PNG or JPEG of at most 1 MB."""
    import io

    from PIL import Image

    if not uploaded.size:
        raise ValidationError({"logo": _("Le fichier du logo est vide.")})
    if uploaded.size > LOGO_MAX_BYTES:
        raise ValidationError({"logo": _("Le logo dépasse 1 Mo : enregistrez-le en plus petit puis recommencez.")})
    content = uploaded.read()
    uploaded.seek(0)
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            image.verify()
    except Exception as broken:  # noqa: BLE001 - Pillow raises many kinds of errors on a broken or foreign file
        raise ValidationError(
            {"logo": _("Le logo doit être une image PNG ou JPEG lisible (le contenu a été vérifié).")}
        ) from broken
    if image_format not in LOGO_TYPES:
        raise ValidationError({"logo": _("Le logo doit être une image PNG ou JPEG (le contenu a été vérifié).")})
    return LOGO_TYPES[image_format]


def organisation_settings_update(*, actor, values: dict, logo=None, remove_logo: bool = False) -> Organisation:
    """Change the actor's organisation's letterhead (legal name, address, phone, e-mail, SIRET, logo) and the
    signatory of each kind of letter: its director only. A new logo replaces the old file in storage."""
    if not (actor.is_active and actor.organisation_id and actor.role == Role.DIRECTOR):
        raise PermissionDenied
    extension = _logo_check(logo) if logo is not None else None
    old_logo_name = ""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
        changed = []
        for field in LETTERHEAD_FIELDS:
            if field in values:
                value = (values[field] or "").strip()
                if field == "siret":
                    value = value.replace(" ", "")
                if getattr(organisation, field) != value:
                    setattr(organisation, field, value)
                    changed.append(field)
        if "cer_signed_on" in values and values["cer_signed_on"] != organisation.cer_signed_on:
            if values["cer_signed_on"] and values["cer_signed_on"] > timezone.localdate():
                raise ValidationError(
                    {"cer_signed_on": _("La souscription du contrat d'engagement républicain ne peut pas être future.")}
                )
            organisation.cer_signed_on = values["cer_signed_on"]
            changed.append("cer_signed_on")
        organisation.full_clean(exclude=["logo"])
        if (logo is not None or remove_logo) and organisation.logo:
            old_logo_name = organisation.logo.name
            organisation.logo = ""
            changed.append("logo")
        if logo is not None:
            organisation.logo.save(f"logo.{extension}", logo, save=False)
            if "logo" not in changed:
                changed.append("logo")
        try:
            organisation.save()
            audit_record(
                actor=actor, action="organisation.settings", obj=organisation, detail={"changed": sorted(changed)}
            )
        except Exception:
            if logo is not None and organisation.logo:
                organisation.logo.storage.delete(organisation.logo.name)
            raise
        if old_logo_name:
            storage = Organisation._meta.get_field("logo").storage
            transaction.on_commit(lambda: storage.delete(old_logo_name))
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


# --- journal retention ------------------------------------------------------------------------------------------

AUDIT_RETENTION_MIN_DAYS = 180  # CNIL: 6 months at least; the PostgreSQL trigger holds the same floor
AUDIT_RETENTION_MAX_DAYS = 3 * 365  # CNIL: 3 years at most, and only with documented internal-control procedures


def audit_purge(*, now=None, dry_run: bool = False) -> tuple[int, object]:
    """Delete the journal rows older than HABITER_AUDIT_RETENTION_DAYS (DOMAIN-2 W41) and journal the purge: one
    `audit.purge` event per organisation that lost rows (its directors see it), with the count and the cut-off.
    Returns (rows deleted, cut-off). The journal is append-only: on PostgreSQL its trigger lets a DELETE through
    only for rows older than the cut-off this transaction declares (`habiter.audit_purge_before`) and than 180
    days; the model's own guards are bypassed here and nowhere else."""
    days = settings.HABITER_AUDIT_RETENTION_DAYS
    if not AUDIT_RETENTION_MIN_DAYS <= days <= AUDIT_RETENTION_MAX_DAYS:
        raise ValidationError(
            _("La durée de conservation du journal doit être comprise entre %(min)d et %(max)d jours.")
            % {"min": AUDIT_RETENTION_MIN_DAYS, "max": AUDIT_RETENTION_MAX_DAYS}
        )
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        old = AuditEvent.objects.filter(created_at__lt=cutoff)
        per_organisation = dict(
            old.order_by()
            .values_list("organisation_id")
            .annotate(count=models.Count("id"))
            .values_list("organisation_id", "count")
        )
        total = sum(per_organisation.values())
        if dry_run or not total:
            return total, cutoff
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('habiter.audit_purge_before', %s, true)", [cutoff.isoformat()])
        deleted, _by_model = models.QuerySet.delete(old)  # past AuditEventQuerySet.delete, which refuses
        organisations = Organisation.objects.in_bulk([pk for pk in per_organisation if pk])
        for organisation_id, count in per_organisation.items():
            audit_record(
                actor=None,
                action="audit.purge",
                organisation=organisations.get(organisation_id),
                detail={"count": count, "cutoff": cutoff.isoformat(), "retention_days": days},
            )
    return deleted, cutoff
