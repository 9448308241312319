"""End to end, in Chromium: a social worker changes her password from the link by her name, then logs in with the
new one; a wrong current password is refused in French. axe-core on the page; screenshots at desktop and phone
widths."""

import re

import pytest
from playwright.sync_api import expect

from habiter.core.models import AuditEvent

from .support import PASSWORD, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "le chat dort sur le radiateur"
NEW_FIELD = re.compile(r"^Nouveau mot de passe\W*$")  # not its confirmation


def test_a_social_worker_changes_her_password_then_logs_in_with_it(page, social_worker):
    log_in(page, "c.martin")
    page.get_by_role("link", name="Mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer mon mot de passe")

    page.get_by_label("Mot de passe actuel").fill("pas-le-bon-mot-de-passe")
    page.get_by_label(NEW_FIELD).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Votre ancien mot de passe est incorrect")).to_be_visible()
    check_page(page, "password-change", phone=True)

    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_label(NEW_FIELD).fill(NEW_PASSWORD)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe est changé.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    assert AuditEvent.objects.filter(action="auth.password_change", actor=social_worker).count() == 1

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, "c.martin", NEW_PASSWORD)
