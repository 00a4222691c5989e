"""Forms for circles. The API posts the same fields, so each form is the one place its input
is checked."""

from __future__ import annotations

from django import forms

from allied.circles.actions import DEFAULT_AVAILABILITY_WEIGHT, DEFAULT_SIZE, MOODS
from allied.mentoring.forms.relationship import MeetingForm


class FormCirclesForm(forms.Form):
    min_size = forms.IntegerField(
        label="Smallest circle", min_value=2, max_value=30, initial=DEFAULT_SIZE[0]
    )
    max_size = forms.IntegerField(
        label="Largest circle", min_value=2, max_value=30, initial=DEFAULT_SIZE[1]
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=2_000_000_000,
        initial=1,
        help_text="The same seed always gives the same circles. Try another for a different split.",
    )
    availability_weight = forms.FloatField(
        label="How much sharing a time to meet matters",
        min_value=0,
        max_value=10,
        initial=DEFAULT_AVAILABILITY_WEIGHT,
        help_text=(
            "1 counts it like each other attribute; the default, 2, counts it double, because "
            "a circle that cannot find a time never meets."
        ),
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and high is not None and high < low:
            self.add_error("max_size", "The largest circle cannot be smaller than the smallest.")
        return data


class MoveForm(forms.Form):
    circle = forms.TypedChoiceField(label="Move to", coerce=int, choices=())
    note = forms.CharField(label="Reason (optional)", max_length=300, required=False)

    def __init__(self, *args, circles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circle"].choices = [(c.pk, c.name) for c in circles]


class LeaveForm(forms.Form):
    note = forms.CharField(label="Reason (optional)", max_length=300, required=False)


class AddMemberForm(forms.Form):
    participant = forms.TypedChoiceField(label="Mentee", coerce=int, choices=())
    note = forms.CharField(label="Reason (optional)", max_length=300, required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.pk, p.user.full_name) for p in places]


class FacilitatorForm(forms.Form):
    participant = forms.TypedChoiceField(
        label="Facilitator", coerce=int, choices=(), required=False, empty_value=None
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [("", "No facilitator yet")] + [
            (p.pk, f"{p.user.full_name} ({p.get_side_display().lower()})") for p in places
        ]


class AgreementForm(forms.Form):
    ground_rules = forms.CharField(
        label="Ground rules",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Agreed together at your first session: confidentiality, listening, "
        "how you will give each other time.",
    )
    goals = forms.CharField(
        label="Our goals",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the circle wants to achieve together.",
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)


class SessionForm(MeetingForm):
    schedule_anyway = forms.BooleanField(
        label="Arrange it anyway",
        required=False,
        help_text="Tick this if the time clashes with some members' one-to-one meetings and "
        "you still want it.",
    )


class NotesForm(forms.Form):
    shared_notes = forms.CharField(
        label="Shared session notes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Everyone in the circle reads these. The coordinator never does.",
    )


class CheckInForm(forms.Form):
    mood = forms.TypedChoiceField(
        label="How are you at the moment?",
        coerce=int,
        choices=[(str(n), text) for n, text in MOODS],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="Anything you would like to say (optional)", max_length=280, required=False
    )
    shared = forms.BooleanField(
        label="Share this with my circle",
        required=False,
        help_text="Unless you tick this, only you can see your check-in.",
    )
