"""The crawl room's arrows point one way: spiders read no app config and no stage, take only the
normalisers from enrich, and have no import circles; the normalisers know no spider."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_of(package: str) -> dict[str, Path]:
    folder = ROOT / package.replace(".", "/")
    return {module_name(p): p for p in sorted(folder.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (lazy imports count)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(
        ".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pkg import mod" imports the module pkg.mod; "from pkg import name", pkg
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found


def graph(*packages: str) -> dict[str, set[str]]:
    paths: dict[str, Path] = {}
    for package in packages:
        paths.update(modules_of(package))
    known = set(paths)
    return {name: imports_of(path, known) for name, path in paths.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def test_spiders_import_no_app_module_and_only_the_normalisers_from_enrich():
    bad = {
        (module, target)
        for module, targets in graph("spiders").items()
        for target in targets
        if target.split(".")[0] in ("leadpipe", "warehouse", "flows", "sales")
        or (target.split(".")[0] == "enrich" and not target.startswith("enrich.normalise"))
    }
    assert bad == set()


def test_the_normalisers_are_a_pure_library():
    for module, targets in graph("enrich.normalise").items():
        outside = {t for t in targets if t.split(".")[0] in
                   ("spiders", "leadpipe", "warehouse", "flows", "sales")
                   or (t.startswith("enrich.") and not t.startswith("enrich.normalise"))}
        assert outside == set(), module


def test_no_import_circles_in_the_crawl_room():
    edges = graph("spiders", "enrich.normalise")
    assert "spiders.generic" in edges["spiders.registry"]          # the graph sees lazy imports
    assert "spiders.definitions" in edges["spiders.generic.base"]
    assert not any(t.startswith("spiders.generic") for t in edges["spiders.definitions"])
    assert cycles(edges) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_crawl_process_loads_no_app_module():
    """What a crawl subprocess really loads: every spider module, every source, the settings."""
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import spiders\n"
        "for m in pkgutil.walk_packages(spiders.__path__, 'spiders.'):\n"
        "    importlib.import_module(m.name)\n"
        "from spiders.registry import list_sources, spider_for\n"
        "for source in list_sources():\n"
        "    spider_for(source)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    loaded = json.loads(out.stdout)
    assert "spiders.generic.spiders" in loaded and "spiders.sources.ted" in loaded
    app = [m for m in loaded if m.split(".")[0] in ("leadpipe", "warehouse", "flows", "sales")]
    assert app == []
    enrich = [m for m in loaded if m == "enrich" or m.startswith("enrich.")]
    assert all(m in ("enrich", "enrich.normalise") or m.startswith("enrich.normalise.")
               for m in enrich), enrich
