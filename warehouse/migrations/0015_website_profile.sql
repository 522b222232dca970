-- What a company's own pages say (enrich/signals/site_profile.py): the postal address,
-- schema.org Organization data, social profiles, VAT and registration ids ('SCHEME:ID'),
-- language, a short description, named leadership, and website_facts: one provenance record
-- per value (field, value, source URL, fetch time).
ALTER TABLE enrichment ADD COLUMN website_address VARCHAR;
ALTER TABLE enrichment ADD COLUMN website_legal_name VARCHAR;
ALTER TABLE enrichment ADD COLUMN website_founded VARCHAR;
ALTER TABLE enrichment ADD COLUMN website_same_as VARCHAR[];
ALTER TABLE enrichment ADD COLUMN website_social VARCHAR[];
ALTER TABLE enrichment ADD COLUMN website_identifiers VARCHAR[];
ALTER TABLE enrichment ADD COLUMN website_language VARCHAR;
ALTER TABLE enrichment ADD COLUMN website_description VARCHAR;
ALTER TABLE enrichment ADD COLUMN website_leadership STRUCT(name VARCHAR, role VARCHAR)[];
ALTER TABLE enrichment ADD COLUMN website_facts
    STRUCT(field VARCHAR, value VARCHAR, url VARCHAR, fetched_at TIMESTAMP)[];
