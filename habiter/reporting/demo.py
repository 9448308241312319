"""Demo subsidies of Alpa for 2025 (DOMAIN-2 W31, W32, W49): the DDETS's AVDL, paid in two instalments (an advance
of 80 % in April, the balance in December), the Département's FSL/ASLL, the Ville's grant for the reception desk, the
CAF's and a foundation's, each paid at once, all decided and received in 2025, every compte rendu financier sent
except the Département's, overdue; and, when that one is late, a new request to the Département recorded with its
warning. Public grants received in 2025 total 133 500 €, under the accounts threshold. And what the three activities
of intermédiation locative cost in 2025 per modality, from the analytical accounts (W36). Written through the
services."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from habiter.core import services as core_services
from habiter.core.models import Role
from habiter.support.models import Programme, Scheme

from . import rules, services
from .models import FunderKind, Subsidy

YEAR_END = date(2025, 12, 31)

# funder, kind, programme's scheme, purpose, requested, granted, decided on, convention, payments received (day,
# amount, note; together the amount granted), compte rendu sent (None: late)
SUBSIDIES_2025 = [
    ("DDETS du Rhône", FunderKind.STATE, Scheme.AVDL, "AVDL 2025", "68000", "65000", date(2025, 3, 12),
     "DDETS-69-AVDL-2025-04",
     ((date(2025, 4, 18), "52000", "Avance de 80 % à la signature de la convention"),
      (date(2025, 12, 4), "13000", "Solde de 20 % après le bilan intermédiaire")),
     date(2026, 6, 20)),
    ("Département du Rhône", FunderKind.DEPARTEMENT, Scheme.ASLL, "FSL — ASLL 2025", "52000", "48500",
     date(2025, 2, 20), "FSL-2025-117", ((date(2025, 3, 14), "48500", "Versement unique"),), None),
    ("Ville de Lyon", FunderKind.COMMUNE, None, "Accueil et ateliers collectifs 2025", "15000", "12000",
     date(2025, 4, 3), "VDL-2025-0932", ((date(2025, 5, 9), "12000", ""),), date(2026, 5, 28)),
    ("CAF du Rhône", FunderKind.CAF, None, "Ateliers budget et accès aux droits 2025", "9000", "8000",
     date(2025, 5, 6), "CAF69-AS-2025-21", ((date(2025, 6, 2), "8000", ""),), date(2026, 6, 25)),
    ("Fondation Abbé Pierre", FunderKind.FOUNDATION, None, "Fonds d'urgence locataires 2025", "20000", "20000",
     date(2025, 6, 2), "", ((date(2025, 6, 30), "20000", ""),), date(2026, 6, 12)),
]  # fmt: skip


# The analytical accounts' costs of 2025 (W36): sublet dwellings are most of the activity, the mandates' support is
# not separated from the sublets' in the accounts (left unknown).
IML_COSTS_2025 = {
    "sublease_captation": "8400.00",
    "sublease_management": "21350.00",
    "sublease_support": "32800.00",
    "mandate_captation": "2600.00",
    "mandate_management": "5900.00",
    "method": "Comptabilité analytique 2025, charges réparties au temps passé",
}


def seed_subsidies(organisation, users, count, rng) -> None:
    """Once per organisation, with a director; dates to come are left out (a demo built early in 2026 has no
    compte rendu sent yet)."""
    director = next((u for u in users.values() if u.role == Role.DIRECTOR), None)
    if director is None or Subsidy.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    funders = {}
    with transaction.atomic():
        if organisation.cer_signed_on is None:  # subscribed when the decree applied (W31)
            core_services.organisation_settings_update(actor=director, values={"cer_signed_on": date(2022, 1, 20)})
        for row in SUBSIDIES_2025:
            name, kind, scheme, purpose, requested, granted, decided_on, convention, payments, sent_on = row
            programme = Programme.objects.filter(organisation=organisation, scheme=scheme).first() if scheme else None
            subsidy = services.subsidy_request(
                actor=director,
                data={
                    "funder_name": name,
                    "funder_kind": kind,
                    "programme_id": programme.pk if programme else None,
                    "purpose": purpose,
                    "year_end": YEAR_END,
                    "requested_on": decided_on - timedelta(days=75),
                    "amount_requested": requested,
                },
            )
            funders[name] = subsidy.funder
            services.subsidy_decide(
                actor=director,
                subsidy_id=subsidy.pk,
                status="granted",
                decided_on=decided_on,
                amount_granted=granted,
                convention_reference=convention,
            )
            for received_on, amount, note in payments:
                if received_on <= today:
                    services.subsidy_payment_record(
                        actor=director, subsidy_id=subsidy.pk, received_on=received_on, amount=amount, note=note
                    )
            if sent_on is not None and sent_on <= today:
                services.subsidy_crf_sent(actor=director, subsidy_id=subsidy.pk, sent_on=sent_on)
        services.iml_costs_save(actor=director, year=YEAR_END.year, data=IML_COSTS_2025)
        if rules.crf_is_overdue(rules.crf_due_on(YEAR_END), None, today):
            services.subsidy_request(
                actor=director,
                data={
                    "funder_id": funders["Département du Rhône"].pk,
                    "purpose": f"FSL — ASLL {today.year + 1}",
                    "year_end": date(today.year + 1, 12, 31),
                    "requested_on": today,
                    "amount_requested": "54000",
                },
            )
