"""Pages of the residence contracts and their redevance (R74–R75, W4–W8): thin views over queries.py and
services.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from habiter.core.pages import get_or_404, require_perm
from habiter.core.pdf import pdf_response
from habiter.core.reads import journaled_read, read_of

from . import queries, services
from . import registry as contract_registry  # the contract panels and the RI consultation (W12)
from . import rules as residence_rules
from .forms import (
    ActivateForm,
    ContractExitForm,
    ContractForm,
    GuestStayForm,
    InitialForm,
    NoticeForm,
    RedevanceForm,
    TerminateForm,
)
from .models import GROUNDS_AFTER_FORMAL_NOTICE, ContractStatus, TerminationGround, TerminationNotice

# --- residence contracts -----------------------------------------------------------------------------------


def _contract_form_page(request, place, orientation=None):
    user = request.user
    require_perm(user, "residences.run_contracts")
    if orientation is not None:
        residents = orientation.household.members.order_by("last_name", "first_name")
        start = max(timezone.localdate(), orientation.decided_on)
    else:
        residents = queries.contract_resident_choices(user, place)
        start = timezone.localdate()
    form = ContractForm(request.POST or None, residents=residents, initial={"starts_on": start})
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(
                actor=user,
                place_id=place.pk,
                resident_id=form.cleaned_data["resident"].pk,
                starts_on=form.cleaned_data["starts_on"],
                orientation_id=orientation and orientation.pk,
                employee_housing=form.cleaned_data["employee_housing"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Contrat de %(name)s préparé : il est à signer.") % {"name": contract.resident})
            return redirect("residences:contract_detail", contract_id=contract.pk)
    return render(
        request,
        "residences/contract_form.html",
        {"form": form, "place": place, "residence": place.residence, "orientation": orientation},
    )


@require_http_methods(["GET", "POST"])
def contract_create(request, place_id):
    """A contract for a place: a director chooses among the households they follow, a host among the residents
    already living in the place without a contract."""
    place = get_or_404(queries.place_for_page, request.user, place_id)
    return _contract_form_page(request, place)


@require_http_methods(["GET", "POST"])
def contract_from_orientation(request, admission_id):
    """The contract of a candidate the commission admitted (`admission_id`: the orientation): the place of the
    vacancy, a member of the household."""
    orientation = get_or_404(queries.admitted_orientation_for_contract, request.user, admission_id)
    return _contract_form_page(request, orientation.vacancy.place, orientation)


CONTRACT_STEPS = {
    ContractStatus.TO_SIGN: ("initial", "activate"),
    ContractStatus.ACTIVE: ("guest", "notice", "terminate", "exit"),
    ContractStatus.NOTICE: ("guest", "exit"),
    ContractStatus.ENDED: (),
}
CONTRACT_STEP_FORMS = {
    "initial": InitialForm,
    "activate": ActivateForm,
    "guest": GuestStayForm,
    "notice": NoticeForm,
    "terminate": TerminateForm,
    "exit": ContractExitForm,
}


def _contract_steps(user, contract) -> tuple:
    if not user.has_perm("residences.run_contracts"):
        return ()
    if not queries.residences_for(user).filter(pk=contract.place.residence_id).exists():
        return ()
    steps = CONTRACT_STEPS[contract.status]
    if contract.status == ContractStatus.TO_SIGN and contract.ri_initialled_on is None:
        steps = ("initial",)
    return steps


def _contract_step_form(step, data=None):
    today = timezone.localdate()
    initial = {
        "initial": {"ri_initialled_on": today},
        "guest": {"arrived_on": today},
        "notice": {"notice_on": today},
        "terminate": {"notice_on": today},
        "exit": {"left_on": today},
    }.get(step, {})
    return CONTRACT_STEP_FORMS[step](data, initial=initial, prefix=step)


def _contract_confirmation(step, contract, data) -> Confirmation | None:
    facts = [
        (_("Résident"), str(contract.resident)),
        (_("Place"), f"{contract.place.residence.name}, {contract.place.label}"),
    ]
    cancel = reverse("residences:contract_detail", args=[contract.pk])
    if step == "activate":
        return Confirmation(
            title=_("Mettre le contrat en vigueur"),
            facts=[*facts, (_("Prend effet le"), f"{contract.starts_on:%d/%m/%Y}")],
            consequences=[
                _("Le contrat est en vigueur : il ne revient pas à « à signer »."),
                _("La place est occupée à partir du premier jour du contrat."),
                _("Le règlement intérieur annexé, paraphé, ne se change plus pour ce contrat."),
            ],
            action=_("Confirmer l'entrée en vigueur"),
            cancel_url=cancel,
        )
    if step == "terminate":
        return Confirmation(
            title=_("Résilier le contrat"),
            facts=[
                *facts,
                (_("Motif"), str(TerminationGround(data["termination_ground"]).label)),
                *(
                    [(_("Mise en demeure remise le"), f"{data['formal_notice_delivered_on']:%d/%m/%Y}")]
                    if data["termination_ground"] in GROUNDS_AFTER_FORMAL_NOTICE
                    else []
                ),
                (_("Notifiée le"), f"{data['notice_on']:%d/%m/%Y}"),
                (_("Par"), str(TerminationNotice(data["termination_notified_by"]).label)),
            ],
            consequences=[
                _("Le préavis court à partir de la notification : il ne s'annule pas ici."),
                _("Pendant le préavis, le résident ne doit que l'occupation effective."),
            ],
            action=_("Confirmer la résiliation"),
            cancel_url=cancel,
        )
    if step == "exit":
        return Confirmation(
            title=_("Enregistrer la sortie"),
            facts=[*facts, (_("Sortie le"), f"{data['left_on']:%d/%m/%Y}")],
            consequences=[
                _("Le contrat est terminé : il ne se rouvre pas."),
                _("La place est libre dès le lendemain de la sortie."),
            ],
            action=_("Confirmer la sortie"),
            cancel_url=cancel,
        )
    return None


def _contract_save(request, step, contract, data) -> None:
    user = request.user
    if step == "initial":
        services.contract_initial(actor=user, contract_id=contract.pk, **data)
    elif step == "activate":
        services.contract_activate(actor=user, contract_id=contract.pk)
    elif step == "notice":
        contract = services.contract_notice(actor=user, contract_id=contract.pk, **data)
        messages.info(request, _("Fin du préavis le %(day)s.") % {"day": f"{contract.ends_on:%d/%m/%Y}"})
    elif step == "terminate":
        contract = services.contract_terminate(actor=user, contract_id=contract.pk, **data)
        messages.info(request, _("Fin du préavis le %(day)s.") % {"day": f"{contract.ends_on:%d/%m/%Y}"})
    elif step == "exit":
        services.contract_exit(actor=user, contract_id=contract.pk, **data)
    else:
        _stay, alerts = services.guest_stay_record(actor=user, contract_id=contract.pk, **data)
        for guest, nights in alerts.items():
            messages.warning(
                request,
                ngettext(
                    "%(guest)s a passé %(nights)d nuit ce mois-ci : la limite du règlement intérieur est atteinte.",
                    "%(guest)s a passé %(nights)d nuits ce mois-ci : la limite du règlement intérieur est atteinte.",
                    nights,
                )
                % {"guest": guest, "nights": nights},
            )


@require_http_methods(["GET", "POST"])
@journaled_read("residences.contract")
def contract_detail(request, contract_id):
    """A resident's contract and practical file (guests, activities attended, supports), with the form of each step
    the contract may take now; a POST names its step (`step`). Activating, terminating and the exit ask to
    confirm first."""
    user = request.user
    contract = get_or_404(queries.contract_for_page, user, contract_id)
    steps = _contract_steps(user, contract)
    posted = request.POST.get("step") if request.method == "POST" else None
    if posted is not None and posted not in steps:
        raise Http404
    forms = {step: _contract_step_form(step, request.POST if step == posted else None) for step in steps}
    if posted is not None and forms[posted].is_valid():
        data = forms[posted].cleaned_data
        confirmation = _contract_confirmation(posted, contract, data)
        if confirmation is not None and not is_confirmed(request):
            read_of(request, household_id=contract.household_id, obj=contract)
            return confirmation_page(request, confirmation)
        try:
            _contract_save(request, posted, contract, data)
        except ValidationError as error:
            apply_validation_error(forms[posted], error)
        else:
            messages.success(request, _("Étape enregistrée."))
            return redirect("residences:contract_detail", contract_id=contract.pk)
    read_of(request, household_id=contract.household_id, obj=contract)
    today = timezone.localdate()
    sets = queries.redevance_sets(contract)
    return render(
        request,
        "residences/contract_detail.html",
        {
            "contract": contract,
            "forms": forms,
            "file": queries.contract_practical_file(contract),
            "guest_alerts": queries.contract_guest_alerts(contract, today),
            "guest_legal_alerts": queries.contract_guest_legal_alerts(contract),
            "redevance_sets": sets,
            "redevance_in_force": next((each for each in sets if each.valid_from <= today), None),
            "deposit_cap": queries.deposit_above_cap(contract, sets),
            "contract_panels": contract_registry.contract_panels(contract, user),
            "today": today,
            "may_set_redevance": bool(steps) and contract.status != ContractStatus.ENDED,
            "can_open_household": queries.may_open_household(user, contract.household_id),
            "can_open_residence": user.has_perm("residences.view_residence"),
            "can_keep_journal": user.has_perm("residences.keep_journal"),
        },
    )


@require_GET
@journaled_read("residences.contract_pdf")
def contract_pdf(request, contract_id):
    """The residence contract to print and sign, on the association's letterhead, with the frozen version of the
    règlement intérieur annexed (R74, W4)."""
    user = request.user
    contract = get_or_404(queries.contract_for_page, user, contract_id)
    read_of(request, household_id=contract.household_id, obj=contract)
    return pdf_response(
        "residences/contract_pdf.html",
        queries.contract_print_context(contract) | {"organisation": user.organisation},
        filename=f"contrat-de-residence-{contract.pk}.pdf",
    )


def _redevance_confirmation(contract, in_force, form) -> Confirmation:
    """The lines in force are replaced from the new day: say which, until when, and the new total."""
    data = form.cleaned_data
    new_total = residence_rules.redevance_total([(line["kind"], line["amount"]) for line in form.lines()])
    return Confirmation(
        title=_("Remplacer la redevance en vigueur"),
        facts=[
            (_("Résident"), str(contract.resident)),
            (_("Place"), f"{contract.place.residence.name}, {contract.place.label}"),
            (
                _("Redevance en vigueur"),
                _("%(total)s € par mois depuis le %(day)s")
                % {"total": euros(in_force.total), "day": f"{in_force.valid_from:%d/%m/%Y}"},
            ),
            (
                _("Nouvelle redevance"),
                _("%(total)s € par mois à partir du %(day)s")
                % {"total": euros(new_total), "day": f"{data['valid_from']:%d/%m/%Y}"},
            ),
        ],
        consequences=[
            _("Les lignes en vigueur s'appliquent jusqu'à la veille, puis les nouvelles les remplacent."),
            _("Les anciennes lignes restent dans l'historique du contrat : elles ne se modifient plus."),
            _("Les charges restent forfaitaires : elles ne seront pas régularisées."),
        ],
        action=_("Confirmer la nouvelle redevance"),
        cancel_url=reverse("residences:contract_detail", args=[contract.pk]),
        danger=False,
    )


@require_http_methods(["GET", "POST"])
@journaled_read("residences.contract")
def redevance_set(request, contract_id):
    """Set the contract's monthly redevance from a day (W7): typed lines; the APL-foyer base (équivalence de loyer
    + charges) may not exceed the convention's maximum. Replacing lines in force asks to confirm first."""
    user = request.user
    contract = get_or_404(queries.contract_for_page, user, contract_id)
    if not _contract_steps(user, contract) or contract.status == ContractStatus.ENDED:
        raise Http404
    today = timezone.localdate()
    sets = queries.redevance_sets(contract)
    form = RedevanceForm(request.POST or None, initial={"valid_from": max(today, contract.starts_on)})
    read_of(request, household_id=contract.household_id, obj=contract)
    if request.method == "POST" and form.is_valid():
        in_force = next((each for each in sets if each.valid_from <= form.cleaned_data["valid_from"]), None)
        if in_force is not None and not is_confirmed(request):
            return confirmation_page(request, _redevance_confirmation(contract, in_force, form))
        try:
            services.redevance_set(
                actor=user, contract_id=contract.pk, valid_from=form.cleaned_data["valid_from"], lines=form.lines()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Redevance enregistrée."))
            return redirect("residences:contract_detail", contract_id=contract.pk)
    maximum = queries.apl_maximum(contract.place.residence_id, contract.place.typology, today.year)
    return render(
        request,
        "residences/redevance_form.html",
        {"contract": contract, "form": form, "sets": sets, "maximum": maximum},
    )
