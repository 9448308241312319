from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from habiter.community import queries, services
from habiter.community.models import AgendaItem, Attendance, Candidacy, Council, CouncilMember, Election
from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.people.tests.factories import make_household
from habiter.residences.tests.factories import (
    make_active_contract,
    make_house_rules,
    make_place,
    make_residence,
    make_stay,
)

from .factories import make_council, make_election, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def pleiades(world, director):
    return make_residence(director, "Les Pléiades", hosts=[world.users["host"]])


def test_a_director_creates_a_council_and_it_is_audited(director, pleiades):
    council = make_council(director, "Conseil de Maison", residence=pleiades, kind="conseil_de_maison")
    assert council.residence == pleiades
    assert AuditEvent.objects.filter(action="council.create", object_id=str(council.pk)).exists()


@pytest.mark.parametrize("role", ["host", "team_lead", "social_worker", "volunteer", "accountant"])
def test_only_a_director_creates_a_council(world, role):
    with pytest.raises(PermissionDenied):
        make_council(world.users[role])
    assert not Council.objects.exists()


def test_a_host_manages_the_councils_of_their_residence_only(world, director, pleiades):
    host = world.users["host"]
    house = make_council(director, "Conseil de Maison", residence=pleiades)
    association = make_council(director, "CVS")
    make_meeting(host, house)
    with pytest.raises(Council.DoesNotExist):
        make_meeting(host, association)
    with pytest.raises(PermissionDenied):
        make_meeting(world.users["social_worker"], house)


def test_another_organisation_cannot_touch_the_council(world, director):
    council = make_council(director)
    foreign = UserFactory(organisation=world.other_organisation, role="director")
    with pytest.raises(Council.DoesNotExist):
        make_meeting(foreign, council)
    meeting = make_meeting(director, council)
    with pytest.raises(Exception) as refused:
        services.agenda_item_propose(actor=foreign, meeting_id=meeting.pk, title="Intrusion")
    assert refused.type.__name__ == "DoesNotExist"
    assert not AgendaItem.objects.exists()


def test_a_member_is_a_user_a_person_or_a_name_never_two(world, director):
    council = make_council(director)
    person = world.own_household.members.first()
    today = timezone.localdate()
    services.member_add(actor=director, council_id=council.pk, role="member", person_id=person.pk, term_start=today)
    services.member_add(actor=director, council_id=council.pk, role="member", name="Mme Vidal", term_start=today)
    with pytest.raises(ValidationError):
        services.member_add(
            actor=director, council_id=council.pk, role="member", user_id=director.pk, name="X", term_start=today
        )
    foreign_person = world.other_org_household.members.first()
    with pytest.raises(ValidationError) as refused:
        services.member_add(
            actor=director, council_id=council.pk, role="member", person_id=foreign_person.pk, term_start=today
        )
    assert "Choisissez une personne" in str(refused.value)
    assert CouncilMember.objects.count() == 2
    assert AuditEvent.objects.filter(action="council_member.add", household_id=person.household_id).exists()


def test_staff_propose_for_an_accompanied_person_until_the_deadline_then_a_french_refusal(world, director):
    council = make_council(director)
    worker = world.users["social_worker"]
    person = world.own_household.members.first()
    with time_machine.travel(date(2026, 3, 2), tick=False):
        meeting = make_meeting(director, council, days=10, proposals_days=5)  # proposals until 7 March
        item = services.agenda_item_propose(
            actor=worker, meeting_id=meeting.pk, title="Le bruit le soir", person_id=person.pk
        )
        assert item.proposer == f"{person.first_name} {person.last_name}" and item.entered_by == worker
    with time_machine.travel(date(2026, 3, 7), tick=False):
        services.agenda_item_propose(actor=worker, meeting_id=meeting.pk, title="Dernier jour")
    with time_machine.travel(date(2026, 3, 8), tick=False), pytest.raises(ValidationError) as refused:
        services.agenda_item_propose(actor=worker, meeting_id=meeting.pk, title="Trop tard")
    assert "ouvertes jusqu'au 07/03/2026" in str(refused.value)
    assert AgendaItem.objects.count() == 2
    assert AuditEvent.objects.filter(action="agenda_item.propose", household_id=person.household_id).count() == 1


def test_volunteers_propose_nothing(world, director):
    meeting = make_meeting(director, make_council(director))
    with pytest.raises(PermissionDenied):
        services.agenda_item_propose(actor=world.users["volunteer"], meeting_id=meeting.pk, title="Sujet")


def test_attendance_of_a_member_of_another_council_is_refused_and_nothing_is_written(world, director):
    council, other = make_council(director), make_council(director, "Bureau")
    today = timezone.localdate()
    mine = services.member_add(actor=director, council_id=council.pk, role="member", name="A", term_start=today)
    stranger = services.member_add(actor=director, council_id=other.pk, role="member", name="B", term_start=today)
    meeting = make_meeting(director, council)
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=world.users["social_worker"],
            meeting_id=meeting.pk,
            presences={str(mine.pk): "present", str(stranger.pk): "present"},
        )
    assert not Attendance.objects.exists()  # atomic: the valid line was not kept either


# --- attendance of the residents at a council of their residence (a Conseil de Maison is open to all) ---------------

PARIS = ZoneInfo("Europe/Paris")
MEETING_EVENING = datetime(2026, 3, 10, 17, 30, tzinfo=PARIS)
AFTER_THE_MEETING = datetime(2026, 3, 12, 10, 0, tzinfo=PARIS)


def _resident(director, residence, place_label, first_name, last_name, contract_from=date(2025, 1, 6)):
    """A single-person household whose member holds a contract in force from `contract_from` on a new place."""
    household = make_household(
        director,
        name=last_name,
        members=[
            {"first_name": first_name, "last_name": last_name, "birth_date": date(1970, 1, 1), "relation": "head"}
        ],
    )
    person = household.members.get()
    make_active_contract(director, make_place(director, residence, place_label), person, contract_from, contract_from)
    return person


@pytest.fixture
def house_meeting(world, director, pleiades):
    """The Conseil de Maison of the Pléiades on 10 March 2026: its host and a residents' representative are members;
    Agnès Auger and Bruno Berger live there under contract and are not members."""
    host = world.users["host"]
    make_house_rules(director, pleiades, date(2025, 1, 6))
    council = make_council(director, "Conseil de Maison", residence=pleiades, kind="conseil_de_maison")
    rep = _resident(director, pleiades, "1", "Chantal", "Colin")
    members = {
        "host": services.member_add(
            actor=director, council_id=council.pk, role="host", user_id=host.pk, term_start=date(2025, 1, 6)
        ),
        "rep": services.member_add(
            actor=director, council_id=council.pk, role="resident_rep", person_id=rep.pk, term_start=date(2025, 1, 6)
        ),
    }
    residents = {
        "auger": _resident(director, pleiades, "2", "Agnès", "Auger"),
        "berger": _resident(director, pleiades, "3", "Bruno", "Berger"),
    }
    meeting = services.meeting_schedule(
        actor=host,
        council_id=council.pk,
        starts_at=MEETING_EVENING,
        place="Salon des Pléiades",
        proposals_until=date(2026, 3, 9),
    )
    return meeting, members, residents, rep


@time_machine.travel(AFTER_THE_MEETING, tick=False)
def test_the_host_notes_present_the_residents_who_came_besides_the_members(world, house_meeting):
    meeting, members, residents, rep = house_meeting
    host = world.users["host"]
    offered = queries.attendance_residents(meeting)
    assert [f"{p.last_name} {p.first_name}" for p in offered] == ["Auger Agnès", "Berger Bruno"]  # the rep is a member
    counts = services.attendance_record(
        actor=host,
        meeting_id=meeting.pk,
        presences={str(members["host"].pk): "present", str(members["rep"].pk): "excused"},
        residents=[str(residents["auger"].pk), residents["berger"].pk],
    )
    assert counts == (2, 2)
    rows = Attendance.objects.filter(meeting=meeting).select_related("member__user", "member__person", "person")
    assert [(a.display_name, a.presence) for a in rows] == [
        (host.get_full_name(), "present"),  # members first, by role (« host » before « resident_rep »)
        ("Chantal Colin", "excused"),
        ("Agnès Auger", "present"),  # then the other residents, by name
        ("Bruno Berger", "present"),
    ]
    assert AuditEvent.objects.get(action="meeting.attendance").detail == {"members": 2, "residents": 2}
    events = AuditEvent.objects.filter(action="meeting.resident_attendance", object_id=str(meeting.pk))
    assert sorted((e.household_id, e.detail["present"]) for e in events) == sorted(
        [(residents["auger"].household_id, True), (residents["berger"].household_id, True)]
    )
    # Bruno was ticked by mistake: the list given replaces the one noted
    counts = services.attendance_record(
        actor=host, meeting_id=meeting.pk, presences={}, residents=[str(residents["auger"].pk)]
    )
    assert counts == (0, 1)
    assert list(Attendance.objects.filter(meeting=meeting, person__isnull=False).values_list("person", flat=True)) == [
        residents["auger"].pk
    ]
    assert events.filter(household_id=residents["berger"].household_id, detail__present=False).count() == 1
    assert Attendance.objects.filter(meeting=meeting, member__isnull=False).count() == 2  # members kept as noted


@time_machine.travel(AFTER_THE_MEETING, tick=False)
def test_a_resident_who_is_not_a_member_may_be_noted_excused(world, house_meeting):
    meeting, members, residents, rep = house_meeting
    host = world.users["host"]
    auger, berger = residents["auger"], residents["berger"]
    counts = services.attendance_record(
        actor=host, meeting_id=meeting.pk, presences={}, residents=[auger.pk], excused=[str(berger.pk)]
    )
    assert counts == (0, 1)  # one resident present; Bruno sent his apologies
    rows = Attendance.objects.filter(meeting=meeting, person__isnull=False).order_by("person__last_name")
    assert [(a.person_id, a.presence) for a in rows] == [(auger.pk, "present"), (berger.pk, "excused")]
    events = AuditEvent.objects.filter(action="meeting.resident_attendance", household_id=berger.household_id)
    assert [e.detail for e in events] == [{"present": False, "excused": True}]
    # Agnès finally sent her apologies too, Bruno came after all: the rows change, nothing is added
    services.attendance_record(
        actor=host, meeting_id=meeting.pk, presences={}, residents=[berger.pk], excused=[auger.pk]
    )
    assert [(a.person_id, a.presence) for a in rows.all()] == [(auger.pk, "excused"), (berger.pk, "present")]
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(
            actor=host, meeting_id=meeting.pk, presences={}, residents=[auger.pk], excused=[auger.pk]
        )
    assert refused.value.messages == [
        "Agnès Auger est noté·e à la fois présent·e et excusé·e : choisissez l'un des deux."
    ]
    assert [(a.person_id, a.presence) for a in rows.all()] == [(auger.pk, "excused"), (berger.pk, "present")]
    with pytest.raises(ValidationError):  # a member is noted with the members, excused or not
        services.attendance_record(actor=host, meeting_id=meeting.pk, presences={}, excused=[rep.pk])


@time_machine.travel(AFTER_THE_MEETING, tick=False)
def test_a_resident_elsewhere_or_without_a_contract_that_day_is_refused_in_french_and_nothing_is_written(
    world, director, pleiades, house_meeting
):
    meeting, members, residents, rep = house_meeting
    host = world.users["host"]
    soleil = make_residence(director, "Soleil", hosts=[host])
    make_house_rules(director, soleil, date(2025, 1, 6))
    elsewhere = _resident(director, soleil, "S1", "Denis", "Dumas")
    arrived_after = _resident(director, pleiades, "4", "Emma", "Estève", contract_from=date(2026, 3, 11))
    no_contract = make_household(director, name="Faure")  # lives there, but never signed a contract
    make_stay(director, make_place(director, pleiades, "5"), no_contract, date(2025, 6, 2))
    refusal = (
        "Une des personnes cochées n'a pas de contrat en cours le 10/03/2026 dans la résidence « Les Pléiades » : "
        "seuls ses résidents sous contrat ce jour-là sont notés présents ou excusés en plus des membres."
    )
    for stranger in (elsewhere, arrived_after, no_contract.members.get()):
        with pytest.raises(ValidationError) as refused:
            services.attendance_record(
                actor=host,
                meeting_id=meeting.pk,
                presences={str(members["host"].pk): "present"},
                residents=[str(residents["auger"].pk), str(stranger.pk)],
            )
        assert refused.value.messages == [refusal]
    with pytest.raises(ValidationError) as refused:  # a member is noted with the members
        services.attendance_record(actor=host, meeting_id=meeting.pk, presences={}, residents=[str(rep.pk)])
    assert refused.value.messages == [
        "Chantal Colin est membre de l'instance : notez sa présence avec celle des membres."
    ]
    assert not Attendance.objects.exists()  # atomic: neither the host's presence nor Agnès's was kept
    assert not AuditEvent.objects.filter(action__startswith="meeting.", action__endswith="attendance").exists()


def test_a_council_without_a_residence_notes_its_members_only(world, director):
    council = make_council(director)
    meeting = make_meeting(director, council, days=-1, proposals_days=-3)
    person = world.own_household.members.first()
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(actor=director, meeting_id=meeting.pk, presences={}, residents=[str(person.pk)])
    assert refused.value.messages == ["Seuls les membres de cette instance ont une présence à noter."]
    assert queries.attendance_residents(meeting) == []
    assert not Attendance.objects.exists()


@time_machine.travel(AFTER_THE_MEETING, tick=False)
def test_residents_present_are_frozen_with_the_closed_minutes(world, house_meeting):
    meeting, members, residents, rep = house_meeting
    host = world.users["host"]
    services.attendance_record(actor=host, meeting_id=meeting.pk, presences={}, residents=[residents["auger"].pk])
    services.minutes_close(actor=host, meeting_id=meeting.pk, minutes="On a parlé du jardin.")
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(actor=host, meeting_id=meeting.pk, presences={}, residents=[])
    assert "clos" in refused.value.messages[0]
    assert Attendance.objects.filter(meeting=meeting, person=residents["auger"]).exists()


def test_closed_minutes_freeze_the_meeting_but_not_the_follow_up_of_its_actions(world, director):
    council = make_council(director)
    meeting = make_meeting(director, council, days=-1, proposals_days=-3)
    action = services.action_add(
        actor=director, meeting_id=meeting.pk, title="Afficher", owner_name="Accueil", due_on=date(2026, 1, 5)
    )
    with pytest.raises(ValidationError):
        services.minutes_close(actor=director, meeting_id=meeting.pk)  # nothing written yet
    services.minutes_close(actor=director, meeting_id=meeting.pk, minutes="Tout le monde était là.")
    with pytest.raises(ValidationError):
        services.decision_record(actor=director, meeting_id=meeting.pk, text="Trop tard")
    services.action_done(actor=director, action_id=action.pk, done_on=timezone.localdate())
    assert AuditEvent.objects.filter(action="meeting.minutes_close").count() == 1


def test_the_minutes_of_a_meeting_to_come_cannot_be_closed(director):
    meeting = make_meeting(director, make_council(director), days=3)
    with pytest.raises(ValidationError) as refused:
        services.minutes_close(actor=director, meeting_id=meeting.pk, minutes="Texte")
    assert "pas encore eu lieu" in str(refused.value)


# --- elections -------------------------------------------------------------------------------------------------


def _residents(director, residence, count, entered_on):
    """`count` residents with a contract signed from `entered_on` (the residence's RI from that day)."""
    make_house_rules(director, residence, entered_on)
    households = [make_household(director, name=f"Résident {n}") for n in range(count)]
    for n, household in enumerate(households):
        place = make_place(director, residence, str(n + 1))
        make_active_contract(director, place, household.members.first(), entered_on, entered_on)
    return households


def test_the_roll_of_a_residence_council_is_its_residents_on_the_roll_date(world, director, pleiades):
    host = world.users["host"]
    council = make_council(director, "Conseil de Maison", residence=pleiades)
    households = _residents(director, pleiades, 3, date(2025, 1, 6))
    late = make_household(director, name="Arrivé après")
    make_stay(director, make_place(director, pleiades, "9"), late, date(2026, 2, 2))
    # living there on the roll date, but without a contract: not a contract holder (W13)
    no_contract = make_household(director, name="Sans contrat")
    make_stay(director, make_place(director, pleiades, "8"), no_contract, date(2025, 3, 3))
    with time_machine.travel(date(2026, 1, 10), tick=False):
        election = make_election(
            host, council, roll_date=date(2026, 1, 15), candidacy_deadline=date(2026, 1, 25), vote_on=date(2026, 2, 5)
        )
        with pytest.raises(ValidationError) as refused:
            services.election_roll_freeze(actor=host, election_id=election.pk)
        assert "à partir de ce jour" in str(refused.value)
    with time_machine.travel(date(2026, 2, 3), tick=False):  # after the late arrival: the roll is still the 15th's
        assert services.election_roll_freeze(actor=host, election_id=election.pk) == 3
        with pytest.raises(ValidationError):
            services.election_roll_freeze(actor=host, election_id=election.pk)
    names = set(election.electors.values_list("person__household__name", flat=True))
    assert names == {h.name for h in households}


def _an_election_with_candidates(director, council, votes_count=2):
    today = timezone.localdate()
    for n in range(4):
        services.member_add(
            actor=director, council_id=council.pk, role="member", name=f"Électeur {n}", term_start=today
        )
    election = make_election(
        director, council, roll_date=today, candidacy_deadline=today, vote_on=today, seats=1, substitute_seats=1
    )
    services.election_roll_freeze(actor=director, election_id=election.pk)
    electors = list(election.electors.order_by("name"))
    candidacies = [
        services.candidacy_add(actor=director, election_id=election.pk, elector_id=e.pk) for e in electors[:votes_count]
    ]
    return election, candidacies


def test_results_elect_the_most_voted_and_give_them_terms(director):
    council = make_council(director)
    election, (a, b) = _an_election_with_candidates(director, council)
    services.election_results_record(
        actor=director, election_id=election.pk, voters=4, blank=1, null=0, votes={a.pk: 2, b.pk: 1}
    )
    election.refresh_from_db()
    assert election.status == "counted"
    elected = CouncilMember.objects.get(election=election, role="resident_rep")
    substitute = CouncilMember.objects.get(election=election, role="substitute")
    assert (elected.name, substitute.name) == ("Électeur 0", "Électeur 1")
    today = timezone.localdate()
    assert elected.term_start == today and elected.term_end == rules_term_end(today, 12)
    assert AuditEvent.objects.get(action="election.results").detail == {
        "voters": 4,
        "blank": 1,
        "null": 0,
        "elected": 1,
    }


def rules_term_end(start, months):
    from habiter.community.rules import term_end_for

    return term_end_for(start, months)


def test_wrong_counts_or_an_undrawn_tie_write_nothing(director):
    council = make_council(director)
    election, (a, b) = _an_election_with_candidates(director, council)
    with pytest.raises(ValidationError) as refused:
        services.election_results_record(
            actor=director, election_id=election.pk, voters=4, blank=0, null=0, votes={a.pk: 2, b.pk: 1}
        )
    assert "ne font pas le compte" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.election_results_record(
            actor=director, election_id=election.pk, voters=5, blank=0, null=0, votes={a.pk: 3, b.pk: 2}
        )
    assert "plus de votants (5) que d'inscrits (4)" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.election_results_record(
            actor=director, election_id=election.pk, voters=4, blank=0, null=0, votes={a.pk: 2, b.pk: 2}
        )
    assert "tirez au sort" in str(refused.value)
    assert Election.objects.get(pk=election.pk).status == "open"
    assert not CouncilMember.objects.filter(election=election).exists()
    assert set(Candidacy.objects.values_list("votes", flat=True)) == {None}
    services.election_results_record(
        actor=director, election_id=election.pk, voters=4, blank=0, null=0, votes={a.pk: 2, b.pk: 2}, drawn_id=b.pk
    )
    assert CouncilMember.objects.get(election=election, role="resident_rep").name == "Électeur 1"
    assert "tirage au sort" in Election.objects.get(pk=election.pk).tie_note


def test_candidacies_close_at_their_deadline(director):
    council = make_council(director)
    services.member_add(actor=director, council_id=council.pk, role="member", name="A", term_start=date(2026, 1, 1))
    with time_machine.travel(date(2026, 3, 2), tick=False):
        election = make_election(
            director,
            council,
            roll_date=date(2026, 3, 2),
            candidacy_deadline=date(2026, 3, 9),
            vote_on=date(2026, 3, 16),
        )
        services.election_roll_freeze(actor=director, election_id=election.pk)
    elector = election.electors.get()
    with time_machine.travel(date(2026, 3, 10), tick=False), pytest.raises(ValidationError) as refused:
        services.candidacy_add(actor=director, election_id=election.pk, elector_id=elector.pk)
    assert "ouvertes jusqu'au 09/03/2026" in str(refused.value)


def test_a_carence_sets_a_new_election_six_months_later(director):
    council = make_council(director)
    with time_machine.travel(date(2026, 8, 20), tick=False):
        election = make_election(
            director,
            council,
            roll_date=date(2026, 8, 20),
            candidacy_deadline=date(2026, 8, 28),
            vote_on=date(2026, 8, 31),
        )
        with pytest.raises(ValidationError):
            services.election_carence_record(actor=director, election_id=election.pk)  # candidacies still open
    with time_machine.travel(date(2026, 8, 31), tick=False):
        services.election_carence_record(actor=director, election_id=election.pk)
    election.refresh_from_db()
    assert election.status == "carence" and election.new_election_due == date(2027, 2, 28)
    assert AuditEvent.objects.filter(action="election.carence").count() == 1


def test_a_comite_de_residents_term_above_three_years_is_refused(director):
    council = make_council(director, legal_basis="cch_comite_residents", kind="comite_residents")
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        make_election(
            director,
            council,
            roll_date=today,
            candidacy_deadline=today,
            vote_on=today + timedelta(days=1),
            term_months=48,
        )
    assert "au plus 36 mois" in str(refused.value)


def test_the_volunteers_elect_their_representative_from_a_roll_of_the_volunteers(world, director):
    """W21, one procedure for every election: the council of the volunteers has the volunteers on its roll (the
    staff sitting in it are not electors), who stand and are elected like anyone."""
    today = timezone.localdate()
    council = make_council(director, name="Assemblée des bénévoles")
    jeanne = UserFactory(organisation=director.organisation, role="volunteer", first_name="Jeanne", last_name="Bénard")
    marc = UserFactory(organisation=director.organisation, role="volunteer", first_name="Marc", last_name="Aubry")
    for user in (jeanne, marc, world.users["social_worker"]):
        services.member_add(actor=director, council_id=council.pk, role="member", user_id=user.pk, term_start=today)
    election = make_election(
        director, council, roll_date=today, candidacy_deadline=today, vote_on=today, seats=1, substitute_seats=0
    )
    assert services.election_roll_freeze(actor=director, election_id=election.pk) == 2
    electors = list(election.electors.order_by("name"))
    assert [e.name for e in electors] == ["Aubry Marc", "Bénard Jeanne"]
    candidacy = services.candidacy_add(actor=director, election_id=election.pk, elector_id=electors[1].pk)
    services.election_results_record(
        actor=director, election_id=election.pk, voters=2, blank=0, null=0, votes={candidacy.pk: 2}
    )
    assert list(council.members.filter(election=election).values_list("name", flat=True)) == ["Bénard Jeanne"]
