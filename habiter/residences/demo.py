"""Demo residences: Alpa's two pensions de famille in Aix-en-Provence, « Les Pléiades » (opened December 2014, 20
places) and « Soleil » (8 places), both hosted by the demo host; people living there (single-person households of
the people demo), one who left, their situation before entry and main resource said (but for the last two), and
admissions under way — a vacancy under SIAO orientation with an interview to come, a refused candidate whose refusal
is still to notify, an admitted candidate about to enter, another admitted whose file the director is to open and
attach, a vacancy awaiting a candidate. Then the life of the houses (`seed_residence_life`, for databases seeded
before it too): the residents' contracts with the RI initialled, the admitted candidate's contract to sign, a guest
stay at the RI's limit, a resident whose notice ends within the fortnight, and a few activities of the house
journal; each contract's redevance as typed lines (W7) over the last twelve months at least (a year of calls,
payments and APL-foyer in the ledger's demo, whatever the day it is loaded) under the APL maxima of its residence's
convention (demo values, « à confirmer »), the first Pléiades resident's with a change on 1 January kept in its
history. The hosts' time of each house in full-time equivalents (`seed_hosting_staff`). Every date on an open day;
written through the services, like real use."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from habiter.core.dates import add_months, nearest_open_day
from habiter.core.models import Role
from habiter.people.models import Household

from . import services
from .models import (
    AplMaximum,
    HostingStaff,
    Orientation,
    Residence,
    ResidenceContract,
    ResidenceKind,
    ResidenceStay,
)

HOUSE_RULES = (
    "Article 1 — La pension de famille est un lieu de vie : chacun respecte le calme et l'intimité des autres.\n"
    "Article 2 — Les espaces collectifs (cuisine, salon, jardin) sont ouverts de 8 h à 22 h.\n"
    "Article 3 — Un résident peut héberger un proche, trois mois au plus par personne hébergée (CCH R633-9).\n"
    "Article 4 — Le Conseil de Maison réunit chaque mois résidents et hôtes."
)
# Demo only, near the proportions of a regional State study of pensions de famille (W34): a third from a shelter,
# a quarter leaving an institution, the rest from the street, a third party or their own housing.
DEMO_SITUATIONS = ("shelter", "institution", "street", "shelter", "third_party", "institution", "private_tenant")
DEMO_RESOURCES = ("aah", "rsa", "aah", "pension", "rsa", "earnings", "none")


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
                "agrement_reference": "Arrêté préfectoral 13-2012-ILGLS-018",
                # its deposit policy (W6), as its contracts state it
                "deposit_amount": Decimal("150.00"),
                "deposit_keeps_unpaid": True,
                "deposit_return_days": 15,
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
                actor=director,
                residence_id=residence.pk,
                valid_from=date(2022, 1, 3),
                text=HOUSE_RULES,
                guest_nights_per_month=14,
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
        for index, stay in enumerate(stays[:-2]):  # the last two said nothing yet
            services.stay_entry_situation(
                actor=director,
                stay_id=stay.pk,
                situation_before_entry=DEMO_SITUATIONS[index % len(DEMO_SITUATIONS)],
                main_resource=DEMO_RESOURCES[index % len(DEMO_RESOURCES)],
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
                siao_name="SIAO 13",
                candidate_name=name,
                received_on=received,
            )

        def interview(orientation, day, attendance="", note=""):
            services.orientation_interview_add(
                actor=host,
                orientation_id=orientation.pk,
                held_on=_open_day(today, day),
                led_by_id=host.pk,
                attendance=attendance,
                note=note,
            )

        refused = orient("SIAO13-2026-0412", "M. Gérard Pons", _open_day(today, -25))
        interview(refused, -22, "postponed", "Hospitalisé cette semaine-là ; entretien reporté avec son infirmière.")
        interview(refused, -18, "came", "Venu avec l'infirmière du CMP.")
        services.orientation_decide(
            actor=host,
            orientation_id=refused.pk,
            decision="refused",
            decided_on=_open_day(today, -11),
            refusal_reason="needs_more_support",
            minutes="Besoin de soins et d'un accompagnement quotidien : une orientation en CHRS est proposée au SIAO.",
        )
        waiting = orient("SIAO13-2026-0433", "Mme Yasmina Haddou", _open_day(today, -20))
        interview(waiting, -4, "came", "A visité la maison et rencontré deux résidents.")
        coming = orient("SIAO13-2026-0451", "M. Olivier Marchetti", _open_day(today, -8))
        interview(coming, 2)
        # Soleil: an admitted candidate, notified, who enters soon (the place is reserved); a vacancy awaiting one
        admitted_vacancy = services.vacancy_declare(
            actor=host, place_id=places["S6"].pk, declared_on=_open_day(today, -45)
        )
        candidate = singles[len(occupied)] if len(singles) > len(occupied) else None
        admitted = services.orientation_receive(
            actor=director,
            vacancy_id=admitted_vacancy.pk,
            siao_reference="SIAO13-2026-0398",
            siao_name="SIAO 13",
            candidate_name=str(candidate.members.first()) if candidate else "Mme Josiane Amar",
            received_on=_open_day(today, -38),
            household_id=candidate.pk if candidate else None,
        )
        interview(admitted, -30, "came")
        services.orientation_decide(
            actor=host, orientation_id=admitted.pk, decision="admitted", decided_on=_open_day(today, -23)
        )
        services.orientation_notify(actor=host, orientation_id=admitted.pk, notified_on=_open_day(today, -22))
        services.vacancy_declare(actor=host, place_id=places["S7"].pk, declared_on=_open_day(today, -5))
        # the Pléiades' place 16: a candidate the association did not know, admitted and notified; the director
        # opens their file and attaches it on the orientation page, then the host makes the contract
        unknown_vacancy = services.vacancy_declare(
            actor=host, place_id=places["16"].pk, declared_on=_open_day(today, -35)
        )
        unknown = services.orientation_receive(
            actor=host,
            vacancy_id=unknown_vacancy.pk,
            siao_reference="SIAO13-2026-0405",
            siao_name="SIAO 13",
            candidate_name="Mme Josiane Amar",
            received_on=_open_day(today, -33),
        )
        interview(unknown, -28, "came")
        services.orientation_decide(
            actor=host, orientation_id=unknown.pk, decision="admitted", decided_on=_open_day(today, -21)
        )
        services.orientation_notify(actor=host, orientation_id=unknown.pk, notified_on=_open_day(today, -20))


ACTIVITIES = (
    (-40, "meal", "Repas partagé du jeudi", "Couscous préparé par trois résidents."),
    (-26, "garden", "Jardin : plantation des tomates", ""),
    (-19, "newspaper", "Comité de rédaction du journal des résidents", "Numéro de printemps en préparation."),
    (-12, "outing", "Sortie au marché de la place Richelme", ""),
    (-5, "house_meeting", "Conseil de Maison", "Ordre du jour : fête de l'été, ménage des parties communes."),
)

# Demo APL-foyer maxima of the conventions (équivalence de loyer + charges, € a month), not real ones: each
# convention states its own (W7); they are seeded « à confirmer ».
DEMO_APL_MAXIMA = {"T1": Decimal("450.00"), "T1'": Decimal("470.00"), "T1 bis": Decimal("490.00")}
# équivalence de loyer per typology; flat charges, a compulsory service for all, an optional one at Soleil
DEMO_RENT_EQUIVALENT = {"T1": Decimal("330.00"), "T1'": Decimal("345.00"), "T1 bis": Decimal("360.00")}
DEMO_CHARGES = Decimal("95.00")


def _demo_lines(contract, rent_equivalent) -> list[dict]:
    lines = [
        {"kind": "equivalence_loyer", "label": "", "amount": rent_equivalent},
        {"kind": "charges", "label": "Eau, énergie, entretien (forfait)", "amount": DEMO_CHARGES},
        {
            "kind": "prestation_obligatoire",
            "label": "Mobilier et ménage des parties communes",
            "amount": Decimal("22.00"),
        },
    ]
    if contract.place.residence.name == "Soleil":
        lines.append({"kind": "prestation_facultative", "label": "Repas partagé du soir", "amount": Decimal("35.00")})
    return lines


def _seed_redevances(director, host, residences, contracts, today) -> None:
    """The conventions' maxima for the years of the lines (and the next, for a contract starting then), then each
    contract's lines from its first day, or from the first day of the month twelve months ago for a contract begun
    before — so that the ledger's demo calls a whole year of redevances whatever the day it is seeded; the first
    contract begun before 1 January has its lines from its first day, 10 € lower, then this year's from 1 January,
    the change kept in its history."""
    year_ago = add_months(today.replace(day=1), -12)
    years = sorted({year_ago.year, today.year, *(c.starts_on.year for c in contracts)})
    for residence in residences:
        for typology, amount in DEMO_APL_MAXIMA.items():
            for year in years:
                services.apl_maximum_save(
                    actor=director,
                    maximum=AplMaximum(residence=residence, typology=typology, year=year, amount=amount),
                )
    new_year = date(today.year, 1, 1)
    # the first contract begun before 1 January (the residents' order of arrival varies from one load to another)
    with_history = next((c for c in contracts if c.starts_on < new_year), None)
    for contract in contracts:
        rent = DEMO_RENT_EQUIVALENT.get(contract.place.typology, DEMO_RENT_EQUIVALENT["T1"])
        if contract is with_history:
            services.redevance_set(
                actor=host,
                contract_id=contract.pk,
                valid_from=contract.starts_on,
                lines=_demo_lines(contract, rent - Decimal("10.00")),
            )
        services.redevance_set(
            actor=host,
            contract_id=contract.pk,
            valid_from=max(contract.starts_on, new_year if contract is with_history else year_ago),
            lines=_demo_lines(contract, rent),
        )


def seed_residence_life(organisation, users, count, rng) -> None:
    """Contracts, a guest stay and the house journal, once (nothing is added if the organisation already has a
    contract, or has no residence)."""
    host = next((u for u in users.values() if u.role == Role.HOST), None)
    volunteer = next((u for u in users.values() if u.role == Role.VOLUNTEER), None)
    director = next((u for u in users.values() if u.role == Role.DIRECTOR), None)
    residences = list(Residence.objects.filter(organisation=organisation, hosts=host)) if host else []
    if not residences or ResidenceContract.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        contracts = []
        stays = ResidenceStay.objects.filter(place__residence__in=residences, left_on__isnull=True).select_related(
            "place"
        )
        for stay in stays.order_by("place__residence__name", "place__label"):
            rules = stay.place.residence.house_rules.order_by("valid_from").first()
            if rules is None:
                continue
            # a resident who came before the RI signed the contract it is annexed to when it came into force
            starts_on = max(stay.entered_on, rules.valid_from)
            contract = services.contract_create(
                actor=host, place_id=stay.place_id, resident_id=stay.resident_id, starts_on=starts_on
            )
            services.contract_initial(actor=host, contract_id=contract.pk, ri_initialled_on=starts_on)
            contracts.append(services.contract_activate(actor=host, contract_id=contract.pk))
        admitted = Orientation.objects.filter(
            vacancy__place__residence__in=residences,
            decision="admitted",
            notified_on__isnull=False,
            household__isnull=False,
            stay__isnull=True,
        ).first()
        to_sign = None
        if admitted is not None:
            to_sign = services.contract_create(
                actor=host,
                place_id=admitted.vacancy.place_id,
                resident_id=admitted.household.members.order_by("last_name", "first_name").first().pk,
                starts_on=_open_day(today, 3),
                orientation_id=admitted.pk,
            )
        if director is not None:
            _seed_redevances(director, host, residences, [*contracts, *([to_sign] if to_sign else [])], today)
        if not contracts:
            return
        month_start = today.replace(day=1)
        services.guest_stay_record(
            actor=host,
            contract_id=contracts[0].pk,
            guest_name="Sylvie (sœur du résident)",
            arrived_on=month_start,
            left_on=month_start + timedelta(days=14),
        )
        if len(contracts) > 1:
            # a resident who gave notice two days ago leaves within the fortnight (W5: eight days)
            services.contract_notice(actor=host, contract_id=contracts[1].pk, notice_on=_open_day(today, -2))
        pleiades = [c for c in contracts if c.place.residence_id == residences[0].pk] or contracts
        residents = [c.resident_id for c in pleiades]
        for days, kind, title, note in ACTIVITIES:
            held_on = _open_day(today, days)
            present = [r for r in residents if rng.random() < 0.6] or residents[:1]
            services.house_activity_record(
                actor=host,
                residence_id=pleiades[0].place.residence_id,
                held_on=held_on,
                kind=kind,
                title=title,
                note=note,
                participant_ids=present,
                helper_ids=[volunteer.pk] if volunteer and kind in ("meal", "outing") else [],
            )
        services.individual_support_record(
            actor=host,
            residence_id=pleiades[0].place.residence_id,
            resident_id=residents[0],
            given_on=_open_day(today, -8),
            kind="mediation",
            note="Accompagné à la CAF pour mettre à jour le dossier d'APL.",
        )


YOUNG_WORKERS_HOME = "Le Tremplin"
YOUNG_WORKERS_PLACES = 6
YOUNG_WORKERS_RESIDENTS = 4
# the CAF's prestation de service socio-éducative paid to the FJT last year: a demo figure, not a real one
YOUNG_WORKERS_PSE = Decimal("48000.00")


def seed_young_workers_home(organisation, users, count, rng) -> None:
    """The foyer de jeunes travailleurs once (nothing is added if the organisation already has one, has no
        residence, or no director): a résidence sociale marked FJT, its studios, a few single young people living there
        (members of single-person households aged 18 to 30, with no running lease and neither living in nor oriented to
    a residence; else any such household), and the
        PSE the CAF paid it last year. It draws from its own random generator, never the demo's shared `rng`, so that
        the rest of the demo stays the same."""
    from habiter.leases.models import Lease, LeaseStatus

    director = next((u for u in users.values() if u.role == Role.DIRECTOR), None)
    residences = Residence.objects.filter(organisation=organisation)
    if director is None or not residences.exists() or residences.filter(young_workers=True).exists():
        return
    own = random.Random(38)  # noqa: S311 - reproducible demo data, not security
    today = timezone.localdate()
    singles = (
        Household.objects.filter(organisation=organisation)
        .annotate(size=Count("members"))
        .filter(size=1)
        .exclude(pk__in=ResidenceStay.objects.values("household_id"))
        .exclude(pk__in=Orientation.objects.filter(household__isnull=False).values("household_id"))
        .exclude(pk__in=Lease.objects.filter(status=LeaseStatus.SIGNED).values("household_id"))
        .order_by("created_at", "id")
    )
    young = singles.filter(
        members__birth_date__gt=date(today.year - 31, today.month, 1),
        members__birth_date__lte=date(today.year - 18, 1, 1),
    )
    residents = list(young[:YOUNG_WORKERS_RESIDENTS])
    if len(residents) < YOUNG_WORKERS_RESIDENTS:
        residents += [h for h in singles[: YOUNG_WORKERS_RESIDENTS * 2] if h not in residents]
    residents = residents[:YOUNG_WORKERS_RESIDENTS]
    with transaction.atomic():
        home = services.residence_create(
            actor=director,
            data={
                "name": YOUNG_WORKERS_HOME,
                "kind": ResidenceKind.RESIDENCE_SOCIALE,
                "address": "Boulevard National",
                "postal_code": "13003",
                "city": "Marseille",
                "opened_on": date(2019, 9, 2),
                "apl_convention_reference": "13/3/09-2019/97-2207/1",
                "agrement_reference": "Arrêté préfectoral 13-2012-ILGLS-018",
                "young_workers": True,
            },
        )
        places = []
        for n in range(1, YOUNG_WORKERS_PLACES + 1):
            place, _warning = services.place_create(
                actor=director,
                residence_id=home.pk,
                data={
                    "label": f"T{n}",
                    "kind": "studio",
                    "typology": "T1",
                    "surface": Decimal(16 + own.randint(0, 4)) + Decimal("0.50"),
                    "furnished": True,
                    "accessible": n == 1,
                },
            )
            places.append(place)
        for place, household in zip(places, residents, strict=False):
            services.stay_enter(
                actor=director,
                place_id=place.pk,
                resident_id=household.members.first().pk,
                entered_on=nearest_open_day(today - timedelta(days=own.randint(60, 600))),
            )
        services.young_workers_pse_record(
            actor=director, residence_id=home.pk, year=today.year - 1, amount=YOUNG_WORKERS_PSE
        )


# The hosts' time of each pension de famille (W34), demo figures near a host couple for twenty places: the Pléiades'
# for last year and this one, Soleil's for last year only (this year's « non renseigné » on the annual report).
DEMO_HOSTING_STAFF = {"Les Pléiades": (Decimal("1.50"), Decimal("1.60")), "Soleil": (Decimal("0.80"), None)}


def seed_hosting_staff(organisation, users, count, rng) -> None:
    """The hosts' time of the demo's pensions de famille once (nothing is added if one is recorded already, or there is
    no director). Draws nothing from the demo's shared `rng`."""
    director = next((u for u in users.values() if u.role == Role.DIRECTOR), None)
    if director is None or HostingStaff.objects.filter(organisation=organisation).exists():
        return
    year = timezone.localdate().year
    with transaction.atomic():
        for residence in Residence.objects.filter(organisation=organisation, name__in=DEMO_HOSTING_STAFF):
            for offset, fte in zip((1, 0), DEMO_HOSTING_STAFF[residence.name], strict=True):
                if fte is not None:
                    services.hosting_staff_record(
                        actor=director, residence_id=residence.pk, year=year - offset, fte=fte
                    )
