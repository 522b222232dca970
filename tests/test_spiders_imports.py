"""What a crawl process really loads, and the normalisers as a pure library.

``test_architecture.py`` reads the import graph from the source; this runs it: a crawl loads
no app module and, of enrich, only the normalisers. And since the normalisers are the one
thing spiders may take from enrich, they must not reach back into spiders or the app.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ("leadpipe", "warehouse", "flows", "sales")


def test_a_crawl_process_loads_no_app_module():
    """Every spider module, every source's spider and the settings, in a fresh process."""
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
    assert "enrich.normalise.countries" in loaded          # the normalisers are in use
    assert [m for m in loaded if m.split(".")[0] in APP] == []
    enrich = [m for m in loaded if m.split(".")[0] == "enrich"]
    assert all(m in ("enrich", "enrich.normalise") or m.startswith("enrich.normalise.")
               for m in enrich), enrich


def test_the_normalisers_import_nothing_else_from_the_project():
    for path in sorted((ROOT / "enrich" / "normalise").rglob("*.py")):
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets.add(node.module)
        # The landing contract is the one home of the 'SCHEME:ID' text the identifier
        # normaliser keys on; it imports nothing of the project itself.
        outside = {t for t in targets if t != "spiders.landing_fields" and (
                   t.split(".")[0] in ("spiders", *APP)
                   or (t.split(".")[0] == "enrich" and not t.startswith("enrich.normalise")))}
        assert outside == set(), path.name


def test_the_landing_contract_imports_nothing_from_the_project():
    """The normalisers may read it (the 'SCHEME:ID' text), so it must stay a leaf."""
    path = ROOT / "spiders" / "landing_fields.py"
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module.split(".")[0])
    assert modules & {"spiders", "enrich", "warehouse", "sales", "flows", "leadpipe"} == set()
