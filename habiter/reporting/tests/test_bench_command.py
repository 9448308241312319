"""`manage.py bench_reports` (run by `make bench` after the ledger and the residences at scale) replaces its section
between its markers with the data set it measured and a row for each page, stored run and export; the runs it
stores for the measure are rolled back."""

import io

import pytest
import time_machine
from django.core.management import call_command

from habiter.core.models import AuditEvent
from habiter.reporting.models import ReportRun

from . import dataset, housing_dataset

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-02-10 10:00 +01:00")
def test_the_bench_writes_its_section_and_leaves_no_run(tmp_path):
    data = dataset.build()
    housing_dataset.add_arrears(data)
    housing_dataset.add_residences(data)
    report = tmp_path / "BENCHMARKS.md"
    report.write_text(
        "# Benchmarks\n\n<!-- bench_reports:start -->\nLa mesure d'avant\n<!-- bench_reports:end -->\n",
        encoding="utf-8",
    )
    call_command("bench_reports", username=data.director.username, report=str(report), stdout=io.StringIO())
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert text.count("<!-- bench_reports:start -->") == 1 and "La mesure d'avant" not in text
    # 3 households of the director's organisation, 1 of the other; the rent calls of `add_arrears`: Martin's 4,
    # Bernard's 2, Petit's 3 on 3 leases, October 2025 to January 2026; `add_residences`: Bellevue's place and the
    # Tilleuls' 3, Martin's, Petit's and Bernard's stays, the first from March 2024
    assert "- Ménages : la directrice de démonstration voit les 3 ménages de son organisation (4 ménages" in text
    assert (
        "- Comptabilité : 9 appels de loyer de 3 baux, d'octobre 2025 à janvier 2026 (4 mois), dont 9 appels dans "
        "l'organisation de la directrice (d'octobre 2025 à janvier 2026)." in text
    )
    assert "- Résidences : 2 résidences, 4 places, 3 séjours depuis mars 2024." in text
    for row in (
        "| Tableau de bord de la direction | ",
        "| Rapport AVDL — accompagnement vers et dans le logement, 2025 : aperçu | ",
        "| Rapport d'activité de l'association, 2025 : enregistrement (`services.report_run`) | ",
        "| Rapport d'activité de l'association, 2025 : page du rapport enregistré, recompté pour les changements | ",
        "| Rapport d'activité de l'association, 2025 : export tableur XLSX | ",
        "| Rapport AVDL — accompagnement vers et dans le logement, 2025 : export PDF | ",
    ):
        assert row in text, row
    assert not ReportRun.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()
