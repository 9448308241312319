"""Cross-participation: who sits for the association in which partner body (CCAPEX, CRHH, networks), with dates;
the services (rights, checks, audit) and the pages."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.community import partners, queries
from habiter.community.models import Partner, PartnerSeat
from habiter.core.models import AuditEvent
from habiter.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def prefecture(director):
    return partners.partner_create(actor=director, data={"name": "Préfecture des Bouches-du-Rhône", "kind": "state"})


def seat_data(**changes):
    return {"body": "CCAPEX", "role": "titular", "started_on": date(2025, 1, 6), "ended_on": None} | changes


def test_a_director_records_who_sits_where_and_it_is_journaled(world, director, prefecture):
    worker = world.users["social_worker"]
    seat = partners.seat_add(actor=director, partner_id=prefecture.pk, member_id=worker.pk, data=seat_data())
    assert (seat.member, seat.body, seat.started_on, seat.ended_on) == (worker, "CCAPEX", date(2025, 1, 6), None)
    event = AuditEvent.objects.get(action="partner_seat.add")
    assert event.detail == {"body": "CCAPEX", "member": str(worker.pk), "started_on": "2025-01-06"}


def test_only_a_director_records_a_seat_and_only_for_someone_of_the_association(world, director, prefecture):
    worker = world.users["social_worker"]
    with pytest.raises(PermissionDenied):
        partners.seat_add(actor=worker, partner_id=prefecture.pk, member_id=worker.pk, data=seat_data())
    with pytest.raises(ValidationError) as error:
        partners.seat_add(actor=director, partner_id=prefecture.pk, member_id=world.outsider.pk, data=seat_data())
    assert "member" in error.value.message_dict
    with pytest.raises(ValidationError):
        partners.seat_add(
            actor=director,
            partner_id=prefecture.pk,
            member_id=worker.pk,
            data=seat_data(ended_on=date(2025, 1, 5)),  # the day before it starts
        )
    with pytest.raises(ValidationError):
        partners.seat_add(actor=director, partner_id=prefecture.pk, member_id=worker.pk, data=seat_data(body=""))
    outsider_director = UserFactory(organisation=world.other_organisation, role="director")
    with pytest.raises(Partner.DoesNotExist):  # another organisation's partner: not found
        partners.seat_add(actor=outsider_director, partner_id=prefecture.pk, member_id=worker.pk, data=seat_data())
    assert not PartnerSeat.objects.exists()


def test_a_seat_ends_on_its_last_day_and_moves_to_the_past_ones(world, director, prefecture):
    worker = world.users["social_worker"]
    seat = partners.seat_add(actor=director, partner_id=prefecture.pk, member_id=worker.pk, data=seat_data())
    partners.seat_end(actor=director, seat_id=seat.pk, ended_on=date(2026, 6, 30))
    with time_machine.travel(date(2026, 6, 30)):
        assert [s.pk for s in queries.representations(director, date(2026, 6, 30))] == [seat.pk]  # its last day
    assert queries.representations(director, date(2026, 7, 1)) == []
    assert [s.pk for s in queries.representations(director, date(2026, 7, 1), past=True)] == [seat.pk]
    assert queries.representations(director, date(2025, 1, 5)) == []  # not started yet
    with pytest.raises(ValidationError):
        partners.seat_end(actor=director, seat_id=seat.pk, ended_on=date(2026, 7, 31))  # already ended
    assert PartnerSeat.objects.get(pk=seat.pk).ended_on == date(2026, 6, 30)


def test_an_end_before_the_start_is_refused_and_nothing_changes(director, world, prefecture):
    seat = partners.seat_add(
        actor=director, partner_id=prefecture.pk, member_id=world.users["team_lead"].pk, data=seat_data()
    )
    with pytest.raises(ValidationError):
        partners.seat_end(actor=director, seat_id=seat.pk, ended_on=date(2024, 12, 31))
    assert PartnerSeat.objects.get(pk=seat.pk).ended_on is None


def test_the_pages_show_the_seats_and_escape_what_was_typed(client, world, director, prefecture):
    client.force_login(director)
    url = reverse("community:partner_seat_add", args=[prefecture.pk])
    hostile = '<script>alert("x")</script> CRHH'
    response = client.post(
        url,
        {
            "member": str(world.users["social_worker"].pk),
            "body": hostile,
            "role": "substitute",
            "started_on": "06/01/2025",
        },
    )
    assert response.status_code == 302
    seat = PartnerSeat.objects.get()
    assert seat.role == "substitute" and seat.started_on == date(2025, 1, 6)
    page = client.get(reverse("community:partner_detail", args=[prefecture.pk])).content.decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    listing = client.get(reverse("community:representation_list")).content.decode()
    assert "Préfecture des Bouches-du-Rhône" in listing and "Suppléant·e" in listing

    # A date in a wrong format: a French error, nothing saved.
    response = client.post(url, {"member": str(director.pk), "body": "CCAPEX", "role": "titular", "started_on": "hier"})
    assert response.status_code == 200 and PartnerSeat.objects.count() == 1
    assert "date" in response.content.decode().lower()

    end = reverse("community:partner_seat_end", args=[seat.pk])
    assert client.post(end, {"ended_on": "31/12/2026"}).status_code == 302
    assert PartnerSeat.objects.get().ended_on == date(2026, 12, 31)
    assert client.get(end).status_code == 404  # already ended: nothing to end


def test_a_volunteer_sees_no_representation(client, world):
    client.force_login(world.users["volunteer"])
    assert client.get(reverse("community:representation_list")).status_code == 404
