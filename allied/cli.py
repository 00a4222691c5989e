"""The `allied` command: returns a process exit status from `main`."""

from __future__ import annotations

import argparse
import sys

from allied.commands import site

# Spreadsheet command modules register themselves here; each must import only allied.core
# and the standard library at module level.
COMMAND_MODULES = ["allied.commands.ngt", "allied.commands.match", "allied.commands.circles"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="allied",
        description="Allied: mentoring programmes and Nominal Group Technique workshops.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    site.add_parser(subparsers)
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
