"""Nominal Group Technique workshops: questions, pseudonymous participants, ideas, themes,
notes, ballots, and the log of every phase change."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from allied.accounts.models import Organisation

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in a room

DEFAULT_CONSENT = (
    "I have read the briefing for this workshop. I agree to take part in a Nominal Group "
    "Technique discussion. I understand that I will appear to other people only by a "
    "pseudonym (such as P3), that my ideas and votes are recorded under that pseudonym, and "
    "that only the lead facilitator and the organisation admin can see who is behind it. I "
    "can stop taking part at any time without giving a reason; what I have already shared "
    "stays in the anonymised record."
)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Workshop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Running"
        FINISHED = "finished", "Finished"

    class Anonymity(models.TextChoices):
        """How anonymous participants are, in rising order (decision 0031). Once the workshop
        has started it can be raised, never lowered."""

        NAMED = "named", "Pseudonyms, with a key the lead facilitator keeps"
        STRICT = "strict", "Strict: the key is destroyed when the workshop finishes"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    briefing = models.TextField(blank=True, help_text="Shown to everyone in the introduction.")
    date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    join_code = models.CharField(max_length=8, unique=True, default=new_join_code)
    consent_statement = models.TextField(default=DEFAULT_CONSENT)
    consent_version = models.PositiveIntegerField(default=1)
    # The most people who may take part; joining by code stops there (None: no limit).
    participant_limit = models.PositiveIntegerField(
        "Most participants",
        null=True,
        blank=True,
        help_text="Joining by the code stops when this many have joined or are waiting.",
    )
    # Bias control: each person's ballot lists the ideas in an order shuffled for them, so no
    # idea gains from being at the top of everyone's list (results.ballot_order).
    shuffle_ballots = models.BooleanField(
        "Shuffle each person's ballot",
        default=True,
        help_text="List the ideas on each person's ballot in an order shuffled for them.",
    )
    current_question = models.ForeignKey(
        "Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Raised by every change anyone's screen must show; live pages poll and listen for it.
    version = models.PositiveBigIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    anonymity = models.CharField(max_length=10, choices=Anonymity.choices, default=Anonymity.NAMED)
    # Strict anonymity: when the key to the pseudonyms was destroyed, and the counts of the
    # optional questionnaire's answers kept in its place ({field: {answer: people}}).
    identities_destroyed_at = models.DateTimeField(null=True, blank=True)
    panel_counts = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def channel(self) -> str:
        return f"workshop-{self.pk}"

    @property
    def anonymity_promise(self) -> str:
        """What participants are told, before they agree, about how anonymous they are."""
        said = "Everyone sees you only as a pseudonym (such as P3)."
        if self.anonymity == self.Anonymity.STRICT:
            return (
                f"{said} Until the workshop finishes, the lead facilitator and the "
                "organisation's administrator can see who is behind each pseudonym. When it "
                "finishes, Allied destroys that key, your answers about yourself (keeping only "
                "counts) and any private ideas you did not share: after that nobody, the "
                "facilitators included, can tell which ideas and votes were yours. Backups "
                "taken before then still hold the key until they expire."
            )
        return (
            f"{said} The lead facilitator and the organisation's administrator can see who is "
            "behind each pseudonym, and the research record keeps your ideas and votes under it."
        )


def briefing_path(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    return f"briefing/{instance.workshop_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class BriefingFile(models.Model):
    """A file in the workshop's briefing pack, such as a summary of earlier findings."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=briefing_path)
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    LEAD = "lead", "Lead facilitator"
    CO_FACILITATOR = "co_facilitator", "Co-facilitator"
    NOTE_TAKER = "note_taker", "Note-taker"
    OBSERVER = "observer", "Observer"


StaffRole.RUNS = (StaffRole.LEAD, StaffRole.CO_FACILITATOR)
StaffRole.NOTES = (StaffRole.LEAD, StaffRole.CO_FACILITATOR, StaffRole.NOTE_TAKER)


class WorkshopStaff(models.Model):
    """Someone with an account who runs, records or observes the workshop."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_roles"
    )
    role = models.CharField(max_length=20, choices=StaffRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="one_staff_role_per_workshop")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class Scheme(models.TextChoices):
    TOP_K = "top-k", "Rank your top choices (top-k)"
    FULL_RANK = "full-rank", "Rank every idea"
    POINTS = "points", "Share out a pool of points"
    RATING = "rating", "Rate every idea on a scale"
    APPROVAL = "approval", "Approve any number of ideas"


class Phase(models.TextChoices):
    INTRODUCTION = "introduction", "Introduction"
    SILENT = "silent", "Silent idea generation"
    ROUND_ROBIN = "round_robin", "Round-robin"
    CLARIFICATION = "clarification", "Clarification and discussion"
    VOTING = "voting", "Private voting"
    RESULTS = "results", "Results"
    DISCUSSION = "discussion", "Final discussion"


PHASE_ORDER = list(Phase.values)
# The phases in which the question's latest voting round has closed and its results show.
SHOWS_RESULTS = frozenset({Phase.RESULTS, Phase.DISCUSSION})


class Question(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    scheme = models.CharField(max_length=12, choices=Scheme.choices, default=Scheme.TOP_K)
    k = models.PositiveSmallIntegerField(
        default=5, help_text="How many ideas each person ranks (top-k)."
    )
    exactly_k = models.BooleanField(default=False, help_text="Everyone must rank exactly k ideas.")
    pool = models.PositiveSmallIntegerField(
        default=10, help_text="Points each person shares out (points)."
    )
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=9)
    # The consensus definition, fixed before voting (it can change only while the workshop is a
    # draft): for ratings, the agreement rule and an optional carry-forward rule; for any
    # scheme, the facilitator's own words. `consensus_set_at` is when it was last set.
    agree_top = models.PositiveSmallIntegerField(default=70)
    agree_bottom = models.PositiveSmallIntegerField(default=15)
    exclude_bottom = models.PositiveSmallIntegerField(null=True, blank=True)
    consensus_definition = models.TextField(blank=True)
    consensus_set_at = models.DateTimeField(null=True, blank=True)
    silent_minutes = models.PositiveSmallIntegerField(default=5)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.INTRODUCTION)
    phase_ends_at = models.DateTimeField(null=True, blank=True)
    vote_round = models.PositiveSmallIntegerField(default=1)
    # Round-robin: whose turn it is (index into the turn order) and who has passed since
    # someone last shared an idea.
    turn_index = models.PositiveIntegerField(default=0)
    face_validity = models.CharField(
        max_length=10, blank=True, choices=[("yes", "Yes"), ("partly", "Partly"), ("no", "No")]
    )
    face_validity_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "order"], name="question_order_unique")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def phase_number(self) -> int:
        return PHASE_ORDER.index(self.phase) + 1


class PhaseChange(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=20, choices=Phase.choices)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    vote_round = models.PositiveSmallIntegerField(default=1)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"


class Admission(models.TextChoices):
    """Whether a participant's part counts. Someone who joins by code once silent generation
    has begun waits until the facilitator lets them in (decision 0024)."""

    ADMITTED = "admitted", "Taking part"
    WAITING = "waiting", "Waiting to join"
    TURNED_AWAY = "turned_away", "Turned away"


class Participant(models.Model):
    """A person taking part, known to everyone by pseudonym only (P1, P2, ...)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    number = models.PositiveIntegerField()
    # The key to identities: seen only by the lead facilitator and the organisation admin.
    real_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    invite_digest = models.CharField(max_length=64, blank=True)
    session_digest = models.CharField(max_length=64, blank=True, db_index=True)
    consent_version = models.PositiveIntegerField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    # The anonymity the person was promised when they agreed (Workshop.Anonymity).
    consented_anonymity = models.CharField(max_length=10, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    admission = models.CharField(
        max_length=12, choices=Admission.choices, default=Admission.ADMITTED
    )
    # Who let them in or turned them away, and when (blank for those admitted on joining).
    admission_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    admission_at = models.DateTimeField(null=True, blank=True)
    # The question whose silent generation they said they had finished ("I'm done").
    done_with = models.ForeignKey(
        "Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="pseudonym_unique")
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def pseudonym(self) -> str:
        return f"P{self.number}"

    @property
    def admitted(self) -> bool:
        return self.admission == Admission.ADMITTED


# The optional questionnaire's questions, as a methods section names them.
CHARACTERISTIC_FIELDS = (
    ("profession", "Profession"),
    ("setting", "Work setting"),
    ("age_range", "Age"),
    ("gender", "Gender"),
    ("ethnic_group", "Ethnic group"),
)
NOT_GIVEN = "Not given"


class Characteristics(models.Model):
    """Optional answers for a paper's methods section; every item may be skipped. Ethnic
    group and gender are special category data: never shown beside a pseudonym."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="characteristics"
    )
    profession = models.CharField(max_length=60, blank=True)
    setting = models.CharField(max_length=40, blank=True)
    age_range = models.CharField(max_length=20, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    ethnic_group = models.CharField(max_length=60, blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Characteristics of {self.participant}"


class DraftIdea(models.Model):
    """An idea a participant writes during silent generation: private to them."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="drafts")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="drafts")
    client_id = models.UUIDField()
    text = models.CharField(max_length=500)
    shared = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "client_id"], name="draft_client_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Theme(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["question", "name"], name="theme_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Idea(models.Model):
    """An idea shared with the group in round-robin."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ideas")
    number = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    original_text = models.CharField(max_length=500)
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="ideas"
    )
    # Who typed it: the participant themselves (null) or a facilitator or note-taker.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_id = models.UUIDField()
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    merge_agreement = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="idea_number_unique"),
            models.UniqueConstraint(fields=["question", "client_id"], name="idea_client_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def label(self) -> str:
        return f"{self.number}. {self.text}"


class Turn(models.Model):
    """One turn in round-robin: an idea shared, or a pass."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="turns")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    client_id = models.UUIDField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "client_id"], name="turn_client_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.idea or 'pass'}"


class Note(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    idea = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    text = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Ballot(models.Model):
    """One participant's vote on one question in one round; may change until voting closes."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ballots")
    vote_round = models.PositiveSmallIntegerField(default=1)
    # The submission this ballot last came from: a retried submission is stored once.
    client_id = models.UUIDField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "participant", "vote_round"], name="one_ballot_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} on {self.question} (round {self.vote_round})"


class SetAsideBallot(models.Model):
    """A ballot set aside when the facilitator went back from voting (to change the ideas):
    kept in the record as it was cast, never counted. Its voter is asked to vote again."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="set_aside_ballots"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="set_aside_ballots"
    )
    vote_round = models.PositiveSmallIntegerField()
    # What was cast: each idea's label at the time, and its value.
    choices = models.JSONField()
    # Idea ids, so the voter's ballot form can show their earlier choices again.
    idea_values = models.JSONField(default=dict)
    set_aside_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["set_aside_at", "id"]

    def __str__(self) -> str:
        return f"{self.participant} on {self.question} (round {self.vote_round}, set aside)"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    # A rank (top-k, full-rank), points, a rating, or 1 for approval.
    value = models.FloatField()

    class Meta:
        ordering = ["value", "idea__number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "idea"], name="one_choice_per_idea")
        ]

    def __str__(self) -> str:
        return f"{self.idea}: {self.value:g}"
