"""The funder reports (AVDL, ASLL/FSL, IML) and the indicators they add, on the hand-built data set of
`dataset.py`; every figure worked out by hand for 2025 in the comments.

The AVDL measures of 2025: Martin 1 June 2024 → 31 March 2025 (outcome « Accès au logement », a social dwelling),
Petit 1 February → 30 November 2025 (no outcome), Bernard from 1 September 2025 (open). ASLL: Martin from 1 April
2025 (open); Petit's ended on 31 December 2024; Bernard's was only requested."""

from datetime import date

import pytest

from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope
from habiter.support.models import MeasureFollowUp, MeasureOutcome, MeasureStatus, Programme, SupportMeasure

from . import dataset, housing_dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
CATEGORIES = [
    "Accès à un logement social",
    "Accès à un logement privé",
    "Accès à une résidence sociale ou une pension de famille",
    "Accès au logement, type non précisé",
    "Maintien dans le logement",
    "Glissement du bail",
    "Orientation vers un autre dispositif",
    "Expulsion",
    "Retour à la rue ou en hébergement",
    "Perte de contact",
    "Refus de la personne",
    "Fin après le diagnostic",
]


@pytest.fixture
def data():
    return dataset.build()


def tables(user, code, period=YEAR):
    return {table["definition"]: table["rows"] for table in indicators.compute(code, reporting_scope(user), period)}


def rows(user, code, period=YEAR):
    (only,) = tables(user, code, period).values()
    return only


def test_households_at_exit(data):
    # Closed in 2025: Martin's AVDL (2 persons) and Petit's AVDL (3 persons).
    assert rows(data.director, "households_exited") == [["AVDL", 2, 5], ["Total (chaque ménage une fois)", 2, 5]]
    assert rows(data.team_lead, "households_exited") == [["AVDL", 1, 2], ["Total (chaque ménage une fois)", 1, 2]]


def test_outcomes_by_category_keep_every_category_and_the_unknown(data):
    expected = [[label, 1 if label == "Accès à un logement social" else 0] for label in CATEGORIES]
    assert rows(data.director, "outcomes_by_category") == [
        *expected,
        ["Issue non renseignée", 1],  # Petit's AVDL, closed without an outcome
        ["Total des mesures clôturées", 2],
    ]


def test_measure_durations_count_an_open_measure_to_the_period_end(data):
    # AVDL: Martin 303 days (1 June 2024 → 31 March 2025), Petit 302 (1 February → 30 November), Bernard 121
    # (1 September → 31 December, still open): mean 726 / 3 = 242, median 302. ASLL: Martin 274 (1 April → 31
    # December, open). All four: 1000 / 4 = 250, median (274 + 302) / 2 = 288.
    assert rows(data.director, "measure_durations") == [
        ["AVDL", 3, 1, 242, 302],
        ["ASLL", 1, 1, 274, 274],
        ["Toutes les mesures", 4, 2, 250, 288],
    ]
    first_quarter = indicators.Period(date(2025, 1, 1), date(2025, 3, 31))
    # Martin's AVDL 303 days; Petit's AVDL 1 February → 31 March = 58 days, open on 31 March: mean 180.5 → 181.
    assert rows(data.director, "measure_durations", first_quarter) == [
        ["AVDL", 2, 1, 181, 181],
        ["Toutes les mesures", 2, 1, 181, 181],
    ]


def test_the_avdl_report_counts_avdl_programmes_in_the_funders_categories(data):
    assert tables(data.director, "avdl") == {
        "households_entered/avdl": [["AVDL", 2, 4], ["Total (chaque ménage une fois)", 2, 4]],  # Petit, Bernard
        "households_accompanied/avdl": [["AVDL", 3, 6], ["Total (chaque ménage une fois)", 3, 6]],
        "households_exited/avdl": [["AVDL", 2, 5], ["Total (chaque ménage une fois)", 2, 5]],
        "measures_flow/avdl": [["AVDL", 2, 2, 1]],
        "measure_durations/avdl": [["AVDL", 3, 1, 242, 302], ["Toutes les mesures", 3, 1, 242, 302]],
        "outcomes_by_category/avdl": [
            ["Relogement (accès au logement, glissement du bail)", 1],
            ["Maintien dans le logement", 0],
            ["Orientation", 0],
            ["Fin après le diagnostic", 0],
            ["Autre issue", 0],
            ["Issue non renseignée", 1],
            ["Total des mesures clôturées", 2],
        ],
        # no AVDL measure ended in 2024: nobody's year after the end falls in 2025
        "follow_up_situations/avdl": [
            ["Dans le même logement", 0, 0],
            ["Relogé dans un autre logement", 0, 0],
            ["Sans logement ou hébergé", 0, 0],
            ["Situation inconnue (contact perdu)", 0, 0],
            ["Situation non relevée", 0, 0],
        ],
    }


def test_the_avdl_report_counts_the_situation_a_year_after_the_end(data):
    """2026: the AVDL measures ended in 2025 are Martin's (31 March) and Petit's (30 November). Martin's situation
    was recorded in the same dwelling with more than three months of arrears; Petit's was not recorded. Petit's ASLL
    measure, with a situation recorded, is not AVDL."""
    avdl = SupportMeasure.objects.filter(programme__code="avdl", organisation=data.organisation)
    martin = avdl.get(household=data.martin)
    MeasureFollowUp.objects.create(
        organisation=data.organisation,
        measure=martin,
        observed_on=date(2026, 4, 2),
        situation="same_housing",
        arrears_over_three_months=True,
        recorded_by=data.director,
    )
    petit_asll = SupportMeasure.objects.get(household=data.petit, programme__code="asll")
    MeasureFollowUp.objects.create(
        organisation=data.organisation,
        measure=petit_asll,
        observed_on=date(2026, 1, 5),
        situation="no_housing",
        recorded_by=data.director,
    )
    year_2026 = indicators.Period(date(2026, 1, 1), date(2026, 12, 31))
    assert tables(data.director, "avdl", year_2026)["follow_up_situations/avdl"] == [
        ["Dans le même logement", 1, 1],
        ["Relogé dans un autre logement", 0, 0],
        ["Sans logement ou hébergé", 0, 0],
        ["Situation inconnue (contact perdu)", 0, 0],
        ["Situation non relevée", 1, 0],
    ]


def test_an_outcome_outside_the_funders_categories_is_another_outcome(data):
    refused = MeasureOutcome.objects.create(organisation=data.organisation, label="Refus", category="refused")
    SupportMeasure.objects.create(
        organisation=data.organisation,
        household=data.petit,
        programme=Programme.objects.get(organisation=data.organisation, code="avdl"),
        start_date=date(2025, 1, 10),
        end_date=date(2025, 1, 20),
        status=MeasureStatus.CLOSED,
        outcome=refused,
        created_by=data.director,
    )
    outcomes = tables(data.director, "avdl")["outcomes_by_category/avdl"]
    assert outcomes[-3:] == [["Autre issue", 1], ["Issue non renseignée", 1], ["Total des mesures clôturées", 3]]


def test_the_asll_report_and_a_programme_of_another_name_with_the_same_scheme(data):
    assert tables(data.director, "asll") == {
        "households_entered/asll": [["ASLL", 1, 2], ["Total (chaque ménage une fois)", 1, 2]],  # Martin
        "households_accompanied/asll": [["ASLL", 1, 2], ["Total (chaque ménage une fois)", 1, 2]],
        "households_exited/asll": [["Total (chaque ménage une fois)", 0, 0]],
        "measures_flow/asll": [["ASLL", 1, 0, 1]],
        "measure_durations/asll": [["ASLL", 1, 1, 274, 274], ["Toutes les mesures", 1, 1, 274, 274]],
        "outcomes_by_category/asll": [
            ["Installation dans un logement", 0],
            ["Maintien dans le logement", 0],
            ["Orientation vers un autre accompagnement", 0],
            ["Interruption (refus, perte de contact)", 0],
            ["Autre issue", 0],
            ["Issue non renseignée", 0],
            ["Total des mesures clôturées", 0],
        ],
        # No application to the FSL nor advance in this data set: every purpose and every line is still a row.
        "fsl_applications": [
            ["Accès : dépôt de garantie", 0, 0, 0, 0, 0, 0.0, 0.0],
            ["Accès : premier loyer", 0, 0, 0, 0, 0, 0.0, 0.0],
            ["Accès : déménagement, mobilier", 0, 0, 0, 0, 0, 0.0, 0.0],
            ["Accès : assurance habitation", 0, 0, 0, 0, 0, 0.0, 0.0],
            ["Maintien : dette de loyer", 0, 0, 0, 0, 0, 0.0, 0.0],
            ["Énergie, eau", 0, 0, 0, 0, 0, 0.0, 0.0],
            ["Total (chaque ménage une fois)", 0, 0, 0, 0, 0, 0.0, 0.0],
        ],
        "fsl_advances": [
            ["Avances faites dans la période", 0, 0, 0.0],
            ["Remboursements reçus du FSL", 0, 0, 0.0],
            ["Remboursements reçus des ménages", 0, 0, 0.0],
            ["Avances restant à recouvrer le dernier jour", 0, 0, 0.0],
        ],
    }
    # A programme the association calls otherwise counts by its scheme: Petit's 2023–2024 measure now FSL.
    Programme.objects.filter(organisation=data.organisation, code="asll").update(name="FSL accompagnement")
    assert tables(data.director, "asll")["households_accompanied/asll"][0] == ["FSL accompagnement", 1, 2]


def test_the_asll_report_adds_the_fsl_applications_and_the_associations_advances(data):
    """The Département's FSL finances the ASLL and the aids: its report gives the FSL's tables for 2025, each
    household's, with or without an ASLL measure (`housing_dataset.add_fsl`; only Martin has an ASLL measure).

    Applications filed in 2025: Martin's deposit (grant of 800.00, granted 1 March), Martin's rent debt (loan of
    1 000.00 granted 1 December), Bernard's rent debt (refused 10 November), Petit's energy (decided only on 10
    January 2026: undecided on 31 December); Petit's first rent was filed in November 2024. Advances: Martin 600.00
    (10 November) and Bernard 400.00 (5 December) made in 2025; the FSL repaid Martin's 600.00 on 15 December; the
    households repaid Petit 100.00 (1 March) and Bernard 150.00 (20 December); left on 31 December: Bernard 400.00 −
    150.00 = 250.00 and Petit 300.00 − 100.00 = 200.00, 450.00."""
    housing_dataset.add_fsl(data)
    asll = indicators.compute("asll", reporting_scope(data.director), YEAR)
    assert [table["definition"] for table in asll][-2:] == ["fsl_applications", "fsl_advances"]
    assert asll[-2]["title"] == "Demandes au FSL, par objet et décision"
    assert asll[-2]["rows"] == [
        ["Accès : dépôt de garantie", 1, 1, 1, 0, 0, 800.0, 0.0],
        ["Accès : premier loyer", 0, 0, 0, 0, 0, 0.0, 0.0],
        ["Accès : déménagement, mobilier", 0, 0, 0, 0, 0, 0.0, 0.0],
        ["Accès : assurance habitation", 0, 0, 0, 0, 0, 0.0, 0.0],
        ["Maintien : dette de loyer", 2, 2, 1, 1, 0, 0.0, 1000.0],
        ["Énergie, eau", 1, 1, 0, 0, 1, 0.0, 0.0],
        ["Total (chaque ménage une fois)", 4, 3, 2, 1, 1, 800.0, 1000.0],
    ]
    assert asll[-1]["title"] == "Avances de loyer de l'association en attendant le FSL"
    assert asll[-1]["rows"] == [
        ["Avances faites dans la période", 2, 2, 1000.0],
        ["Remboursements reçus du FSL", 1, 1, 600.0],
        ["Remboursements reçus des ménages", 2, 2, 250.0],
        ["Avances restant à recouvrer le dernier jour", 2, 2, 450.0],
    ]
    # A team lead's report: team A's Martin and Bernard only.
    team = tables(data.team_lead, "asll")
    assert team["fsl_applications"][-1] == ["Total (chaque ménage une fois)", 3, 2, 2, 1, 0, 800.0, 1000.0]
    assert team["fsl_advances"][-1] == ["Avances restant à recouvrer le dernier jour", 1, 1, 250.0]
    # The same figures as the activity report's tables: one query, two reports.
    activity = tables(data.director, "activity")
    assert (activity["fsl_applications"], activity["fsl_advances"]) == (asll[-2]["rows"], asll[-1]["rows"])


def test_the_iml_report_is_empty_without_iml_programmes_and_the_team_lead_gets_their_share(data):
    iml = tables(data.director, "iml")
    assert iml["households_accompanied/iml"] == [["Total (chaque ménage une fois)", 0, 0]]
    assert iml["measure_durations/iml"] == []
    assert tables(data.team_lead, "avdl")["households_accompanied/avdl"] == [
        ["AVDL", 2, 3],  # Martin and Bernard
        ["Total (chaque ménage une fois)", 2, 3],
    ]


def test_every_table_carries_its_definition_id_unit_and_rule(data):
    (durations,) = indicators.compute("measure_durations", reporting_scope(data.director), YEAR)
    assert durations["definition"] == "measure_durations"
    outcomes = indicators.compute("avdl", reporting_scope(data.director), YEAR)[
        -2
    ]  # the last is the situation a year after the end
    assert outcomes["code"] == "outcomes_by_category" and outcomes["definition"] == "outcomes_by_category/avdl"
    assert outcomes["unit"] == "mesure"
    assert (
        "Seuls comptent les dispositifs de type : AVDL — accompagnement vers et dans le logement." in outcomes["rule"]
    )
    assert "Orientation = Orientation vers un autre dispositif" in outcomes["rule"]


def test_each_funder_profile_states_its_funder_and_categories():
    for code in ("avdl", "asll", "iml"):
        report = indicators.REPORTS[code]
        assert str(report.funder) and str(report.categories)
        assert {use.indicator for use in report.uses()} <= set(indicators.INDICATORS)
        # The measures' tables count the scheme's programmes; the IML's leases and dwellings are chosen by the kind
        # of lease and of management, not by a programme, and its activity costs are typed in per year (W36).
        # The ASLL report's FSL applications and advances ask for no measure: every household's count.
        measure_uses = [
            use
            for use in report.uses()
            if use.indicator
            not in ("leases_flow", "iml_dwellings", "iml_activity_costs", "fsl_applications", "fsl_advances")
        ]
        assert all(use.params["schemes"] == (code,) for use in measure_uses)


def test_a_reports_definition_ids_are_unique():
    for report in indicators.REPORTS.values():
        definitions = [use.definition for use in report.uses()]
        assert len(definitions) == len(set(definitions)), report.code
