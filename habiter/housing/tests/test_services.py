import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from habiter.core.models import AuditEvent
from habiter.housing import queries, rules, services
from habiter.housing.models import (
    Dwelling,
    Inspection,
    MaintenanceTicket,
    Owner,
    Photo,
    Prospect,
    ProspectStageChange,
)

from .factories import (
    VALID_IBAN,
    an_image,
    image_bytes,
    make_dwelling,
    make_inspection,
    make_owner,
    make_prospect,
    make_ticket,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _stored_photo_files(organisation_id):
    """The photo files of one organisation in the storage (shared by the tests of a run)."""
    folder = f"photos/{organisation_id}"
    if not default_storage.exists(folder):
        return 0
    return len(default_storage.listdir(folder)[1])


# --- owners ------------------------------------------------------------------------------------------------


def test_a_bad_iban_is_refused_in_french_and_nothing_is_saved(manager):
    with pytest.raises(ValidationError) as refused:
        services.owner_create(actor=manager, data={"name": "Martine Ricard", "iban": "FR7630006000011234567890188"})
    assert "Cet IBAN n'est pas valide" in refused.value.message_dict["iban"][0]
    assert not Owner.objects.exists() and not AuditEvent.objects.filter(action="owner.create").exists()
    owner = make_owner(manager, iban=VALID_IBAN)
    assert owner.iban == "FR7630006000011234567890189" and owner.iban_display == VALID_IBAN
    with pytest.raises(ValidationError):
        services.owner_update(actor=manager, owner_id=owner.pk, data={"name": "Autre", "iban": "FR00"})
    owner.refresh_from_db()
    assert owner.name == "Jean Lambert" and owner.iban == "FR7630006000011234567890189"


def test_only_stock_managers_write_and_every_write_is_audited(world, manager):
    for role in ("social_worker", "accountant", "technician", "team_lead"):
        with pytest.raises(PermissionDenied):
            services.owner_create(actor=world.users[role], data={"name": "X"})
    owner = make_owner(world.users["director"])
    services.owner_contact_add(
        actor=manager, owner_id=owner.pk, occurred_on=date(2026, 1, 5), channel="phone", summary="Appel."
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"owner.create", "owner_contact.add"} <= actions


def test_rows_of_another_organisation_are_out_of_reach(world, manager):
    foreign = make_owner(
        world.outsider.__class__.objects.create(
            username="b.director", organisation=world.other_organisation, role="director"
        )
    )
    with pytest.raises(Owner.DoesNotExist):
        services.owner_update(actor=manager, owner_id=foreign.pk, data={"name": "Piraté"})
    with pytest.raises(ValidationError) as refused:
        make_dwelling(manager, "X-1", owner=foreign)
    assert "propriétaire est introuvable" in str(refused.value)
    assert not queries.owners_for(manager).filter(pk=foreign.pk).exists()


def test_a_dwelling_reference_is_unique_and_a_cap_needs_its_ceiling(manager):
    make_dwelling(manager, "MRS-001")
    with pytest.raises(ValidationError) as duplicate:
        make_dwelling(manager, "MRS-001")
    assert "Un logement porte déjà cette référence." in str(duplicate.value)
    with pytest.raises(ValidationError) as no_ceiling:
        make_dwelling(manager, "MRS-002", rent_cap_scheme="loc2")
    assert "plafond de loyer" in str(no_ceiling.value)
    dwelling = make_dwelling(manager, "MRS-003", rent_cap_scheme="loc2", rent_cap_ceiling=Decimal("510.00"))
    assert dwelling.rent_cap_ceiling == Decimal("510.00")


def test_letting_status_follows_the_legal_parameters_of_the_database(manager):
    params = queries.legal_params()
    g_class = make_dwelling(manager, "G-1", energy_class="G")
    no_dpe = make_dwelling(manager, "N-1", energy_class="")
    assert queries.letting_status(g_class, date(2026, 1, 1), params) == {
        "known": True,
        "decent": False,
        "until": None,
        "rent_increase": False,
    }
    assert queries.letting_status(g_class, date(2024, 6, 1), params)["until"] == date(2024, 12, 31)
    assert queries.letting_status(no_dpe, date(2026, 1, 1), params)["known"] is False


# --- captation ---------------------------------------------------------------------------------------------


def test_a_prospect_moves_along_the_table_each_move_dated_logged_and_audited(manager):
    dwelling = make_dwelling(manager, "MRS-001")
    prospect = make_prospect(manager, dwelling, on_date=date(2026, 1, 5))
    with pytest.raises(ValidationError) as skipped:
        services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="signed", on_date=date(2026, 1, 6))
    assert "ne peut pas passer à l'étape « signé »" in str(skipped.value)
    with pytest.raises(ValidationError) as earlier:
        services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="contacted", on_date=date(2026, 1, 4))
    assert "ne peut pas précéder" in str(earlier.value)
    services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="contacted", on_date=date(2026, 1, 8))
    services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="visited", on_date=date(2026, 1, 12))
    with pytest.raises(ValidationError) as incomplete:
        services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="offer_made", on_date=date(2026, 1, 13))
    assert "loyer proposé et la garantie" in str(incomplete.value)
    services.prospect_move(
        actor=manager,
        prospect_id=prospect.pk,
        to_stage="offer_made",
        on_date=date(2026, 1, 15),
        offered_rent=Decimal("540.00"),
        guarantee="visale",
    )
    services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="signed", on_date=date(2026, 1, 20))
    prospect.refresh_from_db()
    assert prospect.stage == "signed" and prospect.stage_since == date(2026, 1, 20) and prospect.guarantee == "visale"
    changes = list(prospect.stage_changes.values_list("from_stage", "to_stage", "on_date"))
    assert changes == [
        ("", "identified", date(2026, 1, 5)),
        ("identified", "contacted", date(2026, 1, 8)),
        ("contacted", "visited", date(2026, 1, 12)),
        ("visited", "offer_made", date(2026, 1, 15)),
        ("offer_made", "signed", date(2026, 1, 20)),
    ]
    assert AuditEvent.objects.filter(action="prospect.move", object_id=str(prospect.pk)).count() == 4
    with pytest.raises(ValidationError, match="ne change plus"):
        services.prospect_move(
            actor=manager, prospect_id=prospect.pk, to_stage="dropped", on_date=date(2026, 1, 21), drop_reason="sold"
        )


def test_an_offer_is_below_the_market_rent_and_a_drop_has_a_reason(manager):
    prospect = services.prospect_create(
        actor=manager,
        worker_id=manager.pk,
        on_date=date(2026, 1, 5),
        owner_id=make_dwelling(manager, "A-1").owner_id,
        dwelling_id=Dwelling.objects.get(reference="A-1").pk,
        market_rent=Decimal("600.00"),
    )
    services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="visited", on_date=date(2026, 1, 6))
    with pytest.raises(ValidationError, match="sous le loyer de marché"):
        services.prospect_move(
            actor=manager,
            prospect_id=prospect.pk,
            to_stage="offer_made",
            on_date=date(2026, 1, 7),
            offered_rent=Decimal("650.00"),
            guarantee="mandate",
        )
    with pytest.raises(ValidationError, match="motif de l'abandon"):
        services.prospect_move(actor=manager, prospect_id=prospect.pk, to_stage="dropped", on_date=date(2026, 1, 7))
    services.prospect_move(
        actor=manager,
        prospect_id=prospect.pk,
        to_stage="dropped",
        on_date=date(2026, 1, 7),
        drop_reason="owner_refused",
    )
    assert Prospect.objects.get(pk=prospect.pk).drop_reason == "owner_refused"


@pytest.mark.parametrize("current", list(rules.STAGE_TRANSITIONS))
def test_every_move_of_the_table_is_allowed_and_no_other(manager, current):
    """The service follows rules.STAGE_TRANSITIONS exactly, from every stage."""
    prospect = make_prospect(manager, make_dwelling(manager, f"T-{current}"), on_date=date(2026, 1, 1))
    complete = {"offered_rent": Decimal("1.00"), "guarantee": "visale", "drop_reason": "other"}
    for target in rules.STAGE_TRANSITIONS:
        Prospect.objects.filter(pk=prospect.pk).update(stage=current, stage_since=date(2026, 1, 1))
        move = {"actor": manager, "prospect_id": prospect.pk, "to_stage": target, "on_date": date(2026, 1, 2)}
        if target in rules.STAGE_TRANSITIONS[current]:
            assert services.prospect_move(**move, **complete).stage == target
        else:
            with pytest.raises(ValidationError):
                services.prospect_move(**move, **complete)
            assert Prospect.objects.get(pk=prospect.pk).stage == current


def test_a_new_owner_and_dwelling_created_with_a_prospect_are_all_or_nothing(manager):
    with pytest.raises(ValidationError):
        services.prospect_create(
            actor=manager,
            worker_id=manager.pk,
            on_date=date(2026, 1, 5),
            new_owner={"name": "Odile Vidal"},
            new_dwelling={
                "reference": "",
                "address": "x",
                "postal_code": "13100",
                "city": "Aix",
                "surface": 40,
                "rooms": 2,
            },
        )
    assert not Owner.objects.exists() and not Dwelling.objects.exists() and not Prospect.objects.exists()


# --- maintenance -------------------------------------------------------------------------------------------


def test_ticket_status_follows_the_transition_table(world, manager):
    technician = world.users["technician"]
    ticket = make_ticket(manager, make_dwelling(manager))
    with pytest.raises(ValidationError, match="attribuée l'est"):
        services.ticket_update(actor=manager, ticket_id=ticket.pk, status="assigned")
    services.ticket_update(actor=manager, ticket_id=ticket.pk, status="assigned", technician_id=technician.pk)
    assert list(queries.open_tickets_assigned_to(technician)) == [ticket]
    services.ticket_update(
        actor=technician, ticket_id=ticket.pk, status="done", technician_id=technician.pk, cost=Decimal("95.00")
    )
    ticket.refresh_from_db()
    assert ticket.status == "done" and ticket.closed_on == timezone.localdate() and ticket.cost == Decimal("95.00")
    with pytest.raises(ValidationError, match="ne change plus de statut"):
        services.ticket_update(actor=manager, ticket_id=ticket.pk, status="in_progress")
    with pytest.raises(ValidationError, match="ne change plus de statut"):
        services.ticket_update(actor=manager, ticket_id=ticket.pk, status="done", cost=Decimal("1.00"))
    assert MaintenanceTicket.objects.get(pk=ticket.pk).cost == Decimal("95.00")
    with pytest.raises(PermissionDenied):
        services.ticket_update(actor=world.users["social_worker"], ticket_id=ticket.pk, status="cancelled")


def test_a_technician_of_another_organisation_cannot_be_assigned(world, manager):
    ticket = make_ticket(manager, make_dwelling(manager))
    with pytest.raises(ValidationError, match="agent technique"):
        services.ticket_update(actor=manager, ticket_id=ticket.pk, status="assigned", technician_id=world.outsider.pk)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a\x01\x00\x01\x00", "Seules les photos JPEG, PNG et WebP"),
        (b"%PDF-1.7 pretending", "Seules les photos JPEG, PNG et WebP"),
        (b"\x89PNG\r\n\x1a\n broken", "abîmée ou incomplète"),
        (b"", "vide"),
    ],
)
def test_a_refused_photo_stores_nothing(manager, content, message):
    ticket = make_ticket(manager, make_dwelling(manager))
    with pytest.raises(ValidationError, match=message):
        services.photo_add(actor=manager, ticket_id=ticket.pk, uploaded=SimpleUploadedFile("x.png", content))
    assert not Photo.objects.exists() and _stored_photo_files(manager.organisation_id) == 0
    with pytest.raises(ValidationError, match=message):
        make_ticket(manager, ticket.dwelling, title="Avec photo", photos=[SimpleUploadedFile("x.jpg", content)])
    assert not MaintenanceTicket.objects.filter(title="Avec photo").exists()


def test_a_photo_over_10_mb_is_refused(manager):
    ticket = make_ticket(manager, make_dwelling(manager))
    big = SimpleUploadedFile("big.png", image_bytes() + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="10 Mo"):
        services.photo_add(actor=manager, ticket_id=ticket.pk, uploaded=big)
    assert not Photo.objects.exists()


def test_a_photo_is_stored_under_a_random_name_and_removed_when_the_write_fails(manager, monkeypatch):
    ticket = make_ticket(manager, make_dwelling(manager))
    photo = services.photo_add(actor=manager, ticket_id=ticket.pk, uploaded=an_image("Facture Dupont.jpg", "JPEG"))
    assert photo.content_type == "image/jpeg" and photo.file.name == f"photos/{manager.organisation_id}/{photo.pk}.jpg"
    assert _stored_photo_files(manager.organisation_id) == 1

    def failing_audit(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        services.photo_add(actor=manager, ticket_id=ticket.pk, uploaded=an_image())
    assert Photo.objects.count() == 1 and _stored_photo_files(manager.organisation_id) == 1


# --- inspections -------------------------------------------------------------------------------------------


def test_a_check_out_is_compared_with_the_latest_check_in(world):
    technician = world.users["technician"]
    dwelling = make_dwelling(world.users["rental_manager"])
    make_inspection(technician, dwelling, done_on=date(2024, 1, 5), rooms=[{"name": "Séjour", "condition": "new"}])
    latest = make_inspection(
        technician,
        dwelling,
        done_on=date(2025, 1, 5),
        rooms=[{"name": "Séjour", "condition": "good"}, {"name": "Cuisine", "condition": "fair"}],
        household_id=None,
    )
    check_out = make_inspection(
        technician,
        dwelling,
        kind="check_out",
        done_on=date(2026, 1, 5),
        rooms=[{"name": "séjour", "condition": "good"}, {"name": "Cuisine", "condition": "fair"}],
        keys_returned_on=date(2026, 1, 5),
    )
    assert check_out.check_in == latest
    before = {r.name: r.condition for r in latest.rooms.all()}
    after = {r.name: r.condition for r in check_out.rooms.all()}
    assert rules.inventory_matches(before, after)
    deadline, months = rules.deposit_return_period(check_out.keys_returned_on, True, params=queries.legal_params())
    assert (deadline, months) == (date(2026, 2, 5), 1)
    assert AuditEvent.objects.filter(action="inspection.record").count() == 3


def test_an_inspection_needs_a_room_a_past_date_and_keys_only_on_a_check_out(world):
    technician = world.users["technician"]
    dwelling = make_dwelling(world.users["rental_manager"])
    with pytest.raises(ValidationError, match="au moins une pièce"):
        make_inspection(technician, dwelling, rooms=[])
    with pytest.raises(ValidationError, match="futur"):
        make_inspection(technician, dwelling, done_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="sortie"):
        make_inspection(technician, dwelling, keys_returned_on=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="Pièce « Séjour »"):
        make_inspection(
            technician,
            dwelling,
            rooms=[{"name": "Séjour", "condition": "good", "photo": SimpleUploadedFile("a.jpg", b"nope")}],
        )
    assert not Inspection.objects.exists() and not Photo.objects.exists()
    with pytest.raises(PermissionDenied):
        make_inspection(world.users["social_worker"], dwelling)


def test_an_inspection_links_only_a_household_of_the_dwelling(world):
    technician = world.users["technician"]
    dwelling = make_dwelling(world.users["rental_manager"])
    with pytest.raises(ValidationError, match="pas lié à ce logement"):
        make_inspection(technician, dwelling, household_id=world.own_household.pk)
    from habiter.housing import registry

    def tenants(dwelling, user):
        return [world.own_household]

    registry.register_dwelling_households(tenants)
    try:
        inspection = make_inspection(technician, dwelling, household_id=world.own_household.pk)
        assert inspection.household == world.own_household
        with pytest.raises(ValidationError):
            make_inspection(technician, dwelling, household_id=world.other_org_household.pk)
    finally:
        registry._household_sources.remove(tenants)


# --- demo data ---------------------------------------------------------------------------------------------


def test_the_demo_stock_is_seeded_once(world):
    from habiter.housing.demo import seed_housing

    users = {u.username: u for u in world.users.values()}
    seed_housing(world.organisation, users, 300, random.Random(1))
    seed_housing(world.organisation, users, 300, random.Random(1))
    owners = Owner.objects.filter(organisation=world.organisation)
    assert owners.filter(kind="association", name=world.organisation.name).count() == 1
    assert {"private", "company", "town", "social_landlord", "association"} <= set(
        owners.values_list("kind", flat=True)
    )
    dwellings = Dwelling.objects.filter(organisation=world.organisation)
    assert dwellings.count() == 15 and dwellings.filter(energy_class="").count() == 1
    assert dwellings.filter(energy_class__in=["F", "G"]).count() >= 3
    stages = set(Prospect.objects.filter(organisation=world.organisation).values_list("stage", flat=True))
    assert stages == set(rules.STAGE_TRANSITIONS)
    assert ProspectStageChange.objects.filter(organisation=world.organisation).count() > 20
    assert queries.open_tickets_assigned_to(world.users["technician"]).exists()
    assert Inspection.objects.filter(organisation=world.organisation, kind="check_in").count() == 1
