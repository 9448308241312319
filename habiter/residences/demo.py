"""Demo residences: Alpa's two pensions de famille in Aix-en-Provence, « Les Pléiades » (opened December 2014, 20
places) and « Soleil » (8 places), both hosted by the demo host; people living there (single-person households of
the people demo), one who left, and admissions under way — a vacancy under SIAO orientation with an interview to
come, a refused candidate whose refusal is still to notify, an admitted candidate about to enter, a vacancy
awaiting a candidate. Every date on an open day; written through the services, like real use."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from habiter.core.dates import nearest_open_day
from habiter.core.models import Role
from habiter.people.models import Household

from . import services
from .models import Residence

HOUSE_RULES = (
    "Article 1 — La pension de famille est un lieu de vie : chacun respecte le calme et l'intimité des autres.\n"
    "Article 2 — Les espaces collectifs (cuisine, salon, jardin) sont ouverts de 8 h à 22 h.\n"
    "Article 3 — Un résident peut héberger un proche, trois mois au plus par personne hébergée (CCH R633-9).\n"
    "Article 4 — Le Conseil de Maison réunit chaque mois résidents et hôtes."
)


def _open_day(today: date, days: int) -> date:
    """An open day `days` from today (negative: before), moved backward to the nearest open day."""
    return nearest_open_day(today + timedelta(days=days), step=-1 if days <= 0 else 1)


def seed_residences(organisation, users, count, rng) -> None:
    """The two residences once (nothing is added if the organisation already has one, or has no host)."""
    host = next((u for u in users.values() if u.role == Role.HOST), None)
    director = next((u for u in users.values() if u.role == Role.DIRECTOR), None)
    if host is None or director is None or Residence.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    singles = list(
        Household.objects.filter(organisation=organisation)
        .annotate(size=Count("members"))
        .filter(size=1)
        .order_by("created_at", "id")[:22]
    )
    with transaction.atomic():
        pleiades = services.residence_create(
            actor=director,
            data={
                "name": "Les Pléiades",
                "kind": "pension_de_famille",
                "address": "Chemin des Pléiades",
                "postal_code": "13090",
                "city": "Aix-en-Provence",
                "opened_on": date(2014, 12, 1),
                "apl_convention_reference": "13/3/12-2014/97-1234/1",
            },
            host_ids=[host.pk],
        )
        soleil = services.residence_create(
            actor=director,
            data={
                "name": "Soleil",
                "kind": "pension_de_famille",
                "address": "Avenue du Soleil",
                "postal_code": "13100",
                "city": "Aix-en-Provence",
            },
            host_ids=[host.pk],
        )
        for residence in (pleiades, soleil):
            services.house_rules_add(
                actor=director, residence_id=residence.pk, valid_from=date(2022, 1, 3), text=HOUSE_RULES
            )
        places = {}
        for residence, prefix, number in ((pleiades, "", 20), (soleil, "S", 8)):
            for n in range(1, number + 1):
                typology = "T1 bis" if n % 7 == 0 else ("T1'" if n % 3 == 0 else "T1")
                places[f"{prefix}{n}"], _warning = services.place_create(
                    actor=director,
                    residence_id=residence.pk,
                    data={
                        "label": f"{prefix}{n}",
                        "kind": "studio",
                        "typology": typology,
                        "surface": Decimal(18 + rng.randint(0, 10)) + Decimal("0.50"),
                        "furnished": True,
                        "accessible": n in (1, 2),
                    },
                )
        # residents: 14 at the Pléiades (places 1–14), 5 at Soleil (S1–S5); the last one at the Pléiades left
        occupied = [f"{n}" for n in range(1, 15)] + [f"S{n}" for n in range(1, 6)]
        stays = []
        for label, household in zip(occupied, singles, strict=False):
            entered = nearest_open_day(today - timedelta(days=rng.randint(120, 3000)))
            stays.append(
                services.stay_enter(
                    actor=director,
                    place_id=places[label].pk,
                    resident_id=household.members.first().pk,
                    entered_on=entered,
                )
            )
        if stays:
            services.stay_exit(
                actor=director,
                stay_id=stays[13 if len(stays) > 13 else -1].pk,
                left_on=_open_day(today, -40),
                exit_destination="social_housing",
            )
        # the Pléiades' place 15 under SIAO orientation: a refused candidate (to notify), a decision to record,
        # an interview to come
        vacancy = services.vacancy_declare(actor=host, place_id=places["15"].pk, declared_on=_open_day(today, -30))

        def orient(reference, name, received):
            return services.orientation_receive(
                actor=host,
                vacancy_id=vacancy.pk,
                siao_reference=reference,
                candidate_name=name,
                received_on=received,
            )

        refused = orient("SIAO13-2026-0412", "M. Gérard Pons", _open_day(today, -25))
        services.orientation_interview(actor=host, orientation_id=refused.pk, interview_on=_open_day(today, -18))
        services.orientation_decide(
            actor=host,
            orientation_id=refused.pk,
            decision="refused",
            decided_on=_open_day(today, -11),
            refusal_reason="needs_more_support",
            minutes="Besoin de soins et d'un accompagnement quotidien : une orientation en CHRS est proposée au SIAO.",
        )
        waiting = orient("SIAO13-2026-0433", "Mme Yasmina Haddou", _open_day(today, -20))
        services.orientation_interview(actor=host, orientation_id=waiting.pk, interview_on=_open_day(today, -4))
        coming = orient("SIAO13-2026-0451", "M. Olivier Marchetti", _open_day(today, -8))
        services.orientation_interview(actor=host, orientation_id=coming.pk, interview_on=_open_day(today, 2))
        # Soleil: an admitted candidate, notified, who enters soon (the place is reserved); a vacancy awaiting one
        admitted_vacancy = services.vacancy_declare(
            actor=host, place_id=places["S6"].pk, declared_on=_open_day(today, -45)
        )
        candidate = singles[len(occupied)] if len(singles) > len(occupied) else None
        admitted = services.orientation_receive(
            actor=director,
            vacancy_id=admitted_vacancy.pk,
            siao_reference="SIAO13-2026-0398",
            candidate_name=str(candidate.members.first()) if candidate else "Mme Josiane Amar",
            received_on=_open_day(today, -38),
            household_id=candidate.pk if candidate else None,
        )
        services.orientation_interview(actor=host, orientation_id=admitted.pk, interview_on=_open_day(today, -30))
        services.orientation_decide(
            actor=host, orientation_id=admitted.pk, decision="admitted", decided_on=_open_day(today, -23)
        )
        services.orientation_notify(actor=host, orientation_id=admitted.pk, notified_on=_open_day(today, -22))
        services.vacancy_declare(actor=host, place_id=places["S7"].pk, declared_on=_open_day(today, -5))
