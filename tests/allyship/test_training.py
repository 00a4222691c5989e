"""Training modules: a programme's modules, mentors completing them with a reflection only
they see, the allyship-trained mark that follows, and the matching rule that reads it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allied.accounts.models import Role
from allied.allyship import actions
from allied.allyship.models import Completion, TrainingModule
from allied.core import allyship as model
from allied.core.matching import match_cohort
from allied.matching.engine import cohort_people, config_for, ready_people
from allied.programmes.models import Cohort, Participant
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_suggested_modules_are_added_once(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    client.post(reverse("allyship:training_defaults", args=[programme.pk]))
    client.post(reverse("allyship:training_defaults", args=[programme.pk]))

    titles = list(programme.training_modules.values_list("title", flat=True))
    for default in model.DEFAULT_MODULES:
        assert titles.count(default.title) == 1


def test_a_coordinator_adds_and_changes_a_module_and_bad_input_changes_nothing(client, world):
    programme = world["programme_own"]
    sign_in(client, world["carol"])
    url = reverse("allyship:training", args=[programme.pk])
    response = client.post(url, {"title": "Listening", "content": "Listen first.", "order": "x"})
    assert "<title>Error: " in response.content.decode()
    assert not programme.training_modules.filter(title="Listening").exists()

    client.post(
        url, {"title": "Listening", "content": "Listen first.", "order": "5", "required": "on"}
    )
    module = programme.training_modules.get(title="Listening")
    assert module.required and module.order == 5
    client.post(
        reverse("allyship:module_edit", args=[programme.pk, module.pk]),
        {"title": "Listening well", "content": "Listen first.", "order": "1"},
    )
    module.refresh_from_db()
    assert module.title == "Listening well" and not module.required
    other = world["module_other"]
    assert (
        client.get(reverse("allyship:module_edit", args=[programme.pk, other.pk])).status_code
        == 404
    )


def test_a_modules_text_is_shown_as_paragraphs_and_lists_never_as_markup(client, world):
    module = world["module_own"]
    module.content = "First <script>alert(1)</script>\n\n- one\n- two"
    module.save()
    sign_in(client, world["max_mentor"])
    page = client.get(reverse("allyship:module", args=[module.pk])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<li>one</li>" in page


def test_completing_every_required_module_marks_the_mentors_places_trained(client, world):
    programme = world["programme_own"]
    actions.modules_add_defaults(programme=programme)
    optional = TrainingModule.objects.create(
        programme=programme, title="Extra reading", content="More.", required=False
    )
    place = world["mentor_place_own"]
    sign_in(client, world["max_mentor"])
    required = list(programme.training_modules.filter(required=True))

    for module in required[:-1]:
        client.post(reverse("allyship:module", args=[module.pk]), {"reflection": ""})
    place.refresh_from_db()
    assert not place.allyship_trained

    client.post(reverse("allyship:module", args=[required[-1].pk]), {"reflection": "I learnt."})
    place.refresh_from_db()
    assert place.allyship_trained
    assert not Completion.objects.filter(module=optional).exists()
    home = client.get(reverse("allyship:home")).content.decode()
    assert "You have completed all the required training for this programme." in home


def test_a_mentee_and_a_coordinator_cannot_complete_a_module(client, world):
    module = world["module_own"]
    for person in (world["mia"], world["carol"]):
        sign_in(client, person)
        assert client.post(reverse("allyship:module", args=[module.pk])).status_code == 403
    assert not Completion.objects.exists()
    sign_in(client, world["orla"])
    assert client.get(reverse("allyship:module", args=[module.pk])).status_code == 404


def test_the_coordinator_sees_completion_but_never_the_reflection(client, world):
    module = world["module_own"]
    sign_in(client, world["max_mentor"])
    client.post(
        reverse("allyship:module", args=[module.pk]),
        {"reflection": "My private thoughts on bias"},
    )
    sign_in(client, world["carol"])
    page = client.get(reverse("allyship:progress", args=[world["programme_own"].pk]))
    text = page.content.decode()

    assert "Max Mentor" in text and "Completed" in text
    assert "My private thoughts on bias" not in text
    api = client.get(reverse("allyship:api_progress", args=[world["programme_own"].pk]))
    assert "My private thoughts on bias" not in api.content.decode()
    assert api.json()["mentors"][0]["trained"] is True
    assert (
        "My private thoughts on bias"
        not in client.get(reverse("allyship:module", args=[module.pk])).content.decode()
    )


def test_matching_with_the_training_rule_includes_the_trained_mentor_only(
    client, world, make_person
):
    programme = world["programme_own"]
    programme.require_allyship_training = True
    programme.save()
    actions.modules_add_defaults(programme=programme)
    cohort = Cohort.objects.create(
        programme=programme, name="Autumn", starts_on="2026-09-01", ends_on="2027-08-31"
    )
    people = {}
    for name in ("trained", "untrained"):
        user = make_person(
            f"{name}@alder.example", f"{name.title()} Mentor", world["own"], Role.MENTOR
        )
        people[name] = Participant.objects.create(
            cohort=cohort,
            user=user,
            side="mentor",
            status="ready",
            capacity=1,
            profession="occupational_therapist",
            offers=["career_direction"],
        )
    for n in range(2):
        user = make_person(f"mentee{n}@alder.example", f"Mentee {n}", world["own"], Role.MENTEE)
        Participant.objects.create(
            cohort=cohort,
            user=user,
            side="mentee",
            status="ready",
            profession="occupational_therapist",
            needs_need=["career_direction"],
        )
    sign_in(client, people["trained"].user)
    for module in programme.training_modules.filter(required=True):
        client.post(reverse("allyship:module", args=[module.pk]))

    mentees, mentors = cohort_people(
        ready_people(cohort, "mentee"), ready_people(cohort, "mentor"), actor=world["carol"]
    )
    result = match_cohort(mentees, mentors, config_for(programme))

    # Two mentees, two mentors of one place each: without the rule both would be matched.
    assert [m.mentor_id for m in result.matches] == [str(people["trained"].pk)]
    assert len(result.unmatched) == 1


def test_the_api_lists_and_completes_modules(client, world):
    programme = world["programme_own"]
    sign_in(client, world["max_mentor"])
    listed = client.get(reverse("allyship:api_training", args=[programme.pk])).json()
    assert [m["id"] for m in listed["modules"]] == [world["module_own"].pk]

    done = client.post(
        reverse("allyship:api_module", args=[world["module_own"].pk]),
        {"reflection": "noted"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["trained"] is True
    world["mentor_place_own"].refresh_from_db()
    assert world["mentor_place_own"].allyship_trained

    assert (
        client.post(
            reverse("allyship:api_training", args=[programme.pk]), {"title": "x", "content": "y"}
        ).status_code
        == 403
    )
    sign_in(client, world["carol"])
    made = client.post(
        reverse("allyship:api_training", args=[programme.pk]),
        {"title": "Listening", "content": "Listen first.", "required": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["required"] is True


def test_no_required_modules_means_nobody_is_marked_trained(world):
    TrainingModule.objects.filter(programme=world["programme_own"]).update(required=False)
    actions.module_complete(module=world["module_own"], user=world["max_mentor"])

    world["mentor_place_own"].refresh_from_db()
    assert not world["mentor_place_own"].allyship_trained


def test_a_trained_mentor_added_to_a_later_cohort_arrives_trained(client, world):
    from datetime import date

    programme, max_mentor = world["programme_own"], world["max_mentor"]
    actions.modules_add_defaults(programme=programme)
    for module in programme.training_modules.filter(required=True):
        actions.module_complete(module=module, user=max_mentor)
    autumn = Cohort.objects.create(
        programme=programme, name="Autumn", starts_on=date(2027, 9, 1), ends_on=date(2028, 8, 31)
    )
    sign_in(client, world["carol"])
    client.post(
        reverse("programmes:cohort_add", args=[autumn.pk]), {"people": [f"{max_mentor.pk}:mentor"]}
    )
    assert Participant.objects.get(cohort=autumn, user=max_mentor).allyship_trained
