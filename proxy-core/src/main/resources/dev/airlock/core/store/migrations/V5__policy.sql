-- The policy's automatic decision per release: the verdict, why (findings as JSON), and what
-- it rests on (the facts' digest and the policy version), so it is made again only when either
-- changes. id is the opaque release id clients and the quarantine commands use.
CREATE TABLE release_verdicts (
    id             TEXT    PRIMARY KEY,
    ecosystem      TEXT    NOT NULL,
    package        TEXT    NOT NULL,
    version        TEXT    NOT NULL,
    verdict        TEXT    NOT NULL,
    held_until     INTEGER,
    findings       TEXT    NOT NULL,
    facts_digest   TEXT    NOT NULL,
    policy_version TEXT    NOT NULL,
    first_held     INTEGER,
    decided_at     INTEGER NOT NULL
);
CREATE INDEX release_verdicts_by_package ON release_verdicts (ecosystem, package);
CREATE INDEX release_verdicts_by_verdict ON release_verdicts (verdict);

-- People's decisions (release or reject, why, who, until when), in order. A decision applies
-- while the release's facts digest is the one it was made for.
CREATE TABLE release_decisions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    facts_digest TEXT    NOT NULL,
    expires_at   INTEGER,
    decided_at   INTEGER NOT NULL
);
CREATE INDEX release_decisions_by_id ON release_decisions (id)
