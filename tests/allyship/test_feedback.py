"""Mentees' feedback on allyship at reviews: asked of mentees only, never shown to the mentor,
and given to coordinators only as counts across the programme with small numbers hidden."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from allied.accounts.models import Role
from allied.core.disclosure import disclose_count
from allied.core.disclosure_attack import Attacker
from allied.programmes.models import Agreement, Participant, Relationship, Review
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

REVIEW = {
    "satisfaction": "4",
    "trust": "5",
    "psychological_safety": "4",
    "expectations_met": "partly",
    "allyship": "5",
    "career_change": "",
    "comments": "",
}
FEEDBACK = {
    "felt_believed": "yes",
    "race_discussed_safely": "partly",
    "challenged_barriers": "no",
}
QUESTIONS = (
    "Did you feel believed?",
    "Could race be discussed safely?",
    "Did your mentor challenge barriers on your behalf?",
)


@pytest.fixture(autouse=True)
def reviews_open(world):
    """Both reviews of the world's relationship are due now, so either may be sent."""
    Agreement.objects.filter(relationship=world["relationship_own"]).update(
        mid_review_on=timezone.localdate(), end_review_on=timezone.localdate()
    )


def test_the_mentees_review_asks_and_saves_the_allyship_questions(client, world):
    relationship = world["relationship_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:review", args=[relationship.pk, "end"])
    form = client.get(url).content.decode()
    for question in QUESTIONS:
        assert question in form
    assert "Your mentor never sees these answers" in form

    client.post(url, {**REVIEW, **FEEDBACK})
    review = Review.objects.get(relationship=relationship, stage="end", side="mentee")
    assert (review.felt_believed, review.race_discussed_safely, review.challenged_barriers) == (
        "yes",
        "partly",
        "no",
    )


def test_the_questions_are_optional_and_a_made_up_answer_is_an_error(client, world):
    relationship = world["relationship_own"]
    sign_in(client, world["mia"])
    url = reverse("programmes:review", args=[relationship.pk, "end"])
    response = client.post(url, {**REVIEW, "felt_believed": "maybe"})
    assert "<title>Error: " in response.content.decode()
    assert not Review.objects.filter(relationship=relationship, stage="end").exists()

    client.post(url, REVIEW)
    assert Review.objects.get(relationship=relationship, stage="end").felt_believed == ""


def test_the_mentor_is_never_asked_and_never_sees_the_answers(client, world):
    relationship = world["relationship_own"]
    Review.objects.filter(relationship=relationship).update(**FEEDBACK)
    sign_in(client, world["max_mentor"])
    url = reverse("programmes:review", args=[relationship.pk, "mid"])
    form = client.get(url).content.decode()
    for question in QUESTIONS:
        assert question not in form

    client.post(url, {**REVIEW, "felt_believed": "no"})
    mine = Review.objects.get(relationship=relationship, stage="mid", side="mentor")
    assert mine.felt_believed == ""
    for page in (
        reverse("programmes:relationship", args=[relationship.pk]),
        url,
        reverse("allyship:home"),
    ):
        text = client.get(page).content.decode()
        for question in QUESTIONS:
            assert question not in text, page
    # The aggregate is for those who run the programme.
    feedback = reverse("allyship:feedback", args=[world["programme_own"].pk])
    assert client.get(feedback).status_code == 403


def _reviews(world, make_person, count: int, answer: str):
    cohort = world["cohort_own"]
    mentor = world["mentor_place_own"]
    for n in range(count):
        user = make_person(
            f"m{answer}{n}@alder.example", f"Mentee {answer} {n}", world["own"], Role.MENTEE
        )
        place = Participant.objects.create(cohort=cohort, user=user, side="mentee", status="ready")
        relationship = Relationship.objects.create(
            cohort=cohort,
            mentee=place,
            mentor=mentor,
            status="ended",
            source="coordinator",
            ended_at=timezone.now(),
        )
        Review.objects.create(
            relationship=relationship,
            stage="end",
            author=user,
            side="mentee",
            satisfaction=4,
            trust=4,
            psychological_safety=4,
            expectations_met="yes",
            felt_believed=answer,
        )


def _felt_believed(client, world) -> dict[str, str]:
    """The coordinator's published counts for "Did you feel believed?", with "answered"."""
    sign_in(client, world["carol"])
    response = client.get(reverse("allyship:api_feedback", args=[world["programme_own"].pk]))
    believed = response.json()["questions"][0]
    return {
        **{a["answer"]: a["count"] for a in believed["answers"]},
        "answered": believed["answered"],
    }


def test_the_coordinator_sees_totals_with_small_counts_hidden_and_no_names(
    client, world, make_person
):
    _reviews(world, make_person, 12, "yes")
    _reviews(world, make_person, 3, "no")
    counts = _felt_believed(client, world)

    # The 3 are hidden, and the 12 beside them: all who answered less them would give the 3.
    assert counts == {"yes": "*", "partly": "0", "no": "*", "not_applicable": "0", "answered": "15"}
    page = client.get(reverse("allyship:feedback", args=[world["programme_own"].pk]))
    text = page.content.decode()
    assert "Mentee yes 0" not in text and "Mia Mentee" not in text and "Max Mentor" not in text
    assert ">*<" in text and ">15<" in text
    assert "* stands for a hidden figure" in text


def test_no_hidden_count_of_the_feedback_can_be_worked_out_from_the_others(
    client, world, make_person
):
    """8 said yes, 2 no, 8 not applicable: shown alone as 10, *, 10 beside all 18 who
    answered (20), the 2 would be 18 - 12 - 12 = 0 at least and 22 - 8 - 8 = 6 at most: not
    7. The attacker of the dashboard's figures finds nothing to narrow in what is shown."""
    _reviews(world, make_person, 8, "yes")
    _reviews(world, make_person, 2, "no")
    _reviews(world, make_person, 8, "not_applicable")
    shown = _felt_believed(client, world)
    truth = {"yes": 8, "partly": 0, "no": 2, "not_applicable": 8, "answered": 18}
    parts = ["yes", "partly", "no", "not_applicable"]
    weak = {key: disclose_count(value) for key, value in truth.items()}
    assert Attacker(weak, [("answered", parts)]).breaches(truth)
    assert shown["no"] == "*"
    assert Attacker(shown, [("answered", parts)]).breaches(truth) == []


def test_another_programmes_reviews_are_not_counted(client, world, make_person):
    _reviews(world, make_person, 9, "yes")
    sign_in(client, world["olga"])
    response = client.get(reverse("allyship:api_feedback", args=[world["programme_other"].pk]))

    assert response.json()["questions"][0]["answered"] == "0"


def test_the_api_saves_the_mentees_allyship_answers_too(client, world):
    import json

    from allied.accounts.models import ApiToken

    relationship = world["relationship_own"]
    _, secret = ApiToken.issue(user=world["mia"], name="test", verified=False)
    response = client.post(
        reverse("programmes:api_review", args=[relationship.pk, "end"]),
        json.dumps({**REVIEW, **FEEDBACK}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.content
    review = Review.objects.get(relationship=relationship, stage="end", side="mentee")
    assert review.felt_believed == "yes" and review.challenged_barriers == "no"
