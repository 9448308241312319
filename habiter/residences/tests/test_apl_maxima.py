"""The maxima of a residence's APL convention (W7): recorded by the director and the hosts of the residence on the
page « Maxima APL-foyer », which says for each typology and year the maximum that applies and where it comes from
(read on the convention, revised with the IRL of the 2nd quarter, or not statable); a wrong value is corrected,
confirmed first, audited with the value before.

IRL of the 2nd quarter (metropolitan series seeded from habiter/leases/irl.csv): 2023 140.59, 2024 145.17,
2025 146.68; 2026 not published yet."""

from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.residences import queries, services
from habiter.residences.models import AplMaximum

from .factories import make_place, make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = "2026-03-10 09:00 +0100"


@pytest.fixture
def house(world):
    """Les Pléiades (hosted by the world's host) with a T1 and a T1 bis, its convention's T1 maximum of 430.00 €
    for 2024 (« à confirmer »); Soleil, another residence of the organisation, with a host of its own."""
    director = world.users["director"]
    residence = make_residence(director, hosts=[world.users["host"]])
    make_place(director, residence, "1", typology="T1")
    make_place(director, residence, "2", typology="T1 bis")
    maximum = services.apl_maximum_save(
        actor=director, maximum=AplMaximum(residence=residence, typology="T1", year=2024, amount=D("430.00"))
    )
    other_host = UserFactory(username="a.host2", organisation=world.organisation, role=Role.HOST)
    other = make_residence(director, "Soleil", hosts=[other_host])
    return {"residence": residence, "maximum": maximum, "other": other, "other_host": other_host}


def _outsiders(world, house):
    """Who may not record nor correct the maxima of Les Pléiades, and how each is refused."""
    return {
        "team_lead": world.users["team_lead"],
        "social_worker": world.users["social_worker"],
        "volunteer": world.users["volunteer"],
        "accountant": world.users["accountant"],
        "host of Soleil": house["other_host"],
        "director of another organisation": UserFactory(
            username="b.director", organisation=world.other_organisation, role=Role.DIRECTOR
        ),
    }


# --- the service -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["director", "host"])
def test_the_director_and_the_host_of_the_residence_record_a_maximum(world, house, role):
    saved = services.apl_maximum_save(
        actor=world.users[role],
        maximum=AplMaximum(
            residence=house["residence"], typology="T1 bis", year=2025, amount=D("455.20"), status="CONFIRMED"
        ),
    )
    assert AplMaximum.objects.get(pk=saved.pk).amount == D("455.20")
    assert saved.organisation_id == world.organisation.pk and saved.changed_by == world.users[role]
    event = AuditEvent.objects.get(action="apl_maximum.create", object_id=str(saved.pk))
    assert event.actor == world.users[role]
    assert event.detail == {"typology": "T1 bis", "year": 2025, "amount": "455.20", "status": "CONFIRMED"}


def test_no_one_else_records_a_maximum(world, house):
    for who, user in _outsiders(world, house).items():
        with pytest.raises(PermissionDenied):
            services.apl_maximum_save(
                actor=user,
                maximum=AplMaximum(residence=house["residence"], typology="T1 bis", year=2025, amount=D("455.20")),
            )
        assert not AplMaximum.objects.filter(typology="T1 bis").exists(), who
    assert AuditEvent.objects.filter(action="apl_maximum.create").count() == 1  # the fixture's


def test_an_inactive_director_records_nothing(world, house):
    director = world.users["director"]
    director.is_active = False
    with pytest.raises(PermissionDenied):
        services.apl_maximum_save(
            actor=director,
            maximum=AplMaximum(residence=house["residence"], typology="T1 bis", year=2025, amount=D("455.20")),
        )


def test_a_second_value_for_the_same_typology_and_year_is_refused(world, house):
    with pytest.raises(ValidationError) as refused:
        services.apl_maximum_save(
            actor=world.users["host"],
            maximum=AplMaximum(residence=house["residence"], typology="T1", year=2024, amount=D("431.00")),
        )
    assert "Cette typologie a déjà un maximum pour cette année." in str(refused.value)
    assert list(AplMaximum.objects.values_list("amount", flat=True)) == [D("430.00")]


def test_a_correction_updates_the_value_confirms_it_and_keeps_the_one_before(world, house):
    maximum = house["maximum"]
    corrected = services.apl_maximum_correct(actor=world.users["host"], maximum_id=maximum.pk, amount=D("432.50"))
    stored = AplMaximum.objects.get(pk=maximum.pk)
    assert (stored.amount, stored.status, stored.changed_by) == (D("432.50"), "CONFIRMED", world.users["host"])
    assert corrected.pk == maximum.pk and AplMaximum.objects.count() == 1
    event = AuditEvent.objects.get(action="apl_maximum.change")
    assert event.detail == {
        "typology": "T1",
        "year": 2024,
        "amount": "432.50",
        "status": "CONFIRMED",
        "before": {"typology": "T1", "year": 2024, "amount": "430.00", "status": "UNCONFIRMED"},
    }
    # the revision follows at once: 432.50 × 145.17 / 140.59 = 62 786.025 / 140.59 = 446.589… → 446.59 €
    assert queries.apl_maximum(house["residence"].pk, "T1", 2025).amount == D("446.59")


def test_the_same_value_already_read_on_the_convention_is_not_corrected(world, house):
    director, maximum = world.users["director"], house["maximum"]
    services.apl_maximum_correct(actor=director, maximum_id=maximum.pk, amount=D("430.00"))  # confirms it
    assert AplMaximum.objects.get(pk=maximum.pk).status == "CONFIRMED"
    with pytest.raises(ValidationError) as refused:
        services.apl_maximum_correct(actor=director, maximum_id=maximum.pk, amount=D("430.00"))
    assert "Ce maximum vaut déjà 430,00 € sur la convention : rien à corriger." in str(refused.value)
    assert AuditEvent.objects.filter(action="apl_maximum.change").count() == 1


def test_no_one_else_corrects_a_maximum(world, house):
    maximum = house["maximum"]
    for who, user in _outsiders(world, house).items():
        with pytest.raises((PermissionDenied, AplMaximum.DoesNotExist)) as refused:
            services.apl_maximum_correct(actor=user, maximum_id=maximum.pk, amount=D("1.00"))
        # the team lead reads the residence but may not change its maxima; the others do not even see it
        expected = PermissionDenied if who == "team_lead" else AplMaximum.DoesNotExist
        assert refused.type is expected, who
    assert AplMaximum.objects.get(pk=maximum.pk).amount == D("430.00")
    assert not AuditEvent.objects.filter(action="apl_maximum.change").exists()


# --- the page ----------------------------------------------------------------------------------------------


def _url(house, name="other"):
    return reverse("residences:apl_maxima", args=[house["residence"].pk if name == "own" else house[name].pk])


@time_machine.travel(TODAY, tick=False)
def test_the_page_says_which_maximum_applies_each_year_and_where_it_comes_from(client, world, house):
    client.force_login(world.users["host"])
    detail = page_of(client, reverse("residences:residence_detail", args=[house["residence"].pk]))
    url = _url(house, "own")
    assert f'href="{url}"' in detail
    html = page_of(client, url)
    # T1: 2024 read on the convention; 2026 = 430.00 × 145.17 / 140.59 = 444.01 (2025), × 146.68 / 145.17
    # = 65 127.3868 / 145.17 = 448.628… → 448.63 (2026); 2027 needs the IRL of Q2 2026, not published
    assert "430,00 €" in html and "Lu sur la convention" in html and "valeur à confirmer" in html
    assert "448,63 €" in html
    assert "Révisé avec l'IRL du 2e trimestre à partir de la valeur de 2024 (430,00&nbsp;€)" in html
    assert "Ne peut pas être établi : il manque un IRL du 2e trimestre pour réviser la valeur de 2024" in html
    # T1 bis: a place but no value yet
    assert "Aucune valeur de la convention enregistrée pour cette année ou avant" in html
    assert '<option value="T1 bis">' in html and '<option value="T2">' not in html


@time_machine.travel(TODAY, tick=False)
def test_the_host_records_a_value_read_on_the_convention(client, world, house):
    client.force_login(world.users["host"])
    url = _url(house, "own")
    response = client.post(url, {"typology": "T1 bis", "year": "2026", "amount": "455,20"})
    assert response.status_code == 302 and response.url == url
    saved = AplMaximum.objects.get(typology="T1 bis")
    assert (saved.year, saved.amount, saved.status) == (2026, D("455.20"), "CONFIRMED")
    html = page_of(client, url)
    assert "Maximum de la convention pour un T1 bis en 2026 enregistré : 455,20 €." in html
    # 2027 would be revised from it with the IRL of Q2 2026, not published: not statable
    assert "pour réviser la valeur de 2026 (455,20&nbsp;€)" in html


@time_machine.travel(TODAY, tick=False)
def test_a_second_value_for_the_same_year_is_refused_on_the_form(client, world, house):
    client.force_login(world.users["director"])
    response = client.post(_url(house, "own"), {"typology": "T1", "year": "2024", "amount": "431,00"})
    assert response.status_code == 200
    assert "Cette typologie a déjà un maximum pour cette année." in response.content.decode()
    assert list(AplMaximum.objects.values_list("amount", flat=True)) == [D("430.00")]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "-5"}, "Le maximum est un montant positif, d'au moins 0,01 €."),
        ({"amount": "0"}, "Le maximum est un montant positif, d'au moins 0,01 €."),
        ({"amount": "quatre cents"}, "Montant invalide : par exemple 430 ou 430,00."),
        ({"amount": "430,123"}, "Indiquez le montant au centime près : deux chiffres après la virgule au plus."),
        ({"amount": "12345678901234"}, "Montant trop grand."),
        ({"amount": ""}, "Indiquez le maximum mensuel lu sur la convention."),
        ({"year": "2028"}, "Indiquez une année au plus tard l'an prochain (2027)."),
        ({"year": "1989"}, "Indiquez une année à partir de 1990."),
        ({"typology": "T3"}, "Choisissez une typologie des places de la résidence."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(client, world, house, data, message):
    client.force_login(world.users["director"])
    response = client.post(_url(house, "own"), {"typology": "T1 bis", "year": "2026", "amount": "455,20"} | data)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())  # an error is escaped: « d&#x27;au »
    assert AplMaximum.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_hostile_text_is_shown_as_text_and_saves_nothing(client, world, house):
    director = world.users["director"]
    services.residence_update(
        actor=director,
        residence_id=house["residence"].pk,
        data={
            "name": '<script>alert("x")</script>',
            "apl_convention_reference": "<img src=x onerror=alert(1)>",
            "agrement_reference": "<i>13-2012</i>",
        },
        host_ids=[world.users["host"].pk],
    )
    client.force_login(director)
    hostile = {"typology": "<svg onload=alert(1)>", "year": "2026 OR 1=1", "amount": "<b>430</b>"}
    response = client.post(_url(house, "own"), hostile)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Choisissez une typologie des places de la résidence." in html
    assert "Indiquez une année, par exemple 2024." in html and "Montant invalide" in html
    assert AplMaximum.objects.count() == 1


def test_only_the_director_and_the_hosts_of_the_residence_open_the_page(client, world, house):
    own = _url(house, "own")
    for who, user in _outsiders(world, house).items():
        client.force_login(user)
        assert client.get(own).status_code == 404, who
        assert client.post(own, {"typology": "T1 bis", "year": "2026", "amount": "455,20"}).status_code == 404, who
        correct = reverse("residences:apl_maximum_correct", args=[house["maximum"].pk])
        assert client.post(correct, {"amount": "1,00", "confirmed": "1"}).status_code == 404, who
    assert AplMaximum.objects.count() == 1 and AplMaximum.objects.get().amount == D("430.00")
    client.force_login(world.users["team_lead"])  # reads the residence, without the link
    detail = page_of(client, reverse("residences:residence_detail", args=[house["residence"].pk]))
    assert "Maxima APL-foyer" not in detail
    client.force_login(world.users["host"])
    page_of(client, _url(house, "other"), status=404)  # Soleil: not their residence
    forged = "00000000-0000-4000-8000-000000000000"
    page_of(client, reverse("residences:apl_maxima", args=[forged]), status=404)
    page_of(client, reverse("residences:apl_maximum_correct", args=[forged]), status=404)
    client.force_login(world.users["director"])
    page_of(client, _url(house, "other"))  # the director opens every residence of the organisation


def test_a_post_without_its_csrf_token_is_refused(world, house):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["host"])
    response = client.post(_url(house, "own"), {"typology": "T1 bis", "year": "2026", "amount": "455,20"})
    assert response.status_code == 403
    correct = reverse("residences:apl_maximum_correct", args=[house["maximum"].pk])
    assert client.post(correct, {"amount": "432,50", "confirmed": "1"}).status_code == 403
    assert AplMaximum.objects.count() == 1 and AplMaximum.objects.get().amount == D("430.00")


@time_machine.travel(TODAY, tick=False)
def test_a_correction_is_confirmed_before_it_replaces_the_value(client, world, house):
    client.force_login(world.users["host"])
    maximum = house["maximum"]
    page = page_of(client, _url(house, "own"))
    url = reverse("residences:apl_maximum_correct", args=[maximum.pk])
    assert f'href="{url}"' in page
    assert "Valeur enregistrée : 430,00 € (À confirmer)." in page_of(client, url)

    asked = client.post(url, {"amount": "432,50"})
    content = asked.content.decode()
    assert asked.status_code == 200 and "Confirmer la correction" in content
    assert "430,00 € (À confirmer)" in content and "432,50 €" in content
    assert AplMaximum.objects.get(pk=maximum.pk).amount == D("430.00")

    done = client.post(url, {"amount": "432,50", "confirmed": "1"})
    assert done.status_code == 302 and done.url == _url(house, "own")
    assert AplMaximum.objects.get(pk=maximum.pk).amount == D("432.50")
    html = page_of(client, _url(house, "own"))
    assert "Maximum de la convention pour un T1 en 2024 corrigé : 432,50 €." in html
    # 2026 from 432.50: × 145.17 / 140.59 = 446.59 (2025); 446.59 × 146.68 / 145.17 = 65 505.8212 / 145.17
    # = 451.235… → 451.24 €
    assert "451,24 €" in html and "valeur à confirmer" not in html

    same = client.post(url, {"amount": "432,50"})  # already read on the convention: no confirmation asked
    assert same.status_code == 200
    assert "Ce maximum vaut déjà 432,50 € sur la convention : rien à corriger." in same.content.decode()
    assert AuditEvent.objects.filter(action="apl_maximum.change").count() == 1
