"""The subsidies' pages: the director records a request, a decision, its payments (a mistaken one cancelled after a
confirmation) and a compte rendu financier; the year's totals per funder, the threshold checklist, the comptes
rendus due and overdue, the export and the home alert; another role or organisation gets a 404."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from habiter.community.tests.factories import charter_signed
from habiter.core.models import Role
from habiter.core.tests.factories import OrganisationFactory, UserFactory
from habiter.reporting import services
from habiter.reporting.models import Subsidy, SubsidyPayment

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
    assert "Aucun versement saisi : la subvention ne compte pas pour le seuil de publication des comptes" in page
    assert 'name="decision-received_on"' not in page  # the decision no longer takes a receipt
    # the cash comes in two instalments: 52 000 on 18 April 2025, then the 13 000 of the balance
    response = client.post(
        detail,
        {
            "action": "payment",
            "payment-received_on": "2025-04-18",
            "payment-amount": "52 000,00",
            "payment-note": "Avance de 80 %",
        },
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert re.search(r"18 avril 2025\s*</td>\s*<td[^>]*>\s*52\xa0000,00 €\s*</td>\s*<td[^>]*>\s*Avance de 80 %", page)
    assert re.search(r"Reste à recevoir</dt>\s*<dd>\s*13\xa0000,00 €", page)
    response = client.post(
        detail, {"action": "payment", "payment-received_on": "2025-12-04", "payment-amount": "13000,01"}
    )
    assert response.status_code == 200
    assert (
        "Avec ce versement, la subvention aurait reçu 65\xa0000,01 €, plus que les 65\xa0000,00 € accordés : il reste "
        "13\xa0000,00 € à recevoir." in response.content.decode()
    )
    response = client.post(
        detail, {"action": "payment", "payment-received_on": "2025-12-04", "payment-amount": "13000"}
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert re.search(r"Total reçu</th>\s*<td[^>]*>65\xa0000,00 €</td>\s*<td[^>]*>\s*reste à recevoir : 0,00 €", page)
    assert "Enregistrer le versement" not in page  # all received: no more payment to record
    assert [(p.received_on, p.amount) for p in SubsidyPayment.objects.filter(subsidy=subsidy)] == [
        (date(2025, 4, 18), Decimal("52000.00")),
        (date(2025, 12, 4), Decimal("13000.00")),
    ]
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
    """The subsidy's payments, all cancelled, replaced by one of `amount` received `on`."""
    for payment in SubsidyPayment.objects.filter(subsidy=subsidy, cancelled_at__isnull=True):
        services.subsidy_payment_cancel(actor=director, payment_id=payment.pk, reason="Date ou montant corrigé")
    return services.subsidy_payment_record(actor=director, subsidy_id=subsidy.pk, received_on=on, amount=amount)


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
    assert "Accordées pour l'exercice 2025, pas entièrement reçues" in page
    assert re.search(r"DDETS — FSL — ASLL 2025</a>\s*— montant accordé : 104\xa0500,01 €, reçu : 0,00 €", page)
    # received in 2025: 48 500 + 104 500 = 153 000,00 €, the threshold itself, not above it
    _received(director, departement, date(2025, 3, 5), "48500")
    _received(director, ddets, date(2025, 12, 31), "104500")
    page = client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).content.decode()
    assert "153\xa0000,00 €" in page and "Sous le seuil" in page
    assert re.search(r"DDETS — FSL — ASLL 2025</a>\s*— montant accordé : 104\xa0500,01 €, reçu : 104\xa0500,00 €", page)
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
        subsidy = _granted(director, name=f"Financeur {n}")
        for day in (3, 4):  # two instalments each, one of them cancelled on every other subsidy
            payment = services.subsidy_payment_record(
                actor=director, subsidy_id=subsidy.pk, received_on=date(2025, day, 1), amount="1000"
            )
        if n % 2:
            services.subsidy_payment_cancel(actor=director, payment_id=payment.pk, reason="Doublon")
    client.force_login(director)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reporting:subsidy_list"), {"annee": 2025}).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reporting:crf_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reporting:accounts_threshold"), {"annee": 2025}).status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_list_shows_what_each_subsidy_received(client, director):
    departement = _granted(director)
    services.subsidy_payment_record(
        actor=director, subsidy_id=departement.pk, received_on=date(2025, 3, 5), amount="24250"
    )
    client.force_login(director)
    page = client.get(reverse("reporting:subsidy_list"), {"annee": 2025}).content.decode()
    assert re.search(r'data-label="Reçu" class="number">\s*24\xa0250,00 €', page)


@time_machine.travel(TODAY, tick=False)
def test_a_payment_is_cancelled_after_a_confirmation_and_stays_listed_struck_through(client, director):
    subsidy = _granted(director)  # 48 500 granted on 20 February 2025
    wrong = services.subsidy_payment_record(
        actor=director, subsidy_id=subsidy.pk, received_on=date(2025, 3, 5), amount="4850", note="Avance"
    )
    client.force_login(director)
    detail = reverse("reporting:subsidy_detail", args=[subsidy.pk])
    cancel = reverse("reporting:subsidy_payment_cancel", args=[wrong.pk])
    assert f'href="{cancel}"' in client.get(detail).content.decode()
    page = client.get(cancel).content.decode()
    assert "5 mars 2025" in page and "4\xa0850,00 €" in page and "Motif de l&#x27;annulation" in page

    response = client.post(cancel, {"reason": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
    asked = client.post(cancel, {"reason": "Montant mal saisi : 48 500 €"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "À confirmer" in page and 'name="confirmed" value="1"' in page
    assert "05/03/2025" in page and "4\xa0850,00 €" in page
    assert "ni dans le total des subventions publiques reçues en 2025" in page
    assert f'href="{detail}"' in page  # « Annuler » goes back to the subsidy
    assert SubsidyPayment.objects.get(pk=wrong.pk).cancelled_at is None  # the first POST writes nothing

    response = client.post(cancel, {"reason": "Montant mal saisi : 48 500 €", "confirmed": "1"})
    assert response.status_code == 302 and response.url == detail
    stored = SubsidyPayment.objects.get(pk=wrong.pk)
    assert (stored.cancelled_by, stored.cancel_reason) == (director, "Montant mal saisi : 48 500 €")
    page = client.get(detail).content.decode()
    assert "<del>4\xa0850,00 €</del>" in page and "Montant mal saisi : 48 500 €" in page
    assert re.search(r"Total reçu</th>\s*<td[^>]*>0,00 €</td>\s*<td[^>]*>\s*reste à recevoir : 48\xa0500,00 €", page)
    assert f'href="{cancel}"' not in page
    assert "Ce versement est déjà annulé." in client.get(cancel).content.decode()
    response = client.post(cancel, {"reason": "Encore", "confirmed": "1"})
    assert response.status_code == 200 and "Ce versement est déjà annulé." in response.content.decode()
    assert SubsidyPayment.objects.get(pk=wrong.pk).cancel_reason == "Montant mal saisi : 48 500 €"


@time_machine.travel(TODAY, tick=False)
def test_payments_are_out_of_reach_of_other_roles_and_organisations(client, director):
    subsidy = _granted(director)
    payment = services.subsidy_payment_record(
        actor=director, subsidy_id=subsidy.pk, received_on=date(2025, 3, 5), amount="1000"
    )
    cancel = reverse("reporting:subsidy_payment_cancel", args=[payment.pk])
    detail = reverse("reporting:subsidy_detail", args=[subsidy.pk])
    record = {"action": "payment", "payment-received_on": "2025-03-06", "payment-amount": "1000"}
    outsiders = [
        UserFactory(organisation=director.organisation, role=Role.SOCIAL_WORKER),
        UserFactory(organisation=director.organisation, role=Role.TEAM_LEAD),
        UserFactory(organisation=OrganisationFactory(name="Autre"), role=Role.DIRECTOR),
        UserFactory(organisation=OrganisationFactory(name="Autre encore"), role=Role.ACCOUNTANT),
    ]
    for user in outsiders:
        client.force_login(user)
        assert client.get(cancel).status_code == 404
        assert client.post(cancel, {"reason": "x", "confirmed": "1"}).status_code == 404
        assert client.post(detail, record).status_code == 404
    assert list(SubsidyPayment.objects.values_list("amount", "cancelled_at")) == [(Decimal("1000.00"), None)]
    client.force_login(director)
    unknown = reverse("reporting:subsidy_payment_cancel", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(unknown).status_code == 404
    # the accountant of the organisation records and cancels
    client.force_login(UserFactory(organisation=director.organisation, role=Role.ACCOUNTANT))
    assert client.post(detail, record).status_code == 302
    assert client.post(cancel, {"reason": "Doublon", "confirmed": "1"}).status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_the_subsidy_page_costs_the_same_whatever_the_number_of_payments(client, director):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few, many = _granted(director, name="Peu"), _granted(director, name="Beaucoup")
    services.subsidy_payment_record(actor=director, subsidy_id=few.pk, received_on=date(2025, 3, 1), amount="10")
    accountant = UserFactory(organisation=director.organisation, role=Role.ACCOUNTANT)
    for n in range(9):
        payment = services.subsidy_payment_record(
            actor=accountant if n % 2 else director,
            subsidy_id=many.pk,
            received_on=date(2025, 3, n + 1),
            amount="10",
            note=f"Versement {n + 1}",
        )
        if n % 3 == 0:
            services.subsidy_payment_cancel(actor=director, payment_id=payment.pk, reason="Doublon")
    client.force_login(director)
    client.get(reverse("reporting:subsidy_detail", args=[few.pk]))  # the session and the caches of a first request
    counts = []
    for subsidy in (few, many):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("reporting:subsidy_detail", args=[subsidy.pk])).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # 9 payments of 10 € on 1 to 9 March, the 1st, 4th and 7th cancelled: 60 € received of 48 500
    assert page.count("<del>10,00 €</del>") == 3 and len(re.findall(r"Versement \d", page)) == 9
    assert re.search(r"Total reçu</th>\s*<td[^>]*>60,00 €</td>\s*<td[^>]*>\s*reste à recevoir : 48\xa0440,00 €", page)
