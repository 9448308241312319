"""End to end, in Chromium: the director of the association graded the project's four strategic objectives at a
seminar; four participants' sheets are already typed, a social worker types the last two (one form per
participant, anonymous), and the results show the grades at the boundaries of the project's scale — exactly two in
three « atteint » (A), exactly half (B), exactly half « non atteint » (D), exactly two in three (E). The director
then opens the campaign's answering link: a person accompanied answers through it on a phone, without an account,
and two grades change (A → B, E → D). The director closes the campaign after the confirmation page and the project
page compares the grades. axe-core on every page; screenshots at desktop and phone widths."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from habiter.community import services

from .support import PHONE, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
OBJECTIVES = (
    "Faire valoir notre expertise",
    "Développer l'offre de logement",
    "Conforter notre projet participatif",
    "Investir dans le capital humain",
)
A, N, S = "achieved", "not_achieved", "shared"
# Six sheets; the last two are typed in the browser. Per objective: 4 A 2 N → A; 3 A 2 N 1 S → B; 1 A 3 N 2 S → D;
# 2 A 4 N → E.
TYPED_BEFORE = ((A, A, A, A), (A, A, N, A), (A, A, N, N), (A, N, N, N))
LABEL = {A: "Globalement atteint", N: "Globalement non atteint", S: "Partagé"}
TYPED_IN_BROWSER = (("Personne accompagnée", (N, N, S, N)), ("Partenaire", (N, S, S, N)))
# The seventh sheet, by link: objective 1 becomes 4 A 2 N 1 S → B (4/7 < 2/3), objective 4 3 A 4 N → D (4/7).
BY_LINK = (S, A, N, A)


@pytest.fixture
def campaign(organisation, director):
    project = services.project_create(actor=director, title="Projet associatif", start_year=2024, end_year=2028)
    for title in OBJECTIVES:
        services.objective_add(actor=director, project_id=project.pk, title=title)
    campaign = services.campaign_create(
        actor=director, project_id=project.pk, title="Séminaire à mi-parcours", held_on=date(2026, 3, 10)
    )
    objectives = list(project.objectives.all())
    for values in TYPED_BEFORE:
        services.answers_record(
            actor=director,
            campaign_id=campaign.pk,
            category="staff",
            values={o.pk: v for o, v in zip(objectives, values, strict=True)},
        )
    return campaign


def test_a_grading_campaign_shows_the_grades_at_the_a_b_and_d_e_boundaries(page, browser, social_worker, campaign):
    with time_machine.travel(datetime(2026, 3, 10, 16, 0, tzinfo=PARIS)):
        log_in(page, "c.martin")
        page.goto("/instances/projet/")
        check_page(page, "objectives-projects")
        page.get_by_role("link", name="Projet associatif (2024-2028)").click()
        page.get_by_role("link", name="Séminaire à mi-parcours (10/03/2026)").click()
        page.get_by_role("link", name="Saisir des réponses").click()
        check_page(page, "objectives-answer-form", phone=True)
        for category, values in TYPED_IN_BROWSER:
            page.get_by_label(category).check()
            for number, (title, value) in enumerate(zip(OBJECTIVES, values, strict=True), start=1):
                page.get_by_role("group", name=f"{number}. {title}").get_by_label(LABEL[value], exact=True).check()
            page.get_by_role("button", name="Enregistrer").click()
            expect(page.get_by_role("status")).to_contain_text("Réponses enregistrées.")
        page.get_by_role("link", name="Séminaire à mi-parcours (10/03/2026)").click()
        expect(page.get_by_text("6 participants ont répondu.")).to_be_visible()
        results = page.get_by_role("table")
        for number, grade in enumerate("ABDE", start=1):
            expect(results.locator(f'[data-objective="{number}"]')).to_have_text(grade)
        expect(page.get_by_role("row", name="1. Faire valoir notre expertise")).to_contain_text("4 (67 %)")
        expect(page.get_by_role("row", name="2. Développer l'offre de logement")).to_contain_text("3 (50 %)")
        check_page(page, "objectives-campaign-results", phone=True)
        expect(page.get_by_role("link", name="Clore la campagne")).to_have_count(0)  # a director's step
        page.context.clear_cookies()

        log_in(page, "c.fabre")
        page.goto("/instances/projet/")
        page.get_by_role("link", name="Projet associatif (2024-2028)").click()
        page.get_by_role("link", name="Séminaire à mi-parcours (10/03/2026)").click()
        page.get_by_role("button", name="Ouvrir le lien de réponse").click()
        expect(page.get_by_role("status")).to_contain_text("Lien de réponse ouvert")
        link = page.locator("#h-link ~ p code").inner_text()

        participant = browser.new_page(viewport=PHONE)  # no account, no session
        participant.goto(link)
        expect(participant.get_by_role("heading", name="Séminaire à mi-parcours")).to_be_visible()
        participant.get_by_role("group", name="Vous êtes").get_by_label("Personne accompagnée").check()
        for number, (title, value) in enumerate(zip(OBJECTIVES, BY_LINK, strict=True), start=1):
            group = participant.get_by_role("group", name=f"{number}. {title}")
            group.get_by_label(LABEL[value], exact=True).check()
        check_page(participant, "objectives-answer-by-link", phone=True)
        participant.get_by_role("button", name="Envoyer mes réponses").click()
        expect(participant.get_by_role("heading", name="Merci !")).to_be_visible()
        check_page(participant, "objectives-answer-by-link-thanks", phone=True)
        participant.close()

        page.reload()
        expect(page.get_by_text("7 participants ont répondu.")).to_be_visible()
        expect(page.get_by_text("Dont 1 par le lien.")).to_be_visible()
        expect(page.get_by_text("1 participant a répondu par le lien.")).to_be_visible()
        results = page.get_by_role("table")
        for number, grade in enumerate("BBDD", start=1):
            expect(results.locator(f'[data-objective="{number}"]')).to_have_text(grade)
        check_page(page, "objectives-campaign-with-link", phone=True)
        page.get_by_role("link", name="Clore la campagne").click()
        page.get_by_role("button", name="Clore la campagne").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Clore la campagne de cotation")
        check_page(page, "objectives-close-confirmation")
        page.get_by_role("button", name="Clore la campagne").click()
        expect(page.get_by_role("status")).to_contain_text("Campagne close.")
        expect(page.get_by_role("link", name="Saisir des réponses")).to_have_count(0)
        page.get_by_role("link", name="Projet associatif (2024-2028)").click()
        expect(page.get_by_role("heading", name="Cotes par objectif et par campagne")).to_be_visible()
        # objectives 1 and 2 both stand at 4 « atteint », 1 « partagé », 2 « non atteint » of 7
        expect(page.get_by_role("img", name="57 % atteint, 14 % partagé, 29 % non atteint")).to_have_count(2)
        grid = page.get_by_role("table", name="Cote de chaque objectif, campagne par campagne")
        for number, grade in enumerate("BBDD", start=1):
            expect(grid.locator(f'[data-objective="{number}"]')).to_have_text(grade)
        check_page(page, "objectives-project", phone=True)
