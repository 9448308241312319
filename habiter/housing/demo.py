"""Demo housing stock: owners of every kind, buildings, dwellings in a few towns, the captation pipeline, tickets
and a check-in. The same small stock whatever the number of households (no per-household work)."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from habiter.core.models import Role
from habiter.people.models import Household

from .models import (
    Building,
    Condition,
    Dwelling,
    Inspection,
    InspectionKind,
    InspectionRoom,
    MaintenanceTicket,
    Owner,
    OwnerContact,
    OwnerKind,
    Prospect,
    ProspectStage,
    ProspectStageChange,
    RentCapScheme,
    Reporter,
    TicketStatus,
    Urgency,
)

OWNERS = [
    ("Jean Lambert", OwnerKind.PRIVATE, "FR7630006000011234567890189"),
    ("Martine Ricard", OwnerKind.PRIVATE, "FR1420041010050500013M02606"),
    ("Ahmed Belkacem", OwnerKind.PRIVATE, ""),
    ("Odile et Pierre Vidal", OwnerKind.PRIVATE, ""),
    ("SCI Les Tilleuls", OwnerKind.COMPANY, "FR7630001007941234567890185"),
    ("Ville de Marseille", OwnerKind.TOWN, ""),
    ("Habitat Provence (bailleur social)", OwnerKind.SOCIAL_LANDLORD, ""),
]
# (reference, owner index or None for the association, building index or None, address, postcode, town,
#  surface, rooms, floor, furnished, energy class, kWh, rent cap scheme, ceiling)
DWELLINGS = [
    ("MRS-001", 0, None, "14 rue d'Italie", "13006", "Marseille", "38.50", 2, 2, False, "D", 230, "loc2", "510.00"),
    ("MRS-002", 0, None, "3 rue Sainte", "13001", "Marseille", "22.00", 1, 4, True, "F", 390, "", None),
    ("MRS-003", 1, None, "27 boulevard Baille", "13005", "Marseille", "61.00", 3, 1, False, "C", 160, "loc3", "560.00"),
    ("MRS-004", 5, 0, "8 rue des Muettes, apt 1", "13002", "Marseille", "45.00", 2, 0, False, "E", 300, "", None),
    ("MRS-005", 5, 0, "8 rue des Muettes, apt 2", "13002", "Marseille", "45.00", 2, 1, False, "E", 310, "", None),
    ("MRS-006", 5, 0, "8 rue des Muettes, apt 3", "13002", "Marseille", "52.00", 3, 2, False, "G", 460, "", None),
    ("MRS-007", 6, 1, "Résidence Les Oliviers, bât. A", "13013", "Marseille", "68.00", 4, 3, False, "B", 95, "", None),
    ("MRS-008", 2, None, "51 rue de la République", "13002", "Marseille", "30.00", 1, 5, True, "", None, "", None),
    ("AIX-001", 3, None, "5 rue Mignet", "13100", "Aix-en-Provence", "42.00", 2, 1, False, "D", 210, "loc1", "640.00"),
    ("AIX-002", 3, None, "12 avenue Victor Hugo", "13100", "Aix-en-Provence", "75.00", 3, 2, False, "C", 150, "", None),
    ("AIX-003", 4, 2, "Les Tilleuls, lot 4", "13090", "Aix-en-Provence", "33.00", 1, 0, False, "F", 400, "", None),
    ("AIX-004", 4, 2, "Les Tilleuls, lot 7", "13090", "Aix-en-Provence", "58.00", 3, 2, False, "E", 320, "", None),
    ("AUB-001", None, None, "2 cours Foch", "13400", "Aubagne", "48.00", 2, 1, False, "D", 240, "", None),
    ("AUB-002", 1, None, "19 rue de la République", "13400", "Aubagne", "64.00", 3, 0, False, "G", 480, "", None),
    ("AUB-003", 2, None, "7 chemin des Aubes", "13400", "Aubagne", "81.00", 4, 0, False, "C", 170, "anah", "700.00"),
]
# (name, owner index or None for the association, address, postcode, town)
BUILDINGS = [
    ("Immeuble des Muettes", 5, "8 rue des Muettes", "13002", "Marseille"),
    ("Résidence Les Oliviers", 6, "Chemin des Oliviers", "13013", "Marseille"),
    ("Les Tilleuls", 4, "Avenue des Tilleuls", "13090", "Aix-en-Provence"),
]
# (dwelling reference, stages reached with days ago, drop reason)
PROSPECTS = [
    ("MRS-008", [("identified", 12)], ""),
    ("AUB-003", [("identified", 40), ("contacted", 25)], ""),
    ("AIX-002", [("identified", 70), ("contacted", 55), ("visited", 30)], ""),
    ("MRS-006", [("identified", 90), ("contacted", 80), ("visited", 60), ("works_assessed", 35)], ""),
    ("MRS-003", [("identified", 120), ("contacted", 100), ("visited", 85), ("offer_made", 20)], ""),
    ("AIX-001", [("identified", 200), ("contacted", 180), ("visited", 160), ("offer_made", 140), ("signed", 120)], ""),
    ("MRS-001", [("identified", 150), ("contacted", 140), ("visited", 120), ("offer_made", 100), ("signed", 80)], ""),
    ("AUB-002", [("identified", 110), ("contacted", 95), ("visited", 75), ("dropped", 50)], "works_too_costly"),
]
TICKETS = [
    ("MRS-004", "Fuite sous l'évier de la cuisine", Reporter.TENANT, Urgency.URGENT, TicketStatus.ASSIGNED, 3),
    ("AIX-004", "Volet roulant de la chambre bloqué", Reporter.WORKER, Urgency.NORMAL, TicketStatus.OPEN, 6),
    ("MRS-007", "Remplacement du ballon d'eau chaude", Reporter.MANAGER, Urgency.URGENT, TicketStatus.DONE, 40),
    ("AUB-001", "Joint de la douche à refaire", Reporter.TENANT, Urgency.LOW, TicketStatus.IN_PROGRESS, 12),
]


def seed_housing(organisation, users, count, rng) -> None:
    """The demo stock once (nothing is added if the organisation already has dwellings)."""
    if Dwelling.objects.filter(organisation=organisation).exists():
        return
    staff = list(users.values())
    manager = next((u for u in staff if u.role == Role.RENTAL_MANAGER), None)
    manager = manager or next((u for u in staff if u.role == Role.DIRECTOR), staff[0])
    technician = next((u for u in staff if u.role == Role.TECHNICIAN), None)
    today = timezone.localdate()
    with transaction.atomic():
        owners = [
            Owner.objects.create(
                organisation=organisation,
                kind=kind,
                name=name,
                iban=iban,
                phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                created_by=manager,
            )
            for name, kind, iban in OWNERS
        ]
        association = Owner.objects.create(
            organisation=organisation, kind=OwnerKind.ASSOCIATION, name=organisation.name, created_by=manager
        )
        OwnerContact.objects.bulk_create(
            OwnerContact(
                organisation=organisation,
                owner=owners[index],
                occurred_on=today - timedelta(days=days),
                channel=channel,
                summary=summary,
                author=manager,
            )
            for index, days, channel, summary in [
                (0, 30, "phone", "Point sur le loyer de sortie de convention ; accord pour prolonger."),
                (1, 15, "meeting", "Visite du T3 boulevard Baille avec la propriétaire."),
                (3, 8, "email", "Envoi de la proposition de mandat de gestion."),
            ]
        )
        buildings = [
            Building.objects.create(
                organisation=organisation,
                name=name,
                owner=owners[owner] if owner is not None else association,
                address=address,
                postal_code=postcode,
                city=town,
            )
            for name, owner, address, postcode, town in BUILDINGS
        ]
        dwellings = {}
        for (
            ref,
            owner,
            building,
            address,
            postcode,
            town,
            surface,
            rooms,
            floor,
            furnished,
            energy,
            kwh,
            cap,
            ceiling,
        ) in DWELLINGS:
            dwellings[ref] = Dwelling.objects.create(
                organisation=organisation,
                reference=ref,
                owner=owners[owner] if owner is not None else association,
                building=buildings[building] if building is not None else None,
                address=address,
                postal_code=postcode,
                city=town,
                surface=Decimal(surface),
                rooms=rooms,
                floor=floor,
                furnished=furnished,
                energy_class=energy,
                energy_kwh=kwh,
                rent_cap_scheme=cap or RentCapScheme.NONE,
                rent_cap_ceiling=Decimal(ceiling) if ceiling else None,
                decency_checked_on=today - timedelta(days=rng.randint(30, 400)) if energy else None,
            )
        for ref, stages, reason in PROSPECTS:
            dwelling = dwellings[ref]
            last_stage, last_days = stages[-1]
            market = Decimal(rng.randint(55, 75) * 10)
            offered = stages and any(s == ProspectStage.OFFER_MADE for s, _d in stages)
            prospect = Prospect.objects.create(
                organisation=organisation,
                owner=dwelling.owner,
                dwelling=dwelling,
                worker=manager,
                stage=last_stage,
                stage_since=today - timedelta(days=last_days),
                market_rent=market,
                offered_rent=market - Decimal("80.00") if offered else None,
                guarantee=rng.choice(["association_lease", "visale", "mandate"]) if offered else "",
                drop_reason=reason,
            )
            previous = ""
            for stage, days in stages:
                ProspectStageChange.objects.create(
                    organisation=organisation,
                    prospect=prospect,
                    from_stage=previous,
                    to_stage=stage,
                    on_date=today - timedelta(days=days),
                    actor=manager,
                )
                previous = stage
        for ref, title, reporter, urgency, status, days in TICKETS:
            assigned = status in (TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS, TicketStatus.DONE)
            MaintenanceTicket.objects.create(
                organisation=organisation,
                dwelling=dwellings[ref],
                title=title,
                reported_by=reporter,
                reported_on=today - timedelta(days=days),
                urgency=urgency,
                status=status,
                technician=technician if assigned and technician else None,
                contractor="" if technician or not assigned else "Plomberie du Vieux-Port",
                cost=Decimal("480.00") if status == TicketStatus.DONE else None,
                closed_on=today - timedelta(days=days - 5) if status == TicketStatus.DONE else None,
                created_by=manager,
            )
        household = Household.objects.filter(organisation=organisation).order_by("name", "id").first()
        inspection = Inspection.objects.create(
            organisation=organisation,
            dwelling=dwellings["MRS-001"],
            household=household,
            kind=InspectionKind.CHECK_IN,
            done_on=today - timedelta(days=75),
            inspector=technician or manager,
            comment="Remise de deux jeux de clés et d'un badge.",
        )
        for position, (room, condition) in enumerate(
            [
                ("Entrée", Condition.GOOD),
                ("Séjour", Condition.GOOD),
                ("Cuisine", Condition.FAIR),
                ("Chambre", Condition.NEW),
                ("Salle d'eau", Condition.FAIR),
            ]
        ):
            InspectionRoom.objects.create(
                organisation=organisation, inspection=inspection, position=position, name=room, condition=condition
            )
