from django import forms

from allied.audit.models import Kind


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="What happened",
        required=False,
        choices=[("", "Anything"), *list(Kind.choices)],
        error_messages={"invalid_choice": "Choose one of the kinds of event listed"},
    )
    email = forms.CharField(label="Email address contains", required=False, max_length=254)
    since = forms.DateField(
        label="From (date)",
        required=False,
        help_text="For example, 27 3 2026 or 2026-03-27",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        error_messages={"invalid": "Enter the date as a real date, like 2026-03-27"},
    )
    until = forms.DateField(
        label="To (date)",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        error_messages={"invalid": "Enter the date as a real date, like 2026-03-27"},
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be the same as or after the start date")
        return cleaned
