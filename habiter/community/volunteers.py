"""Volunteers: their profile, missions, hours and the charter they sign (DOMAIN-2 W22–W30, docs/adr/0029).

Writes (each checks its permission, runs in a transaction and is audited) and the organisation-scoped reads of the
volunteers' pages. Directors manage the profiles, missions and charter versions; the referent of a volunteer (a
staff member) and the directors log hours for them; a volunteer logs their own hours and signs the charter. A
volunteer who has not signed the charter in force is held on the charter's page (`charter_holds`, an account gate
of `habiter.core.registry`): no page, no API, until they sign; while their organisation has published no charter
in force, they are held on that page too, which tells them so.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import ExtractYear, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from habiter.core.audit import audit_record
from habiter.core.legal_queries import legal_parameters
from habiter.core.models import PartnerKind, Role, User
from habiter.core.partners import partner_named

from . import rules
from .models import (
    AgendaItem,
    CharterSignature,
    CharterVersion,
    CouncilMember,
    Engagement,
    Meeting,
    MissionKind,
    Volunteer,
    VolunteerHours,
    VolunteerMission,
)

PROFILE_FIELDS = (
    "skills",
    "availability",
    "started_on",
    "record_checked_on",
    "insurance_policy",
    "insured_from",
    "insured_until",
    "convention_from",
    "convention_to",
    "employer_hourly_cost",
)
PROFILE_TEXTS = ("skills", "availability", "insurance_policy")
MISSION_FIELDS = ("kind", "title", "starts_on", "ends_on", "requires_record_check")


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _profile(data: dict) -> dict:
    return {f: _clean(data.get(f) or ("" if f in PROFILE_TEXTS else None)) for f in PROFILE_FIELDS}


def _engage(actor, volunteer: Volunteer, data: dict) -> None:
    """Bénévolat, or mécénat de compétences (W29): an employee their employer places with the association on paid
    time, under a convention whose dates bound the hours. The employer is a partner record, typed by name."""
    volunteer.engagement = data.get("engagement") or Engagement.VOLUNTEERING
    if volunteer.engagement != Engagement.SKILLS_SPONSORSHIP:
        volunteer.employer, volunteer.convention_from, volunteer.convention_to = None, None, None
        volunteer.employer_hourly_cost = None
        return
    volunteer.employer = partner_named(
        actor=actor,
        name=data.get("employer_name") or "",
        field="employer_name",
        origin="volunteer.employer",
        kind=PartnerKind.COMPANY,
    )
    errors = {}
    if volunteer.employer is None:
        errors["employer_name"] = _("Le mécénat de compétences nomme l'employeur qui met la personne à disposition.")
    if volunteer.convention_from is None:
        errors["convention_from"] = _("Indiquez le début de la convention de mécénat.")
    if errors:
        raise ValidationError(errors)


def _require(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied


# --- the charter ---------------------------------------------------------------------------------------------------


def current_charter(organisation_id, today: date) -> CharterVersion | None:
    """The version of the charter in force on `today`: the last one published on or before it."""
    return (
        CharterVersion.objects.filter(organisation_id=organisation_id, published_on__lte=today)
        .order_by("-published_on", "-number")
        .first()
    )


def charter_holds(user) -> bool:
    """Whether a volunteer is held on the charter's page before anything else (W23: no account before the charter is
    signed): they have not signed the version in force, or their organisation has none in force yet — nothing to
    sign, so nothing to use (docs/adr/0029, addendum). Staff are never held. One query, on every page a volunteer
    opens."""
    if user.role != Role.VOLUNTEER or not user.organisation_id:
        return False
    signed = (
        CharterVersion.objects.filter(organisation_id=user.organisation_id, published_on__lte=timezone.localdate())
        .order_by("-published_on", "-number")
        .annotate(signed=Exists(CharterSignature.objects.filter(version=OuterRef("pk"), user=user)))
        .values_list("signed", flat=True)
        .first()
    )
    return not signed  # None: no charter in force


def next_charter(organisation_id, today: date) -> CharterVersion | None:
    """The first version published for a day still to come, when none is in force yet: the day it can be signed."""
    return (
        CharterVersion.objects.filter(organisation_id=organisation_id, published_on__gt=today)
        .order_by("published_on", "number")
        .first()
    )


def default_charter_text() -> str:
    """The text offered for a first version of the charter (W23, W24, W30), for the director to adapt."""
    return "\n\n".join(
        [
            _("Charte d'engagement du bénévole"),
            _(
                "1. Je m'engage librement, sans rémunération, au service des personnes accompagnées et selon le "
                "projet de l'association."
            ),
            _(
                "2. Je ne remplace jamais un salarié et je n'agis pas auprès d'une personne accompagnée sans la "
                "présence ou l'accord d'un travailleur social."
            ),
            _(
                "3. Je ne vois jamais le dossier d'un ménage : ni notes, ni évaluations, ni santé, ni dettes, ni "
                "procédures. Je ne reçois que ce qui est strictement utile à ma mission (un prénom, un créneau, une "
                "présence à un atelier)."
            ),
            _(
                "4. Je garde pour moi ce que j'apprends des personnes pendant ma mission (Code pénal, article "
                "226-13, pour une mission couverte par le secret)."
            ),
            _(
                "5. Je respecte le contrat d'engagement républicain signé par l'association : mes actes de "
                "bénévole l'engagent."
            ),
            _(
                "6. L'association m'assure pendant mes missions, me confie un référent salarié et valorise les "
                "heures que je donne."
            ),
        ]
    )


def charter_publish(*, actor, published_on: date, text: str) -> CharterVersion:
    """Publish a new version of the charter, in force from `published_on` (after the last version's day): from that
    day every volunteer signs it again before using Habiter."""
    _require(actor, "community.manage_volunteers")
    text = _clean(text)
    with transaction.atomic():
        versions = CharterVersion.objects.select_for_update().filter(organisation_id=actor.organisation_id)
        latest = versions.aggregate(number=Max("number"), day=Max("published_on"))
        if latest["day"] is not None and published_on <= latest["day"]:
            message = _("La nouvelle version entre en vigueur après la précédente (%(day)s).") % {
                "day": latest["day"].strftime("%d/%m/%Y")
            }
            raise ValidationError({"published_on": message})
        version = CharterVersion(
            organisation_id=actor.organisation_id,
            number=(latest["number"] or 0) + 1,
            published_on=published_on,
            text=text,
            published_by=actor,
        )
        version.full_clean()
        version.save()
        audit_record(actor=actor, action="charter.publish", obj=version, detail={"number": version.number})
    return version


def charter_sign(*, actor) -> CharterSignature:
    """A volunteer signs the version of the charter in force today."""
    if actor.role != Role.VOLUNTEER or not actor.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        charter = current_charter(actor.organisation_id, timezone.localdate())
        if charter is None:
            raise ValidationError(_("Aucune charte n'est en vigueur : rien à signer."))
        if CharterSignature.objects.filter(version=charter, user=actor).exists():
            raise ValidationError(_("Vous avez déjà signé cette version de la charte."))
        signature = CharterSignature.objects.create(
            organisation_id=actor.organisation_id, version=charter, user=actor, signed_at=timezone.now()
        )
        audit_record(actor=actor, action="charter.sign", obj=signature, detail={"number": charter.number})
    return signature


def charter_versions(user) -> list[CharterVersion]:
    """The organisation's charter versions, newest first, for a director."""
    _require(user, "community.manage_volunteers")
    return list(CharterVersion.objects.filter(organisation_id=user.organisation_id).select_related("published_by"))


# --- profiles and missions -----------------------------------------------------------------------------------------


def volunteer_accounts_without_profile(user):
    """The organisation's active volunteer accounts that have no profile yet (the choices of a new profile)."""
    return User.objects.filter(
        organisation_id=user.organisation_id, role=Role.VOLUNTEER, is_active=True, volunteer_profile__isnull=True
    )


def referent_choices(user):
    """The active staff of the organisation who may be a volunteer's referent."""
    return User.objects.filter(organisation_id=user.organisation_id, is_active=True).exclude(
        role__in=(Role.VOLUNTEER, Role.LAWYER)
    )


def _referent(actor, referent_id):
    if not referent_id:
        return None
    referent = referent_choices(actor).filter(pk=referent_id).first()
    if referent is None:
        raise ValidationError({"referent": _("Choisissez un salarié de votre association.")})
    return referent


def volunteer_create(*, actor, user_id, referent_id, data: dict) -> Volunteer:
    """The profile of a volunteer account of the organisation: skills, availability, insurance, record check."""
    _require(actor, "community.manage_volunteers")
    with transaction.atomic():
        account = volunteer_accounts_without_profile(actor).select_for_update(of=("self",)).filter(pk=user_id).first()
        if account is None:
            raise ValidationError({"user": _("Choisissez un compte bénévole de votre association sans fiche.")})
        volunteer = Volunteer(
            organisation_id=actor.organisation_id,
            user=account,
            referent=_referent(actor, referent_id),
            **_profile(data),
        )
        _engage(actor, volunteer, data)
        volunteer.full_clean()
        volunteer.save()
        audit_record(actor=actor, action="volunteer.create", obj=volunteer)
    return volunteer


def volunteer_update(*, actor, volunteer_id, referent_id, data: dict) -> Volunteer:
    _require(actor, "community.manage_volunteers")
    with transaction.atomic():
        volunteer = (
            Volunteer.objects.select_for_update().filter(organisation_id=actor.organisation_id).get(pk=volunteer_id)
        )
        volunteer.referent = _referent(actor, referent_id)
        for field, value in _profile(data).items():
            setattr(volunteer, field, value)
        _engage(actor, volunteer, data)
        volunteer.full_clean()
        volunteer.save()
        audit_record(actor=actor, action="volunteer.change", obj=volunteer)
    return volunteer


def _uninsured(volunteer) -> str:
    return _(
        "L'assurance de l'association ne couvre %(name)s que jusqu'au %(day)s : enregistrez d'abord son "
        "renouvellement sur la fiche."
    ) % {"name": volunteer, "day": date_format(volunteer.insured_until, "d/m/Y")}


def mission_add(*, actor, volunteer_id, data: dict) -> VolunteerMission:
    """Give a volunteer a mission; none starts after the end of their insurance (W26)."""
    _require(actor, "community.manage_volunteers")
    with transaction.atomic():
        volunteer = Volunteer.objects.filter(organisation_id=actor.organisation_id).get(pk=volunteer_id)
        mission = VolunteerMission(
            organisation_id=actor.organisation_id,
            volunteer=volunteer,
            **{f: _clean(data.get(f)) for f in MISSION_FIELDS}
            | {
                "title": _clean(data.get("title") or ""),
                "requires_record_check": bool(data.get("requires_record_check")),
            },
        )
        mission.full_clean()
        if not rules.insured_on(volunteer.insured_until, mission.starts_on):
            raise ValidationError({"starts_on": _uninsured(volunteer)})
        mission.save()
        audit_record(actor=actor, action="volunteer_mission.add", obj=mission, detail={"kind": mission.kind})
    return mission


# --- hours ---------------------------------------------------------------------------------------------------------


def may_log_hours(user, volunteer: Volunteer) -> bool:
    """The volunteer themselves, their referent, or a director of the organisation."""
    if volunteer.organisation_id != user.organisation_id:
        return False
    if user.role == Role.VOLUNTEER:
        return volunteer.user_id == user.pk
    return user.has_perm("community.manage_volunteers") or (
        volunteer.referent_id == user.pk and user.has_perm("community.view_volunteers")
    )


def hours_log(*, actor, mission_id, worked_on: date, hours: Decimal, note: str = "") -> VolunteerHours:
    """Log hours given on a mission on a day within the mission, not in the future, while the volunteer is insured
    (W26). A mission that requires the criminal-record check takes no hours until its date is recorded (W25)."""
    with transaction.atomic():
        mission = (
            VolunteerMission.objects.select_related("volunteer")
            .filter(organisation_id=actor.organisation_id)
            .get(pk=mission_id)
        )
        if not may_log_hours(actor, mission.volunteer) or charter_holds(actor):
            raise PermissionDenied
        if worked_on > timezone.localdate():
            raise ValidationError({"worked_on": _("Les heures se saisissent une fois faites, pas à l'avance.")})
        if not mission.covers(worked_on):
            raise ValidationError({"worked_on": _("Ce jour n'est pas dans la période de la mission.")})
        if not rules.within_convention(mission.volunteer.convention_from, mission.volunteer.convention_to, worked_on):
            raise ValidationError(
                {"worked_on": _("Ce jour n'est pas dans la convention de mécénat de compétences de cette personne.")}
            )
        if not rules.insured_on(mission.volunteer.insured_until, worked_on):
            raise ValidationError({"worked_on": _uninsured(mission.volunteer)})
        if mission.requires_record_check and mission.volunteer.record_checked_on is None:
            raise ValidationError(
                _("Cette mission demande la vérification d'honorabilité (CASF L133-6) : elle n'est pas enregistrée.")
            )
        entry = VolunteerHours(
            organisation_id=actor.organisation_id,
            mission=mission,
            worked_on=worked_on,
            hours=hours,
            note=_clean(note),
            entered_by=actor,
        )
        entry.full_clean()
        entry.save()
        audit_record(actor=actor, action="volunteer_hours.log", obj=entry, detail={"hours": str(hours)})
    return entry


# --- reads ---------------------------------------------------------------------------------------------------------


def _scoped(user):
    """The volunteers the user may open: all of the organisation for a director, their own for a referent."""
    rows = Volunteer.objects.filter(organisation_id=user.organisation_id).select_related("user", "referent")
    if user.has_perm("community.manage_volunteers"):
        return rows
    if user.has_perm("community.view_volunteers"):
        return rows.filter(referent=user)
    return rows.none()


def volunteer_list(user, year: int) -> list[Volunteer]:
    """The volunteers the user may open, each with `year_hours` and `signed_current` (the charter in force)."""
    volunteers = list(
        _scoped(user).annotate(
            year_hours=Sum("missions__hours__hours", filter=Q(missions__hours__worked_on__year=year), default=0)
        )
    )
    charter = current_charter(user.organisation_id, timezone.localdate())
    signed = (
        set(CharterSignature.objects.filter(version=charter).values_list("user_id", flat=True)) if charter else set()
    )
    for volunteer in volunteers:
        volunteer.signed_current = charter is not None and volunteer.user_id in signed
    return volunteers


def volunteer_for_page(user, volunteer_id) -> Volunteer:
    """A volunteer the user may open; DoesNotExist otherwise (a 404)."""
    return _scoped(user).select_related("employer").get(pk=volunteer_id)


def own_volunteer(user) -> Volunteer | None:
    if user.role != Role.VOLUNTEER:
        return None
    return Volunteer.objects.filter(organisation_id=user.organisation_id, user=user).first()


@dataclass
class VolunteerYear:
    missions: list  # VolunteerMission, each with `year_hours`
    hours: list  # VolunteerHours of the year, newest first
    total: Decimal
    signatures: list  # CharterSignature of the volunteer, newest first


def volunteer_year(volunteer: Volunteer, year: int) -> VolunteerYear:
    """A volunteer's missions with their hours of the year, the hours logged that year and their total."""
    missions = list(
        volunteer.missions.annotate(year_hours=Sum("hours__hours", filter=Q(hours__worked_on__year=year), default=0))
    )
    hours = list(
        VolunteerHours.objects.filter(mission__volunteer=volunteer, worked_on__year=year).select_related(
            "mission", "entered_by"
        )
    )
    signatures = list(volunteer.user.charter_signatures.select_related("version"))
    return VolunteerYear(missions, hours, sum((h.hours for h in hours), Decimal(0)), signatures)


def open_missions(volunteer: Volunteer, today: date):
    """The missions in progress today (those that take hours)."""
    return volunteer.missions.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def mission_for_hours(user, mission_id) -> VolunteerMission:
    """A mission the user may log hours on; DoesNotExist otherwise."""
    mission = (
        VolunteerMission.objects.select_related("volunteer")
        .filter(organisation_id=user.organisation_id)
        .get(pk=mission_id)
    )
    if not may_log_hours(user, mission.volunteer):
        raise VolunteerMission.DoesNotExist
    return mission


def invited_meetings(user, today: date) -> list[Meeting]:
    """The meetings to come of the councils where the user holds a seat on the meeting's day (their invitations),
    each with its agenda as it stands (`agenda`: the subjects' titles only — never who proposed them). Two queries."""
    seat = CouncilMember.objects.filter(council=OuterRef("council"), user=user, term_start__lte=OuterRef("day")).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=OuterRef("day"))
    )
    meetings = (
        Meeting.objects.filter(organisation_id=user.organisation_id, starts_at__date__gte=today)
        .annotate(day=TruncDate("starts_at"))  # the meeting's day, in the local time zone
        .filter(Exists(seat))
        .select_related("council")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.only("meeting_id", "title"), to_attr="agenda")
        )
        .order_by("starts_at", "id")
    )
    return list(meetings)


def hours_years(volunteer_ids=None, organisation_id=None) -> list[int]:
    rows = VolunteerHours.objects.filter(organisation_id=organisation_id)
    if volunteer_ids is not None:
        rows = rows.filter(mission__volunteer_id__in=volunteer_ids)
    return sorted(set(rows.annotate(y=ExtractYear("worked_on")).values_list("y", flat=True)), reverse=True)


# --- exports (W27, W28) --------------------------------------------------------------------------------------------


def valuation_rows(user, year: int) -> tuple[list[list], Decimal, Decimal]:
    """The contributions in kind of volunteering for the year's accounts (W28, account 864): one line per volunteer,
    kind of mission and valuation rate (the rate in force on the day the hours were given), with the hours and
    their valuation; and the year's total hours and valuation. Hours of mécénat de compétences are paid working time
    of another employer, not volunteering (W29): they are left out, valued apart at the employer's cost
    (`sponsorship_year`). Directors only."""
    _require(user, "community.manage_volunteers")
    params = legal_parameters()
    grouped: dict[tuple, Decimal] = defaultdict(Decimal)
    entries = (
        VolunteerHours.objects.filter(organisation_id=user.organisation_id, worked_on__year=year)
        .exclude(mission__volunteer__engagement=Engagement.SKILLS_SPONSORSHIP)
        .select_related("mission__volunteer__user")
        .order_by("worked_on")
    )
    names = {}
    for entry in entries:
        volunteer = entry.mission.volunteer
        names[volunteer.pk] = str(volunteer.user)
        rate = rules.valuation_rate(entry.worked_on, params)
        grouped[(volunteer.pk, entry.mission.kind, rate)] += entry.hours
    rows, total_hours, total_value = [], Decimal(0), Decimal(0)
    for (volunteer_id, kind, rate), hours in sorted(
        grouped.items(), key=lambda item: (names[item[0][0]], item[0][1], item[0][2])
    ):
        value = rules.valuation(hours, rate)
        rows.append([names[volunteer_id], str(MissionKind(kind).label), hours, rate, value])
        total_hours += hours
        total_value += value
    return rows, total_hours, total_value


@dataclass(frozen=True)
class SponsorshipYear:
    """The year's mécénat de compétences (W29), valued at the employers' cost: rows of [person, employer, hours,
    hourly cost or None, valuation or None], the total hours, the total valued, and whether a cost is missing."""

    rows: list
    hours: Decimal
    value: Decimal
    missing_cost: bool


def sponsorship_year(user, year: int) -> SponsorshipYear:
    """The hours each person placed by their employer gave in the year, valued at the hourly cost of salary and
    charges the employer communicated (staff made available, a contribution in kind distinct from volunteering: W28,
    W29); a person whose cost is not recorded shows their hours without a valuation. Directors only."""
    _require(user, "community.manage_volunteers")
    totals = (
        VolunteerHours.objects.filter(
            organisation_id=user.organisation_id,
            worked_on__year=year,
            mission__volunteer__engagement=Engagement.SKILLS_SPONSORSHIP,
        )
        .values("mission__volunteer")
        .annotate(total=Sum("hours"))
        .values_list("mission__volunteer", "total")
    )
    hours_of = dict(totals)
    volunteers = Volunteer.objects.filter(pk__in=hours_of).select_related("user", "employer")
    rows, total_hours, total_value, missing = [], Decimal(0), Decimal(0), False
    for volunteer in sorted(volunteers, key=lambda v: str(v.user)):
        hours, cost = hours_of[volunteer.pk], volunteer.employer_hourly_cost
        value = rules.valuation(hours, cost) if cost else None
        rows.append([str(volunteer.user), str(volunteer.employer or ""), hours, cost, value])
        total_hours += hours
        total_value += value or Decimal(0)
        missing = missing or value is None
    return SponsorshipYear(rows, total_hours, total_value, missing)


def cec_rows(user, year: int) -> tuple[list[list], rules.CecStatus]:
    """Per volunteer with hours counting for the compte d'engagement citoyen in the year (W27: sitting on the board
    or bureau, supervising other volunteers): [name, governance hours, supervision hours, hours counting (their sum),
    status of that sum]; and the year's thresholds and deadlines. Hours of other missions (reception desk,
    workshops…) do not count. Directors only."""
    _require(user, "community.manage_volunteers")
    params = legal_parameters()
    totals = (
        VolunteerHours.objects.filter(
            organisation_id=user.organisation_id,
            worked_on__year=year,
            mission__kind__in=rules.CEC_MISSION_KINDS,
        )
        .exclude(mission__volunteer__engagement=Engagement.SKILLS_SPONSORSHIP)  # paid time: no CEC (W27, W29)
        .values("mission__volunteer", "mission__kind")
        .annotate(total=Sum("hours"))
    )
    governance: dict = defaultdict(Decimal)  # volunteer id → hours
    supervision: dict = defaultdict(Decimal)
    for row in totals:
        kinds = governance if row["mission__kind"] in rules.CEC_GOVERNANCE_KINDS else supervision
        kinds[row["mission__volunteer"]] += row["total"]
    volunteers = Volunteer.objects.filter(pk__in=governance.keys() | supervision.keys()).select_related("user")
    rows = []
    reference = rules.cec_status(Decimal(0), year, params)
    for volunteer in sorted(volunteers, key=lambda v: str(v.user)):
        led, supervised = governance[volunteer.pk], supervision[volunteer.pk]
        hours = led + supervised
        rows.append([str(volunteer.user), led, supervised, hours, rules.cec_status(hours, year, params).status])
    return rows, reference
