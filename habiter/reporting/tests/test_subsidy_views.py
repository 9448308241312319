"""The subsidies' pages: the director records a request, a decision and a compte rendu financier; the year's
totals per funder, the threshold checklist, the comptes rendus due and overdue, the export and the home alert;
another role or organisation gets a 404."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from habiter.community.tests.factories import charter_signed
from habiter.core.models import Role
from habiter.core.tests.factories import OrganisationFactory, UserFactory
from habiter.reporting import services
from habiter.reporting.models import Subsidy

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)


@pytest.fixture
def director():
    return UserFactory(
        organisation=OrganisationFactory(name="Alpa", cer_signed_on=date(2022, 2, 1)), role=Role.DIRECTOR
    )


def _granted(director, name="Département du Rhône", amount="48500"):
    subsidy = services.subsidy_request(
        actor=director,
        data={
            "funder_name": name,
            "funder_kind": "departement",
            "purpose": "FSL — ASLL 2025",
            "year_end": date(2025, 12, 31),
            "requested_on": date(2025, 1, 10),
            "amount_requested": "52000",
        },
    )
    return services.subsidy_decide(
        actor=director, subsidy_id=subsidy.pk, status="granted", decided_on=date(2025, 2, 20), amount_granted=amount
    )


@time_machine.travel(TODAY, tick=False)
def test_director_records_a_request_and_its_decision(client, director):
    client.force_login(director)
    assert client.get(reverse("reporting:subsidy_create")).status_code == 200
    response = client.post(
        reverse("reporting:subsidy_create"),
        {
            "funder_name": "DDETS du Rhône",
            "funder_kind": "state",
            "purpose": "AVDL 2025",
            "year_end": "2025-12-31",
            "requested_on": "2025-01-15",
            "amount_requested": "68000,00",
        },
    )
    subsidy = Subsidy.objects.get(organisation=director.organisation)
    assert response.status_code == 302 and response.url == reverse("reporting:subsidy_detail", args=[subsidy.pk])
    detail = reverse("reporting:subsidy_detail", args=[subsidy.pk])
    response = client.post(
        detail,
        {
            "action": "decision",
            "decision-status": "granted",
            "decision-decided_on": "2025-03-12",
            "decision-amount_granted": "65000,00",
            "decision-convention_reference": "DDETS-69-AVDL-2025-04",
        },
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "65\xa0000,00" in page and "30 juin 2026" in page and "en retard" in page
    assert "non saisi : la subvention ne compte pas pour le seuil de publication des comptes" in page
    # the cash comes: its day and amount typed on the same form, the decision kept
    response = client.post(
        detail,
        {
            "action": "decision",
            "decision-status": "granted",
            "decision-decided_on": "2025-03-12",
            "decision-amount_granted": "65000,00",
            "decision-convention_reference": "DDETS-69-AVDL-2025-04",
            "decision-received_on": "2025-04-18",
            "decision-amount_received": "65000,00",
        },
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "reçue le 18 avril 2025 : 65\xa0000,00 €" in page
    assert 'name="decision-received_on" value="2025-04-18"' in page
    response = client.post(
        detail,
        {
            "action": "decision",
            "decision-status": "granted",
            "decision-decided_on": "2025-03-12",
            "decision-amount_granted": "65000,00",
            "decision-amount_received": "65000,00",
        },
    )
    assert response.status_code == 200 and "Indiquez la date du versement reçu." in response.content.decode()
    response = client.post(detail, {"action": "crf", "crf-sent_on": "2026-07-01"})
    assert response.status_code == 302
    assert Subsidy.objects.get(pk=subsidy.pk).crf_sent_on == TODAY


@time_machine.travel(TODAY, tick=False)
def test_a_request_while_a_crf_is_overdue_shows_the_warning(client, director):
    funder = _granted(director).funder
    client.force_login(director)
    form = client.get(reverse("reporting:subsidy_create")).content.decode()
    assert "1 compte rendu financier en retard" in form
    response = client.post(
        reverse("reporting:subsidy_create"),
        {
            "funder_id": str(funder.pk),
            "purpose": "FSL — ASLL 2026",
            "year_end": "2026-12-31",
            "requested_on": "2026-07-01",
            "amount_requested": "54000",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Demande enregistrée. Attention" in page
    assert Subsidy.objects.get(purpose="FSL — ASLL 2026").request_warning


def _received(director, subsidy, on, amount):
    return services.subsidy_decide(
        actor=director,
        subsidy_id=subsidy.pk,
        status="granted",
        decided_on=subsidy.decided_on,
        amount_granted=subsidy.amount_granted,
        received_on=on,
        amount_received=amount,
    )


@time_machine.travel(TODAY, tick=False)
def test_pages_of_the_year(client, director):
    departement = _granted(director)
    ddets = _granted(director, name="DDETS", amount="104500.01")
    client.force_login(director)
    page = client.get(reverse("reporting:subsidy_list"), {"annee": 2025}).content.decode()
    assert "153\xa0000,01" in page and "Département du Rhône" in page
    # 153 000,01 € granted for 2025, nothing received yet: nothing counted, and the page says which grants wait
    page = client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).content.decode()
    assert "Sous le seuil" in page and "Subventions publiques reçues en 2025" in page
    assert "Accordées pour l'exercice 2025, sans versement saisi" in page
    assert re.search(r"DDETS — FSL — ASLL 2025</a>\s*— montant accordé : 104\xa0500,01 €", page)
    # received in 2025: 48 500 + 104 500 = 153 000,00 €, the threshold itself, not above it
    _received(director, departement, date(2025, 3, 5), "48500")
    _received(director, ddets, date(2025, 12, 31), "104500")
    page = client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).content.decode()
    assert "153\xa0000,00 €" in page and "Sous le seuil" in page and "sans versement saisi" not in page
    # the DDETS's last cent, received on 31 December 2025: 153 000,01 €, above
    _received(director, ddets, date(2025, 12, 31), "104500.01")
    page = client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).content.decode()
    assert "153\xa0000,01 €" in page
    assert "Au-dessus du seuil" in page and "Nommer un commissaire aux comptes" in page
    # received on 1 January 2026 instead: 2026's figure, not 2025's
    _received(director, ddets, date(2026, 1, 1), "104500.01")
    page = client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).content.decode()
    assert "48\xa0500,00 €" in page and "Sous le seuil" in page
    page = client.get(reverse("reporting:accounts_threshold"), {"annee": 2026}).content.decode()
    assert "104\xa0500,01 €" in page and "Subventions publiques reçues en 2026" in page
    _received(director, ddets, date(2025, 12, 31), "104500.01")
    page = client.get(reverse("reporting:crf_list")).content.decode()
    assert page.count("en retard") >= 2 and "dans les 6 mois qui suivent" in page
    response = client.get(reverse("reporting:subsidy_xlsx"), {"annee": 2025})
    assert response["Content-Disposition"] == 'attachment; filename="subventions-2025.xlsx"'
    home = client.get(reverse("core:home")).content.decode()
    assert "2 comptes rendus en retard" in home
    response = client.post(
        f"{reverse('reporting:accounts_threshold')}?annee=2025",
        {"auditor_appointed_on": "2025-06-01", "auditor_name": "Cabinet Durand"},
    )
    assert response.status_code == 302
    page = client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).content.decode()
    assert "1 juin 2025" in page or "1er juin 2025" in page


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.VOLUNTEER, Role.TEAM_LEAD])
def test_other_roles_get_404(client, director, role):
    subsidy = _granted(director)
    user = UserFactory(organisation=director.organisation, role=role)
    if role == Role.VOLUNTEER:
        charter_signed(user)  # held on the charter's page otherwise (W23)
    client.force_login(user)
    for url in (
        reverse("reporting:subsidy_list"),
        reverse("reporting:subsidy_create"),
        reverse("reporting:subsidy_detail", args=[subsidy.pk]),
        reverse("reporting:crf_list"),
        reverse("reporting:accounts_threshold"),
        reverse("reporting:subsidy_xlsx"),
    ):
        assert client.get(url).status_code == 404, url
    assert "Comptes rendus financiers" not in client.get(reverse("core:home")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_another_organisation_gets_404(client, director):
    subsidy = _granted(director)
    client.force_login(UserFactory(organisation=OrganisationFactory(name="Autre"), role=Role.DIRECTOR))
    detail = reverse("reporting:subsidy_detail", args=[subsidy.pk])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"action": "crf", "crf-sent_on": "2026-07-01"}).status_code == 404
    assert Subsidy.objects.get(pk=subsidy.pk).crf_sent_on is None


@time_machine.travel(TODAY, tick=False)
def test_the_accountant_sees_the_alert_and_the_menu_entry(client, director):
    _granted(director)
    client.force_login(UserFactory(organisation=director.organisation, role=Role.ACCOUNTANT))
    home = client.get(reverse("core:home")).content.decode()
    assert "1 compte rendu en retard" in home
    assert reverse("reporting:subsidy_list") in client.get(reverse("reporting:crf_list")).content.decode()


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("count", [2, 12])
def test_the_lists_cost_the_same_whatever_the_number_of_subsidies(
    client, director, count, django_assert_max_num_queries
):
    for n in range(count):
        _granted(director, name=f"Financeur {n}")
    client.force_login(director)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reporting:subsidy_list"), {"annee": 2025}).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reporting:crf_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).status_code == 200
