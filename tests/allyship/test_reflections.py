"""Reflections on allyship: private to their author, shared with a programme's coordinators
only by choice (and taken back), and repeatable so that change over time shows."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from allied.accounts.models import Role
from allied.allyship.actions import programmes_to_share_with
from allied.allyship.models import Reflection
from allied.core import allyship as model
from allied.programmes.models import Participant
from tests.allyship.helpers import reflection_data
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def write(client, user, rating=3, **texts) -> Reflection:
    sign_in(client, user)
    response = client.post(reverse("allyship:reflection_new"), reflection_data(rating, **texts))
    assert response.status_code == 302
    return Reflection.objects.filter(author=user).order_by("-pk").first()


def test_a_reflection_is_saved_with_a_rating_and_words_for_every_quality(client, world):
    reflection = write(client, world["max_mentor"], 4, courage="I spoke up at the panel.")

    assert reflection.ratings() == dict.fromkeys(model.CODES, 4)
    assert reflection.answers.get(quality="courage").text == "I spoke up at the panel."
    page = client.get(reverse("allyship:reflection", args=[reflection.pk]))
    assert "I spoke up at the panel." in page.content.decode()
    assert "Only you can see this reflection." in page.content.decode()


def test_another_mentor_and_the_coordinator_get_a_404_for_someone_elses_reflection(client, world):
    reflection = write(client, world["max_mentor"], courage="private courage words")

    for person in (world["orla"], world["carol"], world["alice"], world["mia"]):
        sign_in(client, person)
        url = reverse("allyship:reflection", args=[reflection.pk])
        assert client.get(url).status_code == 404
        assert (
            client.post(reverse("allyship:reflection_unshare", args=[reflection.pk])).status_code
            == 404
        )


def test_the_coordinator_sees_a_reflection_only_while_it_is_shared(client, world):
    reflection = write(client, world["max_mentor"], courage="shared courage words")
    shared_page = reverse("allyship:shared", args=[world["programme_own"].pk])
    sign_in(client, world["carol"])
    assert "shared courage words" not in client.get(shared_page).content.decode()

    sign_in(client, world["max_mentor"])
    client.post(
        reverse("allyship:reflection_share", args=[reflection.pk]),
        {"programme": world["programme_own"].pk},
    )
    reflection.refresh_from_db()
    assert reflection.shared_with == world["programme_own"]
    sign_in(client, world["carol"])
    assert "shared courage words" in client.get(shared_page).content.decode()
    # Still not the reflection's own page: that is the author's alone.
    assert client.get(reverse("allyship:reflection", args=[reflection.pk])).status_code == 404
    # The other organisation's admin sees nothing of it.
    sign_in(client, world["olga"])
    other = reverse("allyship:shared", args=[world["programme_other"].pk])
    assert "shared courage words" not in client.get(other).content.decode()

    sign_in(client, world["max_mentor"])
    client.post(reverse("allyship:reflection_unshare", args=[reflection.pk]))
    sign_in(client, world["carol"])
    assert "shared courage words" not in client.get(shared_page).content.decode()


def test_sharing_with_a_programme_you_take_no_part_in_is_refused(client, world):
    reflection = write(client, world["max_mentor"])

    response = client.post(
        reverse("allyship:reflection_share", args=[reflection.pk]),
        {"programme": world["programme_other"].pk},
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.shared_with is None
    for junk in ("", "abc", "99999999"):
        client.post(reverse("allyship:reflection_share", args=[reflection.pk]), {"programme": junk})
        reflection.refresh_from_db()
        assert reflection.shared_with is None


def test_reflections_written_over_time_show_the_change_in_each_rating(client, world):
    write(client, world["max_mentor"], 2)
    write(client, world["max_mentor"], 4)

    page = client.get(reverse("allyship:home")).content.decode()
    assert "How your ratings have changed" in page
    assert page.count("Up 2 points") == len(model.QUALITIES)
    assert Reflection.objects.filter(author=world["max_mentor"]).count() == 2


def test_one_reflection_has_no_change_table_yet(client, world):
    write(client, world["max_mentor"], 2)

    assert (
        "How your ratings have changed" not in client.get(reverse("allyship:home")).content.decode()
    )


def test_a_missing_or_malformed_rating_is_shown_as_an_error_and_nothing_is_saved(client, world):
    sign_in(client, world["max_mentor"])
    data = reflection_data(3)
    data.pop("rating_courage")
    data["rating_kindness"] = "9"
    response = client.post(reverse("allyship:reflection_new"), data)

    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    assert "Rate yourself on courage" in response.content.decode()
    assert not Reflection.objects.filter(author=world["max_mentor"]).exists()


def test_the_same_form_sent_twice_makes_one_reflection(client, world):
    sign_in(client, world["max_mentor"])
    data = {**reflection_data(3), "submission": str(uuid.uuid4())}
    client.post(reverse("allyship:reflection_new"), data)
    client.post(reverse("allyship:reflection_new"), data)

    assert Reflection.objects.filter(author=world["max_mentor"]).count() == 1


def test_the_api_writes_shares_and_takes_back_a_reflection(client, world):
    sign_in(client, world["max_mentor"])
    created = client.post(
        reverse("allyship:api_reflections"), reflection_data(5), content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert len(created.json()["answers"]) == len(model.QUALITIES)

    shared = client.post(
        reverse("allyship:api_share", args=[pk]),
        {"programme": world["programme_own"].pk},
        content_type="application/json",
    )
    assert shared.json()["shared_with"] == world["programme_own"].pk
    assert client.post(reverse("allyship:api_unshare", args=[pk])).json()["shared_with"] is None
    assert [
        r["id"] for r in client.get(reverse("allyship:api_reflections")).json()["reflections"]
    ] == [pk]

    bad = client.post(
        reverse("allyship:api_reflections"),
        {"rating_courage": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    sign_in(client, world["orla"])
    assert client.get(reverse("allyship:api_reflection", args=[pk])).status_code == 404


def test_someone_else_withdrawing_does_not_stop_a_mentor_sharing(world, make_person):
    """Sharing is offered in every programme where the person's own place is live, whoever
    else in that programme has withdrawn."""
    cohort = Participant.objects.get(user=world["max_mentor"]).cohort
    leaver = make_person("leaver@alder.example", "Lee Leaver", world["own"], Role.MENTEE)
    Participant.objects.create(
        cohort=cohort, user=leaver, side="mentee", status=Participant.Status.WITHDRAWN
    )
    assert list(programmes_to_share_with(world["max_mentor"])) == [world["programme_own"]]
    assert list(programmes_to_share_with(leaver)) == []
