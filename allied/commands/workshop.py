"""`allied workshop rehearse`: run a ballots file through a live workshop, over the JSON API.

It signs in as a facilitator, creates a workshop, joins one participant per distinct
`participant` in the file, shares each distinct idea once in round-robin (by the first
participant in file order who chose it; everyone else passes on their turns), casts each
ballot as its participant's own vote, closes voting and prints the workshop's results in the
JSON shape of `allied ngt tally --format json`. Idea names are printed as the file spells
them (the workshop's "N. " numbering is taken off), so the two outputs can be compared.

Standard library and allied.core only: it talks to any Allied server by URL.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

from allied.commands.ngt import InputError, read_sheet
from allied.core.ngt import (
    ApprovalScheme,
    PointsScheme,
    RatingScheme,
    Scheme,
    SchemeError,
    build_questions,
    full_rank,
    parse_ballot_rows,
    top_k,
    validate_ballots,
)

DEMO_USER = "facilitator@northbrook.example"
DEMO_PASSWORD = "allied-demo-password"  # noqa: S105 - the demo's published password
DEMO_ORGANISATION = "northbrook-valley-demo"
DEFAULT_QUESTION = "What do you consider is important in mentoring?"
TIMEOUT_SECONDS = 30


class RehearsalError(Exception):
    """The rehearsal cannot go on; the message says why."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `workshop` and its sub-command `rehearse` to the `allied` command."""
    workshop = subparsers.add_parser("workshop", help="live workshops, from the command line")
    commands = workshop.add_subparsers(dest="workshop_command", required=True, metavar="COMMAND")
    p = commands.add_parser(
        "rehearse",
        help="run a ballots file through a live workshop and print its results",
        description=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  allied workshop rehearse --url http://127.0.0.1:8000 --ballots votes.csv\n"
            "  allied workshop rehearse --url URL --ballots votes.csv --scheme top-k --k 3\n"
            "Signs in as the demo facilitator unless --user/--password (or ALLIED_USER and\n"
            "ALLIED_PASSWORD) name another account.\n"
        ),
    )
    p.add_argument("--url", required=True, help="the Allied site, such as http://127.0.0.1:8000")
    p.add_argument("--ballots", required=True, metavar="BALLOTS", help="CSV or XLSX of ballots")
    p.add_argument(
        "--scheme",
        choices=["top-k", "full-rank", "points", "rating", "approval"],
        default="top-k",
        help="voting scheme (default top-k)",
    )
    p.add_argument("--k", type=int, default=5, help="ideas each voter may rank (top-k; default 5)")
    p.add_argument("--exactly-k", action="store_true", help="every ballot ranks exactly k ideas")
    p.add_argument("--pool", type=int, help="points each voter may spread (points scheme)")
    p.add_argument("--scale", default="1-9", help="rating scale MIN-MAX (default 1-9)")
    p.add_argument(
        "--question-text",
        help="the question, when the file has no question column (default: the study's first)",
    )
    p.add_argument("--title", default="Rehearsal", help="the workshop's title")
    p.add_argument("--user", default=os.environ.get("ALLIED_USER", DEMO_USER))
    p.add_argument("--password", default=os.environ.get("ALLIED_PASSWORD", DEMO_PASSWORD))
    p.add_argument("--totp", default=os.environ.get("ALLIED_TOTP"), help="two-factor code")
    p.add_argument(
        "--organisation",
        default=os.environ.get("ALLIED_ORGANISATION", DEMO_ORGANISATION),
        help=f"the organisation's slug (default {DEMO_ORGANISATION})",
    )
    p.set_defaults(func=run_rehearse)


def run_rehearse(args: argparse.Namespace) -> int:
    """Run `allied workshop rehearse`; 0 on success, 1 for bad input or a refusal, 2 for
    bad options."""
    try:
        scheme, fields = _scheme(args)
    except SchemeError as exc:
        _say(f"error: {exc}")
        return 2
    try:
        plan = _plan(Path(args.ballots), scheme, args.question_text)
        results = rehearse(args, plan, fields)
    except (InputError, RehearsalError) as exc:
        _say(f"error: {exc}")
        return 1
    sys.stdout.write(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _scheme(args: argparse.Namespace) -> tuple[Scheme, dict]:
    """Returns the results engine's scheme and the fields that ask the API for it."""
    if args.scheme == "top-k":
        if not 1 <= args.k <= 20:
            raise SchemeError("--k must be between 1 and 20 in a workshop.")
        return top_k(args.k, exactly_k=args.exactly_k), {
            "scheme": "top-k",
            "k": args.k,
            "exactly_k": args.exactly_k,
        }
    if args.scheme == "full-rank":
        return full_rank(), {"scheme": "full-rank"}
    if args.scheme == "points":
        if args.pool is None:
            raise SchemeError("The points scheme needs --pool P, the points each voter may spread.")
        return PointsScheme(pool=args.pool), {"scheme": "points", "pool": args.pool}
    if args.scheme == "rating":
        try:
            low, high = (int(x) for x in args.scale.split("-"))
        except ValueError:
            raise SchemeError(f"--scale takes MIN-MAX, such as 1-9, not {args.scale!r}.") from None
        return RatingScheme(low=low, high=high), {
            "scheme": "rating",
            "scale_min": low,
            "scale_max": high,
        }
    return ApprovalScheme(), {"scheme": "approval"}


def _plan(path: Path, scheme: Scheme, question_text: str | None) -> dict:
    """Returns what the rehearsal will do, read from the ballots file: questions (each with
    its ideas, who shares each, themes and ballots by round) and participants in file order.
    Raises InputError for anything the results engine or a workshop would refuse."""
    header, rows = read_sheet(path)
    parsed = parse_ballot_rows(header, rows, scheme=scheme)
    questions, question_problems = build_questions(parsed)
    problems = [*parsed.problems, *question_problems]
    if not problems:
        problems += validate_ballots(parsed.ballots, questions, scheme)
    if problems:
        raise InputError(f"{path}:\n" + "\n".join(f"  {p}" for p in problems))
    if parsed.has_groups:
        raise InputError(
            f"{path}: a workshop is one group; rehearse one group's ballots at a time."
        )
    if not parsed.ballots:
        raise InputError(f"{path}: there are no ballots.")
    participants = list(dict.fromkeys(b.participant for b in parsed.ballots))
    plan_questions = []
    for question in questions:
        ballots = [b for b in parsed.ballots if b.question == question.text]
        rounds = sorted({b.round for b in ballots})
        if rounds != list(range(1, len(rounds) + 1)):
            raise InputError(f"{path}: rounds must be numbered 1, 2, ... (found {rounds}).")
        seen: dict[str, str] = {}
        first_by: dict[str, str] = {}
        chosen = sorted(
            ((c.row or 0, b.participant, c.idea) for b in ballots for c in b.choices),
            key=lambda item: item[0],
        )
        for _row, participant, idea in chosen:
            if len(idea.strip()) > 500:
                raise InputError(f"{path}: the idea {idea[:40]!r}... is over 500 characters.")
            key = idea.strip().lower()
            if key in seen and seen[key] != idea:
                raise InputError(
                    f"{path}: {seen[key]!r} and {idea!r} differ only in case; a workshop would "
                    "take them as one idea."
                )
            seen[key] = idea
            first_by.setdefault(idea, participant)
        queues: dict[str, list[str]] = defaultdict(list)
        for idea in question.ideas:
            queues[first_by[idea]].append(idea)
        themes: dict[str, list[str]] = defaultdict(list)
        for idea, theme in zip(question.ideas, question.themes, strict=True):
            if theme:
                themes[theme].append(idea)
        plan_questions.append(
            {
                "text": question.text or question_text or DEFAULT_QUESTION,
                "ideas": list(question.ideas),
                "queues": dict(queues),
                "themes": dict(themes),
                "rounds": [[b for b in ballots if b.round == r] for r in rounds],
            }
        )
    return {"participants": participants, "questions": plan_questions}


class Api:
    """A small JSON client for the workshop API (urllib, no cookies)."""

    def __init__(self, base: str):
        if not base.startswith(("http://", "https://")):
            raise RehearsalError(f"--url must start with http:// or https://, not {base!r}.")
        self.base = base.rstrip("/")

    def call(self, method: str, path: str, body: dict | None = None, auth: str = "") -> dict:
        data = None if body is None else json.dumps(body).encode()
        # The scheme is checked in __init__: http or https only.
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", auth)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", "")
            except (ValueError, AttributeError):
                message = ""
            raise RehearsalError(
                f"{method} {path} was refused ({exc.code}): {message or exc.reason}"
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RehearsalError(f"Could not reach {self.base}: {reason}") from None


def rehearse(args: argparse.Namespace, plan: dict, fields: dict) -> dict:
    """Runs the plan through a new workshop; returns its results with the file's idea names."""
    api = Api(args.url)
    credentials = {"email": args.user, "password": args.password, "name": "rehearse"}
    if args.totp:
        credentials["totp"] = args.totp
    _say(f"Signing in to {api.base} as {args.user}.")
    bearer = "Bearer " + api.call("POST", "/api/tokens/", credentials)["token"]
    try:
        return _run(api, bearer, args, plan, fields)
    finally:
        with contextlib.suppress(RehearsalError):
            api.call("DELETE", "/api/tokens/current/", auth=bearer)


def _run(api: Api, bearer: str, args, plan: dict, fields: dict) -> dict:
    texts = [q["text"] for q in plan["questions"]]
    workshop = api.call(
        "POST",
        f"/api/organisations/{args.organisation}/workshops/",
        {"title": args.title, "questions": texts, **fields},
        auth=bearer,
    )
    pk, code = workshop["id"], workshop["join_code"]
    _say(f"Created workshop {pk} (join code {code}) with {len(texts)} question(s).")
    people: dict[str, str] = {}
    for name in plan["participants"]:
        joined = api.call("POST", f"/api/join/{code}/", {"consent": True})
        people[name] = joined["token"]
        _say(f"  {name} joined as {joined['pseudonym']}.")
    pseudonyms = {name: f"P{number}" for number, name in enumerate(plan["participants"], 1)}
    by_pseudonym = {pseudonyms[name]: name for name in plan["participants"]}
    api.call("POST", f"/api/workshops/{pk}/start/", {}, auth=bearer)

    def state() -> dict:
        return api.call("GET", f"/api/workshops/{pk}/state/", auth=bearer)

    def console(action: str, **body) -> None:
        api.call(
            "POST",
            f"/api/workshops/{pk}/act/",
            {"action": action, "phase_key": state()["phase_key"], **body},
            auth=bearer,
        )

    def participant(name: str, action: str, **body) -> None:
        api.call(
            "POST",
            f"/api/j/{code}/act/",
            {"action": action, "client_id": str(uuid.uuid4()), **body},
            auth=f"Participant {people[name]}",
        )

    labels: dict[str, str] = {}
    for index, question in enumerate(plan["questions"]):
        if index:
            console("phase_next")  # results → final discussion
            console("next_question")
        _say(f"Question {index + 1}: {question['text']}")
        console("phase_next")  # silent generation
        console("phase_next")  # round-robin
        queues = {name: list(ideas) for name, ideas in question["queues"].items()}
        for _turn in range((len(question["ideas"]) + 1) * (len(people) + 1)):
            if not any(queues.values()):
                break
            current = state()
            name = by_pseudonym[current["question"]["current_turn"]]
            if queues.get(name):
                idea = queues[name].pop(0)
                participant(name, "share", text=idea, phase_key=current["phase_key"])
                _say(f"  {pseudonyms[name]} shares: {idea}")
            else:
                participant(name, "pass", phase_key=current["phase_key"])
        else:
            raise RehearsalError("Round-robin did not finish; the turn order is not as expected.")
        console("phase_next")  # clarification
        ideas = {i["text"]: i for i in state()["question"]["ideas"]}
        ids = {idea: ideas[idea.strip()]["id"] for idea in question["ideas"]}
        labels.update(
            {f"{ideas[idea.strip()]['number']}. {idea.strip()}": idea for idea in question["ideas"]}
        )
        for theme, members in question["themes"].items():
            console("theme", name=theme, ideas=[ids[idea] for idea in members])
        for number, ballots in enumerate(question["rounds"], start=1):
            if number > 1:
                console("phase_next")  # results → final discussion
                console("revote")
            else:
                console("phase_next")  # voting
            for ballot in ballots:
                choices = {str(ids[c.idea]): c.value for c in ballot.choices}
                participant(ballot.participant, "vote", choices=choices)
            _say(f"  Round {number}: {len(ballots)} vote(s) cast; closing voting.")
            console("phase_next")  # results
    results = api.call("GET", f"/api/workshops/{pk}/results/", auth=bearer)
    return _file_names(results, labels)


def _file_names(results: dict, labels: dict[str, str]) -> dict:
    """Returns the results with each idea named as the ballots file names it."""
    for question in results.get("questions", []):
        for idea in question.get("ideas", []):
            idea["idea"] = labels.get(idea["idea"], idea["idea"])
    return results
