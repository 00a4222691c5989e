"""Results and exports of a workshop, using pseudonyms only."""

from __future__ import annotations

import json

from allied.core import ngt
from allied.core.ngt import rand
from allied.workshops.models import CHARACTERISTIC_FIELDS, Admission, Phase, Question, Workshop
from allied.workshops.results import (
    ballots_csv,
    engine_scheme,
    methods_text,
    open_round,
    panel_counts,
    question_tally,
)

FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
}


def results_context(workshop: Workshop) -> dict:
    """Returns, per question: its tally (None before anyone voted), ideas with original and
    edited wording, merges, notes, phase timings and participation."""
    questions = []
    for question in workshop.questions.prefetch_related(
        "ideas__theme", "ideas__participant", "notes__idea", "phase_changes"
    ):
        tally = question_tally(question)
        questions.append(
            {
                "question": question,
                "blocks": tally.questions if tally else [],
                **rating_context(question),
                "methods": methods_text(question, tally) if tally else "",
                "ideas": list(question.ideas.all()),
                "notes": list(question.notes.all()),
                "phases": list(question.phase_changes.all()),
                "voting_open": question.phase == Phase.VOTING and open_round(question) is not None,
            }
        )
    return {
        "workshop": workshop,
        "questions": questions,
        # Those who took part: joined, consented and let in (not those waiting or turned away).
        "participants": workshop.participants.filter(
            consented_at__isnull=False, admission=Admission.ADMITTED
        ).count(),
    }


def rating_context(question: Question) -> dict:
    """Returns what the results table needs to show a rating question: its bands, and whether
    the RAND/UCLA statistics apply (the 1–9 scale)."""
    scheme = engine_scheme(question)
    if not isinstance(scheme, ngt.RatingScheme):
        return {"rating": False, "rand": False}
    top, bottom = scheme.top_band, scheme.bottom_band
    assert top is not None and bottom is not None
    return {
        "rating": True,
        "rand": rand.applies(scheme.low, scheme.high),
        "carry": scheme.rule.exclude_bottom is not None,
        # A word joiner either side of the dash keeps "7–9" on one line in a narrow header.
        "top_band": f"{top[0]:g}\u2060–\u2060{top[1]:g}",
        "bottom_band": f"{bottom[0]:g}\u2060–\u2060{bottom[1]:g}",
    }


def export(workshop: Workshop, fmt: str) -> tuple[bytes | str, str, str]:
    """Returns (content, content type, file name) for the whole workshop in `fmt`."""
    tallies = [(q, question_tally(q)) for q in workshop.questions.all()]
    name = f"workshop-{workshop.pk}-results.{fmt}"
    if fmt == "json":
        payload = {
            "workshop": {
                "title": workshop.title,
                "date": workshop.date.isoformat() if workshop.date else None,
            },
            "questions": [
                {
                    "question": q.text,
                    "face_validity": q.face_validity or None,
                    "face_validity_reason": q.face_validity_reason or None,
                    "ideas": [
                        {
                            "number": i.number,
                            "text": i.text,
                            "original_text": i.original_text,
                            "by": i.participant.pseudonym if i.participant else None,
                            # Hybrid rooms: typed by the participant, or entered for them by staff.
                            "entered_for_them": i.entered_by_id is not None,
                            "merged_into": i.merged_into.number if i.merged_into else None,
                            "merge_agreement": i.merge_agreement or None,
                            "theme": i.theme.name if i.theme else None,
                        }
                        for i in q.ideas.select_related("participant", "merged_into", "theme")
                    ],
                    "notes": [
                        {
                            "idea": n.idea.number if n.idea else None,
                            "text": n.text,
                            "at": n.at.isoformat(),
                        }
                        for n in q.notes.select_related("idea")
                    ],
                    "results": ngt.to_dict(t) if t else None,
                    "methods": methods_text(q, t) if t else None,
                    # Votes set aside when the facilitator went back from voting: in the
                    # record, never counted.
                    "set_aside_ballots": [
                        {
                            "round": b.vote_round,
                            "participant": b.participant.pseudonym,
                            "choices": b.choices,
                            "at": b.set_aside_at.isoformat(),
                        }
                        for b in q.set_aside_ballots.select_related("participant")
                        # The open round's, like its ballots, wait for the vote to close.
                        if b.vote_round != open_round(q)
                    ],
                }
                for q, t in tallies
            ],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False), FORMATS[fmt], name
    if fmt == "csv":
        parts = []
        for q, _ in tallies:
            parts.append(ballots_csv(q))
        header, *rest = "".join(parts).splitlines(keepends=True) if parts else ("",)
        body = [line for line in rest if not line.startswith("question,")]
        return header + "".join(body), FORMATS[fmt], f"workshop-{workshop.pk}-ballots.csv"
    done = [(methods_text(q, t), t) for q, t in tallies if t is not None]
    if not done:
        return (
            ("No question has been voted on yet.\n" if fmt == "md" else _empty_xlsx()),
            FORMATS[fmt],
            name,
        )
    if fmt == "md":
        return "\n\n".join(str(ngt.render(t, "md", m)) for m, t in done), FORMATS[fmt], name
    return _merge_xlsx([ngt.render(t, "xlsx", m) for m, t in done]), FORMATS[fmt], name


def _empty_xlsx() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "No question has been voted on yet."
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _merge_xlsx(files: list[bytes]) -> bytes:
    """Returns one workbook holding every question's sheets."""
    import io

    from openpyxl import Workbook, load_workbook

    book = Workbook()
    book.remove(book.active)
    for number, data in enumerate(files, start=1):
        source = load_workbook(io.BytesIO(data))
        for sheet in source.worksheets:
            target = book.create_sheet(f"Q{number} {sheet.title}"[:31])
            for row in sheet.iter_rows(values_only=True):
                target.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def characteristics_tables(workshop: Workshop) -> list[dict]:
    """Returns a table of counts per characteristic; never a row per person."""
    counts = panel_counts(workshop)
    return [
        {
            "label": label,
            "rows": sorted(counts.get(field, {}).items(), key=lambda kv: (-kv[1], kv[0])),
        }
        for field, label in CHARACTERISTIC_FIELDS
    ]
