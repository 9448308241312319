"""Who lives in the boarding houses, for their annual report (DOMAIN-2 W34): situation before entry and main resource
at entry (said on each stay by a host), orientation by the SIAO, and the redevance left to pay after the APL-foyer;
every figure worked out by hand.

The residences of `test_boarding_house_report` for 2025: at « Les Tilleuls » (pension de famille), Martin's resident
(1 March 2024 → 30 June 2025; hosted in a shelter, RSA), Bernard's (from 1 September 2025; in the street, AAH, oriented
by the « SIAO du Rhône »), Petit's (from 1 February 2025; nothing said); at « Bellevue » (résidence sociale, not
counted), Roux's (from 1 January 2024; in the street, earnings)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from habiter.core.models import AuditEvent, Partner
from habiter.ledger.redevance import services as redevance_services
from habiter.reporting import indicators
from habiter.reporting.queries import reporting_scope
from habiter.residences import services as residence_services
from habiter.residences.models import Orientation, ResidenceStay, Vacancy
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .test_boarding_house_report import YEAR, data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

SITUATIONS = [
    "Sans abri (à la rue)",
    "Habitat de fortune, squat, campement",
    "À l'hôtel",
    "Hébergé en structure (CHRS, centre d'hébergement, hébergement d'urgence)",
    "Hébergé chez un tiers (famille, amis)",
    "En logement-foyer, résidence sociale ou pension de famille",
    "Sortant d'institution (hôpital, prison, aide sociale à l'enfance)",
    "Locataire du parc social",
    "Locataire du parc privé",
    "Propriétaire occupant",
    "Autre situation",
    "Non renseignée",
]


def _said(household, situation, resource):
    ResidenceStay.objects.filter(household=household).update(situation_before_entry=situation, main_resource=resource)


@pytest.fixture
def said(data):  # noqa: F811
    _said(data.martin, "shelter", "rsa")
    _said(data.bernard, "street", "aah")
    roux = ResidenceStay.objects.get(household__name="Roux")
    _said(roux.household, "street", "earnings")
    bernard = ResidenceStay.objects.get(household=data.bernard)
    siao = Partner.objects.create(organisation=data.organisation, name="SIAO du Rhône", kind="siao")
    vacancy = Vacancy.objects.create(organisation=data.organisation, place=bernard.place, declared_on=date(2025, 7, 1))
    Orientation.objects.create(
        organisation=data.organisation,
        vacancy=vacancy,
        siao_reference="SIAO-69-2025-118",
        siao=siao,
        candidate_name="Bernard",
        received_on=date(2025, 7, 10),
        decision="admitted",
        decided_on=date(2025, 8, 1),
        stay=bernard,
    )
    return data


def _tables(user):
    return {
        table["definition"]: table["rows"]
        for table in indicators.compute("pension_famille", reporting_scope(user), YEAR)
    }


def test_situation_before_entry_and_main_resource(said):
    rows = _tables(said.director)
    # Entered in 2025: Bernard's (street) and Petit's (not said); present on 31 December: the same two. Martin's
    # (shelter) entered in 2024 and left in June; Roux's lives in a résidence sociale.
    situations = rows["stays_by_situation_before_entry/pension_famille"]
    assert [row[0] for row in situations] == SITUATIONS
    assert {row[0]: row[1:] for row in situations if row[1:] != [0, 0]} == {
        "Sans abri (à la rue)": [1, 1],
        "Non renseignée": [1, 1],
    }
    resources = {row[0]: row[1:] for row in rows["stays_by_main_resource/pension_famille"] if row[1:] != [0, 0]}
    assert resources == {"AAH (allocation aux adultes handicapés)": [1, 1], "Non renseignée": [1, 1]}


def test_entries_by_orientation(said):
    rows = _tables(said.director)
    assert rows["stay_entries_by_orientation/pension_famille"] == [
        ["SIAO du Rhône", 1],
        ["Sans orientation du SIAO enregistrée", 1],
    ]
    # A team lead of team A: Bernard's entry only (Petit is of team B).
    assert _tables(said.team_lead)["stay_entries_by_orientation/pension_famille"] == [
        ["SIAO du Rhône", 1],
        ["Sans orientation du SIAO enregistrée", 0],
    ]


def test_a_host_says_the_situation_at_entry_and_it_is_audited(world):
    director, host = world.users["director"], world.users["host"]
    with time_machine.travel(date(2026, 2, 10), tick=False):
        residence = make_residence(director, hosts=[host])
        place = make_place(director, residence)
        stay = residence_services.stay_enter(
            actor=director,
            place_id=place.pk,
            resident_id=world.own_household.members.first().pk,
            entered_on=date(2026, 2, 2),
        )
        client = Client()
        client.force_login(host)
        url = reverse("residences:stay_entry_situation", args=[stay.pk])
        page = client.get(url)
        assert page.status_code == 200 and "Situation de logement avant l&#x27;entrée" in page.content.decode()
        refused = client.post(url, {"situation_before_entry": "castle", "main_resource": "aah"})
        assert refused.status_code == 200 and "Sélectionnez un choix valide" in refused.content.decode()
        assert client.post(url, {"situation_before_entry": "hotel", "main_resource": "aah"}).status_code == 302
        stay.refresh_from_db()
        assert (stay.situation_before_entry, stay.main_resource) == ("hotel", "aah")
        residence_services.stay_entry_situation(
            actor=director, stay_id=stay.pk, situation_before_entry="street", main_resource=""
        )
        event = AuditEvent.objects.filter(action="stay.entry_situation").order_by("-created_at").first()
        assert event.detail == {
            "before": {"situation_before_entry": "hotel", "main_resource": "aah"},
            "after": {"situation_before_entry": "street", "main_resource": ""},
        }
        for role in ("social_worker", "volunteer", "accountant"):
            with pytest.raises((PermissionDenied, ResidenceStay.DoesNotExist)):
                residence_services.stay_entry_situation(
                    actor=world.users[role], stay_id=stay.pk, situation_before_entry="hotel", main_resource=""
                )
            client.force_login(world.users[role])
            assert client.post(url, {"situation_before_entry": "hotel"}).status_code == 404
    stay.refresh_from_db()
    assert stay.situation_before_entry == "street"


LINES = [
    {"kind": "equivalence_loyer", "label": "", "amount": Decimal("300.00")},
    {"kind": "charges", "label": "", "amount": Decimal("50.00")},
    {"kind": "prestation_obligatoire", "label": "Ménage des parties communes", "amount": Decimal("30.00")},
]


def test_redevance_and_rest_to_pay_after_the_apl_foyer(world):
    """One resident at 380.00 a month from 1 November 2025: November and December called, 760.00; the CAF paid
    228.00 for each month, 456.00; a payment of the resident (100.00) is not APL-foyer. Rest: 760.00 − 456.00 =
    304.00, 152.00 a month."""
    director, accountant = world.users["director"], world.users["accountant"]
    with time_machine.travel(date(2025, 12, 20), tick=False):
        residence = make_residence(director, name="Les Pléiades")
        make_house_rules(director, residence, date(2025, 1, 6))
        contract = make_active_contract(
            director,
            make_place(director, residence, "3"),
            world.own_household.members.first(),
            date(2025, 11, 1),
            date(2025, 11, 1),
        )
        residence_services.redevance_set(
            actor=director, contract_id=contract.pk, valid_from=date(2025, 11, 1), lines=LINES
        )
        for month in (date(2025, 11, 1), date(2025, 12, 1)):
            redevance_services.redevance_calls_issue(actor=accountant, month=month)
        for day in (date(2025, 11, 5), date(2025, 12, 5)):
            redevance_services.redevance_payment_record(
                actor=accountant, contract_id=contract.pk, amount=Decimal("228.00"), received_on=day, source="caf"
            )
        redevance_services.redevance_payment_record(
            actor=accountant,
            contract_id=contract.pk,
            amount=Decimal("100.00"),
            received_on=date(2025, 12, 6),
            source="resident",
        )
        period = indicators.Period(date(2025, 11, 1), date(2025, 12, 31))
        (table,) = indicators.compute("redevance_rest_to_pay", reporting_scope(director), period)
    assert table["rows"] == [
        ["Les Pléiades", 2, 760.0, 456.0, 304.0, 152.0],
        ["Toutes les résidences", 2, 760.0, 456.0, 304.0, 152.0],
    ]
