"""The AGLS report (DOMAIN.md R82, DOMAIN-2 W38): the grant expected per résidence sociale from the dated flat amount
per dwelling, the residents and their movements, and the gestion locative sociale by the four categories of R82;
figures worked out by hand for 2025 on the hand-built data set of `dataset.py` plus the residences below.

« Les Acacias », résidence sociale open since 2020, places 1–6, place 6 in service only from 1 March 2026 (5 dwellings
on 31 December 2025):
- place 1: Martin's resident (team A) since 1 May 2023; calls of November and December 2025, November paid on
  20 November, December unpaid; the manager terminated for unpaid redevance on 15 December 2025;
- place 2: Petit's resident (team B) from 1 February 2024 to 30 June 2025 (left for a social dwelling), terminated
  for breach of the house rules on 10 May 2025; then Roux's resident (team B) from 1 September 2025, December called
  and paid on 5 December;
- place 3: Bernard's resident (team A) from 1 March 2025, December called and paid on 5 January 2026 (after the year);
- journal: a meal on 10 March 2025 (Martin's and Petit's residents), a party on 21 June 2025 (Martin's), a meal on
  20 December 2024; supports to Martin's resident on 3 February (against isolation) and 10 October 2025 (mediation),
  to Bernard's on 4 April 2025 (mediation), to Roux's on 2 November 2025 (no kind: noted before it was asked), to
  Petit's on 11 November 2024 (other help);
- its conseil de concertation met on 15 April 2025 at 18:00, 31 December 2025 at 23:30 and 1 January 2026 at 00:30
  (Paris time).
« Bellevue », résidence sociale opened on 1 July 2025, 2 places: Leroy's resident (team A) from 1 July to 31 October
2025 (left for family), Moreau's (team B) from 1 August 2025.
« Les Tilleuls », pension de famille, 3 places: Garnier's resident (team A) since 2024, an outing on 1 May 2025 with
them: counted only when the parameter says pensions de famille receive the AGLS.
Another organisation's résidence sociale, with a resident and an activity: never counted in Habitat Solidaire's.
For the FJT bonus (W38), « Les Jeunes Pousses », a foyer de jeunes travailleurs of 40 places (fixture `fjt`).
"""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from habiter.community.models import Council, Meeting
from habiter.core.models import AuditEvent, LegalParameter, Role, User
from habiter.ledger.redevance import services as redevance_services
from habiter.people.models import Household, Person
from habiter.reporting import indicators
from habiter.reporting.models import ReportRun
from habiter.reporting.queries import reporting_scope
from habiter.residences import services as residence_services
from habiter.residences.models import (
    ContractStatus,
    HouseActivity,
    HouseRules,
    IndividualSupport,
    Place,
    RedevanceLine,
    Residence,
    ResidenceContract,
    ResidenceKind,
    ResidenceStay,
)

from . import dataset

pytestmark = pytest.mark.django_db

YEAR = indicators.Period(*dataset.YEAR_2025)
FIRST_HALF = indicators.Period(date(2025, 1, 1), date(2025, 6, 30))
YEAR_2024 = indicators.Period(date(2024, 1, 1), date(2024, 12, 31))
PAGE = reverse("reporting:report", args=["agls"])
NOT_ENTERED = "Forfait non renseigné dans les paramètres légaux : à confirmer"
RS = "Résidence sociale"
D = Decimal


def _residence(organisation, name, kind, places, opened_on, by):
    residence = Residence.objects.create(
        organisation=organisation,
        name=name,
        kind=kind,
        address="4 rue des Acacias",
        postal_code="69003",
        city="Lyon",
        opened_on=opened_on,
    )
    rules = HouseRules.objects.create(
        organisation=organisation, residence=residence, valid_from=date(2020, 1, 1), text="Le calme.", created_by=by
    )
    made = [
        Place.objects.create(organisation=organisation, residence=residence, label=str(n), surface=D("20"))
        for n in range(1, places + 1)
    ]
    return residence, rules, made


def _household(data, name, team):
    return Household.objects.create(organisation=data.organisation, team=team, name=name)


def _stay(place, household, entered_on, left_on=None, destination=""):
    resident = Person.objects.create(
        organisation=household.organisation,
        household=household,
        first_name="Résident",
        last_name=household.name,
        relation="head",
    )
    stay = ResidenceStay.objects.create(
        organisation=household.organisation,
        place=place,
        household=household,
        resident=resident,
        entered_on=entered_on,
        left_on=left_on,
        exit_destination=destination,
    )
    return stay


def _contract(stay, house_rules, by, **fields):
    contract = ResidenceContract.objects.create(
        organisation=stay.organisation,
        place=stay.place,
        household=stay.household,
        resident=stay.resident,
        stay=stay,
        house_rules=house_rules,
        starts_on=stay.entered_on,
        deposit_amount=D("0.00"),
        ri_initialled_on=stay.entered_on,
        status=fields.pop("status", ContractStatus.ACTIVE),
        created_by=by,
        **fields,
    )
    for kind, amount in (("equivalence_loyer", D("300.00")), ("charges", D("50.00"))):
        RedevanceLine.objects.create(
            organisation=stay.organisation,
            contract=contract,
            valid_from=stay.entered_on,
            kind=kind,
            amount=amount,
            created_by=by,
        )
    return contract


def _at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=dataset.PARIS)


@pytest.fixture
def data():
    data = dataset.build()
    organisation, director = data.organisation, data.director
    team_a, team_b = data.martin.team, data.petit.team

    acacias, acacias_rules, places = _residence(
        organisation, "Les Acacias", ResidenceKind.RESIDENCE_SOCIALE, 6, date(2020, 1, 1), director
    )
    Place.objects.filter(pk=places[5].pk).update(opened_on=date(2026, 3, 1))
    martin = _stay(places[0], data.martin, date(2023, 5, 1))
    petit = _stay(places[1], data.petit, date(2024, 2, 1), date(2025, 6, 30), "social_housing")
    roux = _stay(places[1], _household(data, "Roux", team_b), date(2025, 9, 1))
    bernard = _stay(places[2], data.bernard, date(2025, 3, 1))
    martin_contract = _contract(
        martin,
        acacias_rules,
        director,
        status=ContractStatus.NOTICE,
        notice_by="manager",
        notice_on=date(2025, 12, 15),
        termination_ground="unpaid",
        ends_on=date(2026, 1, 15),
    )
    _contract(
        petit,
        acacias_rules,
        director,
        status=ContractStatus.ENDED,
        notice_by="manager",
        notice_on=date(2025, 5, 10),
        termination_ground="breach",
        ends_on=date(2025, 6, 10),
        left_on=date(2025, 6, 30),
        exit_destination="social_housing",
    )
    roux_contract = _contract(roux, acacias_rules, director)
    bernard_contract = _contract(bernard, acacias_rules, director)
    with time_machine.travel(date(2026, 1, 10), tick=False):
        for contract, months in ((martin_contract, (11, 12)), (roux_contract, (12,)), (bernard_contract, (12,))):
            for month in months:
                redevance_services.redevance_call_issue(
                    actor=director, contract_id=contract.pk, period=date(2025, month, 1)
                )
        for contract, received_on in (
            (martin_contract, date(2025, 11, 20)),
            (roux_contract, date(2025, 12, 5)),
            (bernard_contract, date(2026, 1, 5)),
        ):
            redevance_services.redevance_payment_record(
                actor=director, contract_id=contract.pk, amount=D("350.00"), received_on=received_on, source="resident"
            )

    for held_on, kind, who in (
        (date(2025, 3, 10), "meal", (martin, petit)),
        (date(2025, 6, 21), "celebration", (martin,)),
        (date(2024, 12, 20), "meal", (martin, petit)),
    ):
        activity = HouseActivity.objects.create(
            organisation=organisation, residence=acacias, held_on=held_on, kind=kind, title="Repas", created_by=director
        )
        activity.participants.set([stay.resident for stay in who])
    for stay, given_on, kind in (
        (martin, date(2025, 2, 3), "isolation"),
        (martin, date(2025, 10, 10), "mediation"),
        (bernard, date(2025, 4, 4), "mediation"),
        (roux, date(2025, 11, 2), ""),  # noted before the kind was asked
        (petit, date(2024, 11, 11), "other"),
    ):
        IndividualSupport.objects.create(
            organisation=organisation,
            residence=acacias,
            resident=stay.resident,
            given_on=given_on,
            kind=kind,
            note="Démarche à la CAF",
            created_by=director,
        )
    council = Council.objects.create(
        organisation=organisation,
        name="Conseil de concertation des Acacias",
        kind="conseil_concertation",
        legal_basis="cch_conseil_concertation",
        residence=acacias,
    )
    for starts_at in (_at(2025, 4, 15, 18), _at(2025, 12, 31, 23, 30), _at(2026, 1, 1, 0, 30)):
        Meeting.objects.create(
            organisation=organisation,
            council=council,
            starts_at=starts_at,
            place="Salle commune",
            proposals_until=starts_at.date(),
        )

    _bellevue, _rules, (first, second) = _residence(
        organisation, "Bellevue", ResidenceKind.RESIDENCE_SOCIALE, 2, date(2025, 7, 1), director
    )
    _stay(first, _household(data, "Leroy", team_a), date(2025, 7, 1), date(2025, 10, 31), "family")
    _stay(second, _household(data, "Moreau", team_b), date(2025, 8, 1))

    tilleuls, _rules, (house, *_others) = _residence(
        organisation, "Les Tilleuls", ResidenceKind.PENSION_DE_FAMILLE, 3, date(2024, 1, 1), director
    )
    garnier = _stay(house, _household(data, "Garnier", team_a), date(2024, 1, 1))
    outing = HouseActivity.objects.create(
        organisation=organisation,
        residence=tilleuls,
        held_on=date(2025, 5, 1),
        kind="outing",
        title="Sortie",
        created_by=director,
    )
    outing.participants.set([garnier.resident])

    other = data.other_director.organisation
    elsewhere, _rules, (their_place,) = _residence(
        other, "Autre résidence", ResidenceKind.RESIDENCE_SOCIALE, 1, date(2020, 1, 1), data.other_director
    )
    stranger = Household.objects.create(organisation=other, name="Durand")
    _stay(their_place, stranger, date(2025, 1, 1), date(2025, 3, 31), "street")
    HouseActivity.objects.create(
        organisation=other,
        residence=elsewhere,
        held_on=date(2025, 2, 1),
        kind="meal",
        title="Repas",
        created_by=data.other_director,
    )
    return data


def rows(user, code, period=YEAR):
    (table,) = indicators.compute(code, reporting_scope(user), period)
    return table["rows"]


def _amount(value, status="UNCONFIRMED"):
    LegalParameter.objects.filter(key="agls_amount_per_dwelling_eur", territory="metropole").update(
        value=value, status=status
    )


def _boarding_houses_eligible():
    LegalParameter.objects.filter(key="agls_boarding_houses_eligible", territory="metropole").update(value="1")


# --- the grant expected --------------------------------------------------------------------------------------------


def test_the_amount_per_dwelling_is_not_known_yet_so_no_grant_is_invented(data):
    # Dwellings on 31 December: Bellevue's 2; Les Acacias' 5 (place 6 only from 1 March 2026). Les Tilleuls, a
    # pension de famille, is not counted; the seeded amount is « - » (not found in the sources).
    assert rows(data.director, "agls_grant") == [
        ["Bellevue", RS, 2, "", "", "", "", "", NOT_ENTERED],
        ["Les Acacias", RS, 5, "", "", "", "", "", NOT_ENTERED],
        ["Toutes les résidences", "", 7, "", "", "", "", "", NOT_ENTERED],
    ]


def test_the_grant_is_dwellings_times_the_dated_amount_to_confirm(data):
    _amount("1234.56")
    # 2 × 1 234,56 = 2 469,12 ; 5 × 1 234,56 = 6 172,80 ; 7 × 1 234,56 = 8 641,92; neither is an FJT: no PSE, no
    # bonus, the grant is the flat part
    assert rows(data.director, "agls_grant") == [
        ["Bellevue", RS, 2, 1234.56, 2469.12, "", "", 2469.12, "À confirmer"],
        ["Les Acacias", RS, 5, 1234.56, 6172.8, "", "", 6172.8, "À confirmer"],
        ["Toutes les résidences", "", 7, 1234.56, 8641.92, "", "", 8641.92, "À confirmer"],
    ]
    _amount("1234.56", "CONFIRMED")
    assert rows(data.director, "agls_grant")[-1] == [
        "Toutes les résidences",
        "",
        7,
        1234.56,
        8641.92,
        "",
        "",
        8641.92,
        "Confirmé",
    ]


def test_dwellings_are_those_in_service_on_the_last_day(data):
    _amount("1000")
    # On 30 June 2025 Bellevue is not open yet (1 July): no dwelling, no grant.
    assert rows(data.director, "agls_grant", FIRST_HALF) == [
        ["Bellevue", RS, 0, 1000.0, 0.0, "", "", 0.0, "À confirmer"],
        ["Les Acacias", RS, 5, 1000.0, 5000.0, "", "", 5000.0, "À confirmer"],
        ["Toutes les résidences", "", 5, 1000.0, 5000.0, "", "", 5000.0, "À confirmer"],
    ]


def test_before_the_2025_reform_there_is_no_amount_per_dwelling(data):
    _amount("1000")
    assert rows(data.director, "agls_grant", YEAR_2024) == [
        ["Bellevue", RS, 0, "", "", "", "", "", "Aucun forfait par logement en vigueur"],
        ["Les Acacias", RS, 5, "", "", "", "", "", "Aucun forfait par logement en vigueur"],
        ["Toutes les résidences", "", 5, "", "", "", "", "", "Aucun forfait par logement en vigueur"],
    ]


def test_pensions_de_famille_count_only_when_the_parameter_says_so(data):
    _amount("1000")
    _boarding_houses_eligible()
    grant = rows(data.director, "agls_grant")
    assert grant[2] == [
        "Les Tilleuls",
        "Pension de famille (maison relais)",
        3,
        1000.0,
        3000.0,
        "",
        "",
        3000.0,
        "À confirmer",
    ]
    assert grant[-1] == ["Toutes les résidences", "", 10, 1000.0, 10000.0, "", "", 10000.0, "À confirmer"]
    activity = rows(data.director, "agls_activity")
    tilleuls = [row[3] for row in activity if row[0] == "Les Tilleuls"]
    assert tilleuls == [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]  # the outing, with Garnier's resident


# --- the bonus of a foyer de jeunes travailleurs (W38) ---------------------------------------------------------


@pytest.fixture
def fjt(data):
    """« Les Jeunes Pousses », a résidence sociale marked foyer de jeunes travailleurs, open since 2020 with 40
    places; its CAF PSE recorded by the director for 2024 (52 000.00 €) and 2025 (60 000.00 €)."""
    residence, _rules, _places = _residence(
        data.organisation, "Les Jeunes Pousses", ResidenceKind.RESIDENCE_SOCIALE, 40, date(2020, 1, 1), data.director
    )
    residence.young_workers = True
    residence.save()
    for year, amount in ((2024, D("52000.00")), (2025, D("60000.00"))):
        residence_services.young_workers_pse_record(
            actor=data.director, residence_id=residence.pk, year=year, amount=amount
        )
    return residence


def _rate(value, valid_from=date(2025, 1, 1), valid_to=None):
    """The FJT bonus rate as an operator would date it: the row starting on `valid_from` (closed at `valid_to`)."""
    LegalParameter.objects.update_or_create(
        key="agls_fjt_bonus_rate",
        territory="metropole",
        valid_from=valid_from,
        defaults={"value": value, "valid_to": valid_to, "status": "CONFIRMED", "rule": "W38", "label": "Bonus FJT"},
    )


def test_the_fjt_bonus_rate_is_seeded_from_the_2025_reform():
    row = LegalParameter.objects.get(key="agls_fjt_bonus_rate", territory="metropole")
    assert (row.value, row.valid_from, row.valid_to, row.status, row.rule) == (
        "0.30",
        date(2025, 1, 1),
        None,
        "CONFIRMED",
        "W38",
    )


def test_an_fjt_adds_30_percent_of_its_pse_of_the_year_before(data, fjt):
    _amount("1234.56")
    (table,) = indicators.compute("agls_grant", reporting_scope(data.director), YEAR)
    assert table["columns"][5:8] == [
        "PSE de la CAF de 2024 des FJT (€)",
        "Bonus FJT (€)",
        "Aide annuelle attendue (€)",
    ]
    # Les Jeunes Pousses: flat part 40 × 1 234,56 = 49 382,40; bonus 0,30 × 52 000,00 (PSE 2024, not 2025's
    # 60 000,00) = 15 600,00; grant 49 382,40 + 15 600,00 = 64 982,40. Bellevue and Les Acacias are no FJT: no
    # bonus. All together: 47 × 1 234,56 = 58 024,32; + 15 600,00 = 73 624,32.
    assert table["rows"] == [
        ["Bellevue", RS, 2, 1234.56, 2469.12, "", "", 2469.12, "À confirmer"],
        ["Les Acacias", RS, 5, 1234.56, 6172.8, "", "", 6172.8, "À confirmer"],
        ["Les Jeunes Pousses", RS, 40, 1234.56, 49382.4, 52000.0, 15600.0, 64982.4, "À confirmer"],
        ["Toutes les résidences", "", 47, 1234.56, 58024.32, 52000.0, 15600.0, 73624.32, "À confirmer"],
    ]


def test_the_bonus_is_rounded_to_the_cent_half_up(data, fjt):
    _amount("1000")
    residence_services.young_workers_pse_record(
        actor=data.director, residence_id=fjt.pk, year=2024, amount=D("33333.35")
    )
    # 0,30 × 33 333,35 = 10 000,005 → 10 000,01; 40 × 1 000,00 + 10 000,01 = 50 000,01
    assert rows(data.director, "agls_grant")[2] == [
        "Les Jeunes Pousses",
        RS,
        40,
        1000.0,
        40000.0,
        33333.35,
        10000.01,
        50000.01,
        "À confirmer",
    ]


def test_without_the_pse_of_the_year_before_the_bonus_and_the_grant_are_not_statable(data, fjt):
    _amount("1000")
    # 2026: the PSE of 2025 is recorded (0,30 × 60 000,00 = 18 000,00); 2027: the PSE of 2026 is not.
    year_2026 = indicators.Period(date(2026, 1, 1), date(2026, 12, 31))
    year_2027 = indicators.Period(date(2027, 1, 1), date(2027, 12, 31))
    assert rows(data.director, "agls_grant", year_2026)[2][5:8] == [60000.0, 18000.0, 58000.0]
    grant = rows(data.director, "agls_grant", year_2027)
    assert grant[2] == [
        "Les Jeunes Pousses",
        RS,
        40,
        1000.0,
        40000.0,
        "",
        "PSE 2026 non saisie",
        "Non établie : PSE 2026 non saisie",
        "À confirmer",
    ]
    # all together: 48 dwellings (Les Acacias' place 6 is in service since 1 March 2026), never a bonus of 0
    assert grant[-1] == [
        "Toutes les résidences",
        "",
        48,
        1000.0,
        48000.0,
        "",
        "PSE 2026 non saisie",
        "Non établie : PSE 2026 non saisie",
        "À confirmer",
    ]


def test_the_rate_is_the_one_in_force_on_the_periods_last_day(data, fjt):
    _amount("1000")
    _rate("0.30", valid_to=date(2025, 12, 31))
    _rate("0.25", valid_from=date(2026, 1, 1))
    year_2026 = indicators.Period(date(2026, 1, 1), date(2026, 12, 31))
    # 2025: 0,30 × 52 000,00 (PSE 2024) = 15 600,00; 2026: 0,25 × 60 000,00 (PSE 2025) = 15 000,00, grant
    # 40 000,00 + 15 000,00 = 55 000,00
    assert rows(data.director, "agls_grant")[2][5:8] == [52000.0, 15600.0, 55600.0]
    assert rows(data.director, "agls_grant", year_2026)[2][5:8] == [60000.0, 15000.0, 55000.0]
    # a period ending on 30 June 2025 still reads 0,30 and the PSE of 2024
    assert rows(data.director, "agls_grant", FIRST_HALF)[2][5:8] == [52000.0, 15600.0, 55600.0]


def test_before_the_reform_there_is_neither_flat_amount_nor_bonus_rate(data, fjt):
    _amount("1000")
    assert rows(data.director, "agls_grant", YEAR_2024)[2] == [
        "Les Jeunes Pousses",
        RS,
        40,
        "",
        "",
        "",
        "Aucun taux de bonus FJT en vigueur",
        "",
        "Aucun forfait par logement en vigueur",
    ]


def test_a_pse_recorded_in_another_organisation_is_never_read(data, fjt):
    _amount("1000")
    other = data.other_director.organisation
    theirs, _rules, _places = _residence(
        other, "Leur foyer", ResidenceKind.RESIDENCE_SOCIALE, 1, date(2020, 1, 1), data.other_director
    )
    theirs.young_workers = True
    theirs.save()
    residence_services.young_workers_pse_record(
        actor=data.other_director, residence_id=theirs.pk, year=2024, amount=D("1000.00")
    )
    # ours: 52 000,00 × 0,30 = 15 600,00 as before; theirs: 0,30 × 1 000,00 = 300,00, in their report only
    assert rows(data.director, "agls_grant")[-1][5:8] == [52000.0, 15600.0, 62600.0]
    assert rows(data.other_director, "agls_grant")[1][5:8] == [1000.0, 300.0, 1300.0]


# --- residents, movements and exits -----------------------------------------------------------------------------


def test_residents_present_entries_and_exits_by_residence(data):
    # Bellevue: Moreau's present; Leroy's and Moreau's entries; Leroy's exit. Les Acacias: Martin's, Bernard's and
    # Roux's present; Bernard's and Roux's entries; Petit's exit. Les Tilleuls is not an AGLS residence.
    assert rows(data.director, "agls_residents") == [
        ["Bellevue", 1, 2, 1],
        ["Les Acacias", 3, 2, 1],
        ["Toutes les résidences", 4, 4, 2],
    ]


def test_exits_by_destination_of_the_agls_residences(data):
    exits = dict(rows(data.director, "agls_exits"))
    assert exits["Logement social"] == 1 and exits["Famille ou proches"] == 1  # Petit's, Leroy's
    assert sum(exits.values()) == 2  # neither the other organisation's exit to the street


# --- the gestion locative sociale by the four categories of R82 -------------------------------------------------

FACTS = [
    ("Régulation de la vie collective", "Activités collectives tenues (journal de la maison)"),
    (
        "Régulation de la vie collective",
        "Réunions des instances de la résidence (conseil de concertation, comité de résidents…)",
    ),
    ("Régulation de la vie collective", "Résiliations notifiées pour manquement au règlement intérieur"),
    ("Prévention et gestion des impayés", "Résidents en impayé de redevance le dernier jour"),
    ("Prévention et gestion des impayés", "Résiliations notifiées pour impayés"),
    ("Lutte contre l'isolement", "Résidents ayant pris part à au moins une activité collective"),
    ("Lutte contre l'isolement", "Soutiens contre l'isolement notés par les hôtes"),
    ("Lutte contre l'isolement", "Résidents ayant reçu au moins un soutien contre l'isolement"),
    ("Médiation vers les services extérieurs", "Démarches de médiation notées par les hôtes"),
    ("Médiation vers les services extérieurs", "Résidents accompagnés vers un service extérieur"),
    (
        "Hors des quatre catégories",
        "Soutiens individuels d'une autre nature, ou notés avant que leur nature soit demandée",
    ),
]


def _by_residence(table_rows):
    found = {}
    for residence, category, fact, count in table_rows:
        found.setdefault(residence, []).append(((category, fact), count))
    return found


def test_the_gestion_locative_sociale_by_category(data):
    activity = _by_residence(rows(data.director, "agls_activity"))
    assert list(activity) == ["Bellevue", "Les Acacias"]
    assert activity["Bellevue"] == [(fact, 0) for fact in FACTS]
    # Les Acacias: 2 activities in 2025 (10 March, 21 June); 2 meetings (15 April, 31 December at 23:30 Paris; not
    # 1 January 2026 at 00:30); Petit's termination for breach; Martin (December unpaid) and Bernard (December paid
    # only on 5 January 2026) owe on 31 December, not Roux (paid on 5 December); Martin's termination for unpaid
    # redevance; Martin's and Petit's residents took part; in 2025, 1 support against isolation (Martin's), 2 of
    # mediation (Martin's and Bernard's residents), Roux's without a kind apart (Petit's was in 2024).
    assert activity["Les Acacias"] == list(zip(FACTS, [2, 2, 1, 2, 1, 2, 1, 1, 2, 2, 1], strict=True))


def test_a_kind_given_afterwards_by_the_host_counts_the_support_in_its_category(data):
    # Roux's support of 2 November 2025 was noted before kinds were asked: « Hors des quatre catégories » counts it.
    # The host of Les Acacias says, from the house journal, that it was against isolation: 2 supports against
    # isolation (Martin's, Roux's) to 2 residents, none apart any more; the rest of the table is unchanged.
    acacias = Residence.objects.get(organisation=data.organisation, name="Les Acacias")
    host = User.objects.create_user(
        username="hote-acacias", password="un-mot-de-passe-bien-long", organisation=data.organisation, role=Role.HOST
    )
    acacias.hosts.add(host)
    support = IndividualSupport.objects.get(residence=acacias, given_on=date(2025, 11, 2))
    response = client_of(host).post(reverse("residences:support_kind", args=[support.pk]), {"kind": "isolation"})
    assert response.status_code == 302
    activity = _by_residence(rows(data.director, "agls_activity"))
    assert activity["Les Acacias"] == list(zip(FACTS, [2, 2, 1, 2, 1, 2, 2, 2, 2, 2, 0], strict=True))
    assert activity["Bellevue"] == [(fact, 0) for fact in FACTS]
    # corrected to a mediation: counted there, Roux's resident now one of 3 accompanied towards an outside service
    client_of(host).post(reverse("residences:support_kind", args=[support.pk]), {"kind": "mediation"})
    activity = _by_residence(rows(data.director, "agls_activity"))
    assert activity["Les Acacias"] == list(zip(FACTS, [2, 2, 1, 2, 1, 2, 1, 1, 3, 3, 0], strict=True))
    assert [e.detail for e in AuditEvent.objects.filter(action="individual_support.kind").order_by("pk")] == [
        {"from": "", "to": "isolation"},
        {"from": "isolation", "to": "mediation"},
    ]


def test_arrears_are_read_from_the_ledger_as_they_stood_on_the_last_day(data):
    november = indicators.Period(date(2025, 11, 1), date(2025, 11, 30))
    acacias = _by_residence(rows(data.director, "agls_activity", november))["Les Acacias"]
    # On 30 November only Martin's November call had fallen due, and was paid on the 20th.
    assert acacias[3] == (FACTS[3], 0)


def test_a_team_lead_counts_the_residences_of_their_households_and_their_residents_only(data):
    # Team A stayed at Les Acacias (Martin, Bernard) and Bellevue (Leroy); Garnier's pension de famille is not
    # counted. The residences' own facts (dwellings, activities, meetings) whole; the residents' of team A only.
    _amount("1000")
    assert rows(data.team_lead, "agls_grant")[-1] == [
        "Toutes les résidences",
        "",
        7,
        1000.0,
        7000.0,
        "",
        "",
        7000.0,
        "À confirmer",
    ]
    assert rows(data.team_lead, "agls_residents") == [
        ["Bellevue", 0, 1, 1],
        ["Les Acacias", 2, 1, 0],
        ["Toutes les résidences", 2, 2, 1],
    ]
    activity = _by_residence(rows(data.team_lead, "agls_activity"))
    # team A's residents: Martin's (isolation, mediation) and Bernard's (mediation); Roux's is team B
    assert [count for _fact, count in activity["Les Acacias"]] == [2, 2, 0, 2, 1, 1, 1, 1, 2, 2, 0]
    assert dict(rows(data.team_lead, "agls_exits"))["Famille ou proches"] == 1
    assert dict(rows(data.team_lead, "agls_exits"))["Logement social"] == 0  # Petit is team B


def test_the_other_organisation_counts_its_own_residence_only(data):
    assert rows(data.other_director, "agls_grant") == [
        ["Autre résidence", RS, 1, "", "", "", "", "", NOT_ENTERED],
        ["Toutes les résidences", "", 1, "", "", "", "", "", NOT_ENTERED],
    ]
    assert rows(data.other_director, "agls_residents")[0] == ["Autre résidence", 0, 1, 1]


# --- the report -------------------------------------------------------------------------------------------------


def test_the_report_lists_its_tables_funder_and_categories():
    report = indicators.REPORTS["agls"]
    assert indicators.indicator_codes("agls") == ("agls_grant", "agls_residents", "agls_exits", "agls_activity")
    assert str(report.funder) == "État (DDETS)" and report.small_cells
    categories = str(report.categories)
    for category in (
        "régulation de la vie collective",
        "prévention et gestion des impayés",
        "lutte contre l'isolement",
        "médiation vers les services extérieurs (démarches de médiation notées par les hôtes)",
    ):
        assert category in categories


def test_the_report_masks_small_counts(data):
    _amount("1000")
    tables = {t["definition"]: t for t in indicators.compute("agls", reporting_scope(data.director), YEAR)}
    # Bellevue's 2 dwellings are masked alone in their column, so the next smallest (Les Acacias' 5) is too; the
    # amounts are not counts.
    assert tables["agls_grant"]["rows"] == [
        ["Bellevue", RS, "< 5", 1000.0, 2000.0, "", "", 2000.0, "À confirmer"],
        ["Les Acacias", RS, "< 5", 1000.0, 5000.0, "", "", 5000.0, "À confirmer"],
        ["Toutes les résidences", "", 7, 1000.0, 7000.0, "", "", 7000.0, "À confirmer"],
    ]
    assert tables["agls_residents"]["rows"][1] == ["Les Acacias", "< 5", "< 5", "< 5"]
    assert all("un effectif de 1 à 4 est masqué" in table["rule"] for table in tables.values())


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel("2026-02-02 10:00 +01:00", tick=False)
def test_the_page_stores_a_run_and_exports_it_as_xlsx_and_pdf(data):
    from pypdf import PdfReader

    _amount("1234.56")
    client = client_of(data.director)
    page = client.get(PAGE)
    assert page.status_code == 200 and page.context["year"] == 2025
    body = page.content.decode().replace("&#x27;", "'")
    assert "État (DDETS)" in body and "médiation vers les services extérieurs" in body
    assert "Définition agls_activity — unité" in body and "À confirmer" in body
    saved = client.post(reverse("reporting:report_list"), {"code": "agls", "annee": "2025"})
    run = ReportRun.objects.get()
    assert (saved.url, run.code) == (reverse("reporting:run_detail", args=[run.pk]), "agls")
    assert "Compté aujourd'hui, le rapport donnerait les mêmes chiffres." in client.get(saved.url).content.decode()

    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:run_xlsx", args=[run.pk])).content))
    assert len(workbook.sheetnames) == 4
    grant = workbook[workbook.sheetnames[0]]
    assert grant["A1"].value == "Aide à la gestion locative sociale attendue, par résidence"
    assert grant["A2"].value.startswith("Définition agls_grant — unité : logement ; euro par an. ")
    assert [cell.value for cell in grant[5]] == [
        "Bellevue",
        RS,
        "< 5",
        1234.56,
        2469.12,
        None,
        None,
        2469.12,
        "À confirmer",
    ]
    assert [cell.value for cell in grant[7]] == [
        "Toutes les résidences",
        None,
        7,
        1234.56,
        8641.92,
        None,
        None,
        8641.92,
        "À confirmer",
    ]

    pdf = client.get(reverse("reporting:run_pdf", args=[run.pk])).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")
    assert "Rapport AGLS" in text and "À confirmer" in text
    for definition in indicators.indicator_codes("agls"):
        assert f"Définition {definition} — unité" in text
    assert AuditEvent.objects.filter(action="report.export", object_id=str(run.pk)).count() == 2


@time_machine.travel("2026-02-02 10:00 +01:00", tick=False)
def test_a_team_lead_opens_the_report_others_do_not(data):
    page = client_of(data.team_lead).get(PAGE)
    assert page.status_code == 200
    residents = next(t for t in page.context["tables"] if t["definition"] == "agls_residents")
    assert [row[0] for row in residents["rows"]] == ["Bellevue", "Les Acacias", "Toutes les résidences"]
    for who in (data.social_worker, data.volunteer):
        assert client_of(who).get(PAGE).status_code == 404


@time_machine.travel("2026-02-02 10:00 +01:00", tick=False)
def test_the_reports_queries_do_not_grow_with_the_residences(data):
    client = client_of(data.director)
    client.get(PAGE)  # warm the session and the permission caches

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    small = count()
    for number in range(4):
        residence, _rules, (place,) = _residence(
            data.organisation, f"Maison {number}", ResidenceKind.RESIDENCE_SOCIALE, 1, date(2020, 1, 1), data.director
        )
        stay = _stay(
            place, _household(data, f"H{number}", data.martin.team), date(2025, 3, 1), date(2025, 5, 1), "family"
        )
        IndividualSupport.objects.create(
            organisation=data.organisation,
            residence=residence,
            resident=stay.resident,
            given_on=date(2025, 4, 1),
            note="Visite",
            created_by=data.director,
        )
    assert count() == small
