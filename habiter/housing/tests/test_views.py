import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from habiter.housing import registry, services
from habiter.housing.models import (
    Dwelling,
    Inspection,
    MaintenanceTicket,
    Owner,
    OwnerContact,
    Photo,
    Prospect,
    ProspectStageChange,
)

from .factories import an_image, make_dwelling, make_inspection, make_owner, make_prospect, make_ticket

pytestmark = pytest.mark.django_db

INVALID = "INVALID_TEMPLATE_VARIABLE"


class InlineCode(HTMLParser):
    """What a CSP without 'unsafe-inline' would block: inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style" or "style" in names:
            self.found.append(f"style on <{tag}>")
        self.found.extend(f"{name}= on <{tag}>" for name in names if name.startswith("on"))


def page_of(client, url, params=None, status=200) -> str:
    response = client.get(url, params or {})
    assert response.status_code == status, url
    html = response.content.decode()
    assert INVALID not in html, f"{url}: unknown template variable"
    parser = InlineCode()
    parser.feed(html)
    assert not parser.found, f"{url}: {parser.found}"
    return html


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


@pytest.fixture
def stock(manager, world):
    """A small stock: two dwellings of one owner, one without DPE, a prospect, a ticket, a check-in and out."""
    owner = make_owner(manager, name="Jean Lambert", iban="FR7630006000011234567890189")
    decent = make_dwelling(manager, "MRS-001", owner=owner, energy_class="D")
    g_class = make_dwelling(manager, "MRS-002", owner=owner, energy_class="G", city="Aubagne")
    no_dpe = make_dwelling(manager, "MRS-003", owner=owner, energy_class="")
    prospect = make_prospect(manager, decent, on_date=timezone.localdate() - timedelta(days=10))
    ticket = make_ticket(world.users["social_worker"], decent, photos=[an_image()])
    technician = world.users["technician"]
    check_in = make_inspection(technician, decent, done_on=timezone.localdate() - timedelta(days=300))
    check_out = make_inspection(
        technician,
        decent,
        kind="check_out",
        done_on=timezone.localdate() - timedelta(days=3),
        rooms=[{"name": "séjour", "condition": "poor"}, {"name": "Cuisine", "condition": "good"}],
        keys_returned_on=timezone.localdate() - timedelta(days=3),
    )
    return {
        "owner": owner,
        "decent": decent,
        "g_class": g_class,
        "no_dpe": no_dpe,
        "prospect": prospect,
        "ticket": ticket,
        "check_in": check_in,
        "check_out": check_out,
    }


def test_every_page_renders_for_the_rental_manager(client, manager, stock):
    client.force_login(manager)
    urls = [
        reverse("housing:owner_list"),
        reverse("housing:owner_create"),
        reverse("housing:owner_detail", args=[stock["owner"].pk]),
        reverse("housing:owner_edit", args=[stock["owner"].pk]),
        reverse("housing:building_list"),
        reverse("housing:building_create"),
        reverse("housing:dwelling_list"),
        reverse("housing:dwelling_create"),
        reverse("housing:dwelling_detail", args=[stock["decent"].pk]),
        reverse("housing:dwelling_detail", args=[stock["g_class"].pk]),
        reverse("housing:dwelling_detail", args=[stock["no_dpe"].pk]),
        reverse("housing:dwelling_edit", args=[stock["decent"].pk]),
        reverse("housing:prospect_board"),
        reverse("housing:prospect_create"),
        reverse("housing:prospect_detail", args=[stock["prospect"].pk]),
        reverse("housing:ticket_list"),
        reverse("housing:ticket_create"),
        reverse("housing:ticket_detail", args=[stock["ticket"].pk]),
        reverse("housing:inspection_list"),
        reverse("housing:inspection_create"),
        reverse("housing:inspection_create") + f"?logement={stock['decent'].pk}&pieces=8",
        reverse("housing:inspection_detail", args=[stock["check_in"].pk]),
        reverse("housing:inspection_detail", args=[stock["check_out"].pk]),
    ]
    for url in urls:
        page_of(client, url)
    building = services.building_create(
        actor=manager, data={"name": "Les Muettes", "address": "8 rue", "postal_code": "13002", "city": "Marseille"}
    )
    page_of(client, reverse("housing:building_detail", args=[building.pk]))
    page_of(client, reverse("housing:building_edit", args=[building.pk]))


def test_the_dwelling_page_says_whether_it_may_be_let(client, manager, stock):
    client.force_login(manager)
    decent = page_of(client, reverse("housing:dwelling_detail", args=[stock["decent"].pk]))
    assert "Oui, sans date limite au calendrier actuel." in decent or "Oui, jusqu" in decent
    assert "Le loyer peut être révisé" in decent
    g_class = page_of(client, reverse("housing:dwelling_detail", args=[stock["g_class"].pk]))
    assert "un logement classé G est indécent" in g_class and "Loyer gelé" in g_class
    no_dpe = page_of(client, reverse("housing:dwelling_detail", args=[stock["no_dpe"].pk]))
    assert "DPE à renseigner : ne peut pas être loué" in no_dpe


def test_an_e_dwelling_is_let_until_the_end_of_2033(client, manager):
    dwelling = make_dwelling(manager, "E-1", energy_class="E")
    client.force_login(manager)
    page = page_of(client, reverse("housing:dwelling_detail", args=[dwelling.pk]))
    assert "Oui, jusqu'au 31/12/2033." in page


def test_a_dwelling_in_corsica_is_recorded_and_follows_the_mainland_decency_calendar(client, manager, stock):
    client.force_login(manager)
    form = page_of(client, reverse("housing:dwelling_create"))
    assert '<option value="corse">Corse</option>' in form
    response = client.post(
        reverse("housing:dwelling_create"),
        {
            "reference": "AJA-001",
            "owner": stock["owner"].pk,
            "address": "2 cours Napoléon",
            "postal_code": "20000",
            "city": "Ajaccio",
            "territory": "corse",
            "surface": "41",
            "rooms": "2",
            "energy_class": "E",
        },
    )
    assert response.status_code == 302
    dwelling = Dwelling.objects.get(reference="AJA-001")
    assert dwelling.territory == "corse"
    page = page_of(client, reverse("housing:dwelling_detail", args=[dwelling.pk]))
    assert "Corse" in page
    assert "Oui, jusqu'au 31/12/2033." in page


def test_dwelling_panels_of_other_apps_are_shown(client, manager, stock):
    def context(dwelling, user):
        return {"reference": dwelling.reference} if dwelling.energy_class == "D" else None

    registry.register_dwelling_panel("housing/tests_panel.html", context)
    try:
        client.force_login(manager)
        from django.template import TemplateDoesNotExist

        with pytest.raises(TemplateDoesNotExist):  # the panel's template is included in the page
            client.get(reverse("housing:dwelling_detail", args=[stock["decent"].pk]))
        page_of(client, reverse("housing:dwelling_detail", args=[stock["g_class"].pk]))  # hidden: None
    finally:
        registry._dwelling_panels.pop("housing/tests_panel.html")


def test_the_dwelling_list_filters_by_town_and_energy_class(client, manager, stock):
    client.force_login(manager)
    page = page_of(client, reverse("housing:dwelling_list"), {"city": "Aubagne"})
    assert "MRS-002" in page and "MRS-001" not in page
    page = page_of(client, reverse("housing:dwelling_list"), {"energy_class": "none"})
    assert "MRS-003" in page and "MRS-001" not in page and "DPE à renseigner" in page
    page = page_of(client, reverse("housing:dwelling_list"), {"q": "mrs-00"})
    assert "MRS-001" in page and "MRS-002" in page


def test_the_owner_form_refuses_a_bad_iban_keeps_the_input_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("housing:owner_create"),
        {
            "kind": "private",
            "name": "Martine Ricard",
            "phone": "06 11 22 33 44",
            "iban": "FR76 3000 6000 0112 3456 7890 188",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cet IBAN n&#x27;est pas valide" in page
    assert 'value="Martine Ricard"' in page and 'value="06 11 22 33 44"' in page
    assert not Owner.objects.exists()
    response = client.post(
        reverse("housing:owner_create"),
        {"kind": "town", "name": "Ville d'Aubagne", "iban": "fr76 3000 6000 0112 3456 7890 189"},
    )
    owner = Owner.objects.get()
    assert response.status_code == 302 and owner.iban == "FR7630006000011234567890189"


def test_the_iban_is_shown_to_the_accountant_but_not_to_a_social_worker(client, world, stock):
    url = reverse("housing:owner_detail", args=[stock["owner"].pk])
    client.force_login(world.users["accountant"])
    assert "FR76 3000 6000 0112 3456 7890 189" in page_of(client, url)
    client.force_login(world.users["social_worker"])
    page = page_of(client, url)
    assert "FR76" not in page and "IBAN" not in page


def test_an_owner_contact_is_added_from_the_owner_page(client, manager, stock):
    client.force_login(manager)
    url = reverse("housing:owner_contact_add", args=[stock["owner"].pk])
    response = client.post(url, {"occurred_on": "2026-01-05", "channel": "phone", "summary": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    assert not OwnerContact.objects.exists()
    response = client.post(url, {"occurred_on": "2026-01-05", "channel": "phone", "summary": "Accord de principe."})
    assert response.status_code == 302
    assert "Accord de principe." in page_of(client, reverse("housing:owner_detail", args=[stock["owner"].pk]))


def test_the_dwelling_form_keeps_the_input_and_explains_in_french(client, manager, stock):
    client.force_login(manager)
    response = client.post(
        reverse("housing:dwelling_create"),
        {
            "reference": "MRS-001",
            "owner": stock["owner"].pk,
            "address": "3 rue Sainte",
            "postal_code": "13001",
            "city": "Marseille",
            "territory": "metropole",
            "surface": "vingt",
            "rooms": "2",
            "rent_cap_scheme": "loc2",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Surface invalide : un nombre de m², par exemple 42,5." in page
    assert 'value="3 rue Sainte"' in page
    response = client.post(
        reverse("housing:dwelling_create"),
        {
            "reference": "MRS-001",
            "owner": stock["owner"].pk,
            "address": "3 rue Sainte",
            "postal_code": "13001",
            "city": "Marseille",
            "territory": "metropole",
            "surface": "22,5",
            "rooms": "1",
            "rent_cap_scheme": "loc2",
        },
    )
    page = response.content.decode()
    assert "Un logement conventionné a un plafond de loyer" in page
    assert Dwelling.objects.count() == 3


def test_a_prospect_is_created_from_the_board_with_a_new_owner_and_dwelling(client, manager):
    client.force_login(manager)
    data = {
        "new_owner_name": "Odile Vidal",
        "new_owner_kind": "private",
        "new_dwelling-reference": "AIX-010",
        "new_dwelling-address": "5 rue Mignet",
        "new_dwelling-postal_code": "13100",
        "new_dwelling-city": "Aix-en-Provence",
        "new_dwelling-territory": "metropole",
        "new_dwelling-surface": "42",
        "new_dwelling-rooms": "2",
        "new_dwelling-energy_class": "D",
        "worker": manager.pk,
        "on_date": "2026-01-05",
        "market_rent": "700",
    }
    missing = client.post(reverse("housing:prospect_create"), data | {"new_dwelling-reference": ""})
    assert missing.status_code == 200
    assert "Choisissez un logement ou décrivez le nouveau logement ci-dessous." in missing.content.decode()
    assert 'value="Odile Vidal"' in missing.content.decode()
    assert not Owner.objects.exists() and not Prospect.objects.exists()
    response = client.post(reverse("housing:prospect_create"), data)
    assert response.status_code == 302, response.content.decode()
    prospect = Prospect.objects.get()
    assert prospect.owner.name == "Odile Vidal" and prospect.dwelling.owner == prospect.owner
    assert prospect.stage == "identified" and prospect.stage_changes.count() == 1


def test_a_prospect_moves_through_the_page_and_the_board_shows_it(client, manager, stock):
    client.force_login(manager)
    prospect = stock["prospect"]
    url = reverse("housing:prospect_move", args=[prospect.pk])
    refused = client.post(url, {"to_stage": "signed", "on_date": timezone.localdate().isoformat()})
    assert refused.status_code == 200 and "Sélectionnez un choix valide" in refused.content.decode()
    moved = client.post(url, {"to_stage": "contacted", "on_date": timezone.localdate().isoformat()})
    assert moved.status_code == 302
    assert Prospect.objects.get(pk=prospect.pk).stage == "contacted"
    board = page_of(client, reverse("housing:prospect_board"))
    assert "taux de transformation : aucun prospect clos" in board
    assert re.search(r"\b0 jours? à cette étape", board)
    assert "10 jours en moyenne à cette étape" in board  # identified for 10 days


def test_the_board_filters_by_town_and_worker(client, manager, stock, world):
    director = world.users["director"]
    other = make_dwelling(manager, "AUB-009", city="Aubagne")
    services.prospect_create(
        actor=director, worker_id=director.pk, on_date=date(2026, 1, 2), owner_id=other.owner_id, dwelling_id=other.pk
    )
    client.force_login(manager)
    assert "AUB-009" not in page_of(client, reverse("housing:prospect_board"), {"city": "Marseille"})
    page = page_of(client, reverse("housing:prospect_board"), {"worker": director.pk})
    assert "AUB-009" in page and "MRS-001" not in page


def test_a_technician_sees_their_ticket_at_home_sets_the_cost_and_closes_it(client, world, stock):
    technician = world.users["technician"]
    ticket = stock["ticket"]
    services.ticket_update(
        actor=world.users["rental_manager"], ticket_id=ticket.pk, status="assigned", technician_id=technician.pk
    )
    client.force_login(technician)
    home = page_of(client, reverse("core:home"))
    assert "Mes interventions techniques à faire" in home and "Fuite sous l&#x27;évier" in home
    assert "Toutes les interventions techniques" in home and reverse("housing:dwelling_list") not in home
    detail = page_of(client, reverse("housing:ticket_detail", args=[ticket.pk]))
    assert reverse("housing:dwelling_detail", args=[ticket.dwelling_id]) not in detail
    url = reverse("housing:ticket_update", args=[ticket.pk])
    version = MaintenanceTicket.objects.get(pk=ticket.pk).version
    bad = client.post(url, {"status": "done", "technician": technician.pk, "cost": "abc", "version": version})
    assert bad.status_code == 200 and "Montant invalide" in bad.content.decode()
    response = client.post(url, {"status": "done", "technician": technician.pk, "cost": "125,50", "version": version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "done" and ticket.cost == Decimal("125.50") and ticket.closed_on == timezone.localdate()
    assert "Aucune intervention ouverte ne vous est attribuée." in page_of(client, reverse("core:home"))


def test_a_refused_photo_stores_nothing_and_a_good_one_is_served_to_who_may_see_it(client, world, stock):
    ticket = stock["ticket"]
    client.force_login(world.users["social_worker"])
    url = reverse("housing:ticket_photo_add", args=[ticket.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Photo.objects.count()
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>")
    response = client.post(url, {"photo": fake})
    assert response.status_code == 200
    assert "Seules les photos JPEG, PNG et WebP sont acceptées" in response.content.decode()
    assert Photo.objects.count() == before
    assert client.post(url, {"photo": an_image("mur.webp", "WEBP")}).status_code == 302
    photo = Photo.objects.get(ticket=ticket, content_type="image/webp")
    assert photo.file.name.endswith(f"{photo.pk}.webp") and "mur" not in photo.file.name
    served = client.get(reverse("housing:photo_view", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    client.force_login(world.users["accountant"])
    assert client.get(reverse("housing:photo_view", args=[photo.pk])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("housing:photo_view", args=[photo.pk])).status_code == 404


def test_the_check_out_is_compared_with_the_check_in_and_gives_the_deposit_deadline(client, world, stock):
    client.force_login(world.users["technician"])
    page = page_of(client, reverse("housing:inspection_detail", args=[stock["check_out"].pk]))
    assert "Comparaison avec l'entrée" in page
    assert "compare__worse" in page and "dégradé" in page
    keys = stock["check_out"].keys_returned_on
    expected = services.housing_rules.add_months(keys, 2)
    assert f"À restituer au plus tard le {expected:%d/%m/%Y}." in page
    assert "n'est pas conforme" in page and "Délai de 2 mois" in page


def test_an_inspection_is_recorded_room_by_room_with_a_photo(client, world, stock):
    technician = world.users["technician"]
    client.force_login(technician)
    dwelling = stock["g_class"]
    data = {
        "dwelling": dwelling.pk,
        "kind": "check_in",
        "done_on": "2026-01-05",
        "rooms-TOTAL_FORMS": "2",
        "rooms-INITIAL_FORMS": "0",
        "rooms-MIN_NUM_FORMS": "1",
        "rooms-MAX_NUM_FORMS": "30",
        "rooms-0-name": "Séjour",
        "rooms-0-condition": "good",
        "rooms-0-photo": an_image(),
        "rooms-1-name": "Cuisine",
        "rooms-1-condition": "",
    }
    response = client.post(reverse("housing:inspection_create"), data)
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    assert not Inspection.objects.filter(dwelling=dwelling).exists()
    data["rooms-1-condition"] = "fair"
    data["rooms-0-photo"] = an_image()
    response = client.post(reverse("housing:inspection_create"), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get(dwelling=dwelling)
    assert [r.name for r in inspection.rooms.all()] == ["Séjour", "Cuisine"]
    assert Photo.objects.filter(room__inspection=inspection).count() == 1


def test_the_keys_returned_date_is_set_later(client, world, stock):
    check_out = make_inspection(
        world.users["technician"], stock["decent"], kind="check_out", done_on=timezone.localdate()
    )
    client.force_login(world.users["technician"])
    url = reverse("housing:inspection_keys", args=[check_out.pk])
    assert client.post(url, {"keys_returned_on": timezone.localdate().isoformat()}).status_code == 302
    page = page_of(client, reverse("housing:inspection_detail", args=[check_out.pk]))
    assert "À restituer au plus tard le" in page


def test_a_ticket_is_reported_with_a_photo_and_a_refused_photo_saves_no_ticket(client, world, stock):
    client.force_login(world.users["social_worker"])
    data = {
        "dwelling": stock["g_class"].pk,
        "title": "Moisissures dans la chambre",
        "reported_by": "worker",
        "reported_on": "2026-01-05",
        "urgency": "urgent",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    refused = client.post(reverse("housing:ticket_create"), data | {"photo": SimpleUploadedFile("a.png", b"GIF89a")})
    assert refused.status_code == 200 and 'value="Moisissures dans la chambre"' in refused.content.decode()
    assert not MaintenanceTicket.objects.filter(title="Moisissures dans la chambre").exists()
    assert client.post(reverse("housing:ticket_create"), data | {"photo": an_image()}).status_code == 302
    ticket = MaintenanceTicket.objects.get(title="Moisissures dans la chambre")
    assert ticket.photos.count() == 1 and ticket.status == "open"


def test_the_dwelling_list_costs_the_same_queries_with_more_rows(client, manager, django_assert_max_num_queries):
    owner = make_owner(manager)
    for index in range(3):
        make_dwelling(manager, f"A-{index}", owner=owner, energy_class="ABCDEFG"[index])
    client.force_login(manager)
    url = reverse("housing:dwelling_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for index in range(12):
        make_dwelling(manager, f"B-{index}", owner=make_owner(manager, name=f"P{index}"), energy_class="FG"[index % 2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_board_costs_the_same_queries_with_more_rows(client, manager, django_assert_max_num_queries):
    dwelling = make_dwelling(manager, "A-0")
    make_prospect(manager, dwelling)
    client.force_login(manager)
    url = reverse("housing:prospect_board")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for index in range(10):
        prospect = make_prospect(manager, make_dwelling(manager, f"B-{index}", city=f"Ville {index % 3}"))
        services.prospect_move(
            actor=manager, prospect_id=prospect.pk, to_stage="contacted", on_date=timezone.localdate()
        )
    assert ProspectStageChange.objects.count() == 21
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
