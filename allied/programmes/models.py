"""Mentoring programmes: cohorts, the people taking part and what they told us at intake,
matching, and each mentoring relationship over time (agreement, meetings, notes, goals,
sponsorship, reviews, ending), plus concerns raised with the coordinator.

Vocabulary codes (profession, band, topics, ...) come from `allied.core.matching.vocabulary`,
so that what a person says at intake is exactly what the matching engine reads.

Ethnicity and gender are special category data: they live in their own table
(`SpecialCategory`), read only through `allied.programmes.sensitive`, which writes every read
to the audit log.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from allied.accounts.models import Organisation
from allied.core.matching import vocabulary as v

USER = settings.AUTH_USER_MODEL


def choices(vocabulary: v.Choices) -> list[tuple[str, str]]:
    return list(vocabulary)


class MatchingMode(models.TextChoices):
    COORDINATOR = "coordinator", "The coordinator matches mentors and mentees"
    SHORTLIST = "shortlist", "Mentees choose from a shortlist of suggested mentors"


class Programme(models.Model):
    """A mentoring programme run by an organisation; people take part through its cohorts."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    relationship_months = models.PositiveSmallIntegerField(
        default=12, help_text="How long a mentoring relationship is meant to last."
    )
    meeting_every_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="How often mentors and mentees are expected to meet."
    )
    matching_mode = models.CharField(
        max_length=12, choices=MatchingMode.choices, default=MatchingMode.COORDINATOR
    )
    shortlist_size = models.PositiveSmallIntegerField(default=3)
    require_allyship_training = models.BooleanField(
        default=False,
        help_text="Mentors must have completed allyship training before they can be matched.",
    )
    # The engine's settings in the shape `allied.core.matching.rows.config_from_mapping` reads:
    # {"weights": {...}, "rules": {...}}. Empty means the engine's defaults.
    matching_settings = models.JSONField(default=dict, blank=True)
    coordinators = models.ManyToManyField(USER, related_name="coordinated_programmes", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # The mentoring model the programme runs on, the version it chose (null: the study's).
    # PROTECT: a published version is never deleted while a programme runs on it.
    model = models.ForeignKey(
        "consensus.PublishedModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def coordinator_emails(self) -> list[str]:
        """Returns the coordinators' addresses, or, when it has none, the organisation admins',
        so that news a coordinator must act on always reaches someone. Two queries at most."""
        from allied.accounts.models import Membership, Role

        emails = list(self.coordinators.values_list("email", flat=True))
        if not emails:
            emails = list(
                Membership.objects.filter(
                    organisation_id=self.organisation_id, role=Role.ORG_ADMIN
                ).values_list("user__email", flat=True)
            )
        return sorted(set(emails))

    def mentoring_model(self):
        """Returns the `allied.core.model.MentoringModel` the programme runs on: the version it
        chose, or the study's. Reads `self.model` (one query if not loaded) and parses its JSON."""
        from allied.consensus.catalogue import model_of

        return model_of(self.model)


class IntakeQuestion(models.Model):
    """A question the coordinator adds to the intake, beyond the model's own."""

    class Audience(models.TextChoices):
        BOTH = "both", "Mentors and mentees"
        MENTOR = "mentor", "Mentors"
        MENTEE = "mentee", "Mentees"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="intake_questions"
    )
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    audience = models.CharField(max_length=6, choices=Audience.choices, default=Audience.BOTH)
    required = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Cohort(models.Model):
    """One intake of a programme: the people matched together."""

    class Status(models.TextChoices):
        INTAKE = "intake", "Intake open"
        MATCHING = "matching", "Matching"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INTAKE)
    created_at = models.DateTimeField(auto_now_add=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"


class Side(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


class RaceConversation(models.TextChoices):
    YES = "yes", "Yes, I would like it to be part of my mentoring"
    NOT_NOW = "not_now", "Not now"
    UNSURE = "unsure", "I am not sure yet"


class RaisedBy(models.TextChoices):
    ME = "me", "I will raise it when I am ready"
    MENTOR = "mentor", "I would like my mentor to raise it"
    EITHER = "either", "Either of us"


class RaceComfort(models.TextChoices):
    CONFIDENT = "confident", "Comfortable and prepared"
    WILLING = "willing", "Willing, and still learning"
    NOT_YET = "not_yet", "Not yet prepared; I would like support first"


class Participant(models.Model):
    """A person taking part in one cohort as a mentor or a mentee, with their intake answers.

    List fields hold vocabulary codes. `preferences` maps a preference attribute to
    {"kind": ..., "strength": ..., "values": [...]}, as the engine's `Preference` reads it.
    """

    class Status(models.TextChoices):
        INTAKE = "intake", "Intake in progress"
        READY = "ready", "Intake complete"
        WITHDRAWN = "withdrawn", "Withdrawn"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="programme_places")
    side = models.CharField(max_length=6, choices=Side.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INTAKE)
    intake_step = models.CharField(max_length=30, blank=True)
    intake_completed_at = models.DateTimeField(null=True, blank=True)
    # When the place was withdrawn (by the person or a coordinator): reports for a past period
    # count a withdrawal when it happened, and a place as withdrawn only from then.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # Profile.
    profession = models.CharField(max_length=40, blank=True, choices=choices(v.PROFESSIONS))
    band = models.CharField(max_length=20, blank=True, choices=choices(v.BANDS))
    work_setting = models.CharField(max_length=30, blank=True, choices=choices(v.WORK_SETTINGS))
    region = models.CharField(max_length=30, blank=True, choices=choices(v.REGIONS))
    career_goals = models.JSONField(default=list, blank=True)
    interests = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    meeting_mode = models.CharField(
        max_length=10, choices=choices(v.MEETING_MODES), default="either"
    )
    availability = models.JSONField(default=list, blank=True)
    team = models.CharField(max_length=120, blank=True)
    line_manager_email = models.EmailField(blank=True)

    # Deep-level items: values, working style, and short personality scales (1 to 5).
    values = models.JSONField(default=list, blank=True)
    working_style = models.JSONField(default=list, blank=True)
    openness = models.FloatField(null=True, blank=True)
    conscientiousness = models.FloatField(null=True, blank=True)

    # A mentee's developmental needs under the four questions: topic codes and own words.
    needs_need = models.JSONField(default=list, blank=True)
    needs_help = models.JSONField(default=list, blank=True)
    needs_support = models.JSONField(default=list, blank=True)
    needs_require = models.JSONField(default=list, blank=True)
    needs_text = models.JSONField(default=dict, blank=True)

    # A mentor's offer.
    offers = models.JSONField(default=list, blank=True)
    offer_text = models.TextField(blank=True)
    capacity = models.PositiveSmallIntegerField(default=1)
    allyship_trained = models.BooleanField(default=False)

    preferences = models.JSONField(default=dict, blank=True)

    # Race and racism in mentoring: shapes the first conversation, never eligibility.
    race_conversation = models.CharField(
        max_length=10, choices=RaceConversation.choices, blank=True
    )
    race_raised_by = models.CharField(max_length=10, choices=RaisedBy.choices, blank=True)
    race_comfort = models.CharField(max_length=10, choices=RaceComfort.choices, blank=True)
    race_note = models.TextField(blank=True)

    extra_answers = models.JSONField(default=dict, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "side", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user", "side"], name="one_place_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_side_display()}, {self.cohort.name})"

    @property
    def is_mentor(self) -> bool:
        return self.side == Side.MENTOR


class SpecialCategory(models.Model):
    """A participant's ethnicity and gender: optional, read only through
    `allied.programmes.sensitive`, which logs every read. `monitoring_consent` is consent to
    keep them for aggregated, suppressed equality monitoring; `matching_consent` is the
    separate consent to use the ethnic group in matching, and `gender_matching_consent` the
    consent to use gender in matching (asked apart from the ethnic group's since 2026-12)."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="special_category"
    )
    ethnic_group = models.CharField(max_length=40, blank=True, choices=choices(v.ETHNIC_GROUPS))
    ethnicity_self_description = models.CharField(max_length=200, blank=True)
    gender = models.CharField(max_length=20, blank=True, choices=choices(v.GENDERS))
    monitoring_consent = models.BooleanField(default=False)
    matching_consent = models.BooleanField(default=False)
    gender_matching_consent = models.BooleanField(default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Special category answers of participant {self.participant_id}"


class MatchRun(models.Model):
    """One run of the engine on a cohort, with the coordinator's edits until it is published.

    `unmatched` lists {"participant": id, "reason": text} as the engine explained them."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_runs")
    objective = models.CharField(max_length=20, default="max_matched")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    unmatched = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"], condition=Q(status="draft"), name="one_draft_run_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"Matching run {self.pk} ({self.get_status_display()})"


class Proposal(models.Model):
    """A pair the engine (or the coordinator) proposes in a draft run."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    score = models.IntegerField(default=0)
    explanation = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)
    # A pair the coordinator made against a hard rule (an ended pair among them): why, and who.
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["mentee__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="one_proposal_per_mentee"),
        ]

    def __str__(self) -> str:
        return f"Proposal: mentee {self.mentee_id} with mentor {self.mentor_id}"


class ShortlistOffer(models.Model):
    """A mentor suggested to a mentee in shortlist mode, with the mentee-safe explanation."""

    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="offers_made")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    explanation = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mentee", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="one_offer_per_pair"),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.rank} for mentee {self.mentee_id}"


class RelationshipQuerySet(models.QuerySet):
    def current(self) -> RelationshipQuerySet:
        """Pairs that hold a mentor's place: requested, talking first, or active."""
        return self.filter(status__in=Relationship.HOLDS_PLACE)


class Relationship(models.Model):
    """One mentee with one mentor, from the request or publication to the ending."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for the mentor"
        CONVERSATION = "conversation", "Mentor would like a conversation first"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn by the mentee"
        ENDED = "ended", "Ended"

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", "Matched by the coordinator"
        SHORTLIST = "shortlist", "Chosen by the mentee"

    class Ending(models.TextChoices):
        COMPLETED = "completed", "Completed"
        NO_FAULT = "no_fault", "No-fault ending"

    HOLDS_PLACE = (Status.REQUESTED, Status.CONVERSATION, Status.ACTIVE)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="relationships")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="as_mentee")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="as_mentor")
    status = models.CharField(max_length=12, choices=Status.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    mentee_note = models.TextField(blank=True)
    # Seen by the mentor and the coordinator only, never by the mentee.
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ending = models.CharField(max_length=10, choices=Ending.choices, blank=True)
    ended_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    # Raised by every change the other person's page should show.
    version = models.PositiveIntegerField(default=1)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status__in=["requested", "conversation", "active"]),
                name="one_current_relationship_per_mentee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} with {self.mentor.user}"

    def side_of(self, user) -> str | None:
        if self.mentee.user_id == user.pk:
            return Side.MENTEE
        if self.mentor.user_id == user.pk:
            return Side.MENTOR
        return None


class Agreement(models.Model):
    """What the pair agree at their first conversation. Any edit raises `version` and clears
    both signatures: each person signs what the agreement says now."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, related_name="agreement"
    )
    mentee_expectations = models.TextField(blank=True)
    mentor_expectations = models.TextField(blank=True)
    what_i_need = models.TextField(blank=True)
    what_can_help_me = models.TextField(blank=True)
    what_can_support_me = models.TextField(blank=True)
    what_i_require = models.TextField(blank=True)
    confidentiality = models.TextField(blank=True)
    meeting_every_weeks = models.PositiveSmallIntegerField(default=4)
    meeting_mode = models.CharField(
        max_length=10, choices=choices(v.MEETING_MODES), default="either"
    )
    length_months = models.PositiveSmallIntegerField(default=12)
    mid_review_on = models.DateField(null=True, blank=True)
    end_review_on = models.DateField(null=True, blank=True)
    race_discussion = models.TextField(blank=True)
    race_raised_by = models.CharField(max_length=10, choices=RaisedBy.choices, blank=True)
    scope_understood = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    mentee_signed_version = models.PositiveIntegerField(null=True, blank=True)
    mentee_signed_at = models.DateTimeField(null=True, blank=True)
    mentor_signed_version = models.PositiveIntegerField(null=True, blank=True)
    mentor_signed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"Agreement for relationship {self.relationship_id}, version {self.version}"

    @property
    def signed_by_both(self) -> bool:
        return self.mentee_signed_version == self.version == self.mentor_signed_version


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    mode = models.CharField(max_length=10, choices=choices(v.MEETING_MODES), default="online")
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Notes both people see; the coordinator never does.
    shared_notes = models.TextField(blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    logged_at = models.DateTimeField(null=True, blank=True)
    logged_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    log_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        # Reminders and the dashboard's "met recently" look at a window of recent meetings.
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts_at")]

    def __str__(self) -> str:
        return f"Meeting on {self.starts_at:%d %B %Y}"


class PrivateNote(models.Model):
    """A reflective note only its author can read: not the other person, not the coordinator."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="one_private_note_each"),
        ]

    def __str__(self) -> str:
        return f"Private note on meeting {self.meeting_id}"


class Goal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        ACHIEVED = "achieved", "Achieved"
        SET_ASIDE = "set_aside", "Set aside"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["status", "target_date", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalAction(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text


class GoalUpdate(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Update on goal {self.goal_id}"


class SponsorshipAction(models.Model):
    """The sponsorship domain made visible: what the mentor did, confirmed by the mentee."""

    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", "Opportunity provided"
        INTRODUCTION = "introduction", "Introduction to a network or person"
        SIGNPOSTING = "signposting", "Signposting"
        ADVOCACY = "advocacy", "Advocacy: putting the mentee's name forward"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="sponsorship"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField()
    happened_on = models.DateField()
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_comment = models.TextField(blank=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"


class AllyshipAnswer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "It did not come up"


class Review(models.Model):
    """A mid-point or end review by one of the pair. Ratings are 1 (not at all) to 5 (very)."""

    class Stage(models.TextChoices):
        MID = "mid", "Mid-point review"
        END = "end", "End review"

    class Expectations(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(max_length=3, choices=Stage.choices)
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    side = models.CharField(max_length=6, choices=Side.choices)
    satisfaction = models.PositiveSmallIntegerField()
    trust = models.PositiveSmallIntegerField()
    psychological_safety = models.PositiveSmallIntegerField()
    expectations_met = models.CharField(max_length=6, choices=Expectations.choices)
    allyship = models.PositiveSmallIntegerField(null=True, blank=True)
    # The mentee's feedback on allyship (blank for mentors): never shown to the mentor, and
    # given to coordinators only as suppressed counts.
    felt_believed = models.CharField(max_length=16, choices=AllyshipAnswer.choices, blank=True)
    race_discussed_safely = models.CharField(
        max_length=16, choices=AllyshipAnswer.choices, blank=True
    )
    challenged_barriers = models.CharField(
        max_length=16, choices=AllyshipAnswer.choices, blank=True
    )
    career_change = models.TextField(blank=True)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["relationship", "stage", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "stage", "side"], name="one_review_per_stage_and_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} by the {self.side}"


class Concern(models.Model):
    """A safeguarding or other concern raised with the programme's coordinators."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="concerns")
    relationship = models.ForeignKey(
        Relationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    raised_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    safeguarding = models.BooleanField(default=False)
    text = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    coordinator_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Concern {self.pk} ({self.get_status_display()})"


class CareerOutcome(models.Model):
    """A dated step in a participant's career (a band change, a promotion, a new role, ...),
    recorded by the participant and confirmed, or not, by the programme's coordinator.

    Only pending outcomes can be changed or withdrawn by the participant; a decision is final."""

    class Kind(models.TextChoices):
        BAND_CHANGE = "band_change", "Band change"
        PROMOTION = "promotion", "Promotion"
        NEW_ROLE = "new_role", "New role"
        LEADERSHIP = "leadership", "Leadership programme"
        PUBLICATION = "publication", "Publication or presentation"
        COURSE = "course", "Course started"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the coordinator"
        CONFIRMED = "confirmed", "Confirmed"
        NOT_CONFIRMED = "not_confirmed", "Not confirmed"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    happened_on = models.DateField()
    # The band moved to, for a band change only.
    new_band = models.CharField(max_length=20, blank=True, choices=choices(v.BANDS))
    description = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PENDING)
    recorded_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    decision_note = models.TextField(blank=True)

    # The form's one-time key: a second submission of the same form changes nothing.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"
