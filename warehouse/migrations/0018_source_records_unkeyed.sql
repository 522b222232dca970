-- source_records without its primary-key index. Every writer merges on record_id
-- (warehouse/upsert.py; DuckLake has no keys at all), so the index guarded nothing they need,
-- and it cost a bulk registry load an index entry per row, merged at commit on one core. The
-- bulk load checks its own rows for a company given twice instead.
-- DuckDB cannot drop a key, so the table is rebuilt with the same columns, in the same order,
-- with the same NOT NULL and DEFAULT rules.
CREATE TABLE source_records_unkeyed (
    record_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    native_id VARCHAR NOT NULL,
    role VARCHAR,
    name VARCHAR NOT NULL,
    website VARCHAR,
    email VARCHAR,
    phone VARCHAR,
    street VARCHAR,
    postcode VARCHAR,
    city VARCHAR,
    region VARCHAR,
    address VARCHAR,
    country VARCHAR,
    categories VARCHAR[],
    description VARCHAR,
    identifiers VARCHAR[],
    employees INTEGER,
    founded INTEGER,
    accreditations VARCHAR[],
    paid_listing BOOLEAN,
    booth VARCHAR,
    hall VARCHAR,
    event_name VARCHAR,
    event_date VARCHAR,
    is_natural_person BOOLEAN DEFAULT FALSE,
    url VARCHAR,
    method VARCHAR,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    registry_status VARCHAR,
    incorporated_on DATE,
    dissolved_on DATE,
    accounts_next_due DATE,
    accounts_last_made_up_to DATE,
    accounts_overdue BOOLEAN,
    accounts_category VARCHAR,
    charges_outstanding INTEGER,
    insolvency_cases STRUCT("type" VARCHAR, "number" VARCHAR, started_on VARCHAR,
                            ended_on VARCHAR)[],
    industry_codes STRUCT(scheme VARCHAR, id VARCHAR, description VARCHAR)[],
    legal_form VARCHAR,
    lei_status VARCHAR
);
-- BY NAME: a column this list lacks fails the migration instead of being dropped.
INSERT INTO source_records_unkeyed BY NAME SELECT * FROM source_records;
DROP TABLE source_records;
ALTER TABLE source_records_unkeyed RENAME TO source_records;
