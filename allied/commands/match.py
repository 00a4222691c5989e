"""`allied match`: match mentees with mentors from spreadsheets, without Django.

`allied match pairs` takes scores computed elsewhere; `allied match profiles` scores people from
their profiles and explains every pair; `allied match template` writes blank spreadsheets.
Nothing is written when any input is bad; problems go to stderr with their row numbers.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# Only the list of objectives: the engine (NumPy, OR-Tools) is imported by the sub-command that
# needs it, so that `allied match pairs` on a small file starts quickly.
from allied.core.matching.objectives import OBJECTIVES

MAX_REPORTED = 50


class InputError(Exception):
    """Bad input: `problems` lists each with its file and row."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def add_parser(subparsers) -> None:
    """Add `match` and its sub-commands to the `allied` parser."""
    match = subparsers.add_parser(
        "match", help="match mentees with mentors from spreadsheets (CSV or XLSX)"
    )
    kinds = match.add_subparsers(dest="match_command", required=True, metavar="KIND")

    pairs = kinds.add_parser("pairs", help="match from scores computed elsewhere")
    pairs.add_argument(
        "pairs", help="CSV: mentee,mentor,score or mentee,mentor,mentee_score,mentor_score"
    )
    pairs.add_argument("--mentors", required=True, help="CSV: mentor,capacity")
    pairs.add_argument("--objective", choices=OBJECTIVES, default="max-total")
    pairs.add_argument("-o", "--output", help="write mentee,mentor,score here (default: stdout)")
    pairs.add_argument("--json", action="store_true", help="print a JSON summary")
    pairs.set_defaults(func=run_pairs)

    profiles = kinds.add_parser("profiles", help="score and match people from their profiles")
    profiles.add_argument("mentees", help="mentees spreadsheet (CSV or XLSX)")
    profiles.add_argument("mentors", help="mentors spreadsheet (CSV or XLSX)")
    profiles.add_argument("--config", help="programme settings (TOML)")
    profiles.add_argument("--objective", choices=OBJECTIVES, default="max-total")
    profiles.add_argument("--locked", help="CSV or XLSX of mentee,mentor pairs to keep as they are")
    profiles.add_argument("--shortlist", type=int, metavar="N", help="list N options per mentee")
    profiles.add_argument(
        "-o", "--output", help="write matches here, .csv or .xlsx (default: stdout)"
    )
    profiles.add_argument(
        "--explain", action="store_true", help="add full coordinator and participant explanations"
    )
    profiles.set_defaults(func=run_profiles)

    template = kinds.add_parser("template", help="write blank mentee and mentor spreadsheets")
    template.add_argument(
        "directory", help="where to write mentees.csv, mentors.csv, programme.toml"
    )
    template.add_argument("--xlsx", action="store_true", help="write matching-template.xlsx too")
    template.set_defaults(func=run_template)


def _fail(problems: Sequence[str]) -> int:
    for line in problems[:MAX_REPORTED]:
        print(line, file=sys.stderr)
    if len(problems) > MAX_REPORTED:
        print(f"... and {len(problems) - MAX_REPORTED} more problems.", file=sys.stderr)
    print("Nothing was written.", file=sys.stderr)
    return 2


# Reading -------------------------------------------------------------------------------------


def read_table(path: str) -> tuple[list[str], list[list[str]]]:
    """Return (header, rows) of a CSV (UTF-8, BOM tolerated) or the first sheet of an XLSX.

    Header names are stripped and lower-cased; every cell is text.
    """
    if not Path(path).is_file():
        raise InputError([f"{path}: no such file"])
    if path.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise InputError([f"{path}: not UTF-8 text; save it as CSV UTF-8 or as XLSX"]) from None
    except csv.Error as exc:
        raise InputError([f"{path}: {exc}"]) from None
    if not rows:
        raise InputError([f"{path}: the file is empty"])
    return [h.strip().lower() for h in rows[0]], rows[1:]


def _read_xlsx(path: str) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError([f"{path}: cannot be read as XLSX ({exc})"]) from None
    sheet = book.worksheets[0]
    rows = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    if not rows:
        raise InputError([f"{path}: the first sheet is empty"])
    return [h.strip().lower() for h in rows[0]], rows[1:]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _records(path: str) -> list[dict[str, str]]:
    header, rows = read_table(path)
    return [dict(zip(header, row, strict=False)) for row in rows]


def _milli(text: str) -> int | None:
    """Return a score in thousandths, or None when it is not a number with up to 3 decimals."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    scaled = value * 1000
    if scaled != scaled.to_integral_value():
        return None
    return int(scaled)


def read_mentors_capacity(path: str) -> tuple[list[str], list[int]]:
    """Return (mentor ids, capacities) from a `mentor,capacity` file, or raise InputError."""
    header, rows = read_table(path)
    missing = [c for c in ("mentor", "capacity") if c not in header]
    if missing:
        raise InputError([f"{path}: missing column {', '.join(missing)}; need mentor,capacity"])
    mi, ci = header.index("mentor"), header.index("capacity")
    problems = []
    ids: list[str] = []
    caps: list[int] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        mentor = row[mi].strip() if mi < len(row) else ""
        raw = row[ci].strip() if ci < len(row) else ""
        if not mentor:
            problems.append(f"{path} row {number}: the mentor is empty")
            continue
        if mentor in seen:
            problems.append(
                f"{path} row {number}: mentor {mentor!r} is already on row {seen[mentor]}"
            )
            continue
        seen[mentor] = number
        try:
            capacity = int(raw)
        except ValueError:
            problems.append(f"{path} row {number}: capacity {raw!r} is not a whole number")
            continue
        if capacity < 0:
            problems.append(f"{path} row {number}: capacity {capacity} is negative")
            continue
        ids.append(mentor)
        caps.append(capacity)
    if problems:
        raise InputError(problems)
    return ids, caps


def _simple_csv_columns(path: str, wanted: Sequence[str]):
    """Return (header, {column: list of cells}, whether any cell has surrounding spaces) when
    the file is plain, else None.

    Plain means no quotes, no bare carriage returns and the header's number of fields on every
    line: then splitting on commas is exactly what `csv.reader` does, and it runs in C over the
    whole file instead of building a list per row. Anything else goes through `read_table`.
    """

    if not Path(path).is_file() or path.lower().endswith((".xlsx", ".xlsm")):
        return None
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b'"' in raw or not raw.strip():
        return None
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")
        if b"\r" in raw:
            return None
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    header = [
        h.strip().lower() for h in text[: text.find("\n") if "\n" in text else None].split(",")
    ]
    width = len(header)
    if not _every_line_has(raw, width - 1):
        return None
    cells = text.replace("\n", ",").split(",")
    columns = {c: cells[width + header.index(c) :: width] for c in wanted if c in header}
    # Ids are matched stripped of surrounding whitespace. A file with no whitespace but line
    # ends (and plain ASCII, so no other Unicode spaces) needs no stripping at all.
    padded = (
        not raw.isascii()
        or any(ch in raw for ch in (b" ", b"\t", b"\x0b", b"\x0c"))
        or (any(ch in raw for ch in (b"\x1c", b"\x1d", b"\x1e", b"\x1f")))
    )
    return header, columns, padded


def _every_line_has(raw: bytes, commas: int) -> bool:
    """Return whether every line of `raw` (no trailing newline) holds exactly `commas` commas.

    With the right total, it is enough that each line holds its own run of `commas` commas
    (the k-th run, counting commas in file order): runs are disjoint, so none can hold more.
    """
    import numpy as np

    lines = raw.count(b"\n") + 1
    if raw.count(b",") != lines * commas:
        return False
    if commas == 0:
        return True
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = np.append(np.flatnonzero(data == 10), len(data))
    starts = np.concatenate([[0], ends[:-1] + 1])
    where = np.flatnonzero(data == 44)
    first = np.arange(lines) * commas
    return bool((where[first] > starts - 1).all() and (where[first + commas - 1] < ends).all())


def read_pairs(path: str, mentor_ids: Sequence[str]):
    """Return (mentee ids, mentee codes, mentor codes, mentee scores, mentor scores, two-sided).

    Scores are numpy int64 milli-points. Raises InputError listing every bad row.
    """
    import numpy as np

    simple = _simple_csv_columns(
        path, ["mentee", "mentor", "score", "mentee_score", "mentor_score"]
    )
    if simple is not None:
        header = simple[0]
    else:
        header, rows = read_table(path)
    two_sided = "mentee_score" in header and "mentor_score" in header
    wanted = (
        ["mentee", "mentor", "mentee_score", "mentor_score"]
        if two_sided
        else ["mentee", "mentor", "score"]
    )
    missing = [c for c in wanted if c not in header]
    if missing:
        raise InputError(
            [
                f"{path}: missing column {', '.join(missing)}; need mentee,mentor,score or "
                "mentee,mentor,mentee_score,mentor_score"
            ]
        )
    problems: list[str] = []
    if simple is not None:
        col = {name: simple[1][name] for name in wanted}
    else:
        width = len(header)
        short = [n for n, row in enumerate(rows, start=2) if len(row) < width]
        if short:
            problems += [f"{path} row {n}: too few columns" for n in short]
            raise InputError(problems)
        columns = list(zip(*rows, strict=False)) if rows else [() for _ in header]
        col = {name: list(columns[header.index(name)]) for name in wanted}
    count = len(col["mentee"])
    mentees, mentors = col["mentee"], col["mentor"]
    if simple is None or simple[2]:
        mentees, mentors = [x.strip() for x in mentees], [x.strip() for x in mentors]
    # Codes in order of first appearance, with dict and map doing the work in C.
    mentee_code = {x: k for k, x in enumerate(dict.fromkeys(mentees))}
    mentor_code = {m: k for k, m in enumerate(mentor_ids)}
    mentee_arr = np.fromiter(map(mentee_code.__getitem__, mentees), np.int64, count)
    mentor_arr = np.fromiter(map(mentor_code.get, mentors, itertools.repeat(-1)), np.int64, count)
    if "" in mentee_code:
        for k in np.flatnonzero(mentee_arr == mentee_code[""]).tolist():
            problems.append(f"{path} row {k + 2}: the mentee is empty")
    for k in np.flatnonzero(mentor_arr < 0).tolist():
        problems.append(
            f"{path} row {k + 2}: mentor {col['mentor'][k]!r} is not in the mentors file"
        )
    score_columns = ["mentee_score", "mentor_score"] if two_sided else ["score"]
    parsed = []
    for name in score_columns:
        values = col[name]
        floats = _floats(values)
        scaled = floats * 1000
        milli = np.rint(scaled)
        # A true 3-decimal number lands within rounding error of a whole number of
        # thousandths; anything further off (or not finite, or not a number at all) is checked
        # exactly, one by one.
        with np.errstate(invalid="ignore"):
            suspicious = ~np.isfinite(floats) | (
                np.abs(scaled - milli) > 1e-12 * np.maximum(1.0, np.abs(scaled))
            )
        milli = np.where(suspicious, 0, milli).astype(np.int64)
        for k in np.flatnonzero(suspicious).tolist():
            exact = _milli(values[k])
            if exact is None:
                problems.append(
                    f"{path} row {k + 2}: {name} {values[k]!r} is not a number with at most 3 decimal places"
                )
            else:
                milli[k] = exact
        parsed.append(milli)
    if count:
        key = mentee_arr * (len(mentor_ids) + 1) + (mentor_arr + 1)
        ordered = np.sort(key)
        # Only a file with a repeated pair pays for the stable sort that names both rows.
        if (ordered[1:] == ordered[:-1]).any():
            order = np.argsort(key, kind="stable")
            dup = np.flatnonzero(key[order][1:] == key[order][:-1])
            for k in dup.tolist():
                first, again = int(order[k]) + 2, int(order[k + 1]) + 2
                if mentor_arr[order[k]] >= 0:
                    problems.append(f"{path} row {again}: the same pair as row {first}")
    if problems:
        raise InputError(sorted(problems, key=_row_of))
    ids = list(mentee_code)
    if two_sided:
        return ids, mentee_arr, mentor_arr, parsed[0], parsed[1], True
    return ids, mentee_arr, mentor_arr, parsed[0], np.zeros_like(parsed[0]), False


def _floats(values: Sequence[str]):
    """Return the cells as float64, NaN where a cell is not a number."""
    import numpy as np

    try:
        return np.fromiter(map(float, values), np.float64, len(values))
    except ValueError:
        out = np.empty(len(values))
        for k, text in enumerate(values):
            try:
                out[k] = float(text)
            except ValueError:
                out[k] = np.nan
        return out


def _row_of(problem: str) -> int:
    try:
        return int(problem.split(" row ", 1)[1].split(":", 1)[0].split(",", 1)[0])
    except (IndexError, ValueError):
        return 0


# Writing -------------------------------------------------------------------------------------


def _points(milli: int) -> str:
    text = f"{milli / 1000:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _write_atomically(path: str, write) -> None:
    """Write through a temporary file beside `path`, so a failure leaves nothing half-written."""
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".allied-", suffix=Path(path).suffix)
    os.close(fd)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_rows(
    path: str | None,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    summary: Sequence[str] = (),
) -> None:
    """Write rows as CSV (or XLSX by extension, with a Summary sheet); stdout when no path."""
    if path is None:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)
        return
    if path.lower().endswith(".xlsx"):

        def write_xlsx(target: str) -> None:
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "Matches"
            sheet.append(list(header))
            for row in rows:
                sheet.append(list(row))
            if summary:
                notes = book.create_sheet("Summary")
                for line in summary:
                    notes.append([line])
            book.save(target)

        _write_atomically(path, write_xlsx)
        return

    def write_csv(target: str) -> None:
        with open(target, "w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            out.writerows(rows)

    _write_atomically(path, write_csv)


# allied match pairs ------------------------------------------------------------------------


def run_pairs(args: argparse.Namespace) -> int:
    """Run `allied match pairs`; returns the exit status."""
    import numpy as np

    from allied.core.matching.solve import solve

    started = time.perf_counter()
    try:
        mentor_ids, capacities = read_mentors_capacity(args.mentors)
        mentee_ids, mentee, mentor, mentee_score, mentor_score, two_sided = read_pairs(
            args.pairs, mentor_ids
        )
    except InputError as exc:
        return _fail(exc.problems)
    capacity = np.asarray(capacities, dtype=np.int64)
    if not two_sided and args.objective == "stable":
        # One score for the pair: both sides rank by it.
        mentor_score = mentee_score
        total = mentee_score
    else:
        total = mentee_score + mentor_score
    mentor_of = solve(
        args.objective, len(mentee_ids), capacity, mentee, mentor, mentee_score, mentor_score
    )
    # Each matched pair's score, found by binary search over the sorted pair keys.
    key = mentee * max(1, len(mentor_ids)) + mentor
    order = np.argsort(key)
    matched = np.flatnonzero(mentor_of >= 0)
    at = order[np.searchsorted(key[order], matched * max(1, len(mentor_ids)) + mentor_of[matched])]
    score_of = dict(zip(matched.tolist(), total[at].tolist(), strict=True))
    rows = []
    matched_scores = []
    for i, j in enumerate(mentor_of.tolist()):
        if j < 0:
            rows.append((mentee_ids[i], "", ""))
        else:
            s = score_of[i]
            matched_scores.append(s)
            rows.append((mentee_ids[i], mentor_ids[j], _points(s)))
    if args.output or not args.json:
        write_rows(args.output, ("mentee", "mentor", "score"), rows)
    if args.objective == "stable":
        from allied.core.matching.solve import max_matched

        fewer = max_matched(len(mentee_ids), capacity, mentee, mentor) - len(matched_scores)
        print(
            f"A stable matching leaves {fewer} fewer mentees matched than the largest possible.",
            file=sys.stderr,
        )
    if args.json:
        print(
            json.dumps(
                {
                    "objective": args.objective,
                    "matched": len(matched_scores),
                    "unmatched": len(mentee_ids) - len(matched_scores),
                    "total_score": sum(matched_scores) / 1000,
                    "min_score": min(matched_scores) / 1000 if matched_scores else None,
                    "seconds": round(time.perf_counter() - started, 3),
                }
            )
        )
    return 0


# allied match profiles ---------------------------------------------------------------------


def run_profiles(args: argparse.Namespace) -> int:
    """Run `allied match profiles`; returns the exit status."""
    from allied.core.matching import rows as readers

    problems: list[str] = []
    people = {}
    for role, path, reader in (
        ("mentees", args.mentees, readers.mentees_from_rows),
        ("mentors", args.mentors, readers.mentors_from_rows),
    ):
        try:
            found, errors = reader(_records(path))
        except InputError as exc:
            problems += exc.problems
            continue
        people[role] = found
        problems += [f"{path} {e}" for e in errors]
        given = [p for p in found if p.gender not in ("", "prefer_not_to_say")]
        if given and not any(p.gender_consent for p in given):
            print(
                f"Note: in {path} nobody agreed to their gender being used in matching (the "
                "gender_consent column), so gender is not used for anyone in it.",
                file=sys.stderr,
            )
    config = None
    if args.config:
        import tomllib

        try:
            with open(args.config, "rb") as handle:
                data = tomllib.load(handle)
            config, errors = readers.config_from_mapping(data)
            problems += [f"{args.config}: {e}" for e in errors]
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{args.config}: {exc}")
    locks = []
    if args.locked:
        try:
            locks, errors = readers.locks_from_rows(_records(args.locked))
            problems += [f"{args.locked} {e}" for e in errors]
        except InputError as exc:
            problems += exc.problems
    if args.shortlist is not None and args.shortlist < 1:
        problems.append("--shortlist needs a number of 1 or more")
    if problems:
        return _fail(problems)
    try:
        if args.shortlist:
            header, out_rows, summary = _shortlist_rows(people, config, locks, args.shortlist)
        else:
            header, out_rows, summary = _match_rows(people, config, locks, args)
    except ValueError as exc:
        return _fail([str(exc)])
    write_rows(args.output, header, out_rows, summary)
    stream = sys.stdout if args.output else sys.stderr
    for line in summary:
        print(line, file=stream)
    return 0


def _match_rows(people, config, locks, args):
    from allied.core.matching import (
        ProgrammeConfig,
        coordinator_lines,
        match_cohort,
        participant_lines,
        reason_line,
        score_pair,
        summarise,
        unmatched_coordinator_line,
        unmatched_participant_line,
    )

    config = config or ProgrammeConfig()
    mentees = {m.id: m for m in people["mentees"]}
    mentors = {m.id: m for m in people["mentors"]}
    result = match_cohort(
        people["mentees"], people["mentors"], config, objective=args.objective, locked=locks
    )
    header = [
        "mentee",
        "mentee_name",
        "mentor",
        "mentor_name",
        "status",
        "score",
        "mentee_score",
        "mentor_score",
        "reason",
    ]
    if args.explain:
        header += ["coordinator_explanation", "mentee_explanation", "mentor_explanation"]
    rows = []
    pairs = []
    for match in result.matches:
        mentee, mentor = mentees[match.mentee_id], mentors[match.mentor_id]
        pair = score_pair(mentee, mentor, config)
        pairs.append(pair)
        row = [
            mentee.id,
            mentee.name,
            mentor.id,
            mentor.name,
            "locked" if match.locked else "matched",
            _points(match.score),
            _points(match.mentee_score),
            _points(match.mentor_score),
            reason_line(pair, mentee, mentor, match),
        ]
        if args.explain:
            row += [
                " ".join(coordinator_lines(pair, mentee, mentor)),
                " ".join(participant_lines(pair, mentee, mentor, "mentee")),
                " ".join(participant_lines(pair, mentee, mentor, "mentor")),
            ]
        rows.append(row)
    for unmatched in result.unmatched:
        mentee = mentees[unmatched.mentee_id]
        row = [
            mentee.id,
            mentee.name,
            "",
            "",
            "unmatched",
            "",
            "",
            "",
            unmatched_coordinator_line(unmatched, mentee, mentors),
        ]
        if args.explain:
            row += [row[-1], unmatched_participant_line(unmatched), ""]
        rows.append(row)
    rows.sort(key=lambda r: r[0])
    return header, rows, summarise(result, pairs).lines()


def _shortlist_rows(people, config, locks, size):
    from allied.core.matching import ProgrammeConfig, reason_line, score_pair, shortlist

    config = config or ProgrammeConfig()
    mentees = {m.id: m for m in people["mentees"]}
    mentors = {m.id: m for m in people["mentors"]}
    lists = shortlist(people["mentees"], people["mentors"], config, size=size, locked=locks)
    rows = []
    for mentee_id, options in sorted(lists.items()):
        if not options:
            rows.append(
                [
                    mentee_id,
                    mentees[mentee_id].name,
                    "",
                    "",
                    "",
                    "",
                    "no feasible mentor with a free place",
                ]
            )
        for k, option in enumerate(options, start=1):
            pair = score_pair(mentees[mentee_id], mentors[option.mentor_id], config)
            rows.append(
                [
                    mentee_id,
                    mentees[mentee_id].name,
                    k,
                    option.mentor_id,
                    mentors[option.mentor_id].name,
                    _points(option.score),
                    reason_line(pair, mentees[mentee_id], mentors[option.mentor_id], option),
                ]
            )
    header = ["mentee", "mentee_name", "option", "mentor", "mentor_name", "score", "reason"]
    summary = (f"Shortlists of up to {size} mentors for {len(lists)} mentees.",)
    return header, rows, summary


# allied match template ---------------------------------------------------------------------

EXAMPLE_MENTEE = {
    "id": "mentee-001",
    "name": "Amina",
    "profession": "Occupational therapist",
    "band": "Band 5",
    "work_setting": "NHS",
    "region": "London",
    "ethnic_group": "black_african",
    "ethnicity_consent": "yes",
    "meeting_mode": "Either",
    "values": "Honesty; Kindness",
    "working_style": "Reflective",
    "openness": "4",
    "conscientiousness": "3.5",
    "career_goals": "promotion",
    "prefer_profession": "no preference",
    "prefer_broad_ethnic_group": "same",
    "prefer_broad_ethnic_group_strength": "important",
    "prefer_band": "one of: Band 7; Band 8a",
    "prefer_band_strength": "essential",
    "what_i_need": "Sponsorship: opening doors and putting my name forward; career_direction",
    "what_can_help_me": "networking",
}
EXAMPLE_MENTOR = {
    "id": "mentor-001",
    "name": "Bola",
    "profession": "Physiotherapist",
    "band": "Band 8a",
    "work_setting": "NHS",
    "region": "London",
    "meeting_mode": "Online",
    "values": "Honesty",
    "working_style": "Structured and planned",
    "openness": "4",
    "conscientiousness": "4",
    "capacity": "2",
    "offers": "sponsorship; career_direction; race_and_racism",
    "allyship_trained": "yes",
}


def _programme_toml() -> str:
    from allied.core.matching.model import ProgrammeConfig

    config = ProgrammeConfig()
    lines = ["# Programme settings for `allied match profiles --config`.", "", "[weights]"]
    lines += [f"{k} = {v}" for k, v in vars(config.weights).items()]
    lines += ["", "[rules]"]
    lines += [f"{k} = {str(v).lower()}" for k, v in vars(config.rules).items()]
    lines += [
        "",
        "[pruning]",
        f"prune_above = {config.prune_above}",
        f"candidates_per_mentee = {config.candidates_per_mentee}",
        f"candidates_per_mentor = {config.candidates_per_mentor}",
        "",
    ]
    return "\n".join(lines)


def run_template(args: argparse.Namespace) -> int:
    """Run `allied match template`: write mentees.csv, mentors.csv and programme.toml."""
    from allied.core.matching.rows import MENTEE_COLUMNS, MENTOR_COLUMNS

    directory = Path(args.directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, columns, example in (
        ("mentees", MENTEE_COLUMNS, EXAMPLE_MENTEE),
        ("mentors", MENTOR_COLUMNS, EXAMPLE_MENTOR),
    ):
        header = [c for c, _ in columns]
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        out.writerow(header)
        out.writerow([example.get(c, "") for c in header])
        (directory / f"{name}.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (directory / "programme.toml").write_text(_programme_toml(), encoding="utf-8")
    if args.xlsx:
        import openpyxl

        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, columns, example in (
            ("Mentees", MENTEE_COLUMNS, EXAMPLE_MENTEE),
            ("Mentors", MENTOR_COLUMNS, EXAMPLE_MENTOR),
        ):
            sheet = book.create_sheet(name)
            sheet.append([c for c, _ in columns])
            sheet.append([example.get(c, "") for c, _ in columns])
            sheet.append([])
            for column, meaning in columns:
                sheet.append([column, meaning])
        book.save(directory / "matching-template.xlsx")
    print(f"Wrote templates to {directory}.")
    return 0
