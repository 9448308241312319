import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.support import plans as plan_services
from habiter.support import rules, services
from habiter.support.models import PlanGoal, SupportPlan

pytestmark = pytest.mark.django_db


def start(world, actor=None, **kwargs):
    return plan_services.plan_start(
        actor=actor or world.users["social_worker"],
        household_id=world.own_household.pk,
        started_on=kwargs.pop("started_on", timezone.localdate() - timedelta(days=40)),
        **kwargs,
    )


def test_plan_goals_steps_reviews_and_signature(world):
    worker = world.users["social_worker"]
    plan = start(world, review_rhythm_months=2)
    assert plan.next_review_on == rules.next_review(plan.started_on, 2)
    with pytest.raises(ValidationError, match="déjà un projet"):
        start(world)
    goal = plan_services.goal_add(
        actor=worker,
        plan_id=plan.pk,
        life_area="housing",
        title="Trouver un logement adapté",
        person_words="Je veux un endroit calme pour mes enfants.",
    )
    with pytest.raises(ValidationError, match="quel partenaire"):
        plan_services.step_add(actor=worker, goal_id=goal.pk, description="Instruire le dossier", owner="partner")
    step = plan_services.step_add(
        actor=worker, goal_id=goal.pk, description="Déposer la demande de logement social", owner="person"
    )
    plan_services.step_set_status(actor=worker, step_id=step.pk, status="done")
    review = plan_services.review_record(
        actor=worker,
        plan_id=plan.pk,
        held_on=timezone.localdate(),
        what_moved="Demande déposée.",
        what_next="Relancer la mairie.",
    )
    plan.refresh_from_db()
    assert plan.next_review_on == rules.next_review(review.held_on, 2)
    plan_services.signature_record(
        actor=worker,
        plan_id=plan.pk,
        signed_on=timezone.localdate(),
        method="paper",
        signatories="Mme Lefèvre, S. Martin",
    )
    assert PlanGoal.objects.get(pk=goal.pk).person_words == "Je veux un endroit calme pour mes enfants."
    actions = set(AuditEvent.objects.filter(household_id=world.own_household.pk).values_list("action", flat=True))
    assert {
        "plan.start",
        "plan.goal_add",
        "plan.step_add",
        "plan.step_status",
        "plan.review",
        "plan.signature",
    } <= actions


def test_health_goals_are_restricted(world):
    plan = start(world)
    colleague = UserFactory(organisation=world.organisation, team=world.team, role="social_worker")
    with pytest.raises(ValidationError, match="objectif de santé"):
        plan_services.goal_add(actor=colleague, plan_id=plan.pk, life_area="health", title="Soins")
    goal = plan_services.goal_add(
        actor=world.users["social_worker"], plan_id=plan.pk, life_area="health", title="Soins"
    )
    from habiter.support.queries import plan_of

    assert list(plan_of(colleague, world.own_household).goals.all()) == []
    assert list(plan_of(world.users["team_lead"], world.own_household).goals.all()) == [goal]
    with pytest.raises(PlanGoal.DoesNotExist):
        plan_services.goal_set_status(actor=colleague, goal_id=goal.pk, status="achieved")


def test_reviews_cannot_be_in_the_future_or_before_the_start(world):
    plan = start(world)
    worker = world.users["social_worker"]
    for held_on, message in (
        (timezone.localdate() + timedelta(days=1), "futur"),
        (plan.started_on - timedelta(days=1), "précéder le début"),
    ):
        with pytest.raises(ValidationError, match=message):
            plan_services.review_record(actor=worker, plan_id=plan.pk, held_on=held_on, what_moved="x", what_next="y")


def test_out_of_scope_plans_are_not_found(world):
    plan = start(world)
    with pytest.raises(SupportPlan.DoesNotExist):
        plan_services.goal_add(actor=world.outsider, plan_id=plan.pk, life_area="housing", title="x")
    with pytest.raises(SupportPlan.DoesNotExist):
        plan_services.goal_add(actor=world.users["volunteer"], plan_id=plan.pk, life_area="housing", title="x")


def test_plan_page_flow_and_reviews_due_on_the_home_page(client, world):
    client.force_login(world.users["social_worker"])
    url = reverse("support:plan_detail", args=[world.own_household.pk])
    assert "Commencer le projet" in client.get(url).content.decode()
    started = (timezone.localdate() - timedelta(days=80)).isoformat()
    assert client.post(url, {"action": "start", "started_on": started, "review_rhythm_months": "3"}).status_code == 302
    response = client.post(
        url,
        {
            "action": "goal",
            "life_area": "budget",
            "title": "Rembourser la dette de loyer",
            "person_words": "Je veux m'en sortir.",
        },
    )
    assert response.status_code == 302
    bad = client.post(url, {"action": "review", "held_on": "", "what_moved": "", "what_next": ""})
    assert bad.status_code == 200 and "Ce champ est obligatoire." in bad.content.decode()
    page = client.get(url).content.decode()
    assert "Rembourser la dette de loyer" in page and "« Je veux m&#x27;en sortir. »" in page
    home = client.get(reverse("core:home")).content.decode()
    assert "Bilans de projet" in home and "Lefèvre" in home  # due within 30 days (80 days after a 3-month start)
    assert client.post(url, {"action": "nonsense"}).status_code == 404


def test_the_plan_prints_as_a_pdf(client, world, tmp_path):
    worker = world.users["social_worker"]
    plan = start(world)
    plan_services.goal_add(
        actor=worker,
        plan_id=plan.pk,
        life_area="housing",
        title="Trouver un logement adapté",
        person_words="Un logement près de l'école — 🏠",
    )
    client.force_login(worker)
    response = client.get(reverse("support:plan_pdf", args=[world.own_household.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    printed = AuditEvent.objects.get(action="household.read", household_id=world.own_household.pk)
    assert printed.detail == {"read": "support.plan_pdf"} and printed.object_id == str(plan.pk)
    if shutil.which("pdftotext"):
        pdf = tmp_path / "plan.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Projet personnalisé d'accompagnement" in text
        assert "Trouver un logement adapté" in text
        assert "La personne accompagnée" in text  # the place for the signature
    other = client.get(reverse("support:plan_pdf", args=[world.other_team_household.pk]))
    assert other.status_code == 404


def test_plan_events_show_on_the_timeline_and_interventions_link_a_goal(client, world):
    worker = world.users["social_worker"]
    plan = start(world)
    goal = plan_services.goal_add(actor=worker, plan_id=plan.pk, life_area="rights", title="Ouvrir les droits CAF")
    health = plan_services.goal_add(actor=worker, plan_id=plan.pk, life_area="health", title="Suivi médical")
    plan_services.review_record(
        actor=worker, plan_id=plan.pk, held_on=timezone.localdate(), what_moved="A", what_next="B"
    )
    intervention = services.intervention_log(
        actor=worker,
        household_id=world.own_household.pk,
        kind="administrative",
        occurred_on=timezone.localdate(),
        duration_minutes=20,
        goal_id=goal.pk,
    )
    assert intervention.goal == goal
    colleague = UserFactory(organisation=world.organisation, team=world.team, role="social_worker")
    with pytest.raises(ValidationError, match="pas celui de ce ménage"):
        services.intervention_log(
            actor=colleague,
            household_id=world.own_household.pk,
            kind="phone",
            occurred_on=timezone.localdate(),
            duration_minutes=5,
            goal_id=health.pk,
        )
    client.force_login(worker)
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk]) + "?type=plan").content.decode()
    assert "Projet personnalisé commencé" in page and "Objectif : Ouvrir les droits CAF" in page
    assert "Bilan du projet" in page and "Suivi médical" in page
    client.force_login(colleague)
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk]) + "?type=plan").content.decode()
    assert "Ouvrir les droits CAF" in page and "Suivi médical" not in page
