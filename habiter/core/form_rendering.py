"""Empty forms rendered once per process.

Django renders a form through one template per field and per widget, which costs milliseconds for the forms
of the household page; yet an empty (unbound) form's HTML depends only on its class and on what each field
holds: label, help text, required, widget and its attributes, choices and initial value, plus the language.
`RenderedOnce` keys the HTML on exactly that and renders each combination once per process. A bound form
(with data or errors) renders as usual, and so does a model choice field whose choices would need a query.
"""

from collections import OrderedDict
from threading import Lock

from django import forms
from django.utils.translation import get_language

MAX_ENTRIES = 512

_rendered: OrderedDict = OrderedDict()
_lock = Lock()


def _frozen(value):
    """Something hashable that tells `value` apart the way its rendering would."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if value is None or isinstance(value, (bool, int)):
        return value
    return (type(value).__name__, str(value))


class _NotCacheable(Exception):
    pass


class RenderedOnce:
    """Mixin for a form class, before `forms.Form` or `forms.ModelForm`."""

    def _rendering_key(self):
        fields = []
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and not hasattr(field, "_choices"):
                raise _NotCacheable  # its choices come from a query: render as usual
            widget = field.widget
            fields.append(
                (
                    name,
                    type(field),
                    type(widget),
                    _frozen(field.label),
                    _frozen(field.help_text),
                    field.required,
                    field.disabled,
                    field.show_hidden_initial,
                    field.localize,
                    _frozen(field.label_suffix),
                    _frozen(widget.attrs),
                    _frozen(getattr(widget, "input_type", None)),
                    _frozen(getattr(widget, "format", None)),
                    _frozen(list(field.choices)) if hasattr(field, "choices") else None,
                    _frozen(self.get_initial_for_field(field, name)),
                )
            )
        return (
            type(self),
            get_language(),
            self.prefix,
            _frozen(self.auto_id),
            _frozen(self.label_suffix),
            self.use_required_attribute,
            self.template_name,
            tuple(fields),
        )

    def render(self, template_name=None, context=None, renderer=None):
        if self.is_bound or template_name or context or renderer:
            return super().render(template_name, context, renderer)
        try:
            key = self._rendering_key()
        except _NotCacheable:
            return super().render()
        with _lock:
            html = _rendered.get(key)
            if html is not None:
                _rendered.move_to_end(key)
                return html
        html = super().render()
        with _lock:
            _rendered[key] = html
            while len(_rendered) > MAX_ENTRIES:
                _rendered.popitem(last=False)
        return html

    __str__ = render
    __html__ = render
