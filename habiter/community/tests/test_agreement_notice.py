"""Each agreement's own renewal notice (préavis, in days, 90 unless said, from 1 to 730): the rule at its boundaries,
the director's home alert and the partner's page that follow it, the form that sets it and the service that checks
and audits it."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.community import partners, queries, rules
from habiter.community.models import Agreement
from habiter.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 6, 1)
NOON = datetime(2026, 6, 1, 12, 0, tzinfo=PARIS)


@pytest.fixture
def director(world):
    return world.users["director"]


@pytest.fixture
def partner(director):
    return partners.partner_create(actor=director, data={"name": "CCAS de Marseille", "kind": "ccas"})


def _agreement(director, partner, title, *, notice=None, renewal_on=None, ends_on=None, starts_on=date(2025, 1, 1)):
    data = {"title": title, "starts_on": starts_on, "ends_on": ends_on, "renewal_on": renewal_on}
    if notice is not None:
        data["renewal_notice_days"] = notice
    return partners.agreement_create(actor=director, partner_id=partner.pk, data=data)


@pytest.mark.parametrize(
    ("alert_on", "notice_days", "alert_from"),
    [
        (date(2026, 8, 30), 90, date(2026, 6, 1)),
        (date(2026, 8, 31), 90, date(2026, 6, 2)),
        (date(2026, 8, 31), 91, date(2026, 6, 1)),
        (date(2026, 3, 31), 30, date(2026, 3, 1)),
        (date(2024, 3, 1), 1, date(2024, 2, 29)),  # a leap year
        (date(2028, 5, 31), 730, date(2026, 6, 1)),  # 29 February 2028 between
        (date(2026, 12, 31), 730, date(2024, 12, 31)),
        (None, 90, None),  # neither a renewal date nor an end: never an alert
    ],
)
def test_the_alert_rises_the_notice_before_the_renewal_date(alert_on, notice_days, alert_from):
    assert rules.agreement_alert_from(alert_on, notice_days) == alert_from


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "alert_on", "notice_days", "status"),
    [
        (date(2026, 1, 1), None, date(2026, 8, 30), 90, "renewal_due"),  # the alert's first day
        (date(2026, 1, 1), None, date(2026, 8, 31), 90, "active"),  # a day before it
        (date(2026, 1, 1), None, date(2026, 8, 31), 91, "renewal_due"),  # the same date, a longer notice
        (date(2026, 1, 1), None, date(2026, 6, 2), 1, "renewal_due"),
        (date(2026, 1, 1), None, date(2026, 6, 3), 1, "active"),
        (date(2026, 1, 1), None, date(2028, 5, 31), 730, "renewal_due"),
        (date(2026, 1, 1), None, date(2028, 6, 1), 730, "active"),
        (date(2026, 1, 1), None, date(2026, 5, 1), 30, "renewal_due"),  # passed, undecided
        (date(2026, 1, 1), date(2026, 6, 1), date(2026, 6, 1), 1, "renewal_due"),  # its last day
        (date(2025, 1, 1), date(2026, 5, 31), date(2026, 5, 31), 730, "ended"),
        (date(2026, 6, 2), None, date(2026, 6, 10), 90, "upcoming"),
        (date(2026, 1, 1), None, None, 730, "active"),
    ],
)
def test_status_follows_the_agreements_own_notice(starts_on, ends_on, alert_on, notice_days, status):
    assert (
        rules.agreement_status(
            starts_on=starts_on, ends_on=ends_on, alert_on=alert_on, notice_days=notice_days, today=TODAY
        )
        == status
    )


def test_the_home_alert_lists_the_agreements_within_their_own_notice(director, partner):
    for title, dates in (
        ("Juste dans le préavis", {"renewal_on": date(2026, 8, 30), "notice": 90}),
        ("Un jour trop tôt", {"renewal_on": date(2026, 8, 31), "notice": 90}),
        ("Préavis plus long", {"renewal_on": date(2026, 8, 31), "notice": 91}),
        ("Préavis d'un jour", {"ends_on": date(2026, 6, 2), "notice": 1}),
        ("Préavis d'un jour, après-demain", {"ends_on": date(2026, 6, 3), "notice": 1}),
        ("Deux ans", {"renewal_on": date(2028, 5, 31), "notice": 730}),
        ("Deux ans et un jour", {"renewal_on": date(2028, 6, 1), "notice": 730}),
        ("Finie dans le préavis", {"ends_on": date(2026, 3, 3), "notice": 90}),  # + 90 days: 1 June
        ("Finie hors du préavis", {"ends_on": date(2026, 3, 2), "notice": 90}),
        ("Finie, préavis court", {"ends_on": date(2026, 5, 1), "notice": 30}),  # + 30 days: 31 May
        ("Sans préavis dit", {"renewal_on": date(2026, 8, 29)}),  # 90 days: from 31 May
    ):
        _agreement(director, partner, title, **dates)

    panel = queries.agreements_to_renew(director, TODAY)

    assert [(row["agreement"].title, row["agreement"].alert_date, row["overdue"]) for row in panel["agreements"]] == [
        ("Finie dans le préavis", date(2026, 3, 3), True),
        ("Préavis d'un jour", date(2026, 6, 2), False),
        ("Sans préavis dit", date(2026, 8, 29), False),
        ("Juste dans le préavis", date(2026, 8, 30), False),
        ("Préavis plus long", date(2026, 8, 31), False),
        ("Deux ans", date(2028, 5, 31), False),
    ]
    assert panel["count"] == 6


def test_the_director_sets_the_notice_and_sees_it_on_her_home_and_the_partners_page(client, director, partner):
    client.force_login(director)
    with time_machine.travel(NOON, tick=False):
        form = client.get(reverse("community:agreement_create", args=[partner.pk])).content.decode()
        assert "Préavis de renouvellement (jours)" in form
        assert 'name="renewal_notice_days" value="90"' in form
        for title, notice in (("Aide à la gestion locative", "30"), ("Accompagnement vers le logement", "10")):
            response = client.post(
                reverse("community:agreement_create", args=[partner.pk]),
                {"title": title, "starts_on": "2026-01-01", "renewal_on": "2026-06-21", "renewal_notice_days": notice},
            )
            assert response.status_code == 302
        short = Agreement.objects.get(title="Accompagnement vers le logement")
        assert short.renewal_notice_days == 10

        home = client.get(reverse("core:home")).content.decode()
        assert "1 convention à renouveler" in home
        assert "Aide à la gestion locative," in home and "à décider avant le 21 juin 2026" in home
        assert "Accompagnement vers le logement," not in home  # 20 days away, a notice of 10

        page = client.get(reverse("community:partner_detail", args=[partner.pk])).content.decode()
        assert "préavis de 30 jours" in page and "préavis de 10 jours" in page
        assert page.count("Renouvellement à décider") == 1 and page.count("En cours") == 1

        edit = client.get(reverse("community:agreement_edit", args=[short.pk])).content.decode()
        assert 'name="renewal_notice_days" value="10"' in edit
        client.post(
            reverse("community:agreement_edit", args=[short.pk]),
            {"title": short.title, "starts_on": "2026-01-01", "renewal_on": "2026-06-21", "renewal_notice_days": "20"},
        )
        assert Agreement.objects.get(pk=short.pk).renewal_notice_days == 20
        assert "2 conventions à renouveler" in client.get(reverse("core:home")).content.decode()

        page = client.get(reverse("community:partner_detail", args=[partner.pk])).content.decode()
        assert "préavis de 20 jours" in page and page.count("Renouvellement à décider") == 2


def test_one_day_of_notice_is_said_in_the_singular(client, director, partner):
    _agreement(director, partner, "Permanence juridique", renewal_on=date(2026, 9, 1), notice=1)
    client.force_login(director)
    page = client.get(reverse("community:partner_detail", args=[partner.pk])).content.decode()
    assert "préavis de 1 jour\n" in page


@pytest.mark.parametrize(("notice", "said"), [("0", "supérieure ou égale à 1"), ("731", "inférieure ou égale à 730")])
def test_the_form_refuses_a_notice_out_of_bounds(client, director, partner, notice, said):
    client.force_login(director)
    response = client.post(
        reverse("community:agreement_create", args=[partner.pk]),
        {"title": "Baux glissants", "starts_on": "2026-01-01", "renewal_notice_days": notice},
    )
    assert response.status_code == 200 and said in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_service_checks_keeps_and_audits_the_notice(director, partner):
    agreement = _agreement(director, partner, "Baux glissants", renewal_on=date(2026, 9, 1))
    assert agreement.renewal_notice_days == 90  # not given: three months
    created = AuditEvent.objects.get(action="agreement.create", object_id=str(agreement.pk))
    assert created.detail == {"amount": None, "renewal_notice_days": 90}

    data = {"title": "Baux glissants", "starts_on": date(2025, 1, 1), "renewal_on": date(2026, 9, 1)}
    for notice in (0, 731):
        with pytest.raises(ValidationError, match="Le préavis de renouvellement va de 1 à 730 jours."):
            partners.agreement_update(
                actor=director, agreement_id=agreement.pk, data=data | {"renewal_notice_days": notice}
            )
    assert Agreement.objects.get(pk=agreement.pk).renewal_notice_days == 90

    partners.agreement_update(
        actor=director, agreement_id=agreement.pk, data=data | {"renewal_notice_days": 730, "amount": Decimal("800.00")}
    )
    assert Agreement.objects.get(pk=agreement.pk).renewal_notice_days == 730
    partners.agreement_update(actor=director, agreement_id=agreement.pk, data=data)  # not given: kept
    assert Agreement.objects.get(pk=agreement.pk).renewal_notice_days == 730
    changes = AuditEvent.objects.filter(action="agreement.change", object_id=str(agreement.pk)).order_by("id")
    assert [event.detail for event in changes] == [
        {"amount": "800.00", "renewal_notice_days": 730},
        {"amount": None, "renewal_notice_days": 730},
    ]
