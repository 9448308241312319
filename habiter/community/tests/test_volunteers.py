"""Volunteers: the valuation and CEC rules, the charter that holds a volunteer until signed (pages and API), the
hours (who logs them, on which days), the scoped reads, the volunteer's own page and the XLSX exports."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from habiter.community import rules
from habiter.community import volunteers as services
from habiter.community.models import CharterSignature, MissionKind, VolunteerHours
from habiter.community.tests.factories import make_council
from habiter.core.models import AuditEvent, Role
from habiter.core.services import organisation_create
from habiter.core.tests.factories import UserFactory, api_token_for

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
PASSWORD = "un-mot-de-passe-bien-long"


# --- rules ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (date(2024, 1, 1), Decimal("11.65")),
        (date(2024, 10, 31), Decimal("11.65")),
        (date(2024, 11, 1), Decimal("11.88")),
        (date(2025, 12, 31), Decimal("11.88")),
        (date(2026, 1, 1), Decimal("12.02")),
    ],
)
def test_the_valuation_rate_is_the_dated_parameter_of_the_day(day, rate):
    assert rules.valuation_rate(day) == rate


@pytest.mark.parametrize(
    ("hours", "rate", "value"),
    [
        (Decimal("36"), Decimal("12.02"), Decimal("432.72")),
        (Decimal("2.5"), Decimal("11.65"), Decimal("29.13")),  # 29.125, half up
        (Decimal("0.25"), Decimal("11.88"), Decimal("2.97")),
    ],
)
def test_valuation_is_hours_times_rate_to_the_cent(hours, rate, value):
    assert rules.valuation(hours, rate) == value


@pytest.mark.parametrize(
    ("hours", "status"),
    [
        (Decimal("200"), rules.CEC_ELIGIBLE),
        (Decimal("199.75"), rules.CEC_IF_OTHER_HOURS),
        (Decimal("100"), rules.CEC_IF_OTHER_HOURS),
        (Decimal("99.5"), rules.CEC_NOT_ELIGIBLE),
        (Decimal("0"), rules.CEC_NOT_ELIGIBLE),
    ],
)
def test_cec_status_against_the_thresholds(hours, status):
    result = rules.cec_status(hours, 2026)
    assert result.status == status
    assert (result.min_hours, result.min_hours_here) == (200, 100)
    assert result.declare_by == date(2027, 6, 30)
    assert result.validate_by == date(2027, 12, 31)


@pytest.mark.parametrize(
    ("insured_until", "day", "covered", "status"),
    [
        (None, date(2026, 6, 15), True, ""),  # no end recorded: nothing to check
        (date(2026, 6, 15), date(2026, 6, 15), True, "ending"),  # its last day still covers
        (date(2026, 6, 14), date(2026, 6, 15), False, "ended"),
        (date(2026, 7, 15), date(2026, 6, 15), True, "ending"),  # 30 days ahead: warned
        (date(2026, 7, 16), date(2026, 6, 15), True, ""),  # 31 days ahead: not yet
    ],
)
def test_w26_insurance_covers_until_its_last_day_and_warns_a_month_ahead(insured_until, day, covered, status):
    assert rules.insured_on(insured_until, day) is covered
    assert rules.insurance_status(insured_until, day) == status


# --- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def account(world):
    return world.users["volunteer"]


@pytest.fixture
def referent(world):
    return world.users["receptionist"]


@pytest.fixture
def volunteer(director, account, referent):
    return services.volunteer_create(
        actor=director,
        user_id=account.pk,
        referent_id=referent.pk,
        data={"started_on": date(2024, 1, 1), "skills": "Accueil", "record_checked_on": None},
    )


def mission_of(director, volunteer, kind=MissionKind.RECEPTION_DESK, **data):
    fields = {"kind": kind, "title": "Accueil du PIL", "starts_on": date(2024, 1, 1), "ends_on": None}
    return services.mission_add(actor=director, volunteer_id=volunteer.pk, data=fields | data)


# --- the charter ---------------------------------------------------------------------------------------------------


@pytest.fixture
def bare():
    """A director and a volunteer of an association that has published no charter yet."""
    organisation = organisation_create(name="Association sans charte", team_names=["Unique"])
    return (
        UserFactory(organisation=organisation, role=Role.DIRECTOR),
        UserFactory(organisation=organisation, role=Role.VOLUNTEER),
    )


@time_machine.travel(TODAY, tick=False)
def test_a_volunteer_is_held_until_they_sign_the_charter_in_force_and_again_for_a_new_version(bare):
    director, account = bare
    assert services.charter_holds(account)  # no charter in force: held all the same (W23, ADR 0029 addendum)
    services.charter_publish(actor=director, published_on=date(2026, 6, 1), text="Je ne vois aucun dossier.")
    assert services.charter_holds(account)
    assert not services.charter_holds(director)
    services.charter_sign(actor=account)
    assert not services.charter_holds(account)
    with pytest.raises(ValidationError):
        services.charter_sign(actor=account)  # signed once

    services.charter_publish(actor=director, published_on=date(2026, 7, 1), text="Version 2.")
    assert not services.charter_holds(account)  # not in force yet
    with time_machine.travel(date(2026, 7, 1), tick=False):
        assert services.charter_holds(account)
        signature = services.charter_sign(actor=account)
        assert signature.version.number == 2
    assert CharterSignature.objects.filter(user=account).count() == 2
    assert AuditEvent.objects.filter(action="charter.sign", actor=account).count() == 2
    assert AuditEvent.objects.filter(action="charter.publish").count() == 2


@time_machine.travel(TODAY, tick=False)
def test_a_new_version_comes_after_the_last_one_and_only_directors_publish(director, world):
    services.charter_publish(actor=director, published_on=date(2026, 6, 1), text="V1")
    with pytest.raises(ValidationError) as refused:
        services.charter_publish(actor=director, published_on=date(2026, 6, 1), text="V1 bis")
    assert "après la précédente (01/06/2026)" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.charter_publish(actor=world.users["team_lead"], published_on=date(2026, 7, 1), text="V2")
    with pytest.raises(PermissionDenied):
        services.charter_sign(actor=world.users["social_worker"])


@time_machine.travel(TODAY, tick=False)
def test_the_login_of_a_volunteer_leads_to_the_charter_and_nowhere_else_until_signed(client, director, account):
    services.charter_publish(actor=director, published_on=date(2026, 6, 1), text="Je ne vois aucun dossier.")
    response = client.post(reverse("core:login"), {"username": account.username, "password": PASSWORD})
    assert response.status_code == 302
    for name in ("core:home", "community:my_volunteering", "reception:desk_visit_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("community:charter_sign"), name
    page = client.get(reverse("community:charter_sign")).content.decode()
    assert "vous ne voyez jamais le dossier d'un ménage" in page
    assert "Je signe la charte" in page

    response = client.post(reverse("community:charter_sign"))
    assert response["Location"] == reverse("community:my_volunteering")
    assert client.get(reverse("community:my_volunteering")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_api_refuses_a_volunteer_who_has_not_signed(client, bare):
    director, account = bare
    token = api_token_for(account)[1]
    headers = {"Authorization": f"Bearer {token}"}
    refusal = {
        "detail": "Signez d'abord la charte du bénévole dans Habiter (si votre association ne l'a pas encore "
        "publiée, demandez-la à votre référent)."
    }
    response = client.get("/api/v1/households", headers=headers)
    assert (response.status_code, response.json()) == (403, refusal)  # no charter published: held too
    services.charter_publish(actor=director, published_on=date(2026, 6, 1), text="Charte.")
    response = client.get("/api/v1/households", headers=headers)
    assert (response.status_code, response.json()) == (403, refusal)
    services.charter_sign(actor=account)
    assert client.get("/api/v1/households", headers=headers).status_code == 200


# --- hours ---------------------------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_hours_are_logged_by_the_volunteer_their_referent_or_a_director(world, director, account, referent, volunteer):
    mission = mission_of(director, volunteer)
    for actor, hours in ((account, "2"), (referent, "1.5"), (director, "3")):
        services.hours_log(actor=actor, mission_id=mission.pk, worked_on=date(2026, 6, 10), hours=Decimal(hours))
    for stranger in (world.users["social_worker"], UserFactory(organisation=world.organisation, role=Role.VOLUNTEER)):
        with pytest.raises(PermissionDenied):
            services.hours_log(actor=stranger, mission_id=mission.pk, worked_on=date(2026, 6, 10), hours=Decimal(1))
    data = services.volunteer_year(volunteer, 2026)
    assert data.total == Decimal("6.50")
    assert [m.year_hours for m in data.missions] == [Decimal("6.50")]
    assert AuditEvent.objects.filter(action="volunteer_hours.log").count() == 3


@time_machine.travel(TODAY, tick=False)
def test_hours_are_refused_in_the_future_outside_the_mission_and_without_the_record_check(director, volunteer):
    mission = mission_of(director, volunteer, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    for day, message in (
        (date(2026, 6, 16), "pas à l'avance"),
        (date(2025, 12, 31), "pas dans la période de la mission"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.hours_log(actor=director, mission_id=mission.pk, worked_on=day, hours=Decimal(2))
        assert message in str(refused.value)
    checked = mission_of(director, volunteer, kind=MissionKind.RESIDENCE_ACTIVITIES, requires_record_check=True)
    with pytest.raises(ValidationError) as refused:
        services.hours_log(actor=director, mission_id=checked.pk, worked_on=TODAY, hours=Decimal(2))
    assert "vérification d'honorabilité" in str(refused.value)
    services.volunteer_update(
        actor=director,
        volunteer_id=volunteer.pk,
        referent_id=volunteer.referent_id,
        data={"started_on": date(2024, 1, 1), "record_checked_on": date(2026, 6, 1)},
    )
    services.hours_log(actor=director, mission_id=checked.pk, worked_on=TODAY, hours=Decimal(2))
    assert VolunteerHours.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_w26_no_mission_starts_and_no_hours_are_logged_after_the_end_of_the_insurance(client, director, volunteer):
    mission = mission_of(director, volunteer, starts_on=date(2026, 1, 1))
    services.volunteer_update(
        actor=director,
        volunteer_id=volunteer.pk,
        referent_id=volunteer.referent_id,
        data={"started_on": date(2024, 1, 1), "insured_from": date(2025, 6, 1), "insured_until": date(2026, 5, 31)},
    )
    services.hours_log(actor=director, mission_id=mission.pk, worked_on=date(2026, 5, 31), hours=Decimal(3))
    with pytest.raises(ValidationError) as refused:
        services.hours_log(actor=director, mission_id=mission.pk, worked_on=date(2026, 6, 1), hours=Decimal(2))
    assert refused.value.message_dict["worked_on"] == [
        f"L'assurance de l'association ne couvre {volunteer} que jusqu'au 31/05/2026 : enregistrez d'abord son "
        "renouvellement sur la fiche."
    ]
    with pytest.raises(ValidationError) as refused:
        mission_of(director, volunteer, title="Journal des résidents", starts_on=date(2026, 6, 1))
    assert "jusqu'au 31/05/2026" in refused.value.message_dict["starts_on"][0]
    assert VolunteerHours.objects.count() == 1 and volunteer.missions.count() == 1
    client.force_login(director)
    page = client.get(reverse("community:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "jusqu'au 31/05/2026" in page and "Assurance échue" in page
    with pytest.raises(ValidationError) as refused:  # an end before the start is refused by the database's rule
        services.volunteer_update(
            actor=director,
            volunteer_id=volunteer.pk,
            referent_id=volunteer.referent_id,
            data={"started_on": date(2024, 1, 1), "insured_from": date(2026, 6, 1), "insured_until": date(2026, 5, 31)},
        )
    assert "ne peut pas finir avant de commencer" in str(refused.value)


@time_machine.travel(TODAY, tick=False)
def test_w29_skills_sponsorship_names_its_employer_bounds_the_hours_and_is_no_volunteering(client, director, volunteer):
    profile = {"started_on": date(2024, 1, 1), "engagement": "skills_sponsorship"}
    with pytest.raises(ValidationError) as refused:
        services.volunteer_update(
            actor=director, volunteer_id=volunteer.pk, referent_id=volunteer.referent_id, data=profile
        )
    assert set(refused.value.message_dict) == {"employer_name", "convention_from"}
    services.volunteer_update(
        actor=director,
        volunteer_id=volunteer.pk,
        referent_id=volunteer.referent_id,
        data=profile
        | {
            "employer_name": "Banque Provençale",
            "convention_from": date(2026, 3, 1),
            "convention_to": date(2026, 8, 31),
        },
    )
    volunteer.refresh_from_db()
    assert (volunteer.employer.name, volunteer.employer.kind) == ("Banque Provençale", "company")
    governance = mission_of(director, volunteer, kind=MissionKind.GOVERNANCE, title="Trésorerie")
    with pytest.raises(ValidationError) as refused:  # before the convention: not under it
        services.hours_log(actor=director, mission_id=governance.pk, worked_on=date(2026, 2, 27), hours=Decimal(2))
    assert "convention de mécénat" in refused.value.message_dict["worked_on"][0]
    services.hours_log(actor=director, mission_id=governance.pk, worked_on=date(2026, 3, 2), hours=Decimal(4))
    # paid working time of another employer: neither in the valuation of volunteering nor in the CEC
    assert services.valuation_rows(director, 2026)[1:] == (Decimal(0), Decimal(0))
    assert services.cec_rows(director, 2026)[0] == []
    # valued apart, at the employer's cost; not known yet: the hours without a valuation
    unknown = services.sponsorship_year(director, 2026)
    assert (unknown.hours, unknown.value, unknown.missing_cost) == (Decimal(4), Decimal(0), True)
    client.force_login(director)
    rows = rows_of(client.get(reverse("community:valuation_export") + "?annee=2026"))
    assert rows[-2][:4] == [str(volunteer.user), "Banque Provençale", 4, "coût à demander à l'employeur"]
    page = client.get(reverse("community:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "Banque Provençale" in page and "convention du 01/03/2026 au 31/08/2026" in page
    assert "coût horaire pour l'employeur non communiqué" in page
    with pytest.raises(ValidationError) as refused:  # a cost is positive (the database's rule)
        services.volunteer_update(
            actor=director,
            volunteer_id=volunteer.pk,
            referent_id=volunteer.referent_id,
            data=profile
            | {
                "employer_name": "Banque Provençale",
                "convention_from": date(2026, 3, 1),
                "employer_hourly_cost": Decimal("-1.00"),
            },
        )
    assert "doit être positif" in str(refused.value)
    services.volunteer_update(
        actor=director,
        volunteer_id=volunteer.pk,
        referent_id=volunteer.referent_id,
        data=profile
        | {
            "employer_name": "Banque Provençale",
            "convention_from": date(2026, 3, 1),
            "convention_to": date(2026, 8, 31),
            "employer_hourly_cost": Decimal("38.40"),
        },
    )
    services.hours_log(actor=director, mission_id=governance.pk, worked_on=date(2026, 3, 9), hours=Decimal("2.25"))
    # 4 + 2.25 = 6.25 h × 38.40 € = 240.00 €
    known = services.sponsorship_year(director, 2026)
    assert known.rows == [
        [str(volunteer.user), "Banque Provençale", Decimal("6.25"), Decimal("38.40"), Decimal("240.00")]
    ]
    assert (known.hours, known.value, known.missing_cost) == (Decimal("6.25"), Decimal("240.00"), False)
    rows = rows_of(client.get(reverse("community:valuation_export") + "?annee=2026"))
    assert rows[-1] == ["Total mécénat de compétences", None, 6.25, None, 240]
    assert "38,40 €" in client.get(reverse("community:volunteer_detail", args=[volunteer.pk])).content.decode()
    # back to volunteering: the employer and the convention go
    services.volunteer_update(
        actor=director,
        volunteer_id=volunteer.pk,
        referent_id=volunteer.referent_id,
        data={"started_on": date(2024, 1, 1), "employer_name": "Banque Provençale"},
    )
    volunteer.refresh_from_db()
    assert (volunteer.engagement, volunteer.employer, volunteer.convention_from) == ("volunteering", None, None)
    assert volunteer.employer_hourly_cost is None


# --- scoped reads and pages ----------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_referent_sees_their_volunteers_a_director_all_and_a_volunteer_only_their_page(
    client, world, director, referent, volunteer
):
    other = services.volunteer_create(
        actor=director,
        user_id=UserFactory(organisation=world.organisation, role=Role.VOLUNTEER).pk,
        referent_id=None,
        data={"started_on": date(2025, 1, 1)},
    )
    assert {v.pk for v in services.volunteer_list(director, 2026)} == {volunteer.pk, other.pk}
    assert [v.pk for v in services.volunteer_list(referent, 2026)] == [volunteer.pk]
    assert services.volunteer_list(world.users["social_worker"], 2026) == []

    client.force_login(referent)
    assert client.get(reverse("community:volunteer_detail", args=[volunteer.pk])).status_code == 200
    assert client.get(reverse("community:volunteer_detail", args=[other.pk])).status_code == 404
    client.force_login(volunteer.user)
    assert client.get(reverse("community:volunteer_list")).status_code == 404
    assert client.get(reverse("community:volunteer_detail", args=[volunteer.pk])).status_code == 404
    assert client.get(reverse("people:household_detail", args=[world.own_household.pk])).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_volunteer_page_shows_missions_hours_total_and_meetings_invited_to(client, director, account, volunteer):
    mission = mission_of(director, volunteer)
    services.hours_log(actor=director, mission_id=mission.pk, worked_on=date(2026, 3, 2), hours=Decimal("2.5"))
    services.hours_log(actor=director, mission_id=mission.pk, worked_on=date(2025, 12, 1), hours=Decimal("4"))
    invited = make_council(director, "Conseil de Vie Sociale")
    other = make_council(director, "Bureau")
    from habiter.community import services as council_services

    council_services.member_add(
        actor=director, council_id=invited.pk, role="member", user_id=account.pk, term_start=date(2026, 1, 1)
    )
    for council in (invited, other):
        council_services.meeting_schedule(
            actor=director,
            council_id=council.pk,
            starts_at=timezone.make_aware(datetime.combine(date(2026, 7, 2), time(14))),
            place=f"Salle {council.name}",
            proposals_until=date(2026, 6, 30),
        )
    client.force_login(account)
    response = client.post(
        reverse("community:my_volunteering"),
        {"mission": mission.pk, "worked_on": "2026-06-15", "hours": "1,5", "note": "Permanence"},
    )
    assert response.status_code == 302
    page = client.get(reverse("community:my_volunteering")).content.decode()
    assert "Total de l'année : 4 h" in page  # 2.5 + 1.5 in 2026; the 4 h of 2025 are another year
    assert "Salle Conseil de Vie Sociale" in page and "Salle Bureau" not in page
    entry = VolunteerHours.objects.get(note="Permanence")
    assert (entry.hours, entry.entered_by) == (Decimal("1.50"), account)


@time_machine.travel(TODAY, tick=False)
def test_the_volunteer_sees_the_agenda_of_each_meeting_invited_to_but_never_who_proposed_a_subject(
    client, world, director, account, django_assert_num_queries
):
    from habiter.community import agenda_links
    from habiter.community import services as council_services

    council = make_council(director, "Conseil de Vie Sociale")
    council_services.member_add(
        actor=director, council_id=council.pk, role="member", user_id=account.pk, term_start=date(2026, 1, 1)
    )
    ended = make_council(director, "Comité des fêtes")  # a seat that ends before its meeting: no invitation
    council_services.member_add(
        actor=director,
        council_id=ended.pk,
        role="member",
        user_id=account.pk,
        term_start=date(2026, 1, 1),
        term_end=date(2026, 6, 30),
    )
    meetings = [
        council_services.meeting_schedule(
            actor=director,
            council_id=c.pk,
            starts_at=timezone.make_aware(datetime.combine(day, time(14))),
            place=f"Salle {c.name}",
            proposals_until=day,
        )
        for c, day in ((council, date(2026, 7, 2)), (council, date(2026, 8, 6)), (ended, date(2026, 7, 9)))
    ]
    person = world.own_household.members.first()
    council_services.agenda_item_propose(
        actor=director, meeting_id=meetings[0].pk, title="Le bruit dans la salle d'attente", person_id=person.pk
    )
    council_services.agenda_item_propose(
        actor=director, meeting_id=meetings[0].pk, title="Les horaires du samedi", proposer_name="M. Karim Bensaïd"
    )
    agenda_links.proposal_link_open(actor=director, meeting_id=meetings[0].pk)
    meetings[0].refresh_from_db()
    agenda_links.agenda_item_propose_by_link(
        proposal_key=meetings[0].proposal_key, title="Un <b>banc</b> au jardin", first_name="Fatima"
    )
    council_services.agenda_item_propose(actor=director, meeting_id=meetings[2].pk, title="Le repas de Noël")

    with django_assert_num_queries(2):  # the meetings, their agendas: whatever their number
        invited = services.invited_meetings(account, TODAY)
    assert [m.pk for m in invited] == [meetings[0].pk, meetings[1].pk]
    assert {i.title for i in invited[0].agenda} == {  # in the order proposed (the same instant here)
        "Le bruit dans la salle d'attente",
        "Les horaires du samedi",
        "Un <b>banc</b> au jardin",
    }

    client.force_login(account)
    page = client.get(reverse("community:my_volunteering")).content.decode()
    section = page[page.index("Réunions où je suis invité·e") :]
    assert escape("Le bruit dans la salle d'attente") in section and "Les horaires du samedi" in section
    assert "Un &lt;b&gt;banc&lt;/b&gt; au jardin" in section  # hostile text shown escaped
    assert "Pas encore de sujet à l'ordre du jour." in section  # the August meeting
    assert "Le repas de Noël" not in section and "Comité des fêtes" not in section
    for name in (person.last_name, person.first_name, "Bensaïd", "Fatima", "proposé par"):
        assert name not in section, name


# --- exports -------------------------------------------------------------------------------------------------------


def rows_of(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@time_machine.travel(TODAY, tick=False)
def test_the_valuation_export_applies_the_rate_of_each_day(client, director, volunteer):
    mission = mission_of(director, volunteer)
    services.hours_log(actor=director, mission_id=mission.pk, worked_on=date(2024, 10, 31), hours=Decimal(3))
    services.hours_log(actor=director, mission_id=mission.pk, worked_on=date(2024, 11, 4), hours=Decimal(2))
    client.force_login(director)
    response = client.get(reverse("community:valuation_export") + "?annee=2024")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response)
    name = str(volunteer.user)
    assert rows[2:] == [
        ["Bénévole", "Type de mission", "Heures", "Taux horaire (€)", "Valorisation (€)"],
        [name, "Accueil (Point Info Logement)", 3, 11.65, 34.95],
        [name, "Accueil (Point Info Logement)", 2, 11.88, 23.76],
        ["Total", None, 5, None, 58.71],
    ]


@time_machine.travel(TODAY, tick=False)
def test_the_cec_export_lists_governance_hours_and_eligibility(client, director, volunteer):
    governance = mission_of(director, volunteer, kind=MissionKind.GOVERNANCE, title="Trésorier")
    desk = mission_of(director, volunteer)
    for week in range(15):  # 15 × 8 h = 120 h of governance in 2026
        day = date(2026, 1, 5) + timedelta(weeks=week)
        services.hours_log(actor=director, mission_id=governance.pk, worked_on=day, hours=Decimal(8))
        services.hours_log(actor=director, mission_id=desk.pk, worked_on=day, hours=Decimal(8))
    client.force_login(director)
    rows = rows_of(client.get(reverse("community:cec_export") + "?annee=2026"))
    assert "avant le 30/06/2027" in rows[2][0] and "avant le 31/12/2027" in rows[2][0]
    assert rows[3] == [
        "Bénévole",
        "Heures de gouvernance (conseil d'administration, bureau)",
        "Heures d'encadrement de bénévoles",
        "Total des heures retenues pour le CEC",
        "Éligibilité",
    ]
    assert rows[4] == [  # the 120 h of the reception desk do not count
        str(volunteer.user),
        120,
        0,
        120,
        "Éligible si ses heures dans d'autres associations complètent le seuil",
    ]
    client.force_login(volunteer.referent)
    assert client.get(reverse("community:cec_export")).status_code == 404


def log_weekly(director, mission, first: date, weeks: int, hours: str):
    for week in range(weeks):
        services.hours_log(
            actor=director, mission_id=mission.pk, worked_on=first + timedelta(weeks=week), hours=Decimal(hours)
        )


@time_machine.travel(TODAY, tick=False)
def test_supervising_volunteers_counts_for_the_cec_with_governance(client, world, director, volunteer):
    """W27: the board or bureau OR the supervision of other volunteers. 2025: 60 h of governance + 45 h of
    supervision = 105 h counting (the 30 h at the desk do not): ≥ 100 h here, < 200 h → eligible if hours elsewhere
    make up the 200 h; 200 h of supervision alone → eligible. Deadlines of the 2025 hours: 30/06/2026, 31/12/2026."""
    client.force_login(director)
    response = client.post(
        reverse("community:mission_add", args=[volunteer.pk]),
        {"kind": "supervision", "title": "Coordination des bénévoles de l'accueil", "starts_on": "2024-01-01"},
    )
    assert response.status_code == 302
    supervision = volunteer.missions.get(kind=MissionKind.SUPERVISION)
    assert supervision.get_kind_display() == "Encadrement de bénévoles"
    governance = mission_of(director, volunteer, kind=MissionKind.GOVERNANCE, title="Secrétaire du bureau")
    desk = mission_of(director, volunteer)
    log_weekly(director, governance, date(2025, 1, 6), 12, "5")  # 12 × 5 h = 60 h
    log_weekly(director, supervision, date(2025, 3, 3), 9, "5")  # 9 × 5 h = 45 h
    log_weekly(director, desk, date(2025, 1, 7), 10, "3")  # 10 × 3 h = 30 h: reception, not counted
    services.hours_log(actor=director, mission_id=supervision.pk, worked_on=date(2026, 1, 5), hours=Decimal(4))
    coordinator = services.volunteer_create(
        actor=director,
        user_id=UserFactory(
            organisation=world.organisation, role=Role.VOLUNTEER, first_name="Zoé", last_name="Zeller"
        ).pk,
        referent_id=None,
        data={"started_on": date(2024, 1, 1)},
    )
    coordinating = mission_of(director, coordinator, kind=MissionKind.SUPERVISION, title="Coordination des ateliers")
    log_weekly(director, coordinating, date(2025, 1, 6), 25, "8")  # 25 × 8 h = 200 h of supervision alone

    rows, reference = services.cec_rows(director, 2025)
    assert sorted(rows) == sorted(
        [
            [str(volunteer.user), Decimal("60"), Decimal("45"), Decimal("105"), rules.CEC_IF_OTHER_HOURS],
            ["Zoé Zeller", Decimal("0"), Decimal("200"), Decimal("200"), rules.CEC_ELIGIBLE],
        ]
    )
    assert (reference.min_hours, reference.min_hours_here) == (200, 100)
    assert (reference.declare_by, reference.validate_by) == (date(2026, 6, 30), date(2026, 12, 31))
    assert services.cec_rows(director, 2026)[0] == [
        [str(volunteer.user), Decimal("0"), Decimal("4"), Decimal("4"), rules.CEC_NOT_ELIGIBLE]
    ]

    rows = rows_of(client.get(reverse("community:cec_export") + "?annee=2025"))
    assert "200 h dans l'année, dont 100 h au moins" in rows[1][0]
    assert "avant le 30/06/2026" in rows[2][0] and "avant le 31/12/2026" in rows[2][0]
    assert sorted(rows[4:]) == sorted(
        [
            [
                str(volunteer.user),
                60,
                45,
                105,
                "Éligible si ses heures dans d'autres associations complètent le seuil",
            ],
            ["Zoé Zeller", 0, 200, 200, "Éligible"],
        ]
    )
