"""Forms for data rights: the typed confirmation before an erasure, a person's own request,
and a programme's retention period. Messages say what to do, in the NHS.UK style."""

from __future__ import annotations

from django import forms


class EraseForm(forms.Form):
    """The admin types the person's email address: erasure cannot be undone."""

    confirm = forms.CharField(
        label="Type the person's email address to confirm",
        max_length=254,
        strip=True,
        error_messages={"required": "Enter the person's email address to confirm the erasure"},
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["confirm"].help_text = f"Type {email}"
        self.fields["confirm"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"]
        if typed.lower() != self.email.lower():
            raise forms.ValidationError(
                "The email address does not match. Type it exactly as shown to confirm"
            )
        return typed


class ErasureRequestForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand that erasure cannot be undone",
        help_text=(
            "My account will be closed, and what I have written and what is held about me "
            "will be removed or made anonymous."
        ),
        error_messages={"required": "Confirm that you understand erasure cannot be undone"},
    )


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label="Months to keep personal data after the last cohort ends",
        help_text="Leave this empty to keep personal data until someone asks for it to be erased.",
        required=False,
        min_value=1,
        max_value=240,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of months as a whole number, like 24",
            "min_value": "Enter at least 1 month, or leave it empty to keep the data",
            "max_value": "Enter 240 months (20 years) or fewer",
        },
    )

    def __init__(self, *args, due: int = 0, **kwargs):
        """With `due`, the period asked for has already passed for that many places: saving
        it erases them the next time scheduled work runs, so a tick box must confirm it."""
        super().__init__(*args, **kwargs)
        self.due = due
        if due:
            places = f"{due} place{'s' if due != 1 else ''}"
            self.fields["confirm"] = forms.BooleanField(
                label=f"Erase the personal data of {places} the next time scheduled work runs",
                help_text="This cannot be undone.",
                error_messages={
                    "required": (
                        f"This period has already passed: tick the box to confirm that the "
                        f"personal data of {places} will be erased, or enter a longer period"
                    )
                },
            )
