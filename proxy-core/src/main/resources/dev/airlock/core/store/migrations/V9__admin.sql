-- Admin API tokens: only a SHA-256 of each token is kept; the token itself is shown once.
CREATE TABLE admin_tokens (
    name       TEXT    PRIMARY KEY,
    role       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
);
-- The audit log: every automatic and human decision, rule and token change, appended only.
-- Each entry's hash covers the previous entry's hash, so an edited or removed row breaks the chain.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    target    TEXT    NOT NULL,
    reason    TEXT,
    details   TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE INDEX audit_by_target ON audit_log (target);
-- Allow and deny rules added at run time (beside policy.allow / policy.deny in the config).
CREATE TABLE policy_rules (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    pattern    TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    added_by   TEXT    NOT NULL,
    added_at   INTEGER NOT NULL,
    removed_at INTEGER
)
