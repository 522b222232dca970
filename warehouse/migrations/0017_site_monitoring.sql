-- Site monitoring: every website fetch keeps a fingerprint of the pages that matter (home,
-- jobs/careers, news/press, imprint), and a change between two fetches of a company's site
-- becomes an event a salesperson can read.

-- One row per company and successful website fetch.
CREATE TABLE site_fingerprints (
    company_id VARCHAR NOT NULL,
    website VARCHAR NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    pages STRUCT(kind VARCHAR, url VARCHAR, text_sha256 VARCHAR)[] NOT NULL,
    jobs_url VARCHAR,                    -- the jobs/careers page, when the site has one
    job_openings INTEGER,                -- openings it lists (NULL: no jobs page)
    news_url VARCHAR,                    -- the news/press page, when the site has one
    press_items STRUCT(title VARCHAR, published VARCHAR, url VARCHAR)[],
    product_pages VARCHAR[],             -- product pages the site links to
    legal_name VARCHAR,                  -- as the imprint (or home page) prints it
    address VARCHAR,                     -- as the imprint (or home page) prints it
    distress VARCHAR[],                  -- distress words found (insolvency, liquidation ...)
    distress_url VARCHAR,                -- the first page that says them
    PRIMARY KEY (company_id, fetched_at)
);

-- One row per change between two fingerprints of a company's site; the first fetch has
-- nothing to compare with and creates none.
CREATE TABLE site_events (
    event_id VARCHAR PRIMARY KEY,        -- stable: company, kind, what changed, when fetched
    company_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,               -- jobs_appeared, distress_notice, new_press_page,
                                         -- new_product_page, new_legal_name, new_address
    sentence VARCHAR NOT NULL,           -- plain words, e.g. "its website now lists 3 job openings"
    url VARCHAR,                         -- the page that shows it
    detected_at TIMESTAMP NOT NULL,      -- the fetch that saw the change
    previous_fetched_at TIMESTAMP NOT NULL  -- the fetch it was compared with
);
