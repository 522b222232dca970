-- Registry facts: what a company registry says about a firm, on its source record (declared in
-- spiders/landing_fields.py; registry_status in plain words such as 'liquidation').
ALTER TABLE source_records ADD COLUMN registry_status VARCHAR;
ALTER TABLE source_records ADD COLUMN incorporated_on DATE;
ALTER TABLE source_records ADD COLUMN dissolved_on DATE;
ALTER TABLE source_records ADD COLUMN accounts_next_due DATE;
ALTER TABLE source_records ADD COLUMN accounts_last_made_up_to DATE;
ALTER TABLE source_records ADD COLUMN accounts_overdue BOOLEAN;
ALTER TABLE source_records ADD COLUMN accounts_category VARCHAR;
ALTER TABLE source_records ADD COLUMN charges_outstanding INTEGER;
ALTER TABLE source_records ADD COLUMN insolvency_cases
    STRUCT("type" VARCHAR, "number" VARCHAR, started_on VARCHAR, ended_on VARCHAR)[];
ALTER TABLE source_records ADD COLUMN industry_codes
    STRUCT(scheme VARCHAR, id VARCHAR, description VARCHAR)[];
ALTER TABLE source_records ADD COLUMN legal_form VARCHAR;
ALTER TABLE source_records ADD COLUMN lei_status VARCHAR;

-- Bulk registry files loaded straight into source_records (leadpipe registry load-bulk):
-- a file with the same content is not loaded twice.
CREATE TABLE registry_bulk_files (
    path VARCHAR NOT NULL,
    registry VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    rows_loaded BIGINT NOT NULL,
    as_of DATE,
    loaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (registry, sha256)
);

-- Every registry record of every company, with the record it came from: what the solvency
-- and industry stages read (a company may have several, e.g. Companies House and GLEIF).
CREATE VIEW company_registry_facts AS
SELECT l.company_id, r.record_id, r.source, r.url, r.last_seen_at, r.identifiers,
       r.registry_status, r.incorporated_on, r.dissolved_on, r.accounts_next_due,
       r.accounts_last_made_up_to, r.accounts_overdue, r.accounts_category,
       r.charges_outstanding, r.insolvency_cases, r.industry_codes, r.legal_form, r.lei_status
FROM company_links l JOIN source_records r USING (record_id)
WHERE r.registry_status IS NOT NULL OR r.lei_status IS NOT NULL OR r.industry_codes IS NOT NULL
   OR r.insolvency_cases IS NOT NULL OR r.incorporated_on IS NOT NULL;
