"""Amounts and dates the French way: « 1 234,56 € », « 1er septembre 2026 », in every template."""

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

TEMPLATES = sorted(p for p in (Path(settings.BASE_DIR) / "habiter").rglob("*.html") if "tests" not in p.parts)
# outside a {% blocktranslate %}, whose placeholders are formatted in its `with` clause
BLOCKS = re.compile(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", re.S)
BARE_AMOUNT = re.compile(r"{{\s*[\w.]+(\|floatformat(:\d+)?)?\s*}}\s*€")
BARE_LONG_DATE = re.compile(r"\|date:\"[^\"]*\bj F")


def _render(text, **context):
    with translation.override("fr"):
        return Template(text).render(Context(context))


def test_amounts_have_the_french_thousands_separator():
    assert _render("{{ a|euros }} €", a=Decimal("1234.5")) == "1\xa0234,50 €"
    assert _render("{{ a|euros }}", a=None) == ""


def test_long_dates_write_the_first_of_the_month():
    assert _render("{{ d|long_date }}", d=date(2026, 9, 1)) == "1er septembre 2026"
    assert _render("{{ d|long_date }}", d=date(2026, 9, 2)) == "2 septembre 2026"
    assert _render('{{ d|long_date:"l" }}', d=date(2026, 9, 1)) == "mardi 1er septembre 2026"
    assert _render('{{ d|long_date:"-" }}', d=date(2026, 1, 1)) == "1er janvier"
    moment = datetime(2026, 12, 1, 13, 0, tzinfo=ZoneInfo("UTC"))  # 14:00 in Paris
    assert _render('{{ d|long_date:"l H:i" }}', d=moment) == "mardi 1er décembre 2026, 14:00"
    assert _render("{{ d|long_date }}", d=None) == ""


def test_no_template_writes_an_amount_or_a_long_date_without_the_french_filters():
    found = []
    for path in TEMPLATES:
        text = BLOCKS.sub("", path.read_text(encoding="utf-8"))
        found += [
            f"{path.name}: {m.group(0)}" for pattern in (BARE_AMOUNT, BARE_LONG_DATE) for m in pattern.finditer(text)
        ]
    assert not found, found


def test_a_formset_sent_without_its_management_form_says_so_in_plain_french():
    from django import forms

    from habiter.core.forms import PlainFormSet

    class Line(forms.Form):
        label = forms.CharField()

    lines = forms.formset_factory(Line, formset=PlainFormSet, max_num=2, validate_max=True)
    with translation.override("fr"):
        forged = lines({"form-0-label": "x"})
        assert not forged.is_valid()
        assert forged.non_form_errors() == ["Le formulaire est incomplet : rechargez la page puis saisissez à nouveau."]
        too_many = lines(
            {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "0", **{f"form-{i}-label": "x" for i in range(3)}}
        )
        assert not too_many.is_valid() and too_many.non_form_errors() == ["Trop de lignes : 2 au plus."]


TABLE = re.compile(r"<table\b.*?</table>", re.S)
HEAD_CELLS = re.compile(r"<th\b([^>]*)>")
FIRST_ROW = re.compile(r"<tbody>\s*(?:\{%[^%]*%\}\s*)*<tr\b.*?</tr>", re.S)
ROW_CELLS = re.compile(r"<t[dh]\b([^>]*)>")


def test_a_column_of_amounts_has_its_header_aligned_with_it():
    """Where the first row of a table puts an amount in a column (`td.amount`), the column's header is aligned to
    the right with it; tables whose first row spans columns are not read."""
    found = []
    for path in TEMPLATES:
        for table in TABLE.findall(path.read_text(encoding="utf-8")):
            head, _, body = table.partition("</thead>")
            row = FIRST_ROW.search(body)
            if "<thead>" not in head or not row or "colspan" in row.group(0):
                continue
            headers, cells = HEAD_CELLS.findall(head), ROW_CELLS.findall(row.group(0))
            if len(headers) != len(cells):
                continue
            found += [
                f"{path.name}: column {i + 1}"
                for i, (header, cell) in enumerate(zip(headers, cells, strict=True))
                if 'class="amount"' in cell and "amount" not in header
            ]
    assert not found, found


def test_an_amount_is_typed_with_spaces_between_the_thousands():
    """« 1 200,50 » as an accountant types it, or copied from a page (non-breaking or narrow spaces)."""
    from habiter.core.forms import AmountField
    from habiter.ledger.forms import PaymentForm

    field = AmountField(max_digits=12, decimal_places=2, localize=True)
    with translation.override("fr"):
        assert field.clean("1 200,50") == Decimal("1200.50")
        assert field.clean(" 1\xa0234,5 ") == Decimal("1234.50")
        assert field.clean("12\u202f345 678,09") == Decimal("12345678.09")
        assert field.clean("980.25") == Decimal("980.25")
        form = PaymentForm(data={"amount": "1 200,50"})
        form.is_valid()
        assert form.cleaned_data["amount"] == Decimal("1200.50")
        assert "amount" not in form.errors
        refused = PaymentForm(data={"amount": "douze euros"})
        assert not refused.is_valid() and refused.errors["amount"] == ["Saisissez un nombre."]
