"""A consensus study's methods and reporting appendix: its parts, the reporting checklists it maps
onto, and its Markdown and Word renderings.

The appendix is built from a record (allied.workshops.appendix builds it from workshops) as
sections of plain text and tables. Text the record cannot supply is marked "Researcher to add".
Two checklists close it:

- **ACCORD** (Gattrell et al., PLoS Med 2024;21(1):e1004326): 35 items in six sections. Their
  wording could not be obtained offline, so the appendix maps by section, names the reporting
  topic (from the ACCORD team's systematic review, BMJ Open 2022;12:e065154, a preliminary list,
  not the final items) and leaves the item number for the researcher to fill in from the official
  checklist.
- **COREQ** (Tong et al., Int J Qual Health Care 2007;19(6):349–357): all 32 items, item by item.
  COREQ was written for interviews and focus groups, not for nominal groups; items that do not
  fit say so.

See docs/reporting-appendix.md and `../shared/guidelines/consensus-reporting.md`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from allied.core.model.figure import NOT_XML

TO_ADD = "Researcher to add"


@dataclass(frozen=True)
class Text:
    """A paragraph; `to_add` marks what the researcher must write or confirm."""

    text: str
    to_add: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Text | Table


@dataclass(frozen=True)
class Section:
    """A numbered part of the appendix; `key` is how the checklists refer to it."""

    key: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Appendix:
    title: str
    preface: tuple[Text, ...]
    sections: tuple[Section, ...]

    def number_of(self, key: str) -> int | None:
        """Return the section's number (1-based), or None when the appendix has no such part."""
        for number, section in enumerate(self.sections, start=1):
            if section.key == key:
                return number
        return None

    def where(self, key: str | None) -> str:
        """Return 'Section 3 (The panel)' for a key, or '' when there is none."""
        number = self.number_of(key) if key else None
        if number is None:
            return ""
        return f"Section {number} ({self.sections[number - 1].heading})"


# The checklists ------------------------------------------------------------------------------

# Whether the appendix reports an item: in full, in part (the researcher adds the rest), not at
# all (the researcher adds it), or it does not apply to a nominal group.
REPORTED, PARTLY, ADD, NOT_APPLICABLE = "Reported", "Partly reported", TO_ADD, "Not applicable"

# (number, domain, sub-heading, item): the checklist's own headings (Tong et al. 2007, Table 1).
COREQ_ITEMS = (
    (1, "Research team and reflexivity", "Personal characteristics", "Interviewer/facilitator"),
    (2, "Research team and reflexivity", "Personal characteristics", "Credentials"),
    (3, "Research team and reflexivity", "Personal characteristics", "Occupation"),
    (4, "Research team and reflexivity", "Personal characteristics", "Gender"),
    (5, "Research team and reflexivity", "Personal characteristics", "Experience and training"),
    (
        6,
        "Research team and reflexivity",
        "Relationship with participants",
        "Relationship established",
    ),
    (
        7,
        "Research team and reflexivity",
        "Relationship with participants",
        "Participant knowledge of the interviewer",
    ),
    (
        8,
        "Research team and reflexivity",
        "Relationship with participants",
        "Interviewer characteristics",
    ),
    (9, "Study design", "Theoretical framework", "Methodological orientation and theory"),
    (10, "Study design", "Participant selection", "Sampling"),
    (11, "Study design", "Participant selection", "Method of approach"),
    (12, "Study design", "Participant selection", "Sample size"),
    (13, "Study design", "Participant selection", "Non-participation"),
    (14, "Study design", "Setting", "Setting of data collection"),
    (15, "Study design", "Setting", "Presence of non-participants"),
    (16, "Study design", "Setting", "Description of sample"),
    (17, "Study design", "Data collection", "Interview guide"),
    (18, "Study design", "Data collection", "Repeat interviews"),
    (19, "Study design", "Data collection", "Audio/visual recording"),
    (20, "Study design", "Data collection", "Field notes"),
    (21, "Study design", "Data collection", "Duration"),
    (22, "Study design", "Data collection", "Data saturation"),
    (23, "Study design", "Data collection", "Transcripts returned"),
    (24, "Analysis and findings", "Data analysis", "Number of data coders"),
    (25, "Analysis and findings", "Data analysis", "Description of the coding tree"),
    (26, "Analysis and findings", "Data analysis", "Derivation of themes"),
    (27, "Analysis and findings", "Data analysis", "Software"),
    (28, "Analysis and findings", "Data analysis", "Participant checking"),
    (29, "Analysis and findings", "Reporting", "Quotations presented"),
    (30, "Analysis and findings", "Reporting", "Data and findings consistent"),
    (31, "Analysis and findings", "Reporting", "Clarity of major themes"),
    (32, "Analysis and findings", "Reporting", "Clarity of minor themes"),
)

# Item number → (the appendix's section, status, what the record gives or why it does not).
COREQ_MAP: dict[int, tuple[str | None, str, str]] = {
    1: ("facilitators", REPORTED, "Who facilitated, and in which role."),
    2: (None, ADD, "The facilitators' qualifications."),
    3: (None, ADD, "The facilitators' jobs when the study ran."),
    4: (None, ADD, "The facilitators' gender."),
    5: (None, ADD, "The facilitators' experience and training in the technique."),
    6: (None, ADD, "Whether the facilitators knew the participants beforehand."),
    7: (
        "questions",
        PARTLY,
        "The briefing and consent statement participants were shown; add what they were told "
        "about the researchers.",
    ),
    8: (None, ADD, "The facilitators' interests, assumptions and possible biases."),
    9: (
        "analysis",
        PARTLY,
        "Nominal group technique, with the voting scheme and statistics; add the wider "
        "methodological orientation.",
    ),
    10: (None, ADD, "How participants were sampled."),
    11: (
        "panel",
        PARTLY,
        "How many were invited by personal link and how many joined by code; add how they "
        "were first approached.",
    ),
    12: ("panel", REPORTED, "How many took part, in each phase and round."),
    13: (
        "panel",
        PARTLY,
        "How many were invited but did not take part, or were turned away; add why.",
    ),
    14: ("platform", PARTLY, "Online, in person or hybrid as the record shows it; confirm it."),
    15: ("facilitators", REPORTED, "Note-takers and observers present."),
    16: (
        "panel",
        REPORTED,
        "Characteristics from the optional questionnaire, under the small-number rule, and "
        "the date.",
    ),
    17: (
        "questions",
        PARTLY,
        "The questions as worded and the briefing; add whether they were piloted.",
    ),
    18: ("timeline", REPORTED, "Each voting round, including re-votes."),
    19: (None, ADD, "Allied records no audio or video; say whether you did."),
    20: ("results", REPORTED, "Notes the facilitators took during the workshop."),
    21: ("timeline", REPORTED, "How long each phase and the whole workshop took."),
    22: (
        "timeline",
        PARTLY,
        "Whether round-robin went on until everyone had passed; add whether saturation was "
        "considered.",
    ),
    23: (
        None,
        NOT_APPLICABLE,
        "There are no transcripts: participants saw the ideas as clarified on screen as the "
        "workshop went on.",
    ),
    24: (None, ADD, "How many people grouped the ideas into themes."),
    25: ("results", REPORTED, "The themes and the ideas in each."),
    26: (
        "analysis",
        REPORTED,
        "Themes were formed from the ideas during clarification, not set in advance.",
    ),
    27: ("platform", REPORTED, "Allied and its version."),
    28: ("results", REPORTED, "The group's judgement of the ranking's face validity."),
    29: (
        "results",
        PARTLY,
        "The ideas in participants' words are in the results (under pseudonyms in the full "
        "record); add the quotations used in the paper.",
    ),
    30: (None, ADD, "Whether the data shown agree with the findings."),
    31: ("results", PARTLY, "The ranking of ideas and themes; add how the paper presents them."),
    32: (None, ADD, "Diverse cases or minor themes."),
}

# ACCORD's sections: (section, item identifiers, number of items).
ACCORD_SECTIONS = (
    ("Title", "T1", 1),
    ("Introduction", "I1–I3", 3),
    ("Methods", "M1–M21", 21),
    ("Results", "R1–R5", 5),
    ("Discussion", "D1–D2", 2),
    ("Other information", "O1–O3", 3),
)

# (section, reporting topic, the appendix's section, status): topics from the ACCORD team's
# systematic review's preliminary list (BMJ Open 2022;12:e065154, Table 2), not the final items.
ACCORD_MAP: tuple[tuple[str, str, str | None, str], ...] = (
    ("Title", "Identify the study as a consensus study and name the method", None, ADD),
    ("Introduction", "Why a consensus method was chosen over other methods", None, ADD),
    ("Introduction", "A clearly defined objective", "questions", PARTLY),
    ("Methods", "The evidence review behind the study", None, ADD),
    ("Methods", "Who was on the panel", "panel", REPORTED),
    ("Methods", "Patient and public involvement", None, ADD),
    ("Methods", "How panellists were recruited", "panel", PARTLY),
    ("Methods", "How consensus and its threshold were defined", "consensus", REPORTED),
    ("Methods", "How items were approved", "consensus", REPORTED),
    ("Methods", "How many voting rounds there were, and why", "timeline", PARTLY),
    ("Methods", "Time between rounds", "timeline", REPORTED),
    ("Methods", "Software or tools used for voting", "platform", REPORTED),
    ("Methods", "Whether panellists were anonymous, and how", "anonymity", REPORTED),
    ("Methods", "Feedback to panellists after each round", "results", REPORTED),
    ("Methods", "How responses were analysed after each round", "analysis", REPORTED),
    ("Methods", "Pilot testing of materials", None, ADD),
    ("Methods", "The role of the facilitator or chair", "facilitators", PARTLY),
    ("Results", "Response rate in each round", "panel", REPORTED),
    ("Results", "Results shared with panellists", "results", REPORTED),
    ("Results", "Items dropped or merged", "platform", REPORTED),
    ("Results", "How panellists' comments were collected and summarised", "results", PARTLY),
    ("Results", "The final list of items", "results", REPORTED),
    ("Discussion", "Strengths and limitations", None, ADD),
    ("Discussion", "Applicability", None, ADD),
    (
        "Other information",
        "Funding and conflicts of interest, and how they were managed",
        None,
        ADD,
    ),
)

ACCORD_CAVEAT = (
    "ACCORD (Gattrell et al., PLoS Medicine 2024;21(1):e1004326) has 35 items: title 1, "
    "introduction 3, methods 21, results 5, discussion 2 and other information 3. The wording of "
    "its items could not be obtained when this appendix was designed, so this table maps by "
    "section: each row names a reporting topic from the ACCORD team's systematic review (BMJ Open "
    "2022;12:e065154), a preliminary list and not the final items. Fill in the item number from "
    "the official checklist (EQUATOR Network or ismpp.org/accord)."
)
COREQ_CAVEAT = (
    "COREQ (Tong, Sainsbury and Craig, International Journal for Quality in Health Care "
    "2007;19(6):349–357) has 32 items in three domains. It was written for interviews and focus "
    "groups; a nominal group is a structured group method, so some items fit only in part."
)


def checklist_sections(appendix: Appendix) -> tuple[Section, Section]:
    """Return the ACCORD and COREQ sections for an appendix whose other sections are built."""

    def status(key: str | None, said: str) -> str:
        # A part the record was meant to fill but this appendix lacks falls to the researcher.
        return said if key is None or appendix.number_of(key) is not None else ADD

    accord = Table(
        caption="ACCORD, mapped by section",
        headers=(
            "Section",
            "Items",
            "Reporting topic",
            "Where in this appendix",
            "Status",
            "Item number",
        ),
        rows=tuple(
            (
                section,
                next(ids for name, ids, _ in ACCORD_SECTIONS if name == section),
                topic,
                appendix.where(key),
                status(key, said),
                "",
            )
            for section, topic, key, said in ACCORD_MAP
        ),
    )
    coreq = Table(
        caption="COREQ, item by item",
        headers=(
            "Item",
            "Domain",
            "Topic",
            "Where in this appendix",
            "Status",
            "What the record gives",
        ),
        rows=tuple(
            (
                str(number),
                domain,
                f"{sub}: {item}",
                appendix.where(COREQ_MAP[number][0]),
                status(COREQ_MAP[number][0], COREQ_MAP[number][1]),
                COREQ_MAP[number][2],
            )
            for number, domain, sub, item in COREQ_ITEMS
        ),
    )
    return (
        Section("accord", "Reporting checklist: ACCORD", (Text(ACCORD_CAVEAT), accord)),
        Section("coreq", "Reporting checklist: COREQ", (Text(COREQ_CAVEAT), coreq)),
    )


def with_checklists(title: str, preface: Sequence[Text], sections: Sequence[Section]) -> Appendix:
    """Return the appendix of `sections` followed by its ACCORD and COREQ checklists."""
    body = Appendix(title, tuple(preface), tuple(sections))
    return Appendix(title, tuple(preface), (*body.sections, *checklist_sections(body)))


# Renderings ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text: str) -> str:
    """Return text with Markdown's special characters escaped, on one line."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # A line starting "1." or "-" would become a list; nothing here is meant as one.
    escaped = re.sub(r"^(\d+)\.", r"\1\\.", escaped)
    escaped = re.sub(r"^([-+])", r"\\\1", escaped)
    return " ".join(escaped.split())


def to_markdown(appendix: Appendix) -> str:
    """Return the appendix as Markdown; what the researcher must add is in bold."""
    lines = [f"# {md(appendix.title)}", ""]
    lines += [_md_text(t) + "\n" for t in appendix.preface]
    for number, section in enumerate(appendix.sections, start=1):
        lines += [f"## {number}. {md(section.heading)}", ""]
        for block in section.blocks:
            if isinstance(block, Text):
                lines += [_md_text(block), ""]
            else:
                lines += [f"*{md(block.caption)}*", ""]
                lines.append("| " + " | ".join(md(h) for h in block.headers) + " |")
                lines.append("|" + "---|" * len(block.headers))
                lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in block.rows]
                lines.append("")
    return "\n".join(lines)


def _md_text(text: Text) -> str:
    return f"**{TO_ADD}:** {md(text.text)}" if text.to_add else md(text.text)


def to_docx(appendix: Appendix, *, core_title: str | None = None) -> bytes:
    """Return the appendix as a Word document: real headings, tables with header rows that
    repeat on each page, British English, and what the researcher must add highlighted."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = Document()
    document.core_properties.title = _xml(core_title or appendix.title)
    document.core_properties.language = "en-GB"
    _set_language(document, "en-GB")
    document.add_heading(_xml(appendix.title), level=0)

    def paragraph(text: Text) -> None:
        p = document.add_paragraph()
        if text.to_add:
            label = p.add_run(f"{TO_ADD}: ")
            label.bold = True
            label.font.highlight_color = WD_COLOR_INDEX.YELLOW
        p.add_run(_xml(text.text))

    for text in appendix.preface:
        paragraph(text)
    for number, section in enumerate(appendix.sections, start=1):
        document.add_heading(_xml(f"{number}. {section.heading}"), level=1)
        for block in section.blocks:
            if isinstance(block, Text):
                paragraph(block)
                continue
            document.add_paragraph(_xml(block.caption), style="Caption")
            table = document.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            header = table.rows[0]
            # The header row repeats on each page and is marked as a header for screen readers.
            properties = header._tr.get_or_add_trPr()
            marker = OxmlElement("w:tblHeader")
            marker.set(qn("w:val"), "true")
            properties.append(marker)
            for cell, text in zip(header.cells, block.headers, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(_xml(text)).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = _xml(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xml(text: str) -> str:
    """Return text without the control characters an XML document cannot hold (a vertical
    tab pasted into an idea would otherwise stop the Word file being written)."""
    return NOT_XML.sub("", text)


def _set_language(document, language: str) -> None:
    """Set the proofing language of the document's default style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    run_properties.append(lang)
