"""Helpers for the data rights tests: a person with a row in every model that can hold
something about them, a marker planted in every free-text field of those rows, and a scan of
every row of every table (and every file under MEDIA_ROOT) for the marker."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, models
from django.utils import timezone

from allied.rights import registry

MARKER = "zqmarker7"


def give_mia_everything(world: dict) -> dict:
    """Adds to the shared world, for Mia (mentee on the own side), a row in every model that
    the shared world does not already give her: a workshop she took part in by email, a
    matching run, a shortlist offer, goal updates, a circle check-in and attendance, an
    allyship reflection and training, an API token, an invitation, a safeguarding concern
    and an erasure request. Returns the new objects by name."""
    from django.contrib.auth.models import Group, Permission

    from allied.accounts.models import ApiToken, Invitation, Role
    from allied.allyship.models import Completion, TrainingModule
    from allied.audit.log import record
    from allied.audit.models import Kind
    from allied.circles.models import Attendance, CheckIn
    from allied.programmes.models import (
        Concern,
        GoalUpdate,
        MatchRun,
        Proposal,
        ShortlistOffer,
    )
    from allied.rights.models import ErasureRequest
    from allied.workshops.models import (
        Ballot,
        BallotChoice,
        Characteristics,
        DraftIdea,
        Idea,
        Participant,
        SetAsideBallot,
        StaffRole,
        Turn,
        WorkshopStaff,
    )

    mia, max_mentor = world["mia"], world["max_mentor"]
    mentee, mentor = world["mentee_place_own"], world["mentor_place_own"]
    added: dict = {}

    workshop = world["workshop_own"]
    question = workshop.questions.first()
    WorkshopStaff.objects.create(workshop=workshop, user=mia, role=StaffRole.OBSERVER)
    seat = Participant.objects.create(
        workshop=workshop, number=1, real_name=mia.full_name, email=mia.email
    )
    other_seat = Participant.objects.create(workshop=workshop, number=2, real_name="Someone Else")
    Characteristics.objects.create(participant=seat, profession="OT", gender="woman")
    DraftIdea.objects.create(participant=seat, question=question, client_id=uuid.uuid4(), text="x")
    idea = Idea.objects.create(
        question=question, number=1, text="x", original_text="x", participant=seat,
        client_id=uuid.uuid4(),
    )  # fmt: skip
    Turn.objects.create(question=question, participant=seat, idea=idea, client_id=uuid.uuid4())
    for who in (seat, other_seat):
        ballot = Ballot.objects.create(question=question, participant=who, client_id=uuid.uuid4())
        BallotChoice.objects.create(ballot=ballot, idea=idea, value=1)
    SetAsideBallot.objects.create(
        question=question, participant=seat, vote_round=1, choices={"1. x": 1},
        idea_values={str(idea.pk): 1},
    )  # fmt: skip
    added.update(seat=seat, idea=idea)

    run = MatchRun.objects.create(cohort=world["cohort_own"], status="published")
    Proposal.objects.create(run=run, mentee=mentee, mentor=mentor, explanation=["x"])
    ShortlistOffer.objects.get_or_create(mentee=mentee, mentor=mentor, defaults={"rank": 1})
    GoalUpdate.objects.create(goal=world["goal_own"], author=mia, text="x")
    GoalUpdate.objects.create(goal=world["goal_own"], author=max_mentor, text="x")
    session = world["circle_session_own"]
    Attendance.objects.get_or_create(session=session, participant=mentee, attended=True)
    CheckIn.objects.create(circle=world["circle_own"], participant=mentee, mood=4, text="x")
    module = TrainingModule.objects.create(
        programme=world["programme_own"], title="Allyship", content="About allyship"
    )
    Completion.objects.get_or_create(module=module, user=mia, reflection="x")
    ApiToken.issue(user=mia, name="x", verified=False)
    Invitation.issue(
        organisation=world["own"], email=mia.email, role=Role.MENTEE, invited_by=world["alice"]
    )
    world["programme_own"].coordinators.add(mia)  # an M2M row (odd for a mentee, but real)
    mia.groups.add(Group.objects.create(name="Readers"))
    mia.user_permissions.add(Permission.objects.first())
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=mia, name="x", confirmed=True)
    added["safeguarding"] = Concern.objects.create(
        programme=world["programme_own"],
        relationship=world["relationship_own"],
        raised_by=max_mentor,
        safeguarding=True,
        text="x",
    )
    ErasureRequest.objects.create(user=mia)
    world["meeting_own"].created_by = mia
    world["meeting_own"].save()
    record(
        Kind.ROLE_GRANTED,
        actor=world["alice"],
        organisation=world["own"],
        subject=str(mia),
        role="mentee",
        email_sent_to=mia.email,
    )
    record(Kind.SIGN_IN, actor=mia, email=mia.email, organisation=world["own"])
    added["review_by_max"] = world["review_own"].__class__.objects.create(
        relationship=world["relationship_own"],
        stage="mid",
        author=max_mentor,
        side="mentor",
        satisfaction=4,
        trust=4,
        psychological_safety=4,
        expectations_met="yes",
        comments="x",
        submitted_at=timezone.now() - timedelta(days=1),
    )
    added["outcome_date"] = date(2026, 3, 1)
    return added


def marked(value_kind: str, pk: int) -> object:
    return {
        "email": f"{MARKER}{pk}@example.org",
        "list": [MARKER],
        "dict": {"words": MARKER},
        "text": f"{MARKER}{pk}",
    }[value_kind]


def plant(user) -> list[tuple[str, int, str]]:
    """Writes the marker into every free-text field of every row an owner chain links to the
    person (the email roots keep the person's own, marked, email address). Returns what was
    planted as (model label, pk, field)."""
    planted = []
    seen: set[tuple[str, int]] = set()
    for chain in registry.chains():
        if chain.mention or chain.model is type(user) or not registry.erases(chain):
            continue  # a partner's note stays theirs (test_erasure.py checks it loses the name)
        model = chain.model
        for row in chain.rows(user):
            if (model._meta.label_lower, row.pk) in seen:
                continue
            seen.add((model._meta.label_lower, row.pk))
            values = {}
            for f in registry.free_text_fields(model):
                if isinstance(f, (models.FileField, models.GenericIPAddressField)):
                    continue
                if f.name == "email" and model._meta.label_lower in registry.EMAIL_ROOTS:
                    continue
                if isinstance(f, models.EmailField):
                    values[f.name] = marked("email", row.pk)
                elif isinstance(f, models.JSONField):
                    values[f.name] = marked(
                        "list" if isinstance(f.get_default(), list) else "dict", row.pk
                    )
                else:
                    values[f.name] = marked("text", row.pk)[: f.max_length or None]
            if values:
                model._base_manager.filter(pk=row.pk).update(**values)
                planted += [(model._meta.label_lower, row.pk, name) for name in values]
    return planted


def scan(marker: str = MARKER) -> set[tuple[str, object]]:
    """Returns (table, first column) of every row of every table holding the marker, plus
    ("media", path) for every file under MEDIA_ROOT holding it."""
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # Table names come from the database itself.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                if table == "django_session":
                    row = (*row, json.dumps(SessionStore().decode(row[1]), default=str))
                for value in row:
                    text = (
                        bytes(value).decode("utf-8", "replace")
                        if isinstance(value, (bytes, memoryview))
                        else str(value)
                    )
                    if marker in text.lower():
                        found.add((table, row[0]))
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        for path in media.rglob("*"):
            if path.is_file() and marker.encode() in path.read_bytes().lower():
                found.add(("media", str(path)))
    return found
