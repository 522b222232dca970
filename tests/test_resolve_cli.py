"""`leadpipe dedupe` and `leadpipe dedupe-eval` on real labelled data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from enrich.resolve.evaluate import score_clusters
from leadpipe.cli import app

FZ = Path(__file__).parent / "fixtures" / "er" / "fodors_zagat"
runner = CliRunner()


def _combined(tmp_path: Path) -> Path:
    rows = []
    for name in ("fodors.csv", "zagats.csv"):
        with (FZ / name).open(newline="") as fh:
            rows.extend(csv.DictReader(fh))
    path = tmp_path / "restaurants.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_dedupe_keeps_every_row_and_column_and_eval_scores_it(tmp_path):
    src = _combined(tmp_path)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, [
        "dedupe", str(src), "--map", "name=name,address=addr,city=city,phone=phone",
        "--id", "id", "--country", "US", "--output", str(out)])
    assert result.exit_code == 0, result.output
    with src.open(newline="") as fh:
        original = list(csv.DictReader(fh))
    with out.open(newline="") as fh:
        written = list(csv.DictReader(fh))
    assert len(written) == len(original) == 864
    assert all({k: w[k] for k in o} == o for o, w in zip(original, written, strict=True))
    assert all(w["cluster_id"] and w["match_explanation"] for w in written)

    result = runner.invoke(app, ["dedupe-eval", str(out), "--id", "id", "--truth",
                                 str(FZ / "matches_fodors_zagats.csv"), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["true_pairs"] == 112
    assert scores["pair_f1"] >= 0.96 and scores["bcubed_f1"] >= 0.96


def test_dedupe_rejects_a_bad_map(tmp_path):
    src = _combined(tmp_path)
    result = runner.invoke(app, ["dedupe", str(src), "--map", "name=nosuchcolumn"])
    assert result.exit_code == 1
    assert "no column 'nosuchcolumn'" in result.output


def test_scores_by_hand():
    # truth {a,b,c} {d}; predicted {a,b} {c,d}
    s = score_clusters(["1", "1", "2", "2"], ["x", "x", "x", "y"])
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (3, 2, 1)
    assert s.pair_precision == 0.5 and abs(s.pair_recall - 1 / 3) < 1e-12
    # B-cubed precision: a 1, b 1, c 1/2, d 1/2 -> 0.75; recall: 2/3, 2/3, 1/3, 1 -> 2/3
    assert abs(s.bcubed_precision - 0.75) < 1e-12 and abs(s.bcubed_recall - 2 / 3) < 1e-12
    assert s.cluster_precision == 0.0 and s.cluster_recall == 0.0


def test_dedupe_eval_reads_a_truth_file_of_cluster_ids(tmp_path):
    pred = tmp_path / "pred.csv"
    pred.write_text("id,cluster_id\n1,a\n2,a\n3,b\n4,c\n")
    truth = tmp_path / "truth.csv"
    truth.write_text("id,entity_id\n1,x\n2,x\n3,x\n4,y\n")
    result = runner.invoke(app, ["dedupe-eval", str(pred), "--truth", str(truth), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert (scores["true_pairs"], scores["predicted_pairs"], scores["correct_pairs"]) == (3, 1, 1)
