"""A database seeded before the State's daily rate became a dated series gets the series without an overlap."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import LegalParameter
from habiter.residences import rules

pytestmark = pytest.mark.django_db

migration = importlib.import_module("habiter.residences.migrations.0008_seed_state_daily_rate")


def test_the_open_2008_row_is_closed_then_the_series_added():
    LegalParameter.objects.filter(key=rules.STATE_DAILY_RATE_KEY).delete()
    for territory in ("metropole", "dom"):
        LegalParameter.objects.create(
            key=rules.STATE_DAILY_RATE_KEY,
            territory=territory,
            value="16",
            valid_from=date(2008, 1, 1),
            status="UNCONFIRMED",
            rule="R73",
        )
    migration.close_then_seed(apps, None)
    params = legal_parameters()  # would raise on overlapping periods
    assert params.decimal(rules.STATE_DAILY_RATE_KEY, date(2020, 12, 31)) == Decimal("16")
    assert params.decimal(rules.STATE_DAILY_RATE_KEY, date(2022, 6, 1)) == Decimal("18")
    assert params.decimal(rules.STATE_DAILY_RATE_KEY, date(2026, 6, 1)) == Decimal("19.50")
    assert params.row(rules.STATE_DAILY_RATE_KEY, date(2026, 6, 1)).status == "UNCONFIRMED"
    migration.close_then_seed(apps, None)  # again: nothing changes
    assert LegalParameter.objects.filter(key=rules.STATE_DAILY_RATE_KEY, territory="metropole").count() == 4
