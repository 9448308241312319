"""The page where a council's managers record its own rhythm of meetings (council_followup.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from habiter.core.forms import apply_validation_error
from habiter.core.pages import get_or_404, require_perm

from . import council_followup, queries
from .forms import RhythmForm


@require_http_methods(["GET", "POST"])
def council_rhythm(request, council_id):
    """The number of meetings a year the council's règlement intérieur sets (a director, or the host of its
    residence); a council whose legal basis sets a minimum keeps it (W15) and is refused in French."""
    user = request.user
    require_perm(user, "community.manage_council")
    council = get_or_404(lambda u, pk: queries.councils_managed_by(u).get(pk=pk), user, council_id)
    back = reverse("community:council_detail", args=[council.pk])
    form = RhythmForm(request.POST or None, initial={"meetings_per_year": council.meetings_per_year})
    if request.method == "POST" and form.is_valid():
        planned = form.cleaned_data["meetings_per_year"]
        try:
            council_followup.council_rhythm_set(actor=user, council_id=council.pk, meetings_per_year=planned)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            done = _("Rythme de réunions enregistré.") if planned else _("Rythme de réunions retiré.")
            messages.success(request, done)
            return redirect(back)
    title = _("Réunions prévues par an — %(name)s") % {"name": council.name}
    return render(request, "community/partner_form.html", {"form": form, "title": title, "cancel_url": back})
