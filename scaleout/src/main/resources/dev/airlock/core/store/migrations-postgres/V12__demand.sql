-- The PostgreSQL form of the embedded store's migrations/V12__demand.sql, at the same version: 64-bit
-- integers where SQLite's are 64-bit anyway, identity columns for its AUTOINCREMENT.
-- What clients need: how often a release was asked for (its file requested, served or refused)
-- or passed over (held while the same package's lower version was downloaded), by which tokens,
-- and when last. The queue's default view is what has demand, plus each package's newest release.
CREATE TABLE demand (
    ecosystem  TEXT    NOT NULL,
    package    TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    asked      BIGINT NOT NULL,
    last_asked BIGINT NOT NULL,
    tokens     TEXT    NOT NULL,
    PRIMARY KEY (ecosystem, package, version, kind)
);
CREATE TABLE newest_releases (
    ecosystem TEXT NOT NULL,
    package   TEXT NOT NULL,
    version   TEXT NOT NULL,
    PRIMARY KEY (ecosystem, package)
);
