"""Pages of the ledger's accounts and entries: the chart with balances, an account's lines, a reversal, closing a
month, the ledger's opening date."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.formats import euros
from habiter.core.forms import apply_validation_error
from habiter.core.reads import journaled_read, read_of
from habiter.ledger import pages
from habiter.ledger.forms import CloseForm, OpeningForm, ReverseForm
from habiter.ledger.models import Account, Transaction
from habiter.ledger.owners.queries import owner_of_work_transaction
from habiter.ledger.rent.queries import lease_of_transaction

from . import queries, services


@require_GET
def account_list(request):
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    page = Paginator(queries.accounts_with_balance(user), pages.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/account_list.html",
        {"page": page, "ledger_sum": queries.ledger_sum(user.organisation_id)},
    )


@require_GET
@journaled_read("ledger.account")
def account_detail(request, account_id):
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    try:
        account = queries.account_for_page(user, account_id)
    except Account.DoesNotExist:
        raise Http404 from None
    read_of(request, household_id=account.lease.household_id if account.lease_id else None, obj=account)
    page = Paginator(queries.account_lines(account), pages.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/account_detail.html", {"account": account, "page": page})


@require_http_methods(["GET", "POST"])
def transaction_reverse(request, transaction_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    try:
        entry = queries.transaction_for(user, transaction_id)
    except Transaction.DoesNotExist:
        raise Http404 from None
    form = ReverseForm(request.POST or None, initial={"on": pages.today()})
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Contre-passer une écriture"),
                facts=[
                    (_("Écriture"), f"{entry.booked_on:%d/%m/%Y} — {entry.label}"),
                    *[
                        (f"{line.account.code} {line.account.name}", f"{euros(-line.amount)} €")
                        for line in entry.lines.select_related("account")
                    ],
                    (_("Contre-passée le"), f"{form.cleaned_data['on']:%d/%m/%Y}"),
                ],
                consequences=[
                    _(
                        "Une écriture inverse est passée ce jour-là : "
                        "elle annule l'effet de l'originale sur les comptes."
                    ),
                    _("Les deux écritures restent au journal ; une contre-passation ne se supprime pas."),
                ],
                action=_("Confirmer la contre-passation"),
                cancel_url=reverse("ledger:transaction_reverse", args=[entry.pk]),
            ),
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.transaction_reverse(actor=user, transaction_id=entry.pk, on=form.cleaned_data["on"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Écriture contre-passée."))
            lease_id = lease_of_transaction(entry)
            if lease_id:
                return redirect("ledger:lease_account", lease_id)
            owner_id = owner_of_work_transaction(entry)
            return redirect("ledger:owner_ledger", owner_id) if owner_id else redirect("ledger:account_list")
    return render(
        request,
        "ledger/reverse_form.html",
        {"form": form, "entry": entry, "lines": entry.lines.select_related("account")},
    )


@require_POST
def period_close(request):
    user = request.user
    pages.require_perm(user, "ledger.close_period")
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid() and not is_confirmed(request):
        month = form.cleaned_data["month"]
        return confirmation_page(
            request,
            Confirmation(
                title=_("Clôturer un mois"),
                facts=[(_("Mois"), f"{month:%m/%Y}")],
                consequences=[
                    _("Plus aucune écriture ne pourra être datée dans ce mois : ni encaissement, ni contre-passation."),
                    _("Une clôture ne se défait pas ; une erreur se corrige par une écriture datée d'un mois ouvert."),
                ],
                action=_("Confirmer la clôture du mois"),
                cancel_url=reverse("ledger:month_end"),
            ),
        )
    if form.is_valid():
        try:
            services.period_close(actor=user, month=form.cleaned_data["month"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Mois clôturé : plus aucune écriture ne peut y être datée."))
    else:
        messages.error(request, _("Indiquez le mois à clôturer (AAAA-MM)."))
    return redirect("ledger:month_end")


@require_POST
def ledger_opening(request):
    """Set, move or remove the ledger's opening date (form on the month-end page)."""
    user = request.user
    pages.require_perm(user, "ledger.close_period")
    form = OpeningForm(request.POST, prefix="opening")
    if form.is_valid():
        opened_on = form.cleaned_data["opened_on"]
        try:
            services.ledger_opening_set(actor=user, opened_on=opened_on)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if opened_on:
                messages.success(
                    request,
                    _("Comptabilité ouverte le %(day)s : aucune écriture ne peut être datée avant.")
                    % {"day": f"{opened_on:%d/%m/%Y}"},
                )
            else:
                messages.success(request, _("Date d'ouverture de la comptabilité retirée."))
    else:
        messages.error(request, _("Indiquez une date valide (JJ/MM/AAAA)."))
    return redirect("ledger:month_end")
