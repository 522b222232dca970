"""Each exported file opened in LibreOffice Calc (headless) and converted to .xlsx, with the
CSV filter told to evaluate formulas and detect numbers (a spreadsheet at its most eager): no
cell becomes a formula, umlauts survive, and ``+44`` phones stay text with every digit."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from export_world import build_with_hostile
from sales_world import write_config

from leadpipe import runner
from leadpipe.config import load_config

openpyxl = pytest.importorskip("openpyxl")
SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
# Comma, double quote, UTF-8 (76), from line 1, standard columns, en-US, quoted fields not
# forced to text, detect special numbers, ..., evaluate formulas (token 13).
CSV_FILTER = "CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true"


def test_libreoffice_evaluates_no_formula_and_keeps_umlauts_and_phones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(write_config(tmp_path))
    build_with_hostile(config.warehouse_path)
    runner.score(config)
    files = []
    for fmt in ("generic", "hubspot", "salesforce"):
        for excel in (False, True):
            result = runner.export(
                config, output=tmp_path / "csv" / f"{fmt}{'-excel' if excel else ''}.csv",
                export_format=fmt, excel=excel, provenance=True,
                funnel_stages=("prospect", "suspect"))
            files += result.files
    out = tmp_path / "xlsx"
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
         f"--infilter={CSV_FILTER}", "--convert-to", "xlsx", "--outdir", str(out),
         *map(str, files)],
        check=True, capture_output=True, timeout=240)
    for path in files:
        book = openpyxl.load_workbook(out / f"{path.stem}.xlsx")
        cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
        formulas = [c.value for c in cells if c.data_type == "f"]
        assert formulas == [], (path.name, formulas)
        if path.stem.endswith("opt-out"):  # HubSpot's opt-out list: e-mail addresses only
            continue
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert any("HYPERLINK" in t for t in texts) or path.stem.endswith("contacts"), path.name
        assert any(("Düsseldorf" in t or "Jürgen" in t or "Schäfer" in t) for t in texts), (
            path.name)
        phones = [t for t in texts if t.lstrip("'").startswith("+44")]
        assert phones, path.name
        assert all(t.startswith("'+44") for t in phones), (path.name, phones)
        assert not [c.value for c in cells if isinstance(c.value, int | float)
                    and str(c.value).startswith("44")], path.name
