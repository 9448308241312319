"""Pages of the annual charge regularisation: the list, the preparation form, one regularisation with its lines,
the sending of the statements and the posting of the balances (each a confirmation page before the service runs),
and a tenant's statement (décompte) as PDF. Thin views over `queries` and `services`."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from habiter.core.forms import apply_validation_error
from habiter.core.reads import journaled_list, journaled_read, listed, read_of
from habiter.housing.models import Building, Dwelling
from habiter.housing.queries import building_choices, dwelling_choices
from habiter.ledger import pages, rules
from habiter.ledger.forms import ChargeRegularisationForm, RegularisationPostForm, RegularisationSendForm
from habiter.ledger.models import ChargeRegularisation, ChargeRegularisationLine, RegularisationStatus

from . import queries, services


def _regularisation(user, regularisation_id) -> ChargeRegularisation:
    try:
        return queries.regularisation_for(user, regularisation_id)
    except ChargeRegularisation.DoesNotExist:
        raise Http404 from None


@require_GET
def charge_regularisation_list(request):
    """The organisation's regularisations, newest period first, with their total and number of leases."""
    user = request.user
    pages.require_perm(user, "ledger.view_ledger")
    page = Paginator(queries.regularisation_rows(user), pages.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/charge_regularisation_list.html",
        {"page": page, "can_post": user.has_perm("ledger.post")},
    )


@require_http_methods(["GET", "POST"])
def charge_regularisation_create(request):
    """Prepare a regularisation: the shares and balances are computed by the service, nothing is posted yet."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    today = pages.today()
    form = ChargeRegularisationForm(
        request.POST or None,
        buildings=building_choices(user),
        dwellings=dwelling_choices(user),
        initial={"period_start": date(today.year - 1, 1, 1), "period_end": date(today.year - 1, 12, 31)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            regularisation = services.charge_regularisation_create(
                actor=user,
                building_id=data["building"].pk if data["building"] else None,
                dwelling_id=data["dwelling"].pk if data["dwelling"] else None,
                period_start=data["period_start"],
                period_end=data["period_end"],
                expenses=form.expenses(),
            )
        except (Building.DoesNotExist, Dwelling.DoesNotExist):
            raise Http404 from None
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Régularisation préparée : vérifiez les décomptes, puis enregistrez leur envoi aux locataires."),
            )
            return redirect("ledger:charge_regularisation_detail", regularisation.pk)
    return render(request, "ledger/charge_regularisation_form.html", {"form": form})


@require_GET
@journaled_list("ledger.charge_regularisation")
def charge_regularisation_detail(request, regularisation_id):
    user = request.user
    regularisation = _regularisation(user, regularisation_id)
    lines = list(regularisation.lines.select_related("lease"))
    listed(request, [line.lease.household_id for line in lines])
    return render(
        request,
        "ledger/charge_regularisation_detail.html",
        {
            "regularisation": regularisation,
            "expenses": list(regularisation.expenses.all()),
            "total": queries.expense_total(regularisation),
            "lines": lines,
            "totals": queries.line_totals(regularisation, lines),
            "can_post": user.has_perm("ledger.post"),
            "earliest_post": rules.regularisation_earliest_post(regularisation.statements_sent_on)
            if regularisation.statements_sent_on
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@journaled_list("ledger.charge_regularisation")
def charge_regularisation_send(request, regularisation_id):
    """Confirm, then record that the statements were sent: the figures are frozen from then."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    regularisation = _regularisation(user, regularisation_id)
    listed(request, list(regularisation.lines.values_list("lease__household_id", flat=True)))
    today = pages.today()
    form = RegularisationSendForm(request.POST or None, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.charge_regularisation_send(actor=user, regularisation_id=regularisation.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Envoi des décomptes enregistré : les soldes pourront être passés à partir du %(day)s.")
                % {"day": f"{rules.regularisation_earliest_post(form.cleaned_data['on']):%d/%m/%Y}"},
            )
            return redirect("ledger:charge_regularisation_detail", regularisation.pk)
    return render(
        request,
        "ledger/charge_regularisation_send.html",
        {
            "regularisation": regularisation,
            "lines": list(regularisation.lines.all()),
            "form": form,
            "earliest_post": rules.regularisation_earliest_post(today),
        },
    )


@require_http_methods(["GET", "POST"])
@journaled_list("ledger.charge_regularisation")
def charge_regularisation_post(request, regularisation_id):
    """Show the entries that posting will write, line by line, with the spread and adjustment choices; post on
    confirmation. The service's refusals (too early, closed month, time-barred) come back on the page."""
    user = request.user
    pages.require_perm(user, "ledger.post")
    regularisation = _regularisation(user, regularisation_id)
    rows = queries.posting_rows(regularisation)
    listed(request, list(regularisation.lines.values_list("lease__household_id", flat=True)))
    can_adjust = user.has_perm("leases.manage_lease")
    form = RegularisationPostForm(request.POST or None, rows=rows, can_adjust=can_adjust, initial={"on": pages.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.charge_regularisation_post(
                actor=user,
                regularisation_id=regularisation.pk,
                on=data["on"],
                spread_line_ids=data["spread"],
                adjust_line_ids=data["adjust"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Soldes de la régularisation passés en comptabilité."))
            return redirect("ledger:charge_regularisation_detail", regularisation.pk)
    spread, adjust = form.chosen("spread"), form.chosen("adjust")
    for row in rows:
        row.spread_checked = str(row.line.pk) in spread
        row.adjust_checked = str(row.line.pk) in adjust
    return render(
        request,
        "ledger/charge_regularisation_post.html",
        {
            "regularisation": regularisation,
            "rows": rows,
            "form": form,
            "can_adjust": can_adjust,
            "ready": regularisation.status == RegularisationStatus.SENT,
            "earliest_post": rules.regularisation_earliest_post(regularisation.statements_sent_on)
            if regularisation.statements_sent_on
            else None,
        },
    )


@require_GET
@journaled_read("ledger.charge_statement")
def charge_statement_pdf(request, regularisation_line_id):
    """A tenant's statement, rendered from the figures copied on the line; each download is journaled."""
    user = request.user
    try:
        line = queries.line_for(user, regularisation_line_id)
    except ChargeRegularisationLine.DoesNotExist:
        raise Http404 from None
    read_of(request, household_id=line.lease.household_id, obj=line)
    response = HttpResponse(services.statement_pdf(line), content_type="application/pdf")
    name = f"decompte-charges-{line.regularisation.period_end:%Y}-{line.dwelling_reference}"
    response["Content-Disposition"] = f'inline; filename="{_safe_filename(name)}.pdf"'
    return response


def _safe_filename(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name)[:80]
