"""Pages of `leases`: thin views over queries.py and services.py."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.formats import euros
from habiter.core.forms import apply_validation_error
from habiter.core.legal_queries import legal_parameters
from habiter.core.pages import require_perm
from habiter.core.pdf import pdf_response
from habiter.core.reads import journaled_read, read_of
from habiter.core.versioning import StaleVersion, VersionField, show_stale

from . import queries, services
from . import registry as lease_registry
from . import rules as lease_rules
from .forms import (
    CancelForm,
    EndForm,
    HeadLeaseForm,
    IrlForm,
    LeaseFilterForm,
    LeaseForm,
    MandateForm,
    MonthForm,
    ReviewForm,
    SignForm,
    SlideForm,
    irl_form_initial,
)
from .models import Lease, LeaseStatus, RentRevision

PAGE_SIZE = 50


def _lease(user, lease_id):
    try:
        return queries.lease_for_page(user, lease_id)
    except Lease.DoesNotExist:
        raise Http404 from None


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _today():
    return timezone.localdate()


@require_GET
def lease_list(request):
    user = request.user
    require_perm(user, "leases.view_lease")
    form = LeaseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    leases = queries.lease_list(
        user, status=filters.get("status", ""), kind=filters.get("kind", ""), text=filters.get("q", "")
    )
    page = Paginator(leases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "leases/lease_list.html",
        {"form": form, "page": page, "can_manage": user.has_perm("leases.manage_lease")},
    )


@require_http_methods(["GET", "POST"])
def lease_create(request):
    user = request.user
    require_perm(user, "leases.manage_lease")
    initial = {"start_date": _today(), "payment_day": 5, "irl_quarter": 4, "charges": 0, "deposit": 0}
    for key in ("dwelling", "household", "head_lease", "mandate", "kind"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    form = LeaseForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lease = services.lease_create(
                actor=user,
                kind=data["kind"],
                dwelling_id=data["dwelling"].pk,
                household_id=data["household"].pk,
                head_lease_id=data["head_lease"].pk if data["head_lease"] else None,
                mandate_id=data["mandate"].pk if data["mandate"] else None,
                sliding=data["sliding"],
                review_every_months=data["review_every_months"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                rent=data["rent"],
                charges=data["charges"],
                payment_day=data["payment_day"],
                deposit=data["deposit"],
                irl_quarter=data["irl_quarter"],
                irl_base_year=data["irl_base_year"],
                revision_anchor=data["revision_anchor"],
                guarantee=data["guarantee"],
                visale_number=data["visale_number"],
                fsl_guarantee_reference=data["fsl_guarantee_reference"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Bail préparé. Il reste à le signer."))
            return redirect("leases:lease_detail", lease.pk)
    return render(request, "leases/lease_form.html", {"form": form})


@require_GET
@journaled_read("leases.lease")
def lease_detail(request, lease_id):
    user = request.user
    lease = _lease(user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    params = legal_parameters()
    notice_date = None
    if lease.sliding and lease.review_period_end:
        notice_date = lease_rules.landlord_notice_date(lease.review_period_end, params=params)
    can_manage = user.has_perm("leases.manage_lease")
    return render(
        request,
        "leases/lease_detail.html",
        {
            "lease": lease,
            "slid_to": queries.slid_to(lease) if lease.status == LeaseStatus.SLID else None,
            "notice_date": notice_date,
            "can_manage": can_manage,
            "can_review": user.has_perm("leases.review_sliding")
            and lease.sliding
            and lease.status == LeaseStatus.SIGNED,
            "can_open_household": user.has_perm("people.view_household", lease.household),
            "can_see_dwelling": user.has_perm("housing.view_stock"),
            "transitions": lease_rules.LEASE_TRANSITIONS[lease.status] if can_manage else (),
            "lease_panels": lease_registry.lease_panels(lease, user),
            "today": _today(),
        },
    )


def _lease_action(request, lease_id, *, perm, form_class, initial, perform, template, success, title, confirm=None):
    """A lease's action page. `confirm(lease, data)`: for an action that cannot be undone, the Confirmation shown
    before it is performed (core.confirm)."""
    user = request.user
    require_perm(user, perm)
    lease = _lease(user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    form = _versioned(form_class(request.POST or None, initial=initial | {"version": lease.version}))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if confirm is not None and not is_confirmed(request):
            return confirmation_page(request, confirm(lease, data))
        version = data.pop("version") or 0
        try:
            result = perform(user, lease, data, version)
        except StaleVersion as stale:
            lease = _lease(user, lease_id)
            show_stale(form, stale, _versioned(form_class(initial=initial | {"version": lease.version})))
        except ValidationError as error:
            apply_validation_error(form, error)
        except (Lease.DoesNotExist, PermissionDenied):
            raise Http404 from None
        else:
            messages.success(request, success)
            target = result if isinstance(result, Lease) else lease
            return redirect("leases:lease_detail", target.pk)
    return render(request, template, {"form": form, "lease": lease, "title": title})


def _versioned(form):
    """A lease action's form, with the version of the lease it showed (core.versioning)."""
    form.fields["version"] = VersionField()
    return form


@require_http_methods(["GET", "POST"])
@journaled_read("leases.lease_form")
def lease_sign(request, lease_id):
    return _lease_action(
        request,
        lease_id,
        perm="leases.manage_lease",
        form_class=SignForm,
        initial={"signed_on": _today()},
        perform=lambda user, lease, data, version: services.lease_sign(
            actor=user,
            lease_id=lease.pk,
            signed_on=data["signed_on"],
            comment=data["comment"],
            expected_version=version,
        ),
        template="leases/lease_action.html",
        success=_("Bail signé."),
        title=_("Signer le bail"),
    )


@require_http_methods(["GET", "POST"])
@journaled_read("leases.lease_form")
def lease_end(request, lease_id):
    return _lease_action(
        request,
        lease_id,
        perm="leases.manage_lease",
        form_class=EndForm,
        initial={},
        perform=lambda user, lease, data, version: services.lease_end(
            actor=user,
            expected_version=version,
            lease_id=lease.pk,
            end_date=data["end_date"],
            notice_given_on=data["notice_given_on"],
            notice_reduced=data["notice_reduced"],
            moved_out_on=data["moved_out_on"],
            relet_on=data["relet_on"],
            comment=data["comment"],
        ),
        template="leases/lease_action.html",
        success=_("Bail terminé."),
        title=_("Mettre fin au bail"),
        confirm=_end_confirmation,
    )


def _lease_facts(lease) -> list:
    return [
        (_("Ménage"), lease.household.name),
        (_("Logement"), f"{lease.dwelling.reference}, {lease.dwelling.city}"),
        (_("Bail"), lease.get_kind_display()),
    ]


def _end_confirmation(lease, data) -> Confirmation:
    return Confirmation(
        title=_("Mettre fin au bail"),
        facts=[*_lease_facts(lease), (_("Fin du bail le"), f"{data['end_date']:%d/%m/%Y}")],
        consequences=[
            _("Le bail passe à l'état « terminé » : il ne se rouvre pas."),
            _("Plus aucun loyer n'est appelé après la fin du bail ; le dernier mois est calculé au prorata."),
            _("Le dépôt de garantie devra être restitué dans le délai légal après la remise des clés."),
        ],
        action=_("Confirmer la fin du bail"),
        cancel_url=reverse("leases:lease_detail", args=[lease.pk]),
    )


def _slide_confirmation(lease, data) -> Confirmation:
    return Confirmation(
        title=_("Faire glisser le bail"),
        facts=[*_lease_facts(lease), (_("Glissement le"), f"{data['on_date']:%d/%m/%Y}")],
        consequences=[
            _(
                "La sous-location et le bail principal prennent fin la veille, et un bail direct entre le "
                "propriétaire et le ménage commence à cette date : le ménage devient locataire en titre."
            ),
            _("Le glissement ne se défait pas."),
        ],
        action=_("Confirmer le glissement"),
        cancel_url=reverse("leases:lease_detail", args=[lease.pk]),
    )


@require_http_methods(["GET", "POST"])
@journaled_read("leases.lease_form")
def lease_cancel(request, lease_id):
    return _lease_action(
        request,
        lease_id,
        perm="leases.manage_lease",
        form_class=CancelForm,
        initial={"on_date": _today()},
        perform=lambda user, lease, data, version: services.lease_cancel(
            actor=user, lease_id=lease.pk, on_date=data["on_date"], comment=data["comment"], expected_version=version
        ),
        template="leases/lease_action.html",
        success=_("Bail abandonné."),
        title=_("Abandonner ce bail (jamais signé)"),
    )


@require_http_methods(["GET", "POST"])
@journaled_read("leases.lease_form")
def review_create(request, lease_id):
    return _lease_action(
        request,
        lease_id,
        perm="leases.review_sliding",
        form_class=ReviewForm,
        initial={"held_on": _today()},
        perform=lambda user, lease, data, version: services.sliding_review_record(
            actor=user, lease_id=lease.pk, expected_version=version, **data
        ),
        template="leases/lease_action.html",
        success=_("Bilan enregistré."),
        title=_("Bilan du bail glissant"),
    )


@require_http_methods(["GET", "POST"])
@journaled_read("leases.lease_form")
def lease_slide(request, lease_id):
    return _lease_action(
        request,
        lease_id,
        perm="leases.manage_lease",
        form_class=SlideForm,
        initial={"on_date": _today()},
        perform=lambda user, lease, data, version: services.lease_slide(
            actor=user, lease_id=lease.pk, on_date=data["on_date"], expected_version=version
        ),
        template="leases/lease_action.html",
        success=_("Le bail a glissé : le ménage est désormais locataire en titre."),
        title=_("Faire glisser le bail"),
        confirm=_slide_confirmation,
    )


@require_GET
def head_lease_list(request):
    user = request.user
    require_perm(user, "leases.view_lease")
    today = _today()
    return render(
        request,
        "leases/head_lease_list.html",
        {
            "head_leases": queries.head_leases_of(user).order_by("ended_on", "-start_date")[:200],
            "mandates": queries.mandates_of(user).order_by("-start_date")[:200],
            "ending": {h.pk for h in queries.emphyteutic_ending(user, today)},
            "can_manage": user.has_perm("leases.manage_lease"),
        },
    )


@require_http_methods(["GET", "POST"])
def head_lease_create(request):
    user = request.user
    require_perm(user, "leases.manage_lease")
    initial = {"start_date": _today(), "charges": 0, "kind": "ordinary"}
    dwelling = queries.dwellings_for_leasing(user).filter(pk=_uuid_or_none(request.GET.get("dwelling"))).first()
    if dwelling is not None:  # taking a captured dwelling: its owner and surface are the lease's
        initial |= {"dwelling": dwelling.pk, "owner": dwelling.owner_id, "surface": dwelling.surface}
    form = HeadLeaseForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.head_lease_create(
                actor=user,
                kind=data["kind"],
                owner_id=data["owner"].pk,
                dwelling_id=data["dwelling"].pk if data["dwelling"] else None,
                building_id=data["building"].pk if data["building"] else None,
                surface=data["surface"],
                rent=data["rent"],
                charges=data["charges"],
                start_date=data["start_date"],
                end_date=data["end_date"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Bail principal enregistré."))
            return redirect("leases:head_lease_list")
    return render(request, "leases/simple_form.html", {"form": form, "title": _("Nouveau bail principal")})


@require_http_methods(["GET", "POST"])
def mandate_create(request):
    user = request.user
    require_perm(user, "leases.manage_lease")
    form = MandateForm(request.POST or None, user=user, initial={"start_date": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mandate_create(
                actor=user,
                owner_id=data["owner"].pk,
                dwelling_id=data["dwelling"].pk,
                fee_rate=data["fee_rate"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                payout_iban=data["payout_iban"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Mandat de gestion enregistré."))
            return redirect("leases:head_lease_list")
    return render(request, "leases/simple_form.html", {"form": form, "title": _("Nouveau mandat de gestion")})


@require_http_methods(["GET", "POST"])
def revision_batch(request):
    """The month's revisions: each lease due with its new rent or why it is skipped; the manager ticks the
    ones to apply."""
    user = request.user
    require_perm(user, "leases.revise_rent")
    today = _today()
    month_form = MonthForm(request.GET or None, initial={"month": today.replace(day=1)})
    month = month_form.cleaned_data["month"] if month_form.is_valid() else today.replace(day=1)
    lines = queries.revision_batch(user, month, today)
    if request.method == "POST" and not is_confirmed(request):
        chosen = set(request.POST.getlist("lease"))
        picked = [line for line in lines if str(line.lease.pk) in chosen]
        return confirmation_page(
            request,
            Confirmation(
                title=_("Appliquer les révisions de loyer"),
                facts=[
                    (
                        f"{line.lease.household.name} — {line.lease.dwelling.reference}",
                        _("%(old)s € → %(new)s €") % {"old": euros(line.lease.rent), "new": euros(line.new_rent)}
                        if line.new_rent is not None
                        else _("non révisable"),
                    )
                    for line in picked
                ],
                consequences=[
                    ngettext(
                        "%(count)d bail voit son loyer révisé : "
                        "les prochains appels de loyer portent le nouveau montant.",
                        "%(count)d baux voient leur loyer révisé : "
                        "les prochains appels de loyer portent le nouveau montant.",
                        len(picked),
                    )
                    % {"count": len(picked)},
                    _("Une révision appliquée ne s'annule pas ; la lettre au locataire est produite."),
                ],
                action=_("Confirmer les révisions"),
                cancel_url=reverse("leases:revision_batch") + f"?month={month:%Y-%m}",
            ),
        )
    if request.method == "POST":
        try:
            revisions = services.rent_revisions_apply(
                actor=user, month=month, lease_ids=request.POST.getlist("lease"), today=today
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d révision appliquée. La lettre au locataire est prête.",
                    "%(count)d révisions appliquées. Les lettres aux locataires sont prêtes.",
                    len(revisions),
                )
                % {"count": len(revisions)},
            )
            url = reverse("leases:revision_batch") + f"?month={month:%Y-%m}"
            return redirect(url)
    applied = RentRevision.objects.filter(
        lease__in=queries.leases_visible_to(user), revision_date__year=month.year, revision_date__month=month.month
    ).select_related("lease", "lease__dwelling", "lease__household")
    return render(
        request,
        "leases/revision_batch.html",
        {"month_form": month_form, "month": month, "lines": lines, "applied": applied},
    )


@require_GET
@journaled_read("leases.revision_letter")
def revision_letter(request, revision_id):
    user = request.user
    require_perm(user, "leases.view_lease")
    try:
        revision = queries.revision_for_letter(user, revision_id)
    except RentRevision.DoesNotExist:
        raise Http404 from None
    lease = revision.lease
    read_of(request, household_id=lease.household_id, obj=revision)
    return pdf_response(
        "leases/revision_letter.html",
        {
            "revision": revision,
            "lease": lease,
            "organisation": user.organisation,
            "landlord": lease.landlord.name if lease.landlord else user.organisation.name,
            "members": lease.household.members.order_by("birth_date", "last_name"),
            "today": _today(),
        },
        filename=f"revision-loyer-{revision.pk}.pdf",
    )


@require_http_methods(["GET", "POST"])
def irl(request):
    user = request.user
    require_perm(user, "leases.view_lease")
    can_manage = user.has_perm("leases.manage_irl")
    form = IrlForm(request.POST or None, initial=irl_form_initial(request.GET)) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.irl_add(actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Indice enregistré."))
                return redirect("leases:irl")
    awaited = queries.indices_awaited(user, _today()) if user.has_perm("leases.revise_rent") else []
    return render(request, "leases/irl.html", {"form": form, "indices": queries.irl_table()[:120], "awaited": awaited})
