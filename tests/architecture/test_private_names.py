"""No module reaches into another module's private names (`_name`): what two modules share is
public, named and documented where it lives (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Django's documented model API, underscored to keep clear of field names.
DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager"}


def modules(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def private_reaches(path: Path) -> list[str]:
    """Returns `module: name` for each private name `path` imports from, or reads off, another
    module of the project."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = module_name(path)
    found, aliases, imported = [], {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith(("allied", "tests")) or node.module == own:
                continue
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{node.module}: {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("allied.") and alias.name != own:
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        imported.add(alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.attr not in DJANGO_PUBLIC
        ):
            owner = dotted(node.value)
            if owner in aliases:
                found.append(f"{aliases[owner]}: {node.attr}")
            elif owner and owner.startswith("allied.") and owner in imported:
                found.append(f"{owner}: {node.attr}")
    return found


def dotted(node) -> str | None:
    """Returns `a.b.c` for the expression `a.b.c`, or None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (inner := dotted(node.value)):
        return f"{inner}.{node.attr}"
    return None


def test_no_module_imports_or_reads_another_modules_private_names():
    reaches = {
        str(path.relative_to(ROOT)): found
        for path in modules("allied", "tests", "bench", "scripts")
        if (found := private_reaches(path))
    }
    assert reaches == {}


def test_the_check_finds_a_private_import_and_a_private_attribute(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from allied.workshops.views import _idea\n"
        "from allied.mentoring import relationship\n"
        "relationship._coordinator_emails(None)\n"
        "import allied.circles.actions\n"
        "allied.circles.actions._today()\n"
    )
    monkeypatch.setattr("tests.architecture.test_private_names.ROOT", tmp_path)
    assert private_reaches(bad) == [
        "allied.workshops.views: _idea",
        "allied.mentoring.relationship: _coordinator_emails",
        "allied.circles.actions: _today",
    ]
