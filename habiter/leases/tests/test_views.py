"""Lease pages: forms that keep what was typed and explain refusals in French, the revision batch and its letter,
the household and home panels, and list pages whose query count does not grow with the rows."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from habiter.people.tests.factories import make_household

from .. import services
from ..models import Lease, LeaseStatus, RentRevision
from .factories import make_dwelling, make_lease, make_sliding_sublease

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_a_refused_lease_keeps_what_was_typed_and_says_why(manager_client, world):
    dwelling = make_dwelling(world.organisation, energy_class="G")
    data = {
        "kind": "direct",
        "dwelling": dwelling.pk,
        "household": world.own_household.pk,
        "start_date": "2026-03-01",
        "rent": "512.34",
        "charges": "40",
        "payment_day": "5",
        "deposit": "512.34",
        "irl_quarter": "4",
    }
    response = manager_client.post(reverse("leases:lease_create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "n&#x27;est pas décent" in body or "n'est pas décent" in body
    assert 'value="512.34"' in body
    assert not Lease.objects.exists()


def test_a_lease_is_prepared_then_signed_through_the_pages(manager_client, world):
    dwelling = make_dwelling(world.organisation, energy_class="C")
    response = manager_client.post(
        reverse("leases:lease_create"),
        {
            "kind": "direct",
            "dwelling": dwelling.pk,
            "household": world.own_household.pk,
            "start_date": "2026-03-01",
            "rent": "500",
            "charges": "40",
            "payment_day": "5",
            "deposit": "600",
            "irl_quarter": "4",
        },
    )
    assert response.status_code == 200
    assert "500,00 €" in response.content.decode()  # the deposit cap, named in the message
    response = manager_client.post(
        reverse("leases:lease_create"),
        {
            "kind": "direct",
            "dwelling": dwelling.pk,
            "household": world.own_household.pk,
            "start_date": "2026-03-01",
            "rent": "500",
            "charges": "40",
            "payment_day": "5",
            "deposit": "500",
            "irl_quarter": "4",
        },
    )
    lease = Lease.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("leases:lease_detail", args=[lease.pk])
    response = manager_client.post(
        reverse("leases:lease_sign", args=[lease.pk]), {"signed_on": "2026-02-20", "version": lease.version}
    )
    assert response.status_code == 302
    lease.refresh_from_db()
    assert lease.status == LeaseStatus.SIGNED
    page = manager_client.get(reverse("leases:lease_detail", args=[lease.pk])).content.decode()
    assert "Signé" in page and "Lefèvre" in page


def test_the_household_page_shows_its_leases_and_their_history(client, world, manager):
    lease = make_sliding_sublease(manager, world.own_household, start=date(2025, 3, 1))
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert reverse("leases:lease_detail", args=[lease.pk]) in page
    assert "Bail signé" in page  # the lease's history is on the household's one timeline


def test_a_social_worker_records_a_review_and_sees_the_landlord_deadline(client, world, manager):
    lease = make_sliding_sublease(manager, world.own_household, start=date(2025, 3, 1))
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("leases:lease_detail", args=[lease.pk])).content.decode()
    assert "30/06/2025" in page  # two months before the end of the first period (31/08/2025)
    response = client.post(
        reverse("leases:review_create", args=[lease.pk]),
        {
            "held_on": "2025-08-20",
            "worker_opinion": "reserved",
            "landlord_opinion": "favourable",
            "decision": "extend",
            "worker_comment": "<script>alert(1)</script>",
            "version": Lease.objects.get(pk=lease.pk).version,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("leases:lease_detail", args=[lease.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "28/02/2026" in page  # the new period
    household_page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Bilan du bail glissant : " in household_page  # on the household's one timeline too


@time_machine.travel(date(2026, 2, 10), tick=False)
def test_the_month_revisions_are_applied_and_the_letter_is_printed(client, manager_client, world, manager):
    lease = make_lease(manager, world.own_household, start=date(2025, 2, 1), rent="1000.00", irl_quarter=4)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    frozen = make_lease(
        manager,
        world.other_team_household,
        make_dwelling(world.organisation, energy_class="F"),
        start=date(2025, 2, 3),
        irl_quarter=4,
    )
    services.lease_sign(actor=manager, lease_id=frozen.pk, signed_on=frozen.start_date)
    page = manager_client.get(reverse("leases:revision_batch") + "?month=2026-02").content.decode()
    assert "1\xa0007,88 €" in page and "Classe F" in page  # amounts shown the French way
    url = reverse("leases:revision_batch") + "?month=2026-02"
    asked = manager_client.post(url, {"lease": [lease.pk]})
    assert "Confirmer les révisions" in asked.content.decode() and not RentRevision.objects.exists()
    response = manager_client.post(url, {"lease": [lease.pk], "confirmed": "1"})
    assert response.status_code == 302
    revision = RentRevision.objects.get()
    assert revision.new_rent == Decimal("1007.88") and revision.effective_date == date(2026, 2, 10)
    response = manager_client.get(reverse("leases:revision_letter", args=[revision.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "1\xa0007,88 €" in text and "145,78" in text and "144,64" in text
    assert "10 février 2026" in text
    client.force_login(world.users["social_worker"])
    household_page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Loyer révisé : 1\xa0000,00 € → 1\xa0007,88 €" in household_page  # on the household's timeline, in French


def test_the_letter_divides_by_the_leases_reference_index(client, world, manager):
    # Given a lease signed on 01/03/2025 at 500.00 with Q4 2024 (144.64) as reference, revised every 1 January
    lease = make_lease(
        manager, world.own_household, start=date(2025, 3, 1), rent="500.00", revision_anchor=date(2025, 1, 1)
    )
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    # Then on 20/01/2026 the page says there was no newer Q4 index on 01/01/2026, and offers nothing to apply
    with time_machine.travel(date(2026, 1, 20), tick=False):
        client.force_login(manager)
        page = client.get(reverse("leases:revision_batch") + "?month=2026-01").content.decode()
    assert "Loyer déjà fixé sur l&#x27;IRL du 4e trimestre 2024" in page and 'name="lease"' not in page
    # When January 2027 is applied on 05/01/2027: 500 × 145.78 / 144.64 = 503.9408… → 503.94
    with time_machine.travel(date(2027, 1, 5), tick=False):
        client.force_login(manager)
        url = reverse("leases:revision_batch") + "?month=2027-01"
        assert "503,94 €" in client.get(url).content.decode()
        assert client.post(url, {"lease": [lease.pk], "confirmed": "1"}).status_code == 302
        revision = RentRevision.objects.get()
        response = client.get(reverse("leases:revision_letter", args=[revision.pk]))
    # Then the letter shows the lease's reference Q4 2024 as base, not the index of a year before the lease
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "IRL T4 2024" in text and "144,64" in text and "IRL T4 2025" in text and "145,78" in text
    assert "503,94 €" in text and "142,06" not in text


def test_the_irl_page_adds_a_quarter_and_refuses_a_duplicate(manager_client):
    data = {"year": "2025", "quarter": "4", "zone": "metropole", "value": "145.78"}
    response = manager_client.post(reverse("leases:irl"), data)
    assert response.status_code == 200 and "déjà saisi" in response.content.decode()
    response = manager_client.post(reverse("leases:irl"), data | {"year": "2026", "quarter": "1", "value": "146.10"})
    assert response.status_code == 302


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_a_missing_index_is_a_to_do_the_manager_follows_to_the_irl_form(manager_client, world, manager):
    # Given a Corsican lease whose revision of 1 December 2026 needs the Q3 2026 Corse index, not entered
    dwelling = make_dwelling(world.organisation, territory="corse", postal_code="20000", city="Ajaccio")
    lease = make_lease(manager, world.own_household, dwelling, start=date(2025, 12, 1), rent="500.00", irl_quarter=3)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    entry = reverse("leases:irl") + "?year=2026&amp;quarter=3&amp;zone=corse#saisie"
    # Then the home page counts it
    home = manager_client.get(reverse("core:home")).content.decode()
    assert "1 révision de loyer attend un indice IRL à saisir" in home
    # And the revision page says why and links to the form
    batch = manager_client.get(reverse("leases:revision_batch") + "?month=2026-12").content.decode()
    assert "Indice IRL du 3e trimestre 2026 (Corse) non saisi : la révision attend l&#x27;indice." in batch
    assert entry in batch
    # And the IRL page lists it and opens the form on that quarter and zone
    page = manager_client.get(reverse("leases:irl") + "?year=2026&quarter=3&zone=corse").content.decode()
    assert "Indices attendus par des révisions de loyer" in page and "révision du 01/12/2026" in page
    assert 'value="2026"' in page and '<option value="corse" selected>' in page
    # When the manager enters it the French way (a test value, not the published one)
    response = manager_client.post(
        reverse("leases:irl"), {"year": "2026", "quarter": "3", "zone": "corse", "value": "142,00"}
    )
    assert response.status_code == 302
    # Then the revision is computed and the to-do is gone
    batch = manager_client.get(reverse("leases:revision_batch") + "?month=2026-12").content.decode()
    assert "501,48 €" in batch
    home = manager_client.get(reverse("core:home")).content.decode()
    assert "attend un indice IRL" not in home


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("value", "cent quarante", "Valeur invalide : l&#x27;indice publié, avec deux décimales, par exemple 145,78."),
        ("value", "145,781", "L&#x27;INSEE publie l&#x27;indice avec deux décimales au plus."),
        ("year", "20x6", "Année invalide : quatre chiffres, par exemple 2026."),
        ("quarter", "5", "Choisissez un trimestre de 1 à 4."),
        ("source_url", "insee", "Adresse invalide : collez l&#x27;adresse complète de la publication (https://…)."),
    ],
)
def test_the_irl_form_explains_in_french(manager_client, field, typed, message):
    data = {"year": "2026", "quarter": "1", "zone": "dom", "value": "143,10"} | {field: typed}
    response = manager_client.post(reverse("leases:irl"), data)
    assert response.status_code == 200
    assert message in response.content.decode()


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_the_irl_form_refuses_a_quarter_still_running(manager_client):
    data = {"year": "2026", "quarter": "4", "zone": "metropole", "value": "146,00"}
    page = manager_client.post(reverse("leases:irl"), data).content.decode()
    assert "Le 4e trimestre 2026 n&#x27;est pas terminé : son indice n&#x27;est pas encore publié." in page


def test_an_accountant_reads_the_irl_table_without_the_form(client, world):
    client.force_login(world.users["accountant"])
    page = client.get(reverse("leases:irl")).content.decode()
    assert "145,78" in page and "Enregistrer l&#x27;indice" not in page
    assert client.post(reverse("leases:irl"), {"year": "2026"}).status_code == 404


def test_the_lease_list_runs_a_constant_number_of_queries(
    manager_client, world, manager, django_assert_max_num_queries
):
    make_lease(manager, world.own_household)
    with django_assert_max_num_queries(12) as few:
        manager_client.get(reverse("leases:lease_list"))
    for index in range(6):
        household = make_household(world.users["social_worker"], name=f"Locataire {index}")
        make_lease(manager, household)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = manager_client.get(reverse("leases:lease_list")).content.decode()
    assert page.count("Locataire ") >= 6


def test_the_rental_manager_home_shows_the_sliding_reminder(client, world, manager):
    with time_machine.travel(date(2025, 6, 15), tick=False):
        lease = make_sliding_sublease(manager, world.own_household, start=date(2025, 3, 1))
        client.force_login(manager)
        page = client.get(reverse("core:home")).content.decode()
    assert reverse("leases:lease_detail", args=[lease.pk]) in page and "30/06/2025" in page


def test_the_home_page_warns_of_a_long_lease_ending_within_a_year(client, world, manager):
    from habiter.housing.models import Building, OwnerKind

    from .factories import make_owner

    town = make_owner(world.organisation, kind=OwnerKind.TOWN, name="Ville d'Aix")
    building = Building.objects.create(
        organisation=world.organisation, name="Îlot Cardinale", address="2 rue", postal_code="13100", city="Aix"
    )
    with time_machine.travel(date(2026, 11, 22), tick=False):
        services.head_lease_create(
            actor=manager,
            kind="long_lease",
            owner_id=town.pk,
            building_id=building.pk,
            surface=Decimal("640"),
            rent=Decimal("1"),
            start_date=date(1997, 2, 1),
            end_date=date(2027, 6, 30),
        )
        client.force_login(manager)
        page = client.get(reverse("core:home")).content.decode()
    assert "Îlot Cardinale — Ville d&#x27;Aix" in page and "30/06/2027" in page


def test_the_end_form_refuses_a_last_day_before_the_end_of_notice_then_computes_it(manager_client, world, manager):
    lease = make_lease(manager, world.own_household)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    url = reverse("leases:lease_end", args=[lease.pk])
    form = manager_client.get(url).content.decode()
    assert "Préavis réduit à un mois" in form and "Nouveau locataire entré le" in form
    refused = manager_client.post(
        url,
        {
            "notice_given_on": "2027-03-15",
            "end_date": "2027-04-30",
            "moved_out_on": "2027-04-30",
            "version": 2,
            "confirmed": "1",
        },
    )
    assert refused.status_code == 200 and "15/06/2027" in refused.content.decode()
    lease.refresh_from_db()
    assert lease.status == LeaseStatus.SIGNED and lease.version == 2
    done = manager_client.post(
        url,
        {"notice_given_on": "2027-03-15", "notice_reduced": "on", "moved_out_on": "", "version": 2, "confirmed": "1"},
    )
    assert done.status_code == 302
    lease.refresh_from_db()
    assert (lease.status, lease.end_date) == (LeaseStatus.ENDED, date(2027, 4, 15))


def test_an_end_form_opened_before_a_colleague_ended_the_lease_is_refused(manager_client, world, manager):
    from django.test import Client

    from habiter.core.tests.form_values import form_values

    lease = make_lease(manager, world.own_household)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    url = reverse("leases:lease_end", args=[lease.pk])
    shown = form_values(manager_client.get(url).content.decode())
    assert shown["version"] == "2"
    director = Client()
    director.force_login(world.users["director"])
    first = director.post(
        url, form_values(director.get(url).content.decode(), end_date="2027-05-31") | {"confirmed": "1"}
    )
    assert first.status_code == 302
    refused = manager_client.post(url, shown | {"end_date": "2027-06-30", "confirmed": "1"})
    body = refused.content.decode()
    assert refused.status_code == 200 and f"modifié par {world.users['director']}" in body
    assert "pas été enregistrés" in body
    lease.refresh_from_db()
    assert (lease.status, lease.end_date, lease.version) == (LeaseStatus.ENDED, date(2027, 5, 31), 3)
