-- What changed that other processes' caches may hold, written in the transaction of the change.
CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,
    kind TEXT NOT NULL,
    ecosystem TEXT,
    package TEXT,
    ref TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX changes_at ON changes (at);

-- Notifications waiting for delivery, written in the transaction of what they tell of.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    claimed_by TEXT,
    claim_until INTEGER,
    delivered_at INTEGER
);
CREATE INDEX outbox_open ON outbox (delivered_at, id);
