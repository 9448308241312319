"""The demo data tells a true story: what `make run` loads is checked like any other data — one running lease per
household, postcodes that match their towns, no visit nor workshop on a closed day, an index table without a hole, and
at least one case of every to-do of every home page, on an ordinary Wednesday morning."""

from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from habiter.core import registry
from habiter.core.dates import is_open_day
from habiter.core.models import User
from habiter.housing.models import Building, Dwelling
from habiter.leases.models import Lease, LeaseStatus, RentIndex
from habiter.people.demo import TOWNS
from habiter.people.models import Household
from habiter.reception.models import DeskVisit, Referral, WorkshopSession
from habiter.support.models import SupportMeasure

pytestmark = pytest.mark.django_db

WEDNESDAY_MORNING = datetime(2026, 12, 2, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
TOWN_OF = dict(TOWNS)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    # loaded once for the module inside a transaction rolled back at its end: the other tests never see it
    with django_db_blocker.unblock(), override_settings(HABITER_DEMO=True, MEDIA_ROOT=media), transaction.atomic():
        with time_machine.travel(WEDNESDAY_MORNING, tick=False):
            call_command("seed_demo", scale=120, quiet_logins=True)
        yield
        transaction.set_rollback(True)


def _panels(username):
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        return {panel.key: context for panel, context in registry.home_panels(User.objects.get(username=username))}


def test_a_household_has_at_most_one_running_lease(demo):
    running = Counter(Lease.objects.filter(status=LeaseStatus.SIGNED).values_list("household_id", flat=True))
    assert running and max(running.values()) == 1


def test_postcodes_match_their_towns(demo):
    for model in (Household, Dwelling, Building):
        pairs = set(model.objects.values_list("postal_code", "city"))
        assert pairs and all(TOWN_OF.get(postcode) == town for postcode, town in pairs), (model, pairs)


def test_no_visit_nor_workshop_nor_referral_on_a_closed_day(demo):
    days = [timezone.localdate(visit) for visit in DeskVisit.objects.values_list("visited_at", flat=True)]
    days += [timezone.localdate(start) for start in WorkshopSession.objects.values_list("starts_at", flat=True)]
    for created_at, taken_up_at in Referral.objects.values_list("created_at", "taken_up_at"):
        days += [timezone.localdate(moment) for moment in (created_at, taken_up_at) if moment]
    assert days and all(is_open_day(day) for day in days)


def test_no_volunteer_holds_the_desk_nor_facilitates_alone(demo):
    """W24, the volunteer's charter: the demo's visits noted by a volunteer and its sessions a volunteer facilitates
    each name a professional of the association."""
    visits = DeskVisit.objects.filter(recorded_by__role="volunteer")
    sessions = WorkshopSession.objects.filter(facilitator__role="volunteer")
    assert visits.exists()
    for present in (
        *visits.values_list("present_professional__role", flat=True),
        *sessions.values_list("present_professional__role", flat=True),
    ):
        assert present not in (None, "volunteer", "lawyer")


def test_a_revision_waits_only_for_an_index_not_yet_in_the_table(demo):
    """The demo's dwellings (mainland France) find their index in the table, which has no missing quarter; a revision
    whose quarter is after the table's last (an INSEE value not entered yet) is the rental manager's « indice à
    saisir » to-do instead."""
    quarters = sorted(RentIndex.objects.filter(zone="metropole").values_list("year", "quarter"))
    numbers = [year * 4 + quarter for year, quarter in quarters]
    assert len(numbers) >= 16 and numbers == list(range(numbers[0], numbers[-1] + 1))
    assert {dwelling.territory for dwelling in Dwelling.objects.all()} == {"metropole"}


# (user, home panel, what must not be empty) — each to-do of each home page shows at least one case in the demo
TODOS = [
    ("comptable", "ledger.accounting", ["bank_lines", "caf_reports", "statements_to_issue", "payouts", "to_close"]),
    ("gestion.locative", "leases.stock", ["vacant", "prospects_overdue", "tickets_open"]),
    ("gestion.locative", "leases.todo", ["sliding", "emphyteutic", "revisions_due", "index_missing", "ending"]),
    ("avocate", "evictions.legal_desk", ["sessions", "follow_ups"]),
    ("travailleur.social", "support.reviews_due", ["appointments", "plans", "measures", "documents"]),
    ("travailleur.social", "evictions.early_warning", ["warnings"]),
    ("travailleur.social", "evictions.deadlines", ["deadlines"]),
    ("travailleur.social", "people.mine", ["households"]),
    ("travailleur.social", "reception.referrals", ["count", "rows"]),
    ("chef.service", "evictions.early_warning", ["warnings"]),
    ("technicien", "housing.my_tickets", ["tickets"]),
    ("accueil", "reception.desk", ["today_count", "sessions"]),
    ("benevole", "reception.desk", ["today_count", "sessions"]),
    ("accueil", "support.desk_appointments", ["appointments"]),
    ("benevole", "support.desk_appointments", ["appointments"]),
    ("direction", "core.steering", ["statistics", "audit"]),
    (
        "hote",
        "residences.admissions",
        [
            "to_sign",
            "guest_alerts",
            "notices_ending",
            "vacancies",
            "interviews",
            "decisions",
            "notifications",
            "entries",
        ],
    ),
    ("direction", "community.councils", ["meetings", "ending", "concertation"]),
    ("direction", "community.agreements", ["agreements"]),
    ("hote", "community.councils", ["meetings"]),
    ("direction", "reporting.subsidies", ["overdue"]),
]


@pytest.mark.parametrize(("username", "panel", "keys"), TODOS, ids=[f"{u}-{p}" for u, p, _k in TODOS])
def test_the_demo_shows_every_to_do_of_every_home_page(demo, username, panel, keys):
    panels = _panels(username)
    assert panel in panels, f"{username} : panneau {panel} absent"
    empty = [key for key in keys if not panels[panel][key]]
    assert not empty, f"{username} / {panel} : rien à montrer pour {empty}"


def test_the_pensions_de_famille_have_their_places_residents_and_admissions_on_open_days(demo):
    from habiter.residences import queries
    from habiter.residences.models import Orientation, Residence, ResidenceStay, Vacancy

    host = User.objects.get(username="hote")
    residences = {r.name: r for r in queries.residences_for(host)}
    assert set(residences) == {"Les Pléiades", "Soleil"}
    pleiades = residences["Les Pléiades"]
    assert pleiades.opened_on.year == 2014 and pleiades.opened_on.month == 12
    assert pleiades.places.count() == 20
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        statuses = Counter(row.status for row in queries.occupancy(pleiades, on=timezone.localdate()))
        assert statuses["occupied"] >= 10 and statuses["free"] >= 1
        assert "reserved" in {row.status for row in queries.occupancy(residences["Soleil"], on=timezone.localdate())}
    assert Orientation.objects.filter(decision="refused").exclude(refusal_reason="").exists()
    days = [s.entered_on for s in ResidenceStay.objects.all()] + [s.left_on for s in ResidenceStay.objects.all()]
    days += [v.declared_on for v in Vacancy.objects.all()]
    for o in Orientation.objects.prefetch_related("interviews"):
        days += [o.received_on, o.decided_on, o.notified_on, *(i.held_on for i in o.interviews.all())]
    assert Orientation.objects.filter(interviews__attendance="postponed").exists()  # a candidate seen twice
    assert all(is_open_day(day) for day in days if day is not None)
    assert Residence.objects.filter(organisation__name="Autre association").count() == 0
    # their situation before entry and main resource are said, but for the last two who entered
    stays = ResidenceStay.objects.filter(place__residence__in=residences.values())
    assert stays.filter(situation_before_entry="").count() == 2 and stays.filter(main_resource="").count() == 2
    assert stays.filter(situation_before_entry="shelter").count() >= 4


def test_the_pensions_de_famille_have_contracts_a_guest_at_the_limit_and_a_house_journal(demo):
    from habiter.residences import queries
    from habiter.residences.models import HouseActivity, ResidenceContract, ResidenceStay

    host = User.objects.get(username="hote")
    residences = {r.name: r for r in queries.residences_for(host)}
    open_stays = ResidenceStay.objects.filter(place__residence__in=residences.values(), left_on__isnull=True)
    assert not open_stays.filter(contract__isnull=True).exists()  # every resident has their contract
    assert ResidenceContract.objects.filter(status="to_sign", orientation__isnull=False).count() == 1
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        assert queries.guest_alerts(residences["Les Pléiades"], timezone.localdate())
        table = queries.participation_table(residences["Les Pléiades"], year=timezone.localdate().year)
    assert table["total"] >= 3 and table["rows"]
    assert HouseActivity.objects.filter(helpers__role="volunteer").exists()
    assert all(is_open_day(a.held_on) for a in HouseActivity.objects.all())
    # every contract of both houses has its redevance as typed lines, under its convention's maximum
    from habiter.residences.models import RedevanceLine

    contracts = ResidenceContract.objects.filter(place__residence__in=residences.values())
    assert not contracts.exclude(redevance_lines__kind="equivalence_loyer").exists()
    assert RedevanceLine.objects.filter(
        kind="prestation_facultative", contract__place__residence__name="Soleil"
    ).exists()
    assert any(len(queries.redevance_sets(c)) == 2 for c in contracts)  # a change on 1 January, history kept
    # the Pléiades ask a deposit of 150 €: every contract in force has it received through the ledger
    from habiter.ledger.deposits.services import held_amount

    in_force = contracts.filter(status__in=("active", "notice"), place__residence__name="Les Pléiades")
    assert in_force.exists() and {c.deposit_amount for c in in_force} == {Decimal("150.00")}
    assert {held_amount(c.deposit) for c in in_force} == {Decimal("150.00")}


def test_the_councils_have_a_closed_meeting_an_agenda_being_built_and_an_election_with_results(demo):
    from habiter.community import queries
    from habiter.community.demo import seed_community
    from habiter.community.models import AgendaItem, Council, CouncilMember, Election, Meeting

    director = User.objects.get(username="direction")
    councils = {c.name: c for c in Council.objects.filter(organisation=director.organisation)}
    assert set(councils) == {
        "Conseil de Vie Sociale d'Alpa",
        "Conseil de Maison des Pléiades",
        "Conseil de concertation des Pléiades",
    }
    cvs = councils["Conseil de Vie Sociale d'Alpa"]
    closed = Meeting.objects.get(council=cvs, minutes_closed_at__isnull=False)
    assert closed.decisions.count() == 2 and closed.actions.count() == 2 and closed.attendances.exists()
    assert AgendaItem.objects.filter(meeting__council=cvs, meeting__minutes_closed_at__isnull=True).count() == 2
    election = Election.objects.get(council=councils["Conseil de Maison des Pléiades"])
    assert election.status == "counted" and election.voters == 11
    assert CouncilMember.objects.filter(election=election).count() == 3  # two titulaires and a substitute
    # the Conseil de Maison, open to all the residents: last month's meeting closed, the next one open to proposals
    house = councils["Conseil de Maison des Pléiades"]
    held = Meeting.objects.get(council=house, minutes_closed_at__isnull=False)
    assert held.starts_at < WEDNESDAY_MORNING - timedelta(days=20)
    assert held.agenda_items.filter(person__isnull=False).count() == 2  # proposed on behalf of two residents
    assert held.agenda_items.filter(person__isnull=True, entered_by__username="hote").count() == 1  # the host's own
    attendances = held.attendances.all()
    assert (
        attendances.filter(member__isnull=False).count() == 3 and attendances.filter(person__isnull=False).count() == 4
    )
    assert held.decisions.count() == 2 and held.actions.filter(owner_name__startswith="Thomas Garcia").count() == 1
    assert "Tout le monde est d'accord" in held.minutes
    coming = Meeting.objects.get(council=house, minutes_closed_at__isnull=True)
    assert coming.starts_at > WEDNESDAY_MORNING and coming.proposals_until >= WEDNESDAY_MORNING.date()
    assert coming.agenda_items.filter(person__isnull=False).count() == 1  # a resident's proposal already in
    days = [m.starts_at.date() for m in Meeting.objects.all()]
    assert all(is_open_day(day) for day in days)
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        concertation = queries.concertation_check(
            queries.council_for_page(director, councils["Conseil de concertation des Pléiades"].pk),
            timezone.localdate(),
        )
    assert concertation.overdue and concertation.composition_error is None and not concertation.required
    before = (Council.objects.count(), Meeting.objects.count(), CouncilMember.objects.count())
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        seed_community(director.organisation, {"d": director}, 120, None)  # a second run adds nothing
    assert (Council.objects.count(), Meeting.objects.count(), CouncilMember.objects.count()) == before


def test_ten_partners_have_their_agreements_one_due_for_renewal(demo):
    from habiter.community.models import Agreement, Partner

    director = User.objects.get(username="direction")
    partners = Partner.objects.filter(organisation=director.organisation)
    assert partners.filter(agreements__isnull=False).distinct().count() == 10
    assert Agreement.objects.filter(organisation=director.organisation).count() == 10
    # the two named only by the desk's referrals and the plans' steps came in as « Autre », without an agreement;
    # the legal desk's bar, typed on its sessions, of kind « accès au droit »
    assert sorted(partners.filter(agreements__isnull=True).values_list("name", "kind")) == [
        ("ADIL 13", "other"),
        ("Barreau de Marseille", "legal"),
        ("CAF des Bouches-du-Rhône", "other"),
    ]
    assert SupportMeasure.objects.filter(organisation=director.organisation, prescriber__name="SIAO 13").exists()
    panel = _panels("direction")["community.agreements"]
    assert [row["agreement"].partner.name for row in panel["agreements"]] == ["Pays d'Aix Habitat (PAHM)"]


def test_the_owners_survey_has_its_seventeen_answers(demo):
    from habiter.community import queries

    manager = User.objects.get(username="gestion.locative")
    (survey,) = queries.survey_list(manager)
    assert survey.response_count == 17 and survey.audience == "owners"
    _responses, results = queries.survey_results(queries.survey_for_page(manager, survey.pk))
    # 5 ×6, 4 ×7, 3 ×3, 2 ×1: (30 + 28 + 9 + 2) / 17 = 69 / 17 = 4.06 → 4.1.
    assert str(results[0].mean) == "4.1"
    # Oui 14, Non 1, Ne sait pas 2 of 17: 82.4 → 82, 5.9 → 6, 11.8 → 12 %.
    assert results[1].counts == [("Oui", 14, 82), ("Non", 1, 6), ("Ne sait pas", 2, 12)]
    assert len(results[2].texts) == 9


def test_the_association_sits_at_the_ccapex_and_the_siaos_commission(demo):
    from habiter.community import queries

    director = User.objects.get(username="direction")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        today = timezone.localdate()
        current = [(s.body, s.partner.name, s.member.username) for s in queries.representations(director, today)]
        past = queries.representations(director, today, past=True)
    assert current == [
        ("CCAPEX", "Département des Bouches-du-Rhône", "direction"),
        ("Commission d'orientation", "SIAO 13", "travailleur.social"),
    ]
    assert [(s.body, s.role) for s in past] == [("Commission d'orientation", "substitute")]


def test_the_demo_volunteer_signed_the_charter_and_has_missions_hours_and_an_invitation(demo):
    from habiter.community import volunteers
    from habiter.community.models import Volunteer, VolunteerHours

    volunteer = User.objects.get(username="benevole")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        assert not volunteers.charter_holds(volunteer)  # `make run`'s volunteer login goes straight in
        assert volunteers.invited_meetings(volunteer, timezone.localdate())
    assert Volunteer.objects.filter(organisation=volunteer.organisation).count() == 3
    assert VolunteerHours.objects.filter(mission__volunteer__user=volunteer).count() == 24  # 12 weeks × 2 missions


def test_the_demo_treasurer_also_supervises_volunteers_and_both_count_for_his_cec(demo):
    from habiter.community import rules, volunteers

    director = User.objects.get(username="direction")
    rows, _ = volunteers.cec_rows(director, 2026)  # twelve weekly sessions before 2 December 2026, all in 2026
    # 12 × 6 h on the board + 12 × 3 h coordinating the desk's volunteers = 72 + 36 = 108 h: ≥ 100, < 200 (W27)
    assert rows == [["Marcel Dupuis", Decimal("72"), Decimal("36"), Decimal("108"), rules.CEC_IF_OTHER_HOURS]]


def test_the_projects_three_strategic_objectives_are_graded_in_a_closed_campaign_and_answered_by_link(demo):
    from habiter.community import queries
    from habiter.community.models import GradingCampaign, StrategicProject

    director = User.objects.get(username="direction")
    project = StrategicProject.objects.get(organisation=director.organisation)
    assert (project.start_year, project.end_year) == (2024, 2028)
    campaign, this_year = GradingCampaign.objects.filter(project=project).order_by("held_on")
    assert not campaign.is_open and campaign.anonymous
    grades = [result.grade for _objective, result in queries.campaign_results(campaign)]
    assert grades == ["A", "B", "C"]
    assert queries.sheet_count(campaign) == 12
    # this year's campaign is open to answers through its link; three participants answered by it: objective 1
    # three « atteint » of three (A), objective 2 one « atteint », one « non atteint », one « partagé » (C),
    # objective 3 one « non atteint » of three (C)
    assert this_year.is_open and this_year.link_key
    assert [result.grade for _objective, result in queries.campaign_results(this_year)] == ["A", "C", "C"]
    assert queries.sheet_count(this_year) == 3
    assert not this_year.answers.filter(by_link=False).exists()


def test_the_subsidies_of_2025_have_one_overdue_compte_rendu_and_a_request_flagged_for_it(demo):
    from habiter.reporting import queries
    from habiter.reporting.models import Subsidy

    director = User.objects.get(username="direction")
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        today = timezone.localdate()
        pending = queries.crfs_pending(director, today)
        checklist = queries.threshold_checklist(director, 2025)
    assert [s.funder.name for s in pending["overdue"]] == ["Département du Rhône"]
    assert Subsidy.objects.filter(organisation=director.organisation, year_end__year=2025).count() == 5
    assert checklist.total == Decimal("133500.00") and not checklist.above  # public grants only: no foundation
    flagged = Subsidy.objects.get(organisation=director.organisation, purpose="FSL — ASLL 2027")
    assert "en retard" in flagged.request_warning


def test_the_iml_report_of_2025_shows_the_costs_of_its_three_activities(demo):
    from habiter.reporting import indicators
    from habiter.reporting.queries import reporting_scope

    director = User.objects.get(username="direction")
    period = indicators.Period(date(2025, 1, 1), date(2025, 12, 31))
    (costs,) = indicators.compute("iml_activity_costs", reporting_scope(director), period)
    # sublets 8 400 + 21 350 + 32 800 = 62 550; mandates 2 600 + 5 900 = 8 500, their support not separated
    assert costs["rows"][-1] == ["Total", 11000.0, 27250.0, 32800.0, 71050.0]
    assert costs["rows"][1][3] == ""


def test_a_foyer_de_jeunes_travailleurs_has_its_residents_and_its_pse_so_the_agls_shows_its_bonus(demo):
    from habiter.reporting import indicators
    from habiter.reporting.queries import reporting_scope
    from habiter.residences.models import Residence, ResidenceStay, YoungWorkersPse

    director = User.objects.get(username="direction")
    (fjt,) = Residence.objects.filter(organisation=director.organisation, young_workers=True)
    assert (fjt.name, fjt.kind) == ("Le Tremplin", "residence_sociale") and not fjt.hosts.exists()
    assert fjt.places.count() == 6
    assert ResidenceStay.objects.filter(place__residence=fjt, left_on__isnull=True).count() == 4
    assert all(is_open_day(s.entered_on) for s in ResidenceStay.objects.filter(place__residence=fjt))
    # the demo is loaded on 2 December 2026: the PSE of 2025 is the one the AGLS of 2026 reads
    assert list(YoungWorkersPse.objects.filter(residence=fjt).values_list("year", "amount")) == [
        (2025, Decimal("48000.00"))
    ]
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        period = indicators.Period(date(2026, 1, 1), date(2026, 12, 31))
        (table,) = indicators.compute("agls_grant", reporting_scope(director), period)
    bonus = table["columns"].index("Bonus FJT (€)")
    (row,) = [r for r in table["rows"] if r[0] == "Le Tremplin"]
    assert row[bonus] == 14400.0  # 0,30 × 48 000,00


def test_a_pleiades_resident_agreed_to_receive_the_redevance_documents_by_email(demo):
    from habiter.ledger.mailing.queries import consenting_contracts

    accountant = User.objects.get(username="comptable")
    (contract,) = consenting_contracts(accountant.organisation_id).select_related("place__residence")
    assert contract.place.residence.name == "Les Pléiades" and contract.status == "active"
    assert "@" in contract.consent_email


def test_a_caf_apl_foyer_transfer_waits_in_the_bank_queue_and_splits_across_pleiades_contracts(demo):
    from habiter.ledger.bank.redevances import bank_line_split_redevances
    from habiter.ledger.models import BankLine, RedevanceCall
    from habiter.ledger.redevance.demo import _apl

    accountant = User.objects.get(username="comptable")
    (line,) = BankLine.objects.filter(organisation=accountant.organisation, label__icontains="Versement APL-foyer")
    assert line.state == "unmatched"
    # this month's calls of the signed Pléiades contracts whose APL-foyer the CAF paid by hand last month but not
    # this month (the resident who pays nothing has neither): the line's
    calls = [
        call
        for call in RedevanceCall.objects.filter(
            organisation=accountant.organisation,
            period=date(2026, 12, 1),
            contract__status="active",
            contract__place__residence__name="Les Pléiades",
            cancelled_on__isnull=True,
        )
        if not call.contract.redevance_payments.filter(source="caf", received_on__gte=call.period).exists()
        and call.contract.redevance_payments.filter(source="caf", received_on__gte=date(2026, 11, 1)).exists()
    ]
    assert len(calls) >= 2 and sum(_apl(call) for call in calls) == line.amount
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        payments = bank_line_split_redevances(
            actor=accountant, line_id=line.pk, parts=[(call.contract_id, _apl(call)) for call in calls]
        )
    line.refresh_from_db()
    assert line.state == "matched" and {p.bank_line_id for p in payments} == {line.pk}
    for call in calls:
        call.refresh_from_db()
        assert call.settled
