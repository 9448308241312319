"""The costs of the three activities of intermédiation locative (DOMAIN-2 W36): typed in per calendar year and
modality by the director or the accountant, shown by the IML report summed over the years wholly inside its
period; every figure below worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from habiter.core.models import AuditEvent, Role
from habiter.reporting import indicators, services
from habiter.reporting.models import ImlActivityCosts
from habiter.reporting.queries import reporting_scope

from . import dataset
from .dataset import _user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
SUBLEASE = "Location / sous-location (bail principal de l'association)"
MANDATE = "Mandat de gestion"


@pytest.fixture
def data():
    return dataset.build()


@pytest.fixture
def accountant(data):
    return _user(data.organisation, "comptable-iml", Role.ACCOUNTANT)


def _costs(data, period):
    (table,) = [
        table
        for table in indicators.compute("iml", reporting_scope(data.director), indicators.Period(*period))
        if table["definition"] == "iml_activity_costs"
    ]
    return table


@time_machine.travel(TODAY, tick=False)
def test_the_iml_report_sums_the_costs_of_the_years_inside_its_period(data, accountant):
    services.iml_costs_save(
        actor=data.director,
        year=2024,
        data={
            "sublease_captation": Decimal("8000.00"),
            "sublease_management": Decimal("21000.50"),
            "sublease_support": Decimal("30000.00"),
            "mandate_captation": Decimal("2500.00"),
            "method": "Comptabilité analytique 2024",
        },
    )
    services.iml_costs_save(
        actor=accountant,
        year=2025,
        data={
            "sublease_captation": Decimal("9000.00"),
            "sublease_management": Decimal("22000.00"),
            "sublease_support": Decimal("31500.25"),
            "mandate_captation": Decimal("3000.00"),
            "mandate_management": Decimal("6400.00"),
            # the support of mandates not typed: unknown, not zero
        },
    )
    year = _costs(data, (date(2025, 1, 1), date(2025, 12, 31)))
    assert year["columns"] == [
        "Modalité",
        "Captation de logements",
        "Gestion locative adaptée",
        "Accompagnement social",
        "Total",
    ]
    assert year["unit"] == "euro"
    # 2025: sublease 9 000 + 22 000 + 31 500.25 = 62 500.25; mandate 3 000 + 6 400 = 9 400 (support unknown);
    # totals per activity 12 000, 28 400, 31 500.25 and in all 71 900.25.
    assert year["rows"] == [
        [SUBLEASE, 9000.0, 22000.0, 31500.25, 62500.25],
        [MANDATE, 3000.0, 6400.0, "", 9400.0],
        ["Total", 12000.0, 28400.0, 31500.25, 71900.25],
    ]
    # 2024 and 2025: sublease 17 000 + 43 000.50 + 61 500.25 = 121 500.75; mandate 5 500 + 6 400 = 11 900.
    two_years = _costs(data, (date(2024, 1, 1), date(2025, 12, 31)))
    assert two_years["rows"] == [
        [SUBLEASE, 17000.0, 43000.5, 61500.25, 121500.75],
        [MANDATE, 5500.0, 6400.0, "", 11900.0],
        ["Total", 22500.0, 49400.5, 61500.25, 133400.75],
    ]
    # From 1 July 2024 to 31 December 2025, only 2025 is wholly inside.
    assert _costs(data, (date(2024, 7, 1), date(2025, 12, 31)))["rows"] == year["rows"]
    # A quarter holds no whole year: no costs, the rule says why.
    quarter = _costs(data, (date(2025, 1, 1), date(2025, 3, 31)))
    assert quarter["rows"] == []
    assert "années civiles entièrement comprises dans la période" in quarter["rule"]


@time_machine.travel(TODAY, tick=False)
def test_a_year_without_costs_and_a_team_leads_report_show_none(data):
    assert _costs(data, (date(2025, 1, 1), date(2025, 12, 31)))["rows"] == [
        [SUBLEASE, "", "", "", ""],
        [MANDATE, "", "", "", ""],
        ["Total", "", "", "", ""],
    ]
    services.iml_costs_save(actor=data.director, year=2025, data={"sublease_captation": Decimal("9000")})
    (table,) = [
        table
        for table in indicators.compute(
            "iml", reporting_scope(data.team_lead), indicators.Period(date(2025, 1, 1), date(2025, 12, 31))
        )
        if table["definition"] == "iml_activity_costs"
    ]
    assert table["rows"] == []


@time_machine.travel(TODAY, tick=False)
def test_a_correction_is_audited_with_the_amounts_it_replaced(data):
    services.iml_costs_save(actor=data.director, year=2025, data={"sublease_captation": Decimal("9000")})
    record = services.iml_costs_save(
        actor=data.director,
        year=2025,
        data={"sublease_captation": Decimal("9100"), "method": "  Comptabilité analytique  "},
    )
    assert ImlActivityCosts.objects.filter(organisation=data.organisation).count() == 1
    assert record.sublease_captation == Decimal("9100.00")
    assert record.method == "Comptabilité analytique"
    last = AuditEvent.objects.filter(action="iml_costs.save").order_by("-created_at", "-pk").first()
    assert last.detail["before"]["sublease_captation"] == "9000.00"
    assert last.detail["costs"]["sublease_captation"] == "9100.00"
    assert last.detail["costs"]["mandate_support"] is None


@time_machine.travel(TODAY, tick=False)
def test_bad_amounts_and_a_year_to_come_are_refused_and_nothing_is_saved(data):
    for year, values, field in (
        (2025, {"sublease_support": Decimal("-1")}, "sublease_support"),
        (2025, {"mandate_support": "beaucoup"}, "mandate_support"),
        (2025, {"mandate_captation": Decimal("12345678901.00")}, "mandate_captation"),
    ):
        with pytest.raises(ValidationError) as error:
            services.iml_costs_save(actor=data.director, year=year, data=values)
        assert field in error.value.message_dict
    with pytest.raises(ValidationError, match="année à venir"):
        services.iml_costs_save(actor=data.director, year=2027, data={"sublease_support": Decimal("1")})
    assert not ImlActivityCosts.objects.exists()


@pytest.mark.parametrize("who", ["team_lead", "social_worker", "volunteer"])
def test_other_roles_may_not_type_costs(data, who):
    with pytest.raises(PermissionDenied):
        services.iml_costs_save(actor=getattr(data, who), year=2025, data={"sublease_support": Decimal("1")})
    assert not ImlActivityCosts.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_accountant_types_the_costs_on_the_page_and_the_report_shows_them(data, accountant):
    client = Client()
    client.force_login(accountant)
    url = reverse("reporting:iml_costs") + "?annee=2025"
    page = client.get(url)
    assert page.status_code == 200
    assert "Gestion locative adaptée" in page.content.decode()
    refused = client.post(url, {"sublease_captation": "-5", "sublease_support": "31 500,25"})
    assert refused.status_code == 200
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0" in refused.content.decode()
    assert not ImlActivityCosts.objects.exists()
    response = client.post(
        url, {"sublease_captation": "9000", "sublease_support": "31500,25", "method": "<script>x</script>"}
    )
    assert response.status_code == 302
    saved = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in saved and "<script>x</script>" not in saved
    record = ImlActivityCosts.objects.get(organisation=data.organisation, year=2025)
    assert (record.sublease_captation, record.sublease_support, record.mandate_captation) == (
        Decimal("9000.00"),
        Decimal("31500.25"),
        None,
    )
    client.force_login(data.director)
    report = client.get(reverse("reporting:report", args=["iml"]) + "?annee=2025")
    (table,) = [t for t in report.context["tables"] if t["definition"] == "iml_activity_costs"]
    assert table["rows"][0] == [SUBLEASE, 9000.0, "", 31500.25, 40500.25]


def test_the_page_is_not_found_for_others(data):
    client = Client()
    for user in (data.team_lead, data.social_worker, data.volunteer):
        client.force_login(user)
        assert client.get(reverse("reporting:iml_costs")).status_code == 404
        assert client.post(reverse("reporting:iml_costs"), {"sublease_captation": "1"}).status_code == 404
    # another organisation's director types their own year, never this one's
    client.force_login(data.other_director)
    with time_machine.travel(TODAY, tick=False):
        assert (
            client.post(reverse("reporting:iml_costs") + "?annee=2025", {"sublease_captation": "7"}).status_code == 302
        )
    assert not ImlActivityCosts.objects.filter(organisation=data.organisation).exists()
