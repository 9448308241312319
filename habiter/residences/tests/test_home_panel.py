from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from habiter.residences import services

from .factories import make_place, make_residence

pytestmark = pytest.mark.django_db


def test_the_host_home_lists_the_admission_work_of_their_residences_only(client, world, django_assert_max_num_queries):
    director, host = world.users["director"], world.users["host"]
    today = timezone.localdate()
    mine = make_residence(director, "Les Pléiades", hosts=[host])
    other = make_residence(director, "Soleil")
    waiting = services.vacancy_declare(
        actor=director, place_id=make_place(director, mine, "1").pk, declared_on=today - timedelta(days=9)
    )
    oriented = services.vacancy_declare(
        actor=director, place_id=make_place(director, mine, "2").pk, declared_on=today - timedelta(days=20)
    )
    services.vacancy_declare(
        actor=director, place_id=make_place(director, other, "S1").pk, declared_on=today - timedelta(days=3)
    )

    def orient(name):
        return services.orientation_receive(
            actor=director,
            vacancy_id=oriented.pk,
            siao_reference=f"SIAO-{name}",
            candidate_name=name,
            received_on=today - timedelta(days=15),
            household_id=world.own_household.pk,
        )

    to_fix, coming, refused, admitted = orient("Aline"), orient("Bruno"), orient("Chloé"), orient("Driss")
    services.orientation_interview(actor=host, orientation_id=coming.pk, interview_on=today + timedelta(days=2))
    for orientation in (refused, admitted):
        services.orientation_interview(
            actor=host, orientation_id=orientation.pk, interview_on=today - timedelta(days=10)
        )
    services.orientation_decide(
        actor=host,
        orientation_id=refused.pk,
        decision="refused",
        decided_on=today - timedelta(days=8),
        refusal_reason="autonomous",
    )
    services.orientation_decide(
        actor=host, orientation_id=admitted.pk, decision="admitted", decided_on=today - timedelta(days=8)
    )
    services.orientation_notify(actor=host, orientation_id=admitted.pk, notified_on=today - timedelta(days=7))

    client.force_login(host)
    with django_assert_max_num_queries(40):
        html = client.get(reverse("core:home")).content.decode()
    assert "Admissions dans mes résidences" in html
    # the host's own panel points to the residences, no longer to « outside Habiter » for everything
    assert "Vos résidences, leurs places et les admissions orientées par le SIAO" in html
    assert "1 vacance en attente d'une orientation du SIAO" in html
    assert reverse("residences:vacancy_detail", args=[waiting.pk]) in html
    assert "Soleil" not in html  # not their residence
    assert "2 entretiens à fixer ou à venir" in html
    assert reverse("residences:orientation_detail", args=[to_fix.pk]) in html
    assert reverse("residences:orientation_detail", args=[coming.pk]) in html
    assert "1 décision à notifier au SIAO" in html
    assert reverse("residences:orientation_detail", args=[refused.pk]) in html
    assert "1 entrée à venir" in html
    assert reverse("residences:orientation_detail", args=[admitted.pk]) in html
    # every link opens for the host: no dead end
    for url in (
        reverse("residences:vacancy_detail", args=[waiting.pk]),
        reverse("residences:orientation_detail", args=[to_fix.pk]),
        reverse("residences:residence_list"),
    ):
        assert client.get(url).status_code == 200


def test_the_panel_is_the_host_s_only(client, world):
    client.force_login(world.users["social_worker"])
    assert "Admissions dans mes résidences" not in client.get(reverse("core:home")).content.decode()
    client.force_login(world.users["host"])
    html = client.get(reverse("core:home")).content.decode()
    assert "Rien à faire aujourd'hui pour les admissions." in html
