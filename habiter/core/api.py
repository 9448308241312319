"""API authentication: bearer tokens obtained with a user name and password (and TOTP code)."""

from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django_otp import match_token, user_has_device
from ninja import Router, Schema
from ninja.errors import HttpError, Throttled
from ninja.security import HttpBearer

from . import registry, services
from .throttling import AuthFailureThrottle, TokenRequestThrottle


class BearerAuth(HttpBearer):
    def __call__(self, request):
        """Refuses an address over its limit of failed authentications (429), then counts this one if it fails."""
        failures = AuthFailureThrottle()
        if failures.exceeded(request):
            raise Throttled(wait=failures.wait())
        try:
            user = super().__call__(request)
        except HttpError:
            failures.allow_request(request)
            raise
        if not user:
            failures.allow_request(request)
        return user

    def authenticate(self, request, token):
        try:
            user = services.api_token_authenticate(token)
        except services.TokenNeedsReissue as refusal:
            raise HttpError(401, str(refusal)) from None
        if user is not None:
            gate = registry.holding_gate(user)
            if gate is not None:
                raise HttpError(403, str(gate.api_message))
            request.user = user
        return user


router = Router(tags=["authentification"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post(
    "/token",
    auth=None,
    throttle=[TokenRequestThrottle()],
    response={200: TokenOut},
    summary="Obtenir un jeton porteur",
)
def token_obtain(request, payload: TokenIn):
    credentials = {"username": payload.username}
    if AxesProxyHandler.is_locked(request, credentials):
        raise HttpError(429, "Compte bloqué après trop d'échecs : réessayez dans une heure.")
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if AxesProxyHandler.is_locked(request, credentials):
            raise HttpError(429, "Compte bloqué après trop d'échecs : réessayez dans une heure.")
        raise HttpError(401, "Identifiant ou mot de passe incorrect.")
    if settings.HABITER_REQUIRE_MFA and not user_has_device(user):
        raise HttpError(403, "Activez d'abord la double authentification dans Habiter (Mon compte).")
    if user_has_device(user):
        if not payload.otp:
            raise HttpError(401, "Code de double authentification requis (champ « otp »).")
        if match_token(user, payload.otp.replace(" ", "")) is None:
            raise HttpError(401, "Code de double authentification incorrect ou expiré.")
    token, raw = services.api_token_create(actor=user, name="API")
    return {"token": raw, "expires_at": token.expires_at}
