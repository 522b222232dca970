-- Which process runs a stage, so the next start can tell a live run from a killed one:
-- a 'running' row whose process is gone (same host, no such pid) becomes 'interrupted'.
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host VARCHAR;
