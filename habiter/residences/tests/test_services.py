from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory
from habiter.residences import services
from habiter.residences.models import HouseRules, Place, Residence

from .factories import make_place, make_residence

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(world):
    return world.users["director"]


def test_a_director_creates_a_residence_with_its_host_and_it_is_audited(world, director):
    host = world.users["host"]
    residence = make_residence(
        director, hosts=[host], apl_convention_reference="13/2/12.2014/1", agrement_reference="13-2012-ILGLS-018"
    )
    assert list(residence.hosts.all()) == [host]
    assert residence.is_essms is False  # R78: not an ESSMS by default
    assert AuditEvent.objects.filter(action="residence.create", object_id=str(residence.pk)).exists()


@pytest.mark.parametrize("role", ["host", "team_lead", "social_worker", "volunteer"])
def test_only_a_director_creates_or_changes_a_residence(world, director, role):
    residence = make_residence(director)
    with pytest.raises(PermissionDenied):
        make_residence(world.users[role], name="Soleil")
    with pytest.raises(PermissionDenied):
        services.residence_update(actor=world.users[role], residence_id=residence.pk, data={"name": "Renommée"})
    with pytest.raises(PermissionDenied):
        make_place(world.users[role], residence)
    assert Residence.objects.count() == 1


def test_a_host_of_another_organisation_or_a_non_host_is_refused(world, director):
    foreign_host = UserFactory(organisation=world.other_organisation, role="host")
    with pytest.raises(ValidationError) as refused:
        make_residence(director, hosts=[foreign_host])
    assert "Choisissez des hôtes de votre association." in str(refused.value)
    with pytest.raises(ValidationError):
        make_residence(director, hosts=[world.users["social_worker"]])
    assert not Residence.objects.filter(apl_convention_reference="13/2/12.2014/1").exists()


def test_a_director_of_another_organisation_cannot_touch_the_residence(world, director):
    residence = make_residence(director)
    foreign_director = UserFactory(organisation=world.other_organisation, role="director")
    with pytest.raises(Residence.DoesNotExist):
        services.residence_update(actor=foreign_director, residence_id=residence.pk, data={"name": "Volée"})
    with pytest.raises(Residence.DoesNotExist):
        make_place(foreign_director, residence)


def test_two_residences_cannot_share_a_name(director):
    make_residence(director)
    with pytest.raises(ValidationError) as refused:
        make_residence(director)
    assert "Une résidence porte déjà ce nom." in str(refused.value)


def test_places_have_unique_labels_and_a_positive_surface(director):
    residence = make_residence(director)
    make_place(director, residence, "1")
    with pytest.raises(ValidationError) as refused:
        make_place(director, residence, "1")
    assert "Une place de cette résidence porte déjà ce nom." in str(refused.value)
    with pytest.raises(ValidationError):
        make_place(director, residence, "2", surface=Decimal("0"))
    assert Place.objects.count() == 1


def test_the_26th_place_is_saved_with_a_warning(director):
    residence = make_residence(director)
    for number in range(1, 26):
        _place, soft_max = services.place_create(
            actor=director,
            residence_id=residence.pk,
            data={"label": str(number), "kind": "studio", "typology": "T1", "surface": Decimal("20")},
        )
        assert soft_max is None
    place, soft_max = services.place_create(
        actor=director,
        residence_id=residence.pk,
        data={"label": "26", "kind": "room", "typology": "T1'", "surface": Decimal("15")},
    )
    assert soft_max == 25
    assert Place.objects.filter(pk=place.pk).exists()


def test_a_house_rules_version_in_force_is_frozen(director):
    residence = make_residence(director)
    today = timezone.localdate()
    current = services.house_rules_add(actor=director, residence_id=residence.pk, valid_from=today, text="Article 1")
    future = services.house_rules_add(
        actor=director, residence_id=residence.pk, valid_from=today + timedelta(days=30), text="Article 1 bis"
    )
    with pytest.raises(ValidationError) as refused:
        services.house_rules_update(actor=director, house_rules_id=current.pk, text="Réécrit")
    assert "elle ne se modifie plus" in str(refused.value)
    assert HouseRules.objects.get(pk=current.pk).text == "Article 1"
    services.house_rules_update(actor=director, house_rules_id=future.pk, text="Article 1 ter")
    assert HouseRules.objects.get(pk=future.pk).text == "Article 1 ter"
    assert AuditEvent.objects.filter(action="house_rules.update", object_id=str(future.pk)).count() == 1


def test_two_versions_cannot_start_the_same_day(director):
    residence = make_residence(director)
    today = timezone.localdate()
    services.house_rules_add(actor=director, residence_id=residence.pk, valid_from=today, text="A")
    with pytest.raises(ValidationError):
        services.house_rules_add(actor=director, residence_id=residence.pk, valid_from=today, text="B")
    with pytest.raises(ValidationError):
        services.house_rules_add(
            actor=director, residence_id=residence.pk, valid_from=today + timedelta(days=1), text="   "
        )


def test_an_apl_convention_needs_the_managers_agrement(world, director):
    """W2 (CCH L365-4): the manager signs an APL convention only once it holds the agrément ILGLS; nothing is saved
    without its reference, and a residence without a convention needs none."""
    with pytest.raises(ValidationError) as refused:
        make_residence(director, apl_convention_reference="13/2/12.2014/1")
    assert refused.value.message_dict["agrement_reference"] == [
        "Une convention APL n'est signée que par un gestionnaire agréé (CCH L365-4) : indiquez la référence de "
        "l'agrément « intermédiation locative et gestion locative sociale »."
    ]
    assert not Residence.objects.filter(apl_convention_reference="13/2/12.2014/1").exists()
    residence = make_residence(director, "Soleil")
    with pytest.raises(ValidationError):
        services.residence_update(
            actor=director, residence_id=residence.pk, data={"apl_convention_reference": "13/2/12.2014/1"}
        )
    residence.refresh_from_db()
    assert residence.apl_convention_reference == ""
