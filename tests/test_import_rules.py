"""Layer rules, read from the source with `ast`: a package may not import what its table row forbids.

Each rule is (what it covers, forbidden module prefixes). What it covers is a package path, and
may leave out subpackages ("search" without "search/whoosh" and "search/postgres" is the
backend-neutral search core). Every import statement counts, also one inside a function.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (package, subpackages it does not cover, forbidden import prefixes)
OURS = ("kb", "ingest", "search", "briefs", "web", "drempelbank", "tools", "bench", "tests")
RULES = [
    ("kb", (), tuple(p for p in OURS if p != "kb")),
    ("search", ("search/whoosh", "search/postgres"),
     ("search.whoosh", "search.postgres", "whoosh", "psycopg", "web", "drempelbank", "briefs", "tools", "bench")),
    ("search/whoosh", (), ("web", "drempelbank", "briefs", "search.postgres")),
    ("search/postgres", (), ("web", "drempelbank", "briefs", "search.whoosh", "whoosh")),
    ("ingest", (), ("web", "drempelbank", "briefs", "tools", "bench", "whoosh")),
    ("briefs", (), ("web", "drempelbank", "tools", "bench", "whoosh", "search.whoosh", "search.postgres")),
    ("web", (), ("drempelbank", "whoosh", "spacy", "search.whoosh", "search.postgres", "tools", "bench")),
]


def modules(package: str, excluded: tuple[str, ...], root: Path = ROOT) -> list[Path]:
    files = sorted((root / package).rglob("*.py"))
    return [f for f in files if not any(f.is_relative_to(root / part) for part in excluded)]


def imported_names(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) of every import in a file; a relative import is made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from search import whoosh` imports search.whoosh too
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def violations(package: str, excluded: tuple[str, ...], forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    out = []
    for path in modules(package, excluded, root):
        for line, name in imported_names(path, root):
            if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden):
                out.append(f"{path.relative_to(root)}:{line} imports {name}")
    return out


@pytest.mark.parametrize("package, excluded, forbidden", RULES, ids=[rule[0] for rule in RULES])
def test_layer_rule(package, excluded, forbidden):
    assert modules(package, excluded), f"rule for {package} covers no file"
    assert violations(package, excluded, forbidden) == []


def test_the_checker_sees_a_forbidden_import(tmp_path):
    """The rule must be able to fail: a core module importing whoosh inside a function is caught."""
    core = tmp_path / "search"
    (core / "whoosh").mkdir(parents=True)
    (core / "core.py").write_text("def f():\n    from whoosh import query\n    from .whoosh import backend\n")
    (core / "whoosh" / "backend.py").write_text("import whoosh\n")
    found = violations("search", ("search/whoosh",), ("whoosh", "search.whoosh"), root=tmp_path)
    assert found == ["search/core.py:2 imports whoosh", "search/core.py:2 imports whoosh.query",
                     "search/core.py:3 imports search.whoosh", "search/core.py:3 imports search.whoosh.backend"]


def test_nothing_imports_the_composition_root():
    """drempelbank/ wires everything; no product package may reach back up to it."""
    found = [v for package in ("kb", "search", "ingest", "briefs", "web")
             if (ROOT / package).exists() for v in violations(package, (), ("drempelbank",))]
    assert found == []

