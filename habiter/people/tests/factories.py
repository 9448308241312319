"""Households are made through the service, so search fields and the audit are exactly as in real use."""

from datetime import date

from habiter.people import services


def make_household(actor, name="", members=None, **data):
    members = (
        members
        if members is not None
        else [
            {
                "first_name": "Noël",
                "last_name": name or "Lefèvre",
                "birth_date": date(1980, 5, 17),
                "relation": "head",
            }
        ]
    )
    return services.household_create(actor=actor, data={"name": name, **data}, members=members, confirm_duplicate=True)
