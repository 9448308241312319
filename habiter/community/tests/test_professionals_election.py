"""The professionals' election to a statutory CVS (DOMAIN-2 W17, CASF D311-13): the college of an election, refused
outside a statutory CVS; a roll of the organisation's staff accounts on the roll date, volunteers, lawyers, closed
accounts, later accounts and other organisations' accounts left out; « en poste depuis » typed by the director;
candidates with six months of seniority on the day of the vote (to the day); a tie to the most senior, lots between
candidates in post since the same day; the elected seated as staff representatives, counted by the W16 check.

The accounts are those of an organisation made here, with literal names and opening days: the vote is on 15/07/2026,
the roll stands on 30/06/2026, candidacies close on 10/07/2026."""

import io
from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from habiter.community import council_followup, rules, services
from habiter.community.models import Candidacy, CouncilMember, Election, Elector
from habiter.core import services as core_services
from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory

from .factories import charter_signed, make_council, make_election
from .test_views import page_of

pytestmark = pytest.mark.django_db

ROLL, DEADLINE, VOTE = date(2026, 6, 30), date(2026, 7, 10), date(2026, 7, 15)
DECIDED, FROZEN = date(2026, 6, 1), date(2026, 7, 2)


def _opened(day: date):
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.fixture
def tilleuls(db):
    """An organisation whose accounts are all known: five employees on the roll, and five accounts that are not."""
    organisation = core_services.organisation_create(name="Association Les Tilleuls", team_names=["Accueil"])
    team = organisation.team_set.get()

    def account(last_name, first_name, role, opened=date(2019, 9, 2), **extra):
        casework = role in ("team_lead", "social_worker")
        return UserFactory(
            organisation=organisation,
            role=role,
            last_name=last_name,
            first_name=first_name,
            date_joined=_opened(opened),
            team=team if casework else None,
            **extra,
        )

    accounts = SimpleNamespace(
        organisation=organisation,
        director=account("Lambert", "Anne", "director"),
        roux=account("Roux", "Claire", "social_worker"),
        petit=account("Petit", "Hugo", "technician"),
        morel=account("Morel", "Inès", "receptionist"),
        benali=account("Benali", "Karim", "team_lead"),
        volunteer=account("Vidal", "Paul", "volunteer"),
        lawyer=account("Garnier", "Sophie", "lawyer"),
        closed=account("Blanc", "Jules", "accountant", is_active=False),
        late=account("Noël", "Sarah", "rental_manager", opened=date(2026, 7, 1)),  # the day after the roll date
    )
    charter_signed(accounts.volunteer)  # W23: a volunteer who may use Habiter, and is still not on the roll
    return accounts


@pytest.fixture
def cvs(tilleuls):
    return make_council(tilleuls.director, "CVS du CHRS Les Tilleuls", kind="cvs", legal_basis="casf_cvs")


def _election(director, council, **data):
    fields = {"college": "professionals", "title": "Élection du représentant des professionnels"} | data
    with time_machine.travel(DECIDED, tick=False):
        return make_election(director, council, roll_date=ROLL, candidacy_deadline=DEADLINE, vote_on=VOTE, **fields)


@pytest.fixture
def frozen(tilleuls, cvs):
    """The professionals' election, its roll frozen on 02/07/2026 (the late account was opened the day before)."""
    election = _election(tilleuls.director, cvs)
    with time_machine.travel(FROZEN, tick=False):
        services.election_roll_freeze(actor=tilleuls.director, election_id=election.pk)
    return election


def _elector(election, user) -> Elector:
    return election.electors.get(user=user)


def _in_post(director, election, user, day):
    with time_machine.travel(FROZEN, tick=False):
        return services.elector_in_post_since_set(
            actor=director, election_id=election.pk, elector_id=_elector(election, user).pk, in_post_since=day
        )


def _stand(director, election, user):
    with time_machine.travel(FROZEN, tick=False):
        return services.candidacy_add(actor=director, election_id=election.pk, elector_id=_elector(election, user).pk)


# --- the college ------------------------------------------------------------------------------------------------


def test_the_professionals_elect_their_representative_in_a_statutory_cvs_only(tilleuls, cvs):
    director = tilleuls.director
    election = _election(director, cvs, tie_rule="lots")
    assert (election.college, election.tie_rule) == ("professionals", "seniority")  # the law's rule, whatever chosen
    persons = _election(director, cvs, college="persons", title="Élection des représentants des personnes")
    assert (persons.college, persons.tie_rule) == ("persons", "lots")
    house = make_council(director, "Conseil de Maison")
    with pytest.raises(ValidationError) as refused:
        _election(director, house)
    assert refused.value.message_dict == {
        "college": [
            "Les professionnels n'élisent leur représentant que dans un conseil de la vie sociale obligatoire "
            "(CASF D311-13) : « Conseil de Maison » a pour base légale « Volontaire, sans règle légale (règlement "
            "intérieur de l'instance) »."
        ]
    }
    with pytest.raises(ValidationError) as refused:
        _election(director, cvs, college="persons", tie_rule="seniority")
    assert "L'ancienneté ne départage que l'élection du représentant des professionnels" in str(refused.value)
    assert Election.objects.filter(council=house).count() == 0
    assert Election.objects.filter(council=cvs).count() == 2


def test_an_election_decided_without_a_college_elects_the_persons_representatives(tilleuls, cvs):
    with time_machine.travel(DECIDED, tick=False):
        election = services.election_create(
            actor=tilleuls.director,
            council_id=cvs.pk,
            data={
                "title": "Élection des représentants des personnes",
                "seats": 2,
                "term_months": 12,
                "roll_date": ROLL,
                "candidacy_deadline": DEADLINE,
                "vote_on": VOTE,
                "place": "Salle commune",
                "tie_rule": "lots",
            },
        )
    assert (election.college, election.tie_rule) == ("persons", "lots")


# --- the roll ---------------------------------------------------------------------------------------------------


def test_the_roll_is_the_staff_accounts_of_the_organisation_on_the_roll_date(world, tilleuls, cvs):
    """Not the volunteer, the lawyer of the legal desk, the closed account, the account opened the day after the
    roll date, nor any account of another organisation (the world's, opened today)."""
    UserFactory(organisation=world.organisation, role="social_worker", date_joined=_opened(date(2019, 9, 2)))
    election = _election(tilleuls.director, cvs)
    with time_machine.travel(FROZEN, tick=False):
        assert services.election_roll_freeze(actor=tilleuls.director, election_id=election.pk) == 5
    electors = list(election.electors.order_by("name"))
    assert [e.name for e in electors] == ["Benali Karim", "Lambert Anne", "Morel Inès", "Petit Hugo", "Roux Claire"]
    assert [e.user for e in electors] == [
        tilleuls.benali,
        tilleuls.director,
        tilleuls.morel,
        tilleuls.petit,
        tilleuls.roux,
    ]
    assert {(e.person_id, e.in_post_since) for e in electors} == {(None, None)}
    assert AuditEvent.objects.get(action="election.roll_freeze", object_id=str(election.pk)).detail == {"electors": 5}


# --- « en poste depuis » and the candidacies -----------------------------------------------------------------


def test_a_candidate_has_six_months_of_seniority_on_the_day_of_the_vote_to_the_day(tilleuls, frozen):
    director = tilleuls.director
    _in_post(director, frozen, tilleuls.roux, date(2026, 1, 15))  # six months before 15/07/2026, to the day
    _in_post(director, frozen, tilleuls.petit, date(2026, 1, 16))  # one day less
    _in_post(director, frozen, tilleuls.morel, date(2026, 3, 1))
    assert _stand(director, frozen, tilleuls.roux).elector.user == tilleuls.roux
    with pytest.raises(ValidationError) as refused:
        _stand(director, frozen, tilleuls.petit)
    assert refused.value.message_dict == {
        "elector": [
            "Petit Hugo n'aura pas les 6 mois d'ancienneté requis le jour du vote (15/07/2026) : en poste depuis le "
            "16/01/2026, 1 mois lui manque, ancienneté atteinte le 16/07/2026 (CASF D311-13)."
        ]
    }
    with pytest.raises(ValidationError) as refused:
        _stand(director, frozen, tilleuls.morel)
    assert refused.value.message_dict == {
        "elector": [
            "Morel Inès n'aura pas les 6 mois d'ancienneté requis le jour du vote (15/07/2026) : en poste depuis le "
            "01/03/2026, 2 mois lui manquent, ancienneté atteinte le 01/09/2026 (CASF D311-13)."
        ]
    }
    with pytest.raises(ValidationError) as refused:
        _stand(director, frozen, tilleuls.benali)  # no « en poste depuis » yet
    assert refused.value.message_dict == {
        "elector": [
            "Indiquez d'abord depuis quand Benali Karim est en poste : l'ancienneté d'un candidat des professionnels "
            "se vérifie au jour du vote (CASF D311-13)."
        ]
    }
    assert list(Candidacy.objects.filter(election=frozen).values_list("elector__name", flat=True)) == ["Roux Claire"]
    # a date typed wrong is corrected before the candidacy: Hugo Petit was in post since 01/12/2025
    _in_post(director, frozen, tilleuls.petit, date(2025, 12, 1))
    assert _stand(director, frozen, tilleuls.petit).elector.in_post_since == date(2025, 12, 1)
    corrected = AuditEvent.objects.filter(action="elector.in_post_since").order_by("id").last()
    assert corrected.object_id == str(_elector(frozen, tilleuls.petit).pk)
    assert corrected.detail == {"in_post_since": "2025-12-01", "before": "2026-01-16"}
    assert AuditEvent.objects.filter(action="elector.in_post_since").count() == 4


def test_in_post_since_is_at_the_latest_the_roll_date_and_fixed_once_the_elector_stands(tilleuls, frozen):
    director = tilleuls.director
    with pytest.raises(ValidationError) as refused:
        _in_post(director, frozen, tilleuls.petit, date(2026, 7, 1))
    assert refused.value.message_dict == {
        "in_post_since": [
            "Petit Hugo est sur la liste électorale arrêtée au 30/06/2026 : il ou elle y est en poste au plus tard "
            "ce jour-là."
        ]
    }
    _in_post(director, frozen, tilleuls.petit, ROLL)  # the roll date itself is accepted
    _in_post(director, frozen, tilleuls.roux, date(2024, 9, 2))
    _stand(director, frozen, tilleuls.roux)
    with pytest.raises(ValidationError) as refused:
        _in_post(director, frozen, tilleuls.roux, date(2020, 9, 2))
    assert "Roux Claire est candidat·e : sa date d'entrée en poste" in str(refused.value)
    assert _elector(frozen, tilleuls.roux).in_post_since == date(2024, 9, 2)
    assert _elector(frozen, tilleuls.petit).in_post_since == ROLL


def test_the_persons_election_has_no_in_post_since(tilleuls, cvs):
    director = tilleuls.director
    services.member_add(actor=director, council_id=cvs.pk, role="member", name="Mme Diallo", term_start=ROLL)
    election = _election(director, cvs, college="persons", title="Élection des représentants des personnes")
    with time_machine.travel(FROZEN, tick=False):
        services.election_roll_freeze(actor=director, election_id=election.pk)
        elector = election.electors.get()
        with pytest.raises(ValidationError) as refused:
            services.elector_in_post_since_set(
                actor=director, election_id=election.pk, elector_id=elector.pk, in_post_since=date(2020, 1, 6)
            )
    assert "Seule l'élection des professionnels tient compte de l'ancienneté" in str(refused.value)
    assert (elector.name, elector.user_id) == ("Mme Diallo", None)


# --- the count ----------------------------------------------------------------------------------------------------


def test_a_tie_goes_to_the_most_senior_who_sits_as_the_staff_representative(tilleuls, cvs, frozen):
    director = tilleuls.director
    _in_post(director, frozen, tilleuls.roux, date(2026, 1, 15))
    _in_post(director, frozen, tilleuls.benali, date(2019, 3, 4))
    roux = _stand(director, frozen, tilleuls.roux)
    benali = _stand(director, frozen, tilleuls.benali)
    with time_machine.travel(VOTE, tick=False):
        services.election_results_record(
            actor=director, election_id=frozen.pk, voters=5, blank=1, null=0, votes={roux.pk: 2, benali.pk: 2}
        )
    frozen.refresh_from_db()
    assert frozen.status == "counted"
    assert frozen.tie_note == (
        "Égalité départagée au bénéfice du candidat le plus ancien dans l'établissement (en poste depuis le plus "
        "longtemps)."
    )
    seats = {(m.role, m.user, m.name, m.term_start, m.term_end) for m in CouncilMember.objects.filter(election=frozen)}
    assert seats == {
        ("staff_rep", tilleuls.benali, "", date(2026, 7, 15), date(2027, 7, 14)),
        ("substitute", tilleuls.roux, "", date(2026, 7, 15), date(2027, 7, 14)),
    }
    in_office = [m.role for m in cvs.members.all() if rules.term_active(m.term_start, m.term_end, VOTE)]
    assert rules.cvs_colleges(in_office)["professionals"] == 1  # W16 counts the elected staff representative


def test_candidates_in_post_since_the_same_day_are_drawn_by_lots(tilleuls, frozen):
    director = tilleuls.director
    _in_post(director, frozen, tilleuls.morel, date(2024, 9, 2))
    _in_post(director, frozen, tilleuls.roux, date(2024, 9, 2))
    morel = _stand(director, frozen, tilleuls.morel)
    roux = _stand(director, frozen, tilleuls.roux)
    count = {"voters": 4, "blank": 0, "null": 0, "votes": {morel.pk: 2, roux.pk: 2}}
    with time_machine.travel(VOTE, tick=False):
        with pytest.raises(ValidationError) as refused:
            services.election_results_record(actor=director, election_id=frozen.pk, **count)
        assert refused.value.message_dict == {
            "drawn": [
                "Égalité de voix et d'ancienneté pour le dernier siège entre Morel Inès, Roux Claire, en poste depuis "
                "le 02/09/2024 : tirez au sort devant le bureau de vote, puis indiquez le candidat désigné."
            ]
        }
        assert not CouncilMember.objects.filter(election=frozen).exists()
        services.election_results_record(actor=director, election_id=frozen.pk, drawn_id=roux.pk, **count)
    assert CouncilMember.objects.get(election=frozen, role="staff_rep").user == tilleuls.roux
    assert Election.objects.get(pk=frozen.pk).tie_note == (
        "Égalité départagée par l'ancienneté dans l'établissement, puis par tirage au sort devant le bureau de vote "
        "entre les candidats en poste depuis le même jour."
    )


def test_a_carence_of_the_professionals_stays_until_they_are_called_to_vote_again(client, tilleuls, cvs, frozen):
    """Nobody stood: the new election is due six months after the constat (11/07/2026 + 6 months = 11/01/2027); an
    election of the persons' representatives planned meanwhile does not deal with it, the professionals' next one
    does."""
    director = tilleuls.director
    with time_machine.travel(date(2026, 7, 11), tick=False):
        services.election_carence_record(actor=director, election_id=frozen.pk)
    assert Election.objects.get(pk=frozen.pk).new_election_due == date(2027, 1, 11)
    with time_machine.travel(date(2026, 9, 1), tick=False):
        make_election(
            director,
            cvs,
            roll_date=date(2026, 9, 15),
            candidacy_deadline=date(2026, 9, 25),
            vote_on=date(2026, 10, 1),
            title="Élection des représentants des personnes",
        )
    today = date(2026, 12, 20)  # 11/01/2027 is within the 60 days' notice
    assert [a["election"].pk for a in council_followup.carence_alerts(director, today)] == [frozen.pk]
    with time_machine.travel(today, tick=False):
        client.force_login(director)
        html = page_of(client, reverse("community:council_detail", args=[cvs.pk]))
    assert (
        "Aucun candidat à la dernière élection du représentant des professionnels : une nouvelle élection doit avoir "
        "lieu avant le 11 janvier 2027." in html
    )
    with time_machine.travel(today, tick=False):
        make_election(
            director,
            cvs,
            roll_date=date(2026, 12, 31),
            candidacy_deadline=date(2027, 1, 5),
            vote_on=date(2027, 1, 8),
            college="professionals",
            title="Nouvelle élection du représentant des professionnels",
        )
    assert council_followup.carence_alerts(director, today) == []


# --- who may ------------------------------------------------------------------------------------------------------


def test_a_volunteer_or_a_social_worker_neither_freezes_nor_types_and_another_organisation_finds_nothing(
    world, tilleuls, cvs
):
    election = _election(tilleuls.director, cvs)
    with time_machine.travel(FROZEN, tick=False):
        for actor in (tilleuls.volunteer, tilleuls.roux):
            with pytest.raises(PermissionDenied):
                services.election_roll_freeze(actor=actor, election_id=election.pk)
        with pytest.raises(Election.DoesNotExist):
            services.election_roll_freeze(actor=world.users["director"], election_id=election.pk)
        services.election_roll_freeze(actor=tilleuls.director, election_id=election.pk)
        elector = _elector(election, tilleuls.petit)
        for actor in (tilleuls.volunteer, tilleuls.roux):
            with pytest.raises(PermissionDenied):
                services.elector_in_post_since_set(
                    actor=actor, election_id=election.pk, elector_id=elector.pk, in_post_since=date(2020, 1, 6)
                )
        with pytest.raises(Election.DoesNotExist):
            services.elector_in_post_since_set(
                actor=world.users["director"],
                election_id=election.pk,
                elector_id=elector.pk,
                in_post_since=date(2020, 1, 6),
            )
    assert Elector.objects.get(pk=elector.pk).in_post_since is None
    assert not AuditEvent.objects.filter(action="elector.in_post_since").exists()


# --- the pages ----------------------------------------------------------------------------------------------------


def test_the_director_types_in_post_since_on_the_roll_page(client, world, tilleuls, frozen):
    url = reverse("community:election_detail", args=[frozen.pk])
    petit = _elector(frozen, tilleuls.petit)
    with time_machine.travel(FROZEN, tick=False):
        client.force_login(tilleuls.director)
        html = page_of(client, url)
        assert "Représentants des professionnels, élus par les salariés (CASF D311-13)" in html
        assert "5 électeurs inscrits." in html and "5 électeurs sans date d'entrée en poste" in html
        assert html.count('name="step" value="in_post_since"') == 5
        response = client.post(url, {"step": "in_post_since", "elector": petit.pk, "in_post_since": "2025-12-01"})
        assert response.status_code == 302
        html = page_of(client, url)
        assert "Petit Hugo : en poste depuis le 01/12/2025." in html
        assert "1er décembre 2025" in html and "4 électeurs sans date d'entrée en poste" in html
        response = client.post(url, {"step": "in_post_since", "elector": petit.pk, "in_post_since": "2026-07-01"})
        assert response.status_code == 302
        assert "arrêtée au 30/06/2026" in page_of(client, url)
        response = client.post(url, {"step": "in_post_since", "elector": petit.pk, "in_post_since": "pas une date"})
        assert response.status_code == 302
        assert "En poste depuis : Date invalide : jj/mm/aaaa attendu." in page_of(client, url)
        assert Elector.objects.get(pk=petit.pk).in_post_since == date(2025, 12, 1)

        client.force_login(tilleuls.roux)  # a social worker reads the roll, types nothing
        html = page_of(client, url)
        assert "1er décembre 2025" in html and 'value="in_post_since"' not in html
        data = {"step": "in_post_since", "elector": petit.pk, "in_post_since": "2020-01-06"}
        assert client.post(url, data).status_code == 404
        client.force_login(tilleuls.volunteer)
        page_of(client, url, 404)
        assert client.post(url, data).status_code == 404
        client.force_login(world.users["director"])  # another organisation's director
        page_of(client, url, 404)
        assert client.post(url, data).status_code == 404
    assert Elector.objects.get(pk=petit.pk).in_post_since == date(2025, 12, 1)


def test_the_election_form_offers_the_college_to_a_statutory_cvs_only(client, tilleuls, cvs):
    client.force_login(tilleuls.director)
    assert 'name="college"' in page_of(client, reverse("community:election_create", args=[cvs.pk]))
    house = make_council(tilleuls.director, "Conseil de Maison")
    assert 'name="college"' not in page_of(client, reverse("community:election_create", args=[house.pk]))
    data = {
        "title": "Élection du représentant des professionnels",
        "college": "professionals",
        "seats": "1",
        "substitute_seats": "1",
        "term_months": "24",
        "roll_date": "2026-06-30",
        "candidacy_deadline": "2026-07-10",
        "vote_on": "2026-07-15",
        "place": "Salle de réunion",
        "tie_rule": "lots",
    }
    assert client.post(reverse("community:election_create", args=[cvs.pk]), data).status_code == 302
    election = Election.objects.get(council=cvs)
    assert (election.college, election.tie_rule) == ("professionals", "seniority")


def test_the_minutes_say_the_professionals_were_elected(client, tilleuls, frozen):
    director = tilleuls.director
    _in_post(director, frozen, tilleuls.benali, date(2019, 3, 4))
    benali = _stand(director, frozen, tilleuls.benali)
    with time_machine.travel(VOTE, tick=False):
        services.election_results_record(
            actor=director, election_id=frozen.pk, voters=3, blank=0, null=1, votes={benali.pk: 2}
        )
        client.force_login(director)
        html = page_of(client, reverse("community:election_detail", args=[frozen.pk]))
        response = client.get(reverse("community:election_pdf", args=[frozen.pk]))
    assert "Élu·e titulaire" in html and "4 mars 2019" in html
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Collège élu : Représentants des professionnels, élus par les salariés (CASF D311-13)." in text
    assert "En poste depuis" in text and "4 mars 2019" in text
