"""API v1 of the reports: the catalogue with definitions, and a report's tables over a period."""

import pytest
import time_machine
from django.test import Client

from habiter.core.tests.factories import api_token_for
from habiter.reporting import indicators

from . import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return dataset.build()


def get(user, url, params=None):
    token = api_token_for(user)[1]
    return Client().get(f"/api/v1{url}", params or {}, headers={"Authorization": f"Bearer {token}"})


def test_the_catalogue_lists_reports_and_indicators_with_their_rules(data):
    body = get(data.director, "/reports").json()
    assert [r["code"] for r in body["reports"]] == [
        "activity",
        "avdl",
        "asll",
        "iml",
        "esds",
        "logement_dabord",
        "pension_famille",
        "agls",
    ]
    avdl = body["reports"][1]
    assert avdl["indicators"][0] == "households_entered/avdl" and "relogement" in avdl["categories"]
    assert [i["code"] for i in body["indicators"]] == list(indicators.INDICATORS)
    desk = next(i for i in body["indicators"] if i["code"] == "desk_visits")
    assert desk["unit"] == "passage" and "heure de Paris" in desk["rule"]


@time_machine.travel("2026-03-01 10:00 +01:00", tick=False)
def test_a_report_over_a_period(data):
    response = get(data.director, "/reports/households_accompanied", {"start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["start"], body["end"]) == ("households_accompanied", "2025-01-01", "2025-12-31")
    assert body["generated_at"].startswith("2026-03-01T09:00:00")
    assert body["tables"][0].pop("rule").startswith("Un ménage est compté s'il a au moins une mesure en cours")
    assert body["tables"] == [
        {
            "code": "households_accompanied",
            "definition": "households_accompanied",
            "unit": "ménage ; personne (membres actuels du ménage)",
            "title": "Ménages et personnes accompagnés, par dispositif",
            "columns": ["Dispositif", "Ménages", "Personnes"],
            "rows": [["AVDL", 3, 6], ["ASLL", 1, 2], ["Total (chaque ménage une fois)", 3, 6]],
        }
    ]
    team = get(data.team_lead, "/reports/households_accompanied").json()  # last year by default
    assert (team["start"], team["end"]) == ("2025-01-01", "2025-12-31")
    assert team["tables"][0]["rows"][-1] == ["Total (chaque ménage une fois)", 2, 3]
    activity = get(data.director, "/reports/activity", {"start": "2025-01-01", "end": "2025-12-31"}).json()
    assert len(activity["tables"]) == 16


def test_errors_are_french_json(data):
    unknown = get(data.director, "/reports/inconnu")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Introuvable."})
    reversed_period = get(data.director, "/reports/activity", {"start": "2025-02-01", "end": "2025-01-01"})
    assert reversed_period.status_code == 400
    assert reversed_period.json() == {"detail": "end : La fin de la période ne peut pas précéder son début."}
    bad_date = get(data.director, "/reports/activity", {"start": "2025-13-01"})
    assert bad_date.status_code == 400 and "date invalide" in bad_date.json()["detail"]
    for who in (data.social_worker, data.volunteer):
        refused = get(who, "/reports/activity")
        assert (refused.status_code, refused.json()) == (403, {"detail": "Action non autorisée."})


def test_a_funder_report_gives_each_table_its_definition_id(data):
    body = get(data.director, "/reports/asll", {"start": "2025-01-01", "end": "2025-12-31"}).json()
    assert [table["definition"] for table in body["tables"]] == [
        "households_entered/asll",
        "households_accompanied/asll",
        "households_exited/asll",
        "measures_flow/asll",
        "measure_durations/asll",
        "outcomes_by_category/asll",
        "fsl_applications",
        "fsl_advances",
    ]
    durations = body["tables"][4]
    assert durations["unit"] == "mesure ; jour"
    assert durations["rows"] == [["ASLL", 1, 1, 274, 274], ["Toutes les mesures", 1, 1, 274, 274]]  # 1 April → 31 Dec


def test_amounts_and_rates_with_decimals_come_through_the_api(data):
    """A rate (a float) and an amount in euros and cents are figures of the JSON, not a server error."""
    from datetime import date
    from decimal import Decimal

    from habiter.reporting import services

    with time_machine.travel(date(2026, 3, 1), tick=False):
        services.iml_costs_save(
            actor=data.director,
            year=2025,
            data={"sublease_captation": Decimal("12000.50"), "mandate_support": Decimal("999.99")},
        )
    response = get(data.director, "/reports/iml_activity_costs", {"start": "2025-01-01", "end": "2025-12-31"})
    assert response.status_code == 200
    (table,) = response.json()["tables"]
    # 12 000.50 + 999.99 = 13 000.49 in all
    assert table["rows"][0][1] == 12000.5 and table["rows"][-1][-1] == 13000.49
