"""Editing, moving, cancelling appointments, « venu / pas venu », and the households' reminders the day before."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from habiter.core import sms
from habiter.core.models import AuditEvent, User
from habiter.core.versioning import StaleVersion
from habiter.support import appointments as appointment_services
from habiter.support.models import Appointment, AppointmentStatus

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)  # a Tuesday


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(DAY - timedelta(days=7), 9), tick=False):
        yield


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def book(world, *, title="Entretien", start=(10, 0), end=(11, 0), day=DAY, actor=None, worker=None, **kwargs):
    actor = actor or world.users["social_worker"]
    return appointment_services.appointment_book(
        actor=actor,
        worker_id=(worker or actor).pk,
        title=title,
        starts_at=at(day, *start),
        ends_at=at(day, *end),
        household_id=kwargs.pop("household_id", world.own_household.pk),
        **kwargs,
    )


def edit_data(appointment, **changes):
    start, end = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
    data = {
        "worker": appointment.worker_id,
        "title": appointment.title,
        "day": start.date().isoformat(),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "place": appointment.place,
        "version": appointment.version,
    }
    data.update(changes)
    return data


def colleague():
    return User.objects.get(username="a.colleague")  # a social worker of the other team


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("social_worker", True),  # the worker
        ("receptionist", True),  # who booked it (below)
        ("team_lead", True),  # the worker's team lead
        ("director", True),
        ("colleague", False),  # a social worker of the other team
        ("volunteer", False),
    ],
)
def test_who_may_change_an_appointment(client, world, who, allowed):
    appointment = book(world, actor=world.users["receptionist"], worker=world.users["social_worker"])
    user = colleague() if who == "colleague" else world.users[who]
    client.force_login(user)
    expected = 200 if allowed else 404
    assert client.get(reverse("support:appointment_edit", args=[appointment.pk])).status_code == expected
    assert client.get(reverse("support:appointment_cancel", args=[appointment.pk])).status_code == expected
    moved = client.post(
        reverse("support:appointment_edit", args=[appointment.pk]), edit_data(appointment, start="14:00", end="15:00")
    )
    assert moved.status_code == (302 if allowed else 404)
    appointment.refresh_from_db()
    assert (timezone.localtime(appointment.starts_at).hour == 14) is allowed


def test_the_household_referent_may_change_it(world):
    appointment = book(world)
    referent = colleague()  # of the other team: only as the referent
    assert not appointment_services.appointment_may_change(referent, appointment)
    household = world.own_household
    household.referent = referent
    household.save()
    appointment.refresh_from_db()
    assert appointment_services.appointment_may_change(referent, appointment)
    outsider = world.outsider
    assert not appointment_services.appointment_may_change(outsider, appointment)
    with pytest.raises(Appointment.DoesNotExist):
        appointment_services.appointment_cancel(actor=outsider, appointment_id=appointment.pk, reason="x")


def test_moving_keeps_the_no_overlap_rule_and_is_audited(client, world):
    book(world, title="Visite CAF", start=(14, 0), end=(15, 0))
    appointment = book(world)
    client.force_login(world.users["social_worker"])
    url = reverse("support:appointment_edit", args=[appointment.pk])
    page = client.get(url).content.decode()
    assert 'value="Entretien"' in page and 'value="10:00"' in page  # prefilled
    clash = client.post(url, edit_data(appointment, start="14:30", end="15:30"))
    assert clash.status_code == 200 and "a déjà « Visite CAF »" in clash.content.decode()
    # Its own slot does not count: moving by a quarter of an hour is fine.
    assert client.post(url, edit_data(appointment, start="10:15", end="11:15")).status_code == 302
    appointment.refresh_from_db()
    assert appointment.version == 2 and timezone.localtime(appointment.starts_at).minute == 15
    assert AuditEvent.objects.filter(action="appointment.update", object_id=str(appointment.pk)).count() == 1


def test_a_stale_version_is_refused_in_french(client, world):
    appointment = book(world)
    seen = edit_data(appointment, title="Point budget")
    appointment_services.appointment_update(
        actor=world.users["director"],
        appointment_id=appointment.pk,
        worker_id=appointment.worker_id,
        title="Changé par la direction",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        expected_version=appointment.version,
    )
    client.force_login(world.users["social_worker"])
    response = client.post(reverse("support:appointment_edit", args=[appointment.pk]), seen)
    assert response.status_code == 200
    assert "pendant votre saisie" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.title == "Changé par la direction" and appointment.version == 2
    with pytest.raises(StaleVersion):
        appointment_services.appointment_cancel(
            actor=world.users["social_worker"], appointment_id=appointment.pk, reason="x", expected_version=1
        )


def test_cancelling_needs_a_reason_confirms_frees_the_slot_and_tells_the_others(client, world):
    worker = world.users["social_worker"]
    worker.email = "s.worker@example.org"
    worker.save()
    household = world.own_household
    household.email = "famille@example.org"
    household.save()
    appointment = book(world, title="Visite CAF")
    client.force_login(world.users["team_lead"])
    url = reverse("support:appointment_cancel", args=[appointment.pk])
    missing = client.post(url, {"reason": " ", "version": appointment.version})
    assert "Indiquez le motif de l&#x27;annulation" in missing.content.decode()
    confirm = client.post(url, {"reason": "Maladie", "version": appointment.version})
    assert confirm.status_code == 200 and 'name="confirmed" value="1"' in confirm.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PLANNED and not mail.outbox  # nothing written yet
    done = client.post(url, {"reason": "Maladie", "version": appointment.version, "confirmed": "1"})
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancel_reason == "Maladie"
    assert appointment.cancelled_by == world.users["team_lead"]
    assert sorted(m.to[0] for m in mail.outbox) == ["famille@example.org", "s.worker@example.org"]
    assert all("Maladie" in m.body for m in mail.outbox)
    assert AuditEvent.objects.filter(action="appointment.cancel", object_id=str(appointment.pk)).exists()
    # The slot is free; the cancelled one stays visible, struck through, in the calendar and on the timeline.
    book(world, title="Autre rendez-vous")
    client.force_login(worker)
    week = client.get(reverse("support:calendar"), {"semaine": DAY.isoformat()}).content.decode()
    assert "<del>" in week and "Visite CAF" in week and "Autre rendez-vous" in week
    page = client.get(reverse("people:household_detail", args=[household.pk])).content.decode()
    assert "Rendez-vous annulé : Visite CAF" in page and "Motif : Maladie" in page
    with time_machine.travel(at(DAY, 8), tick=False):  # the home page's appointments of the day
        client.force_login(worker)
        home = client.get(reverse("core:home")).content.decode()
    assert "<del>10:00 — Visite CAF</del>" in home
    with pytest.raises(ValidationError, match="ne peut plus être annulé"):
        appointment_services.appointment_cancel(actor=worker, appointment_id=appointment.pk, reason="encore")


def test_the_worker_cancelling_is_not_told_by_mail(world):
    worker = world.users["social_worker"]
    worker.email = "s.worker@example.org"
    worker.save()
    appointment = book(world)
    appointment_services.appointment_cancel(actor=worker, appointment_id=appointment.pk, reason="Congé")
    assert mail.outbox == []  # the household has no address, the worker cancelled


def test_attendance_only_once_started(client, world):
    appointment = book(world)
    client.force_login(world.users["social_worker"])
    url = reverse("support:appointment_attendance", args=[appointment.pk])
    early = client.post(url, {"attended": "1", "version": appointment.version}, follow=True)
    assert "n&#x27;a pas encore commencé" in early.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PLANNED
    with time_machine.travel(at(DAY, 10, 5), tick=False):
        client.force_login(world.users["social_worker"])  # a week later: a new session
        response = client.post(url, {"attended": "0", "version": appointment.version})
        assert response.status_code == 302 and response["Location"].startswith(reverse("support:calendar"))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.MISSED
    assert AuditEvent.objects.filter(action="appointment.attendance", object_id=str(appointment.pk)).exists()
    client.force_login(world.users["volunteer"])
    assert client.post(url, {"attended": "1", "version": appointment.version}).status_code == 404


def test_household_reminders_the_day_before_once_and_sms_only_with_consent(world):
    household = world.own_household
    household.email = "famille@example.org"
    household.phone = "06 12 34 56 78"
    household.save()
    appointment = book(world, title="Visite CAF", place="Permanence")
    cancelled = book(world, title="Annulé", start=(15, 0), end=(16, 0))
    appointment_services.appointment_cancel(actor=world.users["social_worker"], appointment_id=cancelled.pk, reason="x")
    mail.outbox.clear()
    with time_machine.travel(at(DAY - timedelta(days=2), 7), tick=False):
        assert appointment_services.household_reminders_send(day=timezone.localdate()) == 0  # two days before: nothing
    with time_machine.travel(at(DAY - timedelta(days=1), 7), tick=False):
        assert appointment_services.household_reminders_send(day=timezone.localdate()) == 1
        assert appointment_services.household_reminders_send(day=timezone.localdate()) == 0  # once
    assert [m.to for m in mail.outbox] == [["famille@example.org"]]
    assert "10:00" in mail.outbox[0].body and "Permanence" in mail.outbox[0].body
    assert sms.outbox == []  # a phone number but no consent
    appointment.refresh_from_db()
    assert appointment.household_reminder_sent_at is not None

    household.sms_consent = True
    household.email = ""
    household.save()
    other = book(world, title="Bilan", day=DAY + timedelta(days=1))
    with time_machine.travel(at(DAY, 7), tick=False):
        assert appointment_services.household_reminders_send(day=timezone.localdate()) == 1
    assert sms.outbox == [("06 12 34 56 78", sms.outbox[0][1])] and "10:00" in sms.outbox[0][1]
    other.refresh_from_db()
    assert other.household_reminder_sent_at is not None


def test_the_sms_consent_is_recorded_on_the_household_form(client, world):
    household = world.own_household
    client.force_login(world.users["social_worker"])
    url = reverse("people:household_edit", args=[household.pk])
    assert "Accepte les rappels par SMS" in client.get(url).content.decode()
    data = {
        "name": household.name,
        "address": household.address,
        "postal_code": household.postal_code,
        "city": household.city,
        "phone": "06 12 34 56 78",
        "email": household.email,
        "sms_consent": "on",
        "version": household.version,
        "referent": household.referent_id,
    }
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.sms_consent is True
    assert AuditEvent.objects.filter(action="household.update", object_id=str(household.pk)).exists()


def test_the_desk_sees_who_is_expected_today_but_never_why(client, world, django_assert_max_num_queries):
    """Issue 15: the receptionist's and the volunteers' home list today's visits — time, household, worker —
    without the object of the appointment; cancelled ones and other organisations' are not listed."""
    expected = book(world, title="Dossier FSL et dettes", start=(9, 30), end=(10, 0), place="Bureau 2")
    book(world, title="Annulé", start=(14, 0), end=(15, 0))
    appointment_services.appointment_cancel(
        actor=world.users["social_worker"],
        appointment_id=Appointment.objects.get(title="Annulé").pk,
        reason="Empêchement",
    )
    book(world, title="Autre jour", day=DAY + timedelta(days=1))
    book(world, title="Ailleurs", actor=world.outsider, household_id=world.other_org_household.pk)
    with time_machine.travel(at(DAY, 8), tick=False):
        for role in ("receptionist", "volunteer"):
            client.force_login(world.users[role])
            page = client.get(reverse("core:home")).content.decode()
            assert "Rendez-vous attendus aujourd'hui" in page
            assert "09:30" in page and "Lefèvre" in page and "Bureau 2" in page
            assert world.users["social_worker"].get_full_name() in page
            for hidden in ("Dossier FSL", "Annulé", "Autre jour", "Ailleurs", "Martin"):
                assert hidden not in page, (role, hidden)
        client.force_login(world.users["social_worker"])
        assert "Rendez-vous attendus aujourd" not in client.get(reverse("core:home")).content.decode()
        client.force_login(world.users["receptionist"])
        with django_assert_max_num_queries(40) as first:
            client.get(reverse("core:home"))
        for hour in (11, 12, 13):
            book(world, title=f"Suivi {hour}", start=(hour, 0), end=(hour, 30))
        with django_assert_max_num_queries(len(first.captured_queries)):
            client.get(reverse("core:home"))
    assert expected.status == AppointmentStatus.PLANNED
