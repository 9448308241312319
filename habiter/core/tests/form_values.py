"""What a browser would submit from a page's form, to test a save from the form as it was shown (its hidden
version included)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action):
        super().__init__()
        self.action, self.done, self.inside = action, False, False
        self.values: dict[str, object] = {}
        self._select = self._textarea = None
        self._option_value = None

    def _put(self, name, value, many=False):
        if many:
            self.values.setdefault(name, [])
            self.values[name].append(value)
        else:
            self.values[name] = value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.inside = not self.done and attrs.get("action") == self.action
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._put(name, attrs.get("value", "on"), many=kind == "checkbox")
            elif kind not in ("submit", "button", "file"):
                self._put(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self.inside and self._textarea:
            value = self.values[self._textarea] + data
            self.values[self._textarea] = value.removeprefix("\n")


def form_values(html: str, action: str | None = None, **changes) -> dict:
    """The fields of the page's POST form that posts to `action` (to the page itself when None) with their shown
    values, then `changes` applied."""
    reader = _FormReader(action)
    reader.feed(html)
    return reader.values | changes
