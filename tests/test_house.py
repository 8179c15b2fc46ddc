"""The layout of the package, checked: each stage a subpackage, documented in docs/architecture.md,
and no module reaching into another's private names (a leading underscore means "this module's
business"; the next engineer must be able to change it without reading the rest)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ingest"
STAGES = ["read", "extract", "store", "serve", "evaluate"]


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "site" not in p.relative_to(PACKAGE).parts)


def dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_uses(path: Path) -> list[str]:
    """`from ingest.x import _name`, and `x._name` where `x` is an ingest module imported by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported_modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ingest"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"from {node.module} import {alias.name}")
                imported_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ingest"):
                    imported_modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", [*modules(), *sorted((ROOT / "plugins").glob("*.py"))], ids=lambda p: p.name)
def test_no_module_uses_another_modules_private_names(path):
    assert private_uses(path) == []


def test_each_stage_is_a_subpackage_with_a_docstring():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.exists(), stage
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage


def test_the_top_of_the_package_holds_only_the_command_the_models_and_the_driver():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == {"__init__", "__main__", "cli", "models", "pipeline", "docs"}


def test_every_module_is_named_in_the_architecture_doc():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [dotted(p) for p in modules() if p.name != "__init__.py" and p.relative_to(ROOT).as_posix() not in doc]
    assert missing == []
