"""The test tiers hold: every marker a test carries is declared (pytest runs with
--strict-markers, this names the file), and the quick tier is a make target."""

import ast
import re
import tomllib

from support import ROOT

BUILT_IN = {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings", "timeout", "asyncio"}


def declared() -> set[str]:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in options["addopts"]
    return {line.split(":")[0].strip() for line in options["markers"]}


def used() -> dict[str, set[str]]:
    """Each `pytest.mark.NAME` written in a test file, with the files it is in."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "mark"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "pytest"
            ):
                found.setdefault(node.attr, set()).add(path.name)
    return found


def test_the_tiers_are_declared():
    assert {"slow", "browser", "install"} <= declared()


def test_every_marker_used_is_declared_or_pytests_own():
    undeclared = {name: files for name, files in used().items() if name not in declared() | BUILT_IN}
    assert undeclared == {}


def test_make_test_quick_leaves_the_tiers_out():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (command,) = re.findall(r"^test-quick:.*\n\t(.*)$", makefile, re.MULTILINE)
    assert all(f"not {tier}" in command for tier in ("slow", "browser", "install")), command


def test_the_readme_tells_developers_about_the_quick_tier():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test-quick" in readme
