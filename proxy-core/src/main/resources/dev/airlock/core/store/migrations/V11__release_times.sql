-- When a release was published, where its metadata does not say but the repository does (a Maven
-- POM's Last-Modified): the earliest time stated is kept, since a mirror re-syncing a file can
-- only make it look younger.
CREATE TABLE release_times (
    ecosystem    TEXT    NOT NULL,
    package      TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (ecosystem, package, version)
);
