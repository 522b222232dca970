"""The short kill -9 trial of CI: two stages of a small demo world killed once each at a random
point and re-run lose and duplicate no row (the full run: ``python -m bench.kill_trials``)."""

from __future__ import annotations

from bench.kill_trials import run_trials


def test_killed_load_and_score_lose_and_duplicate_nothing(tmp_path):
    results = run_trials(["load", "score"], trials=1, companies=50, seed=3, workdir=tmp_path)
    assert [r.stage for r in results] == ["load", "score"]
    for r in results:
        assert r.trials == 1 and r.killed_mid_run == 1 and r.rows_compared > 0
        assert (r.rows_lost, r.rows_duplicated) == (0, 0), r
