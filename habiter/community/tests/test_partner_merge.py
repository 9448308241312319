"""Merging a duplicate partner into the one kept: every row that names it moves (found from the model's meta),
contacts and seats that would be doubled are folded, the duplicate goes, one audit event; directors only; the pages
(choice, confirmation, merge) and the likely duplicates."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

from habiter.community import partner_merge, partners, volunteers
from habiter.community.models import Partner, PartnerContact, PartnerSeat
from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.evictions import services as eviction_services
from habiter.reception import services as reception_services
from habiter.residences import services as residence_services
from habiter.residences.tests.factories import make_place, make_residence
from habiter.support import plans
from habiter.support import services as support_services
from habiter.support.models import Programme, SupportMeasure

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"

# Every foreign key to a partner today, the hidden ones (related_name="+") included.
EVERY_RELATION = {
    "support.supportmeasure.prescriber",
    "support.planstep.partner",
    "reception.deskvisit.referral_partner",
    "evictions.fslfund.manager",
    "evictions.legaldesksession.bar",
    "residences.orientation.siao",
    "community.partnercontact.partner",
    "community.agreement.partner",
    "community.partnerseat.partner",
    "community.volunteer.employer",
}


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def kept(director):
    partner = partners.partner_create(actor=director, data={"name": "CCAS de Marseille", "kind": "ccas"})
    partners.partner_contact_add(actor=director, partner_id=partner.pk, data={"name": "Mme Durand"})
    return partner


@pytest.fixture
def duplicate(director):
    return partners.partner_create(
        actor=director,
        data={"name": "CCAS Marseille", "kind": "other", "phone": "04 91 00 00 00", "address": "Rue de la Mairie"},
    )


def open_measure(world, prescriber):
    avdl = Programme.objects.get(organisation=world.organisation, code="avdl")
    return support_services.measure_open(
        actor=world.users["social_worker"],
        household_id=world.own_household.pk,
        programme_id=avdl.pk,
        start_date=date(2026, 3, 2),
        prescriber=prescriber,
    )


def one_row_of_each(world, partner):
    """One row of every kind that names a partner, each naming `partner` (by its name, as staff type it)."""
    director, worker, name = world.users["director"], world.users["social_worker"], partner.name
    open_measure(world, name)
    plan = plans.plan_start(actor=worker, household_id=world.own_household.pk, started_on=date(2026, 3, 2))
    goal = plans.goal_add(actor=worker, plan_id=plan.pk, life_area="housing", title="Trouver un logement")
    plans.step_add(actor=worker, goal_id=goal.pk, description="Demande d'aide", owner="partner", partner_name=name)
    reception_services.desk_visit_record(
        actor=world.users["receptionist"], topics=["housing_search"], referral_partner=name
    )
    eviction_services.fsl_fund_add(actor=director, department="13", name="FSL 13", manager_name=name)
    eviction_services.legal_session_create(
        actor=worker,
        held_on=date(2026, 3, 3),
        place="Maison de la justice et du droit",
        social_worker_id=worker.pk,
        lawyer_id=world.users["lawyer"].pk,
        bar_name=name,
    )
    place = make_place(director, make_residence(director))
    vacancy = residence_services.vacancy_declare(actor=director, place_id=place.pk, declared_on=date(2026, 1, 5))
    residence_services.orientation_receive(
        actor=director,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO-13-0042",
        candidate_name="M. Karim Saïdi",
        received_on=date(2026, 1, 12),
        siao_name=name,
    )
    volunteers.volunteer_create(
        actor=director,
        user_id=world.users["volunteer"].pk,
        referent_id=None,
        data={
            "started_on": date(2026, 1, 5),
            "engagement": "skills_sponsorship",
            "employer_name": name,
            "convention_from": date(2026, 1, 5),
            "convention_to": date(2026, 12, 31),
        },
    )
    partners.partner_contact_add(actor=director, partner_id=partner.pk, data={"name": "M. Benali"})
    partners.agreement_create(
        actor=director, partner_id=partner.pk, data={"title": "Baux glissants", "starts_on": date(2026, 1, 1)}
    )
    partners.seat_add(
        actor=director,
        partner_id=partner.pk,
        member_id=director.pk,
        data={"body": "CCAPEX", "role": "titular", "started_on": date(2026, 1, 5)},
    )


def naming(partner) -> dict[str, int]:
    return {
        partner_merge.relation_key(model, fk): model._base_manager.filter(**{fk.name: partner}).count()
        for model, fk in partner_merge.partner_relations()
    }


# --- the service ---------------------------------------------------------------------------------------------------


def test_every_foreign_key_to_a_partner_is_found_the_hidden_ones_included():
    found = {partner_merge.relation_key(model, fk) for model, fk in partner_merge.partner_relations()}
    assert found == EVERY_RELATION, "a new foreign key to Partner: add it to one_row_of_each and RELATION_LABELS"
    assert len(Partner._meta.related_objects) == 3  # the reason: related_objects leaves the hidden seven out
    assert set(partner_merge.RELATION_LABELS) == EVERY_RELATION


def test_a_relation_without_its_own_label_is_still_said_in_french():
    assert partner_merge.relation_label("community.partnercontact.partner", 1) == "1 contact"
    assert partner_merge.relation_label("community.partnerseat.member", 2) == (
        "2 fiches « représentation auprès d'un partenaire » (membre)"
    )


def test_every_row_naming_the_duplicate_moves_to_the_kept_partner(world, director, kept, duplicate):
    one_row_of_each(world, duplicate)
    assert naming(duplicate) == dict.fromkeys(EVERY_RELATION, 1)
    before = naming(kept)
    partner_merge.partner_merge(actor=director, kept_id=kept.pk, duplicate_id=duplicate.pk)
    assert not Partner.objects.filter(pk=duplicate.pk).exists()
    after = naming(kept)
    assert {key: after[key] - before[key] for key in EVERY_RELATION} == dict.fromkeys(EVERY_RELATION, 1)
    assert naming(Partner(pk=duplicate.pk)) == dict.fromkeys(EVERY_RELATION, 0)


def test_the_counts_moved_the_folds_and_the_audit_event(world, director, kept, duplicate):
    open_measure(world, "CCAS Marseille")
    open_measure(world, "ccas marseille")
    open_measure(world, "CCAS de Marseille")  # the kept one's: stays
    partners.partner_contact_add(  # the same person: folded, her phone completes the kept contact
        actor=director, partner_id=duplicate.pk, data={"name": "MME DURAND", "phone": "04 91 11 22 33"}
    )
    partners.partner_contact_add(actor=director, partner_id=duplicate.pk, data={"name": "M. Benali"})
    seat = {"body": "CCAPEX", "role": "titular", "started_on": date(2026, 1, 5)}
    partners.seat_add(actor=director, partner_id=kept.pk, member_id=director.pk, data=seat)
    partners.seat_add(actor=director, partner_id=duplicate.pk, member_id=director.pk, data=seat | {"body": "ccapex"})
    partners.seat_add(actor=director, partner_id=duplicate.pk, member_id=director.pk, data=seat | {"body": "CRHH"})

    done = partner_merge.partner_merge(actor=director, kept_id=kept.pk, duplicate_id=duplicate.pk)

    assert done.summary() == (
        "2 mesures d'accompagnement (prescripteur), 1 contact, 1 représentation de l'association, "
        "1 contact en double réuni au contact du même nom, 1 représentation en double supprimée"
    )
    assert SupportMeasure.objects.filter(prescriber=kept).count() == 3
    assert sorted(PartnerContact.objects.filter(partner=kept).values_list("name", "phone")) == [
        ("M. Benali", ""),
        ("Mme Durand", "04 91 11 22 33"),
    ]
    assert sorted(PartnerSeat.objects.filter(partner=kept).values_list("body", flat=True)) == ["CCAPEX", "CRHH"]
    kept.refresh_from_db()  # blank fields and the kind « Autre » not taken: the kept one had a kind
    assert (kept.name, kept.kind, kept.phone, kept.address) == (
        "CCAS de Marseille",
        "ccas",
        "04 91 00 00 00",
        "Rue de la Mairie",
    )
    event = AuditEvent.objects.get(action="partner.merge")
    assert (event.actor, event.object_id) == (director, str(kept.pk))
    assert event.detail == {
        "kept": {"id": str(kept.pk), "name": "CCAS de Marseille"},
        "duplicate": {"id": str(duplicate.pk), "name": "CCAS Marseille", "kind": "other"},
        "moved": {
            "support.supportmeasure.prescriber": 2,
            "community.partnercontact.partner": 1,
            "community.partnerseat.partner": 1,
        },
        "folded": {"contacts": 1, "seats": 1},
        "filled": ["address", "phone"],
    }


def test_a_contact_whose_details_contradict_is_moved_not_folded(director, kept, duplicate):
    PartnerContact.objects.filter(partner=kept).update(phone="04 91 00 00 01")
    partners.partner_contact_add(
        actor=director, partner_id=duplicate.pk, data={"name": "Mme Durand", "phone": "04 91 99 99 99"}
    )
    partner_merge.partner_merge(actor=director, kept_id=kept.pk, duplicate_id=duplicate.pk)
    assert sorted(PartnerContact.objects.filter(partner=kept).values_list("phone", flat=True)) == [
        "04 91 00 00 01",
        "04 91 99 99 99",
    ]


def test_a_duplicate_of_kind_other_gives_its_kind_to_a_kept_partner_of_kind_other(director):
    kept = partners.partner_create(actor=director, data={"name": "Mission locale", "kind": "other"})
    duplicate = partners.partner_create(actor=director, data={"name": "Mission Locale Aix", "kind": "employment"})
    done = partner_merge.partner_merge(actor=director, kept_id=kept.pk, duplicate_id=duplicate.pk)
    kept.refresh_from_db()
    assert (kept.kind, done.filled, done.summary()) == ("employment", ["kind"], "aucune fiche ne le nommait")


def test_a_unique_constraint_that_moving_would_break_refuses_the_merge_and_writes_nothing(
    monkeypatch, world, director, kept, duplicate
):
    """No constraint does today: one on (partner, body) stands for a future one."""
    unique_body = models.UniqueConstraint(fields=["partner", "body"], name="test_one_seat_per_body")
    monkeypatch.setattr(PartnerSeat._meta, "constraints", [*PartnerSeat._meta.constraints, unique_body])
    open_measure(world, "CCAS Marseille")
    seat = {"body": "CRHH", "role": "titular", "started_on": date(2026, 1, 5)}
    partners.seat_add(actor=director, partner_id=kept.pk, member_id=director.pk, data=seat)
    partners.seat_add(actor=director, partner_id=duplicate.pk, member_id=world.users["host"].pk, data=seat)
    with pytest.raises(ValidationError) as refused:
        partner_merge.partner_merge(actor=director, kept_id=kept.pk, duplicate_id=duplicate.pk)
    assert "Fusion impossible, rien n'a été modifié" in str(refused.value)
    assert "représentation auprès d'un partenaire" in str(refused.value)
    assert Partner.objects.filter(pk=duplicate.pk).exists()
    assert SupportMeasure.objects.get().prescriber == duplicate
    assert not AuditEvent.objects.filter(action="partner.merge").exists()


def test_a_partner_does_not_merge_with_itself(director, kept):
    with pytest.raises(ValidationError) as refused:
        partner_merge.partner_merge(actor=director, kept_id=kept.pk, duplicate_id=kept.pk)
    assert "ne fusionne pas avec lui-même" in str(refused.value)
    assert Partner.objects.filter(pk=kept.pk).exists()


# --- who may merge -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.DIRECTOR])
def test_only_a_director_merges(world, kept, duplicate, role):
    with pytest.raises(PermissionDenied):
        partner_merge.partner_merge(actor=world.users[role], kept_id=kept.pk, duplicate_id=duplicate.pk)
    assert Partner.objects.filter(pk=duplicate.pk).exists()


def test_another_organisations_partner_or_a_forged_id_is_not_found(world, director, kept, duplicate):
    foreign_director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    foreign = partners.partner_create(actor=foreign_director, data={"name": "CCAS Marseille", "kind": "ccas"})
    forged = "6f1c1d6e-0000-4000-8000-000000000000"
    for kept_id, duplicate_id in ((kept.pk, foreign.pk), (foreign.pk, duplicate.pk), (kept.pk, forged)):
        with pytest.raises(Partner.DoesNotExist):
            partner_merge.partner_merge(actor=director, kept_id=kept_id, duplicate_id=duplicate_id)
    with pytest.raises(Partner.DoesNotExist):  # the other director does not reach ours either
        partner_merge.partner_merge(actor=foreign_director, kept_id=foreign.pk, duplicate_id=duplicate.pk)
    assert Partner.objects.count() == 3


# --- likely duplicates ---------------------------------------------------------------------------------------------


def test_names_compare_without_case_accents_punctuation_spaces_or_linking_words():
    assert partner_merge.name_key("  CCAS de   Marseille ") == "ccas marseille"
    assert partner_merge.name_key("C.C.A.S. Marseille") == "ccas marseille"
    assert partner_merge.name_key("CCAS à Marseille") == "ccas marseille"
    assert partner_merge.name_key("Département des Bouches-du-Rhône") == "departement bouches rhone"
    assert partner_merge.name_key("Pays d'Aix Habitat") == partner_merge.name_key("PAYS D’AIX - HABITAT")


def test_likely_duplicates_are_for_directors_and_of_their_organisation(world, director, kept, duplicate):
    partners.partner_create(actor=director, data={"name": "CCAS d'Aix", "kind": "ccas"})
    foreign_director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    partners.partner_create(actor=foreign_director, data={"name": "Ccas de Marseille !", "kind": "ccas"})
    groups = partner_merge.likely_duplicates(director)
    assert [sorted(p.name for p in group) for group in groups] == [["CCAS Marseille", "CCAS de Marseille"]]
    assert [p.name for p in partner_merge.likely_duplicates_of(director, duplicate)] == ["CCAS de Marseille"]
    assert partner_merge.likely_duplicates(world.users["social_worker"]) == []


# --- the pages -----------------------------------------------------------------------------------------------------


def test_the_director_chooses_reads_what_will_move_then_merges(client, world, director, kept, duplicate):
    open_measure(world, "CCAS Marseille")
    open_measure(world, "CCAS Marseille ")
    partners.partner_contact_add(actor=director, partner_id=duplicate.pk, data={"name": "M. Benali"})
    client.force_login(director)
    detail = client.get(reverse("community:partner_detail", args=[kept.pk])).content.decode()
    url = reverse("community:partner_merge", args=[kept.pk])
    assert "Fusionner avec un doublon…" in detail and f"{url}?doublon={duplicate.pk}" in detail
    listed = client.get(reverse("community:partner_list")).content.decode()
    assert "Doublons probables" in listed

    page = client.get(url, {"doublon": duplicate.pk}).content.decode()
    assert f'<option value="{duplicate.pk}" selected>CCAS Marseille (Autre)</option>' in page
    assert f'value="{kept.pk}"' not in page  # not itself

    asked = client.post(url, {"duplicate": duplicate.pk})
    content = asked.content.decode()
    assert asked.status_code == 200 and "À confirmer" in content
    assert "2 mesures d&#x27;accompagnement (prescripteur) passeront à « CCAS de Marseille »." in content
    assert "1 contact passera à « CCAS de Marseille »." in content
    assert "Les champs vides de « CCAS de Marseille » prendront la valeur du doublon : adresse, téléphone." in content
    assert Partner.objects.filter(pk=duplicate.pk).exists()  # nothing merged yet

    done = client.post(url, {"duplicate": duplicate.pk, "confirmed": "1"}, follow=True)
    assert done.redirect_chain == [(reverse("community:partner_detail", args=[kept.pk]), 302)]
    message = done.content.decode()
    assert (
        "« CCAS Marseille » est fusionné dans « CCAS de Marseille » : "
        "2 mesures d&#x27;accompagnement (prescripteur), 1 contact." in message
    )
    assert not Partner.objects.filter(pk=duplicate.pk).exists()
    assert SupportMeasure.objects.filter(prescriber=kept).count() == 2


def test_the_page_refuses_another_organisations_partner_as_duplicate(client, world, director, kept):
    foreign_director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    foreign = partners.partner_create(actor=foreign_director, data={"name": "CCAS Marseille", "kind": "ccas"})
    client.force_login(director)
    url = reverse("community:partner_merge", args=[kept.pk])
    for forged in (foreign.pk, kept.pk, "pas-un-identifiant"):
        response = client.post(url, {"duplicate": forged, "confirmed": "1"})
        assert response.status_code == 200
        assert "Choisissez un autre partenaire de votre association dans la liste." in response.content.decode()
    assert Partner.objects.count() == 2 and not AuditEvent.objects.filter(action="partner.merge").exists()
    client.force_login(foreign_director)
    assert client.get(url).status_code == 404
    assert client.post(url, {"duplicate": foreign.pk, "confirmed": "1"}).status_code == 404


@pytest.mark.parametrize("role", ["social_worker", "volunteer", "team_lead", "receptionist"])
def test_the_page_is_not_found_for_the_roles_that_do_not_manage_partners(client, world, kept, duplicate, role):
    client.force_login(world.users[role])
    url = reverse("community:partner_merge", args=[kept.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"duplicate": duplicate.pk, "confirmed": "1"}).status_code == 404
    assert Partner.objects.filter(pk=duplicate.pk).exists()


def test_a_merge_without_the_csrf_token_is_refused(world, director, kept, duplicate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    url = reverse("community:partner_merge", args=[kept.pk])
    assert client.post(url, {"duplicate": duplicate.pk, "confirmed": "1"}).status_code == 403
    assert Partner.objects.filter(pk=duplicate.pk).exists()


def test_hostile_names_are_shown_escaped(client, director, kept):
    hostile = partners.partner_create(actor=director, data={"name": HOSTILE, "kind": "other"})
    twin = partners.partner_create(actor=director, data={"name": "<SCRIPT> alert(1) </script>", "kind": "other"})
    client.force_login(director)
    url = reverse("community:partner_merge", args=[hostile.pk])
    pages = [
        client.get(reverse("community:partner_list")),
        client.get(reverse("community:partner_detail", args=[hostile.pk])),
        client.get(url),
        client.post(url, {"duplicate": twin.pk}),
        client.post(url, {"duplicate": twin.pk, "confirmed": "1"}, follow=True),
    ]
    for response in pages:
        content = response.content.decode()
        assert HOSTILE not in content and "<SCRIPT>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert not Partner.objects.filter(pk=twin.pk).exists()


def test_moving_rows_bumps_their_version_so_an_open_form_is_refused_not_saved_over(world, director, kept, duplicate):
    measure = open_measure(world, "CCAS Marseille")
    shown = SupportMeasure.objects.get(pk=measure.pk).version
    partner_merge.partner_merge(actor=director, kept_id=kept.pk, duplicate_id=duplicate.pk)
    assert SupportMeasure.objects.get(pk=measure.pk).version == shown + 1
