"""The sales room's registries: fit rules and export formats are found by themselves, so adding
one is one new file; a rule is held to the columns it declares; an unknown format is a clear
error."""

from __future__ import annotations

import sys
import textwrap

import pytest
from sales_world import build, write_config

import sales.export.formats as formats_package
import sales.rules as rules_registry
from leadpipe import runner
from leadpipe.config import load_config
from sales.company_rows import company_rows_sql
from sales.export import DEFAULT_FORMAT, UnknownFormat, format_names, get_format
from sales.export.view import Selection
from sales.rules import Reason, Rule, UndeclaredColumn, registered_rules
from sales.score import fit_score
from warehouse.db import connect

PROFILE = load_config().profile().model_copy(update={
    "name": "t", "industries": ["manufacturing"], "employees_min": 20, "employees_max": 500,
    "keywords": []})


def test_the_rule_families_run_in_their_declared_order():
    assert [(r.code, r.order) for r in registered_rules()] == [
        ("industry", 10), ("keywords", 20), ("size", 30), ("country", 40),
        ("tender_demand", 50), ("distance", 60)]


def test_every_rule_reads_only_columns_the_scoring_query_selects(tmp_path):
    con = connect(tmp_path / "wh.duckdb")
    try:
        selected = {d[0] for d in con.execute(company_rows_sql(con), [None] * 3).description}
    finally:
        con.close()
    for rule in registered_rules():
        assert rule.reads <= selected, (rule.code, sorted(rule.reads - selected))


def test_a_rule_reading_an_undeclared_column_fails_loudly():
    def sneaky(row, profile):
        return Reason("sneaky", f"in {row.get('country')}", 0.1)

    rule = Rule(code="sneaky", order=1, reads=frozenset({"name"}), evaluate=sneaky)
    with pytest.raises(UndeclaredColumn, match="'sneaky' reads column 'country' but declares "
                                               "only name"):
        rule.apply({"name": "Acme", "country": "GB"}, PROFILE)


@pytest.fixture()
def extra_module_dir(tmp_path, monkeypatch):
    """A folder that joins a package's search path, as a new file in the package would."""

    def add(package, name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
        added.append(f"{package.__name__}.{name}")

    added: list[str] = []
    yield add
    for module in added:
        sys.modules.pop(module, None)


def test_a_new_fit_rule_is_one_new_file(extra_module_dir):
    extra_module_dir(rules_registry, "accredited", '''
        from sales.rules import Reason, fit_rule

        @fit_rule(code="accredited", order=35, reads=("description",))
        def accredited(row, profile):
            if "ISO 9001" in (row.get("description") or ""):
                return Reason("iso_9001", "ISO 9001 certified", 0.1)
            return None
    ''')
    assert [r.code for r in registered_rules()] == [
        "industry", "keywords", "size", "accredited", "country", "tender_demand", "distance"]
    row = {"name": "Acme", "industry": "manufacturing", "industry_reason": "name",
           "employees": 50, "description": "ISO 9001 certified machining"}
    fit = fit_score(row, PROFILE)
    assert fit.value == 0.9  # 0.6 + 0.2 + 0.1 (no keywords in this profile)
    assert fit.sentences[-1] == "ISO 9001 certified"


def test_a_new_export_format_is_one_new_file(extra_module_dir, tmp_path, monkeypatch):
    extra_module_dir(formats_package, "names_only", '''
        from sales.export import Written, export_format

        @export_format(name="names_only", description="just the names", suffix=".txt")
        def write(rows, selection, output, style):
            names = rows.fetch(["name"], selection).column("name").to_pylist()
            output.write_text("\\n".join(names), encoding="utf-8")
            return Written(files=(output,), rows=len(names))
    ''')
    assert format_names() == ["generic", "hubspot", "names_only", "salesforce"]
    fmt = get_format("names_only")
    assert fmt.description == "just the names"
    assert fmt.default_file_name(Selection("default")) == "prospects-default-names_only.txt"
    # The runner (and so the CLI and the flow) writes it like any other format.
    monkeypatch.chdir(tmp_path)
    config = load_config(write_config(tmp_path))
    build(config.warehouse_path)
    runner.score(config)
    result = runner.export(config, export_format="names_only",
                           funnel_stages=("prospect", "suspect"))
    assert result.path == config.exports_dir / "prospect-suspects-default-names_only.txt"
    # No clients imported here: five prospects by priority (A-1, A-2, then the public body;
    # fit x solvency within one), then the suspects.
    assert result.path.read_text(encoding="utf-8").splitlines() == [
        "Swift Freight Logistics Ltd", "Northbridge Precision Engineering Ltd",
        "Harbour Energy Services", "Calder Valley Machinery Ltd", "Cumbria County Council",
        "Moorside Engineering Works Ltd"]  # Kestrel is suppressed: in no export


def test_the_default_format_is_generic_and_unknown_names_list_the_known_ones():
    assert DEFAULT_FORMAT == "generic"
    assert get_format("generic").default_file_name(
        Selection("default", ("prospect", "suspect"))
    ) == "prospect-suspects-default.csv"
    with pytest.raises(UnknownFormat, match=r"^unknown export format 'xlsx'; known formats: "
                                            r"generic, hubspot, salesforce$"):
        get_format("xlsx")
