"""Pages of the partners and their agreements: thin views over queries.py and partners.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404, require_perm

from . import partner_merge as merging
from . import partners as services
from . import queries, rules
from .forms import AgreementForm, PartnerContactForm, PartnerForm, PartnerMergeForm, PartnerSeatForm, SeatEndForm
from .models import Partner, PartnerKind


@require_GET
def partner_list(request):
    """The organisation's partners, filtered by kind."""
    user = request.user
    require_perm(user, "community.view_partners")
    kind = request.GET.get("type", "")
    if kind not in PartnerKind.values:
        kind = ""
    return render(
        request,
        "community/partner_list.html",
        {
            "partners": queries.partner_list(user, kind),
            "kinds": PartnerKind.choices,
            "kind": kind,
            "can_manage": user.has_perm("community.manage_partners"),
            "likely_duplicates": merging.likely_duplicates(user),
        },
    )


@require_GET
def partner_detail(request, partner_id):
    """A partner: its coordinates, contacts and agreements with their status."""
    user = request.user
    partner = get_or_404(queries.partner_for_page, user, partner_id)
    today = timezone.localdate()
    agreements = [
        (
            agreement,
            rules.agreement_status(
                starts_on=agreement.starts_on,
                ends_on=agreement.ends_on,
                alert_on=agreement.alert_on,
                notice_days=agreement.renewal_notice_days,
                today=today,
            ),
        )
        for agreement in partner.agreements.all()
    ]
    return render(
        request,
        "community/partner_detail.html",
        {
            "partner": partner,
            "contacts": list(partner.contacts.all()),
            "agreements": agreements,
            "seats": [(seat, seat.current_on(today)) for seat in partner.seats.all()],
            "can_manage": user.has_perm("community.manage_partners"),
            "likely_duplicates": merging.likely_duplicates_of(user, partner),
        },
    )


def _form_page(request, form, title, cancel_url, save, *, files=False):
    if request.method == "POST" and form.is_valid():
        try:
            target, message = save(form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message)
            return redirect(target)
    return render(
        request,
        "community/partner_form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "files": files},
    )


@require_http_methods(["GET", "POST"])
def partner_create(request):
    user = request.user
    require_perm(user, "community.manage_partners")

    def save(data):
        partner = services.partner_create(actor=user, data=data)
        return partner_url(partner.pk), _("Partenaire « %(name)s » ajouté.") % {"name": partner.name}

    form = PartnerForm(request.POST or None)
    return _form_page(request, form, _("Nouveau partenaire"), reverse("community:partner_list"), save)


def partner_url(partner_id) -> str:
    return reverse("community:partner_detail", args=[partner_id])


@require_http_methods(["GET", "POST"])
def partner_edit(request, partner_id):
    user = request.user
    partner = get_or_404(queries.partner_for_page, user, partner_id)
    require_perm(user, "community.manage_partners")

    def save(data):
        services.partner_update(actor=user, partner_id=partner.pk, data=data)
        return partner_url(partner.pk), _("Partenaire modifié.")

    initial = {f: getattr(partner, f) for f in services.PARTNER_FIELDS}
    form = PartnerForm(request.POST or None, initial=initial)
    return _form_page(request, form, _("Modifier « %(name)s »") % {"name": partner.name}, partner_url(partner.pk), save)


@require_http_methods(["GET", "POST"])
def contact_add(request, partner_id):
    user = request.user
    partner = get_or_404(queries.partner_for_page, user, partner_id)
    require_perm(user, "community.manage_partners")

    def save(data):
        contact = services.partner_contact_add(actor=user, partner_id=partner.pk, data=data)
        return partner_url(partner.pk), _("Contact « %(name)s » ajouté.") % {"name": contact.name}

    form = PartnerContactForm(request.POST or None)
    title = _("Nouveau contact chez « %(name)s »") % {"name": partner.name}
    return _form_page(request, form, title, partner_url(partner.pk), save)


@require_http_methods(["GET", "POST"])
def agreement_create(request, partner_id):
    user = request.user
    partner = get_or_404(queries.partner_for_page, user, partner_id)
    require_perm(user, "community.manage_partners")

    def save(data):
        uploaded = data.pop("signed_pdf", None)
        agreement = services.agreement_create(actor=user, partner_id=partner.pk, data=data, uploaded=uploaded)
        return partner_url(partner.pk), _("Convention « %(title)s » enregistrée.") % {"title": agreement.title}

    form = AgreementForm(request.POST or None, request.FILES or None)
    title = _("Nouvelle convention avec « %(name)s »") % {"name": partner.name}
    return _form_page(request, form, title, partner_url(partner.pk), save, files=True)


@require_http_methods(["GET", "POST"])
def agreement_edit(request, agreement_id):
    user = request.user
    agreement = get_or_404(queries.agreement_for, user, agreement_id)
    require_perm(user, "community.manage_partners")

    def save(data):
        uploaded = data.pop("signed_pdf", None)
        services.agreement_update(actor=user, agreement_id=agreement.pk, data=data, uploaded=uploaded)
        return partner_url(agreement.partner_id), _("Convention modifiée.")

    initial = {f: getattr(agreement, f) for f in services.AGREEMENT_FIELDS}
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    title = _("Modifier la convention « %(title)s »") % {"title": agreement.title}
    return _form_page(request, form, title, partner_url(agreement.partner_id), save, files=True)


@require_GET
def agreement_pdf(request, agreement_id):
    """The signed agreement, for the staff who read the partners; 404 when none was stored."""
    agreement = get_or_404(queries.agreement_for, request.user, agreement_id)
    if not agreement.signed_pdf:
        raise Http404
    return FileResponse(
        agreement.signed_pdf.open("rb"),
        as_attachment=True,
        filename=agreement.signed_pdf_name or "convention.pdf",
        content_type="application/pdf",
    )


@require_GET
def representation_list(request):
    """Cross-participation: who sits for the association in which partner body, now (or, with `?passees=1`, in the
    past)."""
    user = request.user
    require_perm(user, "community.view_partners")
    past = request.GET.get("passees") == "1"
    return render(
        request,
        "community/representation_list.html",
        {"seats": queries.representations(user, timezone.localdate(), past=past), "past": past},
    )


@require_http_methods(["GET", "POST"])
def seat_add(request, partner_id):
    user = request.user
    partner = get_or_404(queries.partner_for_page, user, partner_id)
    require_perm(user, "community.manage_partners")

    def save(data):
        member = data.pop("member")
        seat = services.seat_add(actor=user, partner_id=partner.pk, member_id=member.pk, data=data)
        return partner_url(partner.pk), _("Représentation de %(member)s à « %(body)s » enregistrée.") % {
            "member": seat.member,
            "body": seat.body,
        }

    form = PartnerSeatForm(request.POST or None, user=user)
    title = _("Nouvelle représentation auprès de « %(name)s »") % {"name": partner.name}
    return _form_page(request, form, title, partner_url(partner.pk), save)


@require_http_methods(["GET", "POST"])
def seat_end(request, seat_id):
    user = request.user
    seat = get_or_404(queries.seat_for, user, seat_id)
    require_perm(user, "community.manage_partners")
    if seat.ended_on is not None:
        raise Http404

    def save(data):
        services.seat_end(actor=user, seat_id=seat.pk, ended_on=data["ended_on"])
        return partner_url(seat.partner_id), _("Représentation terminée.")

    form = SeatEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    title = _("Fin de la représentation de %(member)s à « %(body)s »") % {"member": seat.member, "body": seat.body}
    return _form_page(request, form, title, partner_url(seat.partner_id), save)


def _merge_confirmation(plan, cancel_url) -> Confirmation:
    kept, duplicate = plan.kept.name, plan.duplicate.name
    consequences = [
        ngettext("%(what)s passera à « %(kept)s ».", "%(what)s passeront à « %(kept)s ».", count)
        % {"what": merging.relation_label(key, count), "kept": kept}
        for key, count in plan.moved.items()
        if count
    ]
    if count := len(plan.contact_folds):
        consequences.append(
            ngettext(
                "%(count)d contact du doublon est déjà chez « %(kept)s » sous le même nom : il y sera réuni, "
                "ses coordonnées complétant celles qui manquent.",
                "%(count)d contacts du doublon sont déjà chez « %(kept)s » sous le même nom : ils y seront réunis, "
                "leurs coordonnées complétant celles qui manquent.",
                count,
            )
            % {"count": count, "kept": kept}
        )
    if count := len(plan.seat_folds):
        consequences.append(
            ngettext(
                "%(count)d représentation du doublon est déjà enregistrée chez « %(kept)s » : la copie sera supprimée.",
                "%(count)d représentations du doublon sont déjà enregistrées chez « %(kept)s » : les copies seront "
                "supprimées.",
                count,
            )
            % {"count": count, "kept": kept}
        )
    if not consequences:
        consequences.append(_("Aucune fiche ne nomme « %(duplicate)s ».") % {"duplicate": duplicate})
    if plan.filled:
        fields = ", ".join(str(Partner._meta.get_field(name).verbose_name) for name in plan.filled)
        consequences.append(
            _("Les champs vides de « %(kept)s » prendront la valeur du doublon : %(fields)s.")
            % {"kept": kept, "fields": fields}
        )
    consequences.append(
        _("« %(duplicate)s » sera supprimé ; le journal d'audit garde la trace de la fusion.")
        % {"duplicate": duplicate}
    )
    return Confirmation(
        title=_("Fusionner « %(duplicate)s » dans « %(kept)s »") % {"duplicate": duplicate, "kept": kept},
        facts=[(_("Partenaire gardé"), kept), (_("Doublon, supprimé après la fusion"), duplicate)],
        consequences=consequences,
        action=_("Fusionner les deux partenaires"),
        cancel_url=cancel_url,
    )


@require_http_methods(["GET", "POST"])
def partner_merge(request, partner_id):
    """Merge a duplicate into this partner: choose the duplicate (the likely ones offered), read on a confirmation
    page what will move, confirm."""
    user = request.user
    partner = get_or_404(queries.partner_for_page, user, partner_id)
    require_perm(user, "community.manage_partners")
    likely = merging.likely_duplicates_of(user, partner)
    chosen = request.GET.get("doublon", "")
    initial = {"duplicate": chosen} if chosen in {str(other.pk) for other in likely} else {}
    form = PartnerMergeForm(request.POST or None, user=user, kept=partner, initial=initial)
    if request.method == "POST" and form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        try:
            if not is_confirmed(request):
                plan = merging.merge_preview(user, partner.pk, duplicate.pk)
                return confirmation_page(request, _merge_confirmation(plan, partner_url(partner.pk)))
            plan = merging.partner_merge(actor=user, kept_id=partner.pk, duplicate_id=duplicate.pk)
        except Partner.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("« %(duplicate)s » est fusionné dans « %(kept)s » : %(moved)s.")
                % {"duplicate": plan.duplicate.name, "kept": plan.kept.name, "moved": plan.summary()},
            )
            return redirect(partner_url(partner.pk))
    return render(
        request,
        "community/partner_merge.html",
        {"partner": partner, "form": form, "likely_duplicates": likely},
    )
