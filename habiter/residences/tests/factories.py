"""Residence rows made through the services, so that checks and audit are exactly as in real use."""

from datetime import date
from decimal import Decimal

from habiter.residences import services


def make_residence(actor, name="Les Pléiades", *, hosts=(), **data):
    fields = {
        "name": name,
        "kind": "pension_de_famille",
        "address": "12 rue des Pléiades",
        "postal_code": "13003",
        "city": "Marseille",
    }
    return services.residence_create(actor=actor, data=fields | data, host_ids=[h.pk for h in hosts])


def make_place(actor, residence, label="1", **data):
    fields = {"label": label, "kind": "studio", "typology": "T1", "surface": Decimal("21.50")}
    place, _soft_max = services.place_create(actor=actor, residence_id=residence.pk, data=fields | data)
    return place


def make_stay(actor, place, household, entered_on):
    return services.stay_enter(
        actor=actor, place_id=place.pk, resident_id=household.members.first().pk, entered_on=entered_on
    )


def make_house_rules(actor, residence, valid_from=date(2025, 1, 6), guest_nights_per_month=None):
    return services.house_rules_add(
        actor=actor,
        residence_id=residence.pk,
        valid_from=valid_from,
        text="Article 1 — Chacun respecte le calme des autres.",
        guest_nights_per_month=guest_nights_per_month,
    )


def make_active_contract(actor, place, person, starts_on=date(2026, 2, 2), initialled_on=date(2026, 2, 2)):
    contract = services.contract_create(actor=actor, place_id=place.pk, resident_id=person.pk, starts_on=starts_on)
    services.contract_initial(actor=actor, contract_id=contract.pk, ri_initialled_on=initialled_on)
    return services.contract_activate(actor=actor, contract_id=contract.pk)
