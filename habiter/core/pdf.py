"""PDF documents rendered from Django templates with WeasyPrint (plans, agreements, letters)."""

from django.conf import settings
from django.template.loader import render_to_string


def pdf_render(template_name: str, context: dict) -> bytes:
    """Render `template_name` to PDF bytes. Only the app's own files are reachable from the document."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    base_url = str(settings.BASE_DIR)
    return HTML(string=html, base_url=base_url, url_fetcher=_no_fetch).write_pdf()


def pdf_render_many(template_name: str, contexts) -> bytes:
    """One PDF of several documents from the same template, each starting on a new page (to print in one go)."""
    from weasyprint import HTML

    base_url = str(settings.BASE_DIR)
    documents = [
        HTML(string=render_to_string(template_name, context), base_url=base_url, url_fetcher=_no_fetch).render()
        for context in contexts
    ]
    if not documents:
        raise ValueError("no document to render")
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def _no_fetch(url, *args, **kwargs):
    """No remote or local file is fetched: the templates carry their styles inline in <style>."""
    raise ValueError(f"external resource refused: {url}")


def pdf_response(template_name: str, context: dict, *, filename: str):
    """The rendered PDF as an inline HTTP response."""
    from django.http import HttpResponse

    response = HttpResponse(pdf_render(template_name, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
