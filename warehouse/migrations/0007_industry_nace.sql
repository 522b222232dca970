-- Industry as NACE Rev. 2: the code (section letter, division, group or class, e.g. '10.71')
-- beside the readable sector label that `industry` keeps.
ALTER TABLE enrichment ADD COLUMN industry_nace VARCHAR;
