"""The dashboard's filters and the workforce figures form.

Every message says what to do, in the NHS.UK style. Dates are bounded so that none can reach
a calculation it would overflow, and headcounts so that none is a typing slip."""

from __future__ import annotations

from datetime import date

from django import forms

from allied.core.matching import vocabulary as v
from allied.reports.measures import BREAKDOWNS
from allied.reports.models import ETHNIC_GROUPS

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
LARGEST_HEADCOUNT = 100_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({"class": "nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d")


def _date_field(label: str, hint: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=hint,
        widget=DateInput,
        error_messages={"invalid": f"Enter {what} as a real date, like 2026-09-01"},
    )


def _in_range(value: date | None, what: str) -> date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(f"Enter {what} between 1 January 2000 and 31 December 2099")
    return value


class DashboardFilterForm(forms.Form):
    """The period (`?from=&to=`, both days included, either may be left empty) and the
    breakdown."""

    breakdown = forms.ChoiceField(
        label="Break the figures down by",
        required=False,
        choices=[("", "Nothing: the whole group"), *BREAKDOWNS],
        error_messages={"invalid_choice": "Choose a breakdown from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the date fields are added here, first.
        dates = {
            "from": _date_field(
                "From", "For example, 2026-01-01. Leave empty for no start.", "the start date"
            ),
            "to": _date_field(
                "To", "For example, 2026-03-31. Leave empty for up to today.", "the end date"
            ),
        }
        self.fields = {**dates, **self.fields}

    def clean_from(self):
        return _in_range(self.cleaned_data.get("from"), "the start date")

    def clean_to(self):
        return _in_range(self.cleaned_data.get("to"), "the end date")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", "The end date must be the same as or after the start date")
        return cleaned

    def chosen(self) -> tuple[date | None, date | None, str]:
        """Returns (start, end, breakdown) from the fields that are valid: a bad date leaves
        the figures for all dates, an unknown breakdown none."""
        if not self.is_bound:
            return None, None, ""
        self.is_valid()
        data = self.cleaned_data
        dated = not ({"from", "to"} & set(self.errors))
        return (
            data.get("from") if dated else None,
            data.get("to") if dated else None,
            data.get("breakdown") or "",
        )


def _headcount_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=LARGEST_HEADCOUNT,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": f"Enter the headcount for {label} (0 if there is nobody)",
            "invalid": f"Enter the headcount for {label} as a whole number",
            "min_value": f"The headcount for {label} must be 0 or more",
            "max_value": f"The headcount for {label} must be {LARGEST_HEADCOUNT:,} or less",
        },
    )


class WorkforceForm(forms.Form):
    """One set of workforce figures: the headcount of each ethnic group on a date, for all
    bands or for one band."""

    as_of = forms.DateField(
        label="Date the figures are for",
        help_text="For example, 2026-03-31, the date of your latest WRES return.",
        widget=DateInput,
        error_messages={
            "required": "Enter the date the figures are for",
            "invalid": "Enter the date the figures are for as a real date, like 2026-03-31",
        },
    )
    band = forms.ChoiceField(
        label="Band",
        required=False,
        choices=[("", "All bands"), *v.BANDS],
        help_text="Leave as all bands unless these figures are for one band.",
        error_messages={"invalid_choice": "Choose a band from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ETHNIC_GROUPS:
            self.fields[f"group_{code}"] = _headcount_field(label)

    def clean_as_of(self):
        return _in_range(self.cleaned_data.get("as_of"), "the date")

    def clean(self):
        cleaned = super().clean()
        counts = self.counts()
        if len(counts) == len(ETHNIC_GROUPS) and not any(counts.values()):
            raise forms.ValidationError("Enter at least one headcount above 0")
        return cleaned

    def counts(self) -> dict[str, int]:
        return {
            code: self.cleaned_data[f"group_{code}"]
            for code, _ in ETHNIC_GROUPS
            if self.cleaned_data.get(f"group_{code}") is not None
        }


class WorkforceRemoveForm(forms.Form):
    as_of = forms.DateField()
    band = forms.ChoiceField(required=False, choices=[("", "All bands"), *v.BANDS])
