"""The pseudonymised research extract: one row per place in a programme, for research under a
data sharing agreement (docs/decisions/0012-research-extract.md).

A row says where the person took part and how it went, and nothing that names them: no names,
email addresses, free text or database ids, and dates only as months. Each person gets a random
study id, the same on each of their rows in one extract (a person can hold several places) and
new in every extract: it is never stored, so two extracts cannot be linked through it. The
rows are shuffled, so their order says nothing about who joined when. Ethnic group and gender
are not included: people agreed to their answers being used for matching and for counts that
hide small numbers, not for participant-level research, and a column for them needs its own
consent first (decision 0012).

The extract is participant-level, so it is not suppressed: it is research data, for the
organisation to give to a research team under an agreement, never a publication. Taking it is
written to the audit log with its purpose and its number of rows.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook

from allied.audit.log import record
from allied.audit.models import Kind
from allied.core.cells import plain
from allied.programmes.models import (
    CareerOutcome,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
    Side,
)

OUTCOME_KINDS = tuple(CareerOutcome.Kind)

# (column, what it holds): the file's header row and the page's description of it, in order.
COLUMNS: tuple[tuple[str, str], ...] = (
    (
        "study_id",
        "A random id for the person: the same on each of their rows in this extract, and "
        "different in every other extract.",
    ),
    ("cohort", "The cohort's name."),
    ("cohort_start_month", "The month the cohort started (YYYY-MM)."),
    ("side", "Mentor or mentee."),
    ("profession", "Their profession, as they gave it at intake."),
    ("band", "Their Agenda for Change band or career stage at intake."),
    ("work_setting", "Where they work: NHS, social care, and so on."),
    ("region", "Their region."),
    ("place_status", "Intake in progress, intake complete, or withdrawn."),
    ("intake_completed_month", "The month they completed their intake (YYYY-MM)."),
    ("relationships_started", "How many mentoring relationships this place began."),
    (
        "relationship_status",
        "Their main relationship's status: the latest one that began, or else their latest "
        "request (declined, withdrawn, or waiting). Blank if they were never matched.",
    ),
    ("matched_by", "Matched by the coordinator, or chosen by the mentee from a shortlist."),
    ("partner_study_id", "The study id of the other person in that relationship."),
    ("relationship_started_month", "The month it began (YYYY-MM)."),
    ("relationship_ended_month", "The month it ended (YYYY-MM)."),
    ("ending", "Completed, or a no-fault ending."),
    ("meetings_held", "Meetings recorded as held in that relationship."),
    ("meetings_cancelled", "Meetings recorded as cancelled in that relationship."),
    ("review_stage", "The stage of their latest review of that relationship: mid-point or end."),
    ("satisfaction", "Their rating at that review, 1 (not at all) to 5 (very)."),
    ("trust", "Their rating at that review, 1 to 5."),
    ("psychological_safety", "Their rating at that review, 1 to 5."),
    ("expectations_met", "Yes, partly or no, at that review."),
    ("allyship", "The mentee's rating of their mentor's allyship, 1 to 5 (mentees only)."),
    *(
        (
            f"outcome_{kind.value}",
            f"{kind.label}: the months (YYYY-MM) of outcomes the coordinator confirmed.",
        )
        for kind in OUTCOME_KINDS
    ),
    ("outcomes_waiting", "Outcomes they recorded that the coordinator has not yet confirmed."),
)
HEADERS = tuple(name for name, _ in COLUMNS)


@dataclass(frozen=True)
class Extract:
    """The rows of one extract, in random order."""

    rows: list[list]


def _month(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m")


def _main(relationships: list[dict]) -> dict | None:
    """The latest relationship that began, or else the latest request."""
    started = [r for r in relationships if r["started_at"]]
    if started:
        return max(started, key=lambda r: (r["started_at"], r["pk"]))
    return max(relationships, key=lambda r: (r["created_at"], r["pk"]), default=None)


class _StudyIds:
    """Random ids, one per person, drawn afresh for each extract and never stored."""

    def __init__(self):
        self.ids: dict[int, str] = {}

    def __call__(self, user_id: int) -> str:
        if user_id not in self.ids:
            taken = set(self.ids.values())
            new = secrets.token_hex(8)
            while new in taken:
                new = secrets.token_hex(8)
            self.ids[user_id] = new
        return self.ids[user_id]


def build(programme: Programme) -> Extract:
    """Returns the programme's extract: a handful of queries whatever the size. No special
    category answer is read."""
    places = list(
        Participant.objects.filter(cohort__programme=programme)
        .select_related("cohort__programme__organisation")
        .order_by("pk")
    )
    user_of = {p.pk: p.user_id for p in places}

    relationships = defaultdict(list)
    for r in Relationship.objects.filter(cohort__programme=programme).values(
        "pk", "mentee_id", "mentor_id", "status", "source", "created_at", "started_at",
        "ended_at", "ending",
    ):  # fmt: skip
        relationships[r["mentee_id"]].append({**r, "partner": r["mentor_id"]})
        relationships[r["mentor_id"]].append({**r, "partner": r["mentee_id"]})
    meetings = Counter()
    for row in (
        Meeting.objects.filter(relationship__cohort__programme=programme)
        .values("relationship_id", "status")
        .annotate(n=Count("pk"))
    ):
        meetings[(row["relationship_id"], row["status"])] = row["n"]
    latest_review = {}
    for review in (
        Review.objects.filter(relationship__cohort__programme=programme)
        .order_by("submitted_at", "pk")
        .values(
            "relationship_id", "side", "stage", "satisfaction", "trust",
            "psychological_safety", "expectations_met", "allyship",
        )
    ):  # fmt: skip
        latest_review[(review["relationship_id"], review["side"])] = review
    confirmed = defaultdict(list)
    waiting = Counter()
    for outcome in (
        CareerOutcome.objects.filter(participant__cohort__programme=programme)
        .order_by("happened_on", "pk")
        .values("participant_id", "kind", "happened_on", "status")
    ):
        if outcome["status"] == CareerOutcome.Status.CONFIRMED:
            confirmed[(outcome["participant_id"], outcome["kind"])].append(outcome["happened_on"])
        elif outcome["status"] == CareerOutcome.Status.PENDING:
            waiting[outcome["participant_id"]] += 1

    study_id = _StudyIds()
    rows = []
    for place in places:
        mine = relationships.get(place.pk, [])
        main = _main(mine)
        review = latest_review.get((main["pk"], place.side)) if main else None
        row = [
            study_id(place.user_id),
            place.cohort.name,
            _month(place.cohort.starts_on),
            Side(place.side).label,
            place.get_profession_display() if place.profession else "",
            place.get_band_display() if place.band else "",
            place.get_work_setting_display() if place.work_setting else "",
            place.get_region_display() if place.region else "",
            place.get_status_display(),
            _month(place.intake_completed_at),
            sum(1 for r in mine if r["started_at"]),
        ]
        if main:
            row += [
                Relationship.Status(main["status"]).label,
                Relationship.Source(main["source"]).label,
                study_id(user_of[main["partner"]]),
                _month(main["started_at"]),
                _month(main["ended_at"]),
                Relationship.Ending(main["ending"]).label if main["ending"] else "",
                meetings[(main["pk"], Meeting.Status.HELD)],
                meetings[(main["pk"], Meeting.Status.CANCELLED)],
            ]
        else:
            row += ["", "", "", "", "", "", "", ""]
        if review:
            row += [
                Review.Stage(review["stage"]).label,
                review["satisfaction"],
                review["trust"],
                review["psychological_safety"],
                Review.Expectations(review["expectations_met"]).label,
                review["allyship"] if review["allyship"] is not None else "",
            ]
        else:
            row += ["", "", "", "", "", ""]
        row += [" ".join(_month(d) for d in confirmed[(place.pk, k)]) for k in OUTCOME_KINDS]
        row.append(waiting[place.pk])
        rows.append(row)
    secrets.SystemRandom().shuffle(rows)
    return Extract(rows=rows)


def take(programme: Programme, *, purpose: str, file_format: str, request) -> Extract:
    """Returns the extract and writes its taking to the audit log, with the purpose given and
    the number of rows."""
    extract = build(programme)
    record(
        Kind.RESEARCH_EXTRACT_TAKEN,
        request=request,
        organisation=programme.organisation,
        subject=f"programme {programme.pk}",
        purpose=purpose,
        rows=len(extract.rows),
        file_format=file_format,
    )
    return extract


def as_csv(extract: Extract) -> bytes:
    """The extract as UTF-8 CSV (with a byte order mark, so that Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows([plain(value) for value in row] for row in extract.rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(extract: Extract, programme: Programme) -> bytes:
    """The extract as an Excel workbook: the rows, and a sheet saying what each column holds."""
    book = Workbook(write_only=True)
    rows = book.create_sheet("Extract")
    rows.append(HEADERS)
    for row in extract.rows:
        rows.append([plain(value) for value in row])
    about = book.create_sheet("About")
    about.append([f"Pseudonymised research extract: {programme.name}"])
    about.append(
        [
            "Participant-level research data, not suppressed: for use only under the "
            "organisation's data sharing agreement. Do not publish rows or small counts."
        ]
    )
    about.append([])
    about.append(["Column", "What it holds"])
    for name, meaning in COLUMNS:
        about.append([name, meaning])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
