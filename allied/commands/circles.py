"""`allied circles form`: split a cohort in a spreadsheet into mentoring circles, without Django."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from allied.core.circles import (
    CircleError,
    CircleSpec,
    Facilitator,
    Formation,
    Pair,
    Person,
    Problem,
    SearchSettings,
    SizeRange,
    assign_facilitators,
    explain,
    form_circles,
    parse_facilitator_rows,
    parse_pair_rows,
    parse_people_rows,
    render_text,
)
from allied.core.spreadsheets import InputError, read_sheet, write_atomically


class OptionError(Exception):
    """A malformed option; ends the command with exit status 2."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `circles` and its sub-command `form` to the `allied` command."""
    circles = subparsers.add_parser("circles", help="mentoring circles from a spreadsheet")
    commands = circles.add_subparsers(dest="circles_command", required=True, metavar="COMMAND")
    p = commands.add_parser(
        "form",
        help="split a cohort into diverse circles that can meet, and assign facilitators",
        description=(
            "Split the people in a CSV (UTF-8) or XLSX file into circles within a size range, "
            "mixed on the --diverse columns and alike on the --alike columns, keeping must-link "
            "pairs together and cannot-link pairs apart. PEOPLE has an id column and one column "
            "per attribute (any case). Writes id,circle (and facilitator) per person; explains "
            "each circle on standard error."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  allied circles form cohort.csv --size 5-8 --diverse profession,band,region "
            "--alike availability\n"
            "  allied circles form cohort.xlsx --size 6-8 --diverse profession --alike "
            "availability,mode \\\n"
            "      --cannot-link managers.csv --facilitators mentors.csv --seed 7 -o circles.csv\n"
        ),
    )
    p.add_argument("people", metavar="PEOPLE", help="CSV or XLSX file: id and attribute columns")
    p.add_argument("--size", required=True, help="circle size range MIN-MAX, such as 5-8")
    p.add_argument("--diverse", default="", help="comma-separated columns to mix in each circle")
    p.add_argument("--alike", default="", help="comma-separated columns to share within a circle")
    p.add_argument(
        "--weights",
        default="",
        help="COL=W,... weight of a column in the quality (default 1 each)",
    )
    p.add_argument(
        "--circles",
        type=int,
        metavar="K",
        help="number of circles (default: sizes nearest mid-range)",
    )
    p.add_argument(
        "--must-link", metavar="PAIRS", help="CSV or XLSX of id pairs who must share a circle"
    )
    p.add_argument(
        "--cannot-link",
        metavar="PAIRS",
        help="CSV or XLSX of id pairs who must not share a circle (a facilitator id keeps that "
        "facilitator away from the person's circle)",
    )
    p.add_argument(
        "--facilitators",
        metavar="FILE",
        help="CSV or XLSX: id, capacity, kind (mentor or peer), avoid (ids; separated), and "
        "their own values of alike columns",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("-o", "--output", metavar="OUT", help="write CSV or XLSX here, not to stdout")
    p.add_argument("--report", metavar="FILE", help="also write the explanation to this file")
    p.add_argument("--quiet", action="store_true", help="do not print the explanation")
    p.set_defaults(func=run_form)


def run_form(args: argparse.Namespace) -> int:
    """Run `allied circles form`; returns 0 on success, 1 for bad input, 2 for bad options."""
    try:
        spec = _spec(args)
    except (OptionError, ValueError) as exc:
        _error(str(exc))
        return 2
    try:
        people, spec, facilitators = _read_inputs(args, spec)
        formation = form_circles(people, spec, settings=SearchSettings(seed=args.seed))
        if facilitators is not None:
            formation = assign_facilitators(formation, people, facilitators, spec)
    except InputError as exc:
        _error(str(exc))
        return 1
    except CircleError as exc:
        sources = {"must-link": args.must_link, "cannot-link": args.cannot_link}
        _report_problems(args.people, exc.problems, sources)
        return 1
    report = render_text(formation, explain(formation, people, spec), spec)
    output = _output(people, formation, facilitators is not None, args.output)
    if args.output:
        write_atomically(Path(args.output), output)
    elif isinstance(output, bytes):
        sys.stdout.buffer.write(output)
    else:
        sys.stdout.write(output)
    if args.report:
        write_atomically(Path(args.report), report)
    if not args.quiet:
        sys.stderr.write(report)
    return 0


def _spec(args: argparse.Namespace) -> CircleSpec:
    text = args.size.replace("–", "-").replace(" ", "")
    parts = text.split("-")
    try:
        low, high = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (0, -1)
    except ValueError:
        raise OptionError(f"--size takes MIN-MAX, such as 5-8, not {args.size!r}.") from None
    if len(parts) > 2:
        raise OptionError(f"--size takes MIN-MAX, such as 5-8, not {args.size!r}.")
    size = SizeRange(low, high)
    weights = {}
    for item in filter(None, (w.strip() for w in args.weights.split(","))):
        name, _, value = item.partition("=")
        try:
            weights[name.strip().lower()] = float(value)
        except ValueError:
            raise OptionError(f"--weights takes COL=NUMBER, not {item!r}.") from None
    diverse = _columns(args.diverse)
    alike = _columns(args.alike)
    unknown = set(weights) - set(diverse) - set(alike)
    if unknown:
        raise OptionError(
            f"--weights names {', '.join(sorted(unknown))}, which is in neither --diverse nor --alike."
        )
    return CircleSpec(size, diverse=diverse, alike=alike, weights=weights, circles=args.circles)


def _columns(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.strip().lower() for c in text.split(",") if c.strip()))


def _read_inputs(
    args: argparse.Namespace, spec: CircleSpec
) -> tuple[tuple[Person, ...], CircleSpec, tuple[Facilitator, ...] | None]:
    """Return the people, the spec with its pairs, and the facilitators (None if not given).

    Raises CircleError with every problem across all files, each marked with its file.
    """
    header, rows = read_sheet(Path(args.people))
    people, problems = parse_people_rows(header, rows, wanted=spec.attributes)
    problems = [replace(p, source=args.people) for p in problems]
    facilitators: tuple[Facilitator, ...] | None = None
    if args.facilitators:
        f_header, f_rows = read_sheet(Path(args.facilitators))
        facilitators, f_problems = parse_facilitator_rows(f_header, f_rows)
        problems += [replace(p, source=args.facilitators) for p in f_problems]
    person_ids = {p.id for p in people}
    facilitator_ids = {f.id for f in facilitators or ()}
    must: tuple[Pair, ...] = ()
    cannot: list[Pair] = []
    avoid: dict[str, set[str]] = {}
    if args.must_link:
        must, pair_problems = parse_pair_rows(*read_sheet(Path(args.must_link)))
        problems += [replace(p, source=args.must_link) for p in pair_problems]
    if args.cannot_link:
        pairs, pair_problems = parse_pair_rows(*read_sheet(Path(args.cannot_link)))
        problems += [replace(p, source=args.cannot_link) for p in pair_problems]
        for pair in pairs:
            for a, b in ((pair.first, pair.second), (pair.second, pair.first)):
                if a in facilitator_ids and b in person_ids:
                    avoid.setdefault(a, set()).add(b)
            if {pair.first, pair.second} <= person_ids or not (
                {pair.first, pair.second} & facilitator_ids
            ):
                cannot.append(pair)
            elif not {pair.first, pair.second} & person_ids:
                problems.append(
                    Problem(
                        f"'{pair.first}' and '{pair.second}' are both facilitators; "
                        "a cannot-link pair needs at least one person from the cohort.",
                        (pair.row,) if pair.row else (),
                        args.cannot_link,
                    )
                )
    if facilitators is not None:
        facilitators = tuple(
            replace(f, avoid=f.avoid | avoid.get(f.id, set())) for f in facilitators
        )
        for f in facilitators:
            for person_id in sorted(f.avoid - person_ids):
                problems.append(
                    Problem(
                        f"Facilitator '{f.id}' is to avoid '{person_id}', who is not in the "
                        "list of people.",
                        (f.row,) if f.row else (),
                        args.facilitators,
                    )
                )
    spec = replace(spec, must_link=must, cannot_link=tuple(cannot))
    if problems:
        raise CircleError(problems)
    return people, spec, facilitators


def _output(
    people: Sequence[Person], formation: Formation, with_facilitators: bool, path: str | None
) -> str | bytes:
    """Return the results table, one row per person in input order: id, circle[, facilitator]."""
    circle_of = formation.assignment()
    facilitator_of = {c.number: c.facilitator or "" for c in formation.circles}
    header = ["id", "circle"] + (["facilitator"] if with_facilitators else [])
    table = [header]
    for person in sorted(people, key=lambda p: p.row or 0):
        number = circle_of[person.id]
        table.append(
            [person.id, str(number)] + ([facilitator_of[number]] if with_facilitators else [])
        )
    if path and Path(path).suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "Circles"
        for i, row in enumerate(table):
            sheet.append([int(c) if i and j == 1 else c for j, c in enumerate(row)])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(table)
    return text.getvalue()


def _error(message: str) -> None:
    print(f"allied circles form: {message}", file=sys.stderr)


def _report_problems(
    people_file: str, problems: Sequence[Problem], sources: dict[str, str | None]
) -> None:
    count = len(problems)
    _error(
        f"{count} problem{'s' if count != 1 else ''} found; nothing was written "
        "(rows are numbered as in a spreadsheet, the header being row 1):"
    )
    for problem in problems:
        # The engine marks pair problems with the pair's kind; the reader marks the file.
        source = sources.get(problem.source) or problem.source or people_file
        print(f"  {source}: {problem}", file=sys.stderr)
