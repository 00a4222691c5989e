"""Reading and writing the spreadsheets coordinators and researchers bring: CSV (UTF-8, with
or without a byte-order mark; comma, semicolon or tab) and XLSX. Standard library and
openpyxl only (imported when an XLSX is read), so spreadsheet commands start quickly."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

Rows = list[tuple[int, list[object]]]


class InputError(Exception):
    """A problem with the command's input that ends the command with exit status 1."""


def read_sheet(path: Path) -> tuple[list[object], Rows]:
    """Return (header cells, [(spreadsheet row number, cells)]) from a CSV or XLSX file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            f"{path}: the old .xls format cannot be read; save it as .xlsx or CSV UTF-8."
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path)


def _read_csv(path: Path) -> tuple[list[object], Rows]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: this file is not UTF-8 (byte {exc.start}); in Excel use Save As > CSV UTF-8."
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError(f"{path}: the file is empty or its first row (the header) is blank.")
    # Excel in much of Europe writes semicolons; a header never holds all three.
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = []
        for cells in reader:
            # line_num counts physical lines, so a quoted cell spanning lines keeps numbers right.
            table.append((reader.line_num, list(cells)))
    except csv.Error as exc:
        raise InputError(f"{path}: this is not a readable CSV file ({exc}).") from None
    return table[0][1], table[1:]


def _read_xlsx(path: Path) -> tuple[list[object], Rows]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, OSError, KeyError) as exc:
        raise InputError(f"{path}: this is not a readable XLSX workbook ({exc}).") from None
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows or all(c is None for c in rows[0]):
        raise InputError(
            f"{path}: the first sheet is empty or its first row (the header) is blank."
        )
    return rows[0], [(i, r) for i, r in enumerate(rows[1:], start=2)]


def write_atomically(path: Path, output: str | bytes) -> None:
    """Write the output whole or not at all, so a failure never leaves half a file."""
    data = output.encode("utf-8") if isinstance(output, str) else output
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
