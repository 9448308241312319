"""Lease services on the database: the law's checks, the transition table, the slide and the revision batch."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from habiter.core.models import AuditEvent, LegalParameter
from habiter.housing.models import OwnerKind

from .. import queries, services
from ..models import (
    HeadLease,
    HeadLeaseKind,
    Lease,
    LeaseKind,
    LeaseStatus,
    Opinion,
    RentIndex,
    RentRevision,
    ReviewDecision,
    SlidingReview,
)
from .factories import make_dwelling, make_lease, make_owner, make_sliding_sublease

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(world):
    return world.users["rental_manager"]


def _errors(excinfo) -> str:
    error = excinfo.value
    return " ".join(error.messages)


# --- checks of the law when a lease is prepared --------------------------------------------------------------


def test_a_direct_lease_is_prepared_signed_and_audited(world, manager):
    lease = make_lease(manager, world.own_household, rent="520.00", deposit=Decimal("520.00"))
    assert lease.status == LeaseStatus.DRAFT
    assert lease.irl_base_year == 2024  # Q4 2024 was the last Q4 published on 1 March 2025
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 2, 20))
    lease.refresh_from_db()
    assert lease.status == LeaseStatus.SIGNED and lease.signed_on == date(2025, 2, 20)
    assert list(lease.status_changes.values_list("to_status", flat=True)) == ["draft", "signed"]
    actions = set(AuditEvent.objects.filter(object_id=str(lease.pk)).values_list("action", flat=True))
    assert actions == {"lease.create", "lease.signed"}


@pytest.mark.parametrize(
    ("energy_class", "start", "refused"),
    [
        ("G", date(2025, 3, 1), True),  # G is indecent since 1 January 2025
        ("G", date(2024, 12, 31), False),
        ("F", date(2027, 6, 1), False),
        ("F", date(2028, 1, 1), True),
        ("E", date(2033, 12, 31), False),
        ("E", date(2034, 1, 1), True),
        ("", date(2026, 1, 1), True),  # no DPE, no letting
    ],
)
def test_no_lease_on_a_dwelling_that_is_not_decent_at_its_start(world, manager, energy_class, start, refused):
    dwelling = make_dwelling(world.organisation, energy_class=energy_class)
    if refused:
        with pytest.raises(ValidationError) as excinfo:
            make_lease(manager, world.own_household, dwelling, start=start)
        assert "dwelling" in excinfo.value.error_dict
        assert not Lease.objects.filter(dwelling=dwelling).exists()
    else:
        assert make_lease(manager, world.own_household, dwelling, start=start).pk


def test_overseas_dwellings_follow_their_own_calendar(world, manager):
    dwelling = make_dwelling(world.organisation, energy_class="G", territory="dom", postal_code="97400")
    assert make_lease(manager, world.own_household, dwelling, start=date(2026, 1, 1), end_date=date(2026, 12, 31))
    with pytest.raises(ValidationError):
        make_lease(manager, world.other_team_household, dwelling, start=date(2028, 1, 1))


def test_two_leases_may_not_overlap_on_one_dwelling(world, manager):
    dwelling = make_dwelling(world.organisation)
    make_lease(manager, world.own_household, dwelling, start=date(2025, 1, 1), end_date=date(2025, 12, 31))
    with pytest.raises(ValidationError) as excinfo:
        make_lease(manager, world.other_team_household, dwelling, start=date(2025, 12, 31))
    assert "Lefèvre" in _errors(excinfo)  # the refusal names the other lease
    assert Lease.objects.filter(dwelling=dwelling).count() == 1
    assert make_lease(manager, world.other_team_household, dwelling, start=date(2026, 1, 1))


def test_a_cancelled_lease_frees_its_dwelling(world, manager):
    dwelling = make_dwelling(world.organisation)
    lease = make_lease(manager, world.own_household, dwelling, start=date(2025, 1, 1))
    services.lease_cancel(actor=manager, lease_id=lease.pk, on_date=date(2025, 1, 2))
    assert make_lease(manager, world.other_team_household, dwelling, start=date(2025, 2, 1))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraint: PostgreSQL only")
def test_the_database_refuses_overlapping_leases_even_past_the_service(world, manager):
    dwelling = make_dwelling(world.organisation)
    lease = make_lease(manager, world.own_household, dwelling, start=date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Lease.objects.create(
            **{
                f.name: getattr(lease, f.name)
                for f in Lease._meta.concrete_fields
                if f.name not in ("id", "household", "created_at", "updated_at")
            },
            household=world.other_team_household,
        )


@pytest.mark.parametrize(
    ("furnished", "deposit", "ok"),
    [(False, "500.00", True), (False, "500.01", False), (True, "1000.00", True), (True, "1000.01", False)],
)
def test_the_deposit_is_capped(world, manager, furnished, deposit, ok):
    dwelling = make_dwelling(world.organisation, furnished=furnished)
    if ok:
        assert make_lease(manager, world.own_household, dwelling, rent="500.00", deposit=Decimal(deposit))
    else:
        with pytest.raises(ValidationError) as excinfo:
            make_lease(manager, world.own_household, dwelling, rent="500.00", deposit=Decimal(deposit))
        assert "deposit" in excinfo.value.error_dict
        assert ("1\xa0000,00" if furnished else "500,00") in _errors(excinfo)


def test_a_sublease_rent_per_m2_may_not_exceed_the_head_lease(world, manager):
    dwelling = make_dwelling(world.organisation, surface="40.00")
    head = services.head_lease_create(
        actor=manager,
        kind=HeadLeaseKind.ORDINARY,
        owner_id=dwelling.owner_id,
        dwelling_id=dwelling.pk,
        surface=Decimal("40.00"),
        rent=Decimal("480.00"),
        start_date=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        make_lease(
            manager, world.own_household, dwelling, kind=LeaseKind.SUBLEASE, rent="480.40", head_lease_id=head.pk
        )
    assert "12,01" in _errors(excinfo) and "12,00" in _errors(excinfo)
    lease = make_lease(
        manager, world.own_household, dwelling, kind=LeaseKind.SUBLEASE, rent="480.00", head_lease_id=head.pk
    )
    assert lease.head_lease == head


def test_a_sublease_needs_the_head_lease_of_its_dwelling(world, manager):
    dwelling = make_dwelling(world.organisation)
    other = make_dwelling(world.organisation)
    head = services.head_lease_create(
        actor=manager,
        kind=HeadLeaseKind.ORDINARY,
        owner_id=other.owner_id,
        dwelling_id=other.pk,
        surface=Decimal("50"),
        rent=Decimal("600"),
        start_date=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        make_lease(manager, world.own_household, dwelling, kind=LeaseKind.SUBLEASE, head_lease_id=head.pk)
    assert "head_lease" in excinfo.value.error_dict


def test_a_mandate_needs_a_valid_iban_and_makes_the_owner_the_landlord(world, manager):
    owner = make_owner(world.organisation)
    dwelling = make_dwelling(world.organisation, owner)
    with pytest.raises(ValidationError) as excinfo:
        services.mandate_create(
            actor=manager,
            owner_id=owner.pk,
            dwelling_id=dwelling.pk,
            fee_rate=Decimal("7"),
            start_date=date(2025, 1, 1),
            payout_iban="FR76 3000 6000 0112 3456 7890 188",
        )
    assert "IBAN" in _errors(excinfo)
    mandate = services.mandate_create(
        actor=manager,
        owner_id=owner.pk,
        dwelling_id=dwelling.pk,
        fee_rate=Decimal("7"),
        start_date=date(2025, 1, 1),
        payout_iban="fr76 3000 6000 0112 3456 7890 189",
    )
    assert mandate.payout_iban == "FR7630006000011234567890189"
    lease = make_lease(manager, world.own_household, dwelling, kind=LeaseKind.MANDATE, mandate_id=mandate.pk)
    assert lease.landlord == owner


def test_an_f_or_g_dwelling_is_not_relet_above_the_previous_rent(world, manager):
    dwelling = make_dwelling(world.organisation, energy_class="F")
    first = make_lease(manager, world.own_household, dwelling, start=date(2025, 1, 1), end_date=date(2025, 12, 31))
    assert first.rent == Decimal("500.00")
    with pytest.raises(ValidationError) as excinfo:
        make_lease(manager, world.other_team_household, dwelling, start=date(2026, 1, 1), rent="510.00")
    assert "rent" in excinfo.value.error_dict
    assert make_lease(manager, world.other_team_household, dwelling, start=date(2026, 1, 1), rent="500.00")


@pytest.mark.parametrize("role", ["social_worker", "accountant", "technician", "volunteer", "team_lead"])
def test_only_managers_prepare_leases(world, role):
    with pytest.raises(PermissionDenied):
        make_lease(world.users[role], world.own_household, make_dwelling(world.organisation))


def test_a_dwelling_or_household_of_another_organisation_is_refused(world, manager):
    foreign = make_dwelling(world.other_organisation)
    with pytest.raises(ValidationError) as excinfo:
        make_lease(manager, world.own_household, foreign)
    assert "dwelling" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        make_lease(manager, world.other_org_household)
    assert "household" in excinfo.value.error_dict


# --- transitions ----------------------------------------------------------------------------------------------


def test_the_transition_table_holds(world, manager):
    lease = make_lease(manager, world.own_household)
    with pytest.raises(ValidationError):
        services.lease_end(actor=manager, lease_id=lease.pk, end_date=date(2025, 6, 1))  # draft → ended
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.lease_cancel(actor=manager, lease_id=lease.pk, on_date=date(2025, 3, 2))  # signed → cancelled
    services.lease_end(
        actor=manager,
        lease_id=lease.pk,
        end_date=date(2026, 2, 28),
        notice_given_on=date(2025, 11, 20),
        moved_out_on=date(2026, 2, 28),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2026, 3, 1))
    assert "terminé" in _errors(excinfo)
    lease.refresh_from_db()
    assert (lease.status, lease.end_date, lease.notice_given_on) == ("ended", date(2026, 2, 28), date(2025, 11, 20))


def test_another_organisation_cannot_touch_a_lease(world, manager):
    lease = make_lease(manager, world.own_household)
    foreign_manager = type(manager).objects.create(
        username="b.manager", organisation=world.other_organisation, role="rental_manager"
    )
    with pytest.raises(Lease.DoesNotExist):
        services.lease_sign(actor=foreign_manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    assert Lease.objects.get(pk=lease.pk).status == LeaseStatus.DRAFT


# --- sliding lease ----------------------------------------------------------------------------------------------


def test_a_signed_sliding_lease_opens_its_first_review_period(world, manager):
    lease = make_sliding_sublease(manager, world.own_household, start=date(2025, 3, 1))
    lease.refresh_from_db()
    assert lease.review_period_end == date(2025, 8, 31)  # six months by default
    reminders = dict(queries.sliding_reminders(manager, date(2025, 6, 1)))
    assert reminders[lease] == date(2025, 6, 30)  # the landlord is told two months before the period ends


def test_a_review_that_extends_opens_a_new_period(world, manager):
    lease = make_sliding_sublease(manager, world.own_household, start=date(2025, 3, 1))
    worker = world.users["social_worker"]
    review = services.sliding_review_record(
        actor=worker,
        lease_id=lease.pk,
        held_on=date(2025, 8, 20),
        worker_opinion=Opinion.RESERVED,
        landlord_opinion=Opinion.FAVOURABLE,
        decision=ReviewDecision.EXTEND,
        worker_comment="Budget encore fragile.",
    )
    lease.refresh_from_db()
    assert review.next_period_end == lease.review_period_end == date(2026, 2, 28)


def test_a_social_worker_of_another_team_cannot_review(world, manager):
    lease = make_sliding_sublease(manager, world.own_household)
    colleague = type(manager).objects.get(username="a.colleague")
    with pytest.raises(Lease.DoesNotExist):
        services.sliding_review_record(
            actor=colleague,
            lease_id=lease.pk,
            held_on=date(2025, 8, 20),
            worker_opinion=Opinion.FAVOURABLE,
            landlord_opinion=Opinion.FAVOURABLE,
            decision=ReviewDecision.SLIDE,
        )
    assert not SlidingReview.objects.exists()


def test_the_slide_ends_the_sublease_and_the_head_lease_and_opens_a_direct_lease(world, manager):
    lease = make_sliding_sublease(manager, world.own_household, start=date(2025, 3, 1), rent="550.00")
    with pytest.raises(ValidationError) as excinfo:
        services.lease_slide(actor=manager, lease_id=lease.pk, on_date=date(2026, 3, 1))
    assert "bilan" in _errors(excinfo)
    services.sliding_review_record(
        actor=manager,
        lease_id=lease.pk,
        held_on=date(2026, 2, 1),
        worker_opinion=Opinion.FAVOURABLE,
        landlord_opinion=Opinion.FAVOURABLE,
        decision=ReviewDecision.SLIDE,
    )
    direct = services.lease_slide(actor=manager, lease_id=lease.pk, on_date=date(2026, 3, 1))
    lease.refresh_from_db()
    head = HeadLease.objects.get(pk=lease.head_lease_id)
    assert (lease.status, lease.end_date) == (LeaseStatus.SLID, date(2026, 2, 28))
    assert (head.ended_on, head.end_date) == (date(2026, 2, 28), date(2026, 2, 28))
    assert direct.kind == LeaseKind.DIRECT and direct.status == LeaseStatus.SIGNED
    assert direct.landlord_id == head.owner_id and direct.slid_from == lease
    assert (direct.rent, direct.charges, direct.deposit) == (lease.rent, lease.charges, lease.deposit)
    assert direct.revision_anchor == date(2025, 3, 1) and direct.start_date == date(2026, 3, 1)
    actions = set(AuditEvent.objects.filter(household_id=world.own_household.pk).values_list("action", flat=True))
    assert {"lease.slid", "lease.slide", "sliding_review.record"} <= actions
    with pytest.raises(ValidationError):
        services.lease_slide(actor=manager, lease_id=lease.pk, on_date=date(2026, 4, 1))


def _ready_to_slide(world, manager, *, energy_class, start):
    lease = make_sliding_sublease(manager, world.own_household, start=start, energy_class=energy_class)
    services.sliding_review_record(
        actor=manager,
        lease_id=lease.pk,
        held_on=start,
        worker_opinion=Opinion.FAVOURABLE,
        landlord_opinion=Opinion.FAVOURABLE,
        decision=ReviewDecision.SLIDE,
    )
    return lease


def _refused_slide(manager, lease, on_date) -> str:
    with pytest.raises(ValidationError) as excinfo:
        services.lease_slide(actor=manager, lease_id=lease.pk, on_date=on_date)
    lease.refresh_from_db()
    assert lease.status == LeaseStatus.SIGNED and lease.end_date is None  # nothing changed
    assert HeadLease.objects.get(pk=lease.head_lease_id).ended_on is None
    assert not Lease.objects.filter(slid_from=lease).exists()
    return _errors(excinfo)


@pytest.mark.parametrize(
    ("on_date", "refused"),
    [
        (date(2027, 12, 31), False),
        # F is indecent from 1 January 2028 in the legal-parameter table (R61), so also on 1 February 2028
        (date(2028, 1, 1), True),
        (date(2028, 1, 31), True),
        (date(2028, 2, 1), True),
    ],
)
def test_an_f_dwelling_slides_only_while_it_is_decent(world, manager, on_date, refused):
    lease = _ready_to_slide(world, manager, energy_class="F", start=date(2025, 6, 1))
    if not refused:
        direct = services.lease_slide(actor=manager, lease_id=lease.pk, on_date=on_date)
        assert direct.start_date == on_date and direct.kind == LeaseKind.DIRECT
        return
    message = _refused_slide(manager, lease, on_date)
    assert message == (
        f"Un logement de classe F n'est pas décent au {on_date:%d/%m/%Y} : il ne peut pas être loué "
        "(loi du 6 juillet 1989, art. 6)."
    )


@pytest.mark.parametrize("on_date", [date(2025, 1, 1), date(2025, 3, 1), date(2026, 3, 1)])
def test_a_g_dwelling_never_slides_from_2025(world, manager, on_date):
    lease = _ready_to_slide(world, manager, energy_class="G", start=date(2024, 3, 1))
    message = _refused_slide(manager, lease, on_date)
    assert message == (
        f"Un logement de classe G n'est pas décent au {on_date:%d/%m/%Y} : il ne peut pas être loué "
        "(loi du 6 juillet 1989, art. 6)."
    )


def test_the_slide_refusal_is_the_letting_refusal(world, manager):
    # The same words as when a lease of the dwelling is prepared on that date
    lease = _ready_to_slide(world, manager, energy_class="G", start=date(2024, 3, 1))
    slide_message = _refused_slide(manager, lease, date(2025, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        make_lease(manager, world.other_team_household, lease.dwelling, start=date(2025, 1, 1))
    assert _errors(excinfo) == slide_message


# --- which leases the association bills ------------------------------------------------------------------------


def test_the_association_bills_its_leases_but_not_a_slid_lease_unless_a_mandate_covers_it(world, manager):
    # Given a signed direct lease (the association is the landlord), a draft one, a signed mandate lease and a
    # sliding sublease that slides on 1 March 2026 into a direct lease between the owner and the household
    own = make_lease(manager, world.other_team_household, start=date(2025, 3, 1))
    services.lease_sign(actor=manager, lease_id=own.pk, signed_on=own.start_date)
    draft = make_lease(manager, world.other_team_household, start=date(2025, 3, 1))
    mandated_dwelling = make_dwelling(world.organisation)
    mandate = services.mandate_create(
        actor=manager,
        owner_id=mandated_dwelling.owner_id,
        dwelling_id=mandated_dwelling.pk,
        fee_rate=Decimal("7.00"),
        start_date=date(2025, 1, 1),
        payout_iban="FR7630006000011234567890189",
    )
    managed = make_lease(
        manager, world.other_team_household, mandated_dwelling, kind=LeaseKind.MANDATE, mandate_id=mandate.pk
    )
    services.lease_sign(actor=manager, lease_id=managed.pk, signed_on=managed.start_date)
    sublease = _ready_to_slide(world, manager, energy_class="C", start=date(2025, 3, 1))
    billed = set(queries.leases_billed_by_association(on=date(2026, 2, 1)).values_list("pk", flat=True))
    assert billed == {own.pk, managed.pk, sublease.pk}
    assert draft.pk not in billed
    # When it slides: the owner bills the household, not the association
    direct = services.lease_slide(actor=manager, lease_id=sublease.pk, on_date=date(2026, 3, 1))
    billed = set(queries.leases_billed_by_association(on=date(2026, 3, 1)).values_list("pk", flat=True))
    assert billed == {own.pk, managed.pk}
    # Unless the owner gives the association a management mandate on the dwelling, from its start to its end
    services.mandate_create(
        actor=manager,
        owner_id=direct.landlord_id,
        dwelling_id=direct.dwelling_id,
        fee_rate=Decimal("6.00"),
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
        payout_iban="FR7630006000011234567890189",
    )
    assert direct.pk not in set(queries.leases_billed_by_association(on=date(2026, 3, 31)).values_list("pk", flat=True))
    assert direct.pk in set(queries.leases_billed_by_association(on=date(2026, 4, 1)).values_list("pk", flat=True))
    assert direct.pk in set(queries.leases_billed_by_association(on=date(2027, 3, 31)).values_list("pk", flat=True))
    assert direct.pk not in set(queries.leases_billed_by_association(on=date(2027, 4, 1)).values_list("pk", flat=True))


def test_the_billed_leases_can_be_narrowed_to_what_a_user_sees(world, manager):
    mine = make_lease(manager, world.own_household)
    theirs = make_lease(manager, world.other_team_household)
    for lease in (mine, theirs):
        services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    assert set(queries.leases_billed_by_association(on=date(2026, 1, 1))) == {mine, theirs}
    worker = world.users["social_worker"]  # sees the households of their team only
    assert list(queries.leases_billed_by_association(queries.leases_visible_to(worker), on=date(2026, 1, 1))) == [mine]
    assert not queries.leases_billed_by_association(queries.leases_visible_to(world.outsider), on=date(2026, 1, 1))


# --- yearly revision ------------------------------------------------------------------------------------------


def test_the_revision_batch_computes_skips_and_applies(world, manager):
    # Given three leases with a February anniversary: a C dwelling, a G dwelling (frozen) and one whose
    # revision date is more than a year old when asked.
    ok = make_lease(manager, world.own_household, start=date(2025, 2, 1), rent="1000.00", irl_quarter=4)
    frozen_dwelling = make_dwelling(world.organisation, energy_class="G")
    frozen = make_lease(manager, world.other_team_household, frozen_dwelling, start=date(2024, 2, 1), irl_quarter=4)
    for lease in (ok, frozen):
        services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    # When the manager opens February 2026 on 10 February 2026
    lines = {line.lease.pk: line for line in queries.revision_batch(manager, date(2026, 2, 1), date(2026, 2, 10))}
    # Then the C lease is revised with the R11 test vector and the G lease is skipped with its reason
    assert lines[ok.pk].new_rent == Decimal("1007.88")
    assert lines[ok.pk].base.value == Decimal("144.64") and lines[ok.pk].new.value == Decimal("145.78")
    assert not lines[frozen.pk].applicable and "gelé" in lines[frozen.pk].skip_reason
    with pytest.raises(ValidationError):
        services.rent_revisions_apply(
            actor=manager, month=date(2026, 2, 1), lease_ids=[frozen.pk], today=date(2026, 2, 10)
        )
    assert not RentRevision.objects.exists()
    [revision] = services.rent_revisions_apply(
        actor=manager, month=date(2026, 2, 1), lease_ids=[ok.pk], today=date(2026, 2, 10)
    )
    ok.refresh_from_db()
    assert (ok.rent, ok.irl_base_year) == (Decimal("1007.88"), 2025)
    assert revision.effective_date == date(2026, 2, 10)  # asked after the revision date: no retroactivity
    assert revision.old_rent == Decimal("1000.00")
    # And it is not offered again for that month
    assert ok.pk not in {line.lease.pk for line in queries.revision_batch(manager, date(2026, 2, 1), date(2026, 2, 10))}


def test_a_revision_asked_more_than_a_year_late_is_skipped(world, manager):
    lease = make_lease(manager, world.own_household, start=date(2024, 2, 1), irl_quarter=4)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    [line] = queries.revision_batch(manager, date(2025, 2, 1), date(2026, 2, 10))
    assert not line.applicable and "renoncé" in line.skip_reason


def test_a_missing_index_is_named(world, manager):
    lease = make_lease(manager, world.own_household, start=date(2025, 5, 1), irl_quarter=1)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    [line] = queries.revision_batch(manager, date(2026, 5, 1), date(2026, 5, 2))
    assert line.skip_code == queries.SKIP_INDEX_MISSING  # Q1 2026 is not in the table yet
    assert line.missing == (queries.MissingIndex(2026, 1, "metropole"),)
    assert line.skip_reason == "Indice IRL du 1er trimestre 2026 (Métropole) non saisi : la révision attend l'indice."
    services.irl_add(actor=manager, year=2026, quarter=1, zone="metropole", value=Decimal("146.10"))
    [line] = queries.revision_batch(manager, date(2026, 5, 1), date(2026, 5, 2))
    assert line.applicable and line.new_rent == Decimal("502.17")  # 500 × 146.10 / 145.47 = 502.165


def test_a_corsican_lease_is_revised_with_the_corsican_series(world, manager):
    # Given a C dwelling in Corsica let from 1 March 2024 at 620.00, reference Q4 (base Q4 2023)
    dwelling = make_dwelling(world.organisation, territory="corse", postal_code="20000", city="Ajaccio")
    lease = make_lease(manager, world.own_household, dwelling, start=date(2024, 3, 1), rent="620.00", irl_quarter=4)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    # When the March 2025 revision is computed on 10 March 2025
    [line] = queries.revision_batch(manager, date(2025, 3, 1), date(2025, 3, 10))
    # Then the Corse indices are used: 620.00 × 140.48 / 137.97 = 631.2792… → 631.28
    assert (line.base.zone, line.base.year, line.base.value) == ("corse", 2023, Decimal("137.97"))
    assert (line.new.zone, line.new.year, line.new.value) == ("corse", 2024, Decimal("140.48"))
    assert line.new_rent == Decimal("631.28")  # the mainland series would give 631.26
    [revision] = services.rent_revisions_apply(
        actor=manager, month=date(2025, 3, 1), lease_ids=[lease.pk], today=date(2025, 3, 10)
    )
    assert (revision.old_rent, revision.new_rent) == (Decimal("620.00"), Decimal("631.28"))


def test_a_revision_waiting_for_an_index_stays_a_to_do_until_it_is_entered(world, manager):
    # Given a Corsican lease of 1 December 2025, reference Q3: its first revision, on 1 December 2026, needs
    # Q3 2025 (in the table) and Q3 2026 (published mid-October 2026, not entered)
    dwelling = make_dwelling(world.organisation, territory="corse", postal_code="20200", city="Bastia")
    lease = make_lease(manager, world.own_household, dwelling, start=date(2025, 12, 1), rent="500.00", irl_quarter=3)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    today = date(2026, 12, 4)
    # Then the batch of December 2026 names the missing index, and the to-do lists it
    [line] = queries.revision_batch(manager, date(2026, 12, 1), today)
    assert line.skip_reason == "Indice IRL du 3e trimestre 2026 (Corse) non saisi : la révision attend l'indice."
    assert [w.lease for w in queries.revisions_waiting_for_index(manager, today)] == [lease]
    [(index, lines)] = queries.indices_awaited(manager, today)
    assert index == queries.MissingIndex(2026, 3, "corse") and [w.lease for w in lines] == [lease]
    with pytest.raises(ValidationError) as excinfo:
        services.rent_revisions_apply(actor=manager, month=date(2026, 12, 1), lease_ids=[lease.pk], today=today)
    assert "3e trimestre 2026 (Corse) non saisi" in _errors(excinfo)
    # And it stays on the to-do while the revision can still be claimed (a year), not after: on 2 December 2027
    # only the 2027 revision waits (for Q3 2026 and Q3 2027)
    [waiting] = queries.revisions_waiting_for_index(manager, date(2027, 11, 30))
    assert waiting.revision_date == date(2026, 12, 1)
    [waiting] = queries.revisions_waiting_for_index(manager, date(2027, 12, 2))
    assert waiting.revision_date == date(2027, 12, 1)
    # When the index is entered (a test value, not the published one), the revision can be applied
    with time_machine.travel(today, tick=False):
        services.irl_add(actor=manager, year=2026, quarter=3, zone="corse", value=Decimal("142.00"))
    [line] = queries.revision_batch(manager, date(2026, 12, 1), today)
    assert line.applicable and line.new_rent == Decimal("501.48")  # 500 × 142.00 / 141.58 = 501.483…
    assert queries.revisions_waiting_for_index(manager, today) == []


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_an_irl_quarter_still_running_is_refused(world, manager):
    with pytest.raises(ValidationError) as excinfo:
        services.irl_add(actor=manager, year=2026, quarter=4, zone="corse", value=Decimal("142.10"))
    assert _errors(excinfo) == "Le 4e trimestre 2026 n'est pas terminé : son indice n'est pas encore publié."
    assert not RentIndex.objects.filter(year=2026, quarter=4).exists()


def test_an_irl_quarter_is_added_once(world, manager):
    with pytest.raises(ValidationError):
        services.irl_add(actor=manager, year=2025, quarter=4, zone="metropole", value=Decimal("145.78"))
    with pytest.raises(PermissionDenied):
        services.irl_add(actor=world.users["social_worker"], year=2026, quarter=1, zone="metropole", value=1)
    assert RentIndex.objects.filter(year=2026).count() == 0


def test_the_rules_read_the_legal_parameters_an_administrator_changed(world, manager):
    # Given the deposit cap of unfurnished dwellings raised to two months in the table
    LegalParameter.objects.filter(key="deposit_max_months_unfurnished", territory="metropole").update(value="2")
    dwelling = make_dwelling(world.organisation)
    # Then a deposit of two months is accepted
    assert make_lease(manager, world.own_household, dwelling, rent="500.00", deposit=Decimal("1000.00"))


def test_an_emphyteutic_lease_has_an_end_and_is_warned_a_year_ahead(world, manager):
    town = make_owner(world.organisation, kind=OwnerKind.TOWN, name="Ville")
    from habiter.housing.models import Building

    building = Building.objects.create(
        organisation=world.organisation, name="Résidence", address="1 place", postal_code="13001", city="Marseille"
    )
    with pytest.raises(ValidationError):
        services.head_lease_create(
            actor=manager,
            kind=HeadLeaseKind.LONG_LEASE,
            owner_id=town.pk,
            building_id=building.pk,
            surface=Decimal("500"),
            rent=Decimal("1"),
            start_date=date(2000, 1, 1),
        )
    head = services.head_lease_create(
        actor=manager,
        kind=HeadLeaseKind.LONG_LEASE,
        owner_id=town.pk,
        building_id=building.pk,
        surface=Decimal("500"),
        rent=Decimal("1"),
        start_date=date(2000, 1, 1),
        end_date=date(2027, 6, 30),
    )
    assert queries.emphyteutic_ending(manager, date(2026, 6, 30)) == [head]
    assert queries.emphyteutic_ending(manager, date(2026, 6, 29)) == []


def test_a_revision_skipped_one_year_is_not_caught_up_the_next(world, manager):
    # Given a lease of November 2024 (reference Q4, base Q4 2023) never revised in November 2025
    lease = make_lease(manager, world.own_household, start=date(2024, 11, 3), rent="378.00", irl_quarter=4)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    # When the November 2026 revision is computed
    [line] = queries.revision_batch(manager, date(2026, 11, 1), date(2026, 11, 22))
    # Then it uses the last published Q4 (2025) against the one a year before (2024), not 2024 against 2023, nor
    # the lease's stored reference Q4 2023: the 2025 revision is waived (R12), not caught up
    assert lease.irl_base_year == 2023
    assert (line.base.year, line.new.year) == (2024, 2025)
    # 378 × 145.78 / 144.64 = 380.979… → 380.98 (from Q4 2023: 378 × 145.78 / 142.06 = 387.898… → 387.90)
    assert line.new_rent == Decimal("380.98")


def test_the_rent_runs_to_the_end_of_the_tenants_notice(world, manager):
    # Notice received on 15/03/2027, not reduced: 3 months, the rent is owed to 15/06/2027 even though the keys
    # were handed back on 30/04/2027.
    lease = make_lease(manager, world.own_household)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.lease_end(
            actor=manager,
            lease_id=lease.pk,
            end_date=date(2027, 4, 30),
            notice_given_on=date(2027, 3, 15),
            moved_out_on=date(2027, 4, 30),
        )
    assert "court jusqu'au 15/06/2027" in _errors(excinfo)
    services.lease_end(
        actor=manager, lease_id=lease.pk, notice_given_on=date(2027, 3, 15), moved_out_on=date(2027, 4, 30)
    )
    lease.refresh_from_db()
    assert (lease.end_date, lease.moved_out_on, lease.notice_reduced) == (date(2027, 6, 15), date(2027, 4, 30), False)


def test_a_reduced_notice_ends_after_a_month_and_a_reletting_ends_it_earlier(world, manager):
    lease = make_lease(manager, world.own_household)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    services.lease_end(
        actor=manager,
        lease_id=lease.pk,
        notice_given_on=date(2027, 3, 15),
        notice_reduced=True,
        moved_out_on=date(2027, 3, 31),
        relet_on=date(2027, 4, 10),
    )
    lease.refresh_from_db()
    # 1 month: to 15/04/2027; the new tenant came in on 10/04/2027, so the rent stops on 09/04/2027
    assert (lease.end_date, lease.notice_reduced, lease.relet_on) == (date(2027, 4, 9), True, date(2027, 4, 10))


def test_without_notice_the_last_day_is_required(world, manager):
    lease = make_lease(manager, world.own_household)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.lease_end(actor=manager, lease_id=lease.pk, moved_out_on=date(2027, 3, 31))
    assert "dernier jour du bail" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.lease_end(actor=manager, lease_id=lease.pk, end_date=date(2027, 3, 31), relet_on=date(2027, 3, 1))
    assert "suppose un congé" in _errors(excinfo)


def test_a_contractual_revision_date_replaces_the_anniversary(world, manager):
    # Given a lease from 01/03/2025 at 500.00, reference Q4, whose clause revises the rent every 1 January: its
    # reference index is the last Q4 published on signature, Q4 2024 = 144.64 (Q4 2025 came out mid-January 2026)
    lease = make_lease(
        manager, world.own_household, start=date(2025, 3, 1), rent="500.00", revision_anchor=date(2025, 1, 1)
    )
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    assert lease.irl_base_year == 2024
    # Then nothing falls in March, the anniversary of the lease
    assert queries.revision_batch(manager, date(2026, 3, 1), date(2026, 3, 2)) == []
    # And on 01/01/2026 the last Q4 published is still Q4 2024, the lease's own reference: no rise (the index a
    # year older, Q4 2023, would have charged the 2024 rise to a rent agreed in 2025: 500 × 144.64 / 142.06 = 509.08)
    [line] = queries.revision_batch(manager, date(2026, 1, 1), date(2026, 1, 20))
    assert (line.revision_date, line.skip_code, line.new_rent) == (date(2026, 1, 1), queries.SKIP_NO_NEWER_INDEX, None)
    assert line.skip_reason == (
        "Loyer déjà fixé sur l'IRL du 4e trimestre 2024 : aucun indice plus récent de ce trimestre "
        "n'était publié à la date de révision, pas de hausse."
    )
    assert queries.revisions_waiting_for_index(manager, date(2026, 1, 20)) == []
    with pytest.raises(ValidationError) as excinfo:
        services.rent_revisions_apply(
            actor=manager, month=date(2026, 1, 1), lease_ids=[lease.pk], today=date(2026, 1, 20)
        )
    assert "pas de hausse" in _errors(excinfo) and not RentRevision.objects.exists()
    # When 01/01/2027 comes, Q4 2025 (145.78) is the last Q4 published: 500 × 145.78 / 144.64 = 503.9408… → 503.94
    [line] = queries.revision_batch(manager, date(2027, 1, 1), date(2027, 1, 5))
    assert (line.base.year, line.base.value, line.new.year, line.new.value) == (
        2024,
        Decimal("144.64"),
        2025,
        Decimal("145.78"),
    )
    assert line.new_rent == Decimal("503.94")
    [revision] = services.rent_revisions_apply(
        actor=manager, month=date(2027, 1, 1), lease_ids=[lease.pk], today=date(2027, 1, 5)
    )
    lease.refresh_from_db()
    assert (lease.rent, lease.irl_base_year, revision.effective_date) == (Decimal("503.94"), 2025, date(2027, 1, 5))


def test_the_missing_index_to_do_asks_for_the_leases_reference_quarter(world, manager):
    # Given an overseas lease from 01/03/2025 at 500.00, reference Q4 (Q4 2024, not in the DOM series of the table),
    # revised every 1 January
    dwelling = make_dwelling(world.organisation, territory="dom", postal_code="97400", city="Saint-Denis")
    lease = make_lease(
        manager, world.own_household, dwelling, start=date(2025, 3, 1), rent="500.00", revision_anchor=date(2025, 1, 1)
    )
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    # Then the revision of 01/01/2026 has no newer index and waits for none
    [line] = queries.revision_batch(manager, date(2026, 1, 1), date(2026, 1, 20))
    assert line.skip_code == queries.SKIP_NO_NEWER_INDEX
    assert queries.indices_awaited(manager, date(2026, 1, 20)) == []
    # And the one of 01/01/2027 waits for the lease's base, Q4 2024 DOM, and only for it (Q4 2025 DOM is in the table)
    today = date(2027, 1, 5)
    [line] = queries.revision_batch(manager, date(2027, 1, 1), today)
    assert line.missing == (queries.MissingIndex(2024, 4, "dom"),)
    [(index, lines)] = queries.indices_awaited(manager, today)
    assert index == queries.MissingIndex(2024, 4, "dom") and [w.lease for w in lines] == [lease]
    # When it is entered (a test value, not the published one): 500 × 142.98 / 141.50 = 505.2296… → 505.23
    with time_machine.travel(today, tick=False):
        services.irl_add(actor=manager, year=2024, quarter=4, zone="dom", value=Decimal("141.50"))
    [line] = queries.revision_batch(manager, date(2027, 1, 1), today)
    assert (line.base.year, line.new.year, line.new_rent) == (2024, 2025, Decimal("505.23"))


def test_a_revision_frozen_in_an_f_dwelling_is_not_caught_up_after_the_works(world, manager):
    # Given a lease of an F dwelling from 01/02/2024 at 600.00, reference Q4 (base Q4 2023 = 142.06): its revision of
    # 01/02/2025 is barred (loi 89 art. 17-1 III)
    dwelling = make_dwelling(world.organisation, energy_class="F")
    lease = make_lease(manager, world.own_household, dwelling, start=date(2024, 2, 1), rent="600.00")
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=lease.start_date)
    [line] = queries.revision_batch(manager, date(2025, 2, 1), date(2025, 2, 10))
    assert line.skip_code == queries.SKIP_RENT_FREEZE
    # When the dwelling is renovated to D before the next revision date
    type(dwelling).objects.filter(pk=dwelling.pk).update(energy_class="D")
    [line] = queries.revision_batch(manager, date(2026, 2, 1), date(2026, 2, 10))
    # Then the lease's reference stays Q4 2023, yet the revision takes the change over one year only, Q4 2024 →
    # Q4 2025: 600 × 145.78 / 144.64 = 604.7289… → 604.73 (from Q4 2023 it would be 600 × 145.78 / 142.06 = 615.71)
    lease.refresh_from_db()
    assert lease.irl_base_year == 2023
    assert (line.base.year, line.base.value, line.new.year, line.new.value) == (
        2024,
        Decimal("144.64"),
        2025,
        Decimal("145.78"),
    )
    assert line.new_rent == Decimal("604.73")


@time_machine.travel(date(2026, 1, 10), tick=False)
def test_a_lease_in_its_notice_shows_on_the_rental_manager_home_until_its_last_day(client, world, manager):
    # Given a lease whose tenant gave notice on 20/11/2025: three months, the last day is 20/02/2026
    lease = make_lease(manager, world.own_household)
    services.lease_sign(actor=manager, lease_id=lease.pk, signed_on=date(2025, 3, 1))
    services.lease_end(actor=manager, lease_id=lease.pk, notice_given_on=date(2025, 11, 20))
    lease.refresh_from_db()
    assert lease.end_date == date(2026, 2, 20)
    # Then it is among the leases ending within two months, and on the home page
    assert list(queries.leases_ending(manager, date(2026, 1, 10))) == [lease]
    client.force_login(manager)
    home = client.get("/").content.decode()
    assert "Baux qui se terminent dans les deux mois" in home and "dernier jour le 20 février 2026" in home
    assert "congé reçu" in home
    # Not before the two months, nor after its last day
    assert list(queries.leases_ending(manager, date(2025, 12, 21))) == []
    assert list(queries.leases_ending(manager, date(2026, 2, 21))) == []
