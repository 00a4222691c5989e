"""What coordinators see of allyship: training completion per mentor (never what anyone
wrote), and mentees' feedback on allyship as counts with small numbers hidden."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Count

from allied.allyship.actions import FEEDBACK_FIELDS
from allied.allyship.models import Completion, TrainingModule
from allied.core.disclosure import disclose_protected_masks
from allied.programmes.models import AllyshipAnswer, Participant, Programme, Review, Side

QUESTIONS = {
    "felt_believed": "Did you feel believed?",
    "race_discussed_safely": "Could race be discussed safely?",
    "challenged_barriers": "Did your mentor challenge barriers on your behalf?",
}
assert tuple(QUESTIONS) == FEEDBACK_FIELDS


@dataclass(frozen=True)
class MentorProgress:
    name: str
    done: tuple  # (module, completed_at or None) for each of the programme's modules
    required_done: int
    required: int
    trained: bool


def progress(programme: Programme) -> tuple[list[TrainingModule], list[MentorProgress]]:
    """Returns the programme's modules and, for each mentor taking part, which they completed
    and when, and whether any of their places is marked allyship trained (three queries)."""
    modules = list(programme.training_modules.all())
    places = (
        Participant.objects.filter(cohort__programme=programme, side=Side.MENTOR)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    people: dict[int, dict] = {}
    for place in places:
        person = people.setdefault(place.user_id, {"user": place.user, "trained": False})
        person["trained"] = person["trained"] or place.allyship_trained
    completed = {
        (user_id, module_id): at
        for user_id, module_id, at in Completion.objects.filter(
            module__programme=programme, user_id__in=people
        ).values_list("user_id", "module_id", "completed_at")
    }
    required = [m for m in modules if m.required]
    rows = []
    for user_id, person in people.items():
        rows.append(
            MentorProgress(
                name=person["user"].full_name or person["user"].email,
                done=tuple((m, completed.get((user_id, m.pk))) for m in modules),
                required_done=sum(1 for m in required if (user_id, m.pk) in completed),
                required=len(required),
                trained=person["trained"],
            )
        )
    return modules, rows


def feedback(programme: Programme) -> list[dict]:
    """Returns, per question, the disclosed count of each answer across the mentees' reviews
    in the programme: never per relationship, never a name. The answers and all who answered
    are one split, decided together as the dashboard's are (`disclose_protected_masks`): "*"
    for 1 to 7, and for a count hidden so that none of those can be worked out."""
    reviews = Review.objects.filter(relationship__cohort__programme=programme, side=Side.MENTEE)
    codes = [code for code, _ in AllyshipAnswer.choices]
    masks = {code: np.eye(len(codes), dtype=bool)[i] for i, code in enumerate(codes)}
    masks["answered"] = np.ones(len(codes), dtype=bool)
    out = []
    for field, question in QUESTIONS.items():
        counts = dict(
            reviews.exclude(**{field: ""})
            .values_list(field)
            .annotate(n=Count("pk"))
            .values_list(field, "n")
        )
        weights = np.array([counts.get(code, 0) for code in codes], dtype=np.int64)
        shown = disclose_protected_masks(masks, weights, [("answered", codes)])
        out.append(
            {
                "field": field,
                "question": question,
                "answers": [
                    {"answer": code, "label": label, "count": shown[code]}
                    for code, label in AllyshipAnswer.choices
                ],
                "answered": shown["answered"],
            }
        )
    return out
