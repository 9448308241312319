"""The page « Temps des hôtes » of a pension de famille or résidence accueil (W34): the hosts' full-time equivalents
of each year, and the form to record a year's or correct it (a typed figure, corrected by typing it again: the audit
keeps the value before). For the director; anyone else gets a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404

from . import queries, services
from .forms import HostingStaffForm
from .hosting_staff import correction_refusal, fte_text
from .models import HOSTING_STAFF_KINDS


def hosting_staff_form(data=None, *, today=None) -> HostingStaffForm:
    """The form, offering last year's: the one the annual report of last year counts."""
    this_year = (today or timezone.localdate()).year
    return HostingStaffForm(data, this_year=this_year, initial={"year": this_year - 1})


@require_http_methods(["GET", "POST"])
def hosting_staff(request, residence_id):
    """The hosts' time recorded for the residence, latest year first, and the form to record one; a year already
    recorded is corrected. A residence without hosts (a résidence sociale) says so (the service refuses it)."""
    user = request.user
    residence = get_or_404(queries.residence_for_hosting_staff, user, residence_id)
    has_hosts = residence.kind in HOSTING_STAFF_KINDS
    form = hosting_staff_form(request.POST or None)
    recorded = list(queries.hosting_staff(residence))
    if request.method == "POST" and form.is_valid():
        year, fte = form.cleaned_data["year"], form.cleaned_data["fte"]
        current = next((row for row in recorded if row.year == year), None)
        refusal = correction_refusal(current, fte)
        if refusal:
            form.add_error("fte", refusal)
        else:
            try:
                staff, before = services.hosting_staff_record(actor=user, residence_id=residence.pk, year=year, fte=fte)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                text = (
                    _("Temps des hôtes de %(year)s enregistré : %(fte)s ETP.")
                    if before is None
                    else _("Temps des hôtes de %(year)s corrigé : %(fte)s ETP (au lieu de %(before)s ETP).")
                )
                messages.success(
                    request,
                    text
                    % {
                        "year": staff.year,
                        "fte": fte_text(staff.fte),
                        "before": fte_text(before) if before is not None else "",
                    },
                )
                return redirect("residences:hosting_staff", residence_id=residence.pk)
    return render(
        request,
        "residences/hosting_staff.html",
        {"residence": residence, "form": form, "recorded": recorded, "has_hosts": has_hosts},
    )
