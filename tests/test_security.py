"""Web security of the pages: CSRF on every unsafe endpoint, hostile text stored exactly and shown
escaped, and a Content-Security-Policy without inline script or style."""

import re
import uuid
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils.html import escape
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from habiter.core import services as core_services
from habiter.core.models import ApiToken
from habiter.people.models import Concern, ConcernCategory, Household, HouseholdNote, Person
from habiter.reception import services as reception_services
from habiter.reception.models import DeskVisit, Enrolment, Referral, Workshop, WorkshopSession
from habiter.support import appointments as appointment_services
from habiter.support import documents as document_services
from habiter.support import services as support_services
from habiter.support.models import (
    Appointment,
    CalendarFeed,
    Document,
    Intervention,
    MeasureFollowUp,
    MeasureOutcome,
    Programme,
    SupportAgreement,
    SupportMeasure,
    SupportPlan,
)
from tests import authz_referrals
from tests.authz_common import CsrfCase, extension_for, extensions, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """One world for the module (tests/conftest.py): every test here only reads it or writes in its savepoint."""
    return shared_world


PASSWORD = "un-mot-de-passe-bien-long"  # the factories' password
SKIPPED_NAMESPACES = {"admin", "api-v1"}


def _walk(resolver, prefix="", namespaces=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            namespace = (entry.namespace,) if entry.namespace else ()
            yield from _walk(entry, prefix + str(entry.pattern), namespaces + namespace)
        elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
            yield ":".join([*namespaces, str(entry.name)]), tuple(entry.pattern.converters)


PAGE_ROUTES = dict(_walk(get_resolver()))


def csrf_token(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, f"no CSRF token in the page {response.request['PATH_INFO']}"
    return match.group(1)


def current_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def household_edit_data(household, **overrides):
    household = Household.objects.get(pk=household.pk)
    data = {
        "name": household.name,
        "address": household.address,
        "postal_code": household.postal_code,
        "city": household.city,
        "phone": household.phone,
        "email": household.email,
        "referent": household.referent_id or "",
        "version": household.version,
    }
    return data | overrides


def member_data(**overrides):
    return {"first_name": "Alix", "last_name": "Martin", "relation": "child", "nationality": "française"} | overrides


def household_create_data(name):
    return {
        "name": name,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "12",
        "members-0-first_name": "Zoé",
        "members-0-last_name": name,
        "members-0-relation": "head",
    }


# --- CSRF -------------------------------------------------------------------------------------------


_logged_in = logged_in


def _csrf_case(name, world) -> CsrfCase:
    worker = world.users["social_worker"]
    director = world.users["director"]
    household = world.own_household
    detail = reverse("people:household_detail", args=[household.pk])
    if name.startswith("reception:"):
        return _reception_csrf_case(name, world)
    if extension := extension_for(name):
        return extension.csrf_case(name, world)
    if name == "core:login":
        client = Client(enforce_csrf_checks=True)
        url = reverse("core:login")
        data = {"username": worker.username, "password": PASSWORD}
        return CsrfCase(client, url, url, data, lambda: client.session.get(SESSION_KEY) == str(worker.pk))
    if name == "core:logout":
        client = _logged_in(worker)
        return CsrfCase(
            client, reverse("core:home"), reverse("core:logout"), {}, lambda: SESSION_KEY not in client.session
        )
    if name == "core:otp_verify":
        device = confirmed_device(worker)
        client = _logged_in(worker)
        url = reverse("core:otp_verify")
        return CsrfCase(
            client,
            url,
            url,
            {"code": current_code(device)},
            lambda: client.get(reverse("core:home")).status_code == 200,
        )
    if name == "core:otp_enrol":
        client = _logged_in(worker)
        url = reverse("core:otp_enrol")
        device = core_services.otp_enrolment_start(actor=worker)
        return CsrfCase(
            client,
            url,
            url,
            {"code": current_code(device)},
            lambda: TOTPDevice.objects.filter(user=worker, confirmed=True).exists(),
        )
    if name == "core:api_tokens":
        url = reverse("core:api_tokens")
        return CsrfCase(
            _logged_in(worker), url, url, {"name": "Tableur"}, lambda: worker.api_tokens.filter(name="Tableur").exists()
        )
    if name == "core:password_change":
        url = reverse("core:password_change")
        new = "une-autre-phrase-de-passe-longue"
        data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        return CsrfCase(
            _logged_in(worker), url, url, data, lambda: type(worker).objects.get(pk=worker.pk).check_password(new)
        )
    if name == "core:organisation_settings":
        url = reverse("core:organisation_settings")
        return CsrfCase(
            _logged_in(director),
            url,
            url,
            {"legal_name": "Association Habiter Sud"},
            lambda: (
                type(director.organisation).objects.get(pk=director.organisation_id).legal_name
                == "Association Habiter Sud"
            ),
        )
    if name in ("support:document_archive", "support:document_delete"):
        from tests.test_authorization_matrix import _a_pdf

        document = document_services.document_upload(
            actor=worker, household_id=household.pk, uploaded=_a_pdf("avis.pdf"), kind="tax_notice"
        )
        url = reverse(name, args=[document.pk])
        if name == "support:document_archive":
            return CsrfCase(
                _logged_in(worker),
                url,
                url,
                {},
                lambda: Document.objects.get(pk=document.pk).archived_at is not None,
            )
        return CsrfCase(_logged_in(worker), url, url, {}, lambda: not Document.objects.filter(pk=document.pk).exists())
    if name == "core:api_token_revoke":
        token, _raw = core_services.api_token_create(actor=worker, name="Script")
        url = reverse("core:api_token_revoke", args=[token.pk])
        return CsrfCase(
            _logged_in(worker), url, url, {}, lambda: ApiToken.objects.get(pk=token.pk).revoked_at is not None
        )
    if name == "people:household_create":
        url = reverse("people:household_create")
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            household_create_data("Nouveau"),
            lambda: Household.objects.filter(name="Nouveau").exists(),
        )
    if name == "people:household_edit":
        url = reverse("people:household_edit", args=[household.pk])
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            household_edit_data(household, address="1 rue Neuve"),
            lambda: Household.objects.get(pk=household.pk).address == "1 rue Neuve",
        )
    if name == "people:person_create":
        url = reverse("people:person_create", args=[household.pk])
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            member_data(first_name="Nouvelle"),
            lambda: Person.objects.filter(household=household, first_name="Nouvelle").exists(),
        )
    if name == "people:person_edit":
        person = household.members.get()
        url = reverse("people:person_edit", args=[household.pk, person.pk])
        data = member_data(
            first_name="Renommée",
            last_name=person.last_name,
            relation=person.relation,
            birth_date=person.birth_date.isoformat(),
            version=person.version,
        )
        return CsrfCase(
            _logged_in(worker), url, url, data, lambda: Person.objects.get(pk=person.pk).first_name == "Renommée"
        )
    if name == "people:note_create":
        url = reverse("people:note_create", args=[household.pk])
        return CsrfCase(
            _logged_in(worker),
            detail,
            url,
            {"text": "Visite à domicile"},
            lambda: HouseholdNote.objects.filter(household=household, text="Visite à domicile").exists(),
        )
    if name == "people:concern_settings":
        url = reverse("people:concern_settings")
        category = ConcernCategory.objects.filter(organisation=world.organisation).first()
        return CsrfCase(
            _logged_in(director),
            url,
            url,
            {"category": category.pk, "label": "Surendettement"},
            lambda: Concern.objects.filter(category=category, label="Surendettement").exists(),
        )
    if name == "people:concern_toggle":
        concern = Concern.objects.filter(organisation=world.organisation, active=True).first()
        return CsrfCase(
            _logged_in(director),
            reverse("people:concern_settings"),
            reverse("people:concern_toggle", args=[concern.pk]),
            {"active": "0"},
            lambda: not Concern.objects.get(pk=concern.pk).active,
        )
    if name == "support:measure_create":
        url = reverse("support:measure_create", args=[household.pk])
        programme = Programme.objects.get(organisation=world.organisation, code="avdl")
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            {"programme": programme.pk, "start_date": "2026-02-01", "intensity": "medium"},
            lambda: SupportMeasure.objects.filter(household=household).exists(),
        )
    if name == "support:agreement":
        measure = _a_measure(world)
        url = reverse("support:agreement", args=[measure.pk])
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            {"action": "write", "household_commitments": "Venir aux rendez-vous.", "association_commitments": "Aider."},
            lambda: SupportAgreement.objects.filter(measure=measure).exists(),
        )
    if name == "support:appointment_create":
        url = reverse("support:appointment_create")
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            {"worker": worker.pk, "title": "Point CAF", "day": "2027-01-04", "start": "10:00", "end": "11:00"},
            lambda: Appointment.objects.filter(title="Point CAF").exists(),
        )
    if name in ("support:appointment_edit", "support:appointment_cancel", "support:appointment_attendance"):
        from django.utils import timezone

        appointment = _an_appointment(world)
        edit = reverse("support:appointment_edit", args=[appointment.pk])
        if name == "support:appointment_cancel":
            url = reverse(name, args=[appointment.pk])
            data = {"reason": "Empêchement", "version": appointment.version, "confirmed": "1"}
            saved = lambda: Appointment.objects.filter(pk=appointment.pk, status="cancelled").exists()  # noqa: E731
            return CsrfCase(_logged_in(worker), url, url, data, saved)
        if name == "support:appointment_attendance":
            url = reverse(name, args=[appointment.pk])
            data = {"attended": "1", "version": appointment.version}
            saved = lambda: Appointment.objects.filter(pk=appointment.pk, status="attended").exists()  # noqa: E731
            return CsrfCase(_logged_in(worker), edit, url, data, saved)
        start, end = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
        data = {
            "worker": worker.pk,
            "title": "Point CAF déplacé",
            "day": start.date().isoformat(),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
            "version": appointment.version,
        }
        return CsrfCase(
            _logged_in(worker), edit, edit, data, lambda: Appointment.objects.filter(title="Point CAF déplacé").exists()
        )
    if name == "support:calendar_feed":
        url = reverse("support:calendar_feed")
        return CsrfCase(_logged_in(worker), url, url, {}, lambda: CalendarFeed.objects.filter(user=worker).exists())
    if name == "support:document_upload":
        url = reverse("support:document_upload", args=[household.pk])
        from tests.test_authorization_matrix import _a_pdf

        class RewoundPdf(type(_a_pdf())):
            """The same file is posted three times (refused, forged, accepted): each read starts over."""

            def read(self, *args):
                self.seek(0)
                return super().read(*args)

        pdf = _a_pdf("bail.pdf")
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            {"kind": "lease", "file": RewoundPdf(pdf.name, pdf.read())},
            lambda: Document.objects.filter(household=household).exists(),
        )
    if name == "support:plan_detail":
        url = reverse("support:plan_detail", args=[household.pk])
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            {"action": "start", "started_on": "2026-01-05", "review_rhythm_months": "3"},
            lambda: SupportPlan.objects.filter(household=household).exists(),
        )
    if name == "support:intervention_create":
        url = reverse("support:intervention_create", args=[household.pk])
        return CsrfCase(
            _logged_in(worker),
            detail,
            url,
            {"kind": "phone", "occurred_on": "2026-02-01", "duration_minutes": "15", "note": "Appel CAF"},
            lambda: Intervention.objects.filter(household=household, note="Appel CAF").exists(),
        )
    if name == "support:measure_status":
        measure = _a_measure(world)
        url = reverse("support:measure_status", args=[measure.pk])
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            {"to_status": "suspended", "on_date": "2026-02-02", "version": measure.version},
            lambda: SupportMeasure.objects.get(pk=measure.pk).status == "suspended",
        )
    if name == "support:measure_follow_up":
        measure = _a_measure(world)
        SupportMeasure.objects.filter(pk=measure.pk).update(
            start_date=date(2024, 1, 5), status="closed", end_date=date(2025, 6, 30)
        )
        url = reverse("support:measure_follow_up", args=[measure.pk])
        return CsrfCase(
            _logged_in(worker),
            url,
            url,
            {"observed_on": "2026-07-01", "situation": "other_housing", "arrears": ""},
            lambda: MeasureFollowUp.objects.filter(measure=measure).exists(),
        )
    if name == "support:catalogue":
        url = reverse("support:catalogue")
        return CsrfCase(
            _logged_in(director),
            url,
            url,
            {"add_outcome": "1", "label": "Relogement par le bailleur"},
            lambda: MeasureOutcome.objects.filter(label="Relogement par le bailleur").exists(),
        )
    if name == "support:programme_toggle":
        programme = Programme.objects.filter(organisation=world.organisation, active=True).first()
        return CsrfCase(
            _logged_in(director),
            reverse("support:catalogue"),
            reverse("support:programme_toggle", args=[programme.pk]),
            {"active": "0"},
            lambda: not Programme.objects.get(pk=programme.pk).active,
        )
    raise AssertionError(f"no CSRF case for {name}")


def _an_appointment(world):
    """The social worker's appointment with their household, yesterday (attendance may be taken)."""
    from datetime import timedelta

    from django.utils import timezone

    existing = Appointment.objects.filter(household=world.own_household).first()
    if existing is not None:
        return existing
    worker = world.users["social_worker"]
    # yesterday at 10:00 (Paris): a one-hour slot within one day, whatever the hour the suite runs at
    start = (timezone.localtime() - timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    return appointment_services.appointment_book(
        actor=worker,
        worker_id=worker.pk,
        title="Entretien",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        household_id=world.own_household.pk,
    )


def _a_measure(world):
    measure = SupportMeasure.objects.filter(household=world.own_household).first()
    if measure is None:
        measure = support_services.measure_open(
            actor=world.users["director"],
            household_id=world.own_household.pk,
            programme_id=Programme.objects.get(organisation=world.organisation, code="avdl").pk,
            start_date=date(2026, 1, 5),
        )
    return measure


def _a_session(world):
    """A workshop session of the own organisation, begun on 5 January 2026 (made once)."""
    session = WorkshopSession.objects.filter(workshop__organisation=world.organisation).first()
    if session is None:
        director = world.users["director"]
        workshop = reception_services.workshop_create(actor=director, title="Atelier logement", theme="housing_search")
        session = reception_services.workshop_session_create(
            actor=director,
            workshop_id=workshop.pk,
            starts_at=datetime(2026, 1, 5, 14, 0, tzinfo=UTC),
            place="Salle collective",
            facilitator_id=director.pk,
            capacity=10,
        )
    return session


def _reception_csrf_case(name, world) -> CsrfCase:
    volunteer = world.users["volunteer"]
    receptionist = world.users["receptionist"]
    household = world.own_household
    if name == "reception:desk_visit_create":
        url = reverse(name)
        return CsrfCase(
            _logged_in(volunteer),
            url,
            url,
            {
                "topics": ["energy"],
                "information_given": "Chèque énergie",
                "visited_at": "2026-01-05T10:00",
                "present_professional": receptionist.pk,
            },
            lambda: DeskVisit.objects.filter(information_given="Chèque énergie").exists(),
        )
    if name == "reception:workshop_create":
        url = reverse(name)
        return CsrfCase(
            _logged_in(receptionist),
            url,
            url,
            {"title": "Atelier budget", "theme": "budget_energy"},
            lambda: Workshop.objects.filter(title="Atelier budget").exists(),
        )
    session = _a_session(world)
    page = reverse("reception:session_detail", args=[session.pk])
    if name == "reception:session_create":
        url = reverse(name, args=[session.workshop_id])
        data = {"starts_at": "2026-02-02T14:00", "place": "Salle B", "facilitator": receptionist.pk, "capacity": "6"}
        return CsrfCase(
            _logged_in(receptionist), url, url, data, lambda: WorkshopSession.objects.filter(place="Salle B").exists()
        )
    if name == "reception:enrolment_add":
        return CsrfCase(
            _logged_in(receptionist),
            page,
            reverse(name, args=[session.pk]),
            {"household": household.pk},
            lambda: Enrolment.objects.filter(session=session, household=household).exists(),
        )
    if name == "reception:attendance_take":
        enrolment = reception_services.enrolment_add(
            actor=receptionist, session_id=session.pk, household_id=household.pk
        )
        return CsrfCase(
            _logged_in(volunteer),
            page,
            reverse(name, args=[session.pk]),
            {"present": [enrolment.pk]},
            lambda: Enrolment.objects.get(pk=enrolment.pk).attended is True,
        )
    if name.startswith("reception:referral_"):
        return _referral_csrf_case(name, world)
    raise AssertionError(f"no CSRF case for {name}")


def _referral_csrf_case(name, world) -> CsrfCase:
    worker = world.users["social_worker"]
    listing = reverse("reception:referral_list")
    if name == "reception:referral_create":
        url = reverse(name)
        data = {"to_user": worker.pk, "reason": "Sous CSRF", "visitor_name": "Paul", "visitor_phone": "0612345678"}
        return CsrfCase(
            _logged_in(world.users["volunteer"]), url, url, data, Referral.objects.filter(reason="Sous CSRF").exists
        )
    referral = authz_referrals.referral_of(world, "own_team")
    data = authz_referrals.prepare(name, world, "own_team")
    url = reverse(name, args=[referral.pk])
    return CsrfCase(
        _logged_in(worker),
        url if name == "reception:referral_redirect" else listing,
        url,
        data,
        lambda: authz_referrals.state(name, world, "own_team") > 0,
    )


CSRF_CASES = {
    "reception:referral_create",
    "reception:referral_take_up",
    "reception:referral_reopen",
    "reception:referral_redirect",
    "reception:desk_visit_create",
    "reception:workshop_create",
    "reception:session_create",
    "reception:enrolment_add",
    "reception:attendance_take",
    "core:login",
    "core:logout",
    "core:otp_verify",
    "core:otp_enrol",
    "core:api_tokens",
    "core:api_token_revoke",
    "core:password_change",
    "core:organisation_settings",
    "people:household_create",
    "people:household_edit",
    "people:person_create",
    "people:person_edit",
    "people:note_create",
    "people:concern_settings",
    "people:concern_toggle",
    "support:measure_create",
    "support:intervention_create",
    "support:plan_detail",
    "support:document_upload",
    "support:document_archive",
    "support:document_delete",
    "support:appointment_create",
    "support:appointment_edit",
    "support:appointment_cancel",
    "support:appointment_attendance",
    "support:agreement",
    "support:calendar_feed",
    "support:measure_status",
    "support:measure_follow_up",
    "support:catalogue",
    "support:programme_toggle",
}
for _extension in extensions().values():
    CSRF_CASES |= _extension.CSRF_CASES


def _accepts_post(name, params, world) -> bool:
    """Whether a page accepts POST at all (405 otherwise), asked as a director without CSRF checks."""
    director = world.users["director"]
    household = world.own_household
    values = {
        "workshop_id": _a_session(world).workshop_id,
        "session_id": _a_session(world).pk,
        "household_id": household.pk,
        "person_id": household.members.first().pk,
        "token_id": core_services.api_token_create(actor=director, name="Sonde")[0].pk,
        "concern_id": Concern.objects.filter(organisation=world.organisation).first().pk,
        "measure_id": _a_measure(world).pk,
        "document_id": uuid.uuid4(),
        "key": "cle-inconnue",
        "programme_id": Programme.objects.filter(organisation=world.organisation).first().pk,
        "appointment_id": _an_appointment(world).pk,
        "referral_id": authz_referrals.referral_of(world, "own_team").pk,
    }
    for extension in extensions().values():
        values |= extension.post_probe_values(world)
    assert set(params) <= set(values), f"{name}: no value for the URL parameters {set(params) - set(values)}"
    client = Client()
    client.force_login(director)
    return client.post(reverse(name, kwargs={p: values[p] for p in params})).status_code != 405


@pytest.mark.one_pass("sqlite")
def test_every_page_accepting_post_has_a_csrf_case(world):
    accepting = {name for name, params in PAGE_ROUTES.items() if _accepts_post(name, params, world)}
    assert accepting == CSRF_CASES


@pytest.mark.one_pass("sqlite")  # the token is checked before any query (decision record 0041)
@pytest.mark.parametrize("name", sorted(CSRF_CASES))
def test_csrf(name, world):
    case = _csrf_case(name, world)
    form = case.client.get(case.form_page)
    assert form.status_code == 200
    token = csrf_token(form)

    refused = case.client.post(case.url, case.data)
    assert refused.status_code == 403
    assert not case.saved(), "saved without a CSRF token"
    forged = case.client.post(case.url, case.data | {"csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    assert not case.saved(), "saved with a forged CSRF token"

    accepted = case.client.post(case.url, case.data | {"csrfmiddlewaretoken": token})
    assert accepted.status_code in (200, 302), accepted.status_code
    assert case.saved(), "not saved with the CSRF token"


def test_the_csrf_failure_page_is_in_french_and_without_inline_style(client, world):
    client = _logged_in(world.users["social_worker"])
    response = client.post(reverse("core:api_tokens"), {"name": "Tableur"})
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Page expirée" in body
    assert not inline_code(body)


# --- hostile text -------------------------------------------------------------------------------------

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "attribute": "\"'><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE people_household; --",
    "long": "abcdéfghij" * 1000,
    "emoji": "🏠👨‍👩‍👧",
    "rtl": "مرحبا بالعالم",
}
RAW_SCRIPT = "<script>alert(1)</script>"


def assert_shown_escaped(html, value, where):
    assert RAW_SCRIPT not in html, f"raw script in {where}"
    assert escape(value) in html, f"{where} does not show the value (escaped)"
    if escape(value) != value:
        assert value not in html, f"{where} shows the value unescaped"


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_stored_exactly_and_shown_escaped(payload, world):
    assert len(HOSTILE["long"]) == 10_000
    worker = world.users["social_worker"]
    household = world.own_household
    client = Client()
    client.force_login(worker)
    detail = reverse("people:household_detail", args=[household.pk])
    listing = reverse("people:household_list")

    for field in ("name", "address", "city"):
        response = client.post(
            reverse("people:household_edit", args=[household.pk]), household_edit_data(household, **{field: payload})
        )
        assert response.status_code == 302, (field, response.context and response.context["form"].errors)
        assert getattr(Household.objects.get(pk=household.pk), field) == payload, field
        assert_shown_escaped(client.get(detail).content.decode(), payload, f"household page ({field})")
        if field != "address":  # the list shows the name and the city
            assert_shown_escaped(client.get(listing).content.decode(), payload, f"list ({field})")
    client.post(reverse("people:household_edit", args=[household.pk]), household_edit_data(household, name="Lefèvre"))

    for field in ("first_name", "last_name", "nationality"):
        response = client.post(reverse("people:person_create", args=[household.pk]), member_data(**{field: payload}))
        assert response.status_code == 302, (field, response.context and response.context["form"].errors)
        person = Person.objects.filter(household=household).latest("created_at")
        assert getattr(person, field) == payload, field
        if field == "nationality":  # shown in the member's form only
            page = client.get(reverse("people:person_edit", args=[household.pk, person.pk])).content.decode()
            assert_shown_escaped(page, payload, "member form (nationality)")
        else:
            assert_shown_escaped(client.get(detail).content.decode(), payload, f"household page ({field})")
            assert_shown_escaped(client.get(listing).content.decode(), payload, f"list ({field})")

    response = client.post(reverse("people:note_create", args=[household.pk]), {"text": payload})
    assert response.status_code == 302
    assert HouseholdNote.objects.filter(household=household).latest("created_at").text == payload
    assert_shown_escaped(client.get(detail).content.decode(), payload, "household page (note)")

    if len(payload) <= 200:  # the search box takes 200 characters
        for headers in ({}, {"HX-Request": "true"}):
            found = client.get(listing, {"q": payload}, headers=headers)
            assert found.status_code == 200
            assert_shown_escaped(found.content.decode(), payload, f"search results {headers}")
            assert "Lefèvre" in found.content.decode(), "the search does not find the household by a member's name"

    assert Household.objects.filter(pk=household.pk).exists()  # the table is still there


def test_hostile_text_through_the_creation_form_and_the_api(world):
    worker = world.users["social_worker"]
    client = Client()
    client.force_login(worker)
    name = HOSTILE["attribute"]
    response = client.post(reverse("people:household_create"), household_create_data(name))
    assert response.status_code == 302
    household = Household.objects.get(name=name)
    assert household.members.get().last_name == name
    assert_shown_escaped(client.get(response["Location"]).content.decode(), name, "new household page")
    _token, raw = core_services.api_token_create(actor=worker, name="Tests")
    api = client.get(f"/api/v1/households/{household.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert api.json()["name"] == name  # JSON carries the text as is; escaping is the client's job
    assert api["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_at_the_reception_desk_and_in_workshops(payload, world):
    """Free text of desk visits and workshops: stored exactly, shown escaped on the list, the household
    timeline and the workshop pages (fields of 200 characters take the payloads that fit)."""
    receptionist = world.users["receptionist"]
    household = world.own_household
    short = payload if len(payload) <= 200 else "Partenaire"
    client = Client()
    client.force_login(receptionist)
    response = client.post(
        reverse("reception:desk_visit_create"),
        {
            "topics": ["other"],
            "visited_at": "2026-01-05T10:00",
            "information_given": payload,
            "referral_partner": short,
            "household": household.pk,
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    visit = DeskVisit.objects.get()
    assert visit.information_given == payload and visit.referral_partner.name == short.strip()
    # the receptionist no longer sees what was said about a known household; its social worker does
    listing = client.get(reverse("reception:desk_visit_list"), {"date": "2026-01-05"}).content.decode()
    assert escape(payload) not in listing
    worker = Client()
    worker.force_login(world.users["social_worker"])
    listing = worker.get(reverse("reception:desk_visit_list"), {"date": "2026-01-05"}).content.decode()
    assert_shown_escaped(listing, payload, "desk visit list (information)")
    assert_shown_escaped(listing, short, "desk visit list (referral)")
    timeline = worker.get(reverse("people:household_detail", args=[household.pk])).content.decode()
    assert_shown_escaped(timeline, payload, "household timeline (desk visit)")

    created = client.post(reverse("reception:workshop_create"), {"title": short, "theme": "other"})
    assert created.status_code == 302
    workshop = Workshop.objects.get(title=short)
    created = client.post(
        reverse("reception:session_create", args=[workshop.pk]),
        {"starts_at": "2026-01-05T14:00", "place": short, "facilitator": receptionist.pk, "capacity": "5"},
    )
    assert created.status_code == 302
    session = WorkshopSession.objects.get(workshop=workshop)
    assert session.place == short
    page = client.get(reverse("reception:session_detail", args=[session.pk]), {"q": payload[:200]})
    assert page.status_code == 200
    assert_shown_escaped(page.content.decode(), short, "session page (title, place)")
    assert_shown_escaped(page.content.decode(), payload[:200], "session page (search box)")
    assert_shown_escaped(
        client.get(reverse("reception:workshop_list")).content.decode(), short, "workshop list (title)"
    )


# --- Content-Security-Policy ------------------------------------------------------------------------


class InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found.extend(f"{name}= on <{tag}>" for name in names if name.startswith("on"))
        for name, value in attrs:
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def inline_code(html) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def _pages(world):
    """(who, URL, method, data) of the pages to check: every kind of page and form."""
    household = world.own_household
    person = household.members.get()
    token, _raw = core_services.api_token_create(actor=world.users["social_worker"], name="Script")
    worker, director = "social_worker", "director"
    return [
        (None, reverse("core:login"), "get", None),
        ("volunteer", reverse("reception:desk_visit_create"), "get", None),
        ("volunteer", reverse("reception:desk_visit_create"), "post", {"postcode": "1"}),  # form with errors
        ("receptionist", reverse("reception:desk_visit_create"), "get", {"household_q": "lef"}),
        ("volunteer", reverse("reception:desk_visit_list"), "get", None),
        ("receptionist", reverse("reception:workshop_list"), "get", None),
        ("receptionist", reverse("reception:session_detail", args=[_a_session(world).pk]), "get", {"q": "lef"}),
        (worker, reverse("core:home"), "get", None),
        (director, reverse("core:home"), "get", None),
        (worker, reverse("people:household_list"), "get", None),
        ("receptionist", reverse("people:household_list"), "get", {"q": "lef"}),
        (worker, reverse("people:household_detail", args=[household.pk]), "get", None),
        (worker, reverse("people:household_create"), "get", None),
        (worker, reverse("people:household_create"), "post", {"members-TOTAL_FORMS": "0"}),  # form with errors
        (worker, reverse("people:household_edit", args=[household.pk]), "get", None),
        (worker, reverse("people:person_create", args=[household.pk]), "get", None),
        (worker, reverse("people:person_edit", args=[household.pk, person.pk]), "get", None),
        (worker, reverse("people:note_create", args=[household.pk]), "post", {"text": ""}),  # note form with errors
        (worker, reverse("core:account"), "get", None),
        (worker, reverse("core:api_tokens"), "post", {"name": "Tableur"}),  # shows the new token
        (worker, reverse("core:api_token_revoke", args=[token.pk]), "get", None),
        (worker, reverse("core:otp_enrol"), "get", None),  # the QR code is inline SVG
        (director, reverse("core:audit_log"), "get", None),
        (director, reverse("people:concern_settings"), "get", None),
        (worker, "/menages/00000000-0000-0000-0000-000000000000/", "get", None),  # 404
    ]


def test_pages_have_a_strict_csp_and_no_inline_script_or_style(world):
    problems = []
    for who, url, method, data in _pages(world):
        client = Client()
        if who:
            client.force_login(world.users[who])
        response = getattr(client, method)(url, data or {})
        label = f"{method.upper()} {url} as {who or 'anonymous'} ({response.status_code})"
        if response.status_code not in (200, 404):
            problems.append(f"{label}: unexpected status")
            continue
        policy = response.headers.get("Content-Security-Policy", "")
        if not policy:
            problems.append(f"{label}: no Content-Security-Policy header")
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
        for directive in ("default-src", "script-src", "style-src"):
            if directive not in directives:
                problems.append(f"{label}: no {directive}")
        if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
            problems.append(f"{label}: CSP allows unsafe-inline or unsafe-eval: {policy}")
        problems.extend(f"{label}: {found}" for found in inline_code(response.content.decode()))
    assert not problems, "\n".join(problems)


def test_the_second_factor_page_has_no_inline_script_or_style(world):
    worker = world.users["social_worker"]
    confirmed_device(worker)
    client = Client()
    client.force_login(worker)
    response = client.get(reverse("core:otp_verify"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert not inline_code(response.content.decode())


def test_security_headers(client, world):
    client.force_login(world.users["social_worker"])
    response = client.get(reverse("core:home"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_new_token_is_shown_escaped_once(world):
    """The raw token appears once, on creation; later visits show only its prefix."""
    worker = world.users["social_worker"]
    client = Client()
    client.force_login(worker)
    created = client.post(reverse("core:api_tokens"), {"name": "<b>Tableur</b>"})
    raw = re.search(r"hab_[A-Za-z0-9_\-]+", created.content.decode()).group(0)
    assert "&lt;b&gt;Tableur&lt;/b&gt;" in created.content.decode()
    assert "<b>Tableur</b>" not in created.content.decode()
    assert raw not in client.get(reverse("core:api_tokens")).content.decode()
