"""PDF documents rendered from Django templates with WeasyPrint (plans, agreements, letters).

WeasyPrint subsets the fonts with the system's HarfBuzz-Subset library (Debian: libharfbuzz-subset0) and falls back on
fontTools, a Python dependency, when it is missing: the documents are the same, but WeasyPrint warns once at import
and once per font of every document. Those two warnings say nothing a user can act on: they are silenced here, and
`scripts/check-system` says once which optional package is missing.
"""

import logging
import warnings
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string


class _NoSubsetFallbackNotice(logging.Filter):
    def filter(self, record):
        return "HarfBuzz-Subset" not in str(record.msg)


@cache
def _html_class():
    """WeasyPrint's HTML class, imported once, without its HarfBuzz-Subset notices."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML
    logging.getLogger("weasyprint").addFilter(_NoSubsetFallbackNotice())
    return HTML


def pdf_render(template_name: str, context: dict) -> bytes:
    """Render `template_name` to PDF bytes. Only the app's own files are reachable from the document."""
    HTML = _html_class()  # noqa: N806 - WeasyPrint's class
    html = render_to_string(template_name, context)
    base_url = str(settings.BASE_DIR)
    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher()).write_pdf()


def pdf_render_many(template_name: str, contexts) -> bytes:
    """One PDF of several documents from the same template, each starting on a new page (to print in one go)."""
    HTML = _html_class()  # noqa: N806 - WeasyPrint's class

    base_url = str(settings.BASE_DIR)
    documents = [
        HTML(string=render_to_string(template_name, context), base_url=base_url, url_fetcher=_fetcher()).render()
        for context in contexts
    ]
    if not documents:
        raise ValueError("no document to render")
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


@cache
def _ssl_context():
    """Built once: WeasyPrint's fetcher would build one per document (loading the system's certificates, about 20 ms),
    for an HTTPS it never opens."""
    import ssl

    return ssl.create_default_context()


def _fetcher():
    """No remote or local file is fetched: the templates carry their styles inline in <style>, and the logo of the
    letterhead is inlined as a data: URI (core/templatetags/letterhead.py), the only scheme let through."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, ssl_context=_ssl_context())


def pdf_response(template_name: str, context: dict, *, filename: str):
    """The rendered PDF as an inline HTTP response."""
    from django.http import HttpResponse

    response = HttpResponse(pdf_render(template_name, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
