"""What `residences` adds to the navigation and the host's home page."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from habiter.core import registry
from habiter.core.models import Role

from . import concertation, queries
from .models import HouseActivity, ResidenceContract, ResidenceStay


def host_home_panel(user):
    """The host's work of the day in the residences they host: a conseil de concertation missing (W12), the contracts
    (to sign, guests at the RI's limit, notices ending soon) and the admissions (vacancies awaiting a candidate,
    interviews, decisions, notifications, entries)."""
    if user.role != Role.HOST or not user.has_perm("residences.run_admissions"):
        return None
    today = timezone.localdate()
    todo = (
        {"concertation_missing": concertation.concertation_missing(queries.residences_for(user), today)}
        | queries.house_todo(user, today)
        | queries.admissions_todo(user, today)
    )
    return todo | {"total": sum(len(rows) for rows in todo.values())}


def stays_panel(household, user):
    """The household's stays in a residence, on its page: whoever may open the household's file (its referent, its
    team, the director) sees where they live or lived; the link to the residence only for those who may open it."""
    stays = registry.household_rows(
        household,
        "residences.stays",
        lambda: list(
            ResidenceStay.objects.filter(household_id=household.pk)
            .select_related("place__residence", "resident")
            .order_by("-entered_on")
        ),
    )
    contracts = _contracts(household)
    if not stays and not contracts:
        return None
    return {
        "stays": [stay for stay in stays if not any(c.stay_id == stay.pk for c in contracts)],
        "contracts": contracts,
        "can_open": user.has_perm("residences.view_residence"),
        "can_open_contract": user.has_perm("residences.view_contract"),
    }


def _contracts(household):
    return registry.household_rows(
        household,
        "residences.contracts",
        lambda: list(
            ResidenceContract.objects.filter(household_id=household.pk)
            .select_related("place__residence", "resident")
            .order_by("-starts_on")
        ),
    )


def _noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def residence_events(household, user):
    """The household's residence contracts (start, notice, exit) and the house activities its members took part
    in, on its timeline: for whoever may open the household's file."""
    if not user.has_perm("people.view_household", household):
        return
    for contract in _contracts(household):
        url = reverse("residences:contract_detail", args=[contract.pk])
        names = {"name": contract.resident, "residence": contract.place.residence.name, "label": contract.place.label}
        if contract.status != "to_sign":
            yield registry.TimelineEvent(
                when=_noon(contract.starts_on),
                kind="residence",
                title=_("Contrat de résidence de %(name)s : %(residence)s, place %(label)s") % names,
                url=url,
            )
        if contract.ends_on and not contract.left_on:
            yield registry.TimelineEvent(
                when=_noon(contract.notice_on),
                kind="residence",
                title=_("%(notice)s : fin du préavis le %(day)s")
                % {"notice": contract.get_notice_by_display(), "day": contract.ends_on.strftime("%d/%m/%Y")},
                url=url,
            )
        if contract.left_on:
            yield registry.TimelineEvent(
                when=_noon(contract.left_on),
                kind="residence",
                title=_("Fin du contrat de résidence de %(name)s (%(destination)s)")
                % {"name": contract.resident, "destination": contract.get_exit_destination_display()},
                url=url,
            )
    for activity in registry.household_rows(
        household,
        "residences.activities",
        lambda: list(
            HouseActivity.objects.filter(participants__household_id=household.pk)
            .select_related("residence")
            .distinct()
            .order_by("-held_on")[:100]
        ),
    ):
        yield registry.TimelineEvent(
            when=_noon(activity.held_on),
            kind="residence",
            title=_("Activité à %(residence)s : %(title)s")
            % {"residence": activity.residence.name, "title": activity.title},
        )


def register():
    from .demo import seed_hosting_staff, seed_residence_life, seed_residences, seed_young_workers_home

    registry.register_nav_item(
        registry.NavItem(
            45,
            gettext_lazy("Résidences"),
            "residences:residence_list",
            lambda u: u.has_perm("residences.view_residence"),
            "housing",
        )
    )
    registry.register_home_panel(
        registry.HomePanel("residences.admissions", "residences/panel_home.html", 2, host_home_panel)
    )
    registry.register_demo_seeder(50, seed_residences)
    registry.register_demo_seeder(51, seed_residence_life)
    registry.register_demo_seeder(53, seed_young_workers_home)  # after the redevances: none for the FJT here
    registry.register_demo_seeder(54, seed_hosting_staff)
    registry.register_household_panel(
        registry.HouseholdPanel(
            "residences.stays",
            gettext_lazy("Pension de famille"),
            "residences/panel_household.html",
            17,
            stays_panel,
            section="logement",
        )
    )
    registry.register_household_rows("residences.stays", lambda pk: ResidenceStay.objects.filter(household_id=pk))
    registry.register_household_rows(
        "residences.contracts", lambda pk: ResidenceContract.objects.filter(household_id=pk)
    )
    registry.register_household_rows(
        "residences.activities", lambda pk: HouseActivity.objects.filter(participants__household_id=pk)
    )
    registry.register_timeline_source(
        registry.TimelineSource("residence", gettext_lazy("Pension de famille"), residence_events)
    )
