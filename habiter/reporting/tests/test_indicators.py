"""Each indicator on the hand-built data set of `dataset.py`, with the figures worked out by hand for 2025."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope

from . import dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)


@pytest.fixture
def data():
    return dataset.build()


def table(user, code, period=YEAR):
    result = indicators.compute(code, reporting_scope(user), period)
    assert len(result) == 1 and result[0]["code"] == code
    return result[0]["rows"]


def test_households_accompanied_by_presence(data):
    assert table(data.director, "households_accompanied") == [
        ["AVDL", 3, 6],  # Martin (until March), Bernard (from September), Petit (February–November)
        ["ASLL", 1, 2],  # Martin; Petit's ended in 2024 and Bernard's was only requested
        ["Total (chaque ménage une fois)", 3, 6],
    ]


def test_households_entered_is_the_same_query_by_entry_date(data):
    assert table(data.director, "households_entered") == [
        ["AVDL", 2, 4],
        ["ASLL", 1, 2],
        ["Total (chaque ménage une fois)", 3, 6],
    ]
    first_quarter = indicators.Period(date(2025, 1, 1), date(2025, 3, 31))
    assert table(data.director, "households_entered", first_quarter) == [
        ["AVDL", 1, 3],
        ["Total (chaque ménage une fois)", 1, 3],
    ]


def test_a_team_lead_counts_their_team_only(data):
    assert table(data.team_lead, "households_accompanied") == [
        ["AVDL", 2, 3],
        ["ASLL", 1, 2],
        ["Total (chaque ménage une fois)", 2, 3],
    ]


def test_measures_flow(data):
    assert table(data.director, "measures_flow") == [["AVDL", 2, 2, 1], ["ASLL", 1, 0, 1]]
    assert table(data.director, "measures_flow", indicators.Period(date(2024, 12, 31), date(2024, 12, 31))) == [
        ["AVDL", 0, 0, 1],
        ["ASLL", 0, 1, 0],
    ]


def test_measure_outcomes_keep_the_unknown(data):
    assert table(data.director, "measure_outcomes") == [["Accès au logement", 1], ["Issue non renseignée", 1]]
    assert table(data.team_lead, "measure_outcomes") == [["Accès au logement", 1]]


def test_intervention_minutes_front_and_back_office(data):
    assert table(data.director, "intervention_minutes") == [
        ["Entretien au bureau", 60, 0],
        ["Visite à domicile", 90, 0],
        ["Démarche administrative", 0, 30],
        ["Total", 150, 30],
    ]
    assert table(data.team_lead, "intervention_minutes") == [
        ["Entretien au bureau", 60, 0],
        ["Démarche administrative", 0, 30],
        ["Total", 60, 30],
    ]


def test_desk_visits_by_topic_in_paris_time(data):
    assert table(data.director, "desk_visits") == [
        ["Recherche de logement", 2],
        ["Impayés de loyer", 1],
        ["Énergie, factures", 1],
        ["Passages (tous motifs)", 3],
        ["dont passages anonymes", 1],
    ]
    assert table(data.team_lead, "desk_visits") == [
        ["Recherche de logement", 1],
        ["Passages (tous motifs)", 1],
        ["dont passages anonymes", 0],
    ]


def test_workshop_attendance(data):
    assert table(data.director, "workshop_attendance") == [["Recherche de logement", 2, 3, 2, 3]]
    assert table(data.team_lead, "workshop_attendance") == [["Recherche de logement", 2, 2, 1, 2]]


def test_prevention_outcomes_and_evictions_avoided(data):
    assert table(data.director, "prevention_outcomes") == [
        ["Dossiers ouverts", 3],
        ["Clos : Dette réglée", 1],
        ["Clos : Plan d'apurement respecté", 0],
        ["Clos : Relogement", 1],
        ["Clos : Départ du logement", 0],
        ["Clos : Expulsion", 1],
        ["Expulsions évitées", 2],
    ]


def test_leases_started_slid_and_ended(data):
    assert table(data.director, "leases_flow") == [["Bail direct", 1, 0, 1], ["Sous-location", 0, 1, 0]]


def test_concerns_panorama_by_frequency(data):
    assert table(data.director, "concerns_panorama") == [
        ["Budget", "Dettes", 3],
        ["Logement", "Insalubrité", 1],
        ["Logement", "Surpeuplement", 1],
    ]
    assert table(data.team_lead, "concerns_panorama") == [["Budget", "Dettes", 2], ["Logement", "Insalubrité", 1]]


def test_the_other_organisation_sees_only_its_own(data):
    assert table(data.other_director, "households_accompanied") == [
        ["AVDL", 1, 4],
        ["Total (chaque ménage une fois)", 1, 4],
    ]
    assert table(data.other_director, "desk_visits")[-2:] == [
        ["Passages (tous motifs)", 1],
        ["dont passages anonymes", 1],
    ]


def test_activity_report_is_its_indicators(data):
    result = indicators.compute("activity", reporting_scope(data.director), YEAR)
    assert [t["code"] for t in result] == list(indicators.REPORTS["activity"].indicators)
    assert all(t["columns"] and t["title"] for t in result)


@pytest.mark.parametrize("who", ["social_worker", "volunteer"])
def test_only_directors_and_team_leads_have_a_scope(data, who):
    with pytest.raises(PermissionDenied):
        reporting_scope(getattr(data, who))


def test_every_indicator_has_a_definition():
    for indicator in indicators.INDICATORS.values():
        assert str(indicator.title) and str(indicator.unit) and len(str(indicator.rule)) > 40
    used = {use.indicator for report in indicators.REPORTS.values() for use in report.uses()}
    assert used == set(indicators.INDICATORS)


def test_a_period_ends_after_it_starts():
    with pytest.raises(ValueError):
        indicators.Period(date(2025, 2, 1), date(2025, 1, 31))
