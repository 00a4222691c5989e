"""The model as a picture and as a table: the mentee at the centre of N intersecting domains,
each listing its placed themes, with the questions as a key below.

One layout feeds both pictures, so the SVG and the PNG show the same thing: `figure_svg`
writes it as accessible SVG (title, description, role="img"; presentation attributes only,
because the site's Content Security Policy forbids inline style), and `figure_png` draws it
with matplotlib (imported only when called). `figure_text` is the text alternative and
`model_table` the same content as rows for a paper.
"""

from __future__ import annotations

import csv
import io
import math
import re
import textwrap
from dataclasses import dataclass
from html import escape

from allied.core.cells import plain
from allied.core.model.types import Domain, MentoringModel, ThemeRef

WIDTH = 1000
VENN_TOP = 80
VENN_HEIGHT = 900
CENTRE_RADIUS = 85
INK = "#212b32"
COLOURS = (
    "#005eb8",
    "#007f3b",
    "#ae2573",
    "#ed8b00",
    "#330072",
    "#00a499",
    "#7c2855",
    "#006747",
)
FONT = "Arial, Helvetica, sans-serif"
THEME_LINES = 9


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    colour: str
    fill_opacity: float


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: int
    bold: bool = False
    anchor: str = "middle"  # "middle" or "start"


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    circles: tuple[Circle, ...]
    texts: tuple[Text, ...]


def question_number(model: MentoringModel) -> dict[str, int]:
    """Returns each question's number in the key ("need" -> 1)."""
    return {q.code: n for n, q in enumerate(model.questions, start=1)}


def ordered_themes(model: MentoringModel, domain: Domain) -> list[ThemeRef]:
    """Returns the domain's themes by question (in the model's order), then as placed."""
    number = question_number(model)
    return sorted(domain.themes, key=lambda t: number.get(t.question, len(number) + 1))


def _geometry(count: int) -> tuple[float, float]:
    """Returns (distance of each domain's centre from the mentee, domain radius)."""
    if count == 1:
        return 0.0, 330.0
    if count <= 4:
        return 175.0, 265.0
    return 205.0, max(170.0, 245.0 - 8 * (count - 5))


def _domain_lines(model: MentoringModel, domain: Domain, width: int) -> list[tuple[str, int, bool]]:
    number = question_number(model)
    lines = [(line, 20, True) for line in textwrap.wrap(domain.name, 20) or [domain.code]]
    themes = ordered_themes(model, domain)
    theme_lines: list[tuple[int, str]] = []
    for index, theme in enumerate(themes):
        wrapped = textwrap.wrap(f"Q{number.get(theme.question, '?')} {theme.name}", width)
        if len(wrapped) > 2:
            wrapped = [wrapped[0], wrapped[1] + "…"]
        theme_lines.extend((index, line) for line in wrapped)
    if len(theme_lines) > THEME_LINES:
        shown = theme_lines[: THEME_LINES - 1]
        if shown[-1][0] == theme_lines[THEME_LINES - 1][0]:
            shown = [line for line in shown if line[0] != shown[-1][0]]
        hidden = len(themes) - len({index for index, _ in shown})
        theme_lines = [*shown, (-1, f"and {hidden} more (see the table)")]
    return lines + [(line, 14, False) for _, line in theme_lines]


def venn(blocks: list[list[tuple[str, int, bool]]], centre: str) -> tuple[list, list]:
    """Returns (circles, texts) for intersecting domains around a centre: one circle per
    block, each block's lines (text, size, bold) centred in the part of its circle away from
    the others, and the centre's name in a white disc. Used by the model's figure and by a
    mentee's picture, so both draw the same shape."""
    cx, cy = WIDTH / 2, VENN_TOP + VENN_HEIGHT / 2
    count = len(blocks)
    distance, radius = _geometry(count)
    circles: list[Circle] = []
    texts: list[Text] = []
    for index, lines in enumerate(blocks):
        angle = math.radians(-90 + 360 * index / count)
        x, y = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
        circles.append(Circle(x, y, radius, COLOURS[index % len(COLOURS)], 0.16))
        reach = distance + radius * 0.52 if count > 1 else radius * 0.6
        tx = cx + reach * math.cos(angle) if count > 1 else cx
        ty = cy + reach * math.sin(angle) if count > 1 else cy - reach
        top = ty - sum(size + 6 for _, size, _ in lines) / 2
        for text, size, bold in lines:
            top += size + 6
            texts.append(Text(tx, top - 6, text, size, bold=bold))
    circles.append(Circle(cx, cy, CENTRE_RADIUS, "#ffffff", 1.0))
    centre_lines = textwrap.wrap(centre, 12)[:3]
    for row, line in enumerate(centre_lines):
        offset = (row - (len(centre_lines) - 1) / 2) * 22
        texts.append(Text(cx, cy + offset + 7, line, 19, bold=True))
    return circles, texts


def layout(model: MentoringModel) -> Layout:
    """Returns where every circle and line of text goes, in a WIDTH-wide coordinate space."""
    cx = WIDTH / 2
    texts: list[Text] = []
    for row, line in enumerate(textwrap.wrap(model.name, 70)[:2]):
        texts.append(Text(cx, 34 + row * 26, line, 22, bold=True))
    count = len(model.domains)
    width = 26 if count <= 4 else 20
    blocks = [_domain_lines(model, domain, width) for domain in model.domains]
    circles, drawn = venn(blocks, model.centre)
    texts += drawn
    y = VENN_TOP + VENN_HEIGHT + 30
    texts.append(Text(40, y, "Questions", 18, bold=True, anchor="start"))
    for number, question in enumerate(model.questions, start=1):
        label = f"Q{number} {question.text}" + (f" {question.meaning}" if question.meaning else "")
        for row, line in enumerate(textwrap.wrap(label, 100)):
            y += 24 if row == 0 else 20
            texts.append(Text(40 if row == 0 else 72, y, line, 15, anchor="start"))
    if model.citation:
        y += 16
        for line in textwrap.wrap(model.citation, 130):
            y += 18
            texts.append(Text(40, y, line, 12, anchor="start"))
    return Layout(WIDTH, int(y + 30), tuple(circles), tuple(texts))


# Text alternative -------------------------------------------------------------------------


def joined_names(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def figure_text(model: MentoringModel) -> str:
    """Returns the figure in words, for its description and anyone who cannot see it."""
    count = len(model.domains)
    parts = [
        f"{model.name}, version {model.version}. {model.centre} at the centre, surrounded by "
        f"{count} intersecting domain{'s' if count != 1 else ''}: "
        f"{joined_names([d.name for d in model.domains])}.",
        "The domains answer the questions "
        + joined_names(
            [
                f"{q.text} ({q.meaning.rstrip('.')})" if q.meaning else q.text
                for q in model.questions
            ]
        )
        + ".",
    ]
    questions = {q.code: q.text for q in model.questions}
    for domain in model.domains:
        themes = ordered_themes(model, domain)
        if not themes:
            parts.append(f"{domain.name}: no themes placed yet.")
            continue
        by_question: dict[str, list[str]] = {}
        for theme in themes:
            by_question.setdefault(theme.question, []).append(theme.name)
        parts.append(
            f"{domain.name}: "
            + "; ".join(
                f"{questions.get(code, code)} {joined_names(names)}"
                for code, names in by_question.items()
            )
            + "."
        )
    if model.allyship:
        parts.append(model.allyship)
    return " ".join(parts)


# SVG --------------------------------------------------------------------------------------


def _attr(value: object) -> str:
    return escape(NOT_XML.sub("", str(value)), quote=True)


# Characters XML 1.0 cannot hold at all, escaped or not (control characters, lone surrogates):
# typed text that carries one would make the SVG unreadable, so they are dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(value: object) -> str:
    """Returns the text escaped for XML, without characters XML cannot hold."""
    return escape(NOT_XML.sub("", str(value)))


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def figure_svg(model: MentoringModel, *, id_prefix: str = "mentoring-model") -> str:
    """Returns the figure as an SVG document: role="img" with a title and a description that
    says everything the picture shows, and no inline style."""
    return plan_svg(
        layout(model),
        title=f"{model.name} (version {model.version})",
        description=figure_text(model),
        id_prefix=id_prefix,
    )


def plan_svg(plan: Layout, *, title: str, description: str, id_prefix: str) -> str:
    """Returns a laid-out figure (`layout`, or a mentee's picture) as an SVG document with
    `title` and `description`, role="img", and no inline style (the site's Content Security
    Policy); characters XML cannot hold are dropped from every text."""
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {plan.width} {plan.height}" '
        f'width="{plan.width}" height="{plan.height}" role="img" '
        f'aria-labelledby="{_attr(title_id)} {_attr(desc_id)}" font-family="{FONT}">',
        f'<title id="{_attr(title_id)}">{_xml(title)}</title>',
        f'<desc id="{_attr(desc_id)}">{_xml(description)}</desc>',
        f'<rect x="0" y="0" width="{plan.width}" height="{plan.height}" fill="#ffffff"/>',
    ]
    for circle in plan.circles:
        out.append(
            f'<circle cx="{_number(circle.x)}" cy="{_number(circle.y)}" r="{_number(circle.r)}" '
            f'fill="{circle.colour}" fill-opacity="{circle.fill_opacity}" '
            f'stroke="{INK if circle.colour == "#ffffff" else circle.colour}" stroke-width="3"/>'
        )
    for text in plan.texts:
        weight = ' font-weight="bold"' if text.bold else ""
        out.append(
            f'<text x="{_number(text.x)}" y="{_number(text.y)}" font-size="{text.size}" '
            f'text-anchor="{text.anchor}" fill="{INK}"{weight}>{_xml(text.text)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


# PNG --------------------------------------------------------------------------------------


def figure_png(model: MentoringModel, *, dpi: int = 200) -> bytes:
    """Returns the same figure as a PNG (2000 pixels wide at the default dpi), drawn with
    matplotlib; its Title and Description metadata carry the name and the text alternative."""
    return plan_png(
        layout(model),
        title=f"{model.name} (version {model.version})",
        description=figure_text(model),
        dpi=dpi,
    )


def plan_png(plan: Layout, *, title: str, description: str, dpi: int = 200) -> bytes:
    """Returns a laid-out figure (`layout`, or a mentee's picture) drawn as a PNG with
    matplotlib (imported only here), with `title` and `description` in its metadata."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle as Disc

    figure = Figure(figsize=(plan.width / 100, plan.height / 100), dpi=100)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, plan.width)
    axes.set_ylim(plan.height, 0)
    axes.set_aspect("equal")
    axes.axis("off")
    for circle in plan.circles:
        edge = INK if circle.colour == "#ffffff" else circle.colour
        axes.add_patch(
            Disc(
                (circle.x, circle.y),
                circle.r,
                facecolor=circle.colour,
                alpha=circle.fill_opacity,
                edgecolor="none",
            )
        )
        axes.add_patch(
            Disc((circle.x, circle.y), circle.r, facecolor="none", edgecolor=edge, linewidth=2.2)
        )
    for text in plan.texts:
        axes.text(
            text.x,
            text.y,
            text.text,
            fontsize=text.size * 0.72,
            fontweight="bold" if text.bold else "normal",
            ha="center" if text.anchor == "middle" else "left",
            va="baseline",
            color=INK,
            family="sans-serif",
            parse_math=False,  # typed names ("$5k"), never TeX
        )
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=dpi,
        facecolor="white",
        metadata={"Title": title, "Description": description},
    )
    return buffer.getvalue()


# The table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the model's table: a theme in a domain under a question (theme "" for a
    domain with nothing placed yet), with its score and its trail as text."""

    domain: str
    definition: str
    question: str
    theme: str
    score: str
    ideas: str
    notes: str
    note: str
    source: str


HEADER = (
    "Domain",
    "Definition",
    "Question",
    "Theme",
    "Score",
    "Ideas and votes",
    "Discussion notes",
    "Why it was placed here",
    "Source",
)


def _count(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def score_text(rank: int | None, total: float | None, voters: int | None) -> str:
    """Returns a score in words ("rank 1, total 12, 4 voters"), or "" when nobody voted."""
    parts = []
    if rank is not None:
        parts.append(f"rank {rank}")
    if total is not None:
        parts.append(f"total {_count(total)}")
    if voters is not None:
        parts.append(f"{voters} voter{'s' if voters != 1 else ''}")
    return ", ".join(parts)


def model_table(model: MentoringModel) -> list[Row]:
    """Returns the model as rows for a paper: every placed theme by domain and question, and
    a row for each domain with no theme."""
    questions = {q.code: q.text for q in model.questions}
    rows = []
    for domain in model.domains:
        themes = ordered_themes(model, domain)
        if not themes:
            rows.append(Row(domain.name, domain.definition, "", "", "", "", "", "", ""))
        for theme in themes:
            ideas = "; ".join(
                f"{idea.number}. {idea.text}"
                + (
                    f" ({score_text(idea.rank, idea.total, idea.voters)})"
                    if score_text(idea.rank, idea.total, idea.voters)
                    else ""
                )
                for idea in theme.ideas
            )
            rows.append(
                Row(
                    domain.name,
                    domain.definition,
                    questions.get(theme.question, theme.question),
                    theme.name,
                    score_text(theme.rank, theme.total, theme.voters),
                    ideas,
                    " | ".join(theme.notes),
                    theme.note,
                    theme.source,
                )
            )
    return rows


def table_csv(model: MentoringModel) -> str:
    """Returns the table as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in model_table(model):
        writer.writerow(
            [
                plain(value)
                for value in (
                    row.domain,
                    row.definition,
                    row.question,
                    row.theme,
                    row.score,
                    row.ideas,
                    row.notes,
                    row.note,
                    row.source,
                )
            ]
        )
    return buffer.getvalue()


def table_html(model: MentoringModel) -> str:
    """Returns the table as a small stand-alone HTML document, to paste into a paper."""
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in HEADER)
    body = []
    for row in model_table(model):
        values = (
            row.domain,
            row.definition,
            row.question,
            row.theme or "No themes placed yet",
            row.score,
            row.ideas,
            row.notes,
            row.note,
            row.source,
        )
        body.append("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>")
    citation = f"<p>{escape(model.citation)}</p>" if model.citation else ""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
        f"<title>{escape(model.name)} (version {model.version})</title></head>\n<body>\n"
        f"<table>\n<caption>{escape(model.name)} (version {model.version}): domains, "
        f"questions and themes</caption>\n<thead><tr>{cells}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + f"\n</tbody>\n</table>\n{citation}\n</body>\n</html>\n"
    )
