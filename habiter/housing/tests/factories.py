"""Housing rows made through the services, so that checks and audit are exactly as in real use."""

import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from habiter.housing import services

VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"


def make_owner(actor, name="Jean Lambert", **data):
    return services.owner_create(actor=actor, data={"name": name, "kind": "private", **data})


def make_dwelling(actor, reference="MRS-001", *, owner=None, city="Marseille", energy_class="D", **data):
    owner = owner or make_owner(actor, name=f"Propriétaire de {reference}")
    fields = {
        "reference": reference,
        "address": "14 rue d'Italie",
        "postal_code": "13006",
        "city": city,
        "surface": Decimal("38.50"),
        "rooms": 2,
        "energy_class": energy_class,
    }
    return services.dwelling_create(actor=actor, data=fields | data, owner_id=owner.pk)


def make_prospect(actor, dwelling, on_date=date(2026, 1, 5)):
    return services.prospect_create(
        actor=actor, worker_id=actor.pk, on_date=on_date, owner_id=dwelling.owner_id, dwelling_id=dwelling.pk
    )


def make_ticket(actor, dwelling, title="Fuite sous l'évier", **data):
    fields = {"reported_by": "tenant", "reported_on": date(2026, 1, 5), "urgency": "normal"}
    return services.ticket_create(actor=actor, dwelling_id=dwelling.pk, title=title, **(fields | data))


def image_bytes(kind="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def an_image(name="photo.png", kind="PNG"):
    return SimpleUploadedFile(name, image_bytes(kind))


def make_inspection(actor, dwelling, kind="check_in", done_on=date(2026, 1, 5), rooms=None, **data):
    rooms = (
        rooms
        if rooms is not None
        else [{"name": "Séjour", "condition": "good"}, {"name": "Cuisine", "condition": "good"}]
    )
    return services.inspection_record(
        actor=actor, dwelling_id=dwelling.pk, kind=kind, done_on=done_on, rooms=rooms, **data
    )
