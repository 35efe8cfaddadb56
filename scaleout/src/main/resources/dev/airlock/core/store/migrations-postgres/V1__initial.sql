-- The PostgreSQL form of the embedded store's migrations/V1__initial.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- The artifact index: which blob holds the bytes for a package file. The first record for
-- coordinates is kept forever (first-seen content pinning builds on it).
CREATE TABLE artifacts (
    ecosystem       TEXT    NOT NULL,
    package         TEXT    NOT NULL,
    filename        TEXT    NOT NULL,
    version         TEXT    NOT NULL,
    sha256          TEXT    NOT NULL,
    size            BIGINT NOT NULL,
    content_type    TEXT    NOT NULL,
    upstream_digest TEXT,
    first_seen      BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, package, filename)
);
CREATE INDEX artifacts_by_version ON artifacts (ecosystem, package, version);

-- Metadata fetch state: enough to revalidate upstream and to serve stale after a restart.
CREATE TABLE metadata_state (
    ecosystem     TEXT    NOT NULL,
    cache_key     TEXT    NOT NULL,
    package       TEXT    NOT NULL,
    body_sha256   TEXT    NOT NULL,
    content_type  TEXT,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    BIGINT NOT NULL,
    first_seen    BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, cache_key)
);

-- When Airlock first saw each release listed upstream: a release can never be older than this
-- for the minimum-age check, whatever upstream claims.
CREATE TABLE release_observed (
    ecosystem  TEXT    NOT NULL,
    package    TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, package, version)
);
