"""The list of reports, a report's page, its stored runs and the XLSX and PDF exports."""

import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from habiter.core.models import AuditEvent
from habiter.people.models import Person
from habiter.reporting import indicators
from habiter.reporting.models import ReportRun

from . import dataset

pytestmark = pytest.mark.django_db

PAGE = reverse("reporting:report", args=["activity"])
LIST = reverse("reporting:report_list")


@pytest.fixture
def data():
    return dataset.build()


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel("2026-02-02 10:00 +01:00", tick=False)
def test_the_director_previews_last_year_stores_it_and_downloads_it(data):
    client = client_of(data.director)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert page.context["year"] == 2025
    tables = {table["code"]: table for table in page.context["tables"]}
    assert tables["households_accompanied"]["rows"][-1] == ["Total (chaque ménage une fois)", 3, 6]
    body = page.content.decode()
    assert "Expulsions évitées" in body and "Dettes" in body
    assert "back-office" in body  # the counting rule is written beside the figures
    assert not ReportRun.objects.exists()  # a preview stores nothing

    saved = client.post(LIST, {"code": "activity", "annee": "2025"})
    run = ReportRun.objects.get()
    assert saved.url == reverse("reporting:run_detail", args=[run.pk])
    assert (run.start.isoformat(), run.end.isoformat(), run.team) == ("2025-01-01", "2025-12-31", None)

    Person.objects.create(
        organisation=data.organisation, household=data.petit, first_name="Noé", last_name="Petit", relation="child"
    )
    detail = client.get(saved.url)
    assert detail.status_code == 200
    assert detail.context["tables"][0]["rows"][-1] == ["Total (chaque ménage une fois)", 3, 6]
    assert "Compté aujourd'hui, 4 chiffres seraient différents" in detail.content.decode()

    download = client.get(reverse("reporting:run_xlsx", args=[run.pk]))
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download["Content-Disposition"] == 'attachment; filename="rapport-activity-20250101-20251231.xlsx"'
    workbook = load_workbook(io.BytesIO(download.content))
    assert len(workbook.sheetnames) == 16
    assert workbook.sheetnames[8:15] == [
        "Demandes au FSL, par objet et d",
        "Avances de loyer de l'associati",
        "Impayés de loyer le dernier jou",
        "Baux commencés, glissés et term",
        "Logements gérés et jours de vac",
        "Captation   logements prospecté",
        "Captation   prospects abandonné",
    ]
    sheet = workbook[workbook.sheetnames[0]]
    assert sheet["A1"].value == "Ménages et personnes accompagnés, par dispositif"
    assert [cell.value for cell in sheet[4]] == ["Dispositif", "Ménages", "Personnes"]
    assert [cell.value for cell in sheet[5]] == ["AVDL", 3, 6]
    assert [cell.value for cell in sheet[7]] == ["Total (chaque ménage une fois)", 3, 6]
    assert AuditEvent.objects.filter(action="report.export", object_id=str(run.pk)).count() == 1


def test_a_team_lead_sees_their_team_and_their_runs_only(data):
    client = client_of(data.team_lead)
    page = client.get(PAGE, {"annee": "2025"})
    tables = {table["code"]: table for table in page.context["tables"]}
    assert tables["households_accompanied"]["rows"][-1] == ["Total (chaque ménage une fois)", 2, 3]
    client.post(LIST, {"code": "activity", "annee": "2025"})
    run = ReportRun.objects.get()
    assert run.team == data.team_lead.team
    assert client_of(data.director).get(reverse("reporting:run_detail", args=[run.pk])).status_code == 200
    assert client_of(data.other_director).get(reverse("reporting:run_detail", args=[run.pk])).status_code == 404


def test_a_year_to_come_is_refused_in_french(data):
    with time_machine.travel("2026-02-02 10:00 +01:00", tick=False):
        response = client_of(data.director).post(LIST, {"code": "activity", "annee": "2027"})
    assert response.status_code == 200
    assert "L&#x27;année ne peut pas être à venir." in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("who", ["social_worker", "volunteer", "other_director"])
def test_out_of_reach_is_404(data, who):
    from habiter.reporting import services

    run = services.report_run(
        actor=data.director, code="activity", start=dataset.YEAR_2025[0], end=dataset.YEAR_2025[1]
    )
    client = client_of(getattr(data, who))
    for url in (reverse("reporting:run_detail", args=[run.pk]), reverse("reporting:run_xlsx", args=[run.pk])):
        assert client.get(url).status_code == 404
    if who != "other_director":
        assert client.get(PAGE).status_code == 404
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_the_stored_run_prints_as_a_pdf_on_the_letterhead(data):
    from pypdf import PdfReader

    from habiter.reporting import services

    run = services.report_run(
        actor=data.director, code="activity", start=dataset.YEAR_2025[0], end=dataset.YEAR_2025[1]
    )
    response = client_of(data.director).get(reverse("reporting:run_pdf", args=[run.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="rapport-activity-20250101-20251231.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Habitat Solidaire" in text and "Rapport d'activité de l'association" in text
    assert "Expulsions évitées 2" in text
    assert AuditEvent.objects.get(action="report.export").detail == {"code": "activity", "format": "pdf"}


def test_every_exported_table_carries_its_definition_id_and_counting_rule(data):
    from pypdf import PdfReader

    from habiter.reporting import services

    run = services.report_run(actor=data.director, code="avdl", start=dataset.YEAR_2025[0], end=dataset.YEAR_2025[1])
    client = client_of(data.director)
    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:run_xlsx", args=[run.pk])).content))
    assert len(workbook.sheetnames) == 7  # the six tables of every funder report and the situation a year after
    first = workbook[workbook.sheetnames[0]]
    assert first["A1"].value == "Ménages et personnes entrés en accompagnement, par dispositif"
    assert first["A2"].value.startswith(
        "Définition households_entered/avdl — unité : ménage ; personne (membres actuels du ménage). "
        "Un ménage est compté si une de ses mesures a commencé pendant la période"
    )
    assert first["A2"].value.endswith(
        "Seuls comptent les dispositifs de type : AVDL — accompagnement vers et dans le logement."
    )
    assert [cell.value for cell in first[5]] == ["AVDL", 2, 4]  # Petit (3 persons) and Bernard (1)
    durations = workbook[workbook.sheetnames[4]]
    assert durations["A2"].value.startswith("Définition measure_durations/avdl — unité : mesure ; jour. ")
    assert [cell.value for cell in durations[5]] == ["AVDL", 3, 1, 242, 302]

    pdf = client.get(reverse("reporting:run_pdf", args=[run.pk])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")
    for definition in indicators.indicator_codes("avdl"):
        assert f"Définition {definition} — unité" in text
    assert "Fin après le diagnostic 0" in text


def test_a_run_stored_before_definitions_were_kept_exports_its_indicators_rule(data):
    run = services_run(data)
    ReportRun.objects.filter(pk=run.pk).update(
        result=[{"code": "desk_visits", "title": "Passages", "columns": ["Motif", "Passages"], "rows": [["A", 1]]}]
    )
    content = client_of(data.director).get(reverse("reporting:run_xlsx", args=[run.pk])).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value.startswith("Définition desk_visits — unité : passage. Passages dont la date")


def services_run(data):
    from habiter.reporting import services

    return services.report_run(
        actor=data.director, code="desk_visits", start=dataset.YEAR_2025[0], end=dataset.YEAR_2025[1]
    )


@time_machine.travel("2026-02-02 10:00 +01:00", tick=False)
def test_the_list_leads_to_every_report_and_the_same_flow_stores_a_funder_report(data):
    client = client_of(data.director)
    listing = client.get(LIST).content.decode()
    for code in ("activity", "avdl", "asll", "iml"):
        assert reverse("reporting:report", args=[code]) in listing
    assert "Département (FSL)" in listing
    avdl = client.get(reverse("reporting:report", args=["avdl"]))
    assert avdl.status_code == 200 and avdl.context["year"] == 2025
    body = avdl.content.decode()
    assert "Issues à la sortie : relogement, maintien dans le logement, orientation" in body
    assert "Définition outcomes_by_category/avdl" in body
    saved = client.post(LIST, {"code": "avdl", "annee": "2025"})
    run = ReportRun.objects.get()
    assert (saved.url, run.code) == (reverse("reporting:run_detail", args=[run.pk]), "avdl")
    detail = client.get(saved.url).content.decode()
    assert "Compté aujourd'hui, le rapport donnerait les mêmes chiffres." in detail
    assert client.get(LIST).context["reports"][1] == (indicators.REPORTS["avdl"], run)
    assert client.get(reverse("reporting:report", args=["inconnu"])).status_code == 404
    assert client.post(LIST, {"code": "inconnu", "annee": "2025"}).status_code == 404
    assert ReportRun.objects.count() == 1


@time_machine.travel("2026-02-02 10:00 +01:00", tick=False)
def test_a_report_covers_any_period_such_as_a_funders_half_year(data):
    """From 1 April to 30 September 2025, the only AVDL measure begun is Bernard's (1 September 2025, one person)."""
    client = client_of(data.director)
    url = reverse("reporting:report", args=["avdl"])
    page = client.get(url, {"debut": "2025-04-01", "fin": "2025-09-30"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Aperçu du 1er avril 2025 au 30 septembre 2025, compté maintenant" in body
    entered = next(t for t in page.context["tables"] if t["definition"] == "households_entered/avdl")
    assert entered["rows"] == [["AVDL", 1, 1], ["Total (chaque ménage une fois)", 1, 1]]
    stored = client.post(reverse("reporting:report_list"), {"code": "avdl", "debut": "2025-04-01", "fin": "2025-09-30"})
    run = ReportRun.objects.get()
    assert stored["Location"] == reverse("reporting:run_detail", args=[run.pk])
    assert (run.start.isoformat(), run.end.isoformat()) == ("2025-04-01", "2025-09-30")


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"debut": "2025-09-30", "fin": "2025-04-01"}, "La fin de la période ne peut pas précéder son début."),
        ({"debut": "2025-04-01"}, "Une période a une date de début et une date de fin."),
        ({"debut": "2026-01-01", "fin": "2026-02-03"}, "La période ne peut pas finir dans le futur."),
        ({"debut": "2020-01-01", "fin": "2025-12-31"}, "Une période compte au plus cinq ans."),
        ({"debut": "31/02/2025", "fin": "2025-04-01"}, "Date invalide : jj/mm/aaaa attendu."),
        ({"annee": ""}, "Choisissez une année, ou une date de début et une date de fin."),
    ],
)
@time_machine.travel("2026-02-02 10:00 +01:00", tick=False)
def test_a_wrong_period_is_refused_in_french_and_nothing_is_counted(data, query, error):
    page = client_of(data.director).get(reverse("reporting:report", args=["avdl"]), query)
    assert page.status_code == 200
    assert error in page.content.decode().replace("&#x27;", "'")
    assert page.context["tables"] == []
