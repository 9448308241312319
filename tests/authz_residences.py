"""Authorization rows of the `residences` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Who (habiter/residences/permissions.py): directors and team leads read every residence of the organisation; a
host reads only the residences they are host of; only a director creates or changes a residence, its places
and its house rules. Scopes: own team is a residence the host of the organisation hosts, other team a residence
of the organisation with no host, other organisation a residence of another one. Stays: only a director records
an entry or an exit directly. Contracts: the director and the host of the residence prepare and follow them; a
social worker reads those of the households they follow; team leads read them all. The house journal: read like
the residence, kept by the director and the host of the residence (so is the kind of a support given or corrected
afterwards). The occupancy and funding figures: read like the
residence. The printed contract: read like the contract. The redevance of a contract: set by those who follow the
contract (the director and the host of the residence); replacing lines in force is confirmed. The maxima of the
APL convention (the page « Maxima APL-foyer » and the correction of a value, confirmed): the director and the host
of the residence; the team lead, who reads the residence, does not. The CAF PSE of a foyer de jeunes travailleurs
(the page « PSE de la CAF », a correction confirmed): the director only, on an FJT of each scope. The hosts' time of
a boarding house (the page « Temps des hôtes », a year typed or corrected): the director only.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from habiter.residences import services
from habiter.residences.models import (
    AplMaximum,
    GuestStay,
    HostingStaff,
    HouseActivity,
    HouseRules,
    IndividualSupport,
    Orientation,
    OrientationInterview,
    Place,
    RedevanceLine,
    Residence,
    ResidenceContract,
    ResidenceStay,
    Vacancy,
    YoungWorkersPse,
)
from habiter.support.models import EntrySituation
from tests.authz_common import ACTORS, CONFIRMED, NOT_FOUND, OK, SAVED, CsrfCase, logged_in, row, scoped_row

READERS = ("director", "team_lead", "host")
MANAGERS = ("director",)
WRITE = (SAVED, SAVED, NOT_FOUND)
READ_ROW = scoped_row(READERS) | {"host": (OK, NOT_FOUND, NOT_FOUND)}
# Admissions: the director, and the host of the residence only.
ADMIT_ROW = scoped_row(("director", "host")) | {"host": (OK, NOT_FOUND, NOT_FOUND)}
ADMIT_WRITE = scoped_row(("director",), yes=WRITE) | {"host": (SAVED, NOT_FOUND, NOT_FOUND)}

EXPECTED = {
    "residences:residence_list": row(READERS, OK, NOT_FOUND),
    "residences:residence_create": row(MANAGERS, OK, NOT_FOUND),
    "residences:occupancy_summary": row(READERS, OK, NOT_FOUND),
    "residences:occupancy_figures": READ_ROW,
    "residences:residence_detail": READ_ROW,
    "residences:residence_edit": scoped_row(MANAGERS),
    "residences:place_create": scoped_row(MANAGERS),
    "residences:place_edit": scoped_row(MANAGERS),
    "residences:house_rules_add": scoped_row(MANAGERS),
    "residences:place_entry": scoped_row(MANAGERS),
    "residences:stay_exit": scoped_row(MANAGERS),
    "residences:stay_entry_situation": ADMIT_ROW,
    "residences:vacancy_declare": ADMIT_ROW,
    "residences:vacancy_detail": ADMIT_ROW,
    "residences:orientation_add": ADMIT_ROW,
    "residences:orientation_detail": ADMIT_ROW,
    "residences:contract_create": ADMIT_ROW,
    "residences:contract_from_orientation": ADMIT_ROW,
    "residences:contract_detail": READ_ROW | {"social_worker": (OK, NOT_FOUND, NOT_FOUND)},
    "residences:contract_pdf": READ_ROW | {"social_worker": (OK, NOT_FOUND, NOT_FOUND)},
    "residences:redevance_set": ADMIT_ROW,
    "residences:journal": READ_ROW,
    "residences:activity_add": ADMIT_ROW,
    "residences:support_add": ADMIT_ROW,
    "residences:support_kind": ADMIT_ROW,
    "residences:apl_maxima": ADMIT_ROW,
    "residences:apl_maximum_correct": ADMIT_ROW,
    "residences:young_workers_pse": scoped_row(MANAGERS),
    "residences:hosting_staff": scoped_row(MANAGERS),
}
POST_EXPECTED = {
    "residences:residence_edit": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_create": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_edit": scoped_row(MANAGERS, yes=WRITE),
    "residences:house_rules_add": scoped_row(MANAGERS, yes=WRITE),
    "residences:place_entry": scoped_row(MANAGERS, yes=WRITE),
    "residences:stay_exit": scoped_row(MANAGERS, yes=WRITE),
    "residences:stay_entry_situation": ADMIT_WRITE,
    "residences:vacancy_declare": ADMIT_WRITE,
    "residences:orientation_add": ADMIT_WRITE,
    "residences:orientation_detail": ADMIT_WRITE,
    "residences:contract_create": ADMIT_WRITE,
    "residences:contract_from_orientation": ADMIT_WRITE,
    "residences:contract_detail": ADMIT_WRITE,
    "residences:redevance_set": ADMIT_WRITE,
    "residences:activity_add": ADMIT_WRITE,
    "residences:support_add": ADMIT_WRITE,
    "residences:support_kind": ADMIT_WRITE,
    "residences:apl_maxima": ADMIT_WRITE,
    "residences:apl_maximum_correct": ADMIT_WRITE,
    "residences:young_workers_pse": scoped_row(MANAGERS, yes=WRITE),
    "residences:hosting_staff": scoped_row(MANAGERS, yes=WRITE),
}
POST_UNSCOPED = {"residences:residence_create"}
CSRF_CASES = POST_UNSCOPED | set(POST_EXPECTED)


class Houses:
    """One residence per scope, with one place, made by a director of its organisation, once per test."""

    def __init__(self, director_of, host, member):
        self.director_of = director_of
        self.host = host
        self.member = member
        self.rows = {}

    def residence(self, scope):
        if ("residence", scope) not in self.rows:
            hosts = [self.host.pk] if scope == "own_team" else []
            self.rows[("residence", scope)] = services.residence_create(
                actor=self.director_of(scope),
                data={
                    "name": f"Pension {scope}",
                    "kind": "pension_de_famille",
                    "address": "12 rue des Pléiades",
                    "postal_code": "13003",
                    "city": "Marseille",
                },
                host_ids=hosts,
            )
            services.house_rules_add(
                actor=self.director_of(scope),
                residence_id=self.rows[("residence", scope)].pk,
                valid_from=date(2025, 1, 6),
                text="Article 1",
                guest_nights_per_month=20,
            )
        return self.rows[("residence", scope)]

    def place(self, scope, actor=""):
        """A free place of the scope's residence, one per actor (each may declare it vacant or enter someone)."""
        if ("place", scope, actor) not in self.rows:
            self.rows[("place", scope, actor)], _warning = services.place_create(
                actor=self.director_of(scope),
                residence_id=self.residence(scope).pk,
                data={"label": f"1{actor}", "kind": "studio", "typology": "T1", "surface": Decimal("20")},
            )
        return self.rows[("place", scope, actor)]

    def vacancy(self, scope):
        if ("vacancy", scope) not in self.rows:
            place = self.place(scope, "vacante")
            self.rows[("vacancy", scope)] = services.vacancy_declare(
                actor=self.director_of(scope), place_id=place.pk, declared_on=date(2026, 1, 5)
            )
        return self.rows[("vacancy", scope)]

    def orientation(self, scope):
        """A candidate of the scope's household oriented to the scope's vacancy, received by its director."""
        if ("orientation", scope) not in self.rows:
            self.rows[("orientation", scope)] = services.orientation_receive(
                actor=self.director_of(scope),
                vacancy_id=self.vacancy(scope).pk,
                siao_reference=f"SIAO-{scope}",
                candidate_name="Candidat",
                received_on=date(2026, 1, 12),
                household_id=self.member(scope).household_id,
            )
        return self.rows[("orientation", scope)]

    def stay(self, scope):
        """A resident of the scope's household in a second place of the scope's residence."""
        if ("stay", scope) not in self.rows:
            director = self.director_of(scope)
            place, _warning = services.place_create(
                actor=director,
                residence_id=self.residence(scope).pk,
                data={"label": "2", "kind": "room", "typology": "T1", "surface": Decimal("16")},
            )
            self.rows[("stay", scope)] = services.stay_enter(
                actor=director, place_id=place.pk, resident_id=self.member(scope).pk, entered_on=date(2026, 1, 5)
            )
        return self.rows[("stay", scope)]

    def resident_in(self, scope, actor):
        """The scope's member living in the actor's place without a contract: whom a host may make a contract for."""
        if ("resident_in", scope, actor) not in self.rows:
            self.rows[("resident_in", scope, actor)] = services.stay_enter(
                actor=self.director_of(scope),
                place_id=self.place(scope, actor).pk,
                resident_id=self.member(scope).pk,
                entered_on=date(2026, 1, 5),
            )
        return self.rows[("resident_in", scope, actor)].resident

    def admission(self, scope, actor=""):
        """A candidate of the scope's household admitted on a place of its own and notified to the SIAO, per actor
        (each may make the one contract of the admission)."""
        if ("admission", scope, actor) not in self.rows:
            director = self.director_of(scope)
            place, _warning = services.place_create(
                actor=director,
                residence_id=self.residence(scope).pk,
                data={"label": f"A{actor}", "kind": "studio", "typology": "T1", "surface": Decimal("20")},
            )
            vacancy = services.vacancy_declare(actor=director, place_id=place.pk, declared_on=date(2026, 1, 5))
            orientation = services.orientation_receive(
                actor=director,
                vacancy_id=vacancy.pk,
                siao_reference=f"SIAO-A-{scope}",
                candidate_name="Candidat admis",
                received_on=date(2026, 1, 12),
                household_id=self.member(scope).household_id,
            )
            services.orientation_interview_add(
                actor=director,
                orientation_id=orientation.pk,
                held_on=date(2026, 1, 20),
                led_by_id=director.pk,
                attendance="came",
            )
            services.orientation_decide(
                actor=director, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 22)
            )
            self.rows[("admission", scope, actor)] = services.orientation_notify(
                actor=director, orientation_id=orientation.pk, notified_on=date(2026, 1, 23)
            )
        return self.rows[("admission", scope, actor)]

    def support(self, scope, actor=""):
        """A support to the scope's resident noted before kinds were asked (no kind), one per actor (each gives it
        one)."""
        if ("support", scope, actor) not in self.rows:
            stay = self.stay(scope)
            self.rows[("support", scope, actor)] = IndividualSupport.objects.create(
                organisation_id=stay.organisation_id,
                residence=self.residence(scope),
                resident_id=stay.resident_id,
                given_on=date(2026, 3, 2),
                note=f"Accompagné à la CAF ({actor})",
                created_by=self.director_of(scope),
            )
        return self.rows[("support", scope, actor)]

    def apl_maximum(self, scope):
        """The T1 maximum of 2024 of the scope's residence, 430.00 €, « à confirmer »."""
        if ("apl_maximum", scope) not in self.rows:
            self.rows[("apl_maximum", scope)] = services.apl_maximum_save(
                actor=self.director_of(scope),
                maximum=AplMaximum(residence=self.residence(scope), typology="T1", year=2024, amount=Decimal("430.00")),
            )
        return self.rows[("apl_maximum", scope)]

    def young_workers(self, scope):
        """A résidence sociale of the scope marked foyer de jeunes travailleurs, its CAF PSE of 2024 50 000.00 €."""
        if ("young_workers", scope) not in self.rows:
            director = self.director_of(scope)
            residence = services.residence_create(
                actor=director,
                data={
                    "name": f"Foyer {scope}",
                    "kind": "residence_sociale",
                    "young_workers": True,
                    "address": "3 rue des Jeunes Pousses",
                    "postal_code": "93000",
                    "city": "Bobigny",
                },
                host_ids=[self.host.pk] if scope == "own_team" else [],
            )
            services.young_workers_pse_record(
                actor=director, residence_id=residence.pk, year=2024, amount=Decimal("50000.00")
            )
            self.rows[("young_workers", scope)] = residence
        return self.rows[("young_workers", scope)]

    def contract(self, scope, active=True):
        """A contract of the scope's member on a place of its own: active, or to sign with its RI initialled."""
        if ("contract", scope, active) not in self.rows:
            director = self.director_of(scope)
            place, _warning = services.place_create(
                actor=director,
                residence_id=self.residence(scope).pk,
                data={"label": f"C{active}", "kind": "studio", "typology": "T1", "surface": Decimal("20")},
            )
            contract = services.contract_create(
                actor=director, place_id=place.pk, resident_id=self.member(scope).pk, starts_on=date(2026, 2, 2)
            )
            contract = services.contract_initial(
                actor=director, contract_id=contract.pk, ri_initialled_on=date(2026, 2, 2)
            )
            if active:
                contract = services.contract_activate(actor=director, contract_id=contract.pk)
            self.rows[("contract", scope, active)] = contract
        return self.rows[("contract", scope, active)]


def _houses(scenario) -> Houses:
    if not hasattr(scenario, "_residences"):
        scenario._residences = Houses(scenario._director_of, scenario.world.users["host"], scenario.member)
    return scenario._residences


def fillers(scenario, actor, scope):
    houses = _houses(scenario)
    return {
        "residence_id": lambda: houses.residence(scope).pk,
        "place_id": lambda: houses.place(scope, actor).pk,
        "stay_id": lambda: houses.stay(scope).pk,
        "vacancy_id": lambda: houses.vacancy(scope).pk,
        "orientation_id": lambda: houses.orientation(scope).pk,
        "admission_id": lambda: houses.admission(scope, actor).pk,
        "contract_id": lambda: houses.contract(scope).pk,
        "apl_maximum_id": lambda: houses.apl_maximum(scope).pk,
        "support_id": lambda: houses.support(scope, actor).pk,
    }


def route_fillers(route_name, scenario, actor, scope):
    """The parameters a page fills from rows of its own, over `fillers` (the residence of the PSE page is an FJT)."""
    if route_name == "residences:young_workers_pse":
        houses = _houses(scenario)
        return {"residence_id": lambda: houses.young_workers(scope).pk}
    return {}


def post_data(route_name, scenario, actor, scope):
    index = ACTORS.index(actor)
    if route_name == "residences:residence_edit":
        return {
            "name": f"Pension {scope} par {actor}",
            "kind": "pension_de_famille",
            "address": "12 rue",
            "postal_code": "13003",
            "city": "Marseille",
        }
    if route_name == "residences:place_create":
        return {"label": f"{actor}", "kind": "room", "typology": "T1", "surface": "15"}
    if route_name == "residences:place_edit":
        return {"label": "1", "kind": "studio", "typology": "T1", "surface": f"{20 + index}"}
    if route_name == "residences:house_rules_add":
        day = date(2026, 1, 5) + timedelta(days=index)
        return {"valid_from": day.isoformat(), "text": f"Règlement posé par {actor}"}
    if route_name == "residences:place_entry":
        return {"resident": scenario.member("own_team").pk, "entered_on": "2026-02-02"}
    if route_name == "residences:stay_exit":
        return {"left_on": "2026-03-02", "exit_destination": "unknown"}
    if route_name == "residences:stay_entry_situation":
        # each actor says another situation, so that a write is seen whatever was said before
        situations = EntrySituation.values  # eleven, one per actor
        return {"situation_before_entry": situations[index % len(situations)], "main_resource": "aah"}
    if route_name == "residences:vacancy_declare":
        return {"declared_on": "2026-01-05"}
    if route_name == "residences:orientation_add":
        return {
            "siao_reference": f"SIAO-{actor}",
            "candidate_name": f"Candidat de {actor}",
            "received_on": "2026-01-12",
        }
    if route_name == "residences:orientation_detail":
        day = date(2026, 1, 20) + timedelta(days=index)
        return {
            "step": "interview",
            "interview-held_on": day.isoformat(),
            "interview-led_by": scenario.world.users["host"].pk,
        }
    houses = _houses(scenario)
    if route_name == "residences:contract_create":
        return {"resident": houses.resident_in(scope, actor).pk, "starts_on": "2026-01-05"}
    if route_name == "residences:contract_from_orientation":
        return {"resident": scenario.member(scope).pk, "starts_on": "2026-02-02"}
    if route_name == "residences:contract_detail":
        return {
            "step": "guest",
            "guest-guest_name": f"Invité de {actor}",
            "guest-arrived_on": "2026-03-02",
            "guest-left_on": "2026-03-03",
        }
    if route_name == "residences:redevance_set":
        day = date(2026, 3, 1) + timedelta(days=index)
        # confirmed: an earlier actor's lines may be in force
        return {"valid_from": day.isoformat(), "rent_equivalent": "300,00", "charges": "50,00"} | CONFIRMED
    if route_name == "residences:activity_add":
        return {"held_on": "2026-03-02", "kind": "meal", "title": f"Repas de {actor}"}
    if route_name == "residences:support_add":
        resident = houses.stay(scope).resident_id
        return {"resident": resident, "given_on": "2026-03-02", "kind": "mediation", "note": f"Soutien de {actor}"}
    if route_name == "residences:support_kind":
        return {"kind": "isolation"}
    if route_name == "residences:apl_maxima":  # a T1 place, one year per actor
        houses.place(scope)
        return {"typology": "T1", "year": str(2000 + index), "amount": "400,00"}
    if route_name == "residences:apl_maximum_correct":
        return {"amount": f"{400 + index},00"} | CONFIRMED
    if route_name == "residences:young_workers_pse":  # one year per actor: a new record each
        return {"year": str(2000 + index), "amount": "50000,00"}
    if route_name == "residences:hosting_staff":  # one year per actor: a new record each
        return {"year": str(2000 + index), "fte": "1,50"}
    raise AssertionError(f"no POST data for {route_name}")


def state(route_name, scenario, actor, scope):
    houses = _houses(scenario)
    if route_name == "residences:residence_edit":
        return Residence.objects.get(pk=houses.residence(scope).pk).name
    if route_name == "residences:place_create":
        return Place.objects.filter(residence=houses.residence(scope)).count()
    if route_name == "residences:place_edit":
        return Place.objects.get(pk=houses.place(scope, actor).pk).surface
    if route_name == "residences:house_rules_add":
        return HouseRules.objects.filter(residence=houses.residence(scope)).count()
    if route_name == "residences:place_entry":
        return ResidenceStay.objects.filter(place=houses.place(scope, actor)).count()
    if route_name == "residences:stay_exit":
        return ResidenceStay.objects.get(pk=houses.stay(scope).pk).left_on
    if route_name == "residences:stay_entry_situation":
        stay = ResidenceStay.objects.get(pk=houses.stay(scope).pk)
        return (stay.situation_before_entry, stay.main_resource)
    if route_name == "residences:vacancy_declare":
        return Vacancy.objects.filter(place=houses.place(scope, actor)).count()
    if route_name == "residences:orientation_add":
        return Orientation.objects.filter(vacancy=houses.vacancy(scope)).count()
    if route_name == "residences:orientation_detail":
        return OrientationInterview.objects.filter(orientation=houses.orientation(scope)).count()
    if route_name == "residences:contract_create":
        return ResidenceContract.objects.filter(place=houses.place(scope, actor)).count()
    if route_name == "residences:contract_from_orientation":
        return ResidenceContract.objects.filter(orientation=houses.admission(scope, actor)).count()
    if route_name == "residences:contract_detail":
        return GuestStay.objects.filter(contract=houses.contract(scope)).count()
    if route_name == "residences:redevance_set":
        return RedevanceLine.objects.filter(contract=houses.contract(scope)).count()
    if route_name == "residences:activity_add":
        return HouseActivity.objects.filter(residence=houses.residence(scope)).count()
    if route_name == "residences:support_add":
        return IndividualSupport.objects.filter(residence=houses.residence(scope)).count()
    if route_name == "residences:support_kind":
        return IndividualSupport.objects.get(pk=houses.support(scope, actor).pk).kind
    if route_name == "residences:apl_maxima":
        return AplMaximum.objects.filter(residence=houses.residence(scope)).count()
    if route_name == "residences:apl_maximum_correct":
        return AplMaximum.objects.get(pk=houses.apl_maximum(scope).pk).amount
    if route_name == "residences:young_workers_pse":
        return YoungWorkersPse.objects.filter(residence=houses.young_workers(scope)).count()
    if route_name == "residences:hosting_staff":
        return HostingStaff.objects.filter(residence=houses.residence(scope)).count()
    raise AssertionError(f"no state for {route_name}")


# --- CSRF --------------------------------------------------------------------------------------------------


def _world_houses(world) -> Houses:
    if not hasattr(world, "_residences"):
        world._residences = Houses(
            lambda scope: world.users["director"],
            world.users["host"],
            lambda scope: world.own_household.members.first(),
        )
    return world._residences


def csrf_case(name, world):
    director = world.users["director"]
    houses = _world_houses(world)
    if name == "residences:residence_create":
        url = reverse(name)
        data = {"name": "Soleil", "kind": "residence_accueil", "address": "1 rue", "postal_code": "13001", "city": "M"}
        return CsrfCase(logged_in(director), url, url, data, lambda: Residence.objects.filter(name="Soleil").exists())
    residence = houses.residence("own_team")
    if name == "residences:residence_edit":
        url = reverse(name, args=[residence.pk])
        data = {
            "name": "Renommée",
            "kind": "pension_de_famille",
            "address": "1 rue",
            "postal_code": "13001",
            "city": "M",
        }
        return CsrfCase(
            logged_in(director), url, url, data, lambda: Residence.objects.get(pk=residence.pk).name == "Renommée"
        )
    if name == "residences:place_create":
        url = reverse(name, args=[residence.pk])
        data = {"label": "CSRF", "kind": "room", "typology": "T1", "surface": "15"}
        return CsrfCase(logged_in(director), url, url, data, lambda: Place.objects.filter(label="CSRF").exists())
    if name == "residences:place_edit":
        place = houses.place("own_team")
        url = reverse(name, args=[place.pk])
        data = {"label": "1", "kind": "studio", "typology": "T2", "surface": "20"}
        return CsrfCase(logged_in(director), url, url, data, lambda: Place.objects.get(pk=place.pk).typology == "T2")
    if name == "residences:house_rules_add":
        url = reverse(name, args=[residence.pk])
        data = {"valid_from": "2026-01-05", "text": "Article CSRF"}
        return CsrfCase(
            logged_in(director),
            url,
            url,
            data,
            lambda: HouseRules.objects.filter(residence=residence, text="Article CSRF").exists(),
        )
    if name == "residences:place_entry":
        place = houses.place("own_team")
        url = reverse(name, args=[place.pk])
        data = {"resident": world.own_household.members.first().pk, "entered_on": "2026-02-02"}
        return CsrfCase(logged_in(director), url, url, data, lambda: ResidenceStay.objects.filter(place=place).exists())
    if name == "residences:stay_exit":
        stay = houses.stay("own_team")
        url = reverse(name, args=[stay.pk])
        data = {"left_on": "2026-03-02", "exit_destination": "unknown"}
        return CsrfCase(
            logged_in(director), url, url, data, lambda: ResidenceStay.objects.get(pk=stay.pk).left_on is not None
        )
    if name == "residences:stay_entry_situation":
        stay = houses.stay("own_team")
        url = reverse(name, args=[stay.pk])
        data = {"situation_before_entry": "third_party", "main_resource": "rsa"}
        return CsrfCase(
            logged_in(director),
            url,
            url,
            data,
            lambda: ResidenceStay.objects.get(pk=stay.pk).situation_before_entry == "third_party",
        )
    if name == "residences:vacancy_declare":
        place = houses.place("own_team", "csrf")
        url = reverse(name, args=[place.pk])
        return CsrfCase(
            logged_in(director),
            url,
            url,
            {"declared_on": "2026-01-05"},
            lambda: Vacancy.objects.filter(place=place).exists(),
        )
    if name == "residences:orientation_add":
        vacancy = houses.vacancy("own_team")
        url = reverse(name, args=[vacancy.pk])
        data = {"siao_reference": "SIAO-CSRF", "candidate_name": "Candidat", "received_on": "2026-01-12"}
        return CsrfCase(
            logged_in(director), url, url, data, lambda: Orientation.objects.filter(siao_reference="SIAO-CSRF").exists()
        )
    if name == "residences:orientation_detail":
        orientation = houses.orientation("own_team")
        url = reverse(name, args=[orientation.pk])
        data = {"step": "interview", "interview-held_on": "2026-01-20", "interview-led_by": director.pk}
        return CsrfCase(
            logged_in(director),
            url,
            url,
            data,
            lambda: OrientationInterview.objects.filter(orientation=orientation).exists(),
        )
    if name == "residences:contract_create":
        place = houses.place("own_team", "csrf")
        url = reverse(name, args=[place.pk])
        data = {"resident": world.own_household.members.first().pk, "starts_on": "2026-02-02"}
        return CsrfCase(
            logged_in(director), url, url, data, lambda: ResidenceContract.objects.filter(place=place).exists()
        )
    if name == "residences:contract_from_orientation":
        admission = houses.admission("own_team")
        url = reverse(name, args=[admission.pk])
        data = {"resident": world.own_household.members.first().pk, "starts_on": "2026-02-02"}
        return CsrfCase(
            logged_in(director),
            url,
            url,
            data,
            lambda: ResidenceContract.objects.filter(orientation=admission).exists(),
        )
    if name == "residences:contract_detail":  # the activation, irreversible: confirmed
        contract = houses.contract("own_team", active=False)
        url = reverse(name, args=[contract.pk])
        return CsrfCase(
            logged_in(director),
            url,
            url,
            {"step": "activate"} | CONFIRMED,
            lambda: ResidenceContract.objects.get(pk=contract.pk).status == "active",
        )
    if name == "residences:redevance_set":  # lines in force are replaced: confirmed
        contract = houses.contract("own_team")
        services.redevance_set(
            actor=director,
            contract_id=contract.pk,
            valid_from=date(2026, 2, 2),
            lines=[{"kind": "equivalence_loyer", "label": "", "amount": Decimal("300.00")}],
        )
        url = reverse(name, args=[contract.pk])
        data = {"valid_from": "2026-04-01", "rent_equivalent": "310,00", "charges": "50,00"} | CONFIRMED
        return CsrfCase(
            logged_in(director),
            url,
            url,
            data,
            lambda: RedevanceLine.objects.filter(contract=contract, valid_from=date(2026, 4, 1)).exists(),
        )
    if name == "residences:activity_add":
        url = reverse(name, args=[residence.pk])
        data = {"held_on": "2026-03-02", "kind": "garden", "title": "Jardin"}
        return CsrfCase(
            logged_in(director), url, url, data, lambda: HouseActivity.objects.filter(residence=residence).exists()
        )
    if name == "residences:support_add":
        url = reverse(name, args=[residence.pk])
        data = {
            "resident": houses.stay("own_team").resident_id,
            "given_on": "2026-03-02",
            "kind": "mediation",
            "note": "CAF",
        }
        return CsrfCase(
            logged_in(director), url, url, data, lambda: IndividualSupport.objects.filter(residence=residence).exists()
        )
    if name == "residences:support_kind":
        support = houses.support("own_team", "csrf")
        url = reverse(name, args=[support.pk])
        return CsrfCase(
            logged_in(director),
            url,
            url,
            {"kind": "mediation"},
            lambda: IndividualSupport.objects.get(pk=support.pk).kind == "mediation",
        )
    if name == "residences:apl_maxima":
        houses.place("own_team")  # a T1 place
        url = reverse(name, args=[residence.pk])
        data = {"typology": "T1", "year": "2025", "amount": "431,00"}
        return CsrfCase(
            logged_in(director),
            url,
            url,
            data,
            lambda: AplMaximum.objects.filter(residence=residence, year=2025).exists(),
        )
    if name == "residences:apl_maximum_correct":  # replaces a recorded value: confirmed
        maximum = houses.apl_maximum("own_team")
        url = reverse(name, args=[maximum.pk])
        return CsrfCase(
            logged_in(director),
            url,
            url,
            {"amount": "433,00"} | CONFIRMED,
            lambda: AplMaximum.objects.get(pk=maximum.pk).amount == Decimal("433.00"),
        )
    if name == "residences:young_workers_pse":  # corrects the PSE of 2024 recorded: confirmed
        fjt = houses.young_workers("own_team")
        url = reverse(name, args=[fjt.pk])
        return CsrfCase(
            logged_in(director),
            url,
            url,
            {"year": "2024", "amount": "51000,00"} | CONFIRMED,
            lambda: YoungWorkersPse.objects.get(residence=fjt, year=2024).amount == Decimal("51000.00"),
        )
    if name == "residences:hosting_staff":
        url = reverse(name, args=[residence.pk])
        return CsrfCase(
            logged_in(director),
            url,
            url,
            {"year": "2024", "fte": "1,50"},
            lambda: HostingStaff.objects.filter(residence=residence, year=2024).exists(),
        )
    raise AssertionError(f"no CSRF case for {name}")


def post_probe_values(world):
    houses = _world_houses(world)
    return {
        "residence_id": houses.residence("own_team").pk,
        "place_id": houses.place("own_team").pk,
        "stay_id": houses.stay("own_team").pk,
        "vacancy_id": houses.vacancy("own_team").pk,
        "orientation_id": houses.orientation("own_team").pk,
        "admission_id": houses.admission("own_team", "probe").pk,
        "contract_id": houses.contract("own_team").pk,
        "apl_maximum_id": houses.apl_maximum("own_team").pk,
        "support_id": houses.support("own_team", "probe").pk,
    }
