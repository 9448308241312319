"""Referrals (orientations): the services' permissions, refusals and audit rows, and the pages' scope."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from habiter.core import registry
from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.reception import rules, services
from habiter.reception.contributions import referrals_panel
from habiter.reception.models import DeskVisit, Referral, ReferralStatus

pytestmark = pytest.mark.django_db

LIST = reverse("reception:referral_list")
NEW = reverse("reception:referral_create")


def _walk_in(world, *, actor=None, to=None, **overrides):
    data = {
        "actor": actor or world.users["receptionist"],
        "to_user_id": (to or world.users["social_worker"]).pk,
        "reason": "Commandement de payer reçu.",
        "visitor_name": "Yasmina Khelifi",
        "visitor_phone": "06 12 34 56 78",
    }
    return services.referral_create(**(data | overrides))


# --- rules ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("open", "taken_up", True),
        ("open", "redirected", True),
        ("taken_up", "open", True),
        ("taken_up", "taken_up", False),
        ("taken_up", "redirected", False),
        ("redirected", "open", False),
        ("redirected", "taken_up", False),
        ("open", "open", False),
    ],
)
def test_the_transitions_of_a_referral(current, target, allowed):
    assert (rules.referral_transition_error(current, target) is None) is allowed


def test_a_visitor_needs_a_name_and_a_way_to_be_reached():
    assert rules.referral_contact_errors(has_household=True, name="", phone="", email="") == {}
    errors = rules.referral_contact_errors(has_household=False, name=" ", phone="", email="")
    assert set(errors) == {"visitor_name", "visitor_phone"}
    assert rules.referral_contact_errors(has_household=False, name="A", phone="", email="a@b.fr") == {}


# --- services -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["receptionist", "volunteer", "social_worker", "team_lead", "director"])
def test_every_desk_role_refers_a_walk_in_and_it_is_audited(world, role):
    actor = world.users[role]
    to = world.users["team_lead"] if role == "social_worker" else world.users["social_worker"]
    referral = _walk_in(world, actor=actor, to=to)
    assert referral.status == ReferralStatus.OPEN and referral.from_user == actor and referral.to_user == to
    assert referral.organisation == world.organisation and referral.household is None
    event = AuditEvent.objects.get(action="referral.create")
    assert event.actor == actor and event.object_id == str(referral.pk) and event.household_id is None


@pytest.mark.parametrize("role", ["rental_manager", "accountant", "technician", "host", "lawyer"])
def test_other_roles_refer_nobody(world, role):
    with pytest.raises(PermissionDenied):
        _walk_in(world, actor=world.users[role])
    assert not Referral.objects.exists() and not AuditEvent.objects.filter(action="referral.create").exists()


def test_a_known_household_needs_no_contact_and_is_audited_on_its_file(world):
    household = world.own_household
    referral = services.referral_create(
        actor=world.users["receptionist"],
        to_user_id=world.users["social_worker"].pk,
        reason="Dossier FSL.",
        household_id=household.pk,
        visitor_name="ignoré",
    )
    assert referral.household == household and referral.visitor_name == ""
    assert AuditEvent.objects.get(action="referral.create").household_id == household.pk


def test_refusals_are_in_french_and_write_nothing(world):
    receptionist = world.users["receptionist"]
    inactive = UserFactory(organisation=world.organisation, role=Role.SOCIAL_WORKER, is_active=False)
    accountant = world.users["accountant"]
    cases = [
        ({"to_user_id": world.outsider.pk}, "to_user", "ne fait pas partie des salariés"),
        ({"to_user_id": inactive.pk}, "to_user", "désactivé"),
        ({"to_user_id": accountant.pk}, "to_user", "travailleur·se social·e"),
        ({"to_user_id": uuid.uuid4()}, "to_user", "ne fait pas partie des salariés"),
        ({"to_user_id": None}, "to_user", "Choisissez la personne"),
        ({"visitor_phone": "", "visitor_email": ""}, "visitor_phone", "téléphone ou un courriel"),
        ({"visitor_name": ""}, "visitor_name", "nom de la personne"),
        ({"visitor_phone": "12"}, "visitor_phone", "Numéro de téléphone invalide"),
        ({"reason": "  "}, "reason", "pourquoi"),
        ({"household_id": world.other_org_household.pk}, "household", "introuvable"),
        ({"desk_visit_id": uuid.uuid4()}, "desk_visit", "introuvable"),
    ]
    for overrides, field, words in cases:
        with pytest.raises(ValidationError) as raised:
            _walk_in(world, actor=receptionist, **overrides)
        assert words in " ".join(raised.value.message_dict.get(field, [])), (overrides, raised.value.message_dict)
    with pytest.raises(ValidationError) as raised:
        _walk_in(world, actor=world.users["social_worker"], to=world.users["social_worker"])
    assert "vous-même" in str(raised.value)
    assert not Referral.objects.exists()


def test_a_referral_from_a_desk_visit_takes_its_household(world):
    receptionist = world.users["receptionist"]
    visit = services.desk_visit_record(actor=receptionist, topics=["rent_arrears"], household_id=world.own_household.pk)
    referral = services.referral_create(
        actor=receptionist, to_user_id=world.users["social_worker"].pk, reason="Impayés.", desk_visit_id=visit.pk
    )
    assert referral.desk_visit == visit and referral.household == world.own_household


def test_only_the_recipient_takes_up_then_the_recipient_lead_or_director_reopen(world):
    referral = _walk_in(world)
    for role in ("receptionist", "team_lead", "director"):  # they see it, but it is not their to-do
        with pytest.raises(PermissionDenied):
            services.referral_take_up(actor=world.users[role], referral_id=referral.pk)
    for outsider in (world.outsider, world.users["volunteer"], UserFactory(organisation=world.organisation)):
        with pytest.raises(Referral.DoesNotExist):  # out of their sight: a 404 for pages
            services.referral_take_up(actor=outsider, referral_id=referral.pk)
    worker = world.users["social_worker"]
    taken = services.referral_take_up(actor=worker, referral_id=referral.pk, note="Rappelée.")
    assert taken.status == ReferralStatus.TAKEN_UP and taken.taken_up_by == worker and taken.taken_up_at
    assert AuditEvent.objects.get(action="referral.take_up").actor == worker
    with pytest.raises(ValidationError, match="n'est plus à prendre en charge"):
        services.referral_take_up(actor=worker, referral_id=referral.pk)

    with pytest.raises(PermissionDenied):
        services.referral_reopen(actor=world.users["receptionist"], referral_id=referral.pk, reason="Erreur")
    with pytest.raises(ValidationError, match="pourquoi"):
        services.referral_reopen(actor=world.users["team_lead"], referral_id=referral.pk, reason=" ")
    reopened = services.referral_reopen(actor=world.users["team_lead"], referral_id=referral.pk, reason="Pas venue.")
    assert reopened.status == ReferralStatus.OPEN and reopened.taken_up_by is None and reopened.note == "Pas venue."
    assert AuditEvent.objects.get(action="referral.reopen").detail == {"reason": "Pas venue."}
    with pytest.raises(ValidationError, match="Seule une orientation prise en charge"):
        services.referral_reopen(actor=world.users["director"], referral_id=referral.pk, reason="Encore")


def test_a_team_lead_of_another_team_neither_sees_nor_reopens(world):
    other_lead = UserFactory(organisation=world.organisation, role=Role.TEAM_LEAD, team=world.other_team)
    referral = _walk_in(world)
    services.referral_take_up(actor=world.users["social_worker"], referral_id=referral.pk)
    with pytest.raises(Referral.DoesNotExist):
        services.referral_reopen(actor=other_lead, referral_id=referral.pk, reason="Erreur")


def test_a_redirect_closes_the_referral_and_opens_one_for_the_colleague(world):
    referral = _walk_in(world)
    colleague = world.users["team_lead"]
    with pytest.raises(ValidationError) as raised:
        services.referral_redirect(
            actor=world.users["social_worker"], referral_id=referral.pk, to_user_id=world.outsider.pk, reason=""
        )
    assert set(raised.value.message_dict) == {"to_user", "reason"}
    successor = services.referral_redirect(
        actor=world.users["social_worker"], referral_id=referral.pk, to_user_id=colleague.pk, reason="Relève du PIL."
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REDIRECTED and referral.redirected_to == successor
    assert successor.is_open and successor.to_user == colleague and successor.visitor_phone == "06 12 34 56 78"
    assert successor.reason.startswith("Relève du PIL.") and "Commandement de payer" in successor.reason
    assert AuditEvent.objects.get(action="referral.redirect").detail["new_referral"] == str(successor.pk)
    with pytest.raises(ValidationError, match="ne peut plus être réorientée"):
        services.referral_redirect(
            actor=world.users["director"], referral_id=referral.pk, to_user_id=colleague.pk, reason="Encore"
        )


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_recipient_takes_up_from_her_home_page(client, world, django_assert_max_num_queries):
    worker = world.users["social_worker"]
    for index in range(3):
        _walk_in(world, visitor_name=f"Visiteur {index}")
    services.referral_create(
        actor=world.users["receptionist"],
        to_user_id=worker.pk,
        reason="FSL",
        household_id=world.own_household.pk,
    )
    user = type(worker).objects.get(pk=worker.pk)
    with django_assert_max_num_queries(1):  # fewer than ten: one query, no count, nothing per row
        panel = referrals_panel(user)
    assert [p.key for p, _c in registry.home_panels(user)].count("reception.referrals") == 1
    assert panel["count"] == 4 and len(panel["rows"]) == 4
    client.force_login(worker)
    home = client.get(reverse("core:home")).content.decode()
    assert "Orientations à prendre en charge" in home and "4 personnes vous ont été orientées." in home
    assert 'href="tel:0612345678"' in home
    assert reverse("people:household_detail", args=[world.own_household.pk]) in home
    referral = Referral.objects.get(visitor_name="Visiteur 0")
    response = client.post(
        reverse("reception:referral_take_up", args=[referral.pk]), {"next": reverse("core:home")}, follow=True
    )
    assert response.redirect_chain == [(reverse("core:home"), 302)]
    assert "3 personnes vous ont été orientées." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.TAKEN_UP


def test_the_next_address_of_a_button_stays_on_the_site(client, world):
    referral = _walk_in(world)
    client.force_login(world.users["social_worker"])
    url = reverse("reception:referral_take_up", args=[referral.pk])
    response = client.post(url, {"next": "https://example.com/"})
    assert response["Location"] == LIST


def test_the_form_from_a_desk_visit_refers_the_walk_in(client, world):
    receptionist = world.users["receptionist"]
    visit = services.desk_visit_record(actor=receptionist, topics=["housing_search"])
    client.force_login(receptionist)
    listing = client.get(reverse("reception:desk_visit_list")).content.decode()
    link = f"{NEW}?visite={visit.pk}"
    assert "Orienter vers un collègue" in listing and link in listing
    form = client.get(link)
    assert form.status_code == 200 and f'value="{visit.pk}"' in form.content.decode()
    data = {
        "desk_visit": visit.pk,
        "to_user": world.users["social_worker"].pk,
        "reason": "Recherche de logement",
        "visitor_name": "Marc Petit",
        "visitor_email": "marc@example.org",
    }
    response = client.post(NEW, data, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Marc Petit est orienté·e vers" in response.content.decode()
    assert Referral.objects.get().desk_visit == visit
    again = client.post(NEW, data | {"visitor_name": "", "visitor_email": ""})
    assert again.status_code == 200
    assert "Indiquez un téléphone ou un courriel" in again.content.decode()
    assert Referral.objects.count() == 1


def test_forged_or_foreign_ids_are_not_found(client, world):
    foreign_visit = DeskVisit.objects.create(
        organisation=world.other_organisation, topics=["other"], recorded_by=world.outsider
    )
    client.force_login(world.users["receptionist"])
    for value in (foreign_visit.pk, uuid.uuid4(), "pas-un-id"):
        assert client.get(NEW, {"visite": value}).status_code == 404
    referral = _walk_in(world)
    client.force_login(world.outsider)
    for name in ("referral_take_up", "referral_reopen", "referral_redirect"):
        assert client.post(reverse(f"reception:{name}", args=[referral.pk]), {"reason": "x"}).status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.OPEN


def test_the_list_shows_each_user_what_they_may_see(client, world):
    sent = _walk_in(world)  # receptionist → social worker (team Nord)
    colleague = type(world.users["social_worker"]).objects.get(username="a.colleague")  # team Sud
    other = _walk_in(world, to=colleague, visitor_name="Autre Équipe")
    expectations = {
        "receptionist": ({sent, other}, set()),
        "social_worker": ({sent}, {other}),
        "team_lead": ({sent}, {other}),
        "director": ({sent, other}, set()),
        "volunteer": (set(), {sent, other}),
    }
    for role, (shown, hidden) in expectations.items():
        client.force_login(world.users[role])
        page = client.get(LIST).content.decode()
        for referral in shown:
            assert referral.visitor_name in page, role
        for referral in hidden:
            assert referral.visitor_name not in page, role
        assert ("à prendre en charge</h2>" in page.replace("\n", "").replace("  ", "")) is (
            role in ("social_worker", "team_lead", "director")
        ), role
    client.force_login(world.users["accountant"])
    assert client.get(LIST).status_code == 404


def test_hostile_text_is_shown_escaped(client, world):
    payload = "<script>alert(1)</script>"
    _walk_in(world, reason=payload, visitor_name=payload)
    client.force_login(world.users["social_worker"])
    for url in (LIST, reverse("core:home")):
        page = client.get(url).content.decode()
        assert payload not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_household_timeline_shows_the_referral_and_its_taking_up(client, world):
    worker = world.users["social_worker"]
    referral = services.referral_create(
        actor=world.users["receptionist"],
        to_user_id=worker.pk,
        reason="Dossier FSL.",
        household_id=world.own_household.pk,
    )
    services.referral_take_up(actor=worker, referral_id=referral.pk, note="Rendez-vous fixé.")
    client.force_login(worker)
    page = client.get(reverse("people:household_detail", args=[world.own_household.pk])).content.decode()
    assert "Orientation vers" in page and "Dossier FSL." in page
    assert "Orientation prise en charge par" in page and "Rendez-vous fixé." in page


def test_reception_sees_the_referent_in_the_household_search_but_no_birth_date(client, world):
    client.force_login(world.users["volunteer"])
    response = client.get(
        reverse("reception:desk_visit_create"), {"household_q": "Lefèvre"}, headers={"HX-Request": "1"}
    )
    page = response.content.decode()
    referent = world.users["social_worker"].get_full_name()
    assert "Référent·e : " + referent in page
    member = world.own_household.members.exclude(birth_date=None).first()
    if member is not None:
        assert member.birth_date.strftime("%d/%m/%Y") not in page
