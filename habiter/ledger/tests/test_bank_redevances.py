"""The CAF's APL-foyer transfer on the bank statement matched to residence contracts (docs/adr/0030): a worked
example with every figure by hand, the refusals that save nothing, the line back in the queue once the payments it
recorded are reversed, the line's page, and the line linked to the APL-foyer payments already typed by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.core.tests.factories import UserFactory
from habiter.ledger import rules
from habiter.ledger.bank import queries as bank_queries
from habiter.ledger.bank import services as bank_services
from habiter.ledger.bank.redevances import bank_line_link_redevances, bank_line_split_redevances
from habiter.ledger.entries.services import transaction_reverse
from habiter.ledger.models import (
    Account,
    BankLine,
    BankLineState,
    Line,
    PeriodClose,
    RedevanceAllocation,
    RedevanceCall,
    RedevancePayment,
    Transaction,
    money_sum,
)
from habiter.ledger.redevance import services as redevance_services
from habiter.residences import services as residence_services
from habiter.residences.models import ResidenceContract
from habiter.residences.tests.factories import make_active_contract, make_house_rules, make_place, make_residence
from habiter.residences.tests.test_views import page_of

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = "2026-07-06 10:00 +0200"  # the day the CAF's transfer of 612.40 € shows on the statement


def _balance(organisation, code) -> Decimal:
    """The organisation's account's balance; 0.00 while the account is not opened yet."""
    lines = Line.objects.filter(account__organisation=organisation, account__code=code)
    return rules.cents(lines.aggregate(total=money_sum("amount"))["total"] or Decimal("0.00"))


def _resident_balance(contract) -> Decimal:
    account = Account.objects.get(residence_contract=contract)
    return rules.cents(Line.objects.filter(account=account).aggregate(total=money_sum("amount"))["total"])


def _contract(director, residence, place_label, household, rent, charges):
    place = make_place(director, residence, place_label)
    contract = make_active_contract(director, place, household.members.first(), date(2026, 6, 1), date(2026, 6, 1))
    residence_services.redevance_set(
        actor=director,
        contract_id=contract.pk,
        valid_from=date(2026, 6, 1),
        lines=[
            {"kind": "equivalence_loyer", "label": "", "amount": D(rent)},
            {"kind": "charges", "label": "", "amount": D(charges)},
        ],
    )
    return contract


@pytest.fixture
def accountant(world):
    return world.users["accountant"]


@pytest.fixture
def contracts(world, accountant):
    """Two residents of Les Pléiades from 1 June 2026, June and July called: Noël Lefèvre (place 3) 300.00 +
    50.00 = 350.00 a month, Noël Dupont (place 4) 320.00 + 40.00 = 360.00 a month."""
    director = world.users["director"]
    with time_machine.travel(date(2026, 6, 1), tick=False):
        residence = make_residence(director)
        make_house_rules(director, residence, date(2025, 1, 6))
        lefevre = _contract(director, residence, "3", world.own_household, "300.00", "50.00")
        dupont = _contract(director, residence, "4", world.other_team_household, "320.00", "40.00")
    with time_machine.travel(date(2026, 7, 1), tick=False):
        for contract in (lefevre, dupont):
            for month in (date(2026, 6, 1), date(2026, 7, 1)):
                redevance_services.redevance_call_issue(actor=accountant, contract_id=contract.pk, period=month)
    return lefevre, dupont


def _line(organisation, amount="612.40", booked_on=date(2026, 7, 6), reference="CAF-2026-07") -> BankLine:
    return BankLine.objects.create(
        organisation_id=organisation.pk,
        booked_on=booked_on,
        amount=D(amount),
        label="VIR CAF DES BOUCHES-DU-RHONE APL FOYER 07/2026",
        counterparty="CAF 13",
        bank_reference=reference,
    )


def _nothing_saved(line):
    line.refresh_from_db()
    assert (line.state, line.transaction_id, line.source) == (BankLineState.UNMATCHED, None, "")
    assert not RedevancePayment.objects.exists()
    assert not Transaction.objects.filter(source_type="bank_line").exists()
    assert not AuditEvent.objects.filter(action="ledger.bank_line_match").exists()


# --- the worked example ----------------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_worked_example_a_caf_transfer_split_over_two_residents(world, accountant, contracts):
    lefevre, dupont = contracts
    organisation = world.organisation
    line = _line(organisation)
    # before: the residents owe June and July, nothing is on the CAF's account nor in the bank
    assert (_resident_balance(lefevre), _resident_balance(dupont)) == (D("700.00"), D("720.00"))

    payments = bank_line_split_redevances(
        actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20")), (dupont.pk, D("302.20"))]
    )

    # 310.20 + 302.20 = 612.40, the line's amount
    assert [(p.contract_id, p.amount, p.source) for p in payments] == [
        (lefevre.pk, D("310.20"), "caf"),
        (dupont.pk, D("302.20"), "caf"),
    ]
    for payment in payments:
        payment.refresh_from_db()
        assert (payment.received_on, payment.reference) == (date(2026, 7, 6), "CAF-2026-07")
        assert payment.bank_line_id == line.pk
    line.refresh_from_db()
    assert (line.state, line.source, line.payment_id, line.handled_by) == (
        BankLineState.MATCHED,
        "caf",
        None,
        accountant,
    )
    assert set(line.redevance_payments.all()) == set(payments)
    # the bank line's entry: debit 512000 612.40, credit 467200 612.40; each payment: debit 467200, credit the 411
    assert {(row.account.code, row.amount) for row in line.transaction.lines.select_related("account")} == {
        ("512000", D("612.40")),
        ("467200", D("-612.40")),
    }
    assert _balance(organisation, "512000") == D("612.40")
    assert _balance(organisation, "467200") == D("0.00")  # -612.40 + 310.20 + 302.20: the CAF's account is cleared
    # each resident credited: 700.00 − 310.20 = 389.80 ; 720.00 − 302.20 = 417.80
    assert (_resident_balance(lefevre), _resident_balance(dupont)) == (D("389.80"), D("417.80"))
    # each payment settles its contract's oldest call first: June (350.00, 360.00), July untouched
    june_lefevre = RedevanceCall.objects.get(contract=lefevre, period=date(2026, 6, 1))
    june_dupont = RedevanceCall.objects.get(contract=dupont, period=date(2026, 6, 1))
    assert sorted((a.call_id, a.amount) for a in RedevanceAllocation.objects.all()) == sorted(
        [(june_lefevre.pk, D("310.20")), (june_dupont.pk, D("302.20"))]
    )
    assert not june_lefevre.settled and not june_dupont.settled  # 39.80 and 57.80 left to the residents
    event = AuditEvent.objects.get(action="ledger.bank_line_match")
    assert event.object_id == str(line.pk)
    assert event.detail == {
        "redevance_payments": [str(p.pk) for p in payments],
        "amount": "612.40",
        "source": "caf",
    }
    assert AuditEvent.objects.filter(action="ledger.redevance_payment_record").count() == 2


# --- refusals: nothing is saved ----------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        (
            [("lefevre", "310.20"), ("dupont", "302.00")],
            "La répartition fait 612,20 € : elle doit égaler les 612,40 € de l'opération.",
        ),
        (
            [("lefevre", "310.20"), ("lefevre", "302.20")],
            "Un contrat figure deux fois : additionnez ses montants sur une seule ligne.",
        ),
        ([], "Indiquez au moins un contrat de résidence et son montant."),
        ([(None, "612.40")], "Chaque montant se rapporte à un contrat de résidence."),
        ([("lefevre", "612.40"), ("dupont", "0.00")], "Le montant doit être positif."),
    ],
)
def test_a_wrong_split_is_refused_in_french(world, accountant, contracts, amounts, message):
    by_name = dict(zip(("lefevre", "dupont"), contracts, strict=True))
    line = _line(world.organisation)
    parts = [(by_name[name].pk if name else None, D(amount)) for name, amount in amounts]
    with pytest.raises(ValidationError) as refused:
        bank_line_split_redevances(actor=accountant, line_id=line.pk, parts=parts)
    assert refused.value.messages == [message]
    _nothing_saved(line)


@time_machine.travel(TODAY, tick=False)
def test_another_organisations_contract_or_line_is_unknown(world, accountant, contracts):
    lefevre, _dupont = contracts
    director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        residence = make_residence(director, "Les Tilleuls")
        make_house_rules(director, residence, date(2025, 1, 6))
        foreign = _contract(director, residence, "1", world.other_org_household, "300.00", "50.00")
    line = _line(world.organisation)
    with pytest.raises(ResidenceContract.DoesNotExist):
        bank_line_split_redevances(
            actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20")), (foreign.pk, D("302.20"))]
        )
    _nothing_saved(line)
    # the other organisation's accountant does not find our line
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    with pytest.raises(BankLine.DoesNotExist):
        bank_line_split_redevances(actor=outsider, line_id=line.pk, parts=[(foreign.pk, D("612.40"))])
    _nothing_saved(line)


@time_machine.travel(TODAY, tick=False)
def test_a_contract_not_signed_receives_nothing(world, accountant, contracts):
    lefevre, _dupont = contracts
    director = world.users["director"]
    residence = lefevre.place.residence
    draft = residence_services.contract_create(
        actor=director,
        place_id=make_place(director, residence, "5").pk,
        resident_id=world.own_household.members.first().pk,
        starts_on=date(2026, 7, 6),
    )
    line = _line(world.organisation)
    with pytest.raises(ValidationError) as refused:
        bank_line_split_redevances(
            actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20")), (draft.pk, D("302.20"))]
        )
    assert refused.value.messages == ["Seul un contrat de résidence signé reçoit des encaissements."]
    _nothing_saved(line)


@time_machine.travel(TODAY, tick=False)
def test_a_line_of_a_closed_month_is_refused(world, accountant, contracts):
    lefevre, dupont = contracts
    line = _line(world.organisation)
    PeriodClose.objects.create(organisation=world.organisation, month=date(2026, 7, 1), closed_by=accountant)
    with pytest.raises(ValidationError):
        bank_line_split_redevances(
            actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20")), (dupont.pk, D("302.20"))]
        )
    _nothing_saved(line)


@time_machine.travel(TODAY, tick=False)
def test_a_line_is_matched_once_and_never_a_line_set_aside_nor_money_paid_out(world, accountant, contracts):
    lefevre, dupont = contracts
    parts = [(lefevre.pk, D("310.20")), (dupont.pk, D("302.20"))]
    line = _line(world.organisation)
    bank_line_split_redevances(actor=accountant, line_id=line.pk, parts=parts)
    with pytest.raises(ValidationError) as refused:
        bank_line_split_redevances(actor=accountant, line_id=line.pk, parts=parts)
    assert refused.value.messages == [
        "Cette opération est déjà rapprochée : un encaissement ne s'enregistre qu'une fois."
    ]
    assert RedevancePayment.objects.count() == 2 and _balance(world.organisation, "512000") == D("612.40")

    fees = _line(world.organisation, reference="FRAIS-07")
    bank_services.bank_line_ignore(actor=accountant, line_id=fees.pk, reason="Frais")
    with pytest.raises(ValidationError):
        bank_line_split_redevances(actor=accountant, line_id=fees.pk, parts=parts)
    paid_out = _line(world.organisation, amount="-612.40", reference="PRLV-07")
    with pytest.raises(ValidationError) as refused:
        bank_line_split_redevances(
            actor=accountant, line_id=paid_out.pk, parts=[(lefevre.pk, D("-310.20")), (dupont.pk, D("-302.20"))]
        )
    assert "Une sortie d'argent ne se rapproche pas d'un bail" in refused.value.messages[0]
    assert RedevancePayment.objects.count() == 2


@time_machine.travel(TODAY, tick=False)
def test_an_apl_foyer_recorded_by_hand_is_not_counted_twice(client, world, accountant, contracts):
    lefevre, dupont = contracts
    # the CAF's 310.20 € for Lefèvre typed in by hand on 3 July, before the statement came
    redevance_services.redevance_payment_record(
        actor=accountant, contract_id=lefevre.pk, amount=D("310.20"), received_on=date(2026, 7, 3), source="caf"
    )
    line = _line(world.organisation)
    parts = [(lefevre.pk, D("310.20")), (dupont.pk, D("302.20"))]
    with pytest.raises(ValidationError) as refused:
        bank_line_split_redevances(actor=accountant, line_id=line.pk, parts=parts)
    assert refused.value.messages == [
        "Une APL-foyer de 310,20 € du 03/07/2026 est déjà saisie à la main pour Lefèvre : c'est sans doute le même "
        "argent. Rapprochez l'opération des APL-foyer déjà saisies (« Rapprocher de ces APL-foyer saisies ») "
        "plutôt que de la répartir ; s'il s'agit bien d'un autre versement, cochez « Autre versement que celui "
        "déjà saisi »."
    ]
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED and RedevancePayment.objects.count() == 1
    # from the page: the same refusal, then the box ticked: another payment, recorded
    client.force_login(accountant)
    action = reverse("ledger:bank_line_split_redevances", args=[line.pk])
    data = _form_data([(lefevre.pk, "310,20"), (dupont.pk, "302,20")])
    refused_page = client.post(action, data)
    assert refused_page.status_code == 400 and "déjà saisie à la main pour Lefèvre" in refused_page.content.decode()
    assert client.post(action, data | {"apl-second_payment": "on"}).status_code == 302
    assert RedevancePayment.objects.filter(bank_line=line).count() == 2
    event = AuditEvent.objects.get(action="ledger.bank_line_match")
    assert event.detail["second_payment"] is True


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("role", ["social_worker", "volunteer", "host"])
def test_only_who_posts_to_the_ledger_matches_a_line(world, contracts, role):
    lefevre, dupont = contracts
    line = _line(world.organisation)
    with pytest.raises(PermissionDenied):
        bank_line_split_redevances(
            actor=world.users[role], line_id=line.pk, parts=[(lefevre.pk, D("310.20")), (dupont.pk, D("302.20"))]
        )
    _nothing_saved(line)


# --- a payment reversed: the line back in the queue ------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_reversed_payment_sends_its_line_back_to_the_queue_and_it_is_matched_again(world, accountant, contracts):
    lefevre, dupont = contracts
    organisation = world.organisation
    line = _line(organisation, amount="310.20")
    [payment] = bank_line_split_redevances(actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20"))])
    # matched to the wrong resident: the payment is reversed…
    transaction_reverse(actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 7, 6))
    payment.refresh_from_db()
    assert payment.reversed_on == date(2026, 7, 6)
    assert _resident_balance(lefevre) == D("700.00")  # owed again
    assert _balance(organisation, "467200") == D("-310.20")  # the CAF's money waits for its contract
    # …and the line goes back to the queue, its bank entry kept
    bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    line.refresh_from_db()
    assert (line.state, line.source) == (BankLineState.UNMATCHED, "caf") and line.transaction_id is not None
    [again] = bank_line_split_redevances(actor=accountant, line_id=line.pk, parts=[(dupont.pk, D("310.20"))])
    assert again.bank_line_id == line.pk and again.reference == line.bank_reference
    assert set(line.redevance_payments.all()) == {payment, again}
    # the money entered the bank once and reached the right resident
    assert _balance(organisation, "512000") == D("310.20")
    assert _balance(organisation, "467200") == D("0.00")
    assert (_resident_balance(lefevre), _resident_balance(dupont)) == (D("700.00"), D("409.80"))  # 720.00 − 310.20


@time_machine.travel(TODAY, tick=False)
def test_a_split_line_goes_back_once_every_payment_it_recorded_is_reversed(world, accountant, contracts):
    lefevre, dupont = contracts
    organisation = world.organisation
    line = _line(organisation)
    first, second = bank_line_split_redevances(
        actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20")), (dupont.pk, D("302.20"))]
    )
    transaction_reverse(actor=accountant, transaction_id=first.transaction_id, on=date(2026, 7, 6))
    # Dupont's payment still stands: matched whole again, its 302.20 would be counted twice
    with pytest.raises(ValidationError) as refused:
        bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    assert "contre-passez d'abord chacun d'eux" in refused.value.messages[0]
    line.refresh_from_db()
    assert line.state == BankLineState.MATCHED

    transaction_reverse(actor=accountant, transaction_id=second.transaction_id, on=date(2026, 7, 6))
    bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED
    bank_line_split_redevances(
        actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("302.20")), (dupont.pk, D("310.20"))]
    )
    assert _balance(organisation, "512000") == D("612.40")
    assert _balance(organisation, "467200") == D("0.00")
    # 700.00 − 302.20 = 397.80 ; 720.00 − 310.20 = 409.80
    assert (_resident_balance(lefevre), _resident_balance(dupont)) == (D("397.80"), D("409.80"))
    assert RedevancePayment.objects.filter(bank_line=line, reversed_on__isnull=True).count() == 2


# --- the line's page -----------------------------------------------------------------------------------------------


def _form_data(parts, total_forms=3):
    data = {"apl-TOTAL_FORMS": str(total_forms), "apl-INITIAL_FORMS": "0"}
    for index in range(total_forms):
        contract, amount = parts[index] if index < len(parts) else ("", "")
        data |= {f"apl-{index}-contract": str(contract), f"apl-{index}-amount": amount}
    return data


@time_machine.travel(TODAY, tick=False)
def test_the_accountant_splits_the_apl_foyer_from_the_lines_page(client, world, accountant, contracts):
    lefevre, dupont = contracts
    line = _line(world.organisation)
    client.force_login(accountant)
    url = reverse("ledger:bank_line", args=[line.pk])
    html = page_of(client, url)
    assert "Versement APL-foyer de la CAF : répartir sur les contrats de résidence" in html
    assert "Noël Lefèvre — Les Pléiades, place 3" in html and "Noël Dupont — Les Pléiades, place 4" in html
    action = reverse("ledger:bank_line_split_redevances", args=[line.pk])
    assert action == f"/comptabilite/banque/operations/{line.pk}/repartir-redevances/"
    assert f'action="{action}"' in html

    response = client.post(action, _form_data([(lefevre.pk, "310,20"), (dupont.pk, "302,20")]))
    assert response.status_code == 302 and response["Location"] == reverse("ledger:bank_queue")
    assert RedevancePayment.objects.filter(bank_line=line).count() == 2
    html = " ".join(page_of(client, url).split())
    # the matched line names the payments it recorded, and offers no split any more
    assert "APL-foyer de la CAF :" in html and "310,20 €" in html and "302,20 €" in html
    assert reverse("ledger:redevance_account", args=[lefevre.pk]) in html
    assert action not in html


@time_machine.travel(TODAY, tick=False)
def test_a_refused_split_shows_the_page_again_with_a_400_and_saves_nothing(client, world, accountant, contracts):
    lefevre, dupont = contracts
    line = _line(world.organisation)
    client.force_login(accountant)
    action = reverse("ledger:bank_line_split_redevances", args=[line.pk])

    wrong_total = client.post(action, _form_data([(lefevre.pk, "310,20"), (dupont.pk, "302,00")]))
    assert wrong_total.status_code == 400
    html = wrong_total.content.decode()
    assert "La répartition fait 612,20 € : elle doit égaler les 612,40 € de l&#x27;opération." in html
    assert 'value="302,00"' in html  # what was typed is shown again

    half_row = client.post(action, _form_data([(lefevre.pk, "310,20"), (dupont.pk, "")]))
    assert half_row.status_code == 400
    assert "Indiquez le contrat et son montant, ou laissez la ligne vide." in half_row.content.decode()

    director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        residence = make_residence(director, "Les Tilleuls")
        make_house_rules(director, residence, date(2025, 1, 6))
        foreign = _contract(director, residence, "1", world.other_org_household, "300.00", "50.00")
    not_offered = client.post(action, _form_data([(lefevre.pk, "310,20"), (foreign.pk, "302,20")]))
    assert not_offered.status_code == 400
    assert "Ce contrat ne reçoit pas d&#x27;encaissement" in not_offered.content.decode()
    _nothing_saved(line)


@time_machine.travel(TODAY, tick=False)
def test_the_page_and_the_split_are_out_of_reach_elsewhere(client, world, contracts):
    lefevre, dupont = contracts
    line = _line(world.organisation)
    page = reverse("ledger:bank_line", args=[line.pk])
    action = reverse("ledger:bank_line_split_redevances", args=[line.pk])
    data = _form_data([(lefevre.pk, "310,20"), (dupont.pk, "302,20")])
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    for user in (outsider, world.users["social_worker"], world.users["volunteer"], world.users["host"]):
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert client.post(action, data).status_code == 404
    client.force_login(world.users["accountant"])
    assert client.get(action).status_code == 405
    _nothing_saved(line)


@time_machine.travel(TODAY, tick=False)
def test_a_post_without_its_csrf_token_is_refused(world, accountant, contracts):
    lefevre, dupont = contracts
    line = _line(world.organisation)
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    action = reverse("ledger:bank_line_split_redevances", args=[line.pk])
    data = _form_data([(lefevre.pk, "310,20"), (dupont.pk, "302,20")])
    assert client.post(action, data).status_code == 403
    assert client.post(action, data | {"csrfmiddlewaretoken": "x" * 64}).status_code == 403
    _nothing_saved(line)


@time_machine.travel(TODAY, tick=False)
def test_the_line_whose_payments_are_reversed_is_offered_back_to_the_queue(client, world, accountant, contracts):
    lefevre, _dupont = contracts
    line = _line(world.organisation, amount="310.20")
    [payment] = bank_line_split_redevances(actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20"))])
    client.force_login(accountant)
    url = reverse("ledger:bank_line", args=[line.pk])
    assert "Remettre à rapprocher" not in page_of(client, url)
    transaction_reverse(actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 7, 6))
    html = page_of(client, url)
    assert "contre-passé le 06/07/2026" in html and "Remettre à rapprocher" in html
    response = client.post(reverse("ledger:bank_line_ignore", args=[line.pk]), {"ignore": "0"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED
    assert "Versement APL-foyer de la CAF" in page_of(client, url)


@time_machine.travel(TODAY, tick=False)
def test_an_organisation_without_residence_contracts_is_not_offered_the_apl_foyer_split(client, world, accountant):
    line = _line(world.organisation)
    client.force_login(accountant)
    html = page_of(client, reverse("ledger:bank_line", args=[line.pk]))
    assert "Répartir entre plusieurs locataires" in html
    assert "Versement APL-foyer de la CAF" not in html


# --- APL-foyer typed by hand: the line linked to them, not recorded again --------------------------------------------


def _by_hand(accountant, contract, amount, on, source="caf") -> RedevancePayment:
    return redevance_services.redevance_payment_record(
        actor=accountant, contract_id=contract.pk, amount=D(amount), received_on=on, source=source
    )


@pytest.fixture
def typed(accountant, contracts):
    """The CAF's APL-foyer of July typed by hand before the statement came: 310.20 € for Lefèvre on 3 July, 302.20 €
    for Dupont on 4 July (612.40 € together, the transfer's amount)."""
    lefevre, dupont = contracts
    with time_machine.travel(TODAY, tick=False):
        return (
            _by_hand(accountant, lefevre, "310.20", date(2026, 7, 3)),
            _by_hand(accountant, dupont, "302.20", date(2026, 7, 4)),
        )


def _nothing_linked(line, organisation):
    line.refresh_from_db()
    assert (line.state, line.transaction_id, line.source) == (BankLineState.UNMATCHED, None, "")
    assert not RedevancePayment.objects.filter(bank_line__isnull=False).exists()
    assert not Transaction.objects.filter(source_type="bank_line").exists()
    assert not AuditEvent.objects.filter(action="ledger.bank_line_link").exists()
    assert _balance(organisation, "512000") == D("0.00")


@time_machine.travel(TODAY, tick=False)
def test_the_transfer_is_linked_to_the_two_apl_foyer_typed_by_hand_and_counted_once(
    world, accountant, contracts, typed
):
    lefevre, dupont = contracts
    organisation = world.organisation
    for_lefevre, for_dupont = typed
    # typed by hand: each debited the CAF's 467200 and credited its resident; nothing in the bank yet
    assert _balance(organisation, "467200") == D("612.40")  # 310.20 + 302.20
    assert _balance(organisation, "512000") == D("0.00")
    assert (_resident_balance(lefevre), _resident_balance(dupont)) == (
        D("389.80"),
        D("417.80"),
    )  # 700−310.20, 720−302.20
    line = _line(organisation)

    linked = bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[for_dupont.pk, for_lefevre.pk])

    assert linked == [for_lefevre, for_dupont]  # oldest first
    # no new payment: the two typed by hand now record the line
    assert RedevancePayment.objects.count() == 2
    assert set(line.redevance_payments.all()) == {for_lefevre, for_dupont}
    line.refresh_from_db()
    assert (line.state, line.source, line.payment_id, line.handled_by) == (
        BankLineState.MATCHED,
        "caf",
        None,
        accountant,
    )
    # the line's entry: debit 512000 612.40, credit 467200 612.40
    assert {(row.account.code, row.amount) for row in line.transaction.lines.select_related("account")} == {
        ("512000", D("612.40")),
        ("467200", D("-612.40")),
    }
    assert _balance(organisation, "512000") == D("612.40")  # entered once
    assert _balance(organisation, "467200") == D("0.00")  # 612.40 − 612.40: the CAF's account is cleared
    # the residents are credited once, by the payments typed by hand: unchanged
    assert (_resident_balance(lefevre), _resident_balance(dupont)) == (D("389.80"), D("417.80"))
    june_lefevre = RedevanceCall.objects.get(contract=lefevre, period=date(2026, 6, 1))
    june_dupont = RedevanceCall.objects.get(contract=dupont, period=date(2026, 6, 1))
    assert sorted((a.call_id, a.amount) for a in RedevanceAllocation.objects.all()) == sorted(
        [(june_lefevre.pk, D("310.20")), (june_dupont.pk, D("302.20"))]
    )
    event = AuditEvent.objects.get(action="ledger.bank_line_link")
    assert event.object_id == str(line.pk)
    assert event.detail == {
        "redevance_payments": [str(for_lefevre.pk), str(for_dupont.pk)],
        "amount": "612.40",
        "source": "caf",
    }
    # linked once: neither again, nor to another line
    with pytest.raises(ValidationError):
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[for_lefevre.pk, for_dupont.pk])
    with pytest.raises(ValidationError) as refused:
        bank_line_link_redevances(
            actor=accountant, line_id=_line(organisation, reference="CAF-BIS").pk, payment_ids=[for_lefevre.pk]
        )
    assert refused.value.messages == [
        "Une de ces APL-foyer est déjà rapprochée, contre-passée, inconnue ou n'est pas un versement de la CAF."
    ]
    assert _balance(organisation, "512000") == D("612.40")


@time_machine.travel(TODAY, tick=False)
def test_apl_foyer_that_do_not_make_the_line_are_refused_and_nothing_is_saved(world, accountant, typed):
    for_lefevre, for_dupont = typed
    line = _line(world.organisation)
    with pytest.raises(ValidationError) as refused:
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[for_lefevre.pk])
    assert refused.value.messages == ["Ces APL-foyer font 310,20 € : elles doivent égaler les 612,40 € de l'opération."]
    _nothing_linked(line, world.organisation)
    bigger = _line(world.organisation, amount="700.00", reference="CAF-700")
    with pytest.raises(ValidationError, match="Ces APL-foyer font 612,40 € : elles doivent égaler les 700,00 €"):
        bank_line_link_redevances(actor=accountant, line_id=bigger.pk, payment_ids=[for_lefevre.pk, for_dupont.pk])
    with pytest.raises(ValidationError) as refused:
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[])
    assert refused.value.messages == ["Cochez au moins une APL-foyer saisie à la main."]
    _nothing_linked(line, world.organisation)
    assert _balance(world.organisation, "467200") == D("612.40")


@time_machine.travel(TODAY, tick=False)
def test_another_organisations_apl_foyer_is_unknown(world, accountant, typed):
    for_lefevre, _for_dupont = typed
    director = UserFactory(organisation=world.other_organisation, role=Role.DIRECTOR)
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    with time_machine.travel(date(2026, 6, 1), tick=False):
        residence = make_residence(director, "Les Tilleuls")
        make_house_rules(director, residence, date(2025, 1, 6))
        foreign_contract = _contract(director, residence, "1", world.other_org_household, "300.00", "50.00")
    foreign = _by_hand(outsider, foreign_contract, "302.20", date(2026, 7, 4))
    line = _line(world.organisation)
    # the other organisation's payment id forged into our link
    with pytest.raises(ValidationError) as refused:
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[for_lefevre.pk, foreign.pk])
    assert refused.value.messages == [
        "Une de ces APL-foyer est déjà rapprochée, contre-passée, inconnue ou n'est pas un versement de la CAF."
    ]
    with pytest.raises(ValidationError):
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=["pas-un-identifiant"])
    _nothing_linked(line, world.organisation)
    # nor does the other organisation's accountant find our line
    with pytest.raises(BankLine.DoesNotExist):
        bank_line_link_redevances(actor=outsider, line_id=line.pk, payment_ids=[foreign.pk])
    _nothing_linked(line, world.organisation)
    foreign.refresh_from_db()
    assert foreign.bank_line_id is None


@time_machine.travel(TODAY, tick=False)
def test_a_reversed_or_already_linked_apl_foyer_is_refused(world, accountant, contracts, typed):
    lefevre, dupont = contracts
    organisation = world.organisation
    for_lefevre, for_dupont = typed
    # Dupont's was typed twice by mistake: the second is reversed
    twice = _by_hand(accountant, dupont, "302.20", date(2026, 7, 5))
    transaction_reverse(actor=accountant, transaction_id=twice.transaction_id, on=date(2026, 7, 5))
    line = _line(organisation)
    with pytest.raises(ValidationError, match="déjà rapprochée, contre-passée, inconnue"):
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[for_lefevre.pk, twice.pk])
    _nothing_linked(line, organisation)
    # Lefèvre's is linked to a transfer of its own; linking it again would count it twice
    own = _line(organisation, amount="310.20", reference="CAF-LEFEVRE")
    bank_line_link_redevances(actor=accountant, line_id=own.pk, payment_ids=[for_lefevre.pk])
    with pytest.raises(ValidationError, match="déjà rapprochée, contre-passée, inconnue"):
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[for_lefevre.pk, for_dupont.pk])
    line.refresh_from_db()
    assert (line.state, line.transaction_id) == (BankLineState.UNMATCHED, None)
    for_dupont.refresh_from_db()
    assert for_dupont.bank_line_id is None
    assert _balance(organisation, "512000") == D("310.20")  # the transfer of 310.20 only
    # 310.20 + 302.20 + 302.20 − 302.20 typed, − 310.20 from the bank
    assert _balance(organisation, "467200") == D("302.20")


@time_machine.travel(TODAY, tick=False)
def test_money_the_resident_paid_is_not_the_cafs_transfer(world, accountant, contracts, typed):
    _lefevre, dupont = contracts
    for_lefevre, _for_dupont = typed
    from_resident = _by_hand(accountant, dupont, "302.20", date(2026, 7, 4), source="resident")
    line = _line(world.organisation)
    with pytest.raises(ValidationError, match="n'est pas un versement de la CAF"):
        bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[for_lefevre.pk, from_resident.pk])
    _nothing_linked(line, world.organisation)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("role", ["social_worker", "volunteer", "host"])
def test_only_who_posts_to_the_ledger_links_a_line(world, typed, role):
    line = _line(world.organisation)
    with pytest.raises(PermissionDenied):
        bank_line_link_redevances(actor=world.users[role], line_id=line.pk, payment_ids=[p.pk for p in typed])
    _nothing_linked(line, world.organisation)


@time_machine.travel(TODAY, tick=False)
def test_the_candidates_are_the_cafs_apl_foyer_typed_by_hand_near_the_line(
    world, accountant, contracts, typed, django_assert_num_queries
):
    lefevre, dupont = contracts
    for_lefevre, for_dupont = typed
    line = _line(world.organisation)
    with django_assert_num_queries(1):
        assert bank_queries.hand_redevance_payments_for(accountant, line) == [for_lefevre, for_dupont]
    # not offered: 6 days before the line, larger than it, from the resident, reversed, linked to another line
    _by_hand(accountant, lefevre, "100.00", date(2026, 6, 30))
    _by_hand(accountant, lefevre, "612.41", date(2026, 7, 5))
    reversed_one = _by_hand(accountant, dupont, "50.00", date(2026, 7, 5))
    transaction_reverse(actor=accountant, transaction_id=reversed_one.transaction_id, on=date(2026, 7, 5))
    _by_hand(accountant, dupont, "40.00", date(2026, 7, 5), source="resident")
    linked = _by_hand(accountant, dupont, "20.00", date(2026, 7, 6))
    bank_line_link_redevances(
        actor=accountant,
        line_id=_line(world.organisation, amount="20.00", reference="CAF-20").pk,
        payment_ids=[linked.pk],
    )
    # offered: 5 days before, and the same day; another organisation's never
    five_days = _by_hand(accountant, lefevre, "10.00", date(2026, 7, 1))
    same_day = _by_hand(accountant, dupont, "30.00", date(2026, 7, 6))
    small = _line(world.organisation, amount="300.00", reference="CAF-300")
    with django_assert_num_queries(1):
        assert bank_queries.hand_redevance_payments_for(accountant, line) == [
            five_days,
            for_lefevre,
            for_dupont,
            same_day,
        ]
    with django_assert_num_queries(1):
        assert bank_queries.hand_redevance_payments_for(accountant, small) == [five_days, same_day]
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    assert bank_queries.hand_redevance_payments_for(outsider, line) == []
    assert bank_queries.hand_redevance_payments_for(world.users["social_worker"], line) == []


def _link_data(*payments):
    return {"payments": [str(payment.pk) for payment in payments]}


@time_machine.travel(TODAY, tick=False)
def test_the_accountant_links_the_transfer_from_the_lines_page(client, world, accountant, typed):
    for_lefevre, for_dupont = typed
    line = _line(world.organisation)
    client.force_login(accountant)
    url = reverse("ledger:bank_line", args=[line.pk])
    html = page_of(client, url)
    action = reverse("ledger:bank_line_link_redevances", args=[line.pk])
    assert action == f"/comptabilite/banque/operations/{line.pk}/apl-foyer-saisies/"
    assert f'action="{action}"' in html
    assert "APL-foyer déjà saisies à la main" in html and "Rapprocher de ces APL-foyer saisies" in html
    assert html.index("APL-foyer déjà saisies à la main") < html.index("Baux proposés")
    # 310.20 + 302.20 make the line: both offered ticked
    for payment in typed:
        assert f'value="{payment.pk}"' in html
    assert html.count('name="payments"') == 2 and " ".join(html.split()).count('id="apl-hand-') == 2
    assert " ".join(html.split()).count("checked>") == 2

    response = client.post(action, _link_data(for_lefevre, for_dupont), follow=True)
    assert response.redirect_chain == [(reverse("ledger:bank_queue"), 302)]
    assert "Opération rapprochée des 2 APL-foyer déjà saisies, 612,40 € en tout." in response.content.decode()
    assert RedevancePayment.objects.filter(bank_line=line).count() == 2
    assert RedevancePayment.objects.count() == 2
    assert _balance(world.organisation, "512000") == D("612.40")
    html = " ".join(page_of(client, url).split())
    assert "APL-foyer de la CAF :" in html and "310,20 €" in html and "302,20 €" in html
    assert action not in html


@time_machine.travel(TODAY, tick=False)
def test_a_refused_link_shows_the_reason_on_the_lines_page_and_saves_nothing(client, world, accountant, typed):
    for_lefevre, _for_dupont = typed
    line = _line(world.organisation)
    client.force_login(accountant)
    action = reverse("ledger:bank_line_link_redevances", args=[line.pk])
    page = reverse("ledger:bank_line", args=[line.pk])

    short = client.post(action, _link_data(for_lefevre), follow=True)
    assert short.redirect_chain == [(page, 302)]
    assert "Ces APL-foyer font 310,20 € : elles doivent égaler les 612,40 € de l&#x27;opération." in (
        short.content.decode()
    )
    none = client.post(action, {}, follow=True)
    assert "Cochez au moins une APL-foyer saisie à la main." in none.content.decode()
    forged = client.post(action, {"payments": [str(for_lefevre.pk), str(line.pk)]}, follow=True)
    assert "Une de ces APL-foyer n&#x27;attend plus cette opération : rechargez la page." in forged.content.decode()
    _nothing_linked(line, world.organisation)


@time_machine.travel(TODAY, tick=False)
def test_the_link_is_out_of_reach_elsewhere(client, world, typed):
    line = _line(world.organisation)
    action = reverse("ledger:bank_line_link_redevances", args=[line.pk])
    outsider = UserFactory(organisation=world.other_organisation, role=Role.ACCOUNTANT)
    for user in (outsider, world.users["social_worker"], world.users["volunteer"], world.users["host"]):
        client.force_login(user)
        assert client.post(action, _link_data(*typed)).status_code == 404
    client.force_login(world.users["accountant"])
    assert client.get(action).status_code == 405
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world.users["accountant"])
    assert csrf_client.post(action, _link_data(*typed)).status_code == 403
    _nothing_linked(line, world.organisation)


@time_machine.travel(TODAY, tick=False)
def test_the_split_refused_for_an_apl_foyer_typed_by_hand_points_to_the_link(
    client, world, accountant, contracts, typed
):
    lefevre, dupont = contracts
    line = _line(world.organisation)
    client.force_login(accountant)
    refused = client.post(
        reverse("ledger:bank_line_split_redevances", args=[line.pk]),
        _form_data([(lefevre.pk, "310,20"), (dupont.pk, "302,20")]),
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "déjà saisie à la main pour Lefèvre" in html and "Rapprocher de ces APL-foyer saisies" in html
    assert f'action="{reverse("ledger:bank_line_link_redevances", args=[line.pk])}"' in html
    # the line that goes back to the queue once every payment it is linked to is reversed
    bank_line_link_redevances(actor=accountant, line_id=line.pk, payment_ids=[p.pk for p in typed])
    for payment in typed:
        transaction_reverse(actor=accountant, transaction_id=payment.transaction_id, on=date(2026, 7, 6))
    bank_services.bank_line_ignore(actor=accountant, line_id=line.pk, ignore=False)
    line.refresh_from_db()
    assert line.state == BankLineState.UNMATCHED
    bank_line_split_redevances(
        actor=accountant, line_id=line.pk, parts=[(lefevre.pk, D("310.20")), (dupont.pk, D("302.20"))]
    )
    assert _balance(world.organisation, "512000") == D("612.40")  # the bank entry kept, not posted twice
    assert _balance(world.organisation, "467200") == D("0.00")
    assert (_resident_balance(lefevre), _resident_balance(dupont)) == (D("389.80"), D("417.80"))


@time_machine.travel(TODAY, tick=False)
def test_a_transfer_for_one_resident_is_linked_from_the_page_too(client, world, accountant, typed):
    for_lefevre, for_dupont = typed
    line = _line(world.organisation, amount="310.20", reference="CAF-LEFEVRE")
    client.force_login(accountant)
    html = page_of(client, reverse("ledger:bank_line", args=[line.pk]))
    # Dupont's 302.20 is offered too (no larger than the line), and nothing is ticked: the two make 612.40, not 310.20
    assert f'value="{for_lefevre.pk}"' in html and f'value="{for_dupont.pk}"' in html
    assert " ".join(html.split()).count("checked>") == 0
    response = client.post(
        reverse("ledger:bank_line_link_redevances", args=[line.pk]), _link_data(for_lefevre), follow=True
    )
    assert "Opération rapprochée de l&#x27;APL-foyer de 310,20 € déjà saisie pour Lefèvre." in response.content.decode()
    for_lefevre.refresh_from_db()
    assert for_lefevre.bank_line_id == line.pk
    assert _balance(world.organisation, "467200") == D("302.20")  # 612.40 typed − 310.20 from the bank
