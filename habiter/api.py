"""API v1: one Ninja instance; each app contributes a router. Errors are `{"detail": "<French>"}`, whatever
went wrong: a refused input, a missing row, a throttle, a body too large, an unexpected error (500, logged)."""

import logging
import math

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from habiter.core.api import BearerAuth
from habiter.core.api import router as auth_router
from habiter.core.api_errors import STATUS_MESSAGES, api_error_detail
from habiter.core.api_inputs import FIRST_YEAR, LAST_YEAR, HabiterParser, RefusedText
from habiter.core.throttling import UserThrottle
from habiter.housing.api import router as housing_router
from habiter.leases.api import router as leases_router
from habiter.ledger.api import router as ledger_router
from habiter.people.api import router as households_router
from habiter.reception.api import router as reception_router
from habiter.reporting.api import router as reporting_router
from habiter.residences.api import router as residences_router
from habiter.support.api import router as support_router

logger = logging.getLogger("habiter.api")

# The errors every operation may answer, added to each operation of the OpenAPI schema (integrators and the
# schema-driven tests see them); an operation's own answers (201, 409…) stay as it declares them.
COMMON_ERRORS = (400, 401, 403, 404, 405, 413, 429, 500)
DETAIL_SCHEMA = {
    "title": "Detail",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}


class HabiterApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Detail"] = DETAIL_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status in COMMON_ERRORS:
                    responses.setdefault(
                        status,
                        {
                            "description": STATUS_MESSAGES[status],
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}},
                        },
                    )
        return schema


api = HabiterApi(
    title="Habiter API",
    version="1",
    description="API de Habiter : jetons porteurs (Authorization: Bearer …), identifiants UUID, erreurs en français.",
    urls_namespace="api-v1",
    auth=BearerAuth(),
    docs_url=None,  # the interactive docs page loads scripts from a CDN: integrators read openapi.json
    parser=HabiterParser(),
    throttle=[UserThrottle()],
)
api.add_router("/auth/", auth_router)
api.add_router("/households", households_router)
api.add_router("/households", support_router)
api.add_router("/reception", reception_router)
api.add_router("/", housing_router)
api.add_router("/", leases_router)
api.add_router("/", ledger_router)
api.add_router("/", residences_router)
api.add_router("/", reporting_router)


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
    "date_out_of_range": f"date hors de la plage admise ({FIRST_YEAR}–{LAST_YEAR})",
    "datetime_parsing": "date et heure invalides (AAAA-MM-JJTHH:MM attendu)",
    "datetime_from_date_parsing": "date et heure invalides (AAAA-MM-JJTHH:MM attendu)",
    "datetime_type": "date et heure invalides (AAAA-MM-JJTHH:MM attendu)",
    "decimal_parsing": "montant invalide (nombre décimal attendu, par exemple « 612.40 »)",
    "decimal_type": "montant invalide (nombre décimal attendu, par exemple « 612.40 »)",
    "decimal_max_places": "montant invalide : deux décimales au plus",
    "decimal_max_digits": "montant trop grand",
    "decimal_whole_digits": "montant trop grand",
    "finite_number": "nombre fini attendu",
    "greater_than": "valeur trop petite",
    "less_than": "valeur trop grande",
    "int_from_float": "nombre entier attendu",
    "string_pattern_mismatch": "format invalide",
    "string_too_short": "texte trop court",
    "too_long": "liste trop longue",
    "too_short": "liste trop courte",
    "uuid_type": "identifiant invalide",
    "uuid_version": "identifiant invalide",
    "model_type": "objet JSON attendu",
    "bool_type": "booléen attendu",
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
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = _body_refused(exc)
    return api.create_response(request, {"detail": api_error_detail(exc.status_code, detail)}, status=exc.status_code)


@api.exception_handler(RefusedText)
def on_refused_text(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


def _body_refused(exc):
    """django-ninja wraps every failure to read the body in an HttpError(400); say which in French."""
    if isinstance(exc.__cause__, RefusedText):
        return str(exc.__cause__)
    return _("Requête invalide : le corps de la requête n'est pas un JSON lisible (UTF-8, objet attendu).")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return api.create_response(request, {"detail": STATUS_MESSAGES[413]}, status=413)


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    response = api.create_response(request, {"detail": STATUS_MESSAGES[429]}, status=429)
    if exc.wait is not None:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    """An error no handler expected: logged with its traceback, answered without it."""
    logger.error("Erreur inattendue de l'API : %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(request, {"detail": STATUS_MESSAGES[500]}, status=500)
