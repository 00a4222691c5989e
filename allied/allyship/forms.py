"""Forms for reflections, sharing, training modules and completing one."""

from __future__ import annotations

from django import forms

from allied.core import allyship as model
from allied.core.model import STUDY_MODEL
from allied.programmes import wording

TEXT_MAX = 5000


class ReflectionForm(forms.Form):
    """A rating (1 to 5) and optional words for every quality, then overall words. Fields are
    named rating_<code> and text_<code>; `qualities()` groups them for the page."""

    overall = forms.CharField(
        label="Overall: what are you proud of, and what will you work on next?",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, mentoring_model=None, **kwargs):
        """`mentoring_model` names and describes the qualities in its words (None: the
        study's); the qualities rated, and their codes, are always those of
        `allied.core.allyship.QUALITIES`."""
        super().__init__(*args, **kwargs)
        self.words = wording.reflection(mentoring_model or STUDY_MODEL)
        overall = self.fields.pop("overall")
        for quality in self.words["qualities"]:
            self.fields[f"rating_{quality.code}"] = forms.TypedChoiceField(
                label=f"{quality.name}: how often do you do this?",
                help_text=quality.description,
                choices=[(str(n), model.RATING_LABELS[n]) for n in model.RATINGS],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate yourself on {quality.name.lower()}"},
            )
            self.fields[f"text_{quality.code}"] = forms.CharField(
                label=f"{quality.name}: an example, or what you would like to do differently "
                "(optional)",
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["overall"] = overall

    def qualities(self):
        """Yields (quality, rating field, text field) in the model's order."""
        for quality in self.words["qualities"]:
            yield quality, self[f"rating_{quality.code}"], self[f"text_{quality.code}"]


class ShareForm(forms.Form):
    programme = forms.TypedChoiceField(
        label="Share with the coordinators of", coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(str(p.pk), p.name) for p in programmes]
        self.programmes = {p.pk: p for p in programmes}

    def clean_programme(self):
        chosen = self.cleaned_data["programme"]
        if chosen not in self.programmes:
            raise forms.ValidationError("Choose a programme you take part in.")
        return self.programmes[chosen]


class ModuleForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    content = forms.CharField(
        label="Content",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Plain text. Leave a blank line between paragraphs; start a line with “- ” "
        "for a bullet point.",
    )
    order = forms.IntegerField(
        label="Position in the list",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lower numbers come first.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
        error_messages={"invalid": "Enter the position as a whole number, like 2"},
    )
    required = forms.BooleanField(
        label="Mentors must complete this module to count as allyship trained",
        required=False,
        initial=True,
    )
    reflection_prompt = forms.CharField(
        label="A question for mentors to reflect on (optional)",
        max_length=300,
        required=False,
    )


class CompleteForm(forms.Form):
    reflection = forms.CharField(
        label="Your reflection (optional)",
        help_text="Only you will see this. Your coordinator sees that you completed the module, "
        "not what you wrote.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
