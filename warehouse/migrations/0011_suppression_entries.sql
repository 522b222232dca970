-- Suppression and data protection.
-- suppression_entries: who must never be exported. A company is kept by its id as it is; a
-- domain, an e-mail or a phone only as sha256(salt || normalised value), the salt living in the
-- data directory, so the list does not itself hold the personal data it protects.
-- suppression_records: every source record ever linked to a suppressed company, so the entry
-- outlives merges, splits and new company ids. suppressions (0001) stays: it now holds the
-- company ids the entries currently resolve to, which scoring reads.
CREATE TABLE suppression_entries (
    entry_id VARCHAR PRIMARY KEY,        -- kind || ':' || key
    kind VARCHAR NOT NULL,               -- company, domain, email, phone
    key VARCHAR NOT NULL,                -- the company id, else the salted hash
    reason VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE suppression_records (
    entry_id VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL,
    PRIMARY KEY (entry_id, record_id)
);
INSERT INTO suppression_entries
SELECT 'company:' || company_id, 'company', company_id, reason, created_at FROM suppressions;
INSERT INTO suppression_records
SELECT 'company:' || s.company_id, l.record_id
FROM suppressions s JOIN company_links l USING (company_id);

-- Art. 14 GDPR: every contact says where it came from and when it was first and last seen.
ALTER TABLE contacts ADD COLUMN first_seen_at TIMESTAMP;
UPDATE contacts SET first_seen_at = last_seen_at;

-- The lawful basis the profile declared when its scores were written (exports name it).
CREATE TABLE profile_lawful_basis (
    profile VARCHAR PRIMARY KEY,
    lawful_basis VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Whether a company is a corporate subscriber or an individual one (sole trader or
-- partnership), which decides the e-marketing rules (UK PECR); the reason says from what.
CREATE TABLE company_subscriber_types (
    company_id VARCHAR PRIMARY KEY,
    subscriber_type VARCHAR NOT NULL,    -- corporate body, sole trader or partnership, not known
    reason VARCHAR,
    decided_at TIMESTAMP NOT NULL
);
