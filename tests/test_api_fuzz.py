"""Schemathesis against the API's own OpenAPI schema, in process (through the WSGI application), as a director.

For every operation, Hypothesis draws requests the schema allows (positive) and requests it forbids (negative),
some aimed at real rows of the director's organisation (a household, a lease, an owner, a dwelling), others at
random ids. Every answer must be no server error (5xx) and conform to the schema: a documented status, a body that
matches the declared schema for that status (errors: `{"detail": "…"}`), JSON where JSON is declared.

Bounded for CI: MAX_EXAMPLES per operation and generation mode, no deadline, derandomized (the same requests on
every run, so a failure is reproducible), no example database.
"""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from habiter.api import api as habiter_api
from habiter.core import services as core_services
from habiter.ledger.tests.factories import make_signed_lease

# The schema and its answers are the same on both databases (decision record 0041).
pytestmark = [pytest.mark.django_db, pytest.mark.one_pass("sqlite")]


@pytest.fixture
def connection_kept():
    """Django's WSGI handler closes the database connection after a request when it is inside a transaction, as
    the test's is; Django's test client disconnects that handler around each request, and so does this fixture."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


MAX_EXAMPLES = 10
TIME_BUDGET = 120  # seconds for the whole fuzz, a safety net above the bounded number of examples (41 s seen on a
# loaded two-core machine)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_api_answers_every_generated_request_without_error_and_as_documented(world, connection_kept):
    director = world.users["director"]
    lease = make_signed_lease(world.users["rental_manager"], world.own_household)
    real_ids = {
        "household_id": str(world.own_household.pk),
        "lease_id": str(lease.pk),
        "owner_id": str(lease.dwelling.owner_id),
        "dwelling_id": str(lease.dwelling_id),
    }
    headers = {"Authorization": f"Bearer {core_services.api_token_create(actor=director, name='Fuzz')[1]}"}
    schema = schemathesis.openapi.from_dict(habiter_api.get_openapi_schema())
    schema.app = get_wsgi_application()

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(habiter_api.get_openapi_schema()["paths"]) + sum(
        len(methods) - 1 for methods in habiter_api.get_openapi_schema()["paths"].values()
    )
    started = time.monotonic()
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if time.monotonic() - started > TIME_BUDGET:
                pytest.fail(f"the fuzz took more than {TIME_BUDGET} s: lower MAX_EXAMPLES")
            strategy = operation.as_strategy(generation_mode=mode)
            try:
                _fuzz(strategy, st.booleans(), headers, real_ids, operation.label)
            except (
                Exception,
                BaseExceptionGroup,
            ) as error:  # failing checks (Schemathesis groups them): all, then fail
                failures.append(f"{operation.label} ({mode.value}): {error!r}"[:3000])
    assert not failures, "\n\n".join(failures)


def _fuzz(strategy, aim_at_real_rows, headers, real_ids, label):
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, real=aim_at_real_rows)
    def run(case, real):
        if real and case.path_parameters:
            case.path_parameters = {
                **case.path_parameters,
                **{k: real_ids.get(k, v) for k, v in case.path_parameters.items()},
            }
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
