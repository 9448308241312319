"""End to end, in Chromium: the director opens the dashboard from the home page, runs the activity report for
2025, stores it and downloads its spreadsheet, whose figures are the page's; then, from the dashboard, the AVDL report
of last year, stored and downloaded as a spreadsheet and a PDF (its first page rendered to an image, its text read),
and opened again after a measure of last year was closed late: the stored figures are the same, the page lists each
figure a count today would change, and storing it again keeps both runs. The dashboard printed (print media, a PDF
of its first page read back) keeps the charts and drops the menus. axe-core on every page; screenshots at
desktop and phone widths."""

import subprocess
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from habiter.reporting.models import ReportRun
from habiter.reporting.tests import dataset, housing_dataset
from habiter.support.models import MeasureStatus, SupportMeasure

from .support import SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AVDL_TITLE = "Rapport AVDL — accompagnement vers et dans le logement"


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

    # Printed: the charts and their tables, without the menu, the account links, the buttons or the footer.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_hidden()
    expect(page.get_by_role("link", name="Rapport d'activité", exact=True).first).to_be_hidden()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage")
    printed = tmp_path / "dashboard.pdf"
    page.pdf(path=printed, format="A4", prefer_css_page_size=True)
    text = first_page_and_text(printed, "reporting-dashboard-printed")
    assert "Pilotage" in text and "Mon compte" not in text and "Se déconnecter" not in text
    page.emulate_media(media="screen")

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


# The AVDL test runs on a day of 2026, so that « last year » is the data set's 2025 whatever the machine's date.
AVDL_TODAY = datetime(2026, 3, 16, 10, 0, tzinfo=dataset.PARIS)


def first_page_and_text(pdf_path, name: str) -> str:
    """The PDF's first page rendered among the screenshots (to look at), and its text with the spaces collapsed."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = SCREENSHOTS / name
    subprocess.run(  # noqa: S603 - a fixed command on a file the test wrote
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(image)],  # noqa: S607
        check=True,
    )
    assert image.with_suffix(".png").exists()
    text = subprocess.run(  # noqa: S603 - a fixed command on a file the test wrote
        ["pdftotext", "-layout", str(pdf_path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(text.split())


def download_xlsx(page, path):
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en tableur (XLSX)").click()
    download = download_info.value
    download.save_as(path)
    return download.suggested_filename, load_workbook(path)


def test_the_director_stores_the_avdl_report_and_sees_what_a_late_closing_would_change(page, tmp_path, time_machine):
    time_machine.move_to(AVDL_TODAY)
    last_year = timezone.localdate().year - 1
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
    page.get_by_role("link", name=AVDL_TITLE).click()
    page.get_by_label("Année").fill(str(last_year))
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Issues à la sortie : relogement, maintien dans le logement, orientation")).to_be_visible()
    durations = page.get_by_role("region", name="Durée des mesures, par dispositif")
    # AVDL: Martin 303 days, Petit 302, Bernard 121 (open on 31 December): 3 measures, 1 open, mean 242, median 302.
    expect(durations.get_by_role("row").nth(1)).to_have_text("AVDL31242302")
    expect(durations.get_by_text("Définition measure_durations/avdl")).to_be_visible()
    check_page(page, "reporting-avdl-preview", phone=True)

    page.get_by_role("button", name=f"Enregistrer le rapport {last_year}").click()
    expect(page.get_by_text("Le rapport est enregistré")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport AVDL")
    check_page(page, "reporting-avdl-run")
    run = ReportRun.objects.get()
    assert (run.code, run.generated_by) == ("avdl", data.director)
    stored = run.result

    filename, workbook = download_xlsx(page, tmp_path / "rapport-avdl.xlsx")
    assert filename == f"rapport-avdl-{last_year}0101-{last_year}1231.xlsx"
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
    text = first_page_and_text(pdf_path, "reporting-avdl-pdf")
    assert AVDL_TITLE in text
    assert "Durée des mesures, par dispositif" in text
    assert "AVDL 3 1 242 302" in text  # the durations' row, as on the page
    assert "Relogement (accès au logement, glissement du bail) 1" in text

    # Today, Bernard's file is corrected (an address, a concern: the AVDL report counts neither) and his AVDL
    # measure, under way since 1 September of last year, is closed as of 15 December of last year: a closing typed
    # late, which last year's figures counted afresh would see.
    page.goto(reverse("people:household_edit", args=[data.bernard.pk]))
    page.get_by_label("Adresse").fill("12 rue des Lilas")
    page.get_by_label("Surpeuplement").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Modifications enregistrées.")
    page.get_by_role("link", name="Accompagnement").click()
    page.get_by_role("link", name="Changer le statut AVDL").click()
    page.get_by_label("Nouveau statut").select_option(label="Clôturée")
    page.get_by_label("À la date du").fill(f"{last_year}-12-15")
    page.get_by_label("Issue (pour une clôture)").select_option(label="Accès au logement")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Statut de la mesure enregistré.")
    closed = SupportMeasure.objects.get(household=data.bernard, programme__code="avdl")
    assert (closed.status, closed.end_date) == (MeasureStatus.CLOSED, date(last_year, 12, 15))
    assert {concern.label for concern in data.bernard.concerns.all()} == {"Dettes", "Surpeuplement"}

    # The stored report, opened again, keeps its figures and says which a count today would change: Bernard
    # exits (households 2 → 3, persons 5 → 6), his measure is closed (2 → 3) and no longer open on the last day
    # (1 → 0), lasts 105 days instead of 121 (mean (303 + 302 + 105) / 3 = 236.7 → 237; the median stays 302), and
    # his outcome is a rehousing (1 → 2 of 3 closed).
    page.goto(reverse("reporting:report", args=["avdl"]))
    page.get_by_role("region", name="Rapports enregistrés").get_by_role("link").first.click()
    changes = page.get_by_role("region", name="Ce qui a changé depuis")
    expect(changes.get_by_text("Compté aujourd'hui, 12 chiffres seraient différents :")).to_be_visible()
    expect(changes.get_by_text("Les règles de comptage ont changé")).to_have_count(0)
    exited = "Ménages et personnes sortis d'accompagnement, par dispositif"
    total = "Total (chaque ménage une fois)"
    flow = "Mesures ouvertes, clôturées et en cours, par dispositif"
    lengths = "Durée des mesures, par dispositif"
    under_way = "dont en cours le dernier jour"
    mean = "Durée moyenne (jours)"
    outcome = "Issue à la sortie, par catégorie"
    expect(changes.get_by_role("row")).to_have_text(
        [
            "Tableau Ligne Colonne Enregistré Aujourd'hui",
            f"{exited} AVDL Ménages 2 3",
            f"{exited} AVDL Personnes 5 6",
            f"{exited} {total} Ménages 2 3",
            f"{exited} {total} Personnes 5 6",
            f"{flow} AVDL Mesures clôturées 2 3",
            f"{flow} AVDL En cours le dernier jour 1 0",
            f"{lengths} AVDL {under_way} 1 0",
            f"{lengths} AVDL {mean} 242 237",
            f"{lengths} Toutes les mesures {under_way} 1 0",
            f"{lengths} Toutes les mesures {mean} 242 237",
            f"{outcome} Relogement (accès au logement, glissement du bail) Mesures clôturées 1 2",
            f"{outcome} Total des mesures clôturées Mesures clôturées 2 3",
        ]
    )
    expect(durations.get_by_role("row").nth(1)).to_have_text("AVDL31242302")  # the stored figures, unchanged
    check_page(page, "reporting-avdl-run-after-an-edit", phone=True)
    run.refresh_from_db()
    assert run.result == stored
    _, again = download_xlsx(page, tmp_path / "rapport-avdl-again.xlsx")
    assert again.sheetnames == workbook.sheetnames
    for name in workbook.sheetnames:
        assert list(again[name].values) == list(workbook[name].values), name

    # Counted now, last year's AVDL gives the new figures; stored again, they are a second run beside the first.
    page.get_by_role("link", name=f"← {AVDL_TITLE}").click()
    page.get_by_label("Année").fill(str(last_year))
    page.get_by_role("button", name="Afficher").click()
    expect(durations.get_by_role("row").nth(1)).to_have_text("AVDL30237302")
    page.get_by_role("button", name=f"Enregistrer le rapport {last_year}").click()
    expect(page.get_by_text("Le rapport est enregistré")).to_be_visible()
    expect(page.get_by_text("Compté aujourd'hui, le rapport donnerait les mêmes chiffres.")).to_be_visible()
    first, second = ReportRun.objects.order_by("generated_at")
    assert first.pk == run.pk and first.result == stored and second.result != stored
