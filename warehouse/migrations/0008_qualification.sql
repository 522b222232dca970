-- Qualification a sales team acts on: three axes kept apart (fit tier, solvency band, timing),
-- a sortable priority, reason rows, and a history of what changed between runs.

-- The solvency estimate's band, the model (and weights) that made it, and its evidence.
ALTER TABLE enrichment ADD COLUMN solvency_band VARCHAR;   -- 1, 2, 3, X, insufficient data, public body
ALTER TABLE enrichment ADD COLUMN solvency_model VARCHAR;
ALTER TABLE enrichment ADD COLUMN solvency_evidence
    STRUCT(code VARCHAR, text VARCHAR, points DOUBLE, url VARCHAR)[];

ALTER TABLE scores ADD COLUMN profile_version VARCHAR;     -- hash of the profile that scored it
ALTER TABLE scores ADD COLUMN solvency_model VARCHAR;
ALTER TABLE scores ADD COLUMN tier VARCHAR;                -- A, B, C, D
ALTER TABLE scores ADD COLUMN solvency_band VARCHAR;
ALTER TABLE scores ADD COLUMN timing VARCHAR;              -- hot, warm, none
ALTER TABLE scores ADD COLUMN priority VARCHAR;            -- e.g. A-1-hot
ALTER TABLE scores ADD COLUMN priority_rank INTEGER;       -- sorts priority best first

-- At most three positive and three negative reasons per company and profile.
CREATE TABLE score_reasons (
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    sign VARCHAR NOT NULL,               -- positive, negative
    rank INTEGER NOT NULL,               -- 1 is the strongest of its sign
    code VARCHAR NOT NULL,               -- machine code, stable across releases
    text VARCHAR NOT NULL,               -- the plain sentence a salesperson reads
    points DOUBLE,
    source_url VARCHAR,
    scored_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, profile, sign, rank)
);

-- Why a company's tier, band, timing or stage changed since the previous scoring run.
CREATE TABLE score_changes (
    run_at TIMESTAMP NOT NULL,
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    field VARCHAR NOT NULL,              -- stage, tier, solvency_band, timing
    before VARCHAR,
    after VARCHAR,
    sentence VARCHAR NOT NULL,
    PRIMARY KEY (run_at, company_id, profile, field)
);
