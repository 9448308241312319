"""The dashboard: its series on the hand-built data set (with the rent arrears, the captation and the residences of
`housing_dataset`, and prevention cases with their steps), its SVG, and a number of queries that does not grow."""

import html
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habiter.evictions.models import CaseOutcome, CaseStep, LandlordKind, PreventionCase, Step
from habiter.housing.models import ProspectStage
from habiter.leases.models import HeadLease, HeadLeaseKind
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.rent import services as rent_services
from habiter.people.models import Household
from habiter.reception.models import DeskVisit, Topic
from habiter.reporting import indicators, rules
from habiter.residences.models import ResidenceKind
from habiter.support.models import Intervention, InterventionKind, Programme

from . import dataset, housing_dataset

pytestmark = pytest.mark.django_db

PAGE = reverse("reporting:dashboard")
TODAY = "2026-01-15 10:00 +01:00"


@pytest.fixture
def data():
    return dataset.build()


def get(user):
    client = Client()
    client.force_login(user)
    return client.get(PAGE)


def row_of(series, label):
    return next(row for row in series["rows"] if row[0] == label)


@time_machine.travel(TODAY, tick=False)
def test_the_director_sees_the_series_and_their_tables(data):
    page = get(data.director)
    assert page.status_code == 200
    activity = page.context["activity"]
    assert activity["columns"] == ["Mois", "Ménages", "Mesures", "ASLL", "AVDL"]
    assert len(activity["rows"]) == 24 and activity["rows"][0][0] == "février 2024"
    assert row_of(activity, "mars 2025") == ["mars 2025", 2, 2, 0, 2]
    assert row_of(activity, "décembre 2025") == ["décembre 2025", 2, 2, 1, 1]
    assert row_of(page.context["time"], "février 2025") == ["février 2025", "1", "0,5"]
    assert row_of(page.context["time"], "juin 2025") == ["juin 2025", "1,5", "0"]
    visits = page.context["visits"]
    assert len(visits["rows"]) == 12 and visits["rows"][-1] == ["12 janvier 2026", 0]
    assert row_of(visits, "29 décembre 2025") == ["29 décembre 2025", 2]  # 31/12 at 23:30 and 1/1 at 00:30
    assert page.context["prevention"]["rows"] == [["Aucune étape notée", 1]]
    assert page.context["arrears"] == {"total": Decimal("0.00"), "households": 0, "over_caf_threshold": 0}
    assert "0,00 €" in page.content.decode()
    body = page.content.decode()
    assert body.count("<svg") == 7 and body.count("<table") == 7
    assert "style=" not in body and "<script>" not in body
    # SVG lengths are written with a dot whatever the language of the page
    assert 'class="tick" x="40" y="212.0"' in body and not re.search(r' (x|y|y1|y2|width|height)="\d+,\d', body)


@time_machine.travel(TODAY, tick=False)
def test_a_team_lead_sees_their_team(data):
    page = get(data.team_lead)
    assert row_of(page.context["activity"], "mars 2025") == ["mars 2025", 1, 1, 0, 1]
    assert row_of(page.context["visits"], "29 décembre 2025") == ["29 décembre 2025", 0]


CLOSED_OVER_12_MONTHS = [  # from 1 February 2025: Martin's debt settled, Petit evicted on 1 February, rehoused
    ["Dette réglée", 1],
    ["Plan d'apurement respecté", 0],
    ["Relogement", 1],
    ["Départ du logement", 0],
    ["Expulsion", 1],
]


@time_machine.travel(TODAY, tick=False)
def test_prevention_outcomes_captation_vacancy_and_occupancy(data):
    housing_dataset.add_captation(data)
    housing_dataset.add_residences(data)
    page = get(data.director)
    outcomes = page.context["prevention_outcomes"]
    assert outcomes["rows"] == CLOSED_OVER_12_MONTHS
    assert outcomes["figures"] == [(2, "expulsions évitées (dette réglée, plan respecté, relogement)")]
    # this year (1–15 January 2026): P4 visited on 5 January, P5 signed on 10 January, P8 identified on 5 January;
    # the prospects signed or given up in 2025 are not this year's
    captation = page.context["captation"]
    assert captation["columns"] == [
        "Étape",
        "Ont atteint au moins cette étape",
        "Étape la plus avancée",
        "dont abandonnés à cette étape",
    ]
    assert captation["rows"] == [
        ["Repéré", 3, 1, 0],
        ["Contacté", 2, 0, 0],
        ["Visité", 2, 1, 0],
        ["Travaux évalués", 1, 0, 0],
        ["Offre faite", 1, 0, 0],
        ["Signé", 1, 1, 0],
        ["Total des prospects", 3, 3, 0],
    ]
    # P1's dwelling, on a head lease since 1 May 2025 and never sublet; the shared dwelling's ended in August
    assert captation["figures"] == [(1, "logement géré aujourd'hui"), (1, "logement vacant aujourd'hui")]
    assert page.context["occupancy"]["rows"] == [
        ["Bellevue", 1, 1, 0],
        ["Les Tilleuls", 3, 1, 2],
        ["Toutes les résidences", 4, 2, 2],
    ]
    body = html.unescape(page.content.decode())
    assert "<strong>1</strong>logement vacant aujourd'hui" in body
    assert "Places occupées et libres aujourd'hui, par résidence" in body
    assert "style=" not in body and "<script>" not in body

    page = get(data.team_lead)
    assert page.context["prevention_outcomes"]["rows"] == [
        ["Dette réglée", 1],  # Martin's; Petit is team B's
        ["Plan d'apurement respecté", 0],
        ["Relogement", 0],
        ["Départ du logement", 0],
        ["Expulsion", 0],
    ]
    captation = page.context["captation"]
    assert captation["rows"][-1] == ["Total des prospects", 2, 2, 0]  # P4 and P5, carried by team A's worker
    assert "figures" not in captation
    assert captation["note"] == "Les logements vacants ne sont d'aucune équipe : seule la direction les voit ici."
    assert page.context["occupancy"]["rows"] == [["Bellevue", 1, 1, 0], ["Toutes les résidences", 1, 1, 0]]


def _february_calls(data, leases):
    """February 2026's rent of `housing_dataset.add_arrears`'s three leases called on 1 February (due on the 5th)."""
    for household in (data.martin, data.bernard, data.petit):
        housing_dataset._on(
            date(2026, 2, 1),
            rent_services.rent_call_issue,
            actor=data.director,
            lease_id=leases[household.name].pk,
            period=date(2026, 2, 1),
        )


@time_machine.travel("2026-02-10 10:00 +01:00", tick=False)
def test_the_rent_arrears_of_today(data):
    # 500.00 a month, the CAF's threshold two months (1 000.00). On 10 February 2026, after February's calls:
    # Martin, 2 500.00 called (October to February), 2 000.00 paid: owes February's 500.00 (his impayé cleared on
    # 12 January); Bernard, 1 500.00 called (December to February), 300.00 paid: owes 1 200.00, past the threshold
    # since 5 February; Petit, 2 000.00 called (November to February), 600.00 paid: owes 1 400.00, past it since
    # 5 February. 500 + 1 200 + 1 400 = 3 100.00, three households, two past the threshold.
    leases = housing_dataset.add_arrears(data)
    _february_calls(data, leases)
    page = get(data.director)
    assert page.context["arrears"] == {"total": Decimal("3100.00"), "households": 3, "over_caf_threshold": 2}
    body = html.unescape(page.content.decode())
    assert re.search(r"<strong>3\s100,00 €</strong>restant dus", body)
    assert re.search(r"<strong>3</strong>\s*ménages en impayé", body)
    assert re.search(r"<strong>2</strong>\s*ménages au-delà du seuil d'impayé de la CAF", body)
    # the team lead: Martin's 500.00 and Bernard's 1 200.00 (Petit is team B's)
    page = get(data.team_lead)
    assert page.context["arrears"] == {"total": Decimal("1700.00"), "households": 2, "over_caf_threshold": 1}
    body = html.unescape(page.content.decode())
    assert re.search(r"<strong>1</strong>\s*ménage au-delà du seuil d'impayé de la CAF", body)


@time_machine.travel(TODAY, tick=False)
def test_the_rent_arrears_below_the_threshold(data):
    # On 15 January 2026 (`test_arrears_indicator`): Martin paid everything on 12 January; Bernard owes 200.00 +
    # 500.00, Petit 400.00 + 500.00; nobody past the threshold (Petit's impayé was cleared on 20 December).
    housing_dataset.add_arrears(data)
    assert get(data.director).context["arrears"] == {
        "total": Decimal("1600.00"),
        "households": 2,
        "over_caf_threshold": 0,
    }


def _case(data, household, opened_on):
    return PreventionCase.objects.create(
        organisation=data.organisation,
        household=household,
        dwelling_address="8 rue Neuve",
        landlord_name="Mme Roux",
        landlord_kind=LandlordKind.NATURAL_PERSON,
        lease_signed_on=date(2021, 1, 1),
        debt=Decimal("1500.00"),
        monthly_amount="500.00",
        first_unpaid_on=opened_on,
        opened_on=opened_on,
        created_by=data.director,
    )


def _steps(data, case, *steps):
    for step, on_date in steps:
        CaseStep.objects.create(
            organisation=data.organisation, case=case, step=step, on_date=on_date, actor=data.director
        )


@time_machine.travel(TODAY, tick=False)
def test_open_prevention_cases_by_their_last_step(data):
    # Bernard's open case (`dataset`): unpaid rent, payment order, then the CCAPEX on 2 November: « Saisine de la
    # CCAPEX ». Martin's new case: unpaid rent, then the payment order on 8 January: « Commandement de payer »; so
    # is Bernard's second case, with the payment order only. Petit's first new case: the summons dated 10 January
    # noted before the payment order of 20 November: the last step is the latest by date, « Assignation ». Petit's
    # second new case: no step. Martin's closed case (debt settled in October) went to judgment: closed, not
    # counted. Rows in the procedure's order, then the cases without a step.
    bernard = PreventionCase.objects.get(household=data.bernard)
    _steps(
        data,
        bernard,
        (Step.UNPAID, date(2025, 7, 1)),
        (Step.PAYMENT_ORDER, date(2025, 9, 15)),
        (Step.CCAPEX, date(2025, 11, 2)),
    )
    _steps(
        data,
        _case(data, data.martin, date(2025, 12, 1)),
        (Step.UNPAID, date(2025, 12, 1)),
        (Step.PAYMENT_ORDER, date(2026, 1, 8)),
    )
    _steps(data, _case(data, data.bernard, date(2025, 12, 15)), (Step.PAYMENT_ORDER, date(2026, 1, 12)))
    _steps(
        data,
        _case(data, data.petit, date(2025, 11, 1)),
        (Step.SUMMONS, date(2026, 1, 10)),
        (Step.PAYMENT_ORDER, date(2025, 11, 20)),
    )
    _case(data, data.petit, date(2026, 1, 5))
    _steps(
        data,
        PreventionCase.objects.get(household=data.martin, closed_on__isnull=False),
        (Step.JUDGMENT, date(2025, 9, 1)),
    )

    page = get(data.director)
    prevention = page.context["prevention"]
    assert prevention["columns"] == ["Dernière étape", "Dossiers ouverts"]
    assert prevention["rows"] == [
        ["Commandement de payer", 2],
        ["Saisine de la CCAPEX", 1],
        ["Assignation", 1],
        ["Aucune étape notée", 1],
    ]
    assert [bar.title for bar in prevention["chart"].bars] == [
        "Commandement de payer — Dossiers : 2",
        "Saisine de la CCAPEX — Dossiers : 1",
        "Assignation — Dossiers : 1",
        "Aucune étape notée — Dossiers : 1",
    ]
    body = html.unescape(page.content.decode())
    assert '<td data-label="Dernière étape">Saisine de la CCAPEX</td>' in body

    # the team lead: Martin's and Bernard's cases (team A)
    assert get(data.team_lead).context["prevention"]["rows"] == [
        ["Commandement de payer", 2],
        ["Saisine de la CCAPEX", 1],
    ]


@pytest.mark.parametrize("who", ["social_worker", "volunteer"])
def test_others_get_404(data, who):
    assert get(getattr(data, who)).status_code == 404


def _more_households(data, count):
    """`count` more households, each with a measure, an intervention, a desk visit and an open case."""
    programme = Programme.objects.get(organisation=data.organisation, code="avdl")
    for number in range(count):
        household = dataset._household(data.organisation, data.martin.team, f"Ménage {number}", 2, data.director)
        dataset._measure(household, programme, date(2025, 6, 1), by=data.director)
        Intervention.objects.create(
            organisation=data.organisation,
            household=household,
            kind=InterventionKind.PHONE,
            occurred_on=date(2025, 12, 1),
            duration_minutes=20,
            author=data.director,
        )
        DeskVisit.objects.create(
            organisation=data.organisation,
            visited_at=datetime(2026, 1, 5, 10, tzinfo=dataset.PARIS),
            topics=[Topic.OTHER],
            household=household,
            recorded_by=data.director,
        )
        PreventionCase.objects.create(
            organisation=data.organisation,
            household=household,
            dwelling_address="1 rue Haute",
            landlord_name="M. Paul",
            landlord_kind=LandlordKind.NATURAL_PERSON,
            lease_signed_on=date(2020, 1, 1),
            debt="900.00",
            monthly_amount="450.00",
            first_unpaid_on=date(2025, 10, 1),
            opened_on=date(2025, 11, 1),
            created_by=data.director,
        )


def _more_housing(data, count):
    """For `count` more households: a closed prevention case, a resident in a residence of their own, and a
    prospect of this year and a dwelling on a head lease, vacant."""
    for household in Household.objects.filter(organisation=data.organisation, name__startswith="Ménage ")[:count]:
        number = household.name.removeprefix("Ménage ")
        PreventionCase.objects.create(
            organisation=data.organisation,
            household=household,
            dwelling_address="1 rue Basse",
            landlord_name="M. Paul",
            landlord_kind=LandlordKind.NATURAL_PERSON,
            lease_signed_on=date(2020, 1, 1),
            debt="900.00",
            monthly_amount="450.00",
            first_unpaid_on=date(2025, 3, 1),
            opened_on=date(2025, 4, 1),
            closed_on=date(2025, 12, 1),
            outcome=CaseOutcome.PLAN_RESPECTED,
            created_by=data.director,
        )
        (place,) = housing_dataset._places(data.organisation, f"Résidence {number}", ResidenceKind.RESIDENCE_SOCIALE, 1)
        housing_dataset._stay(place, household, date(2025, 6, 1))
        housing_dataset._prospect(
            data.organisation, data.director, f"M{number}", ((ProspectStage.IDENTIFIED, date(2026, 1, 2)),), ""
        )
        dwelling = make_dwelling(data.organisation)
        HeadLease.objects.create(
            organisation=data.organisation,
            kind=HeadLeaseKind.ORDINARY,
            owner=dwelling.owner,
            dwelling=dwelling,
            surface="30.00",
            rent="400.00",
            start_date=date(2025, 1, 1),
            created_by=data.director,
        )


# The page's queries: the session, the user and the permissions, each series (activity, time, visits, open cases by
# step, closed cases by outcome: one each; captation: one, and three for the dwellings managed and vacant; occupancy:
# the residences, their places, the stays and the legal parameters) and the ledger's arrears.
QUERIES = 38


@time_machine.travel(TODAY, tick=False)
def test_the_number_of_queries_does_not_grow_with_the_households(data, django_assert_num_queries):
    housing_dataset.add_captation(data)
    housing_dataset.add_residences(data)
    get(data.director)  # warm the session and the permission caches
    with django_assert_num_queries(QUERIES):
        small = get(data.director)
    _more_households(data, 12)
    _more_housing(data, 12)
    with django_assert_num_queries(QUERIES):
        large = get(data.director)
    assert large.context["prevention"]["rows"] == [["Aucune étape notée", 13]]
    assert small.context["prevention"]["rows"] == [["Aucune étape notée", 1]]
    assert row_of(large.context["prevention_outcomes"], "Plan d'apurement respecté") == [
        "Plan d'apurement respecté",
        12,
    ]
    assert large.context["captation"]["rows"][-1] == ["Total des prospects", 15, 15, 0]
    assert large.context["captation"]["figures"][1] == (13, "logements vacants aujourd'hui")
    assert large.context["occupancy"]["rows"][-1] == ["Toutes les résidences", 16, 14, 2]


def test_chart_geometry():
    chart = rules.bar_chart(["a", "b"], [[1, 4], [2, 0]], names=["x", "y"])
    assert chart.maximum == 5
    assert [(bar.x, bar.y, bar.width, bar.height, bar.series) for bar in chart.bars] == [
        (144.0, 171.2, 48, 40.8, 0),
        (440.0, 48.8, 48, 163.2, 0),
        (192.0, 130.4, 48, 81.6, 1),
        (488.0, 212.0, 48, 0.0, 1),
    ]
    assert chart.bars[1].title == "b — x : 4"
    assert [text for _y, text in chart.ticks] == ["0", "1,25", "2,5", "3,75", "5"]


def test_months_and_weeks():
    assert rules.month_starts(date(2026, 1, 15), 3) == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]
    assert rules.month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert rules.week_starts(date(2026, 1, 15), 2) == [date(2026, 1, 5), date(2026, 1, 12)]
    rows = rules.active_by_month(
        [("AVDL", 1, date(2025, 1, 10), None), ("ASLL", 1, date(2025, 2, 1), date(2025, 2, 27))],
        [(date(2025, 1, 1), date(2025, 1, 31)), (date(2025, 2, 1), date(2025, 2, 28))],
    )
    assert [(r["households"], r["measures"], r["by_programme"]) for r in rows] == [
        (1, 1, {"AVDL": 1}),
        (1, 1, {"AVDL": 1}),
    ]


@time_machine.travel(TODAY, tick=False)
def test_a_reports_queries_do_not_grow_with_the_households(data):
    """Each report's preview for 2025 costs the same queries with 12 more households, each with a measure, an
    intervention, a desk visit and a case (`make bench` times them on 20,000 households)."""
    client = Client()
    client.force_login(data.director)
    urls = [reverse("reporting:report", args=[code]) + "?annee=2025" for code in indicators.REPORTS]
    client.get(urls[0])  # warm the session and the permission caches

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    small = counts()
    _more_households(data, 12)
    assert counts() == small
