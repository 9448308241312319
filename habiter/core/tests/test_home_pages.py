"""Each role's home page lists its work of the day with counts linking to the filtered lists, scoped to the user's
organisation, in a number of queries that does not grow with the rows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.housing.tests.factories import make_prospect, make_ticket
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.bank import services as bank_services
from habiter.ledger.tests.factories import make_mandate_lease

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, user):
    client.force_login(user)
    client.get(reverse("core:home"))  # what a page caches for the process (legal parameters…) is read once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:home")).status_code == 200
    return len(captured)


def _bank_lines(accountant, count, tag):
    mapping = bank_services.bank_mapping_create(
        actor=accountant,
        name=f"Banque {tag}",
        date_column="Date",
        label_column="Libellé",
        amount_column="Montant",
        reference_column="Référence",
        counterparty_column="Émetteur",
    )
    rows = "".join(f"0{i + 1}/01/2026;VIR {tag} {i};{100 + i},00;R{tag}{i};M. {tag}\n" for i in range(count))
    bank_services.bank_statement_import(
        actor=accountant,
        file_name=f"{tag}.csv",
        content=("Date;Libellé;Montant;Référence;Émetteur\n" + rows).encode(),
        file_format="csv",
        mapping_id=mapping.pk,
    )


def _stock(world, manager, organisation_actor, count, tag):
    for i in range(count):
        dwelling = make_dwelling(organisation_actor.organisation, reference=f"{tag}-{i}")
        make_ticket(organisation_actor, dwelling, title=f"Fuite {tag} {i}")
        make_prospect(organisation_actor, dwelling, on_date=timezone.localdate() - timedelta(days=60))


def test_the_accountant_sees_the_lines_to_match_and_the_statements_to_issue(world, client):
    accountant = world.users["accountant"]
    manager = world.users["rental_manager"]
    _bank_lines(accountant, 2, "A")
    make_mandate_lease(manager, world.own_household, reference="MAN-1")
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    _bank_lines(outsider, 3, "B")
    home = _home(client, accountant)
    assert "2 opérations bancaires à rapprocher" in home
    assert "1 compte rendu de gestion à émettre" in home
    assert re.search(r"0 reversements? à envoyer", home) and re.search(r"0 impayés? à signaler à la CAF", home)
    assert "Mois à clôturer" in home
    for name in ("bank_queue", "arrears", "owner_statements", "payouts", "month_end"):
        assert reverse(f"ledger:{name}") in home
    assert "Comptabilité : à faire" not in _home(client, manager)


def test_the_accountant_home_costs_the_same_queries_for_one_line_or_several(world, client):
    accountant = world.users["accountant"]
    _bank_lines(accountant, 1, "A")
    one = _queries(client, accountant)
    _bank_lines(accountant, 4, "B")
    assert _queries(client, accountant) == one


def test_the_rental_manager_sees_vacant_dwellings_overdue_captation_and_open_tickets(world, client):
    manager = world.users["rental_manager"]
    _stock(world, manager, manager, 2, "MRS")
    outsider = UserFactory(organisation=world.other_organisation, role=Role.RENTAL_MANAGER)
    _stock(world, outsider, outsider, 3, "LYO")
    home = _home(client, manager)
    assert "2 logements vacants" in home and "jamais loué" in home
    assert "2 captations à la même étape depuis plus de 30 jours" in home
    assert "2 interventions techniques ouvertes" in home
    assert f"{reverse('housing:ticket_list')}?status=open" in home
    assert "LYO-0" not in home


def test_the_rental_manager_home_costs_the_same_queries_for_one_dwelling_or_several(world, client):
    manager = world.users["rental_manager"]
    _stock(world, manager, manager, 1, "A")
    one = _queries(client, manager)
    _stock(world, manager, manager, 3, "B")
    assert _queries(client, manager) == one


def test_the_lawyer_sees_her_next_sessions_only(world, client):
    from habiter.evictions import services as eviction_services

    lawyer = world.users["lawyer"]
    other_lawyer = UserFactory(organisation=world.organisation, role=Role.LAWYER)
    today = timezone.localdate()
    for who, place in ((lawyer, "Maison du droit"), (other_lawyer, "Tribunal"), (lawyer, "Hier")):
        eviction_services.legal_session_create(
            actor=world.users["director"],
            held_on=today - timedelta(days=3) if place == "Hier" else today + timedelta(days=2),
            place=place,
            social_worker_id=world.users["social_worker"].pk,
            lawyer_id=who.pk,
        )
    home = _home(client, lawyer)
    assert "Mes prochaines permanences juridiques" in home
    assert "Maison du droit" in home and "Tribunal" not in home and "Hier" not in home


def test_the_director_gets_the_steering_pages_instead_of_a_few_households(world, client):
    home = _home(client, world.users["director"])
    assert reverse("evictions:statistics") in home and reverse("core:audit_log") in home
    assert "Lefèvre" not in home


def test_the_host_has_something_to_do_and_no_api_tokens(world, client):
    home = _home(client, world.users["host"])
    assert reverse("core:otp_enrol") in home and "jetons" not in home


@pytest.mark.parametrize("role", ["receptionist", "volunteer"])
def test_the_desk_sees_today_s_workshops(world, client, role):
    from habiter.reception import services as reception_services

    director = world.users["director"]
    now = timezone.localtime()
    for organisation_user, title in (
        (director, "Budget"),
        (UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR), "Ailleurs"),
    ):
        workshop = reception_services.workshop_create(actor=organisation_user, title=title, theme="rights")
        reception_services.workshop_session_create(
            actor=organisation_user,
            workshop_id=workshop.pk,
            starts_at=now.replace(hour=14, minute=0),
            place="Salle 1",
            facilitator_id=organisation_user.pk,
            capacity=10,
        )
    home = _home(client, world.users[role])
    assert "Ateliers du jour" in home and "14:00 · Budget" in home and "Ailleurs" not in home


def test_every_link_of_every_home_page_resolves(world, client):
    for user in world.users.values():
        home = _home(client, user)
        for href in set(re.findall(r'href="(/[^"]*)"', home)):
            if href.startswith("/static/") or href.endswith(".pdf"):
                continue
            assert client.get(href).status_code == 200, (user.role, href)
