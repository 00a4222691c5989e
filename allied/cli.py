"""The `allied` command: returns a process exit status from `main`."""

from __future__ import annotations

import argparse
import sys

from allied.commands import site

# Command modules register themselves here; each must import only allied.core and the
# standard library at module level (`tick` sets up Django only when it runs).
COMMAND_MODULES = [
    "allied.commands.ngt",
    "allied.commands.match",
    "allied.commands.circles",
    "allied.commands.workshop",
    "allied.commands.tick",
    "allied.commands.report",
]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Returns the parser. With `only`, just that spreadsheet command's module is imported,
    so `allied serve` never pays for NumPy and `allied ngt` never loads the others."""
    parser = argparse.ArgumentParser(
        prog="allied",
        description="Allied: mentoring programmes and Nominal Group Technique workshops.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    site.add_parser(subparsers)
    import importlib

    for name in COMMAND_MODULES:
        if only is not None and name.rsplit(".", 1)[1] != only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    spreadsheet = {name.rsplit(".", 1)[1] for name in COMMAND_MODULES}
    if first in spreadsheet:
        parser = build_parser(only=first)
    elif first in {"serve", "demo", "createadmin"}:
        parser = build_parser(only="")
    else:
        parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
