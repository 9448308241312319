"""The legal-parameter table in the database: seeded from the CSV, read by the rules, changed only by the
platform's operators through a service that keeps the periods consistent and audits the change."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.core import services
from habiter.core.legal import read_rows
from habiter.core.legal_queries import legal_parameters
from habiter.core.models import AuditEvent, LegalParameter, Role
from habiter.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_every_row_of_the_csv():
    assert LegalParameter.objects.count() == len(read_rows())
    table = legal_parameters()
    assert table.value("decency_worst_class", date(2026, 1, 1)) == "F"
    assert table.value("decency_worst_class", date(2028, 1, 1)) == "E"
    assert table.integer("deposit_max_months_furnished", date(2026, 1, 1)) == 2


def test_every_column_of_a_row_is_read_into_its_own_field():
    """The table is read as plain tuples in `FIELDS`' order, built positionally into `LegalParameterRow`s."""
    from habiter.core.legal_queries import FIELDS

    row = legal_parameters().row("decency_worst_class", date(2026, 1, 1))
    stored = LegalParameter.objects.get(key="decency_worst_class", territory="metropole", valid_from=row.valid_from)
    assert [getattr(row, name) for name in FIELDS] == [getattr(stored, name) for name in FIELDS]
    assert row.status in ("CONFIRMED", "PARTIAL", "UNCONFIRMED") and row.source_url.startswith("http")


def test_an_operator_changes_an_unconfirmed_value_and_it_is_audited(world):
    operator = UserFactory(username="ops", is_superuser=True, is_staff=True, organisation=None, role=Role.DIRECTOR)
    row = LegalParameter.objects.get(key="sliding_review_months", territory="metropole")
    row.value = "4"
    services.legal_parameter_save(actor=operator, parameter=row)
    assert legal_parameters().integer("sliding_review_months", date(2026, 1, 1)) == 4
    event = AuditEvent.objects.get(action="legal_parameter.change")
    assert event.detail == {"key": "sliding_review_months", "territory": "metropole", "value": "4"}


def test_a_new_period_may_not_overlap_an_open_one(world):
    operator = UserFactory(username="ops", is_superuser=True, is_staff=True, organisation=None, role=Role.DIRECTOR)
    overlapping = LegalParameter(
        key="deposit_late_penalty_rate",
        territory="metropole",
        value="0.15",
        valid_from=date(2027, 1, 1),
        status="UNCONFIRMED",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.legal_parameter_save(actor=operator, parameter=overlapping)
    assert "chevauchent" in " ".join(excinfo.value.messages)
    assert not LegalParameter.objects.filter(value="0.15").exists()


def test_a_director_of_an_association_cannot_change_the_law_for_everyone(world):
    row = LegalParameter.objects.get(key="sliding_review_months", territory="metropole")
    row.value = "3"
    with pytest.raises(PermissionDenied):
        services.legal_parameter_save(actor=world.users["director"], parameter=row)
    assert LegalParameter.objects.get(pk=row.pk).value == "6"


def test_the_page_lists_the_parameters_with_their_status_and_source(client, world):
    client.force_login(world.users["rental_manager"])
    page = client.get(reverse("core:legal_parameters")).content.decode()
    assert "Décence : pire classe DPE louable (G interdit)" in page and "À confirmer" in page and "legifrance" in page
    assert "decency_worst_class" not in page and "France métropolitaine (hors Corse)" in page
