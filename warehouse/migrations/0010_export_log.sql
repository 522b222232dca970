-- Every export written: when, which format and profile, with which filter, how many rows, and
-- the main file's SHA-256. `fingerprints` names the file (under the exports folder) holding
-- (company_id, fingerprint) of every row this profile and format has received so far, which is
-- what `leadpipe export --changed` compares against. Exports written while another process held
-- the warehouse are logged in <data_dir>/exports/export-log.jsonl instead; both are read.
CREATE TABLE export_log (
    export_id VARCHAR PRIMARY KEY,
    exported_at TIMESTAMP NOT NULL,
    format VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    filter JSON NOT NULL,
    rows BIGINT NOT NULL,
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    fingerprints VARCHAR
);
