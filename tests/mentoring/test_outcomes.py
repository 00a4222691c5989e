"""Career progression outcomes: a participant records them, the coordinator confirms them.

The world gives Mia (mentee, own side) one pending outcome, a promotion on 1 March 2026.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from allied.audit.models import AuditEvent, Kind
from allied.base.submissions import new_key
from allied.mentoring import outcomes as actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import CareerOutcome, Participant
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PROMOTION = {"kind": "promotion", "happened_on": "2026-01-15", "description": "Team lead"}


def _new(place) -> str:
    return reverse("programmes:outcome_new", args=[place.pk])


def _list(place) -> str:
    return reverse("programmes:outcomes", args=[place.pk])


def _decide(outcome) -> str:
    return reverse("programmes:outcome_decide", args=[outcome.pk])


def _decision(outcome, decision="confirmed", note="") -> dict:
    return {"decision": decision, "note": note, "seen": actions.outcome_fingerprint(outcome)}


# Recording ---------------------------------------------------------------------------------


def test_a_mentee_records_an_outcome_which_waits_for_the_coordinator(client, world):
    place = world["mentee_place_own"]
    sign_in(client, world["mia"])
    assert client.get(_new(place)).status_code == 200
    response = client.post(_new(place), {**PROMOTION, "submission": new_key()}, follow=True)
    page = response.content.decode()
    assert "Your outcome has been recorded" in page
    outcome = place.outcomes.get(happened_on=date(2026, 1, 15))
    assert outcome.kind == CareerOutcome.Kind.PROMOTION
    assert outcome.status == CareerOutcome.Status.PENDING
    assert outcome.description == "Team lead"
    assert "Waiting for the coordinator" in page and "15 January 2026" in page
    event = AuditEvent.objects.filter(kind=Kind.OUTCOME_RECORDED).latest("pk")
    assert event.detail == {
        "participant": place.pk,
        "outcome_kind": "promotion",
        "action": "recorded",
    }
    assert "Team lead" not in str(event.detail) + event.subject


def test_a_mentor_records_a_band_change_with_the_band_they_moved_to(client, world):
    place = world["mentor_place_own"]
    sign_in(client, world["max_mentor"])
    data = {"kind": "band_change", "happened_on": "2025-11-03", "new_band": "band_8a"}
    client.post(_new(place), {**data, "submission": new_key()})
    outcome = place.outcomes.get()
    assert (outcome.kind, outcome.new_band) == ("band_change", "band_8a")
    assert "Band 8a" in client.get(_list(place)).content.decode()


def test_a_band_given_for_another_kind_of_outcome_is_not_kept(client, world):
    place = world["mentor_place_own"]
    sign_in(client, world["max_mentor"])
    client.post(_new(place), {**PROMOTION, "new_band": "band_8a", "submission": new_key()})
    assert place.outcomes.get().new_band == ""


def test_the_same_form_sent_twice_records_one_outcome(client, world):
    place = world["mentee_place_own"]
    sign_in(client, world["mia"])
    before = place.outcomes.count()
    data = {**PROMOTION, "submission": new_key()}
    first = client.post(_new(place), data, follow=True)
    second = client.post(_new(place), data, follow=True)
    assert "Your outcome has been recorded" in first.content.decode()
    assert place.outcomes.count() == before + 1
    assert "Your outcome has been recorded" not in second.content.decode()
    assert AuditEvent.objects.filter(kind=Kind.OUTCOME_RECORDED).count() == 1


def test_a_key_used_in_another_place_is_refused_and_records_nothing(client, world):
    key = new_key()
    sign_in(client, world["max_mentor"])
    client.post(_new(world["mentor_place_own"]), {**PROMOTION, "submission": key})
    sign_in(client, world["mia"])
    place = world["mentee_place_own"]
    before = place.outcomes.count()
    response = client.post(_new(place), {**PROMOTION, "submission": key})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert place.outcomes.count() == before


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"happened_on": _tomorrow}, "cannot be in the future"),
        ({"happened_on": "1999-12-31"}, "Enter a date in 2000 or later."),
        ({"happened_on": ""}, "Enter the date it happened."),
        ({"happened_on": "2026-02-30"}, "Enter a real date"),
        ({"kind": ""}, "Choose what happened."),
        ({"kind": "knighthood"}, "Choose what happened."),
        ({"kind": "band_change"}, "Choose the band or career stage you moved to."),
        ({"kind": "band_change", "new_band": "band_99"}, "Choose a band or career stage from"),
        ({"kind": "other", "description": "  "}, "Describe what happened"),
        ({"description": "x" * 301}, "300 characters or fewer (it has 301)"),
    ],
)
def test_bad_input_is_explained_and_records_nothing(client, world, change, message):
    place = world["mentee_place_own"]
    sign_in(client, world["mia"])
    before = place.outcomes.count()
    data = {**PROMOTION, "submission": new_key()}
    data.update({k: v() if callable(v) else v for k, v in change.items()})
    response = client.post(_new(place), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert place.outcomes.count() == before
    assert not AuditEvent.objects.filter(kind=Kind.OUTCOME_RECORDED).exists()


def test_today_and_the_first_of_2000_are_accepted(client, world):
    place = world["mentee_place_own"]
    sign_in(client, world["mia"])
    for day in (timezone.localdate().isoformat(), "2000-01-01"):
        response = client.post(_new(place), {**PROMOTION, "happened_on": day})
        assert response.status_code == 302, day
    assert place.outcomes.count() == 3


# Changing and withdrawing -------------------------------------------------------------------


def test_a_pending_outcome_can_be_changed(client, world):
    place, outcome = world["mentee_place_own"], world["outcome_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:outcome_edit", args=[place.pk, outcome.pk])
    assert 'value="2026-03-01"' in client.get(url).content.decode()
    data = {"kind": "new_role", "happened_on": "2026-02-01", "description": "Clinical lead"}
    response = client.post(url, data, follow=True)
    assert "Your outcome has been changed." in response.content.decode()
    outcome.refresh_from_db()
    assert (outcome.kind, outcome.happened_on, outcome.description) == (
        "new_role",
        date(2026, 2, 1),
        "Clinical lead",
    )
    assert AuditEvent.objects.filter(kind=Kind.OUTCOME_RECORDED, detail__action="changed").exists()
    # Sent again, it changes nothing.
    response = client.post(url, data, follow=True)
    assert "Nothing was changed." in response.content.decode()


def test_a_bad_change_is_explained_and_changes_nothing(client, world):
    place, outcome = world["mentee_place_own"], world["outcome_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:outcome_edit", args=[place.pk, outcome.pk])
    response = client.post(url, {"kind": "promotion", "happened_on": _tomorrow()})
    assert "cannot be in the future" in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.happened_on == date(2026, 3, 1)


def test_a_decided_outcome_can_no_longer_be_changed_or_withdrawn(client, world):
    place, outcome = world["mentee_place_own"], world["outcome_own"]
    actions.outcome_decide(outcome=outcome, by=world["carol"], confirmed=True)
    sign_in(client, world["mia"])
    edit = reverse("programmes:outcome_edit", args=[place.pk, outcome.pk])
    assert "can no longer be changed" in client.get(edit, follow=True).content.decode()
    client.post(edit, {"kind": "other", "happened_on": "2026-01-01", "description": "x"})
    withdraw = reverse("programmes:outcome_withdraw", args=[place.pk, outcome.pk])
    assert "can no longer be changed" in client.post(withdraw, follow=True).content.decode()
    outcome.refresh_from_db()
    assert (outcome.kind, outcome.status) == ("promotion", "confirmed")
    page = client.get(_list(place)).content.decode()
    assert "Change<span" not in page and "Withdraw<span" not in page


def test_a_pending_outcome_can_be_withdrawn_and_withdrawing_twice_is_harmless(client, world):
    place, outcome = world["mentee_place_own"], world["outcome_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:outcome_withdraw", args=[place.pk, outcome.pk])
    assert "Your outcome has been withdrawn." in client.post(url, follow=True).content.decode()
    assert not CareerOutcome.objects.filter(pk=outcome.pk).exists()
    assert "already been withdrawn" in client.post(url, follow=True).content.decode()
    assert (
        AuditEvent.objects.filter(kind=Kind.OUTCOME_RECORDED, detail__action="withdrawn").count()
        == 1
    )


def test_someone_elses_outcome_cannot_be_reached_through_ones_own_place(client, world):
    place, theirs = world["mentee_place_own"], world["outcome_other"]
    sign_in(client, world["mia"])
    edit = reverse("programmes:outcome_edit", args=[place.pk, theirs.pk])
    assert client.get(edit).status_code == 404
    client.post(reverse("programmes:outcome_withdraw", args=[place.pk, theirs.pk]))
    assert CareerOutcome.objects.filter(pk=theirs.pk).exists()


def test_the_coordinator_cannot_open_a_participants_own_outcome_pages(client, world):
    place = world["mentee_place_own"]
    sign_in(client, world["carol"])
    assert client.get(_list(place)).status_code == 404
    assert client.post(_new(place), PROMOTION).status_code == 404


def test_someone_who_has_left_no_longer_opens_their_outcomes(client, world):
    place = world["mentee_place_own"]
    Participant.objects.filter(pk=place.pk).update(status=Participant.Status.WITHDRAWN)
    sign_in(client, world["mia"])
    assert client.get(_list(place)).status_code == 404


# Deciding -----------------------------------------------------------------------------------


def test_the_coordinator_confirms_an_outcome_and_the_mentee_sees_the_decision(client, world):
    outcome, place = world["outcome_own"], world["mentee_place_own"]
    sign_in(client, world["carol"])
    queue = client.get(reverse("programmes:outcomes_queue", args=[world["programme_own"].pk]))
    page = queue.content.decode()
    assert "Mia" in page and "Promotion" in page and _decide(outcome) in page
    # Only this programme's outcomes are in its queue.
    assert world["omar"].full_name not in page
    page = client.get(_decide(outcome)).content.decode()
    assert "own: promoted to team lead" in page
    response = client.post(
        _decide(outcome), _decision(outcome, note="Well done: seen on ESR."), follow=True
    )
    assert "outcome is now confirmed" in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.status == CareerOutcome.Status.CONFIRMED
    assert outcome.decided_by == world["carol"] and outcome.decided_at is not None
    assert outcome.decision_note == "Well done: seen on ESR."
    event = AuditEvent.objects.get(kind=Kind.OUTCOME_CONFIRMED)
    assert event.detail["decision"] == "confirmed" and event.detail["with_note"] is True
    assert "ESR" not in str(event.detail)
    sign_in(client, world["mia"])
    page = client.get(_list(place)).content.decode()
    assert "Confirmed" in page and "Well done: seen on ESR." in page


def test_an_admin_marks_an_outcome_not_confirmed(client, world):
    outcome = world["outcome_own"]
    sign_in(client, world["alice"])
    client.post(_decide(outcome), _decision(outcome, "not_confirmed"))
    outcome.refresh_from_db()
    assert outcome.status == CareerOutcome.Status.NOT_CONFIRMED
    assert outcome.decision_note == ""


def test_deciding_twice_is_harmless_and_the_first_decision_stands(client, world):
    outcome = world["outcome_own"]
    sign_in(client, world["carol"])
    data = _decision(outcome)
    client.post(_decide(outcome), data)
    response = client.post(
        _decide(outcome), {**data, "decision": "not_confirmed", "note": "No"}, follow=True
    )
    assert "had already been decided: confirmed. Nothing was changed." in response.content.decode()
    outcome.refresh_from_db()
    assert (outcome.status, outcome.decision_note) == ("confirmed", "")
    assert AuditEvent.objects.filter(kind=Kind.OUTCOME_CONFIRMED).count() == 1
    # The decided outcome's page shows the decision without the form.
    page = client.get(_decide(outcome)).content.decode()
    assert "Save the decision" not in page and "Confirmed" in page


def test_a_decision_on_an_outcome_changed_since_it_was_read_is_refused(client, world):
    outcome, place = world["outcome_own"], world["mentee_place_own"]
    sign_in(client, world["carol"])
    seen = _decision(outcome)
    actions.outcome_change(
        outcome=outcome, by=world["mia"], kind="promotion", happened_on=date(2026, 3, 2)
    )
    response = client.post(_decide(outcome), seen, follow=True)
    assert "changed this outcome while you were looking at it" in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.status == CareerOutcome.Status.PENDING
    assert place.outcomes.count() == 1


def test_an_empty_decision_is_explained_and_decides_nothing(client, world):
    outcome = world["outcome_own"]
    sign_in(client, world["carol"])
    response = client.post(_decide(outcome), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose whether you confirm this outcome." in page
    response = client.post(_decide(outcome), {**_decision(outcome), "note": "x" * 1001})
    assert "1,000 characters or fewer" in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.status == CareerOutcome.Status.PENDING


def test_deciding_an_outcome_withdrawn_meanwhile_is_refused_kindly(world):
    outcome = world["outcome_own"]
    CareerOutcome.objects.filter(pk=outcome.pk).delete()
    with pytest.raises(ProgrammeError, match="withdrawn"):
        actions.outcome_decide(outcome=outcome, by=world["carol"], confirmed=True)


def test_a_mentee_cannot_confirm_her_own_outcome(client, world):
    outcome = world["outcome_own"]
    sign_in(client, world["mia"])
    assert client.post(_decide(outcome), _decision(outcome)).status_code == 403
    outcome.refresh_from_db()
    assert outcome.status == CareerOutcome.Status.PENDING


def test_another_programmes_coordinator_cannot_see_or_decide_its_outcomes(client, world):
    outcome = world["outcome_other"]
    sign_in(client, world["carol"])
    assert client.post(_decide(outcome), _decision(outcome)).status_code == 404
    outcome.refresh_from_db()
    assert outcome.status == CareerOutcome.Status.PENDING


# Links --------------------------------------------------------------------------------------


def test_the_programme_pages_link_to_outcomes(client, world):
    programme, place = world["programme_own"], world["mentee_place_own"]
    detail = reverse("programmes:detail", args=[programme.pk])
    sign_in(client, world["mia"])
    assert _list(place) in client.get(detail).content.decode()
    sign_in(client, world["carol"])
    queue = reverse("programmes:outcomes_queue", args=[programme.pk])
    assert queue in client.get(detail).content.decode()
