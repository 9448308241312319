from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_activity_is_saved_at_most_once_a_minute(client, world, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)
    client.force_login(world.users["director"])
    client.get(reverse("core:home"))
    first = Session.objects.get().expire_date
    time_machine.shift(timedelta(seconds=30))
    client.get(reverse("core:home"))
    assert Session.objects.get().expire_date == first  # no write within the minute
    time_machine.shift(timedelta(seconds=31))
    client.get(reverse("core:home"))
    assert Session.objects.get().expire_date == first + timedelta(seconds=61)
