"""Pages of the security deposits: the organisation's list, the receipt and the return of a lease's deposit and of
a residence contract's, the cancellation of a receipt (thin views over `queries`, `services` and `contracts`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.forms import apply_validation_error
from habiter.core.legal_queries import legal_parameters
from habiter.core.pages import get_or_404
from habiter.core.reads import journaled_read, read_of
from habiter.ledger import pages, rules
from habiter.ledger.forms import (
    ContractDepositDeductionFormSet,
    ContractDepositReturnForm,
    DepositDeductionFormSet,
    DepositReceiveForm,
    DepositReleaseForm,
    DepositReturnForm,
    ReverseForm,
)
from habiter.ledger.models import Deposit, DepositMovement
from habiter.ledger.redevance import queries as redevance_queries
from habiter.residences.models import ContractStatus
from habiter.residences.queries import deposit_above_cap

from . import contracts, queries, services


@require_GET
def deposit_list(request):
    """Every deposit of the organisation: held per lease, and the returns due soon or late first."""
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    today = pages.today()
    rows = queries.deposit_rows(queries.deposits_of(user), today)
    return render(
        request,
        "ledger/deposit_list.html",
        {
            "rows": rows,
            "total_held": sum((row.held for row in rows), rules.ZERO),
            "late": sum(1 for row in rows if row.late and row.deposit.returned_on is None),
            "today": today,
            "terms": services.return_terms(today, legal_parameters()),
        },
    )


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.deposit_form")
def deposit_receive(request, lease_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    lease = pages.lease_or_404(user, lease_id)
    read_of(request, household_id=lease.household_id, obj=lease)
    deposit = Deposit.objects.filter(lease=lease).first()
    held = services.held_amount(deposit)
    initial = {"received_on": pages.today(), "amount": max(lease.deposit - held, rules.ZERO)}
    form = DepositReceiveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.deposit_receive(actor=user, lease_id=lease.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Dépôt de garantie enregistré."))
            return redirect("ledger:lease_account", lease.pk)
    return render(request, "ledger/deposit_receive.html", {"form": form, "lease": lease, "held": held})


def _deposit(user, deposit_id) -> Deposit:
    """A deposit the user may handle, with what is `held`; out of reach is a 404."""
    try:
        return queries.deposit_for(user, deposit_id)
    except Deposit.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.deposit")
def deposit_return(request, deposit_id):
    """The return after the move-out in two steps: the form (deadline, deductions), then the figures to confirm —
    refund, penalty if late — before anything is posted."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    deposit = _deposit(user, deposit_id)
    lease = deposit.lease
    read_of(request, household_id=lease.household_id, obj=deposit)
    row = queries.deposit_rows([deposit], pages.today())[0]
    initial = {
        "returned_on": pages.today(),
        "keys_returned_on": row.keys_returned_on,
        "inventory_matches": "yes" if row.inventory_matches else "no",
    }
    form = DepositReturnForm(request.POST or None, initial=initial)
    deductions = DepositDeductionFormSet(request.POST or None, prefix="retenues")
    figures = None
    params = legal_parameters()
    if request.method == "POST" and form.is_valid() and deductions.is_valid():
        chosen = [d for d in (f.deduction() for f in deductions.forms) if d]
        data = form.cleaned_data
        if request.POST.get("confirm") == "1":
            try:
                services.deposit_return(actor=user, deposit_id=deposit.pk, deductions=chosen, **data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Restitution du dépôt de garantie enregistrée."))
                return redirect("ledger:lease_account", lease.pk)
        else:
            figures = services.return_figures(lease, held=row.held, deductions=chosen, params=params, **data)
            if figures.refund < 0:
                form.add_error(None, _("Les retenues dépassent le dépôt détenu (%(held)s €).") % {"held": row.held})
                figures = None
    return render(
        request,
        "ledger/deposit_return.html",
        {
            "form": form,
            "deductions": deductions,
            "lease": lease,
            "row": row,
            "figures": figures,
            "deduction_lines": [f for f in deductions.forms if f.is_bound and f.is_valid() and f.deduction()],
            "terms": services.return_terms(pages.today(), params, territory=lease.dwelling.territory),
        },
    )


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.deposit")
def deposit_release(request, deposit_id):
    """The provision kept until the building's accounts were approved (R20), returned once with the tenant's share
    of the charges kept."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    deposit = _deposit(user, deposit_id)
    lease = deposit.lease
    read_of(request, household_id=lease.household_id, obj=deposit)
    held = rules.cents(deposit.held)
    form = DepositReleaseForm(request.POST or None, initial={"released_on": pages.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.deposit_provision_release(actor=user, deposit_id=deposit.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Provision du dépôt de garantie restituée."))
            return redirect("ledger:lease_account", lease.pk)
    return render(
        request,
        "ledger/deposit_release.html",
        {"form": form, "lease": lease, "deposit": deposit, "held": held},
    )


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.deposit")
def deposit_receipt_cancel(request, movement_id):
    """Confirm, then cancel a deposit receipt recorded by mistake (its entry is reversed, never deleted): a lease's,
    or a residence contract's."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    receipt = (
        DepositMovement.objects.filter(
            Q(deposit__in=queries.deposits_of(user).values("pk"))
            | Q(deposit__in=queries.contract_deposits_of(user).values("pk")),
            kind="received",
            pk=movement_id,
        )
        .select_related("deposit__lease__household", "deposit__residence_contract__household", "transaction")
        .first()
    )
    if receipt is None:
        raise Http404
    lease, contract = receipt.deposit.lease, receipt.deposit.residence_contract
    back = ("ledger:lease_account", lease.pk) if lease else ("ledger:redevance_account", contract.pk)
    read_of(request, household_id=receipt.deposit.household_id, obj=receipt)
    form = ReverseForm(request.POST or None, initial={"on": pages.today()})
    form.fields["on"].label = _("Date de l'annulation")
    if request.method == "POST" and form.is_valid():
        try:
            services.deposit_receipt_cancel(actor=user, movement_id=receipt.pk, on=form.cleaned_data["on"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Reçu du dépôt de garantie annulé : l'écriture est contre-passée."))
            return redirect(*back)
    return render(
        request,
        "ledger/deposit_cancel.html",
        {
            "form": form,
            "name": (lease or contract).household.name,
            "back_url": reverse(back[0], args=[back[1]]),
            "receipt": receipt,
        },
    )


# --- the deposit of a residence contract ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.deposit_form")
def contract_deposit_receive(request, contract_id):
    """The receipt of a residence contract's deposit, from its redevance account or its page."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    contract = get_or_404(redevance_queries.contract_for_ledger, user, contract_id)
    read_of(request, household_id=contract.household_id, obj=contract)
    held = queries.contract_deposit(contract).held
    initial = {"received_on": pages.today(), "amount": max(contract.deposit_amount - held, rules.ZERO)}
    form = DepositReceiveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contracts.contract_deposit_receive(actor=user, contract_id=contract.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Dépôt de garantie enregistré."))
            return redirect("ledger:redevance_account", contract.pk)
    context = {"form": form, "contract": contract, "held": held, "deposit_cap": deposit_above_cap(contract)}
    return render(request, "ledger/contract_deposit_receive.html", context)


@require_http_methods(["GET", "POST"])
@journaled_read("ledger.deposit")
def contract_deposit_return(request, deposit_id):
    """The return after the resident left in two steps: the form (day, deductions), then the figures to confirm
    before anything is posted."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    deposit = get_or_404(queries.contract_deposit_for, user, deposit_id)
    contract = deposit.residence_contract
    read_of(request, household_id=contract.household_id, obj=deposit)
    held = rules.cents(deposit.held)
    form = ContractDepositReturnForm(request.POST or None, initial={"returned_on": pages.today()})
    deductions = ContractDepositDeductionFormSet(
        request.POST or None, prefix="retenues", form_kwargs={"keeps_unpaid": contract.deposit_keeps_unpaid}
    )
    figures = None
    if request.method == "POST" and form.is_valid() and deductions.is_valid():
        chosen = [d for d in (f.deduction() for f in deductions.forms) if d]
        if request.POST.get("confirm") == "1":
            try:
                contracts.contract_deposit_return(
                    actor=user, deposit_id=deposit.pk, deductions=chosen, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Restitution du dépôt de garantie enregistrée."))
                return redirect("ledger:redevance_account", contract.pk)
        else:
            figures = contracts.contract_return_figures(held, chosen)
            if figures.refund < 0:
                form.add_error(None, _("Les retenues dépassent le dépôt détenu (%(held)s €).") % {"held": held})
                figures = None
    return render(
        request,
        "ledger/contract_deposit_return.html",
        {
            "form": form,
            "deductions": deductions,
            "contract": contract,
            "deposit": deposit,
            "ended": contract.status == ContractStatus.ENDED,
            "held": held,
            "balance": redevance_queries.contract_balance(contract, pages.today()),
            "figures": figures,
            "deduction_lines": [f for f in deductions.forms if f.is_bound and f.is_valid() and f.deduction()],
        },
    )
