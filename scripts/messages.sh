#!/usr/bin/env bash
# `make messages`: the French catalog. The code's strings are French already, so the catalog copies each msgid to
# its msgstr (msgen) and sets the French plural rule, under which 0 and 1 take the singular (« 0 suite à donner »);
# without it, gettext would apply the English rule to every ngettext. Needs the gettext tools (xgettext, msgen,
# msgfmt); the compiled catalog is committed, so running the application does not.
set -euo pipefail
cd "$(dirname "$0")/.."
PO=locale/fr/LC_MESSAGES/django.po
for tool in xgettext msgen msgfmt; do
    command -v "$tool" >/dev/null || { echo "make messages : l'outil « $tool » manque (paquet Debian gettext)." >&2; exit 1; }
done
mkdir -p locale
# written afresh each time: merged into the old catalog, a new msgid would be paired with a near old translation
# (marked fuzzy, then skipped by gettext, or wrong once the mark goes)
rm -f "$PO"
.venv/bin/python manage.py makemessages -l fr --no-location --no-obsolete \
    --ignore=.venv --ignore=tests --ignore='*/tests/*' -v0
msgen --no-wrap -o "$PO.tmp" "$PO"
.venv/bin/python - "$PO.tmp" "$PO" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
french_rule = '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
text = re.sub(r'"Plural-Forms: [^"]*"\n', lambda match: french_rule, text, count=1)
text = text.replace('"Language: \\n"', '"Language: fr\\n"', 1).replace("#, fuzzy\nmsgid \"\"", "msgid \"\"", 1)
text = re.sub(r"\A(#[^\n]*\n)+", "# Habiter : le catalogue français, écrit par `make messages` (les textes du code sont en français).\n", text)
text = text.replace('"Project-Id-Version: PACKAGE VERSION', '"Project-Id-Version: Habiter', 1)
text = re.sub(r'"POT-Creation-Date: [^"]*"\n', "", text, count=1)  # no churn in the diff when nothing changed
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
rm "$PO.tmp"
.venv/bin/python manage.py compilemessages -l fr -v0 --ignore=.venv
