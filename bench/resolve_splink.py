"""Splink (DuckDB backend) on the same generated records: the baseline for bench/resolve.py.

Runs in its own throwaway environment, never the project's (splink is not a dependency):

    python3 -m venv /tmp/splinkenv && /tmp/splinkenv/bin/pip install splink pyarrow
    /tmp/splinkenv/bin/python bench/resolve_splink.py records.parquet

Prints one JSON line: wall time of the resolution (cleaning, training, predicting,
clustering), peak RSS of the process, and the same cluster metrics as our runs. The cleaning
gives Splink the same head start our normaliser has where SQL makes it easy: lower case,
punctuation and common legal forms removed, phone reduced to its last 8 digits, website to its
host, street lower-cased.
"""

from __future__ import annotations

import importlib.util
import json
import resource
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

LEGAL = (r"\b(sdn bhd|sendirian berhad|bhd|berhad|ltd|limited|plc|gmbh|ag|b v|bv|n v|nv|llc|"
         r"l l c|inc|incorporated|pte ltd|pte|private limited|co)\b")


def _score_module():
    path = Path(__file__).resolve().parent.parent / "enrich" / "resolve" / "evaluate.py"
    spec = importlib.util.spec_from_file_location("evaluate", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = mod
    spec.loader.exec_module(mod)
    return mod


def run(path: str, threshold: float = 0.95) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    table = pq.read_table(path)
    t0 = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    con = duckdb.connect()
    con.register("raw", table)
    con.execute(f"""
        CREATE TABLE recs AS SELECT
            record_id,
            nullif(trim(regexp_replace(regexp_replace(
                regexp_replace(lower(name), '[^a-z0-9 ]', ' ', 'g'),
                '{LEGAL}', ' ', 'g'), '\\s+', ' ', 'g')), '') AS name_clean,
            nullif(right(regexp_replace(phone, '[^0-9]', '', 'g'), 8), '') AS phone8,
            nullif(regexp_replace(regexp_replace(lower(coalesce(website, '')),
                '^[a-z]+://', ''), '^www\\.|[/:?#].*$', '', 'g'), '') AS domain,
            nullif(regexp_replace(upper(postcode), '[^A-Z0-9]', '', 'g'), '') AS postcode,
            nullif(trim(regexp_replace(lower(street), '[^a-z0-9 ]', ' ', 'g')), '')
                AS street_clean,
            lower(city) AS city
        FROM raw
    """)
    con.execute("ALTER TABLE recs ADD COLUMN name_prefix VARCHAR")
    con.execute("UPDATE recs SET name_prefix = substr(name_clean, 1, 4)")
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_clean", [0.95, 0.88, 0.8]).configure(
                term_frequency_adjustments=True),
            cl.ExactMatch("phone8").configure(term_frequency_adjustments=True),
            cl.ExactMatch("domain").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode"),
            cl.LevenshteinAtThresholds("street_clean", [2]),
            cl.ExactMatch("city"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("phone8"),
            block_on("domain"),
            block_on("postcode", "name_prefix"),
            block_on("street_clean"),
            block_on("name_clean"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    sdf = db_api.register("recs")
    linker = Linker(sdf, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_clean", "phone8"), block_on("name_clean", "domain")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone8"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode", "name_prefix"))
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    got = clusters.as_duckdbpyrelation().select("record_id, cluster_id").to_arrow_table()
    seconds = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    got = got.to_pydict()
    cluster_of = dict(zip(got["record_id"], got["cluster_id"], strict=True))
    rids = table.column("record_id").to_pylist()
    truth = table.column("true_id").to_pylist()
    predicted = [str(cluster_of.get(r, r)) for r in rids]
    scores = _score_module().score_clusters(predicted, truth)
    return {
        "tool": "splink", "records": len(rids), "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "pair_f1": round(scores.pair_f1, 4), "pair_precision": round(scores.pair_precision, 4),
        "pair_recall": round(scores.pair_recall, 4), "bcubed_f1": round(scores.bcubed_f1, 4),
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1])))
