"""The FSL's indicators on the hand-built data set and `housing_dataset.add_fsl`, figures worked out by hand for
2025: the applications filed by purpose with the decision known on the period's last day, and the association's
advances made, repaid and left to recover."""

from datetime import date

import pytest

from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope

from . import dataset, housing_dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
ZEROS = [0, 0, 0, 0, 0, 0.0, 0.0]


@pytest.fixture
def data():
    data = dataset.build()
    housing_dataset.add_fsl(data)
    return data


def table(user, code, period=YEAR):
    (result,) = indicators.compute(code, reporting_scope(user), period)
    return result


def test_applications_filed_in_2025_by_purpose_and_decision(data):
    result = table(data.director, "fsl_applications")
    assert result["columns"] == [
        "Objet de la demande",
        "Demandes déposées",
        "Ménages",
        "Accordées",
        "Refusées",
        "Sans décision le dernier jour",
        "Accordé en subvention (€)",
        "Accordé en prêt (€)",
    ]
    assert result["rows"] == [
        ["Accès : dépôt de garantie", 1, 1, 1, 0, 0, 800.0, 0.0],  # Martin's deposit, granted in March
        ["Accès : premier loyer", *ZEROS],  # Petit's was filed in November 2024
        ["Accès : déménagement, mobilier", *ZEROS],
        ["Accès : assurance habitation", *ZEROS],
        ["Maintien : dette de loyer", 2, 2, 1, 1, 0, 0.0, 1000.0],  # Martin's loan of 1 000.00, Bernard refused
        ["Énergie, eau", 1, 1, 0, 0, 1, 0.0, 0.0],  # Petit's, decided only in January 2026
        ["Total (chaque ménage une fois)", 4, 3, 2, 1, 1, 800.0, 1000.0],
    ]
    assert result["unit"] == "demande ; ménage (colonne « Ménages ») ; euro"


def test_a_decision_dated_after_the_period_is_not_known_in_it(data):
    november = indicators.Period(date(2025, 11, 1), date(2025, 11, 30))
    rows = table(data.director, "fsl_applications", november)["rows"]
    # Martin's rent-debt application, filed on 5 November, was granted on 1 December
    assert rows[4] == ["Maintien : dette de loyer", 1, 1, 0, 0, 1, 0.0, 0.0]
    assert rows[-1] == ["Total (chaque ménage une fois)", 1, 1, 0, 0, 1, 0.0, 0.0]


def test_a_team_lead_counts_their_teams_applications(data):
    rows = table(data.team_lead, "fsl_applications")["rows"]
    assert rows[0] == ["Accès : dépôt de garantie", 1, 1, 1, 0, 0, 800.0, 0.0]
    assert rows[4] == ["Maintien : dette de loyer", 2, 2, 1, 1, 0, 0.0, 1000.0]
    assert rows[5] == ["Énergie, eau", *ZEROS]  # Petit is team B's
    assert rows[-1] == ["Total (chaque ménage une fois)", 3, 2, 2, 1, 0, 800.0, 1000.0]


def test_the_other_organisation_counts_its_own(data):
    rows = table(data.other_director, "fsl_applications")["rows"]
    assert rows[5] == ["Énergie, eau", 1, 1, 0, 0, 1, 0.0, 0.0]
    assert rows[-1] == ["Total (chaque ménage une fois)", 1, 1, 0, 0, 1, 0.0, 0.0]
    assert table(data.other_director, "fsl_advances")["rows"] == [
        ["Avances faites dans la période", 0, 0, 0.0],
        ["Remboursements reçus du FSL", 0, 0, 0.0],
        ["Remboursements reçus des ménages", 0, 0, 0.0],
        ["Avances restant à recouvrer le dernier jour", 0, 0, 0.0],
    ]


def test_advances_made_repaid_and_left_to_recover(data):
    result = table(data.director, "fsl_advances")
    assert result["columns"] == ["Avances de loyer de l'association", "Nombre", "Ménages", "Montant (€)"]
    assert result["rows"] == [
        ["Avances faites dans la période", 2, 2, 1000.0],  # Martin 600.00, Bernard 400.00
        ["Remboursements reçus du FSL", 1, 1, 600.0],  # Martin's, on 15 December
        ["Remboursements reçus des ménages", 2, 2, 250.0],  # Petit 100.00 in March, Bernard 150.00 in December
        ["Avances restant à recouvrer le dernier jour", 2, 2, 450.0],  # Bernard 250.00 (repaid in 2026), Petit 200.00
    ]
    assert table(data.team_lead, "fsl_advances")["rows"] == [
        ["Avances faites dans la période", 2, 2, 1000.0],
        ["Remboursements reçus du FSL", 1, 1, 600.0],
        ["Remboursements reçus des ménages", 1, 1, 150.0],
        ["Avances restant à recouvrer le dernier jour", 1, 1, 250.0],
    ]


def test_advances_up_to_the_end_of_november(data):
    eleven_months = indicators.Period(date(2025, 1, 1), date(2025, 11, 30))
    assert table(data.director, "fsl_advances", eleven_months)["rows"] == [
        ["Avances faites dans la période", 1, 1, 600.0],
        ["Remboursements reçus du FSL", 0, 0, 0.0],
        ["Remboursements reçus des ménages", 1, 1, 100.0],
        ["Avances restant à recouvrer le dernier jour", 2, 2, 800.0],  # Martin 600.00, Petit 200.00
    ]
