"""Bulk import of a cohort's people from the matching engine's spreadsheet: a preview and a
row-by-row report first, nothing imported until the whole file is valid, and one import per
confirmed upload."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allied.accounts.models import Membership, Role, User
from allied.audit.models import AuditEvent, Kind
from allied.programmes.models import Participant, SpecialCategory
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

MENTEE = {
    "email": "amina@alder.example",
    "side": "mentee",
    "name": "Amina Example",
    "profession": "Occupational therapist",
    "band": "Band 5",
    "region": "London",
    "meeting_mode": "Either",
    "prefer_band": "one of: Band 7; Band 8a",
    "prefer_band_strength": "essential",
    "what_i_need": "career_direction",
    "what_can_help_me": "networking",
}
MENTOR = {
    "email": "bola@alder.example",
    "side": "mentor",
    "name": "Bola Example",
    "profession": "Physiotherapist",
    "band": "Band 8a",
    "capacity": "2",
    "offers": "sponsorship; career_direction",
    "allyship_trained": "yes",
}


def csv_file(*rows: dict, name: str = "people.csv") -> SimpleUploadedFile:
    columns = sorted({key for row in rows for key in row})
    buffer = io.StringIO()
    out = csv.DictWriter(buffer, fieldnames=columns)
    out.writeheader()
    for row in rows:
        out.writerow(row)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def upload(client, cohort, file):
    return client.post(reverse("programmes:import", args=[cohort.pk]), {"file": file})


def confirm(client, cohort, response, **extra):
    key = response.context["confirm_form"].initial["upload"]
    return client.post(
        reverse("programmes:import_confirm", args=[cohort.pk]), {"upload": key, **extra}
    )


@pytest.fixture
def carol_in(client, world):
    sign_in(client, world["carol"])
    return client


def test_a_file_with_errors_reports_every_row_and_imports_nothing(carol_in, world):
    cohort = world["cohort_own"]
    before = (User.objects.count(), Participant.objects.count())
    response = upload(
        carol_in,
        cohort,
        csv_file(
            {**MENTEE, "band": "Band 99"},
            {**MENTOR, "capacity": "lots"},
            {**MENTOR, "email": "not-an-email", "side": "helper"},
            {**MENTEE, "email": "mia@alder.example", "name": ""},
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "row 2, band" in page
    assert "row 3, capacity" in page
    assert "row 4, email" in page and "row 4, side" in page
    assert "row 5, email: mia@alder.example is already a mentee in this cohort" in page
    assert "Nothing has been imported" in page
    assert response.context.get("confirm_form") is None
    assert (User.objects.count(), Participant.objects.count()) == before


def test_a_valid_file_is_previewed_then_imported_on_confirmation(
    carol_in, world, django_capture_on_commit_callbacks
):
    cohort = world["cohort_own"]
    managed = {**MENTEE, "line_manager": "bola@alder.example"}
    response = upload(carol_in, cohort, csv_file(managed, MENTOR))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(row["email"], row["side"], row["new"]) for row in preview] == [
        ("amina@alder.example", "mentee", True),
        ("bola@alder.example", "mentor", True),
    ]
    assert not User.objects.filter(email="amina@alder.example").exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(carol_in, cohort, response)
    assert done.status_code == 302
    amina = User.objects.get(email="amina@alder.example")
    assert not amina.has_usable_password()
    assert amina.full_name == "Amina Example"
    assert Membership.objects.filter(user=amina, organisation=world["own"], role=Role.MENTEE)
    mentee = cohort.participants.get(user=amina)
    assert mentee.status == Participant.Status.READY
    assert (mentee.profession, mentee.band) == ("occupational_therapist", "band_5")
    assert mentee.needs_need == ["career_direction"]
    assert mentee.needs_help == ["networking"]
    assert mentee.line_manager_email == "bola@alder.example"
    assert mentee.preferences["band"] == {
        "kind": "one_of",
        "strength": "essential",
        "values": ["band_7", "band_8a"],
    }
    mentor = cohort.participants.get(user__email="bola@alder.example")
    assert (mentor.side, mentor.capacity, mentor.allyship_trained) == ("mentor", 2, True)
    assert sorted(mentor.offers) == ["career_direction", "sponsorship"]
    assert not SpecialCategory.objects.filter(participant__in=[mentee, mentor]).exists()
    event = AuditEvent.objects.get(kind=Kind.PARTICIPANTS_IMPORTED)
    assert (event.detail["places"], event.detail["accounts"]) == (2, 2)
    # Each newcomer is emailed a link to set a password.
    sent = {message.to[0]: message.body for message in mail.outbox}
    assert "/password-reset/" in sent["amina@alder.example"]


def test_a_second_confirmation_imports_nothing_more(carol_in, world):
    cohort = world["cohort_own"]
    response = upload(carol_in, cohort, csv_file(MENTEE, MENTOR))
    confirm(carol_in, cohort, response)
    again = confirm(carol_in, cohort, response)
    assert again.status_code == 302
    assert (
        cohort.participants.filter(user__email__in=[MENTEE["email"], MENTOR["email"]]).count() == 2
    )
    assert AuditEvent.objects.filter(kind=Kind.PARTICIPANTS_IMPORTED).count() == 1


def test_the_same_upload_is_imported_once_even_if_the_session_still_holds_it(world, carol_in):
    """Two tabs confirming the same preview: the audit record of the first stops the second."""
    from allied.programmes.actions.setup import participants_import
    from allied.programmes.errors import ProgrammeError

    cohort = world["cohort_own"]
    upload(carol_in, cohort, csv_file(MENTEE))
    pending = carol_in.session[f"programmes_import_{cohort.pk}"]
    participants_import(cohort=cohort, rows=pending["rows"], key=pending["key"], by=world["carol"])
    with pytest.raises(ProgrammeError):
        participants_import(
            cohort=cohort, rows=pending["rows"], key=pending["key"], by=world["carol"]
        )
    assert cohort.participants.filter(user__email=MENTEE["email"]).count() == 1


def test_equality_answers_need_the_coordinators_confirmation_of_consent(carol_in, world):
    cohort = world["cohort_own"]
    row = {**MENTEE, "ethnic_group": "asian_indian", "gender": "Woman", "ethnicity_consent": "yes"}
    response = upload(carol_in, cohort, csv_file(row))
    refused = confirm(carol_in, cohort, response)
    assert refused.status_code == 200
    assert b"Confirm that these people agreed" in refused.content
    assert not User.objects.filter(email=MENTEE["email"]).exists()

    confirm(carol_in, cohort, response, consent="on")
    place = cohort.participants.get(user__email=MENTEE["email"])
    special = SpecialCategory.objects.get(participant=place)
    assert (special.ethnic_group, special.gender) == ("asian_indian", "woman")
    assert special.monitoring_consent and special.matching_consent
    # No gender_consent column: gender is kept for monitoring, not used in matching.
    assert not special.gender_matching_consent
    recorded = AuditEvent.objects.get(kind=Kind.SPECIAL_CATEGORY_RECORDED)
    assert "indian" not in str(recorded.detail).lower()


def test_the_import_records_consent_to_use_gender_in_matching_from_its_own_column(carol_in, world):
    cohort = world["cohort_own"]
    row = {**MENTEE, "gender": "Woman", "gender_consent": "yes"}
    confirm(carol_in, cohort, upload(carol_in, cohort, csv_file(row)), consent="on")
    special = SpecialCategory.objects.get(participant__user__email=MENTEE["email"])
    assert special.gender_matching_consent and not special.matching_consent


def test_an_existing_account_is_added_without_a_new_one(carol_in, world):
    cohort = world["cohort_own"]
    row = {**MENTOR, "email": "MIA@alder.example", "name": ""}
    response = upload(carol_in, cohort, csv_file(row))
    assert response.context["preview"][0]["new"] is False
    users = User.objects.count()
    confirm(carol_in, cohort, response)
    assert User.objects.count() == users
    assert cohort.participants.filter(user=world["mia"], side="mentor").exists()
    assert Membership.objects.filter(user=world["mia"], role=Role.MENTOR).exists()
    # A new role ends the API tokens she made before it.
    world["token_mia"].refresh_from_db()
    assert world["token_mia"].ended_because == "roles_changed"


def test_an_xlsx_file_is_read_too(carol_in, world):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    columns = list(MENTOR)
    sheet.append(columns)
    sheet.append([2 if c == "capacity" else MENTOR[c] for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    file = SimpleUploadedFile("people.xlsx", buffer.getvalue())
    response = upload(carol_in, world["cohort_own"], file)
    assert [row["email"] for row in response.context["preview"]] == ["bola@alder.example"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.txt", b"email,side\n", b"must be a CSV or XLSX"),
        ("people.csv", b"\xff\xfe\x00bad", b"cannot be read"),
        ("people.xlsx", b"not a workbook", b"cannot be read"),
        ("people.csv", b"email,side\n", b"no rows of people"),
    ],
)
def test_unreadable_files_are_refused_plainly(carol_in, world, name, content, message):
    response = upload(carol_in, world["cohort_own"], SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content


def test_a_stale_confirmation_imports_nothing(carol_in, world):
    cohort = world["cohort_own"]
    first = upload(carol_in, cohort, csv_file(MENTEE))
    upload(carol_in, cohort, csv_file(MENTOR))  # a newer upload replaces the preview
    response = confirm(carol_in, cohort, first)
    assert response.status_code == 302
    assert not User.objects.filter(email=MENTEE["email"]).exists()


def test_the_template_has_the_engines_columns_and_email_and_side(carol_in, world):
    from allied.core.matching.rows import MENTEE_COLUMNS, MENTOR_COLUMNS

    response = carol_in.get(reverse("programmes:import_template", args=[world["cohort_own"].pk]))
    header = response.content.decode().splitlines()[0].split(",")
    assert header[:2] == ["email", "side"]
    assert {name for name, _ in (*MENTEE_COLUMNS, *MENTOR_COLUMNS)} <= set(header)


def test_the_template_itself_imports_cleanly(carol_in, world):
    cohort = world["cohort_own"]
    template = carol_in.get(reverse("programmes:import_template", args=[cohort.pk])).content
    response = upload(carol_in, cohort, SimpleUploadedFile("template.csv", template))
    assert response.context.get("problems") is None
    assert len(response.context["preview"]) == 2
