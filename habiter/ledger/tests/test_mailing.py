"""Rent documents by e-mail (R5): only with the tenant's express agreement, stored with its date; each sending
recorded and audited; nothing recorded when the mail server refuses; the month's notices printed for the others
and e-mailed in the background for those who agreed."""

import smtplib
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.leases.models import Lease
from habiter.ledger.mailing import queries as mailing_queries
from habiter.ledger.mailing import services as mailing_services
from habiter.ledger.models import DocumentEmail, EmailConsent, NoticeMailing, RentCallRun, RunStatus
from habiter.ledger.rent import services as rent_services
from habiter.people.tests.factories import make_household

from .factories import make_signed_lease

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def lease(manager, world):
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    rent_services.rent_call_issue(actor=manager, lease_id=lease.pk, period=date(2025, 1, 1))
    return lease


def _agree(manager, lease, email="locataire@example.org", on=date(2025, 1, 2)):
    return mailing_services.email_consent_record(actor=manager, lease_id=lease.pk, given=True, on=on, email=email)


def test_nothing_is_mailed_without_the_tenants_agreement(manager, lease):
    call = lease.rent_calls.get()
    with pytest.raises(ValidationError, match="accord exprès"):
        mailing_services.notice_send(actor=manager, rent_call_id=call.pk)
    _agree(manager, lease)
    mailing_services.email_consent_record(actor=manager, lease_id=lease.pk, given=False, on=date(2025, 1, 3))
    with pytest.raises(ValidationError, match="accord exprès"):  # withdrawn: the latest row is in force
        mailing_services.notice_send(actor=manager, rent_call_id=call.pk)
    assert not mail.outbox and not DocumentEmail.objects.exists()


def test_a_notice_and_a_quittance_go_with_their_pdf_and_are_recorded(manager, lease):
    _agree(manager, lease)
    call = lease.rent_calls.get()
    sent = mailing_services.notice_send(actor=manager, rent_call_id=call.pk)
    message = mail.outbox[-1]
    assert message.to == ["locataire@example.org"] and "Avis d'échéance" in message.subject
    assert "n'est pas une quittance" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "avis-echeance-2025-01.pdf" and content.startswith(b"%PDF") and mimetype == "application/pdf"
    assert sent.kind == "notice" and sent.rent_call == call
    rent_services.payment_record(
        actor=manager, lease_id=lease.pk, amount=D("550.00"), received_on=date(2025, 1, 6), source="tenant"
    )
    receipt = rent_services.receipt_issue(actor=manager, rent_call_id=call.pk, on=date(2025, 1, 7))
    mailing_services.receipt_send(actor=manager, receipt_id=receipt.pk)
    message = mail.outbox[-1]
    assert message.subject == "Quittance de loyer — 01/2025" and f"n° {receipt.number}" in message.body
    assert message.attachments[0][0] == f"quittance-{receipt.number}.pdf"
    assert DocumentEmail.objects.filter(lease=lease).count() == 2
    assert AuditEvent.objects.filter(action="ledger.document_email", household_id=lease.household_id).count() == 2
    assert AuditEvent.objects.filter(action="ledger.email_consent").count() == 1


def test_a_refused_sending_records_nothing(manager, lease):
    _agree(manager, lease)
    call = lease.rent_calls.get()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPRecipientsRefused({})):
        with pytest.raises(ValidationError, match="a refusé l'envoi"):
            mailing_services.notice_send(actor=manager, rent_call_id=call.pk)
    assert not DocumentEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="ledger.document_email").exists()


@pytest.mark.parametrize(
    ("given", "email", "on", "message"),
    [
        (True, "", date(2025, 1, 2), "Indiquez l'adresse"),
        (True, "pas-une-adresse", date(2025, 1, 2), "pas valide"),
        (True, "a@example.org", date(2099, 1, 1), "une fois donné"),
    ],
)
def test_bad_consents_are_refused_in_french(manager, lease, given, email, on, message):
    with pytest.raises(ValidationError, match=message):
        mailing_services.email_consent_record(actor=manager, lease_id=lease.pk, given=given, on=on, email=email)
    assert not EmailConsent.objects.exists()


def test_only_ledger_users_of_the_organisation_record_or_send(world, manager, lease):
    for role in ("social_worker", "team_lead", "volunteer", "technician"):
        with pytest.raises(PermissionDenied):
            _agree(world.users[role], lease)
    outsider = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
    with pytest.raises(Lease.DoesNotExist):
        _agree(outsider, lease)
    _agree(manager, lease)
    with pytest.raises(lease.rent_calls.model.DoesNotExist):
        mailing_services.notice_send(actor=outsider, rent_call_id=lease.rent_calls.get().pk)


def test_the_page_records_the_agreement_and_sends_a_notice(client, manager, lease):
    client.force_login(manager)
    url = reverse("ledger:lease_mail", args=[lease.pk])
    page = client.get(url).content.decode()
    assert "pas d&#x27;accord" in page or "pas d'accord" in page
    bad = client.post(url, {"given": "1", "on": "2025-01-02", "email": ""})
    assert bad.status_code == 200 and "Indiquez l" in bad.content.decode()
    hostile = '"><script>alert(1)</script>@example.org'
    client.post(url, {"given": "1", "on": "2025-01-02", "email": hostile})
    assert not EmailConsent.objects.exists()
    response = client.post(url, {"given": "1", "on": "2025-01-02", "email": "locataire@example.org"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "accord donné" in page and "locataire@example.org" in page
    call = lease.rent_calls.get()
    response = client.post(reverse("ledger:notice_send", args=[call.pk]))
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert "Document envoyé à locataire@example.org" in client.get(url).content.decode()


def _run(manager, month):
    rent_services.rent_calls_issue(actor=manager, month=month)
    return RentCallRun.objects.create(
        organisation=manager.organisation, month=month, status=RunStatus.DONE, started_by=manager
    )


def test_the_months_notices_are_printed_for_some_and_mailed_to_the_others(
    client, world, manager, lease, django_capture_on_commit_callbacks
):
    other = make_signed_lease(manager, make_household(world.users["social_worker"], name="Papier"))
    _agree(manager, lease)
    run = _run(manager, date(2025, 2, 1))
    assert {c.lease_id for c in mailing_queries.notices_to_print(manager.organisation_id, run.month)} == {other.pk}
    client.force_login(manager)
    page = client.get(reverse("ledger:run_detail", args=[run.pk])).content.decode()
    assert "1 avis à imprimer" in page and "Envoyer les avis par courriel" in page
    pdf = client.get(reverse("ledger:run_notices_pdf", args=[run.pk]) + "?partie=1")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("ledger:run_notices_pdf", args=[run.pk]) + "?partie=2").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:run_notices_mail", args=[run.pk]))
    assert response.status_code == 302
    sending = NoticeMailing.objects.get()
    assert (sending.status, sending.total, sending.sent) == (RunStatus.DONE, 1, 1)
    assert [m.to for m in mail.outbox] == [["locataire@example.org"]]
    response = client.post(reverse("ledger:run_notices_mail", args=[run.pk]), follow=True)
    assert "Aucun avis à envoyer" in response.content.decode()  # sent once only
    progress = client.get(reverse("ledger:mailing_detail", args=[sending.pk]), headers={"HX-Request": "true"})
    assert "1 avis envoyé" in progress.content.decode()


def test_one_refused_address_does_not_stop_the_months_mailing(
    world, manager, lease, django_capture_on_commit_callbacks
):
    second = make_signed_lease(manager, make_household(world.users["social_worker"], name="Second"))
    _agree(manager, lease)
    _agree(manager, second, email="second@example.org")
    run = _run(manager, date(2025, 2, 1))
    real_send = mail.EmailMessage.send

    def refuse_first(message, *args, **kwargs):
        if message.to == ["locataire@example.org"]:
            raise smtplib.SMTPRecipientsRefused({})
        return real_send(message, *args, **kwargs)

    with (
        mock.patch("django.core.mail.EmailMessage.send", refuse_first),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sending = mailing_services.notice_mailing_start(actor=manager, run_id=run.pk)
    sending.refresh_from_db()
    assert (sending.status, sending.done, sending.sent) == (RunStatus.DONE, 2, 1)
    assert "a refusé l'envoi" in sending.error
    assert mailing_queries.notices_to_mail(manager.organisation_id, run.month).count() == 1  # the refused one, to retry
