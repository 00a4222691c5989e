"""The pseudonymised research extract: for admins only, with a purpose and a confirmation, one
shuffled row per place, a study id per person that is new in every extract, no names, emails,
free text or exact dates, no ethnic group or gender, and every taking audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from allied.audit.models import AuditEvent, Kind
from allied.programmes import sensitive
from allied.programmes.models import CareerOutcome, Participant, Relationship
from allied.reports import extract
from tests.conftest import sign_in
from tests.reports.helpers import DAY, Builder

pytestmark = pytest.mark.django_db

PURPOSE = "Northbrook evaluation study, data sharing agreement DSA-2026-14"
SECRET_WORDS = "my private thoughts about my manager"


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def built(org, carol, now):
    """Cohort A: 8 mentees and 4 mentors, the first mentee in a pair with one meeting held and
    one cancelled, a review, and outcomes; Cohort B: the first mentor again, as a mentee."""
    b = Builder({"own": org, "carol": carol}, now)
    first = b.cohort("Cohort A")
    mentees = b.places(first, "mentee", 8, completed=now - 100 * DAY)
    mentors = b.places(first, "mentor", 4, completed=now - 100 * DAY)
    for place in [*mentees, *mentors]:
        place.profession, place.band, place.work_setting = "physiotherapist", "band_6", "nhs"
        place.race_note = SECRET_WORDS
        place.save()
    declined = b.pair(mentees[0], mentors[1], Relationship.Status.DECLINED, 95)
    declined.started_at, declined.decline_reason = None, SECRET_WORDS
    declined.save()
    pair = b.pair(mentees[0], mentors[0], Relationship.Status.ACTIVE, 90)
    pair.mentee_note = SECRET_WORDS
    pair.save()
    held = b.meeting(pair, 30)
    held.shared_notes = SECRET_WORDS
    held.save()
    cancelled = b.meeting(pair, 10)
    cancelled.status = "cancelled"
    cancelled.save()
    review = b.review(pair, expectations="partly", satisfaction=4)
    review.allyship, review.comments = 5, SECRET_WORDS
    review.save()
    for kind, happened, status in (
        ("promotion", date(2026, 3, 14), "confirmed"),
        ("course", date(2026, 5, 2), "pending"),
        ("publication", date(2026, 6, 9), "not_confirmed"),
    ):
        CareerOutcome.objects.create(
            participant=mentees[0],
            kind=kind,
            happened_on=happened,
            status=status,
            description=SECRET_WORDS,
        )
    second = b.cohort("Cohort B")
    again = Participant.objects.create(
        cohort=second, user=mentors[0].user, side="mentee", status=Participant.Status.READY
    )
    return {"builder": b, "mentees": mentees, "mentors": mentors, "pair": pair, "again": again}


def take(client, programme, **data):
    form = {"purpose": PURPOSE, "file_format": "csv", "confirm": "on", **data}
    return client.post(reverse("reports:extract", args=[programme.pk]), form)


def rows_of(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_page_says_what_is_in_it_and_that_it_is_not_suppressed(client, alice, built):
    programme = built["builder"].programme
    sign_in(client, alice)

    page = client.get(reverse("reports:extract", args=[programme.pk])).content.decode()

    assert "Research extract" in page
    assert "small numbers are not hidden" in page
    assert "data sharing agreement" in page
    for name, _ in extract.COLUMNS:
        assert f"<code>{name}</code>" in page
    assert "13 rows today" in page


@pytest.mark.parametrize("persona", ["carol", "max_mentor", "mia"])
def test_only_the_organisations_admins_may_take_it(client, world, persona):
    programme = world["programme_own"]
    sign_in(client, world[persona])

    assert take(client, programme).status_code == 403
    assert not AuditEvent.objects.filter(kind=Kind.RESEARCH_EXTRACT_TAKEN).exists()


def test_another_organisations_admin_cannot_see_it_exists(client, olga, built):
    sign_in(client, olga)

    assert take(client, built["builder"].programme).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"purpose": ""}, "Enter what the extract is for"),
        ({"purpose": "research"}, "Enter what the extract is for in a few more words"),
        ({"purpose": "x" * 501}, "500 characters or fewer"),
        ({"confirm": ""}, "Confirm how the extract will be used"),
        ({"file_format": "pdf"}, "Choose a CSV file or an Excel spreadsheet"),
    ],
)
def test_it_refuses_a_download_without_a_purpose_or_a_confirmation(
    client, alice, built, data, message
):
    sign_in(client, alice)

    response = take(client, built["builder"].programme, **data)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not AuditEvent.objects.filter(kind=Kind.RESEARCH_EXTRACT_TAKEN).exists()


def test_a_download_has_one_row_per_place_and_nothing_that_names_anyone(client, alice, built):
    programme = built["builder"].programme
    sign_in(client, alice)

    response = take(client, programme)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "research-extract" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].split(",") == list(extract.HEADERS)
    rows = rows_of(response)
    assert len(rows) == Participant.objects.filter(cohort__programme=programme).count() == 13
    for place in Participant.objects.filter(cohort__programme=programme).select_related("user"):
        assert place.user.full_name not in text
        assert place.user.email not in text
    assert "@" not in text
    assert SECRET_WORDS not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # months only
    assert {row["cohort"] for row in rows} == {"Cohort A", "Cohort B"}


def test_a_person_has_one_study_id_in_an_extract_and_a_new_one_in_the_next(client, alice, built):
    programme = built["builder"].programme
    sign_in(client, alice)

    first, second = rows_of(take(client, programme)), rows_of(take(client, programme))

    # The first mentor is also a mentee in cohort B: two rows, one study id.
    twice = next(r for r in first if r["cohort"] == "Cohort B")["study_id"]
    assert sorted(r["side"] for r in first if r["study_id"] == twice) == ["Mentee", "Mentor"]
    assert len({r["study_id"] for r in first}) == 12  # 13 places, 12 people
    assert not {r["study_id"] for r in first} & {r["study_id"] for r in second}
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["study_id"]) for r in first)


def test_the_rows_are_shuffled(client, alice, built):
    programme = built["builder"].programme
    sign_in(client, alice)

    orders = {
        tuple(
            (r["cohort"], r["side"], r["relationship_status"])
            for r in rows_of(take(client, programme))
        )
        for _ in range(4)
    }

    assert len(orders) > 1


def test_a_row_tells_how_the_mentoring_went(client, alice, built):
    programme = built["builder"].programme
    sign_in(client, alice)
    now = timezone.localtime()

    rows = rows_of(take(client, programme))

    mentee = next(r for r in rows if r["relationships_started"] == "1" and r["side"] == "Mentee")
    mentor = [r for r in rows if r["study_id"] == mentee["partner_study_id"]]
    assert [r["partner_study_id"] for r in mentor if r["cohort"] == "Cohort A"] == [
        mentee["study_id"]
    ]
    assert mentee["relationship_status"] == "Active"
    assert mentee["matched_by"] == "Matched by the coordinator"
    assert mentee["relationship_started_month"] == (now - 90 * DAY).strftime("%Y-%m")
    assert mentee["relationship_ended_month"] == "" and mentee["ending"] == ""
    assert (mentee["meetings_held"], mentee["meetings_cancelled"]) == ("1", "1")
    assert mentee["review_stage"] == "End review"
    assert (mentee["satisfaction"], mentee["trust"], mentee["psychological_safety"]) == (
        "4",
        "5",
        "3",
    )
    assert mentee["expectations_met"] == "Partly" and mentee["allyship"] == "5"
    assert mentee["outcome_promotion"] == "2026-03"
    assert mentee["outcome_course"] == "" and mentee["outcome_publication"] == ""
    assert mentee["outcomes_waiting"] == "1"
    assert mentee["profession"] == "Physiotherapist" and mentee["band"] == "Band 6"
    assert mentee["place_status"] == "Intake complete"
    assert mentee["intake_completed_month"] == (now - 100 * DAY).strftime("%Y-%m")
    unmatched = [r for r in rows if r["side"] == "Mentee" and r["relationships_started"] == "0"]
    assert all(r["relationship_status"] in ("", "Declined") for r in unmatched)


def test_no_ethnic_group_or_gender_goes_into_it_and_none_is_read(client, alice, built):
    """People agreed to their answers being used for matching and for suppressed counts, not
    for participant-level research (decision 0012)."""
    programme = built["builder"].programme
    for place in built["mentees"][:3]:
        sensitive.save_own_answers(
            place, ethnic_group="black_caribbean", gender="woman", monitoring_consent=True
        )
    sign_in(client, alice)

    text = take(client, programme).content.decode("utf-8-sig")

    header = next(csv.reader(io.StringIO(text)))
    assert not {"ethnic_group", "gender"} & set(header)
    assert "Caribbean" not in text and "Woman" not in text
    assert not AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).exists()


def test_taking_it_is_audited_with_the_purpose_and_the_number_of_rows(client, alice, built):
    programme = built["builder"].programme
    sign_in(client, alice)

    take(client, programme, file_format="xlsx")

    event = AuditEvent.objects.get(kind=Kind.RESEARCH_EXTRACT_TAKEN)
    assert event.actor == alice and event.organisation == programme.organisation
    assert event.subject == f"programme {programme.pk}"
    assert event.detail["purpose"] == PURPOSE
    assert event.detail["rows"] == 13
    assert event.detail["file_format"] == "xlsx"


def test_the_spreadsheet_holds_the_same_rows_and_says_what_each_column_is(client, alice, built):
    programme = built["builder"].programme
    sign_in(client, alice)

    response = take(client, programme, file_format="xlsx")

    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Extract"].iter_rows(values_only=True))
    assert list(rows[0]) == list(extract.HEADERS)
    assert len(rows) == 14
    about = [row[0] for row in book["About"].iter_rows(values_only=True)]
    assert "study_id" in about and "not suppressed" in " ".join(str(a) for a in about)


def test_text_that_a_spreadsheet_would_run_is_written_as_plain_text(client, alice, built):
    programme = built["builder"].programme
    programme.cohorts.filter(name="Cohort B").update(name='=HYPERLINK("http://x.example")')
    sign_in(client, alice)

    rows = rows_of(take(client, programme))

    assert '\'=HYPERLINK("http://x.example")' in {r["cohort"] for r in rows}


def test_an_empty_programme_gives_just_the_header(client, alice, org, carol):
    programme = Builder({"own": org, "carol": carol}, timezone.now()).programme
    sign_in(client, alice)

    response = take(client, programme)

    assert response.content.decode("utf-8-sig").strip() == ",".join(extract.HEADERS)
    assert AuditEvent.objects.get(kind=Kind.RESEARCH_EXTRACT_TAKEN).detail["rows"] == 0


def test_the_extract_of_the_demo_covers_its_history(client):
    from allied.accounts.models import User
    from allied.demo import organisation as organisation_demo
    from allied.demo import programmes as demo
    from allied.programmes.models import Programme

    organisation_demo.load_demo(parts=["programmes"])
    programme = Programme.objects.get(name=demo.PROGRAMME)
    sign_in(client, User.objects.get(email="admin@northbrook.example"))

    rows = rows_of(take(client, programme))

    assert len(rows) == Participant.objects.filter(cohort__programme=programme).count() > 250
    assert {r["relationship_status"] for r in rows} >= {"Ended", "Declined", "Active", ""}
    assert sum(r["outcome_promotion"] != "" for r in rows) >= 5
    assert (
        timezone.now() - timedelta(days=1)
        < AuditEvent.objects.get(kind=Kind.RESEARCH_EXTRACT_TAKEN).created_at
    )
