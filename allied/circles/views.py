"""Circle pages: the coordinator forms, reviews, adjusts and publishes a cohort's circles and
sees who is at risk of dropping one of the two; members and the facilitator see their circle,
its ground rules and goals, sessions, notes and attendance, and check in; everyone taking
part sees their combined commitments with a warning on every clash.

Every page fetches through `allied.circles.access`, so only the circle's people and those who
run the programme can open it; what each may read inside is decided here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from allied.base.submissions import key_from, with_submission
from allied.circles import access, actions, forms
from allied.circles.models import CheckIn, Circle, CircleSession
from allied.core.matching import vocabulary as v
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Participant


def _posted(request):
    return request.POST if request.method == "POST" else None


def _form_errors(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


# The coordinator's pages --------------------------------------------------------------------


def _cohort_page(request, cohort, *, form=None, status=200):
    found = actions.review(cohort)
    circles = [c.circle for c in found.circles]
    rows = []
    for view in found.circles:
        rows.append(
            {
                "view": view,
                "moves": [
                    (
                        m,
                        forms.MoveForm(
                            circles=[c for c in circles if c.pk != view.circle.pk],
                            auto_id=f"move-{m.pk}-%s",
                        ),
                    )
                    for m in view.members
                ],
                "facilitator_form": forms.FacilitatorForm(
                    initial={"participant": view.circle.facilitator_id},
                    places=actions.facilitator_choices(view.circle),
                    auto_id=f"facilitator-{view.circle.pk}-%s",
                ),
                "add_form": forms.AddMemberForm(
                    places=found.waiting, auto_id=f"add-{view.circle.pk}-%s"
                )
                if found.waiting
                else None,
            }
        )
    formation = found.formation
    initial = (
        {
            "min_size": formation.min_size,
            "max_size": formation.max_size,
            "seed": formation.seed,
            "availability_weight": formation.availability_weight,
        }
        if formation
        else None
    )
    return render(
        request,
        "circles/cohort.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "review": found,
            "rows": rows,
            "form": form or forms.FormCirclesForm(initial=initial),
            "eligible": actions.eligible_mentees(cohort).count(),
        },
        status=status,
    )


@login_required
def cohort_circles(request, pk: int):
    return _cohort_page(request, access.cohort_for(request, pk))


@login_required
@require_POST
def form_circles(request, pk: int):
    cohort = access.cohort_for(request, pk)
    form = forms.FormCirclesForm(request.POST)
    if form.is_valid():
        try:
            actions.form(cohort=cohort, by=request.user, request=request, **form.cleaned_data)
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Draft circles have been formed. Review them, move anyone you need to, choose "
                "facilitators, then publish.",
            )
            return redirect("circles:cohort", cohort.pk)
    return _cohort_page(request, cohort, form=form)


@login_required
@require_POST
def publish(request, pk: int):
    cohort = access.cohort_for(request, pk)
    try:
        published = actions.publish(cohort=cohort, by=request.user, request=request)
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{len(published)} circle{'s' if len(published) != 1 else ''} published. Every "
            "member and facilitator has been emailed.",
        )
    return redirect("circles:cohort", cohort.pk)


@login_required
@require_POST
def move(request, pk: int):
    membership = access.membership_for(request, pk)
    circles = Circle.objects.filter(cohort_id=membership.cohort_id).exclude(pk=membership.circle_id)
    form = forms.MoveForm(request.POST, circles=circles)
    if not form.is_valid():
        messages.error(request, _form_errors(form) or "Choose a circle to move them to.")
    else:
        to = circles.get(pk=form.cleaned_data["circle"])
        try:
            actions.move(
                membership=membership, to=to, by=request.user, note=form.cleaned_data["note"]
            )
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{membership.participant.user.full_name} has moved to {to.name}."
            )
    return redirect("circles:cohort", membership.cohort_id)


@login_required
@require_POST
def leave(request, pk: int):
    membership = access.membership_for(request, pk)
    form = forms.LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            actions.leave(membership=membership, by=request.user, note=form.cleaned_data["note"])
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{membership.participant.user.full_name} has left {membership.circle.name}. "
                "Their time in it stays in the circle's history.",
            )
    return redirect("circles:cohort", membership.cohort_id)


@login_required
@require_POST
def add_member(request, pk: int):
    circle = access.circle_for(request, pk, access.COORDINATOR)
    places = Participant.objects.filter(cohort_id=circle.cohort_id, side="mentee").select_related(
        "user"
    )
    form = forms.AddMemberForm(request.POST, places=places)
    if not form.is_valid():
        messages.error(request, _form_errors(form) or "Choose a mentee to add.")
    else:
        place = places.get(pk=form.cleaned_data["participant"])
        try:
            actions.add_member(
                circle=circle, participant=place, by=request.user, note=form.cleaned_data["note"]
            )
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{place.user.full_name} has joined {circle.name}.")
    return redirect("circles:cohort", circle.cohort_id)


@login_required
@require_POST
def facilitator(request, pk: int):
    circle = access.circle_for(request, pk, access.COORDINATOR)
    choices = actions.facilitator_choices(circle)
    form = forms.FacilitatorForm(request.POST, places=choices)
    if not form.is_valid():
        messages.error(request, _form_errors(form) or "Choose a facilitator.")
    else:
        chosen = form.cleaned_data["participant"]
        place = choices.filter(pk=chosen).first() if chosen else None
        try:
            actions.set_facilitator(circle=circle, participant=place, by=request.user)
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{place.user.full_name} will facilitate {circle.name}."
                if place
                else f"{circle.name} has no facilitator for now.",
            )
    return redirect("circles:cohort", circle.cohort_id)


@login_required
def at_risk(request, pk: int):
    cohort = access.cohort_for(request, pk)
    return render(
        request,
        "circles/at_risk.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "rows": actions.at_risk(cohort),
            "weeks": cohort.programme.meeting_every_weeks,
        },
    )


# The circle's own pages ---------------------------------------------------------------------


def _member_rows(circle: Circle):
    """Who is in the circle, as its people may know them: names and professions only."""
    return [
        {
            "name": m.participant.user.full_name,
            "profession": actions.label("profession", m.participant.profession),
            "joined_on": m.joined_on,
            "me": False,
        }
        for m in circle.current_members()
    ]


@login_required
def detail(request, pk: int):
    circle = access.circle_for(request, pk, *access.EVERYONE)
    roles = request.circle_roles
    place = actions.place_in(circle, request.user)
    now = timezone.now()
    sessions = list(circle.sessions.all())
    members = _member_rows(circle)
    for row, m in zip(members, circle.current_members(), strict=True):
        row["me"] = m.participant.user_id == request.user.pk
    clashes = []
    if roles & {access.MEMBER, access.FACILITATOR}:
        _, clashes = actions.commitments_of(request.user)
    mine = CheckIn.objects.filter(circle=circle, participant=place)[:5] if place else []
    shared = (
        CheckIn.objects.filter(circle=circle, shared=True)
        .exclude(participant=place)
        .select_related("participant__user")[:10]
        if roles & {access.MEMBER, access.FACILITATOR}
        else []
    )
    return render(
        request,
        "circles/detail.html",
        with_submission(
            {
                "circle": circle,
                "cohort": circle.cohort,
                "roles": roles,
                "coordinator": access.COORDINATOR in roles,
                "schedules": bool(roles & set(access.RUNNERS)),
                "member": place is not None,
                "members": members,
                "upcoming": [
                    s
                    for s in sessions
                    if s.status == CircleSession.Status.SCHEDULED and s.starts_at >= now
                ],
                "past": [
                    s
                    for s in reversed(sessions)
                    if s.status == CircleSession.Status.HELD
                    or (s.status == CircleSession.Status.SCHEDULED and s.starts_at < now)
                ],
                "clashes": clashes,
                "check_in_form": forms.CheckInForm(),
                "my_check_ins": mine,
                "shared_check_ins": shared,
                "history": circle.memberships.filter(left_on__isnull=False).select_related(
                    "participant__user"
                )
                if access.COORDINATOR in roles
                else [],
            }
        ),
    )


@login_required
def agreement(request, pk: int):
    circle = access.circle_for(request, pk, *access.EVERYONE)
    form = forms.AgreementForm(
        _posted(request),
        initial={
            "ground_rules": circle.ground_rules,
            "goals": circle.goals,
            "seen": actions.stamp(circle),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.agreement_save(
                circle=circle,
                by=request.user,
                ground_rules=form.cleaned_data["ground_rules"],
                goals=form.cleaned_data["goals"],
                seen=form.cleaned_data["seen"],
            )
        except ProgrammeError as error:
            circle.refresh_from_db()
            form = forms.AgreementForm(
                initial={
                    "ground_rules": circle.ground_rules,
                    "goals": circle.goals,
                    "seen": actions.stamp(circle),
                }
            )
            messages.error(request, str(error))
        else:
            if changed:
                messages.success(request, "The ground rules and goals have been saved.")
            else:
                messages.info(request, "Nothing had changed.")
            return redirect("circles:detail", circle.pk)
    return render(request, "circles/agreement.html", {"circle": circle, "form": form})


@login_required
def session_new(request, pk: int):
    circle = access.circle_for(request, pk, *access.RUNNERS)
    form = forms.SessionForm(_posted(request), initial={"mode": "online", "duration_minutes": 60})
    clashing = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clashing = actions.members_clashing(
            circle, form.starts_at(), data["duration_minutes"], data["mode"]
        )
        if clashing and not data["schedule_anyway"]:
            form.add_error(
                "schedule_anyway",
                f"This time clashes with one-to-one mentoring meetings for {clashing} "
                f"{'person' if clashing == 1 else 'people'} in the circle. Choose another "
                "time, or tick to arrange it anyway.",
            )
        else:
            try:
                session, made = actions.session_schedule(
                    circle=circle,
                    by=request.user,
                    starts_at=form.starts_at(),
                    duration_minutes=data["duration_minutes"],
                    mode=data["mode"],
                    location=data["location"],
                    key=key_from(request.POST),
                )
            except ProgrammeError as error:
                form.add_error(None, str(error))
            else:
                if made:
                    messages.success(
                        request,
                        "The session has been arranged. Everyone in the circle has been sent "
                        "an invitation.",
                    )
                return redirect("circles:session", session.pk)
    context = {"circle": circle, "form": form, "clashing": clashing}
    return render(request, "circles/session_form.html", with_submission(context, request.POST))


def _session_page(request, session, *, notes_form=None):
    circle = session.circle
    roles = request.circle_roles
    people = bool(roles & set(access.PEOPLE))
    attendance = {a.participant_id: a.attended for a in session.attendance.all()}
    members = [
        {
            "pk": m.participant_id,
            "name": m.participant.user.full_name,
            "attended": attendance.get(m.participant_id),
        }
        for m in circle.current_members()
    ]
    return render(
        request,
        "circles/session.html",
        {
            "session": session,
            "circle": circle,
            "people": people,
            "runs": bool(roles & set(access.RUNNERS)),
            "members": members,
            "taken": bool(attendance),
            "has_started": session.starts_at <= timezone.now(),
            "notes_form": notes_form
            or forms.NotesForm(initial={"shared_notes": session.shared_notes}),
            "prompts": actions.NOTE_PROMPTS,
            "mode_label": dict(v.MEETING_MODES).get(session.mode, ""),
        },
    )


@login_required
def session_page(request, pk: int):
    return _session_page(request, access.session_for(request, pk, *access.EVERYONE))


@login_required
@require_POST
def session_notes(request, pk: int):
    session = access.session_for(request, pk, *access.PEOPLE)
    form = forms.NotesForm(request.POST)
    if form.is_valid():
        try:
            actions.notes_save(
                session=session, by=request.user, text=form.cleaned_data["shared_notes"]
            )
        except ProgrammeError as error:
            form.add_error("shared_notes", str(error))
        else:
            messages.success(request, "The shared notes have been saved.")
            return redirect("circles:session", session.pk)
    return _session_page(request, session, notes_form=form)


@login_required
@require_POST
def session_attendance(request, pk: int):
    session = access.session_for(request, pk, *access.RUNNERS)
    came = set()
    for raw in request.POST.getlist("attended"):
        try:
            came.add(int(raw))
        except (TypeError, ValueError):
            messages.error(request, "Choose who came from the list.")
            return redirect("circles:session", session.pk)
    try:
        count = actions.attendance_record(session=session, by=request.user, attended=came)
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Attendance recorded: {count} came.")
    return redirect("circles:session", session.pk)


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = access.session_for(request, pk, *access.RUNNERS)
    try:
        if actions.session_cancel(session=session, by=request.user):
            messages.success(request, "The session has been cancelled. Everyone has been told.")
        else:
            messages.info(request, "This session was already cancelled.")
    except ProgrammeError as error:
        messages.error(request, str(error))
    return redirect("circles:session", session.pk)


def _calendar_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def session_ics(request, pk: int):
    session = access.session_for(request, pk, *access.EVERYONE)
    return _calendar_response(actions.session_calendar(session), f"circle-session-{session.pk}.ics")


@login_required
def schedule_ics(request, pk: int):
    circle = access.circle_for(request, pk, *access.EVERYONE)
    return _calendar_response(actions.schedule_calendar(circle), f"circle-{circle.pk}.ics")


@login_required
@require_POST
def check_in(request, pk: int):
    circle = access.circle_for(request, pk, access.MEMBER)
    place = actions.place_in(circle, request.user)
    form = forms.CheckInForm(request.POST)
    if not form.is_valid() or place is None:
        messages.error(request, _form_errors(form) or "Only members of the circle check in.")
        return redirect("circles:detail", circle.pk)
    try:
        _, made = actions.check_in(
            circle=circle,
            participant=place,
            mood=form.cleaned_data["mood"],
            text=form.cleaned_data["text"],
            shared=form.cleaned_data["shared"],
            key=key_from(request.POST),
        )
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        if made:
            messages.success(
                request,
                "Thank you for checking in."
                + (" Your circle can see it." if form.cleaned_data["shared"] else ""),
            )
    return redirect("circles:detail", circle.pk)


# Everyone taking part -----------------------------------------------------------------------


@login_required
def commitments(request):
    entries, clashes = actions.commitments_of(request.user)
    circles = Circle.objects.filter(
        Q(memberships__participant__user=request.user, memberships__left_on__isnull=True)
        | Q(facilitator__user=request.user),
        status=Circle.Status.PUBLISHED,
    ).distinct()
    return render(
        request,
        "circles/commitments.html",
        {"entries": entries, "clashes": clashes, "circles": circles},
    )
