"""One question taken through every phase, by a facilitator and three participants."""

import json
import uuid

import pytest
from django.urls import reverse

from allied.audit.models import AuditEvent, Kind
from allied.workshops import actions
from allied.workshops.models import Ballot, DraftIdea, Idea, Participant, PhaseChange, Workshop
from tests.workshops.conftest import join

pytestmark = pytest.mark.django_db


def act(client, workshop, action, **fields):
    workshop.refresh_from_db()
    question = workshop.current_question
    data = {"action": action, "phase_key": actions.phase_key(question), **fields}
    return client.post(
        reverse("workshops:act", args=[workshop.pk]), data, HTTP_ACCEPT="application/json"
    )


def p_act(browser, workshop, action, **fields):
    workshop.refresh_from_db()
    data = {
        "action": action,
        "phase_key": actions.phase_key(workshop.current_question),
        "client_id": str(uuid.uuid4()),
        **fields,
    }
    return browser.post(
        reverse("workshops:participate_act", args=[workshop.join_code]),
        data,
        HTTP_ACCEPT="application/json",
    )


def state(browser, workshop):
    return browser.get(reverse("workshops:participate_state", args=[workshop.join_code])).json()


def test_a_question_goes_through_every_phase_to_a_ranking(facilitator, workshop):
    p1, p2, p3 = join(workshop), join(workshop), join(workshop)
    assert [p.pseudonym for p in workshop.participants.all()] == ["P1", "P2", "P3"]
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302

    # Introduction: the question and the briefing on every screen.
    page = p1.get(reverse("workshops:participate", args=[workshop.join_code])).content.decode()
    assert "What is important in mentoring?" in page and "Earlier findings." in page

    # Silent generation: private ideas, saved, nobody sees another's.
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    assert state(p1, workshop)["question"]["seconds_left"] > 0
    draft_id = str(uuid.uuid4())
    assert p_act(
        p1, workshop, "draft", client_id=draft_id, text="Trust between mentor and mentee"
    ).json()["ok"]
    p_act(p2, workshop, "draft", text="Sponsorship into senior roles")
    assert (
        "Trust between mentor and mentee"
        not in p2.get(reverse("workshops:participate", args=[workshop.join_code])).content.decode()
    )
    assert "Trust between mentor and mentee" not in str(state(p2, workshop))

    # Round-robin: one idea per turn, in order, until everyone passes.
    act(facilitator, workshop, "phase_next")
    assert state(p1, workshop)["question"]["current_turn"] == "P1"
    wrong = p_act(p2, workshop, "pass")
    assert wrong.status_code == 409 and "P1's turn" in wrong.json()["error"]
    draft = DraftIdea.objects.get(client_id=draft_id)
    assert p_act(p1, workshop, "share", draft=str(draft.pk)).json()["ok"]
    assert p_act(p2, workshop, "share", text="Sponsorship into senior roles").json()["ok"]
    assert p_act(p3, workshop, "share", text="Talking openly about racism").json()["ok"]
    assert p_act(p1, workshop, "share", text="Regular meetings").json()["ok"]
    for browser in (p2, p3, p1):
        assert p_act(browser, workshop, "pass").json()["ok"]
    assert state(p3, workshop)["question"]["everyone_passed"]
    assert [i["text"] for i in state(p3, workshop)["question"]["ideas"]] == [
        "Trust between mentor and mentee",
        "Sponsorship into senior roles",
        "Talking openly about racism",
        "Regular meetings",
    ]

    # Clarification: reword (original kept), theme, note.
    act(facilitator, workshop, "phase_next")
    ideas = {i.number: i for i in Idea.objects.filter(question=workshop.current_question)}
    assert act(
        facilitator,
        workshop,
        "idea_edit",
        idea=ideas[4].pk,
        text="Meeting regularly, at agreed times",
    ).json()["ok"]
    assert act(
        facilitator, workshop, "theme", name="Relationship", ideas=[ideas[1].pk, ideas[4].pk]
    ).json()["ok"]
    assert act(
        facilitator, workshop, "note", idea=ideas[3].pk, text="Never forced; the mentee leads"
    ).json()["ok"]
    ideas[4].refresh_from_db()
    assert (
        ideas[4].original_text == "Regular meetings"
        and ideas[4].text == "Meeting regularly, at agreed times"
    )

    # Voting: private, counted, no tally before the close.
    act(facilitator, workshop, "phase_next")
    assert p_act(
        p1, workshop, "vote", **{f"idea-{ideas[1].pk}": "1", f"idea-{ideas[3].pk}": "2"}
    ).json()["ok"]
    bad = p_act(p2, workshop, "vote", **{f"idea-{ideas[1].pk}": "1", f"idea-{ideas[2].pk}": "1"})
    assert bad.status_code == 409 and "twice" in bad.json()["error"]
    p_act(
        p2,
        workshop,
        "vote",
        **{f"idea-{ideas[3].pk}": "1", f"idea-{ideas[2].pk}": "2", f"idea-{ideas[1].pk}": "3"},
    )
    p_act(p3, workshop, "vote", **{f"idea-{ideas[3].pk}": "1", f"idea-{ideas[1].pk}": "2"})
    seen = state(p1, workshop)["question"]
    assert seen["votes_cast"] == 3 and seen["voters"] == 3 and seen["results"] is None

    # Results: the moment voting closes, the same ranking on every screen.
    act(facilitator, workshop, "phase_next")
    results = [state(p, workshop)["question"]["results"] for p in (p1, p2, p3)]
    assert results[0] == results[1] == results[2]
    ranking = [(r["rank"], r["idea"], r["total"]) for r in results[0]["ideas"]]
    # Top-3: idea 3 = 2 + 3 + 3 = 8; idea 1 = 3 + 1 + 2 = 6; idea 2 = 2; idea 4 = 0.
    assert ranking == [
        (1, "3. Talking openly about racism", 8),
        (2, "1. Trust between mentor and mentee", 6),
        (3, "2. Sponsorship into senior roles", 2),
        (4, "4. Meeting regularly, at agreed times", 0),
    ]
    assert results[0]["themes"][0]["theme"] == "Relationship"

    # Final discussion: face validity recorded, then the next question.
    act(facilitator, workshop, "phase_next")
    assert act(
        facilitator, workshop, "face_validity", verdict="yes", reason="It matched the discussion"
    ).json()["ok"]
    assert act(facilitator, workshop, "next_question").json()["ok"]
    workshop.refresh_from_db()
    assert workshop.current_question.order == 2
    assert PhaseChange.objects.filter(question__order=1, question__workshop=workshop).count() == 7


def test_a_vote_after_voting_closes_is_refused_and_nothing_changes(facilitator, workshop):
    p1 = join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    for _ in range(2):
        act(facilitator, workshop, "phase_next")
    p_act(p1, workshop, "share", text="An idea")
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    idea = Idea.objects.get()
    act(facilitator, workshop, "phase_next")  # voting closes
    response = p_act(p1, workshop, "vote", **{f"idea-{idea.pk}": "1"})
    assert response.status_code == 409
    assert not Ballot.objects.exists()


def test_a_retried_vote_is_stored_once(facilitator, workshop):
    p1 = join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    p_act(p1, workshop, "share", text="An idea")
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    idea = Idea.objects.get()
    workshop.refresh_from_db()
    data = {
        "action": "vote",
        "phase_key": actions.phase_key(workshop.current_question),
        "client_id": str(uuid.uuid4()),
        f"idea-{idea.pk}": "1",
    }
    url = reverse("workshops:participate_act", args=[workshop.join_code])
    first = p1.post(url, data, HTTP_ACCEPT="application/json")
    again = p1.post(url, data, HTTP_ACCEPT="application/json")
    assert first.status_code == again.status_code == 200
    assert Ballot.objects.count() == 1 and Ballot.objects.get().choices.count() == 1


def test_a_stale_screen_cannot_act_on_an_old_phase(facilitator, workshop):
    join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    workshop.refresh_from_db()
    old = actions.phase_key(workshop.current_question)
    act(facilitator, workshop, "phase_next")
    response = facilitator.post(
        reverse("workshops:act", args=[workshop.pk]),
        {"action": "phase_next", "phase_key": old},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409 and "moved on" in response.json()["error"]
    workshop.refresh_from_db()
    assert workshop.current_question.phase == "silent"


def test_joining_needs_consent_and_records_its_version(workshop):
    declined = join(workshop, consent=False)
    assert not Participant.objects.exists()
    assert (
        declined.get(reverse("workshops:participate", args=[workshop.join_code])).status_code == 302
    )
    join(workshop)
    participant = Participant.objects.get()
    assert (
        participant.consent_version == workshop.consent_version
        and participant.consented_at is not None
    )


def test_only_the_lead_and_the_admin_see_who_is_behind_a_pseudonym(
    client, signed_in, workshop, fay, alice, nina
):
    from allied.workshops.models import StaffRole, WorkshopStaff

    actions.participant_add(
        workshop=workshop, real_name="Real Person", email="real@alder.example", by=fay
    )
    WorkshopStaff.objects.create(workshop=workshop, user=nina, role=StaffRole.NOTE_TAKER)
    url = reverse("workshops:identities", args=[workshop.pk])
    signed_in(nina)
    assert client.get(url).status_code == 403
    assert (
        "Real Person"
        not in client.get(reverse("workshops:detail", args=[workshop.pk])).content.decode()
    )
    for person in (fay, alice):
        signed_in(person)
        assert "Real Person" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).count() == 2


def test_another_organisations_workshop_is_not_found(client, signed_in, fay, other_workshop):
    signed_in(fay)
    assert client.get(reverse("workshops:detail", args=[other_workshop.pk])).status_code == 404


def test_a_finished_workshop_cannot_be_joined_and_answers_as_an_unknown_code_does(workshop):
    from django.test import Client

    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.FINISHED)
    finished = Client().get(reverse("workshops:join_code", args=[workshop.join_code]))
    unknown = Client().get(reverse("workshops:join_code", args=["NOSUCHCD"]))
    assert finished.status_code == unknown.status_code == 404
    assert finished.content == unknown.content
    typed = Client().post(reverse("workshops:join"), {"code": workshop.join_code})
    assert "There is no workshop with that code" in typed.content.decode()


def test_a_participant_who_took_part_sees_that_the_workshop_has_finished_and_nothing_more(
    workshop,
):
    from django.test import Client

    from allied.workshops.models import BriefingFile, Characteristics

    browser = Client()
    code = workshop.join_code
    browser.post(reverse("workshops:join_code", args=[code]), {"consent": "on"})
    participant = workshop.participants.get()
    from django.core.files.base import ContentFile

    item = BriefingFile(workshop=workshop, name="notes.txt")
    item.file.save("notes.txt", ContentFile(b"Earlier findings\n"), save=True)
    file_url = reverse("workshops:participant_briefing_file", args=[code, item.pk])
    assert browser.get(file_url).status_code == 200
    assert (
        "P1"
        in browser.get(reverse("workshops:participate_state", args=[code])).json()["participants"]
    )
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.FINISHED)
    page = browser.get(reverse("workshops:participate", args=[code])).content.decode()
    assert "The workshop has finished" in page and "You are P1" not in page
    fragment = browser.get(reverse("workshops:participate_fragment", args=[code]))
    assert "The workshop has finished" in fragment.content.decode()
    state = browser.get(reverse("workshops:participate_state", args=[code])).json()
    assert state["status"] == "finished" and "participants" not in state
    refused = p_act(browser, workshop, "draft", text="A late idea")
    assert "has finished" in refused.json()["error"]
    assert not participant.drafts.exists()
    about = browser.post(reverse("workshops:about_you", args=[code]), {"gender": "woman"})
    assert about.status_code == 302
    assert not Characteristics.objects.filter(participant=participant).exists()
    assert browser.get(file_url).status_code == 404


def test_a_lead_sets_each_questions_scheme_before_the_workshop_starts(facilitator, workshop):
    question = workshop.questions.first()
    url = reverse("workshops:question_edit", args=[workshop.pk, question.pk])
    fields = {
        "text": "What matters most?",
        "scheme": "rating",
        "k": "5",
        "pool": "10",
        "scale_min": "1",
        "scale_max": "9",
        "silent_minutes": "7",
        "agree_top": "70",
        "agree_bottom": "15",
    }
    assert facilitator.post(url, fields).status_code == 302
    question.refresh_from_db()
    assert (question.text, question.scheme, question.silent_minutes) == (
        "What matters most?",
        "rating",
        7,
    )
    bad = facilitator.post(url, {**fields, "scale_min": "9", "scale_max": "3"})
    assert "The highest rating must be more than the lowest" in bad.content.decode()
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    assert facilitator.post(url, {**fields, "text": "Changed"})["Location"] == reverse(
        "workshops:detail", args=[workshop.pk]
    )
    question.refresh_from_db()
    assert question.text == "What matters most?"


def test_changing_the_consent_statement_makes_a_new_version(facilitator, workshop):
    join(workshop)
    url = reverse("workshops:edit", args=[workshop.pk])
    data = {
        "title": workshop.title,
        "purpose": "",
        "briefing": "",
        "date": "",
        "consent_statement": "A new statement.",
    }
    assert facilitator.post(url, data).status_code == 302
    workshop.refresh_from_db()
    assert workshop.consent_version == 2
    assert Participant.objects.get().consent_version == 1


def test_a_briefing_file_is_shared_with_participants_who_have_joined(facilitator, workshop):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from allied.workshops.models import BriefingFile

    url = reverse("workshops:briefing_add", args=[workshop.pk])
    upload = SimpleUploadedFile(
        "Findings summary.pdf", b"%PDF-1.4 earlier findings", content_type="application/pdf"
    )
    assert facilitator.post(url, {"file": upload}).status_code == 302
    item = BriefingFile.objects.get()
    assert item.name == "Findings summary.pdf"
    participant = join(workshop)
    download = participant.get(
        reverse("workshops:participant_briefing_file", args=[workshop.join_code, item.pk])
    )
    assert (
        download.status_code == 200
        and b"".join(download.streaming_content) == b"%PDF-1.4 earlier findings"
    )
    assert download["Content-Disposition"].startswith("attachment")
    stranger = Client().get(
        reverse("workshops:participant_briefing_file", args=[workshop.join_code, item.pk])
    )
    assert stranger.status_code == 404


def test_a_briefing_file_of_the_wrong_kind_is_refused(facilitator, workshop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from allied.workshops.models import BriefingFile

    upload = SimpleUploadedFile("run-me.exe", b"MZ...", content_type="application/octet-stream")
    response = facilitator.post(
        reverse("workshops:briefing_add", args=[workshop.pk]), {"file": upload}, follow=True
    )
    assert "The file must be a PDF" in response.content.decode()
    assert not BriefingFile.objects.exists()


def test_the_record_shows_which_ideas_staff_entered_for_a_participant(facilitator, workshop):
    join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    participant = Participant.objects.get()
    assert act(
        facilitator, workshop, "turn", participant=participant.pk, text="Said aloud in the room"
    ).json()["ok"]
    export = facilitator.get(reverse("workshops:export", args=[workshop.pk, "json"])).json()
    idea = export["questions"][0]["ideas"][0]
    assert (
        idea["text"] == "Said aloud in the room"
        and idea["by"] == "P1"
        and idea["entered_for_them"] is True
    )
    page = facilitator.get(reverse("workshops:results", args=[workshop.pk])).content.decode()
    assert "entered for them by a facilitator or note-taker" in page


def test_the_consent_page_shows_the_briefing_the_consent_statement_speaks_of(workshop):
    from django.test import Client

    from allied.workshops.models import BriefingFile

    BriefingFile.objects.create(workshop=workshop, name="Earlier findings.pdf", file="b/f.pdf")
    page = Client().get(reverse("workshops:join_code", args=[workshop.join_code]))
    text = page.content.decode()
    assert "I have read the briefing" in text
    assert "<h2>Briefing</h2>" in text and "Earlier findings." in text
    assert "Earlier findings.pdf" in text


def test_after_everyone_has_passed_nobody_is_told_it_is_their_turn(facilitator, workshop):
    browsers = [join(workshop), join(workshop)]
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    for browser in browsers:
        assert p_act(browser, workshop, "pass").json()["ok"]
    state = browsers[0].get(reverse("workshops:participate_state", args=[workshop.join_code]))
    assert state.json()["question"]["everyone_passed"] is True
    assert state.json()["question"]["current_turn"] is None
    console = facilitator.get(reverse("workshops:run", args=[workshop.pk])).content.decode()
    assert "Everyone has passed." in console and "Record for P1" not in console
    page = browsers[0].get(reverse("workshops:participate", args=[workshop.join_code]))
    assert "Wait for your turn" not in page.content.decode()


def test_a_merge_with_nothing_ticked_says_to_tick_the_ideas(facilitator, workshop):
    join(workshop)
    join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    participants = list(workshop.participants.order_by("number"))
    for participant, text in zip(participants, ["Trust", "Trust and honesty"], strict=True):
        assert act(facilitator, workshop, "turn", participant=participant.pk, text=text).json()[
            "ok"
        ]
    act(facilitator, workshop, "phase_next")
    keep = Idea.objects.get(text="Trust")
    refused = act(facilitator, workshop, "merge", keep=keep.pk)
    assert (
        "Tick the ideas to merge into idea 1, and record how the group agreed"
        in (refused.json()["error"])
    )


@pytest.fixture
def in_voting(facilitator, workshop):
    """The first question in voting (top-3), with three ideas and one participant's browser."""
    browser = join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    participant = workshop.participants.get()
    for text in ["Trust", "Sponsorship", "Time"]:
        act(facilitator, workshop, "turn", participant=participant.pk, text=text)
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    ideas = {idea.text: idea for idea in Idea.objects.filter(question__workshop=workshop)}
    return browser, ideas


def vote(browser, workshop, fields: dict):
    workshop.refresh_from_db()
    data = {
        "action": "vote",
        "phase_key": actions.phase_key(workshop.current_question),
        "client_id": str(uuid.uuid4()),
        **fields,
    }
    return browser.post(
        reverse("workshops:participate_act", args=[workshop.join_code]), data, follow=True
    )


def test_a_refused_ballot_keeps_what_was_typed_and_marks_each_wrong_field(in_voting, workshop):
    browser, ideas = in_voting
    trust, sponsorship, time = ideas["Trust"], ideas["Sponsorship"], ideas["Time"]
    page = vote(
        browser,
        workshop,
        {f"idea-{trust.pk}": "1", f"idea-{sponsorship.pk}": "1", f"idea-{time.pk}": "x"},
    ).content.decode()
    assert not Ballot.objects.exists()
    assert "<title>Error: " in page and "Your vote was not saved" in page
    share = (
        f"Ideas {trust.number} and {sponsorship.number} share rank 1: give each a different rank"
    )
    # One problem, one link in the summary, to whichever of the two boxes comes first.
    assert page.count(f">{share}</a>") == 1
    assert any(f'<a href="#vote-{idea.pk}">{share}</a>' in page for idea in (trust, sponsorship))
    assert f'<a href="#vote-{time.pk}">Enter a number for idea {time.number}</a>' in page
    for idea, typed in [(trust, "1"), (sponsorship, "1"), (time, "x")]:
        assert (
            f'id="vote-{idea.pk}" name="idea-{idea.pk}" inputmode="numeric" value="{typed}"' in page
        )
        assert f'aria-describedby="vote-{idea.pk}-error"' in page
    again = browser.get(reverse("workshops:participate", args=[workshop.join_code]))
    assert "Your vote was not saved" not in again.content.decode()

    saved = vote(browser, workshop, {f"idea-{trust.pk}": "1", f"idea-{time.pk}": "2"})
    assert "Your vote has been saved" in saved.content.decode()
    assert Ballot.objects.get().choices.count() == 2


def test_a_rank_out_of_range_is_named_with_its_idea(in_voting, workshop):
    browser, ideas = in_voting
    time = ideas["Time"]
    page = vote(browser, workshop, {f"idea-{time.pk}": "7"}).content.decode()
    assert f"Enter a number from 1 to 3 for idea {time.number}" in page
    assert 'value="7"' in page and not Ballot.objects.exists()


def test_ranks_that_skip_a_number_are_refused_in_a_sentence(in_voting, workshop):
    browser, ideas = in_voting
    trust, time = ideas["Trust"], ideas["Time"]
    page = vote(browser, workshop, {f"idea-{trust.pk}": "1", f"idea-{time.pk}": "3"})
    assert "The ranks skip 2: 2 choices must be ranked 1–2." in page.content.decode()


def test_a_re_vote_waits_for_its_own_judgement_of_face_validity(facilitator, workshop, two_voted):
    browsers, _ = two_voted
    for _ in range(2):
        assert act(facilitator, workshop, "phase_next").json()["ok"]
    judged = act(facilitator, workshop, "face_validity", verdict="partly", reason="Mostly")
    assert judged.json()["ok"]
    assert act(facilitator, workshop, "revote").json()["ok"]
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    # Nobody voted in round 2: round 1's ranking is not passed off as its result.
    seen = state(browsers[0], workshop)["question"]
    assert seen["results"] is None and not seen["face_validity"]
    page = browsers[0].get(reverse("workshops:participate", args=[workshop.join_code]))
    assert "Nobody voted in round 2." in page.content.decode()
    question = workshop.questions.first()
    assert question.face_validity == ""
    assert question.notes.filter(
        text="Round 1: the group judged the ranking to have face validity: partly. Mostly"
    ).exists()


def test_silent_generation_shows_how_many_have_written_and_nothing_of_what(facilitator, workshop):
    browsers = [join(workshop), join(workshop), join(workshop)]
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    state_url = reverse("workshops:participate_state", args=[workshop.join_code])
    before = browsers[0].get(state_url).json()
    assert before["question"]["writers"] == 0
    # Every screen is told when the count moves (a first idea), not at each later save.
    versions = []
    for text in ["A private thought", "Another private thought"]:
        versions.append(p_act(browsers[1], workshop, "draft", text=text).json()["version"])
    state = browsers[0].get(state_url).json()
    assert state["question"]["writers"] == 1 and state["question"]["voters"] == 3
    assert before["version"] < versions[0] == versions[1] == state["version"]
    assert "private thought" not in json.dumps(state)
    console = facilitator.get(reverse("workshops:run", args=[workshop.pk])).content.decode()
    assert "1 of 3</strong> have written at least one idea" in console
    assert "private thought" not in console
    act(facilitator, workshop, "phase_next")
    assert browsers[0].get(state_url).json()["question"]["writers"] is None


def every_view_answers(facilitator, browsers, workshop) -> None:
    """Every page, state endpoint, result and export of the workshop answers without error."""
    for url in [
        reverse("workshops:run", args=[workshop.pk]),
        reverse("workshops:state", args=[workshop.pk]),
        reverse("workshops:results", args=[workshop.pk]),
        *[
            reverse("workshops:export", args=[workshop.pk, f])
            for f in ["json", "csv", "xlsx", "md"]
        ],
    ]:
        assert facilitator.get(url).status_code == 200, url
    for browser in browsers:
        for name in ["participate", "participate_state", "participate_fragment"]:
            url = reverse(f"workshops:{name}", args=[workshop.join_code])
            assert browser.get(url).status_code == 200, url


@pytest.fixture
def two_voted(facilitator, workshop):
    """Voting on three ideas; P1 ranked idea 3 first, P2 ranked it second."""
    browsers = [join(workshop), join(workshop)]
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    order = list(workshop.participants.order_by("number"))
    for who, text in zip(
        [0, 1, 0], ["Trust", "Sponsorship", "Trust between mentor and mentee"], strict=True
    ):
        assert act(facilitator, workshop, "turn", participant=order[who].pk, text=text).json()["ok"]
    act(facilitator, workshop, "phase_next")
    act(facilitator, workshop, "phase_next")
    ideas = {idea.number: idea for idea in Idea.objects.filter(question__workshop=workshop)}
    p_act(browsers[0], workshop, "vote", **{f"idea-{ideas[3].pk}": "1", f"idea-{ideas[2].pk}": "2"})
    p_act(browsers[1], workshop, "vote", **{f"idea-{ideas[1].pk}": "1", f"idea-{ideas[3].pk}": "2"})
    assert Ballot.objects.count() == 2
    return browsers, ideas


def test_going_back_from_voting_sets_votes_aside_only_when_confirmed(
    facilitator, workshop, two_voted
):
    browsers, ideas = two_voted
    refused = act(facilitator, workshop, "phase_back")
    assert "2 people have voted in this round" in refused.json()["error"]
    assert Ballot.objects.count() == 2
    assert act(facilitator, workshop, "phase_back", confirm="yes").json()["ok"]
    assert not Ballot.objects.exists()
    assert workshop.questions.first().set_aside_ballots.count() == 2

    # The sequence that used to break every page: merge a voted idea, vote again, close.
    merged = act(
        facilitator, workshop, "merge", keep=ideas[1].pk, merge=[ideas[3].pk],
        agreement="The group agreed they are the same",
    )  # fmt: skip
    assert merged.json()["ok"], merged.json()
    act(facilitator, workshop, "phase_next")
    page = browsers[0].get(reverse("workshops:participate", args=[workshop.join_code]))
    text = page.content.decode()
    assert "Please vote again" in text and "your vote was set aside" in text
    # P1 ranked idea 3 first and idea 2 second; idea 3 was merged away, so idea 2 is filled
    # in first: what is filled in can be submitted as it stands.
    assert f'name="idea-{ideas[2].pk}" inputmode="numeric" value="1"' in text
    assert p_act(browsers[0], workshop, "vote", **{f"idea-{ideas[2].pk}": "1"}).json()["ok"]
    assert act(facilitator, workshop, "phase_next").json()["ok"]
    every_view_answers(facilitator, browsers, workshop)
    record = facilitator.get(reverse("workshops:export", args=[workshop.pk, "json"])).json()
    assert len(record["questions"][0]["set_aside_ballots"]) == 2
    assert any("were set aside" in note["text"] for note in record["questions"][0]["notes"])


def test_an_idea_voted_on_in_a_closed_round_cannot_be_merged(facilitator, workshop, two_voted):
    browsers, ideas = two_voted
    act(facilitator, workshop, "phase_next")  # results
    act(facilitator, workshop, "phase_next")  # discussion
    assert act(facilitator, workshop, "revote").json()["ok"]
    assert act(facilitator, workshop, "phase_back").json()["ok"]  # nobody has voted yet
    refused = act(
        facilitator, workshop, "merge", keep=ideas[1].pk, merge=[ideas[3].pk],
        agreement="Same idea",
    )  # fmt: skip
    assert "was voted on in round 1" in refused.json()["error"]
    assert not Idea.objects.filter(merged_into__isnull=False).exists()
    every_view_answers(facilitator, browsers, workshop)


def test_a_ballot_from_before_the_facilitator_went_back_and_forward_is_refused(
    facilitator, workshop
):
    """Voting, back to clarification (votes set aside), voting again: the phase is the same,
    but a page from the first opening shows the old ballot. Its key no longer matches, so
    its page reloads and what it sends is refused rather than counted against new ideas."""
    p1 = join(workshop)
    assert facilitator.post(reverse("workshops:start", args=[workshop.pk])).status_code == 302
    for _ in range(2):
        act(facilitator, workshop, "phase_next")
    assert p_act(p1, workshop, "share", text="Protected time").json()["ok"]
    assert p_act(p1, workshop, "share", text="Time set aside").json()["ok"]
    for _ in range(2):
        act(facilitator, workshop, "phase_next")
    old_key = state(p1, workshop)["phase_key"]
    idea = Idea.objects.get(text="Time set aside")
    assert act(facilitator, workshop, "phase_back").json()["ok"]
    assert act(facilitator, workshop, "phase_next").json()["ok"]

    assert state(p1, workshop)["phase_key"] != old_key
    stale = p1.post(
        reverse("workshops:participate_act", args=[workshop.join_code]),
        {"action": "vote", "phase_key": old_key, f"idea-{idea.pk}": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409 and "moved on" in stale.json()["error"]
    assert not Ballot.objects.filter(participant__workshop=workshop).exists()


def test_in_round_robin_a_participant_sees_your_turn_beside_their_own_pseudonym(
    facilitator, workshop
):
    p1, p2 = join(workshop), join(workshop)
    facilitator.post(reverse("workshops:start", args=[workshop.pk]))
    for _ in range(2):
        act(facilitator, workshop, "phase_next")
    url = reverse("workshops:participate", args=[workshop.join_code])
    mine, theirs = (b.get(url).content.decode() for b in (p1, p2))
    assert 'P1 <span class="nhsuk-tag nhsuk-tag--blue">your turn</span>' in mine
    assert 'P1 <span class="nhsuk-tag nhsuk-tag--blue">their turn</span>' in theirs
