-- scores, score_reasons and company_subscriber_types without their primary-key indexes. Each is
-- derived: every scoring run deletes a profile's rows and writes them again in one transaction
-- (sales/score.py, sales/privacy/subscriber.py), so every key comes back at once. On a scored
-- warehouse of 1,000,000 companies, deleting and re-inserting the same keys under the index cost
-- about four minutes of a re-score; the writers' own statements make each key once (the
-- many-writer lake has no keys at all). DuckDB cannot drop a key, so each table is rebuilt with
-- the same columns, in the same order, with the same NOT NULL rules.
CREATE TABLE scores_unkeyed (
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    fit DOUBLE NOT NULL,
    solvency DOUBLE NOT NULL,
    stage VARCHAR NOT NULL,
    reasons VARCHAR[],
    scored_at TIMESTAMP NOT NULL,
    profile_version VARCHAR,
    solvency_model VARCHAR,
    tier VARCHAR,
    solvency_band VARCHAR,
    timing VARCHAR,
    priority VARCHAR,
    priority_rank INTEGER
);
-- BY NAME: a column this list lacks fails the migration instead of being dropped.
INSERT INTO scores_unkeyed BY NAME SELECT * FROM scores;
DROP TABLE scores;
ALTER TABLE scores_unkeyed RENAME TO scores;

CREATE TABLE score_reasons_unkeyed (
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    sign VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    "text" VARCHAR NOT NULL,
    points DOUBLE,
    source_url VARCHAR,
    scored_at TIMESTAMP NOT NULL
);
INSERT INTO score_reasons_unkeyed BY NAME SELECT * FROM score_reasons;
DROP TABLE score_reasons;
ALTER TABLE score_reasons_unkeyed RENAME TO score_reasons;

CREATE TABLE company_subscriber_types_unkeyed (
    company_id VARCHAR NOT NULL,
    subscriber_type VARCHAR NOT NULL,
    reason VARCHAR,
    decided_at TIMESTAMP NOT NULL
);
INSERT INTO company_subscriber_types_unkeyed BY NAME SELECT * FROM company_subscriber_types;
DROP TABLE company_subscriber_types;
ALTER TABLE company_subscriber_types_unkeyed RENAME TO company_subscriber_types;
