"""Small-number disclosure control, for every report that counts people.

Counts of 1 to 7 are shown as "*"; other counts are rounded to the nearest 5; percentages are
worked out from the rounded figures; a mean or median over fewer than 8 people is not shown.
Figures published together also go through secondary suppression (`disclose_breakdown`,
`disclose_cells`), so that no small group can be recovered by subtracting one from another.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from typing import Any

import numpy as np

SUPPRESSED = "*"
SMALLEST_SHOWN = 8

# The rule printed beside figures decided together (the dashboard and its exports, the board
# report, the organisation view, allyship feedback): a page shows the first line, then the
# others as a list. One mark stands for every hidden figure (decision 0008 says why not two).
RULE_LINES = (
    "No figure here can identify anyone.",
    f"* stands for a hidden figure: a count of fewer than {SMALLEST_SHOWN}, a larger count "
    "hidden so that a small one cannot be worked out from the other figures, or an average of "
    f"fewer than {SMALLEST_SHOWN} answers.",
    "Other counts are rounded to the nearest 5. Percentages use the rounded counts; a "
    "percentage of a hidden count is shown as *.",
)


def rounded_count(count: int) -> int | None:
    """Return `count` rounded to the nearest 5, or None when it is 1 to 7 and must be hidden."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if 1 <= count < SMALLEST_SHOWN:
        return None
    return (count + 2) // 5 * 5


def disclose_count(count: int) -> str:
    """Return `count` as it may be shown: "*" for 1 to 7, otherwise rounded to the nearest 5."""
    shown = rounded_count(count)
    return SUPPRESSED if shown is None else str(shown)


def disclose_percentage(part: int, whole: int) -> str:
    """Return part/whole as a whole-number percentage of the rounded counts, or "*".

    Hidden when either count is hidden or the rounded whole is 0.
    """
    top, bottom = rounded_count(part), rounded_count(whole)
    if top is None or bottom is None or bottom == 0:
        return SUPPRESSED
    return f"{round(100 * top / bottom)}%"


def disclose_mean(values: Sequence[float]) -> float | None:
    """Return the mean of `values`, or None over fewer than 8 values."""
    return statistics.fmean(values) if len(values) >= SMALLEST_SHOWN else None


def disclose_mean_of(total: float, count: int) -> float | None:
    """Return the mean of `count` values that add up to `total` (a database's SUM and COUNT),
    or None over fewer than 8 values."""
    return total / count if count >= SMALLEST_SHOWN else None


def disclose_median_of(median: float, count: int) -> float | None:
    """Return a median a database worked out over `count` values, or None over fewer than 8."""
    return median if count >= SMALLEST_SHOWN else None


def disclose_median(values: Sequence[float]) -> float | None:
    """Return the median of `values`, or None over fewer than 8 values."""
    return statistics.median(values) if len(values) >= SMALLEST_SHOWN else None


def disclose_quantiles(values: Sequence[float]) -> tuple[float, float, float] | None:
    """Return the lower quartile, median and upper quartile, or None over fewer than 8 values."""
    if len(values) < SMALLEST_SHOWN:
        return None
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return lower, median, upper


# Secondary suppression (docs/decisions/0008-disclosure-control.md).
#
# The primary rules above protect one figure at a time. A page or an export publishes many, and
# figures can be subtracted: a total of 55 beside groups of 12 and 40 gives the hidden third
# group away (55 - 12 - 40 = 3). The two functions below decide which further figures to hide.
#
# The test is the same in both. Group the people behind the published figures into "atoms":
# people who are in exactly the same published figures. Every figure anyone can work out by
# adding and subtracting published figures is a sum over whole atoms (a sum and difference of
# published counts is the same for everyone in an atom), so when every atom holds 0 or at least
# 8 people, no combination of published counts pins down a group of 1 to 7. Each atom must
# also hold more people than there are hidden figures overlapping it, because every "*" is
# known to be at least 1: eight hidden groups of one inside a total of exactly 8 would
# otherwise each be known to be 1. Rounding only adds uncertainty on top of this.


def breakdown_suppression(counts: Mapping[str, int]) -> tuple[frozenset[str], bool]:
    """Return (the groups to hide, whether to hide the total) for one breakdown.

    `counts` are the people in each group of one dimension; the groups do not overlap and the
    total, published with them, is their sum. Groups of 1 to 7 are hidden; then, while the
    hidden groups together hold fewer than 8 people (or no more people than there are hidden
    groups), the smallest shown non-empty group is hidden too, so the total less the shown
    groups never reveals a small group. If that runs out of groups the total is hidden.
    """
    for group, count in counts.items():
        if count < 0:
            raise ValueError(f"a count cannot be negative: {group}={count}")
    total = sum(counts.values())
    hidden = {group for group, count in counts.items() if 1 <= count < SMALLEST_SHOWN}
    if 1 <= total < SMALLEST_SHOWN:
        return frozenset(hidden), True
    spare = sorted((count, group) for group, count in counts.items() if count >= SMALLEST_SHOWN)
    while hidden and not _safe_remainder(sum(counts[g] for g in hidden), len(hidden)):
        if not spare:
            return frozenset(hidden), True
        hidden.add(spare.pop(0)[1])
    return frozenset(hidden), False


def disclose_breakdown(counts: Mapping[str, int], total_key: str = "total") -> dict[str, str]:
    """Return each group's count as it may be shown, and the total under `total_key`.

    Shown counts are rounded as `disclose_count` rounds them; hidden ones are "*" (see
    `breakdown_suppression`). A percentage of a group is only shown beside a shown group.
    """
    if total_key in counts:
        raise ValueError(f"{total_key!r} is the total's key and cannot be a group")
    hidden, total_hidden = breakdown_suppression(counts)
    shown = {
        group: SUPPRESSED if group in hidden else disclose_count(count)
        for group, count in counts.items()
    }
    shown[total_key] = SUPPRESSED if total_hidden else disclose_count(sum(counts.values()))
    return shown


def suppressed_cells(cells: Mapping[str, Collection[Hashable]]) -> frozenset[str]:
    """Return the keys of the cells to hide among cells published together.

    `cells` maps each figure on a page or in an export (every group of every breakdown, every
    filtered view, the totals) to the people it counts. Cells of 1 to 7 people are hidden; then,
    while some atom of the shown cells is unsafe (1 to 7 people, or no more people than hidden
    cells overlapping it), one more cell is hidden: the smallest shown cell whose hiding makes
    that atom safe (merges it into a large enough neighbour, or leaves its people in no shown
    cell), or failing that the one that merges it into the largest neighbour. The smallest
    unsafe atom is mended first; ties go by key, so the result depends only on the contents.

    For two nested cells this means their difference is 0 or at least 8 people, so a filter
    cannot be subtracted from the unfiltered view to reveal a small group; for a breakdown it
    agrees with `breakdown_suppression`.
    """
    return suppressed_atoms(cells, atoms_of(cells))


def disclose_cells(cells: Mapping[str, Collection[Hashable]]) -> dict[str, str]:
    """Return each cell's count as it may be shown: "*" when hidden (see `suppressed_cells`),
    otherwise its number of people rounded to the nearest 5."""
    return disclose_atoms(cells, atoms_of(cells))


def atoms_of(cells: Mapping[str, Collection[Hashable]]) -> dict[frozenset[str], int]:
    """Return the people behind `cells` counted by the exact set of cells each is in.

    This is all secondary suppression needs to know about the people, so a report that can
    count its people by that set in the database (a GROUP BY over the columns that decide
    which figures a person is in) can skip listing them: see `disclose_atoms`."""
    cells_of: dict[Hashable, list[str]] = {}
    for key, people in cells.items():
        for person in set(people):
            cells_of.setdefault(person, []).append(key)
    atoms: dict[frozenset[str], int] = {}
    for keys in cells_of.values():
        signature = frozenset(keys)
        atoms[signature] = atoms.get(signature, 0) + 1
    return atoms


def suppressed_atoms(cells: Collection[str], atoms: Mapping[frozenset[str], int]) -> frozenset[str]:
    """`suppressed_cells` for people already counted by the set of cells they are in.

    `cells` names every published figure (a figure that counts nobody is still named, and
    shows 0); `atoms` maps a set of those names to how many people are in exactly those cells,
    as `atoms_of` returns it. The result is the same as `suppressed_cells` on the people."""
    names = set(cells)
    counted: dict[frozenset[str], int] = {}
    for signature, count in atoms.items():
        if count < 0:
            raise ValueError("an atom cannot hold a negative number of people")
        if not signature <= names:
            raise ValueError(
                f"atoms name cells that are not published: {sorted(signature - names)}"
            )
        if count:
            counted[frozenset(signature)] = counted.get(frozenset(signature), 0) + count
    sizes = dict.fromkeys(names, 0)
    for signature, count in counted.items():
        for key in signature:
            sizes[key] += count
    hidden = {key for key, size in sizes.items() if 1 <= size < SMALLEST_SHOWN}
    while True:
        shown_atoms = _atoms(counted, hidden)
        unsafe = sorted(
            (size, sorted(signature))
            for signature, (size, overlapping) in shown_atoms.items()
            if not _safe_remainder(size, len(overlapping))
        )
        if not unsafe:
            return frozenset(hidden)
        _, signature = unsafe[0]
        hidden.add(_cell_to_hide(frozenset(signature), shown_atoms, sizes, hidden))


def disclose_atoms(cells: Collection[str], atoms: Mapping[frozenset[str], int]) -> dict[str, str]:
    """`disclose_cells` for people already counted by the set of cells they are in (see
    `suppressed_atoms`): each named cell's count as it may be shown."""
    hidden = suppressed_atoms(cells, atoms)
    sizes = dict.fromkeys(cells, 0)
    for signature, count in atoms.items():
        for key in signature:
            sizes[key] += count
    return {key: SUPPRESSED if key in hidden else disclose_count(sizes[key]) for key in cells}


def _safe_remainder(people: int, hidden_figures: int) -> bool:
    """True when a set of `people` that overlaps `hidden_figures` hidden figures may be worked
    out: it is empty, or it has at least 8 people and more people than hidden figures."""
    return people == 0 or (people >= SMALLEST_SHOWN and people > hidden_figures)


def _atoms(
    counted: Mapping[frozenset[str], int], hidden: set[str]
) -> dict[frozenset[str], tuple[int, frozenset[str]]]:
    """Map each set of shown cells that some people are in (exactly) to (how many people,
    which hidden cells those people overlap)."""
    atoms: dict[frozenset[str], tuple[int, frozenset[str]]] = {}
    for full, count in counted.items():
        signature = frozenset(key for key in full if key not in hidden)
        if not signature:
            continue
        size, overlapping = atoms.get(signature, (0, frozenset()))
        atoms[signature] = (size + count, overlapping | (full - signature))
    return atoms


def _cell_to_hide(
    signature: frozenset[str],
    atoms: Mapping[frozenset[str], tuple[int, frozenset[str]]],
    sizes: Mapping[str, int],
    hidden: set[str],
) -> str:
    """Return the shown cell to hide next to mend the unsafe atom `signature`."""
    size, overlapping = atoms[signature]
    choices = []
    for key in sorted(set(sizes) - hidden):
        inside = key in signature
        neighbour = signature - {key} if inside else signature | {key}
        other_size, other_overlapping = atoms.get(neighbour, (0, frozenset()))
        merged = size + other_size
        if inside and not neighbour:
            mends = True  # its people are left in no shown cell
        else:
            touching = overlapping | other_overlapping
            if inside or other_size:
                touching = touching | {key}
            mends = _safe_remainder(merged, len(touching))
        rank = (0, 0, 0) if mends else (1, -merged, 0 if inside else 1)
        choices.append((*rank, sizes[key], key))
    return min(choices)[-1]


def atom_masks(
    cells: Mapping[str, Collection[Hashable]],
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Return `cells` as masks over their atoms (`atoms_of`), and each atom's number of people:
    the form `disclose_structured_masks` and `atoms_from_masks` read."""
    atoms = list(atoms_of(cells).items())
    weights = np.array([count for _, count in atoms], dtype=np.int64)
    masks = {key: np.zeros(len(atoms), dtype=bool) for key in cells}
    for index, (signature, _) in enumerate(atoms):
        for key in signature:
            masks[key][index] = True
    return masks, weights


def atoms_from_masks(
    masks: Mapping[str, np.ndarray], weights: np.ndarray
) -> dict[frozenset[str], int]:
    """Return the people behind cells given as masks over groups of people (`weights` counts
    each group) as `atoms_of` returns them: counted by the exact set of cells they are in."""
    keys = list(masks)
    if not keys:
        return {}
    table = np.stack([np.asarray(masks[key], dtype=bool) for key in keys], axis=1)
    held = weights > 0
    patterns, inverse = np.unique(table[held], axis=0, return_inverse=True)
    counts = np.bincount(inverse.reshape(-1), weights=weights[held], minlength=len(patterns))
    atoms: dict[frozenset[str], int] = {}
    for pattern, count in zip(patterns, counts, strict=True):
        signature = frozenset(key for key, inside in zip(keys, pattern, strict=True) if inside)
        if signature:
            atoms[signature] = atoms.get(signature, 0) + int(count)
    return atoms


def disclose_structured(
    cells: Mapping[str, Collection[Hashable]],
    partitions: Sequence[tuple[str, Sequence[str]]] = (),
    *,
    hide_first: Callable[[str], Any] | None = None,
    special: Collection[int] = (),
) -> dict[str, str]:
    """Return each cell's count as it may be shown, protecting the subtractions a report's
    own structure offers rather than every linear combination (compare `disclose_cells`).

    `cells` maps every figure published together to the people it counts; `partitions` lists
    (total, parts) where the parts split the total's people exactly (the cohorts of a
    programme, the groups of a breakdown, the statuses of the people registered). After
    hiding cells of 1 to 7 people, two rules are applied until neither hides anything more:

    - no two shown cells, one holding the other, differ by 1 to 7 people (so no filter can
      be subtracted from the unfiltered figure, nor a period from all dates, to reveal a
      small group); of the two, the one `hide_first` ranks higher is hidden (default: the
      smaller);
    - in each partition whose total is shown, the hidden non-empty parts together hold 0 or
      at least 8 people, and more people than there are hidden parts (the breakdown rule of
      `breakdown_suppression`); otherwise the shown part `hide_first` ranks highest (default:
      the smallest) is hidden too, or the total when no part is left;
    - in each partition whose total is hidden, every part is hidden, empty ones too: beside a
      hidden total of a few people, the zeros would say which part those people are in;
    - in each partition named in `special` (by its index in `partitions`: a breakdown by
      ethnic group, say), when one part holds everyone in the total, every part is hidden:
      anyone who knows who is in the total (the mentees matched on one day) would otherwise
      learn that part about each of them;
    - cells that count exactly the same people are hidden together when one is hidden for
      its number (not by the special rule): a twin shown elsewhere would give it away.

    A report whose figures cut across each other in many ways (every measure of every cohort
    and every group) keeps far more figures this way than under the atom rule; what it gives
    up is protection against long chains of sums across different partitions, which the
    rounding of every shown figure to the nearest 5 blurs by up to 2 people a figure
    (docs/decisions/0008-disclosure-control.md).

    A report that counts its people in the database passes groups of them instead, with
    `disclose_structured_masks`; this is the same rule on the people themselves.
    """
    masks, weights = atom_masks(cells)
    return disclose_structured_masks(
        masks, weights, partitions, hide_first=hide_first, special=special
    )


def disclose_structured_masks(
    masks: Mapping[str, np.ndarray],
    weights: np.ndarray,
    partitions: Sequence[tuple[str, Sequence[str]]] = (),
    *,
    hide_first: Callable[[str], Any] | None = None,
    special: Collection[int] = (),
    same_if_empty: Callable[[str], Hashable] | None = None,
    also_hide: Collection[str] = (),
    hide_parts_of_hidden_totals: bool = True,
) -> dict[str, str]:
    """`disclose_structured` for people counted in groups: `weights[i]` people are in group
    i, and each cell is a boolean mask over the groups (the people of the groups it holds).

    A group must not be split by any cell (everyone in it is in the same cells), which a
    GROUP BY over the columns that decide the cells guarantees. The result is the same as
    `disclose_structured` on the people.

    Every empty cell counts the same people (nobody), so by default hiding one zero hides
    every zero. A report that knows which of its figures are the same figure whatever the
    data (one measure published in two places, or for two sets of dates) passes
    `same_if_empty`: empty cells are then twins only when it gives them the same key. A zero
    elsewhere says nothing about a hidden part that a published figure holding it does not
    say already: a zero about more people is safe to publish.

    `also_hide` names cells to hide from the start, whatever their number (as
    `disclose_protected_masks` does to mend what the attacker found). Without
    `hide_parts_of_hidden_totals`, the parts of a hidden total are all hidden only when the
    total is 1 to 7 (whose zeros would say which part its people are in); a larger total
    hidden to protect another keeps its parts, and the attacker that
    `disclose_protected_masks` runs decides which of them must go."""
    weights = np.asarray(weights, dtype=np.int64)
    if (weights < 0).any():
        raise ValueError("a group cannot hold a negative number of people")
    members = {key: np.asarray(mask, dtype=bool) for key, mask in masks.items()}
    sizes = {key: int(weights[mask].sum()) for key, mask in members.items()}
    held = weights > 0
    for total, parts in partitions:
        size = sum(sizes[part] for part in parts)
        union = np.zeros(len(weights), dtype=bool)
        for part in parts:
            union |= members[part]
        if size != sizes[total] or not np.array_equal(union & held, members[total] & held):
            raise ValueError(f"the parts of {total!r} do not split it exactly")

    def rank(key: str):
        return (hide_first(key), -sizes[key], key) if hide_first else (-sizes[key], key)

    # Cells that count exactly the same people share one fate: a figure hidden in one place
    # and shown in another (a month's meetings for all dates and for a period that holds the
    # whole month) would not be hidden at all.
    twins: dict[Hashable, list[str]] = {}
    for key, mask in members.items():
        if same_if_empty is not None and not sizes[key]:
            twins.setdefault(("empty", same_if_empty(key)), []).append(key)
        else:
            twins.setdefault(np.packbits(mask & held).tobytes(), []).append(key)
    twin_of = {key: same for same in twins.values() if len(same) > 1 for key in same}

    def conceal(*keys: str) -> None:
        for key in keys:
            hidden.update(twin_of.get(key, (key,)))

    hidden: set[str] = set()
    conceal(*(key for key, size in sizes.items() if 1 <= size < SMALLEST_SHOWN))
    conceal(*also_hide)
    for index, (total, parts) in enumerate(partitions):
        filled = [part for part in parts if sizes[part]]
        if index in special and len(filled) == 1 and sizes[total]:
            # Hidden for what they say about the people, not for their number: the total,
            # the same people, may still be shown.
            hidden.update(parts)
    breaches = _nested_pairs(members, sizes, held)
    # The splits are mended in an order of their own, not the caller's: which of two equal
    # figures goes can depend on which split is mended first, and the same figures must
    # always hide the same way.
    ordered = sorted(partitions, key=lambda split: (split[0], sorted(split[1])))
    changed = True
    while changed:
        changed = False
        for total, parts in ordered:
            if total in hidden:
                few = 1 <= sizes[total] < SMALLEST_SHOWN
                if not hidden.issuperset(parts) and (hide_parts_of_hidden_totals or few):
                    conceal(*parts)
                    changed = True
                continue
            concealed = [part for part in parts if part in hidden and sizes[part]]
            if not concealed:
                continue
            if _safe_remainder(sum(sizes[part] for part in concealed), len(concealed)):
                continue
            spare = [part for part in parts if part not in hidden and sizes[part]]
            conceal(max(spare, key=rank) if spare else total)
            changed = True
        breach = next(
            (pair for pair in breaches if pair[0] not in hidden and pair[1] not in hidden), None
        )
        if breach is not None:
            conceal(max(breach, key=rank))
            changed = True
    return {key: SUPPRESSED if key in hidden else disclose_count(sizes[key]) for key in members}


def _nested_pairs(
    members: Mapping[str, np.ndarray], sizes: Mapping[str, int], held: np.ndarray
) -> list[tuple[str, str]]:
    """Every two cells, one inside the other, that differ by 1 to 7 people, smallest first:
    the pairs that may not both be shown. Which is shown changes as cells are hidden; which
    cells lie inside which does not, so they are found once."""
    ordered = sorted((size, key) for key, size in sizes.items())
    pairs = []
    for i, (size, small_key) in enumerate(ordered):
        if size == 0:
            continue  # nothing is inside an empty cell, and a cell of 1 to 7 is hidden
        small = members[small_key] & held
        for big_size, big_key in ordered[i + 1 :]:
            if big_size - size >= SMALLEST_SHOWN:
                break
            if big_size > size and not (small & ~members[big_key]).any():
                pairs.append((small_key, big_key))
    return pairs


# Protection against every published relation at once ---------------------------------------
#
# The structured rule checks each split on its own, and the nesting of two figures; chains
# through two or more splits (a cohort's statuses beside all cohorts' "ready", say) it left to
# the rounding to blur, and an attacker with an integer programme over every published figure
# showed that rounding does not always blur them (`allied.core.disclosure_attack`). So the
# rule's result is attacked, and while some hidden figure of 1 to 7 can be narrowed, one more
# figure is hidden: a shown one among the few the narrowing needs, the one `hide_first` ranks
# highest (by default the smallest). Hiding a figure only takes from what the attacker knows,
# so this ends, at worst with everything hidden.


def disclose_protected_masks(
    masks: Mapping[str, np.ndarray],
    weights: np.ndarray,
    partitions: Sequence[tuple[str, Sequence[str]]] = (),
    *,
    known: Callable[[str, str], bool] | None = None,
    hide_first: Callable[[str], Any] | None = None,
    special: Collection[int] = (),
    same_if_empty: Callable[[str], Hashable] | None = None,
) -> dict[str, str]:
    """`disclose_structured_masks`, then hidden further until no hidden figure of 1 to 7 can
    be narrowed below 1 to 7 by an integer programme over every shown figure (as the interval
    its rounding leaves), every split in `partitions` and every nesting among the cells that
    `known(inner, outer)` says a reader knows (by default, every one). With no figure of 1 to
    7 there is nothing to protect, and nothing is attacked."""
    from allied.core.disclosure_attack import Attacker, nesting

    weights = np.asarray(weights, dtype=np.int64)
    truth = {key: int(weights[np.asarray(mask, dtype=bool)].sum()) for key, mask in masks.items()}
    splits = [(total, list(parts)) for total, parts in partitions if parts]
    extra: set[str] = set()
    nested: list[tuple[str, str]] | None = None

    def rank(key: str):
        return (hide_first(key), -truth[key], key) if hide_first else (-truth[key], key)

    while True:
        shown = disclose_structured_masks(
            masks,
            weights,
            partitions,
            hide_first=hide_first,
            special=special,
            same_if_empty=same_if_empty,
            also_hide=extra,
            hide_parts_of_hidden_totals=False,
        )
        if not any(1 <= value < SMALLEST_SHOWN for value in truth.values()):
            return shown
        if nested is None:
            nested = nesting(masks, weights, known)
        attacker = Attacker(shown, splits, nested)
        breaches = attacker.breaches(truth)
        if not breaches:
            return shown
        needed = attacker.explain(breaches[0]).shown
        candidates = [key for key, value in needed.items() if value.isdigit()]
        # A shown zero is exact and cheap to keep; hide one only when nothing else will do.
        # (A "*" says no more than "0 or more", so a narrowing always needs a shown figure;
        # were none found, every shown figure would go rather than a small one be shown.)
        figures = [key for key in candidates if shown[key] != "0"] or candidates
        if not figures:
            extra.update(key for key, value in shown.items() if value.isdigit())
            continue
        extra.add(max(figures, key=rank))


def disclose_protected(
    cells: Mapping[str, Collection[Hashable]],
    partitions: Sequence[tuple[str, Sequence[str]]] = (),
    *,
    known: Callable[[str, str], bool] | None = None,
    **rule: Any,
) -> dict[str, str]:
    """`disclose_protected_masks` on the people themselves, with every nesting among the
    cells that `known(inner, outer)` says a reader knows (by default, every one)."""
    masks, weights = atom_masks(cells)
    return disclose_protected_masks(masks, weights, partitions, known=known, **rule)
