-- An evaluation request is stored by reference instead of as JSON (a province's request with
-- tens of thousands of submissions is tens of MB): the plan revision, the as-of day, and the
-- plan's submissions up to a version. Each submission carries the version its commit made, so
-- "up to version V" is a query; the audit's re-run rebuilds the request from these and checks
-- it against the recorded hash (sha256 of its canonical JSON, as before). Rows stored before
-- this migration have no version: every later version includes them.
ALTER TABLE submissions ADD COLUMN version BIGINT;
ALTER TABLE audit_requests ADD COLUMN plan_id TEXT;
ALTER TABLE audit_requests ADD COLUMN plan_revision BIGINT;
ALTER TABLE audit_requests ADD COLUMN as_of TEXT;
ALTER TABLE audit_requests ADD COLUMN version BIGINT;
ALTER TABLE audit_requests ADD COLUMN submissions BIGINT;
