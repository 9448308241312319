"""The IML report's leases and dwellings (DOMAIN-2 W36), on the hand-built data set of `dataset.py` plus the
dwellings below; every figure worked out by hand for 2025 in the comments.

Already in `dataset.py`: the « shared » dwelling, under an ordinary head lease from 1 January 2024 to 31 August 2025,
sublet with a bail glissant to Bernard (team A) from 1 January 2024, slid on 1 September 2025 (the direct lease born
of the slide is not managed). Added here:
- dwelling B, head lease from 1 June 2024 terminated on 31 October 2025: sublet to Petit (team B) from 1 June 2024
  to 28 February 2025, empty from 1 March to 31 May, sublet to Petit again from 1 June to 31 October 2025;
- dwelling A, management mandate from 1 March 2025 (open), let under mandate to Martin (team A) from 1 April 2025;
- a mandate of the other organisation, never counted.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habiter.leases.models import HeadLease, HeadLeaseKind, Lease, LeaseKind, LeaseStatus, ManagementMandate
from habiter.leases.tests.factories import make_dwelling
from habiter.reporting import indicators, rules
from habiter.reporting.queries import reporting_scope

from . import dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
FIRST_QUARTER = indicators.Period(date(2025, 1, 1), date(2025, 3, 31))
SUBLEASE = "Location / sous-location (bail principal de l'association)"


def _lease(household, dwelling, kind, status, start, end=None, **fields):
    return Lease.objects.create(
        organisation=household.organisation,
        household=household,
        dwelling=dwelling,
        landlord=dwelling.owner,
        kind=kind,
        status=status,
        start_date=start,
        end_date=end,
        rent=Decimal("450.00"),
        irl_quarter=2,
        irl_base_year=start.year - 1,
        revision_anchor=start,
        created_by=fields.pop("by"),
        **fields,
    )


def _mandate(organisation, dwelling, start, by):
    return ManagementMandate.objects.create(
        organisation=organisation,
        owner=dwelling.owner,
        dwelling=dwelling,
        fee_rate=Decimal("7.00"),
        start_date=start,
        payout_iban="FR7630006000011234567890189",
        created_by=by,
    )


@pytest.fixture
def data():
    data = dataset.build()
    organisation, director = data.organisation, data.director
    b = make_dwelling(organisation)
    head = HeadLease.objects.create(
        organisation=organisation,
        kind=HeadLeaseKind.ORDINARY,
        owner=b.owner,
        dwelling=b,
        surface=Decimal("40.00"),
        rent=Decimal("420.00"),
        start_date=date(2024, 6, 1),
        ended_on=date(2025, 10, 31),
        created_by=director,
    )
    for start, end in ((date(2024, 6, 1), date(2025, 2, 28)), (date(2025, 6, 1), date(2025, 10, 31))):
        _lease(data.petit, b, LeaseKind.SUBLEASE, LeaseStatus.ENDED, start, end, head_lease=head, by=director)
    a = make_dwelling(organisation)
    mandate = _mandate(organisation, a, date(2025, 3, 1), director)
    _lease(data.martin, a, LeaseKind.MANDATE, LeaseStatus.SIGNED, date(2025, 4, 1), mandate=mandate, by=director)
    other = data.other_director.organisation
    _mandate(other, make_dwelling(other), date(2025, 1, 1), data.other_director)
    return data


def tables(user, period=YEAR):
    return {table["definition"]: table["rows"] for table in indicators.compute("iml", reporting_scope(user), period)}


def test_vacancy_days_by_modality(data):
    # Head leases: « shared » managed 1 January → 31 August = 243 days, all let; B managed 1 January → 31 October =
    # 304 days, let 59 (January, February) + 153 (June → October) = 212, empty 92 (March → May).
    # Mandate: A managed 1 March → 31 December = 306 days, let from 1 April = 275, empty 31 (March); captured in 2025.
    assert tables(data.director)["iml_dwellings"] == [
        [SUBLEASE, 2, 0, 547, 455, 92],
        ["Mandat de gestion", 1, 1, 306, 275, 31],
        ["Total (chaque logement une fois)", 3, 1, 853, 730, 123],
    ]


def test_vacancy_days_within_a_shorter_period(data):
    # First quarter: « shared » 90 days let; B 90 managed, 59 let, 31 empty (March); A managed in March only, empty.
    assert tables(data.director, FIRST_QUARTER)["iml_dwellings"] == [
        [SUBLEASE, 2, 0, 180, 149, 31],
        ["Mandat de gestion", 1, 1, 31, 0, 31],
        ["Total (chaque logement une fois)", 3, 1, 211, 149, 62],
    ]


def test_a_team_lead_counts_the_dwellings_their_households_lived_in(data):
    # Team A: Bernard's « shared » and Martin's A; B housed only Petit (team B).
    assert tables(data.team_lead)["iml_dwellings"] == [
        [SUBLEASE, 1, 0, 243, 243, 0],
        ["Mandat de gestion", 1, 1, 306, 275, 31],
        ["Total (chaque logement une fois)", 2, 1, 549, 518, 31],
    ]


def test_leases_by_modality_with_glissements(data):
    # Bernard's sliding sublease slid on 31 August; Petit's subleases of B ended on 28 February and 31 October, the
    # second started on 1 June; Martin's lease under mandate started on 1 April. Direct leases are not IML.
    assert tables(data.director)["leases_flow/iml"] == [
        ["Sous-location, bail glissant", 0, 1, 0],
        ["Sous-location, sans bail glissant", 1, 0, 2],
        ["Bail sous mandat de gestion", 1, 0, 0],
    ]
    assert tables(data.team_lead)["leases_flow/iml"] == [
        ["Sous-location, bail glissant", 0, 1, 0],
        ["Bail sous mandat de gestion", 1, 0, 0],
    ]


def test_the_activity_reports_leases_are_unchanged_by_the_variant(data):
    (table,) = indicators.compute("leases_flow", reporting_scope(data.director), YEAR)
    assert table["rows"] == [
        ["Bail direct", 1, 0, 1],
        ["Sous-location", 1, 1, 2],
        ["Bail sous mandat de gestion", 1, 0, 0],
    ]


def test_each_table_says_how_it_counts(data):
    by_definition = {
        table["definition"]: table for table in indicators.compute("iml", reporting_scope(data.director), YEAR)
    }
    assert "jours de vacance" in by_definition["iml_dwellings"]["rule"]
    assert (
        "Seuls comptent les baux de type : Sous-location, Bail sous mandat de gestion."
        in (by_definition["leases_flow/iml"]["rule"])
    )


@time_machine.travel(date(2026, 1, 15), tick=False)
def test_the_iml_page_shows_the_vacancy_table(data):
    client = Client()
    client.force_login(data.director)
    response = client.get(reverse("reporting:report", args=["iml"]))  # the previous year by default
    assert response.status_code == 200
    (table,) = [t for t in response.context["tables"] if t["definition"] == "iml_dwellings"]
    assert table["rows"][-1] == ["Total (chaque logement une fois)", 3, 1, 853, 730, 123]


@pytest.mark.parametrize(
    ("managed", "occupied", "start", "end", "expected"),
    [
        # managed all year, let from 1 April: January to March empty (31 + 28 + 31 days)
        ([(date(2025, 1, 1), None)], [(date(2025, 4, 1), None)], date(2025, 1, 1), date(2025, 12, 31), (365, 275, 90)),
        # a lease outside the management does not make days; a day outside the management is not a vacancy
        (
            [(date(2025, 3, 1), date(2025, 3, 10))],
            [(date(2025, 1, 1), date(2025, 3, 5))],
            date(2025, 1, 1),
            date(2025, 12, 31),
            (10, 5, 5),
        ),
        # two overlapping leases and two touching management periods: each day once
        (
            [(date(2025, 1, 1), date(2025, 1, 15)), (date(2025, 1, 16), date(2025, 1, 31))],
            [(date(2025, 1, 1), date(2025, 1, 20)), (date(2025, 1, 10), date(2025, 1, 25))],
            date(2025, 1, 1),
            date(2025, 1, 31),
            (31, 25, 6),
        ),
        # the period cuts both ends; 29 February counts
        ([(date(2023, 1, 1), None)], [], date(2024, 2, 1), date(2024, 2, 29), (29, 0, 29)),
        # nothing managed in the period
        (
            [(date(2020, 1, 1), date(2020, 12, 31))],
            [(date(2025, 1, 1), None)],
            date(2025, 1, 1),
            date(2025, 1, 31),
            (0, 0, 0),
        ),
    ],
)
def test_dwelling_days(managed, occupied, start, end, expected):
    days = rules.dwelling_days(managed, occupied, start, end)
    assert (days.managed, days.occupied, days.vacant) == expected


def test_the_iml_pages_queries_do_not_grow_with_the_dwellings(data):
    client = Client()
    client.force_login(data.director)
    url = reverse("reporting:report", args=["iml"]) + "?annee=2025"
    client.get(url)  # warm the session and the permission caches

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for _number in range(6):
        dwelling = make_dwelling(data.organisation)
        mandate = _mandate(data.organisation, dwelling, date(2025, 2, 1), data.director)
        _lease(
            data.bernard,
            dwelling,
            LeaseKind.MANDATE,
            LeaseStatus.SIGNED,
            date(2025, 5, 1),
            mandate=mandate,
            by=data.director,
        )
    assert count() == small
