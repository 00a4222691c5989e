"""Rendering a tally: JSON-ready dicts, CSV, a terminal table, Markdown and XLSX with a methods note."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence

from allied.core.cells import plain
from allied.core.ngt import rand
from allied.core.ngt.schemes import PointsScheme, RankScheme, RatingScheme
from allied.core.ngt.tally import IdeaResult, QuestionResult, TallyResult, ThemeResult

FORMATS = ("table", "json", "csv", "xlsx", "md")
_LEFT_ALIGNED = frozenset({"Idea", "Theme"})

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_ORDINALS = (
    "",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)

_KEY_WORDS = {
    "total": "total score",
    "voters": "the number of participants who gave it points",
    "first_places": "the number of first places",
    "top3": "the number of top-three places",
    "mean": "mean score",
    "mean_among_voters": "mean score among the participants who gave it points",
    "median": "median rating",
    "top_band": "the share rating it in the top band",
    "bottom_band": "the share rating it in the bottom band (lower first)",
    "mean_rank": "mean rank (lower first)",
}


_RATING_KEY_WORDS = {
    "total": "sum of ratings",
    "voters": "the number of participants who rated it",
    "mean": "mean rating",
    "mean_among_voters": "mean rating",
}


def _round(x: float | None, places: int) -> float | int | None:
    """Return x rounded for output; whole numbers as int, NaN and None as None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if float(x).is_integer():
        return int(x)
    return round(float(x), places)


def _p(p: float | None) -> float | None:
    """Return a p-value to four significant figures (tiny p-values must not round to 0)."""
    if p is None:
        return None
    return float(f"{p:.4g}")


def idea_dict(idea: IdeaResult, result: QuestionResult, tally: TallyResult) -> dict[str, object]:
    """Return one idea as the JSON object described in docs/ngt-results.md."""
    out: dict[str, object] = {
        "idea": idea.idea,
        "theme": idea.theme,
        "total": _round(idea.total, 4),
        "voters": idea.voters,
        "mean": _round(idea.mean, 4),
        "mean_among_voters": _round(idea.mean_among_voters, 4),
        "pct_of_max": _round(idea.pct_of_max, 2),
        "share_of_points": _round(idea.share_of_points, 2),
        "first_places": idea.first_places,
        "top3": idea.top3,
        "rank": idea.rank,
    }
    if tally.has_rounds:
        out["rank_change"] = idea.rank_change
    if idea.normalised_total is not None:
        out["normalised_total"] = _round(idea.normalised_total, 4)
    for name in ("rank_sum", "mean_rank", "median", "q1", "q3", "iqr", "top_band", "bottom_band"):
        if isinstance(tally.scheme, RatingScheme) or name in ("rank_sum", "mean_rank"):
            value = getattr(idea, name)
            if value is not None or isinstance(tally.scheme, RatingScheme):
                out[name] = _round(value, 4)
    if isinstance(tally.scheme, RatingScheme):
        out["agreed"] = idea.agreed
    if carries_forward(tally):
        out["outcome"] = idea.outcome
    if rand_applies(tally):
        for name in RAND_KEYS:
            value = getattr(idea, name)
            out[name] = value if isinstance(value, bool | str | int) else _round(value, 4)
    if tally.bootstrap is not None:
        out["top_n_probability"] = _round(idea.top_n_probability, 4)
        out["rank_interval"] = list(idea.rank_interval) if idea.rank_interval else None
    return out


# The RAND/UCLA keys of each idea, in the order the docs list them (ratings on 1–9 only).
RAND_KEYS = (
    "p30",
    "p70",
    "ipr",
    "iprcp",
    "asymmetry_index",
    "ipras",
    "disagreement_index",
    "disagreement",
    "ratings_1_3",
    "ratings_7_9",
    "panel_rule_agreement",
    "panel_rule_disagreement",
    "appropriateness",
)


def rand_applies(tally: TallyResult) -> bool:
    """Return whether the tally carries the RAND/UCLA statistics: ratings on the 1–9 scale."""
    scheme = tally.scheme
    return isinstance(scheme, RatingScheme) and rand.applies(scheme.low, scheme.high)


def panel_rule_words(idea: IdeaResult) -> str:
    """Return the RAND/UCLA panel-size rule's verdict on an idea ('' outside 8 to 16 raters)."""
    if idea.panel_rule_disagreement:
        return "disagreement"
    if idea.panel_rule_agreement:
        return "agreement"
    if idea.panel_rule_agreement is None and idea.panel_rule_disagreement is None:
        return ""
    return "neither"


def carries_forward(tally: TallyResult) -> bool:
    """Return whether the tally applied a carry-forward rule (ratings with an exclusion rule)."""
    scheme = tally.scheme
    return isinstance(scheme, RatingScheme) and scheme.rule.exclude_bottom is not None


def carry_forward_dict(result: QuestionResult) -> dict[str, object] | None:
    """Return the carry-forward rule's outcome for one round as a JSON object."""
    c = result.carry_forward
    if c is None:
        return None
    return {
        "agreed": list(c.agreed),
        "excluded": list(c.excluded),
        "next_round": list(c.next_round),
        "previous_round": c.previous_round,
        "rated_though_settled": list(c.rated_though_settled),
        "not_rated_though_sent_on": list(c.not_rated_though_sent_on),
    }


def stability_dict(result: QuestionResult) -> dict[str, object] | None:
    """Return the ranking's stability from the previous round as a JSON object (None in round 1)."""
    s = result.stability
    if s is None:
        return None
    return {
        "previous_round": s.previous_round,
        "ideas_compared": s.ideas_compared,
        "kendall_tau": _round(s.kendall_tau, 4),
        "interval": [_round(x, 4) for x in s.interval] if s.interval else None,
    }


def theme_dict(theme: ThemeResult) -> dict[str, object]:
    """Return one theme as a JSON object."""
    out: dict[str, object] = {
        "theme": theme.theme,
        "ideas": theme.ideas,
        "total": _round(theme.total, 4),
        "voters": theme.voters,
        "mean": _round(theme.mean, 4),
        "mean_among_voters": _round(theme.mean_among_voters, 4),
        "pct_of_max": _round(theme.pct_of_max, 2),
        "share_of_points": _round(theme.share_of_points, 2),
        "first_places": theme.first_places,
        "top3": theme.top3,
        "rank": theme.rank,
    }
    if theme.normalised_total is not None:
        out["normalised_total"] = _round(theme.normalised_total, 4)
    return out


def to_dict(tally: TallyResult) -> dict[str, object]:
    """Return the whole tally as plain values, in the shape `allied ngt tally --format json` prints."""
    out: dict[str, object] = {"scheme": tally.scheme.describe(), "tie_break": list(tally.tie_break)}
    if tally.bootstrap is not None:
        out["bootstrap"] = {
            "resamples": tally.bootstrap.resamples,
            "seed": tally.bootstrap.seed,
            "top_n": tally.questions[0].top_n if tally.questions else tally.bootstrap.top_n,
        }
    questions = []
    for result in tally.questions:
        a = result.agreement
        entry: dict[str, object] = {
            "question": result.question,
            "round": result.round,
            "group": result.group,
            "voters": result.voters,
            "ideas_on_ballot": result.ideas_on_ballot,
        }
        if result.group_sizes:
            entry["group_sizes"] = dict(result.group_sizes)
        entry["ideas"] = [idea_dict(i, result, tally) for i in result.ideas]
        entry["themes"] = [theme_dict(t) for t in result.themes]
        entry["agreement"] = {
            "kendall_w": _round(a.kendall_w, 4),
            "chi2": _round(a.chi2, 3),
            "df": a.df,
            "p_value": _p(a.p_value),
        }
        if tally.has_rounds:
            entry["stability"] = stability_dict(result)
        if carries_forward(tally):
            entry["carry_forward"] = carry_forward_dict(result)
        questions.append(entry)
    out["questions"] = questions
    return out


def _words(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def scheme_sentence(tally: TallyResult) -> str:
    """Return how participants voted and how marks became points, as a methods sentence."""
    scheme = tally.scheme
    if isinstance(scheme, RankScheme):
        if scheme.name == "top-k" and scheme.k is not None:
            k = scheme.k
            choose = (
                f"Each participant chose their {_words(k)} most important ideas"
                if scheme.exactly_k
                else f"Each participant chose up to {_words(k)} ideas they judged most important"
            )
            last = _ORDINALS[k] if k < len(_ORDINALS) else f"{k}th"
            return (
                f"{choose} and ranked them from 1 (most important) to {k}; an idea ranked r earned "
                f"{k} − r + 1 points ({k} for first place, 1 for {last} place) and an idea not chosen "
                "earned none."
            )
        if scheme.complete:
            return (
                "Each participant ranked every idea on the ballot from 1 (most important) to n, the "
                f"number of ideas; an idea ranked r earned {scheme.formula()} points."
            )
        limit = f"up to {_words(scheme.k)}" if scheme.k else "any number of"
        base = (
            " (c being the number of ideas that participant ranked)"
            if scheme.base == "ranked"
            else ""
        )
        return (
            f"Each participant ranked {limit} ideas from 1 (most important); an idea ranked r earned "
            f"{scheme.formula()} points{base}, where n is the number of ideas on the ballot, and an "
            f"idea not ranked earned none (the '{scheme.name}' scoring)."
        )
    if isinstance(scheme, PointsScheme):
        pool = _round(scheme.pool, 4)
        return f"Each participant distributed up to {pool} points across the ideas as they wished."
    if isinstance(scheme, RatingScheme):
        assert scheme.top_band is not None and scheme.bottom_band is not None
        return (
            f"Each participant rated each idea from {scheme.low} to {scheme.high}; for each idea we "
            "report the median, the interquartile range (quartiles by linear interpolation), the mean, "
            f"and the share of ratings in the top band ({_band(scheme.top_band)}) and bottom band "
            f"({_band(scheme.bottom_band)}). Consensus was defined as {scheme.rule.describe()}."
            + (RAND_SENTENCE if rand.applies(scheme.low, scheme.high) else "")
        )
    return "Each participant approved any number of ideas; each approval counted as one point."


RAND_SENTENCE = (
    " Disagreement was judged by the RAND/UCLA appropriateness method: an idea's ratings showed "
    "disagreement when the interpercentile range (70th minus 30th percentile, by linear "
    "interpolation) exceeded the interpercentile range adjusted for symmetry, 2.35 + 1.5 × the "
    "asymmetry index; the panel-size counting rule is reported beside it for panels of 8 to 16. "
    "An idea with a median of 7 to 9 without disagreement was classed as appropriate, 1 to 3 "
    "without disagreement as inappropriate, and any other as uncertain."
)


def _band(band: tuple[float, float]) -> str:
    return f"{_round(band[0], 2)}–{_round(band[1], 2)}"


def tie_break_words(chain: Sequence[str], rating: bool = False) -> str:
    """Return the tie-break chain in words: 'total score, then …'."""
    words = {**_KEY_WORDS, **(_RATING_KEY_WORDS if rating else {})}
    return ", then ".join(words[k] for k in chain)


def methods_paragraph(tally: TallyResult) -> str:
    """Return a short methods paragraph describing exactly what was computed, for a researcher to adapt."""
    parts = [scheme_sentence(tally)]
    parts.append(
        f"Ideas were ordered by {tie_break_words(tally.tie_break, isinstance(tally.scheme, RatingScheme))}; ideas still level shared a rank "
        "(standard competition ranking: 1, 2, 2, 4)."
    )
    ties = (
        ", with the ideas a participant did not rank sharing the mid-rank of the remaining places"
        if isinstance(tally.scheme, RankScheme) and not tally.scheme.complete
        else ""
    )
    parts.append(
        "Agreement between participants was measured with Kendall's coefficient of concordance W, "
        f"corrected for ties{ties}, and tested with χ² = m(n − 1)W on n − 1 degrees of freedom."
    )
    if tally.has_rounds:
        parts.append(
            "Each round was tallied separately and the change in each idea's rank between rounds is "
            "shown; the stability of the whole ranking from one round to the next is Kendall's τ-b "
            "between the two rounds' ranks"
            + (" of the ideas rated in both" if isinstance(tally.scheme, RatingScheme) else "")
            + (
                ", with a 95% interval from a paired bootstrap: each resample drew participants "
                "with replacement from those who voted in either round and tallied both rounds "
                "from the same people."
                if tally.bootstrap is not None
                else "."
            )
        )
    if tally.has_groups:
        parts.append(
            "Each group was tallied separately; in the pooled results each group's scores were "
            "expressed as a percentage of that group's maximum possible score so that every group "
            "counted equally regardless of its size."
        )
    if tally.bootstrap is not None:
        top_n = tally.questions[0].top_n if tally.questions else tally.bootstrap.top_n
        parts.append(
            f"Rank stability was estimated by resampling participants with replacement "
            f"{tally.bootstrap.resamples:,} times (seed {tally.bootstrap.seed}); for each idea we "
            f"report the proportion of resamples in which it ranked in the top {top_n} and the "
            "2.5th to 97.5th percentile of its rank."
        )
    return " ".join(parts)


def _title(result: QuestionResult) -> str:
    title = result.question if result.question is not None else "Results"
    extras = []
    if result.group is not None:
        extras.append("pooled groups" if result.group == "pooled" else f"group {result.group}")
    extras.append(f"round {result.round}")
    return f"{title} ({', '.join(extras)})"


def footnote(result: QuestionResult, tally: TallyResult) -> str:
    """Return the footnote for one results table: scheme, m, n and the tie-break rule."""
    scheme = tally.scheme.describe()
    detail = "; ".join(f"{k} = {v}" for k, v in scheme.items() if k != "name")
    sizes = ""
    if result.group_sizes:
        sizes = " (" + ", ".join(f"{g}: {c}" for g, c in result.group_sizes.items()) + ")"
    return (
        f"Scheme: {scheme['name']}{f' ({detail})' if detail else ''}. m = {result.voters} "
        f"participant{'s' if result.voters != 1 else ''}{sizes}; n = {result.ideas_on_ballot} ideas. Ties broken by "
        f"{tie_break_words(tally.tie_break, isinstance(tally.scheme, RatingScheme))}; ideas still level share a rank."
    )


def agreement_line(result: QuestionResult) -> str:
    """Return Kendall's W with its χ² test in words, or why it is undefined."""
    a = result.agreement
    if a.kendall_w is None:
        return "Kendall's W: not defined (it needs at least two participants and two ideas that are not all tied)."
    p = a.p_value
    p_text = "< 0.001" if p is not None and p < 0.001 else f"= {p:.3f}"
    return f"Kendall's W = {a.kendall_w:.3f} (χ² = {a.chi2:.2f}, df = {a.df}, p {p_text})."


def _ideas_words(names: Sequence[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def carry_forward_line(result: QuestionResult) -> str:
    """Return the carry-forward rule applied to this round in words ('' without a rule)."""
    c = result.carry_forward
    if c is None:
        return ""
    counts = (
        f"Carry-forward rule, round {result.round}: {len(c.agreed)} agreed, "
        f"{len(c.excluded)} excluded, {len(c.next_round)} sent on to the next round."
    )
    notes = []
    if c.rated_though_settled:
        notes.append(
            f"This round also rated {_ideas_words(c.rated_though_settled)}, which round "
            f"{c.previous_round} had settled (a deviation from the rule)."
        )
    if c.not_rated_though_sent_on:
        notes.append(
            f"Round {c.previous_round} sent on {_ideas_words(c.not_rated_though_sent_on)}, "
            "which nobody rated in this round."
        )
    return " ".join([counts, *notes])


def stability_line(result: QuestionResult) -> str:
    """Return the ranking's stability from the previous round in words ('' in the first round)."""
    s = result.stability
    if s is None:
        return ""
    if s.kendall_tau is None:
        return (
            f"Stability from round {s.previous_round}: Kendall's τ-b not defined "
            f"({s.ideas_compared} idea{'s' if s.ideas_compared != 1 else ''} compared)."
        )
    return (
        f"Stability from round {s.previous_round}: Kendall's τ-b = {s.kendall_tau:.2f} "
        f"over {s.ideas_compared} ideas"
        + (
            f", 95% paired bootstrap interval {s.interval[0]:.2f} to {s.interval[1]:.2f}."
            if s.interval
            else "."
        )
    )


def _publication_rows(
    result: QuestionResult, tally: TallyResult
) -> tuple[list[str], list[list[str]]]:
    """Return the headers and cells of the publication table for one block."""
    has_theme = any(t is not None for t in result.idea_themes)
    rating = isinstance(tally.scheme, RatingScheme)
    headers = ["Rank", "Idea"] + (["Theme"] if has_theme else [])
    if rating:
        headers += ["Median", "IQR", "Mean", "Top band %", "Bottom band %", "Agreed", "Raters"]
        if rand_applies(tally):
            headers += ["IPR", "IPRAS", "Disagreement", "Panel-size rule", "Appropriateness"]
        if carries_forward(tally):
            headers.append("Outcome")
    else:
        headers += ["Total", "Voters", "% of maximum"]
    if tally.has_rounds:
        headers.append("Rank change")
    if tally.bootstrap is not None:
        headers += [f"P(top {result.top_n})", "95% rank interval"]
    rows = []
    for i in result.ideas:
        row = [str(i.rank), i.idea] + ([i.theme or ""] if has_theme else [])
        if rating:
            row += [
                _fmt(i.median, 1),
                _fmt(i.iqr, 2),
                _fmt(i.mean, 2),
                _fmt(i.top_band, 1),
                _fmt(i.bottom_band, 1),
                "" if i.agreed is None else ("yes" if i.agreed else "no"),
                str(i.voters),
            ]
            if rand_applies(tally):
                row += [
                    _fmt(i.ipr, 2),
                    _fmt(i.ipras, 2),
                    "" if i.disagreement is None else ("yes" if i.disagreement else "no"),
                    panel_rule_words(i),
                    i.appropriateness or "",
                ]
            if carries_forward(tally):
                row.append(i.outcome or "")
        else:
            row += [_fmt(i.total, 2), str(i.voters), _fmt(i.pct_of_max, 1)]
        if tally.has_rounds:
            row.append(_change(i.rank_change))
        if tally.bootstrap is not None:
            row.append(_fmt(i.top_n_probability, 2))
            row.append(f"{i.rank_interval[0]}–{i.rank_interval[1]}" if i.rank_interval else "")
        rows.append(row)
    return headers, rows


def _theme_rows(result: QuestionResult) -> tuple[list[str], list[list[str]]]:
    headers = ["Rank", "Theme", "Ideas", "Total", "Voters", "% of maximum"]
    rows = [
        [str(t.rank), t.theme, str(t.ideas), _fmt(t.total, 2), str(t.voters), _fmt(t.pct_of_max, 1)]
        for t in result.themes
    ]
    return headers, rows


def _fmt(x: float | None, places: int) -> str:
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.{places}f}"


def _change(x: int | None) -> str:
    if x is None:
        return "–"
    return f"+{x}" if x > 0 else ("0" if x == 0 else f"−{-x}")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(tally: TallyResult, methods: str | None = None) -> str:
    """Return publication-ready Markdown tables, one per block, with footnotes and a methods
    paragraph (`methods` in place of the engine's own, when the caller knows more of how the
    vote was run)."""
    lines: list[str] = ["# NGT results", ""]
    for result in tally.questions:
        lines += [f"## {_md_cell(_title(result))}", ""]
        for headers, rows in [_publication_rows(result, tally)] + (
            [_theme_rows(result)] if result.themes else []
        ):
            lines.append("| " + " | ".join(headers) + " |")
            lines.append(
                "| "
                + " | ".join("---" if h in ("Idea", "Theme") else "---:" for h in headers)
                + " |"
            )
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            lines.append("")
        notes = " ".join(
            filter(
                None,
                (agreement_line(result), stability_line(result), carry_forward_line(result)),
            )
        )
        lines += [f"*{footnote(result, tally)} {notes}*", ""]
    lines += ["## Methods", "", methods or methods_paragraph(tally), ""]
    return "\n".join(lines)


def to_table(tally: TallyResult) -> str:
    """Return plain-text tables for a terminal."""
    out: list[str] = []
    for result in tally.questions:
        out += [_title(result), "=" * min(len(_title(result)), 100)]
        for headers, rows in [_publication_rows(result, tally)] + (
            [_theme_rows(result)] if result.themes else []
        ):
            widths = [
                max(len(h), *(len(r[c]) for r in rows)) if rows else len(h)
                for c, h in enumerate(headers)
            ]

            def line(
                cells: Sequence[str], widths: list[int] = widths, headers: list[str] = headers
            ) -> str:
                return "  ".join(
                    c.ljust(w) if h in _LEFT_ALIGNED else c.rjust(w)
                    for c, w, h in zip(cells, widths, headers, strict=True)
                ).rstrip()

            out.append(line(headers))
            out.append("  ".join("-" * w for w in widths))
            out += [line(r) for r in rows]
            out.append("")
        out += [footnote(result, tally), agreement_line(result)]
        out += [line for line in (stability_line(result), carry_forward_line(result)) if line]
        out.append("")
    return "\n".join(out)


CSV_COLUMNS = (
    "level",
    "question",
    "round",
    "group",
    "idea",
    "theme",
    "rank",
    "total",
    "voters",
    "mean",
    "mean_among_voters",
    "pct_of_max",
    "share_of_points",
    "first_places",
    "top3",
)


def to_csv(tally: TallyResult) -> str:
    """Return one CSV row per idea and per theme of every block, with the scheme and tie-break on each."""
    data = to_dict(tally)
    extra: list[str] = []
    for q in data["questions"]:  # type: ignore[attr-defined]
        for idea in q["ideas"]:
            for key in idea:
                if key not in CSV_COLUMNS and key not in extra:
                    extra.append(key)
    stability = ["kendall_tau", "tau_interval"] if tally.has_rounds else []
    columns = [
        *CSV_COLUMNS,
        *extra,
        "kendall_w",
        "chi2",
        "df",
        "p_value",
        *stability,
        "scheme",
        "tie_break",
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    scheme = json.dumps(data["scheme"], ensure_ascii=False)
    chain = ">".join(tally.tie_break)
    for q in data["questions"]:  # type: ignore[attr-defined]
        common = {
            "question": q["question"],
            "round": q["round"],
            "group": q["group"],
            **q["agreement"],
            **_stability_cells(q.get("stability")),
            "scheme": scheme,
            "tie_break": chain,
        }
        for idea in q["ideas"]:
            row = {**common, **idea, "level": "idea"}
            if isinstance(row.get("rank_interval"), list):
                row["rank_interval"] = "–".join(map(str, row["rank_interval"]))
            writer.writerow(_csv_row(row))
        for theme in q["themes"]:
            row = {**common, **theme, "level": "theme", "idea": ""}
            row["ideas_in_theme"] = row.pop("ideas")
            writer.writerow(_csv_row(row))
    return buffer.getvalue()


def _stability_cells(stability: dict | None) -> dict[str, object]:
    if not stability:
        return {}
    interval = stability["interval"]
    return {
        "kendall_tau": stability["kendall_tau"],
        "tau_interval": "–".join(map(str, interval)) if interval else None,
    }


# Columns holding what people typed (a question, an idea, a theme, a group's name): written
# through `plain`, so a spreadsheet shows them as typed and never runs them as formulas.
TYPED_COLUMNS = ("question", "group", "idea", "theme", "ideas_in_theme")


def _csv_row(row: dict) -> dict:
    return {
        key: "" if value is None else plain(value) if key in TYPED_COLUMNS else value
        for key, value in row.items()
    }


def to_xlsx(tally: TallyResult, methods: str | None = None) -> bytes:
    """Return an XLSX workbook: a 'Results' sheet of publication tables and a 'Data' sheet of
    every column; `methods` as in `to_markdown`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Results"
    bold = Font(bold=True)
    italic = Font(italic=True, size=9)
    row = 1
    for result in tally.questions:
        sheet.cell(row=row, column=1, value=plain(_title(result))).font = Font(bold=True, size=12)
        row += 1
        for headers, rows in [_publication_rows(result, tally)] + (
            [_theme_rows(result)] if result.themes else []
        ):
            for c, h in enumerate(headers, start=1):
                sheet.cell(row=row, column=c, value=h).font = bold
            row += 1
            for cells in rows:
                for c, (h, text) in enumerate(zip(headers, cells, strict=True), start=1):
                    sheet.cell(row=row, column=c, value=_xlsx_value(h, text))
                row += 1
            row += 1
        for text in filter(
            None,
            (
                footnote(result, tally),
                agreement_line(result),
                stability_line(result),
                carry_forward_line(result),
            ),
        ):
            sheet.cell(row=row, column=1, value=text).font = italic
            row += 1
        row += 1
    sheet.cell(row=row, column=1, value="Methods").font = bold
    cell = sheet.cell(row=row + 1, column=1, value=plain(methods or methods_paragraph(tally)))
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=8)
    sheet.row_dimensions[row + 1].height = 150
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 48
    for letter in "CDEFGHIJ":
        sheet.column_dimensions[letter].width = 14

    data = book.create_sheet("Data")
    reader = csv.reader(io.StringIO(to_csv(tally)))
    header = next(reader)
    data.append(header)
    numeric = {
        h
        for h in header
        if h
        not in (
            "level",
            "question",
            "group",
            "idea",
            "theme",
            "scheme",
            "tie_break",
            "rank_interval",
            "agreed",
            "disagreement",
            "panel_rule_agreement",
            "panel_rule_disagreement",
            "appropriateness",
            "outcome",
            "tau_interval",
        )
    }
    for cells in reader:
        data.append(
            [
                _number_or_text(v) if h in numeric else (v or None)
                for h, v in zip(header, cells, strict=True)
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(header: str, text: str) -> object:
    if header in ("Idea", "Theme"):
        return plain(text)
    if header in (
        "Rank change",
        "95% rank interval",
        "Agreed",
        "Disagreement",
        "Appropriateness",
        "Outcome",
        "Panel-size rule",
    ):
        return text
    return _number_or_text(text)


def _number_or_text(text: str) -> object:
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def render(tally: TallyResult, fmt: str, methods: str | None = None) -> str | bytes:
    """Return the tally rendered as `fmt` (table, json, csv, xlsx or md); bytes only for xlsx.
    `methods`, for md and xlsx, replaces the engine's methods paragraph."""
    if fmt == "json":
        return json.dumps(to_dict(tally), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(tally)
    if fmt == "md":
        return to_markdown(tally, methods)
    if fmt == "xlsx":
        return to_xlsx(tally, methods)
    if fmt == "table":
        return to_table(tally)
    raise ValueError(f"Unknown format {fmt!r}: choose from {', '.join(FORMATS)}.")
