"""Sub-commands of the `allied` command line.

Each module exposes `add_parser(subparsers)`; the parser it adds carries `func`, which takes
the parsed arguments and returns an exit status. Spreadsheet commands import only
`allied.core` and the standard library at module level, so they start quickly and need no
database or Django settings.
"""
