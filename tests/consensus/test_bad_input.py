"""Bad input to the builder: a clear message, nothing changed, never a 500; and who may build."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from allied.consensus.models import ModelDraft, Placement
from allied.workshops.models import StaffRole, WorkshopStaff
from tests.consensus.conftest import finish_workshop, theme_key

pytestmark = pytest.mark.django_db


def snapshot(draft):
    draft = ModelDraft.objects.get(pk=draft.pk)
    return draft.document, draft.name, list(Placement.objects.values_list("domain", "question"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a theme or an idea to place."),
        ({"item": "THEME", "domain": "allyship", "question": "need"}, "Choose a theme or an idea"),
        (
            {"item": "theme-999999", "domain": "allyship", "question": "need"},
            "Choose a theme or an idea",
        ),
        (
            {"item": "theme-²", "domain": "allyship", "question": "need"},
            "Choose a theme or an idea",
        ),
        ({"item": "{key}", "domain": "", "question": "need"}, "Choose a domain."),
        ({"item": "{key}", "domain": "nowhere", "question": "need"}, "Choose one of the domains."),
        (
            {"item": "{key}", "domain": "allyship", "question": "why"},
            "Choose one of the questions.",
        ),
        (
            {"item": "{key}", "domain": "allyship", "question": "need", "note": "x" * 501},
            "500 characters",
        ),
    ],
)
def test_a_bad_placement_is_explained_and_changes_nothing(
    facilitator, draft, finished, data, message
):
    key = theme_key(finished, "Trust and honesty")
    data = {k: v.replace("{key}", key) for k, v in data.items()}
    before = snapshot(draft)
    response = facilitator.post(reverse("consensus:place", args=[draft.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert snapshot(draft) == before


def test_another_organisations_theme_cannot_be_placed(facilitator, draft, other_org, olga):
    theirs = finish_workshop(other_org, olga, "Birch workshop")
    response = facilitator.post(
        reverse("consensus:place", args=[draft.pk]),
        {"item": theme_key(theirs, "Trust and honesty"), "domain": "allyship", "question": "need"},
    )
    assert "Choose a theme or an idea from this model" in response.content.decode()
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("consensus:domain_add", {"name": ""}, "Enter the domain&#x27;s name."),
        ("consensus:domain_add", {"name": "allyship"}, "There is already a domain called"),
        ("consensus:domain_add", {"name": "x" * 81}, "80 characters or fewer"),
        ("consensus:merge", {}, "Choose the domain to keep."),
        ("consensus:merge", {"keep": "allyship", "absorb": "allyship"}, "two different domains"),
        ("consensus:merge", {"keep": "allyship", "absorb": "gone"}, "Choose one of the domains."),
        (
            "consensus:merge",
            {"keep": "allyship", "absorb": "circles", "name": "Sponsorship"},
            "There is already a domain called",
        ),
        ("consensus:draft_name", {"name": "  "}, "Enter a name for the model."),
        ("consensus:workshop_add", {"workshop": "abc"}, "Choose one of the finished workshops"),
    ],
)
def test_bad_domain_and_model_changes_are_explained(facilitator, draft, url, data, message):
    before = snapshot(draft)
    response = facilitator.post(reverse(url, args=[draft.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(draft) == before


def test_a_domain_edit_for_a_domain_that_is_gone_is_explained(facilitator, draft):
    before = snapshot(draft)
    response = facilitator.post(
        reverse("consensus:domain", args=[draft.pk, "gone"]), {"name": "New", "definition": ""}
    )
    assert response.status_code == 200
    assert "There is no domain with the code" in response.content.decode()
    assert snapshot(draft) == before


def test_renaming_a_domain_to_another_domains_name_is_refused(facilitator, draft):
    before = snapshot(draft)
    response = facilitator.post(
        reverse("consensus:domain", args=[draft.pk, "surface"]),
        {"name": "Mentoring Circles", "definition": ""},
    )
    assert "There is already a domain called" in response.content.decode()
    assert snapshot(draft) == before


def test_unplacing_nonsense_is_explained(facilitator, draft):
    response = facilitator.post(reverse("consensus:unplace", args=[draft.pk]), {"item": "x"})
    assert response.status_code == 302
    assert "Choose a theme or an idea" in facilitator.get(response["Location"]).content.decode()


def test_a_get_to_a_change_is_not_allowed(facilitator, draft):
    assert facilitator.get(reverse("consensus:place", args=[draft.pk])).status_code == 405


# Who may build ------------------------------------------------------------------------------


def test_a_co_facilitator_may_build_and_an_observer_may_only_look(
    client, signed_in, make_person, org, draft, finished
):
    from allied.accounts.models import Role

    cora = make_person("cora@alder.example", "Cora Co", org, Role.FACILITATOR)
    owen = make_person("owen@alder.example", "Owen Observer", org, Role.FACILITATOR)
    WorkshopStaff.objects.create(workshop=finished, user=cora, role=StaffRole.CO_FACILITATOR)
    WorkshopStaff.objects.create(workshop=finished, user=owen, role=StaffRole.OBSERVER)
    key = theme_key(finished, "Trust and honesty")
    data = {"item": key, "domain": "allyship", "question": "need"}
    signed_in(owen)
    assert client.get(reverse("consensus:draft", args=[draft.pk])).status_code == 200
    assert (
        "Place “Trust and honesty”"
        not in client.get(reverse("consensus:draft", args=[draft.pk])).content.decode()
    )
    assert client.post(reverse("consensus:place", args=[draft.pk]), data).status_code == 403
    assert client.get(reverse("consensus:new", args=[finished.pk])).status_code == 403
    signed_in(cora)
    assert client.post(reverse("consensus:place", args=[draft.pk]), data).status_code == 302
    assert Placement.objects.count() == 1


def test_a_facilitator_of_another_workshop_cannot_see_the_draft(
    client, signed_in, make_person, org, draft
):
    from allied.accounts.models import Role

    gus = make_person("gus@alder.example", "Gus", org, Role.FACILITATOR)
    signed_in(gus)
    assert client.get(reverse("consensus:draft", args=[draft.pk])).status_code == 404
    assert client.get(reverse("consensus:draft_export", args=[draft.pk, "svg"])).status_code == 404


# Junk -------------------------------------------------------------------------------------

FIELDS = ["item", "domain", "question", "note", "keep", "absorb", "name", "definition", "workshop"]
junk = st.one_of(
    st.text(max_size=30),
    st.just("\x00"),
    st.sampled_from(
        ["allyship", "need", "theme-1", "idea-1", "theme-", "-1", "9" * 30, "", "theme-²"]
    ),
)


@settings(max_examples=15)
@given(form=st.dictionaries(st.sampled_from(FIELDS), junk, max_size=6), target=st.sampled_from(
    ["consensus:place", "consensus:unplace", "consensus:merge", "consensus:domain_add",
     "consensus:draft_name", "consensus:workshop_add", "consensus:publish"]
))  # fmt: skip
def test_junk_sent_to_the_builder_never_gives_a_server_error(facilitator, draft, form, target):
    response = facilitator.post(reverse(target, args=[draft.pk]), form)
    assert response.status_code in (200, 302)
