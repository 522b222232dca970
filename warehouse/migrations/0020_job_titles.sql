-- Site monitoring compares job openings by their titles, not only by their count: two new
-- vacancies replacing two old ones are new roles. NULL on fingerprints stored before this
-- (those compare by count).
ALTER TABLE site_fingerprints ADD COLUMN job_titles VARCHAR[];  -- as printed, page order
