"""The letterhead and the signature block every PDF and letter shares (core/pdf_letterhead.html,
core/pdf_signatory.html), from the organisation's settings page."""

import base64
import mimetypes

from django import template

register = template.Library()


def logo_data_uri(organisation) -> str:
    """The logo inlined as a data: URI (the PDF renderer fetches no file); empty when there is none or it is gone."""
    if not organisation or not organisation.logo:
        return ""
    try:
        with organisation.logo.open("rb") as logo:
            content = logo.read()
    except OSError:
        return ""
    content_type = mimetypes.guess_type(organisation.logo.name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


@register.inclusion_tag("core/pdf_letterhead.html")
def letterhead(organisation, agent_of=""):
    """The organisation's logo, legal name, address, phone, e-mail and SIRET; `agent_of` names the landlord it
    acts for, when it is not the landlord itself."""
    return {
        "organisation": organisation,
        "legal_name": (organisation.legal_name or organisation.name) if organisation else "",
        "logo": logo_data_uri(organisation),
        "agent_of": agent_of,
    }


@register.inclusion_tag("core/pdf_signatory.html")
def signatory(organisation, kind, fallback_name="", fallback_title=""):
    """Who signs a letter of `kind` (a LetterKind value) for the organisation; the fallback when none is set."""
    chosen = organisation.signatory(kind) if organisation else {"name": "", "title": ""}
    return {
        "legal_name": (organisation.legal_name or organisation.name) if organisation else "",
        "name": chosen["name"] or fallback_name,
        "title": chosen["title"] or fallback_title,
    }


@register.simple_tag
def signatory_of(organisation, kind):
    """The name and title that sign for `kind`, to place in a document's own signature box."""
    return organisation.signatory(kind) if organisation else {"name": "", "title": ""}
