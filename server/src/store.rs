//! What the service stores: plan revisions, submissions, idempotency records, audit records.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use tuanthu::model::{AgencyRegistry, Event, IngestWarning, Plan, Submission};

use crate::db::{ctx, get, is_unique_violation, Db, DbError};

/// A stored plan revision with everything an evaluation needs besides submissions.
#[derive(Debug, Clone)]
pub struct Revision {
    pub info: RevisionInfo,
    pub plan: Plan,
    pub registry: Option<AgencyRegistry>,
    pub events: Vec<Event>,
}

impl Revision {
    /// Revision `revision` of `plan` with no upload behind it (no hash, source, warnings or
    /// author): what tests and profiles hand the cache without storing anything.
    pub fn unstored(
        plan: Plan,
        revision: i64,
        registry: Option<AgencyRegistry>,
        events: Vec<Event>,
    ) -> Revision {
        Revision {
            info: RevisionInfo {
                plan_id: plan.id.clone(),
                revision,
                plan_hash: String::new(),
                title: plan.title.clone(),
                obligations: plan.obligations.len(),
                source_name: None,
                warnings: Vec::new(),
                created_at: String::new(),
                created_by: String::new(),
            },
            plan,
            registry,
            events,
        }
    }
}

/// A plan revision as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RevisionInfo {
    pub plan_id: String,
    pub revision: i64,
    /// sha256 of the plan's canonical JSON.
    pub plan_hash: String,
    pub title: String,
    pub obligations: usize,
    /// The uploaded file's name, for plans uploaded as issued.
    pub source_name: Option<String>,
    /// What the plan reader did not understand (empty for JSON uploads without warnings).
    pub warnings: Vec<IngestWarning>,
    pub created_at: String,
    pub created_by: String,
}

/// A stored submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StoredSubmission {
    pub id: String,
    pub plan_id: String,
    pub created_at: String,
    pub created_by: String,
    // Shared: a report's evaluation session holds the submissions it evaluated and knows the
    // same entries of a later snapshot by identity, so it need not compare them. (Not a doc
    // comment: the API's schema stays that of a submission.)
    pub submission: Arc<Submission>,
}

/// One evaluation, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditRecord {
    pub id: String,
    pub created_at: String,
    pub actor: String,
    pub plan_id: String,
    pub plan_revision: i64,
    pub plan_hash: String,
    pub pack_name: String,
    pub pack_version: String,
    pub pack_hash: String,
    pub as_of: String,
    /// Format and filters of the request.
    pub query: serde_json::Value,
    /// sha256 of the evaluation request's canonical JSON (stored once per distinct request, by
    /// reference: the plan revision, the as-of date and the submissions up to a version).
    #[serde(default)]
    pub request_hash: String,
    /// sha256 of the bytes served.
    pub result_hash: String,
}

fn json<T: serde::de::DeserializeOwned>(text: &str, what: &'static str) -> Result<T, DbError> {
    serde_json::from_str(text).map_err(|e| DbError::Sqlx {
        context: what,
        source: sqlx::Error::Decode(Box::new(e)),
    })
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

const REVISION_COLUMNS: &str = "plan_id, revision, plan_hash, plan_json, registry_json, \
     events_json, source_name, warnings_json, created_at, created_by";

fn revision_from_row(row: &AnyRow) -> Result<Revision, DbError> {
    let plan: Plan = json(&get::<String, _>(row, "plan_json")?, "decode stored plan")?;
    let registry: Option<String> = get(row, "registry_json")?;
    let registry = match registry {
        Some(r) => Some(json(&r, "decode stored registry")?),
        None => None,
    };
    let info = RevisionInfo {
        plan_id: get(row, "plan_id")?,
        revision: get(row, "revision")?,
        plan_hash: get(row, "plan_hash")?,
        title: plan.title.clone(),
        obligations: plan.obligations.len(),
        source_name: get(row, "source_name")?,
        warnings: json(&get::<String, _>(row, "warnings_json")?, "decode warnings")?,
        created_at: get(row, "created_at")?,
        created_by: get(row, "created_by")?,
    };
    Ok(Revision {
        info,
        events: json(&get::<String, _>(row, "events_json")?, "decode events")?,
        registry,
        plan,
    })
}

/// Stores a new revision of `rev.plan` (number = last + 1, retried when two uploads race).
pub async fn insert_revision(
    db: &Db,
    plan: &Plan,
    registry: Option<&AgencyRegistry>,
    events: &[Event],
    source_name: Option<&str>,
    warnings: &[IngestWarning],
    by: &str,
) -> Result<RevisionInfo, DbError> {
    let plan_hash = crate::hash::plan_hash(plan);
    let created_at = crate::now();
    let mut attempt = 0;
    loop {
        let sql = format!(
            "INSERT INTO plan_revisions ({REVISION_COLUMNS}) SELECT $1, \
             COALESCE(MAX(revision), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 \
             FROM plan_revisions WHERE plan_id = $1"
        );
        let r = sqlx::query(&sql)
            .bind(&plan.id)
            .bind(&plan_hash)
            .bind(to_json(plan))
            .bind(registry.map(to_json))
            .bind(to_json(&events))
            .bind(source_name.map(str::to_string))
            .bind(to_json(&warnings))
            .bind(&created_at)
            .bind(by)
            .execute(&db.pool)
            .await
            .map_err(ctx("store plan revision"));
        match r {
            Err(e) if is_unique_violation(&e) && attempt < 10 => attempt += 1,
            Err(e) => return Err(e),
            Ok(_) => break,
        }
    }
    let rev = latest_revision(db, &plan.id)
        .await?
        .ok_or_else(|| DbError::Sqlx {
            context: "read back plan revision",
            source: sqlx::Error::RowNotFound,
        })?;
    Ok(rev.info)
}

/// The newest revision of a plan.
pub async fn latest_revision(db: &Db, plan_id: &str) -> Result<Option<Revision>, DbError> {
    let sql = format!(
        "SELECT {REVISION_COLUMNS} FROM plan_revisions WHERE plan_id = $1 \
         ORDER BY revision DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(plan_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(ctx("read plan revision"))?;
    row.as_ref().map(revision_from_row).transpose()
}

/// The number of a plan's newest revision (a cheap read: the revision itself comes from the
/// cache when it was read before).
pub async fn latest_revision_number(db: &Db, plan_id: &str) -> Result<Option<i64>, DbError> {
    let row = sqlx::query(
        "SELECT revision FROM plan_revisions WHERE plan_id = $1 ORDER BY revision DESC LIMIT 1",
    )
    .bind(plan_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(ctx("read plan revision number"))?;
    row.as_ref().map(|r| get(r, "revision")).transpose()
}

/// One revision of a plan.
pub async fn revision(db: &Db, plan_id: &str, revision: i64) -> Result<Option<Revision>, DbError> {
    let sql = format!(
        "SELECT {REVISION_COLUMNS} FROM plan_revisions WHERE plan_id = $1 AND revision = $2"
    );
    let row = sqlx::query(&sql)
        .bind(plan_id)
        .bind(revision)
        .fetch_optional(&db.pool)
        .await
        .map_err(ctx("read plan revision"))?;
    row.as_ref().map(revision_from_row).transpose()
}

/// Every revision of a plan, oldest first.
pub async fn revisions(db: &Db, plan_id: &str) -> Result<Vec<RevisionInfo>, DbError> {
    let sql = format!(
        "SELECT {REVISION_COLUMNS} FROM plan_revisions WHERE plan_id = $1 ORDER BY revision"
    );
    let rows = sqlx::query(&sql)
        .bind(plan_id)
        .fetch_all(&db.pool)
        .await
        .map_err(ctx("list plan revisions"))?;
    rows.iter()
        .map(|r| revision_from_row(r).map(|r| r.info))
        .collect()
}

/// The newest revision of every plan, by plan id.
pub async fn plans(db: &Db) -> Result<Vec<RevisionInfo>, DbError> {
    let sql = format!(
        "SELECT {REVISION_COLUMNS} FROM plan_revisions p WHERE revision = \
         (SELECT MAX(revision) FROM plan_revisions q WHERE q.plan_id = p.plan_id) ORDER BY plan_id"
    );
    let rows = sqlx::query(&sql)
        .fetch_all(&db.pool)
        .await
        .map_err(ctx("list plans"))?;
    rows.iter()
        .map(|r| revision_from_row(r).map(|r| r.info))
        .collect()
}

/// A response stored under an idempotency key.
#[derive(Debug, Clone)]
pub struct Idempotent {
    pub request_hash: String,
    pub status: u16,
    pub response: String,
}

/// The response stored for `key` of this token, if any.
pub async fn find_idempotent(
    db: &Db,
    token_hash: &str,
    key: &str,
) -> Result<Option<Idempotent>, DbError> {
    let row = sqlx::query(
        "SELECT request_hash, status, response FROM idempotency \
         WHERE token_hash = $1 AND idem_key = $2",
    )
    .bind(token_hash)
    .bind(key)
    .fetch_optional(&db.pool)
    .await
    .map_err(ctx("read idempotency key"))?;
    row.map(|r| {
        Ok(Idempotent {
            request_hash: get(&r, "request_hash")?,
            status: u16::try_from(get::<i64, _>(&r, "status")?).unwrap_or(500),
            response: get(&r, "response")?,
        })
    })
    .transpose()
}

/// What a stored idempotency key answers: stored with its submissions in one transaction, so a
/// retry after a crash finds either both or neither.
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    pub token_hash: String,
    pub key: String,
    pub request_hash: String,
    pub status: u16,
    pub response: String,
}

/// Submissions to store, with the response that acknowledges them.
#[derive(Debug, Clone)]
pub struct NewSubmissions {
    pub plan_id: String,
    pub by: String,
    pub rows: Vec<(String, Submission)>,
    pub idempotency: Option<IdempotencyRecord>,
}

/// One write of a group commit.
enum Write<'a> {
    Submissions(&'a NewSubmissions),
    Audit(&'a AuditRecord, Option<&'a RequestRef>),
}

/// Commits `writes` in one transaction: one fsync for all of them. Per write, `Some(previous)`
/// when its idempotency key was already stored (its submissions are then not stored again).
async fn commit(db: &Db, writes: &[Write<'_>]) -> Result<Vec<Option<Idempotent>>, DbError> {
    let created_at = crate::now();
    let mut tx = db.pool.begin().await.map_err(ctx("begin"))?;
    let mut replays = Vec::with_capacity(writes.len());
    // Each plan that gains submissions gets a new version in the same transaction (a report
    // cached under the old version is never served for the new set of submissions), raised
    // before its rows go in so that each row carries the version that first includes it.
    let mut versions: Vec<(&str, i64)> = Vec::new();
    for w in writes {
        let new = match w {
            Write::Audit(a, request) => {
                insert_audit_in(&mut tx, a, *request).await?;
                replays.push(false);
                continue;
            }
            Write::Submissions(new) => new,
        };
        if let Some(i) = &new.idempotency {
            // ON CONFLICT DO NOTHING instead of a unique violation, which would abort the whole
            // transaction on PostgreSQL (and with it the other writes of the group).
            let r = sqlx::query(
                "INSERT INTO idempotency (token_hash, idem_key, request_hash, status, response, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (token_hash, idem_key) DO NOTHING",
            )
            .bind(&i.token_hash)
            .bind(&i.key)
            .bind(&i.request_hash)
            .bind(i64::from(i.status))
            .bind(&i.response)
            .bind(&created_at)
            .execute(&mut *tx)
            .await
            .map_err(ctx("store idempotency key"))?;
            if r.rows_affected() == 0 {
                replays.push(true);
                continue;
            }
        }
        replays.push(false);
        let version = match versions.iter().find(|(p, _)| *p == new.plan_id) {
            Some(&(_, v)) => v,
            None => {
                let v = raise_version(&mut tx, &new.plan_id).await?;
                versions.push((&new.plan_id, v));
                v
            }
        };
        for (id, s) in &new.rows {
            sqlx::query(
                "INSERT INTO submissions (id, plan_id, agency, obligation, submission_json, \
                 created_at, created_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(&new.plan_id)
            .bind(&s.agency)
            .bind(s.obligation.as_str())
            .bind(to_json(s))
            .bind(&created_at)
            .bind(&new.by)
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(ctx("store submission"))?;
        }
    }
    // Until its rows are in memory too, a report that reads the new version waits for them
    // instead of reading every row of the plan again.
    let arriving = (!versions.is_empty()).then(|| db.memory.arriving());
    tx.commit().await.map_err(ctx("commit"))?;
    for (plan, version) in versions {
        let rows = writes
            .iter()
            .zip(&replays)
            .filter_map(|(w, replay)| match w {
                Write::Submissions(n) if !replay && n.plan_id == plan => Some(*n),
                _ => None,
            });
        db.memory.committed(plan, version, rows, &created_at);
    }
    drop(arriving);
    let mut out = Vec::with_capacity(writes.len());
    for (w, replay) in writes.iter().zip(replays) {
        match (w, replay) {
            (Write::Submissions(new), true) => {
                let i = new.idempotency.as_ref();
                let prev = match i {
                    Some(i) => find_idempotent(db, &i.token_hash, &i.key).await?,
                    None => None,
                };
                out.push(prev);
            }
            _ => out.push(None),
        }
    }
    Ok(out)
}

/// Raises `plan_id`'s version of its submissions in `tx`; the new version.
async fn raise_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plan_id: &str,
) -> Result<i64, DbError> {
    let row = sqlx::query(
        "INSERT INTO plan_versions (plan_id, version) VALUES ($1, 1) \
         ON CONFLICT (plan_id) DO UPDATE SET version = plan_versions.version + 1 \
         RETURNING version",
    )
    .bind(plan_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(ctx("raise plan version"))?;
    get::<i64, _>(&row, "version")
}

/// The current version of a plan's submissions (0 before the first).
pub async fn plan_version(db: &Db, plan_id: &str) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT version FROM plan_versions WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(ctx("read plan version"))?;
    row.as_ref().map_or(Ok(0), |r| get(r, "version"))
}

type Reply = tokio::sync::oneshot::Sender<Result<Option<Idempotent>, String>>;

enum Job {
    Submissions(NewSubmissions, Reply),
    Audit(Box<(AuditRecord, Option<RequestRef>)>, Reply),
}

/// Group commit: one task writes every submission and audit record; what queued while the last
/// transaction committed goes into the next one together (one fsync for many requests). Each
/// request is answered only after its transaction committed, so an acknowledged submission is
/// durable, as before.
#[derive(Debug, Clone)]
pub struct Writer {
    tx: tokio::sync::mpsc::Sender<Job>,
}

/// Writes in one transaction at most.
const GROUP: usize = 256;

impl Writer {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(db: Db) -> Writer {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Job>(4 * GROUP);
        tokio::spawn(async move {
            let mut jobs = Vec::with_capacity(GROUP);
            while rx.recv_many(&mut jobs, GROUP).await > 0 {
                let batch = std::mem::take(&mut jobs);
                let writes: Vec<Write<'_>> = batch.iter().map(Job::write).collect();
                match commit(&db, &writes).await {
                    Ok(out) => {
                        drop(writes);
                        for (job, r) in batch.into_iter().zip(out) {
                            let _ = job.into_reply().send(Ok(r));
                        }
                    }
                    // One bad write must not fail the others: each alone, in its own
                    // transaction.
                    Err(e) if batch.len() > 1 => {
                        tracing::warn!(error = %e, n = batch.len(), "group commit failed; one by one");
                        drop(writes);
                        for job in batch {
                            let r = commit(&db, &[job.write()]).await;
                            let r = r.map(|mut v| v.pop().flatten()).map_err(|e| e.to_string());
                            let _ = job.into_reply().send(r);
                        }
                    }
                    Err(e) => {
                        drop(writes);
                        for job in batch {
                            let _ = job.into_reply().send(Err(e.to_string()));
                        }
                    }
                }
            }
        });
        Writer { tx }
    }

    async fn send(&self, job: impl FnOnce(Reply) -> Job) -> Result<Option<Idempotent>, DbError> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        let gone = || DbError::Writer("the writer task has stopped".into());
        self.tx.send(job(reply)).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?.map_err(DbError::Writer)
    }

    /// Stores `new` (see [`insert_submissions`]) once its group has committed.
    pub async fn submissions(&self, new: NewSubmissions) -> Result<Option<Idempotent>, DbError> {
        self.send(|r| Job::Submissions(new, r)).await
    }

    /// Stores an audit record once its group has committed, and in the same transaction the
    /// reference to its request unless one of that hash is stored already.
    pub async fn audit(&self, a: AuditRecord, request: Option<RequestRef>) -> Result<(), DbError> {
        self.send(|r| Job::Audit(Box::new((a, request)), r))
            .await
            .map(|_| ())
    }
}

impl Job {
    fn write(&self) -> Write<'_> {
        match self {
            Job::Submissions(n, _) => Write::Submissions(n),
            Job::Audit(a, _) => Write::Audit(&a.0, a.1.as_ref()),
        }
    }

    fn into_reply(self) -> Reply {
        match self {
            Job::Submissions(_, r) | Job::Audit(_, r) => r,
        }
    }
}

/// A plan's stored submissions in evaluation order, as of one version of them.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub version: i64,
    pub list: Vec<Arc<StoredSubmission>>,
}

/// The stored submissions of the plans whose reports were asked for, kept in memory so a report
/// does not read them all again: the writer adds what it committed (when the copy is of the
/// version just before), and a report checks the database's version first and reads the plan
/// again only when its copy is behind (another process wrote, or the copy was dropped).
#[derive(Debug, Default)]
pub struct SubmissionMemory {
    plans: std::sync::Mutex<std::collections::HashMap<String, Arc<Snapshot>>>,
    /// Commits of this process whose rows may be in the database and not yet here.
    committing: std::sync::atomic::AtomicUsize,
    /// Signalled when such a commit's rows are here (or it failed).
    arrived: tokio::sync::Notify,
}

/// A commit of submissions on its way to the memory: counted from before it commits until its
/// rows are there (or it failed), when the waiting readers are woken.
pub(crate) struct Arriving<'a>(&'a SubmissionMemory);

impl Drop for Arriving<'_> {
    fn drop(&mut self) {
        self.0
            .committing
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        self.0.arrived.notify_waiters();
    }
}

impl SubmissionMemory {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Arc<Snapshot>>> {
        self.plans.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, plan_id: &str) -> Option<Arc<Snapshot>> {
        self.lock().get(plan_id).cloned()
    }

    fn arriving(&self) -> Arriving<'_> {
        self.committing
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Arriving(self)
    }

    /// The copy of `plan_id` at `version` or newer, once this process's commits in flight have
    /// brought it there: between a commit and its rows' arrival here, a report that read the
    /// new version would otherwise read every row of the plan again (seconds for a province,
    /// under load). `None` when there is no copy, or it is behind with no commit of this process
    /// in flight (another process wrote): read the database.
    async fn at_least(&self, plan_id: &str, version: i64) -> Option<Arc<Snapshot>> {
        loop {
            // Made before the check, so a commit arriving in between still wakes it.
            let arrived = self.arrived.notified();
            let s = self.get(plan_id)?;
            if s.version >= version {
                return Some(s);
            }
            if self.committing.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                return self.get(plan_id).filter(|s| s.version >= version);
            }
            arrived.await;
        }
    }

    fn put(&self, plan_id: &str, snap: Arc<Snapshot>) {
        let mut g = self.lock();
        let newer = g.get(plan_id).is_none_or(|old| old.version < snap.version);
        if newer {
            g.insert(plan_id.to_string(), snap);
        }
    }

    /// After a commit made `version` of `plan_id` by adding `new`'s rows.
    fn committed<'a>(
        &self,
        plan_id: &str,
        version: i64,
        new: impl Iterator<Item = &'a NewSubmissions>,
        created_at: &str,
    ) {
        let mut g = self.lock();
        let Some(old) = g.get(plan_id) else { return };
        if old.version >= version {
            // Read from the database after this commit: it has these rows already.
            return;
        }
        if old.version != version - 1 {
            // A version in between is not here (another process): read again when needed.
            g.remove(plan_id);
            return;
        }
        let mut list = old.list.clone();
        for n in new {
            for (id, sub) in &n.rows {
                let stored = StoredSubmission {
                    id: id.clone(),
                    plan_id: n.plan_id.clone(),
                    created_at: created_at.to_string(),
                    created_by: n.by.clone(),
                    // As it reads back from the database, so the copy equals a fresh read.
                    submission: Arc::new(
                        serde_json::from_str(&to_json(sub)).unwrap_or_else(|_| sub.clone()),
                    ),
                };
                // The database's order: created_at, then id.
                let at = list.partition_point(|s| {
                    (s.created_at.as_str(), s.id.as_str()) <= (created_at, id.as_str())
                });
                list.insert(at, Arc::new(stored));
            }
        }
        g.insert(plan_id.to_string(), Arc::new(Snapshot { version, list }));
    }
}

/// A plan's stored submissions and their version, from memory when the copy there is current.
pub async fn snapshot(db: &Db, plan_id: &str) -> Result<Arc<Snapshot>, DbError> {
    let version = plan_version(db, plan_id).await?;
    if let Some(s) = db.memory.at_least(plan_id, version).await {
        return Ok(s);
    }
    // One statement, one view of the database: the rows and the version they make.
    let rows = sqlx::query(
        "SELECT id, plan_id, created_at, created_by, submission_json, \
         (SELECT version FROM plan_versions v WHERE v.plan_id = $1) AS version \
         FROM submissions WHERE plan_id = $1 ORDER BY created_at, id",
    )
    .bind(plan_id)
    .fetch_all(&db.pool)
    .await
    .map_err(ctx("list submissions"))?;
    let version = match rows.first() {
        Some(r) => get::<Option<i64>, _>(r, "version")?.unwrap_or(0),
        None => 0,
    };
    let list = rows
        .iter()
        .map(|r| stored_from_row(r).map(Arc::new))
        .collect::<Result<Vec<_>, _>>()?;
    let snap = Arc::new(Snapshot { version, list });
    db.memory.put(plan_id, snap.clone());
    Ok(snap)
}

fn stored_from_row(r: &AnyRow) -> Result<StoredSubmission, DbError> {
    Ok(StoredSubmission {
        id: get(r, "id")?,
        plan_id: get(r, "plan_id")?,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
        submission: Arc::new(json(
            &get::<String, _>(r, "submission_json")?,
            "decode submission",
        )?),
    })
}

/// A new submission id: sorts by time, then by position in a batch.
pub fn submission_id(batch_stamp: &str, index: usize) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("s{batch_stamp}-{index:06}-{}", &random[..12])
}

/// Every submission of a plan in arrival order (the order evaluations see them).
pub async fn submissions(db: &Db, plan_id: &str) -> Result<Vec<StoredSubmission>, DbError> {
    let rows = sqlx::query(
        "SELECT id, plan_id, created_at, created_by, submission_json FROM submissions \
         WHERE plan_id = $1 ORDER BY created_at, id",
    )
    .bind(plan_id)
    .fetch_all(&db.pool)
    .await
    .map_err(ctx("list submissions"))?;
    rows.iter().map(stored_from_row).collect()
}

/// Stores an evaluation request's JSON once under its hash (sha256 of `request_json`): how
/// requests were stored before they were stored by reference; kept for `profile_report`'s
/// before-measurement.
pub async fn store_request(db: &Db, hash: &str, request_json: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_requests (hash, request_json) VALUES ($1, $2) \
         ON CONFLICT (hash) DO NOTHING",
    )
    .bind(hash)
    .bind(request_json)
    .execute(&db.pool)
    .await
    .map_err(ctx("store evaluation request"))?;
    Ok(())
}

/// An evaluation request stored by reference: plan `plan_id`'s revision `revision` as of
/// `as_of` with its stored submissions up to `version` (`submissions` of them, in evaluation
/// order), named by `hash` (sha256 of the request's canonical JSON). The audit's re-run rebuilds
/// the request from these and refuses it if its hash is not `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRef {
    pub hash: String,
    pub plan_id: String,
    pub revision: i64,
    pub as_of: chrono::NaiveDate,
    pub version: i64,
    pub submissions: i64,
}

/// The request an audit record evaluated, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredRequest {
    /// Its canonical JSON (records written before requests were stored by reference).
    Json(String),
    Ref(RequestRef),
    Missing,
}

async fn insert_audit_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    a: &AuditRecord,
    request: Option<&RequestRef>,
) -> Result<(), DbError> {
    if let Some(r) = request {
        sqlx::query(
            "INSERT INTO audit_requests (hash, request_json, plan_id, plan_revision, as_of, \
             version, submissions) VALUES ($1, '', $2, $3, $4, $5, $6) \
             ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&r.hash)
        .bind(&r.plan_id)
        .bind(r.revision)
        .bind(r.as_of.to_string())
        .bind(r.version)
        .bind(r.submissions)
        .execute(&mut **tx)
        .await
        .map_err(ctx("store evaluation request reference"))?;
    }
    sqlx::query(
        "INSERT INTO audit (id, created_at, actor, plan_id, plan_revision, plan_hash, pack_name, \
         pack_version, pack_hash, as_of, query_json, request_json, request_hash, result_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, $13)",
    )
    .bind(&a.id)
    .bind(&a.created_at)
    .bind(&a.actor)
    .bind(&a.plan_id)
    .bind(a.plan_revision)
    .bind(&a.plan_hash)
    .bind(&a.pack_name)
    .bind(&a.pack_version)
    .bind(&a.pack_hash)
    .bind(&a.as_of)
    .bind(to_json(&a.query))
    .bind(&a.request_hash)
    .bind(&a.result_hash)
    .execute(&mut **tx)
    .await
    .map_err(ctx("store audit record"))?;
    Ok(())
}

const AUDIT_COLUMNS: &str = "id, created_at, actor, plan_id, plan_revision, plan_hash, pack_name, \
     pack_version, pack_hash, as_of, query_json, request_hash, result_hash";

fn audit_from_row(r: &AnyRow) -> Result<AuditRecord, DbError> {
    Ok(AuditRecord {
        id: get(r, "id")?,
        created_at: get(r, "created_at")?,
        actor: get(r, "actor")?,
        plan_id: get(r, "plan_id")?,
        plan_revision: get(r, "plan_revision")?,
        plan_hash: get(r, "plan_hash")?,
        pack_name: get(r, "pack_name")?,
        pack_version: get(r, "pack_version")?,
        pack_hash: get(r, "pack_hash")?,
        as_of: get(r, "as_of")?,
        query: json(&get::<String, _>(r, "query_json")?, "decode audit query")?,
        request_hash: get::<Option<String>, _>(r, "request_hash")?.unwrap_or_default(),
        result_hash: get(r, "result_hash")?,
    })
}

/// Audit records, newest first, optionally of one plan.
pub async fn audit_list(db: &Db, plan_id: Option<&str>) -> Result<Vec<AuditRecord>, DbError> {
    let rows = match plan_id {
        Some(p) => {
            let sql = format!(
                "SELECT {AUDIT_COLUMNS} FROM audit WHERE plan_id = $1 ORDER BY created_at DESC, id"
            );
            sqlx::query(&sql).bind(p).fetch_all(&db.pool).await
        }
        None => {
            let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit ORDER BY created_at DESC, id");
            sqlx::query(&sql).fetch_all(&db.pool).await
        }
    }
    .map_err(ctx("list audit records"))?;
    rows.iter().map(audit_from_row).collect()
}

/// One audit record and the request it evaluated (kept in the row by the oldest records, as
/// JSON in `audit_requests` by later ones, by reference there by the newest).
pub async fn audit_get(db: &Db, id: &str) -> Result<Option<(AuditRecord, StoredRequest)>, DbError> {
    let columns = AUDIT_COLUMNS
        .split(", ")
        .map(|c| format!("a.{c} AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, COALESCE(NULLIF(a.request_json, ''), r.request_json, '') AS request, \
         r.plan_id AS ref_plan, r.plan_revision AS ref_revision, r.as_of AS ref_as_of, \
         r.version AS ref_version, r.submissions AS ref_submissions \
         FROM audit a LEFT JOIN audit_requests r ON r.hash = a.request_hash WHERE a.id = $1"
    );
    let Some(r) = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(ctx("read audit record"))?
    else {
        return Ok(None);
    };
    let record = audit_from_row(&r)?;
    let json: String = get(&r, "request")?;
    let request = if !json.is_empty() {
        StoredRequest::Json(json)
    } else if let Some(plan_id) = get::<Option<String>, _>(&r, "ref_plan")? {
        let as_of: String = get::<Option<String>, _>(&r, "ref_as_of")?.unwrap_or_default();
        StoredRequest::Ref(RequestRef {
            hash: record.request_hash.clone(),
            plan_id,
            revision: get::<Option<i64>, _>(&r, "ref_revision")?.unwrap_or_default(),
            as_of: chrono::NaiveDate::parse_from_str(&as_of, "%Y-%m-%d").map_err(|e| {
                DbError::Sqlx {
                    context: "decode the as_of of an audit request reference",
                    source: sqlx::Error::Decode(Box::new(e)),
                }
            })?,
            version: get::<Option<i64>, _>(&r, "ref_version")?.unwrap_or_default(),
            submissions: get::<Option<i64>, _>(&r, "ref_submissions")?.unwrap_or_default(),
        })
    } else {
        StoredRequest::Missing
    };
    Ok(Some((record, request)))
}

/// A plan's stored submissions up to `version` (those whose commit made that version or an
/// earlier one), in evaluation order.
pub async fn submissions_up_to(
    db: &Db,
    plan_id: &str,
    version: i64,
) -> Result<Vec<Submission>, DbError> {
    let rows = sqlx::query(
        "SELECT submission_json FROM submissions \
         WHERE plan_id = $1 AND COALESCE(version, 0) <= $2 ORDER BY created_at, id",
    )
    .bind(plan_id)
    .bind(version)
    .fetch_all(&db.pool)
    .await
    .map_err(ctx("list submissions up to a version"))?;
    rows.iter()
        .map(|r| {
            json(
                &get::<String, _>(r, "submission_json")?,
                "decode submission",
            )
        })
        .collect()
}

#[cfg(test)]
mod memory_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::time::Duration;

    fn memory_at(version: i64) -> Arc<SubmissionMemory> {
        let m = SubmissionMemory::default();
        m.put(
            "p",
            Arc::new(Snapshot {
                version,
                list: Vec::new(),
            }),
        );
        Arc::new(m)
    }

    /// A report of version 2 asked for while the commit of version 2 is in flight (`m` holds
    /// version 1): the commit's guard and the report, checked to be still waiting.
    async fn report_waiting_for_a_commit(
        m: &Arc<SubmissionMemory>,
    ) -> (super::Arriving<'_>, tokio::task::JoinHandle<Option<i64>>) {
        let arriving = m.arriving();
        let reader = tokio::spawn({
            let m = m.clone();
            async move { m.at_least("p", 2).await.map(|s| s.version) }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !reader.is_finished(),
            "answered before the commit's rows arrived"
        );
        (arriving, reader)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_report_waits_for_the_commit_in_flight_instead_of_reading_the_database() {
        let m = memory_at(1);
        let (arriving, reader) = report_waiting_for_a_commit(&m).await;
        m.committed("p", 2, std::iter::empty(), "2026-12-02 00:00:00");
        drop(arriving);
        assert_eq!(reader.await.unwrap(), Some(2));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_commit_sends_the_waiting_report_to_the_database() {
        let m = memory_at(1);
        let (arriving, reader) = report_waiting_for_a_commit(&m).await;
        // The commit failed: nothing arrives, the reader must not wait for ever.
        drop(arriving);
        assert_eq!(reader.await.unwrap(), None);
    }

    #[tokio::test]
    async fn with_no_commit_in_flight_a_copy_behind_is_not_served() {
        let m = memory_at(1);
        assert_eq!(m.at_least("p", 1).await.map(|s| s.version), Some(1));
        // Another process wrote version 2: the database has it, the memory does not.
        assert_eq!(m.at_least("p", 2).await.map(|s| s.version), None);
        assert!(m.at_least("other", 1).await.is_none());
    }

    #[test]
    fn a_copy_read_after_the_commit_is_kept() {
        // A report read version 2 from the database before the writer added its rows here.
        let m = memory_at(2);
        m.committed("p", 2, std::iter::empty(), "2026-12-02 00:00:00");
        assert_eq!(m.get("p").map(|s| s.version), Some(2));
        // The next commit extends it.
        m.committed("p", 3, std::iter::empty(), "2026-12-02 00:00:01");
        assert_eq!(m.get("p").map(|s| s.version), Some(3));
    }
}
