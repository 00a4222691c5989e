"""A pair whose mentoring ended is not proposed again unasked (issue 18, defects 1 and 3).

A coordinator who pairs people against a hard rule, an ended pair among them, is told which
rule before anything changes, gives a reason, and is told plainly after; the override is
recorded with who made it and why.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from allied.accounts.models import ApiToken
from allied.audit.models import AuditEvent, Kind
from allied.matching import actions
from allied.mentoring.relationship import relationship_end
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Relationship
from tests.conftest import sign_in
from tests.programmes.world_matching import small_cohort

pytestmark = pytest.mark.django_db

ENDED = "not matched again with the mentor of a relationship that ended"


def state(cohort) -> dict:
    draft = actions.draft_run(cohort)
    return {"run": draft.pk, "version": actions.run_version(draft)}


def published_then_ended(world, make_person):
    """Every mentee matched and published; then Ada's mentoring ends, no fault."""
    small = small_cohort(world, make_person, capacity=2)
    cohort = small["cohort"]
    actions.matching_run(cohort=cohort, by=world["carol"])
    actions.matching_publish(cohort=cohort, **_state(cohort), by=world["carol"])
    ada = small["mentees"][0]
    ended = Relationship.objects.get(mentee=ada, status=Relationship.Status.ACTIVE)
    relationship_end(relationship=ended, by=ada.user, ending=Relationship.Ending.NO_FAULT)
    return {**small, "ada": ada, "former": ended.mentor}


def _state(cohort) -> dict:
    shown = state(cohort)
    return {"run_id": shown["run"], "version": shown["version"]}


def test_re_running_after_an_ending_never_proposes_the_ended_pair_and_says_why(
    client, world, make_person
):
    small = published_then_ended(world, make_person)
    sign_in(client, world["carol"])
    client.post(reverse("programmes:matching_run", args=[small["cohort"].pk]))
    draft = actions.draft_run(small["cohort"])
    assert not draft.proposals.filter(mentee=small["ada"], mentor=small["former"]).exists()
    proposal = draft.proposals.filter(mentee=small["ada"]).first()
    if proposal is not None:
        said = " ".join(proposal.explanation)
    else:
        (entry,) = [e for e in draft.unmatched if e["participant"] == small["ada"].pk]
        said = entry["reason"]
    assert ENDED in said
    html = client.get(reverse("programmes:matching", args=[small["cohort"].pk])).content.decode()
    assert ENDED in html


def test_pairing_an_ended_pair_again_asks_for_a_reason_first_and_records_it(
    client, world, make_person
):
    small = published_then_ended(world, make_person)
    cohort = small["cohort"]
    sign_in(client, world["carol"])
    client.post(reverse("programmes:matching_run", args=[cohort.pk]))
    url = reverse("programmes:matching_assign", args=[cohort.pk])
    asked = {**state(cohort), "mentee": small["ada"].pk, "mentor": small["former"].pk}
    before = list(actions.draft_run(cohort).proposals.values_list("mentee", "mentor"))

    # Warned before: nothing changes until the coordinator gives a reason.
    warning = client.post(url, asked)
    assert warning.status_code == 200
    text = warning.content.decode()
    assert "Their mentoring together ended." in text
    assert "Pair them anyway" in text
    assert list(actions.draft_run(cohort).proposals.values_list("mentee", "mentor")) == before
    # The page's own form says it is the confirmation.
    confirm = {**asked, "confirming": "yes"}
    blank = client.post(url, {**confirm, "override_reason": "   "})
    assert "Say why" in blank.content.decode()
    assert list(actions.draft_run(cohort).proposals.values_list("mentee", "mentor")) == before

    # With a reason: paired, locked, said plainly, and recorded.
    reason = "Both asked to carry on after a break; agreed at the review."
    done = client.post(url, {**confirm, "override_reason": reason}, follow=True)
    page = done.content.decode()
    assert "overriding a hard rule" in page and "their mentoring together ended" in page
    proposal = actions.draft_run(cohort).proposals.get(mentee=small["ada"])
    assert proposal.mentor_id == small["former"].pk and proposal.locked
    assert proposal.override_reason == reason
    assert proposal.overridden_by == world["carol"]
    assert reason in page
    (event,) = AuditEvent.objects.filter(kind=Kind.MATCH_RULE_OVERRIDDEN)
    assert event.actor == world["carol"]
    assert event.detail["rules"] == ["ended_before"]
    assert event.detail["reason"] == reason
    # A re-run keeps the pair the coordinator chose, and publishing starts it again.
    actions.matching_run(cohort=cohort, by=world["carol"])
    assert (
        actions.draft_run(cohort)
        .proposals.filter(mentee=small["ada"], mentor=small["former"])
        .exists()
    )
    actions.matching_publish(cohort=cohort, **_state(cohort), by=world["carol"])
    assert Relationship.objects.filter(
        mentee=small["ada"], mentor=small["former"], status=Relationship.Status.ACTIVE
    ).exists()


def test_a_swap_that_breaks_no_rule_needs_no_reason(world, make_person):
    small = small_cohort(world, make_person, capacity=2)
    cohort = small["cohort"]
    actions.matching_run(cohort=cohort, by=world["carol"])
    proposal = actions.draft_run(cohort).proposals.first()
    other = next(m for m in small["mentors"] if m.pk != proposal.mentor_id)
    moved = actions.proposal_assign(
        cohort=cohort, **_state(cohort), mentee_id=proposal.mentee_id, mentor_id=other.pk
    )
    assert moved.mentor_id == other.pk and moved.override_reason == ""
    assert not AuditEvent.objects.filter(kind=Kind.MATCH_RULE_OVERRIDDEN).exists()


def test_the_action_refuses_a_breach_without_a_reason(world, make_person):
    small = published_then_ended(world, make_person)
    cohort = small["cohort"]
    actions.matching_run(cohort=cohort, by=world["carol"])
    with pytest.raises(actions.RuleBreach) as refused:
        actions.proposal_assign(
            cohort=cohort,
            **_state(cohort),
            mentee_id=small["ada"].pk,
            mentor_id=small["former"].pk,
            by=world["carol"],
        )
    assert isinstance(refused.value, ProgrammeError)
    assert [b.code for b in refused.value.breaches] == ["ended_before"]


def test_the_api_swap_refuses_a_breach_without_a_reason_and_takes_one(client, world, make_person):
    small = published_then_ended(world, make_person)
    cohort = small["cohort"]
    _, secret = ApiToken.issue(user=world["carol"], name="t", verified=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = client.post(reverse("programmes:api_matching_run", args=[cohort.pk]), **headers).json()
    asked = {
        "run": body["run"],
        "version": body["version"],
        "mentee": small["ada"].pk,
        "mentor": small["former"].pk,
    }
    url = reverse("programmes:api_matching_swap", args=[cohort.pk])
    refused = client.post(url, asked, content_type="application/json", **headers)
    assert refused.status_code == 409
    assert "their mentoring together ended" in refused.json()["error"]
    done = client.post(
        url,
        {**asked, "override_reason": "They asked to carry on."},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200, done.content
    (pair,) = [p for p in done.json()["pairs"] if p["mentee"]["id"] == small["ada"].pk]
    assert pair["mentor"]["id"] == small["former"].pk
    assert pair["override_reason"] == "They asked to carry on."


def test_a_mentee_left_unmatched_at_publishing_is_told_what_happens_next(
    client, world, make_person, django_capture_on_commit_callbacks, mailoutbox
):
    small = small_cohort(world, make_person, capacity=1)
    cohort = small["cohort"]
    actions.matching_run(cohort=cohort, by=world["carol"])
    (left,) = actions.draft_run(cohort).unmatched
    place = next(p for p in small["mentees"] if p.pk == left["participant"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.matching_publish(cohort=cohort, **_state(cohort), by=world["carol"])
    (told,) = [m for m in mailoutbox if m.to == [place.user.email]]
    assert "We could not match you this time" in told.body
    assert "the mentors who suit you are fully booked" in told.body
    assert "You stay in" in told.body and "/places/" not in told.subject
    # Nothing in it about anyone else.
    for other in [*small["mentees"], *small["mentors"]]:
        if other.pk != place.pk:
            assert other.user.full_name not in told.body
    sign_in(client, place.user)
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Matches were published on" in page and "We could not match you this time" in page
    assert "the mentors who suit you are fully booked" in page


def test_the_warning_keeps_the_audited_read_that_found_the_breach(client, world, make_person):
    small = published_then_ended(world, make_person)
    cohort = small["cohort"]
    actions.matching_run(cohort=cohort, by=world["carol"])
    sign_in(client, world["carol"])
    reads = AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).count()
    asked = {**state(cohort), "mentee": small["ada"].pk, "mentor": small["former"].pk}
    warning = client.post(reverse("programmes:matching_assign", args=[cohort.pk]), asked)
    assert "This pair breaks a hard rule" in warning.content.decode()
    assert AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).count() == reads + 1


def test_an_ending_in_another_organisation_does_not_keep_a_pair_apart_here(world, make_person):
    from datetime import date

    from allied.matching import engine
    from allied.programmes.models import Cohort, Participant, Programme

    small = small_cohort(world, make_person, capacity=2)
    ada, dan = small["mentees"][0], small["mentors"][0]
    elsewhere = Cohort.objects.create(
        programme=Programme.objects.create(organisation=world["other"], name="Theirs"),
        name="Earlier",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    places = [
        Participant.objects.create(cohort=elsewhere, user=p.user, side=p.side) for p in (ada, dan)
    ]
    Relationship.objects.create(
        cohort=elsewhere, mentee=places[0], mentor=places[1], status=Relationship.Status.ENDED
    )
    assert engine.ended_pairs([ada], [dan]) == {}
    # The same ending in one of this organisation's cohorts keeps them apart.
    elsewhere.programme.organisation = world["own"]
    elsewhere.programme.save()
    assert engine.ended_pairs([ada], [dan]) == {ada.pk: frozenset({str(dan.pk)})}


def test_a_search_with_a_nul_character_is_ignored_not_an_error(client, world, make_person):
    small = small_cohort(world, make_person)
    cohort = small["cohort"]
    actions.matching_run(cohort=cohort, by=world["carol"])
    sign_in(client, world["carol"])
    for url in (
        reverse("programmes:matching", args=[cohort.pk]),
        reverse("programmes:matching_choose", args=[cohort.pk, small["mentees"][0].pk]),
    ):
        assert client.get(url, {"q": "Ada\x00"}).status_code == 200
