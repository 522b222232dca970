-- The headcount a source's company description states ("a team of 18 people"), read by the
-- enrich stage: an exact size when the website states none and a directory gives only a band.
ALTER TABLE enrichment ADD COLUMN description_employees INTEGER;
