"""``leadpipe dedupe`` on a name-only list of real exhibitor and registry names (name + country).

The list (tests/fixtures/er/name_only, built by bench/name_only_list.py from real names with
real variation: national legal forms, translations, case, punctuation, word order) is
resolved at default settings and scored with ``leadpipe dedupe-eval``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from leadpipe.cli import app

HERE = Path(__file__).parent / "fixtures" / "er" / "name_only"
runner = CliRunner()


def test_name_only_list_pair_f1_and_no_look_alike_merged(tmp_path):
    out = tmp_path / "out.csv"
    done = runner.invoke(app, ["dedupe", str(HERE / "records.csv"), "--map",
                               "name=name,country=country", "--id", "record_id",
                               "--output", str(out)])
    assert done.exit_code == 0, done.output
    scored = runner.invoke(app, ["dedupe-eval", str(out), "--id", "record_id", "--truth",
                                 str(HERE / "records.csv"), "--truth-cluster", "true_cluster",
                                 "--json"])
    assert scored.exit_code == 0, scored.output
    scores = json.loads(scored.stdout[scored.stdout.index("{"):])
    assert scores["pair_f1"] >= 0.9, scores
    assert scores["pair_precision"] >= 0.98, scores
    with out.open(newline="", encoding="utf-8") as fh:
        cluster = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(fh)}
    with (HERE / "lookalikes.csv").open(newline="", encoding="utf-8") as fh:
        look = list(csv.DictReader(fh))
    assert len(look) > 3000 and {r["kind"] for r in look} == {
        "alike names", "same first word", "same name, another country"}
    merged = [(r["record_id_a"], r["record_id_b"]) for r in look
              if cluster[r["record_id_a"]] == cluster[r["record_id_b"]]]
    assert merged == []
