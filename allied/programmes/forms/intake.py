"""The intake's forms, one per step. The pages and the JSON API validate with the same forms,
so a value the page would refuse is refused by the API too.

Every field is optional unless a save without it would leave the stored answers inconsistent
(a preference without how strongly it matters, two personality statements answered by
halves): people save as they go, and a section shows "In progress" until the bits matching
needs are there (see `allied.programmes.actions.intake.section_state`).
"""

from __future__ import annotations

import math
import re

from django import forms

from allied.core.matching import vocabulary as v
from allied.core.matching.model import Preference
from allied.programmes import wording
from allied.programmes.models import (
    IntakeQuestion,
    Participant,
    RaceComfort,
    RaceConversation,
    RaisedBy,
    SpecialCategory,
)

TEXT_MAX = 2000
LIST_MAX_ITEMS = 20
LIST_ITEM_MAX = 60

LIKERT = [
    ("1", "Strongly disagree"),
    ("2", "Disagree"),
    ("3", "Neither agree nor disagree"),
    ("4", "Agree"),
    ("5", "Strongly agree"),
]

# Two statements per scale, the second reversed, so that agreeing with everything does not
# read as a high score on both (the usual short-form personality design).
SCALES = {
    "openness": (
        "I enjoy trying new ways of doing things at work.",
        "I prefer to keep to the way things have always been done.",
    ),
    "conscientiousness": (
        "I plan my work and see it through.",
        "I often leave tasks unfinished.",
    ),
}

# The surface characteristics a person states a preference about, in the order asked.
PREFERENCE_ORDER = (
    "profession",
    "band",
    "work_setting",
    "region",
    "gender",
    "ethnic_group",
    "languages",
    "meeting_mode",
)

STRENGTH_CHOICES = [
    ("essential", "Essential: only match me with someone who meets this"),
    ("important", "Important: count it strongly, but I can be matched without it"),
    ("nice_to_have", "Nice to have"),
]


def _select(choices: v.Choices, blank: str = "Choose one") -> list:
    return [("", blank), *choices]


def _grouped(*groups: tuple[str, v.Choices], blank: str = "Choose one") -> list:
    """Choices in <optgroup>s, so a long list is easier to scan."""
    return [("", blank), *((name, list(choices)) for name, choices in groups)]


def _split_list(raw: str) -> list[str]:
    """Returns the distinct items of a semicolon- or comma-separated list, in order."""
    out: list[str] = []
    for item in re.split(r"[;,\n]", raw or ""):
        item = " ".join(item.split())
        if item and item.lower() not in (x.lower() for x in out):
            out.append(item)
    return out


class ListField(forms.CharField):
    """Free text typed as a list ("running; research, teaching"), cleaned to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "; ".join(value)
        return value

    def clean(self, value):
        items = _split_list(super().clean(value))
        if len(items) > LIST_MAX_ITEMS:
            raise forms.ValidationError(f"Enter {LIST_MAX_ITEMS} items or fewer")
        for item in items:
            if len(item) > LIST_ITEM_MAX:
                raise forms.ValidationError(
                    f"Each item must be {LIST_ITEM_MAX} characters or fewer"
                )
        return items


def _text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _checkboxes(label: str, choices: v.Choices, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the options shown"},
    )


def _radios(label: str, choices, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the options shown"},
    )


def profession_label(code: str) -> str:
    return v.label(v.PROFESSIONS, code) if code else ""


def profession_noun(code: str) -> str:
    """Returns "an occupational therapist" for a profession code, or "" for none (or for a
    catch-all such as "other profession", which would read badly as "an other")."""
    if not code or code in ("other_profession", "manager", "academic"):
        return ""
    label = v.label(v.PROFESSIONS, code)
    label = label.split(" (")[0]
    label = label[0].lower() + label[1:]
    return ("an " if label[0] in "aeiou" else "a ") + label


class StepForm(forms.Form):
    """A step's form: built for one place (its side and own answers), cleans to the fields
    to store on the `Participant`."""

    def __init__(self, data=None, *, place: Participant, **kwargs):
        self.place = place
        kwargs.setdefault("initial", self.initial_for(place))
        super().__init__(data, **kwargs)

    @classmethod
    def initial_for(cls, place: Participant) -> dict:
        return {name: getattr(place, name) for name in cls.base_fields if hasattr(place, name)}

    def changes(self) -> dict:
        """The `Participant` fields to store, from `cleaned_data`."""
        return dict(self.cleaned_data)


class AboutForm(StepForm):
    profession = forms.ChoiceField(
        label="Your profession",
        required=False,
        choices=_grouped(
            ("Allied health professions", v.ALLIED_HEALTH_PROFESSIONS),
            ("Other health and care professions", v.OTHER_HEALTH_AND_CARE_PROFESSIONS),
        ),
        error_messages={"invalid_choice": "Choose your profession from the list"},
    )
    band = forms.ChoiceField(
        label="Your band or career stage",
        help_text="Your Agenda for Change band, or your career stage if you are not on "
        "Agenda for Change.",
        required=False,
        choices=_grouped(
            ("Agenda for Change bands", v.AGENDA_FOR_CHANGE_BANDS),
            ("Career stages", v.CAREER_STAGES),
        ),
        error_messages={"invalid_choice": "Choose your band or career stage from the list"},
    )
    work_setting = forms.ChoiceField(
        label="Where you work",
        required=False,
        choices=_select(v.WORK_SETTINGS),
        error_messages={"invalid_choice": "Choose where you work from the list"},
    )
    region = forms.ChoiceField(
        label="Your region",
        required=False,
        choices=_select(v.REGIONS),
        error_messages={"invalid_choice": "Choose your region from the list"},
    )
    career_goals = _checkboxes(
        "Your career goals", v.CAREER_GOALS, "Choose any that apply to you now."
    )
    interests = ListField(
        label="Your professional interests",
        help_text="Separate them with semicolons or commas, for example: stroke "
        "rehabilitation; research; teaching.",
    )
    languages = ListField(
        label="Languages you speak",
        help_text="Separate them with commas, for example: English, Yoruba.",
        max_length=500,
    )
    meeting_mode = _radios("How you would like to meet", v.MEETING_MODES)
    availability = _checkboxes(
        "When you are usually free to meet", v.AVAILABILITY, "Choose all that apply."
    )
    team = forms.CharField(
        label="Your team (optional)",
        help_text="We use this only so that you are not matched with someone in your own team.",
        required=False,
        max_length=120,
    )
    line_manager_email = forms.EmailField(
        label="Your line manager's email address (optional)",
        help_text="We use this only to avoid matching you with your line manager. We do not "
        "contact them.",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )

    def changes(self) -> dict:
        out = dict(self.cleaned_data)
        out["meeting_mode"] = out["meeting_mode"] or "either"
        out["line_manager_email"] = out["line_manager_email"].lower()
        return out


class YouForm(StepForm):
    values = _checkboxes(
        "What matters most to you at work",
        v.VALUES,
        "Choose up to 5. People who share values tend to build a good mentoring relationship.",
    )
    working_style = _checkboxes("How you like to work", v.WORKING_STYLES, "Choose up to 3.")
    openness_1 = _radios(SCALES["openness"][0], LIKERT)
    openness_2 = _radios(SCALES["openness"][1], LIKERT)
    conscientiousness_1 = _radios(SCALES["conscientiousness"][0], LIKERT)
    conscientiousness_2 = _radios(SCALES["conscientiousness"][1], LIKERT)

    @classmethod
    def initial_for(cls, place: Participant) -> dict:
        """Stored are the scale means only, so the statements are shown as a pair of answers
        with the same mean: saving without a change keeps the mean as it was."""
        initial = {"values": place.values, "working_style": place.working_style}
        for scale in SCALES:
            mean = getattr(place, scale)
            if mean is None:
                continue
            mean = min(5.0, max(1.0, round(mean * 2) / 2))
            initial[f"{scale}_1"] = str(math.ceil(mean))
            initial[f"{scale}_2"] = str(6 - math.floor(mean))
        return initial

    def clean_values(self):
        chosen = self.cleaned_data["values"]
        if len(chosen) > 5:
            raise forms.ValidationError("Choose up to 5 values")
        return chosen

    def clean_working_style(self):
        chosen = self.cleaned_data["working_style"]
        if len(chosen) > 3:
            raise forms.ValidationError("Choose up to 3 ways of working")
        return chosen

    def clean(self):
        cleaned = super().clean()
        for scale in SCALES:
            first, second = cleaned.get(f"{scale}_1"), cleaned.get(f"{scale}_2")
            if bool(first) != bool(second):
                missing = f"{scale}_2" if first else f"{scale}_1"
                self.add_error(missing, "Answer both statements in this pair, or neither")
        return cleaned

    def changes(self) -> dict:
        out = {
            "values": self.cleaned_data["values"],
            "working_style": self.cleaned_data["working_style"],
        }
        for scale in SCALES:
            first, second = self.cleaned_data[f"{scale}_1"], self.cleaned_data[f"{scale}_2"]
            # The second statement is reversed: strongly disagreeing with it scores 5.
            out[scale] = (int(first) + 6 - int(second)) / 2 if first and second else None
        return out


class NeedsForm(StepForm):
    """A mentee's developmental needs under the four questions of the programme's model:
    topics the engine compares with mentors' offers, and their own words for the first
    conversation. The words come from the model (`allied.programmes.wording`); the fields and
    stored codes are always the four of `vocabulary.NEEDS_QUESTIONS`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = self.place.cohort.programme.mentoring_model()
        self.groups = []
        for words in wording.needs_step(self.model):
            code = words.code
            self.fields[f"needs_{code}"] = _checkboxes(
                words.topics_label, v.SUPPORT_TOPICS, words.topics_hint
            )
            self.fields[f"text_{code}"] = _text(words.words_label)
            self.groups.append((words.heading, [self[f"needs_{code}"], self[f"text_{code}"]]))

    @classmethod
    def initial_for(cls, place: Participant) -> dict:
        initial = {}
        for code in wording.NEEDS_CODES:
            initial[f"needs_{code}"] = getattr(place, f"needs_{code}")
            initial[f"text_{code}"] = (place.needs_text or {}).get(code, "")
        return initial

    def changes(self) -> dict:
        out = {f"needs_{code}": self.cleaned_data[f"needs_{code}"] for code in wording.NEEDS_CODES}
        out["needs_text"] = {
            code: self.cleaned_data[f"text_{code}"].strip()
            for code in wording.NEEDS_CODES
            if self.cleaned_data[f"text_{code}"].strip()
        }
        return out

    def summary(self) -> str:
        """Returns the sentence that introduces the model to the mentee."""
        return wording.model_summary(self.model)


class OfferForm(StepForm):
    offers = _checkboxes(
        "What you can help mentees with",
        v.SUPPORT_TOPICS,
        "Choose all that apply. We compare these with what mentees say they need.",
    )
    offer_text = _text("In your own words (optional)")
    capacity = forms.IntegerField(
        label="How many mentees can you take on in this cohort?",
        help_text="From 0 to 10. Choose 0 if you cannot take anyone on at the moment.",
        min_value=0,
        max_value=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"}),
        error_messages={
            "required": "Enter how many mentees you can take on, from 0 to 10",
            "invalid": "Enter a whole number from 0 to 10",
            "min_value": "Enter a whole number from 0 to 10",
            "max_value": "Enter a whole number from 0 to 10",
        },
    )


def kind_choices(attribute: str, side: str, place: Participant) -> tuple[str, list]:
    """Returns the question and its answers for one attribute, in the study's words."""
    other = "mentee" if side == "mentor" else "mentor"
    them = f"your {other}"
    if attribute == "profession":
        noun = profession_noun(place.profession)
        if noun:
            return (
                f"Would you like {them} to be {noun} like you, someone from another "
                "profession, or either?",
                [
                    ("same", f"{noun[0].upper()}{noun[1:]}, like me"),
                    ("different", "Someone from another profession"),
                    ("none", "Either"),
                ],
            )
        return (
            f"Would you like {them} to be from your profession, from another profession, or "
            "either?",
            [
                ("same", "From my profession"),
                ("different", "From another profession"),
                ("none", "Either"),
            ],
        )
    wording = {
        "band": "at the same band or career stage as you",
        "work_setting": "working in the same setting as you",
        "region": "in the same region as you",
        "gender": "the same gender as you",
        "ethnic_group": "from the same ethnic group as you",
        "languages": "someone who speaks a language you speak",
        "meeting_mode": "someone who prefers to meet the same way as you",
    }[attribute]
    if attribute == "languages":
        return f"Would you like {them} to be {wording}?", [
            ("same", "Yes, someone who speaks a language I speak"),
            ("different", "No, someone who speaks other languages"),
            ("none", "No preference"),
        ]
    if attribute == "meeting_mode":
        return f"Would you like {them} to be {wording}?", [
            ("same", "Yes, someone who prefers to meet as I do"),
            ("different", "No, someone who prefers a different way"),
            ("none", "No preference"),
        ]
    question = f"Would you like {them} to be {wording}, different from you, or either?"
    return question, [
        ("same", "The same as me"),
        ("different", "Different from me"),
        ("none", "No preference"),
    ]


PREFERENCE_HINTS = {
    "profession": "Choosing \u201ceither\u201d keeps the most people open to you.",
    "gender": "This counts only with people who agreed to their answers being used in "
    "matching; with anyone else it is treated as not known.",
    "ethnic_group": "This counts only with people who agreed to their ethnic group being used "
    "in matching; with anyone else it is treated as not known. Nobody is ever told another "
    "person's ethnic group.",
}


class PreferencesForm(StepForm):
    """For each surface characteristic: same, different or no preference, and how strongly.
    A stored "one of these" preference (from a spreadsheet import) is kept as an option."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        place = self.place
        stored = place.preferences or {}
        self.groups = []
        for attribute in PREFERENCE_ORDER:
            question, kinds = kind_choices(attribute, place.side, place)
            current = stored.get(attribute) if isinstance(stored.get(attribute), dict) else {}
            if current.get("kind") == "one_of" and current.get("values"):
                vocabulary = v.ATTRIBUTE_VOCABULARIES.get(attribute, ())
                names = ", ".join(v.label(vocabulary, x) for x in current["values"])
                kinds.insert(2, ("one_of", f"One of these: {names}"))
            self.fields[f"{attribute}_kind"] = _radios(
                question, kinds, PREFERENCE_HINTS.get(attribute, "")
            )
            self.fields[f"{attribute}_strength"] = _radios(
                f"How much does this matter to you? ({v.label(v.PREFERENCE_ATTRIBUTES, attribute)})",
                STRENGTH_CHOICES,
            )
            self.groups.append(
                (
                    v.label(v.PREFERENCE_ATTRIBUTES, attribute),
                    [self[f"{attribute}_kind"], self[f"{attribute}_strength"]],
                )
            )

    @classmethod
    def initial_for(cls, place: Participant) -> dict:
        initial = {}
        for attribute, stated in (place.preferences or {}).items():
            if isinstance(stated, dict):
                initial[f"{attribute}_kind"] = stated.get("kind", "")
                initial[f"{attribute}_strength"] = stated.get("strength", "")
        return initial

    def clean(self):
        cleaned = super().clean()
        stored = self.place.preferences or {}
        self.preferences = {
            key: value
            for key, value in stored.items()
            if key not in PREFERENCE_ORDER and key in v.codes(v.PREFERENCE_ATTRIBUTES)
        }
        for attribute in PREFERENCE_ORDER:
            kind = cleaned.get(f"{attribute}_kind")
            strength = cleaned.get(f"{attribute}_strength") or ""
            if not kind:
                continue
            if kind == "none":
                strength = ""
            elif not strength:
                self.add_error(
                    f"{attribute}_strength",
                    "Choose how much this matters: essential, important or nice to have",
                )
                continue
            values = frozenset()
            if kind == "one_of":
                values = frozenset((stored.get(attribute) or {}).get("values") or ())
            try:
                Preference(
                    attribute=attribute,
                    kind=kind,
                    strength=strength or "important",
                    values=values,
                )
            except ValueError:
                self.add_error(f"{attribute}_kind", "Choose one of the options shown")
                continue
            entry = {"kind": kind, "strength": strength}
            if values:
                entry["values"] = sorted(values)
            self.preferences[attribute] = entry
        return cleaned

    def changes(self) -> dict:
        return {"preferences": self.preferences}


def _ethnic_choices() -> list:
    """The ONS 2021 groups as <optgroup>s named by the broad group, each option its own
    category, and "Prefer not to say" on its own."""
    groups: dict[str, list] = {}
    for code, label in v.ETHNIC_GROUPS:
        if code == v.PREFER_NOT_TO_SAY:
            continue
        broad, _, own = label.partition(": ")
        groups.setdefault(broad, []).append((code, own))
    return [
        ("", "Not answered"),
        *groups.items(),
        (v.PREFER_NOT_TO_SAY, "Prefer not to say"),
    ]


class EqualityForm(forms.Form):
    """Ethnicity and gender, every question optional, with the two separate consents.

    Answers (other than "prefer not to say") are kept only with consent to equality
    monitoring: without it the form refuses with an error, rather than storing nothing
    silently, so that nobody believes they told us something we then threw away. Matching
    consent is a second, separate agreement on top of it."""

    ethnic_group = forms.ChoiceField(
        label="Your ethnic group (optional)",
        help_text="The categories of the 2021 census for England and Wales.",
        required=False,
        choices=_ethnic_choices(),
        error_messages={"invalid_choice": "Choose your ethnic group from the list"},
    )
    ethnicity_self_description = forms.CharField(
        label="Describe your ethnicity in your own words (optional)",
        required=False,
        max_length=200,
    )
    gender = _radios("Your gender (optional)", v.GENDERS)
    monitoring_consent = forms.BooleanField(
        label="I agree that my answers can be kept and used, only as counts, for equality "
        "monitoring",
        required=False,
    )
    matching_consent = forms.BooleanField(
        label="I also agree that my ethnic group can be used in matching",
        help_text="Separate from equality monitoring. Without it, your ethnic group is never "
        "used to choose who you are matched with.",
        required=False,
    )
    gender_matching_consent = forms.BooleanField(
        label="I also agree that my gender can be used in matching",
        help_text="Separate from the one above. Without it, your gender is never used to "
        "choose who you are matched with.",
        required=False,
    )

    FIELDS = (
        "ethnic_group",
        "ethnicity_self_description",
        "gender",
        "monitoring_consent",
        "matching_consent",
        "gender_matching_consent",
    )

    def __init__(self, data=None, *, place: Participant, answers: SpecialCategory, **kwargs):
        self.place = place
        kwargs.setdefault("initial", {f: getattr(answers, f) for f in self.FIELDS})
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        told = [
            cleaned.get("ethnic_group") not in ("", v.PREFER_NOT_TO_SAY, None),
            bool((cleaned.get("ethnicity_self_description") or "").strip()),
            cleaned.get("gender") not in ("", v.PREFER_NOT_TO_SAY, None),
        ]
        if cleaned.get("monitoring_consent"):
            return cleaned
        if cleaned.get("matching_consent") or cleaned.get("gender_matching_consent"):
            self.add_error(
                "monitoring_consent",
                "To agree to matching, also agree to equality monitoring: we keep your "
                "answers only with that agreement",
            )
        elif any(told):
            self.add_error(
                "monitoring_consent",
                "To keep your answers, agree to equality monitoring. If you do not want to, "
                "leave the questions blank or choose \u201cPrefer not to say\u201d",
            )
        return cleaned

    def changes(self) -> dict:
        out = {f: self.cleaned_data[f] for f in self.FIELDS}
        out["ethnicity_self_description"] = out["ethnicity_self_description"].strip()
        return out


class MenteeRaceForm(StepForm):
    race_conversation = _radios(
        "Would you like race and racism to be part of your mentoring?",
        RaceConversation.choices,
    )
    race_raised_by = _radios("Who should raise it?", RaisedBy.choices)
    race_note = _text(
        "Anything else you would like your mentor to know about this (optional)",
        "Your mentor sees this before your first conversation.",
    )


class MentorRaceForm(StepForm):
    race_comfort = _radios(
        "How comfortable and prepared are you to talk about race and racism with a mentee?",
        RaceComfort.choices,
    )
    race_note = _text(
        "Anything else you would like to say about this (optional)",
        "For example, what support would help you. Your coordinator sees this.",
    )


class ExtraForm(StepForm):
    """The programme's own questions for this side; required ones must be answered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = extra_questions(self.place)
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = forms.CharField(
                label=question.text if question.required else f"{question.text} (optional)",
                help_text=question.hint,
                required=question.required,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": f"Answer \u201c{question.text[:80]}\u201d"},
            )

    @classmethod
    def initial_for(cls, place: Participant) -> dict:
        return {f"q_{key}": value for key, value in (place.extra_answers or {}).items()}

    def changes(self) -> dict:
        answers = {str(q.pk): self.cleaned_data[f"q_{q.pk}"].strip() for q in self.questions}
        # Answers to questions for the other side (none, normally) are kept as they were.
        return {"extra_answers": {**(self.place.extra_answers or {}), **answers}}


def extra_questions(place: Participant) -> list[IntakeQuestion]:
    return list(
        IntakeQuestion.objects.filter(
            programme_id=place.cohort.programme_id,
            audience__in=(IntakeQuestion.Audience.BOTH, place.side),
        )
    )


def form_class(step: str, place: Participant):
    """Returns the form for a step on the person's side, or None for no such step."""
    table = {
        "about": AboutForm,
        "you": YouForm,
        "preferences": PreferencesForm,
        "equality": EqualityForm,
        "extra": ExtraForm,
    }
    if place.is_mentor:
        table.update({"offer": OfferForm, "race": MentorRaceForm})
    else:
        table.update({"needs": NeedsForm, "race": MenteeRaceForm})
    return table.get(step)
