"""Forms for a mentoring relationship: the agreement, meetings and notes, goals, sponsorship,
reviews, endings and concerns. The API posts the same fields, so each form is the one place
its input is checked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django import forms
from django.utils import timezone

from allied.core.matching import vocabulary as v
from allied.core.model import STUDY_MODEL
from allied.programmes import wording
from allied.programmes.models import (
    Agreement,
    AllyshipAnswer,
    Concern,
    Goal,
    RaisedBy,
    Relationship,
    Review,
    SponsorshipAction,
)

RATINGS = [(str(n), str(n)) for n in range(1, 6)]
RATING_HINT = "1 means not at all, 5 means very much."
MEETING_MODES = [(code, label) for code, label in v.MEETING_MODES if code != "either"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _within_reach(value: date | None) -> date | None:
    """Refuses dates no mentoring relationship could mean (typing slips like year 20266)."""
    if value is None:
        return value
    today = timezone.localdate()
    if not (today - timedelta(days=5 * 366) <= value <= today + timedelta(days=5 * 366)):
        raise forms.ValidationError("Enter a date within five years of today.")
    return value


class ReachableDateField(forms.DateField):
    widget = DateInput

    def clean(self, value):
        return _within_reach(super().clean(value))


# The agreement ----------------------------------------------------------------------------


class AgreementForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    mid_review_on = ReachableDateField(
        label="Mid-point review date", required=False, help_text="For example, 2026-10-01."
    )
    end_review_on = ReachableDateField(label="End review date", required=False)
    race_raised_by = forms.ChoiceField(
        label="Who raises it",
        choices=[("", "We have not decided"), *RaisedBy.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    meeting_every_weeks = forms.IntegerField(
        label="How often you will meet, in weeks", min_value=1, max_value=26
    )
    length_months = forms.IntegerField(
        label="How long the mentoring will last, in months", min_value=1, max_value=36
    )
    meeting_mode = forms.ChoiceField(
        label="How you will meet", choices=v.MEETING_MODES, widget=forms.RadioSelect
    )

    class Meta:
        model = Agreement
        fields = [
            "mentee_expectations",
            "mentor_expectations",
            "what_i_need",
            "what_can_help_me",
            "what_can_support_me",
            "what_i_require",
            "confidentiality",
            "meeting_every_weeks",
            "meeting_mode",
            "length_months",
            "mid_review_on",
            "end_review_on",
            "race_discussion",
            "race_raised_by",
        ]
        labels = {
            "mentee_expectations": "What the mentee expects of the mentor",
            "mentor_expectations": "What the mentor expects of the mentee",
            "confidentiality": "Confidentiality and its limits",
            "race_discussion": "Whether and how you will talk about race and racism",
        }
        help_texts = {
            "race_discussion": (
                "Only if the mentee wants to. Nobody is required to discuss race and racism; "
                "you can change this later."
            ),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "mentee_expectations",
                "mentor_expectations",
                "what_i_need",
                "what_can_help_me",
                "what_can_support_me",
                "what_i_require",
                "confidentiality",
                "race_discussion",
            )
        }

    def __init__(self, *args, model=None, **kwargs):
        """`model` is the programme's mentoring model, whose questions label the mentee's
        answers (None: the study's)."""
        super().__init__(*args, **kwargs)
        self.words = wording.agreement(model or STUDY_MODEL)
        for name, label in self.words["labels"].items():
            self.fields[name].label = label
            self.fields[name].help_text = self.words["hints"][name]

    def question_fields(self):
        """Returns the fields of the mentee's answers, in the model's order of questions."""
        return [self[name] for name in self.words["labels"]]

    def clean(self):
        data = super().clean()
        mid, end = data.get("mid_review_on"), data.get("end_review_on")
        if mid and end and end <= mid:
            self.add_error("end_review_on", "The end review must be after the mid-point review.")
        return data


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    scope_understood = forms.BooleanField(
        label="I have read what mentoring can and cannot offer",
        error_messages={
            "required": "Confirm that you have read what mentoring can and cannot offer."
        },
    )


# Meetings ---------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    day = ReachableDateField(label="Date", help_text="For example, 2026-09-14.")
    time = forms.TimeField(label="Start time", widget=TimeInput, help_text="For example, 14:30.")
    duration_minutes = forms.IntegerField(
        label="Length in minutes", min_value=15, max_value=480, initial=60
    )
    mode = forms.ChoiceField(
        label="How you will meet", choices=MEETING_MODES, widget=forms.RadioSelect
    )
    location = forms.CharField(
        label="Where, or the video call link",
        max_length=200,
        required=False,
        help_text="For example, a room, or a Teams or Zoom link.",
    )
    # The meeting's SEQUENCE when the form was made: a change made from a form older than the
    # partner's reschedule is refused (see `actions.meeting_reschedule`).
    sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time") and not self._exists(self._naive()):
            self.add_error(
                "time",
                "That time does not exist on that day because the clocks go forward. "
                "Choose another time.",
            )
        return data

    def _naive(self) -> datetime:
        return datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])

    @staticmethod
    def _exists(naive: datetime) -> bool:
        """Whether the local time happens at all: in the hour the clocks go forward it does
        not, and a silent shift would put the meeting at a time nobody chose."""
        zone = timezone.get_current_timezone()
        aware = naive.replace(tzinfo=zone)
        return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive

    def starts_at(self) -> datetime:
        """Returns the start as an aware time in the site's time zone. A time that happens
        twice (the hour the clocks go back) is the first of the two."""
        return timezone.make_aware(self._naive().replace(fold=0), timezone.get_current_timezone())

    @classmethod
    def initial_from(cls, meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": meeting.duration_minutes,
            "mode": meeting.mode,
            "location": meeting.location,
            "sequence": meeting.sequence,
        }


class SharedNotesForm(forms.Form):
    shared_notes = forms.CharField(
        label="Shared notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="You and your mentoring partner both read these. Your coordinator never does.",
    )
    base = forms.CharField(widget=forms.HiddenInput, required=False)

    @classmethod
    def after_clash(cls, typed: str, base: str) -> SharedNotesForm:
        """The form beside the partner's newer version: what this person typed, starting from
        the partner's version (`base`), so that saving it, having read theirs, goes through."""
        form = cls({"shared_notes": typed, "base": base})
        field = form.fields["shared_notes"]
        field.label = "Your version"
        field.help_text = "What you typed, not saved yet. Saving replaces their version with this."
        form.is_valid()
        return form


class PrivateNoteForm(forms.Form):
    text = forms.CharField(
        label="Your private reflection",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only you can ever read this: not your mentoring partner, not the coordinator.",
    )


# Goals ------------------------------------------------------------------------------------


class GoalForm(forms.ModelForm):
    target_date = ReachableDateField(label="Target date (optional)", required=False)

    class Meta:
        model = Goal
        fields = ["title", "description", "target_date"]
        labels = {"title": "The goal", "description": "More about it (optional)"}
        help_texts = {"title": "For example, apply for a band 7 role, or present at a conference."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class GoalActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=300, help_text="For example, update my CV.")
    due_on = ReachableDateField(label="Due date (optional)", required=False)


class GoalUpdateForm(forms.Form):
    text = forms.CharField(
        label="Progress update", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=Goal.Status.choices, widget=forms.RadioSelect
    )


# Sponsorship ------------------------------------------------------------------------------


class SponsorshipForm(forms.Form):
    kind = forms.ChoiceField(
        label="What did you do?", choices=SponsorshipAction.Kind.choices, widget=forms.RadioSelect
    )
    happened_on = ReachableDateField(label="When", help_text="For example, 2026-05-01.")
    description = forms.CharField(
        label="Describe it",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the opportunity, the network or person, or where you spoke up.",
    )


class SponsorshipConfirmForm(forms.Form):
    comment = forms.CharField(
        label="Your comment (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Reviews ----------------------------------------------------------------------------------


def _rating(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=RATINGS, coerce=int, widget=forms.RadioSelect, help_text=RATING_HINT
    )


# The mentee's answers on allyship: the mentor never sees them; coordinators see only
# suppressed totals (`allied.allyship.reports.feedback`).
ALLYSHIP_FEEDBACK = ("felt_believed", "race_discussed_safely", "challenged_barriers")


class ReviewForm(forms.Form):
    satisfaction = _rating("How satisfied are you with your mentoring?")
    trust = _rating("How much do you trust your mentoring partner?")
    psychological_safety = _rating("How safe do you feel to speak openly, without fear?")
    expectations_met = forms.ChoiceField(
        label="Have your expectations been met?",
        choices=Review.Expectations.choices,
        widget=forms.RadioSelect,
    )
    allyship = _rating("How much did you feel your mentor acted as an ally?")
    felt_believed = forms.ChoiceField(
        label="Did you feel believed?",
        choices=AllyshipAnswer.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="When you talked about your experiences, including of racism. Optional.",
    )
    race_discussed_safely = forms.ChoiceField(
        label="Could race be discussed safely?",
        choices=AllyshipAnswer.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Optional.",
    )
    challenged_barriers = forms.ChoiceField(
        label="Did your mentor challenge barriers on your behalf?",
        choices=AllyshipAnswer.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="For example, questioning a decision or speaking up for you. Optional.",
    )
    career_change = forms.CharField(
        label="What has changed for you in career terms?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a new role, a course, a presentation, more confidence.",
    )
    comments = forms.CharField(
        label="Anything else (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, side: str, model=None, **kwargs):
        """`model` is the programme's mentoring model, whose words introduce the review and
        say what allyship is (None: the study's)."""
        super().__init__(*args, **kwargs)
        self.words = wording.review(model or STUDY_MODEL)
        if side != "mentee":
            # The mentee's feedback on allyship is about the mentor: never asked of them.
            for name in ("allyship", *ALLYSHIP_FEEDBACK):
                del self.fields[name]
            self.fields["trust"].label = "How much do you trust your mentee?"
            self.fields[
                "career_change"
            ].label = "What has changed for your mentee, as far as you know?"
        else:
            self.fields["allyship"].help_text = f"{self.words['allyship_hint']} {RATING_HINT}"


# Endings and concerns ---------------------------------------------------------------------


class EndForm(forms.Form):
    ending = forms.ChoiceField(
        label="How is the mentoring ending?",
        choices=Relationship.Ending.choices,
        widget=forms.RadioSelect,
        initial=Relationship.Ending.NO_FAULT,
        required=False,
    )

    def __init__(self, *args, may_complete: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_complete = may_complete
        self.fields["ending"].choices = [
            (Relationship.Ending.COMPLETED, "We have completed our mentoring"),
            (Relationship.Ending.NO_FAULT, "We are ending it now (no-fault ending)"),
        ]

    def clean_ending(self):
        ending = self.cleaned_data.get("ending") or Relationship.Ending.NO_FAULT
        if ending == Relationship.Ending.COMPLETED and not self.may_complete:
            raise forms.ValidationError(
                "You can mark the mentoring completed once the end review is due. "
                "Choose a no-fault ending instead."
            )
        return ending


class ConcernForm(forms.Form):
    safeguarding = forms.BooleanField(
        label="This is a safeguarding concern",
        required=False,
        help_text="Someone may be at risk of harm. The coordinator will treat it as urgent.",
    )
    text = forms.CharField(
        label="What is your concern?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only the programme's coordinators read this, not your mentoring partner.",
    )


class ConcernHandleForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=[(s, label) for s, label in Concern.Status.choices if s != Concern.Status.OPEN],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Your note",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you have done or will do. The person who raised it does not see this.",
    )
