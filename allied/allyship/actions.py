"""Every change in allyship: reflections and sharing them, training modules, completions and
the allyship-trained mark the matching engine reads, and mentees' feedback at reviews. Pages
and the API call these, each in a transaction; refusals raise `ProgrammeError`.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from allied.allyship.models import Answer, Completion, Reflection, TrainingModule
from allied.core import allyship as model
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Participant, Programme, Review, Side

FEEDBACK_FIELDS = ("felt_believed", "race_discussed_safely", "challenged_barriers")


# Reflections ------------------------------------------------------------------------------


def reflection_create(*, author, data: dict, submission: uuid.UUID | None = None) -> Reflection:
    """Stores a dated reflection: a rating and the person's words for each quality, and their
    overall words. `data` has "rating_<code>", "text_<code>" and "overall". The same
    submission key twice returns the first reflection."""
    if submission is not None:
        made = Reflection.objects.filter(submission=submission, author=author).first()
        if made is not None:
            return made
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(
                author=author, overall=data.get("overall", ""), submission=submission
            )
            Answer.objects.bulk_create(
                Answer(
                    reflection=reflection,
                    quality=code,
                    rating=data[f"rating_{code}"],
                    text=data.get(f"text_{code}", ""),
                )
                for code in model.CODES
            )
    except IntegrityError:
        made = Reflection.objects.filter(submission=submission, author=author).first()
        if made is None:
            raise ProgrammeError("This form was already used. Nothing was changed.") from None
        return made
    return reflection


def programmes_to_share_with(user):
    """Returns the programmes whose coordinators the person may share a reflection with: those
    where they hold a place that is not withdrawn."""
    # One filter() call, so both conditions are about the same place: an exclude() here
    # would drop a programme as soon as anyone in it had withdrawn.
    return (
        Programme.objects.filter(
            cohorts__participants__user=user,
            cohorts__participants__status__in=[
                Participant.Status.INTAKE,
                Participant.Status.READY,
            ],
        )
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def reflection_share(*, reflection: Reflection, programme: Programme) -> Reflection:
    """Shares the reflection with the programme's coordinators (one programme at a time)."""
    if not programmes_to_share_with(reflection.author).filter(pk=programme.pk).exists():
        raise ProgrammeError("You can share a reflection only with a programme you take part in.")
    reflection.shared_with = programme
    reflection.shared_at = timezone.now()
    reflection.save(update_fields=["shared_with", "shared_at"])
    return reflection


@transaction.atomic
def reflection_unshare(*, reflection: Reflection) -> Reflection:
    """Takes a shared reflection back: coordinators no longer see it."""
    reflection.shared_with = None
    reflection.shared_at = None
    reflection.save(update_fields=["shared_with", "shared_at"])
    return reflection


def shared_reflections(programme: Programme):
    """Returns the reflections shared with the programme by people taking part in it."""
    places = Participant.objects.filter(cohort__programme=programme).exclude(
        status=Participant.Status.WITHDRAWN
    )
    return (
        Reflection.objects.filter(shared_with=programme, author__in=places.values("user"))
        .select_related("author")
        .prefetch_related("answers")
    )


# Training modules -------------------------------------------------------------------------

MODULE_FIELDS = ("title", "content", "order", "required", "reflection_prompt")


def module_add(
    *, programme: Programme, data: dict, submission: uuid.UUID | None = None
) -> TrainingModule:
    """Adds a module; the same submission key twice returns the first module."""
    if submission is not None:
        made = TrainingModule.objects.filter(submission=submission, programme=programme).first()
        if made is not None:
            return made
    try:
        with transaction.atomic():
            return TrainingModule.objects.create(
                programme=programme,
                submission=submission,
                **{k: data[k] for k in MODULE_FIELDS if k in data},
            )
    except IntegrityError:
        made = TrainingModule.objects.filter(submission=submission, programme=programme).first()
        if made is None:
            raise ProgrammeError("This form was already used. Nothing was changed.") from None
        return made


@transaction.atomic
def module_update(*, module: TrainingModule, data: dict) -> TrainingModule:
    for field in MODULE_FIELDS:
        if field in data:
            setattr(module, field, data[field])
    module.save()
    return module


@transaction.atomic
def modules_add_defaults(*, programme: Programme) -> list[TrainingModule]:
    """Adds the default modules the programme does not have yet (by title); returns those
    added. Running it twice adds nothing the second time."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    have = {t.lower() for t in programme.training_modules.values_list("title", flat=True)}
    start = (max(programme.training_modules.values_list("order", flat=True), default=0) or 0) + 1
    added = []
    for offset, default in enumerate(
        d for d in model.DEFAULT_MODULES if d.title.lower() not in have
    ):
        added.append(
            TrainingModule.objects.create(
                programme=programme,
                title=default.title,
                content=default.content,
                reflection_prompt=default.reflection_prompt,
                required=default.required,
                order=start + offset,
            )
        )
    return added


def is_trained(*, user, programme: Programme) -> bool:
    """Whether the person has completed every required module of the programme (and it has at
    least one)."""
    required = programme.training_modules.filter(required=True).values_list("pk", flat=True)
    done = Completion.objects.filter(user=user, module__programme=programme).values_list(
        "module_id", flat=True
    )
    return model.all_required_done(required, done)


@transaction.atomic
def training_sync(*, user, programme: Programme) -> int:
    """Marks the person's mentor places in the programme's cohorts allyship trained once they
    have completed every required module; returns how many places changed. Only ever sets the
    mark: a coordinator may still clear it by hand (`programmes:person_trained`)."""
    if not is_trained(user=user, programme=programme):
        return 0
    places = list(
        Participant.objects.select_for_update().filter(
            user=user, side=Side.MENTOR, cohort__programme=programme, allyship_trained=False
        )
    )
    for place in places:
        place.allyship_trained = True
        place.save(update_fields=["allyship_trained", "updated_at"])
    return len(places)


@transaction.atomic
def module_complete(*, module: TrainingModule, user, reflection: str = "") -> Completion:
    """Records that the person completed the module, with their optional reflection (a second
    completion keeps the first date and replaces the reflection only when a new one is
    written), then marks them trained if that was the last required module."""
    completion, created = Completion.objects.get_or_create(
        module=module, user=user, defaults={"reflection": reflection}
    )
    if not created and reflection and reflection != completion.reflection:
        completion.reflection = reflection
        completion.save(update_fields=["reflection"])
    training_sync(user=user, programme=module.programme)
    return completion


# Mentees' feedback at reviews ---------------------------------------------------------------


@transaction.atomic
def feedback_record(*, review: Review, data: dict) -> Review:
    """Stores the mentee's answers on allyship on their review. Mentors' reviews never carry
    them: the mentor is the person the feedback is about."""
    if review.side != Side.MENTEE:
        return review
    for field in FEEDBACK_FIELDS:
        setattr(review, field, data.get(field) or "")
    review.save(update_fields=list(FEEDBACK_FIELDS))
    return review
