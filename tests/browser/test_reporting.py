"""End to end, in Chromium: the director opens the dashboard from the home page, runs the activity report for
2025, stores it and downloads its spreadsheet, whose figures are the page's; then, from the dashboard, the AVDL report
of 2025, stored and downloaded as a spreadsheet and a PDF (its first page rendered to an image), and
stored again after a household's file was edited and its measure closed: the same figures. axe-core on every page;
screenshots at desktop and phone widths."""

import subprocess
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from habiter.reporting.models import ReportRun
from habiter.reporting.tests import dataset, housing_dataset
from habiter.support.models import MeasureStatus, SupportMeasure

from .support import SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_opens_the_dashboard_and_downloads_the_activity_report(page, tmp_path):
    data = dataset.build()
    housing_dataset.add_arrears(data)
    housing_dataset.add_captation(data)
    housing_dataset.add_residences(data)
    log_in(page, data.director.username)

    page.get_by_role("link", name="Tableau de pilotage : l'activité en graphiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage")
    expect(page.locator("svg[role=img]")).to_have_count(7)
    expect(page.get_by_role("table", name="Ménages accompagnés et mesures en cours, sur 24 mois")).to_be_visible()
    occupancy = page.get_by_role("table", name="Places occupées et libres aujourd'hui, par résidence")
    expect(occupancy.get_by_role("row").nth(2)).to_have_text("Les Tilleuls312")
    expect(page.get_by_text("logement vacant aujourd'hui")).to_be_visible()
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


def test_the_director_stores_the_avdl_report_and_downloads_it_as_a_spreadsheet_and_a_pdf(page, tmp_path):
    data = dataset.build()
    log_in(page, data.director.username)

    # The director says how funders count an outcome: a rehousing whose kind of dwelling is not said.
    page.goto(reverse("support:catalogue"))
    page.get_by_label("Catégorie de « Accès au logement »").select_option(label="Accès au logement, type non précisé")
    page.get_by_role("button", name="Enregistrer Accès au logement").click()
    expect(
        page.get_by_text("Catégorie de « Accès au logement » : Accès au logement, type non précisé.")
    ).to_be_visible()
    check_page(page, "support-catalogue-categories", phone=True)
    page.goto("/")

    page.get_by_role("link", name="Tableau de pilotage : l'activité en graphiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage")
    page.get_by_role("link", name="Rapports des financeurs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapports")
    check_page(page, "reporting-report-list", phone=True)
    page.get_by_role("link", name="Rapport AVDL — accompagnement vers et dans le logement").click()
    page.get_by_label("Année").fill("2025")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Issues à la sortie : relogement, maintien dans le logement, orientation")).to_be_visible()
    durations = page.get_by_role("region", name="Durée des mesures, par dispositif")
    expect(durations.get_by_role("row").nth(1)).to_have_text("AVDL31242302")
    expect(durations.get_by_text("Définition measure_durations/avdl")).to_be_visible()
    check_page(page, "reporting-avdl-preview", phone=True)

    page.get_by_role("button", name="Enregistrer le rapport 2025").click()
    expect(page.get_by_text("Le rapport est enregistré")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport AVDL")
    check_page(page, "reporting-avdl-run")
    run = ReportRun.objects.get()
    assert (run.code, run.generated_by) == ("avdl", data.director)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en tableur (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "rapport-avdl-20250101-20251231.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)
    outcomes = workbook[workbook.sheetnames[-2]]  # the last sheet is the situation a year after the end
    assert outcomes["A1"].value == "Issue à la sortie, par catégorie"
    assert outcomes["A2"].value.startswith("Définition outcomes_by_category/avdl — unité : mesure.")
    assert [cell.value for cell in outcomes[5]] == ["Relogement (accès au logement, glissement du bail)", 1]

    href = page.get_by_role("link", name="Imprimer (PDF)").get_attribute("href")
    pdf = page.context.request.get(href)
    assert pdf.headers["content-type"] == "application/pdf"
    pdf_path = tmp_path / "rapport-avdl.pdf"
    pdf_path.write_bytes(pdf.body())
    # The first page as an image, to look at: the letterhead, the title and the first tables with their definition.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - a fixed command on a file the test wrote
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(SCREENSHOTS / "reporting-avdl-pdf"),
        ],  # noqa: S607
        check=True,
    )
    assert (SCREENSHOTS / "reporting-avdl-pdf.png").stat().st_size > 10_000

    # Today, Bernard's file is corrected (an address, a concern) and his AVDL measure, under way since September
    # 2025, is closed: facts of today, which 2025's figures do not see (his measure was still open on 31 December).
    page.goto(reverse("people:household_edit", args=[data.bernard.pk]))
    page.get_by_label("Adresse").fill("12 rue des Lilas")
    page.get_by_label("Surpeuplement").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Modifications enregistrées.")
    page.get_by_role("link", name="Accompagnement").click()
    page.get_by_role("link", name="Changer le statut AVDL").click()
    page.get_by_label("Nouveau statut").select_option(label="Clôturée")
    page.get_by_label("Issue (pour une clôture)").select_option(label="Accès au logement")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Statut de la mesure enregistré.")
    closed = SupportMeasure.objects.get(household=data.bernard, programme__code="avdl")
    assert closed.status == MeasureStatus.CLOSED and closed.end_date > date(2025, 12, 31)
    assert {concern.label for concern in data.bernard.concerns.all()} == {"Dettes", "Surpeuplement"}

    # The stored report, opened again, says a count today gives the same figures; stored again, it gives them.
    page.goto(reverse("reporting:report", args=["avdl"]))
    page.get_by_role("region", name="Rapports enregistrés").get_by_role("link").first.click()
    expect(page.get_by_text("Compté aujourd'hui, le rapport donnerait les mêmes chiffres.")).to_be_visible()
    expect(page.get_by_text("Les règles de comptage ont changé")).to_have_count(0)
    check_page(page, "reporting-avdl-run-after-an-edit")
    page.get_by_role("link", name="← Rapport AVDL — accompagnement vers et dans le logement").click()
    page.get_by_label("Année").fill("2025")
    page.get_by_role("button", name="Afficher").click()
    expect(durations.get_by_role("row").nth(1)).to_have_text("AVDL31242302")  # Bernard's still open on 31 December
    page.get_by_role("button", name="Enregistrer le rapport 2025").click()
    expect(page.get_by_text("Le rapport est enregistré")).to_be_visible()
    first, second = ReportRun.objects.order_by("generated_at")
    assert second.pk != first.pk and second.result == first.result
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en tableur (XLSX)").click()
    again = tmp_path / "rapport-avdl-again.xlsx"
    download_info.value.save_as(again)
    rerun = load_workbook(again)
    assert rerun.sheetnames == workbook.sheetnames
    for name in workbook.sheetnames:
        assert list(rerun[name].values) == list(workbook[name].values), name
