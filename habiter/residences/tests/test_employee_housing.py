"""W2: a resident's titre d'occupation is never accessory to an employment contract. A contract for an employee of
the manager housed for the job (a logement de fonction) is refused, by the service and on the contract form, with a
French message citing the rule; nothing is written."""

from datetime import date
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.residences import services
from habiter.residences.models import ResidenceContract

from .factories import make_house_rules, make_place, make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db

RULE = "ne peut pas être l'accessoire d'un contrat de travail"


@pytest.fixture
def place(world):
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    make_house_rules(director, residence)
    return make_place(director, residence, "1")


def test_the_service_refuses_the_contract_of_an_employee_housed_for_the_job(world, place):
    resident = world.own_household.members.first()
    with pytest.raises(ValidationError) as refused:
        services.contract_create(
            actor=world.users["director"],
            place_id=place.pk,
            resident_id=resident.pk,
            starts_on=date(2026, 2, 2),
            employee_housing=True,
        )
    (message,) = refused.value.message_dict["employee_housing"]
    assert RULE in message and "logement de fonction" in message and "CCH R353-165-1" in message
    assert not ResidenceContract.objects.exists()
    assert not AuditEvent.objects.filter(action="contract.create").exists()
    # the same resident, not housed for a job, has their contract
    contract = services.contract_create(
        actor=world.users["director"], place_id=place.pk, resident_id=resident.pk, starts_on=date(2026, 2, 2)
    )
    assert contract.status == "to_sign"


def test_the_contract_form_asks_and_refuses_it_in_french(client, world, place):
    client.force_login(world.users["director"])
    url = reverse("residences:contract_create", args=[place.pk])
    assert "salariée du gestionnaire et logée pour son emploi" in page_of(client, url)
    resident = world.own_household.members.first()
    response = client.post(url, {"resident": resident.pk, "starts_on": "2026-02-02", "employee_housing": "on"})
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert RULE in html and "circulaire n° 2006-45" in html
    assert not ResidenceContract.objects.exists()
    response = client.post(url, {"resident": resident.pk, "starts_on": "2026-02-02"})
    assert response.status_code == 302 and ResidenceContract.objects.filter(place=place).count() == 1
