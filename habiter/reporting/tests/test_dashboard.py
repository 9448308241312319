"""The dashboard: its series on the hand-built data set, its SVG, and a number of queries that does not grow."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habiter.evictions.models import LandlordKind, PreventionCase
from habiter.reception.models import DeskVisit, Topic
from habiter.reporting import indicators, rules
from habiter.support.models import Intervention, InterventionKind, Programme

from . import dataset

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
    assert body.count("<svg") == 4 and body.count("<table") == 4
    assert "style=" not in body and "<script>" not in body
    # SVG lengths are written with a dot whatever the language of the page
    assert 'class="tick" x="40" y="212.0"' in body and not re.search(r' (x|y|y1|y2|width|height)="\d+,\d', body)


@time_machine.travel(TODAY, tick=False)
def test_a_team_lead_sees_their_team(data):
    page = get(data.team_lead)
    assert row_of(page.context["activity"], "mars 2025") == ["mars 2025", 1, 1, 0, 1]
    assert row_of(page.context["visits"], "29 décembre 2025") == ["29 décembre 2025", 0]


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


@time_machine.travel(TODAY, tick=False)
def test_the_number_of_queries_does_not_grow_with_the_households(data, django_assert_num_queries):
    get(data.director)  # warm the session and the permission caches
    with django_assert_num_queries(29):
        small = get(data.director)
    _more_households(data, 12)
    with django_assert_num_queries(29):
        large = get(data.director)
    assert large.context["prevention"]["rows"] == [["Aucune étape notée", 13]]
    assert small.context["prevention"]["rows"] == [["Aucune étape notée", 1]]


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
