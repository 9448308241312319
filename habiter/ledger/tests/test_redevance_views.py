"""The redevance pages: the resident's account for the accountant (a call, a payment, a receipt), the balance in
the practical file of the contract page for the host, the household's timeline and the arrears list."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.ledger.models import RedevancePayment, RedevanceReceipt
from habiter.ledger.redevance import services
from habiter.residences import services as residence_services
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence
from habiter.residences.tests.test_views import page_of

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def contract(world):
    director = world.users["director"]
    with time_machine.travel(date(2026, 6, 11), tick=False):
        residence = make_residence(director, hosts=[world.users["host"]])
        make_house_rules(director, residence, date(2025, 1, 6))
        place = make_place(director, residence, "3")
        contract = make_active_contract(
            director, place, world.own_household.members.first(), date(2026, 6, 11), date(2026, 6, 11)
        )
        residence_services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=date(2026, 6, 11),
            lines=[
                {"kind": "equivalence_loyer", "label": "", "amount": D("300.00")},
                {"kind": "charges", "label": "", "amount": D("50.00")},
                {"kind": "prestation_obligatoire", "label": "Ménage", "amount": D("30.00")},
            ],
        )
    return contract


@time_machine.travel("2026-06-20 10:00 +0200", tick=False)
def test_the_accountant_calls_records_the_apl_foyer_and_issues_the_quittance(client, world, contract):
    client.force_login(world.users["accountant"])
    account = reverse("ledger:redevance_account", args=[contract.pk])
    assert "Aucune redevance appelée" in page_of(client, account)

    assert (
        client.post(reverse("ledger:redevance_call_issue", args=[contract.pk]), {"month": "2026-06"}).status_code == 302
    )
    html = page_of(client, account)
    # 380.00 × 20 / 30 = 253.33, the lines prorated one by one: 200.00 + 33.33 + 20.00
    assert "253,33 €" in html and "200,00 €" in html and "33,33 €" in html and "sur 300,00 € par mois" in html

    pay = reverse("ledger:redevance_payment_create", args=[contract.pk])
    assert "CAF — APL-foyer (tiers payant)" in page_of(client, pay)
    assert client.post(pay, {"amount": "210,00", "received_on": "2026-06-20", "source": "caf"}).status_code == 302
    assert client.post(pay, {"amount": "43,33", "received_on": "2026-06-20", "source": "resident"}).status_code == 302
    assert RedevancePayment.objects.filter(contract=contract).count() == 2
    html = page_of(client, account)
    assert "À jour" not in html and "210,00 €" in html and "Émettre la quittance" in html

    call = contract.redevance_calls.get()
    assert client.post(reverse("ledger:redevance_receipt_issue", args=[call.pk])).status_code == 302
    receipt = RedevanceReceipt.objects.get(call=call)
    assert receipt.kind == "quittance"
    pdf = client.get(reverse("ledger:redevance_receipt_pdf", args=[receipt.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    # a future payment is refused in French, nothing recorded
    refused = client.post(pay, {"amount": "10,00", "received_on": "2026-07-01", "source": "resident"})
    assert refused.status_code == 200 and "dans le futur" in refused.content.decode()


@time_machine.travel("2026-07-10 10:00 +0200", tick=False)
def test_the_host_sees_the_balance_in_the_practical_file_and_the_accountant_the_arrears(client, world, contract):
    accountant = world.users["accountant"]
    services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=date(2026, 6, 1))
    services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=date(2026, 7, 1))
    services.redevance_payment_record(
        actor=accountant, contract_id=contract.pk, amount=D("253.33"), received_on=date(2026, 6, 30), source="caf"
    )
    client.force_login(world.users["host"])
    html = page_of(client, reverse("residences:contract_detail", args=[contract.pk]))
    # 253.33 + 380.00 − 253.33 = 380.00, July's redevance
    assert "Reste dû : 380,00 €" in html
    assert reverse("ledger:redevance_account", args=[contract.pk]) not in html  # the host never opens the books

    client.force_login(world.users["social_worker"])
    html = page_of(client, reverse("people:household_detail", args=[contract.household_id]))
    assert "Redevance de 07/2026 appelée : 380,00 €" in html
    assert "Redevance : 253,33 € reçus (CAF — APL-foyer (tiers payant))" in html

    client.force_login(accountant)
    html = page_of(client, reverse("ledger:arrears"))
    assert "Redevances des résidences impayées" in html and "380,00 €" in html


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


@time_machine.travel("2026-07-10 10:00 +0200", tick=False)
def test_the_avis_d_echeance_of_a_month_lists_its_lines_and_the_balance_before_it(client, world, contract):
    accountant = world.users["accountant"]
    services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=date(2026, 6, 1))
    services.redevance_payment_record(
        actor=accountant, contract_id=contract.pk, amount=D("200.00"), received_on=date(2026, 6, 30), source="caf"
    )
    july, _created = services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=date(2026, 7, 1))
    client.force_login(accountant)
    account = page_of(client, reverse("ledger:redevance_account", args=[contract.pk]))
    notice = reverse("ledger:redevance_call_notice", args=[july.pk])
    assert notice in account

    pdf = client.get(notice)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    # July in full: 300.00 + 50.00 + 30.00 = 380.00; before it, June's 253.33 less the CAF's 200.00 = 53.33 owed
    assert "Avis d'échéance de redevance — juillet 2026" in text
    assert "Équivalence de loyer 300,00 €" in text and "Ménage 30,00 €" in text
    assert "Redevance du mois 380,00 €" in text
    assert "53,33 € restant dus" in text
    assert "n'est pas une quittance" in text

    # the host and the social worker never open the books; another organisation's accountant does not find it
    outsider = UserFactory(username="b.accountant", organisation=world.other_organisation, role=Role.ACCOUNTANT)
    for user in (world.users["host"], world.users["social_worker"], outsider):
        client.force_login(user)
        assert client.get(notice).status_code in (403, 404)
