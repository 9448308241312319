"""Nothing irreversible in one click (habiter.core.confirm): every page below answers a first POST with a
confirmation page and writes nothing; re-posting what that page holds writes. A page of the table that writes on
the first POST, or whose confirmation page does not carry the data on, fails here."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from habiter.support import plans as plan_services
from habiter.support import services as support_services
from habiter.support.models import PlanSignature, SupportAgreement
from tests.authz_common import CsrfCase, extension_for, logged_in
from tests.test_security import _a_measure, csrf_token

pytestmark = pytest.mark.django_db


def _from_extension(name, world) -> CsrfCase:
    """The app's CSRF case: a client allowed to write, the form page, the URL, valid data and what is saved."""
    return extension_for(name).csrf_case(name, world)


def _plan_signature(name, world) -> CsrfCase:
    worker = world.users["social_worker"]
    household = world.own_household
    plan = plan_services.plan_start(actor=worker, household_id=household.pk, started_on=date(2026, 1, 5))
    url = reverse(name, args=[household.pk])
    data = {"action": "signature", "signed_on": "2026-01-06", "method": "home", "signatories": "M. et Mme Durand"}
    return CsrfCase(logged_in(worker), url, url, data, lambda: PlanSignature.objects.filter(plan=plan).exists())


def _agreement_signature(name, world) -> CsrfCase:
    worker = world.users["social_worker"]
    measure = _a_measure(world)
    agreement = support_services.agreement_write(
        actor=worker, measure_id=measure.pk, household_commitments="Venir.", association_commitments="Aider."
    )
    url = reverse(name, args=[measure.pk])
    data = {
        "action": "sign",
        "signed_on": "2026-01-06",
        "method": "home",
        "signatories": "Mme Durand",
        "version": agreement.version,
    }
    signed = lambda: SupportAgreement.objects.get(pk=agreement.pk).signed_on is not None  # noqa: E731
    return CsrfCase(logged_in(worker), url, url, data, signed)


# url name → how to make the case (its URL arguments, client and data)
CONFIRMED_PAGES = {
    "community:meeting_minutes": _from_extension,
    "community:election_results": _from_extension,
    "community:campaign_close": _from_extension,
    "community:campaign_link": _from_extension,
    "community:meeting_proposal_link": _from_extension,
    "community:charter_create": _from_extension,
    "community:partner_merge": _from_extension,
    "evictions:case_close": _from_extension,
    "evictions:case_reopen": _from_extension,
    "reporting:subsidy_payment_cancel": _from_extension,
    "ledger:period_close": _from_extension,
    "ledger:transaction_reverse": _from_extension,
    "ledger:payouts": _from_extension,
    "ledger:bank_line_clear": _from_extension,
    "ledger:bank_line_unclear": _from_extension,
    "leases:revision_batch": _from_extension,
    "leases:lease_end": _from_extension,
    "leases:lease_slide": _from_extension,
    "residences:apl_maximum_correct": _from_extension,
    "residences:contract_detail": _from_extension,
    "residences:redevance_set": _from_extension,
    "residences:young_workers_pse": _from_extension,
    "support:plan_detail": _plan_signature,
    "support:agreement": _agreement_signature,
}

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _reposted(content: str) -> dict:
    data: dict = {}
    for name, value in _HIDDEN.findall(content):
        data.setdefault(html.unescape(name), []).append(html.unescape(value))
    return data


@pytest.mark.parametrize("name", sorted(CONFIRMED_PAGES))
def test_a_first_post_only_asks_for_confirmation_then_the_confirmed_post_writes(name, world):
    case = CONFIRMED_PAGES[name](name, world)
    token = csrf_token(case.client.get(case.form_page))
    data = {key: value for key, value in case.data.items() if key != "confirmed"}

    asked = case.client.post(case.url, data | {"csrfmiddlewaretoken": token})
    assert asked.status_code == 200, f"{name}: {asked.status_code}"
    content = asked.content.decode()
    assert "À confirmer" in content and 'name="confirmed" value="1"' in content, name
    assert not case.saved(), f"{name} wrote before the confirmation"

    reposted = _reposted(content)
    assert reposted.pop("confirmed") == ["1"]
    for key, value in data.items():
        expected = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        assert reposted.get(key) == expected, f"{name}: {key} not carried by the confirmation page"

    done = case.client.post(case.url, reposted | {"confirmed": "1", "csrfmiddlewaretoken": token})
    assert done.status_code == 302, f"{name}: {done.status_code}"
    assert case.saved(), f"{name} did not write once confirmed"


def test_the_confirmation_page_cancels_back_without_writing(world):
    case = _from_extension("ledger:period_close", world)
    token = csrf_token(case.client.get(case.form_page))
    data = {key: value for key, value in case.data.items() if key != "confirmed"}
    content = case.client.post(case.url, data | {"csrfmiddlewaretoken": token}).content.decode()
    assert "Plus aucune écriture ne pourra être datée dans ce mois" in content
    assert f'href="{reverse("ledger:month_end")}"' in content and "Annuler" in content
