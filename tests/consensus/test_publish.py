"""Publishing versions: each is frozen with its trail; a change makes the next one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allied.audit.models import AuditEvent, Kind
from allied.consensus import catalogue
from allied.consensus.models import ImmutableError, ModelDraft, PublishedModel
from allied.core import model as core
from tests.consensus.conftest import theme_key

pytestmark = pytest.mark.django_db


def place(client, draft, key, domain, question):
    return client.post(
        reverse("consensus:place", args=[draft.pk]),
        {"item": key, "domain": domain, "question": question},
    )


def publish(client, draft):
    return client.post(reverse("consensus:publish", args=[draft.pk]))


def test_publishing_freezes_the_model_with_its_trail(facilitator, draft, finished, fay, org):
    place(facilitator, draft, theme_key(finished, "Trust and honesty"), "allyship", "need")
    response = publish(facilitator, draft)
    version = PublishedModel.objects.get()
    assert response["Location"] == reverse("consensus:published", args=[org.slug, version.pk])
    assert (version.name, version.version, version.published_by) == (
        "Our mentoring model",
        1,
        fay,
    )
    model = version.model()
    assert model.version == 1 and model.citation == core.STUDY_MODEL.citation
    [(domain, theme)] = model.themes()
    assert (domain.name, theme.name, theme.question) == ("Allyship", "Trust and honesty", "need")
    assert [i.text for i in theme.ideas] == ["Honest conversations", "Time"]
    assert ModelDraft.objects.get().status == ModelDraft.Status.PUBLISHED
    [event] = AuditEvent.objects.filter(kind=Kind.MODEL_PUBLISHED)
    assert (event.actor, event.organisation, event.detail["version"]) == (fay, org, 1)


def test_publishing_twice_without_a_change_makes_no_second_version(facilitator, draft, finished):
    place(facilitator, draft, theme_key(finished, "Trust and honesty"), "allyship", "need")
    publish(facilitator, draft)
    response = publish(facilitator, draft)
    assert PublishedModel.objects.count() == 1
    assert AuditEvent.objects.filter(kind=Kind.MODEL_PUBLISHED).count() == 1
    follow = facilitator.get(response["Location"]).content.decode()
    assert "Nothing has changed since version 1 was published." in follow


def test_a_change_after_publishing_makes_a_new_version_and_leaves_the_old_one(
    facilitator, draft, finished
):
    place(facilitator, draft, theme_key(finished, "Trust and honesty"), "allyship", "need")
    publish(facilitator, draft)
    first = PublishedModel.objects.get()
    first_json = first.json
    facilitator.post(
        reverse("consensus:domain", args=[draft.pk, "allyship"]),
        {"name": "Allyship and trust", "definition": "New words."},
    )
    assert ModelDraft.objects.get().status == ModelDraft.Status.DRAFT
    publish(facilitator, draft)
    second = PublishedModel.objects.get(version=2)
    assert second.model().domain("allyship").name == "Allyship and trust"
    first.refresh_from_db()
    assert first.json == first_json
    assert first.model().domain("allyship").name == "Allyship"


def test_a_published_version_can_never_be_changed_or_deleted(facilitator, draft, finished):
    place(facilitator, draft, theme_key(finished, "Trust and honesty"), "allyship", "need")
    publish(facilitator, draft)
    version = PublishedModel.objects.get()
    version.name = "Changed"
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        version.delete()


def test_an_empty_model_is_not_published(facilitator, draft):
    response = publish(facilitator, draft)
    assert response.status_code == 302
    assert "Place at least one theme" in facilitator.get(response["Location"]).content.decode()
    assert not PublishedModel.objects.exists()


def test_the_published_page_shows_the_figure_table_and_trail(facilitator, draft, finished, org):
    place(facilitator, draft, theme_key(finished, "Career sponsorship"), "sponsorship", "require")
    publish(facilitator, draft)
    version = PublishedModel.objects.get()
    html = facilitator.get(
        reverse("consensus:published", args=[org.slug, version.pk])
    ).content.decode()
    assert "Career sponsorship" in html and 'role="img"' in html
    assert "Idea 2: Opens doors (rank 2, total 6, 3 voters)" in html
    assert "The group said sponsorship matters more than advice." in html
    svg = facilitator.get(reverse("consensus:published_export", args=[org.slug, version.pk, "svg"]))
    assert svg["Content-Disposition"] == 'attachment; filename="our-mentoring-model-v1.svg"'


def test_a_coordinator_reads_published_models_but_not_drafts(
    client, signed_in, carol, facilitator, draft, finished, org
):
    place(facilitator, draft, theme_key(finished, "Trust and honesty"), "allyship", "need")
    publish(facilitator, draft)
    version = PublishedModel.objects.get()
    signed_in(carol)
    listing = client.get(reverse("consensus:list", args=[org.slug])).content.decode()
    assert "Our mentoring model" in listing and "Models you are building" not in listing
    assert (
        client.get(reverse("consensus:published", args=[org.slug, version.pk])).status_code == 200
    )
    assert client.get(reverse("consensus:draft", args=[draft.pk])).status_code == 404


def test_the_catalogue_offers_the_studys_model_and_every_published_version(
    facilitator, draft, finished, org, other_org
):
    place(facilitator, draft, theme_key(finished, "Trust and honesty"), "allyship", "need")
    publish(facilitator, draft)
    version = PublishedModel.objects.get()
    assert catalogue.choices(org) == [
        ("study", f"{core.STUDY_MODEL.name} (the default)"),
        (str(version.pk), "Our mentoring model (version 1)"),
    ]
    assert catalogue.resolve(org, "study") == core.STUDY_MODEL
    assert catalogue.resolve(org, str(version.pk)) == version.model()
    assert catalogue.model_of(None) == core.STUDY_MODEL
    with pytest.raises(LookupError):
        catalogue.resolve(other_org, str(version.pk))
    with pytest.raises(LookupError):
        catalogue.resolve(org, "nonsense")
