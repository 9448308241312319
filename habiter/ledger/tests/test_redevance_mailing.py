"""The month's avis d'échéance de redevance by e-mail (issue 16): a boarding house's resident who agreed (the same
rule as a tenant's, R5, recorded on the residence contract) gets their notice with its PDF in the month's mailing,
beside the tenants' rent notices; the others' are printed; nothing is sent twice. Every figure by hand."""

import html
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.ledger.mailing import queries as mailing_queries
from habiter.ledger.mailing import services as mailing_services
from habiter.ledger.models import DocumentEmail, EmailConsent, NoticeMailing, RentCallRun, RunStatus
from habiter.ledger.rent.services import rent_calls_issue
from habiter.people.tests.factories import make_household
from habiter.residences import services as residence_services
from habiter.residences.models import ResidenceContract
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence

pytestmark = pytest.mark.django_db
D = Decimal
JUNE = date(2026, 6, 1)
LINES = [
    {"kind": "equivalence_loyer", "label": "", "amount": D("300.00")},
    {"kind": "charges", "label": "", "amount": D("50.00")},
    {"kind": "prestation_obligatoire", "label": "Ménage des parties communes", "amount": D("30.00")},
]


def _contract(director, place, person, starts_on):
    contract = make_active_contract(director, place, person, starts_on, starts_on)
    residence_services.redevance_set(actor=director, contract_id=contract.pk, valid_from=starts_on, lines=LINES)
    return contract


@pytest.fixture
def contracts(world):
    """Two residents of « Les Pléiades » at 380.00 a month: Lefèvre enters on 11 June, Papier was there on 1 June."""
    director = world.users["director"]
    with time_machine.travel(date(2026, 6, 11), tick=False):
        residence = make_residence(director, hosts=[world.users["host"]])
        make_house_rules(director, residence, date(2025, 1, 6))
        by_mail = _contract(
            director, make_place(director, residence, "3"), world.own_household.members.first(), date(2026, 6, 11)
        )
        paper = make_household(world.users["social_worker"], name="Papier")
        on_paper = _contract(director, make_place(director, residence, "4"), paper.members.first(), date(2026, 6, 1))
    return by_mail, on_paper


def _agree(actor, contract, email="resident@example.org", on=date(2026, 6, 2)):
    return mailing_services.email_consent_record(actor=actor, contract_id=contract.pk, given=True, on=on, email=email)


def _june_run(accountant):
    rent_calls_issue(actor=accountant, month=JUNE)
    return RentCallRun.objects.create(
        organisation=accountant.organisation, month=JUNE, status=RunStatus.DONE, started_by=accountant
    )


def test_the_worked_example_one_mailed_one_printed_nothing_twice(
    client, world, contracts, django_capture_on_commit_callbacks
):
    accountant = world.users["accountant"]
    by_mail, on_paper = contracts
    with time_machine.travel(date(2026, 6, 12), tick=False):
        _agree(accountant, by_mail)
        run = _june_run(accountant)
        # Lefèvre, 11 to 30 June, 20 days of 30: 300.00 × 20/30 = 200.00; 50.00 × 20/30 = 33.33; 30.00 × 20/30 = 20.00
        #   → 200.00 + 33.33 + 20.00 = 253.33. Papier, the whole month: 300.00 + 50.00 + 30.00 = 380.00.
        [june] = mailing_queries.redevance_notices_to_mail(accountant.organisation_id, JUNE)
        assert (june.contract_id, june.total) == (by_mail.pk, D("253.33"))
        [printed] = mailing_queries.redevance_notices_to_print(accountant.organisation_id, JUNE)
        assert (printed.contract_id, printed.total) == (on_paper.pk, D("380.00"))

        client.force_login(accountant)
        page = client.get(reverse("ledger:run_detail", args=[run.pk])).content.decode()
        assert "résidents qui n'ont pas accepté le courriel : 1" in page
        assert "1 locataire a accepté" in page and "Envoyer les avis par courriel" in page
        # no rent notice to print this month: part 1 is the redevance notices'
        pdf = client.get(reverse("ledger:run_notices_pdf", args=[run.pk]) + "?partie=1")
        assert pdf.status_code == 200
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "380,00" in text and "Avis d'échéance de redevance" in text
        assert client.get(reverse("ledger:run_notices_pdf", args=[run.pk]) + "?partie=2").status_code == 404

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("ledger:run_notices_mail", args=[run.pk]))
        assert response.status_code == 302
        sending = NoticeMailing.objects.get()
        assert (sending.status, sending.total, sending.done, sending.sent) == (RunStatus.DONE, 1, 1, 1)

        [message] = mail.outbox
        assert message.to == ["resident@example.org"]
        assert message.subject == "Avis d'échéance — redevance de 06/2026"
        assert "253,33 € à régler au plus tard le 11/06/2026" in message.body
        name, content, mimetype = message.attachments[0]
        assert (name, mimetype) == ("avis-echeance-redevance-2026-06.pdf", "application/pdf")
        attached = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert "Redevance du mois 253,33 €" in attached and "380,00" not in attached
        sent = DocumentEmail.objects.get()
        assert (sent.contract_id, sent.redevance_call_id, sent.lease_id, sent.kind) == (
            by_mail.pk,
            june.pk,
            None,
            "notice",
        )
        assert AuditEvent.objects.filter(
            action="ledger.document_email", household_id=by_mail.household_id, detail__redevance=True
        ).exists()
        assert AuditEvent.objects.filter(action="ledger.notice_mailing").count() == 1

        # the same month again: nothing is sent twice
        response = client.post(reverse("ledger:run_notices_mail", args=[run.pk]), follow=True)
        assert "Aucun avis à envoyer" in response.content.decode()
        assert len(mail.outbox) == 1 and NoticeMailing.objects.count() == 1
        assert not mailing_queries.redevance_notices_to_mail(accountant.organisation_id, JUNE).exists()
        # a mailing resumed after its worker died sends nothing already sent either
        mailing_services.notice_mailing_execute(sending.pk)
        assert len(mail.outbox) == 1


def test_the_residents_agreement_follows_the_tenants_rule(client, world, contracts):
    """The latest row is in force: a withdrawal puts the notice back among the printed ones."""
    accountant = world.users["accountant"]
    by_mail, _on_paper = contracts
    with time_machine.travel(date(2026, 6, 12), tick=False):
        _agree(accountant, by_mail)
        mailing_services.email_consent_record(
            actor=accountant, contract_id=by_mail.pk, given=False, on=date(2026, 6, 3)
        )
        _june_run(accountant)
        assert not mailing_queries.redevance_notices_to_mail(accountant.organisation_id, JUNE).exists()
        assert mailing_queries.redevance_notices_to_print(accountant.organisation_id, JUNE).count() == 2
        call = by_mail.redevance_calls.get()
        with pytest.raises(Exception, match="Le résident n'a pas donné son accord exprès"):
            mailing_services.redevance_notice_send(actor=accountant, redevance_call_id=call.pk)
        assert AuditEvent.objects.filter(action="ledger.email_consent", household_id=by_mail.household_id).count() == 2

        # the resident's page records it, as the tenant's does
        client.force_login(accountant)
        url = reverse("ledger:contract_mail", args=[by_mail.pk])
        assert "Accord du résident" in client.get(url).content.decode()
        response = client.post(url, {"given": "1", "on": "2026-06-12", "email": "nouvelle@example.org"})
        assert response.status_code == 302
        assert mailing_queries.consent_in_force(by_mail).email == "nouvelle@example.org"
        account = client.get(reverse("ledger:redevance_account", args=[by_mail.pk])).content.decode()
        assert url in account


@pytest.mark.parametrize("role", ["host", "social_worker", "volunteer", "team_lead", "technician"])
def test_who_may_record_the_agreement_or_send(world, contracts, role):
    by_mail, _on_paper = contracts
    with time_machine.travel(date(2026, 6, 12), tick=False):
        with pytest.raises(PermissionDenied):
            _agree(world.users[role], by_mail)
        _agree(world.users["accountant"], by_mail)
        _june_run(world.users["accountant"])
        call = by_mail.redevance_calls.get()
        with pytest.raises(PermissionDenied):
            mailing_services.redevance_notice_send(actor=world.users[role], redevance_call_id=call.pk)
    assert not mail.outbox and EmailConsent.objects.count() == 1


def test_another_organisation_neither_records_nor_sends(client, world, contracts):
    by_mail, _on_paper = contracts
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    with time_machine.travel(date(2026, 6, 12), tick=False):
        with pytest.raises(ResidenceContract.DoesNotExist):
            _agree(outsider, by_mail)
        _agree(world.users["director"], by_mail)
        _june_run(world.users["accountant"])
        call = by_mail.redevance_calls.get()
        with pytest.raises(call.DoesNotExist):
            mailing_services.redevance_notice_send(actor=outsider, redevance_call_id=call.pk)
        client.force_login(outsider)
        assert client.get(reverse("ledger:contract_mail", args=[by_mail.pk])).status_code == 404
        for role in ("host", "social_worker", "volunteer"):
            client.force_login(world.users[role])
            assert client.get(reverse("ledger:contract_mail", args=[by_mail.pk])).status_code == 404
    assert not mail.outbox


def test_the_accountant_sends_one_notice_from_the_residents_page(client, world, contracts):
    """Outside the month's mailing, one avis d'échéance de redevance at a time: offered only once the resident
    agreed; sent with its PDF to the address of the agreement, listed among the documents sent; a resident without
    agreement gets nothing, and another organisation's accountant or a host reaches nothing (404)."""
    accountant = world.users["accountant"]
    by_mail, on_paper = contracts
    with time_machine.travel(date(2026, 6, 12), tick=False):
        _june_run(accountant)
        call = by_mail.redevance_calls.get()
        send = reverse("ledger:contract_notice_send", args=[call.pk])
        page_url = reverse("ledger:contract_mail", args=[by_mail.pk])
        client.force_login(accountant)
        assert send not in client.get(page_url).content.decode()  # no agreement yet: nothing to send
        refused = client.post(send, follow=True)
        assert "pas donné son accord exprès" in refused.content.decode()
        assert not mail.outbox

        _agree(accountant, by_mail, email="lefevre@example.org")
        page = html.unescape(client.get(page_url).content.decode())
        # entered on 11 June: 20 days of 30 of 380.00 = 253.33
        assert send in page and "Avis d'échéance de juin 2026 (253,33 €)" in page
        response = client.post(send)
        assert response.status_code == 302 and response["Location"] == page_url
        (message,) = mail.outbox
        assert message.to == ["lefevre@example.org"]
        assert message.attachments[0][0] == "avis-echeance-redevance-2026-06.pdf"
        assert DocumentEmail.objects.filter(contract=by_mail, redevance_call=call).count() == 1
        assert "lefevre@example.org" in client.get(page_url).content.decode()

        paper_call = on_paper.redevance_calls.get()
        client.post(reverse("ledger:contract_notice_send", args=[paper_call.pk]))
        assert len(mail.outbox) == 1

        outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
        for user in (outsider, world.users["host"], world.users["social_worker"]):
            client.force_login(user)
            assert client.post(send).status_code == 404
        assert client.get(send).status_code in (404, 405)
    assert len(mail.outbox) == 1
