"""The conseil de concertation's checks (W12) on its page and on the home page of directors and hosts."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.community import queries, rules, services
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

from .factories import make_council, make_meeting
from .test_views import page_of

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 6, 15, 10, tzinfo=timezone.get_default_timezone())


def concertation(actor, name="Conseil de concertation", residence=None):
    return make_council(
        actor, name, residence=residence, kind="conseil_concertation", legal_basis="cch_conseil_concertation"
    )


def seat(actor, council, role, name, term_start=date(2026, 1, 5)):
    return services.member_add(actor=actor, council_id=council.pk, role=role, name=name, term_start=term_start)


@time_machine.travel(TODAY, tick=False)
def test_the_page_shows_the_composition_the_last_meeting_and_the_threshold(client, world):
    director = world.users["director"]
    residence = make_residence(director)
    make_house_rules(director, residence)
    make_active_contract(director, make_place(director, residence), world.own_household.members.first())
    council = concertation(director, residence=residence)
    seat(director, council, "resident_rep", "Mme Diallo")
    seat(director, council, "manager_rep", "M. Martin")
    seat(director, council, "owner_rep", "Mme Roux (bailleur)")
    make_meeting(director, council, days=-200)
    client.force_login(director)
    html = page_of(client, reverse("community:council_detail", args=[council.pk]))
    assert "Composition irrégulière : 1 représentant des résidents pour 1 du gestionnaire et 1 du propriétaire" in html
    assert "27 novembre 2025" in html and "réunion annuelle à jour" in html
    assert "1 contrat en cours : moins de 30, le conseil n'est pas obligatoire." in html

    seat(director, council, "resident_rep", "M. Benali")
    html = page_of(client, reverse("community:council_detail", args=[council.pk]))
    assert "Composition conforme : 2 représentants des résidents pour 1 du gestionnaire et 1 du propriétaire." in html


@time_machine.travel(TODAY, tick=False)
def test_other_councils_show_no_concertation_check(client, world):
    director = world.users["director"]
    council = make_council(director, "Conseil de Maison")
    client.force_login(director)
    assert "Obligations du conseil de concertation" not in page_of(
        client, reverse("community:council_detail", args=[council.pk])
    )
    assert queries.concertation_check(council, TODAY.date()) is None


@time_machine.travel(TODAY, tick=False)
def test_never_met_two_months_after_its_constitution_is_overdue(world):
    director = world.users["director"]
    council = concertation(director)
    seat(director, council, "resident_rep", "Mme Diallo", term_start=date(2026, 4, 15))
    council = queries.council_for_page(director, council.pk)
    assert not queries.concertation_check(council, date(2026, 6, 15)).overdue
    check = queries.concertation_check(council, date(2026, 6, 16))
    assert check.overdue and check.last_meeting_on is None and check.composition_error is None


def _home_queries(client, user) -> tuple[int, str]:
    client.force_login(user)
    client.get(reverse("core:home"))  # the session is saved on the first request only
    with CaptureQueriesContext(connection) as ctx:
        html = page_of(client, reverse("core:home"))
    return len(ctx.captured_queries), html


@time_machine.travel(TODAY, tick=False)
def test_the_home_flags_overdue_or_badly_composed_councils_at_a_constant_cost(client, world):
    director = world.users["director"]
    first = concertation(director, "Conseil de concertation A")
    seat(director, first, "manager_rep", "M. Martin")  # no residents' representative
    one, html = _home_queries(client, director)
    assert "1 conseil de concertation à régulariser" in html
    assert "Composition irrégulière : aucun représentant des résidents." in html

    for letter in "BC":
        council = concertation(director, f"Conseil de concertation {letter}")
        seat(director, council, "resident_rep", "Mme Diallo", term_start=date(2025, 1, 6))
        seat(director, council, "host", "M. Hôte", term_start=date(2025, 1, 6))
    several, html = _home_queries(client, director)
    assert "3 conseils de concertation à régulariser" in html and "réunion annuelle en retard" in html
    assert several == one

    well = concertation(director, "Conseil de concertation D")
    seat(director, well, "resident_rep", "Mme Diallo")
    make_meeting(director, well, days=-30)
    assert [c.name for c, _check in queries.concertation_alerts(director, TODAY.date())] == [
        "Conseil de concertation A",
        "Conseil de concertation B",
        "Conseil de concertation C",
    ]
    assert rules.NO_RESIDENT_REPS == queries.concertation_alerts(director, TODAY.date())[0][1].composition_error
