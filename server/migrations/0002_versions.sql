-- A counter per plan, raised in the transaction that stores its submissions: the report cache's
-- key (a cached report is of one version; a new submission makes a new version).
CREATE TABLE plan_versions (
    plan_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

-- Evaluation requests by sha256 of their canonical JSON, stored once: every audit record of the
-- same request (the same plan revision, submissions and as-of) refers to one copy. Audit rows
-- written from now on have request_json '' and name their request by hash.
CREATE TABLE audit_requests (
    hash TEXT PRIMARY KEY,
    request_json TEXT NOT NULL
);
ALTER TABLE audit ADD COLUMN request_hash TEXT;
