-- Remoteness, owners and outcomes.
-- score_distances: how far each scored company is from its profile's home base, written by
-- the score stage in the same transaction as the scores (NULL km: location unknown).
CREATE TABLE score_distances (
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    distance_km DOUBLE,
    distance VARCHAR NOT NULL,           -- "212 km from Leeds", "location unknown"
    PRIMARY KEY (company_id, profile)
);

-- owners: the sales manager of each assigned prospect (`leadpipe assign`). Sticky: a row
-- stays while its manager is in the managers file and the company's stage is `stage`.
CREATE TABLE owners (
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    manager_email VARCHAR NOT NULL,
    manager_name VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,              -- the company's funnel stage when it was assigned
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, profile)
);

-- outcomes: what sales reached with a company (CRM export, `leadpipe outcomes import`).
CREATE TABLE outcomes (
    company_id VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,              -- contacted, meeting, proposal, won, lost
    reached_on DATE NOT NULL,
    channel VARCHAR,                     -- as the CRM names it; NULL: the company's sources
    imported_from VARCHAR,
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, stage, reached_on)
);
