"""`allied report PROGRAMME --from DATE --to DATE --format pdf|xlsx|json [--output FILE]`:
a programme's board report from the command line.

The same report as the board report page (allied/reports/board.py): the same figures through
the same disclosure rule, for the same period rules (both dates inclusive; no --from means
since the programme began, no --to means today). PROGRAMME is a programme's id or its exact
name; a name several programmes share is refused with the list of them. Django is set up only
when the command runs, so that `allied --help` stays quick. Exit status: 0 when the report
was written, 2 for bad input (nothing is written).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FORMATS = ("pdf", "xlsx", "json")


def add_parser(subparsers) -> None:
    report = subparsers.add_parser(
        "report",
        help="write a programme's board report (headline measures, charts, summary) "
        "as PDF, XLSX or JSON",
        description="Writes a programme's board report: its headline measures for a period, "
        "with every figure through the small-number disclosure rule.",
    )
    report.add_argument("programme", metavar="PROGRAMME", help="the programme's id or exact name")
    report.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        default="",
        help="the first day of the period, YYYY-MM-DD (default: since the programme began)",
    )
    report.add_argument(
        "--to",
        dest="end",
        metavar="DATE",
        default="",
        help="the last day of the period, YYYY-MM-DD (default: today)",
    )
    report.add_argument("--format", choices=FORMATS, required=True, help="pdf, xlsx or json")
    report.add_argument(
        "--output",
        metavar="FILE",
        help="where to write it; - for standard output (default: standard output for json, "
        "else a file named after the programme and period in the current folder)",
    )
    report.set_defaults(func=main)


def find_programme(text: str):
    """Returns (the programme, None), or (None, a message saying why there is none): by id
    when `text` is a whole number naming one, else by exact name; several with that name is
    an error that lists them, so the caller can choose by id."""
    from allied.programmes.models import Programme

    programmes = Programme.objects.select_related("organisation").order_by("pk")
    if text.strip().isdigit():
        found = programmes.filter(pk=int(text)).first()
        if found is not None:
            return found, None
    named = list(programmes.filter(name=text))
    if len(named) == 1:
        return named[0], None
    if named:
        listed = "\n".join(f"  {p.pk}: {p.name} ({p.organisation.name})" for p in named)
        return None, (
            f"{len(named)} programmes are called {text!r}; give the id of the one you mean:\n"
            f"{listed}"
        )
    close = list(programmes.filter(name__icontains=text.strip())[:10]) if text.strip() else []
    message = f"No programme has the id or name {text!r}."
    if close:
        listed = "\n".join(f"  {p.pk}: {p.name} ({p.organisation.name})" for p in close)
        message += f" Programmes with a similar name:\n{listed}"
    return None, message


def main(args, out=None, err=None) -> int:
    """Runs `allied report`; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allied.settings")
    import django

    django.setup()
    from allied.reports import board

    form = board.PeriodForm({"from": args.start, "to": args.end})
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                print(f"--{name}: {error}.", file=err)
        print("Nothing was written.", file=err)
        return 2
    programme, problem = find_programme(args.programme)
    if programme is None:
        print(problem, file=err)
        print("Nothing was written.", file=err)
        return 2
    start, end = form.period()
    report = board.build(programme, start=start, end=end)
    try:
        content = board.RENDERERS[args.format](report)
    except board.PdfUnavailable as error:
        print(error, file=err)
        return 1
    output = args.output
    if output is None:
        output = "-" if args.format == "json" else board.filename(programme, report, args.format)
    if output == "-":
        stream = getattr(out, "buffer", None)
        if stream is None:
            out.write(content.decode("utf-8", errors="replace"))
        else:
            stream.write(content)
            stream.flush()
        return 0
    path = Path(output)
    if not path.parent.is_dir():
        print(f"--output: the folder {str(path.parent)!r} does not exist.", file=err)
        print("Nothing was written.", file=err)
        return 2
    try:
        path.write_bytes(content)
    except OSError as exc:
        print(f"--output: could not write {output!r}: {exc.strerror or exc}.", file=err)
        return 2
    period = report.period[0].lower() + report.period[1:]
    print(f"Wrote the board report for {programme.name} ({period}) to {output}.", file=out)
    return 0
