-- leadpipe warehouse, first schema.
-- Numbering: 0001-0009 core, 0010-0019 tenders, 0020-0029 sources, 0030-0039 resolution.

CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    stage VARCHAR NOT NULL,              -- crawl, load, resolve, enrich, score, export, pipeline
    source VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,             -- running, ok, failed
    items BIGINT DEFAULT 0,
    message VARCHAR
);

-- One row per landing file loaded; a file is loaded once (its path and content hash).
CREATE TABLE landing_files (
    path VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    items BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- Every landed item as it arrived; reloading is a no-op thanks to the key.
CREATE TABLE raw_items (
    run_id VARCHAR NOT NULL,
    item_hash VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    native_id VARCHAR NOT NULL,
    url VARCHAR,
    fetched_at TIMESTAMP NOT NULL,
    method VARCHAR,
    parser_version VARCHAR,
    payload JSON NOT NULL,               -- the whole landing item
    PRIMARY KEY (run_id, item_hash)
);

-- The latest sighting of each organisation record, flattened (values as the source printed them).
CREATE TABLE source_records (
    record_id VARCHAR PRIMARY KEY,
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
    identifiers VARCHAR[],               -- 'SCHEME:ID', e.g. 'GB-COH:01234567'
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
    run_id VARCHAR NOT NULL
);

CREATE TABLE contacts (
    contact_id VARCHAR PRIMARY KEY,      -- hash of record_id + name/email
    record_id VARCHAR NOT NULL,          -- the organisation record it was published with
    name VARCHAR,
    role VARCHAR,
    email VARCHAR,
    phone VARCHAR,
    source VARCHAR NOT NULL,
    url VARCHAR,
    last_seen_at TIMESTAMP NOT NULL
);

CREATE TABLE tenders (
    tender_key VARCHAR PRIMARY KEY,      -- record_id of the tender item
    source VARCHAR NOT NULL,
    tender_id VARCHAR NOT NULL,
    title VARCHAR,
    description VARCHAR,
    buyer_record_id VARCHAR,
    buyer_name VARCHAR,
    cpv VARCHAR[],
    classifications JSON,
    value DOUBLE,
    currency VARCHAR,
    deadline TIMESTAMP,
    status VARCHAR,
    published_at TIMESTAMP,
    url VARCHAR,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);

CREATE TABLE awards (
    award_key VARCHAR PRIMARY KEY,       -- record_id of the award item
    source VARCHAR NOT NULL,
    tender_id VARCHAR,
    award_id VARCHAR,
    supplier_record_id VARCHAR,
    supplier_name VARCHAR,
    value DOUBLE,
    currency VARCHAR,
    award_date TIMESTAMP,
    status VARCHAR,
    url VARCHAR,
    last_seen_at TIMESTAMP NOT NULL
);

-- Resolution: which company each source record belongs to.
CREATE TABLE company_links (
    record_id VARCHAR PRIMARY KEY,
    company_id VARCHAR NOT NULL,
    match_weight DOUBLE,
    explanation VARCHAR,
    linked_at TIMESTAMP NOT NULL
);

CREATE TABLE company_redirects (
    old_id VARCHAR PRIMARY KEY,
    new_id VARCHAR NOT NULL,
    redirected_at TIMESTAMP NOT NULL
);

-- Golden records: one row per company, each field with its provenance in field_sources.
CREATE TABLE companies (
    company_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    legal_form VARCHAR,
    website VARCHAR,
    domain VARCHAR,
    email VARCHAR,
    phone VARCHAR,
    street VARCHAR,
    postcode VARCHAR,
    city VARCHAR,
    country VARCHAR,
    categories VARCHAR[],
    description VARCHAR,
    identifiers VARCHAR[],
    employees INTEGER,
    founded INTEGER,
    sources VARCHAR[],
    source_urls VARCHAR[],
    record_count INTEGER,
    field_sources JSON,                  -- {field: record_id it came from}
    first_seen_at TIMESTAMP,
    last_seen_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE review_pairs (
    record_id_l VARCHAR NOT NULL,
    record_id_r VARCHAR NOT NULL,
    match_weight DOUBLE,
    explanation VARCHAR,
    PRIMARY KEY (record_id_l, record_id_r)
);

-- Enrichment: website signals and classified industry, per company.
CREATE TABLE enrichment (
    company_id VARCHAR PRIMARY KEY,
    website_status VARCHAR,              -- ok, unreachable, none
    website_emails VARCHAR[],
    website_phones VARCHAR[],
    website_text_keywords VARCHAR[],
    website_employees INTEGER,
    registry_ids VARCHAR[],
    industry VARCHAR,
    industry_confidence DOUBLE,
    industry_reason VARCHAR,
    solvency DOUBLE,
    solvency_reasons VARCHAR[],
    enriched_at TIMESTAMP NOT NULL
);

CREATE TABLE scores (
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    fit DOUBLE NOT NULL,
    solvency DOUBLE NOT NULL,
    stage VARCHAR NOT NULL,              -- suspect, prospect, client
    reasons VARCHAR[],
    scored_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_id, profile)
);

-- Companies already buying (imported), never sold to again as new.
CREATE TABLE clients (
    client_key VARCHAR PRIMARY KEY,      -- domain or normalised name + country
    name VARCHAR,
    domain VARCHAR,
    country VARCHAR,
    imported_at TIMESTAMP NOT NULL
);

CREATE TABLE suppressions (
    company_id VARCHAR PRIMARY KEY,
    reason VARCHAR,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE high_water_marks (
    source VARCHAR PRIMARY KEY,
    mark VARCHAR NOT NULL,               -- a date-time or an opaque cursor
    updated_at TIMESTAMP NOT NULL
);
