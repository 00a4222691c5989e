"""Forms for setting up a programme, and the reading of a bulk-import spreadsheet.

Every message says what to do, in the NHS.UK style ("Enter ...", "Choose ..."). Numbers are
bounded so no input can reach the database as a value it would refuse.
"""

from __future__ import annotations

import tempfile
from dataclasses import fields as dataclass_fields
from pathlib import Path, PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from allied.consensus import catalogue
from allied.consensus.models import PublishedModel
from allied.core.matching.model import Rules, Weights
from allied.core.matching.rows import (
    MENTEE_COLUMNS,
    MENTOR_COLUMNS,
    config_from_mapping,
    mentees_from_rows,
    mentors_from_rows,
)
from allied.core.spreadsheets import InputError, read_sheet
from allied.programmes.actions import model as model_actions
from allied.programmes.actions.setup import OTHER_ORGANISATION, ImportRow
from allied.programmes.models import Cohort, IntakeQuestion, MatchingMode, Side


def whole_number(label: str, low: int, high: int, *, what: str, help_text: str = ""):
    """Returns an integer field from `low` to `high` whose messages name `what` plainly."""
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a whole number",
            "min_value": f"{what[0].upper()}{what[1:]} must be {low} or more",
            "max_value": f"{what[0].upper()}{what[1:]} must be {high} or less",
        },
    )


# Programmes ------------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the programme's name"}
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        help_text="What the programme is for. Mentors and mentees see this.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    relationship_months = whole_number(
        "How long a mentoring relationship lasts, in months",
        1,
        60,
        what="the length of a relationship in months",
    )
    meeting_every_weeks = whole_number(
        "How often mentors and mentees meet, in weeks",
        1,
        52,
        what="how often they meet, in weeks",
        help_text="For example, 4 for about once a month",
    )
    matching_mode = forms.ChoiceField(
        label="How mentees are matched",
        choices=MatchingMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how mentees are matched",
            "invalid_choice": "Choose one of the ways listed",
        },
    )
    shortlist_size = whole_number(
        "How many mentors each mentee is shown",
        1,
        10,
        what="the number of mentors each mentee is shown",
        help_text="Used when mentees choose from a shortlist",
    )
    require_allyship_training = forms.BooleanField(
        label="Mentors must have completed allyship training before they can be matched",
        required=False,
        help_text=(
            "The training itself arrives with the circles and allyship work. Until then, the "
            "coordinator marks a mentor as trained on the cohort page."
        ),
    )

    def __init__(self, *args, organisation=None, locked: bool = False, **kwargs):
        """With `organisation`, the form also asks for the mentoring model, from the study's
        and the organisation's published versions (the API's form, without it, leaves the
        study's). `locked` shows the model without letting it change (people have joined)."""
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if organisation is None:
            return
        field = forms.ChoiceField(
            label="Mentoring model",
            choices=catalogue.choices(organisation),
            initial=catalogue.STUDY,
            required=False,
            widget=forms.RadioSelect,
            help_text=(
                "The programme's intake, agreement, meeting prompts, reviews and allyship "
                "reflections use its questions and domains. A model built from your "
                "workshops appears here once it is published."
            ),
            error_messages={"invalid_choice": "Choose one of the models listed"},
        )
        if locked:
            field.disabled = True
            field.help_text = (
                "People have joined the programme's cohorts, so its model can no longer change."
            )
        self.fields["model"] = field
        # The model's key when the form was made: a change since is refused, not undone.
        self.fields["model_was"] = forms.CharField(
            required=False, max_length=20, widget=forms.HiddenInput
        )
        order = list(self.fields)
        order.remove("model")
        order.insert(order.index("description") + 1, "model")
        self.order_fields(order)

    def clean_model(self):
        """Returns the chosen `PublishedModel`, or None for the study's model. Sent without
        a choice (an older page or script), the model stays as it is (the study's when new)."""
        key = self.cleaned_data["model"] or self.initial.get("model") or catalogue.STUDY
        if key == catalogue.STUDY:
            return None
        found = PublishedModel.objects.filter(organisation=self.organisation, pk=int(key)).first()
        if found is None:
            raise ValidationError("Choose one of the models listed")
        problem = model_actions.unstorable_problem(found)
        if problem:
            raise ValidationError(problem)
        return found

    def clean_model_was(self):
        return self.cleaned_data.get("model_was") or None

    def model_field(self):
        return self["model"]


SETTING_LABELS = {
    "mentor_higher_band": "The mentor must be at a higher band or career stage than the mentee",
    "mentor_allyship_trained": "The mentor must have completed allyship training",
    "exclude_same_team": "Never match people in the same team",
    "compatible_meeting_mode": "Only match people who can meet the same way (online or in person)",
    "shared_availability": "Only match people who share a time they are available",
    "important": "A met important preference",
    "nice_to_have": "A met nice-to-have preference",
    "deep_level": "Deep-level similarity (values, working style, interests, personality)",
    "needs": "How well the mentor's offer meets the mentee's needs",
    "need": "Within needs: What I need",
    "require": "Within needs: What I require",
    "help": "Within needs: What can help me",
    "support": "Within needs: What can support me",
    "values_and_style": "Within deep-level: values and working style",
    "interests_and_goals": "Within deep-level: interests and career goals",
    "personality": "Within deep-level: personality",
}
# The programme's own allyship setting stands for this rule (see `engine.config_for`).
RULES = tuple(f.name for f in dataclass_fields(Rules) if f.name != "mentor_allyship_trained")
WEIGHTS = tuple(f.name for f in dataclass_fields(Weights))
DEFAULT_RULES, DEFAULT_WEIGHTS = Rules(), Weights()


def _points(value: float) -> str:
    return f"{value:g}"


class ProgrammeSettingsForm(ProgrammeForm):
    """The programme, its matching rules and weights, and its coordinators. The rules and
    weights are stored as `config_from_mapping` reads them and checked by it."""

    coordinators = forms.ModelMultipleChoiceField(
        label="Coordinators",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "People with the coordinator role in the organisation. Organisation admins can "
            "always run the programme."
        ),
        error_messages={"invalid_choice": "Choose coordinators from the list"},
    )
    # `actions.setup.settings_fingerprint` of the settings this form was built from, so that
    # saving a form opened before someone else's change cannot silently undo it.
    fingerprint = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, coordinator_choices, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["coordinators"]
        field.queryset = coordinator_choices
        field.label_from_instance = lambda user: f"{user.full_name} ({user.email})"
        for name in RULES:
            self.fields[f"rule_{name}"] = forms.BooleanField(
                label=SETTING_LABELS.get(name, name.replace("_", " ").capitalize()),
                required=False,
                help_text=f"Default: {'on' if getattr(DEFAULT_RULES, name) else 'off'}",
            )
        for name in WEIGHTS:
            self.fields[f"weight_{name}"] = forms.DecimalField(
                label=SETTING_LABELS.get(name, name.replace("_", " ").capitalize()),
                min_value=0,
                max_value=100,
                max_digits=6,
                decimal_places=2,
                help_text=f"Points. Default: {_points(getattr(DEFAULT_WEIGHTS, name))}",
                widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "step": "any"}),
                error_messages={
                    "required": "Enter a number of points, 0 or more",
                    "invalid": "Enter the points as a number, like 2 or 1.5",
                    "min_value": "Points must be 0 or more",
                    "max_value": "Points must be 100 or less",
                    "max_digits": "Enter the points as a number up to 100",
                    "max_decimal_places": "Enter the points with up to 2 decimal places",
                    "max_whole_digits": "Points must be 100 or less",
                },
            )

    @staticmethod
    def initial_for(programme, coordinators) -> dict:
        """Returns the form's starting values: the programme's, and for the matching
        settings the stored ones over the engine's defaults."""
        stored = programme.matching_settings or {}
        initial = {name: getattr(programme, name) for name in ProgrammeForm.base_fields}
        initial["model"] = initial["model_was"] = model_actions.model_key(programme)
        initial["coordinators"] = list(coordinators)
        for name in RULES:
            initial[f"rule_{name}"] = stored.get("rules", {}).get(
                name, getattr(DEFAULT_RULES, name)
            )
        for name in WEIGHTS:
            initial[f"weight_{name}"] = _points(
                float(stored.get("weights", {}).get(name, getattr(DEFAULT_WEIGHTS, name)))
            )
        return initial

    def rule_fields(self):
        return [self[f"rule_{name}"] for name in RULES]

    def weight_fields(self):
        return [self[f"weight_{name}"] for name in WEIGHTS]

    def programme_fields(self):
        return [self[name] for name in ProgrammeForm.base_fields]

    def clean(self):
        cleaned = super().clean()
        if any(f"weight_{name}" not in cleaned for name in WEIGHTS):
            return cleaned
        settings = {
            "weights": {name: float(cleaned[f"weight_{name}"]) for name in WEIGHTS},
            "rules": {name: bool(cleaned.get(f"rule_{name}")) for name in RULES},
        }
        _, problems = config_from_mapping(settings)
        for problem in problems:
            self.add_error(None, f"The matching settings are not valid: {problem}")
        cleaned["matching_settings"] = settings
        return cleaned

    def programme_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ProgrammeForm.base_fields}


# Intake questions ------------------------------------------------------------------------


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=300,
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 300 characters or fewer",
        },
    )
    hint = forms.CharField(
        label="Hint",
        required=False,
        max_length=300,
        help_text="Optional: a short explanation shown under the question",
        error_messages={"max_length": "The hint must be 300 characters or fewer"},
    )
    audience = forms.ChoiceField(
        label="Who is asked",
        choices=IntakeQuestion.Audience.choices,
        initial=IntakeQuestion.Audience.BOTH,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who is asked",
            "invalid_choice": "Choose who is asked from the list",
        },
    )
    required = forms.BooleanField(label="People must answer this question", required=False)


# Cohorts ---------------------------------------------------------------------------------

DATE_MESSAGES = {"invalid": "Enter a real date, like 2026-09-01"}


class CohortForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, Autumn 2026",
        error_messages={"required": "Enter the cohort's name"},
    )
    starts_on = forms.DateField(
        label="Start date",
        help_text="For example, 2026-09-01",
        widget=forms.DateInput(attrs={"type": "date", "class": "nhsuk-input--width-10"}),
        error_messages={"required": "Enter the start date", **DATE_MESSAGES},
    )
    ends_on = forms.DateField(
        label="End date",
        help_text="For example, 2027-08-31",
        widget=forms.DateInput(attrs={"type": "date", "class": "nhsuk-input--width-10"}),
        error_messages={"required": "Enter the end date", **DATE_MESSAGES},
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", "The end date must be after the start date")
        return cleaned


class CohortStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Move the cohort to",
        choices=Cohort.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where to move the cohort",
            "invalid_choice": "Choose a status from the list",
        },
    )


class AddPeopleForm(forms.Form):
    """Members with the mentor or mentee role who do not yet hold that place in the cohort.
    Each choice is a person and a side, so the side always matches the person's role."""

    people = forms.MultipleChoiceField(
        label="Choose people to add",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one person to add",
            "invalid_choice": "Choose people from the list",
        },
    )

    def __init__(self, *args, candidates: list[tuple[object, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {f"{user.pk}:{side}": (user, side) for user, side in candidates}
        self.fields["people"].choices = [
            (key, f"{user.full_name or user.email} as a {side}")
            for key, (user, side) in self.candidates.items()
        ]

    def chosen(self) -> list[tuple[object, str]]:
        return [self.candidates[key] for key in self.cleaned_data["people"]]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    side = forms.ChoiceField(
        label="They take part as",
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether they take part as a mentor or a mentee",
            "invalid_choice": "Choose mentor or mentee",
        },
    )


class TrainedForm(forms.Form):
    trained = forms.TypedChoiceField(
        choices=[("yes", "Trained"), ("no", "Not trained")],
        coerce=lambda value: value == "yes",
        error_messages={
            "required": "Say whether the mentor has completed allyship training",
            "invalid_choice": "Say whether the mentor has completed allyship training",
        },
    )


# Bulk import ----------------------------------------------------------------------------

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 2000
IMPORT_TYPES = {".csv", ".xlsx", ".xlsm"}
EXTRA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("email", "Required. The person's email address: their account on Allied."),
    ("side", "Required. mentor or mentee."),
)
SPECIAL_COLUMNS = ("ethnic_group", "ethnicity_self_description", "gender")


def template_columns() -> list[str]:
    """Returns the import template's columns: email and side, then every column of the
    engine's mentee and mentor templates once, in their order."""
    out = [name for name, _ in EXTRA_COLUMNS]
    for name, _ in (*MENTEE_COLUMNS, *MENTOR_COLUMNS):
        if name not in out:
            out.append(name)
    return out


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a spreadsheet",
        help_text="A CSV (UTF-8) or XLSX file in the template's columns, up to 5 MB",
        error_messages={
            "required": "Choose a CSV or XLSX file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a CSV or XLSX file to upload",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in IMPORT_TYPES:
            raise ValidationError("The file must be a CSV or XLSX file")
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError("The file must be smaller than 5 MB")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                header, rows = read_sheet(path)
            except InputError as error:
                message = str(error).split(": ", 1)[-1]
                raise ValidationError(f"The file cannot be read: {message}") from None
        names = [_cell(cell).lower() for cell in header]
        table = []
        for number, cells in rows:
            row = {name: _cell(cell) for name, cell in zip(names, cells, strict=False) if name}
            if any(row.values()):
                table.append((number, row))
        if not table:
            raise ValidationError("The file has no rows of people under its header")
        if len(table) > IMPORT_MAX_ROWS:
            raise ValidationError(f"The file must have {IMPORT_MAX_ROWS} people or fewer")
        self.header = names
        return table


def _preferences(person) -> dict:
    return {
        p.attribute: {"kind": p.kind, "strength": p.strength, "values": sorted(p.values)}
        for p in person.preferences
    }


def _fields(person, side: str, line_manager_email: str) -> dict:
    """Returns the Participant fields for one of the engine's people, as plain JSON values."""
    out = {
        "profession": person.profession,
        "band": person.band,
        "work_setting": person.work_setting,
        "region": person.region,
        "career_goals": sorted(person.career_goals),
        "interests": sorted(person.interests),
        "languages": sorted(person.languages),
        "meeting_mode": person.meeting_mode or "either",
        "availability": sorted(person.availability),
        "team": person.team,
        "line_manager_email": line_manager_email,
        "values": sorted(person.values),
        "working_style": sorted(person.working_style),
        "openness": person.openness,
        "conscientiousness": person.conscientiousness,
        "preferences": _preferences(person),
    }
    if side == Side.MENTEE:
        out.update(
            needs_need=sorted(person.needs.need),
            needs_require=sorted(person.needs.require),
            needs_help=sorted(person.needs.help),
            needs_support=sorted(person.needs.support),
        )
    else:
        out.update(
            capacity=min(person.capacity, 100),
            offers=sorted(person.offers),
            allyship_trained=person.allyship_trained,
        )
    return out


def read_people(
    table,
    *,
    cohort,
    existing_emails: set[str],
    taken: set[tuple[str, str]],
    elsewhere: set[str] = frozenset(),
):
    """Returns (rows, problems, notes) for an uploaded table: every row validated by the
    engine's own readers, plus what an account needs (a real email, a name for a new
    account, a side) and what a place needs (not already in this cohort on that side).

    `existing_emails` are lower-cased emails of accounts already in this organisation;
    `elsewhere` those of accounts that hold no role in it, which an import may not take over
    (the coordinator invites them instead); `taken` holds (email, side) pairs already in the
    cohort. `notes` are things the import will not keep."""
    problems: list[str] = []
    notes: list[str] = []
    ids: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    checked = []
    for number, row in table:
        email = row.get("email", "").strip().lower()
        side = row.get("side", "").strip().lower()
        if not email:
            problems.append(f"row {number}, email: every row needs an email address")
        else:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"row {number}, email: {email!r} is not an email address")
                email = ""
        if side not in Side.values:
            problems.append(
                f"row {number}, side: {row.get('side', '')!r} should be mentor or mentee"
            )
            side = ""
        if email and side:
            if (email, side) in seen:
                problems.append(
                    f"row {number}, email: {email} is already a {side} on row {seen[(email, side)]}"
                )
            seen[(email, side)] = number
            if (email, side) in taken:
                problems.append(f"row {number}, email: {email} is already a {side} in this cohort")
        if email in elsewhere:
            problems.append(f"row {number}, email: {OTHER_ORGANISATION}")
        elif email and email not in existing_emails and not row.get("name", "").strip():
            problems.append(f"row {number}, name: a new account needs the person's name")
        if not row.get("id", "").strip():
            row = {**row, "id": email or f"row-{number}"}
        ids[row["id"]] = email
        if row.get("exclusions", "").strip():
            notes.append(
                f"row {number}: exclusions are not kept by the programme; line managers are "
                "always excluded"
            )
        checked.append((number, row, email, side))
    out = []
    for number, row, email, side in checked:
        if not side:
            continue
        reader = mentors_from_rows if side == Side.MENTOR else mentees_from_rows
        people, found = reader([row], first_row=number)
        problems.extend(found)
        manager = row.get("line_manager", "").strip()
        manager_email = ids.get(manager) or (manager.lower() if "@" in manager else "")
        if manager and not manager_email:
            problems.append(
                f"row {number}, line_manager: {manager!r} is not the id or email of anyone in "
                "this file"
            )
        if found or not people or not email:
            continue
        person = people[0]
        special = {}
        if any(row.get(name, "").strip() for name in SPECIAL_COLUMNS):
            special = {
                "ethnic_group": person.ethnic_group,
                "ethnicity_self_description": person.ethnicity_self_description[:200],
                "gender": person.gender,
                "monitoring_consent": True,
                "matching_consent": person.ethnicity_consent,
                "gender_matching_consent": person.gender_consent,
            }
        out.append(
            ImportRow(
                number=number,
                email=email,
                name=(row.get("name", "").strip() or email)[:150],
                side=side,
                fields=_fields(person, side, manager_email),
                special=special,
            )
        )
    problems.sort(key=_row_number)
    return out, problems, notes


def _row_number(problem: str) -> int:
    head = problem.split(",", 1)[0].removeprefix("row ")
    return int(head) if head.isdigit() else 0


class ImportConfirmForm(forms.Form):
    upload = forms.CharField(max_length=64, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label="These people agreed to their equality answers being recorded",
        required=False,
        help_text=(
            "The file gives ethnicity or gender for some people. Record them only if each "
            "person agreed: they are used in aggregated, suppressed equality monitoring and, "
            "in matching, only where the ethnicity_consent or gender_consent column says yes."
        ),
    )

    def __init__(self, *args, needs_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_consent = needs_consent
        if not needs_consent:
            del self.fields["consent"]
        else:
            self.fields["consent"].error_messages["required"] = (
                "Confirm that these people agreed to their equality answers being recorded"
            )

    def clean(self):
        cleaned = super().clean()
        if self.needs_consent and not cleaned.get("consent"):
            self.add_error(
                "consent",
                "Confirm that these people agreed to their equality answers being recorded",
            )
        return cleaned


def example_rows() -> list[dict]:
    """Returns one example mentee and one example mentor for the template."""
    return [
        {
            "email": "amina@example.nhs.uk",
            "side": "mentee",
            "name": "Amina Example",
            "profession": "Occupational therapist",
            "band": "Band 5",
            "work_setting": "NHS",
            "region": "London",
            "meeting_mode": "Either",
            "career_goals": "promotion",
            "prefer_profession": "no preference",
            "prefer_band": "one of: Band 7; Band 8a",
            "prefer_band_strength": "essential",
            "what_i_need": "career_direction",
            "what_can_help_me": "networking",
        },
        {
            "email": "bola@example.nhs.uk",
            "side": "mentor",
            "name": "Bola Example",
            "profession": "Physiotherapist",
            "band": "Band 8a",
            "work_setting": "NHS",
            "region": "London",
            "meeting_mode": "Online",
            "capacity": "2",
            "offers": "sponsorship; career_direction",
            "allyship_trained": "no",
        },
    ]
