"""A person's own intake: the task list, one page per step, and check your answers.

Only the place's owner can open these pages (`access.place_for`: anyone else, coordinators
included, gets a 404; coordinators read intakes through the cohort pages).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from allied.core.matching import vocabulary as v
from allied.programmes import access, sensitive, wording
from allied.programmes.actions import intake as actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.forms.intake import (
    PREFERENCE_ORDER,
    EqualityForm,
    extra_questions,
    form_class,
    kind_choices,
)
from allied.programmes.models import Participant, RaceComfort, RaceConversation, RaisedBy


def bind(step: str, place: Participant, data=None):
    """Returns the step's form, bound to `data` when given."""
    cls = form_class(step, place)
    if cls is None:
        raise Http404
    if cls is EqualityForm:
        return cls(data, place=place, answers=sensitive.own_answers(place))
    return cls(data, place=place)


def _context(place: Participant, **extra) -> dict:
    return {
        "place": place,
        "cohort": place.cohort,
        "programme": place.cohort.programme,
        "other_side": "mentee" if place.is_mentor else "mentor",
        "open": actions.is_open(place),
        "closed_message": actions.CLOSED,
        "equality_message": actions.EQUALITY_ALWAYS,
        **extra,
    }


@login_required
def my_intake(request, pk: int, side: str):
    """Where an invitation to a cohort leads: the signed-in person's own intake in that
    cohort, on that side (their place is made when they accept). Without a place there (the
    cohort has gone, or they had withdrawn from it), the dashboard, saying so without naming
    the cohort."""
    place = (
        Participant.objects.filter(cohort_id=pk, side=side, user=request.user)
        .exclude(status=Participant.Status.WITHDRAWN)
        .values_list("pk", flat=True)
        .first()
    )
    if place is None:
        messages.info(
            request,
            "You do not have a place in that cohort. Your programme coordinator can add you.",
        )
        return redirect("web:dashboard")
    return redirect("programmes:intake", place)


@login_required
def intake(request, pk: int):
    place = access.place_for(request, pk)
    sections = actions.sections(place)
    return render(
        request,
        "programmes/intake/task_list.html",
        _context(
            place,
            sections=sections,
            done=sum(s["state"] == actions.COMPLETED for s in sections),
            four_questions=wording.question_list(place.cohort.programme.mentoring_model()),
            submitted=place.status == Participant.Status.READY,
        ),
    )


@login_required
def intake_step(request, pk: int, step: str):
    place = access.place_for(request, pk)
    if step == "check":
        return _check(request, place)
    if step not in actions.steps_for(place):
        raise Http404
    if not actions.step_open(place, step):
        if request.method == "POST":
            messages.error(request, actions.CLOSED)
        return redirect("programmes:intake_step", place.pk, "check")
    form = bind(step, place, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_step(place, step, form.changes(), request=request)
        except ProgrammeError as error:
            messages.error(request, str(error))
            return redirect("programmes:intake", place.pk)
        if not actions.is_open(place):
            # Only the equality step is open now: there is no next step to go to.
            messages.success(
                request,
                "Your ethnicity and gender answers have been saved. A change to your consent "
                "takes effect from the next matching run.",
            )
            return redirect("programmes:intake", place.pk)
        if request.POST.get("later"):
            messages.success(
                request, f"Saved \u201c{actions.TITLES[step]}\u201d. Come back to it any time."
            )
            return redirect("programmes:intake", place.pk)
        return redirect("programmes:intake_step", place.pk, actions.next_step(place, step))
    return render(
        request,
        f"programmes/intake/{step}.html",
        _context(place, form=form, step=step, title=actions.TITLES[step]),
    )


def _check(request, place: Participant):
    if request.method == "POST":
        try:
            submitted = actions.submit(place, request=request)
        except ProgrammeError as error:
            messages.error(request, str(error))
            return redirect("programmes:intake_step", place.pk, "check")
        if submitted:
            messages.success(
                request,
                "Your intake is complete. Your coordinator will be in touch about matching.",
            )
        return redirect("programmes:intake", place.pk)
    sections = actions.sections(place)
    return render(
        request,
        "programmes/intake/check.html",
        _context(
            place,
            summary=summary(place),
            ready=all(s["state"] == actions.COMPLETED for s in sections),
            sections=sections,
            submitted=place.status == Participant.Status.READY,
        ),
    )


def _labels(choices, codes) -> str:
    return ", ".join(v.label(choices, c) for c in codes) if codes else ""


def summary(place: Participant) -> list[dict]:
    """Returns each section's answers as {"step", "title", "rows": [(question, answer)]},
    labels in place of codes. Includes the person's own ethnicity and gender: this is their
    own page and nobody else's."""
    sections = []
    for step in actions.steps_for(place):
        sections.append({"step": step, "title": actions.TITLES[step], "rows": _rows(place, step)})
    return sections


def _scale(value) -> str:
    return "" if value is None else f"{value:g} out of 5"


def _rows(place: Participant, step: str) -> list[tuple[str, str]]:
    if step == "about":
        return [
            ("Profession", v.label(v.PROFESSIONS, place.profession) if place.profession else ""),
            ("Band or career stage", v.label(v.BANDS, place.band) if place.band else ""),
            (
                "Where you work",
                v.label(v.WORK_SETTINGS, place.work_setting) if place.work_setting else "",
            ),
            ("Region", v.label(v.REGIONS, place.region) if place.region else ""),
            ("Career goals", _labels(v.CAREER_GOALS, place.career_goals)),
            ("Interests", "; ".join(place.interests)),
            ("Languages", ", ".join(place.languages)),
            ("How you would like to meet", v.label(v.MEETING_MODES, place.meeting_mode)),
            ("When you are free", _labels(v.AVAILABILITY, place.availability)),
            ("Team", place.team),
            ("Line manager's email", place.line_manager_email),
        ]
    if step == "you":
        return [
            ("Values", _labels(v.VALUES, place.values)),
            ("How you like to work", _labels(v.WORKING_STYLES, place.working_style)),
            ("Openness to new ways of working", _scale(place.openness)),
            ("Planning and follow-through", _scale(place.conscientiousness)),
        ]
    if step == "needs":
        rows = []
        for asked in wording.questions(place.cohort.programme.mentoring_model()):
            code, question = asked.code, asked.text
            words = (place.needs_text or {}).get(code, "")
            topics = _labels(v.SUPPORT_TOPICS, getattr(place, f"needs_{code}"))
            rows.append((question, " \u2014 ".join(x for x in (topics, words) if x)))
        return rows
    if step == "offer":
        return [
            ("What you can help with", _labels(v.SUPPORT_TOPICS, place.offers)),
            ("In your own words", place.offer_text),
            ("Mentees you can take on", str(place.capacity)),
        ]
    if step == "preferences":
        rows = []
        stored = place.preferences or {}
        strengths = dict(v.PREFERENCE_STRENGTHS)
        for attribute in PREFERENCE_ORDER:
            _, kinds = kind_choices(attribute, place.side, place)
            question = v.label(v.PREFERENCE_ATTRIBUTES, attribute)
            stated = stored.get(attribute) if isinstance(stored.get(attribute), dict) else None
            if not stated:
                rows.append((question, ""))
                continue
            kind = dict(kinds).get(stated.get("kind"), "One of a list")
            strength = strengths.get(stated.get("strength") or "")
            rows.append((question, f"{kind} ({strength.lower()})" if strength else kind))
        return rows
    if step == "equality":
        answers = sensitive.own_answers(place)
        if answers.pk is None:
            return [("Your answers", "")]
        return [
            (
                "Ethnic group",
                v.label(v.ETHNIC_GROUPS, answers.ethnic_group)
                if answers.ethnic_group
                else "Not answered",
            ),
            ("In your own words", answers.ethnicity_self_description or "Not answered"),
            ("Gender", v.label(v.GENDERS, answers.gender) if answers.gender else "Not answered"),
            (
                "Equality monitoring",
                "You agreed" if answers.monitoring_consent else "You did not agree",
            ),
            (
                "Ethnic group used in matching",
                "You agreed" if answers.matching_consent else "You did not agree",
            ),
            (
                "Gender used in matching",
                "You agreed" if answers.gender_matching_consent else "You did not agree",
            ),
        ]
    if step == "race":
        if place.is_mentor:
            return [
                (
                    "How comfortable and prepared you are",
                    RaceComfort(place.race_comfort).label if place.race_comfort else "",
                ),
                ("Anything else", place.race_note),
            ]
        return [
            (
                "Part of your mentoring",
                RaceConversation(place.race_conversation).label if place.race_conversation else "",
            ),
            (
                "Who should raise it",
                RaisedBy(place.race_raised_by).label if place.race_raised_by else "",
            ),
            ("Anything else", place.race_note),
        ]
    if step == "extra":
        stored = place.extra_answers or {}
        return [(q.text, stored.get(str(q.pk), "")) for q in extra_questions(place)]
    return []
