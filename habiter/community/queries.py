"""Reads of the councils shared by pages, scoped to the acting user's organisation and rights: a row out of reach
is not found (404), exactly like a missing one."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Prefetch,
    Q,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from habiter.core.legal_queries import legal_parameters
from habiter.core.models import Role, User
from habiter.people.models import Person
from habiter.people.queries import households_visible_to
from habiter.residences import rules as residence_rules
from habiter.residences.models import ContractStatus, ResidenceContract, ResidenceStay

from . import rules
from .models import (
    AgendaItem,
    Agreement,
    Attendance,
    Candidacy,
    Council,
    CouncilMember,
    Election,
    ElectionCollege,
    ElectionStatus,
    GradingCampaign,
    LegalBasis,
    Meeting,
    MeetingAction,
    MemberRole,
    ObjectiveAnswer,
    Partner,
    PartnerSeat,
    QuestionKind,
    StrategicProject,
    Survey,
    SurveyAnswer,
)


def councils_for(user):
    """The councils the user may read: the organisation's, a host's own residences' only."""
    if not user.has_perm("community.view_council"):
        return Council.objects.none()
    councils = Council.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.HOST:
        councils = councils.filter(residence__hosts=user)
    return councils


def councils_managed_by(user):
    """The councils the user manages: a director every council of the organisation, a host those of the residences
    they are host of."""
    if not user.has_perm("community.manage_council"):
        return Council.objects.none()
    councils = Council.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.HOST:
        councils = councils.filter(residence__hosts=user)
    return councils


def can_manage(user, council) -> bool:
    return councils_managed_by(user).filter(pk=council.pk).exists()


def legal_params():
    return legal_parameters()


def council_list(user):
    return (
        councils_for(user)
        .select_related("residence")
        .annotate(
            member_count=Count("members", distinct=True),
            upcoming_meetings=Count("meetings", filter=Q(meetings__starts_at__gte=timezone.now()), distinct=True),
        )
        .order_by("name", "id")
    )


def council_for_page(user, council_id) -> Council:
    return (
        councils_for(user)
        .select_related("residence")
        .prefetch_related(
            Prefetch("members", queryset=CouncilMember.objects.select_related("user", "person").order_by("role", "id")),
            Prefetch("meetings", queryset=Meeting.objects.order_by("-starts_at")),
            Prefetch("elections", queryset=Election.objects.order_by("-vote_on")),
        )
        .get(pk=council_id)
    )


def meeting_for_page(user, meeting_id) -> Meeting:
    return (
        Meeting.objects.select_related("council__residence")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("member__user", "member__person", "person", "entered_by"),
            ),
            Prefetch(
                "attendances", queryset=Attendance.objects.select_related("member__user", "member__person", "person")
            ),
            "decisions",
            "actions",
        )
        .get(pk=meeting_id, council__in=councils_for(user).values("pk"))
    )


def action_for_page(user, action_id) -> MeetingAction:
    return MeetingAction.objects.select_related("meeting__council").get(
        pk=action_id, meeting__council__in=councils_for(user).values("pk")
    )


def election_for_page(user, election_id) -> Election:
    return (
        Election.objects.select_related("council__residence")
        .prefetch_related(
            "electors",
            Prefetch("candidacies", queryset=Candidacy.objects.select_related("elector").order_by("created_at")),
        )
        .get(pk=election_id, council__in=councils_for(user).values("pk"))
    )


def members_on(council, on: date) -> list[CouncilMember]:
    """The council's members whose term covers `on` (prefetched members if the council was read for its page)."""
    return [m for m in council.members.all() if rules.term_active(m.term_start, m.term_end, on)]


def person_choices(user, council):
    """The persons the user may name in a council: members of the households they follow and, for a council of a
    residence, its residents of today."""
    persons = Q(household__in=households_visible_to(user).values("pk"))
    if council.residence_id is not None:
        residents = ResidenceStay.objects.filter(place__residence_id=council.residence_id, left_on__isnull=True)
        persons |= Q(pk__in=residents.values("resident_id"))
    return Person.objects.filter(persons, organisation_id=user.organisation_id).order_by("last_name", "first_name")


def residents_under_contract(residence_id, on: date) -> list[Person]:
    """The residents of a residence holding a contract in force on `on` (W13: a signed contract begun by then, on a
    stay that covers the day), each once: the electors of its council's roll, the residents who may come to its
    meetings. A resident living there without a contract is not one of them."""
    stays = ResidenceStay.objects.filter(
        place__residence_id=residence_id,
        entered_on__lte=on,
        contract__isnull=False,  # a contract's stay begins when it is signed
        contract__starts_on__lte=on,
    ).select_related("resident")
    residents = {
        stay.resident_id: stay.resident
        for stay in stays
        if residence_rules.stay_covers(stay.entered_on, stay.left_on, on)
    }
    return sorted(residents.values(), key=lambda p: (p.last_name, p.first_name, str(p.pk)))


def attendance_residents(meeting) -> list[Person]:
    """The residents who may be noted present at a meeting of a residence's council besides its members (a Conseil
    de Maison is open to all the residents): those holding a contract in force on the meeting day who are not
    members of the council that day. None for a council without a residence."""
    council = meeting.council
    if council.residence_id is None:
        return []
    day = timezone.localtime(meeting.starts_at).date()
    members = {
        m.person_id
        for m in CouncilMember.objects.filter(council_id=council.pk, person__isnull=False)
        if rules.term_active(m.term_start, m.term_end, day)
    }
    return [p for p in residents_under_contract(council.residence_id, day) if p.pk not in members]


@dataclass(frozen=True)
class RollLine:
    person: object
    name: str
    birth_date: date | None
    user: object = None


# The roles whose accounts are not employees of the association (W17: the professionals' representative is elected
# by the employees): the volunteers (their own council elects theirs, W21) and the lawyers of the legal desk, who come
# from their bar.
NOT_EMPLOYEES = (Role.VOLUNTEER, Role.LAWYER)


def staff_roll_on(organisation_id, on: date) -> list[RollLine]:
    """The roll of the professionals' college of a statutory CVS as of `on` (W17, D311-13: every employee elects
    the professionals' representative): the accounts of the organisation opened on or before `on` (their
    `date_joined`, that day included) and still active when the roll is frozen, whatever their role but a
    volunteer's or a lawyer's (`NOT_EMPLOYEES`); an account of another organisation never. An account is all Habiter
    knows of an employee — neither a hiring date (the director types « en poste depuis » on the roll) nor the
    establishment they work in — so an employee without an account is not on the roll, and an account closed
    before the roll is frozen is not either."""
    users = (
        User.objects.filter(organisation_id=organisation_id, is_active=True, date_joined__date__lte=on)
        .exclude(role__in=NOT_EMPLOYEES)
        .only("pk", "first_name", "last_name", "username")
    )
    lines = [RollLine(None, f"{u.last_name} {u.first_name}".strip() or u.username, None, u) for u in users]
    return sorted(lines, key=lambda line: (line.name, str(line.user.pk)))


def roll_on(election, on: date) -> list[RollLine]:
    """The electoral roll as of `on` (W21 step 2): for the professionals' college, the staff (`staff_roll_on`);
    for a council of a residence, the residents holding a contract in force that day (W13: a signed contract begun
    by then, on a stay that covers the day); otherwise the council's members who are not staff — persons, names
    entered and volunteers (the election of the volunteers' representative, W21) — with a term covering it."""
    council = election.council
    if election.college == ElectionCollege.PROFESSIONALS:
        return staff_roll_on(council.organisation_id, on)
    if council.residence_id is not None:
        lines = [
            RollLine(resident, f"{resident.last_name} {resident.first_name}", resident.birth_date)
            for resident in residents_under_contract(council.residence_id, on)
        ]
        return sorted(lines, key=lambda line: line.name)
    members = (
        CouncilMember.objects.filter(council=council)
        .filter(Q(user__isnull=True) | Q(user__role=Role.VOLUNTEER))
        .select_related("person", "user")
    )
    lines = []
    for member in members:
        if rules.term_active(member.term_start, member.term_end, on):
            if member.user_id:
                lines.append(RollLine(None, f"{member.user.last_name} {member.user.first_name}", None))
            elif member.person_id:
                person = member.person
                lines.append(RollLine(person, f"{person.last_name} {person.first_name}", person.birth_date))
            else:
                lines.append(RollLine(None, member.name, None))
    return sorted(lines, key=lambda line: line.name)


def council_alerts(council, today: date) -> dict:
    """What the council's page flags: the year's meetings below the statutory minimum of its basis (W15, W18, W12),
    the members whose term ends soon, the last election of each college when it ended in a carence (a new one is
    due, W13), the soonest due first: the persons' election does not make up for the professionals' (W17)."""
    params = legal_params()
    meetings = [m for m in council.meetings.all() if timezone.localtime(m.starts_at).year == today.year]
    minimum = rules.meetings_short_of_minimum(council.legal_basis, len(meetings), today.year, params)
    ending = [m for m in council.members.all() if rules.term_ends_soon(m.term_end, today, params)]
    last = {}
    for election in council.elections.all():  # newest vote first
        last.setdefault(election.college, election)
    carences = sorted(
        (e for e in last.values() if e.status == ElectionStatus.CARENCE), key=lambda e: (e.new_election_due, e.college)
    )
    return {"minimum": minimum, "meetings_this_year": len(meetings), "ending": ending, "carences": carences}


# W12: a contract « en cours » or « en préavis » is still valid; one « à signer » is not yet.
VALID_CONTRACT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.NOTICE)


@dataclass(frozen=True)
class ConcertationCheck:
    """The W12 checks of a conseil de concertation: its composition (a rules code), its last meeting held and
    whether the next is overdue, and, for a council of a residence, the contracts in force against the threshold."""

    resident_reps: int
    manager_reps: int
    owner_reps: int
    composition_error: str | None
    last_meeting_on: date | None
    overdue: bool
    active_contracts: int | None
    threshold: int
    required: bool | None


def _concertation_check(*, sides: dict, last_meeting_on, constituted_on, today, active_contracts, params):
    per_year = params.integer(rules.CONCERTATION_MEETINGS_KEY, today)
    months = params.integer(rules.CONCERTATION_FIRST_MEETING_KEY, today)
    threshold = params.integer(rules.CONCERTATION_MIN_RESIDENTS_KEY, today)
    residents, manager, owner = (sides[k] for k in (rules.RESIDENTS_SIDE, rules.MANAGER_SIDE, rules.OWNER_SIDE))
    return ConcertationCheck(
        resident_reps=residents,
        manager_reps=manager,
        owner_reps=owner,
        composition_error=rules.concertation_composition_error(residents, manager, owner),
        last_meeting_on=last_meeting_on,
        overdue=rules.concertation_meeting_overdue(
            last_meeting_on, constituted_on, today, months=months, per_year=per_year
        ),
        active_contracts=active_contracts,
        threshold=threshold,
        required=None if active_contracts is None else rules.concertation_required(active_contracts, threshold),
    )


def active_contract_count(residence_id) -> int:
    return ResidenceContract.objects.filter(
        place__residence_id=residence_id, status__in=VALID_CONTRACT_STATUSES
    ).count()


CONSULTATIONS_OFFERED = 12  # the latest meetings offered to link a new RI version to


def rules_consultation(residence, today: date):
    """For `residences`' registry: whether a new version of the residence's règlement intérieur must be linked to a
    consultation of its conseil de concertation (W12: from the table's threshold of residents holding a contract in
    force), and the meetings already held of its conseils de concertation, newest first."""
    from habiter.residences.registry import RulesConsultation

    active = active_contract_count(residence.pk)
    threshold = legal_parameters().integer(rules.CONCERTATION_MIN_RESIDENTS_KEY, today)
    meetings = Meeting.objects.filter(
        council__residence_id=residence.pk,
        council__legal_basis=LegalBasis.CCH_CONSEIL_CONCERTATION,
        starts_at__lte=timezone.now(),
    ).select_related("council")[:CONSULTATIONS_OFFERED]
    # W1: in an ESSMS the RI is revised with the CVS (CASF L311-6), not the L633 conseil de concertation.
    required = not residence.is_essms and rules.concertation_required(active, threshold)
    reason = (
        _(
            "%(count)d résidents sont titulaires d'un contrat : le conseil de concertation est consulté sur toute "
            "révision du règlement intérieur (CCH L633-4). Choisissez la réunion où il l'a été."
        )
        % {"count": active}
        if required
        else ""
    )
    return RulesConsultation(required=required, reason=reason, choices=tuple((str(m.pk), str(m)) for m in meetings))


def concertation_check(council, today: date) -> ConcertationCheck | None:
    """The W12 checks of a council read for its page (members and meetings prefetched), None unless its legal
    basis is the conseil de concertation (W15). The council is constituted when its first member's term starts
    (its creation day when it has none); the members counted are those whose term covers today."""
    if council.legal_basis != LegalBasis.CCH_CONSEIL_CONCERTATION or _in_essms(council):
        return None
    members = list(council.members.all())
    sides = {rules.RESIDENTS_SIDE: 0, rules.MANAGER_SIDE: 0, rules.OWNER_SIDE: 0}
    for member in members:
        side = rules.CONCERTATION_SIDES.get(member.role)
        if side and rules.term_active(member.term_start, member.term_end, today):
            sides[side] += 1
    now = timezone.now()
    held = [timezone.localtime(m.starts_at).date() for m in council.meetings.all() if m.starts_at <= now]
    constituted_on = min((m.term_start for m in members), default=timezone.localdate(council.created_at))
    return _concertation_check(
        sides=sides,
        last_meeting_on=max(held, default=None),
        constituted_on=constituted_on,
        today=today,
        active_contracts=None if council.residence_id is None else active_contract_count(council.residence_id),
        params=legal_params(),
    )


def _in_essms(council) -> bool:
    """W1 (CCH L633-5): the L633 checks are off in a residence that is an ESSMS (the CASF's CVS applies there)."""
    return council.residence_id is not None and council.residence.is_essms


def l633_checks_off(council) -> bool:
    """A conseil de concertation or comité de résidents of a residence that is now an ESSMS: its checks are off."""
    return council.legal_basis in rules.CCH_BASES and _in_essms(council)


@dataclass(frozen=True)
class ComiteCheck:
    """W13: the members of an elected comité de résidents whose term covers today (substitutes and staff apart),
    against the 3 to 6 of décret 2016-300."""

    members: int
    minimum: int
    maximum: int
    error: str | None


COMITE_STAFF_ROLES = (MemberRole.SUBSTITUTE, MemberRole.STAFF_REP, MemberRole.MANAGER_REP, MemberRole.OWNER_REP)


def comite_check(council, today: date) -> ComiteCheck | None:
    """The W13 size check of a comité de résidents read for its page (members prefetched); None for any other basis
    or in an ESSMS (W1)."""
    if council.legal_basis != LegalBasis.CCH_COMITE_RESIDENTS or _in_essms(council):
        return None
    members = sum(
        1
        for member in council.members.all()
        if member.role not in COMITE_STAFF_ROLES
        and member.user_id is None
        and rules.term_active(member.term_start, member.term_end, today)
    )
    params = legal_params()
    minimum, maximum = rules.comite_size_bounds(today, params)
    return ComiteCheck(members, minimum, maximum, rules.comite_size_error(members, today, params))


def concertation_alerts(user, today: date) -> list[tuple]:
    """`(council, ConcertationCheck)` for the conseils de concertation the user manages that are overdue or badly
    composed. One query, whatever the number of councils (the contracts are not counted here)."""
    active = Q(members__term_start__lte=today) & (Q(members__term_end__isnull=True) | Q(members__term_end__gte=today))

    def reps(side):
        roles = [role for role, s in rules.CONCERTATION_SIDES.items() if s == side]
        return Count("members", filter=active & Q(members__role__in=roles), distinct=True)

    councils = (
        councils_managed_by(user)
        .filter(legal_basis=LegalBasis.CCH_CONSEIL_CONCERTATION)
        .exclude(residence__is_essms=True)  # W1: no L633 body in an ESSMS
        .annotate(
            residents=reps(rules.RESIDENTS_SIDE),
            manager=reps(rules.MANAGER_SIDE),
            owner=reps(rules.OWNER_SIDE),
            last_meeting=Max("meetings__starts_at", filter=Q(meetings__starts_at__lte=timezone.now())),
            first_term=Min("members__term_start"),
        )
        .order_by("name", "id")
    )
    params = legal_params()
    alerts = []
    for council in councils:
        check = _concertation_check(
            sides={
                rules.RESIDENTS_SIDE: council.residents,
                rules.MANAGER_SIDE: council.manager,
                rules.OWNER_SIDE: council.owner,
            },
            last_meeting_on=council.last_meeting and timezone.localtime(council.last_meeting).date(),
            constituted_on=council.first_term or timezone.localdate(council.created_at),
            today=today,
            active_contracts=None,
            params=params,
        )
        if check.overdue or check.composition_error:
            alerts.append((council, check))
    return alerts


def open_actions(council, today: date) -> list[dict]:
    actions = MeetingAction.objects.filter(meeting__council=council, done_on__isnull=True).select_related("meeting")
    return [
        {"action": a, "overdue": rules.action_overdue(a.due_on, a.done_on, today)}
        for a in actions.order_by("due_on", "id")
    ]


def home_panel(user, today: date) -> dict:
    """For a director or a host: the next meetings of the councils they manage (four weeks ahead) and the terms that
    end soon, and the conseils de concertation overdue or badly composed (W12). Three queries."""
    councils = councils_managed_by(user).values("pk")
    start = timezone.now()
    meetings = list(
        Meeting.objects.filter(council__in=councils, starts_at__gte=start, starts_at__lt=start + timedelta(days=28))
        .select_related("council")
        .order_by("starts_at")[:10]
    )
    params = legal_params()
    notice = params.integer(rules.RENEWAL_NOTICE_KEY, today)
    members = CouncilMember.objects.filter(
        council__in=councils, term_end__gte=today, term_end__lte=today + timedelta(days=notice)
    ).select_related("council", "user", "person")
    return {
        "meetings": meetings,
        "ending": list(members.order_by("term_end", "id")),
        "concertation": concertation_alerts(user, today),
    }


# --- the association's project and the grading of its objectives -------------------------------------------------


def projects_for(user):
    """The organisation's projects, for the staff who may read them; none otherwise."""
    if not user.has_perm("community.view_objectives"):
        return StrategicProject.objects.none()
    return StrategicProject.objects.filter(organisation_id=user.organisation_id)


def project_list(user) -> list:
    return list(projects_for(user).annotate(objective_count=Count("objectives", distinct=True)))


def project_for_page(user, project_id) -> StrategicProject:
    """The project with its axes and objectives; DoesNotExist out of reach."""
    return projects_for(user).prefetch_related("axes", "objectives__axis", "campaigns").get(pk=project_id)


def campaigns_for(user):
    return GradingCampaign.objects.filter(project__in=projects_for(user).values("pk"))


def campaign_for_page(user, campaign_id) -> GradingCampaign:
    return campaigns_for(user).select_related("project").get(pk=campaign_id)


@dataclass
class ObjectiveResult:
    """The counts of one objective in one campaign, their shares over everyone who answered, and its grade."""

    achieved: int = 0
    not_achieved: int = 0
    shared: int = 0

    @property
    def total(self) -> int:
        return self.achieved + self.not_achieved + self.shared

    @property
    def grade(self) -> str:
        return rules.objective_grade(self.achieved, self.not_achieved, self.shared)

    @property
    def achieved_percent(self) -> int:
        return rules.percent(self.achieved, self.total)

    @property
    def not_achieved_percent(self) -> int:
        return rules.percent(self.not_achieved, self.total)

    @property
    def shared_percent(self) -> int:
        return rules.percent(self.shared, self.total)


def results(campaigns) -> dict:
    """`{(campaign id, objective id): ObjectiveResult}` for the campaigns given; one query."""
    counts: dict = {}
    rows = (
        ObjectiveAnswer.objects.filter(campaign__in=campaigns)
        .values("campaign_id", "objective_id", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        result = counts.setdefault((row["campaign_id"], row["objective_id"]), ObjectiveResult())
        setattr(result, row["value"], row["n"])
    return counts


def campaign_results(campaign) -> list[tuple]:
    """`(objective, ObjectiveResult)` for every objective of the campaign's project, in the project's order."""
    counts = results([campaign])
    objectives = campaign.project.objectives.select_related("axis")
    return [(o, counts.get((campaign.pk, o.pk), ObjectiveResult())) for o in objectives]


def sheet_count(campaign) -> int:
    """How many participants answered (one sheet each)."""
    return campaign.answers.values("sheet").distinct().count()


def sheet_counts(campaign) -> tuple[int, int]:
    """How many participants answered, and how many of them through the campaign's link; one query."""
    counts = campaign.answers.aggregate(
        total=Count("sheet", distinct=True), by_link=Count("sheet", distinct=True, filter=Q(by_link=True))
    )
    return counts["total"], counts["by_link"]


def campaign_for_link(link_key: str) -> GradingCampaign:
    """The campaign answered through its link, open or closed (the page says it is closed), with its project's
    objectives; DoesNotExist for an unknown key or a link turned off."""
    if not link_key:
        raise GradingCampaign.DoesNotExist
    return (
        GradingCampaign.objects.select_related("project").prefetch_related("project__objectives").get(link_key=link_key)
    )


def project_comparison(project) -> list[dict]:
    """Per objective of the project, its result in each campaign, oldest first: the rows of the comparison chart
    and its table. Two queries."""
    campaigns = list(project.campaigns.all())
    counts = results([c.pk for c in campaigns])
    return [
        {
            "objective": objective,
            "campaigns": [(c, counts.get((c.pk, objective.pk), ObjectiveResult())) for c in campaigns],
        }
        for objective in project.objectives.all()
    ]


# --- partners and their agreements ---------------------------------------------------------------------------------


def partners_for(user):
    """The organisation's partners, for the staff who may read them; none otherwise."""
    if not user.has_perm("community.view_partners"):
        return Partner.objects.none()
    return Partner.objects.filter(organisation_id=user.organisation_id)


def partner_list(user, kind: str = "") -> list:
    rows = partners_for(user).annotate(agreement_count=Count("agreements", distinct=True))
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows)


def partner_for_page(user, partner_id) -> Partner:
    """The partner with its contacts, agreements and the association's seats in its bodies; DoesNotExist out of
    reach."""
    return (
        partners_for(user)
        .prefetch_related("contacts", "agreements", Prefetch("seats", queryset=_seats().order_by("-started_on", "id")))
        .get(pk=partner_id)
    )


def _seats():
    return PartnerSeat.objects.select_related("member", "partner")


def seat_for(user, seat_id) -> PartnerSeat:
    """A representation at a partner the user may read; DoesNotExist out of reach."""
    return _seats().get(pk=seat_id, partner__in=partners_for(user))


def representations(user, today: date, *, past: bool = False) -> list:
    """Who sits for the association in which partner body: the current seats (or the ended ones with `past`), by
    body. One query."""
    seats = _seats().filter(partner__in=partners_for(user))
    if past:
        return list(seats.filter(ended_on__lt=today).order_by("-ended_on", "body", "id"))
    return list(
        seats.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today).order_by(
            "body", "partner__name", "started_on", "id"
        )
    )


def seat_member_choices(user):
    """Who may sit for the association: the active accounts of the organisation, staff and volunteers."""
    return User.objects.filter(organisation_id=user.organisation_id, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def agreement_for(user, agreement_id) -> Agreement:
    """An agreement of a partner the user may read; DoesNotExist out of reach."""
    return Agreement.objects.select_related("partner").get(pk=agreement_id, partner__in=partners_for(user))


AGREEMENT_PANEL_SIZE = 10


def _days(field: str):
    """A number of days held in an integer column, as a duration the database adds to a date (SQLite multiplies a
    duration by an `IntegerField` only: hence the cast)."""
    return ExpressionWrapper(Cast(field, IntegerField()) * Value(timedelta(days=1)), output_field=DurationField())


def agreements_to_renew(user, today: date) -> dict:
    """The agreements whose renewal date (or, without one, end) falls within their own notice
    (`renewal_notice_days`) or has passed — `rules.agreement_status`'s « renewal_due », computed by the database —
    and that have not ended more than that notice ago: the first ten by date and their count. Two queries."""
    notice = _days("renewal_notice_days")
    rows = (
        Agreement.objects.filter(partner__in=partners_for(user).values("pk"))
        .annotate(alert_date=Coalesce("renewal_on", "ends_on"))
        .alias(
            alert_from=ExpressionWrapper(F("alert_date") - notice, output_field=DateField()),
            kept_until=ExpressionWrapper(F("ends_on") + notice, output_field=DateField()),
        )
        .filter(alert_date__isnull=False, alert_from__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(kept_until__gte=today))
    )
    shown = list(rows.select_related("partner").order_by("alert_date", "id")[:AGREEMENT_PANEL_SIZE])
    count = len(shown) if len(shown) < AGREEMENT_PANEL_SIZE else rows.count()
    return {
        "agreements": [{"agreement": a, "overdue": a.alert_date < today} for a in shown],
        "count": count,
    }


# --- surveys ---------------------------------------------------------------------------------------------------------


def surveys_for(user):
    """The organisation's surveys, for the staff who may read them; none otherwise."""
    if not user.has_perm("community.view_surveys"):
        return Survey.objects.none()
    return Survey.objects.filter(organisation_id=user.organisation_id)


def survey_list(user) -> list:
    return list(surveys_for(user).annotate(response_count=Count("responses")))


def survey_for_page(user, survey_id) -> Survey:
    """The survey with its questions; DoesNotExist out of reach."""
    return surveys_for(user).prefetch_related("questions").get(pk=survey_id)


def survey_for_link(link_key: str) -> Survey:
    """The survey answered through its link, while it is open; DoesNotExist otherwise."""
    survey = Survey.objects.prefetch_related("questions").get(link_key=link_key)
    if not survey.open_on(timezone.localdate()):
        raise Survey.DoesNotExist
    return survey


@dataclass
class QuestionResult:
    question: object
    counts: list  # [(answer, count, percent of the question's answers)] for a scale or a choice
    texts: list  # the free answers, by day of answer
    answered: int
    mean: Decimal | None = None  # a scale's average, one decimal


def survey_results(survey) -> tuple[int, list[QuestionResult]]:
    """The number of responses and, per question (from `survey_for_page`), its counts or its free answers. Two
    queries whatever the number of answers (the values, the count of responses)."""
    values: dict = {}
    for question_id, value in (
        SurveyAnswer.objects.filter(response__survey=survey)
        .values_list("question_id", "value")
        .order_by("response__submitted_on", "response_id")
    ):
        values.setdefault(question_id, []).append(value)
    results = []
    for question in survey.questions.all():
        given = values.get(question.pk, [])
        if question.kind == QuestionKind.TEXT:
            results.append(QuestionResult(question, [], given, len(given)))
            continue
        scale = question.kind == QuestionKind.SCALE
        options = ["1", "2", "3", "4", "5"] if scale else question.option_list
        counts = [(option, given.count(option)) for option in options]
        rows = [(option, count, rules.percent(count, len(given))) for option, count in counts]
        mean = None
        if scale and given:
            mean = (Decimal(sum(int(v) for v in given)) / len(given)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        results.append(QuestionResult(question, rows, [], len(given), mean))
    return survey.responses.count(), results


def survey_responses(survey) -> list:
    """The survey's responses with their answers, in the order given (two queries)."""
    return list(survey.responses.prefetch_related("answers").order_by("submitted_on", "id"))
