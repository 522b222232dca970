-- Alerts on new demand: what was already sent per profile, so a run that found nothing new
-- sends nothing, and per-profile marks, so `leadpipe tenders new` means "since this profile's
-- last run".

-- One row per signal alerted for a profile (an open tender, a tier going up, a contract
-- ending); a signal is alerted once.
CREATE TABLE alerted_signals (
    profile VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,               -- open_tender, tier_up, contract_ending
    signal_key VARCHAR NOT NULL,         -- stable per signal (source and tender id, company ...)
    company_id VARCHAR,
    sentence VARCHAR NOT NULL,           -- what the notification said
    alerted_at TIMESTAMP NOT NULL,
    channels VARCHAR NOT NULL,           -- email, webhook or both, comma separated
    PRIMARY KEY (profile, kind, signal_key)
);

-- One row per pipeline run of a profile: the end of the load that run saw.
CREATE TABLE profile_marks (
    profile VARCHAR NOT NULL,
    run_at TIMESTAMP NOT NULL,           -- when the profile's run looked
    loaded_until TIMESTAMP,              -- the end of the latest load it saw (NULL: none yet)
    PRIMARY KEY (profile, run_at)
);
