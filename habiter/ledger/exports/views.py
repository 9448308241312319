"""The export page: the books of a period as a FEC file or an XLSX workbook."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from habiter.core.forms import apply_validation_error
from habiter.ledger import pages
from habiter.ledger.forms import ExportForm

from . import services


@require_GET
def export(request):
    """The books of a period as a FEC file or an XLSX workbook: the form, then the download (same URL, GET)."""
    user = request.user
    pages.require_perm(user, "ledger.export")
    today = pages.today()
    form = ExportForm(
        request.GET or None, initial={"start": today.replace(month=1, day=1), "end": today.replace(month=12, day=31)}
    )
    if form.is_bound and form.is_valid():
        try:
            name, content_type, content = services.ledger_export(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "ledger/export.html", {"form": form})
