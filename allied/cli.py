"""The `allied` command: returns a process exit status from `main`."""

from __future__ import annotations

import argparse
import sys

from allied.commands import site

# The commands whose modules are imported only when needed; each must import only allied.core
# and the standard library at module level (`tick` sets up Django only when it runs).
COMMANDS = ("ngt", "match", "circles", "workshop", "tick", "report")


def command_module(name: str):
    """Returns the command's module, imported now (plain imports, so the import contracts in
    .importlinter see each one)."""
    if name == "ngt":
        from allied.commands import ngt as module
    elif name == "match":
        from allied.commands import match as module
    elif name == "circles":
        from allied.commands import circles as module
    elif name == "workshop":
        from allied.commands import workshop as module
    elif name == "tick":
        from allied.commands import tick as module
    else:
        from allied.commands import report as module
    return module


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Returns the parser. With `only`, just that spreadsheet command's module is imported,
    so `allied serve` never pays for NumPy and `allied ngt` never loads the others."""
    parser = argparse.ArgumentParser(
        prog="allied",
        description="Allied: mentoring programmes and Nominal Group Technique workshops.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    site.add_parser(subparsers)
    for name in COMMANDS:
        if only is None or name == only:
            command_module(name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    if first in COMMANDS:
        parser = build_parser(only=first)
    elif first in {"serve", "demo", "createadmin"}:
        parser = build_parser(only="")
    else:
        parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
