-- The PostgreSQL form of the embedded store's migrations/V11__release_times.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- When a release was published, where its metadata does not say but the repository does (a Maven
-- POM's Last-Modified): the earliest time stated is kept, since a mirror re-syncing a file can
-- only make it look younger.
CREATE TABLE release_times (
    ecosystem    TEXT    NOT NULL,
    package      TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (ecosystem, package, version)
);
