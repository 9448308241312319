"""The subsidies' services: who may write (director, accountant; nobody of another organisation), the compte rendu
financier's due date set at the decision (W31), the warning kept on a request made while a compte rendu of the
same funder is overdue, the payments received in instalments, each counted in its calendar year, and cancelled when
typed by mistake, the accounts obligations (W32), each write audited."""

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import OrganisationFactory, UserFactory
from habiter.reporting import queries, services
from habiter.reporting.models import (
    AccountsObligations,
    Funder,
    FunderKind,
    Subsidy,
    SubsidyPayment,
    SubsidyStatus,
)

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
    subsidy = services.subsidy_decide(
        actor=director,
        subsidy_id=subsidy.pk,
        status="granted",
        decided_on=date(2025, 3, 1),
        amount_granted=amount,
    )
    if received_on:
        _pay(director, subsidy, received_on, amount)
    return subsidy


def _pay(actor, subsidy, received_on, amount, note=""):
    return services.subsidy_payment_record(
        actor=actor, subsidy_id=subsidy.pk, received_on=received_on, amount=amount, note=note
    )


@time_machine.travel(TODAY, tick=False)
def test_threshold_checklist(director):
    """W32 counts the public cash subsidies received in the calendar year, whatever financial year they fund. In
    2025: the DDETS's 100 000 received on 10 April 2025 and the Département's 53 000 for 2024 received on 3 April
    2025 = 153 000,00 €, not above the threshold (strictly above). Not counted in 2025: the foundation's 20 000 (not
    public), the Ville's request still waiting, the Département's 60 000 for 2025 received on 5 January 2026 (in
    2026's total), the CAF's 0,01 € for 2025 not received yet (listed as such); received on 31 December 2025, it
    takes 2025 to 153 000,01 €, above."""
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
    assert checklist.outstanding == [caf] and checklist.outstanding[0].received == Decimal("0.00")
    assert queries.threshold_checklist(director, 2026).total == Decimal("60000.00")
    assert queries.threshold_checklist(director, 2024).total == Decimal("0.00")  # the 2024 grant came in 2025

    payment = _pay(director, caf, date(2025, 12, 31), "0.01", note="Virement 2025-1231")
    event = AuditEvent.objects.get(action="subsidy.payment_record", object_id=str(payment.pk))
    assert event.actor == director and event.detail == {
        "subsidy": str(caf.pk),
        "received_on": "2025-12-31",
        "amount": "0.01",
        "note": "Virement 2025-1231",
        "received": "0.01",
        "remaining": "0.00",
    }
    checklist = queries.threshold_checklist(director, 2025)
    assert checklist.total == Decimal("153000.01") and checklist.above and checklist.outstanding == []
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
def test_a_grant_paid_half_in_2025_and_half_in_2026_counts_each_half_in_its_year(director):
    """W32 counts what was received in the year. The DDETS grants 90 000 € on 1 March 2025 for 2025, paid 45 000 on
    10 April 2025 (the advance) and 45 000 on 16 March 2026 (the balance, after the compte rendu). The Département's
    108 000,01 € is received in full on 2 June 2025. 2025: 108 000,01 + 45 000 = 153 000,01 €, above the threshold by
    one cent; 2026: 45 000,00 €. Had the whole grant been counted in 2025, 2025 would read 198 000,01 and 2026
    nothing. The advance cancelled, 2025 falls back to 108 000,01 €, under."""
    ddets = _grant(director, "DDETS", FunderKind.STATE, "90000")
    advance = _pay(director, ddets, date(2025, 4, 10), "45000", note="Avance de 50 %")
    balance = _pay(director, ddets, date(2026, 3, 16), "45000.00", note="Solde après le compte rendu financier")
    _grant(director, "Département", FunderKind.DEPARTEMENT, "108000.01", received_on=date(2025, 6, 2))

    in_2025 = queries.threshold_checklist(director, 2025)
    assert in_2025.total == Decimal("153000.01") and in_2025.above
    in_2026 = queries.threshold_checklist(director, 2026)
    assert in_2026.total == Decimal("45000.00") and not in_2026.above
    assert in_2025.outstanding == []  # both 2025 grants are received in full, whatever the year of their payments
    assert [(p.received_on, p.amount, p.note) for p in ddets.payments.all()] == [
        (date(2025, 4, 10), Decimal("45000.00"), "Avance de 50 %"),
        (date(2026, 3, 16), Decimal("45000.00"), "Solde après le compte rendu financier"),
    ]

    services.subsidy_payment_cancel(actor=director, payment_id=advance.pk, reason="Saisi sur la mauvaise subvention")
    assert queries.threshold_checklist(director, 2025).total == Decimal("108000.01")
    assert queries.threshold_checklist(director, 2026).total == Decimal("45000.00")
    (outstanding,) = queries.threshold_checklist(director, 2025).outstanding
    assert (outstanding, outstanding.received) == (ddets, Decimal("45000.00"))
    assert balance.cancelled_at is None


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("received_on", "amount", "field", "message"),
    [
        (None, "1000", "received_on", "Indiquez le jour où le versement a été reçu."),
        (date(2025, 4, 1), None, "amount", "Indiquez le montant reçu."),
        (
            date(2025, 2, 28),
            "1000",
            "received_on",
            "Le versement ne peut pas précéder la décision, prise le 01/03/2025.",
        ),
        (date(2026, 7, 2), "1000", "received_on", "La date ne peut pas être à venir."),
        (date(2025, 4, 1), "0", "amount", "Le montant d'un versement est positif."),
        (date(2025, 4, 1), "-1", "amount", "Un montant ne peut pas être négatif."),
        # 30 000 already received of the 42 000 granted: 12 000,01 more would make 42 000,01
        (
            date(2025, 4, 1),
            "12000.01",
            "amount",
            "Avec ce versement, la subvention aurait reçu 42\xa0000,01 €, plus que les 42\xa0000,00 € accordés : "
            "il reste 12\xa0000,00 € à recevoir.",
        ),
    ],
)
def test_a_payment_is_refused_before_the_decision_or_above_the_grant(director, received_on, amount, field, message):
    subsidy = _grant(director, "DDETS", FunderKind.STATE, "42000")
    _pay(director, subsidy, date(2025, 3, 1), "30000")  # the day of the decision itself is allowed
    with pytest.raises(ValidationError) as refused:
        _pay(director, subsidy, received_on, amount)
    assert refused.value.message_dict == {field: [message]}
    assert subsidy.payments.count() == 1
    assert not AuditEvent.objects.filter(action="subsidy.payment_record", detail__amount=amount).exists()
    # the exact rest is accepted: 42 000,00 received, nothing left
    _pay(director, subsidy, date(2025, 4, 1), "12000")
    with pytest.raises(ValidationError) as refused:
        _pay(director, subsidy, date(2025, 4, 2), "0.01")
    assert "il reste 0,00 € à recevoir" in refused.value.message_dict["amount"][0]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("status", ["requested", "refused"])
def test_only_a_granted_subsidy_is_paid(director, status):
    subsidy = _request(director)
    if status == "refused":
        services.subsidy_decide(actor=director, subsidy_id=subsidy.pk, status="refused", decided_on=date(2025, 3, 1))
    with pytest.raises(ValidationError) as refused:
        _pay(director, subsidy, date(2025, 4, 1), "1000")
    assert refused.value.message_dict == {"received_on": ["Seule une subvention accordée reçoit des versements."]}


@time_machine.travel(TODAY, tick=False)
def test_a_mistaken_payment_is_cancelled_with_its_reason_never_edited(director):
    """A payment typed by mistake (4 200 instead of 42 000) is cancelled, with when, by whom and why: it stays, counts
    no longer, and the right one is recorded; a payment is cancelled once; the database refuses a negative amount
    and a cancellation without its reason."""
    from django.db import IntegrityError, transaction

    accountant = UserFactory(organisation=director.organisation, role=Role.ACCOUNTANT)
    subsidy = _grant(director, "DDETS", FunderKind.STATE, "42000")
    wrong = _pay(accountant, subsidy, date(2025, 4, 10), "4200")
    assert wrong.created_by == accountant
    with pytest.raises(ValidationError) as refused:
        services.subsidy_payment_cancel(actor=director, payment_id=wrong.pk, reason="  ")
    assert refused.value.message_dict == {"reason": ["Indiquez pourquoi ce versement est annulé."]}
    cancelled = services.subsidy_payment_cancel(actor=director, payment_id=wrong.pk, reason="Montant mal saisi")
    assert (cancelled.cancelled_by, cancelled.cancel_reason, cancelled.cancelled_at) == (
        director,
        "Montant mal saisi",
        timezone.now(),
    )
    stored = SubsidyPayment.objects.get(pk=wrong.pk)
    assert (stored.received_on, stored.amount, stored.created_by) == (date(2025, 4, 10), Decimal("4200.00"), accountant)
    event = AuditEvent.objects.get(action="subsidy.payment_cancel", object_id=str(wrong.pk))
    assert event.actor == director and event.detail == {
        "subsidy": str(subsidy.pk),
        "received_on": "2025-04-10",
        "amount": "4200.00",
        "reason": "Montant mal saisi",
        "received": "0.00",
        "remaining": "42000.00",
    }
    with pytest.raises(ValidationError) as refused:
        services.subsidy_payment_cancel(actor=director, payment_id=wrong.pk, reason="Encore")
    assert refused.value.messages == ["Ce versement est déjà annulé."]
    _pay(director, subsidy, date(2025, 4, 10), "42000")  # the whole grant: the cancelled 4 200 counts no longer
    assert queries.threshold_checklist(director, 2025).total == Decimal("42000.00")

    with pytest.raises(IntegrityError), transaction.atomic():
        SubsidyPayment.objects.filter(pk=wrong.pk).update(cancel_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubsidyPayment.objects.create(
            organisation=director.organisation,
            subsidy=subsidy,
            received_on=date(2025, 5, 1),
            amount=Decimal("-4200"),
            created_by=director,
        )


@time_machine.travel(TODAY, tick=False)
def test_a_decision_is_corrected_only_as_far_as_the_payments_allow(director):
    """Once 30 000 € of the 42 000 granted on 1 March 2025 came on 10 April 2025: the grant is not refused, not lowered
    under 30 000, not dated after 10 April; 30 000 exactly and the 10 April itself are accepted. The payment
    cancelled, it may be refused again."""
    subsidy = _grant(director, "DDETS", FunderKind.STATE, "42000")
    payment = _pay(director, subsidy, date(2025, 4, 10), "30000")
    decision = {"status": "granted", "decided_on": date(2025, 3, 1), "amount_granted": "42000"}
    with pytest.raises(ValidationError) as refused:
        services.subsidy_decide(actor=director, subsidy_id=subsidy.pk, status="refused", decided_on=date(2025, 3, 1))
    assert "Un versement de cette subvention est reçu" in refused.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as refused:
        services.subsidy_decide(actor=director, subsidy_id=subsidy.pk, **decision | {"amount_granted": "29999.99"})
    assert refused.value.message_dict == {
        "amount_granted": ["Le montant accordé ne peut pas être inférieur à ce qui est déjà reçu (30\xa0000,00 €)."]
    }
    with pytest.raises(ValidationError) as refused:
        services.subsidy_decide(actor=director, subsidy_id=subsidy.pk, **decision | {"decided_on": date(2025, 4, 11)})
    assert refused.value.message_dict == {
        "decided_on": ["La décision ne peut pas suivre le premier versement, reçu le 10/04/2025."]
    }
    corrected = services.subsidy_decide(
        actor=director, subsidy_id=subsidy.pk, **decision | {"amount_granted": "30000", "decided_on": date(2025, 4, 10)}
    )
    assert (corrected.amount_granted, corrected.decided_on) == (Decimal("30000.00"), date(2025, 4, 10))
    services.subsidy_payment_cancel(actor=director, payment_id=payment.pk, reason="Versement d'une autre subvention")
    refused_now = services.subsidy_decide(
        actor=director, subsidy_id=subsidy.pk, status="refused", decided_on=date(2025, 4, 10)
    )
    assert refused_now.status == SubsidyStatus.REFUSED


@time_machine.travel(TODAY, tick=False)
def test_payments_are_the_managers_and_their_organisations_only(director):
    subsidy = _grant(director, "DDETS", FunderKind.STATE, "42000")
    payment = _pay(director, subsidy, date(2025, 4, 10), "1000")
    for role in (Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.VOLUNTEER, Role.RENTAL_MANAGER):
        other = UserFactory(organisation=director.organisation, role=role)
        with pytest.raises(PermissionDenied):
            _pay(other, subsidy, date(2025, 4, 11), "1000")
        with pytest.raises(PermissionDenied):
            services.subsidy_payment_cancel(actor=other, payment_id=payment.pk, reason="x")
    stranger = UserFactory(
        organisation=OrganisationFactory(name="Autre", cer_signed_on=date(2022, 2, 1)), role=Role.DIRECTOR
    )
    with pytest.raises(Subsidy.DoesNotExist):
        _pay(stranger, subsidy, date(2025, 4, 11), "1000")
    with pytest.raises(SubsidyPayment.DoesNotExist):
        services.subsidy_payment_cancel(actor=stranger, payment_id=payment.pk, reason="x")
    with pytest.raises(SubsidyPayment.DoesNotExist):
        queries.payment_for(stranger, payment.pk)
    assert list(SubsidyPayment.objects.values_list("amount", "cancelled_at")) == [(Decimal("1000.00"), None)]
    assert AuditEvent.objects.filter(action__startswith="subsidy.payment").count() == 1


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
    _pay(director, s, date(2025, 4, 10), "33600")  # the advance of 80 %, the balance not yet received
    _request(director, funder_name="Ville", kind=FunderKind.COMMUNE, amount="9000")  # no decision: nothing to receive
    name, content = services.subsidies_export(actor=director, year=2025)
    assert name == "subventions-2025.xlsx" and content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="subsidy.export").count() == 1
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows[0][-2:] == ("Reçu (€)", "Reste à recevoir (€)")
    assert [(row[0], row[-2], row[-1]) for row in rows[1:]] == [
        ("DDETS du Rhône", 33600.0, 8400.0),
        ("Ville", None, None),
    ]


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


@time_machine.travel(TODAY, tick=False)
def test_the_demo_grant_of_the_ddets_is_paid_in_two_instalments(director):
    """The demo's AVDL grant of 65 000 €: an advance of 80 % (52 000 on 18 April 2025) and the balance (13 000 on 4
    December 2025); the public grants received in 2025 stay 65 000 + 48 500 + 12 000 + 8 000 = 133 500 €."""
    import random

    from habiter.reporting.demo import seed_subsidies

    seed_subsidies(director.organisation, {"direction": director}, 1, random.Random(1))
    ddets = Subsidy.objects.get(organisation=director.organisation, purpose="AVDL 2025")
    assert [(p.received_on, p.amount, p.note) for p in ddets.payments.all()] == [
        (date(2025, 4, 18), Decimal("52000.00"), "Avance de 80 % à la signature de la convention"),
        (date(2025, 12, 4), Decimal("13000.00"), "Solde de 20 % après le bilan intermédiaire"),
    ]
    checklist = queries.threshold_checklist(director, 2025)
    assert checklist.total == Decimal("133500.00") and not checklist.above and checklist.outstanding == []
