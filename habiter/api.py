"""API v1: one Ninja instance; each app contributes a router. Errors are `{"detail": "<French>"}`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from habiter.core.api import BearerAuth
from habiter.core.api import router as auth_router
from habiter.housing.api import router as housing_router
from habiter.leases.api import router as leases_router
from habiter.ledger.api import router as ledger_router
from habiter.people.api import router as households_router
from habiter.reception.api import router as reception_router
from habiter.support.api import router as support_router

api = NinjaAPI(
    title="Habiter API",
    version="1",
    description="API de Habiter : jetons porteurs (Authorization: Bearer …), identifiants UUID, erreurs en français.",
    urls_namespace="api-v1",
    auth=BearerAuth(),
    docs_url=None,  # the interactive docs page loads scripts from a CDN: integrators read openapi.json
)
api.add_router("/auth/", auth_router)
api.add_router("/households", households_router)
api.add_router("/households", support_router)
api.add_router("/reception", reception_router)
api.add_router("/", housing_router)
api.add_router("/", leases_router)
api.add_router("/", ledger_router)


def _where(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts)


FRENCH_TYPES = {
    "missing": "champ obligatoire",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_type": "date invalide (AAAA-MM-JJ attendu)",
    "string_type": "texte attendu",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "uuid_parsing": "identifiant invalide",
    "enum": "valeur non autorisée",
    "literal_error": "valeur non autorisée",
    "list_type": "liste attendue",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "string_too_long": "texte trop long",
    "json_invalid": "JSON invalide",
    "model_attributes_type": "objet JSON attendu",
    "dict_type": "objet JSON attendu",
    "bool_parsing": "booléen attendu",
    "extra_forbidden": "champ inconnu",
}


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc):
    messages = []
    for error in exc.errors:
        where = _where(error.get("loc", ()))
        what = FRENCH_TYPES.get(error.get("type"), "valeur invalide")
        messages.append(f"{where} : {what}" if where else what)
    return api.create_response(request, {"detail": "Requête invalide : " + " ; ".join(messages) + "."}, status=400)


@api.exception_handler(ValidationError)
def on_domain_invalid(request, exc):
    if hasattr(exc, "error_dict"):
        messages = [f"{field} : {m}" if field != "__all__" else m for field, ms in exc.message_dict.items() for m in ms]
    else:
        messages = exc.messages
    return api.create_response(request, {"detail": " ".join(messages)}, status=400)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Authentification requise : jeton absent, invalide, expiré ou révoqué."},
        status=401,
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "Introuvable."}, status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, {"detail": "Action non autorisée."}, status=403)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
