"""Pages of the owners under a management mandate: statements, works, payouts and the association's bank details."""

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from habiter.core.confirm import Confirmation, confirmation_page, is_confirmed
from habiter.core.formats import euros
from habiter.core.forms import apply_validation_error
from habiter.core.pdf import pdf_response
from habiter.housing.models import Owner
from habiter.housing.rules import format_iban
from habiter.ledger import pages, rules
from habiter.ledger.forms import BankDetailsForm, OwnerWorkForm, PayoutForm, StatementMonthForm
from habiter.ledger.models import OwnerStatement, PayoutBatch

from . import queries, services


def _owner(user, owner_id) -> Owner:
    try:
        return queries.owner_for_ledger(user, owner_id)
    except Owner.DoesNotExist:
        raise Http404 from None


def _statement(user, statement_id) -> OwnerStatement:
    try:
        return queries.statement_for(user, statement_id)
    except OwnerStatement.DoesNotExist:
        raise Http404 from None


def _last_month():
    return rules.month_start(rules.month_start(pages.today()) - timedelta(days=1))


@require_GET
def owner_statements(request):
    """The mandate owners' statements of a month: issued (with their figures) or still to issue."""
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    form = StatementMonthForm(request.GET or None, initial={"month": _last_month()})
    month = (form.cleaned_data["month"] if form.is_valid() else None) or _last_month()
    owners = queries.statements_of_month(user, month)
    return render(
        request,
        "ledger/owner_statements.html",
        {
            "form": form,
            "month": month,
            "owners": owners,
            "ended": month < rules.month_start(pages.today()),
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_POST
def owner_statement_issue(request, owner_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    owner = _owner(user, owner_id)
    form = StatementMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le mois du compte rendu (AAAA-MM)."))
        return redirect("ledger:owner_statements")
    month = form.cleaned_data["month"]
    try:
        statement, created = services.owner_statement_issue(
            actor=user, owner_id=owner.pk, month=month, on=pages.today()
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('ledger:owner_statements')}?month={month:%Y-%m}")
    if created:
        messages.success(request, _("Compte rendu de gestion émis : les honoraires sont passés en comptabilité."))
    else:
        messages.info(request, _("Ce compte rendu était déjà émis : rien de nouveau n'a été passé."))
    return redirect("ledger:owner_statement_detail", statement.pk)


def _statement_context(statement):
    lines = list(queries.statement_lines(statement))
    return {
        "statement": statement,
        "collected_lines": [line for line in lines if line.kind == "collected"],
        "works_lines": [line for line in lines if line.kind == "works"],
        "deposit_lines": [line for line in lines if line.kind == "deposit"],
        "fees": queries.fee_by_lease(lines),
        "organisation": statement.organisation,
        "vat_percent": statement.vat_rate * 100,
        "period_end": rules.month_end(statement.month),
    }


@require_GET
def owner_statement_detail(request, statement_id):
    user = request.user
    statement = _statement(user, statement_id)
    context = _statement_context(statement)
    context["can_post"] = user.has_perm("ledger.post")
    return render(request, "ledger/owner_statement_detail.html", context)


@require_GET
def owner_statement_pdf(request, statement_id):
    statement = _statement(request.user, statement_id)
    return pdf_response(
        "ledger/owner_statement_pdf.html",
        _statement_context(statement),
        filename=f"compte-rendu-{statement.month:%Y-%m}.pdf",
    )


@require_GET
def owner_ledger(request, owner_id):
    """An owner's account with the association: balance, statements and works paid on the owner's behalf."""
    user = request.user
    owner = _owner(user, owner_id)
    return render(
        request,
        "ledger/owner_ledger.html",
        {
            "owner": owner,
            "position": queries.owner_position(owner),
            "statements": queries.statements(user).filter(owner=owner).order_by("-month")[:24],
            "works": queries.works_of(owner)[:50],
            "can_post": user.has_perm("ledger.post"),
        },
    )


@require_http_methods(["GET", "POST"])
def owner_work_create(request, owner_id):
    user = request.user
    pages.require_perm(user, "ledger.post")
    owner = _owner(user, owner_id)
    form = OwnerWorkForm(request.POST or None, initial={"invoice_date": pages.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.owner_work_record(actor=user, owner_id=owner.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Facture de travaux enregistrée : elle sera déduite du prochain compte rendu."))
            return redirect("ledger:owner_ledger", owner.pk)
    return render(request, "ledger/owner_work_form.html", {"form": form, "owner": owner})


@require_http_methods(["GET", "POST"])
def payouts(request):
    """Choose issued statements with an amount due, pay them by one SEPA file; the batches made so far."""
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    payable = list(queries.payable_statements(user).select_related("owner"))
    # an owner whose IBAN is missing, invalid or the association's own stays out of the batch until corrected
    ready, to_fix = queries.payout_split(user, payable)
    form = PayoutForm(request.POST or None, payable=ready, initial={"execution_date": pages.today()})
    if request.method == "POST":
        pages.require_perm(user, "ledger.post")
        # without the association's bank details the service refuses at once: nothing to confirm
        if form.is_valid() and queries.bank_details(user) is not None and not is_confirmed(request):
            chosen = set(form.cleaned_data["statements"])
            picked = [s for s in ready if str(s.pk) in chosen]
            total = sum((s.amount_due for s in picked), Decimal(0))
            return confirmation_page(
                request,
                Confirmation(
                    title=_("Créer le lot de virements"),
                    facts=[
                        *[(f"{s.owner_name} — {s.month:%m/%Y}", f"{euros(s.amount_due)} €") for s in picked],
                        (_("Total"), f"{euros(total)} €"),
                        (_("Exécution le"), f"{form.cleaned_data['execution_date']:%d/%m/%Y}"),
                    ],
                    consequences=[
                        _(
                            "Les reversements sont passés en comptabilité : "
                            "le compte de chaque propriétaire est débité."
                        ),
                        _("Chaque compte rendu choisi est marqué reversé et ne pourra plus l'être une seconde fois."),
                        _("Le fichier SEPA produit est à déposer à la banque ; un lot ne se supprime pas."),
                    ],
                    action=_("Confirmer les reversements"),
                    cancel_url=reverse("ledger:payouts"),
                ),
            )
        if form.is_valid():
            try:
                batch = services.payout_batch_create(
                    actor=user,
                    statement_ids=form.cleaned_data["statements"],
                    execution_date=form.cleaned_data["execution_date"],
                    on=pages.today(),
                )
            except OwnerStatement.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("Reversements passés en comptabilité : téléchargez le fichier de virements.")
                )
                return redirect("ledger:payout_detail", batch.pk)
    return render(
        request,
        "ledger/payouts.html",
        {
            "form": form,
            "payable": ready,
            "to_fix": to_fix,
            "batches": queries.payout_batches(user)[:24],
            "bank": queries.bank_details(user),
            "can_post": user.has_perm("ledger.post"),
            "can_manage_bank": user.has_perm("ledger.manage_bank_details"),
        },
    )


def _batch(user, batch_id) -> PayoutBatch:
    try:
        return queries.payout_batch_for(user, batch_id)
    except PayoutBatch.DoesNotExist:
        raise Http404 from None


@require_GET
def payout_detail(request, batch_id):
    batch = _batch(request.user, batch_id)
    return render(
        request,
        "ledger/payout_detail.html",
        {"batch": batch, "statements": batch.statements.select_related("owner").order_by("owner_name", "month")},
    )


@require_GET
def payout_file(request, batch_id):
    """The pain.001 file as generated when the batch was posted, every time the same."""
    batch = _batch(request.user, batch_id)
    response = HttpResponse(bytes(batch.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virements-{batch.reference}.xml"'
    return response


@require_http_methods(["GET", "POST"])
def bank_details(request):
    user = request.user
    pages.require_perm(user, "ledger.manage_bank_details")
    current = queries.bank_details(user)
    initial = (
        {"holder_name": current.holder_name, "iban": format_iban(current.iban), "bic": current.bic}
        if current
        else {"holder_name": user.organisation.name[:70]}
    )
    form = BankDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_details_save(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Coordonnées bancaires de l'association enregistrées."))
            return redirect("ledger:payouts")
    return render(request, "ledger/bank_details_form.html", {"form": form})
