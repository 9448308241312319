"""Closing a prevention case asks for confirmation and, for « Dette réglée », agrees with the ledger; a closed case
is reopened by the referent, the team lead or the director, with a reason kept in the journal."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent, User
from habiter.ledger.rent import services as rent_services
from habiter.ledger.tests.factories import make_signed_lease

from .. import services
from ..forms import CloseForm
from ..models import PreventionCase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 6, 10), tick=False):
        yield


def _closed_case(world, outcome="left"):
    worker = world.users["social_worker"]
    case = services.case_open(
        actor=worker,
        household_id=world.own_household.pk,
        dwelling_address="3 rue des Lilas, Marseille",
        landlord_name="Société HLM Sud",
        landlord_kind="legal_person",
        lease_signed_on=date(2024, 1, 10),
        debt=Decimal("900.00"),
        monthly_amount=Decimal("450.00"),
        first_unpaid_on=date(2026, 1, 5),
    )
    if outcome:
        services.case_close(actor=worker, case_id=case.pk, outcome=outcome, closed_on=date(2026, 6, 1))
    return case


def _ledger_debt(world):
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2026, 5, 1))
    return lease


def test_the_close_form_preselects_no_outcome():
    html = str(CloseForm()["outcome"])
    assert '<option value="" selected>' in html
    assert not CloseForm({"closed_on": "2026-06-01"}).is_valid()


def test_debt_settled_while_the_ledger_shows_a_debt_needs_a_reason(world):
    _ledger_debt(world)
    case = _closed_case(world, outcome=None)
    worker = world.users["social_worker"]
    with pytest.raises(ValidationError) as excinfo:
        services.case_close(actor=worker, case_id=case.pk, outcome="debt_settled", closed_on=date(2026, 6, 1))
    assert "montre encore une dette de 550,00 €" in " ".join(excinfo.value.messages)
    assert PreventionCase.objects.get(pk=case.pk).closed_on is None
    services.case_close(
        actor=worker, case_id=case.pk, outcome="debt_settled", closed_on=date(2026, 6, 1), reason="Payée au bailleur"
    )
    event = AuditEvent.objects.get(action="prevention_case.close", object_id=str(case.pk))
    assert event.detail["reason"] == "Payée au bailleur" and Decimal(event.detail["ledger_debt"]) > 0


def test_debt_settled_without_ledger_debt_needs_no_reason(world):
    case = _closed_case(world, outcome=None)
    services.case_close(
        actor=world.users["social_worker"], case_id=case.pk, outcome="debt_settled", closed_on=date(2026, 6, 1)
    )
    assert PreventionCase.objects.get(pk=case.pk).outcome == "debt_settled"


def test_closing_on_the_page_shows_the_consequences_then_closes(client, world):
    _ledger_debt(world)
    case = _closed_case(world, outcome=None)
    client.force_login(world.users["social_worker"])
    url = reverse("evictions:case_close", args=[case.pk])
    data = {"outcome": "debt_settled", "closed_on": "2026-06-01", "reason": "Payée au bailleur"}
    page = client.post(url, data)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Clore le dossier de prévention" in content and "Dette réglée" in content
    assert "montre encore une dette" in content
    assert PreventionCase.objects.get(pk=case.pk).closed_on is None
    assert client.post(url, data | {"confirmed": "1"}).status_code == 302
    assert PreventionCase.objects.get(pk=case.pk).outcome == "debt_settled"


@pytest.mark.parametrize("role", ["social_worker", "team_lead", "director"])
def test_the_referent_the_team_lead_and_the_director_reopen_with_a_reason(world, role):
    case = _closed_case(world)
    services.case_reopen(actor=world.users[role], case_id=case.pk, reason="Nouvel impayé")
    case.refresh_from_db()
    assert case.closed_on is None and case.outcome == ""
    event = AuditEvent.objects.get(action="prevention_case.reopen", object_id=str(case.pk))
    assert event.detail == {"reason": "Nouvel impayé", "outcome": "left", "closed_on": "2026-06-01"}
    assert event.household_id == world.own_household.pk


def test_a_reason_is_required_to_reopen(world):
    case = _closed_case(world)
    with pytest.raises(ValidationError) as excinfo:
        services.case_reopen(actor=world.users["social_worker"], case_id=case.pk, reason="  ")
    assert "pourquoi" in " ".join(excinfo.value.messages)
    assert PreventionCase.objects.get(pk=case.pk).closed_on is not None


def test_an_open_case_is_not_reopened(world):
    case = _closed_case(world, outcome=None)
    with pytest.raises(ValidationError):
        services.case_reopen(actor=world.users["social_worker"], case_id=case.pk, reason="x")


@pytest.mark.parametrize("who", ["colleague", "volunteer", "rental_manager", "outsider"])
def test_others_cannot_reopen(world, who):
    case = _closed_case(world)
    actor = {
        "colleague": lambda: User.objects.get(username="a.colleague"),  # a social worker, not the referent
        "outsider": lambda: world.outsider,
    }.get(who, lambda: world.users[who])()
    with pytest.raises(PreventionCase.DoesNotExist):
        services.case_reopen(actor=actor, case_id=case.pk, reason="Nouvel impayé")
    assert PreventionCase.objects.get(pk=case.pk).closed_on is not None
    assert not AuditEvent.objects.filter(action="prevention_case.reopen").exists()


def test_the_reopen_button_is_behind_a_confirmation_and_404_for_others(client, world):
    case = _closed_case(world)
    page_url = reverse("evictions:case_detail", args=[case.pk])
    url = reverse("evictions:case_reopen", args=[case.pk])
    client.force_login(User.objects.get(username="a.colleague"))
    assert client.post(url, {"reason": "x", "confirmed": "1"}).status_code == 404
    client.force_login(world.users["volunteer"])
    assert client.post(url, {"reason": "x", "confirmed": "1"}).status_code == 404
    client.force_login(world.users["team_lead"])
    assert "Rouvrir le dossier" in client.get(page_url).content.decode()
    confirm = client.post(url, {"reason": "Nouvel impayé"})
    assert confirm.status_code == 200 and "Confirmer la réouverture" in confirm.content.decode()
    assert PreventionCase.objects.get(pk=case.pk).closed_on is not None
    assert client.post(url, {"reason": "Nouvel impayé", "confirmed": "1"}).status_code == 302
    assert PreventionCase.objects.get(pk=case.pk).closed_on is None
