"""What the hostile-input tests and the fuzz share: a director's token and one valid request per write endpoint.

A hostile test takes a valid request and spoils one thing (a field, the query, the body), so that the answer
can only be about what was spoiled.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from habiter.core import services as core_services
from habiter.leases.tests.factories import make_dwelling
from habiter.ledger.tests.factories import make_signed_lease

# The English texts of django-ninja's and Django's defaults: an answer carrying one of them was not translated.
ENGLISH_DEFAULTS = (
    "Not Found",
    "Unauthorized",
    "Forbidden",
    "Too many requests",
    "Method not allowed",
    "Internal Server Error",
    "Bad Request",
    "Payload Too Large",
    "Cannot parse",
)


def assert_french_json_error(response, *statuses):
    """A JSON error with a French `detail`, with one of `statuses` (any 4xx if none is given)."""
    expected = statuses or tuple(range(400, 500))
    assert response.status_code in expected, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    detail = body.get("detail")
    assert isinstance(detail, str) and detail.strip(), body
    assert not any(english in detail for english in ENGLISH_DEFAULTS), detail
    return detail


@dataclass
class Requests:
    """A director's client and, for each write endpoint, a valid request: (method, url, payload)."""

    world: object
    token: str
    client: Client = field(default_factory=Client)
    writes: dict = field(default_factory=dict)

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url, params=None, **extra):
        return self.client.get(url, params or {}, headers=self.headers, **extra)

    def send(self, method, url, body, content_type="application/json", **extra):
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        return self.client.generic(method, url, body, content_type=content_type, headers=self.headers, **extra)

    def post(self, url, payload, **extra):
        return self.send("POST", url, payload, **extra)

    def write(self, request_name, /, **changes):
        """The valid request `request_name`, with `changes` to its payload."""
        method, url, payload = self.writes[request_name]
        return self.send(method, url, {**payload, **changes})


def valid_requests(world) -> Requests:
    director = world.users["director"]
    manager = world.users["rental_manager"]
    lease = make_signed_lease(manager, world.own_household, start=date(2025, 1, 1))
    dwelling = make_dwelling(world.organisation, energy_class="D")
    household = f"/api/v1/households/{world.own_household.pk}"
    today = timezone.localdate()
    soon = today + timedelta(days=3)
    requests = Requests(world=world, token=core_services.api_token_create(actor=director, name="Tests")[1])
    requests.lease = lease
    requests.writes = {
        "household": (
            "POST",
            "/api/v1/households",
            {"name": "Nouveau", "city": "Lyon", "members": [{"first_name": "Alix", "last_name": "Nouveau"}]},
        ),
        "household_patch": ("PATCH", household, {"version": world.own_household.version, "city": "Lyon"}),
        "measure": ("POST", f"{household}/measures", {"programme_code": "asll", "start_date": "2026-01-05"}),
        "intervention": (
            "POST",
            f"{household}/interventions",
            {"kind": "phone", "occurred_on": today.isoformat(), "duration_minutes": 15, "note": "Appel"},
        ),
        "appointment": (
            "POST",
            f"{household}/appointments",
            {"title": "Point", "starts_at": f"{soon}T10:00:00+01:00", "ends_at": f"{soon}T11:00:00+01:00"},
        ),
        "desk_visit": ("POST", "/api/v1/reception/visits", {"topics": ["housing_search"], "postcode": "69001"}),
        "owner": ("POST", "/api/v1/owners", {"name": "Jeanne Propriétaire"}),
        "dwelling": (
            "POST",
            "/api/v1/dwellings",
            {
                "reference": "LYO-9",
                "owner_id": str(lease.dwelling.owner_id),
                "address": "1 rue de la Paix",
                "postal_code": "69001",
                "city": "Lyon",
                "surface": "30.00",
                "rooms": 1,
            },
        ),
        "lease": (
            "POST",
            "/api/v1/leases",
            {
                "kind": "direct",
                "dwelling_id": str(dwelling.pk),
                "household_id": str(world.other_team_household.pk),
                "rent": "400.00",
                "start_date": "2026-01-01",
                "irl_quarter": 4,
            },
        ),
        "rent_call": ("POST", f"/api/v1/leases/{lease.pk}/rent-calls", {"period": "2025-03"}),
        "payment": (
            "POST",
            "/api/v1/payments",
            {"lease_id": str(lease.pk), "amount": "100.00", "received_on": "2025-03-05", "source": "tenant"},
        ),
    }
    return requests
