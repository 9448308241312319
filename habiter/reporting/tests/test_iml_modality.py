"""The IML report per modality (DOMAIN-2 W36): the households of an IML programme housed in location /
sous-location (with or without bail glissant) or under a management mandate, their entries, exits, glissements,
lengths of stay and destinations, and their dwellings by the surface the head lease rents; every figure of 2025
worked out by hand in the comments, on the hand-built data set of `dataset.py` plus the rows below.

Already in `dataset.py`: Bernard (team A) in the « shared » dwelling, head lease of 50 m² from 1 January 2024 to
31 August 2025, sublet with a bail glissant from 1 January 2024, slid on 1 September 2025 (his sublease ends on
31 August). Added here (each dwelling's own record says 50 m²; the head leases say otherwise):

Location / sous-location (ordinary head leases):
- B, head lease of 40 m² from 1 June 2024, terminated on 31 October 2025: sublet to Petit (team B) from 1 June 2024
  to 28 February 2025, and again from 1 June to 31 October 2025 (three months between: two stays);
- C, head lease of 18.50 m² from 1 February 2025: sublet to Roux (team B) from 1 February to 31 July 2025;
- D, head lease of 65 m² from 1 August 2025: sublet to Roux from 1 August 2025 (a move the day after: one stay);
- E, head lease of 85 m² from 1 March 2025: sublet with a bail glissant to Leroy (team A) from 1 March 2025;
- G, head lease of 30 m² from 15 January 2025: sublet to Faure (team B), who has no IML measure.
Mandat de gestion:
- A, mandate from 1 March 2025: Martin (team A) from 1 April 2025, lease ended on 31 January 2026 (after 2025);
  a draft lease of Roux from 1 to 20 March 2025 that never ran;
- F, mandate from 1 January 2023: Garcia (team A) from 1 May 2023 to 31 May 2025;
- H, mandate from 1 January 2024: Blanc (team B) from 1 February to 31 December 2024, then J, mandate from
  1 June 2024: Blanc from 1 January to 30 September 2025 (the day after: one stay, begun in 2024).
Measures of the IML programmes (a programme « IML » and a programme « Bail glissant », both of the IML scheme):
- Bernard, bail glissant, 1 January 2024 → 31 August 2025, outcome « Bail glissé » (glissement du bail);
- Petit, IML, 1 June 2024 → 15 November 2025, outcome « Relogement parc privé » (Petit's AVDL of `dataset.py`,
  closed on 30 November 2025 without an outcome, is not an IML measure);
- Roux from 1 February 2025, Leroy (bail glissant) from 1 March 2025, Martin from 1 April 2025: open;
- Garcia, 1 May 2023 → 15 June 2025, outcome « Accès au logement » (logement social);
- Blanc from 1 February 2024, closed on 10 February 2026 (after 2025) with « Accès au logement ».
The other organisation's household under mandate with an IML measure is never counted.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habiter.core.tests.factories import api_token_for
from habiter.housing.models import OwnerKind, RentCapScheme
from habiter.leases.models import HeadLease, HeadLeaseKind, LeaseKind, LeaseStatus
from habiter.leases.tests.factories import make_dwelling
from habiter.reporting import indicators
from habiter.reporting.indicators import iml
from habiter.reporting.queries import reporting_scope
from habiter.support.models import MeasureOutcome, Programme

from . import dataset
from .test_iml import _lease, _mandate

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
SUBLEASE = "Location / sous-location (bail principal de l'association)"
MANDATE = "Mandat de gestion"
TOTAL = "Total (chaque ménage une fois)"
SLIDING = "dont avec bail glissant"
PLAIN = "dont sans bail glissant"


def _head_lease(organisation, dwelling, surface, start, by, **fields):
    return HeadLease.objects.create(
        organisation=organisation,
        kind=HeadLeaseKind.ORDINARY,
        owner=dwelling.owner,
        dwelling=dwelling,
        surface=Decimal(surface),
        rent=Decimal("400.00"),
        start_date=start,
        created_by=by,
        **fields,
    )


def _iml_programmes(organisation):
    return (
        Programme.objects.create(organisation=organisation, code="iml", name="IML", scheme="iml", position=3),
        Programme.objects.create(
            organisation=organisation, code="bail-glissant", name="Bail glissant", scheme="iml", position=4
        ),
    )


@pytest.fixture
def data():
    data = dataset.build()
    organisation, by = data.organisation, data.director
    team_a, team_b = data.martin.team, data.petit.team
    roux = dataset._household(organisation, team_b, "Roux", 2, by)
    leroy = dataset._household(organisation, team_a, "Leroy", 1, by)
    garcia = dataset._household(organisation, team_a, "Garcia", 4, by)
    blanc = dataset._household(organisation, team_b, "Blanc", 2, by)
    faure = dataset._household(organisation, team_b, "Faure", 1, by)

    programme, sliding_programme = _iml_programmes(organisation)
    slid = MeasureOutcome.objects.create(
        organisation=organisation, label="Bail glissé", category="lease_slid", position=2
    )
    private = MeasureOutcome.objects.create(
        organisation=organisation, label="Relogement parc privé", category="housed_private", position=3
    )
    housed = MeasureOutcome.objects.get(organisation=organisation, label="Accès au logement")  # housed_social
    for household, chosen, start, end, outcome in (
        (data.bernard, sliding_programme, date(2024, 1, 1), date(2025, 8, 31), slid),
        (data.petit, programme, date(2024, 6, 1), date(2025, 11, 15), private),
        (roux, programme, date(2025, 2, 1), None, None),
        (leroy, sliding_programme, date(2025, 3, 1), None, None),
        (data.martin, programme, date(2025, 4, 1), None, None),
        (garcia, programme, date(2023, 5, 1), date(2025, 6, 15), housed),
        (blanc, programme, date(2024, 2, 1), date(2026, 2, 10), housed),
    ):
        dataset._measure(household, chosen, start, end=end, outcome=outcome, by=by)

    ended, signed = LeaseStatus.ENDED, LeaseStatus.SIGNED
    b = make_dwelling(organisation)
    head = _head_lease(organisation, b, "40.00", date(2024, 6, 1), by, ended_on=date(2025, 10, 31))
    for start, end in ((date(2024, 6, 1), date(2025, 2, 28)), (date(2025, 6, 1), date(2025, 10, 31))):
        _lease(data.petit, b, LeaseKind.SUBLEASE, ended, start, end, head_lease=head, by=by)
    c = make_dwelling(organisation)
    head = _head_lease(organisation, c, "18.50", date(2025, 2, 1), by)
    _lease(roux, c, LeaseKind.SUBLEASE, ended, date(2025, 2, 1), date(2025, 7, 31), head_lease=head, by=by)
    d = make_dwelling(organisation)
    head = _head_lease(organisation, d, "65.00", date(2025, 8, 1), by)
    _lease(roux, d, LeaseKind.SUBLEASE, signed, date(2025, 8, 1), head_lease=head, by=by)
    e = make_dwelling(organisation)
    head = _head_lease(organisation, e, "85.00", date(2025, 3, 1), by)
    _lease(leroy, e, LeaseKind.SUBLEASE, signed, date(2025, 3, 1), head_lease=head, sliding=True, by=by)
    g = make_dwelling(organisation)
    head = _head_lease(organisation, g, "30.00", date(2025, 1, 15), by)
    _lease(faure, g, LeaseKind.SUBLEASE, signed, date(2025, 1, 15), head_lease=head, by=by)

    a = make_dwelling(organisation)
    mandate = _mandate(organisation, a, date(2025, 3, 1), by)
    _lease(roux, a, LeaseKind.MANDATE, LeaseStatus.DRAFT, date(2025, 3, 1), date(2025, 3, 20), mandate=mandate, by=by)
    _lease(data.martin, a, LeaseKind.MANDATE, ended, date(2025, 4, 1), date(2026, 1, 31), mandate=mandate, by=by)
    f = make_dwelling(organisation)
    mandate = _mandate(organisation, f, date(2023, 1, 1), by)
    _lease(garcia, f, LeaseKind.MANDATE, ended, date(2023, 5, 1), date(2025, 5, 31), mandate=mandate, by=by)
    h = make_dwelling(organisation)
    mandate = _mandate(organisation, h, date(2024, 1, 1), by)
    _lease(blanc, h, LeaseKind.MANDATE, ended, date(2024, 2, 1), date(2024, 12, 31), mandate=mandate, by=by)
    j = make_dwelling(organisation)
    mandate = _mandate(organisation, j, date(2024, 6, 1), by)
    _lease(blanc, j, LeaseKind.MANDATE, ended, date(2025, 1, 1), date(2025, 9, 30), mandate=mandate, by=by)

    other, other_director = data.other_director.organisation, data.other_director
    stranger = dataset._household(other, None, "Moreau", 3, other_director)
    other_programme, _sliding = _iml_programmes(other)
    dataset._measure(stranger, other_programme, date(2025, 1, 1), by=other_director)
    dwelling = make_dwelling(other)
    mandate = _mandate(other, dwelling, date(2025, 1, 1), other_director)
    _lease(stranger, dwelling, LeaseKind.MANDATE, signed, date(2025, 2, 1), mandate=mandate, by=other_director)

    data.dwellings = {"C": c, "E": e}
    return data


def tables(user, period=YEAR):
    return {table["definition"]: table for table in indicators.compute("iml", reporting_scope(user), period)}


def rows(user, definition, period=YEAR):
    return tables(user, period)[definition]["rows"]


def test_households_entered_and_left_by_modality(data):
    # Faure (no IML measure) and Roux's draft lease under mandate do not count.
    # Subleases: Bernard (slid on 31 August), Petit (left on 28 February, back on 1 June, left on 31 October), Roux
    # (from 1 February, moved from C to D on 1 August: neither an exit nor an entry), Leroy (from 1 March): 4
    # housed; entered Petit, Roux, Leroy = 3 (Bernard's stay began in 2024); left Bernard and Petit = 2, Bernard's
    # by glissement; dwellings « shared », B, C, D, E = 5. With a bail glissant: Bernard and Leroy, on « shared »
    # and E. Without: Petit and Roux on B, C and D.
    # Mandates: Martin (from 1 April, his lease's end on 31 January 2026 is after 2025), Garcia (left on 31 May),
    # Blanc (from H to J on 1 January 2025, a stay begun in 2024, left on 30 September): 3 housed, 1 entered, 2
    # left; dwellings A, F, J = 3 (H's lease ended in 2024).
    assert rows(data.director, "iml_households/iml") == [
        [SUBLEASE, 4, 3, 2, 1, 5],
        [SLIDING, 2, 1, 1, 1, 2],
        [PLAIN, 2, 2, 1, 0, 3],
        [MANDATE, 3, 1, 2, 0, 3],
        [TOTAL, 7, 4, 4, 1, 8],
    ]


def test_a_team_lead_counts_their_teams_households(data):
    # Team A: Bernard and Leroy in subleases (both with a bail glissant), Martin and Garcia under mandate.
    assert rows(data.team_lead, "iml_households/iml") == [
        [SUBLEASE, 2, 1, 1, 1, 2],
        [SLIDING, 2, 1, 1, 1, 2],
        [PLAIN, 0, 0, 0, 0, 0],
        [MANDATE, 2, 1, 1, 0, 2],
        [TOTAL, 4, 2, 2, 1, 4],
    ]


def test_without_a_scheme_every_lease_of_the_modalities_counts(data):
    # The indicator alone, as an activity report would use it: Faure's sublease of G (from 15 January) counts too.
    (table,) = indicators.compute("iml_households", reporting_scope(data.director), YEAR)
    assert table["rows"] == [
        [SUBLEASE, 5, 4, 2, 1, 6],
        [SLIDING, 2, 1, 1, 1, 2],
        [PLAIN, 3, 3, 1, 0, 4],
        [MANDATE, 3, 1, 2, 0, 3],
        [TOTAL, 8, 5, 4, 1, 9],
    ]


def test_lengths_of_stay_by_modality(data):
    # Days = last day − first day; a stay running on 31 December 2025 counts to it.
    # Subleases: Bernard 1/1/2024 → 31/8/2025 = 366 + 242 = 608; Petit 1/6/2024 → 28/2/2025 = 214 + 58 = 272 and
    # 1/6 → 31/10/2025 = 152; Roux 1/2 → 31/12 = 333 (running); Leroy 1/3 → 31/12 = 305 (running).
    # 5 stays, 2 running; mean 1 670 / 5 = 334; median of 152, 272, 305, 333, 608 = 305.
    # With a bail glissant: 608 and 305: mean and median 456.5 → 457. Without: 272, 152, 333: mean 757 / 3 = 252.3
    # → 252, median 272.
    # Mandates: Martin 1/4 → 31/12 = 274 (running: his end is in 2026); Garcia 1/5/2023 → 31/5/2025 = 366 + 365 +
    # 30 = 761; Blanc 1/2/2024 → 30/9/2025 = 366 + 241 = 607: mean 1 642 / 3 = 547.3 → 547, median 607.
    # All 8: mean 3 312 / 8 = 414; median (305 + 333) / 2 = 319.
    assert rows(data.director, "iml_stay_durations/iml") == [
        [SUBLEASE, 5, 2, 334, 305],
        [SLIDING, 2, 1, 457, 457],
        [PLAIN, 3, 1, 252, 272],
        [MANDATE, 3, 1, 547, 607],
        [TOTAL, 8, 3, 414, 319],
    ]
    # Team A: Bernard 608 and Leroy 305; Martin 274 and Garcia 761 (mean and median 517.5 → 518); all four:
    # mean 1 948 / 4 = 487, median (305 + 608) / 2 = 456.5 → 457. No stay without a bail glissant: no length.
    assert rows(data.team_lead, "iml_stay_durations/iml") == [
        [SUBLEASE, 2, 1, 457, 457],
        [SLIDING, 2, 1, 457, 457],
        [PLAIN, 0, 0, "", ""],
        [MANDATE, 2, 1, 518, 518],
        [TOTAL, 4, 2, 487, 457],
    ]


def test_exit_destinations_by_modality(data):
    # Subleases: Bernard's lease slid (glissement); Petit's last exit (31 October) and her IML measure closed on
    # 15 November with « Relogement parc privé » (her AVDL closed later without outcome is not an IML measure).
    # Mandates: Garcia's IML measure closed on 15 June with « Accès au logement » (logement social); Blanc's
    # measure was still open on 31 December 2025 (closed in 2026): unknown.
    destinations = rows(data.director, "iml_exit_destinations/iml")
    assert destinations == [
        ["Glissement du bail", 1, 0, 1],
        ["Relogement dans le parc social", 0, 1, 1],
        ["Relogement dans le parc privé", 1, 0, 1],
        ["Résidence sociale ou pension de famille", 0, 0, 0],
        ["Logement, type non précisé", 0, 0, 0],
        ["Orientation", 0, 0, 0],
        ["Rupture (expulsion, rue ou hébergement, perte de contact)", 0, 0, 0],
        ["Autre issue", 0, 0, 0],
        ["Issue non renseignée", 0, 1, 1],
        ["Total des ménages sortis", 2, 2, 4],
    ]
    table = tables(data.director)["iml_exit_destinations/iml"]
    assert table["columns"] == ["Destination à la sortie", SUBLEASE, MANDATE, TOTAL]
    # Team A: Bernard and Garcia.
    team = rows(data.team_lead, "iml_exit_destinations/iml")
    assert [row[1:] for row in team] == [
        [1, 0, 1],
        [0, 1, 1],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
        [1, 1, 2],
    ]


def test_dwellings_by_the_surface_their_head_lease_rents(data):
    # The head leases' surfaces, not the dwellings' records (50 m² each): C 18.50 (captured 1 February), « shared »
    # 50 and B 40 (managed since 2024), D 65 (captured 1 August), E 85 (captured 1 March); G is Faure's (no IML
    # measure). 5 dwellings, 18.50 + 90 + 65 + 85 = 258.50 m²; captured C, D, E = 168.50 m².
    assert rows(data.director, "iml_dwellings_by_surface/iml") == [
        ["Moins de 20 m²", 1, 18.5, 1, 18.5],
        ["De 20 à moins de 40 m²", 0, 0.0, 0, 0.0],
        ["De 40 à moins de 60 m²", 2, 90.0, 0, 0.0],
        ["De 60 à moins de 80 m²", 1, 65.0, 1, 65.0],
        ["80 m² et plus", 1, 85.0, 1, 85.0],
        ["Total", 5, 258.5, 3, 168.5],
    ]
    # Team A: Bernard's « shared » (50) and Leroy's E (85, captured).
    assert rows(data.team_lead, "iml_dwellings_by_surface/iml")[-3:] == [
        ["De 60 à moins de 80 m²", 0, 0.0, 0, 0.0],
        ["80 m² et plus", 1, 85.0, 1, 85.0],
        ["Total", 2, 135.0, 1, 85.0],
    ]


def test_fields_edited_since_do_not_change_the_figures(data):
    """The dwelling's and the owner's records are not read: a surface corrected, an owner's type or an Anah
    convention changed today leaves the figures of 2025 as they were."""
    before = {code: table["rows"] for code, table in tables(data.director).items()}
    c, e = data.dwellings["C"], data.dwellings["E"]
    c.surface = Decimal("90.00")
    c.rent_cap_scheme = RentCapScheme.LOC1
    c.rent_cap_ceiling = Decimal("400.00")
    c.save()
    e.owner.kind = OwnerKind.SOCIAL_LANDLORD
    e.owner.save()
    assert {code: table["rows"] for code, table in tables(data.director).items()} == before


def test_each_new_table_says_how_it_counts_and_what_it_cannot(data):
    by_definition = tables(data.director)
    for definition in (
        "iml_households/iml",
        "iml_stay_durations/iml",
        "iml_exit_destinations/iml",
        "iml_dwellings_by_surface/iml",
    ):
        rule = by_definition[definition]["rule"]
        assert "une fin seulement prévue n'est pas une sortie" in rule
        assert "Seuls comptent les dispositifs de type : IML — intermédiation locative." in rule
    assert "Non compté : les places" in by_definition["iml_households/iml"]["rule"]
    surface = by_definition["iml_dwellings_by_surface/iml"]
    assert "le type de propriétaire et le conventionnement Anah" in surface["rule"]
    assert surface["unit"] == "logement ; m²"
    assert "Glissement du bail = Glissement du bail" in by_definition["iml_exit_destinations/iml"]["rule"]


def test_the_catalogue_gives_the_definitions_and_the_report_says_what_is_not_counted(data):
    token = api_token_for(data.director)[1]
    body = Client().get("/api/v1/reports", headers={"Authorization": f"Bearer {token}"}).json()
    (report,) = [r for r in body["reports"] if r["code"] == "iml"]
    assert report["indicators"][6:] == [
        "leases_flow/iml",
        "iml_households/iml",
        "iml_stay_durations/iml",
        "iml_exit_destinations/iml",
        "iml_dwellings",
        "iml_dwellings_by_surface/iml",
        "iml_activity_costs",
    ]
    assert "le type de propriétaire et le conventionnement Anah des logements captés" in report["description"]
    assert "le nombre de places" in report["description"]
    rules_by_code = {i["code"]: i["rule"] for i in body["indicators"]}
    assert "Séjour : les baux d'un ménage dans la modalité" in rules_by_code["iml_stay_durations"]


@time_machine.travel(date(2026, 3, 2), tick=False)
def test_the_iml_page_shows_the_tables_by_modality(data):
    client = Client()
    client.force_login(data.director)
    response = client.get(reverse("reporting:report", args=["iml"]) + "?annee=2025")
    assert response.status_code == 200
    shown = {t["definition"]: t["rows"] for t in response.context["tables"]}
    assert shown["iml_households/iml"][-1] == [TOTAL, 7, 4, 4, 1, 8]
    assert shown["iml_dwellings_by_surface/iml"][-1] == ["Total", 5, 258.5, 3, 168.5]
    assert "IML : durée des séjours, par modalité" in response.content.decode()


def test_the_queries_do_not_grow_with_the_households(data):
    scope = reporting_scope(data.director)
    codes = ("iml_households/iml", "iml_stay_durations/iml", "iml_exit_destinations/iml")

    def count():
        with CaptureQueriesContext(connection) as captured:
            indicators.compute("iml", scope, YEAR)
        return len(captured)

    small = count()
    programme = Programme.objects.get(organisation=data.organisation, code="iml")
    outcome = MeasureOutcome.objects.get(organisation=data.organisation, label="Relogement parc privé")
    for number in range(8):
        household = dataset._household(data.organisation, data.petit.team, f"IML {number}", 2, data.director)
        dataset._measure(
            household, programme, date(2025, 2, 1), end=date(2025, 10, 15), outcome=outcome, by=data.director
        )
        dwelling = make_dwelling(data.organisation)
        head = _head_lease(dwelling.organisation, dwelling, "30.00", date(2025, 2, 1), data.director)
        _lease(
            household,
            dwelling,
            LeaseKind.SUBLEASE,
            LeaseStatus.ENDED,
            date(2025, 2, 1),
            date(2025, 9, 30),
            head_lease=head,
            by=data.director,
        )
    assert count() == small
    # The eight came in on 1 February and left on 30 September 2025 for the private sector, on 30 m² each.
    by_definition = tables(data.director)
    assert [by_definition[code]["rows"][2][:2] for code in codes] == [
        [PLAIN, 10],
        [PLAIN, 11],
        ["Relogement dans le parc privé", 9],
    ]
    assert by_definition["iml_dwellings_by_surface/iml"]["rows"][1] == ["De 20 à moins de 40 m²", 8, 240.0, 8, 240.0]


@pytest.mark.parametrize(
    ("tenancies", "expected"),
    [
        # a move the day after: one stay, ending with the last lease (slid)
        (
            [((2025, 1, 1), (2025, 3, 31), False), ((2025, 4, 1), (2025, 6, 30), True)],
            [((2025, 1, 1), (2025, 6, 30), True)],
        ),
        # a day between: two stays
        (
            [((2025, 1, 1), (2025, 3, 30), False), ((2025, 4, 1), None, False)],
            [((2025, 1, 1), (2025, 3, 30), False), ((2025, 4, 1), None, False)],
        ),
        # a lease still running holds the stay open, whatever began and ended within it
        (
            [((2025, 1, 1), None, False), ((2025, 2, 1), (2025, 2, 28), False)],
            [((2025, 1, 1), None, False)],
        ),
        # a lease within a longer one does not shorten it
        (
            [((2025, 1, 1), (2025, 12, 31), False), ((2025, 2, 1), (2025, 2, 28), True)],
            [((2025, 1, 1), (2025, 12, 31), False)],
        ),
    ],
)
def test_stays(tenancies, expected):
    def day(value):
        return date(*value) if value else None

    found = iml.stays(
        [iml.Tenancy("h", "d", iml.PLAIN, day(start), day(end), slid, None) for start, end, slid in tenancies]
    )
    assert [(s.start, s.end, s.slid) for s in found] == [(day(start), day(end), slid) for start, end, slid in expected]


def test_surface_bands_include_their_lower_bound():
    assert [iml.surface_band(Decimal(value)) for value in ("9.00", "19.99", "20.00", "59.99", "79.99", "80.00")] == [
        0,
        0,
        1,
        2,
        3,
        4,
    ]
