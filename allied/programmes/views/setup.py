"""Setting up and running a programme: the list, creation, settings, intake questions,
cohorts and the people in them, one person's intake, and bulk import.

Thin views: fetch through `allied.programmes.access`, validate with a form, call
`allied.programmes.actions.setup`, say what happened, redirect. Ethnicity and gender appear on
one page only (one person's intake, for the coordinator), read through
`allied.programmes.sensitive` so that every view is in the audit log.
"""

from __future__ import annotations

import csv
import io
import time
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from allied.accounts.access import organisation_for
from allied.accounts.models import Membership, Role, User
from allied.base.search import search_text
from allied.base.submissions import key_from, with_submission
from allied.core.matching import vocabulary as v
from allied.programmes import access, sensitive, wording
from allied.programmes.access import cohort_for
from allied.programmes.actions import model as model_actions
from allied.programmes.actions import setup as actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.forms.setup import (
    AddPeopleForm,
    CohortForm,
    CohortStatusForm,
    ImportConfirmForm,
    ImportForm,
    InviteForm,
    ProgrammeForm,
    ProgrammeSettingsForm,
    QuestionForm,
    TrainedForm,
    example_rows,
    read_people,
    template_columns,
)
from allied.programmes.models import (
    Cohort,
    IntakeQuestion,
    MatchingMode,
    Participant,
    Programme,
    Relationship,
    Side,
)

CREATES = (Role.ORG_ADMIN, Role.COORDINATOR)
RUNS = (access.COORDINATOR, access.ADMIN)


def cohorts_with_counts(programme: Programme):
    """Returns the programme's cohorts, each with its counts of mentors, mentees, intakes
    complete and mentees matched (one query)."""
    active = ~Q(participants__status=Participant.Status.WITHDRAWN)
    return programme.cohorts.annotate(
        mentors=Count(
            "participants", filter=active & Q(participants__side=Side.MENTOR), distinct=True
        ),
        mentees=Count(
            "participants", filter=active & Q(participants__side=Side.MENTEE), distinct=True
        ),
        ready=Count(
            "participants",
            filter=Q(participants__status=Participant.Status.READY),
            distinct=True,
        ),
        matched=Count(
            "relationships__mentee",
            filter=Q(relationships__status__in=Relationship.HOLDS_PLACE),
            distinct=True,
        ),
    )


# Programmes ------------------------------------------------------------------------------


@login_required
def programme_list(request):
    programmes = access.programmes_for(request.user).select_related("organisation")
    may_create = (
        Membership.objects.filter(user=request.user, role__in=CREATES)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    organisations = list({m.organisation_id: m.organisation for m in may_create}.values())
    return render(
        request,
        "programmes/setup/list.html",
        {"programmes": programmes, "organisations": organisations},
    )


@login_required
def programme_create(request, org: str):
    organisation = organisation_for(request, org, *CREATES)
    form = ProgrammeForm(
        request.POST or None,
        organisation=organisation,
        initial={
            "relationship_months": 12,
            "meeting_every_weeks": 4,
            "matching_mode": MatchingMode.COORDINATOR,
            "shortlist_size": 3,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            # A resent form finds its programme as it was made, whatever model it chose.
            with transaction.atomic():
                programme = actions.programme_create(
                    organisation=organisation,
                    by=request.user,
                    data=form.cleaned_data,
                    request=request,
                    submission=key_from(request.POST),
                    model=form.cleaned_data["model"],
                )
        except ProgrammeError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                "The programme has been created and you are its coordinator. Add a cohort, "
                "then add mentors and mentees to it.",
            )
            return redirect("programmes:detail", programme.pk)
    return render(
        request,
        "programmes/setup/create.html",
        with_submission({"form": form, "organisation": organisation}, request.POST),
    )


@login_required
def programme_detail(request, pk: int):
    programme = access.programme_for(request, pk)
    if not access.runs(request):
        places = (
            Participant.objects.filter(user=request.user, cohort__programme=programme)
            .exclude(status=Participant.Status.WITHDRAWN)
            .select_related("cohort")
        )
        return render(
            request,
            "programmes/setup/detail_participant.html",
            {"programme": programme, "places": places},
        )
    return render(
        request,
        "programmes/setup/detail.html",
        {
            "programme": programme,
            "mentoring_model": programme.mentoring_model(),
            "cohorts": cohorts_with_counts(programme),
            "coordinators": programme.coordinators.order_by("full_name"),
            "questions": programme.intake_questions.count(),
        },
    )


def _coordinator_choices(programme: Programme):
    """People who may coordinate: the organisation's coordinators, and anyone already
    coordinating (so they can be removed)."""
    return (
        User.objects.filter(
            Q(
                memberships__organisation=programme.organisation,
                memberships__role=Role.COORDINATOR,
            )
            | Q(coordinated_programmes=programme)
        )
        .distinct()
        .order_by("full_name")
    )


@login_required
def programme_edit(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    choices = _coordinator_choices(programme)
    initial = ProgrammeSettingsForm.initial_for(programme, programme.coordinators.all())
    initial["fingerprint"] = actions.settings_fingerprint(programme)
    form = ProgrammeSettingsForm(
        request.POST or None,
        coordinator_choices=choices,
        initial=initial,
        organisation=programme.organisation,
        locked=model_actions.model_locked(programme),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                changed = actions.programme_update(
                    programme=programme,
                    by=request.user,
                    data=form.programme_data(),
                    matching_settings=form.cleaned_data["matching_settings"],
                    coordinators=list(form.cleaned_data["coordinators"]),
                    fingerprint=form.cleaned_data["fingerprint"],
                    request=request,
                )
                if model_actions.programme_model_set(
                    programme=programme,
                    model=form.cleaned_data["model"],
                    seen=form.cleaned_data["model_was"],
                    by=request.user,
                    request=request,
                ):
                    changed = [*changed, "model"]
        except ProgrammeError as error:
            # A stale form: show the settings as they are now, with the reason.
            messages.error(request, str(error))
            return redirect("programmes:edit", programme.pk)
        if changed:
            messages.success(request, "The programme's settings have been saved.")
        else:
            messages.info(request, "Nothing was changed.")
        return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/setup/edit.html", {"programme": programme, "form": form})


# Intake questions ------------------------------------------------------------------------


@login_required
def questions(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.question_add(
            programme=programme, data=form.cleaned_data, submission=key_from(request.POST)
        )
        messages.success(request, "The question has been added to the intake.")
        return redirect("programmes:questions", programme.pk)
    return render(
        request,
        "programmes/setup/questions.html",
        with_submission(
            {"programme": programme, "questions": programme.intake_questions.all(), "form": form},
            request.POST,
        ),
    )


def _question(programme: Programme, question_id: int) -> IntakeQuestion:
    question = programme.intake_questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    return question


@login_required
def question_edit(request, pk: int, question_id: int):
    programme = access.programme_for(request, pk, *RUNS)
    question = _question(programme, question_id)
    form = QuestionForm(
        request.POST or None,
        initial={
            "text": question.text,
            "hint": question.hint,
            "audience": question.audience,
            "required": question.required,
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.question_update(question=question, data=form.cleaned_data)
        messages.success(request, "The question has been saved.")
        return redirect("programmes:questions", programme.pk)
    return render(
        request,
        "programmes/setup/question_edit.html",
        {"programme": programme, "question": question, "form": form},
    )


@login_required
@require_POST
def question_delete(request, pk: int, question_id: int):
    programme = access.programme_for(request, pk, *RUNS)
    question = programme.intake_questions.filter(pk=question_id).first()
    if question is None:
        # Deleted already (a double click, another tab): the outcome the person wanted.
        messages.info(request, "That question had already been removed.")
    else:
        actions.question_delete(question=question)
        messages.success(request, f"The question “{question.text}” has been removed.")
    return redirect("programmes:questions", programme.pk)


# Cohorts ---------------------------------------------------------------------------------


@login_required
def cohort_create(request, pk: int):
    programme = access.programme_for(request, pk, *RUNS)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = actions.cohort_create(
                programme=programme, data=form.cleaned_data, submission=key_from(request.POST)
            )
        except ProgrammeError as error:
            form.add_error("ends_on", str(error))
        else:
            messages.success(request, f"The cohort {cohort.name} has been added.")
            return redirect("programmes:cohort", cohort.pk)
    return render(
        request,
        "programmes/setup/cohort_create.html",
        with_submission({"programme": programme, "form": form}, request.POST),
    )


def _candidates(cohort: Cohort) -> list[tuple[User, str]]:
    """Members with the mentor or mentee role who do not yet hold that place here."""
    taken = set(cohort.participants.values_list("user_id", "side"))
    out = []
    for membership in (
        Membership.objects.filter(
            organisation=cohort.programme.organisation, role__in=[Role.MENTOR, Role.MENTEE]
        )
        .select_related("user")
        .order_by("user__full_name", "role")
    ):
        side = Side.MENTOR if membership.role == Role.MENTOR else Side.MENTEE
        if (membership.user_id, side) not in taken and membership.user.is_active:
            out.append((membership.user, side))
    return out


PEOPLE_STATES = {
    "all": ("Everyone", Q()),
    "not_started": ("Intake not started", Q(status=Participant.Status.INTAKE, intake_step="")),
    "intake": (
        "Intake in progress",
        Q(status=Participant.Status.INTAKE) & ~Q(intake_step=""),
    ),
    "ready": ("Intake complete", Q(status=Participant.Status.READY)),
    "withdrawn": ("Withdrawn", Q(status=Participant.Status.WITHDRAWN)),
}


def _cohort_page(request, cohort: Cohort, **forms):
    query = search_text(request)
    state = request.GET.get("state")
    state = state if state in PEOPLE_STATES else "all"
    places = cohort.participants.select_related("user").order_by("side", "user__full_name", "pk")
    if query:
        places = places.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    places = places.filter(PEOPLE_STATES[state][1])
    people = list(places)
    invited = list(actions.cohort_invitations(cohort))
    if query:
        invited = [i for i in invited if query.lower() in i.email]
    matched = set(
        Relationship.objects.current().filter(cohort=cohort).values_list("mentee_id", flat=True)
    ) | set(
        Relationship.objects.current().filter(cohort=cohort).values_list("mentor_id", flat=True)
    )
    forms.setdefault("status_form", CohortStatusForm(initial={"status": cohort.status}))
    forms.setdefault("add_form", AddPeopleForm(candidates=_candidates(cohort)))
    forms.setdefault("invite_form", InviteForm())
    has_errors = any(form.errors for form in forms.values())
    return render(
        request,
        "programmes/setup/cohort.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "mentors": [(p, p.pk in matched) for p in people if p.side == Side.MENTOR],
            "mentees": [(p, p.pk in matched) for p in people if p.side == Side.MENTEE],
            "invited": invited if state == "all" else [],
            "query": query,
            "state": state,
            "states": [(key, label) for key, (label, _) in PEOPLE_STATES.items()],
            "has_errors": has_errors,
            **forms,
        },
        status=200,
    )


@login_required
def cohort_detail(request, pk: int):
    return _cohort_page(request, cohort_for(request, pk))


@login_required
@require_POST
def cohort_status(request, pk: int):
    cohort = cohort_for(request, pk)
    form = CohortStatusForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, cohort, status_form=form)
    try:
        moved = actions.cohort_move(cohort=cohort, status=form.cleaned_data["status"])
    except ProgrammeError as error:
        messages.error(request, str(error))
        return redirect("programmes:cohort", cohort.pk)
    if moved:
        label = Cohort.Status(form.cleaned_data["status"]).label.lower()
        messages.success(request, f"The cohort is now at: {label}.")
    else:
        messages.info(request, "The cohort was already at that stage. Nothing was changed.")
    return redirect("programmes:cohort", cohort.pk)


@login_required
@require_POST
def cohort_add(request, pk: int):
    cohort = cohort_for(request, pk)
    form = AddPeopleForm(request.POST, candidates=_candidates(cohort))
    if not form.is_valid():
        return _cohort_page(request, cohort, add_form=form)
    try:
        places = actions.people_add(cohort=cohort, choices=form.chosen())
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{len(places)} {'person has' if len(places) == 1 else 'people have'} been added. "
            "They can now complete their intake.",
        )
    return redirect("programmes:cohort", cohort.pk)


@login_required
@require_POST
def cohort_invite(request, pk: int):
    cohort = cohort_for(request, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, cohort, invite_form=form)
    email, side = form.cleaned_data["email"], form.cleaned_data["side"]
    try:
        done = actions.person_invite(
            cohort=cohort, email=email, side=side, by=request.user, request=request
        )
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        if done.place is not None:
            messages.success(
                request,
                f"{done.place.user.full_name} has been added to the cohort as a {side}, and "
                "emailed their first step: their intake.",
            )
        else:
            messages.success(
                request,
                f"An invitation to join this cohort as a {side} has been sent to {email}. When "
                "they accept it, they join the cohort and go straight to their intake.",
            )
    return redirect("programmes:cohort", cohort.pk)


def _participant(cohort: Cohort, participant_id: int) -> Participant:
    place = cohort.participants.filter(pk=participant_id).select_related("user").first()
    if place is None:
        raise Http404
    place.cohort = cohort
    return place


@login_required
@require_POST
def person_trained(request, pk: int, participant_id: int):
    cohort = cohort_for(request, pk)
    place = _participant(cohort, participant_id)
    form = TrainedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether the mentor has completed allyship training.")
        return redirect("programmes:cohort", cohort.pk)
    trained = form.cleaned_data["trained"]
    try:
        actions.mark_trained(place=place, trained=trained)
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        name = place.user.full_name
        messages.success(
            request,
            f"{name} is marked as having completed allyship training."
            if trained
            else f"{name} is no longer marked as having completed allyship training.",
        )
    return redirect("programmes:cohort", cohort.pk)


# One person's intake ---------------------------------------------------------------------


def _labels(choices, codes) -> str:
    return "; ".join(v.label(choices, code) for code in codes) if codes else ""


def _answers(place: Participant, programme: Programme) -> list[tuple[str, list]]:
    """Returns the person's intake answers as (section, [(question, answer)]) for display;
    never ethnicity or gender (the page reads those separately, audited)."""
    profile = [
        ("Profession", v.label(v.PROFESSIONS, place.profession) if place.profession else ""),
        ("Band or career stage", v.label(v.BANDS, place.band) if place.band else ""),
        (
            "Work setting",
            v.label(v.WORK_SETTINGS, place.work_setting) if place.work_setting else "",
        ),
        ("Region", v.label(v.REGIONS, place.region) if place.region else ""),
        ("Career goals", _labels(v.CAREER_GOALS, place.career_goals)),
        ("Interests", "; ".join(place.interests)),
        ("Languages", "; ".join(place.languages)),
        ("Meeting mode", v.label(v.MEETING_MODES, place.meeting_mode)),
        ("Availability", _labels(v.AVAILABILITY, place.availability)),
        ("Team", place.team),
        ("Line manager's email", place.line_manager_email),
    ]
    deep = [
        ("Values", _labels(v.VALUES, place.values)),
        ("Working style", _labels(v.WORKING_STYLES, place.working_style)),
        ("Openness (1 to 5)", "" if place.openness is None else f"{place.openness:g}"),
        (
            "Conscientiousness (1 to 5)",
            "" if place.conscientiousness is None else f"{place.conscientiousness:g}",
        ),
    ]
    sections = [("Profile", profile), ("Deep-level items", deep)]
    if place.side == Side.MENTEE:
        words = place.needs_text or {}
        needs = []
        for asked in wording.questions(place.cohort.programme.mentoring_model()):
            code, question = asked.code, asked.text
            topics = _labels(v.SUPPORT_TOPICS, getattr(place, f"needs_{code}"))
            own = words.get(code, "") if isinstance(words, dict) else ""
            needs.append((question, "; ".join(x for x in (topics, str(own)) if x)))
        sections.append(("The four questions", needs))
        race = [
            (
                "Race and racism as part of the mentoring",
                place.get_race_conversation_display() if place.race_conversation else "",
            ),
            ("Who raises it", place.get_race_raised_by_display() if place.race_raised_by else ""),
            ("Note", place.race_note),
        ]
    else:
        sections.append(
            (
                "What they offer",
                [
                    ("Topics", _labels(v.SUPPORT_TOPICS, place.offers)),
                    ("In their own words", place.offer_text),
                    ("Capacity (mentees)", str(place.capacity)),
                    (
                        "Allyship training",
                        "Completed (confirmed by the coordinator)"
                        if place.allyship_trained
                        else "Not recorded",
                    ),
                ],
            )
        )
        race = [
            (
                "Comfort discussing race and racism",
                place.get_race_comfort_display() if place.race_comfort else "",
            ),
            ("Note", place.race_note),
        ]
    sections.append(("Race and racism in mentoring", race))
    preferences = []
    for attribute, label in v.PREFERENCE_ATTRIBUTES:
        stated = (place.preferences or {}).get(attribute)
        if not isinstance(stated, dict) or stated.get("kind", "none") in ("", "none"):
            continue
        kind = v.label(v.PREFERENCE_KINDS, stated.get("kind", ""))
        values = stated.get("values") or []
        if values:
            vocabulary = v.ATTRIBUTE_VOCABULARIES.get(attribute)
            kind += ": " + "; ".join(v.label(vocabulary, x) if vocabulary else x for x in values)
        strength = v.label(v.PREFERENCE_STRENGTHS, stated.get("strength") or "important")
        preferences.append((label, f"{kind} ({strength.lower()})"))
    sections.append(("Preferences about the other person", preferences))
    extra = []
    questions = {str(q.pk): q.text for q in programme.intake_questions.all()}
    for key, answer in (place.extra_answers or {}).items():
        extra.append((questions.get(str(key), "A question since removed"), str(answer)))
    if extra:
        sections.append(("The programme's own questions", extra))
    return sections


@login_required
def person(request, pk: int, participant_id: int):
    cohort = cohort_for(request, pk)
    place = _participant(cohort, participant_id)
    special = sensitive.read_for([place], request=request, purpose="intake review").get(place.pk)
    return render(
        request,
        "programmes/setup/person.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "place": place,
            "sections": _answers(place, cohort.programme),
            "special": special,
        },
    )


# Bulk import -----------------------------------------------------------------------------

SESSION_KEY = "programmes_import_{}"
# A preview waits in the session for at most this long. Its rows can hold people's ethnicity
# and gender, which should not outlive the coordinator's decision: previews older than this
# (and any the coordinator cancels) are dropped, and confirming one is refused.
PREVIEW_SECONDS = 30 * 60


def _drop_stale(request) -> None:
    """Drops every pending import preview in the session older than `PREVIEW_SECONDS`."""
    now = time.time()
    # A session has keys() but cannot be iterated itself.
    names = [k for k in request.session.keys() if k.startswith("programmes_import_")]  # noqa: SIM118
    for name in names:
        found = request.session.get(name)
        made = found.get("made_at") if isinstance(found, dict) else None
        if not isinstance(made, int | float) or now - made > PREVIEW_SECONDS:
            del request.session[name]


def _pending(request, cohort: Cohort) -> dict | None:
    _drop_stale(request)
    found = request.session.get(SESSION_KEY.format(cohort.pk))
    return found if isinstance(found, dict) and found.get("rows") else None


def _import_page(request, cohort: Cohort, **context):
    context.setdefault("form", ImportForm())
    errors = (
        context["form"].errors
        or context.get("problems")
        or (context.get("confirm_form") is not None and context["confirm_form"].errors)
    )
    return render(
        request,
        "programmes/setup/import.html",
        {"cohort": cohort, "programme": cohort.programme, "has_errors": bool(errors), **context},
    )


def _preview(rows: list[dict], members: set[str]) -> list[dict]:
    """Returns the rows to show. `new` says only whether the person is already in this
    organisation or will be invited; whether an address has an account anywhere else is not
    this organisation's to learn (such rows are refused at the preview)."""
    return [
        {
            "number": row["number"],
            "name": row["name"],
            "email": row["email"],
            "side": row["side"],
            "new": row["email"] not in members,
            "equality": bool(row["special"]),
        }
        for row in rows
    ]


@login_required
def cohort_import(request, pk: int):
    cohort = cohort_for(request, pk)
    _drop_stale(request)
    if request.method != "POST":
        return _import_page(request, cohort)
    if request.POST.get("cancel"):
        request.session.pop(SESSION_KEY.format(cohort.pk), None)
        messages.info(request, "The import was cancelled. Nothing was imported.")
        return redirect("programmes:cohort", cohort.pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, cohort, form=form)
    table = form.cleaned_data["file"]
    emails = {row.get("email", "").strip().lower() for _, row in table} - {""}
    accounts = {
        email.lower(): pk
        for email, pk in User.objects.filter(email__in=emails).values_list("email", "pk")
    }
    inside = set(
        Membership.objects.filter(
            organisation=cohort.programme.organisation, user_id__in=accounts.values()
        ).values_list("user_id", flat=True)
    )
    existing = {email for email, pk in accounts.items() if pk in inside}
    elsewhere = set(accounts) - existing
    taken = {
        (email.lower(), side)
        for email, side in cohort.participants.values_list("user__email", "side")
    }
    people, problems, notes = read_people(
        table, cohort=cohort, existing_emails=existing, taken=taken, elsewhere=elsewhere
    )
    if problems:
        request.session.pop(SESSION_KEY.format(cohort.pk), None)
        return _import_page(request, cohort, problems=problems, notes=notes)
    rows = [person.as_dict() for person in people]
    key = str(uuid.uuid4())
    request.session[SESSION_KEY.format(cohort.pk)] = {
        "key": key,
        "rows": rows,
        "notes": notes,
        "existing": sorted(existing),
        "made_at": time.time(),
    }
    needs_consent = any(row["special"] for row in rows)
    return _import_page(
        request,
        cohort,
        preview=_preview(rows, existing),
        notes=notes,
        confirm_form=ImportConfirmForm(initial={"upload": key}, needs_consent=needs_consent),
    )


@login_required
@require_POST
def cohort_import_confirm(request, pk: int):
    cohort = cohort_for(request, pk)
    pending = _pending(request, cohort)
    sent = (request.POST.get("upload") or "")[:64]
    if pending is None or pending.get("key") != sent:
        messages.error(
            request,
            "This preview is no longer current: it has been imported already, cancelled, a "
            "newer file was uploaded, or it was left for more than 30 minutes. Nothing was imported; check the cohort, and upload the file "
            "again if people are missing.",
        )
        return redirect("programmes:cohort", cohort.pk)
    rows = pending["rows"]
    needs_consent = any(row.get("special") for row in rows)
    form = ImportConfirmForm(request.POST, needs_consent=needs_consent)
    if not form.is_valid():
        return _import_page(
            request,
            cohort,
            preview=_preview(rows, set(pending.get("existing", []))),
            notes=pending.get("notes", []),
            confirm_form=form,
        )
    try:
        with transaction.atomic():
            done = actions.participants_import(
                cohort=cohort, rows=rows, key=sent, by=request.user, request=request
            )
    except ProgrammeError as error:
        messages.error(request, str(error))
        return redirect("programmes:cohort", cohort.pk)
    request.session.pop(SESSION_KEY.format(cohort.pk), None)
    messages.success(
        request,
        f"{done['places']} people have been imported ({done['mentees']} mentees, "
        f"{done['mentors']} mentors; {done['accounts']} new accounts). Each has been emailed; "
        "people new to Allied are sent a link to set their password.",
    )
    return redirect("programmes:cohort", cohort.pk)


@login_required
def import_template(request, pk: int):
    cohort = cohort_for(request, pk)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    columns = template_columns()
    out.writerow(columns)
    for example in example_rows():
        out.writerow([example.get(column, "") for column in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="allied-import-cohort-{cohort.pk}.csv"'
    return response
