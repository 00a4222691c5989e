"""Ballots: parsing spreadsheet rows into dataclasses, validating them, and packing them into arrays.

Row numbers are the ones a spreadsheet shows: the header is row 1, so the first ballot row is row 2.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from allied.core.ngt.schemes import (
    ApprovalScheme,
    PointsScheme,
    RankScheme,
    RatingScheme,
    Scheme,
)

BallotKey = tuple[str | None, int, str | None, str]  # question, round, group, participant


@dataclass(frozen=True)
class Choice:
    """One mark on a ballot: a rank, a number of points, a rating, or 1 for an approval."""

    idea: str
    value: float = 1.0
    row: int | None = None


@dataclass(frozen=True)
class Ballot:
    """One participant's vote on one question in one round (and group, when there are several)."""

    participant: str
    choices: tuple[Choice, ...]
    question: str | None = None
    round: int = 1
    group: str | None = None

    @property
    def key(self) -> BallotKey:
        """Return (question, round, group, participant), which identifies the ballot."""
        return (self.question, self.round, self.group, self.participant)

    @property
    def rows(self) -> tuple[int, ...]:
        """Return the spreadsheet rows this ballot came from (empty when it did not)."""
        return tuple(c.row for c in self.choices if c.row is not None)


@dataclass(frozen=True)
class Question:
    """A question and the ideas on its ballot, in ballot order, with each idea's theme (or None)."""

    text: str | None
    ideas: tuple[str, ...]
    themes: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        if not self.themes:
            object.__setattr__(self, "themes", (None,) * len(self.ideas))
        if len(self.themes) != len(self.ideas):
            raise ValueError("A question needs one theme entry (or None) per idea.")
        if len(set(self.ideas)) != len(self.ideas):
            raise ValueError("An idea appears twice on the same question's ballot.")


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input; `rows` are spreadsheet row numbers (may be empty)."""

    message: str
    rows: tuple[int, ...] = ()
    ballot: BallotKey | None = None

    def __str__(self) -> str:
        if not self.rows:
            return self.message
        rows = sorted(set(self.rows))
        where = f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(map(str, rows))
        return f"{where}: {self.message}"


class BallotError(ValueError):
    """The input holds problems; nothing may be computed from it. `problems` lists every one."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ParsedBallots:
    """The result of reading ballot rows: ballots in file order, themes found, and problems."""

    ballots: tuple[Ballot, ...]
    themes: Mapping[tuple[str | None, str], str] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    has_groups: bool = False


VALUE_COLUMNS = ("rank", "points", "rating")


def value_column(scheme: Scheme) -> str | None:
    """Return the column a scheme reads its marks from (None for approval)."""
    if isinstance(scheme, RankScheme):
        return "rank"
    if isinstance(scheme, PointsScheme):
        return "points"
    if isinstance(scheme, RatingScheme):
        return "rating"
    return None


def _text(cell: object) -> str:
    """Return a cell as clean text; whole floats from XLSX (101.0) become '101'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _number(cell: object) -> float | None:
    """Return a cell as a finite number, or None when it is not one."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        try:
            value = float(_text(cell))
        except ValueError:
            return None
    return value if math.isfinite(value) else None


_YES = {"1", "yes", "y", "true", "x"}
_NO = {"0", "no", "n", "false", ""}


def parse_ballot_rows(
    header: Sequence[object],
    rows: Iterable[tuple[int, Sequence[object]]],
    *,
    scheme: Scheme,
) -> ParsedBallots:
    """Return the ballots in `rows` (each a spreadsheet row number and its cells) with any problems.

    Header names are case-insensitive. Rows whose cells are all empty are skipped.
    """
    names = [_text(h).lower() for h in header]
    problems: list[Problem] = []
    index = {name: i for i, name in reversed(list(enumerate(names))) if name}
    for name in {n for n in names if n and names.count(n) > 1}:
        problems.append(Problem(f"The column '{name}' appears twice in the header.", (1,)))
    wanted = value_column(scheme)
    missing = [c for c in ("participant", "idea") if c not in index]
    if wanted is not None and wanted not in index:
        others = [c for c in VALUE_COLUMNS if c in index]
        hint = f" (this file has '{others[0]}': choose the matching --scheme)" if others else ""
        missing.append(f"{wanted}{hint}")
    if missing:
        found = ", ".join(n for n in names if n) or "nothing"
        problems.append(
            Problem(
                f"The header needs the column(s) {', '.join(missing)}; it has {found}.",
                (1,),
            )
        )
        return ParsedBallots((), {}, tuple(problems))
    if problems:
        return ParsedBallots((), {}, tuple(problems))

    def cell(values: Sequence[object], name: str) -> object:
        i = index.get(name)
        return values[i] if i is not None and i < len(values) else None

    marks: dict[BallotKey, list[Choice]] = {}
    themes: dict[tuple[str | None, str], str] = {}
    theme_rows: dict[tuple[str | None, str], int] = {}
    for row, values in rows:
        if all(_text(v) == "" for v in values):
            continue
        question = _text(cell(values, "question")) if "question" in index else None
        participant = _text(cell(values, "participant"))
        idea = _text(cell(values, "idea"))
        group = _text(cell(values, "group")) if "group" in index else None
        messages: list[str] = []
        if "question" in index and not question:
            messages.append("The question is empty.")
        if not participant:
            messages.append("The participant is empty.")
        if not idea:
            messages.append("The idea is empty.")
        if group == "":
            messages.append("The group is empty.")
        round_number = 1
        if "round" in index and _text(cell(values, "round")) != "":
            number = _number(cell(values, "round"))
            if number is None or not number.is_integer() or number < 1:
                shown = _text(cell(values, "round"))
                messages.append(f"The round '{shown}' is not a whole number from 1 up.")
            else:
                round_number = int(number)
        value = 1.0
        if wanted is not None:
            raw = cell(values, wanted)
            number = _number(raw)
            if number is None:
                shown = _text(raw)
                messages.append(
                    f"The {wanted} '{shown}' is not a number."
                    if shown
                    else f"The {wanted} is empty."
                )
            else:
                value = number
        elif "approved" in index:
            answer = _text(cell(values, "approved")).lower()
            if answer in _NO:
                continue
            if answer not in _YES:
                messages.append(f"The approved value '{answer}' is not yes/no, true/false or 1/0.")
        key: BallotKey = (question, round_number, group, participant)
        # A row problem spoils its participant's whole ballot, so --lenient can drop that ballot.
        owner = key if participant else None
        if "theme" in index and idea:
            theme = _text(cell(values, "theme"))
            if theme:
                known = themes.setdefault((question, idea), theme)
                if known != theme:
                    problems.append(
                        Problem(
                            f"The idea '{idea}' is given the theme '{theme}' here but '{known}' "
                            f"in row {theme_rows[(question, idea)]}.",
                            (row,),
                        )
                    )
                theme_rows.setdefault((question, idea), row)
        if messages:
            problems.extend(Problem(message, (row,), owner) for message in messages)
            continue
        marks.setdefault(key, []).append(Choice(idea, value, row))
    ballots = tuple(
        Ballot(participant=k[3], choices=tuple(cs), question=k[0], round=k[1], group=k[2])
        for k, cs in marks.items()
    )
    if not ballots and not problems:
        problems.append(Problem("The file holds no ballots: every row after the header is empty."))
    return ParsedBallots(ballots, themes, tuple(problems), has_groups="group" in index)


def parse_idea_rows(
    header: Sequence[object], rows: Iterable[tuple[int, Sequence[object]]]
) -> tuple[dict[str | None, list[tuple[str, str | None, int]]], tuple[Problem, ...]]:
    """Return the ideas list as {question: [(idea, theme, row), ...]} in file order, and problems.

    The columns are `question` (optional), `idea` and `theme` (optional), case-insensitive.
    """
    names = [_text(h).lower() for h in header]
    if "idea" not in names:
        found = ", ".join(n for n in names if n) or "nothing"
        return {}, (Problem(f"The ideas list needs an 'idea' column; it has {found}.", (1,)),)
    idx = {n: i for i, n in reversed(list(enumerate(names))) if n}
    listed: dict[str | None, list[tuple[str, str | None, int]]] = {}
    seen: dict[tuple[str | None, str], int] = {}
    problems: list[Problem] = []
    for row, values in rows:
        if all(_text(v) == "" for v in values):
            continue

        def get(name: str, values: Sequence[object] = values) -> str:
            i = idx.get(name)
            return _text(values[i]) if i is not None and i < len(values) else ""

        question = get("question") if "question" in idx else None
        idea = get("idea")
        if not idea:
            problems.append(Problem("The idea is empty.", (row,)))
            continue
        if (question, idea) in seen:
            problems.append(
                Problem(
                    f"The idea '{idea}' is listed twice (first in row {seen[(question, idea)]}).",
                    (row,),
                )
            )
            continue
        seen[(question, idea)] = row
        listed.setdefault(question, []).append((idea, get("theme") or None, row))
    if not listed and not problems:
        problems.append(Problem("The ideas list is empty."))
    return listed, tuple(problems)


def build_questions(
    parsed: ParsedBallots,
    listed: Mapping[str | None, Sequence[tuple[str, str | None, int]]] | None = None,
) -> tuple[tuple[Question, ...], tuple[Problem, ...]]:
    """Return the questions (in order of first appearance in the ballots) and any problems.

    With `listed` (from an ideas list) each question's ballot is that list, and an idea on a ballot
    that is not on it is a problem; without it, the ideas are those chosen, in order of appearance.
    """
    problems: list[Problem] = []
    order: dict[str | None, dict[str, None]] = {}
    first_row: dict[str | None, int | None] = {}
    for ballot in parsed.ballots:
        ideas = order.setdefault(ballot.question, {})
        first_row.setdefault(ballot.question, ballot.rows[0] if ballot.rows else None)
        for choice in ballot.choices:
            ideas.setdefault(choice.idea)
    if listed is not None:
        listed = dict(listed)
        if None in listed and len(listed) == 1 and None not in order:
            if len(order) > 1:
                problems.append(
                    Problem(
                        "The ideas list needs a 'question' column because the ballots hold "
                        f"{len(order)} questions."
                    )
                )
                return (), tuple(problems)
            # One question in the ballots and an ideas list without questions: they match.
            listed = {next(iter(order)): listed[None]}
        if None in order and None not in listed:
            if len(listed) > 1:
                problems.append(
                    Problem(
                        "The ballots need a 'question' column because the ideas list holds "
                        f"{len(listed)} questions."
                    )
                )
                return (), tuple(problems)
            listed = {None: next(iter(listed.values()))}
    questions: list[Question] = []
    for text, chosen in order.items():
        themes_in_ballots = {idea: t for (q, idea), t in parsed.themes.items() if q == text}
        if listed is None:
            ideas = tuple(chosen)
            themes = tuple(themes_in_ballots.get(i) for i in ideas)
        else:
            if text not in listed:
                row = first_row[text]
                problems.append(
                    Problem(
                        f"The question '{text}' is not in the ideas list.", (row,) if row else ()
                    )
                )
                continue
            entries = listed[text]
            ideas = tuple(e[0] for e in entries)
            theme_of = {e[0]: (e[1], e[2]) for e in entries}
            for idea, theme in themes_in_ballots.items():
                listed_theme = theme_of.get(idea, (None, 0))[0]
                if idea in theme_of and listed_theme is not None and listed_theme != theme:
                    problems.append(
                        Problem(
                            f"The idea '{idea}' has the theme '{theme}' in the ballots but "
                            f"'{listed_theme}' in the ideas list (row {theme_of[idea][1]})."
                        )
                    )
            themes = tuple(theme_of[i][0] or themes_in_ballots.get(i) for i in ideas)
        questions.append(Question(text, ideas, themes))
    return tuple(questions), tuple(problems)


def _ballot_problem(ballot: Ballot, message: str, rows: Sequence[int] | None = None) -> Problem:
    where = [f"Participant '{ballot.participant}'"]
    if ballot.question is not None:
        where.append(f"question '{ballot.question}'")
    if ballot.round != 1:
        where.append(f"round {ballot.round}")
    if ballot.group is not None:
        where.append(f"group '{ballot.group}'")
    text = (
        message[0].lower() + message[1:] if message.startswith(("The ", "This ", "A ")) else message
    )
    return Problem(
        f"{', '.join(where)}: {text}", tuple(rows) if rows is not None else ballot.rows, ballot.key
    )


def validate_ballots(
    ballots: Sequence[Ballot],
    questions: Sequence[Question],
    scheme: Scheme,
    *,
    incomplete: Collection[BallotKey] = (),
) -> tuple[Problem, ...]:
    """Return every problem in `ballots` under `scheme` (an empty tuple means they may be tallied).

    Checks: unknown questions and ideas, an idea marked twice, a participant voting twice on the
    same question and round, and each scheme's own rules (ranks, choices, pool, scale). Ballots in
    `incomplete` lost rows that could not be read, so checks on how many choices they hold are
    skipped rather than reporting a knock-on problem.
    """
    by_text = {q.text: q for q in questions}
    problems: list[Problem] = []
    seen: dict[BallotKey, Ballot] = {}
    groups_voted: dict[tuple[str | None, int, str], dict[str | None, Ballot]] = defaultdict(dict)
    for ballot in ballots:
        question = by_text.get(ballot.question)
        if question is None:
            problems.append(
                _ballot_problem(ballot, f"The question '{ballot.question}' is unknown.")
            )
            continue
        if ballot.key in seen:
            problems.append(
                _ballot_problem(
                    ballot, "This participant has two ballots for the same question and round."
                )
            )
        seen[ballot.key] = ballot
        groups_voted[(ballot.question, ballot.round, ballot.participant)][ballot.group] = ballot
        if not ballot.choices:
            problems.append(_ballot_problem(ballot, "The ballot is empty."))
            continue
        problems.extend(_check_ideas(ballot, question))
        problems.extend(_check_scheme(ballot, question, scheme, ballot.key in incomplete))
    for (_, round_number, _), by_group in groups_voted.items():
        if len(by_group) > 1:
            names = ", ".join(f"'{g}'" for g in by_group)
            for ballot in by_group.values():
                problems.append(
                    _ballot_problem(
                        ballot,
                        f"This participant voted in several groups ({names}) on the same question "
                        f"in round {round_number}.",
                    )
                )
    return tuple(problems)


def _check_ideas(ballot: Ballot, question: Question) -> list[Problem]:
    problems = []
    known = set(question.ideas)
    first: dict[str, Choice] = {}
    for choice in ballot.choices:
        if choice.idea not in known:
            close = difflib.get_close_matches(choice.idea, question.ideas, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            problems.append(
                _ballot_problem(
                    ballot, f"The idea '{choice.idea}' is not on the ballot.{hint}", _rows(choice)
                )
            )
        if choice.idea in first:
            problems.append(
                _ballot_problem(
                    ballot,
                    f"The idea '{choice.idea}' is marked twice on one ballot.",
                    _rows(first[choice.idea], choice),
                )
            )
        else:
            first[choice.idea] = choice
    return problems


def _rows(*choices: Choice) -> tuple[int, ...]:
    return tuple(c.row for c in choices if c.row is not None)


def _check_scheme(
    ballot: Ballot, question: Question, scheme: Scheme, incomplete: bool = False
) -> list[Problem]:
    n = len(question.ideas)
    problems = []
    if isinstance(scheme, RankScheme):
        # Ranks run 1..k even when fewer ideas were seen (without an ideas list n is only the ideas
        # somebody chose); exactly-k cannot ask for more choices than the ballot holds.
        allowed = scheme.k if scheme.k is not None else n
        required = min(allowed, n)
        by_rank: dict[float, Choice] = {}
        for choice in ballot.choices:
            r = choice.value
            if not float(r).is_integer() or not 1 <= r <= allowed:
                problems.append(
                    _ballot_problem(
                        ballot, f"The rank {_shown(r)} is outside 1–{allowed}.", _rows(choice)
                    )
                )
            elif r in by_rank:
                problems.append(
                    _ballot_problem(
                        ballot,
                        f"The rank {_shown(r)} is given twice.",
                        _rows(by_rank[r], choice),
                    )
                )
            else:
                by_rank[r] = choice
        count = len(ballot.choices)
        if count > allowed:
            problems.append(
                _ballot_problem(
                    ballot, f"The ballot ranks {count} ideas; at most {allowed} are allowed."
                )
            )
        elif incomplete:
            pass
        elif scheme.complete and count < n:
            missing = [i for i in question.ideas if i not in {c.idea for c in ballot.choices}]
            problems.append(
                _ballot_problem(
                    ballot,
                    f"A full ranking must rank all {n} ideas; missing: {', '.join(missing)}.",
                )
            )
        elif scheme.exactly_k and count < required:
            problems.append(
                _ballot_problem(
                    ballot, f"The ballot ranks {count} ideas; exactly {required} are required."
                )
            )
        if by_rank and len(by_rank) == count and not incomplete:
            gaps = [r for r in range(1, count + 1) if r not in by_rank]
            if gaps:
                problems.append(
                    _ballot_problem(
                        ballot,
                        "The ranks skip "
                        + ", ".join(map(str, gaps))
                        + f": {count} choice{'s' if count != 1 else ''} must be ranked 1–{count}.",
                    )
                )
    elif isinstance(scheme, PointsScheme):
        for choice in ballot.choices:
            if choice.value < 0:
                problems.append(
                    _ballot_problem(
                        ballot, f"The points {_shown(choice.value)} are negative.", _rows(choice)
                    )
                )
        spent = sum(c.value for c in ballot.choices)
        if spent > scheme.pool + 1e-9:
            problems.append(
                _ballot_problem(
                    ballot,
                    f"The ballot spends {_shown(spent)} points; the pool is {_shown(scheme.pool)}.",
                )
            )
    elif isinstance(scheme, RatingScheme):
        for choice in ballot.choices:
            if not scheme.low <= choice.value <= scheme.high:
                problems.append(
                    _ballot_problem(
                        ballot,
                        f"The rating {_shown(choice.value)} is outside the scale {scheme.low}–{scheme.high}.",
                        _rows(choice),
                    )
                )
    else:
        assert isinstance(scheme, ApprovalScheme)
    return problems


def _shown(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def drop_invalid(
    ballots: Sequence[Ballot], problems: Sequence[Problem]
) -> tuple[tuple[Ballot, ...], tuple[tuple[Ballot, tuple[Problem, ...]], ...]]:
    """Return (ballots kept, ballots dropped each with its problems) for lenient tallying."""
    by_key: dict[BallotKey, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.ballot is not None:
            by_key[problem.ballot].append(problem)
    kept = tuple(b for b in ballots if b.key not in by_key)
    dropped = tuple((b, tuple(by_key[b.key])) for b in ballots if b.key in by_key)
    return kept, dropped


@dataclass(frozen=True)
class BallotTable:
    """Ballots packed into parallel arrays, one entry per choice; what the tally engine reads.

    `question` indexes `questions`, `idea` indexes that question's ideas, `group` indexes `groups`
    (all zero when there are no groups), `participant` indexes `participants`.
    """

    questions: tuple[Question, ...]
    question: np.ndarray
    round: np.ndarray
    group: np.ndarray
    participant: np.ndarray
    idea: np.ndarray
    value: np.ndarray
    groups: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()

    @property
    def has_groups(self) -> bool:
        """Return True when the ballots came from several named groups."""
        return bool(self.groups)

    @classmethod
    def from_ballots(cls, ballots: Sequence[Ballot], questions: Sequence[Question]) -> BallotTable:
        """Return the table of valid `ballots`; raises BallotError on unknown questions or ideas."""
        q_index = {q.text: i for i, q in enumerate(questions)}
        idea_index = [{idea: i for i, idea in enumerate(q.ideas)} for q in questions]
        group_labels: dict[str, int] = {}
        people: dict[str, int] = {}
        cols: tuple[list[int], ...] = ([], [], [], [], [])
        values: list[float] = []
        problems = []
        for ballot in ballots:
            qi = q_index.get(ballot.question)
            if qi is None:
                problems.append(
                    _ballot_problem(ballot, f"The question '{ballot.question}' is unknown.")
                )
                continue
            gi = (
                0
                if ballot.group is None
                else group_labels.setdefault(ballot.group, len(group_labels))
            )
            pi = people.setdefault(ballot.participant, len(people))
            for choice in ballot.choices:
                ii = idea_index[qi].get(choice.idea)
                if ii is None:
                    problems.append(
                        _ballot_problem(
                            ballot, f"The idea '{choice.idea}' is not on the ballot.", _rows(choice)
                        )
                    )
                    continue
                for col, v in zip(cols, (qi, ballot.round, gi, pi, ii), strict=True):
                    col.append(v)
                values.append(choice.value)
        if problems:
            raise BallotError(problems)
        if any(b.group is None for b in ballots) and group_labels:
            raise BallotError([Problem("Either every ballot has a group or none has.")])
        arrays = [np.asarray(c, dtype=np.int64) for c in cols]
        return cls(
            questions=tuple(questions),
            question=arrays[0],
            round=arrays[1],
            group=arrays[2],
            participant=arrays[3],
            idea=arrays[4],
            value=np.asarray(values, dtype=np.float64),
            groups=tuple(group_labels),
            participants=tuple(people),
        )
