"""A programme runs on a mentoring model: the coordinator chooses the study's or a version
their organisation published, the programme keeps it, and the intake, agreement, meeting
prompts, reviews and allyship reflection speak its words while storing the same codes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.urls import reverse

from allied.allyship.forms import ReflectionForm
from allied.audit.models import AuditEvent, Kind
from allied.consensus import actions as consensus
from allied.consensus.models import PublishedModel
from allied.core import allyship
from allied.core import model as core
from allied.core.matching import vocabulary as v
from allied.programmes import wording
from allied.programmes.actions import model as model_actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Cohort, Participant, Programme
from tests.conftest import sign_in
from tests.consensus.conftest import finish_workshop, theme_key
from tests.programmes.test_setup import PROGRAMME, settings_form

pytestmark = pytest.mark.django_db


def published_model(org, fay) -> PublishedModel:
    """Returns version 1 of a model built from a finished workshop through the builder's own
    actions: "Career sponsorship" answers What I require? under Sponsorship, "Trust and
    honesty" answers What I need? under Allyship, renamed "Allyship and trust"."""
    workshop = finish_workshop(org, fay)
    draft, _ = consensus.draft_create(workshop=workshop, name="Alder's mentoring model", by=fay)
    consensus.item_place(
        draft=draft,
        key=theme_key(workshop, "Career sponsorship"),
        domain="sponsorship",
        question="require",
        by=fay,
    )
    consensus.item_place(
        draft=draft,
        key=theme_key(workshop, "Trust and honesty"),
        domain="allyship",
        question="need",
        by=fay,
    )
    consensus.domain_edit(
        draft=draft,
        code="allyship",
        name="Allyship and trust",
        definition="Mentors who believe us and are honest with us.",
        by=fay,
    )
    published, _ = consensus.draft_publish(draft=draft, by=fay)
    return published


def unstorable_model(org) -> PublishedModel:
    """A version (as an importer could publish one) that asks a fifth question."""
    asked = replace(
        core.STUDY_MODEL,
        name="Five questions",
        questions=(
            *core.STUDY_MODEL.questions,
            core.Question("hope", "What do I hope for?", "Where the mentee wants to get to."),
        ),
    )
    return PublishedModel.objects.create(
        organisation=org, name="Five questions", version=1, json=core.to_json(asked)
    )


@pytest.fixture
def ours(world):
    return published_model(world["own"], world["fay"])


def new_programme(world, **values) -> Programme:
    """A programme of Alder's coordinated by Carol, with a cohort nobody has joined yet."""
    programme = Programme.objects.create(organisation=world["own"], name="New programme", **values)
    programme.coordinators.add(world["carol"])
    Cohort.objects.create(
        programme=programme, name="Autumn", starts_on="2026-09-01", ends_on="2027-08-31"
    )
    return programme


def on_model(programme: Programme, published: PublishedModel | None) -> Programme:
    """The programme as it would be had it started on `published`."""
    Programme.objects.filter(pk=programme.pk).update(model=published)
    programme.refresh_from_db()
    return programme


# The wording, from the model --------------------------------------------------------------


def test_the_intakes_codes_are_the_matching_engines_and_the_studys():
    assert set(wording.NEEDS_CODES) == {code for code, _ in v.NEEDS_QUESTIONS}
    assert tuple(q.code for q in core.STUDY_MODEL.questions) == wording.NEEDS_CODES


def test_the_study_models_wording_is_the_studys():
    asked = wording.questions(core.STUDY_MODEL)
    assert [(q.text, q.meaning) for q in asked] == [
        ("What I need?", "Essential for basic function."),
        ("What can help me?", "Provides or makes things easier, but not absolutely necessary."),
        (
            "What can support me?",
            "Offers guidance or assistance over time, enhancing outcomes but not mandatory.",
        ),
        ("What I require?", "A formal or necessary condition for proceeding."),
    ]
    assert wording.meeting_prompts(core.STUDY_MODEL)[0] == (
        "What I need? What can help me? What can support me? What I require?"
    )
    assert "Sponsorship: what has happened here since we last met?" in (
        wording.meeting_prompts(core.STUDY_MODEL)
    )
    assert wording.allyship_statement(core.STUDY_MODEL) == (
        "Allyship is to combine kindness and courage: believing, challenging, disrupting to "
        "bring about change."
    )
    assert wording.model_summary(core.STUDY_MODEL) == (
        "This programme's model puts the mentee at the centre of sponsorship, allyship, "
        "surface characteristics and mentoring circles."
    )


def test_placed_themes_and_renamed_domains_reach_every_form():
    model = core.place(
        core.STUDY_MODEL, core.ThemeRef("theme-1", "Open doors", "help"), "sponsorship", "help"
    )
    model = core.rename_domain(model, "circles", "Peer circles")
    help_group = wording.needs_step(model)[1]
    assert help_group.heading == "What can help me?"
    assert help_group.topics_hint == (
        "Provides or makes things easier, but not absolutely necessary. In this programme it "
        "covers: Open doors (Sponsorship). Choose all that apply."
    )
    assert wording.agreement(model)["hints"]["what_can_help_me"].endswith(
        "covers: Open doors (Sponsorship)."
    )
    assert "Peer circles: what has happened here since we last met?" in (
        wording.meeting_prompts(model)
    )
    assert wording.review(model)["intro"].endswith("surface characteristics and peer circles.")


def test_a_model_that_leaves_a_question_out_asks_it_in_the_studys_words():
    model = replace(core.STUDY_MODEL, questions=core.STUDY_MODEL.questions[:3])
    assert [q.text for q in wording.questions(model)][-1] == "What I require?"
    assert wording.unstorable(model) == []


def test_a_model_with_another_question_is_one_the_intake_cannot_store(world):
    published = unstorable_model(world["own"])
    assert wording.unstorable(published.model()) == ["What do I hope for?"]
    assert "What do I hope for?" in model_actions.unstorable_problem(published)


def test_the_reflection_rates_the_same_qualities_in_the_models_words():
    renamed = replace(
        core.STUDY_MODEL,
        qualities=tuple(
            replace(q, name="Kindness, always") if q.code == "kindness" else q
            for q in core.STUDY_MODEL.qualities[:-1]
        ),
        allyship="Allies walk alongside us.",
    )
    form = ReflectionForm(mentoring_model=renamed)
    assert [q.code for q in wording.qualities(renamed)] == list(allyship.CODES)
    assert form.fields["rating_kindness"].label == "Kindness, always: how often do you do this?"
    assert "rating_no_justifying" in form.fields
    assert form.words["statement"] == "Allies walk alongside us."


# Choosing the model ------------------------------------------------------------------------


def test_a_programme_runs_on_the_studys_model_unless_it_chooses_one(world):
    assert world["programme_own"].model is None
    assert world["programme_own"].mentoring_model() == core.STUDY_MODEL


def test_the_create_form_offers_the_study_and_this_organisations_versions(client, world, ours):
    theirs = published_model(world["other"], world["olga"])
    sign_in(client, world["carol"])
    response = client.get(reverse("programmes:create", args=["alder"]))
    page = response.content.decode()
    assert "Mentoring model" in page
    assert "(the default)" in page
    assert "Alder&#x27;s mentoring model (version 1)" in page
    offered = {str(key) for key, _ in response.context["form"].fields["model"].choices}
    assert str(ours.pk) in offered
    assert str(theirs.pk) not in offered


def test_a_coordinator_creates_a_programme_on_a_published_model(client, world, ours):
    sign_in(client, world["carol"])
    response = client.post(
        reverse("programmes:create", args=["alder"]), {**PROGRAMME, "model": str(ours.pk)}
    )
    programme = Programme.objects.get(name=PROGRAMME["name"])
    assert response.status_code == 302
    assert programme.model == ours
    assert programme.mentoring_model().domain("allyship").name == "Allyship and trust"
    event = AuditEvent.objects.get(kind=Kind.PROGRAMME_CHANGED, detail__programme=programme.pk)
    assert event.detail["changed"] == ["model"] and event.detail["model"] == str(ours.pk)
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert "Alder&#x27;s mentoring model (version 1)" in page


def test_a_resent_create_form_makes_one_programme_on_its_model(client, world, ours):
    sign_in(client, world["carol"])
    form = {
        **PROGRAMME,
        "model": str(ours.pk),
        "submission": "8c1e4a1b-5b8f-4a57-9d62-0c8f3c1b2d10",
    }
    client.post(reverse("programmes:create", args=["alder"]), form)
    client.post(reverse("programmes:create", args=["alder"]), form)
    assert Programme.objects.filter(name=PROGRAMME["name"], model=ours).count() == 1
    assert AuditEvent.objects.filter(kind=Kind.PROGRAMME_CHANGED).count() == 1


def test_a_resent_create_form_choosing_another_model_changes_nothing(client, world, ours):
    """Back, another model, submit again: the programme stays as it was made (and people
    who joined in between are not moved to another model, nor given a server error)."""
    sign_in(client, world["carol"])
    form = {**PROGRAMME, "submission": "2f6d0c3e-6f1e-4a5b-8d3a-7b2e9c4d5a61"}
    first = client.post(reverse("programmes:create", args=["alder"]), form)
    programme = Programme.objects.get(name=PROGRAMME["name"])
    cohort = Cohort.objects.create(
        programme=programme, name="First", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    Participant.objects.create(cohort=cohort, user=world["mia"], side="mentee")
    again = client.post(
        reverse("programmes:create", args=["alder"]), {**form, "model": str(ours.pk)}
    )
    assert first.status_code == again.status_code == 302
    programme.refresh_from_db()
    assert programme.model is None
    assert Programme.objects.filter(name=PROGRAMME["name"]).count() == 1


def test_a_programme_created_without_choosing_runs_on_the_studys_model(client, world):
    sign_in(client, world["carol"])
    client.post(reverse("programmes:create", args=["alder"]), PROGRAMME)
    assert Programme.objects.get(name=PROGRAMME["name"]).model is None


@pytest.mark.parametrize("chosen", ["other", "unstorable", "9999", "x"])
def test_a_model_that_cannot_be_chosen_is_refused_and_nothing_is_made(client, world, chosen):
    key = {
        "other": lambda: str(published_model(world["other"], world["olga"]).pk),
        "unstorable": lambda: str(unstorable_model(world["own"]).pk),
        "9999": lambda: "9999",
        "x": lambda: "x",
    }[chosen]()
    sign_in(client, world["carol"])
    response = client.post(
        reverse("programmes:create", args=["alder"]), {**PROGRAMME, "model": key}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    expected = "the intake cannot store" if chosen == "unstorable" else "Choose one of the models"
    assert expected in page
    assert not Programme.objects.filter(name=PROGRAMME["name"]).exists()


def test_the_model_changes_until_someone_joins(client, world, ours):
    programme = new_programme(world)
    sign_in(client, world["carol"])
    url = reverse("programmes:edit", args=[programme.pk])
    response = client.post(url, settings_form(programme, model=str(ours.pk), model_was="study"))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.model == ours
    back = settings_form(programme, model="study", model_was=str(ours.pk))
    client.post(url, back)
    programme.refresh_from_db()
    assert programme.model is None


def test_once_someone_has_joined_the_model_is_shown_and_cannot_change(client, world, ours):
    programme = new_programme(world)
    Participant.objects.create(cohort=programme.cohorts.get(), user=world["mia"], side="mentee")
    sign_in(client, world["carol"])
    url = reverse("programmes:edit", args=[programme.pk])
    page = client.get(url).content.decode()
    assert "its model can no longer change" in page
    assert 'name="model" type="radio"' not in page
    client.post(url, settings_form(programme, model=str(ours.pk), model_was="study"))
    programme.refresh_from_db()
    assert programme.model is None
    with pytest.raises(ProgrammeError, match="cannot be changed now that people have joined"):
        model_actions.programme_model_set(programme=programme, model=ours, by=world["carol"])
    programme.refresh_from_db()
    assert programme.model is None


def test_a_settings_form_opened_before_a_model_change_does_not_undo_it(client, world, ours):
    programme = new_programme(world)
    stale = settings_form(programme, model="study", model_was="study", name="Renamed")
    model_actions.programme_model_set(programme=programme, model=ours, by=world["carol"])
    sign_in(client, world["carol"])
    response = client.post(reverse("programmes:edit", args=[programme.pk]), stale, follow=True)
    programme.refresh_from_db()
    assert programme.model == ours
    assert programme.name == "New programme"
    assert "Someone else changed these settings" in response.content.decode()


def test_another_organisations_version_is_refused_by_the_action(world, ours):
    programme = world["programme_other"]
    with pytest.raises(ProgrammeError, match="your organisation's"):
        model_actions.programme_model_set(programme=programme, model=ours, by=world["olga"])


def test_a_version_a_programme_runs_on_cannot_be_deleted(world, ours):
    on_model(new_programme(world), ours)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        PublishedModel.objects.filter(pk=ours.pk).delete()


# The programme's pages speak the model ----------------------------------------------------


def test_the_intake_asks_the_needs_questions_in_the_models_words(client, world, ours):
    programme = on_model(new_programme(world), ours)
    place = Participant.objects.create(
        cohort=programme.cohorts.get(), user=world["mia"], side="mentee"
    )
    sign_in(client, world["mia"])
    page = client.get(reverse("programmes:intake_step", args=[place.pk, "needs"])).content
    page = page.decode()
    assert "puts the mentee at the centre of sponsorship, allyship and trust," in page
    assert "In this programme it covers: Trust and honesty (Allyship and trust)." in page
    assert "Career sponsorship (Sponsorship)" in page
    response = client.post(
        reverse("programmes:intake_step", args=[place.pk, "needs"]),
        {"needs_require": ["sponsorship"], "text_require": "Someone to open doors"},
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.needs_require == ["sponsorship"]
    assert place.needs_text == {"require": "Someone to open doors"}


def test_the_agreement_meetings_and_reviews_speak_the_models_words(client, world, ours):
    on_model(world["programme_own"], ours)
    relationship = world["relationship_own"]
    sign_in(client, world["mia"])
    edit = client.get(reverse("programmes:agreement_edit", args=[relationship.pk])).content
    assert "In this programme it covers: Trust and honesty (Allyship and trust)." in edit.decode()
    meeting = client.get(reverse("programmes:meeting", args=[world["meeting_own"].pk])).content
    assert "Allyship and trust: what has happened here since we last met?" in meeting.decode()
    # The end review's form, once it has opened (its date is within four weeks).
    from django.utils import timezone

    from allied.programmes.models import Agreement

    Agreement.objects.filter(relationship=relationship).update(end_review_on=timezone.localdate())
    review = client.get(reverse("programmes:review", args=[relationship.pk, "end"])).content
    assert "across its domains: sponsorship, allyship and trust," in review.decode()


WORDS = "Allyship here means standing beside us when it is hard."


def in_other_words(ours: PublishedModel) -> PublishedModel:
    """Version 2 of `ours`, saying allyship in words the study's model does not use, so a
    page can show which model it was worded from."""
    return PublishedModel.objects.create(
        organisation=ours.organisation,
        draft=ours.draft,
        name=ours.name,
        version=2,
        json=core.to_json(replace(ours.model(), version=2, allyship=WORDS)),
        published_by=ours.published_by,
    )


def test_the_reflection_uses_the_model_of_the_mentors_programme(client, world, ours):
    sign_in(client, world["max_mentor"])
    assert WORDS not in client.get(reverse("allyship:reflection_new")).content.decode()
    on_model(world["programme_own"], in_other_words(ours))
    assert WORDS in client.get(reverse("allyship:reflection_new")).content.decode()


def test_someone_else_withdrawing_does_not_change_the_mentors_reflection_wording(
    client, world, ours
):
    on_model(world["programme_own"], in_other_words(ours))
    sign_in(client, world["max_mentor"])
    assert WORDS in client.get(reverse("allyship:reflection_new")).content.decode()
    cohort = Participant.objects.get(user=world["max_mentor"]).cohort
    Participant.objects.create(
        cohort=cohort, user=world["pat"], side="mentee", status=Participant.Status.WITHDRAWN
    )
    assert WORDS in client.get(reverse("allyship:reflection_new")).content.decode()
