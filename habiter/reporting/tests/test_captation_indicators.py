"""The captation of dwellings on the hand-built data set and `housing_dataset.add_captation`, counted from each
prospect's dated moves, figures worked out by hand; and the activity report's dwellings captured and managed."""

from datetime import date

import pytest

from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope

from . import dataset, housing_dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
STAGES = ["Repéré", "Contacté", "Visité", "Travaux évalués", "Offre faite", "Signé", "Total des prospects"]


@pytest.fixture
def data():
    data = dataset.build()
    housing_dataset.add_captation(data)
    return data


def table(user, code, period=YEAR):
    (result,) = indicators.compute(code, reporting_scope(user), period)
    return result


def funnel(user, period=YEAR):
    """Per stage: reached at least it, stopped there (the furthest on the last day), of which given up."""
    rows = table(user, "captation_funnel", period)["rows"]
    assert [row[0] for row in rows] == STAGES
    return [row[1:] for row in rows]


def test_the_funnel_of_2025_by_the_furthest_stage_reached(data):
    # P1 signed; P2 given up once contacted; P3 given up after its works were assessed (contacted skipped); P4
    # contacted (visited only in 2026, its current stage); P5 an offer (signed in 2026); P7 given up when identified.
    # P6, given up in 2024, and P8, opened in 2026, are not prospected in 2025.
    assert funnel(data.director) == [
        [6, 1, 1],
        [5, 2, 1],
        [3, 0, 0],
        [3, 1, 1],
        [2, 1, 0],
        [1, 1, 0],
        [6, 6, 3],
    ]


def test_the_funnel_of_the_first_quarter(data):
    # on 31 March: P1 an offer made on 1 March, P2 contacted, P5 visited in January; none closed yet
    assert funnel(data.director, indicators.Period(date(2025, 1, 1), date(2025, 3, 31))) == [
        [3, 0, 0],
        [3, 1, 0],
        [2, 1, 0],
        [1, 0, 0],
        [1, 1, 0],
        [0, 0, 0],
        [3, 3, 0],
    ]


def test_a_team_lead_counts_the_prospects_of_their_teams_worker(data):
    assert funnel(data.team_lead) == [
        [2, 0, 0],
        [2, 1, 0],  # P4
        [1, 0, 0],
        [1, 0, 0],
        [1, 1, 0],  # P5
        [0, 0, 0],
        [2, 2, 0],
    ]
    assert table(data.team_lead, "captation_drops")["rows"] == []


def test_drops_by_reason(data):
    result = table(data.director, "captation_drops")
    assert result["columns"] == ["Motif d'abandon", "Prospects abandonnés"]
    assert result["rows"] == [
        ["Refus du propriétaire", 1],  # P2
        ["Travaux trop coûteux", 1],  # P3
        ["Logement vendu", 1],  # P7; P6's reason was given in 2024
        ["Total des abandons", 3],
    ]


def test_the_other_organisation_counts_its_own(data):
    assert funnel(data.other_director) == [
        [1, 1, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [1, 1, 0],
    ]


def test_the_activity_report_has_the_dwellings_captured_and_managed(data):
    tables = {t["code"]: t for t in indicators.compute("activity", reporting_scope(data.director), YEAR)}
    assert list(tables)[8:15] == [
        "fsl_applications",
        "fsl_advances",
        "rent_arrears",
        "leases_flow",
        "iml_dwellings",
        "captation_funnel",
        "captation_drops",
    ]
    # the shared dwelling on a head lease until 31 August, sublet all along (243 days); P1's dwelling taken on a head
    # lease from 1 May, captured in 2025 and never sublet (245 days vacant)
    assert tables["iml_dwellings"]["rows"] == [
        ["Location / sous-location (bail principal de l'association)", 2, 1, 488, 243, 245],
        ["Mandat de gestion", 0, 0, 0, 0, 0],
        ["Total (chaque logement une fois)", 2, 1, 488, 243, 245],
    ]
    assert tables["captation_funnel"]["rows"][-1] == ["Total des prospects", 6, 6, 3]
