-- What each inspected file of a release contains, as the policy sees it (JSON of ContentFacts),
-- keyed by the blob it was read from: the same bytes are never read twice.
CREATE TABLE content_facts (
    ecosystem  TEXT    NOT NULL,
    package    TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    filename   TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    facts      TEXT    NOT NULL,
    read_at    INTEGER NOT NULL,
    PRIMARY KEY (ecosystem, package, filename)
);
CREATE INDEX content_facts_by_release ON content_facts (ecosystem, package, version)
