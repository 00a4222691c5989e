"""Fails when a test, script, benchmark or the Makefile names an absolute path of one machine.

A test that runs the allied command from one checkout's virtual environment passes there and
fails in every other clone. This check finds absolute paths in the files git tracks under
tests/, scripts/, bench/ and .ci/, and in the Makefile, and refuses those that point outside the
repository into one machine's folders: any path under a home or workspace folder (`PERSONAL`
below), and any path into a virtual environment. The answer is the same on every machine. URL paths such as `/api/workshops/` are not files and pass; so do
system paths such as `/usr/bin/chromium` and `/tmp`.

Usage: python scripts/check_paths.py [ROOT]   (exit 1 with one line per finding)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CHECKED = ("tests", "scripts", "bench", ".ci", "Makefile")
PERSONAL = {"home", "root", "Users", "work", "workspace", "srv", "mnt"}
# An absolute path: a slash not preceded by a word, a dot, a colon or another slash (so the
# path part of http://host/path and relative a/b are not taken), then one or more names.
ABSOLUTE = re.compile(r"(?<![\w.:/$)}-])/(?:[\w.+-]+/)*[\w.+-]+")


def machine_path(path: str) -> bool:
    """Returns whether `path` names a folder of one machine rather than a system path or URL."""
    top = path.strip("/").split("/", 1)[0]
    return top in PERSONAL or "/.venv/" in path or "site-packages" in path


def tracked_files(root: Path) -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--", *CHECKED],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        listed = [
            str(p.relative_to(root))
            for name in CHECKED
            for p in ([root / name] if (root / name).is_file() else (root / name).rglob("*"))
            if p.is_file()
        ]
    return [root / name for name in listed]


def findings(root: Path) -> list[str]:
    found = []
    for file in tracked_files(root):
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for match in ABSOLUTE.finditer(line):
                if machine_path(match.group()):
                    found.append(f"{file.relative_to(root)}:{number}: {match.group()}")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else ".").resolve()
    found = findings(root)
    for line in found:
        print(line)
    if found:
        print(
            "These name a path on one machine, so a clone anywhere else fails. Find the file "
            "from the repository (Path(__file__)) or the running interpreter (sys.executable)."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
