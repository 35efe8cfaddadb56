-- The PostgreSQL form of the embedded store's migrations/V6__content_facts.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- What each inspected file of a release contains, as the policy sees it (JSON of ContentFacts),
-- keyed by the blob it was read from: the same bytes are never read twice.
CREATE TABLE content_facts (
    ecosystem  TEXT    NOT NULL,
    package    TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    filename   TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    facts      TEXT    NOT NULL,
    read_at    BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, package, filename)
);
CREATE INDEX content_facts_by_release ON content_facts (ecosystem, package, version)
