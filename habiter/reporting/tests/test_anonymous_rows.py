"""The ES-DS survey (DOMAIN-2 W33): its aggregate tables with small cells masked (W43), and its anonymous
individual rows, on a hand-built set of residents; every figure worked out by hand in the comments.

The survey's period here: exits from 1 January 2024 to 31 January 2025, persons present on 31 January 2025.
Residents of « Les Tilleuls » (a pension de famille):
- five aged 30 on 31 January 2025 (born 1 June 1994), team A, present, three women then two men; the first (a
  woman) leaves on 31 January 2025 for a social dwelling (present on the last day and an exit);
- four aged 40 (born 1 June 1984), team B, present, three men and one whose sex is not said;
- « Zébulon », aged 19 (born 1 March 2005), team A, present, with a hostile name and address, sex not said;
- five left in 2024 for a social dwelling (a woman, four men) and one for an unknown destination (a woman), team B;
- one left on 31 December 2023 and one entered on 1 February 2025: outside the survey;
- a resident of the other organisation, never counted.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from habiter.core.models import AuditEvent, LegalParameter
from habiter.people.models import Household, Person
from habiter.reporting import anonymous, indicators, rules, services
from habiter.reporting.queries import reporting_scope
from habiter.residences.models import Place, Residence, ResidenceStay

from . import dataset

pytestmark = pytest.mark.django_db

SURVEY = indicators.Period(date(2024, 1, 1), date(2025, 1, 31))
HOSTILE = {
    "first_name": '=HYPERLINK("http://exemple.invalid")',
    "last_name": "Zébulon-Quaresma",
    "household": "Famille Zébulon-Quaresma",
    "address": "12 rue de la Paix",
    "birth_date": date(2005, 3, 1),
}


def _resident(organisation, team, residence, birth_date, entered_on, left_on=None, destination="", sex="", **names):
    household = Household.objects.create(
        organisation=organisation,
        team=team,
        name=names.get("household", "Ménage"),
        address=names.get("address", ""),
        created_by=None,
    )
    person = Person.objects.create(
        organisation=organisation,
        household=household,
        first_name=names.get("first_name", "Prénom"),
        last_name=names.get("last_name", "Nom"),
        birth_date=birth_date,
        sex=sex,
        relation="head",
    )
    place = Place.objects.create(
        organisation=organisation, residence=residence, label=f"P{Place.objects.count() + 1}", surface=Decimal("20")
    )
    return ResidenceStay.objects.create(
        organisation=organisation,
        place=place,
        household=household,
        resident=person,
        entered_on=entered_on,
        left_on=left_on,
        exit_destination=destination,
    )


def _residence(organisation, name="Les Tilleuls"):
    return Residence.objects.create(
        organisation=organisation, name=name, address="1 place du Marché", postal_code="69001", city="Lyon"
    )


@pytest.fixture
def data():
    data = dataset.build()
    organisation = data.organisation
    team_a, team_b = data.martin.team, data.petit.team
    tilleuls = _residence(organisation)
    for number, sex in enumerate("fffmm"):
        left = (date(2025, 1, 31), "social_housing") if number == 0 else (None, "")
        _resident(organisation, team_a, tilleuls, date(1994, 6, 1), date(2023, 5, 1), *left, sex=sex)
    for sex in ("m", "m", "m", ""):
        _resident(organisation, team_b, tilleuls, date(1984, 6, 1), date(2024, 9, 1), sex=sex)
    names = {key: value for key, value in HOSTILE.items() if key != "birth_date"}
    _resident(organisation, team_a, tilleuls, HOSTILE["birth_date"], date(2024, 11, 4), **names)
    for sex in "fmmmm":
        _resident(
            organisation,
            team_b,
            tilleuls,
            date(1960, 1, 1),
            date(2022, 1, 1),
            date(2024, 6, 30),
            "social_housing",
            sex=sex,
        )
    _resident(organisation, team_b, tilleuls, None, date(2023, 1, 1), date(2024, 3, 15), "unknown", sex="f")
    _resident(organisation, team_b, tilleuls, date(1970, 1, 1), date(2020, 1, 1), date(2023, 12, 31), "family")
    _resident(organisation, team_b, tilleuls, date(1970, 1, 1), date(2025, 2, 1))
    other = data.other_director.organisation
    _resident(other, None, _residence(other), date(1994, 6, 1), date(2023, 1, 1), date(2024, 5, 1), "street")
    return data


def tables(user, period=SURVEY):
    return {table["definition"]: table for table in indicators.compute("esds", reporting_scope(user), period)}


AGE_BANDS = [
    "Moins de 18 ans",
    "18 à 24 ans",
    "25 à 34 ans",
    "35 à 44 ans",
    "45 à 54 ans",
    "55 à 64 ans",
    "65 ans et plus",
    "Âge non renseigné",
]


def test_small_cells_are_masked_at_the_threshold(data):
    # Present on 31 January: 18–24 one (masked), 25–34 five (shown: at the threshold), 35–44 four (masked), the others
    # zero (shown). Two cells masked in the column: none more needs masking.
    by_age = tables(data.director)["residents_by_age"]
    assert by_age["rows"] == [
        [band, value] for band, value in zip(AGE_BANDS, [0, "< 5", 5, "< 5", 0, 0, 0, 0], strict=True)
    ]
    assert "un effectif de 1 à 4 est masqué (« < 5 »)" in by_age["rule"]


def test_a_single_small_cell_masks_the_next_smallest_of_its_column(data):
    # Exits: six to a social dwelling (five in 2024, one on 31 January 2025), one unknown: the one is masked alone in
    # its column, so the six are masked too (the column's total would give it back); zeros stay.
    exits = tables(data.director)["stay_exits_by_destination"]["rows"]
    assert exits[1] == ["Logement social", "< 5"]
    assert exits[-1] == ["Inconnue", "< 5"]
    assert [value for _label, value in exits if value != "< 5"] == [0] * 7


def test_the_threshold_is_the_dated_parameter_in_force_on_the_last_day(data):
    LegalParameter.objects.filter(key="small_cell_threshold", territory="metropole").update(value="4")
    by_age = tables(data.director)["residents_by_age"]["rows"]
    # Threshold 4: the four aged 40 are shown; the one aged 19 is alone masked, so the next smallest (four) is too.
    assert [value for _band, value in by_age] == [0, "< 4", 5, "< 4", 0, 0, 0, 0]
    LegalParameter.objects.filter(key="small_cell_threshold", territory="metropole").update(value="6")
    assert [value for _band, value in tables(data.director)["residents_by_age"]["rows"]] == [
        0,
        "< 6",
        "< 6",
        "< 6",
        0,
        0,
        0,
        0,
    ]


def test_a_team_lead_counts_their_team_masked_too(data):
    # Team A present: the one aged 19 and the five aged 30: the one masked alone, so the five as well.
    by_age = tables(data.team_lead)["residents_by_age"]["rows"]
    assert [value for _band, value in by_age] == [0, "< 5", "< 5", 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("value", "threshold", "small"),
    [(0, 5, False), (1, 5, True), (4, 5, True), (5, 5, False), (6, 5, False), (True, 5, False), ("4", 5, False)],
)
def test_is_small(value, threshold, small):
    assert rules.is_small(value, threshold) is small


def test_masked_rows_keep_labels_and_mask_a_second_cell_when_one_is_alone():
    rows = [["A", 1, 9], ["B", 7, 3], ["C", 8, 0]]
    # the second column: 1 alone masked, then the smallest other, 7; the third: 3, then 9 (0 is no count to protect)
    assert rules.masked_rows(rows, 5) == ([["A", "< 5", "< 5"], ["B", "< 5", "< 5"], ["C", 8, 0]], 4)
    assert rules.masked_rows([["A", 3], ["B", 0], ["C", 9]], 5) == ([["A", "< 5"], ["B", 0], ["C", "< 5"]], 2)


def test_differences_read_a_masked_cell_as_a_figure():
    before = [{"code": "x", "title": "T", "columns": ["Âge", "Présents"], "rows": [["18 à 24 ans", "< 5"]]}]
    after = [{"code": "x", "title": "T", "columns": ["Âge", "Présents"], "rows": [["18 à 24 ans", 6]]}]
    assert rules.differences(before, after) == [rules.Difference("T", "18 à 24 ans", "Présents", "< 5", 6)]


@pytest.mark.parametrize(
    ("birth_date", "on", "band"),
    [
        (date(2007, 1, 31), date(2025, 1, 31), (18, 24)),  # 18 on the day
        (date(2007, 2, 1), date(2025, 1, 31), (0, 17)),  # 18 the next day
        (date(1960, 2, 29), date(2025, 2, 28), (55, 64)),  # 64 until 1 March
        (date(1960, 2, 29), date(2025, 3, 1), (65, None)),
        (None, date(2025, 1, 31), None),
    ],
)
def test_age_band(birth_date, on, band):
    assert rules.age_band(birth_date, on) == band


def _csv(data, user=None, **period):
    client = Client()
    client.force_login(user or data.director)
    query = period or {"debut": "2024-01-01", "fin": "2025-01-31"}
    return client.get(reverse("reporting:esds_rows"), query)


def _rows(response):
    text = response.content.decode("utf-8-sig")
    lines = [line.split(";") for line in text.strip().split("\r\n")]
    return lines[0], [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def test_anonymous_rows_present_and_left(data):
    ResidenceStay.objects.filter(resident__last_name=HOSTILE["last_name"]).update(
        situation_before_entry="shelter", main_resource="aah"
    )
    response = _csv(data)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="esds-lignes-anonymes-20240101-20250131.csv"' in response["Content-Disposition"]
    header, rows = _rows(response)
    assert (
        tuple(header)
        == anonymous.COLUMNS
        == (
            "ligne",
            "bloc",
            "type_etablissement",
            "tranche_age",
            "sexe",
            "lien_personne_reference",
            "personnes_menage",
            "situation_avant_entree",
            "ressource_principale",
            "mois_entree",
            "mois_sortie",
            "destination_sortie",
        )
    )
    # Ten present on 31 January (five, four and Zébulon), seven exits (six to a social dwelling, one unknown); the
    # sex « F » or « M », empty where the file does not say it.
    assert sorted((row["bloc"], row["tranche_age"], row["sexe"]) for row in rows) == sorted(
        [("présent", "25 à 34 ans", "F")] * 3
        + [("présent", "25 à 34 ans", "M")] * 2
        + [("présent", "35 à 44 ans", "M")] * 3
        + [("présent", "35 à 44 ans", "")]
        + [("présent", "18 à 24 ans", "")]
        + [("sorti", "25 à 34 ans", "F")]  # aged 30 when leaving on 31 January 2025
        + [("sorti", "55 à 64 ans", "F")]  # born 1 January 1960, 64 on 30 June 2024
        + [("sorti", "55 à 64 ans", "M")] * 4
        + [("sorti", "Âge non renseigné", "F")]
    )
    zebulon = next(row for row in rows if row["tranche_age"] == "18 à 24 ans")
    assert zebulon == zebulon | {
        "type_etablissement": "Pension de famille (maison relais)",
        "sexe": "",
        "lien_personne_reference": "Personne de référence",
        "personnes_menage": "1",
        "situation_avant_entree": "Hébergé en structure (CHRS, centre d'hébergement, hébergement d'urgence)",
        "ressource_principale": "AAH (allocation aux adultes handicapés)",
        "mois_entree": "2024-11",
        "mois_sortie": "",
        "destination_sortie": "",
    }
    # not said on the other stays: empty, not guessed
    assert {(row["situation_avant_entree"], row["ressource_principale"]) for row in rows if row != zebulon} == {
        ("", "")
    }
    left = sorted((row["mois_sortie"], row["destination_sortie"]) for row in rows if row["bloc"] == "sorti")
    assert left == [("2024-03", "Inconnue")] + [("2024-06", "Logement social")] * 5 + [("2025-01", "Logement social")]
    audit = AuditEvent.objects.get(action="report.anonymous_rows")
    assert audit.actor == data.director and audit.household_id is None
    assert audit.detail == {"code": "esds", "start": "2024-01-01", "end": "2025-01-31", "rows": 17}


def test_no_identifying_column_or_value_appears(data):
    response = _csv(data)
    text = response.content.decode("utf-8-sig")
    header, rows = _rows(response)
    forbidden_columns = ("nom", "prenom", "nir", "secu", "adresse", "naissance", "telephone", "courriel", "id_")
    assert not [column for column in header if any(word in column for word in forbidden_columns)]
    zebulon = Person.objects.get(last_name=HOSTILE["last_name"])
    for value in (
        "Zébulon",
        "Quaresma",
        "HYPERLINK",
        "exemple.invalid",
        "rue de la Paix",
        "2005",
        "1994-06-01",
        "Les Tilleuls",
        "place du Marché",
        str(zebulon.pk),
        str(zebulon.household_id),
        *(str(stay.pk) for stay in ResidenceStay.objects.all()),
    ):
        assert value not in text, value
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_row_ids_are_drawn_again_for_each_export(data):
    _header, first = _rows(_csv(data))
    _header, second = _rows(_csv(data))
    first_ids, second_ids = [row["ligne"] for row in first], [row["ligne"] for row in second]
    assert len(set(first_ids)) == len(first_ids) == 17
    assert not set(first_ids) & set(second_ids)


def test_only_a_director_downloads_rows_over_the_whole_organisation(data):
    assert _csv(data, data.team_lead).status_code == 404
    assert _csv(data, data.social_worker).status_code == 404
    with pytest.raises(services.PermissionDenied):
        services.anonymous_rows_export(actor=data.team_lead, start=SURVEY.start, end=SURVEY.end)
    # The other organisation's director sees only its own resident.
    _header, rows = _rows(_csv(data, data.other_director))
    assert [(row["bloc"], row["destination_sortie"]) for row in rows] == [("sorti", "Rue, sans solution")]


def test_an_invalid_period_shows_the_report_page(data):
    response = _csv(data, debut="2025-02-01", fin="2025-01-31")
    assert response.status_code == 200
    assert "La fin de la période ne peut pas précéder son début." in response.content.decode()
    assert not AuditEvent.objects.filter(action="report.anonymous_rows").exists()


def test_the_exports_queries_do_not_grow_with_the_residents(data):
    client = Client()
    client.force_login(data.director)
    url = reverse("reporting:esds_rows") + "?debut=2024-01-01&fin=2025-01-31"
    client.get(url)  # warm the session and the permission caches

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    residence = Residence.objects.get(organisation=data.organisation, name="Les Tilleuls")
    for _number in range(12):
        _resident(
            data.organisation,
            data.martin.team,
            residence,
            date(1980, 1, 1),
            date(2024, 2, 1),
            date(2024, 8, 1),
            "family",
        )
    assert count() == small


def test_the_esds_page_offers_the_rows_to_the_director_only(data):
    def page(user):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("reporting:report", args=["esds"]), {"debut": "2024-01-01", "fin": "2025-01-31"})
        assert response.status_code == 200
        return response.content.decode()

    link = reverse("reporting:esds_rows") + "?debut=2024-01-01&amp;fin=2025-01-31"
    director_page = page(data.director)
    assert link in director_page and "&lt; 5" in director_page
    assert link not in page(data.team_lead)
