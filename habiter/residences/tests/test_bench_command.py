"""`manage.py bench_residences` (run by `make bench`) writes its section between its markers, then replaces it."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_bench_writes_its_section_and_replaces_it_on_the_next_run(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n", encoding="utf-8")
    call_command("bench_residences", residences=2, years=2, report=str(report), stdout=io.StringIO())
    call_command("bench_residences", residences=2, years=2, report=str(report), stdout=io.StringIO())
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert text.count("<!-- bench_residences:start -->") == 1
    assert "2 résidences de 20 places, 2 ans d'historique" in text
    assert "| Toutes les résidences, année" in text and "| Une résidence, mois par mois" in text
