"""Joining late, joining a full workshop, and personal links (issue 16, "ballot stuffing"):
someone who joins by code once silent generation has begun waits until the facilitator lets
them in, and nothing they do counts until then; a workshop may set the most participants;
a personal join link lets one browser in."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allied.workshops import actions
from allied.workshops.models import Admission, Ballot, Idea, Note, Participant, Workshop
from allied.workshops.state import live_state, results_summary
from tests.workshops.conftest import join
from tests.workshops.test_api import call
from tests.workshops.test_running_a_question import act, p_act

pytestmark = pytest.mark.django_db


def page(browser, workshop, name="participate"):
    return browser.get(reverse(f"workshops:{name}", args=[workshop.join_code]))


def joined_as(workshop) -> tuple[Client, Participant]:
    browser = join(workshop)
    return browser, workshop.participants.order_by("-number").first()


@pytest.fixture
def voting(facilitator, workshop):
    """A live workshop in voting: P1 to P3 joined before it started and shared three ideas."""
    people = [join(workshop) for _ in range(3)]
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    for browser, text in zip(people, ["Trust", "Sponsorship", "Time"], strict=True):
        assert p_act(browser, workshop, "share", text=text).status_code == 200
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    workshop.refresh_from_db()
    assert workshop.current_question.phase == "voting"
    ideas = {idea.text: idea.pk for idea in Idea.objects.filter(question__workshop=workshop)}
    return people, ideas


def test_a_stranger_joining_ten_times_during_voting_adds_no_counted_ballot(
    facilitator, workshop, voting
):
    people, ideas = voting
    for browser, first in zip(people, ["Trust", "Sponsorship", "Trust"], strict=True):
        others = [text for text in ideas if text != first]
        choices = {f"idea-{ideas[first]}": 1, f"idea-{ideas[others[0]]}": 2}
        assert p_act(browser, workshop, "vote", **choices).status_code == 200
    question = workshop.current_question

    stuffers = [join(workshop) for _ in range(10)]
    for browser in stuffers:
        refused = p_act(browser, workshop, "vote", **{f"idea-{ideas['Time']}": 1})
        assert refused.status_code == 409
        assert "has not let you in" in refused.json()["error"]

    assert workshop.participants.filter(admission=Admission.WAITING).count() == 10
    assert Ballot.objects.filter(question=question).count() == 3
    state = live_state(workshop)
    assert state["participants"] == ["P1", "P2", "P3"]
    assert (state["question"]["votes_cast"], state["question"]["voters"]) == (3, 3)
    act(facilitator, workshop, "phase_next")
    workshop.refresh_from_db()
    summary = results_summary(workshop.current_question)
    assert summary["voters"] == 3
    assert summary["ideas"][0]["idea"].endswith("Trust")
    assert "Time" not in summary["ideas"][0]["idea"]


def test_a_late_joiner_waits_is_let_in_and_then_their_vote_counts(facilitator, workshop, voting):
    people, ideas = voting
    late, participant = joined_as(workshop)
    assert participant.admission == Admission.WAITING
    waiting = page(late, workshop).content.decode()
    assert "the facilitator decides whether to let you in" in waiting
    assert 'data-phase-key="waiting"' in waiting
    assert page(late, workshop, "participate_state").json()["phase_key"] == "waiting"
    assert "Time" not in str(page(late, workshop, "participate_state").json())

    console = facilitator.get(reverse("workshops:run", args=[workshop.pk])).content.decode()
    assert "Waiting to join (1)" in console and "Let in" in console and "Turn away" in console
    staff_state = facilitator.get(reverse("workshops:state", args=[workshop.pk])).json()
    assert staff_state["waiting"] == [participant.pseudonym]
    assert "waiting" not in page(people[0], workshop, "participate_state").json()

    version = Workshop.objects.get(pk=workshop.pk).version
    answer = act(facilitator, workshop, "admit", participant=participant.pk)
    assert answer.json()["message"] == f"{participant.pseudonym} has been let in."
    assert answer.json()["version"] > version
    assert Note.objects.filter(text__contains=f"{participant.pseudonym} joined after").exists()
    participant.refresh_from_db()
    assert participant.admission == Admission.ADMITTED and participant.admission_by is not None

    state = page(late, workshop, "participate_state").json()
    assert state["phase_key"] == actions.phase_key(workshop.current_question)
    assert state["question"]["voters"] == 4
    assert "Your vote" in page(late, workshop).content.decode()
    assert p_act(late, workshop, "vote", **{f"idea-{ideas['Time']}": 1}).status_code == 200
    assert live_state(workshop)["question"]["votes_cast"] == 1


def test_a_person_turned_away_is_told_so_and_cannot_join_again_in_that_browser(
    facilitator, workshop, voting
):
    late, participant = joined_as(workshop)
    assert act(facilitator, workshop, "turn_away", participant=participant.pk).status_code == 200
    text = page(late, workshop).content.decode()
    assert "The facilitator has not let you in" in text
    assert page(late, workshop, "participate_state").json()["phase_key"] == "turned_away"
    again = late.post(reverse("workshops:join_code", args=[workshop.join_code]), {"consent": "on"})
    assert again.status_code == 302
    assert workshop.participants.count() == 4
    assert "has not let you in" in page(late, workshop).content.decode()
    refused = p_act(late, workshop, "vote", **{f"idea-{voting[1]['Time']}": 1})
    assert refused.status_code == 409 and "did not let you into" in refused.json()["error"]
    # The decision is made once.
    twice = act(facilitator, workshop, "admit", participant=participant.pk)
    assert twice.status_code == 409 and "no longer waiting" in twice.json()["error"]


def test_let_everyone_in(facilitator, workshop, voting):
    waiting = [joined_as(workshop)[1] for _ in range(3)]
    answer = act(facilitator, workshop, "admit_all").json()
    assert answer["message"] == "P4, P5, P6 have been let in."
    assert {p.admission for p in Participant.objects.filter(pk__in=[p.pk for p in waiting])} == {
        Admission.ADMITTED
    }
    assert act(facilitator, workshop, "admit_all").status_code == 409


def test_turn_everyone_away_clears_the_list_and_frees_the_places(facilitator, workshop, voting):
    """Someone joining again and again fills the list; one press clears it, and a limit the
    list had filled has room again."""
    workshop.participant_limit = workshop.participants.count() + 3
    workshop.save(update_fields=["participant_limit"])
    waiting = [joined_as(workshop)[1] for _ in range(3)]
    console = facilitator.get(reverse("workshops:run", args=[workshop.pk])).content.decode()
    assert "Turn everyone away" in console
    answer = act(facilitator, workshop, "turn_away_all").json()
    assert answer["message"] == "P4, P5, P6 have been turned away."
    assert {p.admission for p in Participant.objects.filter(pk__in=[p.pk for p in waiting])} == {
        Admission.TURNED_AWAY
    }
    assert joined_as(workshop)[1].admission == Admission.WAITING  # a place again
    assert act(facilitator, workshop, "turn_away_all").json()["message"] == (
        "P7 has been turned away."
    )


def test_a_note_taker_cannot_let_anyone_in(client, signed_in, workshop, voting, nina):
    from allied.workshops.models import StaffRole, WorkshopStaff

    WorkshopStaff.objects.create(workshop=workshop, user=nina, role=StaffRole.NOTE_TAKER)
    signed_in(nina)
    participant = joined_as(workshop)[1]
    assert act(client, workshop, "admit", participant=participant.pk).status_code == 409
    participant.refresh_from_db()
    assert participant.admission == Admission.WAITING


@pytest.mark.parametrize("value", ["", "x", "99999999", "-1", str(2**70)])
def test_letting_in_nobody_in_particular_is_refused_plainly(facilitator, workshop, voting, value):
    answer = act(facilitator, workshop, "admit", participant=value)
    assert answer.status_code == 409 and "no longer waiting" in answer.json()["error"]


def test_actions_refuse_a_waiting_participant_whatever_the_page(workshop, facilitator):
    early = join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    _late, participant = joined_as(workshop)
    question = Workshop.objects.get(pk=workshop.pk).current_question
    with pytest.raises(actions.WorkshopError, match="has not let you in"):
        actions.draft_save(
            question=question, participant=participant, client_id=uuid.uuid4(), text="Mine"
        )
    with pytest.raises(actions.WorkshopError, match="has not let you in"):
        actions.participant_done(question=question, participant=participant, done=True)
    workshop.refresh_from_db()
    assert live_state(workshop, staff=True)["question"]["writers"] == 0
    act(facilitator, workshop, "phase_next")
    question.refresh_from_db()
    with pytest.raises(actions.WorkshopError, match="has not let you in"):
        actions.turn_take(question=question, participant=participant, client_id=uuid.uuid4())
    workshop.refresh_from_db()
    assert live_state(workshop)["participants"] == ["P1"]
    assert p_act(early, workshop, "pass").status_code == 200


def test_joins_before_silent_generation_are_let_in_at_once(workshop, facilitator):
    join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    _browser, participant = joined_as(workshop)
    assert participant.admission == Admission.ADMITTED
    act(facilitator, workshop, "phase_next")
    # Going back to the introduction does not open the door again.
    act(facilitator, workshop, "phase_back")
    consent = page(Client(), workshop, "join_code").content.decode()
    assert "facilitator decides whether to let you in" in consent
    assert joined_as(workshop)[1].admission == Admission.WAITING


def test_people_invited_personally_are_let_in_when_they_join_late(workshop, facilitator):
    join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    participant, token = actions.participant_add(workshop=workshop, real_name="Ivy", by=None)
    browser = Client()
    browser.post(
        reverse("workshops:join_invited", args=[workshop.join_code, token]), {"consent": "on"}
    )
    participant.refresh_from_db()
    assert participant.consented_at is not None and participant.admission == Admission.ADMITTED
    assert "A new idea" in page(browser, workshop).content.decode()


# A personal link is one-use -------------------------------------------------------------


def test_a_personal_link_lets_one_browser_in(workshop):
    _participant, token = actions.participant_add(workshop=workshop, real_name="Ivy", by=None)
    url = reverse("workshops:join_invited", args=[workshop.join_code, token])
    first = Client()
    assert first.post(url, {"consent": "on"}).status_code == 302
    second = Client()
    shown = second.get(url)
    assert shown.status_code == 409
    assert "already been used" in shown.content.decode()
    taken = second.post(url, {"consent": "on"})
    assert taken.status_code == 409 and "already been used" in taken.content.decode()
    # The first browser keeps its place; the second has none.
    assert page(first, workshop).status_code == 200
    assert page(second, workshop).status_code == 302
    assert workshop.participants.count() == 1
    # The same browser opening its link again simply goes to its page.
    assert first.get(url)["Location"] == reverse("workshops:participate", args=[workshop.join_code])


def test_a_personal_link_joins_once_through_the_api_too(workshop):
    _, token = actions.participant_add(workshop=workshop, real_name="Ivy", by=None)
    url = reverse("workshops:api_join", args=[workshop.join_code])
    body = {"consent": True, "invitation": token}
    first = Client().post(url, body, "application/json")
    assert first.status_code == 201 and first.json()["admission"] == "admitted"
    second = Client().post(url, body, "application/json")
    assert second.status_code == 409 and "already been used" in second.json()["error"]


# The most participants ------------------------------------------------------------------


def test_a_full_workshop_says_so_and_creates_nobody(workshop):
    Workshop.objects.filter(pk=workshop.pk).update(participant_limit=2)
    join(workshop)
    join(workshop)
    stranger = Client()
    shown = page(stranger, workshop, "join_code")
    assert shown.status_code == 409 and "This workshop is full" in shown.content.decode()
    posted = stranger.post(
        reverse("workshops:join_code", args=[workshop.join_code]), {"consent": "on"}
    )
    assert posted.status_code == 409 and "This workshop is full" in posted.content.decode()
    api = Client().post(
        reverse("workshops:api_join", args=[workshop.join_code]),
        {"consent": True},
        "application/json",
    )
    assert api.status_code == 409 and api.json()["error"].startswith("This workshop is full")
    assert workshop.participants.count() == 2


def test_waiting_participants_count_towards_the_limit_and_those_turned_away_do_not(
    facilitator, workshop
):
    join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    Workshop.objects.filter(pk=workshop.pk).update(participant_limit=2)
    waiting = joined_as(workshop)[1]
    assert waiting.admission == Admission.WAITING
    assert "This workshop is full" in page(Client(), workshop, "join_code").content.decode()
    act(facilitator, workshop, "turn_away", participant=waiting.pk)
    assert joined_as(workshop)[1].admission == Admission.WAITING
    assert workshop.participants.count() == 3


def test_the_limit_is_checked_under_a_lock_on_the_workshop(workshop):
    if not connection.features.has_select_for_update:
        pytest.skip("This database has no row locks; run with DATABASE_URL on PostgreSQL.")
    Workshop.objects.filter(pk=workshop.pk).update(participant_limit=5)
    with CaptureQueriesContext(connection) as queries:
        actions.participant_consent(workshop=workshop, participant=None, session_token="t")
    sql = [query["sql"] for query in queries.captured_queries]
    locked = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "workshop" in q)
    counted = next(i for i, q in enumerate(sql) if "COUNT(" in q and "participant" in q)
    assert locked < counted


@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_cannot_overshoot_the_limit(workshop):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the lock is shown by the test above.")
    Workshop.objects.filter(pk=workshop.pk).update(participant_limit=3)
    start = threading.Barrier(8)
    answers: list[int] = []

    def one():
        try:
            start.wait()
            answers.append(
                Client()
                .post(
                    reverse("workshops:api_join", args=[workshop.join_code]),
                    {"consent": True},
                    "application/json",
                )
                .status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] * 3 + [409] * 5
    assert workshop.participants.count() == 3


def test_the_settings_form_sets_and_clears_the_limit(facilitator, workshop):
    url = reverse("workshops:edit", args=[workshop.pk])
    assert "Most participants" in facilitator.get(url).content.decode()
    fields = {
        "title": workshop.title,
        "purpose": "",
        "briefing": "",
        "date": "",
        "consent_statement": workshop.consent_statement,
    }
    assert facilitator.post(url, {**fields, "participant_limit": "30"}).status_code == 302
    workshop.refresh_from_db()
    assert workshop.participant_limit == 30
    bad = facilitator.post(url, {**fields, "participant_limit": "0"})
    assert "The most participants must be 1 or more" in bad.content.decode()
    facilitator.post(url, {**fields, "participant_limit": ""})
    workshop.refresh_from_db()
    assert workshop.participant_limit is None


# The API ---------------------------------------------------------------------------------


def test_the_api_says_a_late_joiner_waits_and_the_facilitator_lets_them_in(
    facilitator, workshop, voting
):
    url = reverse("workshops:api_join", args=[workshop.join_code])
    joined = Client().post(url, {"consent": True}, "application/json").json()
    assert joined["admission"] == "waiting"
    me = call(
        "get",
        reverse("workshops:api_participant_state", args=[workshop.join_code]),
        participant=joined["token"],
    ).json()
    assert me["phase_key"] == "waiting" and me["question"] is None
    assert me["me"]["admission"] == "waiting"
    vote = Client().post(
        reverse("workshops:api_participant_act", args=[workshop.join_code]),
        {"action": "vote", "choices": {str(voting[1]["Time"]): 1}},
        "application/json",
        HTTP_AUTHORIZATION=f"Participant {joined['token']}",
    )
    assert vote.status_code == 409 and "has not let you in" in vote.json()["error"]
    assert act(facilitator, workshop, "admit", participant=joined["pseudonym"]).status_code == 200
    me = call(
        "get",
        reverse("workshops:api_participant_state", args=[workshop.join_code]),
        participant=joined["token"],
    ).json()
    assert me["me"]["admission"] == "admitted" and me["question"]["phase"] == "voting"


# "I'm done" ------------------------------------------------------------------------------


def test_participants_say_they_are_done_and_the_console_counts_them(facilitator, workshop):
    people = [join(workshop) for _ in range(3)]
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    assert "I'm done" in page(people[0], workshop).content.decode()
    assert p_act(people[0], workshop, "done").status_code == 200
    assert p_act(people[1], workshop, "done").status_code == 200
    assert p_act(people[1], workshop, "not_done").status_code == 200
    assert "I'm not done yet" in page(people[0], workshop).content.decode()
    staff = facilitator.get(reverse("workshops:state", args=[workshop.pk])).json()
    assert staff["question"]["done"] == 1
    assert "done" not in page(people[2], workshop, "participate_state").json()["question"]
    console = facilitator.get(reverse("workshops:run", args=[workshop.pk])).content.decode()
    assert "1 of 3</strong> are done" in console
    act(facilitator, workshop, "phase_next")
    refused = p_act(people[2], workshop, "done")
    assert refused.status_code == 409


def test_the_workshop_page_says_who_waits_and_who_was_turned_away(facilitator, workshop, voting):
    first, second = joined_as(workshop)[1], joined_as(workshop)[1]
    act(facilitator, workshop, "turn_away", participant=first.pk)
    text = facilitator.get(reverse("workshops:detail", args=[workshop.pk])).content.decode()
    assert f"{first.pseudonym}</td>" in text and "(turned away)" in text
    assert f"{second.pseudonym}</td>" in text and "(waiting to join)" in text


def test_letting_someone_in_during_round_robin_leaves_the_turn_where_it_was(
    facilitator, workshop, fay
):
    """P1 joins before the start; P2 joins by code late and waits; P3, invited by name later,
    is let in at once. When P2 is let in during P3's turn, P2 comes before P3 in pseudonym
    order, but the turn stays with P3."""
    p1 = join(workshop)
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302
    act(facilitator, workshop, "phase_next")
    p2, waiting = joined_as(workshop)
    invited, token = actions.participant_add(workshop=workshop, real_name="Ify", by=fay)
    p3 = Client()
    p3.post(reverse("workshops:join_invited", args=[workshop.join_code, token]), {"consent": "on"})
    invited.refresh_from_db()
    assert (waiting.pseudonym, invited.pseudonym, invited.admission) == ("P2", "P3", "admitted")
    act(facilitator, workshop, "phase_next")
    assert p_act(p1, workshop, "share", text="Protected time").json()["ok"]  # now P3's turn
    assert act(facilitator, workshop, "admit", participant=waiting.pk).json()["ok"]
    refused = p_act(p2, workshop, "pass")
    assert refused.status_code == 409 and "P3's turn" in refused.json()["error"]
    assert p_act(p3, workshop, "pass").json()["ok"]
    assert p_act(p1, workshop, "pass").json()["ok"]  # P2 comes next round, in their place
    assert p_act(p2, workshop, "pass").json()["ok"]
