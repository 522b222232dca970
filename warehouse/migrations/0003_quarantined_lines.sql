-- Landing lines the loader refused (not JSON, or breaking the landing contract), with the
-- reason; the rest of their file loads. Reloading a file replaces its rows.
CREATE TABLE quarantined_lines (
    path VARCHAR NOT NULL,               -- the landing file, relative to the landing directory
    line INTEGER NOT NULL,               -- 1-based line number in that file
    reason VARCHAR NOT NULL,             -- plain words naming the key, e.g. 'fields.employees: ...'
    content VARCHAR NOT NULL,            -- the line as read (at most 10,000 characters)
    sha256 VARCHAR NOT NULL,             -- of the file when it was loaded
    quarantined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (path, line)
);
