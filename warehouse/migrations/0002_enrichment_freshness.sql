-- Remember which website was fetched and when, so enrichment re-fetches only stale sites.
ALTER TABLE enrichment ADD COLUMN website VARCHAR;
ALTER TABLE enrichment ADD COLUMN website_fetched_at TIMESTAMP;
ALTER TABLE enrichment ADD COLUMN website_distress VARCHAR[];
ALTER TABLE enrichment ADD COLUMN website_growth BOOLEAN;
ALTER TABLE enrichment ADD COLUMN website_offices_countries INTEGER;
ALTER TABLE enrichment ADD COLUMN awards_count INTEGER;
ALTER TABLE enrichment ADD COLUMN awards_total DOUBLE;
ALTER TABLE enrichment ADD COLUMN awards_largest DOUBLE;
ALTER TABLE enrichment ADD COLUMN awards_buyers INTEGER;
ALTER TABLE enrichment ADD COLUMN awards_last TIMESTAMP;
ALTER TABLE enrichment ADD COLUMN paid_listing BOOLEAN;
ALTER TABLE enrichment ADD COLUMN accreditations VARCHAR[];
