-- score_distances without its primary-key index, as migration 0021 did for scores and
-- score_reasons. It is derived the same way: every scoring run deletes a profile's rows and
-- writes them again in one transaction (sales/score.py), and that statement makes each key once.
-- On a scored warehouse of 200,000 companies the commit of a re-score spent about 10 CPU seconds
-- merging the deleted and re-inserted keys into the index. DuckDB cannot drop a key, so the
-- table is rebuilt with the same columns, in the same order, with the same NOT NULL rules.
CREATE TABLE score_distances_unkeyed (
    company_id VARCHAR NOT NULL,
    profile VARCHAR NOT NULL,
    distance_km DOUBLE,
    distance VARCHAR NOT NULL
);
-- BY NAME: a column this list lacks fails the migration instead of being dropped.
INSERT INTO score_distances_unkeyed BY NAME SELECT * FROM score_distances;
DROP TABLE score_distances;
ALTER TABLE score_distances_unkeyed RENAME TO score_distances;
