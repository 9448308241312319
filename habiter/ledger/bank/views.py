"""Pages of the bank statements: import, the queue to match with its suggestions, one operation."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.forms import apply_validation_error
from habiter.leases.models import Lease
from habiter.ledger import pages
from habiter.ledger.entries.queries import bank_balance_on
from habiter.ledger.forms import (
    BankClearForm,
    BankIgnoreForm,
    BankImportForm,
    BankLinkForm,
    BankManualMatchForm,
    BankMappingForm,
    BankMatchForm,
    BankRedevanceFormSet,
    BankRedevanceLinkForm,
    BankRedevanceSplitForm,
    BankSplitFormSet,
    BankSplitSourceForm,
)
from habiter.ledger.models import BankLine, BankLineState, BankStatement
from habiter.ledger.redevance.queries import contracts_to_pay
from habiter.ledger.templatetags.ledger_money import euros
from habiter.residences.models import ResidenceContract

from . import queries, redevances, services
from .bankfiles import BankFileError


@require_GET
def bank_queue(request):
    """The bank lines waiting to be matched, each with the leases it most likely pays."""
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    page = Paginator(queries.bank_queue(user), pages.PAGE_SIZE).get_page(request.GET.get("page"))
    lines = queries.queue_with_suggestions(list(page), queries.match_candidates(user))
    queries.with_hand_payments(user, lines)
    return render(
        request,
        "ledger/bank_queue.html",
        {
            "page": page,
            "lines": lines,
            "statements": queries.bank_statements(user)[:5],
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_http_methods(["GET", "POST"])
def bank_import(request):
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    mappings = queries.bank_mappings(user)
    form = BankImportForm(request.POST or None, request.FILES or None, mappings=mappings)
    file_errors = []
    if request.method == "POST":
        pages.require_perm(user, "ledger.post")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                statement = services.bank_statement_import(
                    actor=user,
                    file_name=upload.name,
                    content=upload.read(),
                    file_format=form.cleaned_data["file_format"],
                    mapping_id=form.cleaned_data["mapping"].pk if form.cleaned_data["mapping"] else None,
                )
            except BankFileError as error:
                file_errors = error.errors
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Relevé importé : %(new)s, %(known)s.")
                    % {
                        "new": ngettext(
                            "%(count)d opération nouvelle", "%(count)d opérations nouvelles", statement.new_count
                        )
                        % {"count": statement.new_count},
                        "known": ngettext("%(count)d déjà connue", "%(count)d déjà connues", statement.known_count)
                        % {"count": statement.known_count},
                    },
                )
                return redirect("ledger:bank_statement", statement.pk)
    return render(
        request,
        "ledger/bank_import.html",
        {
            "form": form,
            "file_errors": file_errors[:50],
            "more_errors": max(len(file_errors) - 50, 0),
            "mappings": mappings,
            "mapping_form": BankMappingForm(),
            "can_post": user.has_perm("ledger.post"),
        },
        status=400 if request.method == "POST" else 200,  # a refused file or form: nothing was imported
    )


@require_http_methods(["GET", "POST"])
def bank_mapping_create(request):
    user = request.user
    pages.require_perm(user, "ledger.post")
    form = BankMappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.bank_mapping_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Format « %(name)s » enregistré.") % {"name": mapping.name})
            return redirect("ledger:bank_import")
    return render(request, "ledger/bank_mapping_form.html", {"form": form})


@require_GET
def bank_statement(request, bank_statement_id):
    """An imported statement: its lines, and its closing balance against the ledger's bank account."""
    user = request.user
    try:
        statement = queries.bank_statements(user).get(pk=bank_statement_id)
    except BankStatement.DoesNotExist:
        raise Http404 from None
    ledger_now = None
    if statement.closing_balance is not None:
        ledger_now = bank_balance_on(user.organisation_id, statement.last_day)
    return render(
        request,
        "ledger/bank_statement.html",
        {
            "statement": statement,
            "lines": queries.bank_statement_lines(statement),
            "ledger_now": ledger_now,
            "difference": None if ledger_now is None else statement.closing_balance - ledger_now,
        },
    )


def _bank_line(user, line_id) -> BankLine:
    try:
        return queries.bank_line_for(user, line_id)
    except BankLine.DoesNotExist:
        raise Http404 from None


def _redevance_rows(user, line) -> BankRedevanceFormSet | None:
    """The rows of the APL-foyer split, for whoever may match an unmatched line of money received, when the
    organisation has residence contracts to pay for."""
    if line.state != BankLineState.UNMATCHED or line.amount <= 0 or not user.has_perm("ledger.post"):
        return None
    contracts = list(contracts_to_pay(user))
    return BankRedevanceFormSet(prefix="apl", contracts=contracts) if contracts else None


def _line_page(
    request, line, *, split_source=None, split_rows=None, redevance_rows=None, redevance_choice=None, status=200
):
    user = request.user
    unmatched = line.state == BankLineState.UNMATCHED
    matched_without_payment = line.state == BankLineState.MATCHED and line.payment_id is None
    candidates = queries.match_candidates(user) if unmatched else []
    queries.queue_with_suggestions([line], candidates)
    hand_redevances = queries.hand_redevance_payments_for(user, line) if unmatched else []
    return render(
        request,
        "ledger/bank_line.html",
        {
            "line": line,
            "match_form": BankManualMatchForm(candidates=candidates),
            "hand_payments": queries.hand_payments_for(user, line) if unmatched else [],
            "waiting_entries": queries.clearings_for(user, line) if unmatched and not line.transaction_id else [],
            "cleared": queries.cleared_entries(line) if line.state == BankLineState.MATCHED else [],
            "split_source": split_source or BankSplitSourceForm(),
            "split_rows": split_rows or BankSplitFormSet(prefix="part", form_kwargs={"candidates": candidates}),
            "split_payments": line.split_payments.select_related("lease__household", "lease__dwelling")
            if line.state == BankLineState.MATCHED and line.payment_id is None
            else [],
            "redevance_rows": redevance_rows or _redevance_rows(user, line),
            "redevance_choice": redevance_choice or BankRedevanceSplitForm(prefix="apl"),
            "redevance_payments": queries.redevance_payments_of_line(line) if matched_without_payment else [],
            "hand_redevances": hand_redevances,
            # every APL-foyer typed by hand offered makes the line's amount: offered ticked
            "hand_redevances_whole": sum((p.amount for p in hand_redevances), Decimal("0.00")) == line.amount,
            # matched to several payments and every one reversed: it may be matched again
            "payments_reversed": matched_without_payment and queries.payments_standing(line) is False,
            "ignore_form": BankIgnoreForm(),
            "can_post": user.has_perm("ledger.post"),
        },
        status=status,
    )


@require_GET
def bank_line(request, line_id):
    """One bank line: its suggestions, the payments recorded by hand it may be, a lease chosen by hand, a
    transfer split across several tenants, or setting it aside."""
    return _line_page(request, _bank_line(request.user, line_id))


@require_POST
def bank_line_split(request, line_id):
    """A third party's transfer (CAF, FSL, VISALE) split across the tenants it pays for, in one step."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    candidates = queries.match_candidates(user)
    source_form = BankSplitSourceForm(request.POST)
    rows = BankSplitFormSet(request.POST, prefix="part", form_kwargs={"candidates": candidates})
    if source_form.is_valid() and rows.is_valid():
        parts = [(row["lease"], row["amount"]) for row in rows.cleaned_data if row.get("lease")]
        try:
            payments = services.bank_line_split(
                actor=user,
                line_id=line.pk,
                source=source_form.cleaned_data["source"],
                parts=parts,
                second_payment=source_form.cleaned_data["second_payment"],
            )
        except Lease.DoesNotExist:
            messages.error(request, _("Un de ces baux n'existe pas ou ne reçoit pas d'encaissement."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Opération répartie : %(count)s encaissements enregistrés pour %(amount)s €.")
                % {"count": len(payments), "amount": euros(line.amount)},
            )
            return redirect("ledger:bank_queue")
    else:
        messages.error(request, _("Vérifiez la répartition : chaque ligne remplie indique un bail et son montant."))
    line.refresh_from_db()
    return _line_page(request, line, split_source=source_form, split_rows=rows, status=400)


@require_POST
def bank_line_split_redevances(request, line_id):
    """The CAF's APL-foyer transfer split across the residence contracts it pays for, in one step."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    rows = BankRedevanceFormSet(request.POST, prefix="apl", contracts=contracts_to_pay(user))
    choice = BankRedevanceSplitForm(request.POST, prefix="apl")
    if rows.is_valid() and choice.is_valid():
        parts = [(row["contract"], row["amount"]) for row in rows.cleaned_data if row.get("contract")]
        try:
            payments = redevances.bank_line_split_redevances(
                actor=user, line_id=line.pk, parts=parts, second_payment=choice.cleaned_data["second_payment"]
            )
        except ResidenceContract.DoesNotExist:
            messages.error(request, _("Un de ces contrats n'existe pas ou ne reçoit pas d'encaissement."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "APL-foyer rapprochée : %(count)d encaissement de redevance enregistré pour %(amount)s €.",
                    "APL-foyer répartie : %(count)d encaissements de redevance enregistrés pour %(amount)s €.",
                    len(payments),
                )
                % {"count": len(payments), "amount": euros(line.amount)},
            )
            return redirect("ledger:bank_queue")
    else:
        messages.error(
            request, _("Vérifiez la répartition : chaque ligne remplie indique un contrat de résidence et son montant.")
        )
    line.refresh_from_db()
    return _line_page(request, line, redevance_rows=rows, redevance_choice=choice, status=400)


@require_POST
def bank_line_link(request, line_id):
    """The bank line is a payment already recorded by hand: linked to it, never counted twice."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    form = BankLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un encaissement."))
        return redirect("ledger:bank_line", line.pk)
    try:
        [payment] = services.bank_line_link(actor=user, line_id=line.pk, payment_ids=[form.cleaned_data["payment"]])
    except ValidationError as error:
        return _refused(request, line, error)
    messages.success(
        request,
        _("Opération rapprochée de l'encaissement de %(amount)s € déjà saisi pour %(tenant)s.")
        % {"amount": euros(payment.amount), "tenant": payment.lease.household.name},
    )
    return redirect("ledger:bank_queue")


@require_POST
def bank_line_link_redevances(request, line_id):
    """The CAF's APL-foyer transfer is the APL-foyer payments already typed by hand for residence contracts: linked
    to them, never counted twice."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    form = BankRedevanceLinkForm(request.POST, payments=queries.hand_redevance_payments_for(user, line))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("ledger:bank_line", line.pk)
    try:
        payments = redevances.bank_line_link_redevances(
            actor=user, line_id=line.pk, payment_ids=form.cleaned_data["payments"]
        )
    except ValidationError as error:
        return _refused(request, line, error)
    if len(payments) == 1:
        done = _("Opération rapprochée de l'APL-foyer de %(amount)s € déjà saisie pour %(resident)s.") % {
            "amount": euros(line.amount),
            "resident": payments[0].contract.household.name,
        }
    else:
        done = _("Opération rapprochée des %(count)s APL-foyer déjà saisies, %(amount)s € en tout.") % {
            "count": len(payments),
            "amount": euros(line.amount),
        }
    messages.success(request, done)
    return redirect("ledger:bank_queue")


def _refused(request, line, error: ValidationError):
    """Back to the line's page with the service's French reasons."""
    for message in error.messages:
        messages.error(request, message)
    return redirect("ledger:bank_line", line.pk)


@require_POST
def bank_line_clear(request, line_id):
    """The bank line is the money of entries that waited for it (a deposit refunded, an owner's payout…): after a
    confirmation, they are cleared and the bank account moves by the line's amount."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    offered = queries.clearings_for(user, line)
    form = BankClearForm(request.POST, entries=offered)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("ledger:bank_line", line.pk)
    chosen = [entry for entry in offered if str(entry.pk) in form.cleaned_data["entries"]]
    if not is_confirmed(request):
        total = sum((entry.waiting for entry in chosen), Decimal("0.00"))
        return confirmation_page(
            request,
            Confirmation(
                title=_("Rapprocher l'opération des écritures en attente"),
                facts=[
                    (_("Opération bancaire"), f"{line.booked_on:%d/%m/%Y} · {euros(line.amount)} €"),
                    *((f"{entry.booked_on:%d/%m/%Y} {entry.label}", f"{euros(entry.waiting)} €") for entry in chosen),
                    (_("Total des écritures"), f"{euros(total)} €"),
                ],
                consequences=[
                    _("Le compte banque (512) bouge du montant de l'opération ; les écritures quittent l'attente."),
                    _(
                        "Un rapprochement se défait depuis la page de l'opération, par une contre-passation datée du "
                        "jour de l'opération, tant que son mois n'est pas clôturé."
                    ),
                ],
                action=_("Confirmer le rapprochement"),
                cancel_url=reverse("ledger:bank_line", args=[line.pk]),
            ),
        )
    try:
        clearings = services.bank_line_clear(actor=user, line_id=line.pk, entry_ids=[entry.pk for entry in chosen])
    except ValidationError as error:
        return _refused(request, line, error)
    messages.success(
        request,
        ngettext(
            "Opération rapprochée de %(count)d écriture en attente, %(amount)s €.",
            "Opération rapprochée de %(count)d écritures en attente, %(amount)s €.",
            len(clearings),
        )
        % {"count": len(clearings), "amount": euros(line.amount)},
    )
    return redirect("ledger:bank_queue")


@require_POST
def bank_line_unclear(request, line_id):
    """Undo a clearing made with the wrong line or entries: after a confirmation, its bank entry is reversed, the
    entries wait again for their bank line and the line goes back to the queue."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    cleared = queries.cleared_entries(line)
    if not cleared:
        messages.error(request, _("Cette opération n'est pas rapprochée d'écritures en attente du relevé."))
        return redirect("ledger:bank_line", line.pk)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Défaire le rapprochement de l'opération"),
                facts=[
                    (_("Opération bancaire"), f"{line.booked_on:%d/%m/%Y} · {euros(line.amount)} €"),
                    *(
                        (f"{clearing.entry.booked_on:%d/%m/%Y} {clearing.entry.label}", f"{euros(clearing.amount)} €")
                        for clearing in cleared
                    ),
                ],
                consequences=[
                    _(
                        "L'écriture de banque du rapprochement est contre-passée à la date de l'opération : le compte "
                        "banque (512) revient à son solde d'avant."
                    ),
                    _("Les écritures attendent de nouveau leur opération bancaire ; l'opération revient dans la file."),
                ],
                action=_("Confirmer : défaire le rapprochement"),
                cancel_url=reverse("ledger:bank_line", args=[line.pk]),
            ),
        )
    try:
        services.bank_line_unclear(actor=user, line_id=line.pk)
    except ValidationError as error:
        return _refused(request, line, error)
    messages.success(request, _("Rapprochement défait : l'opération est de nouveau à rapprocher."))
    return redirect("ledger:bank_line", line.pk)


@require_POST
def bank_line_match(request, line_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    form = BankMatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le bail et la provenance du paiement."))
        return redirect("ledger:bank_line", line.pk)
    try:
        payment = services.bank_line_match(
            actor=user,
            line_id=line.pk,
            lease_id=form.cleaned_data["lease"],
            source=form.cleaned_data["source"],
            second_payment=form.cleaned_data["second_payment"],
        )
    except Lease.DoesNotExist:
        messages.error(request, _("Ce bail n'existe pas ou ne reçoit pas d'encaissement."))
        return redirect("ledger:bank_line", line.pk)
    except ValidationError as error:
        return _refused(request, line, error)
    messages.success(
        request,
        _("Opération rapprochée : encaissement de %(amount)s € enregistré pour %(tenant)s.")
        % {"amount": euros(payment.amount), "tenant": payment.lease.household.name},
    )
    return redirect("ledger:bank_queue")


@require_POST
def bank_line_ignore(request, line_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    line = _bank_line(user, line_id)
    form = BankIgnoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Demande incomplète."))
        return redirect("ledger:bank_line", line.pk)
    ignore = form.cleaned_data["ignore"]
    try:
        services.bank_line_ignore(actor=user, line_id=line.pk, ignore=ignore, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refused(request, line, error)
    if ignore:
        messages.success(request, _("Opération mise de côté."))
        return redirect("ledger:bank_queue")
    messages.success(request, _("Opération remise dans la file à rapprocher."))
    return redirect("ledger:bank_line", line.pk)
