"""Setting up a programme: creating it, its settings and intake questions, cohorts, the people
in them, and bulk imports from the matching engine's spreadsheet.

Each change runs in a transaction and writes the audit log where the study needs a record
(programme created or changed, participants imported). Refusals raise `ProgrammeError`, so
pages show the message and the API answers 409; nothing is changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from allied.accounts import actions as account_actions
from allied.accounts.models import ApiToken, Invitation, Membership, Organisation, Role, User
from allied.audit.log import record
from allied.audit.models import AuditEvent, Kind
from allied.programmes import sensitive, signals
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import (
    Cohort,
    IntakeQuestion,
    Participant,
    Programme,
    Relationship,
    Side,
)
from allied.programmes.submissions import already_made

# The programme fields a coordinator sets on the create and edit forms.
PROGRAMME_FIELDS = (
    "name",
    "description",
    "relationship_months",
    "meeting_every_weeks",
    "matching_mode",
    "shortlist_size",
    "require_allyship_training",
)

ROLE_FOR_SIDE = {Side.MENTOR: Role.MENTOR, Side.MENTEE: Role.MENTEE}

OTHER_ORGANISATION = (
    "This address already has an Allied account in another organisation. Invite them from the "
    "cohort page instead; nothing from this file has been imported."
)
STALE_SETTINGS = (
    "Someone else changed these settings since you opened this page. Nothing was saved; here "
    "are the current settings."
)


def _earlier(model, key, **scope):
    """Returns (the row an earlier submission with `key` made within `scope`, the key to store).

    A key is one-time only within its scope: a key that another organisation's programme (or
    another programme's cohort) already holds must neither return that row, which is not the
    caller's to see, nor collide with it, so the submission is treated as a fresh one without
    a key."""
    earlier = already_made(model, key)
    if earlier is None:
        return None, key
    if all(getattr(earlier, name) == value for name, value in scope.items()):
        return earlier, key
    return None, None


def _create_once(model, key, scope: dict, **values):
    """Creates the row, or returns the one a simultaneous submission with the same key made
    (the unique key decides the race)."""
    earlier, key = _earlier(model, key, **scope)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return model.objects.create(submission=key, **scope, **values), True
    except IntegrityError:
        earlier, _ = _earlier(model, key, **scope)
        if earlier is None:
            raise
        return earlier, False


# Programmes ------------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    organisation: Organisation,
    by: User,
    data: dict,
    request=None,
    submission=None,
    model=None,
) -> Programme:
    """Returns the new programme, on `model` (a published model; None is the study's); the
    person who created it becomes its first coordinator. A second submission of the same
    form (`submission`) returns the first one's programme unchanged, whatever it chose."""
    programme, made = _create_once(
        Programme,
        submission,
        {"organisation_id": organisation.pk},
        created_by=by,
        **{key: data[key] for key in PROGRAMME_FIELDS if key in data},
    )
    if not made:
        return programme
    programme.coordinators.add(by)
    if model is not None:
        from allied.programmes.actions.model import programme_model_set

        programme_model_set(programme=programme, model=model, by=by)
    record(
        Kind.PROGRAMME_CREATED,
        request=request,
        actor=by,
        organisation=organisation,
        subject=programme.name,
        programme=programme.pk,
    )
    return programme


def settings_fingerprint(programme: Programme) -> str:
    """Returns a digest of the settings the edit form shows (the programme's fields, its
    matching settings and its coordinators), so a form can say which settings it was built
    from and a stale one can be told apart from a current one."""
    stored = {
        "fields": {key: getattr(programme, key) for key in PROGRAMME_FIELDS},
        "matching_settings": programme.matching_settings or {},
        "coordinators": sorted(programme.coordinators.values_list("pk", flat=True)),
    }
    text = json.dumps(stored, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@transaction.atomic
def programme_update(
    *,
    programme: Programme,
    by: User,
    data: dict,
    matching_settings: dict | None = None,
    coordinators: list[User] | None = None,
    fingerprint: str | None = None,
    request=None,
) -> list[str]:
    """Returns the names of the settings that changed (empty when nothing did), after saving
    them. `coordinators`, when given, replaces the programme's coordinators.

    `fingerprint`, when given, is `settings_fingerprint` of the settings the form was built
    from: if the stored settings have changed since (another coordinator saved first), saving
    this form would silently undo their changes, so it is refused and nothing is saved."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if fingerprint is not None and fingerprint != settings_fingerprint(programme):
        raise ProgrammeError(STALE_SETTINGS)
    changed = []
    for key in PROGRAMME_FIELDS:
        if key in data and getattr(programme, key) != data[key]:
            setattr(programme, key, data[key])
            changed.append(key)
    if matching_settings is not None and matching_settings != programme.matching_settings:
        programme.matching_settings = matching_settings
        changed.append("matching_settings")
    if changed:
        programme.save()
    if coordinators is not None:
        before = set(programme.coordinators.values_list("pk", flat=True))
        after = {user.pk for user in coordinators}
        if before != after:
            programme.coordinators.set(coordinators)
            changed.append("coordinators")
    if changed:
        record(
            Kind.PROGRAMME_CHANGED,
            request=request,
            actor=by,
            organisation=programme.organisation,
            subject=programme.name,
            programme=programme.pk,
            changed=changed,
        )
    return changed


# Intake questions ------------------------------------------------------------------------


@transaction.atomic
def question_add(*, programme: Programme, data: dict, submission=None) -> IntakeQuestion:
    """Returns the new question, placed after the programme's others, or the one an earlier
    submission of the same form (`submission`) added."""
    earlier, _ = _earlier(IntakeQuestion, submission, programme_id=programme.pk)
    if earlier is not None:
        return earlier
    last = (
        IntakeQuestion.objects.select_for_update()
        .filter(programme=programme)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    question, _ = _create_once(
        IntakeQuestion,
        submission,
        {"programme_id": programme.pk},
        order=(last or 0) + 1,
        **data,
    )
    return question


@transaction.atomic
def question_update(*, question: IntakeQuestion, data: dict) -> IntakeQuestion:
    for key, value in data.items():
        setattr(question, key, value)
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: IntakeQuestion) -> None:
    """Deletes the question. Answers people already gave stay in their intake, so nothing
    anyone wrote is lost; the coordinator's view of an intake labels them as removed."""
    question.delete()


# Cohorts ---------------------------------------------------------------------------------


@transaction.atomic
def cohort_create(*, programme: Programme, data: dict, submission=None) -> Cohort:
    """Returns the new cohort, or the one an earlier submission of the same form made (only
    a cohort of this programme: see `_earlier`)."""
    earlier, _ = _earlier(Cohort, submission, programme_id=programme.pk)
    if earlier is not None:
        return earlier
    if data["ends_on"] <= data["starts_on"]:
        raise ProgrammeError("The cohort must end after it starts.")
    cohort, _ = _create_once(Cohort, submission, {"programme_id": programme.pk}, **data)
    return cohort


# A cohort goes forward one stage at a time; it goes back only from matching to intake (to
# take late intakes), and only while nobody has been paired.
MOVES = {
    Cohort.Status.INTAKE: {Cohort.Status.MATCHING},
    Cohort.Status.MATCHING: {Cohort.Status.RUNNING, Cohort.Status.INTAKE},
    Cohort.Status.RUNNING: {Cohort.Status.FINISHED},
    Cohort.Status.FINISHED: set(),
}


def _label(status: str) -> str:
    return Cohort.Status(status).label.lower()


@transaction.atomic
def cohort_move(*, cohort: Cohort, status: str) -> bool:
    """Returns whether the status changed. Refuses a move out of order (a finished cohort
    cannot reopen; matching cannot be skipped), going back to intake once anyone has been
    paired (their pairing was built on the closed intake), and finishing while relationships
    still hold places."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status == status:
        return False
    if status not in MOVES.get(cohort.status, set()):
        allowed = sorted(MOVES.get(cohort.status, set()), key=list(Cohort.Status).index)
        then = (
            " It can move only to: " + " or ".join(_label(s) for s in allowed) + "."
            if allowed
            else " A finished cohort stays finished."
        )
        raise ProgrammeError(
            f"The cohort cannot move from {_label(cohort.status)} to {_label(status)}.{then} "
            "Nothing was changed."
        )
    current = Relationship.objects.current().filter(cohort=cohort).count()
    if status == Cohort.Status.INTAKE and current:
        raise ProgrammeError(
            f"The cohort cannot go back to intake: {current} "
            f"{'pair has' if current == 1 else 'pairs have'} already been matched or "
            "requested. Nothing was changed."
        )
    if status == Cohort.Status.FINISHED and current:
        raise ProgrammeError(
            f"End or complete the {current} active "
            f"{'relationship' if current == 1 else 'relationships'} first. Nothing was changed."
        )
    cohort.status = status
    cohort.save(update_fields=["status"])
    return True


def _place(cohort: Cohort, user: User, side: str) -> Participant:
    """Returns the new place; a place the person already holds on that side is refused."""
    try:
        with transaction.atomic():
            place = Participant.objects.create(cohort=cohort, user=user, side=side)
    except IntegrityError:
        raise ProgrammeError(
            f"{user.full_name or user.email} is already a {side} in {cohort.name}."
        ) from None
    # Allyship marks a mentor who finished the programme's required training in an earlier
    # cohort as trained.
    signals.place_added.send(sender=Participant, place=place)
    if side == Side.MENTOR:
        place.refresh_from_db(fields=["allyship_trained"])
    return place


@transaction.atomic
def people_add(*, cohort: Cohort, choices: list[tuple[User, str]]) -> list[Participant]:
    """Returns the new places for (person, side) pairs. Everyone is added or nobody is."""
    return [_place(cohort, user, side) for user, side in choices]


@dataclass
class Invited:
    """What inviting someone by email did: added them to the cohort (they have an account
    with the role) or sent them an invitation to the cohort (they need the role first)."""

    place: Participant | None = None
    invitation_sent: bool = False


FIRST_STEP = "complete your intake, a few pages about you and what you would like from mentoring."


def cohort_words(cohort: Cohort, side: str) -> str:
    """What someone joins, in words, on one line: "the Autumn 2026 cohort of Northbrook
    mentoring as a mentee" ("the Spring cohort of …", not "the Spring cohort cohort")."""
    name = " ".join(cohort.name.split())
    cohort_name = name if name.lower().endswith("cohort") else f"{name} cohort"
    programme = " ".join(cohort.programme.name.split())
    return f"the {cohort_name} of {programme} as a {side}"


def person_invite(*, cohort: Cohort, email: str, side: str, by: User, request=None) -> Invited:
    """Adds the person to the cohort if they already hold the side's role in the
    organisation, and emails them their first step; otherwise sends an invitation to the
    cohort, which names the programme, the cohort, the side and the first step. Accepting it
    adds them to the cohort (`invitation_accepted`) and takes them to their intake."""
    organisation = cohort.programme.organisation
    role = ROLE_FOR_SIDE[side]
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if (
        user is not None
        and Membership.objects.filter(user=user, organisation=organisation, role=role).exists()
    ):
        with transaction.atomic():
            place = _place(cohort, user, side)
            transaction.on_commit(lambda: _email_added(place, by))
            return Invited(place=place)
    account_actions.invitation_send(
        organisation=organisation,
        email=email,
        role=role,
        by=by,
        request=request,
        about=cohort_words(cohort, side),
        first_step=FIRST_STEP,
        then={"cohort": cohort.pk, "side": side},
        landing=reverse("programmes:my_intake", args=[cohort.pk, side]),
    )
    return Invited(invitation_sent=True)


def cohort_invitations(cohort: Cohort):
    """The invitations to this cohort nobody has accepted or withdrawn yet, newest first:
    those still waiting and those that expired (to send again)."""
    return Invitation.objects.filter(
        organisation_id=cohort.programme.organisation_id,
        then__cohort=cohort.pk,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).order_by("-created_at")


def _email_added(place: Participant, by: User) -> None:
    link = settings.SITE_URL + reverse("programmes:intake", args=[place.pk])
    send_mail(
        subject=f"You have been added to {cohort_words(place.cohort, place.side)}",
        message=(
            f"{by.full_name} has added you to {cohort_words(place.cohort, place.side)}.\n\n"
            f"Your first step: {FIRST_STEP}\n\n{link}\n"
        ),
        from_email=None,
        recipient_list=[place.user.email],
    )


def invitation_accepted(*, invitation, user: User) -> Participant | None:
    """Adds someone who accepted an invitation to a cohort to that cohort, on that side (the
    accounts app's `invitation_accepted`). A place they already hold is left as it is; a
    cohort that has gone, or is not in the invitation's organisation, adds nothing."""
    then = invitation.then or {}
    side = then.get("side")
    cohort = Cohort.objects.filter(
        pk=then.get("cohort"), programme__organisation=invitation.organisation
    ).first()
    if cohort is None or side not in Side.values:
        return None
    if Participant.objects.filter(cohort=cohort, user=user, side=side).exists():
        return None
    try:
        return _place(cohort, user, side)
    except ProgrammeError:
        return None  # added a moment ago by someone else: there already


@transaction.atomic
def mark_trained(*, place: Participant, trained: bool) -> None:
    """Records the coordinator's confirmation that a mentor completed allyship training (until
    the training itself arrives with the circles and allyship work)."""
    if not place.is_mentor:
        raise ProgrammeError("Only mentors take allyship training.")
    Participant.objects.filter(pk=place.pk).update(
        allyship_trained=trained, updated_at=timezone.now()
    )


# Bulk import -----------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One validated spreadsheet row, ready to store: plain values only, so it can wait in
    the session between the preview and the confirmation."""

    number: int
    email: str
    name: str
    side: str
    fields: dict
    special: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "email": self.email,
            "name": self.name,
            "side": self.side,
            "fields": self.fields,
            "special": self.special,
        }


def _already_imported(cohort: Cohort, key: str) -> bool:
    return AuditEvent.objects.filter(
        kind=Kind.PARTICIPANTS_IMPORTED,
        organisation=cohort.programme.organisation,
        detail__cohort=cohort.pk,
        detail__upload=key,
    ).exists()


def _set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )


def _welcome(user: User, cohort: Cohort, side: str, by: User, new_account: bool) -> None:
    programme = cohort.programme
    if new_account:
        opening = (
            f"{by.full_name} has added you to {programme.name} ({programme.organisation.name}) "
            f"on Allied as a {side}, with the answers you gave them.\n\n"
            "Use this link to set a password for your new account. It works once:\n\n"
            f"{_set_password_link(user)}\n\n"
            "Then sign in to check your answers and see your next steps."
        )
    else:
        opening = (
            f"{by.full_name} has added you to {programme.name} ({programme.organisation.name}) "
            f"on Allied as a {side}, with the answers you gave them.\n\n"
            f"Sign in at {settings.SITE_URL}{reverse('accounts:sign_in')} to check them "
            "and see your next steps."
        )
    send_mail(
        subject=f"You have been added to {programme.name} on Allied",
        message=opening + "\n\nIf you were not expecting this, reply to your coordinator.",
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def participants_import(
    *, cohort: Cohort, rows: list[dict], key: str, by: User, request=None
) -> dict:
    """Returns counts of what was imported: accounts made, places made.

    `rows` were validated whole at the preview; `key` names that upload. The cohort row is
    locked and the audit log consulted, so a second confirmation of the same upload (a double
    click, a resent form, a second tab) imports nothing. A place made since the preview
    refuses the whole import."""
    cohort = (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("programme__organisation")
        .get(pk=cohort.pk)
    )
    if _already_imported(cohort, key):
        raise ProgrammeError("This file has already been imported. Nothing was imported again.")
    organisation = cohort.programme.organisation
    made_accounts = 0
    places = []
    welcomes = []
    for raw in rows:
        row = ImportRow(**raw)
        user = User.objects.filter(email__iexact=row.email).first()
        if (
            user is not None
            and not Membership.objects.filter(user=user, organisation=organisation).exists()
        ):
            # Checked at the preview too; checked again here because the account may have
            # been made since. Adding someone else's account to this organisation, with a
            # role and answers they never gave here, is never the import's to do.
            raise ProgrammeError(f"Row {row.number}: {OTHER_ORGANISATION}")
        new_account = user is None
        if new_account:
            user = User.objects.create_user(row.email, None, full_name=row.name)
            made_accounts += 1
        role = ROLE_FOR_SIDE[row.side]
        _, granted = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if granted:
            record(
                Kind.ROLE_GRANTED,
                request=request,
                actor=by,
                organisation=organisation,
                subject=str(user),
                role=role,
                person_id=user.pk,
            )
            account_actions.tokens_end(
                user=user,
                because=ApiToken.Ended.ROLES_CHANGED,
                by=by,
                organisation=organisation,
                request=request,
            )
        place = _place(cohort, user, row.side)
        for name, value in row.fields.items():
            setattr(place, name, value)
        place.status = Participant.Status.READY
        place.intake_completed_at = timezone.now()
        place.save()
        if row.special:
            sensitive.save_own_answers(place, request=request, **row.special)
        places.append(place)
        welcomes.append((user, row.side, new_account))
    result = {
        "accounts": made_accounts,
        "places": len(places),
        "mentors": sum(1 for p in places if p.side == Side.MENTOR),
        "mentees": sum(1 for p in places if p.side == Side.MENTEE),
    }
    record(
        Kind.PARTICIPANTS_IMPORTED,
        request=request,
        actor=by,
        organisation=organisation,
        subject=str(cohort)[:200],
        cohort=cohort.pk,
        upload=key,
        **result,
    )

    def send() -> None:
        for user, side, new_account in welcomes:
            _welcome(user, cohort, side, by, new_account)

    transaction.on_commit(send)
    return result
