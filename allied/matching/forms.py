"""Forms for matching: every action on the draft run carries the run id and its version, so a
stale page is refused; the mentee's note and the mentor's answer are checked here."""

from __future__ import annotations

from django import forms

from allied.matching.actions import REASON_LIMIT

BIGGEST_ID = 2**62


def _id(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=BIGGEST_ID,
        error_messages={
            "required": f"Choose {label.lower()}.",
            "invalid": f"{label} must be a whole number.",
        },
        **kwargs,
    )


class RunStateForm(forms.Form):
    """The draft run the page showed, and how it looked (`actions.matching.run_version`)."""

    run = _id("The matching run", widget=forms.HiddenInput)
    version = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if "run" in self.errors or "version" in self.errors:
            # Hidden fields: the person cannot mend them; say what to do instead.
            raise forms.ValidationError(
                "This page is out of date. Reload the matching page and try again."
            )
        return data


class LockForm(RunStateForm):
    locked = forms.TypedChoiceField(
        choices=[("yes", "Lock"), ("no", "Unlock")],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )


class AssignForm(RunStateForm):
    """The swap: give a mentee another mentor with a free place."""

    mentee = _id("The mentee", widget=forms.HiddenInput)
    mentor = forms.TypedChoiceField(
        label="Mentor",
        coerce=int,
        error_messages={
            "required": "Choose a mentor.",
            "invalid_choice": "Choose a mentor from the list.",
        },
    )

    override_reason = forms.CharField(
        label="Why pair them anyway?",
        help_text="Your reason is recorded with the pair and in the audit log.",
        required=False,
        # Counted after line breaks are made one character, as the browser's limit counts them.
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_LIMIT}),
    )

    def clean_override_reason(self) -> str:
        reason = self.cleaned_data.get("override_reason", "").replace("\r\n", "\n")
        if len(reason) > REASON_LIMIT:
            raise forms.ValidationError(f"Keep the reason to {REASON_LIMIT:,} characters or fewer.")
        return reason

    def __init__(self, *args, mentors=(), mentee_name="", ask_reason=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_reason:  # the swap on each card: the reason is asked only when a rule breaks
            del self.fields["override_reason"]
        if mentee_name:
            self.fields["mentor"].label = f"New mentor for {mentee_name}"
        self.fields["mentor"].choices = [("", "Choose a mentor")] + [
            (m.pk, label) for m, label in mentors
        ]


class ChooseForm(forms.Form):
    note = forms.CharField(
        label="A short note to your mentor (optional)",
        help_text="Say what you hope to get from mentoring. Up to 1,000 characters.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep your note to 1,000 characters or fewer."},
    )


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your answer",
        choices=[
            ("accept", "Accept: I will be their mentor"),
            ("conversation", "I would like a conversation first"),
            ("decline", "Decline"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to accept, talk first, or decline.",
            "invalid_choice": "Choose whether to accept, talk first, or decline.",
        },
    )
    reason = forms.CharField(
        label="Why you are declining (optional)",
        help_text="Only you and the coordinator will see this: never the mentee.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the reason to 1,000 characters or fewer."},
    )

    def __init__(self, *args, talked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if talked:
            self.fields["decision"].choices = [
                c for c in self.fields["decision"].choices if c[0] != "conversation"
            ]
