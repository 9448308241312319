"""End to end, in Chromium: the confirmation step of an action that cannot be undone, one per app among those that no
other browser test walks (month close, reversal, lease end, plan and agreement signatures, case reopening, bank-line
clearing and its undoing…).

From the form's page, the form is sent with the data a user would type (the cases of tests/test_confirmations.py);
the browser then shows the confirmation page — checked with axe-core and photographed — nothing is written yet,
« Annuler » leads back without writing, and « Confirmer » writes. Every confirmation page is the same template
(core/confirm.html) around its own summary: tests/test_confirmations.py checks that each of them, without a
browser, asks before writing, carries the form's data and writes once confirmed; one page per app here keeps the
browser's part within the CI's time (docs/adr/0038)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.test_confirmations import CONFIRMED_PAGES

from .support import PASSWORD, assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# walked with their own form in another browser test: test_prevention (closing a case), test_leases (revisions,
# slide), test_owner_statements and test_mandate_month (payouts)
WALKED_ELSEWHERE = {"evictions:case_close", "leases:revision_batch", "leases:lease_slide", "ledger:payouts"}

SEND_FORM = """([url, fields]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    const token = document.querySelector("input[name=csrfmiddlewaretoken]")
        || Object.assign(document.createElement("input"), {
            name: "csrfmiddlewaretoken",
            value: document.cookie.match(/csrftoken=([^;]+)/)[1],
        });
    const fields_ = [["csrfmiddlewaretoken", token.value], ...fields];
    for (const [name, value] of fields_) {
        form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value: String(value)}));
    }
    document.body.append(form);
    form.submit();
}"""


def _fields(data):
    for name, value in data.items():
        if name == "confirmed":
            continue
        for one in value if isinstance(value, list | tuple) else [value]:
            yield [name, str(one)]


def _one_per_app(names) -> list[str]:
    chosen = {}
    for name in sorted(names):
        chosen.setdefault(name.split(":")[0], name)
    return sorted(chosen.values())


@pytest.mark.parametrize("name", _one_per_app(set(CONFIRMED_PAGES) - WALKED_ELSEWHERE))
def test_the_confirmation_page_says_what_will_happen_and_only_its_button_writes(name, page, world):
    case = CONFIRMED_PAGES[name](name, world)
    user = get_user_model().objects.get(pk=case.client.session["_auth_user_id"])
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    log_in(page, user.username)

    def send():
        page.goto(case.form_page)
        with page.expect_navigation():
            page.evaluate(SEND_FORM, [case.url, list(_fields(case.data))])
        expect(page.get_by_role("heading", name="À confirmer")).to_be_visible()
        expect(page.get_by_text("Cette action ne peut pas être annulée d'un clic.")).to_be_visible()
        assert not case.saved(), f"{name} wrote before the confirmation"

    send()
    assert_accessible(page, f"confirmation {name}")
    screenshot(page, f"confirm-{name.replace(':', '-')}")
    page.get_by_role("link", name="Annuler").click()
    assert not case.saved(), f"{name} wrote on « Annuler »"

    send()
    page.locator("form:has(input[name=confirmed]) button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="À confirmer")).to_have_count(0)
    assert case.saved(), f"{name} did not write once confirmed"
