"""Forms for career progression outcomes: the participant's outcome, and the coordinator's
decision on it."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from allied.core.matching import vocabulary as v
from allied.mentoring.forms.relationship import DateInput
from allied.programmes.models import CareerOutcome

EARLIEST = date(2000, 1, 1)


class OutcomeForm(forms.Form):
    """What happened and when: a band for a band change, a few words for "Other"."""

    kind = forms.ChoiceField(
        label="What happened?",
        choices=CareerOutcome.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what happened.",
            "invalid_choice": "Choose what happened.",
        },
    )
    happened_on = forms.DateField(
        label="When did it happen?",
        widget=DateInput,
        help_text="The date it started or took effect, for example 2026-05-01.",
        error_messages={
            "required": "Enter the date it happened.",
            "invalid": "Enter a real date, for example 2026-05-01.",
        },
    )
    new_band = forms.ChoiceField(
        label="Your new band or career stage (for a band change)",
        choices=[("", "Choose a band or career stage"), *v.BANDS],
        required=False,
        error_messages={"invalid_choice": "Choose a band or career stage from the list."},
    )
    description = forms.CharField(
        label="Describe it (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "For example, the role, the programme, the course or where you presented. "
            "Up to 300 characters. Your coordinator reads this."
        ),
        error_messages={
            "max_length": "Keep the description to 300 characters or fewer (it has %(show_value)d)."
        },
    )

    def clean_happened_on(self) -> date:
        value = self.cleaned_data["happened_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                "The date cannot be in the future: record it once it has happened."
            )
        if value < EARLIEST:
            raise forms.ValidationError("Enter a date in 2000 or later.")
        return value

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == CareerOutcome.Kind.BAND_CHANGE and not data.get("new_band"):
            self.add_error("new_band", "Choose the band or career stage you moved to.")
        elif kind != CareerOutcome.Kind.BAND_CHANGE:
            data["new_band"] = ""
        if kind == CareerOutcome.Kind.OTHER and not (data.get("description") or "").strip():
            self.add_error("description", "Describe what happened: you chose \u201cOther\u201d.")
        return data

    @classmethod
    def initial_from(cls, outcome: CareerOutcome) -> dict:
        return {
            "kind": outcome.kind,
            "happened_on": outcome.happened_on,
            "new_band": outcome.new_band,
            "description": outcome.description,
        }


class DecisionForm(forms.Form):
    """The coordinator's decision: confirmed or not, with a note for the participant."""

    decision = forms.ChoiceField(
        label="Can you confirm this outcome?",
        choices=[("confirmed", "Yes, confirm it"), ("not_confirmed", "No, mark it not confirmed")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you confirm this outcome.",
            "invalid_choice": "Choose whether you confirm this outcome.",
        },
    )
    note = forms.CharField(
        label="A note for the participant (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They will read it beside the outcome. Up to 1,000 characters.",
        error_messages={
            "max_length": "Keep the note to 1,000 characters or fewer (it has %(show_value)d)."
        },
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
