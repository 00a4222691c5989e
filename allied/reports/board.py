"""A board report: a programme's headline measures for a date range, as a printable page, a
PDF, a spreadsheet or JSON, with charts and a plain-English summary.

Every figure comes from `allied.reports.measures.dashboard`, which publishes the whole
programme and each cohort through the disclosure rule in one call; this module only picks the
headline figures out of that, draws them and puts them into words. It never sees a raw count,
so no summary sentence can say a number the rule hid: a hidden figure ("*") is named as hidden
instead. Percentages are worked out from the rounded figures, and only when both are shown.
The same `BoardReport` feeds the page, `render_pdf`, `render_xlsx` and `as_json`, so the four
always agree. See docs/decisions/0011-board-report.md.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

import matplotlib

matplotlib.use("Agg")

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from matplotlib.figure import Figure as PlotFigure
from matplotlib.ticker import MaxNLocator

from allied.core import disclosure
from allied.core.cells import plain_row
from allied.core.disclosure import SUPPRESSED
from allied.programmes.models import Programme
from allied.reports import measures

RULE_LINES = disclosure.RULE_LINES
RULE = " ".join(RULE_LINES)

# Names people type (a cohort called "$5k to $10k") are text, never TeX to parse.
matplotlib.rcParams["text.parse_math"] = False

# The headline figures, by the dashboard's keys; a key the dashboard does not publish is left
# out, so the report follows the dashboard as measures are added.
HEADLINES = (
    (
        "recruited",
        "Recruited",
        (
            "recruitment.mentee.registered",
            "recruitment.mentee.ready",
            "recruitment.mentor.registered",
            "recruitment.mentor.ready",
        ),
    ),
    ("matched", "Matched", ("matching.matched", "matching.unmatched")),
    ("met", "Met", ("engagement.meetings", "engagement.recent", "engagement.not_recent")),
    (
        "retained",
        "Retained",
        (
            "retention.active",
            "retention.completed",
            "retention.no_fault",
            "retention.withdrawn",
            "retention.declined",
        ),
    ),
    (
        "acceptability",
        "Acceptability",
        (
            "acceptability.reviewed",
            "acceptability.expectations.yes",
            "acceptability.expectations.partly",
            "acceptability.expectations.no",
        ),
    ),
)
# Sections of the dashboard published whole under "Career progression", when it has one.
PROGRESSION_SLUGS = ("progression", "career", "career_progression", "outcomes")

COHORT_COLUMNS = (
    ("recruitment.mentee.registered", "Mentees registered"),
    ("matching.matched", "Mentees matched"),
    ("engagement.meetings", "Meetings held"),
    ("retention.completed", "Relationships completed"),
    ("acceptability.reviewed", "People who reviewed"),
)


# The period ------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


EARLIEST = date(2000, 1, 1)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]


def _date_field(label: str, hint: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=hint,
        widget=DateInput,
        input_formats=DATE_FORMATS,
        error_messages={
            "invalid": f"Enter the {label.lower()} date as a real date, like 2026-03-27"
        },
    )


class PeriodForm(forms.Form):
    """The report's period, from `?from=YYYY-MM-DD&to=YYYY-MM-DD` (both inclusive). No start
    means since the programme began; no end means today. Used by the page and the command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = _date_field(
            "From", "Leave empty to start when the programme began. For example, 2026-01-01."
        )
        self.fields["to"] = _date_field("To", "Leave empty to end today. For example, 2026-12-31.")

    def clean(self):
        cleaned = super().clean()
        latest = timezone.localdate() + timedelta(days=366)
        for name in ("from", "to"):
            value = cleaned.get(name)
            if value is not None and not EARLIEST <= value <= latest:
                self.add_error(
                    name,
                    f"Enter a {name} date between {EARLIEST:%-d %B %Y} and {latest:%-d %B %Y}",
                )
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", "The to date must be the same as or after the from date")
        return cleaned

    def period(self) -> tuple[date | None, date | None]:
        """Returns (start, end) of a valid form; None leaves that end open."""
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")


# The report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One published figure: a shown count (rounded), a percentage, an average or "*", and
    what it counts (what happened in the period, or where things stood at its end)."""

    key: str
    label: str
    value: str
    counted: str = ""


@dataclass(frozen=True)
class Group:
    slug: str
    title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Chart:
    """A bar chart of published figures, with its text alternative; `rows` is its data table."""

    slug: str
    title: str
    axis: str
    rows: tuple[tuple[str, str], ...]

    @property
    def drawn(self) -> bool:
        """Whether a chart is worth drawing: at least one bar above zero. Bars that are all
        hidden or all none would be an empty frame; the table says it instead."""
        return any(
            value not in (SUPPRESSED, measures.NOT_APPLICABLE, "0") for _, value in self.rows
        )

    @property
    def alt(self) -> str:
        values = "; ".join(f"{label}, {value}" for label, value in self.rows)
        return f"Bar chart of {self.title[0].lower()}{self.title[1:]}: {values}."


@dataclass
class BoardReport:
    """Everything a board report publishes, already through the disclosure rule."""

    programme: str
    organisation: str
    start: date | None
    end: date
    generated: datetime
    groups: list[Group]
    summary: list[str]
    charts: list[Chart]
    cohorts: list[str] = field(default_factory=list)
    cohort_rows: list[tuple[str, list[str]]] = field(default_factory=list)
    equity_columns: list[str] = field(default_factory=list)
    equity_rows: list[tuple[str, list[str]]] = field(default_factory=list)
    # The comparison with the organisation's workforce, when its figures were entered.
    equity_lines: list[str] = field(default_factory=list)
    # Whether the report is of a period (figures count what happened in it) or all dates.
    dated: bool = False

    @property
    def title(self) -> str:
        return f"Board report: {self.programme}"

    @property
    def period(self) -> str:
        end = f"{self.end:%-d %B %Y}"
        if self.start is None:
            return f"From the start of the programme to {end}"
        return f"From {self.start:%-d %B %Y} to {end}"

    def figure(self, key: str) -> str | None:
        """Returns the published value of the figure with `key`, or None if not in the report."""
        for group in self.groups:
            for figure in group.figures:
                if figure.key == key:
                    return figure.value
        return None


def _labels() -> dict[str, str]:
    return {row.key: row.label for section in measures.SECTIONS for row in section.rows}


def _groups(figures: measures.ScopeFigures, period: measures.Period, end: date) -> list[Group]:
    labels = _labels()

    def figure(key: str, label: str, value: str) -> Figure:
        return Figure(key, label, value, measures.counted_as(key, period, end))

    groups = []
    for slug, title, keys in HEADLINES:
        items = [figure(k, labels[k], figures.shown[k]) for k in keys if k in figures.shown]
        if slug == "matched":
            items.append(
                figure(
                    "matching.median_days",
                    "Median days from completing the intake to the relationship starting",
                    figures.median_days_to_match,
                )
            )
        elif slug == "met":
            items += [
                figure("engagement.expected", "Meetings expected", figures.expected_meetings),
                figure(
                    "engagement.percent",
                    "Meetings held as a share of those expected",
                    figures.meetings_percent,
                ),
            ]
        elif slug == "acceptability":
            items += [
                figure(f"acceptability.mean.{i}", f"Mean {label.lower()} (1 to 5)", value)
                for i, (label, value) in enumerate(figures.ratings)
            ]
        groups.append(Group(slug, title, tuple(items)))
    for section in measures.SECTIONS:
        if section.slug in PROGRESSION_SLUGS:
            items = [
                figure(row.key, row.label, figures.shown[row.key])
                for row in section.rows
                if row.key in figures.shown
            ]
            if items:
                groups.append(Group("progression", "Career progression", tuple(items)))
    return groups


def _shown(value: str | None) -> bool:
    return value is not None and value != SUPPRESSED


def percent(part: str | None, whole: str | None) -> str | None:
    """Returns part / whole as a whole-number percentage of the published (rounded) figures,
    or None when either is hidden or missing, the whole is 0, or the part exceeds the whole."""
    if not (_shown(part) and _shown(whole)):
        return None
    top, bottom = int(part), int(whole)
    if bottom == 0 or top > bottom:
        return None
    return f"{round(100 * top / bottom)}%"


def _about(value: str, noun: str) -> str:
    """ "about 30 mentees" for a rounded count; "no mentees" for 0."""
    return f"no {noun}" if value == "0" else f"about {value} {noun}"


def _hidden(label: str) -> str:
    return (
        f"The number of {label[0].lower()}{label[1:]} is not shown (*), so that nobody can be "
        "identified."
    )


def _stated(label: str, value: str | None) -> str:
    """ "Mentees registered: about 30." or, for a hidden figure, that it is not shown."""
    if not _shown(value):
        return _hidden(label)
    return f"{label}: {'none' if value == '0' else f'about {value}'}."


def _summary(report: BoardReport, figures: measures.ScopeFigures) -> list[str]:
    """Plain-English sentences from the published figures alone. A sentence whose figures are
    hidden says so instead; none repeats a hidden figure in words."""
    get = report.figure
    labels = _labels()
    lines = []

    # A period's figures count what happened in it, so every sentence says so; without one,
    # they count everything since the programme began.
    here = " in this period" if report.dated else ""
    registered, mentors = get("recruitment.mentee.registered"), get("recruitment.mentor.registered")
    if _shown(registered) and _shown(mentors):
        lines.append(
            f"{_about(registered, 'mentees').capitalize()} and {_about(mentors, 'mentors')} "
            f"registered for the programme{here}."
        )
    else:
        for key in ("recruitment.mentee.registered", "recruitment.mentor.registered"):
            lines.append(_stated(labels[key], get(key)))

    ready, matched = get("recruitment.mentee.ready"), get("matching.matched")
    if report.dated:
        # Matches in the period beside those still waiting at its end: a share of the
        # intakes completed at any time would mix the period with all dates.
        waiting = get("matching.unmatched")
        if _shown(matched):
            lines.append(
                f"{_about(matched, 'mentees').capitalize()} were matched with a mentor{here}."
            )
        else:
            lines.append(_hidden(labels["matching.matched"]))
        if _shown(waiting):
            lines.append(
                f"At its end, {_about(waiting, 'mentees')} who had completed their intake were "
                "waiting for a mentor."
            )
        else:
            lines.append(_hidden(labels["matching.unmatched"]))
    elif share := percent(matched, ready):
        lines.append(
            f"Of the mentees who completed their intake, about {share} were matched with a mentor."
        )
    elif _shown(ready) and ready == "0":
        lines.append("No mentees completed their intake.")
    elif _shown(matched):
        lines.append(f"{_about(matched, 'mentees').capitalize()} were matched with a mentor.")
    else:
        lines.append(_hidden(labels["matching.matched"]))
    if _shown(figures.median_days_to_match):
        lines.append(
            f"Half of those matched{here} were matched within {figures.median_days_to_match} "
            "days of completing their intake."
        )

    meetings = get("engagement.meetings")
    if _shown(meetings) and meetings != "0" and _shown(figures.meetings_percent):
        lines.append(
            f"Pairs held {_about(meetings, 'meetings')}{here}, {figures.meetings_percent} of "
            f"the {figures.expected_meetings} expected if every pair met as often as the "
            "programme asks."
        )
    elif _shown(meetings):
        lines.append(f"Pairs held {_about(meetings, 'meetings')}{here}.")
    else:
        lines.append(_hidden(labels["engagement.meetings"]))
    recent, not_recent = get("engagement.recent"), get("engagement.not_recent")
    if _shown(recent) and _shown(not_recent) and int(recent) + int(not_recent):
        share = percent(recent, str(int(recent) + int(not_recent)))
        lines.append(
            f"Of the pairs still meeting, about {share} met in the last two meeting intervals."
        )

    completed, no_fault, active = (
        get("retention.completed"),
        get("retention.no_fault"),
        get("retention.active"),
    )
    if all(_shown(v) for v in (completed, no_fault, active)):
        now = (
            "were in an active relationship at its end"
            if report.dated
            else ("are in an active relationship")
        )
        lines.append(
            f"{_about(completed, 'mentees').capitalize()} completed their mentoring "
            f"relationship{here}, {_about(no_fault, 'mentees')} ended it early without blame "
            f"on anyone (a no-fault ending), and {_about(active, 'mentees')} {now}."
        )
    else:
        for key, value in (
            ("retention.completed", completed),
            ("retention.no_fault", no_fault),
            ("retention.active", active),
        ):
            lines.append(_stated(labels[key], value))

    reviewed = get("acceptability.reviewed")
    yes, partly = get("acceptability.expectations.yes"), get("acceptability.expectations.partly")
    if _shown(reviewed) and reviewed != "0":
        said = []
        if percent(yes, reviewed):
            said.append(f"about {percent(yes, reviewed)} said it met their expectations")
        if percent(partly, reviewed) and partly != "0":
            said.append(f"about {percent(partly, reviewed)} said it partly did")
        if said:
            lines.append(
                f"{_about(reviewed, 'people').capitalize()} reviewed their mentoring{here}: "
                f"{' and '.join(said)}."
            )
        else:
            lines.append(
                f"{_about(reviewed, 'people').capitalize()} reviewed their mentoring{here}; how many "
                "found it met their expectations is not shown (*), so that nobody can be "
                "identified."
            )
        means = [(label.lower(), value) for label, value in figures.ratings if _shown(value)]
        if means:
            rated = ", ".join(f"{label} {value}" for label, value in means)
            lines.append(f"On a scale of 1 to 5, their average ratings were: {rated}.")
    elif _shown(reviewed):
        lines.append("Nobody has reviewed their mentoring yet.")
    else:
        lines.append(_hidden(labels["acceptability.reviewed"]))

    for group in report.groups:
        if group.slug != "progression":
            continue
        if get("progression.any") == "0":
            lines.append("No mentee has a confirmed career outcome in this period yet.")
        else:
            lines += [_stated(figure.label, figure.value) for figure in group.figures]
    return lines


def _charts(report: BoardReport, figures: measures.ScopeFigures) -> list[Chart]:
    get = report.figure
    charts = [
        Chart(
            "journey",
            "Mentees' steps in this period"
            if report.dated
            else "Mentees from registration to a completed relationship",
            "Mentees",
            tuple(
                (label, get(key))
                for key, label in (
                    ("recruitment.mentee.registered", "Registered"),
                    ("recruitment.mentee.ready", "Completed their intake"),
                    ("matching.matched", "Matched with a mentor"),
                    ("retention.completed", "Completed their relationship"),
                )
                if get(key) is not None
            ),
        )
    ]
    if figures.months:
        charts.append(
            Chart("meetings", "Meetings held by month", "Meetings held", tuple(figures.months))
        )
    charts.append(
        Chart(
            "expectations",
            "Whether mentoring met people's expectations",
            "People",
            tuple(
                (label, get(f"acceptability.expectations.{answer}"))
                for answer, label in (("yes", "Yes"), ("partly", "Partly"), ("no", "No"))
                if get(f"acceptability.expectations.{answer}") is not None
            ),
        )
    )
    return charts


def _equity(board: measures.Dashboard) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The headline measures by ethnic group for the whole programme: each figure with its
    percentage (of all mentees for "registered", of the group's own mentees otherwise), both
    already published by the dashboard."""
    table = board.breakdown(measures.ALL, "ethnicity")
    columns = [label for _, label, _ in measures.HEADLINE]
    rows = []
    for group in (*table.rows, *([table.minoritised] if table.minoritised else []), table.total):
        values = [
            value if SUPPRESSED in (value, share) else f"{value} ({share})"
            for value, share in group.figures
        ]
        rows.append((group.label, values))
    return columns, rows


def build(
    programme: Programme,
    *,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
    request=None,
) -> BoardReport:
    """Returns the board report of `programme` for start to end (inclusive; no start means
    since the programme began, no end means up to now). Runs `measures.dashboard` once: a few
    queries over the whole programme, and its audited read of mentees' ethnic groups for
    equality monitoring (`request` names the reader)."""
    now = now or timezone.now()
    board = measures.dashboard(programme, now=now, start=start, end=end, request=request)
    whole = board.scopes[measures.ALL]
    last = end or timezone.localdate(now)
    report = BoardReport(
        programme=programme.name,
        organisation=programme.organisation.name,
        start=start,
        end=last,
        generated=now,
        groups=_groups(whole, board.period, last),
        summary=[],
        charts=[],
        dated=not board.period.is_open,
    )
    report.summary = _summary(report, whole)
    report.charts = _charts(report, whole)
    # A cohort that had not begun by the period's end has nothing to report in it.
    cohorts = [
        board.scopes[f"cohort-{c.pk}"]
        for c in board.cohorts
        if board.scopes[f"cohort-{c.pk}"].begun
    ]
    report.cohorts = [c.label for c in cohorts]
    report.cohort_rows = [
        (label, [c.shown.get(key, SUPPRESSED) for c in cohorts]) for key, label in COHORT_COLUMNS
    ]
    report.equity_columns, report.equity_rows = _equity(board)
    comparison = board.comparison(measures.ALL)
    if comparison is not None:
        report.equity_lines = list(comparison.lines)
    return report


# Drawing ---------------------------------------------------------------------------------


def draw(chart: Chart, axes) -> None:
    """Draws `chart` as bars on matplotlib `axes`; a hidden figure is an empty bar labelled *."""
    labels = [label for label, _ in chart.rows]
    heights = [0 if value == SUPPRESSED else int(value) for _, value in chart.rows]
    bars = axes.bar(range(len(labels)), heights, color="#005eb8")
    for bar, (_, value) in zip(bars, chart.rows, strict=True):
        axes.annotate(
            value,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    wrapped = ["\n".join(textwrap.wrap(label, 16)) for label in labels]
    many = len(labels) > 6
    axes.set_xticks(
        range(len(labels)),
        wrapped,
        rotation=45 if many else 0,
        ha="right" if many else "center",
        fontsize=7 if many else 8,
    )
    axes.set_ylabel(chart.axis, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_ylim(0, max([*heights, 1]) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)


def chart_uri(chart: Chart) -> str:
    """Returns `chart` as a PNG data URI (the CSP allows `data:` images, not inline SVG styles)."""
    figure = PlotFigure(figsize=(7, 3.2), dpi=100)
    draw(chart, figure.subplots())
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# Embedding fonts, fontTools (under WeasyPrint) logs every glyph table it subsets at INFO:
# noise in the server's log and on the command's standard error for every PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)
# WeasyPrint logs each step of every PDF at INFO (its warnings still show).
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


PDF_UNAVAILABLE = (
    "This server cannot make PDFs: it lacks the Pango text library "
    "(on Debian or Ubuntu, `apt-get install libpango-1.0-0 libpangoft2-1.0-0`). "
    "The report's page prints to PDF from the browser meanwhile."
)


class PdfUnavailable(Exception):
    """The server lacks the system library WeasyPrint needs."""


def render_pdf(report: BoardReport) -> bytes:
    """Returns the report as a tagged PDF (PDF/UA-1) on A4: the page's own report
    (reports/board_body.html), so headings, tables and the charts' text alternatives are
    the page's, and a screen reader reads the PDF as it reads the page (decision 0026)."""
    # WeasyPrint needs Pango, a system library: it is loaded only when a PDF is made.
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as error:  # Pango (OSError) or WeasyPrint itself missing
        raise PdfUnavailable(PDF_UNAVAILABLE) from error

    html = render_to_string(
        "reports/board_document.html",
        {
            "report": report,
            "charts": [
                (chart, chart_uri(chart) if chart.drawn else None) for chart in report.charts
            ],
            "rule": RULE_LINES,
        },
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", stylesheets=_pdf_stylesheets())


@cache
def _pdf_stylesheets() -> list:
    """The page's print stylesheet and the PDF's own, read once per process."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS

    return [
        CSS(filename=finders.find(name))
        for name in ("allied/board-print.css", "allied/board-pdf.css")
    ]


def as_dict(report: BoardReport) -> dict:
    """Returns the report's published figures as plain data (every value a string as shown)."""
    return {
        "title": report.title,
        "programme": report.programme,
        "organisation": report.organisation,
        "period": {
            "from": report.start.isoformat() if report.start else None,
            "to": report.end.isoformat(),
            "text": report.period,
        },
        "generated": report.generated.isoformat(),
        "rule": RULE,
        "summary": report.summary,
        "measures": [
            {
                "group": group.title,
                "figures": [
                    {"key": f.key, "label": f.label, "value": f.value, "counted": f.counted}
                    for f in group.figures
                ],
            }
            for group in report.groups
        ],
        "charts": [
            {
                "title": chart.title,
                "rows": [{"label": label, "value": value} for label, value in chart.rows],
            }
            for chart in report.charts
        ],
        "cohorts": {
            "names": report.cohorts,
            "rows": [{"measure": label, "values": values} for label, values in report.cohort_rows],
        },
        "by_ethnic_group": {
            "measures": report.equity_columns,
            "rows": [{"group": label, "values": values} for label, values in report.equity_rows],
            "workforce_comparison": report.equity_lines,
        },
    }


def render_json(report: BoardReport) -> bytes:
    """Returns `as_dict(report)` as indented UTF-8 JSON."""
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def render_xlsx(report: BoardReport) -> bytes:
    """Returns the report's published figures as an Excel workbook: the headline measures
    with the summary, the charts' figures, and the figures by cohort, each on its own sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Headline measures"
    sheet.append(plain_row([report.title]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(plain_row([report.organisation]))
    sheet.append(plain_row([report.period]))
    sheet.append([])
    sheet.append(plain_row(["Measure", "Figure", "Counted"]))
    for group in report.groups:
        for figure in group.figures:
            sheet.append(
                plain_row([f"{group.title}: {figure.label}", figure.value, figure.counted])
            )
    sheet.append([])
    sheet.append(plain_row(["Summary"]))
    for line in report.summary:
        sheet.append(plain_row([line]))
    sheet.append([])
    sheet.append(plain_row([RULE]))
    sheet.column_dimensions["A"].width = 80
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 40

    charts = book.create_sheet("Charts")
    for chart in report.charts:
        charts.append(plain_row([chart.title, chart.axis]))
        for label, value in chart.rows:
            charts.append(plain_row([label, value]))
        charts.append([])
    charts.column_dimensions["A"].width = 40

    cohorts = book.create_sheet("By cohort")
    cohorts.append(plain_row(["Measure", *report.cohorts]))
    for label, values in report.cohort_rows:
        cohorts.append(plain_row([label, *values]))
    cohorts.column_dimensions["A"].width = 30

    equity = book.create_sheet("By ethnic group")
    equity.append(plain_row(["Ethnic group", *report.equity_columns]))
    for label, values in report.equity_rows:
        equity.append(plain_row([label, *values]))
    for line in report.equity_lines:
        equity.append(plain_row([line]))
    equity.column_dimensions["A"].width = 45

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


RENDERERS = {"pdf": render_pdf, "xlsx": render_xlsx, "json": render_json}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def filename(programme: Programme, report: BoardReport, extension: str) -> str:
    """Returns a download name such as programme-3-board-report-2026-01-01-to-2026-06-30.pdf."""
    start = report.start.isoformat() if report.start else "start"
    return f"programme-{programme.pk}-board-report-{start}-to-{report.end.isoformat()}.{extension}"
