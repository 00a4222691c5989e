"""Spreadsheet rows to people, pairs and facilitators.

Rows come as (spreadsheet row number, cells) with the header as row 1. Column names are matched
without regard to case or surrounding spaces. Problems are returned, not raised, so that all of
them can be reported together.
"""

from __future__ import annotations

from collections.abc import Sequence

from allied.core.circles.model import Facilitator, Pair, Person, Problem

Rows = Sequence[tuple[int, Sequence[object]]]


def cell_text(cell: object) -> str:
    """Return a cell as clean text; whole floats from XLSX (101.0) become '101'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def column_names(header: Sequence[object]) -> tuple[list[str], list[Problem]]:
    """Return the header's names in lower case, and problems with blank or repeated names."""
    names = [cell_text(c).lower() for c in header]
    problems = []
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.append(Problem(f"The column '{name}' appears more than once.", (1,)))
        seen.add(name)
    return names, problems


def parse_people_rows(
    header: Sequence[object], rows: Rows, *, wanted: Sequence[str] = ()
) -> tuple[tuple[Person, ...], tuple[Problem, ...]]:
    """Return (people, problems). Every column but `id` becomes an attribute.

    `wanted` names the attribute columns the formation will use (any case); each must exist.
    Rows with every cell blank are skipped; a row with a blank id is a problem.
    """
    names, problems = column_names(header)
    if "id" not in names:
        problems.append(Problem("There is no 'id' column; add one naming each person.", (1,)))
    available = [n for n in names if n and n != "id"]
    for column in wanted:
        if column.strip().lower() not in names:
            problems.append(
                Problem(
                    f"Unknown column '{column}'; the columns are: {', '.join(available) or 'none'}.",
                    (1,),
                )
            )
    if problems:
        return (), tuple(problems)
    id_at = names.index("id")
    people = []
    for row, cells in rows:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        texts += [""] * (len(names) - len(texts))
        if len(texts) > len(names) and any(texts[len(names) :]):
            problems.append(Problem("This row has more cells than the header has columns.", (row,)))
            continue
        person_id = texts[id_at]
        if not person_id:
            problems.append(Problem("The id is blank.", (row,)))
            continue
        attributes = {n: texts[j] for j, n in enumerate(names) if n and n != "id"}
        people.append(Person(person_id, attributes, row))
    if not people and not problems:
        problems.append(Problem("There are no people in the file, only a header."))
    return tuple(people), tuple(problems)


def parse_pair_rows(
    header: Sequence[object], rows: Rows
) -> tuple[tuple[Pair, ...], tuple[Problem, ...]]:
    """Return (pairs, problems) from a two-column file of ids; the first row is a header."""
    names, problems = column_names(header)
    if len([n for n in names if n]) < 2:
        problems.append(
            Problem("A pairs file needs a header with two columns, such as 'id,other'.", (1,))
        )
        return (), tuple(problems)
    pairs = []
    for row, cells in rows:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        texts += ["", ""]
        if not texts[0] or not texts[1]:
            problems.append(Problem("A pair needs an id in each of the first two columns.", (row,)))
            continue
        pairs.append(Pair(texts[0], texts[1], row))
    return tuple(pairs), tuple(problems)


def parse_facilitator_rows(
    header: Sequence[object], rows: Rows
) -> tuple[tuple[Facilitator, ...], tuple[Problem, ...]]:
    """Return (facilitators, problems).

    Columns: `id` (required); `capacity`, the number of circles they can run (default 1);
    `kind`, mentor or peer (default mentor); `avoid`, ids of people whose circle they must not run,
    separated by semicolons; any other column is their value of that attribute (availability...).
    """
    names, problems = column_names(header)
    if "id" not in names:
        problems.append(Problem("The facilitators file has no 'id' column.", (1,)))
        return (), tuple(problems)
    facilitators = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        values = dict(zip(names, texts + [""] * (len(names) - len(texts)), strict=False))
        facilitator_id = values["id"]
        if not facilitator_id:
            problems.append(Problem("The facilitator's id is blank.", (row,)))
            continue
        if facilitator_id in seen:
            problems.append(
                Problem(
                    f"The facilitator '{facilitator_id}' is listed twice.",
                    (seen[facilitator_id], row),
                )
            )
            continue
        seen[facilitator_id] = row
        capacity_text = values.get("capacity", "") or "1"
        try:
            capacity = int(capacity_text)
            if capacity < 0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    f"The capacity '{capacity_text}' is not a whole number of circles (0 or more).",
                    (row,),
                )
            )
            continue
        kind = (values.get("kind", "") or "mentor").lower()
        if kind not in ("mentor", "peer"):
            problems.append(Problem(f"The kind '{kind}' is neither mentor nor peer.", (row,)))
            continue
        avoid = frozenset(a.strip() for a in values.get("avoid", "").split(";") if a.strip())
        attributes = {
            n: v for n, v in values.items() if n and n not in ("id", "capacity", "kind", "avoid")
        }
        facilitators.append(Facilitator(facilitator_id, capacity, kind, attributes, avoid, row))
    return tuple(facilitators), tuple(problems)
