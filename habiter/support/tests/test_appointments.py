from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from habiter.support import appointments as appointment_services
from habiter.support import rules
from habiter.support.models import Appointment

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def book(world, actor=None, worker=None, start=(10, 0), end=(11, 0), day=None, **kwargs):
    day = day or timezone.localdate() + timedelta(days=1)
    actor = actor or world.users["social_worker"]
    return appointment_services.appointment_book(
        actor=actor,
        worker_id=(worker or actor).pk,
        title=kwargs.pop("title", "Entretien"),
        starts_at=at(day, *start),
        ends_at=at(day, *end),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (((9, 0), (10, 0)), ((10, 0), (11, 0)), False),
        (((9, 0), (10, 30)), ((10, 0), (11, 0)), True),
        (((9, 0), (12, 0)), ((10, 0), (11, 0)), True),
        (((11, 0), (12, 0)), ((10, 0), (11, 0)), False),
    ],
)
def test_overlap_rule(a, b, overlap):
    day = date(2026, 3, 2)
    assert rules.overlaps(at(day, *a[0]), at(day, *a[1]), at(day, *b[0]), at(day, *b[1])) is overlap


def test_an_overlapping_appointment_is_refused_naming_the_other(world):
    book(world, title="Visite CAF")
    with pytest.raises(ValidationError) as error:
        book(world, start=(10, 30), end=(11, 30), title="Autre")
    assert "Visite CAF" in str(error.value) and "de 10:00 à 11:00" in str(error.value)
    book(world, start=(11, 0), end=(12, 0), title="Juste après")  # touching is fine
    assert Appointment.objects.count() == 2


def test_bad_times_and_roles(world):
    with pytest.raises(ValidationError, match="doit suivre son début"):
        book(world, start=(11, 0), end=(10, 0))
    with pytest.raises(PermissionDenied):
        book(world, actor=world.users["volunteer"])
    with pytest.raises(ValidationError, match="Intervenant inconnu"):
        book(world, worker=world.outsider)


def test_reception_books_for_a_worker_and_a_household_found_by_search(world):
    appointment = book(
        world,
        actor=world.users["receptionist"],
        worker=world.users["social_worker"],
        household_id=world.own_household.pk,
    )
    assert appointment.worker == world.users["social_worker"] and appointment.household == world.own_household
    with pytest.raises(ValidationError, match="Ménage inconnu"):
        book(
            world,
            actor=world.users["receptionist"],
            household_id=world.other_org_household.pk,
            start=(14, 0),
            end=(15, 0),
        )


def test_week_view_and_form(client, world):
    worker = world.users["social_worker"]
    client.force_login(worker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("support:appointment_create") + f"?menage={world.own_household.pk}",
        {
            "worker": worker.pk,
            "title": "Point budget",
            "day": tomorrow.isoformat(),
            "start": "14:00",
            "end": "15:00",
            "household": world.own_household.pk,
        },
    )
    assert response.status_code == 302
    week = client.get(response["Location"]).content.decode()
    assert "Point budget" in week and "14:00–15:00" in week
    clash = client.post(
        reverse("support:appointment_create"),
        {"worker": worker.pk, "title": "Doublon", "day": tomorrow.isoformat(), "start": "14:30", "end": "16:00"},
    )
    assert "a déjà « Point budget »" in clash.content.decode()
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Rendez-vous : Point budget" in page
    monday = tomorrow - timedelta(days=tomorrow.weekday())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("support:calendar"), {"semaine": monday.isoformat()})
    for hour in (8, 9, 16, 17):
        book(world, actor=worker, start=(hour, 0), end=(hour, 45), day=tomorrow)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("support:calendar"), {"semaine": monday.isoformat()})
    assert len(more) == len(few)


def test_private_calendar_feed_can_be_revoked(client, world):
    worker = world.users["social_worker"]
    book(world, title="Visite; à domicile, étage 2", place="12 rue des Lilas")
    client.force_login(worker)
    page = client.post(reverse("support:calendar_feed")).content.decode()
    address = page.split('<code class="secret">')[1].split("</code>")[0]
    path = address.split("testserver", 1)[1]
    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:Visite\\; à domicile\\, étage 2" in body
    assert "Lefèvre" not in body
    client.force_login(worker)
    client.post(reverse("support:calendar_feed"))  # a new address: the old one stops working
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get("/accompagnement/agenda/nimporte-quoi.ics").status_code == 404


def test_morning_reminders_are_sent_once(world):
    worker = world.users["social_worker"]
    worker.email = "s.martin@example.org"
    worker.save()
    day = timezone.localdate() + timedelta(days=1)
    book(world, title="Visite CAF", day=day)
    book(world, title="Atelier", day=day, start=(14, 0), end=(16, 0))
    call_command("send_appointment_reminders", day=day.isoformat())
    assert len(mail.outbox) == 1
    assert "Visite CAF" in mail.outbox[0].body and "Atelier" in mail.outbox[0].body
    call_command("send_appointment_reminders", day=day.isoformat())
    assert len(mail.outbox) == 1
