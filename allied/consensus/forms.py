"""Forms of the model builder. Choices come from the draft's own frame, so a form can only
name one of its domains and questions; the actions check again under the draft's lock."""

from __future__ import annotations

from django import forms

from allied.core import model as core
from allied.core.model.edit import DEFINITION_MAX
from allied.core.model.edit import NAME_MAX as DOMAIN_NAME_MAX

NOTE_MAX = 500


def _domain_choices(frame: core.MentoringModel) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in frame.domains]


class ModelNameForm(forms.Form):
    name = forms.CharField(
        label="Name of the model",
        max_length=200,
        help_text="For example, the programme or the group it is for. You can change it later.",
        error_messages={"required": "Enter a name for the model."},
    )


class PlaceForm(forms.Form):
    """Where one theme or idea goes: a domain and a question, and why (optional)."""

    item = forms.CharField(
        widget=forms.HiddenInput,
        max_length=40,
        error_messages={"required": "Choose a theme or an idea to place."},
    )
    domain = forms.ChoiceField(label="Domain", error_messages={"required": "Choose a domain."})
    question = forms.ChoiceField(
        label="Question it answers", error_messages={"required": "Choose a question."}
    )
    note = forms.CharField(
        label="Why it goes here (optional)",
        required=False,
        max_length=NOTE_MAX,
        error_messages={"max_length": f"Keep the note to {NOTE_MAX} characters or fewer."},
    )

    def __init__(self, *args, frame: core.MentoringModel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "Choose a domain"), *_domain_choices(frame)]
        self.fields["domain"].error_messages["invalid_choice"] = "Choose one of the domains."
        self.fields["question"].choices = [("", "Choose a question")] + [
            (q.code, q.text) for q in frame.questions
        ]
        self.fields["question"].error_messages["invalid_choice"] = "Choose one of the questions."


class DomainForm(forms.Form):
    """A domain's name and definition."""

    name = forms.CharField(
        label="Name",
        max_length=DOMAIN_NAME_MAX,
        error_messages={
            "required": "Enter the domain's name.",
            "max_length": f"Keep the domain's name to {DOMAIN_NAME_MAX} characters or fewer.",
        },
    )
    definition = forms.CharField(
        label="Definition",
        help_text="What this domain means for the mentee, in the group's words.",
        required=False,
        max_length=DEFINITION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Keep the definition to {DEFINITION_MAX} characters or fewer."
        },
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(
        label="Keep this domain", error_messages={"required": "Choose the domain to keep."}
    )
    absorb = forms.ChoiceField(
        label="Merge this domain into it",
        help_text="Its themes move across and its definition is added; then it is removed.",
        error_messages={"required": "Choose the domain to merge into the other."},
    )
    name = forms.CharField(
        label="New name for the merged domain (optional)",
        required=False,
        max_length=DOMAIN_NAME_MAX,
    )

    def __init__(self, *args, frame: core.MentoringModel, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("keep", "absorb"):
            self.fields[name].choices = [("", "Choose a domain"), *_domain_choices(frame)]
            self.fields[name].error_messages["invalid_choice"] = "Choose one of the domains."

    def clean(self):
        data = super().clean()
        if data.get("keep") and data.get("keep") == data.get("absorb"):
            self.add_error("absorb", "Choose two different domains to merge.")
        return data


class WorkshopForm(forms.Form):
    workshop = forms.TypedChoiceField(
        label="Workshop",
        coerce=int,
        error_messages={
            "required": "Choose a workshop.",
            "invalid_choice": "Choose one of the finished workshops listed.",
        },
    )

    def __init__(self, *args, workshops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].choices = [("", "Choose a workshop")] + [
            (str(w.pk), w.title) for w in workshops
        ]
        self.workshops = {w.pk: w for w in workshops}
