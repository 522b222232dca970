"""The house follows the data: import arrows run one way and no module imports itself in a circle.

Rooms, in flow order: spiders → warehouse → enrich → sales; ``flows/`` and ``leadpipe/`` (CLI,
config, runner, demo world) sit on top. The checks read the source with ``ast`` (imports inside
functions count; ``if TYPE_CHECKING:`` blocks do not) so they hold without running anything.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("spiders", "warehouse", "enrich", "sales", "flows", "leadpipe")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules that ``path`` imports (a ``from pkg import sub`` names ``pkg.sub``)."""
    out: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                out.update(a.name for a in child.names if a.name.split(".")[0] in ROOMS)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                if target.split(".")[0] not in ROOMS:
                    continue
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    out.add(sub if sub in modules else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in out if m in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return found


def _edges_from(prefix: str) -> list[tuple[str, str]]:
    return [
        (src, dst)
        for src, targets in _graph().items()
        if src == prefix or src.startswith(prefix + ".")
        for dst in sorted(targets)
    ]


def test_no_import_circles():
    assert _cycles(_graph()) == []


def test_the_cycle_check_can_fail():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_spiders_never_read_the_app_or_the_warehouse():
    """Spiders write landing files only; of the later rooms they may use the normalisers."""
    bad = [
        (src, dst)
        for src, dst in _edges_from("spiders")
        if dst.split(".")[0] in ("leadpipe", "flows", "sales", "warehouse")
        or (dst.startswith("enrich") and not dst.startswith("enrich.normalise"))
    ]
    assert bad == []


def test_stages_never_import_the_demo_world_flows_or_the_cli():
    forbidden = ("leadpipe.demo", "leadpipe.commands", "leadpipe.cli", "flows")
    bad = [
        (src, dst)
        for room in ("spiders", "warehouse", "enrich", "sales", "leadpipe.runner")
        for src, dst in _edges_from(room)
        if any(dst == f or dst.startswith(f + ".") for f in forbidden)
    ]
    assert bad == []


def test_lower_rooms_never_import_higher_ones():
    order = {"spiders": 0, "warehouse": 1, "enrich": 2, "sales": 3}
    allowed = {("spiders", "enrich.normalise")}
    bad = []
    for src, targets in _graph().items():
        src_room = src.split(".")[0]
        for dst in targets:
            dst_room = dst.split(".")[0]
            if src_room not in order or dst_room not in order:
                continue
            if order[dst_room] > order[src_room] and not any(
                src_room == a and (dst == b or dst.startswith(b + ".")) for a, b in allowed
            ):
                bad.append((src, dst))
    assert bad == []


def test_the_cli_asks_the_warehouse_and_writes_no_sql():
    for path in (ROOT / "leadpipe" / "commands").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ".execute(" not in text and "SELECT " not in text, path.name


def test_leadpipe_holds_only_the_cli_config_runner_and_demo():
    top = {p.stem for p in (ROOT / "leadpipe").glob("*.py")}
    assert top <= {"__init__", "cli", "config", "runner"}, top
    packages = {p.name for p in (ROOT / "leadpipe").iterdir() if (p / "__init__.py").exists()}
    assert packages <= {"commands", "demo"}, packages


def test_the_readme_room_table_names_real_entry_points():
    """The README's stage → room table is where a newcomer looks first: it must stay true."""
    import importlib
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z ]+) \| `([a-z_/]+)/?[^|]*\| `([a-z_.]+)` \|$", text, re.M)
    assert len(rows) >= 8, rows
    for stage, room, entry in rows:
        module, _, attr = entry.rpartition(".")
        try:
            target = importlib.import_module(entry)
        except ModuleNotFoundError:
            target = getattr(importlib.import_module(module), attr)
        assert target is not None, stage
        assert entry.replace(".", "/").startswith(room.rstrip("/").split("/")[0]), (stage, room)


# The landing identifier's text form 'SCHEME:ID' is built in one place (the landing contract);
# the comparison key is built from it in one other (enrich.normalise.identifiers).
IDENTIFIER_HOMES = {"spiders/landing_fields.py", "enrich/normalise/identifiers.py"}
_SQL_SCHEME_PREFIX = re.compile(r"'[A-Z]{2}-[A-Z_]{2,12}:'\s*\|\|")


def identifier_builders(paths: list[Path]) -> list[str]:
    """f-strings '{scheme...}:{...}' and SQL 'XX-YYY:' || ... outside the identifier homes."""
    found = []
    for path in paths:
        shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        if shown in IDENTIFIER_HOMES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                parts = node.values
                for a, sep, b in zip(parts, parts[1:], parts[2:], strict=False):
                    if (isinstance(a, ast.FormattedValue) and isinstance(b, ast.FormattedValue)
                            and isinstance(sep, ast.Constant) and sep.value == ":"
                            and "scheme" in ast.unparse(a.value).lower()):
                        found.append(f"{shown}:{node.lineno}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _SQL_SCHEME_PREFIX.search(node.value):
                    found.append(f"{shown}:{node.lineno}")
    return found


def test_one_home_builds_identifier_texts():
    paths = sorted(p for room in ROOMS for p in (ROOT / room).rglob("*.py"))
    assert identifier_builders(paths) == []


def test_the_identifier_home_check_can_fail(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("def key(scheme, ident):\n    return f'{scheme}:{ident}'\n"
                     "SQL = \"SELECT ['GB-COH:' || num] FROM t\"\n", encoding="utf-8")
    assert sorted(identifier_builders([stray])) == [f"{stray}:2", f"{stray}:3"]
