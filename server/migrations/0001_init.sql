-- One schema for SQLite and PostgreSQL: TEXT and BIGINT only, ids made by the service (no
-- engine-specific autoincrement), timestamps as RFC 3339 text in UTC.

CREATE TABLE tokens (
    hash TEXT PRIMARY KEY,          -- sha256 of the bearer secret, hex; the secret is never stored
    name TEXT NOT NULL,
    role TEXT NOT NULL,             -- admin | submitter | viewer
    agency TEXT,                    -- the one agency a submitter files for
    created_at TEXT NOT NULL
);

CREATE TABLE plan_revisions (
    plan_id TEXT NOT NULL,
    revision BIGINT NOT NULL,       -- 1, 2, ... per plan; an upload never overwrites
    plan_hash TEXT NOT NULL,        -- sha256 of the plan's canonical JSON
    plan_json TEXT NOT NULL,
    registry_json TEXT,
    events_json TEXT NOT NULL,
    source_name TEXT,
    warnings_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, revision)
);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL,
    agency TEXT NOT NULL,
    obligation TEXT NOT NULL,
    submission_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
-- Evaluation order: arrival order (created_at, then id).
CREATE INDEX submissions_plan ON submissions (plan_id, created_at, id);

CREATE TABLE idempotency (
    token_hash TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (token_hash, idem_key)
);

CREATE TABLE audit (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    plan_revision BIGINT NOT NULL,
    plan_hash TEXT NOT NULL,
    pack_name TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    pack_hash TEXT NOT NULL,
    as_of TEXT NOT NULL,
    query_json TEXT NOT NULL,       -- format and filters
    request_json TEXT NOT NULL,     -- the whole evaluation request, so a re-run needs nothing else
    result_hash TEXT NOT NULL       -- sha256 of the bytes served
);
CREATE INDEX audit_plan ON audit (plan_id, created_at);
