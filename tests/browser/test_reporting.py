"""End to end, in Chromium: the director opens the dashboard from the home page, runs the activity report for
2025, stores it and downloads its spreadsheet, whose figures are the page's. axe-core on every page; screenshots at
desktop and phone widths."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from habiter.reporting.models import ReportRun
from habiter.reporting.tests import dataset

from .support import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_opens_the_dashboard_and_downloads_the_activity_report(page, tmp_path):
    data = dataset.build()
    log_in(page, data.director.username)

    page.get_by_role("link", name="Tableau de pilotage : l'activité en graphiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage")
    expect(page.locator("svg[role=img]")).to_have_count(4)
    expect(page.get_by_role("table", name="Ménages accompagnés et mesures en cours, sur 24 mois")).to_be_visible()
    check_page(page, "reporting-dashboard", phone=True)

    page.get_by_role("link", name="Rapport d'activité", exact=True).first.click()
    page.get_by_label("Année").fill("2025")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name="Aperçu de l'année 2025, compté maintenant")).to_be_visible()
    households = page.get_by_role("region", name="Ménages et personnes accompagnés, par dispositif")
    expect(households.get_by_role("row").nth(1)).to_have_text("AVDL36")
    check_page(page, "reporting-activity-preview", phone=True)

    page.get_by_role("button", name="Enregistrer le rapport 2025").click()
    expect(page.get_by_text("Le rapport est enregistré")).to_be_visible()
    expect(page.get_by_text("Compté aujourd'hui, le rapport donnerait les mêmes chiffres.")).to_be_visible()
    check_page(page, "reporting-run", phone=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en tableur (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "rapport-activity-20250101-20251231.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook[workbook.sheetnames[0]]
    assert [cell.value for cell in sheet[5]] == ["AVDL", 3, 6]
    prevention = next(workbook[name] for name in workbook.sheetnames if name.startswith("Prévention"))
    assert [cell.value for cell in prevention[11]] == ["Expulsions évitées", 2]
    assert ReportRun.objects.get().generated_by == data.director
