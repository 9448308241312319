"""The kind of an individual support given afterwards, or corrected (W10, R82): a support noted before the hosts were
asked its kind gets one from the house journal or the resident's practical file, by the director or a host of the
residence; the audit keeps the kind before and after."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.residences import services
from habiter.residences.models import IndividualSupport

from .factories import make_active_contract, make_house_rules, make_place, make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db
TODAY = "2026-03-10 10:00 +01:00"
NO_KIND = "Dites de quelle nature est ce soutien."


@pytest.fixture
def house(world):
    """Les Pléiades, hosted by the world's host, with Noël Lefèvre under contract since 5 January 2026 and a support
    noted on 20 January 2026 before kinds were asked."""
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    make_house_rules(director, residence)
    resident = world.own_household.members.first()
    contract = make_active_contract(
        director, make_place(director, residence, "1"), resident, starts_on=date(2026, 1, 5)
    )
    support = IndividualSupport.objects.create(
        organisation=residence.organisation,
        residence=residence,
        resident=resident,
        given_on=date(2026, 1, 20),
        note="Accompagné à la CAF pour le dossier d'APL.",
        created_by=world.users["host"],
    )
    return residence, contract, support


def _kind(support):
    return IndividualSupport.objects.get(pk=support.pk).kind


def _kind_events():
    return AuditEvent.objects.filter(action="individual_support.kind").order_by("pk")


# --- the service ---------------------------------------------------------------------------------------------------


def test_the_host_gives_a_kind_then_corrects_it_and_the_audit_keeps_both(world, house):
    _residence, _contract, support = house
    host = world.users["host"]
    services.individual_support_set_kind(actor=host, support_id=support.pk, kind="mediation")
    services.individual_support_set_kind(actor=world.users["director"], support_id=support.pk, kind="isolation")
    assert _kind(support) == "isolation"
    first, second = _kind_events()
    assert (first.actor_id, first.detail, first.household_id) == (
        host.pk,
        {"from": "", "to": "mediation"},
        world.own_household.pk,
    )
    assert second.detail == {"from": "mediation", "to": "isolation"}
    assert first.object_id == second.object_id == str(support.pk)


def test_the_same_kind_again_writes_nothing(world, house):
    _residence, _contract, support = house
    host = world.users["host"]
    services.individual_support_set_kind(actor=host, support_id=support.pk, kind="other")
    services.individual_support_set_kind(actor=host, support_id=support.pk, kind="other")
    assert _kind_events().count() == 1


@pytest.mark.parametrize("kind", ["", "conseil", None])
def test_no_kind_or_a_forged_one_is_refused_in_french_and_nothing_saved(world, house, kind):
    _residence, _contract, support = house
    with pytest.raises(ValidationError) as refused:
        services.individual_support_set_kind(actor=world.users["host"], support_id=support.pk, kind=kind)
    assert refused.value.message_dict == {"kind": [NO_KIND]}
    assert _kind(support) == "" and not _kind_events().exists()


def test_only_the_director_and_the_hosts_of_the_residence_set_a_kind(world, house):
    _residence, _contract, support = house
    other_host = UserFactory(organisation=world.organisation, role="host")
    make_residence(world.users["director"], "Le Soleil", hosts=[other_host])
    for user in (world.users["team_lead"], world.users["social_worker"], world.users["volunteer"]):
        with pytest.raises(PermissionDenied):
            services.individual_support_set_kind(actor=user, support_id=support.pk, kind="isolation")
    for user in (other_host, UserFactory(organisation=world.other_organisation, role="director")):
        with pytest.raises(IndividualSupport.DoesNotExist):
            services.individual_support_set_kind(actor=user, support_id=support.pk, kind="isolation")
    assert _kind(support) == "" and not _kind_events().exists()


# --- the page ------------------------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_from_the_journal_the_host_gives_the_kind_and_goes_back_to_the_journal(client, world, house):
    residence, _contract, support = house
    client.force_login(world.users["host"])
    journal = reverse("residences:journal", args=[residence.pk])
    url = reverse("residences:support_kind", args=[support.pk])
    html = page_of(client, journal)
    assert "Indiquer le type" in html and url in html and "Corriger le type" not in html
    assert "Soutiens de l'année sans type : 1." in html

    reads = AuditEvent.objects.filter(action="household.read", detail__read="residences.support")
    html = page_of(client, url)
    assert "Accompagné à la CAF pour le dossier d&#x27;APL." in html and "20 janvier 2026" in html
    assert "Noël Lefèvre" in html and 'name="kind"' in html and "hors des quatre catégories" in html
    assert reads.get().household_id == world.own_household.pk  # the page shows a resident's note: a read

    response = client.post(url, {"kind": "mediation"})
    assert response.status_code == 302 and response["Location"] == f"{journal}?annee=2026"
    assert _kind(support) == "mediation"
    html = page_of(client, journal)
    assert "(médiation vers les services extérieurs)" in html
    assert "Corriger le type" in html and "Indiquer le type" not in html and "sans type :" not in html
    assert "Soutien à Noël Lefèvre : médiation vers les services extérieurs." in html


@time_machine.travel(TODAY, tick=False)
def test_from_the_practical_file_the_director_corrects_the_kind_and_goes_back_to_it(client, world, house):
    _residence, contract, support = house
    services.individual_support_set_kind(actor=world.users["host"], support_id=support.pk, kind="other")
    client.force_login(world.users["director"])
    practical_file = reverse("residences:contract_detail", args=[contract.pk])
    url = reverse("residences:support_kind", args=[support.pk])
    html = page_of(client, practical_file)
    assert f"{url}?next={practical_file}" in html and "Corriger le type" in html
    html = page_of(client, f"{url}?next={practical_file}")
    assert "Type noté : Autre aide pratique." in html and f'value="{practical_file}"' in html
    assert 'value="other" required id="id_kind_2" checked' in html
    response = client.post(url, {"kind": "isolation", "next": practical_file})
    assert response.status_code == 302 and response["Location"] == practical_file
    assert [e.detail for e in _kind_events()] == [{"from": "", "to": "other"}, {"from": "other", "to": "isolation"}]


@time_machine.travel(TODAY, tick=False)
def test_a_return_address_elsewhere_is_ignored(client, world, house):
    residence, _contract, support = house
    client.force_login(world.users["host"])
    url = reverse("residences:support_kind", args=[support.pk])
    response = client.post(url, {"kind": "isolation", "next": "https://ailleurs.example/piege"})
    assert response["Location"] == reverse("residences:journal", args=[residence.pk]) + "?annee=2026"


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("data", "message"),
    [({}, NO_KIND), ({"kind": ""}, NO_KIND), ({"kind": "conseil"}, "Choisissez une des natures proposées.")],
)
def test_no_kind_or_a_forged_value_is_said_in_french_and_nothing_saved(client, world, house, data, message):
    _residence, _contract, support = house
    client.force_login(world.users["host"])
    response = client.post(reverse("residences:support_kind", args=[support.pk]), data | {"next": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _kind(support) == "" and not _kind_events().exists()


@time_machine.travel(TODAY, tick=False)
def test_who_may_not_give_a_kind_gets_a_404_and_sees_no_link(client, world, house):
    residence, contract, support = house
    url = reverse("residences:support_kind", args=[support.pk])
    other_host = UserFactory(organisation=world.organisation, role="host")
    make_residence(world.users["director"], "Le Soleil", hosts=[other_host])
    outsiders = (
        other_host,
        world.users["team_lead"],
        world.users["social_worker"],
        world.users["volunteer"],
        UserFactory(organisation=world.other_organisation, role="director"),
        UserFactory(organisation=world.other_organisation, role="host"),
    )
    for user in outsiders:
        client.force_login(user)
        assert client.get(url).status_code == 404, user.role
        assert client.post(url, {"kind": "isolation"}).status_code == 404, user.role
    assert _kind(support) == "" and not _kind_events().exists()
    # the team lead reads the journal and the practical file, the social worker the file of whom they follow:
    # neither is offered the link
    client.force_login(world.users["team_lead"])
    assert "Indiquer le type" not in page_of(client, reverse("residences:journal", args=[residence.pk]))
    assert "Indiquer le type" not in page_of(client, reverse("residences:contract_detail", args=[contract.pk]))
    client.force_login(world.users["social_worker"])
    assert "Indiquer le type" not in page_of(client, reverse("residences:contract_detail", args=[contract.pk]))


def test_a_post_without_the_csrf_token_is_refused(world, house):
    _residence, _contract, support = house
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["host"])
    response = client.post(reverse("residences:support_kind", args=[support.pk]), {"kind": "isolation"})
    assert response.status_code == 403
    assert _kind(support) == "" and not _kind_events().exists()
