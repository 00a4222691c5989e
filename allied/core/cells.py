"""Cells for spreadsheets people will open: text that Excel or LibreOffice would run as a
formula ("=HYPERLINK(...)", "+1", "@SUM") is written with a leading apostrophe, so it shows as
typed and never runs. Every export that writes text someone typed (a cohort's name, an idea)
goes through `plain`."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(value):
    """Returns `value` as a spreadsheet should store it: numbers and other non-text as they
    are, text that would start a formula with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain_row(row) -> list:
    """Returns each cell of `row` through `plain`."""
    return [plain(value) for value in row]
