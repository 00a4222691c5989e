"""The coordinator's matching: run, lock, remove, swap, re-run for the rest, publish."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from allied.accounts.models import ApiToken
from allied.audit.models import AuditEvent, Kind
from allied.matching import actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Cohort, MatchRun, Participant, Relationship
from tests.conftest import sign_in
from tests.programmes.world_matching import small_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(world, make_person):
    return small_cohort(world, make_person)


def page(client, cohort):
    return client.get(reverse("programmes:matching", args=[cohort.pk]))


def run(client, cohort):
    return client.post(reverse("programmes:matching_run", args=[cohort.pk]))


def state(cohort) -> dict:
    draft = actions.draft_run(cohort)
    return {"run": draft.pk, "version": actions.run_version(draft)}


def test_running_matching_proposes_pairs_and_says_why_the_rest_are_unmatched(client, world, small):
    sign_in(client, world["carol"])
    response = run(client, small["cohort"])
    assert response.status_code == 302
    draft = actions.draft_run(small["cohort"])
    assert draft.proposals.count() == 2
    assert len(draft.unmatched) == 1
    assert "all their places went to others" in draft.unmatched[0]["reason"]
    for proposal in draft.proposals.all():
        assert proposal.explanation and proposal.score > 0
    html = page(client, small["cohort"]).content.decode()
    for proposal in draft.proposals.select_related("mentee__user", "mentor__user"):
        assert f"{proposal.mentee.user.full_name} with {proposal.mentor.user.full_name}" in html
        assert proposal.explanation[0] in html
    assert "all their places went to others" in html
    # People are named as the coordinator knows them, without the database's ids.
    for proposal in draft.proposals.select_related("mentee__user", "mentor__user"):
        for place in (proposal.mentee, proposal.mentor):
            assert f"{place.user.full_name} ({place.pk})" not in " ".join(proposal.explanation)
            assert place.user.full_name in " ".join(proposal.explanation)
    assert f"({draft.unmatched[0]['participant']})" not in draft.unmatched[0]["reason"]
    # The stored explanations say whether ethnicity and gender preferences were met, but
    # never copy anyone's ethnic group or gender: those are read only on the audited path.
    from allied.core.matching import vocabulary as v

    stored = " ".join(" ".join(p.explanation) for p in draft.proposals.all()) + " ".join(
        u["reason"] for u in draft.unmatched
    )
    assert "ethnic group" in stored
    for label in [label for _, label in v.ETHNIC_GROUPS + v.GENDERS]:
        assert label not in stored, label
    # The engine read ethnicity and gender: that read is in the audit log.
    assert AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED, subject="matching")


def test_one_draft_per_cohort_however_often_matching_runs(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    run(client, small["cohort"])
    assert small["cohort"].match_runs.filter(status=MatchRun.Status.DRAFT).count() == 1
    assert actions.draft_run(small["cohort"]).proposals.count() == 2


def test_a_locked_pair_survives_a_re_run(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    draft = actions.draft_run(small["cohort"])
    # Move the unmatched mentee onto a mentor, locked, so the re-run must work around it.
    unmatched = draft.unmatched[0]["participant"]
    victim = draft.proposals.first()
    client.post(
        reverse("programmes:matching_remove", args=[small["cohort"].pk, victim.pk]),
        state(small["cohort"]),
    )
    client.post(
        reverse("programmes:matching_assign", args=[small["cohort"].pk]),
        {**state(small["cohort"]), "mentee": unmatched, "mentor": victim.mentor_id},
    )
    locked = draft.proposals.get(mentee_id=unmatched)
    assert locked.locked and locked.mentor_id == victim.mentor_id
    run(client, small["cohort"])
    again = actions.draft_run(small["cohort"]).proposals.get(mentee_id=unmatched)
    assert again.pk == locked.pk and again.mentor_id == victim.mentor_id and again.locked


def test_lock_and_unlock_a_pair(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    proposal = actions.draft_run(small["cohort"]).proposals.first()
    url = reverse("programmes:matching_lock", args=[small["cohort"].pk, proposal.pk])
    client.post(url, {**state(small["cohort"]), "locked": "yes"})
    proposal.refresh_from_db()
    assert proposal.locked
    client.post(url, {**state(small["cohort"]), "locked": "no"})
    proposal.refresh_from_db()
    assert not proposal.locked


def test_after_a_change_the_coordinator_returns_to_the_same_view_of_the_draft(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    proposal = actions.draft_run(small["cohort"]).proposals.first()
    page = client.get(
        reverse("programmes:matching", args=[small["cohort"].pk]),
        {"show": "unlocked", "sort": "score", "q": "a"},
    ).content.decode()
    assert 'name="back" value="show=unlocked&amp;sort=score&amp;q=a"' in page
    url = reverse("programmes:matching_lock", args=[small["cohort"].pk, proposal.pk])
    back = "show=unlocked&sort=score&q=a&pairs=2&next=//evil.example"
    done = client.post(url, {**state(small["cohort"]), "locked": "yes", "back": back})
    target = done["Location"]
    assert target.startswith(reverse("programmes:matching", args=[small["cohort"].pk]) + "?")
    assert sorted(target.split("?")[1].split("&")) == [
        "pairs=2",
        "q=a",
        "show=unlocked",
        "sort=score",
    ]


def test_a_removed_pair_leaves_the_mentee_unmatched_and_is_not_proposed_again(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    proposal = actions.draft_run(small["cohort"]).proposals.first()
    mentee, mentor = proposal.mentee_id, proposal.mentor_id
    client.post(
        reverse("programmes:matching_remove", args=[small["cohort"].pk, proposal.pk]),
        state(small["cohort"]),
    )
    draft = actions.draft_run(small["cohort"])
    assert not draft.proposals.filter(mentee_id=mentee).exists()
    entry = next(e for e in draft.unmatched if e["participant"] == mentee)
    assert entry["reason"] == actions.REMOVED
    assert "Removed by the coordinator" in page(client, small["cohort"]).content.decode()
    run(client, small["cohort"])
    assert not (
        actions.draft_run(small["cohort"]).proposals.filter(mentee_id=mentee, mentor_id=mentor)
    ).exists()


def test_a_swap_to_a_full_mentor_is_refused_with_a_clear_message(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    draft = actions.draft_run(small["cohort"])
    first, second = draft.proposals.order_by("pk")
    response = client.post(
        reverse("programmes:matching_assign", args=[small["cohort"].pk]),
        {**state(small["cohort"]), "mentee": first.mentee_id, "mentor": second.mentor_id},
        follow=True,
    )
    assert "has no free place" in response.content.decode()
    first.refresh_from_db()
    assert first.mentor_id != second.mentor_id


def test_a_swap_to_a_mentor_with_a_free_place_moves_the_mentee(client, world, make_person):
    small = small_cohort(world, make_person, capacity=2)
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    draft = actions.draft_run(small["cohort"])
    proposal = draft.proposals.first()
    other = next(m for m in small["mentors"] if m.pk != proposal.mentor_id)
    client.post(
        reverse("programmes:matching_assign", args=[small["cohort"].pk]),
        {**state(small["cohort"]), "mentee": proposal.mentee_id, "mentor": other.pk},
    )
    proposal.refresh_from_db()
    assert proposal.mentor_id == other.pk and proposal.locked


def test_an_action_from_a_stale_page_changes_nothing(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    old = state(small["cohort"])
    proposal = actions.draft_run(small["cohort"]).proposals.first()
    client.post(
        reverse("programmes:matching_lock", args=[small["cohort"].pk, proposal.pk]),
        {**old, "locked": "yes"},
    )
    response = client.post(
        reverse("programmes:matching_remove", args=[small["cohort"].pk, proposal.pk]),
        old,
        follow=True,
    )
    assert "has changed since you opened this page" in response.content.decode()
    assert actions.draft_run(small["cohort"]).proposals.filter(pk=proposal.pk).exists()


def test_publishing_starts_every_relationship_once_and_emails_both_people(
    client, world, small, django_capture_on_commit_callbacks
):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    shown = state(small["cohort"])
    draft_unmatched = actions.draft_run(small["cohort"]).unmatched
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes:matching_publish", args=[small["cohort"].pk]), shown
        )
    assert response.status_code == 302
    made = Relationship.objects.filter(cohort=small["cohort"])
    assert made.count() == 2
    assert set(made.values_list("status", "source")) == {("active", "coordinator")}
    assert all(r.started_at for r in made)
    small["cohort"].refresh_from_db()
    assert small["cohort"].status == Cohort.Status.RUNNING
    assert MatchRun.objects.get(pk=shown["run"]).status == MatchRun.Status.PUBLISHED
    assert AuditEvent.objects.filter(kind=Kind.MATCHES_PUBLISHED).count() == 1
    # Both people of each pair, and the mentee left unmatched (told what happens next).
    assert len(mail.outbox) == 5
    (left,) = draft_unmatched
    (told,) = [m for m in mail.outbox if m.subject.startswith("About matching")]
    assert told.to == [Participant.objects.get(pk=left["participant"]).user.email]
    for relationship in made:
        for person in (relationship.mentee.user, relationship.mentor.user):
            (message,) = [m for m in mail.outbox if m.to == [person.email]]
            assert f"/relationships/{relationship.pk}/" in message.body
    # Publishing the same page again creates nothing.
    response = client.post(
        reverse("programmes:matching_publish", args=[small["cohort"].pk]), shown, follow=True
    )
    assert "already been published" in response.content.decode()
    assert Relationship.objects.filter(cohort=small["cohort"]).count() == 2


def test_a_mentee_who_already_has_a_mentor_is_never_published_twice(world, small):
    cohort = small["cohort"]
    draft = actions.matching_run(cohort=cohort, by=world["carol"])
    proposal = draft.proposals.first()
    # Meanwhile the mentee got a mentor some other way.
    Relationship.objects.create(
        cohort=cohort,
        mentee=proposal.mentee,
        mentor=proposal.mentor,
        status="active",
        source="coordinator",
    )
    with pytest.raises(ProgrammeError):
        actions.matching_publish(
            cohort=cohort,
            run_id=draft.pk,
            version=actions.run_version(draft),
            by=world["carol"],
        )
    assert Relationship.objects.filter(mentee=proposal.mentee).count() == 1
    draft.refresh_from_db()
    assert draft.status == MatchRun.Status.DRAFT


def test_publish_refuses_a_mentor_over_capacity(world, small):
    cohort = small["cohort"]
    draft = actions.matching_run(cohort=cohort, by=world["carol"])
    mentor = draft.proposals.first().mentor
    mentor.capacity = 0
    mentor.save()
    with pytest.raises(ProgrammeError, match="more mentees than places"):
        actions.matching_publish(
            cohort=cohort, run_id=draft.pk, version=actions.run_version(draft), by=None
        )
    assert not Relationship.objects.filter(cohort=cohort).exists()


def test_re_running_leaves_out_mentees_who_already_have_a_mentor(world, small):
    cohort = small["cohort"]
    mentee = small["mentees"][0]
    Relationship.objects.create(
        cohort=cohort,
        mentee=mentee,
        mentor=small["mentors"][0],
        status="active",
        source="coordinator",
    )
    draft = actions.matching_run(cohort=cohort, by=world["carol"])
    assert not draft.proposals.filter(mentee=mentee).exists()
    assert mentee.pk not in [e["participant"] for e in draft.unmatched]
    # Dan's only place is taken: the other two mentees share Eve's single place.
    assert draft.proposals.count() == 1


def test_malformed_input_gives_a_message_never_an_error(client, world, small):
    sign_in(client, world["carol"])
    run(client, small["cohort"])
    for data in ({}, {"run": "x", "version": "y"}, {"run": "9" * 40, "version": "", "mentee": "1"}):
        for name in ("matching_publish", "matching_assign"):
            response = client.post(reverse(f"programmes:{name}", args=[small["cohort"].pk]), data)
            assert response.status_code == 302
    assert not Relationship.objects.filter(cohort=small["cohort"]).exists()


def test_the_matching_api_runs_shows_and_publishes(client, world, small):
    # Made with Carol's two-factor code, as the token endpoint makes a coordinator's.
    _, secret = ApiToken.issue(user=world["carol"], name="t", verified=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    cohort = small["cohort"]
    answer = client.post(reverse("programmes:api_matching_run", args=[cohort.pk]), **headers)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert len(body["pairs"]) == 2 and len(body["unmatched"]) == 1
    assert body["pairs"][0]["explanation"] and body["unmatched"][0]["reason"]
    fetched = client.get(reverse("programmes:api_matching", args=[cohort.pk]), **headers).json()
    assert fetched == body
    stale = client.post(
        reverse("programmes:api_matching_publish", args=[cohort.pk]),
        {"run": body["run"], "version": "old"},
        content_type="application/json",
        **headers,
    )
    assert stale.status_code == 409
    published = client.post(
        reverse("programmes:api_matching_publish", args=[cohort.pk]),
        {"run": body["run"], "version": body["version"]},
        content_type="application/json",
        **headers,
    )
    assert published.status_code == 201
    assert len(published.json()["relationships"]) == 2
    again = client.post(
        reverse("programmes:api_matching_publish", args=[cohort.pk]),
        {"run": body["run"], "version": body["version"]},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409
    assert Relationship.objects.filter(cohort=cohort).count() == 2
