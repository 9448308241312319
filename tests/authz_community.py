"""Authorization rows of the `community` pages for the matrix and the CSRF suite (see tests/authz_common.py).

Who (habiter/community/permissions.py): directors, team leads, social workers and receptionists read the councils of
the organisation, propose agenda items and take attendance; a host reads and manages only the councils of the
residences they are host of; directors manage every council and alone create one; volunteers and the other roles get
404; directors alone e-mail a meeting's invitations (a POST only; its meeting, of a council without residence, has a
member with an address). The association's project and the grading of its objectives: the same staff read them and
type answers (a host too: the project is the whole organisation's); directors alone create the project, its axes,
objectives and campaigns, close a campaign and open or turn off its answering link; anyone holding the link answers
without an account (like a survey's). Partners and their agreements: the same staff read them (and download a signed
agreement); directors alone record and change them, and merge a duplicate into a partner (a fresh duplicate of the
scope's organisation, with a contact that moves, for each POST). Scopes: own team is the council of a residence the
host of the organisation hosts, other team a council of the organisation without residence, other organisation a
council of another one; a project of each scope is made by its director (own and other team: two projects of the
same organisation), and a partner with an agreement likewise. Volunteers (docs/adr/0029): directors see and manage
every volunteer and the charter, and export the valuation and the CEC; a referent (the staff who read the councils)
sees the volunteers they are referent of and logs their hours; a volunteer reaches only their own page and the
charter. Scopes: own team is the organisation's volunteer, whose referent is the social worker; other team another
volunteer of the organisation without referent; other organisation a volunteer of another one. A council's own
rhythm of meetings is set by its managers (a director, the host of its residence); a meeting's proposal link is
opened or turned off by them too, and anyone holding it proposes a subject without an account (like a survey's).
"""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from habiter.community import agenda_links, objective_links, partners, services, surveys, volunteers
from habiter.community.models import (
    AgendaItem,
    Agreement,
    CharterSignature,
    CharterVersion,
    Council,
    CouncilMember,
    Election,
    GradingCampaign,
    Meeting,
    ObjectiveAnswer,
    Partner,
    PartnerContact,
    PartnerSeat,
    ProjectAxis,
    StrategicObjective,
    StrategicProject,
    Survey,
    Volunteer,
    VolunteerHours,
    VolunteerMission,
)
from habiter.core.models import Role
from habiter.core.tests.factories import UserFactory
from habiter.people.tests.factories import make_household
from habiter.residences import services as residence_services
from habiter.residences.tests.factories import make_active_contract
from tests.authz_common import (
    ACTORS,
    ANONYMOUS,
    CONFIRMED,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    ROLES,
    SAVED,
    CsrfCase,
    logged_in,
    row,
    scoped_row,
)

READERS = ("director", "team_lead", "social_worker", "receptionist", "host")
SURVEY_READERS = (*READERS, "rental_manager")
EVERYONE = dict.fromkeys(ACTORS, (OK,) * 3)  # a survey's link: no account needed, any organisation's
MANAGERS = ("director", "host")
READ_ROW = scoped_row(READERS) | {"host": (OK, NOT_FOUND, NOT_FOUND)}
MANAGE_ROW = scoped_row(MANAGERS) | {"host": (OK, NOT_FOUND, NOT_FOUND)}
WRITE = (SAVED, SAVED, NOT_FOUND)
READ_WRITE = scoped_row(READERS, yes=WRITE) | {"host": (SAVED, NOT_FOUND, NOT_FOUND)}
MANAGE_WRITE = scoped_row(MANAGERS, yes=WRITE) | {"host": (SAVED, NOT_FOUND, NOT_FOUND)}
POST_ONLY = {ANONYMOUS: (LOGIN,) * 3, **dict.fromkeys(ROLES, (NOT_ALLOWED,) * 3)}

EXPECTED = {
    "community:council_list": row(READERS, OK, NOT_FOUND),
    "community:council_create": row(("director",), OK, NOT_FOUND),
    "community:council_detail": READ_ROW,
    "community:member_add": MANAGE_ROW,
    "community:meeting_create": MANAGE_ROW,
    "community:election_create": MANAGE_ROW,
    "community:meeting_detail": READ_ROW,
    "community:meeting_minutes": MANAGE_ROW,
    "community:meeting_minutes_pdf": READ_ROW,
    "community:meeting_poster_pdf": READ_ROW,
    "community:meeting_invitations": POST_ONLY,
    "community:council_rhythm": MANAGE_ROW,
    "community:meeting_proposal_link": MANAGE_ROW,
    "community:agenda_propose": EVERYONE,  # the meeting's proposal link: no account needed, any organisation's
    "community:agenda_propose_thanks": EVERYONE,
    "community:election_detail": READ_ROW,
    "community:election_results": MANAGE_ROW,
    "community:election_pdf": READ_ROW,
    "community:project_list": row(READERS, OK, NOT_FOUND),
    "community:project_create": row(("director",), OK, NOT_FOUND),
    "community:project_detail": scoped_row(READERS),
    "community:axis_add": scoped_row(("director",)),
    "community:objective_add": scoped_row(("director",)),
    "community:campaign_create": scoped_row(("director",)),
    "community:campaign_detail": scoped_row(READERS),
    "community:answer_record": scoped_row(READERS),
    "community:campaign_close": scoped_row(("director",)),
    "community:campaign_link": scoped_row(("director",)),
    "community:campaign_answer": EVERYONE,  # the campaign's link: no account needed, any organisation's
    "community:campaign_thanks": EVERYONE,
    "community:partner_list": row(READERS, OK, NOT_FOUND),
    "community:partner_create": row(("director",), OK, NOT_FOUND),
    "community:partner_detail": scoped_row(READERS),
    "community:partner_edit": scoped_row(("director",)),
    "community:partner_merge": scoped_row(("director",)),
    "community:contact_add": scoped_row(("director",)),
    "community:agreement_create": scoped_row(("director",)),
    "community:agreement_edit": scoped_row(("director",)),
    "community:agreement_pdf": scoped_row(READERS),
    "community:representation_list": row(READERS, OK, NOT_FOUND),
    "community:partner_seat_add": scoped_row(("director",)),
    "community:partner_seat_end": scoped_row(("director",)),
    "community:survey_list": row(SURVEY_READERS, OK, NOT_FOUND),
    "community:survey_create": row(("director",), OK, NOT_FOUND),
    "community:survey_detail": scoped_row(SURVEY_READERS),
    "community:survey_question_add": scoped_row(("director",)),
    "community:survey_response_add": scoped_row(SURVEY_READERS),
    "community:survey_xlsx": scoped_row(SURVEY_READERS),
    "community:survey_answer": EVERYONE,
    "community:survey_thanks": EVERYONE,
    "community:volunteer_list": row(READERS, OK, NOT_FOUND),
    "community:volunteer_create": row(("director",), OK, NOT_FOUND),
    "community:volunteer_detail": scoped_row(("director",)) | {"social_worker": (OK, NOT_FOUND, NOT_FOUND)},
    "community:volunteer_edit": scoped_row(("director",)),
    "community:mission_add": scoped_row(("director",)),
    "community:charter_list": row(("director",), OK, NOT_FOUND),
    "community:charter_create": row(("director",), OK, NOT_FOUND),
    "community:valuation_export": row(("director",), OK, NOT_FOUND),
    "community:cec_export": row(("director",), OK, NOT_FOUND),
    "community:my_volunteering": row(("volunteer",), OK, NOT_FOUND),
    "community:charter_sign": row(("volunteer",), OK, NOT_FOUND),
}
POST_EXPECTED = {
    "community:member_add": MANAGE_WRITE,
    "community:meeting_create": MANAGE_WRITE,
    "community:election_create": MANAGE_WRITE,
    "community:meeting_detail": READ_WRITE,  # a subject proposed
    "community:meeting_minutes": MANAGE_WRITE,
    "community:meeting_invitations": scoped_row(("director",), yes=WRITE),  # a host manages, but does not send them
    "community:council_rhythm": MANAGE_WRITE,
    "community:meeting_proposal_link": MANAGE_WRITE,  # each allowed write opens or turns off the link
    "community:agenda_propose": dict.fromkeys(ACTORS, (SAVED,) * 3),
    "community:election_detail": MANAGE_WRITE,  # a candidacy recorded
    "community:election_results": MANAGE_WRITE,
    "community:axis_add": scoped_row(("director",), yes=WRITE),
    "community:objective_add": scoped_row(("director",), yes=WRITE),
    "community:campaign_create": scoped_row(("director",), yes=WRITE),
    "community:answer_record": scoped_row(READERS, yes=WRITE),
    "community:campaign_close": scoped_row(("director",), yes=WRITE),
    "community:campaign_link": scoped_row(("director",), yes=WRITE),  # the link opened
    "community:campaign_answer": dict.fromkeys(ACTORS, (SAVED,) * 3),
    "community:partner_edit": scoped_row(("director",), yes=WRITE),
    "community:partner_merge": scoped_row(("director",), yes=WRITE),
    "community:contact_add": scoped_row(("director",), yes=WRITE),
    "community:agreement_create": scoped_row(("director",), yes=WRITE),
    "community:agreement_edit": scoped_row(("director",), yes=WRITE),
    "community:partner_seat_add": scoped_row(("director",), yes=WRITE),
    "community:partner_seat_end": scoped_row(("director",), yes=WRITE),
    "community:survey_question_add": scoped_row(("director",), yes=WRITE),
    "community:survey_response_add": scoped_row(SURVEY_READERS, yes=WRITE),
    "community:survey_answer": dict.fromkeys(ACTORS, (SAVED,) * 3),
    "community:volunteer_detail": scoped_row(("director",), yes=WRITE)
    | {"social_worker": (SAVED, NOT_FOUND, NOT_FOUND)},  # hours logged by a director or the referent
    "community:volunteer_edit": scoped_row(("director",), yes=WRITE),
    "community:mission_add": scoped_row(("director",), yes=WRITE),
}
POST_UNSCOPED = {
    "community:council_create",
    "community:project_create",
    "community:partner_create",
    "community:survey_create",
    "community:volunteer_create",
    "community:charter_create",
    "community:my_volunteering",
    "community:charter_sign",
}
CSRF_CASES = POST_UNSCOPED | set(POST_EXPECTED)


class Councils:
    """One council per scope, made by a director of its organisation, once per test; a meeting to come in each,
    and an election per actor, of today, roll frozen, one candidate (its results are proclaimed once)."""

    def __init__(self, director_of, host, member, volunteer_account=None, referent=None):
        self.director_of = director_of
        self.host = host
        self.member = member
        self.volunteer_account = volunteer_account
        self.referent = referent
        self.rows = {}

    def council(self, scope):
        if ("council", scope) not in self.rows:
            director = self.director_of(scope)
            residence = None
            if scope == "own_team":  # its roll: two residents
                residence = residence_services.residence_create(
                    actor=director,
                    data={
                        "name": "Les Pléiades",
                        "kind": "pension_de_famille",
                        "address": "1 rue",
                        "postal_code": "13090",
                        "city": "Aix",
                    },
                    host_ids=[self.host.pk],
                )
                second = make_household(director, name="Résidente").members.first()
                entered_on = timezone.localdate() - timedelta(days=30)
                residence_services.house_rules_add(
                    actor=director, residence_id=residence.pk, valid_from=entered_on, text="Article 1"
                )
                for label, person in (("1", self.member(scope)), ("2", second)):
                    place, _warning = residence_services.place_create(
                        actor=director,
                        residence_id=residence.pk,
                        data={"label": label, "kind": "studio", "typology": "T1", "surface": Decimal("20")},
                    )
                    # contract holders are the roll of a residence's council (W13)
                    make_active_contract(director, place, person, entered_on, entered_on)
            council = services.council_create(
                actor=director,
                data={"name": f"Instance {scope}", "kind": "voluntary", "legal_basis": "voluntary"},
                residence_id=residence.pk if residence else None,
            )
            if residence is None:  # the roll of a council without residence: its members who are not staff
                for name in ("Mme Vidal", "M. Roux"):
                    services.member_add(
                        actor=director,
                        council_id=council.pk,
                        role="member",
                        name=name,
                        term_start=timezone.localdate() - timedelta(days=30),
                    )
            self.rows[("council", scope)] = council
        return self.rows[("council", scope)]

    def meeting(self, scope, past=False):
        if ("meeting", scope, past) not in self.rows:
            day = timezone.localdate() + timedelta(days=-2 if past else 10)
            self.rows[("meeting", scope, past)] = services.meeting_schedule(
                actor=self.director_of(scope),
                council_id=self.council(scope).pk,
                starts_at=timezone.make_aware(datetime.combine(day, time(14))),
                place="Salle commune",
                proposals_until=day,
            )
        return self.rows[("meeting", scope, past)]

    def linked_meeting(self, scope):
        """A meeting to come of the scope's council whose proposal link is open."""
        if ("linked_meeting", scope) not in self.rows:
            day = timezone.localdate() + timedelta(days=12)
            meeting = services.meeting_schedule(
                actor=self.director_of(scope),
                council_id=self.council(scope).pk,
                starts_at=timezone.make_aware(datetime.combine(day, time(14))),
                place="Salle des propositions",
                proposals_until=day,
            )
            self.rows[("linked_meeting", scope)] = agenda_links.proposal_link_open(
                actor=self.director_of(scope), meeting_id=meeting.pk
            )
        return self.rows[("linked_meeting", scope)]

    def invited_meeting(self, scope):
        """A meeting to come of a council of the scope's organisation (without residence: the director alone sends
        invitations) whose member, a staff account, has an e-mail: its invitations may be sent."""
        if ("invited_meeting", scope) not in self.rows:
            director = self.director_of(scope)
            council = services.council_create(
                actor=director,
                data={"name": f"Invitations {scope}", "kind": "voluntary", "legal_basis": "voluntary"},
            )
            member = UserFactory(organisation=director.organisation, email=f"membre.{scope}@example.org")
            services.member_add(
                actor=director, council_id=council.pk, role="member", user_id=member.pk, term_start=timezone.localdate()
            )
            day = timezone.localdate() + timedelta(days=10)
            self.rows[("invited_meeting", scope)] = services.meeting_schedule(
                actor=director,
                council_id=council.pk,
                starts_at=timezone.make_aware(datetime.combine(day, time(14))),
                place="Salle commune",
                proposals_until=day,
            )
        return self.rows[("invited_meeting", scope)]

    def election(self, scope, actor=""):
        """An election of today whose roll is frozen, with one candidate: results may be recorded."""
        if ("election", scope, actor) not in self.rows:
            director = self.director_of(scope)
            today = timezone.localdate()
            election = services.election_create(
                actor=director,
                council_id=self.council(scope).pk,
                data={
                    "title": f"Élection {actor}",
                    "seats": 1,
                    "term_months": 12,
                    "roll_date": today,
                    "candidacy_deadline": today,
                    "vote_on": today,
                    "place": "Salon",
                    "tie_rule": "lots",
                },
            )
            services.election_roll_freeze(actor=director, election_id=election.pk)
            first = election.electors.order_by("name", "id").first()
            services.candidacy_add(actor=director, election_id=election.pk, elector_id=first.pk)
            self.rows[("election", scope, actor)] = election
        return self.rows[("election", scope, actor)]

    def project(self, scope):
        """A project of the scope's organisation with two objectives."""
        if ("project", scope) not in self.rows:
            director = self.director_of(scope)
            project = services.project_create(actor=director, title=f"Projet {scope}", start_year=2024, end_year=2028)
            for title in ("Faire valoir notre expertise", "Développer l'offre de logement"):
                services.objective_add(actor=director, project_id=project.pk, title=title)
            self.rows[("project", scope)] = project
        return self.rows[("project", scope)]

    def campaign(self, scope, actor=""):
        """An open campaign of the scope's project, one per actor (a director closes theirs)."""
        if ("campaign", scope, actor) not in self.rows:
            self.rows[("campaign", scope, actor)] = services.campaign_create(
                actor=self.director_of(scope),
                project_id=self.project(scope).pk,
                title=f"Cotation {actor}",
                held_on=timezone.localdate(),
            )
        return self.rows[("campaign", scope, actor)]

    def linked_campaign(self, scope):
        """An open campaign of the scope's project whose answering link is open."""
        if ("linked_campaign", scope) not in self.rows:
            campaign = self.campaign(scope, "link")
            self.rows[("linked_campaign", scope)] = objective_links.campaign_link_open(
                actor=self.director_of(scope), campaign_id=campaign.pk
            )
        return self.rows[("linked_campaign", scope)]

    def partner(self, scope):
        """A partner of the scope's organisation with an agreement whose signed PDF is stored."""
        if ("partner", scope) not in self.rows:
            director = self.director_of(scope)
            partner = partners.partner_create(actor=director, data={"name": f"Partenaire {scope}", "kind": "ccas"})
            agreement = partners.agreement_create(
                actor=director,
                partner_id=partner.pk,
                data={"title": f"Convention {scope}", "starts_on": timezone.localdate()},
                uploaded=SimpleUploadedFile("convention.pdf", _pdf_bytes()),
            )
            self.rows[("partner", scope)] = partner
            self.rows[("agreement", scope)] = agreement
            self.rows[("seat", scope)] = partners.seat_add(
                actor=director,
                partner_id=partner.pk,
                member_id=director.pk,
                data={"body": f"CCAPEX {scope}", "role": "titular", "started_on": timezone.localdate()},
            )
        return self.rows[("partner", scope)]

    def survey(self, scope):
        """An open survey of the scope's organisation with a scale question and a free one."""
        if ("survey", scope) not in self.rows:
            director = self.director_of(scope)
            survey = surveys.survey_create(
                actor=director,
                data={
                    "title": f"Enquête {scope}",
                    "audience": "owners",
                    "anonymous": True,
                    "opens_on": timezone.localdate(),
                },
            )
            surveys.question_add(actor=director, survey_id=survey.pk, data={"text": "Satisfait ?", "kind": "scale"})
            surveys.question_add(actor=director, survey_id=survey.pk, data={"text": "Remarques", "kind": "text"})
            self.rows[("survey", scope)] = survey
        return self.rows[("survey", scope)]

    def seat(self, scope):
        self.partner(scope)
        return self.rows[("seat", scope)]

    def agreement(self, scope):
        self.partner(scope)
        return self.rows[("agreement", scope)]

    def volunteer(self, scope):
        """The scope's volunteer with a mission in progress: the organisation's volunteer account (referent: the
        social worker) for the own team, another volunteer account without referent for the other team, one of
        another organisation."""
        if ("volunteer", scope) not in self.rows:
            director = self.director_of(scope)
            if scope == "own_team" and self.volunteer_account is not None:
                account, referent = self.volunteer_account, self.referent
            else:
                account = UserFactory(organisation=director.organisation, role=Role.VOLUNTEER)
                referent = None
            started = timezone.localdate() - timedelta(days=30)
            profile = volunteers.volunteer_create(
                actor=director,
                user_id=account.pk,
                referent_id=referent.pk if referent else None,
                data={"started_on": started, "skills": "Accueil"},
            )
            self.rows[("mission", scope)] = volunteers.mission_add(
                actor=director,
                volunteer_id=profile.pk,
                data={"kind": "reception_desk", "title": "Accueil", "starts_on": started, "ends_on": None},
            )
            self.rows[("volunteer", scope)] = profile
        return self.rows[("volunteer", scope)]

    def mission(self, scope):
        self.volunteer(scope)
        return self.rows[("mission", scope)]


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _duplicate_of(director, label):
    """A partner of the director's organisation typed again under another name, with a contact to move."""
    duplicate = partners.partner_create(actor=director, data={"name": f"Doublon {label}", "kind": "other"})
    partners.partner_contact_add(actor=director, partner_id=duplicate.pk, data={"name": f"Contact {label}"})
    return duplicate


def _second_elector(election):
    return election.electors.order_by("name", "id")[1]


def _councils(scenario) -> Councils:
    if not hasattr(scenario, "_community"):
        users = scenario.world.users
        scenario._community = Councils(
            scenario._director_of, users["host"], scenario.member, users["volunteer"], users["social_worker"]
        )
    return scenario._community


def fillers(scenario, actor, scope):
    councils = _councils(scenario)
    return {
        "council_id": lambda: councils.council(scope).pk,
        "meeting_id": lambda: councils.meeting(scope).pk,
        "election_id": lambda: councils.election(scope, actor).pk,
        "project_id": lambda: councils.project(scope).pk,
        "campaign_id": lambda: councils.campaign(scope, actor).pk,
        "campaign_key": lambda: councils.linked_campaign(scope).link_key,
        "partner_id": lambda: councils.partner(scope).pk,
        "agreement_id": lambda: councils.agreement(scope).pk,
        "seat_id": lambda: councils.seat(scope).pk,
        "survey_id": lambda: councils.survey(scope).pk,
        "link_key": lambda: councils.survey(scope).link_key,
        "volunteer_id": lambda: councils.volunteer(scope).pk,
        "proposal_key": lambda: councils.linked_meeting(scope).proposal_key,
    }


def route_fillers(route_name, scenario, actor, scope):
    """The parameters a page fills from rows of its own, over `fillers` (the meeting whose invitations are sent has
    a member with an address)."""
    if route_name == "community:meeting_invitations":
        return {"meeting_id": lambda: _councils(scenario).invited_meeting(scope).pk}
    return {}


def _answers(campaign) -> dict:
    return {"category": "staff"} | {f"o_{o.pk}": "achieved" for o in campaign.project.objectives.all()}


def post_data(route_name, scenario, actor, scope):
    if route_name == "community:member_add":
        return {"role": "member", "name": f"Nommé par {actor}", "term_start": "2026-01-05"}
    if route_name == "community:meeting_create":
        return {"starts_at": "2030-03-02T14:00", "place": f"Salle de {actor}", "proposals_until": "2030-02-28"}
    if route_name == "community:election_create":
        return {
            "title": f"Élection de {actor}",
            "seats": "2",
            "substitute_seats": "0",
            "term_months": "12",
            "roll_date": "2030-01-05",
            "candidacy_deadline": "2030-01-20",
            "vote_on": "2030-02-01",
            "place": "Salon",
            "tie_rule": "lots",
        }
    if route_name == "community:meeting_detail":
        return {"step": "propose", "propose-title": f"Sujet de {actor}"}
    if route_name == "community:meeting_minutes":
        return {"minutes": f"Compte rendu de {actor}", "action": "save"}
    if route_name == "community:meeting_invitations":
        return {}
    if route_name == "community:council_rhythm":  # a value of each actor's own: each allowed write changes it
        return {"meetings_per_year": str(ACTORS.index(actor) + 1)}
    if route_name == "community:meeting_proposal_link":  # each allowed write flips the link
        meeting = Meeting.objects.get(pk=_councils(scenario).meeting(scope).pk)
        return {"action": "close"} | CONFIRMED if meeting.proposal_key else {"action": "open"}
    if route_name == "community:agenda_propose":
        return {"title": f"Sujet proposé par le lien, {actor}", "first_name": ""}
    if route_name == "community:election_detail":
        return {"step": "candidacy", "elector": _second_elector(_councils(scenario).election(scope, actor)).pk}
    if route_name == "community:election_results":
        candidacy = _councils(scenario).election(scope, actor).candidacies.get()
        return {"voters": "1", "blank": "0", "null": "0", f"c_{candidacy.pk}": "1", "drawn": ""} | CONFIRMED
    if route_name == "community:axis_add":
        return {"title": f"Axe de {actor}"}
    if route_name == "community:objective_add":
        return {"title": f"Objectif de {actor}", "axis": "", "description": ""}
    if route_name == "community:campaign_create":
        return {"title": f"Cotation de {actor}", "held_on": "2026-06-12", "anonymous": "on"}
    if route_name == "community:answer_record":
        return _answers(_councils(scenario).campaign(scope, actor))
    if route_name == "community:campaign_close":
        return CONFIRMED
    if route_name == "community:campaign_link":
        return {"action": "open"}
    if route_name == "community:campaign_answer":
        return _answers(_councils(scenario).linked_campaign(scope)) | {"category": "person"}
    if route_name == "community:partner_edit":
        return {"name": f"Partenaire {scope} revu par {actor}", "kind": "ccas"}
    if route_name == "community:contact_add":
        return {"name": f"Contact de {actor}"}
    if route_name == "community:partner_merge":
        return {"duplicate": _duplicate_of(_councils(scenario).director_of(scope), f"{scope} {actor}").pk} | CONFIRMED
    if route_name in ("community:agreement_create", "community:agreement_edit"):
        return {"title": f"Convention de {actor}", "starts_on": "2026-01-01", "renewal_notice_days": "90"}
    if route_name == "community:partner_seat_add":
        member = _councils(scenario).director_of(scope)
        return {"member": str(member.pk), "body": f"CRHH de {actor}", "role": "titular", "started_on": "2026-01-05"}
    if route_name == "community:partner_seat_end":
        return {"ended_on": "2030-01-31"}
    if route_name == "community:survey_question_add":
        return {"text": f"Question de {actor}", "kind": "text"}
    if route_name in ("community:survey_response_add", "community:survey_answer"):
        question = _councils(scenario).survey(scope).questions.get(kind="scale")
        return {f"q_{question.pk}": "4"}
    if route_name == "community:volunteer_detail":
        mission = _councils(scenario).mission(scope)
        return {"mission": mission.pk, "worked_on": timezone.localdate().isoformat(), "hours": "2"}
    if route_name == "community:volunteer_edit":
        return {"started_on": "2026-01-05", "skills": f"Revu par {actor}"}
    if route_name == "community:mission_add":
        return {"kind": "workshops", "title": f"Atelier de {actor}", "starts_on": "2026-01-05"}
    raise AssertionError(f"no POST data for {route_name}")


def state(route_name, scenario, actor, scope):
    councils = _councils(scenario)
    if route_name == "community:member_add":
        return CouncilMember.objects.filter(council=councils.council(scope)).count()
    if route_name == "community:meeting_create":
        return Meeting.objects.filter(council=councils.council(scope)).count()
    if route_name == "community:election_create":
        return Election.objects.filter(council=councils.council(scope)).count()
    if route_name == "community:meeting_detail":
        return AgendaItem.objects.filter(meeting=councils.meeting(scope)).count()
    if route_name == "community:meeting_minutes":
        return Meeting.objects.get(pk=councils.meeting(scope).pk).minutes
    if route_name == "community:meeting_invitations":
        return Meeting.objects.get(pk=councils.invited_meeting(scope).pk).invitations_sent_at
    if route_name == "community:council_rhythm":
        return Council.objects.get(pk=councils.council(scope).pk).meetings_per_year
    if route_name == "community:meeting_proposal_link":
        return Meeting.objects.get(pk=councils.meeting(scope).pk).proposal_key
    if route_name == "community:agenda_propose":
        return AgendaItem.objects.filter(meeting=councils.linked_meeting(scope), by_link=True).count()
    if route_name == "community:election_detail":
        return councils.election(scope, actor).candidacies.count()
    if route_name == "community:election_results":
        return Election.objects.get(pk=councils.election(scope, actor).pk).status
    if route_name == "community:axis_add":
        return ProjectAxis.objects.filter(project=councils.project(scope)).count()
    if route_name == "community:objective_add":
        return StrategicObjective.objects.filter(project=councils.project(scope)).count()
    if route_name == "community:campaign_create":
        return GradingCampaign.objects.filter(project=councils.project(scope)).count()
    if route_name == "community:answer_record":
        return ObjectiveAnswer.objects.filter(campaign=councils.campaign(scope, actor)).count()
    if route_name == "community:campaign_close":
        return GradingCampaign.objects.get(pk=councils.campaign(scope, actor).pk).closed_at
    if route_name == "community:campaign_link":
        return GradingCampaign.objects.get(pk=councils.campaign(scope, actor).pk).link_key
    if route_name == "community:campaign_answer":
        return ObjectiveAnswer.objects.filter(campaign=councils.linked_campaign(scope)).count()
    if route_name == "community:partner_edit":
        return Partner.objects.get(pk=councils.partner(scope).pk).name
    if route_name in ("community:contact_add", "community:partner_merge"):
        return PartnerContact.objects.filter(partner=councils.partner(scope)).count()
    if route_name == "community:agreement_create":
        return Agreement.objects.filter(partner=councils.partner(scope)).count()
    if route_name == "community:agreement_edit":
        return Agreement.objects.get(pk=councils.agreement(scope).pk).title
    if route_name == "community:partner_seat_add":
        return PartnerSeat.objects.filter(partner=councils.partner(scope)).count()
    if route_name == "community:partner_seat_end":
        return PartnerSeat.objects.get(pk=councils.seat(scope).pk).ended_on
    if route_name == "community:survey_question_add":
        return councils.survey(scope).questions.count()
    if route_name in ("community:survey_response_add", "community:survey_answer"):
        return councils.survey(scope).responses.count()
    if route_name == "community:volunteer_detail":
        return VolunteerHours.objects.filter(mission__volunteer=councils.volunteer(scope)).count()
    if route_name == "community:volunteer_edit":
        return Volunteer.objects.get(pk=councils.volunteer(scope).pk).skills
    if route_name == "community:mission_add":
        return VolunteerMission.objects.filter(volunteer=councils.volunteer(scope)).count()
    raise AssertionError(f"no state for {route_name}")


# --- CSRF --------------------------------------------------------------------------------------------------


def _world_councils(world) -> Councils:
    if not hasattr(world, "_community"):
        world._community = Councils(
            lambda scope: world.users["director"],
            world.users["host"],
            lambda scope: world.own_household.members.first(),
            world.users["volunteer"],
            world.users["social_worker"],
        )
    return world._community


def csrf_case(name, world):
    director = world.users["director"]
    councils = _world_councils(world)
    client = logged_in(director)
    if name == "community:council_create":
        url = reverse(name)
        data = {"name": "Bureau", "kind": "bureau", "legal_basis": "statutes"}
        return CsrfCase(client, url, url, data, lambda: Council.objects.filter(name="Bureau").exists())
    council = councils.council("own_team")
    if name == "community:member_add":
        url = reverse(name, args=[council.pk])
        data = {"role": "member", "name": "Membre CSRF", "term_start": "2026-01-05"}
        return CsrfCase(client, url, url, data, lambda: CouncilMember.objects.filter(name="Membre CSRF").exists())
    if name == "community:meeting_create":
        url = reverse(name, args=[council.pk])
        data = {"starts_at": "2030-03-02T14:00", "place": "Salle CSRF", "proposals_until": "2030-02-28"}
        return CsrfCase(client, url, url, data, lambda: Meeting.objects.filter(place="Salle CSRF").exists())
    if name == "community:election_create":
        url = reverse(name, args=[council.pk])
        data = post_data(name, None, "csrf", "own_team")
        return CsrfCase(client, url, url, data, lambda: Election.objects.filter(title="Élection de csrf").exists())
    if name == "community:meeting_detail":
        meeting = councils.meeting("own_team")
        url = reverse(name, args=[meeting.pk])
        data = {"step": "propose", "propose-title": "Sujet CSRF"}
        return CsrfCase(client, url, url, data, lambda: AgendaItem.objects.filter(title="Sujet CSRF").exists())
    if name == "community:meeting_minutes":
        meeting = councils.meeting("own_team", past=True)
        url = reverse(name, args=[meeting.pk])
        data = {"minutes": "Compte rendu.", "action": "close"} | CONFIRMED
        return CsrfCase(
            client, url, url, data, lambda: Meeting.objects.get(pk=meeting.pk).minutes_closed_at is not None
        )
    if name == "community:meeting_invitations":
        meeting = councils.invited_meeting("own_team")
        form_page = reverse("community:meeting_detail", args=[meeting.pk])
        url = reverse(name, args=[meeting.pk])
        return CsrfCase(
            client, form_page, url, {}, lambda: Meeting.objects.get(pk=meeting.pk).invitations_sent_at is not None
        )
    if name == "community:council_rhythm":
        url = reverse(name, args=[council.pk])
        saved = lambda: Council.objects.get(pk=council.pk).meetings_per_year == 7  # noqa: E731
        return CsrfCase(client, url, url, {"meetings_per_year": "7"}, saved)
    if name == "community:meeting_proposal_link":  # turning the link off: a confirmation page first
        meeting = councils.linked_meeting("own_team")
        url = reverse(name, args=[meeting.pk])
        turned_off = lambda: Meeting.objects.get(pk=meeting.pk).proposal_key is None  # noqa: E731
        return CsrfCase(client, url, url, {"action": "close"} | CONFIRMED, turned_off)
    if name == "community:agenda_propose":
        meeting = councils.linked_meeting("own_team")
        url = reverse(name, args=[meeting.proposal_key])
        anonymous = Client(enforce_csrf_checks=True)
        saved = lambda: AgendaItem.objects.filter(title="Sujet CSRF", by_link=True).exists()  # noqa: E731
        return CsrfCase(anonymous, url, url, {"title": "Sujet CSRF"}, saved)
    if name == "community:election_detail":
        election = councils.election("own_team", "csrf")
        url = reverse(name, args=[election.pk])
        return CsrfCase(
            client,
            url,
            url,
            {"step": "candidacy", "elector": _second_elector(election).pk},
            lambda: election.candidacies.count() == 2,
        )
    if name == "community:election_results":
        election = councils.election("own_team")
        candidacy = election.candidacies.get()
        url = reverse(name, args=[election.pk])
        data = {"voters": "1", "blank": "0", "null": "0", f"c_{candidacy.pk}": "1", "drawn": ""} | CONFIRMED
        return CsrfCase(client, url, url, data, lambda: Election.objects.get(pk=election.pk).status == "counted")
    if name == "community:project_create":
        url = reverse(name)
        data = {"title": "Projet CSRF", "start_year": "2024", "end_year": "2028"}
        return CsrfCase(client, url, url, data, lambda: StrategicProject.objects.filter(title="Projet CSRF").exists())
    project = councils.project("own_team")
    if name == "community:axis_add":
        url = reverse(name, args=[project.pk])
        return CsrfCase(
            client, url, url, {"title": "Axe CSRF"}, lambda: ProjectAxis.objects.filter(title="Axe CSRF").exists()
        )
    if name == "community:objective_add":
        url = reverse(name, args=[project.pk])
        data = {"title": "Objectif CSRF", "axis": "", "description": ""}
        return CsrfCase(
            client, url, url, data, lambda: StrategicObjective.objects.filter(title="Objectif CSRF").exists()
        )
    if name == "community:campaign_create":
        url = reverse(name, args=[project.pk])
        data = {"title": "Cotation CSRF", "held_on": "2026-06-12", "anonymous": "on"}
        return CsrfCase(client, url, url, data, lambda: GradingCampaign.objects.filter(title="Cotation CSRF").exists())
    if name == "community:answer_record":
        campaign = councils.campaign("own_team", "csrf")
        url = reverse(name, args=[campaign.pk])
        return CsrfCase(client, url, url, _answers(campaign), lambda: campaign.answers.exists())
    if name == "community:campaign_close":
        campaign = councils.campaign("own_team", "close")
        url = reverse(name, args=[campaign.pk])
        return CsrfCase(client, url, url, CONFIRMED, lambda: not GradingCampaign.objects.get(pk=campaign.pk).is_open)
    if name == "community:campaign_link":  # turning the link off: a confirmation page first
        campaign = councils.linked_campaign("own_team")
        url = reverse(name, args=[campaign.pk])
        data = {"action": "close"} | CONFIRMED
        return CsrfCase(client, url, url, data, lambda: not GradingCampaign.objects.get(pk=campaign.pk).link_key)
    if name == "community:campaign_answer":
        campaign = councils.linked_campaign("own_team")
        url = reverse(name, args=[campaign.link_key])
        anonymous = Client(enforce_csrf_checks=True)
        return CsrfCase(anonymous, url, url, _answers(campaign), lambda: campaign.answers.exists())
    if name == "community:partner_create":
        url = reverse(name)
        data = {"name": "Partenaire CSRF", "kind": "siao"}
        return CsrfCase(client, url, url, data, lambda: Partner.objects.filter(name="Partenaire CSRF").exists())
    partner = councils.partner("own_team")
    if name == "community:partner_edit":
        url = reverse(name, args=[partner.pk])
        data = {"name": "Partenaire revu CSRF", "kind": "siao"}
        return CsrfCase(client, url, url, data, lambda: Partner.objects.filter(name="Partenaire revu CSRF").exists())
    if name == "community:partner_merge":
        url = reverse(name, args=[partner.pk])
        duplicate = _duplicate_of(director, "CSRF")
        gone = lambda: not Partner.objects.filter(pk=duplicate.pk).exists()  # noqa: E731
        return CsrfCase(client, url, url, {"duplicate": str(duplicate.pk)} | CONFIRMED, gone)
    if name == "community:contact_add":
        url = reverse(name, args=[partner.pk])
        return CsrfCase(
            client,
            url,
            url,
            {"name": "Contact CSRF"},
            lambda: PartnerContact.objects.filter(name="Contact CSRF").exists(),
        )
    if name == "community:agreement_create":
        url = reverse(name, args=[partner.pk])
        data = {"title": "Convention CSRF", "starts_on": "2026-01-01", "renewal_notice_days": "90"}
        return CsrfCase(client, url, url, data, lambda: Agreement.objects.filter(title="Convention CSRF").exists())
    if name == "community:agreement_edit":
        url = reverse(name, args=[councils.agreement("own_team").pk])
        data = {"title": "Convention revue CSRF", "starts_on": "2026-01-01", "renewal_notice_days": "90"}
        return CsrfCase(
            client, url, url, data, lambda: Agreement.objects.filter(title="Convention revue CSRF").exists()
        )
    if name == "community:partner_seat_add":
        url = reverse(name, args=[partner.pk])
        data = {"member": str(director.pk), "body": "CRHH CSRF", "role": "titular", "started_on": "2026-01-05"}
        return CsrfCase(client, url, url, data, lambda: PartnerSeat.objects.filter(body="CRHH CSRF").exists())
    if name == "community:partner_seat_end":
        seat = councils.seat("own_team")
        url = reverse(name, args=[seat.pk])
        return CsrfCase(
            client, url, url, {"ended_on": "2030-01-31"}, lambda: PartnerSeat.objects.get(pk=seat.pk).ended_on
        )
    if name == "community:survey_create":
        url = reverse(name)
        data = {"title": "Enquête CSRF", "audience": "owners", "opens_on": "2026-01-05"}
        return CsrfCase(client, url, url, data, lambda: Survey.objects.filter(title="Enquête CSRF").exists())
    survey = councils.survey("own_team")
    if name == "community:survey_question_add":
        url = reverse(name, args=[survey.pk])
        data = {"text": "Question CSRF", "kind": "text"}
        return CsrfCase(client, url, url, data, lambda: survey.questions.filter(text="Question CSRF").exists())
    question = survey.questions.get(kind="scale")
    if name == "community:survey_response_add":
        url = reverse(name, args=[survey.pk])
        return CsrfCase(client, url, url, {f"q_{question.pk}": "5"}, lambda: survey.responses.exists())
    if name == "community:survey_answer":
        url = reverse(name, args=[survey.link_key])
        anonymous = Client(enforce_csrf_checks=True)
        return CsrfCase(anonymous, url, url, {f"q_{question.pk}": "2"}, lambda: survey.responses.exists())
    csrf = _volunteer_csrf_case(name, world, councils)
    if csrf is not None:
        return csrf
    raise AssertionError(f"no CSRF case for {name}")


def _volunteer_csrf_case(name, world, councils):
    director = world.users["director"]
    client = logged_in(director)
    if name == "community:volunteer_create":
        account = UserFactory(organisation=world.organisation, role=Role.VOLUNTEER)
        url = reverse(name)
        data = {"user": account.pk, "started_on": "2026-01-05", "skills": "Fiche CSRF"}
        return CsrfCase(client, url, url, data, lambda: Volunteer.objects.filter(skills="Fiche CSRF").exists())
    if name == "community:charter_create":
        url = reverse(name)
        data = {"published_on": "2026-01-05", "text": "Charte CSRF"} | CONFIRMED
        return CsrfCase(client, url, url, data, lambda: CharterVersion.objects.filter(text="Charte CSRF").exists())
    if name == "community:charter_sign":  # a new version: the world's volunteer signed the first one
        version = volunteers.charter_publish(actor=director, published_on=timezone.localdate(), text="Charte à signer")
        volunteer = world.users["volunteer"]
        url = reverse(name)
        signed = lambda: CharterSignature.objects.filter(user=volunteer, version=version).exists()  # noqa: E731
        return CsrfCase(logged_in(volunteer), url, url, {}, signed)
    volunteer = councils.volunteer("own_team")
    mission = councils.mission("own_team")
    hours = {"mission": mission.pk, "worked_on": timezone.localdate().isoformat(), "hours": "1.5"}
    logged = lambda: VolunteerHours.objects.filter(mission=mission, hours=Decimal("1.5")).exists()  # noqa: E731
    if name == "community:volunteer_detail":
        url = reverse(name, args=[volunteer.pk])
        return CsrfCase(client, url, url, hours, logged)
    if name == "community:my_volunteering":
        url = reverse(name)
        return CsrfCase(logged_in(world.users["volunteer"]), url, url, hours, logged)
    if name == "community:volunteer_edit":
        url = reverse(name, args=[volunteer.pk])
        data = {"started_on": "2026-01-05", "skills": "Revu CSRF"}
        return CsrfCase(client, url, url, data, lambda: Volunteer.objects.filter(skills="Revu CSRF").exists())
    if name == "community:mission_add":
        url = reverse(name, args=[volunteer.pk])
        data = {"kind": "workshops", "title": "Mission CSRF", "starts_on": "2026-01-05"}
        return CsrfCase(client, url, url, data, lambda: VolunteerMission.objects.filter(title="Mission CSRF").exists())
    return None


def post_probe_values(world):
    councils = _world_councils(world)
    return {
        "council_id": councils.council("own_team").pk,
        "meeting_id": councils.meeting("own_team").pk,
        "election_id": councils.election("own_team", "probe").pk,
        "project_id": councils.project("own_team").pk,
        "campaign_id": councils.campaign("own_team", "probe").pk,
        "campaign_key": councils.linked_campaign("own_team").link_key,
        "partner_id": councils.partner("own_team").pk,
        "agreement_id": councils.agreement("own_team").pk,
        "seat_id": councils.seat("own_team").pk,
        "survey_id": councils.survey("own_team").pk,
        "link_key": councils.survey("own_team").link_key,
        "volunteer_id": councils.volunteer("own_team").pk,
        "proposal_key": councils.linked_meeting("own_team").proposal_key,
    }
