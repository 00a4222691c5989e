"""The methods and reporting appendix of a finished workshop: written from the record, with the
ACCORD and COREQ checklists, readable as a page, Markdown and Word, and naming nobody."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse
from docx import Document

from allied.audit.models import AuditEvent, Kind
from allied.core import reporting
from allied.workshops.models import Characteristics, Idea, Participant, Workshop
from tests.consensus.conftest import finish_workshop

pytestmark = pytest.mark.django_db

# A participant's real name, entered by the lead as the key to a pseudonym: never in the appendix.
SECRET_NAME = "Zenobia Quillfeather"


@pytest.fixture
def finished(org, fay):
    workshop = finish_workshop(
        org,
        fay,
        title="Sponsorship | allyship <script>alert(1)</script>",
        votes=[
            ["Honest conversations", "Opens doors *now*", "Time"],
            ["Honest conversations", "Time", "Opens doors *now*"],
            ["Opens doors *now*", "Honest conversations", "Time"],
            ["Honest conversations", "Time"],
        ],
    )
    first = workshop.participants.order_by("number").first()
    Participant.objects.filter(pk=first.pk).update(real_name=SECRET_NAME)
    # One person says their ethnic group: a count of 1 must never be shown.
    Characteristics.objects.create(participant=first, ethnic_group="Black Caribbean")
    question = workshop.questions.get()
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.FINISHED)
    question.consensus_definition = "The top three ideas by total score"
    question.save(update_fields=["consensus_definition"])
    return workshop


@pytest.fixture
def facilitator(client, signed_in, fay):
    signed_in(fay)
    return client


def test_the_page_covers_every_part_and_both_checklists(facilitator, finished):
    page = facilitator.get(reverse("workshops:appendix", args=[finished.pk])).content.decode()
    for heading in (
        "The questions and how they were framed",
        "The consensus definition",
        "The panel",
        "Anonymity",
        "Platform, mode and changes from the classic technique",
        "Facilitators and others present",
        "Rounds and timings",
        "Voting and analysis",
        "Results",
        "Reporting checklist: ACCORD",
        "Reporting checklist: COREQ",
    ):
        assert f". {heading}</h2>" in page, heading
    # Every COREQ item, by number and name, and the ACCORD caveat about its wording.
    for number, _, _sub, item in reporting.COREQ_ITEMS:
        assert f'<td class="nhsuk-table__cell">{number}</td>' in page
        assert item.replace("'", "&#x27;") in page
    assert "could not be obtained when this appendix was designed" in page
    assert "Researcher to add" in page
    # From the record: the facilitator's definition, the panel, the ranking, the platform.
    assert "“The top three ideas by total score”" in page
    assert "Allied 0.1.0" in page
    assert "Fay" in page and "Lead facilitator" in page
    # Typed text is escaped, never run.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert SECRET_NAME not in page
    assert AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).exists()


def test_a_characteristic_held_by_one_person_is_never_shown(facilitator, finished):
    page = facilitator.get(reverse("workshops:appendix", args=[finished.pk])).content.decode()
    ethnic = page.split("Ethnic group of those who took part")[1].split("</table>")[0]
    # One person's own words are not printed as existing: they are among "Other answers".
    assert "Black Caribbean" not in page
    row = ethnic.split("Other answers</td>")[1].split("</tr>")[0]
    assert ">*<" in row and ">1<" not in row


def test_an_answer_everyone_gave_is_hidden_for_special_category_data(facilitator, org, fay):
    from tests.consensus.conftest import VOTES

    workshop = finish_workshop(org, fay, title="All alike", votes=VOTES * 3)
    for person in workshop.participants.all():
        Characteristics.objects.create(
            participant=person, ethnic_group="White British", setting="social_care"
        )
    page = facilitator.get(reverse("workshops:appendix", args=[workshop.pk])).content.decode()
    ethnic = page.split("Ethnic group of those who took part")[1].split("</table>")[0]
    # Twelve of twelve would tell anyone who knew who attended each one's ethnic group.
    row = ethnic.split("White British</td>")[1].split("</tr>")[0]
    assert ">*<" in row
    # Work setting is not special category data, and shows its label, not its code.
    setting = page.split("Work setting of those who took part")[1].split("</table>")[0]
    row = setting.split("Social care</td>")[1].split("</tr>")[0]
    assert "social_care" not in setting and ">10<" in row


def test_the_markdown_escapes_what_people_typed(facilitator, finished):
    response = facilitator.get(reverse("workshops:appendix_file", args=[finished.pk, "md"]))
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert "Sponsorship \\| allyship \\<script\\>alert(1)\\</script\\>" in text
    assert "Opens doors \\*now\\*" in text
    assert f"**{reporting.TO_ADD}:**" in text
    assert SECRET_NAME not in text
    # Every table row has as many cells as its header: no typed "|" breaks a table.
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("| ")]
        if rows:
            counts = {line.replace("\\|", "").count("|") for line in rows}
            assert len(counts) == 1, block


def test_the_word_document_has_headings_header_rows_and_no_names(facilitator, finished):
    response = facilitator.get(reverse("workshops:appendix_file", args=[finished.pk, "docx"]))
    assert response["Content-Disposition"].endswith('appendix.docx"')
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "11. Reporting checklist: COREQ" in headings
    coreq = document.tables[-1]
    assert len(coreq.rows) == 33  # the header and 32 items
    assert coreq.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeats as a header row
    assert document.core_properties.language == "en-GB"
    everything = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "<script>alert(1)</script>" in everything  # plain text in Word, never markup
    assert SECRET_NAME not in everything


def test_an_unfinished_workshop_has_no_appendix_yet(facilitator, workshop):
    page = facilitator.get(reverse("workshops:appendix", args=[workshop.pk]))
    assert "ready once the workshop has finished" in page.content.decode()
    download = facilitator.get(reverse("workshops:appendix_file", args=[workshop.pk, "md"]))
    assert download["Location"] == reverse("workshops:appendix", args=[workshop.pk])


def test_a_co_facilitator_may_not_open_it(client, signed_in, finished, make_person, org):
    from allied.accounts.models import Role
    from allied.workshops.models import StaffRole, WorkshopStaff

    cole = make_person("cole@alder.example", "Cole Co", org, Role.FACILITATOR)
    WorkshopStaff.objects.create(workshop=finished, user=cole, role=StaffRole.CO_FACILITATOR)
    signed_in(cole)
    assert client.get(reverse("workshops:appendix", args=[finished.pk])).status_code == 403


def test_a_pooled_appendix_covers_the_chosen_workshops_of_the_same_organisation(
    facilitator, finished, org, fay, other_org, olga
):
    second = finish_workshop(org, fay, title="Second workshop")
    elsewhere = finish_workshop(other_org, olga, title="Another trust's workshop")
    url = reverse("workshops:appendix", args=[finished.pk])
    page = facilitator.get(url, {"with": [second.pk, elsewhere.pk, "x"]}).content.decode()
    assert "Methods and reporting appendix: 2 workshops" in page
    assert "Second workshop" in page and "Another trust" not in page
    assert f"?with={second.pk}" in page  # the downloads cover the same workshops


def test_the_record_of_proxy_entry_and_merges_is_reported(facilitator, org, fay):
    workshop = finish_workshop(org, fay, title="Hybrid room")
    question = workshop.questions.get()
    first, second = list(question.ideas.order_by("number"))[:2]
    # An idea shared, then merged into the first with the group's agreement before voting.
    Idea.objects.create(
        question=question,
        number=99,
        text="Being honest",
        original_text="Being honest",
        client_id=uuid.uuid4(),
        merged_into=first,
        merge_agreement="Agreed by all",
    )
    Idea.objects.filter(pk=second.pk).update(entered_by=fay, text="Reworded")
    page = facilitator.get(reverse("workshops:appendix", args=[workshop.pk])).content.decode()
    assert "1 idea(s) and 0 ballot(s) were entered by a facilitator" in page
    assert "1 idea(s) were reworded in clarification" in page
    assert f"idea 99 into {first.number} (Agreed by all)" in page
    assert "hybrid" in page


def test_a_checklist_row_whose_part_is_missing_falls_to_the_researcher():
    appendix = reporting.with_checklists(
        "Title", (), (reporting.Section("panel", "The panel", (reporting.Text("Ten."),)),)
    )
    coreq = appendix.sections[-1].blocks[1]
    item_1 = next(row for row in coreq.rows if row[0] == "1")  # facilitators: no such part here
    assert item_1[3:5] == ("", reporting.TO_ADD)
    item_12 = next(row for row in coreq.rows if row[0] == "12")
    assert item_12[3:5] == ("Section 1 (The panel)", reporting.REPORTED)


def test_the_checklists_name_each_coreq_item_once_and_every_accord_section():
    assert [n for n, *_ in reporting.COREQ_ITEMS] == list(range(1, 33))
    assert set(reporting.COREQ_MAP) == set(range(1, 33))
    assert sum(count for *_, count in reporting.ACCORD_SECTIONS) == 35
    assert {s for s, *_ in reporting.ACCORD_MAP} == {s for s, *_ in reporting.ACCORD_SECTIONS}


def test_the_panel_counts_who_joined_and_voted(facilitator, org, fay):
    workshop = finish_workshop(org, fay, title="Counted")
    page = facilitator.get(reverse("workshops:appendix", args=[workshop.pk])).content.decode()
    panel = page.split("Who was invited, joined and took part")[1].split("</table>")[0]
    cells = [c.split("<")[0] for c in panel.split('nhsuk-table__cell">')[1:]]
    # Invited 0 (of those joined 0), 4 joined with the code, none late, waiting or turned away.
    assert cells == ["Counted", "0", "0", "4", "0", "0", "0", "4"]
    rounds = page.split("How many took part in each phase and round")[1].split("</table>")[0]
    assert "round 1: 4" in rounds


def test_a_control_character_typed_into_an_idea_does_not_stop_the_word_file(facilitator, finished):
    Idea.objects.filter(question__workshop=finished).update(text="Time\x0bto talk")
    response = facilitator.get(reverse("workshops:appendix_file", args=[finished.pk, "docx"]))
    assert response.status_code == 200
    cells = [
        c.text
        for t in Document(io.BytesIO(response.content)).tables
        for r in t.rows
        for c in r.cells
    ]
    assert any("Timeto talk" in c for c in cells)


def test_an_observer_cannot_pool_a_workshop_they_only_observe(
    client, signed_in, finished, org, fay, make_person
):
    from allied.accounts.models import Role
    from allied.workshops.models import StaffRole, WorkshopStaff

    lena = make_person("lena@alder.example", "Lena Lead", org, Role.FACILITATOR)
    theirs = finish_workshop(org, lena, title="Lena's own workshop")
    WorkshopStaff.objects.create(workshop=finished, user=lena, role=StaffRole.OBSERVER)
    signed_in(lena)
    page = client.get(reverse("workshops:appendix", args=[theirs.pk]), {"with": finished.pk})
    text = page.content.decode()
    assert page.status_code == 200 and "Lena&#x27;s own workshop" in text
    assert "Sponsorship | allyship" not in text and "Methods and reporting appendix: 2" not in text
