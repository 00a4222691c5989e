"""The RAND/UCLA appropriateness method's disagreement rules, for ratings on the 1–9 scale.

Fitch K, Bernstein SJ, Aguilar MD, et al. The RAND/UCLA Appropriateness Method User's Manual.
RAND, 2001 (MR-1269-DG-XII/RE). docs/ngt-results.md gives the formulas, the sources of the
constants and a worked example; `../shared/guidelines/consensus-reporting.md` section 3 is the
research behind them.

- **IPRAS**, for any panel size: the interpercentile range IPR = P70 − P30 is compared with
  IPRAS = 2.35 + 1.5 · AI, where AI = |5 − (P30 + P70)/2| is the asymmetry index; disagreement
  when IPR > IPRAS. Percentiles interpolate linearly between order statistics (NumPy's "linear",
  Excel's PERCENTILE.INC, R's type 7), the rule that reproduces the published worked example.
- **The panel-size rule** (the classic counting method), for 8 to 16 raters only: disagreement
  when at least a third or so rate in each extreme region (1–3 and 7–9); agreement when few rate
  outside the three-point region that holds the median.
- **Appropriateness**: a median of 7 or more without disagreement (by IPRAS) is appropriate, a
  median of 3 or less without disagreement inappropriate, anything else uncertain; a median
  between regions (3.5 or 6.5) is uncertain, which is Allied's reading (the manual's own rule for
  such medians could not be checked).
"""

from __future__ import annotations

import warnings

import numpy as np

LOW, HIGH, MIDPOINT = 1, 9, 5.0
IPRAS_CONSTANT = 2.35
ASYMMETRY_FACTOR = 1.5

# (fewest raters, most raters, most rating outside the median's region for agreement,
#  fewest rating in each extreme region for disagreement): BMC Med Inform Decis Mak 2012;12:93,
#  Table 7, the method's developers' defaults.
PANEL_RULES = ((8, 10, 2, 3), (11, 13, 3, 4), (14, 16, 4, 5))

# Appropriateness as a number in a column (the tally's columns are arrays of floats).
APPROPRIATE, UNCERTAIN, INAPPROPRIATE = 1.0, 0.0, -1.0
APPROPRIATENESS_WORDS = {
    APPROPRIATE: "appropriate",
    UNCERTAIN: "uncertain",
    INAPPROPRIATE: "inappropriate",
}


def applies(low: int, high: int) -> bool:
    """Return whether the RAND/UCLA statistics are defined for a scale: only for 1–9."""
    return (low, high) == (LOW, HIGH)


def rand_columns(values: np.ndarray, chosen: np.ndarray) -> dict[str, np.ndarray]:
    """Return the RAND/UCLA statistics of each idea over axis 1 of (blocks, m, n) ratings.

    `chosen` marks the ratings given; an idea nobody rated gets NaN everywhere (None in output).
    Verdicts are 1.0 (yes), 0.0 (no) or NaN (not defined).
    """
    ratings = np.where(chosen, values, np.nan)
    raters = chosen.sum(axis=1)
    rated = raters > 0
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        p30, median, p70 = np.nanpercentile(ratings, [30, 50, 70], axis=1, method="linear")
    ipr = p70 - p30
    centre = (p30 + p70) / 2.0
    asymmetry = np.abs(MIDPOINT - centre)
    ipras = IPRAS_CONSTANT + ASYMMETRY_FACTOR * asymmetry
    # Interpolated percentiles carry rounding error: an IPR equal to its IPRAS (3.4 and 2.35 +
    # 1.5 × 0.7) must not count as wider, so compare after rounding away the error.
    disagreement = np.where(rated, (np.round(ipr - ipras, 9) > 0) * 1.0, np.nan)

    low_count = (chosen & (values >= 1) & (values <= 3)).sum(axis=1)
    middle_count = (chosen & (values >= 4) & (values <= 6)).sum(axis=1)
    high_count = (chosen & (values >= 7) & (values <= 9)).sum(axis=1)
    # The region holding the median; a median between regions (3.5, 6.5) holds none.
    in_region = np.select(
        [median <= 3, (median >= 4) & (median <= 6), median >= 7],
        [low_count, middle_count, high_count],
        default=-1,
    )
    most_outside = np.full(raters.shape, np.nan)
    fewest_each = np.full(raters.shape, np.nan)
    for smallest, largest, outside, each in PANEL_RULES:
        covered = (raters >= smallest) & (raters <= largest)
        most_outside = np.where(covered, outside, most_outside)
        fewest_each = np.where(covered, each, fewest_each)
    covered = ~np.isnan(most_outside)
    panel_disagreement = np.where(
        covered, ((low_count >= fewest_each) & (high_count >= fewest_each)) * 1.0, np.nan
    )
    panel_agreement = np.where(
        covered & (in_region >= 0), (raters - in_region <= most_outside) * 1.0, np.nan
    )

    agreed_by_ipras = disagreement == 0.0
    appropriateness = np.select(
        [~rated, agreed_by_ipras & (median >= 7), agreed_by_ipras & (median <= 3)],
        [np.nan, APPROPRIATE, INAPPROPRIATE],
        default=UNCERTAIN,
    )
    return {
        "p30": p30,
        "p70": p70,
        "ipr": ipr,
        "iprcp": centre,
        "asymmetry_index": asymmetry,
        "ipras": ipras,
        "disagreement_index": np.where(rated, ipr / ipras, np.nan),
        "disagreement": disagreement,
        "ratings_1_3": np.where(rated, low_count, np.nan),
        "ratings_7_9": np.where(rated, high_count, np.nan),
        "panel_rule_agreement": panel_agreement,
        "panel_rule_disagreement": panel_disagreement,
        "appropriateness": appropriateness,
    }
