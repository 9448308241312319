"""The French catalog: French plurals (0 and 1 take the singular) for every plural the code writes, so that a page
never shows « 0 suites » nor falls back to the English rule because `make messages` was not run."""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
PYTHON_PLURAL = re.compile(r'\bngettext(?:_lazy)?\(\s*"((?:[^"\\]|\\.)*)"\s*,', re.S)
TEMPLATE_PLURAL = re.compile(r"{%\s*blocktranslate\s+([^%]*?)\bcount\b[^%]*%}(.*?){%\s*plural\s*%}", re.S)
VARIABLE = re.compile(r"{{\s*([\w.]+)\s*}}")


def _sources(pattern):
    for path in sorted((ROOT / "habiter").rglob(pattern)):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path


def _code_plurals() -> set[str]:
    found = set()
    for path in _sources("*.py"):
        for match in PYTHON_PLURAL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1))
    for path in _sources("*.html"):
        for options, body in TEMPLATE_PLURAL.findall(path.read_text(encoding="utf-8")):
            if "trimmed" in options:
                body = " ".join(line.strip() for line in body.strip().splitlines())
            found.add(VARIABLE.sub(lambda m: f"%({m.group(1)})s", body))
    return found


def test_zero_and_one_take_the_singular_in_french():
    with translation.override("fr"):
        assert ngettext("%(counter)s suite à donner", "%(counter)s suites à donner", 0) == "%(counter)s suite à donner"
        assert ngettext("%(counter)s suite à donner", "%(counter)s suites à donner", 1) == "%(counter)s suite à donner"
        assert ngettext("%(counter)s suite à donner", "%(counter)s suites à donner", 2) == "%(counter)s suites à donner"


def test_every_plural_of_the_code_is_in_the_compiled_catalog():
    with CATALOG.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    known = {key[0] if isinstance(key, tuple) else key for key in catalog._catalog}
    plurals = _code_plurals()
    assert len(plurals) >= 60  # the scan finds the code's plurals
    missing = sorted(plurals - known)
    assert not missing, f"Lancez `make messages` : {len(missing)} pluriels absents du catalogue, dont {missing[:5]}"


def test_every_translation_is_its_own_text():
    """The code's strings are French: the catalog only carries the plural rule, so each translation is its msgid
    (the singular for a plural, its plural form for n > 1); a guessed translation would put another sentence on
    the page."""
    with CATALOG.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    wrong = []
    for key, text in catalog._catalog.items():
        if not key:
            continue  # the header
        if isinstance(key, tuple):  # (singular, form index): the forms are read back from the code below
            continue
        if "\x04" in key:  # a context: "context\x04text"
            key = key.split("\x04", 1)[1]
        if text != key:
            wrong.append((key, text))
    assert not wrong, f"Lancez `make messages` : {len(wrong)} traductions différentes du texte, dont {wrong[:3]}"
    # a fuzzy entry is left out of the compiled catalog: its plural would fall back to the English rule
    fuzzy = (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8").count("#, fuzzy")
    assert fuzzy == 0, f"Lancez `make messages` : {fuzzy} entrées marquées « fuzzy » dans le catalogue"
