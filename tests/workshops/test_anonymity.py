"""Anonymity people can trust: chosen before anyone agrees, raised but never lowered once the
workshop starts, and, when strict, the link between a person and what they said destroyed
when the workshop finishes, everywhere Allied keeps anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allied.workshops import actions
from allied.workshops.models import (
    Ballot,
    Characteristics,
    DraftIdea,
    Idea,
    Participant,
    Phase,
    Question,
    Turn,
    Workshop,
)
from allied.workshops.results import panel_counts
from tests.consensus.conftest import finish_workshop
from tests.rights.helpers import scan
from tests.workshops.conftest import join

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Zqanon Person", "zqanon.person@alder.example"


def details(workshop, **changes):
    return {
        "title": workshop.title,
        "purpose": workshop.purpose,
        "briefing": workshop.briefing,
        "date": "",
        "consent_statement": workshop.consent_statement,
        "participant_limit": "",
        "shuffle_ballots": "on",
        "anonymity": workshop.anonymity,
        **changes,
    }


def test_people_are_told_how_anonymous_they_are_before_they_agree(client, workshop):
    Workshop.objects.filter(pk=workshop.pk).update(anonymity=Workshop.Anonymity.STRICT)
    page = client.get(reverse("workshops:join_code", args=[workshop.join_code])).content.decode()
    assert "How anonymous you are" in page
    assert "When it finishes, Allied destroys that key" in page
    assert "Backups taken before then still hold the key until they expire" in page


def test_anonymity_can_be_raised_once_started_but_never_lowered(client, signed_in, fay, workshop):
    signed_in(fay)
    url = reverse("workshops:edit", args=[workshop.pk])
    # Before the start, any choice.
    assert client.post(url, details(workshop, anonymity="strict")).status_code == 302
    assert client.post(url, details(workshop, anonymity="named")).status_code == 302
    join(workshop)
    client.post(reverse("workshops:start", args=[workshop.pk]))
    workshop.refresh_from_db()
    assert client.post(url, details(workshop, anonymity="strict")).status_code == 302
    workshop.refresh_from_db()
    assert workshop.anonymity == "strict"
    refused = client.post(url, details(workshop, anonymity="named", title="Changed"))
    assert "never lowered" in refused.content.decode()
    workshop.refresh_from_db()
    assert (workshop.anonymity, workshop.title) == ("strict", "What matters in mentoring")


def test_finishing_a_strict_workshop_destroys_every_link_to_the_person(org, fay):
    workshop = finish_workshop(org, fay, title="Strict workshop")
    # Make it strict and give P1 a key, answers and a private draft, as if from the start.
    workshop.status = Workshop.Status.LIVE
    workshop.anonymity = Workshop.Anonymity.STRICT
    workshop.save(update_fields=["status", "anonymity"])
    person = workshop.participants.order_by("number").first()
    Participant.objects.filter(pk=person.pk).update(
        real_name=NAME, email=EMAIL, invite_digest="zqanon" * 8, session_digest="zqanon" * 8
    )
    Characteristics.objects.create(participant=person, ethnic_group="Black Caribbean")
    question = workshop.questions.get()
    DraftIdea.objects.create(
        question=question, participant=person, client_id=question.ideas.first().client_id,
        text="zqanon private thought",
    )  # fmt: skip
    before = panel_counts(workshop)
    # The workshop finishes (its last question's final discussion is over).
    workshop.current_question = question
    workshop.save(update_fields=["current_question"])
    actions.question_next(workshop=workshop, by=fay)
    workshop.refresh_from_db()

    assert workshop.status == Workshop.Status.FINISHED
    assert workshop.identities_destroyed_at is not None
    # Nothing anywhere holds the person's name, email, tokens, answers or private words.
    assert scan("zqanon") == set()
    person.refresh_from_db()
    assert (person.real_name, person.email, person.invite_digest, person.session_digest) == (
        "",
        "",
        "",
        "",
    )
    assert person.added_by_id is None
    # What they said stays, under a pseudonym nobody can resolve; only counts of the answers.
    assert Idea.objects.filter(question=question).exists()
    assert Ballot.objects.filter(question=question).exists()
    kept = dict(workshop.panel_counts)
    # How many wrote in silence is kept too: the drafts themselves are gone.
    assert kept.pop("_wrote_in_silence") == {"1": 1}
    assert kept == before
    assert not Characteristics.objects.filter(participant__workshop=workshop).exists()
    assert not DraftIdea.objects.filter(question__workshop=workshop).exists()
    # Follow every link from the participant row: none leads to a person.
    for field in Participant._meta.get_fields():
        if field.is_relation and field.many_to_one and field.related_model.__name__ == "User":
            assert getattr(person, field.attname) is None, field.name


def test_after_destruction_the_pseudonym_key_page_says_so(client, signed_in, org, fay):
    workshop = finish_workshop(org, fay, title="Strict afterwards")
    actions.anonymity_set(workshop=workshop, anonymity="strict", by=fay)
    signed_in(fay)
    page = client.get(reverse("workshops:identities", args=[workshop.pk])).content.decode()
    assert "was destroyed on" in page and "Pseudonyms and people" not in page
    # The appendix still counts the panel from the counts kept.
    appendix = client.get(reverse("workshops:appendix", args=[workshop.pk])).content.decode()
    assert "Profession of those who took part" in appendix


def test_raising_a_finished_workshop_to_strict_destroys_at_once_and_cannot_be_undone(org, fay):
    workshop = finish_workshop(org, fay, title="Raised afterwards")
    Participant.objects.filter(workshop=workshop).update(real_name=NAME)
    actions.anonymity_set(workshop=workshop, anonymity="strict", by=fay)
    assert not Participant.objects.filter(real_name=NAME).exists()
    with pytest.raises(actions.WorkshopError, match="never lowered"):
        actions.anonymity_set(workshop=workshop, anonymity="named", by=fay)


def test_a_named_workshop_keeps_its_key_when_it_finishes(org, fay):
    workshop = finish_workshop(org, fay, title="Named")
    assert workshop.identities_destroyed_at is None
    assert Turn.objects.filter(question__workshop=workshop).exists()
    assert workshop.panel_counts is None


def test_a_participant_can_check_who_took_part_but_never_what_anyone_chose(org, fay):
    from django.test import Client

    workshop = finish_workshop(org, fay, title="Checked")
    workshop.status = Workshop.Status.LIVE
    workshop.save(update_fields=["status"])
    browser = join(workshop)  # joins with the code: taking part, with a token of their own
    me = workshop.participants.order_by("-number").first()
    # Joining late, they wait until the facilitator lets them in: until then, nothing to see.
    assert (
        browser.get(reverse("workshops:participation", args=[workshop.join_code])).status_code
        == 404
    )
    actions.participant_admit(workshop=workshop, participant=me, by=fay)
    page = browser.get(reverse("workshops:participation", args=[workshop.join_code]))
    text = page.content.decode()
    assert f"You are <strong>{me.pseudonym}</strong>" in text
    assert f"{me.pseudonym} (you)" in text
    # The four who voted are listed as having voted; the newcomer as not.
    assert text.count(">Yes</td>") == 8  # four took part in round-robin and voted
    assert "Honest conversations" not in text  # never what anyone said or chose
    # Someone who has not joined sees nothing.
    stranger = Client()
    assert (
        stranger.get(reverse("workshops:participation", args=[workshop.join_code])).status_code
        == 404
    )


def test_once_anyone_has_agreed_anonymity_cannot_be_lowered_even_in_a_draft(workshop, fay):
    actions.anonymity_set(workshop=workshop, anonymity="strict", by=fay)
    join(workshop)
    assert workshop.participants.get().consented_anonymity == "strict"
    with pytest.raises(actions.WorkshopError, match="never lowered"):
        actions.anonymity_set(workshop=workshop, anonymity="named", by=fay)


def test_the_counts_kept_are_in_the_order_of_the_answers_not_of_the_people(org, fay):
    # The same answers given in two different orders are kept in the same order: the first
    # answer listed is never the first person's (whatever order the database keeps keys in).
    kept = []
    for title, order in (
        ("One", ["Zeta", "Alpha", "Alpha", "Mu"]),
        ("Two", ["Mu", "Alpha", "Zeta", "Alpha"]),
    ):
        workshop = finish_workshop(org, fay, title=title)
        people = list(workshop.participants.order_by("number"))
        for person, said in zip(people, order, strict=True):
            Characteristics.objects.create(participant=person, ethnic_group=said, gender=said)
        actions.anonymity_set(workshop=workshop, anonymity="strict", by=fay)
        workshop.refresh_from_db()
        kept.append(list(workshop.panel_counts["ethnic_group"]))
    assert kept[0] == kept[1]
    assert sorted(kept[0]) == ["Alpha", "Mu", "Zeta"]


def test_a_strict_workshops_pseudonyms_say_nothing_of_the_order_people_came_in(org, fay):
    workshop = Workshop.objects.create(
        organisation=org, title="Random", created_by=fay, anonymity=Workshop.Anonymity.STRICT
    )
    numbers = [
        actions.participant_add(workshop=workshop, real_name=f"Person {i}", by=fay)[0].number
        for i in range(20)
    ]
    assert len(set(numbers)) == 20 and numbers != sorted(numbers)


def test_after_a_strict_finish_people_who_took_part_see_it_has_finished_and_no_one_is_added(
    org, fay
):
    workshop = Workshop.objects.create(
        organisation=org, title="Invited", created_by=fay, anonymity=Workshop.Anonymity.STRICT
    )
    Question.objects.create(workshop=workshop, order=1, text="What matters?")
    _, token = actions.participant_add(workshop=workshop, real_name=NAME, email=EMAIL, by=fay)
    from django.test import Client

    browser = Client()
    browser.post(
        reverse("workshops:join_invited", args=[workshop.join_code, token]), {"consent": "on"}
    )
    late = join(workshop)
    actions.workshop_start(workshop=workshop, by=fay)
    # The last question's final discussion ends: the workshop finishes, and its key goes.
    question = workshop.questions.get()
    Question.objects.filter(pk=question.pk).update(phase=Phase.DISCUSSION)
    actions.question_next(workshop=workshop, by=fay)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.FINISHED and workshop.identities_destroyed_at
    assert scan("zqanon") == set()
    for who in (browser, late):
        page = who.get(reverse("workshops:participate", args=[workshop.join_code]))
        assert "The workshop has finished" in page.content.decode()
        state = who.get(reverse("workshops:participate_state", args=[workshop.join_code]))
        assert state.json()["status"] == "finished"
    with pytest.raises(actions.WorkshopError, match="finished"):
        actions.participant_add(workshop=workshop, real_name="Late Name", by=fay)
