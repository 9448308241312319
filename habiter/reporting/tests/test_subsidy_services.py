"""The subsidies' services: who may write (director, accountant; nobody of another organisation), the compte rendu
financier's due date set at the decision (W31), the warning kept on a request made while a compte rendu of the
same funder is overdue, the accounts obligations (W32), each write audited."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import OrganisationFactory, UserFactory
from habiter.reporting import queries, services
from habiter.reporting.models import AccountsObligations, Funder, FunderKind, Subsidy, SubsidyStatus

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)  # the day after the 2025 comptes rendus' last day (30/06/2026)


@pytest.fixture
def director():
    return UserFactory(
        organisation=OrganisationFactory(name="Alpa", cer_signed_on=date(2022, 2, 1)), role=Role.DIRECTOR
    )


def _request(actor, funder_name="DDETS du Rhône", kind=FunderKind.STATE, amount="45000", year_end=date(2025, 12, 31)):
    return services.subsidy_request(
        actor=actor,
        data={
            "funder_name": funder_name,
            "funder_kind": kind,
            "purpose": "AVDL",
            "year_end": year_end,
            "requested_on": date(2025, 1, 15),
            "amount_requested": amount,
        },
    )


@time_machine.travel(TODAY, tick=False)
def test_request_decide_and_crf(director):
    subsidy = _request(director)
    assert subsidy.status == SubsidyStatus.REQUESTED
    assert subsidy.amount_requested == Decimal("45000.00")
    assert subsidy.funder.kind == FunderKind.STATE and subsidy.funder.public
    assert subsidy.request_warning == ""

    subsidy = services.subsidy_decide(
        actor=director,
        subsidy_id=subsidy.pk,
        status=SubsidyStatus.GRANTED,
        decided_on=date(2025, 3, 10),
        amount_granted="42000.50",
        convention_reference="DDETS-69-2025-017",
    )
    assert subsidy.amount_granted == Decimal("42000.50")
    assert subsidy.crf_due_on == date(2026, 6, 30)  # 31/12/2025 + 6 months (W31)

    services.subsidy_crf_sent(actor=director, subsidy_id=subsidy.pk, sent_on=date(2026, 6, 30))
    assert Subsidy.objects.get(pk=subsidy.pk).crf_sent_on == date(2026, 6, 30)
    actions = list(AuditEvent.objects.filter(object_id=str(subsidy.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["subsidy.crf_sent", "subsidy.decide", "subsidy.request"]


@time_machine.travel(TODAY, tick=False)
def test_a_new_request_while_a_crf_is_overdue_is_recorded_with_a_warning(director):
    first = _request(director)
    services.subsidy_decide(
        actor=director,
        subsidy_id=first.pk,
        status=SubsidyStatus.GRANTED,
        decided_on=date(2025, 3, 10),
        amount_granted="42000",
    )
    second = _request(director, year_end=date(2026, 12, 31))
    assert "en retard" in second.request_warning and "30/06/2026" in second.request_warning
    assert Subsidy.objects.filter(funder=first.funder).count() == 2
    # another funder is not concerned
    assert _request(director, funder_name="Ville de Lyon", kind=FunderKind.COMMUNE).request_warning == ""
    # once the compte rendu is sent, the next request carries no warning
    services.subsidy_crf_sent(actor=director, subsidy_id=first.pk, sent_on=date(2026, 7, 1))
    assert _request(director, year_end=date(2027, 12, 31)).request_warning == ""


@time_machine.travel(date(2026, 6, 30), tick=False)
def test_no_warning_on_the_last_day(director):
    first = _request(director)
    services.subsidy_decide(
        actor=director, subsidy_id=first.pk, status="granted", decided_on=date(2025, 3, 10), amount_granted="1"
    )
    assert _request(director).request_warning == ""


@time_machine.travel(TODAY, tick=False)
def test_refusal_has_no_crf(director):
    subsidy = _request(director)
    subsidy = services.subsidy_decide(
        actor=director, subsidy_id=subsidy.pk, status=SubsidyStatus.REFUSED, decided_on=date(2025, 4, 1)
    )
    assert subsidy.crf_due_on is None and subsidy.amount_granted is None
    with pytest.raises(ValidationError):
        services.subsidy_crf_sent(actor=director, subsidy_id=subsidy.pk, sent_on=date(2026, 1, 5))


@time_machine.travel(TODAY, tick=False)
def test_validation(director):
    with pytest.raises(ValidationError) as error:
        _request(director, amount="-1")
    assert "amount_requested" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        _request(director, kind="")
    assert "funder_kind" in error.value.error_dict
    subsidy = _request(director)
    with pytest.raises(ValidationError) as error:
        services.subsidy_decide(actor=director, subsidy_id=subsidy.pk, status="granted", decided_on=date(2025, 3, 1))
    assert "amount_granted" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.subsidy_decide(
            actor=director, subsidy_id=subsidy.pk, status="granted", decided_on=date(2024, 3, 1), amount_granted="5"
        )
    assert "decided_on" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.subsidy_decide(
            actor=director, subsidy_id=subsidy.pk, status="granted", decided_on=date(2026, 7, 2), amount_granted="5"
        )


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.VOLUNTEER, Role.TEAM_LEAD, Role.RECEPTIONIST])
def test_other_roles_are_refused(director, role):
    subsidy = _request(director)
    other = UserFactory(organisation=director.organisation, role=role)
    with pytest.raises(PermissionDenied):
        _request(other)
    with pytest.raises(PermissionDenied):
        services.subsidy_decide(actor=other, subsidy_id=subsidy.pk, status="refused", decided_on=date(2025, 3, 1))
    with pytest.raises(PermissionDenied):
        services.accounts_obligations_save(actor=other, year=2025, data={})
    with pytest.raises(PermissionDenied):
        queries.subsidies_visible_to(other)


@time_machine.travel(TODAY, tick=False)
def test_accountant_writes_and_another_organisation_does_not_reach(director):
    accountant = UserFactory(organisation=director.organisation, role=Role.ACCOUNTANT)
    subsidy = _request(accountant)
    stranger = UserFactory(
        organisation=OrganisationFactory(name="Autre", cer_signed_on=date(2022, 2, 1)), role=Role.DIRECTOR
    )
    with pytest.raises(Subsidy.DoesNotExist):
        services.subsidy_decide(actor=stranger, subsidy_id=subsidy.pk, status="refused", decided_on=date(2025, 3, 1))
    with pytest.raises(Subsidy.DoesNotExist):
        services.subsidy_crf_sent(actor=stranger, subsidy_id=subsidy.pk, sent_on=date(2026, 1, 1))
    with pytest.raises(Subsidy.DoesNotExist):
        queries.subsidy_for(stranger, subsidy.pk)
    with pytest.raises(ValidationError):  # another organisation's funder cannot be chosen
        services.subsidy_request(
            actor=stranger,
            data={
                "funder_id": subsidy.funder_id,
                "purpose": "x",
                "year_end": date(2025, 12, 31),
                "requested_on": date(2025, 1, 1),
                "amount_requested": "1",
            },
        )
    assert Funder.objects.filter(organisation=stranger.organisation).count() == 0


def _grant(director, name, kind, amount, *, year_end=date(2025, 12, 31), received_on=None):
    """A request granted on 1 March 2025 for `amount`, received in full on `received_on` (if given)."""
    subsidy = _request(director, funder_name=name, kind=kind, amount=amount, year_end=year_end)
    return services.subsidy_decide(
        actor=director,
        subsidy_id=subsidy.pk,
        status="granted",
        decided_on=date(2025, 3, 1),
        amount_granted=amount,
        received_on=received_on,
        amount_received=amount if received_on else None,
    )


@time_machine.travel(TODAY, tick=False)
def test_threshold_checklist(director):
    """W32 counts the public cash subsidies received in the calendar year, whatever financial year they fund. In
    2025: the DDETS's 100 000 received on 10 April 2025 and the Département's 53 000 for 2024 received on 3 April
    2025 = 153 000,00 €, not above the threshold (strictly above). Not counted in 2025: the foundation's 20 000 (not
    public), the Ville's request still waiting, the Département's 60 000 for 2025 received on 5 January 2026 (in
    2026's total), the CAF's 0,01 € for 2025 whose receipt is not typed (listed as such); typed as received on 31
    December 2025, it takes 2025 to 153 000,01 €, above."""
    _grant(director, "DDETS", FunderKind.STATE, "100000", received_on=date(2025, 4, 10))
    _grant(
        director,
        "Département",
        FunderKind.DEPARTEMENT,
        "53000",
        year_end=date(2024, 12, 31),
        received_on=date(2025, 4, 3),
    )
    _grant(director, "Département", FunderKind.DEPARTEMENT, "60000", received_on=date(2026, 1, 5))
    _grant(director, "Fondation Abbé Pierre", FunderKind.FOUNDATION, "20000", received_on=date(2025, 6, 1))
    _request(director, funder_name="Ville", kind=FunderKind.COMMUNE, amount="9000")  # no decision yet
    caf = _grant(director, "CAF", FunderKind.CAF, "0.01")
    checklist = queries.threshold_checklist(director, 2025)
    assert checklist.total == Decimal("153000.00") and checklist.threshold == Decimal("153000")
    assert not checklist.above
    assert checklist.unreceived == [caf]
    assert queries.threshold_checklist(director, 2026).total == Decimal("60000.00")
    assert queries.threshold_checklist(director, 2024).total == Decimal("0.00")  # the 2024 grant came in 2025

    caf = services.subsidy_decide(
        actor=director,
        subsidy_id=caf.pk,
        status="granted",
        decided_on=date(2025, 3, 1),
        amount_granted="0.01",
        received_on=date(2025, 12, 31),
        amount_received="0.01",
    )
    events = AuditEvent.objects.filter(action="subsidy.decide", object_id=str(caf.pk))
    assert sorted((e.detail["received_on"] or "", e.detail["amount_received"] or "") for e in events) == [
        ("", ""),  # the decision
        ("2025-12-31", "0.01"),  # the receipt typed
    ]
    checklist = queries.threshold_checklist(director, 2025)
    assert checklist.total == Decimal("153000.01") and checklist.above and checklist.unreceived == []
    assert [o.done for o in checklist.obligations] == [False, False, False]

    services.accounts_obligations_save(
        actor=director,
        year=2025,
        data={
            "accounts_drawn_up_on": date(2026, 4, 10),
            "auditor_appointed_on": date(2025, 6, 1),
            "auditor_name": "Cabinet Durand",
            "accounts_approved_on": date(2026, 6, 20),
        },
    )
    checklist = queries.threshold_checklist(director, 2025)
    assert [o.done for o in checklist.obligations] == [True, True, False]
    assert checklist.obligations[2].due_on == date(2026, 9, 20)
    assert AccountsObligations.objects.get(organisation=director.organisation, year=2025).auditor_name == (
        "Cabinet Durand"
    )
    with pytest.raises(ValidationError):
        services.accounts_obligations_save(
            actor=director,
            year=2025,
            data={"accounts_approved_on": date(2026, 6, 20), "published_on": date(2026, 6, 1)},
        )


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("status", "received_on", "amount_received", "field"),
    [
        ("granted", None, "1000", "received_on"),  # an amount without its day
        ("granted", date(2025, 4, 1), None, "amount_received"),  # a day without its amount
        ("granted", date(2025, 2, 28), "1000", "received_on"),  # before the decision of 1 March
        ("granted", date(2026, 7, 2), "1000", "received_on"),  # to come
        ("granted", date(2025, 4, 1), "42000.01", "amount_received"),  # above the 42 000 granted
        ("granted", date(2025, 4, 1), "-1", "amount_received"),
        ("refused", date(2025, 4, 1), "1000", "received_on"),  # a refused subsidy is not received
    ],
)
def test_a_receipt_is_a_granted_subsidys_day_and_amount(director, status, received_on, amount_received, field):
    subsidy = _request(director)
    with pytest.raises(ValidationError) as refused:
        services.subsidy_decide(
            actor=director,
            subsidy_id=subsidy.pk,
            status=status,
            decided_on=date(2025, 3, 1),
            amount_granted="42000" if status == "granted" else None,
            received_on=received_on,
            amount_received=amount_received,
        )
    assert field in refused.value.message_dict
    assert Subsidy.objects.get(pk=subsidy.pk).status == SubsidyStatus.REQUESTED


@time_machine.travel(TODAY, tick=False)
def test_a_receipt_is_corrected_or_removed_and_the_database_refuses_half_a_receipt(director):
    from django.db import IntegrityError, transaction

    subsidy = _grant(director, "DDETS", FunderKind.STATE, "42000", received_on=date(2025, 4, 10))
    assert (subsidy.received_on, subsidy.amount_received) == (date(2025, 4, 10), Decimal("42000.00"))
    decision = {"status": "granted", "decided_on": date(2025, 3, 1), "amount_granted": "42000"}
    subsidy = services.subsidy_decide(
        actor=director, subsidy_id=subsidy.pk, received_on=date(2025, 4, 11), amount_received="41999.99", **decision
    )
    assert (subsidy.received_on, subsidy.amount_received) == (date(2025, 4, 11), Decimal("41999.99"))
    subsidy = services.subsidy_decide(actor=director, subsidy_id=subsidy.pk, **decision)  # typed by mistake
    assert (subsidy.received_on, subsidy.amount_received) == (None, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subsidy.objects.filter(pk=subsidy.pk).update(received_on=date(2025, 4, 11))


@time_machine.travel(date(2026, 5, 2), tick=False)
def test_home_panel(director):
    assert queries.home_panel(director, date(2026, 5, 2)) is None
    s = _request(director)
    services.subsidy_decide(
        actor=director, subsidy_id=s.pk, status="granted", decided_on=date(2025, 3, 1), amount_granted="10"
    )
    panel = queries.home_panel(director, date(2026, 5, 1))  # 60 days before 30/06/2026
    assert panel["soon"] == [s] and panel["overdue"] == []
    assert queries.home_panel(director, date(2026, 4, 30)) is None
    panel = queries.home_panel(director, date(2026, 7, 1))
    assert panel["overdue"] == [s] and panel["soon"] == []
    worker = UserFactory(organisation=director.organisation, role=Role.SOCIAL_WORKER)
    assert queries.home_panel(worker, date(2026, 7, 1)) is None


@time_machine.travel(TODAY, tick=False)
def test_export(director):
    s = _request(director)
    services.subsidy_decide(
        actor=director, subsidy_id=s.pk, status="granted", decided_on=date(2025, 3, 1), amount_granted="42000"
    )
    name, content = services.subsidies_export(actor=director, year=2025)
    assert name == "subventions-2025.xlsx" and content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="subsidy.export").count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_grant_whose_crf_was_sent_is_not_refused(director):
    s = _request(director)
    services.subsidy_decide(
        actor=director, subsidy_id=s.pk, status="granted", decided_on=date(2025, 3, 1), amount_granted="10"
    )
    services.subsidy_crf_sent(actor=director, subsidy_id=s.pk, sent_on=date(2026, 6, 1))
    with pytest.raises(ValidationError) as error:
        services.subsidy_decide(actor=director, subsidy_id=s.pk, status="refused", decided_on=date(2025, 3, 1))
    assert "status" in error.value.error_dict
    assert Subsidy.objects.get(pk=s.pk).status == SubsidyStatus.GRANTED


def test_the_parameters_are_seeded_by_the_migrations():
    from habiter.core.models import LegalParameter

    threshold = LegalParameter.objects.get(key="public_subsidies_accounts_threshold", territory="metropole")
    assert (threshold.value, threshold.status, threshold.rule) == ("153000", "CONFIRMED", "W32")
    months = LegalParameter.objects.get(key="crf_due_months_after_year_end", territory="metropole")
    assert (months.value, months.valid_from) == ("6", date(2006, 10, 11))
    alert = LegalParameter.objects.get(key="crf_alert_days", territory="metropole")
    assert (alert.value, alert.status) == ("60", "UNCONFIRMED")


@time_machine.travel(TODAY, tick=False)
def test_a_request_needs_the_contrat_d_engagement_republicain(director):
    """W31 (a): the signatory attests the CER before any request; without its date, nothing is recorded."""
    from habiter.core import services as core_services

    core_services.organisation_settings_update(actor=director, values={"cer_signed_on": None})
    with pytest.raises(ValidationError) as refused:
        _request(director)
    assert "contrat d'engagement républicain" in refused.value.message_dict["requested_on"][0]
    assert not Subsidy.objects.exists() and not Funder.objects.exists()
    with pytest.raises(ValidationError):  # a future subscription is refused too
        core_services.organisation_settings_update(actor=director, values={"cer_signed_on": date(2026, 7, 2)})
    core_services.organisation_settings_update(actor=director, values={"cer_signed_on": date(2025, 1, 15)})
    assert _request(director).requested_on == date(2025, 1, 15)  # subscribed the day of the request
