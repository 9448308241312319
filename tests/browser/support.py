"""Helpers for the browser tests: logging in, accessibility checks (axe-core), screenshots."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
# pytest-playwright empties test-results/ when any pytest session starts; the screenshots can be sent elsewhere.
SCREENSHOTS = Path(os.environ.get("HABITER_SCREENSHOTS_DIR") or ROOT / "test-results" / "screenshots")
# The screenshots are for a person to look at: the CI, where nobody does, turns them off (HABITER_SCREENSHOTS=0)
# and saves a quarter of the browser tests' time (docs/adr/0041). The checks of each page still run.
TAKE_SCREENSHOTS = os.environ.get("HABITER_SCREENSHOTS", "1") != "0"
PASSWORD = "un-mot-de-passe-bien-long"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:300]}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"       {summary_line}")
    return "\n".join(lines)


def assert_accessible(page: Page, label: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation (minor ones are printed)."""
    violations = _axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    others = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if others:
        print(f"axe, {label} ({page.url}), minor violations:\n{format_violations(others)}")
    assert not blocking, f"axe, {label} ({page.url}):\n{format_violations(blocking)}"


def assert_no_horizontal_overflow(page: Page, label: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{label}: the page is {widths[0]} px wide in a {widths[1]} px viewport"


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    if TAKE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=full_page)
    return path


def check_page(page: Page, name: str, *, phone: bool = False) -> None:
    """Accessibility and a full-page screenshot at desktop width; with `phone`, at 360 px wide: no horizontal
    overflow and a screenshot. axe-core runs here at desktop width only: the phone style sheet lays the same
    document out again (stacked tables, the folded menu) without changing its names, roles or colours, and a run
    costs a third of a second of the CI's two cores (docs/adr/0038); the household page's test runs it at phone
    width, folded menu included."""
    page.set_viewport_size(DESKTOP)
    assert_accessible(page, name)
    screenshot(page, f"{name}-desktop")
    if phone:
        page.set_viewport_size(PHONE)
        assert_no_horizontal_overflow(page, name)
        screenshot(page, f"{name}-phone")
        page.set_viewport_size(DESKTOP)


def log_in(page: Page, username: str, password: str = PASSWORD, *, check: bool = False) -> None:
    """Through the real login page, as a person would: type the user name and the password."""
    page.goto("/connexion/")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    if check:
        check_page(page, "login", phone=True)
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
