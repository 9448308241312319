"""No lost update: optimistic versioning of the rows people edit at the same time (ADR 0014).

A versioned row carries a `version` number. A form or an API client carries the version it showed; the service
that saves the change claims the row with one conditional UPDATE (`… SET version = version + 1 WHERE id = … AND
version = <shown>`) inside its transaction. Zero rows claimed means someone saved in between: the service raises
`StaleVersion`, its transaction rolls back, and nothing is saved. The form is shown again with what the user typed,
the current values beside the fields that differ, and who changed the row and when (from the audit log).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent


class Versioned(models.Model):
    """Abstract mixin: a `version` that every versioned save increments (`version_claim`).

    `version_audit_actions` names the audit actions that change the row, to tell who changed it last."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    version_audit_actions: tuple[str, ...] = ()

    class Meta:
        abstract = True


class StaleVersion(ValidationError):
    """The row was saved by someone else since the user opened it: nothing is saved.

    A ValidationError, so that a page which does not offer the fresh values still shows the message."""

    def __init__(self, *, current_version: int, changed_by=None, changed_at=None):
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(self.detail, code="stale_version")

    @property
    def detail(self) -> str:
        """The French sentence for a page or an API error."""
        if self.changed_by and self.changed_at:
            local = timezone.localtime(self.changed_at)
            at = _("%(hour)s h %(minute)s") % {"hour": local.hour, "minute": f"{local.minute:02d}"}
            if local.date() == timezone.localdate():
                when = _("à %(time)s") % {"time": at}
            else:
                when = _("le %(date)s à %(time)s") % {
                    "date": formats.date_format(local, "SHORT_DATE_FORMAT"),
                    "time": at,
                }
            return _(
                "Ce dossier a été modifié par %(who)s %(when)s pendant votre saisie : rechargez la page, "
                "vos changements n'ont pas été enregistrés."
            ) % {"who": self.changed_by, "when": when}
        return _(
            "Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie : rechargez la page, "
            "vos changements n'ont pas été enregistrés."
        )


def last_change(obj, *, audit_object_id=None) -> AuditEvent | None:
    """The latest audit event that changed `obj` (its model's `version_audit_actions`), with a named actor."""
    actions = getattr(obj, "version_audit_actions", ())
    if not actions:
        return None
    return (
        AuditEvent.objects.filter(object_id=str(audit_object_id or obj.pk), action__in=actions, actor__isnull=False)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def stale_version(obj, *, audit_object_id=None) -> StaleVersion:
    """The error for `obj`, with its current version and who changed it last."""
    current = type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    event = last_change(obj, audit_object_id=audit_object_id)
    return StaleVersion(
        current_version=current if current is not None else obj.version,
        changed_by=event.actor if event else None,
        changed_at=event.created_at if event else None,
    )


def version_check(obj: "Versioned", *, expected_version: int | None, audit_object_id=None) -> None:
    """Refuse early, before any work, a save from a form that showed an older version (None: no form, no check)."""
    if expected_version is not None and obj.version != expected_version:
        raise stale_version(obj, audit_object_id=audit_object_id)


def version_claim(obj: Versioned, *, expected_version: int | None, audit_object_id=None) -> None:
    """Claim `obj` for a save, in the caller's `transaction.atomic`: the conditional UPDATE that increments its
    version if it still is `expected_version` (the one the user saw), else `StaleVersion`. Call it when the
    service has decided to write, then save `obj` as usual; `obj.version` is the new one.

    `expected_version=None` is for writes that follow no form (batches, other services): the version is
    incremented all the same, so that a form opened before them is refused."""
    if expected_version is None:
        expected_version = obj.version
    elif obj.version != expected_version:
        raise stale_version(obj, audit_object_id=audit_object_id)
    claimed = type(obj)._base_manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise stale_version(obj, audit_object_id=audit_object_id)
    obj.version = expected_version + 1


# --- forms ---------------------------------------------------------------------------------------------------


class VersionField(forms.IntegerField):
    """The version the form showed, in a hidden input. Missing means "unknown": the save is refused as stale."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


class VersionedForm:
    """Mixin for a ModelForm over a versioned row: the `version` hidden field, filled from the instance."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = VersionField()
        instance = getattr(self, "instance", None)
        if instance is not None and not instance._state.adding:
            self.initial.setdefault("version", instance.version)


def posted_version(form) -> int:
    """The version the form carried; 0 (never a row's version) when it is missing."""
    return form.cleaned_data.get("version") or 0


def _shown(field, value) -> str:
    if value in (None, "", [], ()):
        return _("(vide)")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(o) for o in field.queryset.filter(pk__in=[getattr(v, "pk", v) for v in value]))
    if isinstance(field, forms.ModelChoiceField):
        found = field.queryset.filter(pk=getattr(value, "pk", value)).first()
        return str(found) if found is not None else _("(vide)")
    if isinstance(field, forms.BooleanField):
        return _("oui") if value else _("non")
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): v for k, v in field.choices}
        if isinstance(value, (list, tuple)):
            return ", ".join(str(labels.get(str(v), v)) for v in value)
        return str(labels.get(str(value), value))
    if hasattr(value, "isoformat"):
        return formats.localize(value)
    return str(value)


def show_stale(form, stale: StaleVersion, fresh) -> None:
    """Turn the refused, bound `form` into the page the user sees: what they typed stays in the fields, the
    current value is written under each field that differs (from `fresh`, the same form built unbound over the
    current row), the message says who changed the row and when, and the hidden version becomes the current one,
    so that saving again — after checking — is a deliberate choice."""
    for name, field in form.fields.items():
        if name == "version" or name not in fresh.fields:
            continue
        current = fresh.get_initial_for_field(fresh.fields[name], name)
        if field.has_changed(current, form[name].data):
            form.add_error(name, _("Valeur actuelle : %(value)s") % {"value": _shown(field, current)})
    form.add_error(None, stale.detail)
    form.add_error(
        None,
        _(
            "Vos saisies sont restées dans le formulaire, la valeur actuelle sous chaque champ qui diffère : "
            "vérifiez-les, puis enregistrez à nouveau si elles doivent remplacer les valeurs actuelles."
        ),
    )
    data = form.data.copy()
    data[form.add_prefix("version")] = str(stale.current_version)
    form.data = data
