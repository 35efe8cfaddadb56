-- The PostgreSQL form of the embedded store's migrations/V2__file_facts.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- Files Airlock makes from a cached artifact (a wheel's core metadata): served like artifacts,
-- found through the artifact they came from.
ALTER TABLE artifacts ADD COLUMN derived_from TEXT;
CREATE INDEX artifacts_by_package ON artifacts (ecosystem, package);

-- Files upstream documents list, for renderings that must state what a document leaves out:
-- when Airlock first saw each file with this digest (an upper bound of its upload time), and its
-- size as upstream's Content-Length gave it before Airlock holds the file.
CREATE TABLE listed_files (
    ecosystem  TEXT    NOT NULL,
    package    TEXT    NOT NULL,
    filename   TEXT    NOT NULL,
    integrity  TEXT    NOT NULL,
    first_seen BIGINT NOT NULL,
    size       BIGINT,
    probed_at  BIGINT,
    PRIMARY KEY (ecosystem, package, filename)
);
