"""Every write on a household's documents: upload checked from the content, archive, removal."""

import hashlib
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from habiter.core.audit import audit_record
from habiter.people.queries import households_visible_to

from . import rules as support_rules
from .models import (
    Document,
    document_path,
)
from .queries import household_for_support


def document_check(uploaded) -> tuple[str, str, bytes]:
    """Refuse what is not a readable PDF, JPEG or PNG of at most 10 MB, judged from the content."""
    error = support_rules.document_size_error(uploaded.size or 0)
    if error:
        raise ValidationError({"file": error})
    content = uploaded.read()
    uploaded.seek(0)
    sniffed = support_rules.sniff_document_type(content[:16])
    if sniffed is None:
        raise ValidationError(
            {"file": _("Seuls les fichiers PDF, JPEG et PNG sont acceptés (le contenu a été vérifié).")}
        )
    content_type, extension = sniffed
    if content_type == "application/pdf":
        try:
            reader = PdfReader(io.BytesIO(content), strict=True)
            if reader.is_encrypted:
                raise ValidationError(
                    {"file": _("Ce PDF est protégé par un mot de passe : enregistrez-le sans protection.")}
                )
            if len(reader.pages) == 0:
                raise PdfReadError("no page")
        except ValidationError:
            raise
        except Exception as broken:  # noqa: BLE001 - pypdf raises many kinds of errors on a broken file
            raise ValidationError({"file": _("Ce PDF est abîmé ou incomplet : il ne peut pas être lu.")}) from broken
    else:
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except Exception as broken:  # noqa: BLE001 - Pillow raises many kinds of errors on a broken image
            raise ValidationError(
                {"file": _("Cette image est abîmée ou incomplète : elle ne peut pas être lue.")}
            ) from broken
    return content_type, extension, hashlib.sha256(content).hexdigest()


def document_may_remove(user, document) -> bool:
    """Who may archive or delete a document: the person who added it, or the household's referent."""
    return bool(
        user.is_active
        and user.organisation_id == document.organisation_id
        and (document.uploaded_by_id == user.pk or document.household.referent_id == user.pk)
    )


def _removable_document(actor, document_id) -> Document:
    """The document, locked, if the actor sees its household and may remove it; PermissionDenied if they see it
    but did not add it and are not the referent; DoesNotExist if they do not see it."""
    document = (
        Document.objects.select_for_update()
        .select_related("household")
        .filter(pk=document_id, household__in=households_visible_to(actor))
        .first()
    )
    if document is None:
        raise Document.DoesNotExist
    if not document_may_remove(actor, document):
        raise PermissionDenied
    return document


def document_archive(*, actor, document_id) -> Document:
    """Archive a document: gone from the household's list, kept and readable from the archived documents."""
    with transaction.atomic():
        document = _removable_document(actor, document_id)
        if document.archived_at is None:
            document.archived_at = timezone.now()
            document.archived_by = actor
            document.save(update_fields=["archived_at", "archived_by", "updated_at"])
            audit_record(
                actor=actor,
                action="document.archive",
                obj=document,
                household_id=document.household_id,
                detail={"kind": document.kind},
            )
    return document


def document_delete(*, actor, document_id) -> None:
    """Delete a document and its file from storage (once the deletion is committed); the journal keeps the row."""
    with transaction.atomic():
        document = _removable_document(actor, document_id)
        audit_record(
            actor=actor,
            action="document.delete",
            obj=document,
            household_id=document.household_id,
            detail={"kind": document.kind, "size": document.size},
        )
        storage, name = document.file.storage, document.file.name
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


def document_upload(*, actor, household_id, uploaded, kind: str, expires_on=None) -> Document:
    """Store a document of a household; nothing is stored when it is refused."""
    content_type, extension, digest = document_check(uploaded)
    with transaction.atomic():
        household = household_for_support(actor, household_id)
        document = Document(
            organisation_id=actor.organisation_id,
            household=household,
            kind=kind,
            original_name=(uploaded.name or "document")[-255:],
            content_type=content_type,
            extension=extension,
            size=uploaded.size,
            sha256=digest,
            expires_on=expires_on,
            uploaded_by=actor,
        )
        document.full_clean(exclude=["file"])
        document.file.save(document_path(document, uploaded.name), uploaded, save=False)
        try:
            document.save()
            audit_record(actor=actor, action="document.upload", obj=document, household_id=household.pk)
        except Exception:
            document.file.storage.delete(document.file.name)
            raise
    return document
