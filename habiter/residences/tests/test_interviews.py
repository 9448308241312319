"""An orientation's interviews (W3: « interviews »): several, each with its day, who of the staff led it, whether
the candidate came, a short note; the commission decides after one the candidate came to."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from habiter.core.models import AuditEvent
from habiter.residences import rules, services
from habiter.residences.models import Orientation, OrientationInterview

from .factories import make_place, make_residence

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 1, 26, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a Monday


@pytest.fixture
def orientation(world):
    host = world.users["host"]
    residence = make_residence(world.users["director"], hosts=[host])
    vacancy = services.vacancy_declare(
        actor=host,
        place_id=make_place(world.users["director"], residence, "1").pk,
        declared_on=date(2026, 1, 5),
    )
    return services.orientation_receive(
        actor=host,
        vacancy_id=vacancy.pk,
        siao_reference="SIAO-13-0042",
        candidate_name="M. Karim Saïdi",
        received_on=date(2026, 1, 12),
    )


def test_the_steps_follow_the_interviews_attendance():
    steps = rules.orientation_next_steps
    assert steps(attendances=[], decision="", notified_on=None, entered=False) == ("interview",)
    assert steps(attendances=["", "postponed"], decision="", notified_on=None, entered=False) == (
        "interview",
        "interview_outcome",
    )
    assert steps(attendances=["postponed", "came"], decision="", notified_on=None, entered=False) == (
        "interview",
        "decision",
    )
    assert steps(attendances=["came"], decision="admitted", notified_on=None, entered=False) == ("notification",)


def test_the_decision_needs_an_interview_the_candidate_came_to():
    missing = rules.decision_interview_missing
    interviews = [(date(2026, 1, 15), "no_show"), (date(2026, 1, 20), "postponed")]
    assert missing(interviews, date(2026, 1, 22), "") == "no_interview"
    assert missing(interviews, date(2026, 1, 22), "no_show") is None  # refused for not coming: after a no-show
    assert missing([(date(2026, 1, 20), "came")], date(2026, 1, 19), "") == "before_interview"
    assert missing([(date(2026, 1, 20), "came")], date(2026, 1, 20), "autonomous") is None
    assert missing([(date(2026, 1, 20), "came")], date(2026, 1, 22), "no_show") == "no_show_missing"


@time_machine.travel(TODAY, tick=False)
def test_several_interviews_then_the_decision_after_one_the_candidate_came_to(world, orientation):
    host, director = world.users["host"], world.users["director"]
    social_worker = world.users["social_worker"]

    def add(day, led_by, attendance="", note=""):
        return services.orientation_interview_add(
            actor=host,
            orientation_id=orientation.pk,
            held_on=day,
            led_by_id=led_by.pk,
            attendance=attendance,
            note=note,
        )

    add(date(2026, 1, 14), host, "postponed", "  Hospitalisé ; à refixer.  ")
    add(date(2026, 1, 16), social_worker, "no_show")
    with pytest.raises(ValidationError) as refused:
        services.orientation_decide(
            actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 23)
        )
    assert refused.value.messages == [
        "La commission décide après un entretien auquel le candidat est venu : notez d'abord cet entretien."
    ]
    with pytest.raises(ValidationError) as refused:  # an interview to come is not noted « came »
        add(date(2026, 1, 28), director, "came")
    assert refused.value.message_dict["attendance"] == [
        "L'entretien est à venir : notez s'il est venu le jour venu, ou « reporté »."
    ]
    with pytest.raises(ValidationError) as refused:  # only the staff of the association lead an interview
        add(date(2026, 1, 21), world.outsider)
    assert refused.value.message_dict["led_by"] == ["Choisissez qui de l'équipe mène l'entretien."]
    third = add(date(2026, 1, 21), director)  # fixed ahead: whether he came is noted after
    services.orientation_interview_outcome(
        actor=host, orientation_id=orientation.pk, interview_id=third.pk, attendance="came", note="Très motivé."
    )
    with pytest.raises(ValidationError) as refused:  # before the interview he came to
        services.orientation_decide(
            actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 20)
        )
    assert refused.value.message_dict["decided_on"] == ["La décision ne peut pas précéder l'entretien."]
    services.orientation_decide(
        actor=host, orientation_id=orientation.pk, decision="admitted", decided_on=date(2026, 1, 23)
    )
    rows = OrientationInterview.objects.filter(orientation=orientation)
    assert [(i.held_on, i.led_by, i.attendance, i.note) for i in rows] == [
        (date(2026, 1, 14), host, "postponed", "Hospitalisé ; à refixer."),
        (date(2026, 1, 16), social_worker, "no_show", ""),
        (date(2026, 1, 21), director, "came", "Très motivé."),
    ]
    events = AuditEvent.objects.filter(action__startswith="orientation.interview").order_by("id")
    assert [(e.action, e.detail["attendance"]) for e in events] == [
        ("orientation.interview", "postponed"),
        ("orientation.interview", "no_show"),
        ("orientation.interview", ""),
        ("orientation.interview_outcome", "came"),
    ]
    with pytest.raises(ValidationError):  # decided: no more interview
        add(date(2026, 1, 26), host, "came")
    assert rows.count() == 3


@time_machine.travel(TODAY, tick=False)
def test_a_refusal_because_the_candidate_did_not_come_follows_a_no_show(world, orientation):
    host = world.users["host"]
    services.orientation_interview_add(
        actor=host, orientation_id=orientation.pk, held_on=date(2026, 1, 20), led_by_id=host.pk, attendance="no_show"
    )
    decided = services.orientation_decide(
        actor=host,
        orientation_id=orientation.pk,
        decision="refused",
        decided_on=date(2026, 1, 22),
        refusal_reason="no_show",
    )
    assert (decided.decision, decided.refusal_reason) == ("refused", "no_show")


@time_machine.travel(TODAY, tick=False)
def test_the_orientation_page_lists_the_interviews_and_adds_one(client, world, orientation):
    host = world.users["host"]
    client.force_login(host)
    url = reverse("residences:orientation_detail", args=[orientation.pk])
    html = client.get(url).content.decode()
    assert "Aucun entretien pour l'instant." in html
    assert "La commission décide après un entretien auquel le candidat est venu." in html
    assert 'name="decision-decision"' not in html
    html = client.post(
        url, {"step": "interview", "interview-held_on": "2026-01-10", "interview-led_by": host.pk}
    ).content.decode()
    assert "L&#x27;entretien ne peut pas précéder l&#x27;orientation." in html
    assert not OrientationInterview.objects.exists()
    response = client.post(
        url,
        {
            "step": "interview",
            "interview-held_on": "2026-01-28",
            "interview-led_by": host.pk,
            "interview-note": "Avec son référent du CCAS.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Étape enregistrée." in html and "Entretien le 28 janvier 2026" in html
    assert "à venir" in html and "Avec son référent du CCAS." in html
    interview = OrientationInterview.objects.get()
    with time_machine.travel(datetime(2026, 1, 28, 18, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        client.force_login(host)  # two days later: a new session
        response = client.post(
            url,
            {
                "step": "interview_outcome",
                "interview_outcome-interview": interview.pk,
                "interview_outcome-attendance": "came",
            },
            follow=True,
        )
    html = response.content.decode()
    assert "Entretien tenu, décision à prendre" in html and "Venu·e" in html
    assert 'name="decision-decision"' in html
    assert Orientation.objects.get(pk=orientation.pk).interviews.get().attendance == "came"
