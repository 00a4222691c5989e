"""The check `make test` runs so that no test, script or Makefile names one machine's folders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check_paths.py"


def check(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK), str(tree)], capture_output=True, text=True, timeout=60
    )


def test_it_refuses_a_test_that_runs_the_command_from_one_checkouts_virtual_environment(tmp_path):
    one_machine = "/" + "/".join(["home", "someone", "allied", ".venv", "bin", "allied"])
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_cli.py").write_text(f'COMMAND = "{one_machine}"\n')
    result = check(tmp_path)
    assert result.returncode == 1
    assert f"tests/test_cli.py:1: {one_machine}" in result.stdout


def test_it_refuses_a_makefile_that_reads_a_workspace_folder(tmp_path):
    (tmp_path / "Makefile").write_text("data:\n\tcp " + "/" + "work/shared/x.csv data/\n")
    assert check(tmp_path).returncode == 1


def test_it_passes_urls_system_programs_and_paths_built_from_the_repository(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_ok.py").write_text(
        'URL = "/api/workshops/1/state/"\n'
        'BROWSER = "/usr/bin/chromium"\n'
        'SITE = "https://example.org/home/page"\n'
        "ALLIED = Path(sys.executable).parent / 'allied'\n"
    )
    (tmp_path / "Makefile").write_text("run:\n\t$(BIN)/python manage.py migrate > /dev/null\n")
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
