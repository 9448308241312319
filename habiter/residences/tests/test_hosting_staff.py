"""The hosts' time of a boarding house (W34): the director types each year's full-time equivalents (ETP) of a pension
de famille or résidence accueil on the page « Temps des hôtes »; a year already typed is corrected, audited with the
value before. The residence page lists them. The boarding houses' annual report counts the staffing rate on them
(`reporting/tests/test_boarding_house_staffing.py`)."""

from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.residences import services
from habiter.residences.models import HostingStaff, Residence

from .factories import make_residence
from .test_views import page_of

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = "2026-03-10 09:00 +0100"
NO_HOSTS = "Le temps des hôtes se saisit pour une pension de famille ou une résidence accueil"
TOO_MANY = (
    "Nombre invraisemblable d'équivalents temps plein pour une résidence : au plus 10 (un ETP est un temps plein sur "
    "l'année, pas un nombre d'heures)."
)


@pytest.fixture
def house(world):
    """« Les Pléiades », a pension de famille hosted by the world's host, its hosts' time of 2024 typed (1.50 ETP);
    « Bellevue », a résidence sociale (no hosts)."""
    director = world.users["director"]
    pleiades = make_residence(director, "Les Pléiades", hosts=[world.users["host"]])
    staff, _before = services.hosting_staff_record(actor=director, residence_id=pleiades.pk, year=2024, fte=D("1.5"))
    bellevue = make_residence(director, "Bellevue", kind="residence_sociale")
    return {"pleiades": pleiades, "staff": staff, "bellevue": bellevue}


def _values():
    return list(HostingStaff.objects.order_by("year").values_list("year", "fte"))


# --- the service ---------------------------------------------------------------------------------------------------


def test_the_director_records_the_hosts_time_of_a_year(world, house):
    director = world.users["director"]
    staff, before = services.hosting_staff_record(
        actor=director, residence_id=house["pleiades"].pk, year=2025, fte=D("0.8")
    )
    assert before is None and (staff.organisation_id, staff.changed_by) == (world.organisation.pk, director)
    assert _values() == [(2024, D("1.50")), (2025, D("0.80"))]
    event = AuditEvent.objects.get(action="hosting_staff.record", object_id=str(staff.pk))
    assert event.actor == director and event.detail == {"year": 2025, "fte": "0.80"}


def test_a_year_typed_again_is_corrected_and_the_audit_keeps_the_value_before(world, house):
    staff, before = services.hosting_staff_record(
        actor=world.users["director"], residence_id=house["pleiades"].pk, year=2024, fte=D("1.75")
    )
    assert staff.pk == house["staff"].pk and before == D("1.50")
    assert _values() == [(2024, D("1.75"))]
    event = AuditEvent.objects.get(action="hosting_staff.correct")
    assert event.detail == {"year": 2024, "fte": "1.75", "before": {"fte": "1.50"}}


def test_the_same_value_is_not_corrected(world, house):
    with pytest.raises(ValidationError) as refused:
        services.hosting_staff_record(
            actor=world.users["director"], residence_id=house["pleiades"].pk, year=2024, fte=D("1.50")
        )
    assert refused.value.message_dict == {"fte": ["Le temps des hôtes de 2024 vaut déjà 1,50 ETP : rien à corriger."]}


@pytest.mark.parametrize(
    ("fte", "message"),
    [
        (D("-0.01"), "Le temps des hôtes ne peut pas être négatif."),
        (D("1.005"), "Indiquez le temps au centième d'ETP : deux chiffres après la virgule au plus."),
        (D("10.01"), TOO_MANY),
        (D("35"), TOO_MANY),  # hours a week typed as ETP
    ],
)
def test_a_negative_or_absurd_value_is_refused_in_french_and_nothing_is_saved(world, house, fte, message):
    for year in (2023, 2024):  # a first record and a correction
        with pytest.raises(ValidationError) as refused:
            services.hosting_staff_record(
                actor=world.users["director"], residence_id=house["pleiades"].pk, year=year, fte=fte
            )
        assert refused.value.message_dict == {"fte": [message]}
    assert _values() == [(2024, D("1.50"))]
    assert AuditEvent.objects.filter(action__startswith="hosting_staff.").count() == 1  # the fixture's


def test_the_database_refuses_an_absurd_value_and_a_second_row_of_a_year(world, house):
    with pytest.raises(IntegrityError), transaction.atomic():
        HostingStaff.objects.filter(pk=house["staff"].pk).update(fte=D("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        HostingStaff.objects.filter(pk=house["staff"].pk).update(fte=D("12"))
    with pytest.raises(IntegrityError), transaction.atomic():
        HostingStaff.objects.create(
            organisation=world.organisation,
            residence=house["pleiades"],
            year=2024,
            fte=D("1"),
            changed_by=world.users["director"],
        )


@time_machine.travel(TODAY, tick=False)
def test_a_year_to_come_or_before_2000_is_refused(world, house):
    for year, message in (
        (2027, "Le temps des hôtes se saisit pour une année passée ou l'année en cours."),
        (1999, "Indiquez une année à partir de 2000."),
    ):
        with pytest.raises(ValidationError) as refused:
            services.hosting_staff_record(
                actor=world.users["director"], residence_id=house["pleiades"].pk, year=year, fte=D("1")
            )
        assert refused.value.message_dict == {"year": [message]}
    services.hosting_staff_record(actor=world.users["director"], residence_id=house["pleiades"].pk, year=2026, fte=D(1))
    assert _values() == [(2024, D("1.50")), (2026, D("1.00"))]


def test_a_residence_without_hosts_takes_no_hosts_time(world, house):
    with pytest.raises(ValidationError) as refused:
        services.hosting_staff_record(
            actor=world.users["director"], residence_id=house["bellevue"].pk, year=2024, fte=D("1")
        )
    assert NO_HOSTS in refused.value.messages[0]
    assert not HostingStaff.objects.filter(residence=house["bellevue"]).exists()


def test_no_one_but_the_director_of_the_organisation_records_the_hosts_time(world, house):
    outsiders = {role: world.users[role] for role in ("host", "team_lead", "social_worker", "accountant")}
    outsiders["director of another organisation"] = UserFactory(
        username="b.director", organisation=world.other_organisation, role=Role.DIRECTOR
    )
    for who, user in outsiders.items():
        expected = Residence.DoesNotExist if who == "director of another organisation" else PermissionDenied
        with pytest.raises(expected):
            services.hosting_staff_record(actor=user, residence_id=house["pleiades"].pk, year=2024, fte=D("2"))
    director = world.users["director"]
    director.is_active = False
    with pytest.raises(PermissionDenied):
        services.hosting_staff_record(actor=director, residence_id=house["pleiades"].pk, year=2024, fte=D("2"))
    assert _values() == [(2024, D("1.50"))]


# --- the pages -----------------------------------------------------------------------------------------------------


def _url(house, name="pleiades"):
    return reverse("residences:hosting_staff", args=[house[name].pk])


@time_machine.travel(TODAY, tick=False)
def test_the_residence_page_lists_the_hosts_time_and_leads_the_director_to_its_page(client, world, house):
    detail_url = reverse("residences:residence_detail", args=[house["pleiades"].pk])
    client.force_login(world.users["director"])
    detail = page_of(client, detail_url)
    assert "Temps des hôtes" in detail and '<th scope="row">2024</th>' in detail and "<td" in detail
    assert '<td data-label="Temps des hôtes (ETP)">1,50</td>' in detail
    assert f'href="{_url(house)}"' in detail
    for role in ("team_lead", "host"):  # they read the residence and its hosts' time, without the link
        client.force_login(world.users[role])
        detail = page_of(client, detail_url)
        assert '<td data-label="Temps des hôtes (ETP)">1,50</td>' in detail and _url(house) not in detail
    client.force_login(world.users["director"])
    assert "Temps des hôtes" not in page_of(client, reverse("residences:residence_detail", args=[house["bellevue"].pk]))


@time_machine.travel(TODAY, tick=False)
def test_the_director_records_then_corrects_from_the_page(client, world, house):
    client.force_login(world.users["director"])
    page = page_of(client, _url(house))
    assert 'name="year" value="2025"' in page  # last year's, for last year's annual report
    response = client.post(_url(house), {"year": "2025", "fte": "0,8"})
    assert response.status_code == 302 and response.url == _url(house)
    page = unescape(page_of(client, _url(house)))
    assert "Temps des hôtes de 2025 enregistré : 0,80 ETP." in page
    assert page.index('<th scope="row">2025</th>') < page.index('<th scope="row">2024</th>')  # latest first
    response = client.post(_url(house), {"year": "2024", "fte": "1,25"})
    assert response.status_code == 302
    assert "Temps des hôtes de 2024 corrigé : 1,25 ETP (au lieu de 1,50 ETP)." in unescape(page_of(client, _url(house)))
    assert _values() == [(2024, D("1.25")), (2025, D("0.80"))]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2025", "fte": "-1"}, "Le temps des hôtes ne peut pas être négatif."),
        ({"year": "2025", "fte": "35"}, TOO_MANY),
        ({"year": "2025", "fte": "un"}, "Nombre invalide : par exemple 1,5 ou 0,80."),
        ({"year": "2027", "fte": "1"}, "Indiquez une année passée ou l'année en cours (2026 au plus tard)."),
        ({"year": "2024", "fte": "1,50"}, "Le temps des hôtes de 2024 vaut déjà 1,50 ETP : rien à corriger."),
    ],
)
def test_the_form_refuses_in_french(client, world, house, data, message):
    client.force_login(world.users["director"])
    response = client.post(_url(house), data)
    assert response.status_code == 200 and message in unescape(response.content.decode())
    assert _values() == [(2024, D("1.50"))]


def test_a_residence_without_hosts_says_so_and_offers_no_form(client, world, house):
    client.force_login(world.users["director"])
    page = unescape(page_of(client, _url(house, "bellevue")))
    assert "Cette résidence n'a pas d'hôtes" in page and 'name="fte"' not in page
    response = client.post(_url(house, "bellevue"), {"year": "2024", "fte": "1"})
    assert response.status_code == 200 and NO_HOSTS in unescape(response.content.decode())
    assert not HostingStaff.objects.filter(residence=house["bellevue"]).exists()


def test_the_page_is_the_directors_only(client, world, house):
    for role in ("host", "team_lead", "social_worker"):
        client.force_login(world.users[role])
        assert client.get(_url(house)).status_code == 404
        assert client.post(_url(house), {"year": "2024", "fte": "2"}).status_code == 404
    assert _values() == [(2024, D("1.50"))]


@time_machine.travel(TODAY, tick=False)
def test_the_demo_types_the_hosts_time_of_its_pensions_de_famille_once(world):
    from habiter.residences.demo import seed_hosting_staff

    director = world.users["director"]
    for name in ("Les Pléiades", "Soleil"):
        make_residence(director, name)
    seed_hosting_staff(world.organisation, world.users, 0, None)
    seed_hosting_staff(world.organisation, world.users, 0, None)  # once only
    rows = HostingStaff.objects.order_by("residence__name", "year").values_list("residence__name", "year", "fte")
    # Soleil's this year not typed: « non renseigné » on this year's annual report
    assert list(rows) == [
        ("Les Pléiades", 2025, D("1.50")),
        ("Les Pléiades", 2026, D("1.60")),
        ("Soleil", 2025, D("0.80")),
    ]
