"""Voting schemes: how a ballot's marks become points.

Notation used throughout: m voters, n ideas on the ballot, k ideas each voter may choose, r the place a
voter gives an idea (1 = most important), c the number of ideas a voter actually ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RankBase = Literal["k", "n", "ranked"]

# The tie-break keys an idea (or theme) can be ordered by. Every key is "higher is better" except
# those listed in LOWER_IS_BETTER.
TIE_BREAK_KEYS = (
    "total",
    "voters",
    "first_places",
    "top3",
    "mean",
    "mean_among_voters",
    "median",
    "top_band",
    "bottom_band",
    "mean_rank",
)
LOWER_IS_BETTER = frozenset({"bottom_band", "mean_rank"})
DEFAULT_TIE_BREAK = ("total", "voters", "first_places")
# A sum of ratings rewards ideas that more people happened to rate, so rating studies order by the
# median (as in RAND/UCLA appropriateness panels) and then the mean.
DEFAULT_RATING_TIE_BREAK = ("median", "mean", "voters")


class SchemeError(ValueError):
    """A scheme was configured with impossible parameters."""


@dataclass(frozen=True)
class RankScheme:
    """Voters rank ideas; a place r earns `base − r + offset` points, unranked ideas earn 0.

    `k` caps how many ideas a voter may rank (None means every idea on the ballot). `base` is k,
    n (the whole list) or "ranked" (c, the number this voter ranked). `complete` requires every idea
    to be ranked (full-rank); `exactly_k` requires exactly k choices (top-k).
    """

    name: str = "top-k"
    k: int | None = 5
    base: RankBase = "k"
    offset: int = 1
    complete: bool = False
    exactly_k: bool = False

    def __post_init__(self) -> None:
        if self.k is not None and self.k < 1:
            raise SchemeError(f"k must be at least 1, not {self.k}.")
        if self.base == "k" and self.k is None:
            raise SchemeError("Points based on k need k to be set.")
        if self.base not in ("k", "n", "ranked"):
            raise SchemeError(f"Unknown base {self.base!r}: use k, n or ranked.")

    kind: Literal["rank"] = field(default="rank", init=False)

    def max_choices(self, n: int) -> int:
        """Return how many ideas one voter may rank on a ballot of n ideas."""
        return n if self.k is None else min(self.k, n)

    def max_points(self, n: int) -> float:
        """Return the most points one voter can give one idea on a ballot of n ideas."""
        top = self.k if self.base == "k" else n if self.base == "n" else self.max_choices(n)
        return float(top - 1 + self.offset)

    def max_points_for_set(self, size: int, n: int) -> float:
        """Return the most points one voter can give a set of `size` ideas (a theme)."""
        places = min(size, self.max_choices(n))
        top = self.max_points(n)
        # The set's best case takes places 1..places: an arithmetic series falling by one.
        return float(places * top - places * (places - 1) / 2)

    def formula(self) -> str:
        """Return the points formula in the notation of the documentation."""
        base = {"k": "k", "n": "n", "ranked": "c"}[self.base]
        tail = (
            f" + {self.offset}" if self.offset > 0 else f" − {-self.offset}" if self.offset else ""
        )
        return f"{base} − r{tail}"

    def describe(self) -> dict[str, object]:
        """Return the scheme as the JSON `scheme` object."""
        out: dict[str, object] = {"name": self.name}
        if self.name == "top-k" or (self.k is not None and not self.complete):
            out["k"] = self.k
        if self.exactly_k:
            out["exactly_k"] = True
        out["points"] = self.formula()
        return out


@dataclass(frozen=True)
class PointsScheme:
    """Dot voting: each voter spreads at most `pool` points over any ideas."""

    pool: float
    name: str = "points"
    kind: Literal["points"] = field(default="points", init=False)

    def __post_init__(self) -> None:
        if not self.pool > 0:
            raise SchemeError(f"The point pool must be positive, not {self.pool}.")

    def max_points(self, n: int) -> float:
        """Return the most points one voter can give one idea: the whole pool."""
        return float(self.pool)

    def max_points_for_set(self, size: int, n: int) -> float:
        """Return the most points one voter can give a set of ideas: still the pool."""
        return float(self.pool)

    def describe(self) -> dict[str, object]:
        """Return the scheme as the JSON `scheme` object."""
        return {"name": self.name, "pool": _plain(self.pool)}


@dataclass(frozen=True)
class AgreementRule:
    """Consensus when at least `min_top` % rate in the top band and under `max_bottom` % in the bottom.

    With `exclude_bottom` set it is also a carry-forward rule: an idea at least that % rate in the
    bottom band is excluded, and an idea neither agreed nor excluded goes to the next round.
    """

    min_top: float = 70.0
    max_bottom: float = 15.0
    exclude_bottom: float | None = None

    def __post_init__(self) -> None:
        for name in ("min_top", "max_bottom", "exclude_bottom"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                raise SchemeError(f"A share of raters is a percentage from 0 to 100, not {value}.")

    def describe(self) -> str:
        """Return the rule in words, e.g. 'at least 70% in the top band and under 15% in the bottom'."""
        words = (
            f"at least {_plain(self.min_top)}% rate in the top band and "
            f"under {_plain(self.max_bottom)}% in the bottom band"
        )
        if self.exclude_bottom is not None:
            words += (
                f"; an idea at least {_plain(self.exclude_bottom)}% rate in the bottom band is "
                "excluded, and any other idea goes to the next round"
            )
        return words


@dataclass(frozen=True)
class RatingScheme:
    """Each idea is rated on a scale such as 1–9; bands and the agreement rule define consensus."""

    low: int = 1
    high: int = 9
    bottom_band: tuple[float, float] | None = None
    top_band: tuple[float, float] | None = None
    rule: AgreementRule = AgreementRule()
    name: str = "rating"
    kind: Literal["rating"] = field(default="rating", init=False)

    def __post_init__(self) -> None:
        if self.low >= self.high:
            raise SchemeError(f"The scale {self.low}–{self.high} must run from low to high.")
        span = self.high - self.low + 1
        # The default bands are the bottom and top thirds: 1–3 and 7–9 on a 1–9 scale.
        third = span // 3
        if self.bottom_band is None:
            object.__setattr__(self, "bottom_band", (self.low, self.low + third - 1))
        if self.top_band is None:
            object.__setattr__(self, "top_band", (self.high - third + 1, self.high))
        for band in (self.bottom_band, self.top_band):
            assert band is not None
            if not (self.low <= band[0] <= band[1] <= self.high):
                raise SchemeError(f"The band {band[0]}–{band[1]} lies outside the scale.")

    def max_points(self, n: int) -> float:
        """Return the highest rating, used as the maximum for % of maximum."""
        return float(self.high)

    def max_points_for_set(self, size: int, n: int) -> float:
        """Return the most a voter's ratings of `size` ideas can add up to."""
        return float(self.high * size)

    def describe(self) -> dict[str, object]:
        """Return the scheme as the JSON `scheme` object."""
        assert self.bottom_band is not None and self.top_band is not None
        return {
            "name": self.name,
            "scale": [self.low, self.high],
            "bottom_band": [_plain(x) for x in self.bottom_band],
            "top_band": [_plain(x) for x in self.top_band],
            "agreement_rule": self.rule.describe(),
        }


@dataclass(frozen=True)
class ApprovalScheme:
    """Each voter approves any number of ideas; an approval is worth one point."""

    name: str = "approval"
    kind: Literal["approval"] = field(default="approval", init=False)

    def max_points(self, n: int) -> float:
        """Return 1: one approval per voter per idea."""
        return 1.0

    def max_points_for_set(self, size: int, n: int) -> float:
        """Return the size of the set: a voter may approve every idea in it."""
        return float(size)

    def describe(self) -> dict[str, object]:
        """Return the scheme as the JSON `scheme` object."""
        return {"name": self.name}


Scheme = RankScheme | PointsScheme | RatingScheme | ApprovalScheme


def top_k(k: int = 5, *, exactly_k: bool = False) -> RankScheme:
    """Return the NGT default: rank up to k ideas, place r earns k − r + 1 points."""
    return RankScheme(name="top-k", k=k, base="k", offset=1, exactly_k=exactly_k)


def full_rank() -> RankScheme:
    """Return full ranking: every idea ranked 1..n, place r earns n − r + 1 points."""
    return RankScheme(name="full-rank", k=None, base="n", offset=1, complete=True)


# Scoring rules of tools a study may have used, so a re-analysis reproduces their totals.
PRESETS: dict[str, tuple[str, RankScheme]] = {
    "ngt": (
        "Classic NGT (Delbecq): rank your top 5, place r earns 5 − r + 1.",
        RankScheme(name="ngt", k=5, base="k", offset=1),
    ),
    "whole-list": (
        "n − r + 1 over the whole list, unranked 0 (SurveyMonkey, Alchemer, SurveyHero weights).",
        RankScheme(name="whole-list", k=None, base="n", offset=1),
    ),
    "whole-list-plus-one": (
        "n − r + 2 over the whole list, so the last place earns 2 (Klaxoon ranking polls).",
        RankScheme(name="whole-list-plus-one", k=None, base="n", offset=2),
    ),
    "ballot-length": (
        "c − r + 1 where c is how many ideas that voter ranked (QualBoard ranking score).",
        RankScheme(name="ballot-length", k=None, base="ranked", offset=1),
    ),
    "borda": (
        "Borda count: n − r over a full ranking, so the last place earns 0.",
        RankScheme(name="borda", k=None, base="n", offset=0, complete=True),
    ),
}


def preset(name: str, *, k: int | None = None) -> RankScheme:
    """Return the preset scheme called `name`, with k overridden when given."""
    try:
        scheme = PRESETS[name][1]
    except KeyError:
        raise SchemeError(f"Unknown preset {name!r}: choose from {', '.join(PRESETS)}.") from None
    if k is not None:
        base = scheme.base
        scheme = RankScheme(
            name=scheme.name, k=k, base=base, offset=scheme.offset, complete=scheme.complete
        )
    return scheme


def default_tie_break(scheme: Scheme) -> tuple[str, ...]:
    """Return the tie-break chain used when none is given for `scheme`."""
    return DEFAULT_RATING_TIE_BREAK if isinstance(scheme, RatingScheme) else DEFAULT_TIE_BREAK


def check_tie_break(chain: tuple[str, ...], scheme: Scheme) -> tuple[str, ...]:
    """Return `chain` unchanged, or raise SchemeError naming a key the scheme cannot provide."""
    if not chain:
        raise SchemeError("The tie-break chain needs at least one key.")
    rating_only = {"median", "top_band", "bottom_band"}
    for key in chain:
        if key not in TIE_BREAK_KEYS:
            raise SchemeError(
                f"Unknown tie-break key {key!r}: choose from {', '.join(TIE_BREAK_KEYS)}."
            )
        if key in rating_only and not isinstance(scheme, RatingScheme):
            raise SchemeError(f"The tie-break key {key!r} applies only to the rating scheme.")
        if key == "mean_rank" and not (isinstance(scheme, RankScheme) and scheme.complete):
            raise SchemeError("The tie-break key 'mean_rank' applies only to full rankings.")
    if len(set(chain)) != len(chain):
        raise SchemeError("A tie-break key appears twice in the chain.")
    return chain


def _plain(x: float) -> float | int:
    """Return x as an int when it is whole, so 100.0 prints as 100."""
    return int(x) if float(x).is_integer() else float(x)
