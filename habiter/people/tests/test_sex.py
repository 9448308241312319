"""A person's sex, as the statistics ask it (DOMAIN-2 W33, W34): optional on the member's form and in the household
creation form, « Femme », « Homme » or « Non renseigné » and nothing else, shown on the member's line beside the
birth date, accepted and returned by the API; reception and volunteers never see it."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.people import services
from habiter.people.models import Household, Person

from .factories import make_household
from .test_api import bearer

pytestmark = pytest.mark.django_db


def _member(**fields):
    return {"first_name": "Rose", "last_name": "Garnier", "birth_date": date(1984, 11, 2), "relation": "head"} | fields


def test_the_sex_is_optional_and_only_femme_or_homme(world):
    worker = world.users["social_worker"]
    household = make_household(worker, name="Garnier", members=[_member(sex="f"), _member(first_name="Paul")])
    rose, paul = household.members.order_by("first_name")[1], household.members.order_by("first_name")[0]
    assert (rose.first_name, rose.sex, rose.get_sex_display()) == ("Rose", "f", "Femme")
    assert (paul.first_name, paul.sex) == ("Paul", "")  # not said: blank, « non renseigné »
    with pytest.raises(ValidationError) as refused:
        services.person_add(actor=worker, household_id=household.pk, data=_member(first_name="Alix", sex="x"))
    assert list(refused.value.message_dict) == ["sex"]
    assert not Person.objects.filter(first_name="Alix").exists()


def test_changing_the_sex_is_audited_as_a_member_change(world):
    worker = world.users["social_worker"]
    person = world.own_household.members.get()
    services.person_update(actor=worker, person_id=person.pk, expected_version=person.version, data={"sex": "m"})
    assert Person.objects.get(pk=person.pk).sex == "m"
    event = AuditEvent.objects.filter(action="person.update", object_id=str(person.pk)).latest("created_at")
    assert event.detail == {"fields": ["sex"]}


def test_the_member_form_offers_the_sex_and_the_line_shows_it(client, world):
    client.force_login(world.users["social_worker"])
    household = world.own_household
    person = household.members.get()
    url = reverse("people:person_edit", args=[household.pk, person.pk])
    form = client.get(url).content.decode()
    assert '<select name="sex"' in form
    assert '<option value="" selected>Non renseigné</option>' in form
    assert '<option value="f">Femme</option>' in form and '<option value="m">Homme</option>' in form
    assert "Facultatif. Sert seulement aux statistiques dues" in form
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date.isoformat(),
        "relation": person.relation,
        "sex": "m",
        "version": person.version,
    }
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("people:household_detail", args=[household.pk])).content.decode()
    assert '<th scope="col">Sexe</th>' in page
    assert '<td data-label="Naissance">17/05/1980</td>' in page and '<td data-label="Sexe">Homme</td>' in page


def test_a_member_without_sex_shows_a_dash(client, world):
    client.force_login(world.users["social_worker"])
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert '<td data-label="Sexe">—</td>' in page


def test_the_household_creation_form_takes_each_members_sex(client, world):
    client.force_login(world.users["social_worker"])
    form = client.get(reverse("people:household_create")).content.decode()
    assert form.count('name="members-0-sex"') == 1 and 'name="members-2-sex"' in form
    data = {
        "name": "",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "12",
        "members-0-first_name": "Zoé",
        "members-0-last_name": "Moulin",
        "members-0-birth_date": "1990-02-03",
        "members-0-relation": "head",
        "members-0-sex": "f",
        "members-1-first_name": "Camille",
        "members-1-last_name": "Moulin",
        "members-1-relation": "child",
        "members-1-sex": "",
    }
    response = client.post(reverse("people:household_create"), data)
    assert response.status_code == 302
    members = Household.objects.get(name="Moulin").members.order_by("first_name")
    assert [(m.first_name, m.sex) for m in members] == [("Camille", ""), ("Zoé", "f")]


def test_the_api_takes_and_gives_the_sex_but_not_to_reception(client, world):
    headers = bearer(world.users["social_worker"])
    payload = {
        "members": [
            {"first_name": "Inès", "last_name": "Roche", "birth_date": "1991-01-01", "relation": "head", "sex": "f"},
            {"first_name": "Sam", "last_name": "Roche", "relation": "spouse"},
        ]
    }
    created = client.post("/api/v1/households", json.dumps(payload), content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    assert sorted((m["first_name"], m["sex"]) for m in created.json()["members"]) == [("Inès", "f"), ("Sam", "")]
    refused = client.post(
        "/api/v1/households",
        json.dumps({"members": [{"first_name": "A", "last_name": "B", "sex": "autre"}]}),
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400

    # Reception reads names and contact only, as the search page shows them: no birth date, no sex.
    items = client.get("/api/v1/households", {"q": "roche"}, **bearer(world.users["receptionist"])).json()["items"]
    members = sorted(items[0]["members"], key=lambda m: m["first_name"])
    assert [(m["first_name"], m["birth_date"], m["sex"]) for m in members] == [
        ("Inès", None, None),
        ("Sam", None, None),
    ]


def test_the_openapi_schema_documents_the_sex(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["MemberIn"]["properties"]["sex"]["enum"] == ["", "f", "m"]
    assert "sex" in schemas["MemberOut"]["required"]


@pytest.mark.parametrize(
    ("first_name", "number", "sex"),
    [
        ("Hélène", 0, "f"),  # a featured name
        ("Noël", 1, "m"),
        ("Chloé", 2, "f"),  # featured, though not in Faker's list
        ("Margaux", 3, "f"),  # Faker's French female first names
        ("Alexandre", 4, "m"),  # and male ones
        ("Zorglub", 5, ""),  # a name that says neither
        ("Hélène", 6, ""),  # one person in seven left « non renseigné »
    ],
)
def test_the_demo_gives_the_sex_a_first_name_makes_obvious_and_leaves_some_blank(first_name, number, sex):
    from faker.providers.person.fr_FR import Provider

    from habiter.people.demo import _sex_of

    female, male = frozenset(Provider.first_names_female), frozenset(Provider.first_names_male)
    assert _sex_of(first_name, female, male, number) == sex
