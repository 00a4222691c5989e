"""The mentoring relationship's pages: the pair's home, the agreement, meetings and notes,
goals, sponsorship, reviews, the ending and concerns; and the coordinator's cohort list and
concerns. Every page fetches through `access.relationship_for` (or `programme_for`), so the
pair and the programme's coordinators and admins are the only people who can open them;
what each may read inside is decided here: the coordinator gets counts and dates, never
notes, goals' words or review comments.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from allied.base.submissions import key_from, with_submission
from allied.core.matching import vocabulary as v
from allied.mentoring import relationship as actions
from allied.mentoring.forms import relationship as forms
from allied.programmes import access, wording
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import (
    Concern,
    Goal,
    GoalAction,
    Meeting,
    Relationship,
    Review,
    SponsorshipAction,
)

PAIR = ("mentor", "mentee")
EVERYONE = ("mentor", "mentee", "coordinator")


def _model(relationship: Relationship):
    """Returns the mentoring model of the relationship's programme, whose words its pages use
    (reads the cohort and programme: a query each if not loaded)."""
    return relationship.cohort.programme.mentoring_model()


def _partner(relationship: Relationship, side: str):
    """Returns the other person's place, or None for the coordinator."""
    if side == "mentee":
        return relationship.mentor
    if side == "mentor":
        return relationship.mentee
    return None


def _profile(place) -> list[tuple[str, str]]:
    """Returns what one of the pair may know of the other: never ethnicity or gender."""
    return [
        ("Name", place.user.full_name),
        ("Email", place.user.email),
        ("Profession", v.label(v.PROFESSIONS, place.profession) if place.profession else ""),
        ("Band or career stage", v.label(v.BANDS, place.band) if place.band else ""),
        (
            "Setting",
            v.label(v.WORK_SETTINGS, place.work_setting) if place.work_setting else "",
        ),
    ]


def _meeting(request, pk: int, *sides: str) -> Meeting:
    meeting = Meeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    meeting.relationship = access.relationship_for(request, meeting.relationship_id, *sides)
    return meeting


def _goal(request, pk: int, *sides: str) -> Goal:
    goal = Goal.objects.filter(pk=pk).first()
    if goal is None:
        raise Http404
    goal.relationship = access.relationship_for(request, goal.relationship_id, *sides)
    return goal


def _posted(request):
    """Returns the posted data for a POST (even an empty one, so it shows its errors)."""
    return request.POST if request.method == "POST" else None


def _refused(request, error: ProgrammeError, to: str, *args):
    messages.error(request, str(error))
    return redirect(to, *args)


def _not_mentoring_yet(request, relationship: Relationship):
    """Answers a page that belongs to active mentoring when the relationship is not active:
    the mentor of a request is sent to answer it, anyone else back to the relationship."""
    if relationship.status == Relationship.Status.ENDED:
        messages.info(request, actions.ENDED)
    elif relationship.status in (Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION):
        if request.relationship_side == "mentor":
            messages.info(
                request,
                "This is still a request, not a mentoring relationship. Accept it here to "
                "start the mentoring, or decline it.",
            )
            return redirect("programmes:respond", relationship.pk)
        messages.info(
            request,
            "This is still a request: the agreement and the ending open once your mentor "
            "has accepted it.",
        )
    else:
        messages.info(request, "This mentoring relationship did not start.")
    return redirect("programmes:relationship", relationship.pk)


# The relationship page --------------------------------------------------------------------


@login_required
def relationship_page(request, pk: int):
    relationship = access.relationship_for(request, pk, *EVERYONE)
    side = request.relationship_side
    summary = actions.summary_of(relationship)
    context = {
        "relationship": relationship,
        "side": side,
        "summary": summary,
        "active": relationship.status == Relationship.Status.ACTIVE,
    }
    if side == "coordinator":
        context["reviews"] = Review.objects.filter(relationship=relationship)
        context["decline_reason"] = relationship.decline_reason
        return render(request, "mentoring/relationship/coordinator.html", context)
    partner = _partner(relationship, side)
    agreement = getattr(relationship, "agreement", None)
    status, next_step = actions.agreement_state(agreement, side, partner.user.full_name)
    now = timezone.now()
    meetings = list(relationship.meetings.all())
    mine = set(
        Review.objects.filter(relationship=relationship, side=side).values_list("stage", flat=True)
    )
    theirs = set(
        Review.objects.filter(relationship=relationship)
        .exclude(side=side)
        .values_list("stage", flat=True)
    )
    reviews = []
    for stage, label in Review.Stage.choices:
        due = actions.review_due_on(relationship, stage)
        reviews.append(
            {
                "stage": stage,
                "label": label,
                "due": due,
                "mine": stage in mine,
                "theirs": stage in theirs,
                "is_due": due <= timezone.localdate(),
                "is_open": actions.review_is_open(relationship, stage),
                "opens": actions.review_opens_on(relationship, stage),
            }
        )
    context.update(
        {
            "partner": partner,
            "profile": _profile(partner),
            "agreement": agreement,
            "agreement_status": status,
            "agreement_next": next_step,
            "upcoming": [
                m for m in meetings if m.status == Meeting.Status.SCHEDULED and m.starts_at >= now
            ],
            "past": [
                m
                for m in reversed(meetings)
                if m.status == Meeting.Status.HELD
                or (m.status == Meeting.Status.SCHEDULED and m.starts_at < now)
            ],
            "goals": relationship.goals.all(),
            "sponsorship": relationship.sponsorship.all(),
            "reviews": reviews,
        }
    )
    return render(request, "mentoring/relationship/detail.html", context)


# The agreement ----------------------------------------------------------------------------


@login_required
def agreement_page(request, pk: int):
    relationship = access.relationship_for(request, pk, *EVERYONE)
    side = request.relationship_side
    if side == "coordinator":
        agreement = getattr(relationship, "agreement", None)
        return render(
            request,
            "mentoring/relationship/agreement_coordinator.html",
            {"relationship": relationship, "agreement": agreement},
        )
    agreement = actions.agreement_readable(relationship)
    if agreement is None:
        return _not_mentoring_yet(request, relationship)
    partner = _partner(relationship, side)
    status, next_step = actions.agreement_state(agreement, side, partner.user.full_name)
    mine = agreement.mentee_signed_version if side == "mentee" else agreement.mentor_signed_version
    return render(
        request,
        "mentoring/relationship/agreement.html",
        {
            "relationship": relationship,
            "agreement": agreement,
            "side": side,
            "partner": partner,
            "status": status,
            "next_step": next_step,
            "signed_by_me": mine == agreement.version,
            "sign_form": forms.SignForm(initial={"version": agreement.version}),
            "active": relationship.status == Relationship.Status.ACTIVE,
            "scope_can": actions.SCOPE_CAN,
            "scope_cannot": actions.SCOPE_CANNOT,
            "mode_label": dict(v.MEETING_MODES).get(agreement.meeting_mode, ""),
            "questions": wording.agreement_rows(_model(relationship), agreement),
        },
    )


@login_required
def agreement_edit(request, pk: int):
    relationship = access.relationship_for(request, pk, *PAIR)
    if relationship.status != Relationship.Status.ACTIVE:
        return _not_mentoring_yet(request, relationship)
    agreement = actions.agreement_of(relationship)
    form = forms.AgreementForm(
        _posted(request),
        instance=agreement,
        initial={"version": agreement.version},
        model=_model(relationship),
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in actions.AGREEMENT_FIELDS}
        data["race_raised_by"] = data["race_raised_by"] or ""
        try:
            _, changed = actions.agreement_update(
                relationship=relationship,
                by=request.user,
                seen_version=form.cleaned_data["version"],
                data=data,
            )
        except ProgrammeError as error:
            return _refused(request, error, "programmes:agreement", relationship.pk)
        if changed:
            messages.success(
                request,
                "The agreement has been saved. You both need to sign this version.",
            )
        else:
            messages.info(request, "Nothing had changed, so the agreement is as it was.")
        return redirect("programmes:agreement", relationship.pk)
    return render(
        request,
        "mentoring/relationship/agreement_edit.html",
        {"relationship": relationship, "agreement": agreement, "form": form},
    )


@login_required
@require_POST
def agreement_sign(request, pk: int):
    relationship = access.relationship_for(request, pk, *PAIR)
    form = forms.SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("programmes:agreement", relationship.pk)
    try:
        agreement = actions.agreement_sign(
            relationship=relationship,
            by=request.user,
            side=request.relationship_side,
            version=form.cleaned_data["version"],
        )
    except ProgrammeError as error:
        return _refused(request, error, "programmes:agreement", relationship.pk)
    if agreement.signed_by_both:
        messages.success(request, "You have both signed: your agreement is in place.")
    else:
        messages.success(request, "You have signed the agreement.")
    return redirect("programmes:agreement", relationship.pk)


# Meetings ---------------------------------------------------------------------------------


@login_required
def meeting_new(request, pk: int):
    relationship = access.relationship_for(request, pk, *PAIR)
    form = forms.MeetingForm(
        _posted(request),
        initial={
            "mode": "online" if relationship.mentee.meeting_mode != "in_person" else "in_person",
            "duration_minutes": 60,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting, made = actions.meeting_schedule(
                relationship=relationship,
                by=request.user,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                location=form.cleaned_data["location"],
                key=key_from(request.POST),
            )
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            if made:
                messages.success(
                    request, "The meeting has been arranged. You have both been sent an invitation."
                )
            return redirect("programmes:meeting", meeting.pk)
    context = {"relationship": relationship, "form": form, "heading": "Arrange a meeting"}
    return render(
        request, "mentoring/relationship/meeting_form.html", with_submission(context, request.POST)
    )


def _meeting_page(
    request, meeting: Meeting, *, shared_form=None, private_form=None, theirs: str | None = None
):
    own = actions.private_note_of(meeting, request.user)
    return render(
        request,
        "mentoring/relationship/meeting.html",
        {
            "meeting": meeting,
            "relationship": meeting.relationship,
            "partner": _partner(meeting.relationship, request.relationship_side),
            "shared_form": shared_form
            or forms.SharedNotesForm(
                initial={
                    "shared_notes": meeting.shared_notes,
                    "base": actions.notes_digest(meeting.shared_notes),
                }
            ),
            "private_form": private_form
            or forms.PrivateNoteForm(initial={"text": own.text if own else ""}),
            "prompts": wording.meeting_prompts(_model(meeting.relationship)),
            "has_started": meeting.starts_at <= timezone.now(),
            "mode_label": dict(v.MEETING_MODES).get(meeting.mode, ""),
            "active": meeting.relationship.status == Relationship.Status.ACTIVE,
            "theirs": theirs,
        },
    )


@login_required
def meeting_page(request, pk: int):
    return _meeting_page(request, _meeting(request, pk, *PAIR))


@login_required
def meeting_edit(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    form = forms.MeetingForm(_posted(request), initial=forms.MeetingForm.initial_from(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            actions.meeting_reschedule(
                meeting=meeting,
                by=request.user,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                location=form.cleaned_data["location"],
                seen_sequence=form.cleaned_data["sequence"],
            )
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "The meeting has been changed. You have both been sent the new invitation."
            )
            return redirect("programmes:meeting", meeting.pk)
    context = {
        "relationship": meeting.relationship,
        "meeting": meeting,
        "form": form,
        "heading": "Change the meeting",
    }
    return render(request, "mentoring/relationship/meeting_form.html", context)


@login_required
@require_POST
def meeting_held(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    try:
        if actions.meeting_held(meeting=meeting, by=request.user):
            messages.success(request, "The meeting has been recorded as held.")
        else:
            messages.info(request, "This meeting was already recorded as held.")
    except ProgrammeError as error:
        messages.error(request, str(error))
    return redirect("programmes:meeting", meeting.pk)


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    try:
        if actions.meeting_cancel(meeting=meeting, by=request.user):
            messages.success(
                request, "The meeting has been cancelled. You have both been told by email."
            )
        else:
            messages.info(request, "This meeting was already cancelled.")
    except ProgrammeError as error:
        messages.error(request, str(error))
    return redirect("programmes:meeting", meeting.pk)


@login_required
def meeting_ics(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    response = HttpResponse(
        actions.meeting_calendar(meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mentoring-meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def meeting_notes(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    form = forms.SharedNotesForm(request.POST)
    if form.is_valid():
        try:
            actions.shared_notes_save(
                meeting=meeting,
                by=request.user,
                text=form.cleaned_data["shared_notes"],
                base=form.cleaned_data["base"] or None,
            )
        except actions.NotesClash as clash:
            # Both versions side by side: theirs as saved, and what this person typed, kept in
            # the form, which now starts from theirs so that the next save goes through.
            form = forms.SharedNotesForm.after_clash(form.cleaned_data["shared_notes"], clash.base)
            form.add_error("shared_notes", str(clash))
            return _meeting_page(request, meeting, shared_form=form, theirs=clash.theirs)
        except ProgrammeError as error:
            form.add_error("shared_notes", str(error))
        else:
            messages.success(request, "Your shared notes have been saved.")
            return redirect("programmes:meeting", meeting.pk)
    return _meeting_page(request, meeting, shared_form=form)


@login_required
@require_POST
def meeting_private_note(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    form = forms.PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            actions.private_note_save(
                meeting=meeting, by=request.user, text=form.cleaned_data["text"]
            )
        except ProgrammeError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, "Your private note has been saved. Only you can read it.")
            return redirect("programmes:meeting", meeting.pk)
    return _meeting_page(request, meeting, private_form=form)


# Goals ------------------------------------------------------------------------------------


@login_required
def goal_new(request, pk: int):
    relationship = access.relationship_for(request, pk, *PAIR)
    form = forms.GoalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            goal, made = actions.goal_create(
                relationship=relationship,
                by=request.user,
                key=key_from(request.POST),
                **form.cleaned_data,
            )
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            if made:
                messages.success(request, "The goal has been added. Now add the actions it needs.")
            return redirect("programmes:goal", goal.pk)
    context = {"relationship": relationship, "form": form}
    return render(
        request, "mentoring/relationship/goal_new.html", with_submission(context, request.POST)
    )


def _goal_page(request, goal: Goal, *, action_form=None, update_form=None):
    return render(
        request,
        "mentoring/relationship/goal.html",
        with_submission(
            {
                "goal": goal,
                "relationship": goal.relationship,
                "action_form": action_form or forms.GoalActionForm(),
                "update_form": update_form or forms.GoalUpdateForm(),
                "status_form": forms.GoalStatusForm(initial={"status": goal.status}),
                "active": goal.relationship.status == Relationship.Status.ACTIVE,
            },
            request.POST if request.method == "POST" else None,
        ),
    )


@login_required
def goal_page(request, pk: int):
    return _goal_page(request, _goal(request, pk, *PAIR))


@login_required
@require_POST
def goal_action_new(request, pk: int):
    goal = _goal(request, pk, *PAIR)
    form = forms.GoalActionForm(request.POST)
    if form.is_valid():
        try:
            actions.goal_action_add(
                goal=goal, by=request.user, key=key_from(request.POST), **form.cleaned_data
            )
        except ProgrammeError as error:
            return _refused(request, error, "programmes:goal", goal.pk)
        messages.success(request, "The action has been added.")
        return redirect("programmes:goal", goal.pk)
    return _goal_page(request, goal, action_form=form)


@login_required
@require_POST
def goal_action_done(request, pk: int):
    action = GoalAction.objects.filter(pk=pk).select_related("goal").first()
    if action is None:
        raise Http404
    action.goal.relationship = access.relationship_for(request, action.goal.relationship_id, *PAIR)
    done = request.POST.get("done", "yes") != "no"
    try:
        actions.goal_action_done(action=action, by=request.user, done=done)
    except ProgrammeError as error:
        return _refused(request, error, "programmes:goal", action.goal_id)
    messages.success(request, "Marked as done." if done else "Marked as not done.")
    return redirect("programmes:goal", action.goal_id)


@login_required
@require_POST
def goal_update_new(request, pk: int):
    goal = _goal(request, pk, *PAIR)
    form = forms.GoalUpdateForm(request.POST)
    if form.is_valid():
        try:
            actions.goal_update_add(
                goal=goal,
                by=request.user,
                text=form.cleaned_data["text"],
                key=key_from(request.POST),
            )
        except ProgrammeError as error:
            return _refused(request, error, "programmes:goal", goal.pk)
        messages.success(request, "Your progress update has been added.")
        return redirect("programmes:goal", goal.pk)
    return _goal_page(request, goal, update_form=form)


@login_required
@require_POST
def goal_status(request, pk: int):
    goal = _goal(request, pk, *PAIR)
    form = forms.GoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status for the goal.")
        return redirect("programmes:goal", goal.pk)
    try:
        actions.goal_status_set(goal=goal, by=request.user, status=form.cleaned_data["status"])
    except ProgrammeError as error:
        return _refused(request, error, "programmes:goal", goal.pk)
    messages.success(request, f"The goal is now: {goal.get_status_display().lower()}.")
    return redirect("programmes:goal", goal.pk)


# Sponsorship ------------------------------------------------------------------------------


@login_required
def sponsorship_new(request, pk: int):
    relationship = access.relationship_for(request, pk, "mentor")
    form = forms.SponsorshipForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            _, made = actions.sponsorship_record(
                relationship=relationship,
                by=request.user,
                key=key_from(request.POST),
                **form.cleaned_data,
            )
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            if made:
                messages.success(
                    request,
                    f"Recorded. {relationship.mentee.user.full_name} will be asked to confirm it.",
                )
            return redirect("programmes:relationship", relationship.pk)
    context = {"relationship": relationship, "form": form}
    return render(
        request,
        "mentoring/relationship/sponsorship_new.html",
        with_submission(context, request.POST),
    )


@login_required
@require_POST
def sponsorship_confirm(request, pk: int):
    action = SponsorshipAction.objects.filter(pk=pk).first()
    if action is None:
        raise Http404
    relationship = access.relationship_for(request, action.relationship_id, "mentee")
    form = forms.SponsorshipConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your comment is too long: keep it under 5,000 characters.")
        return redirect("programmes:relationship", relationship.pk)
    try:
        confirmed = actions.sponsorship_confirm(
            action=action, by=request.user, comment=form.cleaned_data["comment"]
        )
    except ProgrammeError as error:
        return _refused(request, error, "programmes:relationship", relationship.pk)
    if confirmed:
        messages.success(request, "Thank you: you have confirmed this sponsorship action.")
    else:
        messages.info(request, "You had already confirmed this.")
    return redirect("programmes:relationship", relationship.pk)


# Reviews ----------------------------------------------------------------------------------


@login_required
def review_page(request, pk: int, stage: str):
    if stage not in actions.STAGES:
        raise Http404
    relationship = access.relationship_for(request, pk, *PAIR)
    side = request.relationship_side
    existing = Review.objects.filter(relationship=relationship, stage=stage, side=side).first()
    form = forms.ReviewForm(_posted(request), side=side, model=_model(relationship))
    if request.method == "POST" and existing is not None:
        messages.error(
            request, f"You have already sent your {actions.STAGES[stage]}. Nothing was changed."
        )
        return redirect("programmes:review", relationship.pk, stage)
    if request.method == "POST" and form.is_valid():
        try:
            actions.review_submit(
                relationship=relationship,
                by=request.user,
                side=side,
                stage=stage,
                data=form.cleaned_data,
            )
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Thank you: your {actions.STAGES[stage]} has been sent.")
            return redirect("programmes:relationship", relationship.pk)
    return render(
        request,
        "mentoring/relationship/review.html",
        {
            "relationship": relationship,
            "stage": stage,
            "stage_label": dict(Review.Stage.choices)[stage],
            "form": form,
            "existing": existing,
            "side": side,
            # Before it opens, the page says when instead of offering a form it would refuse.
            "is_open": actions.review_is_open(relationship, stage),
            "opens": actions.review_opens_on(relationship, stage),
            "due": actions.review_due_on(relationship, stage),
            "opens_before": actions.REVIEW_OPENS_BEFORE[stage].days,
            "stage_words": actions.STAGES[stage],
        },
    )


# Endings ----------------------------------------------------------------------------------


@login_required
def end_page(request, pk: int):
    relationship = access.relationship_for(request, pk, *PAIR)
    may_complete = actions.may_complete(relationship)
    form = forms.EndForm(
        _posted(request),
        may_complete=may_complete,
        initial={"ending": "completed" if may_complete else "no_fault"},
    )
    if relationship.status == Relationship.Status.ENDED:
        messages.info(request, "This mentoring relationship has already ended.")
        return redirect("programmes:relationship", relationship.pk)
    if relationship.status != Relationship.Status.ACTIVE:
        return _not_mentoring_yet(request, relationship)
    if request.method == "POST" and form.is_valid():
        try:
            actions.relationship_end(
                relationship=relationship,
                by=request.user,
                ending=form.cleaned_data["ending"],
                request=request,
            )
        except ProgrammeError as error:
            return _refused(request, error, "programmes:relationship", relationship.pk)
        messages.success(
            request,
            "Your mentoring relationship has ended. Thank you for taking part.",
        )
        return redirect("programmes:relationship", relationship.pk)
    partner = _partner(relationship, request.relationship_side)
    return render(
        request,
        "mentoring/relationship/end.html",
        {
            "relationship": relationship,
            "form": form,
            "partner": partner,
            "may_complete": may_complete,
            "side": request.relationship_side,
        },
    )


# Concerns ---------------------------------------------------------------------------------


@login_required
def concern_new(request, pk: int):
    relationship = access.relationship_for(request, pk, *PAIR)
    form = forms.ConcernForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.concern_raise(
                relationship=relationship,
                by=request.user,
                key=key_from(request.POST),
                request=request,
                **form.cleaned_data,
            )
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Your concern has been sent to the programme's coordinators. They will contact you.",
            )
            return redirect("programmes:relationship", relationship.pk)
    context = {"relationship": relationship, "form": form}
    return render(
        request, "mentoring/relationship/concern_new.html", with_submission(context, request.POST)
    )


@login_required
def concern_list(request, pk: int):
    programme = access.programme_for(request, pk, *access.RUNS)
    concerns = programme.concerns.select_related(
        "raised_by", "relationship__mentee__user", "relationship__mentor__user"
    )
    return render(
        request,
        "mentoring/relationship/concerns.html",
        {"programme": programme, "concerns": concerns},
    )


@login_required
def concern_page(request, pk: int):
    concern = Concern.objects.filter(pk=pk).select_related("raised_by", "relationship").first()
    if concern is None:
        raise Http404
    programme = access.programme_for(request, concern.programme_id, *access.RUNS)
    form = forms.ConcernHandleForm(
        _posted(request),
        initial={"status": concern.status if concern.status != Concern.Status.OPEN else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.concern_handle(concern=concern, by=request.user, **form.cleaned_data)
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The concern has been updated.")
            return redirect("programmes:concern", concern.pk)
    return render(
        request,
        "mentoring/relationship/concern.html",
        {"programme": programme, "concern": concern, "form": form},
    )


# The coordinator's cohort view ------------------------------------------------------------


@login_required
def cohort_relationships(request, pk: int):
    cohort = access.cohort_for(request, pk)
    relationships = (
        cohort.relationships.exclude(status=Relationship.Status.DECLINED)
        .select_related("mentee__user", "mentor__user", "cohort__programme")
        .order_by("status", "mentee__user__full_name")
    )
    now = timezone.now()
    rows = [(r, actions.summary_of(r, now)) for r in relationships]
    rows.sort(key=lambda row: (not row[1].at_risk, row[0].status != "active"))
    return render(
        request,
        "mentoring/relationship/cohort.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "rows": rows,
            "at_risk": sum(1 for _, s in rows if s.at_risk),
        },
    )
