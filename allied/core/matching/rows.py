"""Spreadsheet rows to people, and programme settings from a parsed TOML table.

Rows are dicts of column name to text, as read from CSV or XLSX. Column names and values are
matched without regard to case; a value may be a vocabulary code or its label. Lists are
separated by semicolons. Problems are returned, not raised, so that all of them can be reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

from allied.core.matching import vocabulary as v
from allied.core.matching.model import (
    Lock,
    Mentee,
    Mentor,
    Needs,
    Preference,
    ProgrammeConfig,
    Rules,
    Weights,
)

ATTRIBUTE_CODES = tuple(code for code, _ in v.PREFERENCE_ATTRIBUTES)

_PROFILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Required. A unique reference, such as a staff number or email address."),
    ("name", "How explanations name the person."),
    ("profession", "A profession from the list (code or label)."),
    ("band", "Agenda for Change band (Band 2 to Band 9, 8a to 8d) or a career stage."),
    ("work_setting", "NHS, social care, voluntary sector, independent sector, retired, ..."),
    ("region", "UK region."),
    ("ethnic_group", "ONS 2021 ethnic group, or 'Prefer not to say'. Optional."),
    (
        "ethnicity_self_description",
        "Optional free text in the person's own words; never matched on.",
    ),
    (
        "ethnicity_consent",
        "yes if the person agrees to their ethnic group being used for matching.",
    ),
    ("gender", "Woman, Man, Non-binary, In another way, or Prefer not to say. Optional."),
    ("gender_consent", "yes if the person agrees to their gender being used for matching."),
    ("languages", "Languages spoken, separated by semicolons."),
    ("interests", "Professional interests, separated by semicolons."),
    ("career_goals", "Career goals from the list, separated by semicolons."),
    ("meeting_mode", "Online, In person or Either."),
    ("availability", "Times from the list, separated by semicolons."),
    ("values", "Values from the list, separated by semicolons."),
    ("working_style", "Working styles from the list, separated by semicolons."),
    ("openness", "Openness scale mean, 1 to 5."),
    ("conscientiousness", "Conscientiousness scale mean, 1 to 5."),
    ("line_manager", "The id of this person's line manager, if in the cohort."),
    ("team", "Team name; people in the same team are not matched if the programme says so."),
    ("exclusions", "Ids of people this person must not be matched with, separated by semicolons."),
)

_PREFERENCE_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    item
    for attribute, label in v.PREFERENCE_ATTRIBUTES
    for item in (
        (
            f"prefer_{attribute}",
            f"{label} of the other person: same, different, no preference, or 'one of: A; B'.",
        ),
        (f"prefer_{attribute}_strength", "essential, important (the default) or nice to have."),
    )
)

COMMON_COLUMNS = (*_PROFILE_COLUMNS, *_PREFERENCE_COLUMNS)

MENTEE_COLUMNS: tuple[tuple[str, str], ...] = (
    *COMMON_COLUMNS,
    ("what_i_need", "Support topics, separated by semicolons: essential for basic function."),
    ("what_i_require", "Support topics: a formal or necessary condition for progressing."),
    ("what_can_help_me", "Support topics: makes things easier."),
    ("what_can_support_me", "Support topics: guidance over time."),
)

MENTOR_COLUMNS: tuple[tuple[str, str], ...] = (
    *COMMON_COLUMNS,
    ("capacity", "Required. How many mentees this mentor can take: a whole number, 0 or more."),
    ("offers", "Support topics this mentor offers, separated by semicolons."),
    ("allyship_trained", "yes if the mentor has completed allyship training."),
)

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "agreed", "consented"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})


class RowErrors(list[str]):
    """Problems found in rows, each naming its row."""


def _lookup(choices: v.Choices) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, label in choices:
        out[code.lower()] = code
        out[label.lower()] = code
        out[code.replace("_", " ").lower()] = code
    return out


LOOKUPS = {name: _lookup(choices) for name, choices in v.ATTRIBUTE_VOCABULARIES.items()}
LOOKUPS["ethnic_group_or_broad"] = _lookup(v.ETHNIC_GROUPS + v.BROAD_ETHNIC_GROUPS)
LIST_LOOKUPS = {
    "availability": _lookup(v.AVAILABILITY),
    "values": _lookup(v.VALUES),
    "working_style": _lookup(v.WORKING_STYLES),
    "career_goals": _lookup(v.CAREER_GOALS),
    "topics": _lookup(v.SUPPORT_TOPICS),
}


class _Row:
    """One row being read: collects problems with the row number attached."""

    def __init__(self, row: Mapping[str, Any], number: int, errors: list[str]) -> None:
        self.row = {
            str(k).strip().lower(): "" if x is None else str(x).strip()
            for k, x in row.items()
            if k is not None
        }
        self.number = number
        self.errors = errors

    def fail(self, column: str, message: str) -> None:
        self.errors.append(f"row {self.number}, {column}: {message}")

    def text(self, column: str) -> str:
        return self.row.get(column, "")

    def choice(self, column: str, lookup: str) -> str:
        raw = self.text(column)
        if not raw:
            return ""
        code = LOOKUPS[lookup].get(raw.lower())
        if code is None:
            self.fail(column, f"{raw!r} is not one of the listed values")
            return ""
        return code

    def items(self, column: str, lookup: str | None = None) -> frozenset[str]:
        raw = [x.strip() for x in self.text(column).split(";") if x.strip()]
        if lookup is None:
            return frozenset(x.lower() for x in raw)
        out = set()
        for x in raw:
            code = LIST_LOOKUPS[lookup].get(x.lower())
            if code is None:
                self.fail(column, f"{x!r} is not one of the listed values")
            else:
                out.add(code)
        return frozenset(out)

    def flag(self, column: str) -> bool:
        raw = self.text(column).lower()
        if raw in TRUE_WORDS:
            return True
        if raw not in FALSE_WORDS:
            self.fail(column, f"{self.text(column)!r} should be yes or no")
        return False

    def scale(self, column: str) -> float | None:
        raw = self.text(column)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.fail(column, f"{raw!r} is not a number")
            return None
        if not 1 <= value <= 5:
            self.fail(column, f"{raw} is outside the scale of 1 to 5")
            return None
        return value

    def preference(self, attribute: str) -> Preference | None:
        column = f"prefer_{attribute}"
        raw = self.text(column)
        strength_raw = self.text(f"{column}_strength").lower().replace("-", " ")
        strength = {
            "": "important",
            "essential": "essential",
            "must": "essential",
            "important": "important",
            "nice to have": "nice_to_have",
            "nice_to_have": "nice_to_have",
        }.get(strength_raw)
        if strength is None:
            self.fail(
                f"{column}_strength",
                f"{strength_raw!r} should be essential, important or nice to have",
            )
            return None
        word = raw.lower().replace("_", " ")
        if word in ("", "no preference", "none", "any"):
            return None
        if word in ("same", "same as me"):
            return Preference(attribute, "same", strength)
        if word in ("different", "different from me"):
            return Preference(attribute, "different", strength)
        if word.startswith("one of"):
            listed = [x.strip() for x in raw.split(":", 1)[-1].split(";") if x.strip()]
            if not listed:
                self.fail(column, "'one of' needs values after a colon, such as 'one of: A; B'")
                return None
            values = set()
            for x in listed:
                if attribute == "languages":
                    values.add(x.lower())
                    continue
                lookup = "ethnic_group_or_broad" if attribute == "ethnic_group" else attribute
                code = LOOKUPS[lookup].get(x.lower())
                if code is None:
                    self.fail(column, f"{x!r} is not one of the listed values")
                else:
                    values.add(code)
            return Preference(attribute, "one_of", strength, frozenset(values)) if values else None
        self.fail(column, f"{raw!r} should be same, different, no preference or 'one of: ...'")
        return None

    def common(self) -> dict[str, Any]:
        preferences = tuple(
            p for p in (self.preference(a) for a in ATTRIBUTE_CODES) if p is not None
        )
        return {
            "id": self.text("id"),
            "name": self.text("name"),
            "profession": self.choice("profession", "profession"),
            "band": self.choice("band", "band"),
            "work_setting": self.choice("work_setting", "work_setting"),
            "region": self.choice("region", "region"),
            "ethnic_group": self.choice("ethnic_group", "ethnic_group"),
            "ethnicity_self_description": self.text("ethnicity_self_description"),
            "ethnicity_consent": self.flag("ethnicity_consent"),
            "gender": self.choice("gender", "gender"),
            "gender_consent": self.flag("gender_consent"),
            "languages": self.items("languages"),
            "interests": self.items("interests"),
            "career_goals": self.items("career_goals", "career_goals"),
            "meeting_mode": self.choice("meeting_mode", "meeting_mode") or "either",
            "availability": self.items("availability", "availability"),
            "values": self.items("values", "values"),
            "working_style": self.items("working_style", "working_style"),
            "openness": self.scale("openness"),
            "conscientiousness": self.scale("conscientiousness"),
            "preferences": preferences,
            "exclusions": frozenset(x for x in self.items("exclusions")),
            "line_manager": self.text("line_manager"),
            "team": self.text("team").lower(),
        }


def _people(rows: Sequence[Mapping[str, Any]], first_row: int, build) -> tuple[list, list[str]]:
    errors: list[str] = []
    people = []
    seen: dict[str, int] = {}
    for offset, raw in enumerate(rows):
        row = _Row(raw, first_row + offset, errors)
        if not any(row.row.values()):
            continue
        before = len(errors)
        values = row.common()
        if not values["id"]:
            row.fail("id", "every row needs an id")
        elif values["id"] in seen:
            row.fail("id", f"{values['id']!r} is already used on row {seen[values['id']]}")
        else:
            seen[values["id"]] = row.number
        person = build(row, values)
        if len(errors) == before:
            try:
                people.append(person())
            except ValueError as exc:
                row.fail("row", str(exc))
    return people, errors


def mentees_from_rows(
    rows: Sequence[Mapping[str, Any]], first_row: int = 2
) -> tuple[list[Mentee], list[str]]:
    """Return (mentees, problems). `first_row` is the spreadsheet row number of `rows[0]`."""

    def build(row: _Row, values: dict[str, Any]):
        needs = Needs(
            need=row.items("what_i_need", "topics"),
            require=row.items("what_i_require", "topics"),
            help=row.items("what_can_help_me", "topics"),
            support=row.items("what_can_support_me", "topics"),
        )
        return lambda: Mentee(needs=needs, **values)

    return _people(rows, first_row, build)


def mentors_from_rows(
    rows: Sequence[Mapping[str, Any]], first_row: int = 2
) -> tuple[list[Mentor], list[str]]:
    """Return (mentors, problems). `first_row` is the spreadsheet row number of `rows[0]`."""

    def build(row: _Row, values: dict[str, Any]):
        raw = row.text("capacity")
        capacity = 0
        try:
            number = float(raw)
            if not number.is_integer():
                raise ValueError(raw)
            capacity = int(number)
        except ValueError:
            row.fail("capacity", f"{raw!r} should be a whole number of 0 or more")
        if capacity < 0:
            row.fail("capacity", f"{raw} is negative; use 0 or more")
            capacity = 0
        offers = row.items("offers", "topics")
        trained = row.flag("allyship_trained")
        return lambda: Mentor(capacity=capacity, offers=offers, allyship_trained=trained, **values)

    return _people(rows, first_row, build)


def locks_from_rows(
    rows: Sequence[Mapping[str, Any]], first_row: int = 2
) -> tuple[list[Lock], list[str]]:
    """Return (locked pairs, problems) from rows with `mentee` and `mentor` columns."""
    errors: list[str] = []
    locks = []
    for offset, raw in enumerate(rows):
        row = _Row(raw, first_row + offset, errors)
        if not row.text("mentee") or not row.text("mentor"):
            row.fail("mentee/mentor", "a locked pair needs both a mentee and a mentor")
            continue
        locks.append(Lock(row.text("mentee"), row.text("mentor")))
    return locks, errors


def config_from_mapping(data: Mapping[str, Any]) -> tuple[ProgrammeConfig, list[str]]:
    """Return (settings, problems) from a parsed programme TOML: [weights], [rules], [pruning]."""
    errors: list[str] = []
    config = ProgrammeConfig()
    sections = {"weights": Weights, "rules": Rules, "pruning": None}
    for name in data:
        if name not in sections:
            errors.append(f"unknown section [{name}]; use {', '.join(sections)}")
    made: dict[str, Any] = {}
    for name, cls in (("weights", Weights), ("rules", Rules)):
        table = data.get(name, {})
        allowed = {f.name: f.type for f in fields(cls)}
        kwargs = {}
        for key, value in table.items():
            if key not in allowed:
                errors.append(f"[{name}] has no setting {key!r}; use {', '.join(allowed)}")
            elif cls is Rules and not isinstance(value, bool):
                errors.append(f"[{name}] {key} should be true or false")
            elif cls is Weights and (isinstance(value, bool) or not isinstance(value, int | float)):
                errors.append(f"[{name}] {key} should be a number")
            else:
                kwargs[key] = float(value) if cls is Weights else value
        try:
            made[name] = cls(**kwargs)
        except ValueError as exc:
            errors.append(f"[{name}] {exc}")
            made[name] = cls()
    pruning = data.get("pruning", {})
    options = {}
    for key in ("prune_above", "candidates_per_mentee", "candidates_per_mentor"):
        if key in pruning:
            value = pruning[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                errors.append(f"[pruning] {key} should be a whole number of 1 or more")
            else:
                options[key] = value
    for key in pruning:
        if key not in ("prune_above", "candidates_per_mentee", "candidates_per_mentor"):
            errors.append(f"[pruning] has no setting {key!r}")
    return replace(config, weights=made["weights"], rules=made["rules"], **options), errors
