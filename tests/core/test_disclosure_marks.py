"""The second mark (issue 19, item 3): "x" for a count of 8 or more hidden to protect a small
one, "*" for the small ones, and "*" again for a larger count wherever its "x" would give a
small count away (decision 0008, the second addendum)."""

from __future__ import annotations

from allied.core.disclosure import (
    PROTECTING,
    RULE_LINES,
    SUPPRESSED,
    disclose_protected,
    disclose_structured,
    hidden_mark,
    is_hidden,
)
from allied.core.disclosure_attack import Attacker


def people(start: int, stop: int) -> frozenset[str]:
    return frozenset(f"p{i}" for i in range(start, stop))


def test_a_larger_count_hidden_to_protect_a_small_one_is_marked_x():
    # Ethnic groups of 40 mentees: 3 Mixed, 12 Asian, 25 White. The 12 are hidden so that
    # 40 less 25 does not give the 3; marked "x" they say "8 or more", which leaves the 3
    # anywhere from 1 to 7 (38..42 less 23..27 less 8 or more).
    cells = {"all": people(0, 40), "mixed": people(0, 3), "asian": people(3, 15)}
    cells["white"] = people(15, 40)
    splits = [("all", ["mixed", "asian", "white"])]
    shown = disclose_protected(cells, splits)
    assert shown == {"all": "40", "mixed": "*", "asian": "x", "white": "25"}
    attacker = Attacker(shown, splits)
    assert attacker.range("asian") == (8, 19)
    assert attacker.range("mixed") == (0, 11)
    assert attacker.breaches({key: len(members) for key, members in cells.items()}) == []


def test_a_larger_count_whose_x_would_give_a_small_one_away_stays_a_star():
    # A pilot of 9 mentees in two cohorts of 5 and 4, one of them withdrawn. Everything but
    # the total is hidden. Marked "x", the 8 still in the programme would be 8 or more of a
    # total of 8 to 12 ("10"), leaving the one withdrawn at most 4: so the 8 stay "*".
    cells = {
        "all": people(0, 9),
        "cohort 1": people(0, 5),
        "cohort 2": people(5, 9),
        "in": people(0, 8),
        "withdrawn": people(8, 9),
    }
    splits = [("all", ["cohort 1", "cohort 2"]), ("all", ["in", "withdrawn"])]
    truth = {key: len(members) for key, members in cells.items()}
    shown = disclose_protected(cells, splits)
    assert shown == disclose_structured(cells, splits)
    assert shown == {key: "10" if key == "all" else "*" for key in cells}
    two = {**shown, "in": PROTECTING}
    assert [b.key for b in Attacker(two, splits).breaches(truth)] == ["withdrawn"]
    assert Attacker(shown, splits).breaches(truth) == []


def test_only_the_x_that_gives_a_small_count_away_goes_back_to_a_star():
    # Intakes in progress: 27 in all ("25"), in cohorts of 1, 9, 9 and 8. The 1 is hidden,
    # and the 8 beside it; each 9 is hidden to protect its own cohort's 2 withdrawn (of 38
    # registered, "40", with 27 ready, "25"). All three marked "x" would leave the 1 at most
    # 27 - 8 - 8 - 8 = 3; with one of them "*" it is anywhere from 1 to 7 again.
    cells: dict[str, frozenset[str]] = {}
    for key, size in [
        ("c2 intake", 1),
        *[(f"{c} {status}", size) for c in ("c3", "c4") for status, size in COHORT],
        ("c5 intake", 8),
    ]:
        start = sum(map(len, cells.values()))
        cells[key] = people(start, start + size)
    intakes = ["c2 intake", "c3 intake", "c4 intake", "c5 intake"]
    cells["all intake"] = frozenset().union(*(cells[key] for key in intakes))
    splits = [("all intake", intakes)]
    for c in ("c3", "c4"):
        parts = [f"{c} {status}" for status, _ in COHORT]
        cells[f"{c} registered"] = frozenset().union(*(cells[part] for part in parts))
        splits.append((f"{c} registered", parts))
    truth = {key: len(members) for key, members in cells.items()}
    shown = disclose_protected(cells, splits)
    large = ["c3 intake", "c4 intake", "c5 intake"]
    assert sorted(shown[key] for key in large) == ["*", "x", "x"]
    assert shown["c2 intake"] == shown["c3 withdrawn"] == shown["c4 withdrawn"] == "*"
    assert Attacker({**shown, **dict.fromkeys(large, "x")}, splits).breaches(truth)
    assert Attacker(shown, splits).breaches(truth) == []


COHORT = [("intake", 9), ("withdrawn", 2), ("ready", 27)]


def test_a_group_hidden_for_what_it_says_about_people_is_never_x():
    # Ethnic group is special: when one group holds everyone, no group is shown, whatever
    # its number. An "x" beside the other groups' "*" would name the full group.
    cells = {
        "all": people(0, 30),
        "black": people(0, 30),
        "white": frozenset(),
        "in": people(0, 17),
        "waiting": people(17, 27),
        "withdrawn": people(27, 30),
    }
    splits = [("all", ["black", "white"]), ("all", ["in", "waiting", "withdrawn"])]
    shown = disclose_protected(cells, splits, special={0})
    assert shown["black"] == shown["white"] == SUPPRESSED
    assert shown["withdrawn"] == SUPPRESSED and shown["waiting"] == PROTECTING
    assert is_hidden(shown["waiting"]) and not is_hidden(shown["in"])


def test_a_figure_worked_out_from_hidden_ones_carries_their_mark():
    assert hidden_mark("10", "x") == PROTECTING
    assert hidden_mark("x", "*") == SUPPRESSED
    assert hidden_mark("10", "20") is None


def test_the_printed_rule_explains_both_marks():
    rule = " ".join(RULE_LINES)
    assert "* stands for a hidden figure: a count of fewer than 8" in rule
    assert "x stands for a count of 8 or more" in rule
    assert "Now and then it stands for a larger count" in rule
