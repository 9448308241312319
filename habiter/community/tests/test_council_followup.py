"""A council's own rhythm of meetings (W15: set by its règlement intérieur when its legal basis sets no minimum) and
the new election due after a carence (W13), on the council's page and the home page of its managers."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from habiter.community import council_followup, rules, services
from habiter.community.forms import RhythmForm
from habiter.community.models import Council
from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.residences.tests.factories import make_residence

from .factories import make_council, make_election

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)  # the window of the last twelve months: 16/06/2025 to 15/06/2026, 365 days


# --- rules ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "since", "expected"),
    [
        (12, date(2020, 1, 1), 12),  # older than the window: the whole rhythm
        (12, date(2025, 6, 15), 12),  # the window's start exactly
        (12, date(2025, 6, 16), 11),  # a day younger: 12 × 364 / 365, rounded down
        (12, TODAY, 0),  # first meeting today: nothing asked yet
        (12, TODAY - timedelta(days=30), 0),  # 12 × 30 / 365 = 0.98
        (12, TODAY - timedelta(days=31), 1),  # 12 × 31 / 365 = 1.02
        (12, TODAY - timedelta(days=45), 1),
        (12, TODAY - timedelta(days=182), 5),  # half a year: 5.98
        (3, TODAY - timedelta(days=100), 0),  # quarterly: 0.82
        (4, TODAY - timedelta(days=92), 1),  # 1.008
        (1, date(2025, 1, 1), 1),
    ],
)
def test_the_meetings_a_rhythm_asks_over_the_last_twelve_months_or_the_share_lived(planned, since, expected):
    assert rules.meetings_expected(planned, since, TODAY) == expected


@pytest.mark.parametrize(
    ("held", "since", "short", "shown_since"),
    [
        (11, date(2024, 1, 1), True, None),
        (12, date(2024, 1, 1), False, None),
        (13, date(2024, 1, 1), False, None),
        (0, TODAY - timedelta(days=20), False, TODAY - timedelta(days=20)),
        (1, TODAY - timedelta(days=62), True, TODAY - timedelta(days=62)),  # 2 asked
        (2, TODAY - timedelta(days=62), False, TODAY - timedelta(days=62)),
    ],
)
def test_a_rhythm_check_is_short_when_fewer_were_held_than_asked(held, since, short, shown_since):
    check = rules.rhythm_check(12, held, since, TODAY)
    assert (check.short, check.since, check.planned, check.held) == (short, shown_since, 12, held)


@pytest.mark.parametrize(
    ("basis", "allowed"),
    [
        ("casf_cvs", False),  # W18: its legal 3 a year
        ("cch_conseil_concertation", False),  # W12: once a year
        ("cch_comite_residents", True),
        ("casf_autre_forme", True),
        ("voluntary", True),
        ("statutes", True),
    ],
)
def test_only_a_basis_without_a_legal_minimum_takes_a_rhythm_of_its_own(basis, allowed):
    assert rules.rhythm_allowed(basis) is allowed


@pytest.mark.parametrize(
    ("due", "prepare"),
    [
        (TODAY + timedelta(days=61), False),
        (TODAY + timedelta(days=60), True),  # the renewal notice, 60 days
        (TODAY, True),
        (TODAY - timedelta(days=1), True),  # overdue
    ],
)
def test_a_new_election_after_a_carence_is_to_prepare_within_the_renewal_notice_or_overdue(due, prepare):
    assert rules.carence_election_to_prepare(due, TODAY) is prepare


# --- the rhythm: services and pages --------------------------------------------------------------------------------


def _meetings(director, council, *days_ago):
    for days in days_ago:
        day = TODAY - timedelta(days=days)
        services.meeting_schedule(
            actor=director,
            council_id=council.pk,
            starts_at=timezone.make_aware(datetime.combine(day, time(14))),
            place="Salle commune",
            proposals_until=day,
        )


@time_machine.travel(TODAY, tick=False)
def test_the_rhythm_is_set_for_a_voluntary_council_and_refused_for_a_statutory_one(world):
    director, worker = world.users["director"], world.users["social_worker"]
    council = make_council(director, "CVS mensuel", meetings_per_year=12)
    assert council.meetings_per_year == 12
    with pytest.raises(ValidationError) as refused:
        make_council(director, "CVS du CHRS", kind="cvs", legal_basis="casf_cvs", meetings_per_year=12)
    assert "fixe déjà son minimum de réunions par an" in str(refused.value)
    statutory = make_council(director, "CVS légal", kind="cvs", legal_basis="casf_cvs")
    with pytest.raises(ValidationError):
        council_followup.council_rhythm_set(actor=director, council_id=statutory.pk, meetings_per_year=6)
    with pytest.raises(PermissionDenied):
        council_followup.council_rhythm_set(actor=worker, council_id=council.pk, meetings_per_year=6)
    outsider = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    with pytest.raises(Council.DoesNotExist):
        council_followup.council_rhythm_set(actor=outsider, council_id=council.pk, meetings_per_year=6)
    council_followup.council_rhythm_set(actor=director, council_id=council.pk, meetings_per_year=None)
    assert Council.objects.get(pk=council.pk).meetings_per_year is None
    event = AuditEvent.objects.get(action="council.rhythm")
    assert (event.actor, event.detail) == (director, {"meetings_per_year": None})
    assert not RhythmForm({"meetings_per_year": "53"}).is_valid()
    assert RhythmForm({"meetings_per_year": ""}).is_valid()


@time_machine.travel(TODAY, tick=False)
def test_the_council_page_warns_when_fewer_meetings_were_held_than_its_rhythm_asks(client, world):
    director = world.users["director"]
    monthly = make_council(director, "CVS mensuel", meetings_per_year=12)
    _meetings(director, monthly, 200, 150)  # 12 × 200 / 365 = 6 asked since the first
    client.force_login(director)
    page = client.get(reverse("community:council_detail", args=[monthly.pk])).content.decode()
    assert "Moins de réunions que prévu" in page
    assert "règlement intérieur : 12 réunions par an ;" in page
    assert "2 tenues depuis le 27 novembre 2025," in page and "6 attendues à ce jour." in page
    assert reverse("community:council_rhythm", args=[monthly.pk]) in page
    home = client.get(reverse("core:home")).content.decode()
    assert "1 instance en dessous de son rythme de réunions" in home and "CVS mensuel" in home

    _meetings(director, monthly, 120, 90, 60, 30)  # six held: on time
    page = client.get(reverse("community:council_detail", args=[monthly.pk])).content.decode()
    assert "Moins de réunions que prévu" not in page and "6 tenues depuis le 27 novembre 2025," in page
    assert "en dessous de son rythme" not in client.get(reverse("core:home")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_an_older_council_counts_the_meetings_held_in_the_last_twelve_months(client, world):
    director = world.users["director"]
    with time_machine.travel(date(2024, 1, 10), tick=False):
        council = make_council(director, "Conseil de Maison", meetings_per_year=4)
    _meetings(director, council, 400, 300, 200)  # the first before the window: 2 held in it
    services.meeting_schedule(  # a meeting to come is planned, not held
        actor=director,
        council_id=council.pk,
        starts_at=timezone.make_aware(datetime.combine(TODAY + timedelta(days=5), time(14))),
        place="Salle commune",
        proposals_until=TODAY,
    )
    client.force_login(director)
    page = client.get(reverse("community:council_detail", args=[council.pk])).content.decode()
    assert "règlement intérieur : 4 réunions par an ; 2 tenues ces 12 derniers mois." in " ".join(page.split())
    assert "Moins de réunions que prévu" in page


@time_machine.travel(TODAY, tick=False)
def test_a_statutory_council_keeps_its_legal_minimum_and_shows_no_rhythm(client, world):
    director = world.users["director"]
    statutory = make_council(director, "CVS du CHRS", kind="cvs", legal_basis="casf_cvs")
    Council.objects.filter(pk=statutory.pk).update(meetings_per_year=12)  # a row written around the service
    client.force_login(director)
    page = client.get(reverse("community:council_detail", args=[statutory.pk])).content.decode()
    assert "au moins 3 réunions par an." in page
    assert "règlement intérieur :" not in page and "Modifier le rythme" not in page
    assert council_followup.rhythm_alerts(director, TODAY) == []


@time_machine.travel(TODAY, tick=False)
def test_the_rhythm_page_saves_for_its_managers_only(client, world):
    director, host, worker = world.users["director"], world.users["host"], world.users["social_worker"]
    residence = make_residence(director, "Les Pléiades", hosts=[host])
    house = make_council(director, "Conseil de Maison", kind="conseil_de_maison", residence=residence)
    association = make_council(director, "CVS mensuel")
    client.force_login(host)
    url = reverse("community:council_rhythm", args=[house.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"meetings_per_year": "12"})["Location"] == reverse(
        "community:council_detail", args=[house.pk]
    )
    assert Council.objects.get(pk=house.pk).meetings_per_year == 12
    assert client.get(reverse("community:council_rhythm", args=[association.pk])).status_code == 404
    client.force_login(worker)
    assert client.get(url).status_code == 404
    client.force_login(director)
    statutory = make_council(director, "CVS légal", kind="cvs", legal_basis="casf_cvs")
    response = client.post(reverse("community:council_rhythm", args=[statutory.pk]), {"meetings_per_year": "6"})
    assert response.status_code == 200 and "fixe déjà son minimum de réunions par an" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_host_sees_on_the_home_page_the_rhythm_of_the_councils_of_their_residences_only(client, world):
    director, host = world.users["director"], world.users["host"]
    residence = make_residence(director, "Les Pléiades", hosts=[host])
    house = make_council(
        director, "Conseil de Maison", kind="conseil_de_maison", residence=residence, meetings_per_year=12
    )
    association = make_council(director, "CVS mensuel", meetings_per_year=12)
    for council in (house, association):
        _meetings(director, council, 100)  # 3 asked, 1 held
    assert [c.name for c, _check in council_followup.rhythm_alerts(director, TODAY)] == [
        "CVS mensuel",
        "Conseil de Maison",
    ]
    client.force_login(host)
    home = client.get(reverse("core:home")).content.decode()
    assert "1 instance en dessous de son rythme de réunions" in home
    assert "Conseil de Maison" in home and "CVS mensuel" not in home


# --- a carence: the new election on the home page ------------------------------------------------------------------


def _carence(director, council):
    """An election of 31/08/2026 without candidate: a new one is due before 28/02/2027 (6 months, W13)."""
    with time_machine.travel(date(2026, 8, 20), tick=False):
        election = make_election(
            director,
            council,
            roll_date=date(2026, 8, 20),
            candidacy_deadline=date(2026, 8, 28),
            vote_on=date(2026, 8, 31),
        )
    with time_machine.travel(date(2026, 8, 31), tick=False):
        services.election_roll_freeze(actor=director, election_id=election.pk)
        return services.election_carence_record(actor=director, election_id=election.pk)


def test_a_re_election_after_a_carence_shows_on_the_home_page_of_directors_and_the_host(client, world):
    director, host = world.users["director"], world.users["host"]
    with time_machine.travel(date(2026, 8, 1), tick=False):
        residence = make_residence(director, "Les Pléiades", hosts=[host])
        house = make_council(director, "Conseil de Maison", kind="conseil_de_maison", residence=residence)
    election = _carence(director, house)
    assert election.new_election_due == date(2027, 2, 28)

    def home(user):
        client.force_login(user)
        return " ".join(strip_tags(client.get(reverse("core:home")).content.decode()).split())

    with time_machine.travel(date(2026, 12, 29), tick=False):  # 61 days before: not yet
        assert "après une carence" not in home(director)
    with time_machine.travel(date(2026, 12, 30), tick=False):  # 60 days before: the renewal notice
        for user in (director, host):
            page = home(user)
            assert "1 élection à refaire après une carence" in page
            assert "Conseil de Maison — nouvelle élection avant le 28 février 2027" in page
            assert "en retard" not in page
    with time_machine.travel(date(2027, 3, 1), tick=False):
        assert "nouvelle élection avant le 28 février 2027 en retard" in home(director)
        other_host = UserFactory(organisation=world.organisation, role=Role.HOST)
        assert "après une carence" not in home(other_host)
        make_election(
            director, house, roll_date=date(2027, 3, 1), candidacy_deadline=date(2027, 3, 20), vote_on=date(2027, 3, 25)
        )
        assert "après une carence" not in home(director)  # the new election is planned


def test_the_carence_alerts_cost_the_same_queries_whatever_the_councils(world, django_assert_num_queries):
    director = world.users["director"]
    with time_machine.travel(date(2026, 8, 1), tick=False):
        councils = [make_council(director, f"Instance {n}") for n in range(3)]
    for council in councils:
        _carence(director, council)
    with time_machine.travel(date(2027, 1, 15), tick=False):
        with django_assert_num_queries(2):  # the elections, the legal parameters
            alerts = council_followup.carence_alerts(director, date(2027, 1, 15))
    assert len(alerts) == 3


@time_machine.travel(TODAY, tick=False)
def test_the_rhythm_is_asked_when_the_council_is_created(client, world):
    client.force_login(world.users["director"])
    url = reverse("community:council_create")
    data = {"name": "CVS mensuel", "kind": "voluntary", "legal_basis": "voluntary", "meetings_per_year": "12"}
    assert client.post(url, data).status_code == 302
    assert Council.objects.get(name="CVS mensuel").meetings_per_year == 12
    refused = client.post(url, data | {"name": "CVS du CHRS", "kind": "cvs", "legal_basis": "casf_cvs"})
    assert refused.status_code == 200 and "fixe déjà son minimum de réunions par an" in refused.content.decode()
    assert not Council.objects.filter(name="CVS du CHRS").exists()
