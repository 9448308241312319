"""The redevance on the contract page, its form (confirmed when it replaces lines in force) and the printed
contract."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from habiter.residences import services
from habiter.residences.models import AplMaximum, RedevanceLine

from .factories import make_active_contract, make_house_rules, make_place, make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    make_house_rules(director, residence)
    place = make_place(director, residence, "1", typology="T1")
    services.apl_maximum_save(
        actor=director, maximum=AplMaximum(residence=residence, typology="T1", year=2024, amount=Decimal("430.00"))
    )
    return make_active_contract(director, place, world.own_household.members.first())


def _form(day, rent, charges="80,00", **services_):
    data = {"valid_from": day, "rent_equivalent": rent, "charges": charges}
    return data | services_


@time_machine.travel("2026-03-10 09:00 +0100", tick=False)
def test_the_host_sets_the_lines_then_replaces_them_after_confirming(client, world, contract):
    client.force_login(world.users["host"])
    detail = reverse("residences:contract_detail", args=[contract.pk])
    url = reverse("residences:redevance_set", args=[contract.pk])
    assert "Aucune redevance en vigueur aujourd'hui." in page_of(client, detail)
    html = page_of(client, url)
    assert "Maximum de la convention APL pour un T1 en 2026 : 448,63 €" in html and "Valeur à confirmer" in html

    refused = client.post(url, _form("2026-03-01", "368,64"))
    assert refused.status_code == 200
    assert "maximum de la convention APL pour un T1 en 2026 : 448,63 €" in refused.content.decode()
    assert not RedevanceLine.objects.exists()

    first = _form("2026-03-01", "300,00", kind_1="prestation_obligatoire", label_1="Ménage", amount_1="25,00")
    assert client.post(url, first).status_code == 302  # nothing in force: no confirmation
    html = page_of(client, detail)
    # 300,00 + 80,00 + 25,00 = 405,00 ; base 380,00
    assert "En vigueur depuis le 01/03/2026" in html and "405,00 €" in html and "380,00 €" in html

    second = _form("2026-04-01", "320,00", kind_1="prestation_facultative", label_1="Repas", amount_1="40,00")
    asked = client.post(url, second)
    content = asked.content.decode()
    assert asked.status_code == 200 and "À confirmer" in content
    assert "405,00 € par mois depuis le 01/03/2026" in content and "440,00 € par mois à partir du 01/04/2026" in content
    assert not RedevanceLine.objects.filter(valid_from=date(2026, 4, 1)).exists()
    assert client.post(url, second | {"confirmed": "1"}).status_code == 302
    html = page_of(client, detail)
    assert "À venir, à partir du 01/04/2026" in html and "du 01/03/2026 au 31/03/2026 : 405,00 € par mois" in html


def test_a_service_without_its_nature_is_an_error_of_the_form(client, world, contract):
    client.force_login(world.users["director"])
    url = reverse("residences:redevance_set", args=[contract.pk])
    response = client.post(url, _form("2026-03-01", "300,00", label_1="Ménage", amount_1="25,00"))
    assert "Choisissez la nature de cette prestation." in response.content.decode()
    assert not RedevanceLine.objects.exists()


def test_the_team_lead_reads_the_lines_but_has_no_form(client, world, contract):
    services.redevance_set(
        actor=world.users["director"],
        contract_id=contract.pk,
        valid_from=date(2026, 2, 2),
        lines=[{"kind": "equivalence_loyer", "label": "", "amount": Decimal("300.00")}],
    )
    client.force_login(world.users["team_lead"])
    html = page_of(client, reverse("residences:contract_detail", args=[contract.pk]))
    assert "Équivalence de loyer" in html and "Fixer une nouvelle redevance" not in html
    assert client.get(reverse("residences:redevance_set", args=[contract.pk])).status_code == 404


@time_machine.travel("2026-03-10 09:00 +0100", tick=False)
def test_the_printed_contract_states_the_lines_in_force(client, world, contract):
    services.redevance_set(
        actor=world.users["director"],
        contract_id=contract.pk,
        valid_from=date(2026, 2, 2),
        lines=[
            {"kind": "equivalence_loyer", "label": "", "amount": Decimal("300.00")},
            {"kind": "charges", "label": "", "amount": Decimal("80.00")},
            {"kind": "prestation_facultative", "label": "Blanchisserie", "amount": Decimal("12.50")},
        ],
    )
    client.force_login(world.users["host"])
    response = client.get(reverse("residences:contract_pdf", args=[contract.pk]))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Redevance mensuelle" in text and "Blanchisserie" in text
    assert "392,50 €" in text  # 300,00 + 80,00 + 12,50
    assert "380,00 €" in text and "aucune régularisation" in text
