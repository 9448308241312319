"""Every action the code writes to the audit log has a French label: the source is scanned for the `action=`
given to `audit_record`, `audit_record_many` and `AuditEvent(...)`, so an unlabelled action fails here even
before a test runs the service that writes it."""

import ast
import re
from pathlib import Path

import pytest

from habiter.core.audit_actions import AuditAction
from habiter.leases.rules import LEASE_TRANSITIONS
from habiter.ledger.models import ArrearsLetterKind, ReceiptKind

ROOT = Path(__file__).resolve().parents[1]
WRITERS = {"audit_record", "audit_record_many", "AuditEvent"}

# Reads the source files only, no database: on the SQLite pass of make test (decision record 0041).
pytestmark = pytest.mark.one_pass("sqlite")


def _sources():
    for path in sorted((ROOT / "habiter").rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" not in parts and "migrations" not in parts:
            yield path


def _written_actions():
    """(file:line, node) of each `action=` argument of an audit write in the application's code."""
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in WRITERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", keyword.value


def _literals(node) -> list[str] | None:
    """The strings an argument can be: a literal, or both branches of `a if c else b`; None when it is built."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def test_every_literal_action_has_a_label():
    seen, unlabelled = 0, []
    for where, node in _written_actions():
        for action in _literals(node) or []:
            seen += 1
            if action not in AuditAction.values:
                unlabelled.append(f"{where}: {action}")
    assert seen > 80  # the scan finds the services' writes
    assert not unlabelled, "Actions without a label in AuditAction:\n" + "\n".join(unlabelled)


def test_every_built_action_matches_a_label():
    """An f-string action (`f"lease.{to_status}"`) must at least match one labelled action; the tests below list
    the values it takes."""
    built = []
    for where, node in _written_actions():
        if isinstance(node, ast.JoinedStr):
            pattern = "".join(
                re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+" for part in node.values
            )
            built.append(where)
            assert any(re.fullmatch(pattern, value) for value in AuditAction.values), f"{where}: {pattern}"
    assert built


def test_the_actions_built_at_run_time_are_all_labelled():
    targets = {target for targets in LEASE_TRANSITIONS.values() for target in targets}
    expected = {f"lease.{status}" for status in targets}
    expected |= {f"ledger.{kind}_issue" for kind in ReceiptKind.values}
    expected |= {f"ledger.{kind}_send" for kind in ArrearsLetterKind.values}
    assert expected <= set(AuditAction.values), expected - set(AuditAction.values)


def test_labels_are_french_and_distinct():
    labels = [str(label) for label in AuditAction.labels]
    assert all(label and label[0].isupper() for label in labels)
    assert len(set(labels)) == len(labels)
