"""Two saves of the same row at the same moment on PostgreSQL: the conditional UPDATE lets one through and refuses
the other, which saves nothing."""

import threading

import pytest
from django.db import connection, connections

from habiter.core.versioning import StaleVersion
from habiter.housing import services
from habiter.housing.models import Owner

from .factories import make_owner

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Concurrence réelle : PostgreSQL seulement."),
]


def test_two_concurrent_saves_from_the_same_version_let_exactly_one_through(world):
    manager, director = world.users["rental_manager"], world.users["director"]
    owner = make_owner(manager, name="Jean Lambert")
    start = threading.Barrier(2)
    outcomes = {}

    def save(actor, name):
        try:
            start.wait()
            services.owner_update(actor=actor, owner_id=owner.pk, data={"name": name}, expected_version=1)
            outcomes[name] = "saved"
        except StaleVersion:
            outcomes[name] = "stale"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=args) for args in ((manager, "Par A"), (director, "Par B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["saved", "stale"]
    saved = next(name for name, outcome in outcomes.items() if outcome == "saved")
    row = Owner.objects.get(pk=owner.pk)
    assert (row.name, row.version) == (saved, 2)
