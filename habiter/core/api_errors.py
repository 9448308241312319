"""The API answers every error in JSON with a French `detail`, even the ones no API code wrote.

The API's exception handlers (habiter/api.py) answer what happens inside an operation. What happens around it is
answered by Django or by a library, in HTML or in English: an address that matches no route (404), a method the
route does not have (django-ninja's 405), the lockout page of django-axes (429), an error in a middleware (500).
`ApiErrorMiddleware` rewrites those answers, under /api/, into `{"detail": "<French>"}` with the same status and
headers.
"""

import json

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

API_PREFIX = "/api/"

STATUS_MESSAGES = {
    400: gettext_lazy("Requête invalide."),
    401: gettext_lazy("Authentification requise : jeton absent, invalide, expiré ou révoqué."),
    403: gettext_lazy("Action non autorisée."),
    404: gettext_lazy("Introuvable."),
    405: gettext_lazy("Méthode non autorisée pour cette adresse."),
    413: gettext_lazy("Requête trop volumineuse : le corps dépasse la taille admise."),
    429: gettext_lazy("Trop de requêtes : patientez avant de réessayer."),
    500: gettext_lazy("Erreur interne du serveur : l'incident est enregistré, réessayez plus tard."),
}
LOCKED_OUT = gettext_lazy("Compte bloqué après trop d'échecs : réessayez dans une heure.")
# django-ninja's own texts, replaced by the French message of their status.
ENGLISH_DEFAULTS = {"", "Unauthorized", "Forbidden", "Not Found", "Too many requests.", "Method not allowed"}


def api_error_detail(status: int, message: str) -> str:
    if message in ENGLISH_DEFAULTS:
        return str(STATUS_MESSAGES.get(status) or _status_class_message(status))
    return message


def _status_class_message(status: int) -> str:
    return str(STATUS_MESSAGES[500] if status >= 500 else _("Requête refusée."))


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class ApiErrorMiddleware:
    """Under /api/, an error answer that is not JSON becomes `{"detail": "<French>"}`, same status and headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith(API_PREFIX) or _is_json(response):
            return response
        status = response.status_code
        if status == 429 and getattr(request, "axes_locked_out", False):
            detail = str(LOCKED_OUT)
        elif status == 405 and response.has_header("Allow"):
            detail = _("Méthode non autorisée pour cette adresse (acceptées : %(methods)s).") % {
                "methods": response["Allow"]
            }
        else:
            detail = str(STATUS_MESSAGES.get(status) or _status_class_message(status))
        if response.streaming:
            from django.http import JsonResponse

            response = JsonResponse({"detail": detail}, status=status)
        else:
            response.content = json.dumps({"detail": detail}, ensure_ascii=False).encode()
        response["Content-Type"] = "application/json; charset=utf-8"
        add_never_cache_headers(response)
        return response
