from __future__ import annotations

from django import forms

from allied.workshops.models import Scheme, StaffRole, Workshop


def whole_number(
    label: str, low: int, high: int, *, what: str, initial: int | None = None, unit: str = ""
):
    """Returns an integer field from `low` to `high` whose messages name `what` plainly."""
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        initial=initial,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a whole number{unit}",
            "min_value": f"{what.capitalize()} must be {low} or more",
            "max_value": f"{what.capitalize()} must be {high} or less",
        },
    )


def k_field(initial: int | None = None):
    return whole_number(
        "How many ideas each person ranks (top-k)",
        1,
        20,
        what="the number of ideas each person ranks",
        initial=initial,
    )


def silent_minutes_field(initial: int | None = None):
    return whole_number(
        "Minutes for silent idea generation",
        1,
        60,
        what="the minutes for silent idea generation",
        initial=initial,
    )


class WorkshopBasicsForm(forms.Form):
    """What a workshop is about, shared by the creation and editing forms."""

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    purpose = forms.CharField(
        label="Purpose", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    briefing = forms.CharField(
        label="Briefing",
        required=False,
        max_length=20000,
        help_text="Shown to everyone during the introduction, such as a summary of earlier findings. Leave a blank line between paragraphs.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    date = forms.DateField(
        label="Date",
        required=False,
        help_text="For example, 2026-12-03",
        error_messages={"invalid": "Enter the date as a real date, like 2026-12-03"},
    )


class WorkshopForm(WorkshopBasicsForm):
    questions = forms.CharField(
        label="Questions",
        max_length=5000,
        help_text="One question on each line, in the order the group will take them",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter at least one question"},
    )
    scheme = forms.ChoiceField(
        label="How people vote",
        choices=Scheme.choices,
        initial=Scheme.TOP_K,
        widget=forms.RadioSelect,
    )
    k = k_field(initial=5)
    silent_minutes = silent_minutes_field(initial=5)

    def clean_questions(self) -> list[str]:
        lines = [
            line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()
        ]
        if not lines:
            raise forms.ValidationError("Enter at least one question")
        if any(len(line) > 500 for line in lines):
            raise forms.ValidationError("Each question must be 500 characters or fewer")
        if len(lines) > 20:
            raise forms.ValidationError("A workshop can have at most 20 questions")
        return lines


class ParticipantForm(forms.Form):
    real_name = forms.CharField(
        label="Name (seen only by the lead facilitator and organisation admin)",
        required=False,
        max_length=150,
    )
    email = forms.EmailField(
        label="Email address (optional: we will send them a personal link)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk"
        },
    )


class StaffForm(forms.Form):
    email = forms.EmailField(
        label="Email address of someone in your organisation",
        max_length=254,
        error_messages={"required": "Enter their email address"},
    )
    role = forms.ChoiceField(
        label="Role in the workshop",
        choices=[(r.value, r.label) for r in StaffRole if r != StaffRole.LEAD],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role"},
    )


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=12,
        help_text="The 8-character code your facilitator gave you",
        error_messages={"required": "Enter the join code"},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper().replace(" ", "").replace("-", "")


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label="I have read the statement above and agree to take part",
        error_messages={
            "required": "Confirm that you agree to take part, or close this page if you do not"
        },
    )


AGE_RANGES = [
    ("", "Prefer not to say"),
    ("18-29", "18 to 29"),
    ("30-39", "30 to 39"),
    ("40-49", "40 to 49"),
    ("50-59", "50 to 59"),
    ("60+", "60 or over"),
]


class CharacteristicsForm(forms.Form):
    """Every item can be skipped; answers are counted for a paper's methods section only."""

    profession = forms.CharField(label="Your profession", required=False, max_length=60)
    setting = forms.ChoiceField(
        label="Where you work",
        required=False,
        choices=[
            ("", "Prefer not to say"),
            ("nhs", "NHS"),
            ("social_care", "Social care"),
            ("voluntary", "Voluntary sector"),
            ("independent", "Independent sector"),
            ("education", "Education or research"),
            ("retired", "Retired"),
        ],
    )
    age_range = forms.ChoiceField(label="Your age", required=False, choices=AGE_RANGES)
    gender = forms.CharField(label="Your gender (in your own words)", required=False, max_length=40)
    ethnic_group = forms.CharField(
        label="Your ethnic group (in your own words)", required=False, max_length=60
    )


class WorkshopDetailsForm(WorkshopBasicsForm):
    consent_statement = forms.CharField(
        label="Consent statement",
        max_length=5000,
        help_text="Everyone reads and accepts this before joining. Changing it makes a new version; the version each person accepted is recorded.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the consent statement people accept before joining"},
    )
    participant_limit = whole_number(
        "Most participants (optional)", 1, 10000, what="the most participants"
    )
    participant_limit.required = False
    participant_limit.help_text = (
        "Joining by the code stops when this many have joined or are waiting to be let in. "
        "People you add yourself always have a place. Leave empty for no limit."
    )
    anonymity = forms.ChoiceField(
        label="How anonymous participants are",
        choices=Workshop.Anonymity.choices,
        widget=forms.RadioSelect,
        help_text="Everyone sees this before they agree to take part. Once the workshop has "
        "started it can be raised to strict, never lowered. Strict: when the workshop "
        "finishes, Allied destroys the key from pseudonyms to names and email addresses, the "
        "answers about themselves (keeping only counts) and private notes nobody shared, so "
        "nobody, you included, can tell who said or voted for what.",
        # A form sent without it (an older page) leaves it as it was.
        required=False,
    )
    shuffle_ballots = forms.BooleanField(
        label="List the ideas on each person's ballot in an order shuffled for them (recommended)",
        required=False,
        help_text="So no idea gains from being at the top of everyone's list. Each person keeps "
        "their order when they reload, and gets a new one in a re-vote. Ideas keep their "
        "numbers, so paper ballots and the results are unchanged. The methods paragraph says "
        "which was used.",
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question", max_length=500, error_messages={"required": "Enter the question"}
    )
    scheme = forms.ChoiceField(
        label="How people vote", choices=Scheme.choices, widget=forms.RadioSelect
    )
    k = k_field()
    exactly_k = forms.BooleanField(
        label="Everyone must rank exactly that many ideas", required=False
    )
    pool = whole_number(
        "Points each person shares out (points)", 1, 1000, what="the points each person shares out"
    )
    scale_min = whole_number("Lowest rating (rating)", 0, 10, what="the lowest rating")
    scale_max = whole_number("Highest rating (rating)", 1, 100, what="the highest rating")
    silent_minutes = silent_minutes_field()
    agree_top = whole_number(
        "Agreed when at least this percentage rate an idea in the top third (rating)",
        0,
        100,
        what="the percentage rating in the top third",
        unit=" from 0 to 100",
    )
    agree_bottom = whole_number(
        "Agreed only when under this percentage rate it in the bottom third (rating)",
        1,
        100,
        what="the percentage rating in the bottom third",
        unit=" from 1 to 100",
    )
    exclude_bottom = forms.IntegerField(
        label="Carry-forward rule: exclude an idea when at least this percentage rate it in the "
        "bottom third (rating; optional)",
        help_text="Ideas neither agreed nor excluded go to the next round. Leave empty for no "
        "carry-forward rule.",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": "Enter the percentage that excludes an idea as a whole number from 1 to 100",
            "min_value": "The percentage that excludes an idea must be 1 or more",
            "max_value": "The percentage that excludes an idea must be 100 or less",
        },
    )
    consensus_definition = forms.CharField(
        label="How the group will judge consensus, in your words (optional)",
        help_text="For example: the five ideas with the highest total score are the group's "
        "priorities. It is fixed when the workshop starts and goes into the reporting appendix.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the definition to 2,000 characters or fewer"},
    )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None and low >= high:
            self.add_error("scale_max", "The highest rating must be more than the lowest")
        elif low is not None and high is not None and high - low < 2:
            # The bands are the top and bottom thirds: a scale needs three points to have them.
            self.add_error(
                "scale_max", "A rating scale needs at least three points, such as 1 to 3"
            )
        cleaned["consensus_definition"] = (cleaned.get("consensus_definition") or "").strip()
        return cleaned


# Each allowed ending, what its contents must be, and how the refusal names it. Contents are
# identified from the file's bytes by the filetype library; a .txt file must be readable text.
BRIEFING_TYPES = {
    ".pdf": ("pdf", "a PDF"),
    ".docx": ("docx", "a Word document"),
    ".pptx": ("pptx", "a PowerPoint presentation"),
    ".xlsx": ("xlsx", "an Excel spreadsheet"),
    ".odt": ("odt", "an OpenDocument text"),
    ".odp": ("odp", "an OpenDocument presentation"),
    ".ods": ("ods", "an OpenDocument spreadsheet"),
    ".txt": (None, "plain text"),
    ".png": ("png", "a PNG image"),
    ".jpg": ("jpg", "a JPEG image"),
    ".jpeg": ("jpg", "a JPEG image"),
}
BRIEFING_MAX_BYTES = 10 * 1024 * 1024
# Office files are zip archives; when the first bytes show only a zip, the archive's own
# parts say which kind it is: the part each kind must hold, and for OpenDocument the
# `mimetype` entry's exact text.
_ZIPPED_PART = {
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
    "xlsx": "xl/workbook.xml",
    "odt": "content.xml",
    "odp": "content.xml",
    "ods": "content.xml",
}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "odp": b"application/vnd.oasis.opendocument.presentation",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


def contents_are(upload, kind: str | None) -> bool:
    """Whether the uploaded file's bytes are of this kind (None: readable plain text). Any
    archive that cannot be read, or is locked with a password, is not."""
    import filetype

    upload.seek(0)
    if kind is None:
        data = upload.read()
        upload.seek(0)
        return _is_text(data)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess_extension(head)
    if kind not in _ZIPPED_PART:
        return guessed == kind
    if guessed not in {kind, "zip"}:
        return False
    try:
        return _zip_holds(upload, kind)
    except Exception:
        # A damaged archive may raise almost anything (zlib, lzma, EOF, value errors): it is
        # not a file anyone could open, so it is refused with the same message.
        return False
    finally:
        upload.seek(0)


def _zip_holds(upload, kind: str) -> bool:
    import zipfile

    with zipfile.ZipFile(upload) as archive:
        entries = {info.filename: info for info in archive.infolist()}
        if any(info.flag_bits & 0x1 for info in entries.values()):
            return False  # encrypted: nobody in the room could open it
        if _ZIPPED_PART[kind] not in entries:
            return False
        if kind in _ODF_MIMETYPE:
            expected = _ODF_MIMETYPE[kind]
            mimetype = entries.get("mimetype")
            if mimetype is None or mimetype.file_size != len(expected):
                return False
            with archive.open(mimetype) as entry:
                return entry.read(len(expected) + 1) == expected
        return True


def _is_text(data: bytes) -> bool:
    """Whether the bytes read as text: UTF-16 with its byte-order mark, UTF-8 or Windows
    text, with no control characters but tabs and line ends. Judged by decoding, not by
    magic numbers: a note may well begin "BMA guidance" or "MZ"."""
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)
    return False


class BriefingFileForm(forms.Form):
    file = forms.FileField(
        label="Add a file to the briefing pack",
        help_text="A PDF, Word, PowerPoint, Excel, OpenDocument, text or image file, up to 10 MB",
        error_messages={
            "required": "Choose a file to add",
            "empty": "The file is empty",
            "invalid": "Choose a file to add",
        },
    )

    def clean_file(self):
        from pathlib import PurePath

        upload = self.cleaned_data["file"]
        expected = BRIEFING_TYPES.get(PurePath(upload.name).suffix.lower())
        if expected is None:
            raise forms.ValidationError(
                "The file must be a PDF, Word, PowerPoint, Excel, OpenDocument, text or image file"
            )
        if upload.size > BRIEFING_MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 10 MB")
        kind, described = expected
        if not contents_are(upload, kind):
            raise forms.ValidationError(
                f"The contents of {upload.name} are not {described}, as its name says. Open "
                "it, save it again in that format, and add it again"
            )
        return upload
