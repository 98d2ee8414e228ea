//! What the service stores: plan revisions, submissions, idempotency records, audit records.

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
    pub submission: Submission,
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

/// Submissions to store, with the response that acknowledges them.
pub struct NewSubmissions<'a> {
    pub plan_id: &'a str,
    pub by: &'a str,
    pub rows: Vec<(String, Submission)>,
    /// Token hash, key, request hash, status and response: stored in the same transaction, so
    /// a retry after a crash finds either both or neither.
    pub idempotency: Option<(&'a str, &'a str, String, u16, String)>,
}

/// `Ok(None)` when stored; `Ok(Some(previous))` when the idempotency key was stored meanwhile.
pub async fn insert_submissions(
    db: &Db,
    new: &NewSubmissions<'_>,
) -> Result<Option<Idempotent>, DbError> {
    let created_at = crate::now();
    let mut tx = db.pool.begin().await.map_err(ctx("begin"))?;
    // The first statement writes, so SQLite takes the write lock before reading anything.
    if let Some((token, key, request_hash, status, response)) = &new.idempotency {
        let r = sqlx::query(
            "INSERT INTO idempotency (token_hash, idem_key, request_hash, status, response, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(*token)
        .bind(*key)
        .bind(request_hash)
        .bind(i64::from(*status))
        .bind(response)
        .bind(&created_at)
        .execute(&mut *tx)
        .await
        .map_err(ctx("store idempotency key"));
        if let Err(e) = r {
            if is_unique_violation(&e) {
                drop(tx);
                return find_idempotent(db, token, key).await;
            }
            return Err(e);
        }
    }
    for (id, s) in &new.rows {
        sqlx::query(
            "INSERT INTO submissions (id, plan_id, agency, obligation, submission_json, \
             created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(new.plan_id)
        .bind(&s.agency)
        .bind(s.obligation.as_str())
        .bind(to_json(s))
        .bind(&created_at)
        .bind(new.by)
        .execute(&mut *tx)
        .await
        .map_err(ctx("store submission"))?;
    }
    tx.commit().await.map_err(ctx("commit submissions"))?;
    Ok(None)
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
    rows.iter()
        .map(|r| {
            Ok(StoredSubmission {
                id: get(r, "id")?,
                plan_id: get(r, "plan_id")?,
                created_at: get(r, "created_at")?,
                created_by: get(r, "created_by")?,
                submission: json(
                    &get::<String, _>(r, "submission_json")?,
                    "decode submission",
                )?,
            })
        })
        .collect()
}

/// Stores an audit record and the request it evaluated.
pub async fn insert_audit(db: &Db, a: &AuditRecord, request_json: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit (id, created_at, actor, plan_id, plan_revision, plan_hash, pack_name, \
         pack_version, pack_hash, as_of, query_json, request_json, result_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
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
    .bind(request_json)
    .bind(&a.result_hash)
    .execute(&db.pool)
    .await
    .map_err(ctx("store audit record"))?;
    Ok(())
}

const AUDIT_COLUMNS: &str = "id, created_at, actor, plan_id, plan_revision, plan_hash, pack_name, \
     pack_version, pack_hash, as_of, query_json, result_hash";

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

/// One audit record and the request it evaluated.
pub async fn audit_get(db: &Db, id: &str) -> Result<Option<(AuditRecord, String)>, DbError> {
    let sql = format!("SELECT {AUDIT_COLUMNS}, request_json FROM audit WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .map_err(ctx("read audit record"))?;
    row.map(|r| Ok((audit_from_row(&r)?, get(&r, "request_json")?)))
        .transpose()
}
