"""Prevention cases on the database: opened by who may, steps in the procedure's order, deadlines on the
case page and the to-do list, closed with an outcome, all audited and invisible to others."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent, User

from .. import queries, services
from ..models import PreventionCase

pytestmark = pytest.mark.django_db


def _open(world, actor=None, **overrides):
    data = {
        "household_id": world.own_household.pk,
        "dwelling_address": "3 rue des Lilas, Marseille",
        "landlord_name": "Société HLM Sud",
        "landlord_kind": "legal_person",
        "lease_signed_on": date(2024, 1, 10),
        "debt": Decimal("900.00"),
        "monthly_amount": Decimal("450.00"),
        "first_unpaid_on": date(2026, 1, 5),
    }
    return services.case_open(actor=actor or world.users["social_worker"], **(data | overrides))


def test_a_referent_opens_a_case_with_its_first_step(world):
    case = _open(world)
    assert [s.step for s in case.steps.all()] == ["unpaid_recorded"]
    assert AuditEvent.objects.filter(action="prevention_case.open", household_id=world.own_household.pk).exists()


@pytest.mark.parametrize("role", ["rental_manager", "accountant", "receptionist", "volunteer", "technician", "host"])
def test_other_roles_cannot_open_a_case(world, role):
    with pytest.raises(PreventionCase.DoesNotExist):
        _open(world, world.users[role])


def test_a_social_worker_who_is_not_the_referent_sees_nothing(world):
    case = _open(world)
    colleague = User.objects.get(username="a.colleague")
    assert not queries.cases_visible_to(colleague).filter(pk=case.pk).exists()
    assert not queries.cases_visible_to(world.outsider).exists()
    assert queries.cases_visible_to(world.users["team_lead"]).filter(pk=case.pk).exists()


def test_steps_out_of_order_are_refused_and_nothing_is_saved(world):
    case = _open(world)
    worker = world.users["social_worker"]
    with pytest.raises(ValidationError) as excinfo:
        services.case_step_add(actor=worker, case_id=case.pk, step="judgment", on_date=date(2026, 3, 1))
    assert "suppose" in " ".join(excinfo.value.messages)
    with pytest.raises(ValidationError):
        services.case_step_add(actor=worker, case_id=case.pk, step="payment_order", on_date=date(2025, 12, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.case_step_add(actor=worker, case_id=case.pk, step="summons", on_date=date(2026, 3, 1))
    assert "date d'audience" in " ".join(excinfo.value.messages)
    assert case.steps.count() == 1


@time_machine.travel(date(2026, 3, 1), tick=False)
def test_the_deadlines_show_on_the_case_and_on_the_to_do_list(client, world):
    case = _open(world)
    worker = world.users["social_worker"]
    services.case_step_add(actor=worker, case_id=case.pk, step="payment_order", on_date=date(2026, 2, 20))
    client.force_login(worker)
    page = client.get(reverse("evictions:case_detail", args=[case.pk])).content.decode()
    assert "Fin du délai du commandement de payer : 03/04/2026" in page  # 20/02 + 42 days
    home = client.get(reverse("core:home")).content.decode()
    assert "03/04/2026" in home
    assert "impayé à la CAF au plus tard" in home and "05/03/2026" in home  # 2 × 450 reached, early warning
    timeline = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Échéance : Fin du délai du commandement de payer" in timeline
    services.case_close(actor=worker, case_id=case.pk, outcome="debt_settled", closed_on=date(2026, 3, 1))
    timeline = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Échéance :" not in timeline  # a closed case opens no deadline any more


def test_a_case_is_closed_once_with_its_outcome(world):
    case = _open(world)
    worker = world.users["social_worker"]
    services.case_close(actor=worker, case_id=case.pk, outcome="plan_respected", closed_on=date(2026, 6, 1))
    with pytest.raises(ValidationError):
        services.case_close(actor=worker, case_id=case.pk, outcome="left", closed_on=date(2026, 6, 2))
    with pytest.raises(ValidationError):
        services.case_step_add(actor=worker, case_id=case.pk, step="caf_told", on_date=date(2026, 6, 2))
    case.refresh_from_db()
    assert case.outcome == "plan_respected"


def test_the_household_page_shows_the_case_only_to_who_may(client, world):
    case = _open(world)
    services.case_step_add(
        actor=world.users["social_worker"],
        case_id=case.pk,
        step="caf_told",
        on_date=date(2026, 1, 20),
        detail="<script>alert(1)</script>",
    )
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert reverse("evictions:case_detail", args=[case.pk]) in page
    assert "Prévention des expulsions : Signalement à la CAF" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    client.force_login(world.users["director"])
    assert (
        reverse("evictions:case_detail", args=[case.pk])
        in client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    )


# --- FSL ----------------------------------------------------------------------------------------------------------


def _fund(world):
    return services.fsl_fund_add(actor=world.users["director"], department="13", name="FSL des Bouches-du-Rhône")


def test_a_fund_names_its_manager_a_partner_of_kind_departement(client, world):
    """Issue 17: the FSL fund's manager is a partner record, typed by name with the partners suggested."""
    from django.urls import reverse

    from habiter.core.models import Partner

    Partner.objects.create(organisation=world.organisation, name="CAF des Bouches-du-Rhône", kind="other")
    client.force_login(world.users["director"])
    url = reverse("evictions:fsl_funds")
    assert '<option value="CAF des Bouches-du-Rhône"></option>' in client.get(url).content.decode()
    response = client.post(
        url,
        {"department": "13", "name": "FSL des Bouches-du-Rhône", "manager_name": "Département des Bouches-du-Rhône"},
    )
    assert response.status_code == 302
    fund = services.fsl_fund_add(
        actor=world.users["director"], department="84", name="FSL de Vaucluse", manager_name="caf des bouches-du-rhône"
    )
    assert fund.manager.name == "CAF des Bouches-du-Rhône"  # the partner that existed, whatever the case
    created = Partner.objects.get(name="Département des Bouches-du-Rhône")
    assert (created.kind, created.organisation) == ("departement", world.organisation)
    assert "Géré par Département des Bouches-du-Rhône" in client.get(url).content.decode()


def test_only_directors_configure_the_funds(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.fsl_fund_add(actor=world.users["social_worker"], department="13", name="FSL 13")
    _fund(world)
    with pytest.raises(ValidationError):
        _fund(world)


def test_an_fsl_application_is_decided_then_paid(world, client):
    worker = world.users["social_worker"]
    application = services.fsl_application_submit(
        actor=worker,
        household_id=world.own_household.pk,
        fund_id=_fund(world).pk,
        purpose="maintenance_arrears",
        aid_form="grant",
        amount_asked=Decimal("900.00"),
        submitted_on=date(2026, 1, 20),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.fsl_application_decide(
            actor=worker,
            application_id=application.pk,
            decision="granted",
            decided_on=date(2026, 2, 15),
            amount_granted=Decimal("900.01"),
        )
    assert "ne peut pas dépasser" in " ".join(excinfo.value.messages)
    with pytest.raises(ValidationError):
        services.fsl_application_paid(actor=worker, application_id=application.pk, paid_on=date(2026, 2, 20))
    services.fsl_application_decide(
        actor=worker,
        application_id=application.pk,
        decision="granted",
        decided_on=date(2026, 2, 15),
        amount_granted=Decimal("800.00"),
    )
    with pytest.raises(ValidationError):
        services.fsl_application_paid(actor=worker, application_id=application.pk, paid_on=date(2026, 2, 1))
    services.fsl_application_paid(actor=worker, application_id=application.pk, paid_on=date(2026, 2, 28))
    application.refresh_from_db()
    assert (application.decision, application.amount_granted, application.paid_on) == (
        "granted",
        Decimal("800.00"),
        date(2026, 2, 28),
    )
    client.force_login(worker)
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert reverse("evictions:fsl_detail", args=[application.pk]) in page and "Accordée" in page


def test_fsl_applications_are_restricted_data(world):
    from ..models import FslApplication

    fund = _fund(world)
    for role in ("rental_manager", "accountant", "receptionist"):
        with pytest.raises(FslApplication.DoesNotExist):
            services.fsl_application_submit(
                actor=world.users[role],
                household_id=world.own_household.pk,
                fund_id=fund.pk,
                purpose="energy",
                aid_form="grant",
                amount_asked=Decimal("100"),
                submitted_on=date(2026, 1, 20),
            )
    colleague = User.objects.get(username="a.colleague")
    assert not queries.fsl_applications_visible_to(colleague).exists()


def test_a_case_is_not_closed_before_its_last_step(world):
    case = _open(world)
    worker = world.users["social_worker"]
    services.case_step_add(actor=worker, case_id=case.pk, step="payment_order", on_date=date(2026, 2, 20))
    with pytest.raises(ValidationError) as excinfo:
        services.case_close(actor=worker, case_id=case.pk, outcome="debt_settled", closed_on=date(2026, 2, 19))
    assert "dernière étape" in " ".join(excinfo.value.messages)
    assert PreventionCase.objects.get(pk=case.pk).closed_on is None
