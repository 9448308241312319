import logging
import secrets
import uuid
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.urls import reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_prometheus.exports import ExportToDjangoView

from . import background, queries, registry, services
from .backends import user_has_confirmed_device
from .forms import ApiTokenForm, AuditFilterForm, LoginForm, OtpCodeForm, PasswordChangeForm

logger = logging.getLogger(__name__)


class HabiterLoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Set by SessionActivityMiddleware when it ended a session past its absolute lifetime.
        return super().get_context_data(**kwargs) | {
            "session_ended": self.request.session.pop("_ended", False),
            "session_max_hours": settings.HABITER_SESSION_MAX_HOURS,
        }


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user changes their own password: the current one, then the new one twice (the password rules of the
    settings apply). Saved and journaled by `services.password_change`; this session stays open, the others end."""

    template_name = "core/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:account")

    def form_valid(self, form):
        user = services.password_change(actor=self.request.user, form=form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Votre mot de passe est changé."))
        return redirect(self.get_success_url())


logout_view = auth_views.LogoutView.as_view()


@login_not_required
@require_GET
def health(request):
    """A trivial view: the reference for benchmarks and for load balancers."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
def readiness(request):
    """Ready to serve (`/sante/pret/`): the database answers, the file storage writes, reads and deletes, and the
    background tasks run (at once with the immediate backend, else a worker's recent heartbeat). 200 when all are
    "ok", 503 naming the failing part by an error code; nothing else is told, nothing is journaled."""
    checks = {"database": _check_database(), "storage": _check_storage(), "tasks": _check_tasks()}
    ready = all(value == "ok" for value in checks.values())
    response = JsonResponse(checks, status=200 if ready else 503)
    response["Cache-Control"] = "no-cache"
    return response


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("Readiness: database unavailable (%s)", type(error).__name__)
        return "unavailable"
    return "ok"


def _check_storage() -> str:
    """A small probe file written, read back and deleted through the default storage (a folder or S3)."""
    content = secrets.token_hex(8).encode()
    name = None
    try:
        name = default_storage.save(f"sante/sonde-{secrets.token_hex(8)}.txt", ContentFile(content))
        with default_storage.open(name, "rb") as probe:
            read = probe.read()
        default_storage.delete(name)
        name = None
    except Exception as error:
        logger.warning("Readiness: storage unavailable (%s)", type(error).__name__)
        return "unavailable"
    finally:
        if name is not None:
            try:
                default_storage.delete(name)
            except Exception:
                logger.warning("Readiness: storage probe %s left behind", name)
    return "ok" if read == content else "read_mismatch"


def _check_tasks() -> str:
    if isinstance(task_backends["default"], ImmediateBackend):
        return "ok"
    try:
        alive = background.worker_seen_recently()
    except Exception as error:
        logger.warning("Readiness: worker heartbeat unreadable (%s)", type(error).__name__)
        return "unavailable"
    return "ok" if alive else "no_worker"


@login_not_required
@require_GET
def metrics(request):
    """The Prometheus metrics (`/metriques/`): for a staff user (whose second factor the middleware asked), or a
    scraper sending `Authorization: Bearer <HABITER_METRICS_TOKEN>`; anyone else gets a 404, as if it did not
    exist."""
    token = settings.HABITER_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    by_token = bool(token) and constant_time_compare(header, f"Bearer {token}")
    if not (by_token or (request.user.is_authenticated and request.user.is_staff)):
        raise Http404
    return ExportToDjangoView(request)


@require_GET
def health_session(request):
    """The same trivial view behind the login: what any logged-in page costs before its own work (session, user,
    second factor, every middleware). The reference of the benchmarks' page ratios; a monitoring probe that logs
    in can also use it to check the whole login path."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def home(request):
    return render(request, "core/home.html", {"panels": registry.home_panels(request.user)})


@require_GET
def account(request):
    return render(
        request,
        "core/account.html",
        {
            "has_second_factor": user_has_confirmed_device(request.user),  # read with the user, no query
            "tokens": queries.api_tokens_of(request.user),
            "can_use_api": request.user.has_perm("core.use_api"),
        },
    )


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    if request.user.is_verified() or not user_has_device(request.user):
        return redirect(_safe_next(request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", _("Code incorrect ou expiré."))
    return render(request, "core/otp_verify.html", {"form": form, "next": _safe_next(request, "")})


@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    if user_has_device(request.user):
        messages.info(request, _("La double authentification est déjà active sur votre compte."))
        return redirect("core:account")
    device = services.otp_enrolment_start(actor=request.user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_enrolment_confirm(actor=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            otp_login(request, device)
            messages.success(request, _("Double authentification activée."))
            return redirect("core:account")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    qr_svg = image.to_string(encoding="unicode")
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "core/otp_enrol.html",
        {"form": form, "qr_svg": mark_safe(qr_svg), "secret": secret},  # noqa: S308 - generated SVG, no user text
    )


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """A role the API does not serve has no token to manage; one it held before a change of role can still be
    revoked from this page."""
    can_use_api = request.user.has_perm("core.use_api")
    tokens = queries.api_tokens_of(request.user)
    if not can_use_api and (request.method == "POST" or not tokens.exists()):
        raise Http404
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = {"token": token, "raw": raw}
            form = ApiTokenForm()
    return render(
        request,
        "core/api_tokens.html",
        {"form": form, "created": created, "tokens": tokens, "can_use_api": can_use_api},
    )


@require_http_methods(["GET", "POST"])
def api_token_revoke(request, token_id):
    token = get_object_or_404(queries.api_tokens_of(request.user), pk=token_id)
    if request.method == "POST":
        services.api_token_revoke(actor=request.user, token_id=token.pk)
        messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
        return redirect("core:api_tokens")
    return render(request, "core/api_token_revoke.html", {"token": token})


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@require_GET
def audit_log(request):
    if not request.user.has_perm("core.view_audit"):
        raise Http404
    form = AuditFilterForm(request.GET or None, users=queries.organisation_users(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    events = queries.audit_events_for(
        request.user,
        actor_id=getattr(filters.get("user"), "pk", None),
        person=filters.get("person"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        household_id=_uuid_or_none(request.GET.get("household")),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    labels = registry.household_labels(
        request.user.organisation_id, {e.household_id for e in page.object_list if e.household_id}
    )
    rows = [
        {
            "event": e,
            "action": registry.audit_action_label(e.action, e.detail),
            "household": labels.get(e.household_id),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def organisation_settings(request):
    """The organisation's letterhead and signatories: its director only (others: not found)."""
    from .forms import OrganisationSettingsForm, apply_validation_error
    from .services import LETTERHEAD_FIELDS

    if not request.user.has_perm("core.change_organisation_settings"):
        raise Http404
    organisation = request.user.organisation
    initial = {field: getattr(organisation, field) for field in LETTERHEAD_FIELDS}
    initial["cer_signed_on"] = organisation.cer_signed_on
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_settings_update(
                actor=request.user,
                values={field: data[field] for field in (*LETTERHEAD_FIELDS, "cer_signed_on")},
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Les coordonnées et les signataires de l'association sont enregistrés."))
            return redirect("core:organisation_settings")
    return render(request, "core/organisation_settings.html", {"form": form, "organisation": organisation})


@require_GET
def legal_parameter_list(request):
    """The legal numbers the rules apply, each with its period, status and source (read-only here; the
    platform's operators change them)."""
    from .models import LegalParameter

    parameters = LegalParameter.objects.order_by("key", "territory", "valid_from")
    return render(request, "core/legal_parameters.html", {"parameters": parameters})
