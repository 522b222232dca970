-- The model each resolution run fitted and linked with: per comparison its levels (label,
-- fitted m and u, weight), the share of matches, the link and review thresholds, the declared
-- settings and their version (a fingerprint). Written in the run's own transaction, so a
-- model row exists exactly for the resolutions that were committed.
CREATE TABLE resolution_models (
    run_id VARCHAR PRIMARY KEY,          -- runs.run_id of the resolve run
    fitted_at TIMESTAMP NOT NULL,
    model JSON NOT NULL
);
