"""A report run keeps its figures: re-read years later it says the same, and a re-run shows what changed."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent, Role, User
from habiter.people.models import Concern, Person
from habiter.reporting import indicators, rules, services
from habiter.reporting.models import ReportRun
from habiter.reporting.queries import report_run_changes, report_run_for, report_runs_visible_to

from . import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return dataset.build()


def rows_of(result, code):
    return next(table["rows"] for table in result if table["code"] == code)


def test_a_2025_report_read_in_2027_gives_the_first_figures_and_the_rerun_shows_the_change(data):
    with time_machine.travel("2026-01-10 09:00 +01:00", tick=False):
        run = services.report_run(actor=data.director, code="activity", start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert rows_of(run.result, "households_accompanied")[-1] == ["Total (chaque ménage une fois)", 3, 6]
    event = AuditEvent.objects.get(action="report.run")
    assert event.actor == data.director and event.object_id == str(run.pk)
    assert event.detail == {"code": "activity", "start": "2025-01-01", "end": "2025-12-31"}

    # In 2027, a baby is added to the Martin household and its file gets a concern it did not have in 2025.
    with time_machine.travel("2027-03-01 10:00 +01:00", tick=False):
        Person.objects.create(
            organisation=data.organisation,
            household=data.martin,
            first_name="Léa",
            last_name="Martin",
            relation="child",
        )
        data.martin.concerns.add(Concern.objects.get(label="Surpeuplement"))
        stored = report_run_for(data.director, run.pk)
        changes = report_run_changes(data.director, stored)

    assert stored.result == run.result
    assert rows_of(stored.result, "households_accompanied")[-1] == ["Total (chaque ménage une fois)", 3, 6]
    assert stored.generated_at.isoformat() == "2026-01-10T08:00:00+00:00"
    assert changes["definitions_changed"] is False
    assert [(d.table, d.row, d.column, d.before, d.after) for d in changes["differences"]] == [
        ("Ménages et personnes accompagnés, par dispositif", "AVDL", "Personnes", 6, 7),
        ("Ménages et personnes accompagnés, par dispositif", "ASLL", "Personnes", 2, 3),
        ("Ménages et personnes accompagnés, par dispositif", "Total (chaque ménage une fois)", "Personnes", 6, 7),
        ("Ménages et personnes entrés en accompagnement, par dispositif", "ASLL", "Personnes", 2, 3),
        (
            "Ménages et personnes entrés en accompagnement, par dispositif",
            "Total (chaque ménage une fois)",
            "Personnes",
            6,
            7,
        ),
        ("Panorama des problématiques des ménages accompagnés", "Logement — Surpeuplement", "2025", 1, 2),
    ]
    assert ReportRun.objects.count() == 1  # comparing writes nothing


def test_a_rerun_is_a_new_run_and_the_first_stays(data):
    first = services.report_run(actor=data.director, code="desk_visits", start=date(2025, 1, 1), end=date(2025, 12, 31))
    data.martin.desk_visits.update(topics=["energy"])
    second = services.report_run(
        actor=data.director, code="desk_visits", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert rows_of(ReportRun.objects.get(pk=first.pk).result, "desk_visits")[0] == ["Recherche de logement", 2]
    assert rows_of(second.result, "desk_visits")[0] == ["Recherche de logement", 1]
    assert second.code_version == first.code_version == indicators.code_version("desk_visits")
    assert list(report_runs_visible_to(data.director)) == [second, first]


def test_a_team_leads_run_counts_and_stays_with_their_team(data):
    run = services.report_run(
        actor=data.team_lead, code="concerns_panorama", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert run.team == data.team_lead.team
    assert rows_of(run.result, "concerns_panorama") == [["Budget", "Dettes", 2], ["Logement", "Insalubrité", 1]]
    assert list(report_runs_visible_to(data.team_lead)) == [run]
    other_lead = User.objects.create_user(
        username="chef-b", organisation=data.organisation, role=Role.TEAM_LEAD, team=data.petit.team
    )
    assert not report_runs_visible_to(other_lead).exists()
    assert list(report_runs_visible_to(data.director)) == [run]  # a director reads every run of the organisation
    with pytest.raises(ReportRun.DoesNotExist):
        report_run_for(data.other_director, run.pk)


@pytest.mark.parametrize("who", ["social_worker", "volunteer"])
def test_only_directors_and_team_leads_run_reports(data, who):
    with pytest.raises(PermissionDenied):
        services.report_run(actor=getattr(data, who), code="activity", start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert not ReportRun.objects.exists() and not AuditEvent.objects.filter(action="report.run").exists()


@pytest.mark.parametrize(
    ("code", "start", "end", "field", "message"),
    [
        ("nothing", date(2025, 1, 1), date(2025, 12, 31), "code", "Ce rapport n'existe pas."),
        (
            "activity",
            date(2025, 2, 1),
            date(2025, 1, 31),
            "end",
            "La fin de la période ne peut pas précéder son début.",
        ),
    ],
)
def test_a_run_refuses_in_french(data, code, start, end, field, message):
    with pytest.raises(ValidationError) as refused:
        services.report_run(actor=data.director, code=code, start=start, end=end)
    assert refused.value.message_dict == {field: [message]}
    assert not ReportRun.objects.exists()


def test_code_version_follows_the_definitions():
    assert indicators.code_version("households_accompanied") != indicators.code_version("households_entered")
    assert indicators.code_version("activity") == indicators.code_version("activity")
    assert len(indicators.code_version("activity")) == 16


def test_differences_name_rows_that_appear_or_disappear():
    before = [{"code": "x", "title": "T", "columns": ["Motif", "Passages"], "rows": [["A", 1], ["B", 2]]}]
    after = [{"code": "x", "title": "T", "columns": ["Motif", "Passages"], "rows": [["A", 1], ["C", 4]]}]
    assert rules.differences(before, after) == [
        rules.Difference("T", "C", "Passages", None, 4),
        rules.Difference("T", "B", "Passages", 2, None),
    ]
    assert rules.differences(after, after) == []


def test_a_director_opening_a_team_leads_run_compares_it_with_the_teams_figures(data):
    run = services.report_run(actor=data.team_lead, code="activity", start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert rows_of(run.result, "households_accompanied")[-1] == ["Total (chaque ménage une fois)", 2, 3]
    # Counted with the director's own scope, Petit's household (team B) would show as a change everywhere.
    assert report_run_changes(data.director, run)["differences"] == []
    assert report_run_changes(data.team_lead, run)["differences"] == []
    Person.objects.create(
        organisation=data.organisation, household=data.petit, first_name="Noé", last_name="Petit", relation="child"
    )
    assert report_run_changes(data.director, run)["differences"] == []  # team B is not the run's
    Person.objects.create(
        organisation=data.organisation, household=data.bernard, first_name="Lou", last_name="Bernard", relation="child"
    )
    changed = {
        (d.table, d.row, d.column, d.before, d.after) for d in report_run_changes(data.director, run)["differences"]
    }
    # Martin (2 persons) and Bernard (1, now 2) of team A: 3 persons become 4.
    assert ("Ménages et personnes accompagnés, par dispositif", "AVDL", "Personnes", 3, 4) in changed


def test_a_directors_run_is_recounted_over_the_whole_organisation_whoever_reads_it(data):
    run = services.report_run(
        actor=data.director, code="households_accompanied", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert report_run_changes(data.director, run)["differences"] == []


def test_code_version_changes_when_a_helper_of_the_query_changes(tmp_path, monkeypatch):
    """A helper the compute function calls, not the function itself, changes: the version must change too."""
    import importlib
    import linecache
    import sys

    source = (
        "def _helper():\n    return {helper}\n\n\n"
        "def compute(scope, period):\n    return ['Ligne', 'Nombre'], [['Total', _helper()]]\n"
    )
    module_file = tmp_path / "helper_indicator.py"
    module_file.write_text(source.format(helper=1))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("helper_indicator")
    indicator = indicators.Indicator(code="helper_probe", title="T", unit="u", rule="r", compute=module.compute)
    monkeypatch.setitem(indicators.INDICATORS, "helper_probe", indicator)
    before = indicators.code_version("helper_probe")

    module_file.write_text(source.format(helper=2))
    linecache.checkcache(str(module_file))
    importlib.reload(module)
    try:
        assert indicators.code_version("helper_probe") != before
    finally:
        sys.modules.pop("helper_indicator", None)


def test_code_version_changes_with_a_variants_parameters():
    assert indicators.code_version("avdl") != indicators.code_version("asll")
    assert indicators.code_version("households_accompanied") != indicators.code_version("households_exited")


def test_a_shared_counting_rule_is_part_of_every_indicators_version(monkeypatch):
    """`during` and `in_period` live in `base`, beside none of the queries that use them: a change there must
    change the version of an indicator of another module."""
    before = indicators.code_version("desk_visits")
    real = indicators.inspect.getsource

    def edited(module):
        return real(module) + ("\n# edited" if module is indicators.base else "")

    monkeypatch.setattr(indicators.inspect, "getsource", edited)
    assert indicators.code_version("desk_visits") != before


def test_a_run_stored_before_the_code_moved_is_compared_with_the_definitions_it_was_counted_by(data, monkeypatch):
    from habiter.reporting.indicators import history

    run = services.report_run(actor=data.director, code="desk_visits", start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert report_run_changes(data.director, run)["definitions_changed"] is False
    # The run as if stored before a move of the code: its fingerprint is the old one, listed with the new one.
    ReportRun.objects.filter(pk=run.pk).update(code_version="0123456789abcdef")
    run.refresh_from_db()
    assert report_run_changes(data.director, run)["definitions_changed"] is True
    monkeypatch.setitem(
        history.SPLIT_INTO_SUB_DOMAINS, "desk_visits", ("0123456789abcdef", indicators.code_version("desk_visits"))
    )
    assert report_run_changes(data.director, run)["definitions_changed"] is False
    # Once the counting changes after the move, the run is said to be counted otherwise again.
    monkeypatch.setitem(history.SPLIT_INTO_SUB_DOMAINS, "desk_visits", ("0123456789abcdef", "fedcba9876543210"))
    assert report_run_changes(data.director, run)["definitions_changed"] is True


def test_the_moves_listed_name_registered_codes_and_distinct_fingerprints():
    """The codes registered at the split are listed; those registered after it (the AGLS report's) had no run
    stored before it, so they are not."""
    from habiter.reporting.indicators import history

    assert set(history.SPLIT_INTO_SUB_DOMAINS) <= set(indicators.INDICATORS) | set(indicators.REPORTS)
    assert "agls" not in history.SPLIT_INTO_SUB_DOMAINS and "agls" in indicators.REPORTS
    for move in history.MOVES:
        assert set(move) <= set(indicators.INDICATORS) | set(indicators.REPORTS)
        befores = [before for before, _after in move.values()]
        assert len(set(befores)) == len(befores)
    # The panorama left `measures` when it was counted by year, and the ASLL report gained the FSL's tables: their
    # counting changed, so a run stored before says so.
    assert {"concerns_panorama", "activity", "asll"}.isdisjoint(history.PANORAMA_OUT_OF_MEASURES)
    assert history.MOVES[-1] is history.PANORAMA_OUT_OF_MEASURES


def test_a_fingerprint_is_read_through_each_move_in_turn(monkeypatch):
    """A run stored before the split, read after a later move of the code: the split's pair, then the later one."""
    from habiter.reporting.indicators import history

    monkeypatch.setattr(
        history,
        "MOVES",
        ({"avdl": ("1111111111111111", "2222222222222222")}, {"avdl": ("2222222222222222", "3333333333333333")}),
    )
    assert history.moved("avdl", "1111111111111111") == "3333333333333333"
    assert history.moved("avdl", "2222222222222222") == "3333333333333333"
    assert history.moved("avdl", "3333333333333333") == "3333333333333333"
    assert history.moved("avdl", "4444444444444444") == "4444444444444444"  # a counting that changed stays so
    assert history.moved("iml", "1111111111111111") == "1111111111111111"


def test_an_indicator_that_calls_another_modules_count_follows_its_changes(monkeypatch):
    """AGLS's exits are the residences' count of exits: a change in `indicators.residences` changes their version."""
    before, desk_before = indicators.code_version("agls_exits"), indicators.code_version("desk_visits")
    real = indicators.inspect.getsource

    def edited(module):
        return real(module) + ("\n# edited" if module is indicators.residences else "")

    monkeypatch.setattr(indicators.inspect, "getsource", edited)
    assert indicators.code_version("agls_exits") != before
    assert indicators.code_version("desk_visits") == desk_before  # the desk's count calls nothing of the residences
