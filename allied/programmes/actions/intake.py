"""A person's intake: which sections they have completed, saving one step, and submitting.

Save-as-you-go: each step is saved on its own, in one transaction, and a section is
"in progress" until the answers matching needs are there. Submitting marks the place ready
for matching; it needs every section completed and changes nothing the second time.

Answers can be changed while the cohort is taking intakes, and by anyone whose own intake is
not yet submitted whatever the cohort's stage (someone added late completes it and is matched
in a later run). Once a person has submitted and the coordinator has moved the cohort on, the
answers are what matching (and, later, the pair's agreement) was built on, so the person reads
them but asks their coordinator for a change.

The one exception is the equality step (ethnicity, gender and the two consents): its owner may
change it, and withdraw consent, at any time (UK GDPR art. 7(3)). Matching reads the consents
when it runs, so a withdrawal takes effect from the next matching run.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from allied.programmes import sensitive
from allied.programmes.errors import ProgrammeError
from allied.programmes.forms.intake import PREFERENCE_ORDER, extra_questions
from allied.programmes.models import Cohort, Participant

COMPLETED = "completed"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"

TITLES = {
    "about": "About you and your work",
    "you": "Your values and how you work",
    "needs": "What you need from mentoring",
    "offer": "What you can offer as a mentor",
    "preferences": "Who you would like to be matched with",
    "equality": "Ethnicity and gender (optional)",
    "race": "Race and racism in mentoring",
    "extra": "Your programme's own questions",
    "check": "Check your answers and submit",
}

CLOSED = (
    "Intake for this cohort has closed, so your answers can no longer be changed here. "
    "If something important has changed, tell your programme coordinator."
)
EQUALITY_ALWAYS = (
    "You can change your ethnicity and gender answers, or withdraw your consent to their use, "
    "at any time, even after you have submitted your intake and after matching has begun. A "
    "withdrawal takes effect from the next matching run; it does not undo a match already made."
)
# Steps whose owner may change them whatever the state of the intake.
ALWAYS_OPEN = ("equality",)


def steps_for(place: Participant, *, with_extra: bool | None = None) -> list[str]:
    """Returns the person's sections in order (without "check"). The programme's own
    questions are a section only when the programme asks this side any (one query)."""
    middle = "offer" if place.is_mentor else "needs"
    steps = ["about", "you", middle, "preferences", "equality", "race"]
    if with_extra is None:
        with_extra = bool(extra_questions(place))
    if with_extra:
        steps.append("extra")
    return steps


def all_steps(place: Participant) -> list[str]:
    return [*steps_for(place), "check"]


def next_step(place: Participant, step: str) -> str:
    steps = all_steps(place)
    return steps[min(steps.index(step) + 1, len(steps) - 1)]


def is_open(place: Participant) -> bool:
    """Whether the person may still change their answers: while the cohort takes intakes, or,
    whatever its stage, until they have submitted their own (so people added late are not
    stuck). Never once they have withdrawn."""
    if place.status == Participant.Status.WITHDRAWN:
        return False
    return place.cohort.status == Cohort.Status.INTAKE or place.status == Participant.Status.INTAKE


def step_open(place: Participant, step: str) -> bool:
    """Whether the person may change this step now: the equality step always (consent can be
    withdrawn at any time), the others while `is_open`."""
    return step in ALWAYS_OPEN or is_open(place)


def _reached(place: Participant, step: str, steps: list[str]) -> bool:
    if place.intake_step == "check":
        return True
    if place.intake_step not in steps or step not in steps:
        return False
    return steps.index(place.intake_step) >= steps.index(step)


def _complete(place: Participant, step: str, answers) -> bool:
    if step == "about":
        return bool(place.profession and place.band)
    if step == "you":
        return bool(
            place.values
            and place.working_style
            and place.openness is not None
            and place.conscientiousness is not None
        )
    if step == "needs":
        return any(getattr(place, f"needs_{q}") for q in ("need", "help", "support", "require"))
    if step == "offer":
        return bool(place.offers)
    if step == "preferences":
        stated = place.preferences or {}
        return all(isinstance(stated.get(a), dict) for a in PREFERENCE_ORDER)
    if step == "equality":
        # Saving the section, even with every question left blank, is the answer.
        return answers is not None and answers.pk is not None
    if step == "race":
        return bool(place.race_comfort if place.is_mentor else place.race_conversation)
    if step == "extra":
        stored = place.extra_answers or {}
        return all(
            str(q.pk) in stored and (stored[str(q.pk)] or not q.required)
            for q in extra_questions(place)
        )
    return False


def sections(place: Participant) -> list[dict]:
    """Returns each section as {"step", "title", "state"} in order."""
    steps = steps_for(place)
    answers = sensitive.own_answers(place)
    out = []
    for step in steps:
        if _complete(place, step, answers):
            state = COMPLETED
        elif _reached(place, step, steps):
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        out.append({"step": step, "title": TITLES[step], "state": state})
    return out


def _locked(place: Participant, step: str) -> Participant:
    locked = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("cohort__programme__organisation", "user")
        .get(pk=place.pk)
    )
    if not step_open(locked, step):
        raise ProgrammeError(CLOSED)
    return locked


def _advance(place: Participant, step: str) -> None:
    steps = all_steps(place)
    if place.intake_step not in steps or steps.index(step) > steps.index(place.intake_step):
        place.intake_step = step


def save_step(place: Participant, step: str, changes: dict, *, request=None) -> Participant:
    """Stores one step's cleaned answers and records how far the person has got. Ethnicity
    and gender go only through `sensitive.save_own_answers` (which audits the consents)."""
    with transaction.atomic():
        locked = _locked(place, step)
        if step == "equality":
            sensitive.save_own_answers(locked, request=request, **changes)
            changes = {}
        for name, value in changes.items():
            setattr(locked, name, value)
        if is_open(locked):
            _advance(locked, step)
        locked.save(update_fields=[*changes, "intake_step", "updated_at"])
    return locked


def submit(place: Participant, *, request=None) -> bool:
    """Marks the intake complete, ready for matching. Returns False, changing nothing, when it
    was already submitted; refuses while a section is not completed."""
    with transaction.atomic():
        locked = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("cohort__programme__organisation", "user")
            .get(pk=place.pk)
        )
        if locked.status == Participant.Status.READY:
            return False
        if not is_open(locked):
            raise ProgrammeError(CLOSED)
        missing = [s["title"] for s in sections(locked) if s["state"] != COMPLETED]
        if missing:
            raise ProgrammeError(
                "Complete every section before you submit. Still to do: " + "; ".join(missing) + "."
            )
        locked.status = Participant.Status.READY
        locked.intake_completed_at = timezone.now()
        locked.intake_step = "check"
        locked.save(update_fields=["status", "intake_completed_at", "intake_step", "updated_at"])
    place.status, place.intake_completed_at = locked.status, locked.intake_completed_at
    return True
