"""`allied ngt tally`: tally NGT ballots from a CSV or XLSX spreadsheet, without Django."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from allied.core.ngt import (
    PRESETS,
    AgreementRule,
    ApprovalScheme,
    BallotError,
    BootstrapSettings,
    PointsScheme,
    Problem,
    RatingScheme,
    Scheme,
    SchemeError,
    build_questions,
    drop_invalid,
    full_rank,
    parse_ballot_rows,
    parse_idea_rows,
    preset,
    render,
    tally,
    top_k,
    validate_ballots,
)
from allied.core.ngt.report import FORMATS
from allied.core.spreadsheets import InputError, read_sheet, write_atomically


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `ngt` and its sub-command `tally` to the `allied` command."""
    ngt = subparsers.add_parser("ngt", help="Nominal Group Technique results from a spreadsheet")
    commands = ngt.add_subparsers(dest="ngt_command", required=True, metavar="COMMAND")
    p = commands.add_parser(
        "tally",
        help="tally ballots: totals, ranks, themes, rounds, groups, Kendall's W",
        description=(
            "Tally NGT ballots from a CSV (UTF-8) or XLSX file with one row per choice. Columns "
            "(any case): question (optional with one question), participant, idea, and rank, points "
            "or rating; optional round, group, theme."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  allied ngt tally votes.csv\n"
            "  allied ngt tally votes.xlsx --ideas ideas.csv --format md -o results.md\n"
            "  allied ngt tally votes.csv --bootstrap 1000 --seed 7 --format json -o results.json\n"
            "  allied ngt tally ratings.csv --scheme rating --scale 1-9 --format xlsx -o results.xlsx\n"
        ),
    )
    p.add_argument("ballots", metavar="BALLOTS", help="CSV or XLSX file of ballots")
    p.add_argument(
        "--scheme",
        choices=["top-k", "full-rank", "points", "rating", "approval"],
        default="top-k",
        help="voting scheme (default top-k)",
    )
    p.add_argument(
        "--preset",
        choices=list(PRESETS),
        help="scoring of a common tool; overrides --scheme: "
        + "; ".join(f"{name}: {text}" for name, (text, _) in PRESETS.items()),
    )
    p.add_argument(
        "--k", type=int, default=None, help="ideas each voter may rank (top-k; default 5)"
    )
    p.add_argument(
        "--exactly-k", action="store_true", help="every top-k ballot must hold exactly k choices"
    )
    p.add_argument("--pool", type=float, help="points each voter may spread (points scheme)")
    p.add_argument("--scale", default="1-9", help="rating scale MIN-MAX (default 1-9)")
    p.add_argument("--top-band", help="top rating band MIN-MAX (default: top third, 7-9 on 1-9)")
    p.add_argument("--bottom-band", help="bottom rating band MIN-MAX (default: bottom third)")
    p.add_argument(
        "--agree-top", type=float, default=70.0, help="agreement: at least this %% in the top band"
    )
    p.add_argument(
        "--agree-bottom",
        type=float,
        default=15.0,
        help="agreement: under this %% in the bottom band",
    )
    p.add_argument(
        "--exclude-bottom",
        type=float,
        metavar="PCT",
        help="carry-forward rule: exclude an idea at least PCT%% rate in the bottom band; "
        "ideas neither agreed nor excluded go to the next round",
    )
    p.add_argument(
        "--tie-break",
        help="comma-separated tie-break chain (default total,voters,first_places; "
        "rating: median,mean,voters)",
    )
    p.add_argument(
        "--ideas", metavar="IDEAS", help="CSV or XLSX listing the ballot: question,idea[,theme]"
    )
    p.add_argument(
        "--bootstrap", type=int, metavar="N", help="bootstrap rank stability with N resamples"
    )
    p.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1)")
    p.add_argument(
        "--top", type=int, metavar="N", help="bootstrap: report P(rank ≤ N) (default k, else 5)"
    )
    p.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default table)"
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    p.add_argument(
        "--lenient", action="store_true", help="drop invalid ballots (listing each) and go on"
    )
    p.set_defaults(func=run_tally)


def run_tally(args: argparse.Namespace) -> int:
    """Run `allied ngt tally`; returns 0 on success, 1 for bad input, 2 for bad options."""
    try:
        scheme = _scheme(args)
        bootstrap = None
        if args.bootstrap is not None:
            bootstrap = BootstrapSettings(resamples=args.bootstrap, seed=args.seed, top_n=args.top)
    except (SchemeError, ValueError) as exc:
        _error(str(exc))
        return 2
    if args.format == "xlsx" and not args.output:
        _error("--format xlsx needs -o FILE.xlsx.")
        return 2
    try:
        output = _tally(args, scheme, bootstrap)
    except InputError as exc:
        _error(str(exc))
        return 1
    except BallotError as exc:
        _report_problems(args.ballots, exc.problems)
        return 1
    except SchemeError as exc:
        _error(str(exc))
        return 2
    if args.output:
        write_atomically(Path(args.output), output)
    elif isinstance(output, bytes):
        sys.stdout.buffer.write(output)
    else:
        sys.stdout.write(output)
    return 0


def _tally(
    args: argparse.Namespace, scheme: Scheme, bootstrap: BootstrapSettings | None
) -> str | bytes:
    header, rows = read_sheet(Path(args.ballots))
    parsed = parse_ballot_rows(header, rows, scheme=scheme)
    problems: list[Problem] = list(parsed.problems)
    listed = None
    if args.ideas:
        idea_header, idea_rows = read_sheet(Path(args.ideas))
        listed, idea_problems = parse_idea_rows(idea_header, idea_rows)
        if idea_problems:
            raise InputError(
                f"{args.ideas}: the ideas list has problems:\n"
                + "\n".join(f"  {p}" for p in idea_problems)
            )
    if any(p.ballot is None for p in problems if not p.rows or p.rows == (1,)):
        raise BallotError(problems)
    questions, question_problems = build_questions(parsed, listed)
    problems += question_problems
    incomplete = {p.ballot for p in parsed.problems if p.ballot is not None}
    problems += validate_ballots(parsed.ballots, questions, scheme, incomplete=incomplete)
    ballots = parsed.ballots
    if problems:
        if not args.lenient or any(p.ballot is None for p in problems):
            raise BallotError(problems)
        ballots, dropped = drop_invalid(parsed.ballots, problems)
        _report_dropped(args.ballots, dropped, problems)
        if not ballots:
            raise InputError(
                f"{args.ballots}: every ballot was invalid, so there is nothing to tally."
            )
    chain = tuple(k.strip() for k in args.tie_break.split(",")) if args.tie_break else None
    result = tally(ballots, questions, scheme, tie_break=chain, bootstrap=bootstrap)
    return render(result, args.format)


def _scheme(args: argparse.Namespace) -> Scheme:
    if args.exclude_bottom is not None and (args.preset or args.scheme != "rating"):
        raise SchemeError("--exclude-bottom applies to the rating scheme.")
    if args.preset:
        return preset(args.preset, k=args.k)
    if args.scheme == "top-k":
        return top_k(5 if args.k is None else args.k, exactly_k=args.exactly_k)
    if args.k is not None or args.exactly_k:
        raise SchemeError(f"--k and --exactly-k apply to the top-k scheme, not {args.scheme}.")
    if args.scheme == "full-rank":
        return full_rank()
    if args.scheme == "points":
        if args.pool is None:
            raise SchemeError("The points scheme needs --pool P, the points each voter may spread.")
        return PointsScheme(pool=args.pool)
    if args.scheme == "rating":
        low, high = _range(args.scale, "--scale")
        return RatingScheme(
            low=int(low),
            high=int(high),
            top_band=_range(args.top_band, "--top-band") if args.top_band else None,
            bottom_band=_range(args.bottom_band, "--bottom-band") if args.bottom_band else None,
            rule=AgreementRule(
                min_top=args.agree_top,
                max_bottom=args.agree_bottom,
                exclude_bottom=args.exclude_bottom,
            ),
        )
    return ApprovalScheme()


def _range(text: str, option: str) -> tuple[float, float]:
    parts = text.replace("–", "-").split("-")
    try:
        low, high = (float(x) for x in parts)
    except ValueError:
        raise SchemeError(f"{option} takes MIN-MAX, such as 1-9, not {text!r}.") from None
    if option == "--scale" and not (low.is_integer() and high.is_integer()):
        raise SchemeError(f"{option} takes whole numbers, such as 1-9, not {text!r}.")
    return low, high


def _error(message: str) -> None:
    print(f"allied ngt tally: {message}", file=sys.stderr)


def _report_problems(source: str, problems: Sequence[Problem]) -> None:
    count = len(problems)
    _error(
        f"{source}: {count} problem{'s' if count != 1 else ''} found; nothing was computed "
        "(rows are numbered as in a spreadsheet, the header being row 1):"
    )
    for problem in sorted(problems, key=lambda p: min(p.rows) if p.rows else 0):
        print(f"  {problem}", file=sys.stderr)


def _report_dropped(
    source: str, dropped: Sequence[tuple[object, Sequence[Problem]]], problems: Sequence[Problem]
) -> None:
    listed = {id(p) for _, ps in dropped for p in ps}
    loose = [p for p in problems if id(p) not in listed]
    total = len(dropped) + len({p.ballot for p in loose})
    _error(f"{source}: --lenient dropped {total} invalid ballot{'s' if total != 1 else ''}:")
    for ballot, ballot_problems in dropped:
        key = ballot.key  # type: ignore[attr-defined]
        where = ", ".join(
            part
            for part in (
                f"question '{key[0]}'" if key[0] is not None else "",
                f"round {key[1]}",
                f"group '{key[2]}'" if key[2] is not None else "",
            )
            if part
        )
        print(f"  participant '{key[3]}' ({where}):", file=sys.stderr)
        for p in ballot_problems:
            print(f"    {p}", file=sys.stderr)
    for p in loose:
        print(f"  {p}", file=sys.stderr)
