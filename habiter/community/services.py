"""Every write of the councils and elections: permission, one transaction, validation, audit."""

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from habiter.core.audit import audit_record
from habiter.core.dates import add_months
from habiter.core.models import User
from habiter.residences.queries import residences_for

from . import queries, rules
from .council_followup import check_rhythm
from .models import (
    AgendaItem,
    AnswerValue,
    Attendance,
    Candidacy,
    Council,
    CouncilMember,
    Election,
    ElectionCollege,
    ElectionStatus,
    Elector,
    GradingCampaign,
    LegalBasis,
    MeetingAction,
    MeetingDecision,
    MemberRole,
    ObjectiveAnswer,
    ParticipantCategory,
    Presence,
    ProjectAxis,
    StrategicObjective,
    StrategicProject,
    TieRule,
)
from .models import Meeting as MeetingModel

COUNCIL_FIELDS = ("name", "kind", "legal_basis", "purpose")
ELECTION_FIELDS = (
    "title",
    "college",
    "seats",
    "substitute_seats",
    "term_months",
    "roll_date",
    "candidacy_deadline",
    "vote_on",
    "place",
    "tie_rule",
)


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _managed_council(actor, council_id, *, lock=False) -> Council:
    _require(actor, "community.manage_council")
    councils = Council.objects.select_for_update() if lock else Council.objects
    return councils.get(pk=council_id, pk__in=queries.councils_managed_by(actor).values("pk"))


def _meeting(actor, meeting_id, *, manage: bool, open_only: bool = True) -> MeetingModel:
    """The meeting, locked, if the actor may read (or, with `manage`, manage) its council; with `open_only`,
    refused once its minutes are closed."""
    _require(actor, "community.manage_council" if manage else "community.view_council")
    scope = queries.councils_managed_by(actor) if manage else queries.councils_for(actor)
    meeting = (
        MeetingModel.objects.select_for_update()
        .select_related("council")
        .get(pk=meeting_id, council__in=scope.values("pk"))
    )
    if open_only and meeting.minutes_closed_at is not None:
        raise ValidationError(_("Le compte rendu de cette réunion est clos : elle ne se modifie plus."))
    return meeting


def _person(actor, council, person_id):
    if not person_id:
        return None
    person = queries.person_choices(actor, council).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": _("Choisissez une personne que vous suivez ou un résident de la maison.")})
    return person


# --- councils and members -----------------------------------------------------------------------------------


def council_create(*, actor, data: dict, residence_id=None) -> Council:
    """Create a council with its kind, its legal basis (W15) and, for a boarding house's council, its residence."""
    _require(actor, "community.create_council")
    with transaction.atomic():
        residence = None
        if residence_id:
            residence = residences_for(actor).filter(pk=residence_id).first()
            if residence is None:
                raise ValidationError({"residence": _("Choisissez une résidence de votre association.")})
        council = Council(organisation_id=actor.organisation_id, residence=residence)
        for field in COUNCIL_FIELDS:
            if field in data:
                setattr(council, field, _strip(data[field]) or "")
        council.meetings_per_year = data.get("meetings_per_year") or None  # its own rhythm (council_followup)
        council.full_clean()
        check_rhythm(council.legal_basis, council.meetings_per_year)
        if residence is not None:
            _check_residence_basis(council.legal_basis, residence)
        council.save()
        audit_record(actor=actor, action="council.create", obj=council)
    return council


def _check_residence_basis(legal_basis: str, residence) -> None:
    error = rules.residence_basis_error(legal_basis, residence.is_essms)
    if error == rules.L633_IN_ESSMS:
        raise ValidationError(
            {
                "legal_basis": _(
                    "« %(residence)s » est un établissement social ou médico-social : le conseil de concertation et "
                    "le comité de résidents ne s'y appliquent pas (CCH L633-5), son instance légale est le conseil "
                    "de la vie sociale."
                )
                % {"residence": residence.name}
            }
        )
    if error == rules.CVS_OUTSIDE_ESSMS:
        raise ValidationError(
            {
                "legal_basis": _(
                    "« %(residence)s » n'est pas un établissement social ou médico-social : un CVS n'y est pas "
                    "obligatoire (CASF L311-6). Choisissez une instance volontaire ou, à partir de 30 résidents, le "
                    "conseil de concertation."
                )
                % {"residence": residence.name}
            }
        )


def member_add(
    *, actor, council_id, role: str, term_start: date, term_end=None, user_id=None, person_id=None, name: str = ""
) -> CouncilMember:
    """Give a seat in the council to a staff user, a person (of a household the actor follows, or a resident of the
    council's residence) or a name typed, for a term."""
    with transaction.atomic():
        council = _managed_council(actor, council_id, lock=True)
        name = _strip(name) or ""
        if sum(bool(x) for x in (user_id, person_id, name)) != 1:
            raise ValidationError(_("Choisissez un salarié, une personne accompagnée ou saisissez un nom (un seul)."))
        user = None
        if user_id:
            user = User.objects.filter(pk=user_id, organisation_id=actor.organisation_id, is_active=True).first()
            if user is None:
                raise ValidationError({"user": _("Choisissez un salarié de votre association.")})
        person = _person(actor, council, person_id)
        member = CouncilMember(
            organisation_id=actor.organisation_id,
            council=council,
            role=role,
            user=user,
            person=person,
            name=name,
            term_start=term_start,
            term_end=term_end,
        )
        member.full_clean()
        member.save()
        audit_record(
            actor=actor, action="council_member.add", obj=member, household_id=person.household_id if person else None
        )
    return member


# --- meetings -----------------------------------------------------------------------------------------------


def meeting_schedule(*, actor, council_id, starts_at, place: str, proposals_until: date) -> MeetingModel:
    """Plan a meeting; subjects may be proposed until `proposals_until`, at the latest the day of the meeting."""
    with transaction.atomic():
        council = _managed_council(actor, council_id)
        if proposals_until > timezone.localtime(starts_at).date():
            raise ValidationError(
                {"proposals_until": _("Les propositions de sujets se ferment au plus tard le jour de la réunion.")}
            )
        meeting = MeetingModel(
            organisation_id=actor.organisation_id,
            council=council,
            starts_at=starts_at,
            place=_strip(place) or "",
            proposals_until=proposals_until,
        )
        meeting.full_clean()
        meeting.save()
        audit_record(actor=actor, action="meeting.schedule", obj=meeting)
    return meeting


def agenda_item_propose(
    *, actor, meeting_id, title: str, detail: str = "", member_id=None, person_id=None, proposer_name: str = ""
) -> AgendaItem:
    """Add a subject to a meeting's agenda, until the proposals deadline: the actor's own, a member's, or an
    accompanied person's entered on their behalf (their file, or just their name)."""
    with transaction.atomic():
        meeting = _meeting(actor, meeting_id, manage=False)
        today = timezone.localdate()
        if not rules.proposals_open(meeting.proposals_until, today):
            raise ValidationError(
                _(
                    "Les propositions de sujets pour cette réunion étaient ouvertes jusqu'au %(date)s : "
                    "proposez ce sujet pour la réunion suivante."
                )
                % {"date": _day(meeting.proposals_until)}
            )
        proposer_name = _strip(proposer_name) or ""
        if sum(bool(x) for x in (member_id, person_id, proposer_name)) > 1:
            raise ValidationError(_("Dites qui propose le sujet : un membre, une personne accompagnée ou un nom."))
        member = None
        if member_id:
            member = CouncilMember.objects.filter(pk=member_id, council_id=meeting.council_id).first()
            if member is None:
                raise ValidationError({"member": _("Choisissez un membre de cette instance.")})
        person = _person(actor, meeting.council, person_id)
        item = AgendaItem(
            organisation_id=actor.organisation_id,
            meeting=meeting,
            title=_strip(title) or "",
            detail=_strip(detail) or "",
            entered_by=actor,
            member=member,
            person=person,
            proposer_name=proposer_name,
        )
        item.full_clean()
        item.save()
        audit_record(
            actor=actor, action="agenda_item.propose", obj=item, household_id=person.household_id if person else None
        )
    return item


def attendance_record(*, actor, meeting_id, presences: dict, residents=None, excused=None) -> tuple[int, int]:
    """Note who of the council's members was present, excused or absent (`presences`: member id → Presence value);
    a member already noted is updated. For a council of a residence, open to all its residents (a Conseil de
    Maison), `residents` lists the residents who came besides the members and `excused` those who sent their
    apologies (person ids): each must hold a contract in force in that residence on the meeting day
    (`queries.attendance_residents`); the two lists replace the ones noted before (both None leave them as they
    are). Returns the number of members noted and of residents present."""
    with transaction.atomic():
        meeting = _meeting(actor, meeting_id, manage=False)
        members = {str(m.pk): m for m in CouncilMember.objects.filter(council_id=meeting.council_id)}
        unknown = [key for key in presences if str(key) not in members]
        if unknown:
            raise ValidationError(_("Seuls les membres de cette instance ont une présence à noter."))
        if any(presence not in Presence.values for presence in presences.values()):
            raise ValidationError(_("Présence inconnue : présent, excusé ou absent."))
        others = None
        if residents is not None or excused is not None:
            present = _residents_present(meeting, residents or ())
            apologies = _residents_present(meeting, excused or ())
            both = next((person for key, person in apologies.items() if key in present), None)
            if both is not None:
                raise ValidationError(
                    _("%(name)s est noté·e à la fois présent·e et excusé·e : choisissez l'un des deux.")
                    % {"name": f"{both.first_name} {both.last_name}"}
                )
            others = {key: (person, Presence.PRESENT) for key, person in present.items()}
            others |= {key: (person, Presence.EXCUSED) for key, person in apologies.items()}
        for key, presence in presences.items():
            Attendance.objects.update_or_create(
                meeting=meeting,
                member=members[str(key)],
                defaults={"presence": presence, "organisation_id": actor.organisation_id},
            )
        if others is not None:
            _residents_attendance_replace(actor, meeting, others)
        residents_count = meeting.attendances.filter(person__isnull=False, presence=Presence.PRESENT).count()
        audit_record(
            actor=actor,
            action="meeting.attendance",
            obj=meeting,
            detail={"members": len(presences), "residents": residents_count},
        )
    return len(presences), residents_count


def _residents_present(meeting, residents) -> dict:
    """The residents named by id, each one a resident who may be noted present at the meeting; a French refusal
    otherwise (nothing is written)."""
    wanted = {str(key) for key in residents}
    if not wanted:
        return {}
    council = meeting.council
    if council.residence_id is None:
        raise ValidationError(_("Seuls les membres de cette instance ont une présence à noter."))
    allowed = {str(p.pk): p for p in queries.attendance_residents(meeting)}
    refused = wanted - set(allowed)
    if refused:
        day = timezone.localtime(meeting.starts_at).date()
        members = CouncilMember.objects.filter(council_id=council.pk, person_id__in=refused).select_related("person")
        member = next((m for m in members if rules.term_active(m.term_start, m.term_end, day)), None)
        if member is not None:
            raise ValidationError(
                _("%(name)s est membre de l'instance : notez sa présence avec celle des membres.")
                % {"name": member.display_name}
            )
        raise ValidationError(
            _(
                "Une des personnes cochées n'a pas de contrat en cours le %(date)s dans la résidence « %(residence)s » "
                ": seuls ses résidents sous contrat ce jour-là sont notés présents ou excusés en plus des membres."
            )
            % {"residence": council.residence.name, "date": _day(day)}
        )
    return {key: allowed[key] for key in wanted}


def _residents_attendance_replace(actor, meeting, others: dict) -> None:
    """The residents noted besides the members become `others` (person id → (person, present or excused)): the
    missing ones are added, the changed ones updated, the others removed; each change is audited on the resident's
    household (`present`, and `excused` for apologies)."""
    noted = {str(a.person_id): a for a in meeting.attendances.filter(person__isnull=False).select_related("person")}
    for key, attendance in noted.items():
        if key not in others:
            attendance.delete()
            audit_record(
                actor=actor,
                action="meeting.resident_attendance",
                obj=meeting,
                household_id=attendance.person.household_id,
                detail={"present": False},
            )
    for key, (person, presence) in others.items():
        attendance = noted.get(key)
        if attendance is not None and attendance.presence == presence:
            continue
        if attendance is None:
            attendance = Attendance(organisation_id=actor.organisation_id, meeting=meeting, person=person)
        attendance.presence = presence
        attendance.full_clean()
        attendance.save()
        detail = {"present": True} if presence == Presence.PRESENT else {"present": False, "excused": True}
        audit_record(
            actor=actor,
            action="meeting.resident_attendance",
            obj=meeting,
            household_id=person.household_id,
            detail=detail,
        )


def decision_record(*, actor, meeting_id, text: str, adopts_rules: bool = False) -> MeetingDecision:
    """Write down a decision of the meeting (its relevé de conclusions, W18); `adopts_rules` when it adopts the
    council's règlement intérieur (a CVS does at its first meeting, D311-19)."""
    with transaction.atomic():
        meeting = _meeting(actor, meeting_id, manage=True)
        decision = MeetingDecision(
            organisation_id=actor.organisation_id, meeting=meeting, text=_strip(text) or "", adopts_rules=adopts_rules
        )
        decision.full_clean()
        decision.save()
        audit_record(actor=actor, action="meeting.decision", obj=decision)
    return decision


def action_add(*, actor, meeting_id, title: str, owner_name: str, due_on: date) -> MeetingAction:
    """An action decided at the meeting, with who does it and by when; followed until done ("suites données")."""
    with transaction.atomic():
        meeting = _meeting(actor, meeting_id, manage=True)
        action = MeetingAction(
            organisation_id=actor.organisation_id,
            meeting=meeting,
            title=_strip(title) or "",
            owner_name=_strip(owner_name) or "",
            due_on=due_on,
        )
        action.full_clean()
        action.save()
        audit_record(actor=actor, action="meeting_action.add", obj=action)
    return action


def action_done(*, actor, action_id, done_on: date) -> MeetingAction:
    """An action is done: it leaves the list to follow (also after the minutes are closed)."""
    _require(actor, "community.manage_council")
    with transaction.atomic():
        action = MeetingAction.objects.select_for_update().get(
            pk=action_id, meeting__council__in=queries.councils_managed_by(actor).values("pk")
        )
        if action.done_on is not None:
            raise ValidationError(_("Cette action est déjà faite."))
        action.done_on = done_on
        action.full_clean()
        action.save()
        audit_record(actor=actor, action="meeting_action.done", obj=action)
    return action


def minutes_save(*, actor, meeting_id, minutes: str) -> MeetingModel:
    """Write or correct the minutes while they are open."""
    with transaction.atomic():
        meeting = _meeting(actor, meeting_id, manage=True)
        meeting.minutes = _strip(minutes) or ""
        meeting.full_clean()
        meeting.save()
        audit_record(actor=actor, action="meeting.minutes_save", obj=meeting)
    return meeting


def minutes_close(*, actor, meeting_id, minutes: str | None = None) -> MeetingModel:
    """Close the minutes of a meeting that took place (with their last wording, if given): its agenda, attendance,
    decisions and minutes no longer change (the printed copy is the one displayed and kept, W18)."""
    with transaction.atomic():
        meeting = _meeting(actor, meeting_id, manage=True)
        if minutes is not None:
            meeting.minutes = _strip(minutes) or ""
            meeting.full_clean()
        if meeting.starts_at > timezone.now():
            raise ValidationError(_("La réunion n'a pas encore eu lieu : son compte rendu se clôt après."))
        if not meeting.minutes:
            raise ValidationError(_("Écrivez le compte rendu avant de le clore."))
        meeting.minutes_closed_at = timezone.now()
        meeting.save(update_fields=["minutes", "minutes_closed_at", "updated_at"])
        audit_record(actor=actor, action="meeting.minutes_close", obj=meeting)
    return meeting


# --- elections (W21) ----------------------------------------------------------------------------------------


def _election(actor, election_id) -> Election:
    _require(actor, "community.manage_council")
    election = (
        Election.objects.select_for_update()
        .select_related("council")
        .get(pk=election_id, council__in=queries.councils_managed_by(actor).values("pk"))
    )
    if election.status != ElectionStatus.OPEN:
        raise ValidationError(_("Les résultats de cette élection sont proclamés : elle ne se modifie plus."))
    return election


def election_create(*, actor, council_id, data: dict) -> Election:
    """Decide an election (W21 step 1): its college, seats, term, the day the roll is drawn up, the candidacy
    deadline, the day and place of the vote, the tie rule. Where a text bounds the term (comité de résidents: W13) it
    is checked. The professionals' college (W17) is refused unless the council is a statutory CVS, and its tie rule is
    the law's, the greatest seniority (D311-13), whatever was chosen; that rule is refused to the persons' college."""
    with transaction.atomic():
        council = _managed_council(actor, council_id)
        election = Election(organisation_id=actor.organisation_id, council=council)
        for field in ELECTION_FIELDS:
            if field in data:
                setattr(election, field, _strip(data[field]))
        if not election.college:
            election.college = ElectionCollege.PERSONS
        _check_college(election, council)
        election.full_clean()
        maximum = rules.term_above_maximum(
            council.legal_basis, election.term_months, election.vote_on, queries.legal_params()
        )
        if maximum is not None:
            raise ValidationError(
                {
                    "term_months": _("Le mandat d'un comité de résidents dure au plus %(months)d mois.")
                    % {"months": maximum}
                }
            )
        if council.legal_basis == LegalBasis.CCH_COMITE_RESIDENTS:
            _check_comite_seats(election.seats, election.vote_on)
        election.save()
        audit_record(actor=actor, action="election.create", obj=election)
    return election


def _check_college(election, council) -> None:
    """W17: the professionals elect their representative to a statutory CVS only, ties going to the greatest
    seniority; the persons' representatives are never told apart by a seniority Habiter does not know of them."""
    if election.college == ElectionCollege.PROFESSIONALS:
        if council.legal_basis != LegalBasis.CASF_CVS:
            raise ValidationError(
                {
                    "college": _(
                        "Les professionnels n'élisent leur représentant que dans un conseil de la vie sociale "
                        "obligatoire (CASF D311-13) : « %(council)s » a pour base légale « %(basis)s »."
                    )
                    % {"council": council.name, "basis": council.get_legal_basis_display()}
                }
            )
        election.tie_rule = TieRule.SENIORITY
    elif election.tie_rule == TieRule.SENIORITY:
        raise ValidationError(
            {
                "tie_rule": _(
                    "L'ancienneté ne départage que l'élection du représentant des professionnels : choisissez le "
                    "tirage au sort ou le candidat le plus âgé."
                )
            }
        )


def _check_comite_seats(seats: int, on: date) -> None:
    """W13: an elected comité de résidents has from 3 to 6 members; the election fills that many seats."""
    if rules.comite_size_error(seats, on, queries.legal_params()) is not None:
        minimum, maximum = rules.comite_size_bounds(on, queries.legal_params())
        raise ValidationError(
            {
                "seats": _(
                    "Un comité de résidents élu compte de %(minimum)d à %(maximum)d membres (décret 2016-300) : "
                    "prévoyez entre %(minimum)d et %(maximum)d sièges, le nombre fixé par le règlement intérieur."
                )
                % {"minimum": minimum, "maximum": maximum}
            }
        )


def election_roll_freeze(*, actor, election_id) -> int:
    """Freeze the electoral roll as it stood on the roll date (W21 step 2), once that day has come; it is displayed
    ahead of the vote and never changes after. The professionals' college lists the staff accounts
    (`queries.staff_roll_on`), whose « en poste depuis » the director then types (`elector_in_post_since_set`).
    Returns the number of electors."""
    with transaction.atomic():
        election = _election(actor, election_id)
        if election.roll_frozen_at is not None:
            raise ValidationError(_("La liste électorale est déjà figée."))
        if timezone.localdate() < election.roll_date:
            raise ValidationError(
                _("La liste électorale s'arrête au %(date)s : figez-la à partir de ce jour.")
                % {"date": _day(election.roll_date)}
            )
        lines = queries.roll_on(election, election.roll_date)
        Elector.objects.bulk_create(
            [
                Elector(
                    organisation_id=actor.organisation_id,
                    election=election,
                    person=line.person,
                    user=line.user,
                    name=line.name,
                    birth_date=line.birth_date,
                )
                for line in lines
            ]
        )
        election.roll_frozen_at = timezone.now()
        election.save(update_fields=["roll_frozen_at", "updated_at"])
        audit_record(actor=actor, action="election.roll_freeze", obj=election, detail={"electors": len(lines)})
    return len(lines)


def elector_in_post_since_set(*, actor, election_id, elector_id, in_post_since: date) -> Elector:
    """Type the day an elector of the professionals' college took up their post in the establishment (« en poste
    depuis », W17): an account carries no hiring date, and a candidate's seniority on the day of the vote is counted
    from it. At the latest the roll date (they are on the roll as an employee of that day); corrected freely until
    the elector stands, never after (their candidacy was checked against it)."""
    with transaction.atomic():
        election = _election(actor, election_id)
        if election.college != ElectionCollege.PROFESSIONALS:
            raise ValidationError(_("Seule l'élection des professionnels tient compte de l'ancienneté des électeurs."))
        elector = Elector.objects.select_for_update().filter(pk=elector_id, election=election).first()
        if elector is None:
            raise ValidationError({"elector": _("Choisissez un électeur inscrit sur la liste.")})
        if elector.candidacies.exists():
            raise ValidationError(
                _("%(name)s est candidat·e : sa date d'entrée en poste, vérifiée à sa candidature, ne se modifie plus.")
                % {"name": elector.name}
            )
        if in_post_since > election.roll_date:
            raise ValidationError(
                {
                    "in_post_since": _(
                        "%(name)s est sur la liste électorale arrêtée au %(date)s : il ou elle y est en poste au plus "
                        "tard ce jour-là."
                    )
                    % {"name": elector.name, "date": _day(election.roll_date)}
                }
            )
        before = elector.in_post_since
        elector.in_post_since = in_post_since
        elector.full_clean()
        elector.save(update_fields=["in_post_since", "updated_at"])
        audit_record(
            actor=actor,
            action="elector.in_post_since",
            obj=elector,
            detail={
                "in_post_since": in_post_since.isoformat(),
                "before": before.isoformat() if before is not None else None,
            },
        )
    return elector


def _check_seniority(election, elector) -> None:
    """W17 (D311-13): a candidate of the professionals' college has the table's months of seniority in the
    establishment on the day of the vote, counted from their « en poste depuis »."""
    if elector.in_post_since is None:
        raise ValidationError(
            {
                "elector": _(
                    "Indiquez d'abord depuis quand %(name)s est en poste : l'ancienneté d'un candidat des "
                    "professionnels se vérifie au jour du vote (CASF D311-13)."
                )
                % {"name": elector.name}
            }
        )
    params = queries.legal_params()
    minimum = rules.seniority_short_of_minimum(elector.in_post_since, election.vote_on, params)
    if minimum is None:
        return
    missing = rules.seniority_months_missing(elector.in_post_since, election.vote_on, params)
    raise ValidationError(
        {
            "elector": ngettext(
                "%(name)s n'aura pas les %(minimum)d mois d'ancienneté requis le jour du vote (%(vote)s) : en poste "
                "depuis le %(since)s, %(missing)d mois lui manque, ancienneté atteinte le %(reached)s "
                "(CASF D311-13).",
                "%(name)s n'aura pas les %(minimum)d mois d'ancienneté requis le jour du vote (%(vote)s) : en poste "
                "depuis le %(since)s, %(missing)d mois lui manquent, ancienneté atteinte le %(reached)s "
                "(CASF D311-13).",
                missing,
            )
            % {
                "name": elector.name,
                "minimum": minimum,
                "vote": _day(election.vote_on),
                "since": _day(elector.in_post_since),
                "missing": missing,
                "reached": _day(add_months(elector.in_post_since, minimum)),
            }
        }
    )


def candidacy_add(*, actor, election_id, elector_id) -> Candidacy:
    """Record a candidacy until the deadline (W21 step 3): only an elector on the frozen roll may stand; in the
    professionals' college, only one whose seniority on the day of the vote reaches the table's minimum (W17)."""
    with transaction.atomic():
        election = _election(actor, election_id)
        if election.roll_frozen_at is None:
            raise ValidationError(_("Figez d'abord la liste électorale : seuls ses électeurs peuvent être candidats."))
        if not rules.candidacies_open(election.candidacy_deadline, timezone.localdate()):
            raise ValidationError(
                _("Les candidatures étaient ouvertes jusqu'au %(date)s.") % {"date": _day(election.candidacy_deadline)}
            )
        elector = election.electors.filter(pk=elector_id).first()
        if elector is None:
            raise ValidationError({"elector": _("Choisissez un électeur inscrit sur la liste.")})
        if election.college == ElectionCollege.PROFESSIONALS:
            _check_seniority(election, elector)
        candidacy = Candidacy(organisation_id=actor.organisation_id, election=election, elector=elector)
        candidacy.full_clean()
        candidacy.save()
        audit_record(actor=actor, action="candidacy.add", obj=candidacy)
    return candidacy


def _vote_count_checked(election, *, voters, blank, null, votes, candidacies):
    registered = election.electors.count()
    errors = rules.count_errors(
        registered=registered, voters=voters, blank=blank, null=null, votes=[votes[str(c.pk)] for c in candidacies]
    )
    if rules.VOTERS_ABOVE_ROLL in errors:
        raise ValidationError(
            {
                "voters": _("Il y a plus de votants (%(voters)d) que d'inscrits (%(registered)d).")
                % {"voters": voters, "registered": registered}
            }
        )
    if rules.BALLOTS_MISMATCH in errors:
        raise ValidationError(
            _(
                "Les bulletins ne font pas le compte : %(votes)d voix, %(blank)d blancs et %(null)d nuls pour "
                "%(voters)d votants."
            )
            % {"votes": sum(votes.values()), "blank": blank, "null": null, "voters": voters}
        )


def election_results_record(
    *, actor, election_id, voters: int, blank: int, null: int, votes: dict, drawn_id=None, check_only: bool = False
) -> Election:
    """Record the count of a secret ballot (W21 steps 4–6): the number of voters, blank and null ballots and the
    votes of each candidate — never who voted for whom. Seats go to the most votes; a tie across the last seat is
    settled by the election's tie rule (the oldest, the greatest seniority for the professionals, or lots drawn by
    the bureau: `drawn_id` names the candidacy the lot designated). The elected get a seat in the council for the
    election's term, as representatives of their college (the professionals' as staff representatives, their
    account). With `check_only`, every check runs and nothing is written (the page asks for its confirmation only
    for a count that will be accepted)."""
    with transaction.atomic():
        election = _election(actor, election_id)
        if election.roll_frozen_at is None:
            raise ValidationError(_("La liste électorale n'est pas figée."))
        if timezone.localdate() < election.vote_on:
            raise ValidationError(
                _("Le vote a lieu le %(date)s : ses résultats s'enregistrent ce jour-là ou après.")
                % {"date": _day(election.vote_on)}
            )
        candidacies = list(election.candidacies.select_related("elector"))
        if not candidacies:
            raise ValidationError(_("Aucun candidat : enregistrez un constat de carence."))
        votes = {str(key): int(value) for key, value in votes.items()}
        if set(votes) != {str(c.pk) for c in candidacies} or any(v < 0 for v in votes.values()):
            raise ValidationError(_("Indiquez les voix de chaque candidat, et d'eux seuls."))
        _vote_count_checked(election, voters=voters, blank=blank, null=null, votes=votes, candidacies=candidacies)
        allocation = rules.allocate_seats(
            [
                rules.Candidate(str(c.pk), votes[str(c.pk)], c.elector.birth_date, c.elector.in_post_since)
                for c in candidacies
            ],
            seats=election.seats,
            substitute_seats=election.substitute_seats,
            tie_rule=election.tie_rule,
            drawn=[str(drawn_id)] if drawn_id else (),
        )
        if allocation.tied:
            tied = sorted((c.elector for c in candidacies if str(c.pk) in allocation.tied), key=lambda e: e.name)
            names = ", ".join(elector.name for elector in tied)
            if election.tie_rule == TieRule.SENIORITY and tied[0].in_post_since is not None:
                raise ValidationError(
                    {
                        "drawn": _(
                            "Égalité de voix et d'ancienneté pour le dernier siège entre %(names)s, en poste depuis "
                            "le %(since)s : tirez au sort devant le bureau de vote, puis indiquez le candidat "
                            "désigné."
                        )
                        % {"names": names, "since": _day(tied[0].in_post_since)}
                    }
                )
            raise ValidationError(
                {
                    "drawn": _(
                        "Égalité de voix pour le dernier siège entre %(names)s : tirez au sort devant le bureau de "
                        "vote, puis indiquez le candidat désigné."
                    )
                    % {"names": names}
                }
            )
        if check_only:
            return election
        term_end = rules.term_end_for(election.vote_on, election.term_months)
        professionals = election.college == ElectionCollege.PROFESSIONALS
        # W16: the professionals' elected sit as staff representatives (rules.CVS_COLLEGES counts them so)
        elected_role = MemberRole.STAFF_REP if professionals else MemberRole.RESIDENT_REP
        for candidacy in candidacies:
            key = str(candidacy.pk)
            candidacy.votes = votes[key]
            if key in allocation.elected:
                candidacy.outcome, role = rules.ELECTED, elected_role
            elif key in allocation.substitutes:
                candidacy.outcome, role = rules.SUBSTITUTE, MemberRole.SUBSTITUTE
            else:
                candidacy.outcome, role = rules.NOT_ELECTED, None
            candidacy.save(update_fields=["votes", "outcome", "updated_at"])
            if role is not None:
                elector = candidacy.elector
                member = CouncilMember(
                    organisation_id=actor.organisation_id,
                    council=election.council,
                    role=role,
                    user=elector.user,
                    person=elector.person,
                    name="" if elector.person_id or elector.user_id else elector.name,
                    term_start=election.vote_on,
                    term_end=term_end,
                    election=election,
                )
                member.full_clean()
                member.save()
        election.voters, election.blank_ballots, election.null_ballots = voters, blank, null
        election.tie_note = {
            rules.OLDEST: _("Égalité départagée au bénéfice du candidat le plus âgé."),
            rules.LOTS: _("Égalité départagée par tirage au sort devant le bureau de vote."),
            rules.SENIORITY: _(
                "Égalité départagée au bénéfice du candidat le plus ancien dans l'établissement (en poste depuis le "
                "plus longtemps)."
            ),
            rules.SENIORITY_THEN_LOTS: _(
                "Égalité départagée par l'ancienneté dans l'établissement, puis par tirage au sort devant le bureau "
                "de vote entre les candidats en poste depuis le même jour."
            ),
        }.get(allocation.tie_broken_by, "")
        election.status = ElectionStatus.COUNTED
        election.counted_at = timezone.now()
        election.save()
        audit_record(
            actor=actor,
            action="election.results",
            obj=election,
            detail={"voters": voters, "blank": blank, "null": null, "elected": len(allocation.elected)},
        )
    return election


def election_carence_record(*, actor, election_id) -> Election:
    """Nobody stood (W21 step 7): a constat de carence, and a new election due within the parameter's months."""
    with transaction.atomic():
        election = _election(actor, election_id)
        today = timezone.localdate()
        if today <= election.candidacy_deadline:
            raise ValidationError(
                _("Les candidatures sont ouvertes jusqu'au %(date)s : la carence se constate après.")
                % {"date": _day(election.candidacy_deadline)}
            )
        if election.candidacies.exists():
            raise ValidationError(_("Des candidats se sont présentés : enregistrez les résultats du vote."))
        election.status = ElectionStatus.CARENCE
        election.new_election_due = rules.carence_new_election_due(today, queries.legal_params())
        election.counted_at = timezone.now()
        election.save()
        audit_record(actor=actor, action="election.carence", obj=election)
    return election


# --- the association's project, its strategic objectives and their grading ---------------------------------------


def _managed_project(actor, project_id, *, lock=False) -> StrategicProject:
    _require(actor, "community.manage_objectives")
    projects = StrategicProject.objects.select_for_update() if lock else StrategicProject.objects
    return projects.get(pk=project_id, organisation_id=actor.organisation_id)


def _next_position(rows) -> int:
    last = rows.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def project_create(*, actor, title: str, start_year: int, end_year: int) -> StrategicProject:
    """Create the association's project for a period of years (e.g. 2024-2028)."""
    _require(actor, "community.manage_objectives")
    with transaction.atomic():
        project = StrategicProject(
            organisation_id=actor.organisation_id, title=_strip(title), start_year=start_year, end_year=end_year
        )
        project.full_clean()
        project.save()
        audit_record(actor=actor, action="project.create", obj=project)
    return project


def axis_add(*, actor, project_id, title: str) -> ProjectAxis:
    """Add an axis of work to the project, numbered after the last one."""
    with transaction.atomic():
        project = _managed_project(actor, project_id, lock=True)
        axis = ProjectAxis(
            organisation_id=actor.organisation_id,
            project=project,
            position=_next_position(project.axes.all()),
            title=_strip(title),
        )
        axis.full_clean()
        axis.save()
        audit_record(actor=actor, action="project_axis.add", obj=axis)
    return axis


def objective_add(*, actor, project_id, title: str, description: str = "", axis_id=None) -> StrategicObjective:
    """Add a strategic objective to the project, numbered after the last one, under one of its axes or none. Refused
    once a campaign is closed: its grades cover the objectives it asked about."""
    with transaction.atomic():
        project = _managed_project(actor, project_id, lock=True)
        axis = None
        if axis_id:
            axis = project.axes.filter(pk=axis_id).first()
            if axis is None:
                raise ValidationError({"axis": _("Choisissez un axe de ce projet.")})
        if project.campaigns.filter(closed_at__isnull=False).exists():
            raise ValidationError(
                _("Une campagne de cotation de ce projet est close : ses objectifs ne changent plus.")
            )
        objective = StrategicObjective(
            organisation_id=actor.organisation_id,
            project=project,
            axis=axis,
            position=_next_position(project.objectives.all()),
            title=_strip(title),
            description=_strip(description) or "",
        )
        objective.full_clean()
        objective.save()
        audit_record(actor=actor, action="objective.add", obj=objective)
    return objective


def campaign_create(*, actor, project_id, title: str, held_on: date, anonymous: bool = True) -> GradingCampaign:
    """Open a grading campaign of the project's objectives on a day; anonymous unless said otherwise."""
    with transaction.atomic():
        project = _managed_project(actor, project_id, lock=True)
        if not project.objectives.exists():
            raise ValidationError(_("Ajoutez d'abord les objectifs stratégiques du projet."))
        campaign = GradingCampaign(
            organisation_id=actor.organisation_id,
            project=project,
            title=_strip(title),
            held_on=held_on,
            anonymous=anonymous,
        )
        campaign.full_clean()
        campaign.save()
        audit_record(actor=actor, action="grading_campaign.create", obj=campaign)
    return campaign


def campaign_closed_message() -> str:
    return _("Cette campagne de cotation est close : elle ne prend plus de réponses.")


def _open_campaign(actor, campaign_id, perm) -> GradingCampaign:
    _require(actor, perm)
    campaign = (
        GradingCampaign.objects.select_for_update()
        .select_related("project")
        .get(pk=campaign_id, organisation_id=actor.organisation_id)
    )
    if not campaign.is_open:
        raise ValidationError(campaign_closed_message())
    return campaign


def save_sheet(campaign, *, category: str, values: dict, participant_name: str, by_link: bool) -> list:
    """One participant's sheet in an open campaign, locked by the caller inside its transaction: one value for every
    objective of the campaign's project and none for another objective; a name only when the campaign is not
    anonymous. Everything is checked before anything is saved."""
    participant_name = _strip(participant_name) or ""
    if participant_name and campaign.anonymous:
        raise ValidationError(
            {"participant_name": _("Cette campagne est anonyme : aucun nom n'est enregistré avec les réponses.")}
        )
    if category not in ParticipantCategory.values:
        raise ValidationError({"category": _("Choisissez qui répond.")})
    objectives = list(campaign.project.objectives.all())
    given = {str(key): value for key, value in values.items()}
    if set(given) - {str(o.pk) for o in objectives}:
        raise ValidationError(_("Un avis porte sur un objectif qui n'est pas celui de ce projet."))
    missing = [o for o in objectives if given.get(str(o.pk)) not in AnswerValue.values]
    if missing:
        raise ValidationError(
            _("Donnez un avis pour chaque objectif (manque : %(titles)s).")
            % {"titles": ", ".join(o.title for o in missing)}
        )
    sheet = uuid.uuid4()
    answers = []
    for objective in objectives:
        answer = ObjectiveAnswer(
            organisation_id=campaign.organisation_id,
            campaign=campaign,
            objective=objective,
            sheet=sheet,
            value=given[str(objective.pk)],
            category=category,
            participant_name=participant_name,
            by_link=by_link,
        )
        answer.full_clean()
        answers.append(answer)
    return ObjectiveAnswer.objects.bulk_create(answers)


def answers_record(
    *, actor, campaign_id, category: str, values: dict, participant_name: str = ""
) -> list[ObjectiveAnswer]:
    """Record one participant's answers, typed by a staff member: one value for every objective of the campaign's
    project (`values`: objective id → achieved / not_achieved / shared). A name only when the campaign is not
    anonymous; an anonymous answer is linked to nobody (the audit event names the campaign, not the participant).
    The participants' own answers through the campaign's link: objective_links.answers_submit_by_link."""
    with transaction.atomic():
        campaign = _open_campaign(actor, campaign_id, "community.answer_objectives")
        answers = save_sheet(
            campaign, category=category, values=values, participant_name=participant_name, by_link=False
        )
        audit_record(actor=actor, action="grading_campaign.answer", obj=campaign, detail={"category": category})
    return answers


def campaign_close(*, actor, campaign_id) -> GradingCampaign:
    """Close a campaign: its grades are final and it takes no more answers."""
    with transaction.atomic():
        campaign = _open_campaign(actor, campaign_id, "community.manage_objectives")
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at", "updated_at"])
        audit_record(actor=actor, action="grading_campaign.close", obj=campaign)
    return campaign
