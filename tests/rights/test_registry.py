"""The registry finds every model that can hold something about a person by introspection,
and every one of them has a decision: a new model cannot be forgotten."""

from __future__ import annotations

from django.apps import apps

from allied.rights import registry


def test_every_model_linked_to_a_person_has_a_rule():
    missing = [
        m._meta.label_lower
        for m in registry.linked_models()
        if m._meta.label_lower not in registry.RULES
    ]
    assert missing == [], f"Decide what happens to {missing} in allied/rights/registry.py RULES"


def test_every_rule_names_a_model_that_exists():
    labels = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    assert sorted(set(registry.RULES) - labels) == []


def test_models_reached_through_a_person_or_a_place_are_found():
    found = {c.label for c in registry.chains()}
    assert {
        "programmes.participant.user",
        "programmes.specialcategory.participant.user",
        "programmes.privatenote.meeting.relationship.mentee.user",
        "programmes.careeroutcome.participant.user",
        "workshops.ballot.participant",
        "workshops.ballotchoice.ballot.participant",
        "circles.checkin.participant.user",
        "allyship.answer.reflection.author",
        "programmes.programme_coordinators.user",
    } <= found


def test_a_key_set_to_null_only_mentions_the_person():
    mentions = {c.label for c in registry.chains() if c.mention}
    assert "programmes.meeting.created_by" in mentions
    assert "circles.circle.facilitator.user" in mentions
    assert "workshops.idea.participant" in mentions
    # A mention never reaches further: the circle's sessions are not about its facilitator.
    assert not any(label.startswith("circles.attendance.session") for label in mentions)


def test_every_rule_is_one_the_eraser_knows():
    kinds = {registry.DELETE, registry.SCRUB, registry.KEEP, registry.UNLINK, registry.CUSTOM}
    assert {rule.erase for rule in registry.RULES.values()} <= kinds


def test_scrubbing_blanks_free_text_and_keeps_codes_and_numbers():
    from allied.programmes.models import Participant, Review

    values = registry.scrub_values(Review, registry.RULES["programmes.review"])
    assert set(values) == {"career_change", "comments"}
    place = registry.scrub_values(Participant, registry.RULES["programmes.participant"])
    assert place["needs_text"] == {} and place["career_goals"] == []
    assert place["profession"] == "" and place["openness"] is None
    assert "status" not in place and "capacity" not in place
