"""Partners, their contacts and agreements: the services (rights, checks, audit), the pages and the renewal alert on
the director's home page."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from habiter.community import partners, queries, rules
from habiter.community.models import Agreement, Partner
from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def partner(director):
    return partners.partner_create(
        actor=director, data={"name": "Pays d'Aix Habitat", "kind": "social_landlord", "phone": "04 42 00 00 00"}
    )


def agreement_data(**changes):
    today = timezone.localdate()
    data = {
        "title": "Convention de glissement de bail",
        "signed_on": today - timedelta(days=300),
        "starts_on": today - timedelta(days=300),
        "ends_on": today + timedelta(days=65),
        "amount": Decimal("12500.00"),
        "renewal_on": today + timedelta(days=20),
    }
    return data | changes


def test_status_is_derived_from_the_dates():
    today = date(2026, 6, 1)

    def status(**dates):
        return rules.agreement_status(notice_days=90, today=today, **dates)

    assert status(starts_on=date(2026, 7, 1), ends_on=None, alert_on=None) == "upcoming"
    assert status(starts_on=date(2026, 1, 1), ends_on=None, alert_on=None) == "active"
    assert status(starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), alert_on=None) == "active"
    assert status(starts_on=date(2026, 1, 1), ends_on=date(2026, 8, 1), alert_on=date(2026, 8, 1)) == "renewal_due"
    assert status(starts_on=date(2026, 1, 1), ends_on=None, alert_on=date(2026, 5, 1)) == "renewal_due"
    assert status(starts_on=date(2025, 1, 1), ends_on=date(2026, 5, 31), alert_on=None) == "ended"


def test_director_records_a_partner_a_contact_and_an_agreement_with_its_pdf(director, partner):
    contact = partners.partner_contact_add(
        actor=director, partner_id=partner.pk, data={"name": "Mme Durand", "role": "Chargée de gestion locative"}
    )
    agreement = partners.agreement_create(
        actor=director,
        partner_id=partner.pk,
        data=agreement_data(),
        uploaded=SimpleUploadedFile("convention.pdf", pdf_bytes()),
    )
    assert contact.partner == partner and agreement.amount == Decimal("12500.00")
    assert agreement.signed_pdf.name.endswith(".pdf") and agreement.signed_pdf_name == "convention.pdf"
    actions = set(AuditEvent.objects.filter(actor=director).values_list("action", flat=True))
    assert {"partner.create", "partner_contact.add", "agreement.create"} <= actions
    partners.agreement_update(
        actor=director, agreement_id=agreement.pk, data=agreement_data(renewal_on=None, ends_on=None)
    )
    agreement.refresh_from_db()
    assert agreement.ends_on is None and agreement.signed_pdf  # the PDF stays when none is sent


@pytest.mark.parametrize(
    ("changes", "upload", "message"),
    [
        ({"ends_on": timezone.localdate() - timedelta(days=400)}, None, "finir avant de commencer"),
        ({"amount": Decimal("-1")}, None, "négatif"),
        ({}, SimpleUploadedFile("convention.pdf", b"Bonjour, ceci n'est pas un PDF"), "PDF"),
    ],
)
def test_an_agreement_out_of_rule_is_refused(director, partner, changes, upload, message):
    with pytest.raises(ValidationError) as refused:
        partners.agreement_create(
            actor=director, partner_id=partner.pk, data=agreement_data(**changes), uploaded=upload
        )
    assert message in str(refused.value)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("role", ["social_worker", "volunteer", "team_lead"])
def test_only_a_director_manages_partners(world, partner, role):
    user = world.users[role]
    with pytest.raises(PermissionDenied):
        partners.partner_create(actor=user, data={"name": "CCAS", "kind": "ccas"})
    with pytest.raises(PermissionDenied):
        partners.agreement_create(actor=user, partner_id=partner.pk, data=agreement_data())


def test_another_organisation_does_not_find_the_partner(world, partner):
    foreign = UserFactory(organisation=world.other_organisation, role="director")
    with pytest.raises(Partner.DoesNotExist):
        partners.agreement_create(actor=foreign, partner_id=partner.pk, data=agreement_data())
    with pytest.raises(Partner.DoesNotExist):
        partners.partner_update(actor=foreign, partner_id=partner.pk, data={"name": "x", "kind": "ccas"})


def test_pages_list_filter_detail_and_pdf(client, world, director, partner):
    agreement = partners.agreement_create(
        actor=director,
        partner_id=partner.pk,
        data=agreement_data(),
        uploaded=SimpleUploadedFile("convention.pdf", pdf_bytes()),
    )
    partners.partner_create(actor=director, data={"name": "CCAS d'Aix-en-Provence", "kind": "ccas"})
    client.force_login(world.users["social_worker"])
    listed = client.get(reverse("community:partner_list"), {"type": "ccas"}).content.decode()
    assert "CCAS d&#x27;Aix-en-Provence" in listed and "Pays d" not in listed
    page = client.get(reverse("community:partner_detail", args=[partner.pk])).content.decode()
    assert "Convention de glissement de bail" in page and "Renouvellement à décider" in page
    assert reverse("community:agreement_create", args=[partner.pk]) not in page  # read only
    pdf = client.get(reverse("community:agreement_pdf", args=[agreement.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory(organisation=world.other_organisation, role="director"))
    assert client.get(reverse("community:partner_detail", args=[partner.pk])).status_code == 404
    assert client.get(reverse("community:agreement_pdf", args=[agreement.pk])).status_code == 404


def test_director_adds_an_agreement_through_the_form(client, director, partner):
    client.force_login(director)
    response = client.post(
        reverse("community:agreement_create", args=[partner.pk]),
        {
            "title": "Mise à disposition de logements",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "amount": "1500,50",
            "renewal_on": "2026-10-01",
            "signed_pdf": SimpleUploadedFile("c.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 200 and "PDF" in response.content.decode()
    response = client.post(
        reverse("community:agreement_create", args=[partner.pk]),
        {
            "title": "Mise à disposition de logements",
            "starts_on": "2026-01-01",
            "amount": "1500,50",
            "renewal_notice_days": "90",  # the form's initial value, posted as shown
        },
    )
    assert response.status_code == 302
    assert Agreement.objects.get().amount == Decimal("1500.50")


def test_home_panel_shows_the_agreements_to_renew_in_constant_queries(client, director, partner):
    today = timezone.localdate()
    partners.agreement_create(actor=director, partner_id=partner.pk, data=agreement_data(title="Bientôt"))
    partners.agreement_create(
        actor=director,
        partner_id=partner.pk,
        data=agreement_data(title="Échue", renewal_on=today - timedelta(days=3), ends_on=today + timedelta(days=10)),
    )
    partners.agreement_create(
        actor=director,
        partner_id=partner.pk,
        data=agreement_data(title="Lointaine", renewal_on=today + timedelta(days=200), ends_on=None),
    )
    partners.agreement_create(
        actor=director,
        partner_id=partner.pk,
        data=agreement_data(title="Finie depuis longtemps", renewal_on=None, ends_on=today - timedelta(days=200)),
    )
    panel = queries.agreements_to_renew(director, today)
    assert [row["agreement"].title for row in panel["agreements"]] == ["Échue", "Bientôt"]
    assert [row["overdue"] for row in panel["agreements"]] == [True, False]
    with CaptureQueriesContext(connection) as few:
        queries.agreements_to_renew(director, today)
    for i in range(12):
        partners.agreement_create(actor=director, partner_id=partner.pk, data=agreement_data(title=f"Lot {i}"))
    with CaptureQueriesContext(connection) as many:
        panel = queries.agreements_to_renew(director, today)
    assert len(panel["agreements"]) == queries.AGREEMENT_PANEL_SIZE and panel["count"] == 14
    assert len(many) <= len(few) + 1  # the count query, once the list is full
    client.force_login(director)
    home = client.get(reverse("core:home")).content.decode()
    assert "conventions à renouveler" in home and "Échue" in home


def test_home_panel_is_for_directors_only(client, world, director, partner):
    partners.agreement_create(actor=director, partner_id=partner.pk, data=agreement_data())
    client.force_login(world.users["social_worker"])
    assert "panel-agreements" not in client.get(reverse("core:home")).content.decode()
